"""The one packaging step pyproject.toml cannot declare: battkg's home in the wheel.

The ontology/, data/, queries/ and shapes/ folders live at the repository root (they are
reviewed as data, not code), so `package-data` cannot name them. Building the package
copies them into `battkg/home/`, where an installed battkg finds them (src/battkg/home.py).
An editable install skips the copy: it runs from the source tree, whose root is the home.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
HOME_FOLDERS = ("ontology", "data", "queries", "shapes")


class BuildWithHome(build_py):  # type: ignore[misc]
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "battkg" / "home"
        for name in HOME_FOLDERS:
            source = ROOT / name
            if not source.is_dir():
                raise SystemExit(f"cannot package battkg: the folder {source} is missing")
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(".*", "*~"))


setup(cmdclass={"build_py": BuildWithHome})
