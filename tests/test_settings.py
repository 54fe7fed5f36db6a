"""The settings table is the one place settings live: the README, the CLI's help, the
record's fields and every read of the environment follow from it."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from battkg.cli import build_parser
from battkg.errors import UsageError
from battkg.settings import (
    COUNT,
    FOLDER,
    HTTP,
    NAMES,
    NUMBER,
    PROJECT_ROOT,
    SECRET,
    SETTINGS,
    TEXT,
    Settings,
    markdown_table,
)

SRC = PROJECT_ROOT / "src" / "battkg"
#: modules that may touch os.environ: the settings themselves, and the CLI, which passes
#: the environment on to Settings.from_env and to the processes it starts
ENVIRONMENT_READERS = {"settings.py", "cli.py"}
#: a good and (where there is one) a bad value of each type, and what the good one reads as
SAMPLES: dict[str, tuple[str, object, str | None]] = {
    NUMBER.name: ("2.5", 2.5, "soon"),
    COUNT.name: ("3", 3, "0"),
    HTTP.name: ("https://example.org/kg/", "https://example.org/kg", "example.org"),
    NAMES.name: ("a, b,,c", ("a", "b", "c"), None),
    SECRET.name: ("s3cret", "s3cret", None),
    TEXT.name: ("debug", "debug", None),
    FOLDER.name: ("/srv/files", Path("/srv/files"), None),
}


def test_the_readme_table_is_the_settings_table() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Settings (environment)", 1)[1].split("\n## ", 1)[0]
    table = "".join(line + "\n" for line in section.splitlines() if line.startswith("|"))
    assert table == markdown_table(), "run `python -m battkg.settings` and paste its table"


def test_the_cli_help_lists_every_setting() -> None:
    help_text = build_parser().format_help()
    for setting in SETTINGS:
        assert setting.name in help_text, setting.name


def test_every_field_of_the_record_is_set_by_one_setting() -> None:
    attrs = [s.attr for s in SETTINGS if s.attr]
    assert len(attrs) == len(set(attrs))
    fields = {f.name for f in dataclasses.fields(Settings)}
    # store, home and remote are read as groups (a folder or a server; the home's folders)
    assert fields - set(attrs) == {"store", "home", "remote"}
    assert set(attrs) <= fields


@pytest.mark.parametrize("setting", [s for s in SETTINGS if s.attr], ids=lambda s: s.name)
def test_each_setting_is_read_and_checked_by_its_type(setting, tmp_path: Path) -> None:
    good, value, bad = SAMPLES[setting.kind.name]
    base = {"BATTKG_STORE": str(tmp_path / "store")}
    assert getattr(Settings.from_env({**base, setting.name: good}), setting.attr) == value
    assert setting.attr is not None
    if bad is not None:
        with pytest.raises(UsageError) as refused:
            Settings.from_env({**base, setting.name: bad})
        assert setting.name in str(refused.value) and setting.kind.name in refused.value.fix


def test_defaults_and_derived_values() -> None:
    assert Settings.from_env({"BATTKG_QUERY_WORKERS": "6"}).per_client == 3
    assert Settings.from_env({"BATTKG_QUERY_WORKERS": "2"}).per_client == 1
    explicit = Settings.from_env({"BATTKG_QUERY_WORKERS": "6", "BATTKG_SPARQL_PER_CLIENT": "4"})
    assert explicit.per_client == 4
    assert Settings.from_env({}).max_upload_bytes == 12 * 1024 * 1024
    assert Settings.from_env({"BATTKG_ESCO_DIR": ""}).esco_dir is None


def _environment_reads(path: Path) -> list[int]:
    """Lines of `path` that read os.environ or call getenv (setting a variable for the
    processes a module starts, `os.environ[NAME] = value`, is not a read)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    written = {
        id(target.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Subscript)
    }
    names = ("environ", "getenv", "environb")
    return [
        node.lineno
        for node in ast.walk(tree)
        if id(node) not in written
        and (
            (isinstance(node, ast.Attribute) and node.attr in names)
            or (isinstance(node, ast.Name) and node.id in names)
        )
    ]


def test_nothing_else_reads_the_environment() -> None:
    readers = {
        str(path.relative_to(SRC)): lines
        for path in sorted(SRC.rglob("*.py"))
        if (lines := _environment_reads(path))
        and str(path.relative_to(SRC)) not in ENVIRONMENT_READERS
    }
    assert readers == {}, "read settings from kg.settings (a row of settings.SETTINGS) instead"


def test_every_battkg_variable_the_code_names_is_in_the_table() -> None:
    named = {s.name for s in SETTINGS}
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        found |= set(re.findall(r"\bBATTKG_[A-Z_]+[A-Z]\b", path.read_text(encoding="utf-8")))
    # BATTKG_VENV belongs to ./dev, not to battkg
    assert found - named == set()
