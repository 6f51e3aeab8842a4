from pathlib import Path

import pytest
import yaml

from generator.content.actors import (
    Actor,
    ActorType,
    Mention,
    ambiguous_surfaces,
    build_matcher,
    find_mentions,
    parse_actor_registry,
)
from generator.errors import BuildErrors, ContentError
from tests.support import REPO

REGISTRY = REPO / "content" / "actors.yaml"
SEED = REPO / "seeds" / "000_fb03fb027bc92a78.txt"
PATH = Path("content/actors.yaml")


@pytest.fixture(scope="module")
def actors() -> tuple[Actor, ...]:
    return parse_actor_registry(yaml.safe_load(REGISTRY.read_text(encoding="utf-8")), path=REGISTRY)


@pytest.fixture(scope="module")
def matcher(actors):
    return build_matcher(actors)


def ids(text: str, matcher) -> list[str]:
    return [mention.actor_id for mention in find_mentions(text, matcher)]


def seed_parts() -> tuple[str, str]:
    """The dek and the body (from the dateline on) of the first seed."""
    raw = SEED.read_text(encoding="utf-8")
    start = raw.index("Washington, DC –")
    dek = raw[:start].rstrip().rsplit("\n\n", 1)[1]
    return dek, raw[start:]


# --- the registry file ------------------------------------------------------


def test_registry_file_parses_into_actors(actors):
    by_id = {actor.id: actor for actor in actors}
    kim = by_id["kim-jong-un"]
    assert kim.type is ActorType.PERSON
    assert kim.aliases == ("Kim Jong-un",)
    assert kim.short == ("Kim",)
    assert kim.country == "north-korea"
    assert kim.wikidata == "Q56226"
    assert by_id["us-state-department"].country == "united-states"
    assert by_id["united-states"].aliases == (
        "US",
        "USA",
        "United States of America",
        "Washington",
        "U.S.",
    )
    assert by_id["matthew-miller"].wikidata is None


# --- registry validation ----------------------------------------------------


def entry(**fields):
    return {"id": "kim-jong-un", "name": "Kim Jong Un", "type": "person", **fields}


def test_registry_none_is_empty():
    assert parse_actor_registry(None, path=PATH) == ()


def test_registry_must_be_a_list():
    with pytest.raises(ContentError, match="must be a list"):
        parse_actor_registry({"id": "x"}, path=PATH)


def test_unknown_key_suggests_the_close_key():
    with pytest.raises(ContentError) as error:
        parse_actor_registry([entry(alias=["Kim Jong-un"])], path=PATH, lines={0: 4})
    assert "unknown key 'alias'" in error.value.what
    assert "did you mean 'aliases'?" in error.value.fix
    assert error.value.line == 4
    assert error.value.path == PATH


def test_one_problem_raises_a_content_error_with_the_entry_line():
    data = [entry(), {"id": "russia", "name": "Russia", "type": "contry"}]
    with pytest.raises(ContentError) as error:
        parse_actor_registry(data, path=PATH, lines={0: 2, 1: 9})
    assert not isinstance(error.value, BuildErrors)
    assert error.value.line == 9
    assert "did you mean 'country'?" in error.value.fix


def test_all_problems_are_reported_together():
    data = [
        entry(wikidata="7184"),
        {"id": "Bad Id", "name": "X", "type": "person"},
        {"name": "No Id", "type": "group"},
        "just text",
        entry(short="Kim"),
    ]
    with pytest.raises(BuildErrors) as error:
        parse_actor_registry(data, path=PATH, lines={i: 1 + 3 * i for i in range(5)})
    messages = [e.what for e in error.value.errors]
    assert any("not a Wikidata id" in m for m in messages)
    assert any("not a slug" in m for m in messages)
    assert any("has no 'id'" in m for m in messages)
    assert any("must be a mapping" in m for m in messages)
    assert any("'short' that is not a list" in m for m in messages)
    assert any("used twice (first at line 1)" in m for m in messages)
    assert [e.line for e in error.value.errors if "not a slug" in e.what] == [4]


def test_bad_slug_suggests_one():
    with pytest.raises(ContentError) as error:
        parse_actor_registry([entry(id="Kim Jong Un")], path=PATH)
    assert "'kim-jong-un'" in error.value.fix


def test_duplicate_id_is_an_error():
    with pytest.raises(ContentError, match="'kim-jong-un' is used twice"):
        parse_actor_registry([entry(), entry(name="Kim Jong Il")], path=PATH)


def test_alias_claimed_by_two_actors_is_a_warning_and_links_to_neither():
    data = [
        {"id": "tariq-wang", "name": "Tariq Wang", "type": "person", "aliases": ["T. Wang"]},
        {"id": "tomas-wang", "name": "Tomas Wang", "type": "person", "aliases": ["T. Wang"]},
    ]
    actors = parse_actor_registry(data, path=PATH)
    (warning,) = ambiguous_surfaces(actors)
    assert "'T. Wang'" in warning and "'tariq-wang'" in warning and "'tomas-wang'" in warning
    matcher = build_matcher(actors)
    found = find_mentions("Tomas Wang met T. Wang and Tariq Wang.", matcher)
    assert [m.actor_id for m in found] == ["tomas-wang", "tariq-wang"]


def test_short_name_that_is_another_actors_alias_is_not_a_short_name():
    data = [
        {"id": "united-states", "name": "United States", "type": "country", "aliases": ["US"]},
        {"id": "us-person", "name": "Uma Smith", "type": "person", "short": ["US"]},
    ]
    matcher = build_matcher(parse_actor_registry(data, path=PATH))
    found = find_mentions("Uma Smith said the US would act.", matcher)
    assert [m.actor_id for m in found] == ["us-person", "united-states"]


def test_country_must_be_an_id_in_the_registry():
    data = [entry(country="north-corea"), {"id": "north-korea", "name": "N", "type": "country"}]
    with pytest.raises(ContentError) as error:
        parse_actor_registry(data, path=PATH)
    assert "unknown country 'north-corea' (did you mean 'north-korea'?)" in error.value.what


def test_country_must_point_at_a_country():
    data = [entry(country="putin"), {"id": "putin", "name": "Vladimir Putin", "type": "person"}]
    with pytest.raises(ContentError, match="which is a person, not a country"):
        parse_actor_registry(data, path=PATH)


def test_same_wikidata_on_two_actors_is_an_error():
    data = [entry(wikidata="Q1"), {"id": "x", "name": "X", "type": "group", "wikidata": "Q1"}]
    with pytest.raises(ContentError, match="Q1 is used by both"):
        parse_actor_registry(data, path=PATH)


def test_valid_entry_keeps_every_field():
    data = [
        entry(
            aliases=["Kim Jong-un", "Kim Jong Un"], short=["Kim"], role="Leader", wikidata="Q56226"
        ),
    ]
    (kim,) = parse_actor_registry(data, path=PATH)
    assert kim == Actor(
        id="kim-jong-un",
        name="Kim Jong Un",
        type=ActorType.PERSON,
        aliases=("Kim Jong-un",),
        short=("Kim",),
        role="Leader",
        wikidata="Q56226",
    )


# --- mention rules ----------------------------------------------------------


def test_longest_match_wins(matcher):
    assert ids("North Korea and Korea", matcher) == ["north-korea"]
    assert ids("the United Nations Security Council met", matcher) == [
        "united-nations-security-council"
    ]
    assert ids("the US State Department said", matcher) == ["us-state-department"]
    assert ids("the State Department and the US", matcher) == [
        "us-state-department",
        "united-states",
    ]


def test_whole_words_only(matcher):
    assert ids("Russian forces", matcher) == []
    assert ids("Kim Jong Un ate Kimchi", matcher) == ["kim-jong-un"]
    assert ids("USAF and USA", matcher) == ["united-states"]


def test_a_name_that_ends_inside_a_word_does_not_hide_one_that_starts_there(matcher):
    # "AntiRussia" is no mention, but the search goes on from inside it.
    assert ids("AntiRussia", matcher) == []
    assert ids("ProUSA, Russia", matcher) == ["russia"]
    assert ids("XNorth Korea", matcher) == []


def test_demonym_is_not_a_mention(matcher):
    assert ids("Russian President said", matcher) == []
    assert ids("a North Korean leader", matcher) == []


def test_matching_is_case_sensitive(matcher):
    assert ids("let us go", matcher) == []
    assert ids("NORTH KOREA FIRES MISSILE", matcher) == []
    assert ids("the us state department", matcher) == []


def test_possessive_counts_without_the_s(matcher):
    text = "Putin's war, Vladimir Putin’s war, Russia’s war, Russia's war"
    mentions = find_mentions(text, matcher)
    assert [(m.actor_id, m.text) for m in mentions] == [
        ("vladimir-putin", "Vladimir Putin"),
        ("russia", "Russia"),
        ("russia", "Russia"),
    ]
    assert text[mentions[1].start : mentions[1].end] == "Russia"
    assert text[mentions[1].end] == "’"


def test_short_name_needs_full_name_first(matcher):
    assert ids("Miller spoke. Then Matthew Miller spoke. Miller left.", matcher) == [
        "matthew-miller",
        "matthew-miller",
    ]
    mentions = find_mentions("Kim waved. Kim Jong Un waved. Kim’s aides left.", matcher)
    assert [(m.start, m.text) for m in mentions] == [(11, "Kim Jong Un"), (30, "Kim")]


def test_short_name_counts_after_an_alias(matcher):
    assert ids("Sergey Shoygu arrived; Shoigu spoke", matcher) == ["sergei-shoigu"] * 2


def test_short_name_before_its_own_full_name_in_the_text_is_ignored(matcher):
    assert ids("Biden administration; later Joe Biden and Biden", matcher) == ["joe-biden"] * 2


def test_shared_short_name_goes_to_the_actor_named_last():
    actors = parse_actor_registry(
        [
            {"id": "kim-jong-un", "name": "Kim Jong Un", "type": "person", "short": ["Kim"]},
            {"id": "kim-yo-jong", "name": "Kim Yo Jong", "type": "person", "short": ["Kim"]},
        ],
        path=PATH,
    )
    matcher = build_matcher(actors)
    assert ids("Kim Yo Jong said Kim. Kim Jong Un then met Kim.", matcher) == [
        "kim-yo-jong",
        "kim-yo-jong",
        "kim-jong-un",
        "kim-jong-un",
    ]


def test_capital_alias_counts_as_the_government(matcher):
    assert ids("Pyongyang provides weapons to Moscow", matcher) == ["north-korea", "russia"]
    assert ids("Washington has urged Pyongyang", matcher) == ["united-states", "north-korea"]


def test_washington_dc_is_a_place(matcher):
    assert ids("talks in Washington, DC on Monday", matcher) == []
    assert ids("talks in Washington, D.C. on Monday", matcher) == []
    assert ids("talks in Washington DC, said the US", matcher) == ["united-states"]


def test_dateline_is_not_a_mention(matcher):
    assert ids("Washington, DC – As the US", matcher) == ["united-states"]
    assert ids("Moscow (Reuters) - The Kremlin said", matcher) == ["russia"]
    assert ids("Kyiv, Ukraine — Russia fired", matcher) == ["russia"]
    assert ids("Seoul, Sept 11 (AP) – Pyongyang fired", matcher) == ["north-korea"]


def test_capital_later_in_a_dateline_text_still_counts(matcher):
    mentions = find_mentions("Washington, DC – Later, Washington warned Moscow.", matcher)
    assert [(m.actor_id, m.start) for m in mentions] == [("united-states", 24), ("russia", 42)]


def test_capital_at_start_without_dateline_counts(matcher):
    assert ids("Moscow has denied it.", matcher) == ["russia"]


def test_person_at_start_before_a_dash_is_not_a_dateline(matcher):
    assert ids("Vladimir Putin – the president – spoke", matcher) == ["vladimir-putin"]


def test_hyphenated_compound_counts_for_both(matcher):
    text = "Kim Jong Un met Vladimir Putin. The Kim-Putin meeting"
    mentions = find_mentions(text, matcher)
    assert [(m.actor_id, m.text) for m in mentions[2:]] == [
        ("kim-jong-un", "Kim"),
        ("vladimir-putin", "Putin"),
    ]


def test_typographic_apostrophe_and_no_break_space_match(matcher):
    assert ids("the People’s Republic of China", matcher) == ["china"]
    assert ids("the People's Republic of China", matcher) == ["china"]
    assert ids("North\u00a0Korea", matcher) == ["north-korea"]


def test_dotted_alias_matches(matcher):
    mentions = find_mentions("the U.S. said", matcher)
    assert mentions == (Mention("united-states", 4, 8, "U.S."),)


def test_names_across_a_paragraph_break_do_not_join(matcher):
    assert ids("North\n\nKorea", matcher) == []


def test_empty_registry_matches_nothing():
    assert find_mentions("North Korea", build_matcher(())) == ()


def test_large_registry_still_finds_the_longest_match(actors):
    many = [
        Actor(f"person-{n}", f"Person Number{n}", ActorType.PERSON, short=(f"Number{n}",))
        for n in range(5000)
    ]
    matcher = build_matcher([*actors, *many])
    text = "Person Number4999 met Vladimir Putin; Number4999 and Number12 left."
    assert ids(text, matcher) == ["person-4999", "vladimir-putin", "person-4999"]


# --- the seed ---------------------------------------------------------------


def test_seed_body_mentions_exactly_its_actors(matcher):
    _, body = seed_parts()
    assert {m.actor_id for m in find_mentions(body, matcher)} == {
        "united-states",
        "north-korea",
        "russia",
        "ukraine",
        "china",
        "south-korea",
        "japan",
        "vladimir-putin",
        "kim-jong-un",
        "matthew-miller",
        "sergei-shoigu",
        "united-nations-security-council",
        "us-state-department",
    }


def test_seed_dateline_is_skipped_and_mentions_slice_the_text(matcher):
    _, body = seed_parts()
    mentions = find_mentions(body, matcher)
    assert mentions[0] == Mention("vladimir-putin", 38, 52, "Vladimir Putin")
    assert all(body[m.start : m.end] == m.text for m in mentions)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_seed_dek_says_biden_only_as_a_short_name(matcher):
    dek, _ = seed_parts()
    assert dek.startswith("Biden administration")
    # "Biden" alone, with no "Joe Biden" before it, is not enough.
    assert ids(dek, matcher) == ["vladimir-putin", "kim-jong-un", "ukraine"]


# Bounded on any registry


def test_unknown_countries_get_a_suggestion_for_the_first_few_only_so_a_big_registry_is_quick():
    import time

    entries = [
        {"id": f"person-{n}", "name": f"P {n}", "type": "person", "country": f"persn-{n}"}
        for n in range(2000)
    ]
    started = time.perf_counter()
    with pytest.raises(BuildErrors) as caught:
        parse_actor_registry(entries, path=PATH)
    assert time.perf_counter() - started < 10  # every one of 2,000 against 2,000: a minute
    whats = [error.what for error in caught.value.errors]
    assert len(whats) == 2000
    assert (
        whats[0] == "actor 'person-0' has an unknown country 'persn-0' (did you mean 'person-0'?)"
    )
    assert whats[-1] == "actor 'person-1999' has an unknown country 'persn-1999'"


def test_registry_values_are_described_in_words_not_python_reprs():
    import datetime

    with pytest.raises(BuildErrors) as caught:
        parse_actor_registry(
            [{"id": datetime.date(2023, 9, 11), "name": "N", "type": ["person"], "wikidata": 7}],
            path=PATH,
        )
    assert [error.what for error in caught.value.errors] == [
        "actor #1 has the id the date 2023-09-11, which is not a slug",
        "actor #1 has the type a list, which is not known",
        "actor #1 has the wikidata the number 7, which is not a Wikidata id",
    ]


def test_the_id_network_is_refused_on_its_registry_line():
    data = [entry(), entry(id="network", name="The Network")]
    with pytest.raises(ContentError) as error:
        parse_actor_registry(data, path=PATH, lines={0: 1, 1: 4})
    assert error.value.line == 4
    assert "actor network page (/actors/network/)" in error.value.what
    assert "'network-1'" in error.value.fix
