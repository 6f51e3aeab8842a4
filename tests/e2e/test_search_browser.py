"""Search in a real browser: the repo's content built under /archive/, served over HTTP,
searched with Chromium, with every request kept on the site itself."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support import REPO
from tests.support.archive_server import BASE, build_and_serve, site_only_tab

SEED_TITLE = "US threatens sanctions if North Korea sells arms to Russia"
SEED_PATH = "2023/09/11/us-threatens-sanctions-if-north-korea-sells-arms-to-russia/"

# The browser fixture (conftest.py) skips every test when Chromium is not installed; asked
# for first, so it does before a site is built for nothing.
pytestmark = pytest.mark.usefixtures("browser")


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The repo's real content, as the repo has it."""
    root = tmp_path_factory.mktemp("search-site")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    yield from build_and_serve(root)


# Accents, other scripts and case: the page's script must split and fold words exactly as
# generator/plan/search.py did when it built the index.
UNICODE_ARTICLE = """---
title: Ministers meet in Zürich
date: 2023-09-13
dek: Talks in Ελλάδα and Москва follow.
---
Delegates from São Paulo and Kraków said the naïve plan had failed.
"""


@pytest.fixture(scope="module")
def odd_origin(tmp_path_factory: pytest.TempPathFactory, hostile_project: Path) -> Iterator[str]:
    """The seed, a seed full of markup and script (see conftest.py), and an article in
    several scripts."""
    root = tmp_path_factory.mktemp("odd-search")
    shutil.copytree(hostile_project / "content", root / "content")
    shutil.copytree(hostile_project / "templates", root / "templates")
    article = root / "content" / "articles" / "2023" / "09" / "ministers-meet-in-zurich.md"
    article.write_text(UNICODE_ARTICLE, encoding="utf-8")
    yield from build_and_serve(root)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab that may only talk to the sites under test: anything else fails the test."""
    with site_only_tab(browser) as tab:
        yield tab


def _search(page: Page, origin: str, query: str) -> None:
    page.goto(origin + BASE + "search/")
    page.get_by_label("Words, an actor or a date").fill(query)
    page.get_by_role("button", name="Search", exact=True).click()


def _expect_seed_result(page: Page) -> None:
    result = page.locator(".search-result").first
    link = result.get_by_role("link", name=SEED_TITLE)
    expect(link).to_be_visible(timeout=10_000)
    expect(link).to_have_attribute("href", BASE + SEED_PATH)
    expect(result.locator("time")).to_have_text("11 September 2023")


def test_a_word_from_the_seed_finds_the_seed_article(page: Page, origin: str) -> None:
    _search(page, origin, "Vladivostok")
    _expect_seed_result(page)
    expect(page.locator(".search-result .search-excerpt mark").first).to_contain_text("Vladivostok")
    expect(page.locator(".search-status")).to_have_text("1 article found for “Vladivostok”.")
    assert page.url.endswith("/archive/search/?q=Vladivostok")


def test_an_actor_name_finds_the_articles_they_are_in(page: Page, origin: str) -> None:
    _search(page, origin, "Shoigu")
    _expect_seed_result(page)


@pytest.mark.parametrize("date", ["11 September 2023", "2023-09-11", "Sep 11th, 2023"])
def test_a_date_finds_the_articles_of_that_day(page: Page, origin: str, date: str) -> None:
    _search(page, origin, date)
    _expect_seed_result(page)
    expect(page.locator(".search-status")).to_have_text("1 article found on 11 September 2023.")


def test_a_date_with_no_articles_finds_none(page: Page, origin: str) -> None:
    _search(page, origin, "12 September 2023")
    expect(page.locator(".search-status")).to_have_text("No articles found on 12 September 2023.")
    expect(page.locator(".search-result")).to_have_count(0)


def test_a_query_in_the_address_runs_at_once_and_results_lead_to_the_article(
    page: Page, origin: str
) -> None:
    page.goto(origin + BASE + "search/?q=Pyongyang")
    page.get_by_role("link", name=SEED_TITLE).click()
    expect(page).to_have_url(origin + BASE + SEED_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)


def test_the_masthead_links_to_search(page: Page, origin: str) -> None:
    page.goto(origin + BASE)
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Search").click()
    expect(page).to_have_url(origin + BASE + "search/")


def test_without_javascript_the_page_says_why_there_is_no_search(
    browser: Browser, origin: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(origin + BASE + "search/")
        expect(tab.locator(".search-noscript")).to_contain_text("needs JavaScript")
    finally:
        context.close()


def test_markup_in_an_article_shows_as_text_in_results(
    browser: Browser, odd_origin: str, hostile_headline: str
) -> None:
    context = browser.new_context()
    try:
        tab = context.new_page()
        dialogs: list[str] = []
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        _search(tab, odd_origin, "Officials")
        result = tab.locator(".search-result").first
        expect(result.get_by_role("heading").get_by_role("link")).to_have_text(hostile_headline)
        excerpt = result.locator(".search-excerpt")
        expect(excerpt).to_contain_text("said <script>alert(1)</script> was found")
        expect(excerpt).to_contain_text("<img src=x onerror=alert(1)>")
        expect(result.locator(".search-excerpt script, .search-excerpt img")).to_have_count(0)
        assert not dialogs, f"a script from the content ran: {dialogs}"
    finally:
        context.close()


@pytest.mark.parametrize(
    "query", ["zurich", "ZÜRICH", "Sao Paulo", "krakow", "naive", "ελλαδα", "МОСКВА"]
)
def test_accents_case_and_other_scripts_are_folded_alike(
    page: Page, odd_origin: str, query: str
) -> None:
    _search(page, odd_origin, query)
    expect(page.locator(".search-result").first.get_by_role("link")).to_have_text(
        "Ministers meet in Zürich", timeout=10_000
    )
