"""Hostile RDF/XML and JSON-LD are refused before any parser recurses (issue 14, items 1 and 2).

The refusals are errors (422 over HTTP, exit 2 on the command line) that name
the rule and the limit; tests/test_hostile_ingest.py sends the same files to a
real server under a memory cap.
"""

from __future__ import annotations

import time

import pytest

from battkg.ingest import MAX_DEPTH, UnsafeInputError, read_partner_file
from battkg.namespaces import Iris

from . import attacks

IRIS = Iris()
ATTACKS = {
    "billion laughs": ("x.rdf", attacks.billion_laughs(), "flat entities only"),
    "quadratic blow-up": ("x.rdf", attacks.quadratic_blowup(), "entity size"),
    "many references": ("x.rdf", attacks.quadratic_blowup(4_000, 2_000), "entity expansion"),
    "external entity": ("x.rdf", attacks.external_entity(), "no external entities"),
    "deep RDF/XML": ("x.rdf", attacks.deep_rdfxml(40_000), "nesting depth"),
    "deep JSON-LD arrays": ("x.jsonld", attacks.deep_jsonld_arrays(20_000), "nesting depth"),
    "deep JSON-LD objects": ("x.jsonld", attacks.deep_jsonld_objects(50_000), "nesting depth"),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_hostile_files_are_refused_fast_naming_the_rule(attack: str) -> None:
    name, data, rule = ATTACKS[attack]
    started = time.monotonic()
    with pytest.raises(UnsafeInputError) as refused:
        read_partner_file(data, name, IRIS)
    assert time.monotonic() - started < 2
    assert refused.value.status == 422 and rule in refused.value.details["rule"]
    assert name in refused.value.message and refused.value.fix


def test_the_depth_limit_is_named_and_just_under_it_reads() -> None:
    with pytest.raises(UnsafeInputError) as refused:
        read_partner_file(attacks.deep_rdfxml(MAX_DEPTH), "x.rdf", IRIS)
    assert f"more than {MAX_DEPTH} levels" in refused.value.message
    # rdf:RDF and rdf:Description take two levels
    assert read_partner_file(attacks.deep_rdfxml(MAX_DEPTH - 2), "x.rdf", IRIS).readable
    assert read_partner_file(attacks.deep_jsonld_arrays(MAX_DEPTH - 1), "x.jsonld", IRIS).readable
    with pytest.raises(UnsafeInputError):
        read_partner_file(attacks.deep_jsonld_arrays(MAX_DEPTH), "x.jsonld", IRIS)


def test_strings_with_brackets_do_not_count_as_nesting() -> None:
    doc = b'{"@id": "https://example.org/s", "https://example.org/p": "' + b"[{" * 500 + b'"}'
    assert read_partner_file(doc, "x.jsonld", IRIS).quads


def test_flat_namespace_entities_as_ontology_editors_write_them_still_read() -> None:
    doc = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY ex "https://example.org/"> <!ENTITY xsd "http://www.w3.org/2001/XMLSchema#"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">
  <rdf:Description rdf:about="&ex;s"><ex:n rdf:datatype="&xsd;integer">3</ex:n></rdf:Description>
</rdf:RDF>"""
    pf = read_partner_file(doc, "x.rdf", IRIS)
    assert pf.readable and [str(q.subject) for q in pf.quads] == ["<https://example.org/s>"]


def test_a_broken_file_is_still_a_syntax_fault_not_a_refusal() -> None:
    pf = read_partner_file(b"<rdf:RDF><unclosed>", "x.rdf", IRIS)
    assert not pf.readable and "syntax" in pf.faults[0].rule
    pf = read_partner_file(b'{"a": [1, 2}', "x.jsonld", IRIS)
    assert not pf.readable
