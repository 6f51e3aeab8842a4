"""Search a researcher can narrow, in Chromium: phrases, facets (actor, source, topic),
a date range, the order, and the whole search in the address. A small archive built
under /archive/ and served over real HTTP."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support import REPO
from tests.support.archive_server import BASE, build_and_serve, site_only_tab
from tests.support.npm_tools import axe_violations

pytestmark = pytest.mark.usefixtures("browser")

ACTORS = """\
- id: ada-okafor
  name: Ada Okafor
  type: person
- id: bo-lind
  name: Bo Lind
  type: person
"""

# (file, front matter, body). "hold accountable" is side by side in the first and the
# third; the second has both words, the other way round.
ARTICLES = {
    "2024/01/council-hears-river-plan.md": (
        "title: Council hears river plan\ndate: 2024-01-10\nsource: Daily Ledger\n"
        "actors: [ada-okafor]\ntags: [Water]",
        "Residents want to hold accountable the officials who let the river flood.",
    ),
    "2024/02/minister-answers-critics.md": (
        "title: Minister answers critics\ndate: 2024-02-15\nsource: Evening Post\n"
        "actors: [bo-lind]\ntags: [Politics]",
        "Nobody here is accountable. Hold on, said the minister to the critics.",
    ),
    "2024/03/inquiry-will-hold-ministers-accountable.md": (
        "title: Inquiry will hold ministers accountable\ndate: 2024-03-20\n"
        "source: Daily Ledger\nactors: [ada-okafor, bo-lind]\ntags: [Politics]",
        "The inquiry promised to hold accountable those responsible for the flood.",
    ),
    "2024/04/dam-works-begin.md": (
        "title: Dam works begin\ndate: 2024-04-05\nsource: Evening Post\n"
        "actors: [ada-okafor]\ntags: [Water]",
        "Work on the new dam began on Friday, the engineers said.",
    ),
}
TITLES = {
    "river": "Council hears river plan",
    "critics": "Minister answers critics",
    "inquiry": "Inquiry will hold ministers accountable",
    "dam": "Dam works begin",
}


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("narrow-search")
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "site.yaml").write_text("title: Narrow\n", encoding="utf-8")
    (root / "content").mkdir()
    (root / "content" / "actors.yaml").write_text(ACTORS, encoding="utf-8")
    for name, (front, body) in ARTICLES.items():
        path = root / "content" / "articles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")
    yield from build_and_serve(root)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A tab that may only talk to the site; script errors and console errors fail the test."""
    with site_only_tab(browser, console_errors=True) as tab:
        yield tab


def _open(page: Page, origin: str, query: str) -> None:
    page.goto(origin + BASE + "search/" + query)


def _titles(page: Page, count: int) -> list[str]:
    links = page.locator(".search-result h2 a")
    expect(links).to_have_count(count, timeout=10_000)
    return links.all_text_contents()


def _marks(page: Page) -> set[str]:
    marks = page.locator(".search-result .search-excerpt mark")
    expect(marks.first).to_be_visible(timeout=10_000)
    return {text.lower() for text in marks.all_text_contents()}


def test_a_phrase_finds_its_words_side_by_side_and_in_order(page: Page, origin: str) -> None:
    _open(page, origin, '?q="hold accountable"')
    assert set(_titles(page, 2)) == {TITLES["river"], TITLES["inquiry"]}
    assert _marks(page) == {"hold", "accountable"}
    expect(page.locator(".search-status")).to_have_text(
        '2 articles found for “"hold accountable"”.'
    )
    _open(page, origin, '?q="accountable hold"')
    assert _titles(page, 1) == [TITLES["critics"]]


def test_an_actor_filter_keeps_their_articles_with_source_and_actors_shown(
    page: Page, origin: str
) -> None:
    _open(page, origin, "?q=accountable&actor=ada-okafor")
    assert set(_titles(page, 2)) == {TITLES["river"], TITLES["inquiry"]}
    assert _marks(page) == {"accountable"}
    expect(page.get_by_role("checkbox", name="Ada Okafor (2)")).to_be_checked()
    river = page.locator(".search-result", has_text=TITLES["river"])
    expect(river.locator(".search-source")).to_have_text("Daily Ledger")
    expect(river.locator(".search-actors")).to_have_text("Actors: Ada Okafor")
    expect(river.locator(".search-actors a")).to_have_attribute("href", BASE + "actors/ada-okafor/")


def test_facets_count_the_results_and_checking_one_narrows_them(page: Page, origin: str) -> None:
    _open(page, origin, "?q=accountable")
    _titles(page, 3)
    actors = page.get_by_role("group", name="Actors")
    expect(actors.get_by_role("checkbox", name="Ada Okafor (2)")).not_to_be_checked()
    expect(actors.get_by_role("checkbox", name="Bo Lind (2)")).to_be_visible()
    sources = page.get_by_role("group", name="Sources")
    expect(sources.get_by_role("checkbox", name="Evening Post (1)")).to_be_visible()
    page.get_by_role("group", name="Topics").get_by_role("checkbox", name="Politics (2)").check()
    assert set(_titles(page, 2)) == {TITLES["critics"], TITLES["inquiry"]}
    assert urlsplit(page.url).query == "q=accountable&topic=politics"
    page.go_back()
    _titles(page, 3)
    expect(page.get_by_role("checkbox", name="Politics (2)")).not_to_be_checked()


def test_a_date_range_keeps_the_articles_of_those_days(page: Page, origin: str) -> None:
    _open(page, origin, "?q=accountable&from=2024-02-01&to=2024-03-31")
    assert set(_titles(page, 2)) == {TITLES["critics"], TITLES["inquiry"]}
    assert "accountable" in _marks(page)
    expect(page.get_by_label("From")).to_have_value("2024-02-01")
    expect(page.get_by_label("To", exact=True)).to_have_value("2024-03-31")
    _open(page, origin, "?from=2024-03-01")
    assert _titles(page, 2) == [TITLES["dam"], TITLES["inquiry"]]


def test_newest_first_orders_by_date(page: Page, origin: str) -> None:
    _open(page, origin, "?q=accountable&sort=newest")
    assert _titles(page, 3) == [TITLES["inquiry"], TITLES["critics"], TITLES["river"]]
    expect(page.get_by_label("Order")).to_have_value("newest")


def test_the_address_round_trips_the_search(page: Page, origin: str) -> None:
    _open(page, origin, "")
    page.get_by_label("Words, an actor or a date").fill("flood")
    page.get_by_role("button", name="Search", exact=True).click()
    _titles(page, 2)
    page.get_by_label("From").fill("2024-03-01")
    page.get_by_label("From").dispatch_event("change")
    page.get_by_label("Order").select_option("newest")
    page.get_by_role("checkbox", name="Ada Okafor (1)").check()
    assert _titles(page, 1) == [TITLES["inquiry"]]
    query = urlsplit(page.url).query
    assert query == "q=flood&actor=ada-okafor&from=2024-03-01&sort=newest"
    fresh = page.context.new_page()
    fresh.goto(page.url)
    assert _titles(fresh, 1) == [TITLES["inquiry"]]
    expect(fresh.get_by_label("Words, an actor or a date")).to_have_value("flood")
    expect(fresh.get_by_label("From")).to_have_value("2024-03-01")
    expect(fresh.get_by_label("Order")).to_have_value("newest")
    expect(fresh.get_by_role("checkbox", name="Ada Okafor (1)")).to_be_checked()
    fresh.close()


def test_hostile_parameters_show_as_text(browser: Browser, origin: str) -> None:
    # Its own tab: a value the index does not have is a 404 for its file, as it should be.
    context = browser.new_context()
    try:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        dialogs: list[str] = []
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        hostile = "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"
        _open(tab, origin, f"?q=flood&actor={hostile}&source=%3Cb%3Ex%3C%2Fb%3E&from=nope")
        expect(tab.locator(".search-status")).to_contain_text("No articles found")
        expect(tab.get_by_role("checkbox", name="<img src=x onerror=alert(1)>")).to_be_checked()
        expect(tab.get_by_role("checkbox", name="<b>x</b>")).to_be_checked()
        expect(tab.locator("main img, main b")).to_have_count(0)
        expect(tab.get_by_label("From")).to_have_value("")
        assert not errors and not dialogs
    finally:
        context.close()


def test_the_search_page_has_no_serious_accessibility_violation(page: Page, origin: str) -> None:
    _open(page, origin, "?q=accountable")
    _titles(page, 3)
    expect(page.get_by_role("group", name="Actors")).to_be_visible()
    serious = axe_violations(page)
    assert not serious, serious


def test_with_big_facets_a_filter_reads_only_its_value_and_counts_wait_to_be_asked(
    page: Page, origin: str
) -> None:
    """An archive whose facet files are large (meta.json says so): narrowing by an actor
    reads that actor's own file, and the counts come only when asked for."""

    def big_facets(route) -> None:  # type: ignore[no-untyped-def]
        meta = route.fetch().json()
        meta["facetBytes"] = {"actor": 900_000, "source": 100_000, "topic": 300_000}
        route.fulfill(json=meta)

    page.route("**/search/data/meta.json", big_facets)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(urlsplit(request.url).path))
    _open(page, origin, "?q=accountable&actor=bo-lind")
    assert set(_titles(page, 2)) == {TITLES["critics"], TITLES["inquiry"]}
    expect(page.get_by_role("checkbox", name="Bo Lind", exact=True)).to_be_checked()
    data = BASE + "search/data/facets/"
    assert data + "actor/bo-lind.json" in fetched
    assert not [path for path in fetched if path.endswith(("/actor.json", "/topic.json"))]
    page.get_by_role(
        "button", name="Count the results by actor, source and topic (1300 KB to load)"
    ).click()
    expect(page.get_by_role("checkbox", name="Bo Lind (2)")).to_be_focused()
    expect(page.get_by_role("checkbox", name="Bo Lind (2)")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Ada Okafor (2)")).not_to_be_checked()


@pytest.mark.parametrize(("facet_bytes", "counted"), [(200_000, True), (200_001, False)])
def test_counts_load_by_themselves_up_to_200_kb_of_facet_files(
    page: Page, origin: str, facet_bytes: int, counted: bool
) -> None:
    """README: "In an archive whose facet files are over 200 KB, the counts load when you
    ask for them" (the three facets' whole files together, as meta.json gives them)."""

    def sized(route) -> None:  # type: ignore[no-untyped-def]
        meta = route.fetch().json()
        meta["facetBytes"] = {"actor": facet_bytes - 2, "source": 1, "topic": 1}
        route.fulfill(json=meta)

    page.route("**/search/data/meta.json", sized)
    _open(page, origin, "?q=accountable")
    _titles(page, 3)
    count = page.get_by_role("checkbox", name="Bo Lind (2)")
    ask = page.get_by_role("button", name=re.compile(r"^Count the results by actor"))
    if counted:
        expect(count).to_be_visible()
        expect(ask).to_have_count(0)
    else:
        expect(ask).to_be_visible()
        expect(count).to_have_count(0)


def test_two_values_of_a_facet_find_either_and_two_facets_must_both_match(
    page: Page, origin: str
) -> None:
    _open(page, origin, "?q=accountable&actor=ada-okafor&actor=bo-lind")
    assert set(_titles(page, 3)) == {TITLES["river"], TITLES["critics"], TITLES["inquiry"]}
    _open(page, origin, "?q=accountable&actor=bo-lind&source=Daily+Ledger")
    assert _titles(page, 1) == [TITLES["inquiry"]]
    expect(page.get_by_role("checkbox", name="Daily Ledger (1)")).to_be_checked()


def test_words_inside_quotes_match_whole_words_only(page: Page, origin: str) -> None:
    _open(page, origin, "?q=hold+account")
    _titles(page, 3)  # out of quotes, "account" also finds "accountable"
    _open(page, origin, '?q="hold account"')
    expect(page.locator(".search-status")).to_have_text('No articles found for “"hold account"”.')
    expect(page.locator(".search-result")).to_have_count(0)


def test_a_result_shows_its_topics_as_links(page: Page, origin: str) -> None:
    _open(page, origin, "?q=engineers")
    result = page.locator(".search-result", has_text=TITLES["dam"])
    expect(result.locator(".search-topics")).to_have_text("Topics: Water")
    expect(result.locator(".search-topics a")).to_have_attribute("href", BASE + "topics/water/")


def test_a_search_fetches_meta_its_words_term_files_and_its_results_docs_files(
    page: Page, origin: str
) -> None:
    """README: "A search fetches meta.json, one term file per query word and the docs
    files of the 20 results it shows" (and here, a small archive, the facets' counts)."""
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(urlsplit(request.url).path))
    _open(page, origin, "?q=accountable+river")
    _titles(page, 1)
    expect(page.get_by_role("group", name="Actors")).to_be_visible()
    data = BASE + "search/data/"
    assert sorted(path[len(data) :] for path in fetched if path.startswith(data)) == [
        "docs/0.json",
        "facets/actor.json",
        "facets/source.json",
        "facets/topic.json",
        "meta.json",
        "terms/acc.json",
        "terms/riv.json",
    ]


def test_a_search_runs_from_the_keyboard_and_its_count_is_announced(
    page: Page, origin: str
) -> None:
    _open(page, origin, "")
    # From the top of the page: Tab until the query field has focus, type, Enter.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search-query":
            break
    else:
        raise AssertionError("the query field cannot be reached with Tab")
    page.keyboard.type("accountable")
    page.keyboard.press("Enter")
    _titles(page, 3)
    status = page.get_by_role("status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_contain_text("3 articles found")
    # Tab onwards reaches a facet checkbox; Space ticks it and narrows the results.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "checkbox":
            break
    else:
        raise AssertionError("no facet checkbox can be reached with Tab")
    page.keyboard.press("Space")
    expect(page.locator(".search-result h2 a")).not_to_have_count(3, timeout=10_000)
    expect(status).not_to_contain_text("3 articles found")
