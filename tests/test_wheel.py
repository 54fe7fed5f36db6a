"""battkg installs as a wheel: built from a copy of the source, installed into a fresh
virtual environment outside the source tree, it builds the graph and serves it from the
files the wheel carries (issue 15, "the package is installable as a wheel")."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from battkg.home import FOLDERS
from battkg.settings import PROJECT_ROOT
from tests.live_server import free_port

pytestmark = pytest.mark.slow
#: what building the wheel needs from the source tree
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "src", *FOLDERS)


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding the wheel of this source; its dependencies from the test's own venv."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in SOURCES:  # a copy, so that building writes nothing into the repository
        origin = PROJECT_ROOT / name
        if origin.is_dir():
            skip = shutil.ignore_patterns("__pycache__", "*.egg-info", "home")
            shutil.copytree(origin, source / name, ignore=skip)
        else:
            shutil.copy2(origin, source / name)
    dist = base / "dist"
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check")
    _run(
        *pip,
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        dist,
        source,
        cwd=base,
    )
    (wheel,) = dist.glob("battkg-*.whl")
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    python = venv / "bin" / "python"
    site = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=base
        ).strip()
    )
    # no network: the dependencies are the ones this test runs with (battkg itself is not
    # among them: .pth lines add folders, not the editable install's own .pth finder)
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(*pip, "--python", python, "install", "--no-index", "--no-deps", wheel, cwd=base)
    return venv


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATTKG_")}
    return {**env, "BATTKG_ESCO_DIR": "", "BATTKG_QUERY_WORKERS": "2", **extra}


def test_the_installed_package_is_the_wheel_with_its_home(installed: Path, tmp_path: Path) -> None:
    probe = "import battkg, battkg.settings as s; print(battkg.__file__); print(s.Settings.from_env().home)"
    module, home = _run(installed / "bin" / "python", "-c", probe, cwd=tmp_path, env=_env()).split()
    assert module.startswith(str(installed)) and not module.startswith(str(PROJECT_ROOT / "src"))
    assert Path(home) == Path(module).parent / "home"
    for folder in FOLDERS:
        shipped = {p.relative_to(Path(home) / folder) for p in (Path(home) / folder).rglob("*.*")}
        source = {
            p.relative_to(PROJECT_ROOT / folder) for p in (PROJECT_ROOT / folder).rglob("*.*")
        }
        assert shipped == source, folder


def test_a_missing_home_is_a_clear_error(installed: Path, tmp_path: Path) -> None:
    env = _env(BATTKG_HOME=str(tmp_path / "nowhere"))
    done = subprocess.run(
        [installed / "bin" / "battkg", "build"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "BATTKG_HOME" in done.stderr and "is not a folder" in done.stderr


@pytest.fixture()
def served(installed: Path, tmp_path: Path) -> Iterator[str]:
    """`battkg build` then `battkg serve` from the venv, in a folder outside the source tree."""
    _run(installed / "bin" / "battkg", "build", cwd=tmp_path, env=_env())
    assert (tmp_path / "var" / "store" / "CURRENT").is_file()  # the default store: ./var/store
    port = free_port()
    process = subprocess.Popen(
        [installed / "bin" / "battkg", "serve", "--port", str(port)],
        cwd=tmp_path, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)


def test_the_wheel_builds_and_serves(served: str) -> None:
    assert httpx.get(served + "/health").status_code == 200
    page = httpx.get(served + "/", params={"lang": "sv"}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and '<html lang="sv">' in page.text  # the templates
    assert 'aria-label="Språk"' in page.text  # and the message catalogues
    assert httpx.get(served + "/static/battkg.css").status_code == 200
    listing = httpx.get(served + "/queries", headers={"Accept": "application/json"}).json()
    assert listing, "the named queries shipped in the wheel"
    guide = httpx.get(served + "/guide", headers={"Accept": "text/html"})
    assert guide.status_code == 200
