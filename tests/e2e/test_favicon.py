"""The site's icon: every page links it under the base path, so no browser asks the
server for a /favicon.ico that is not there."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.e2e.conftest import make_project, run_cli
from tests.support.archive_server import BASE, ArchiveHandler


def page_url(site: Path, page: Path, base_path: str) -> str:
    relative = page.relative_to(site).as_posix().removesuffix("index.html")
    return base_path + relative


@pytest.mark.parametrize(
    ("fixture", "base_path"), [("built_project", "/"), ("archive_project", "/archive/")]
)
def test_every_page_links_an_svg_icon_that_is_built(
    request: pytest.FixtureRequest, soup, fixture: str, base_path: str
) -> None:
    site = request.getfixturevalue(fixture) / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        icons = soup(page).find_all("link", rel="icon")
        assert len(icons) == 1, f"{page}: {len(icons)} icon links"
        (icon,) = icons
        assert icon["type"] == "image/svg+xml"
        path = urlsplit(urljoin(page_url(site, page, base_path), icon["href"])).path
        assert path.startswith(base_path), f"{page}: {icon['href']} is outside {base_path}"
        target = site / path.removeprefix(base_path)
        assert target.is_file(), f"{page}: {icon['href']} is not a built file"
        svg = BeautifulSoup(target.read_text("utf-8"), "html.parser").find("svg")
        assert svg is not None and svg.get("viewbox"), "the icon is an SVG with a viewBox"


class _ArchiveHandler(ArchiveHandler):
    """ArchiveHandler, under which /favicon.ico at the root of the host is not there,
    recording every answer: the browser asks for its icon itself, unseen by the page's
    request events."""

    answers: list[str]

    def log_request(self, code: object = "-", size: object = "-") -> None:
        self.answers.append(f"{int(code)} {self.path}")  # type: ignore[call-overload]


ANSWERS: list[str] = []


@pytest.fixture(scope="module")
def origin(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = make_project(tmp_path_factory.mktemp("favicon") / "project")
    _ArchiveHandler.answers = ANSWERS
    handler = functools.partial(_ArchiveHandler, directory=str(root / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert run_cli(root, "ingest") == 0
        assert run_cli(root, "build", "--base-url", origin + BASE) == 0
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield origin
        server.shutdown()
    finally:
        server.server_close()


def test_no_page_linked_from_home_asks_for_a_missing_file(browser, origin: str) -> None:
    page = browser.new_page()
    ANSWERS.clear()
    page.goto(origin + BASE, wait_until="load")
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    pages = sorted({link.split("#")[0] for link in links if link.startswith(origin + BASE)})
    assert len(pages) > 3
    for url in pages:
        page.goto(url, wait_until="load")
        # The browser asks for the icon after load, without holding the page up.
        page.wait_for_timeout(200)
    page.wait_for_timeout(500)
    page.close()
    missing = [answer for answer in ANSWERS if not answer.startswith(("200 ", "304 "))]
    assert missing == []
    assert any(answer.startswith("200 " + BASE + "static/favicon.svg") for answer in ANSWERS)
