import dataclasses

import pytest

from generator.content.actors import ActorType
from generator.content.types import Article
from generator.plan.model import (
    AttributedQuote,
    Neighbours,
    Site,
    article_actor_ids,
    build_site,
)
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
CHARLIE = article("charlie", "charlie", SEP_11, actors=("north-korea", "russia"))
DELTA = article("delta", "Delta", JAN_05, actors=("kim-jong-un",))
ECHO = article("echo", "Echo", JAN_05, actors=("north-korea",), quotes=(UNKNOWN_QUOTE,))
ARTICLES = (CHARLIE, ALPHA, ECHO, BRAVO, DELTA)  # deliberately out of order


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site(ARTICLES, ACTORS)


def titles(articles: tuple[Article, ...]) -> list[str]:
    return [a.title for a in articles]


def test_articles_are_newest_first_then_by_title(site: Site) -> None:
    assert titles(site.articles) == ["Delta", "Echo", "Bravo", "charlie", "Alpha"]


def test_same_day_articles_sort_by_title_ignoring_case(site: Site) -> None:
    shouty = article("aaa", "ZULU", SEP_11)
    ordered = build_site((shouty, CHARLIE, BRAVO), ACTORS).articles
    assert titles(ordered) == ["Bravo", "charlie", "ZULU"]


def test_order_does_not_depend_on_input_order(site: Site) -> None:
    assert build_site(reversed(ARTICLES), ACTORS) == site


def test_editions_group_articles_by_day_newest_first(site: Site) -> None:
    assert [edition.date for edition in site.editions] == [JAN_05, SEP_11, AUG_30]
    assert [titles(edition.articles) for edition in site.editions] == [
        ["Delta", "Echo"],
        ["Bravo", "charlie"],
        ["Alpha"],
    ]


def test_neighbours_are_chronological_previous_is_older(site: Site) -> None:
    assert site.neighbours[ALPHA.path] == Neighbours(previous=None, next=CHARLIE)
    assert site.neighbours[CHARLIE.path] == Neighbours(previous=ALPHA, next=BRAVO)
    assert site.neighbours[BRAVO.path] == Neighbours(previous=CHARLIE, next=ECHO)
    assert site.neighbours[ECHO.path] == Neighbours(previous=BRAVO, next=DELTA)
    assert site.neighbours[DELTA.path] == Neighbours(previous=ECHO, next=None)


def test_previous_is_never_newer_than_the_article(site: Site) -> None:
    for item in site.articles:
        neighbours = site.neighbours[item.path]
        if neighbours.previous is not None:
            assert neighbours.previous.date <= item.date
        if neighbours.next is not None:
            assert neighbours.next.date >= item.date


def test_articles_by_actor_include_quote_speakers(site: Site) -> None:
    assert titles(site.articles_by_actor["kim-jong-un"]) == ["Delta", "Bravo"]
    assert titles(site.articles_by_actor["north-korea"]) == ["Echo", "charlie", "Alpha"]
    assert titles(site.articles_by_actor["russia"]) == ["Bravo", "charlie"]


def test_every_registered_actor_has_an_entry_even_without_articles() -> None:
    site = build_site((ALPHA,), ACTORS)
    assert site.articles_by_actor["russia"] == ()
    assert site.quotes_by_speaker["russia"] == ()


def test_an_article_counts_once_for_an_actor_listed_and_quoted() -> None:
    both = article("both", "Both", SEP_11, actors=("kim-jong-un",), quotes=(KIM_QUOTE, KIM_QUOTE))
    site = build_site((both,), ACTORS)
    assert site.articles_by_actor["kim-jong-un"] == (both,)
    assert len(site.quotes_by_speaker["kim-jong-un"]) == 2


def test_article_actor_ids_lists_actors_then_speakers_once() -> None:
    assert article_actor_ids(BRAVO) == ("russia", "kim-jong-un")
    assert article_actor_ids(ECHO) == ("north-korea",)  # a speaker by name only is no actor


def test_quotes_by_speaker_keep_their_article(site: Site) -> None:
    assert site.quotes_by_speaker["kim-jong-un"] == (AttributedQuote(KIM_QUOTE, 1, BRAVO),)
    assert site.quotes_by_speaker["north-korea"] == ()
    assert "Jane Roe" not in site.quotes_by_speaker


def test_actors_keep_registry_order(site: Site) -> None:
    assert list(site.actors) == ["russia", "kim-jong-un", "north-korea"]
    assert site.actors["kim-jong-un"] is KIM


def test_actors_of_type_sort_by_name(site: Site) -> None:
    assert site.actors_of_type(ActorType.COUNTRY) == (NORTH_KOREA, RUSSIA)
    assert site.actors_of_type(ActorType.PERSON) == (KIM,)
    assert site.actors_of_type(ActorType.GROUP) == ()


def test_empty_site_has_no_editions() -> None:
    site = build_site((), ACTORS)
    assert site.articles == ()
    assert site.editions == ()
    assert dict(site.neighbours) == {}


def test_site_is_frozen_and_holds_tuples(site: Site) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        site.articles = ()  # type: ignore[misc]
    assert isinstance(site.editions[0].articles, tuple)
    with pytest.raises(TypeError):
        site.articles_by_actor["russia"] = ()  # type: ignore[index]
