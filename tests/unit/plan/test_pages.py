import datetime

import pytest

from generator.content.actors import Actor, ActorType
from generator.content.types import Article
from generator.plan.contexts import (
    ActorCount,
    ActorPage,
    ActorsPage,
    ActorTypeGroup,
    ArticlePage,
    ArticleSummary,
    Crumb,
    EditionPage,
    EditionsPage,
    HomePage,
    NotFoundPage,
    Page,
    Pager,
    QuoteRef,
    SpeakerQuote,
)
from generator.plan.model import Site, build_site
from generator.plan.pages import plan_pages
from tests.support.sample_archive import (
    ACTORS,
    AUG_30,
    JAN_05,
    KIM,
    KIM_QUOTE,
    NORTH_KOREA,
    RUSSIA,
    SEP_11,
    UNKNOWN_QUOTE,
    article,
)

ALPHA = article("alpha", "Alpha", AUG_30, actors=("north-korea",))
BRAVO = article("bravo", "Bravo", SEP_11, actors=("russia",), quotes=(KIM_QUOTE,))
CHARLIE = article("charlie", "Charlie", SEP_11, actors=("north-korea", "russia"))
DELTA = article("delta", "Delta", JAN_05, actors=("kim-jong-un",))
ECHO = article("echo", "Echo", JAN_05, actors=("north-korea",), quotes=(UNKNOWN_QUOTE,))
ARTICLES = (ALPHA, BRAVO, CHARLIE, DELTA, ECHO)
BODIES = {a.path: f"key-of-{a.slug}" for a in ARTICLES}


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site(ARTICLES, ACTORS)


def plan(site: Site, *, page_size: int = 2, home_editions: int = 10) -> dict[str, Page]:
    pages = plan_pages(site, body_keys=BODIES, page_size=page_size, home_editions=home_editions)
    by_path = {page.path: page for page in pages}
    assert len(by_path) == len(pages), "two pages share a path"
    return by_path


def summary(a: Article) -> ArticleSummary:
    return ArticleSummary(f"{a.date:%Y/%m/%d}/{a.slug}/", a.title, a.date, a.dek, a.source)


def test_every_page_is_planned_once(site: Site) -> None:
    assert sorted(plan(site)) == sorted(
        [
            "",
            "editions/",
            "editions/page/2/",
            "editions/2024-01-05/",
            "editions/2023-09-11/",
            "editions/2023-08-30/",
            "2024/01/05/delta/",
            "2024/01/05/echo/",
            "2023/09/11/bravo/",
            "2023/09/11/charlie/",
            "2023/08/30/alpha/",
            "actors/",
            "actors/kim-jong-un/",
            "actors/network/",
            "actors/north-korea/",
            "actors/north-korea/page/2/",
            "actors/russia/",
            "topics/",
            "404.html",
        ]
    )


def test_plan_is_deterministic(site: Site) -> None:
    first = plan_pages(site, body_keys=BODIES, page_size=2, home_editions=10)
    again = build_site(reversed(ARTICLES), ACTORS)
    assert plan_pages(again, body_keys=BODIES, page_size=2, home_editions=10) == first


# Home


def test_home_shows_the_latest_edition_and_the_previous_ones(site: Site) -> None:
    home = plan(site, home_editions=1)[""]
    assert home.template == "home.html"
    context = home.context
    assert isinstance(context, HomePage)
    assert context.latest is not None and context.latest.date == JAN_05
    assert context.latest_articles == (summary(DELTA), summary(ECHO))
    assert [e.date for e in context.previous_editions] == [SEP_11]
    assert context.edition_count == 3


def test_home_of_an_empty_site_has_no_latest_edition() -> None:
    pages = plan_pages(build_site((), ACTORS), body_keys={}, page_size=2, home_editions=10)
    home = pages[0].context
    assert home == HomePage(latest=None, latest_articles=(), previous_editions=(), edition_count=0)
    editions = next(page for page in pages if page.path == "editions/")
    assert isinstance(editions.context, EditionsPage)
    assert editions.context.years == ()
    assert editions.context.pager == Pager(number=1, count=1, previous=None, next=None)


# Previous Editions


def test_editions_are_paginated_with_page_size(site: Site) -> None:
    pages = plan(site, page_size=2)
    first, second = pages["editions/"], pages["editions/page/2/"]
    assert first.template == second.template == "editions.html"
    assert first.title == "Previous Editions"
    assert second.title == "Previous Editions, page 2"
    assert isinstance(first.context, EditionsPage)
    assert isinstance(second.context, EditionsPage)
    assert first.context.pager == Pager(number=1, count=2, previous=None, next="editions/page/2/")
    assert second.context.pager == Pager(number=2, count=2, previous="editions/", next=None)
    dates = [
        [e.date for y in page.context.years for m in y.months for e in m.editions]
        for page in (first, second)
    ]
    assert dates == [[JAN_05, SEP_11], [AUG_30]]
    assert "editions/page/3/" not in pages


def test_editions_pager_of_three_pages_links_both_ways(site: Site) -> None:
    pages = plan(site, page_size=1)
    paths = ("editions/", "editions/page/2/", "editions/page/3/")
    pagers = [pages[path].context.pager for path in paths]
    assert pagers == [
        Pager(1, 3, None, "editions/page/2/"),
        Pager(2, 3, "editions/", "editions/page/3/"),
        Pager(3, 3, "editions/page/2/", None),
    ]


def test_editions_are_grouped_by_year_then_month(site: Site) -> None:
    context = plan(site, page_size=20)["editions/"].context
    assert isinstance(context, EditionsPage)
    shape = [
        (year.year, [(month.month, [e.date for e in month.editions]) for month in year.months])
        for year in context.years
    ]
    assert shape == [
        (2024, [(1, [JAN_05])]),
        (2023, [(9, [SEP_11]), (8, [AUG_30])]),
    ]
    labels = [month.label for year in context.years for month in year.months]
    assert labels == ["January 2024", "September 2023", "August 2023"]


def test_a_page_break_splits_a_month_without_losing_editions() -> None:
    days = [datetime.date(2023, 9, day) for day in (1, 2, 3)]
    site = build_site([article(f"a{d.day}", f"A{d.day}", d) for d in days], ACTORS)
    bodies = {a.path: "" for a in site.articles}
    pages = plan_pages(site, body_keys=bodies, page_size=2, home_editions=10)
    listing = [p.context for p in pages if isinstance(p.context, EditionsPage)]
    months = [
        [(year.year, month.month, len(month.editions)) for year in c.years for month in year.months]
        for c in listing
    ]
    assert months == [[(2023, 9, 2)], [(2023, 9, 1)]]


# One edition


def test_edition_page_lists_its_articles_and_links_older_and_newer(site: Site) -> None:
    pages = plan(site)
    middle = pages["editions/2023-09-11/"]
    assert middle.template == "edition.html"
    assert middle.title == "Edition of 11 September 2023"
    context = middle.context
    assert isinstance(context, EditionPage)
    assert context.articles == (summary(BRAVO), summary(CHARLIE))
    assert context.older is not None and context.older.date == AUG_30
    assert context.newer is not None and context.newer.date == JAN_05
    assert middle.crumbs == (
        Crumb("Previous Editions", "editions/"),
        Crumb("11 September 2023", "editions/2023-09-11/"),
    )
    newest = pages["editions/2024-01-05/"].context
    oldest = pages["editions/2023-08-30/"].context
    assert isinstance(newest, EditionPage) and isinstance(oldest, EditionPage)
    assert newest.newer is None
    assert oldest.older is None


# Articles


def test_article_page_has_its_body_actors_quotes_and_neighbours(site: Site) -> None:
    page = plan(site)["2023/09/11/bravo/"]
    assert page.template == "article.html"
    assert page.title == "Bravo"
    assert page.context == ArticlePage(
        article=BRAVO,
        body_key="key-of-bravo",
        actors=(RUSSIA,),
        quotes=(SpeakerQuote(KIM_QUOTE, KIM),),
        events=(),
        previous=summary(CHARLIE),
        next=summary(ECHO),
    )
    assert page.crumbs[-1] == Crumb("Bravo", "2023/09/11/bravo/")


def test_quote_by_a_speaker_outside_the_registry_has_no_actor(site: Site) -> None:
    context = plan(site)["2024/01/05/echo/"].context
    assert isinstance(context, ArticlePage)
    assert context.quotes == (SpeakerQuote(UNKNOWN_QUOTE, None),)


def test_oldest_and_newest_articles_have_one_neighbour(site: Site) -> None:
    pages = plan(site)
    oldest, newest = pages["2023/08/30/alpha/"].context, pages["2024/01/05/delta/"].context
    assert isinstance(oldest, ArticlePage) and isinstance(newest, ArticlePage)
    assert (oldest.previous, oldest.next) == (None, summary(CHARLIE))
    assert (newest.previous, newest.next) == (summary(ECHO), None)


# Actors


def test_actors_index_groups_by_type_with_counts(site: Site) -> None:
    page = plan(site)["actors/"]
    assert page.template == "actors.html"
    assert page.title == "Actors"
    assert page.context == ActorsPage(
        groups=(
            ActorTypeGroup(ActorType.PERSON, "People", (ActorCount(KIM, 2),)),
            ActorTypeGroup(
                ActorType.COUNTRY,
                "Countries",
                (ActorCount(NORTH_KOREA, 3), ActorCount(RUSSIA, 2)),
            ),
        ),
        count=3,
    )


def test_actors_index_counts_an_actor_without_articles_as_zero() -> None:
    un = Actor(id="un", name="United Nations", type=ActorType.ORGANIZATION)
    site = build_site(ARTICLES, (*ACTORS, un))
    context = plan(site)["actors/"].context
    assert isinstance(context, ActorsPage)
    assert [group.label for group in context.groups] == ["People", "Countries", "Organisations"]
    assert context.groups[-1].entries == (ActorCount(un, 0),)
    assert context.count == 4
    assert "actors/un/" in plan(site)


def test_actor_pages_are_paginated(site: Site) -> None:
    pages = plan(site, page_size=2)
    first, second = pages["actors/north-korea/"], pages["actors/north-korea/page/2/"]
    assert first.template == second.template == "actor.html"
    assert first.title == "North Korea"
    assert second.title == "North Korea, page 2"
    assert isinstance(first.context, ActorPage) and isinstance(second.context, ActorPage)
    assert first.context.articles == (summary(ECHO), summary(CHARLIE))
    assert second.context.articles == (summary(ALPHA),)
    assert first.context.article_count == second.context.article_count == 3
    assert first.context.pager == Pager(1, 2, None, "actors/north-korea/page/2/")
    assert second.context.pager == Pager(2, 2, "actors/north-korea/", None)
    assert second.crumbs == (
        Crumb("Actors", "actors/"),
        Crumb("North Korea", "actors/north-korea/"),
    )


def test_actor_page_shows_who_they_are_and_their_quotes(site: Site) -> None:
    context = plan(site, page_size=1)["actors/kim-jong-un/"].context
    assert isinstance(context, ActorPage)
    assert context.actor is KIM
    assert context.type_label == "People"
    assert context.country is NORTH_KOREA
    assert context.articles == (summary(DELTA),)
    assert context.quotes == (QuoteRef(KIM_QUOTE, summary(BRAVO), "2023/09/11/bravo/#quote-1"),)
    later = plan(site, page_size=1)["actors/kim-jong-un/page/2/"].context
    assert isinstance(later, ActorPage)
    assert later.articles == (summary(BRAVO),)
    assert later.quotes == ()  # quotes are shown on the first page only


def test_actor_without_articles_still_gets_one_page() -> None:
    site = build_site((ALPHA,), ACTORS)
    context = plan(site)["actors/russia/"].context
    assert isinstance(context, ActorPage)
    assert context.articles == ()
    assert context.article_count == 0
    assert context.pager == Pager(1, 1, None, None)


# The rest


def test_not_found_page_is_planned(site: Site) -> None:
    page = plan(site)["404.html"]
    assert page == Page(
        path="404.html", template="404.html", title="Page not found", context=NotFoundPage()
    )
