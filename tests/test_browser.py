"""The pages in a real browser: Debian's Chromium driven by Playwright, checked with axe-core.

For each language a counsellor describes a person, picks a role, reads the routes, changes a
filter, switches the language, opens the matrix and prints the plan to PDF, and a planner
reads the gap analysis and posts its what-if form, with no console
error, no failed request and no request to anywhere but battkg. axe finds no serious or
critical violation on any page. Screenshots of every page at 360 and 1280 px go to the test's
temporary folder, and to $BATTKG_SCREENSHOTS when it is set. `./dev test` installs chromium
with apt-get when it is missing; without it these tests are skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from battkg.kg import KnowledgeGraph
from battkg.web.app import create_app

CHROMIUM = Path(os.environ.get("BATTKG_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
WIDTHS = (360, 1280)
LANGS = ("sv", "fi", "nb", "en")
#: the language each test switches to
NEXT = {"sv": "fi", "fi": "nb", "nb": "en", "en": "sv"}
ROLE = "cell-assembly-operator"
#: the rules of WCAG 2.0 and 2.1, levels A and AA
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (./dev test installs it)"
    ),
]
sync_api = pytest.importorskip("playwright.sync_api")
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(curated_kg: KnowledgeGraph) -> Iterator[str]:
    """A real HTTP server (uvicorn in a thread) over the curated graph."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(kg=curated_kg), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


class Visit:
    """One language's walk through the pages, recording every problem the browser sees."""

    def __init__(self, context: Any, base: str, lang: str, shots: Path) -> None:
        self.base, self.lang, self.shots = base, lang, shots
        self.problems: list[str] = []
        #: pages that answer 404 on purpose (Chromium logs the status of the page itself)
        self.expected_errors: set[str] = set()
        context.clear_cookies()
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on(
            "requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}")
        )
        self.page.on("request", self._request)
        self.axe = axe_module.Axe()

    def _console(self, message: Any) -> None:
        expected = self.page.url in self.expected_errors and "status of 404" in message.text
        if message.type == "error" and not expected:
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _request(self, request: Any) -> None:
        if not request.url.startswith((self.base, "data:", "blob:", "about:")):
            self.problems.append(f"request to elsewhere: {request.url}")

    def check(self, name: str) -> None:
        """axe (no serious or critical violation) and a screenshot at each width."""
        page = self.page
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                self.problems.append(f"{name} is {overflow}px wider than {width}px")
            page.screenshot(
                path=str(self.shots / f"{self.lang}-{name}-{width}.png"), full_page=True
            )
        page.set_viewport_size({"width": 1280, "height": 900})
        results = self.axe.run(page, options=AXE_OPTIONS)
        for v in results.response["violations"]:
            if v["impact"] in ("serious", "critical"):
                nodes = [n["target"] for n in v["nodes"][:3]]
                self.problems.append(f"axe {v['impact']} on {name}: {v['id']} {v['help']} {nodes}")

    def goto(self, path: str, status: int = 200) -> Any:
        if status != 200:
            self.expected_errors.add(self.base + path)
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == status, path
        return response


@pytest.fixture(scope="module", autouse=True)
def keep_screenshots(shots: Path) -> Iterator[None]:
    yield
    target = os.environ.get("BATTKG_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        for png in shots.glob("*.png"):
            shutil.copy2(png, Path(target) / png.name)


@pytest.mark.parametrize("lang", LANGS)
def test_a_counsellor_finds_routes_in_each_language(
    browser: Any, base_url: str, shots: Path, tmp_path: Path, lang: str
) -> None:
    v = Visit(browser, base_url, lang, shots)
    page = v.page
    expect = sync_api.expect

    # describe a person and pick a role
    v.goto(f"/guide?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    v.check("guide")
    page.select_option("#home", "SE331")
    page.select_option("#entry", "compulsory-school-only")
    page.fill("#experience", "1")
    page.select_option("#situation", "unemployed")
    page.select_option("#role", ROLE)
    page.locator("form.person button[type=submit]").first.click()
    page.wait_for_url("**/guide/routes?**")

    # the routes: the first route's provider is shown, estimate marks are there
    first = page.locator("article.route").first
    expect(first).to_be_visible()
    provider = first.locator("dl.facts > div").first.locator("dd")
    assert provider.inner_text().strip()
    assert page.locator("article.route .mark").count() > 0
    assert page.locator("svg.timeline title").count() > 0
    v.check("routes")

    # change a filter: applied without a reload, the address keeps the whole state
    page.locator('input[name="cross_border"][value="0"]').check()
    expect(page).to_have_url(re.compile(r"[?&]cross_border=0"))
    expect(page.locator("#results article.route").first).to_be_visible()
    for part in (
        "role=" + ROLE,
        "home=SE331",
        "entry=compulsory-school-only",
        "cross_border=0",
        "situation=unemployed",
    ):
        assert part in page.url

    # switch the language: the state is kept
    other = NEXT[lang]
    page.locator(f'.lang-switch a[hreflang="{other}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", other)
    for part in (
        "role=" + ROLE,
        "home=SE331",
        "cross_border=0",
        "situation=unemployed",
        f"lang={other}",
    ):
        assert part in page.url
    expect(page.locator("article.route").first).to_be_visible()
    routes_url = page.url

    # print the plan: one page of PDF
    page.emulate_media(media="print")
    pdf = tmp_path / f"plan-{lang}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.emulate_media(media="screen")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert pages == 1, f"the printed plan has {pages} pages"

    # the matrix, from the routes page's link
    page.goto(routes_url.replace(f"lang={other}", f"lang={lang}"))
    page.locator('.person-summary a[href^="/guide/matrix"]').click()
    page.wait_for_url("**/guide/matrix?**")
    expect(page.locator("svg.matrix").first).to_be_visible()
    assert page.locator("table tbody tr").count() > 0
    v.check("matrix")

    # the other pages of the guide, and the pages for the other audiences
    for name, path, status in (
        ("home", f"/?lang={lang}", 200),
        ("role", f"/guide/roles/{ROLE}?lang={lang}", 200),
        ("validate", f"/validate?lang={lang}", 200),
        ("thing", f"/id/role/{ROLE}?lang={lang}", 200),
        ("not-found", f"/guide/routes?role=cell-asembly&lang={lang}", 404),
        ("error", f"/no/such/page?lang={lang}", 404),
    ):
        v.goto(path, status)
        assert page.locator("html").get_attribute("lang") == lang, path
        v.check(name)
    # the gap analysis for planners: charts, table, and the what-if form posted
    v.goto(f"/guide/gaps?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.locator("svg").first).to_be_visible()
    v.check("gaps")
    v.goto(f"/guide/gaps?region=NO071&lang={lang}")  # Nordland: no demand figure, capacity alone
    assert page.locator("#regions ~ p.note, figcaption.legend").count() > 0
    v.check("gaps-no-demand")
    form = page.locator('form[method="post"][action="/guide/gaps"]')
    form.locator('select[name="region"]').select_option(index=0)
    form.locator('select[name="level"]').select_option("post-secondary-vocational")
    form.locator('input[name="places"]').fill("30")
    form.locator('select[name="roles"]').select_option(ROLE)
    form.locator('button[type="submit"]').click()
    page.wait_for_load_state()
    expect(page.locator("#what-if + p")).to_be_visible()
    assert page.locator("#what-if + p + .table-wrap table tbody tr").count() > 0
    v.check("gaps-what-if")
    course = page.goto(base_url + f"/guide/roles/{ROLE}?lang={lang}")
    assert course is not None
    page.locator('a[href^="/guide/courses/"]').first.click()
    page.wait_for_url("**/guide/courses/**")
    v.check("course")
    page.close()
    assert v.problems == [], "\n".join(v.problems)


def test_keyboard_alone_reaches_the_routes(browser: Any, base_url: str, shots: Path) -> None:
    v = Visit(browser, base_url, "en", shots)
    page = v.page
    v.goto("/guide?lang=en")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.focus("#home")
    page.keyboard.press("ArrowDown")  # the first country
    page.focus("#role_q")
    page.keyboard.type("cell assembly operator")
    page.keyboard.press("Enter")
    page.wait_for_url("**/guide/routes?**")
    assert page.locator("h1").inner_text()
    page.close()
    assert v.problems == [], "\n".join(v.problems)


def test_api_docs_work_offline(browser: Any, base_url: str, shots: Path) -> None:
    v = Visit(browser, base_url, "en", shots)
    v.goto("/docs")
    sync_api.expect(v.page.locator(".swagger-ui .info .title")).to_contain_text("battkg")
    v.page.close()
    assert v.problems == [], "\n".join(v.problems)
