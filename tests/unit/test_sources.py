from collections import defaultdict

import pytest

from generator.sources import DEFAULT_SOURCES, normalise_source, source_key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("The Guardian", "guardian"),
        ("theguardian.com", "guardian"),
        ("https://www.theguardian.com/", "guardian"),
        ("GUARDIAN", "guardian"),
        ("BBC News", "bbcnews"),
        ("bbc.co.uk", "bbc"),
        ("Agence France-Presse", "agencefrancepresse"),
        ("RFE/RL", "rferl"),
        ("  Le   Monde ", "lemonde"),
        ("Süddeutsche Zeitung", "süddeutschezeitung"),
        ("The", "the"),
    ],
)
def test_source_key_ignores_case_punctuation_the_and_domain(raw: str, key: str) -> None:
    assert source_key(raw) == key


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("AlJazeera", "Al Jazeera"),
        ("Al Jazeera English", "Al Jazeera"),
        ("aljazeera.com", "Al Jazeera"),
        ("https://www.aljazeera.com/", "Al Jazeera"),
        ("al-jazeera", "Al Jazeera"),
        ("  Reuters ", "Reuters"),
        ("AP", "Associated Press"),
        ("The Associated Press", "Associated Press"),
        ("Agence France-Presse", "AFP"),
        ("BBC", "BBC"),
        ("BBC News", "BBC"),
        ("bbc.co.uk", "BBC"),
        ("https://www.bbc.com/news", "BBC"),
        ("Guardian", "The Guardian"),
        ("NYT", "The New York Times"),
        ("NYTimes", "The New York Times"),
        ("new york times", "The New York Times"),
        ("Washington Post", "The Washington Post"),
        ("FT", "Financial Times"),
        ("WSJ", "The Wall Street Journal"),
        ("DW", "Deutsche Welle"),
        ("France24", "France 24"),
        ("Spiegel", "Der Spiegel"),
        ("Times of Israel", "The Times of Israel"),
        ("Times of India", "The Times of India"),
        ("SCMP", "South China Morning Post"),
        ("The Kyiv Independent", "Kyiv Independent"),
        ("Independent", "The Independent"),
        ("VOA", "Voice of America"),
        ("RFE/RL", "Radio Free Europe/Radio Liberty"),
        ("Kyodo", "Kyodo News"),
    ],
)
def test_known_spellings_become_the_canonical_name(raw: str, canonical: str) -> None:
    assert normalise_source(raw, DEFAULT_SOURCES) == canonical


def test_every_canonical_name_is_its_own_spelling() -> None:
    for canonical in set(DEFAULT_SOURCES.values()):
        assert normalise_source(canonical, DEFAULT_SOURCES) == canonical


def test_no_two_outlets_share_a_key() -> None:
    outlets_by_key: defaultdict[str, set[str]] = defaultdict(set)
    for spelling, canonical in DEFAULT_SOURCES.items():
        outlets_by_key[source_key(spelling)].add(canonical)
    shared = {key: outlets for key, outlets in outlets_by_key.items() if len(outlets) > 1}
    assert shared == {}


def test_unknown_source_is_returned_stripped() -> None:
    assert normalise_source("  Example Gazette \n", DEFAULT_SOURCES) == "Example Gazette"


def test_custom_table_is_matched_by_key() -> None:
    table = {"The Example Gazette": "Example Gazette"}
    assert normalise_source("example-gazette.com", table) == "Example Gazette"
    assert normalise_source("Reuters", table) == "Reuters"


def test_default_sources_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        DEFAULT_SOURCES["Example"] = "Example"  # type: ignore[index]
