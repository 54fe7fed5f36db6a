"""The README documents every setting, CLI command and HTTP endpoint the code has."""

from __future__ import annotations

import json
import re

from battkg.cli import _COMMANDS
from battkg.settings import PROJECT_ROOT, SETTINGS

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme() -> None:
    for setting in SETTINGS:
        short = setting.name.replace("BATTKG_SPARQL_", "_")
        assert setting.name in README or f"`{short}`" in README, setting.name


def test_every_cli_command_is_in_the_readme() -> None:
    for name in _COMMANDS:
        assert f"`battkg {name}" in README, name


def _shape(path: str) -> str:
    """A path with its parameters as {} and its query string dropped: /datasets/{} ."""
    path = path.split("?", 1)[0].replace("...", "{}")
    return re.sub(r"\{[^}]*\}", "{}", path).rstrip("/") or "/"


def readme_endpoints() -> set[str]:
    """The paths named in the first column of the README's HTTP table."""
    section = README.split("## HTTP", 1)[1].split("\n## ", 1)[0]
    found = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            found |= {_shape(m) for m in re.findall(r"`(?:[A-Z, ]+ )?(/[^`\s]*)`", first)}
    return found


def test_every_endpoint_is_in_the_readme() -> None:
    paths = json.loads((PROJECT_ROOT / "api" / "openapi.json").read_text(encoding="utf-8"))["paths"]
    documented = readme_endpoints()
    assert {_shape(p) for p in paths} <= documented, {_shape(p) for p in paths} - documented


def test_the_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```")[1]
    commands = [
        line.split("#")[0].strip()
        for line in first_block.splitlines()
        if line.strip() and not line.startswith("sh")
    ]
    assert commands == ["./dev serve", "./dev test"]
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./dev test" in ci


def test_pre_commit_runs_what_the_test_command_runs() -> None:
    """Each lint and type check of `./dev test` is a local hook of .pre-commit-config.yaml."""
    dev = (PROJECT_ROOT / "dev").read_text(encoding="utf-8")
    steps = dev.split("  test)", 1)[1].split(";;", 1)[0]
    checks = [
        line.strip().replace('"$VENV/bin/', ".venv/bin/").replace('"', "")
        for line in steps.splitlines()
        if line.strip().startswith('"$VENV/bin/') and "pytest" not in line
    ]
    config = (PROJECT_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    entries = [
        line.split("entry:", 1)[1].strip() for line in config.splitlines() if "entry:" in line
    ]
    assert len(checks) == 3 and "repo: local" in config
    for check in checks:
        assert check in entries, check


def test_every_docs_page_the_code_names_exists() -> None:
    """api/asgi.py once linked docs/operations.md, which never existed."""
    named = set()
    for folder in ("src", "api", "bench"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            named |= set(re.findall(r"docs/[\w./-]+\.md", path.read_text(encoding="utf-8")))
    named |= set(re.findall(r"docs/[\w./-]+\.md", README))
    assert named and not {n for n in named if not (PROJECT_ROOT / n).is_file()}
