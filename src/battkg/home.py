"""Where battkg finds its own files: ontology/, data/, queries/ and shapes/ (the home).

In the source tree the home is the repository root. An installed wheel carries a copy
of the four folders inside the package (`battkg/home/`, put there when the wheel is
built: setup.py). BATTKG_HOME names another folder; a missing home is a clear error.
"""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError

#: the repository root when battkg runs from its source tree (src/battkg/..)
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: the copy of the home an installed wheel carries
PACKAGED_HOME = Path(__file__).resolve().parent / "home"
FOLDERS = ("ontology", "data", "queries", "shapes")


def _holds_home(folder: Path) -> bool:
    return all((folder / name).is_dir() for name in ("ontology", "queries"))


def find_home(explicit: str | None = None) -> Path:
    """BATTKG_HOME if given, else the source tree, else the installed package's copy."""
    if explicit:
        home = Path(explicit).resolve()
        if not home.is_dir():
            raise UsageError(
                f"BATTKG_HOME={explicit!r} is not a folder",
                fix="point BATTKG_HOME at a folder holding ontology/, data/, queries/ and shapes/, "
                "or unset it to use the files battkg ships with",
            )
        return home
    for candidate in (PROJECT_ROOT, PACKAGED_HOME):
        if _holds_home(candidate):
            return candidate
    raise UsageError(
        f"battkg's ontology/ and queries/ are neither in the source tree ({PROJECT_ROOT}) "
        f"nor in the installed package ({PACKAGED_HOME})",
        fix="reinstall battkg from a wheel built with `pip wheel .` or `python -m build`, "
        "or set BATTKG_HOME to a folder holding ontology/, data/, queries/ and shapes/",
    )
