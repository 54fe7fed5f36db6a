"""Hostile partner files and upload bodies (issue 14), shared by the tests and bench/hostile.py.

Each function returns the bytes an attacker would send, small enough to build
in memory (the bodies that are meant to be big are built to the size asked
for). The tests send them to a real server and check the refusal; the bench
measures peak memory, the time /health was unavailable and the status.

    from tests.attacks import billion_laughs, deep_rdfxml      # from the repository root
"""

from __future__ import annotations

import uuid

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_OPEN = f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="https://example.org/attack#">'


def billion_laughs(levels: int = 9, width: int = 10) -> bytes:
    """RDF/XML with nested internal entities: `levels` of `width` expand to width**levels "lol"s."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * width}">' for i in range(1, levels)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        + "\n".join(entities)
        + "\n]>\n"
        + _RDF_OPEN
        + '<rdf:Description rdf:about="https://example.org/attack#s">'
        + f"<ex:p>&lol{levels - 1};</ex:p></rdf:Description></rdf:RDF>\n"
    ).encode()


def quadratic_blowup(value_bytes: int = 100_000, references: int = 10_000) -> bytes:
    """RDF/XML with one large flat entity referenced many times (no nesting, same effect)."""
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        f'<!ENTITY big "{"x" * value_bytes}">\n]>\n'
        + _RDF_OPEN
        + '<rdf:Description rdf:about="https://example.org/attack#s">'
        + f"<ex:p>{'&big;' * references}</ex:p></rdf:Description></rdf:RDF>\n"
    ).encode()


def external_entity(target: str = "file:///etc/passwd") -> bytes:
    """RDF/XML whose entity names a file or URL (XXE)."""
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "{target}">]>\n'
        + _RDF_OPEN
        + '<rdf:Description rdf:about="https://example.org/attack#s">'
        + "<ex:p>&xxe;</ex:p></rdf:Description></rdf:RDF>\n"
    ).encode()


def deep_rdfxml(depth: int = 40_000) -> bytes:
    """RDF/XML with property elements nested `depth` levels deep (1.8 MB at 40,000)."""
    return (
        _RDF_OPEN
        + '<rdf:Description rdf:about="https://example.org/attack#s">'
        + '<ex:p rdf:parseType="Resource">' * depth
        + "</ex:p>" * depth
        + "</rdf:Description></rdf:RDF>\n"
    ).encode()


def deep_jsonld_arrays(depth: int = 20_000) -> bytes:
    """JSON-LD whose value is `[[[[...]]]]` nested `depth` deep."""
    return (
        b'{"@id": "https://example.org/attack#s", "https://example.org/attack#p": '
        + b"[" * depth
        + b"]" * depth
        + b"}"
    )


def deep_jsonld_objects(depth: int = 50_000) -> bytes:
    """JSON-LD whose value is `{"a": {"a": ...}}` nested `depth` deep."""
    return (
        b'{"@id": "https://example.org/attack#s", "https://example.org/attack#p": '
        + b'{"a": ' * depth
        + b"1"
        + b"}" * depth
        + b"}"
    )


def multipart(
    files: list[tuple[str, bytes, str]], boundary: str | None = None
) -> tuple[bytes, str]:
    """A multipart/form-data body of (filename, content, media type); returns (body, content type)."""
    boundary = boundary or uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="file{i}"; filename="{name}"\r\n'
        f"Content-Type: {media}\r\n\r\n".encode()
        + content
        + b"\r\n"
        for i, (name, content, media) in enumerate(files)
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}"
    )


def many_files(count: int = 1_000, size: int = 1_024) -> tuple[bytes, str]:
    """A multipart body of `count` small Turtle files: each under the per-file limit."""
    one = b"# padding\n" * (size // 10)
    return multipart([(f"f{i}.ttl", one, "text/turtle") for i in range(count)])


def curated_rewrite_turtle(base: str = "https://w3id.org/battkg") -> bytes:
    """A partner Turtle file that relabels a curated role and gives it a new essential skill."""
    return f"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix bkg: <https://w3id.org/battkg/ontology#> .
<{base}/id/role/automation-technician> skos:prefLabel "pwned role"@en ;
    bkg:essentialSkill <{base}/id/skill/electrode-slurry-mixing> .
""".encode()
