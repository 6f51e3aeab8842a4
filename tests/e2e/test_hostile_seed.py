"""A seed full of markup and script: everywhere it shows, it shows as text and never runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

HOSTILE_DATE = "2023-09-12"
REAL_ARTICLE = "2023/09/11/us-threatens-sanctions-if-north-korea-sells-arms-to-russia/"


@pytest.fixture(scope="module")
def site(hostile_project: Path) -> Path:
    return hostile_project / "site"


@pytest.fixture(scope="module")
def pages(site: Path, soup) -> dict[str, BeautifulSoup]:
    parsed = {
        page.relative_to(site).as_posix(): soup(page) for page in sorted(site.rglob("*.html"))
    }
    assert len(parsed) > 10, "the site has fewer pages than expected"
    return parsed


@pytest.fixture(scope="module")
def article_dir(site: Path) -> Path:
    folders = sorted((site / "2023" / "09" / "12").iterdir())
    assert len(folders) == 1, f"expected one article on {HOSTILE_DATE}, got {folders}"
    return folders[0]


@pytest.fixture(scope="module")
def article(article_dir: Path, soup):
    return soup(article_dir / "index.html")


def article_link(site: Path, article_dir: Path) -> str:
    return "/" + article_dir.relative_to(site).as_posix() + "/"


def listed_titles(page: Tag, text: Callable[[Tag], str]) -> dict[str, str]:
    """Link -> title, for every article listed on a page."""
    return {a["href"]: text(a) for a in page.select(".article-summary-title a")}


# Nothing runs


def test_no_page_has_a_script_element_but_json_ld_data(pages, hostile_headline) -> None:
    # The search page carries the site's own search script, which shows results as text.
    scripts = [
        (name, script)
        for name, page in pages.items()
        if name != "search/index.html"
        for script in page.find_all("script")
    ]
    runnable = [name for name, script in scripts if script.get("type") != "application/ld+json"]
    assert not runnable, f"runnable <script> elements on: {runnable}"
    # Structured data stays data: it parses as JSON, and the hostile headline is in it as
    # text, with no "<" that could close the element early.
    headlines = [
        json.loads(script.string).get("headline")
        for _, script in scripts
        if "<" not in script.string
    ]
    assert len(headlines) == len(scripts)
    assert hostile_headline in headlines


def test_no_element_has_an_event_handler_attribute(pages) -> None:
    handlers = [
        f"{name}: <{element.name} {attribute}>"
        for name, page in pages.items()
        for element in page.find_all(True)
        for attribute in element.attrs
        if attribute.lower().startswith("on")
    ]
    assert not handlers, "event handler attributes:\n" + "\n".join(handlers)


def test_no_link_uses_a_javascript_url(pages) -> None:
    scripted = [
        f"{name}: {element.name} {attribute}={element[attribute]!r}"
        for name, page in pages.items()
        for element in page.find_all(True)
        for attribute in ("href", "src", "action", "formaction")
        if element.has_attr(attribute)
        and "".join(element[attribute].split()).lower().startswith("javascript:")
    ]
    assert not scripted, "javascript: URLs:\n" + "\n".join(scripted)


def test_seed_markup_never_becomes_elements_in_the_article(article) -> None:
    story = article.select_one("article.story")
    assert not story.find(["img", "b", "i", "iframe", "object", "embed"])
    assert not story.select_one("h1").find(True), "the headline contains elements"


# Everything shows as text


def test_article_shows_the_headline_as_text(article, hostile_headline, text) -> None:
    assert text(article.select_one("article h1")) == hostile_headline
    assert text(article.title) == f"{hostile_headline} · Marginalia"


def test_article_body_shows_the_markup_as_text(article, text) -> None:
    paragraphs = [text(p) for p in article.select(".story-body p")]
    assert "Officials said <script>alert(1)</script> was found on a page about Vladimir Putin." in (
        paragraphs
    )
    assert "Another page had <img src=x onerror=alert(1)> in it." in paragraphs
    assert "Readers were told to [click](javascript:alert(1)) a link." in paragraphs


def test_article_shows_the_dek_and_caption_markup_as_text(article, text) -> None:
    assert text(article.select_one(".dek")) == (
        'A dek that hides <script>alert("dek")</script> in plain sight.'
    )
    caption = article.select_one("figure figcaption")
    assert text(caption.select_one(".credit")) == "File: <script>alert(3)</script>"
    assert text(caption).startswith("Crowds hold <i onmouseover=alert(2)>signs</i> outside")


def test_edition_page_lists_the_headline_as_text(site, article_dir, soup, text, hostile_headline):
    page = soup(site / "editions" / HOSTILE_DATE / "index.html")
    titles = listed_titles(page, text)
    assert titles[article_link(site, article_dir)] == hostile_headline


def test_home_page_shows_the_hostile_edition_as_latest(
    site, article_dir, soup, text, hostile_headline
) -> None:
    page = soup(site / "index.html")
    latest = page.select_one("section.latest-edition")
    assert text(latest.find("h2")) == "Latest edition: 12 September 2023"
    assert listed_titles(latest, text) == {article_link(site, article_dir): hostile_headline}
    previous = page.select_one("section.previous-editions")
    assert [text(a) for a in previous.select(".edition-list a")] == ["11 September 2023"]


def test_previous_editions_lists_the_hostile_edition_first(site, soup, text) -> None:
    page = soup(site / "editions" / "index.html")
    editions = [(text(a), a["href"]) for a in page.select("main .edition-list a")]
    assert editions == [
        ("12 September 2023", f"/editions/{HOSTILE_DATE}/"),
        ("11 September 2023", "/editions/2023-09-11/"),
    ]


def test_actor_pages_list_the_headline_as_text(
    site, article, article_dir, soup, text, hostile_headline
) -> None:
    actor_links = [a["href"] for a in article.select(".story-actors a")]
    assert "/actors/vladimir-putin/" in actor_links
    for href in actor_links:
        page = soup(site / href.strip("/") / "index.html")
        titles = listed_titles(page, text)
        assert titles.get(article_link(site, article_dir)) == hostile_headline, href


def test_neighbouring_article_names_the_headline_as_text(
    site, article_dir, soup, text, hostile_headline
) -> None:
    page = soup(site / REAL_ARTICLE / "index.html")
    following = page.select_one(".neighbours a[rel=next]")
    assert following["href"] == article_link(site, article_dir)
    assert text(following) == f"Next {hostile_headline}"
