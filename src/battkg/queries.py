"""The registry of named queries: queries/*.rq, each with a header saying what it answers.

Header format (comment lines at the top of the file)::

    # title: Roles by value-chain stage
    # description: Job roles with their stage, typical EQF level and ESCO match.
    # param: stage iri:stage optional  The value-chain stage (IRI or short id).
    # param: lang lang default=en  Language of the labels.

A parameter is `name kind [optional|default=VALUE] description`. Kinds: `iri`,
`iri:<kind>` (a short id expands to <base>/id/<kind>/<id>), `string`, `lang`,
`integer`, `decimal`, `boolean`. Values are bound to the query's variable of the
same name as RDF terms (SEP-0007 substitution), never pasted into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from .errors import NotFoundError, QueryError, StoreError, UsageError
from .namespaces import XSD, Iris


def query_file(queries_dir: Path, folder: str, name: str, what: str) -> str:
    """The text of queries/<folder>/<name>.rq, one of battkg's internal queries (not named
    queries); a StoreError naming `what` and the file when it cannot be read."""
    path = queries_dir / folder / f"{name}.rq"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StoreError(
            f"cannot read {what} {path}: {exc.strerror}",
            fix=f"restore queries/{folder}/ from the repository (BATTKG_HOME must point at it)",
        ) from exc


_HEADER = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*)$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LANG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
KINDS = ("iri", "string", "lang", "integer", "decimal", "boolean")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    description: str = ""
    optional: bool = False
    default: str | None = None

    @property
    def required(self) -> bool:
        return not self.optional and self.default is None

    def to_term(self, raw: str, iris: Iris) -> ox.NamedNode | ox.Literal:
        base_kind, _, id_kind = self.kind.partition(":")
        try:
            if base_kind == "iri":
                if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", raw):
                    return ox.NamedNode(raw)
                if id_kind and re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", raw):
                    return ox.NamedNode(iris.thing(id_kind, raw))
                raise ValueError(
                    "not an absolute IRI" + (f" or a short {id_kind} id" if id_kind else "")
                )
            if base_kind == "lang":
                if not _LANG.match(raw):
                    raise ValueError("not a language tag such as en, sv, fi or nb")
                return ox.Literal(raw.lower())
            if base_kind == "integer":
                return ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))
            if base_kind == "decimal":
                return ox.Literal(str(Decimal(raw)), datatype=ox.NamedNode(XSD + "decimal"))
            if base_kind == "boolean":
                if raw.lower() not in ("true", "false", "1", "0"):
                    raise ValueError("not true or false")
                return ox.Literal(
                    str(raw.lower() in ("true", "1")).lower(),
                    datatype=ox.NamedNode(XSD + "boolean"),
                )
            return ox.Literal(raw)
        except (ValueError, InvalidOperation) as exc:
            raise UsageError(
                f"parameter {self.name}={raw!r} is invalid: {exc}",
                fix=f"give {self.name} as {self.kind}",
                details={"parameter": self.name, "value": raw},
            ) from exc


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    title: str
    description: str
    text: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def bind(
        self, given: dict[str, str], iris: Iris
    ) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise UsageError(
                f"query {self.name} has no parameter {', '.join(unknown)}",
                fix=f"use {', '.join(known) or 'no parameters'}",
                details={"unknown": unknown, "parameters": sorted(known)},
            )
        bound: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
        for param in self.params:
            raw = given.get(param.name, param.default)
            if raw is None or raw == "":
                if param.required:
                    raise UsageError(
                        f"query {self.name} needs the parameter {param.name}",
                        fix=f"give {param.name} ({param.kind}): {param.description}",
                        details={"parameter": param.name},
                    )
                continue
            bound[ox.Variable(param.name)] = param.to_term(raw, iris)
        return bound

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "parameters": [
                {
                    "name": p.name,
                    "kind": p.kind,
                    "required": p.required,
                    "default": p.default,
                    "description": p.description,
                }
                for p in self.params
            ],
        }


def parse_query_file(path: Path, name: str | None = None) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise NotFoundError(f"cannot read query file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise QueryError(f"query file {path} is not UTF-8") from exc
    title, description, params = "", "", []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "title":
            title = value.strip()
        elif key == "description":
            description = f"{description} {value.strip()}".strip()
        else:
            params.append(_parse_param(value, path))
    return NamedQuery(
        name or path.stem, path, title or (name or path.stem), description, text, tuple(params)
    )


def _parse_param(spec: str, path: Path) -> Param:
    words = spec.split()
    if len(words) < 2:
        raise QueryError(
            f"{path}: bad parameter line {spec!r}",
            fix="write `# param: NAME KIND [optional|default=V] text`",
        )
    name, kind, rest = words[0], words[1], words[2:]
    if kind.partition(":")[0] not in KINDS:
        raise QueryError(
            f"{path}: parameter {name} has unknown kind {kind!r}",
            fix=f"use one of {', '.join(KINDS)}",
        )
    optional, default = False, None
    while rest and (rest[0] == "optional" or rest[0].startswith("default=")):
        word = rest.pop(0)
        if word == "optional":
            optional = True
        else:
            default = word.removeprefix("default=")
    return Param(name, kind, " ".join(rest), optional, default)


class QueryRegistry:
    """The named queries in a folder (and the *-violation.rq checks in its checks/ sub-folder)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cache: dict[str, tuple[float, NamedQuery]] = {}

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.rq"))

    def checks(self) -> list[NamedQuery]:
        folder = self.folder / "checks"
        return (
            [parse_query_file(p) for p in sorted(folder.glob("*-violation.rq"))]
            if folder.is_dir()
            else []
        )

    def all(self) -> list[NamedQuery]:
        return [self.get(n) for n in self.names()]

    def get(self, name: str) -> NamedQuery:
        if not _NAME.match(name):
            raise NotFoundError(
                f"there is no named query {name!r}", fix="GET /queries lists the named queries"
            )
        path = self.folder / f"{name}.rq"
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            close = [n for n in self.names() if name in n or n in name]
            raise NotFoundError(
                f"there is no named query {name!r}",
                fix="GET /queries (or `battkg query --list`) lists them",
                details={"closest": close[:5]},
            ) from None
        cached = self._cache.get(name)
        if cached is None or cached[0] != mtime:
            cached = (mtime, parse_query_file(path, name))
            self._cache[name] = cached
        return cached[1]
