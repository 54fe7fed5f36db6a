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


def test_every_endpoint_is_in_the_readme() -> None:
    paths = json.loads((PROJECT_ROOT / "api" / "openapi.json").read_text(encoding="utf-8"))["paths"]
    for path in paths:
        stem = re.sub(r"\{[^}]+\}.*", "", path).rstrip("/") or path
        assert stem in README, path


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
