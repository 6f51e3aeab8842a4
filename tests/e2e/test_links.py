"""Every internal link and asset reference resolves to a built file, under the base path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

EXTERNAL_SCHEMES = {"http", "https", "mailto"}
LINK_ATTRIBUTES = ("href", "src")


@dataclass(frozen=True)
class Built:
    root: Path
    base_path: str

    @property
    def site(self) -> Path:
        return self.root / "site"


@pytest.fixture(
    params=[("built_project", "/"), ("archive_project", "/archive/")],
    ids=["root-base-path", "archive-base-path"],
)
def built(request: pytest.FixtureRequest) -> Built:
    fixture, base_path = request.param
    return Built(request.getfixturevalue(fixture), base_path)


def page_url(site: Path, page: Path, base_path: str) -> str:
    """The URL a reader has in the address bar on this page."""
    relative = page.relative_to(site).as_posix()
    if relative == "index.html" or relative.endswith("/index.html"):
        relative = relative.removesuffix("index.html")
    return base_path + relative


def target_file(site: Path, url_path: str, base_path: str) -> Path:
    relative = unquote(url_path[len(base_path) :])
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    return site / relative


def ids_in(page: Tag) -> set[str]:
    return {element["id"] for element in page.find_all(id=True)}


def check_links(built: Built, soup: Callable[[Path], BeautifulSoup]) -> tuple[int, list[str]]:
    """(links checked, problems) over every page of the site."""
    pages = sorted(built.site.rglob("*.html"))
    assert pages, "no HTML pages were built"
    parsed = {page: soup(page) for page in pages}
    checked, problems = 0, []
    for page, document in parsed.items():
        here = page_url(built.site, page, built.base_path)
        name = page.relative_to(built.site).as_posix()
        for element in document.find_all(True):
            for attribute in LINK_ATTRIBUTES:
                href = element.get(attribute)
                if href is None:
                    continue
                parts = urlsplit(href)
                if parts.scheme in EXTERNAL_SCHEMES:
                    continue
                checked += 1
                if parts.scheme or parts.netloc:
                    problems.append(f"{name}: unexpected link {href!r}")
                    continue
                if href.startswith("#"):
                    if parts.fragment and parts.fragment not in ids_in(document):
                        problems.append(f"{name}: {href!r} has no element with that id")
                    continue
                resolved = urlsplit(urljoin(here, href))
                if not resolved.path.startswith(built.base_path):
                    problems.append(f"{name}: {href!r} leaves the base path {built.base_path}")
                    continue
                target = target_file(built.site, resolved.path, built.base_path)
                if not target.is_file():
                    problems.append(
                        f"{name}: {href!r} has no file {target.relative_to(built.site)}"
                    )
                    continue
                if resolved.fragment and target.suffix == ".html":
                    target_doc = parsed.get(target) or soup(target)
                    if resolved.fragment not in ids_in(target_doc):
                        problems.append(f"{name}: {href!r} has no element with that id")
    return checked, problems


def test_every_internal_link_resolves_to_a_built_file(built: Built, soup) -> None:
    checked, problems = check_links(built, soup)
    assert checked > 0, "no internal links found"
    assert not problems, "broken internal links:\n" + "\n".join(problems)


def test_every_internal_link_starts_with_the_base_path(built: Built, soup) -> None:
    outside = []
    for page in sorted(built.site.rglob("*.html")):
        for element in soup(page).find_all(True):
            for attribute in LINK_ATTRIBUTES:
                href = element.get(attribute)
                if href is None or href.startswith("#"):
                    continue
                parts = urlsplit(href)
                if parts.scheme in EXTERNAL_SCHEMES:
                    continue
                if not href.startswith(built.base_path):
                    outside.append(f"{page.relative_to(built.site)}: {href}")
    assert not outside, f"links not under {built.base_path}:\n" + "\n".join(outside)


def test_stylesheet_is_linked_under_the_base_path(built: Built, soup) -> None:
    page = soup(built.site / "index.html")
    stylesheet = page.find("link", rel="stylesheet")
    path = urlsplit(stylesheet["href"]).path
    assert path == built.base_path + "static/marginalia.css"
    assert target_file(built.site, path, built.base_path).is_file()


def test_masthead_links_home_under_the_base_path(built: Built, soup, text) -> None:
    page = soup(built.site / "actors" / "matthew-miller" / "index.html")
    title = page.select_one(".masthead a")
    assert title["href"] == built.base_path
    nav = {text(a): a["href"] for a in page.select(".masthead nav a")}
    assert nav == {
        "Previous Editions": built.base_path + "editions/",
        "Actors": built.base_path + "actors/",
        "Topics": built.base_path + "topics/",
        "Search": built.base_path + "search/",
    }
