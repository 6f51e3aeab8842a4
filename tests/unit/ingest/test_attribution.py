import pytest
import yaml

from generator.content.actors import build_matcher, parse_actor_registry
from generator.ingest.attribution import QuoteSuggestion, find_candidate_actors, find_quotes
from tests.support import REPO

REGISTRY = REPO / "content" / "actors.yaml"
SEED = REPO / "seeds" / "000_fb03fb027bc92a78.txt"

QUOTE = "We will not stand for this at all"


@pytest.fixture(scope="module")
def actors():
    return parse_actor_registry(yaml.safe_load(REGISTRY.read_text(encoding="utf-8")), path=REGISTRY)


@pytest.fixture(scope="module")
def matcher(actors):
    return build_matcher(actors)


def seed_paragraphs() -> list[str]:
    raw = SEED.read_text(encoding="utf-8")
    body = raw[raw.index("Washington, DC –") :]
    return [paragraph for paragraph in body.split("\n\n") if paragraph.strip()]


def one(paragraphs, matcher) -> QuoteSuggestion:
    (quote,) = find_quotes(paragraphs, matcher)
    return quote


# --- the seed ---------------------------------------------------------------


def test_seed_quotes_and_their_speaker(matcher):
    paragraphs = seed_paragraphs()
    quotes = find_quotes(paragraphs, matcher)
    assert [(q.speaker_id, q.speaker_name, q.verb) for q in quotes] == [
        ("matthew-miller", None, "told reporters"),
        ("matthew-miller", None, None),
        # "He did not specify ..., saying that the US ... will “wait and see ...”": his
        # words, in a sentence that names him.
        ("matthew-miller", None, "saying"),
        ("matthew-miller", None, "said"),
        ("matthew-miller", None, "said"),
    ]
    assert quotes[0].text == (
        "I will remind both countries that any transfer of arms from North Korea to Russia "
        "would be in violation of multiple United Nations Security Council resolutions"
    )
    assert quotes[1].text.startswith("We, of course, have aggressively enforced our sanctions")
    assert quotes[1].paragraph == quotes[0].paragraph + 1
    assert quotes[2].text == "wait and see what the outcome of the meeting is before speculating"
    assert quotes[3].text.startswith("There’s no better evidence of that than now. A year")
    assert quotes[3].text.endswith("to beg Kim Jong Un for military assistance")
    assert quotes[4].text.startswith("We continue to assess that the Ukrainians")
    assert quotes[4].text.endswith("ability of their forces")
    for quote in quotes:
        assert quote.text in paragraphs[quote.paragraph]


def test_seed_scare_quotes_are_not_quotes(matcher):
    texts = " | ".join(q.text for q in find_quotes(seed_paragraphs(), matcher))
    for scare in (
        "aggressively",
        "hold accountable",
        "social gathering",
        "international pariah",
        "strategic failure",
        "strategic and tactical collaboration",
    ):
        assert scare not in texts.replace("aggressively enforced", "")


def test_seed_has_no_candidates_with_the_full_registry(matcher):
    assert find_candidate_actors(seed_paragraphs(), matcher) == ()


def test_seed_candidates_without_miller_and_kim(actors):
    matcher = build_matcher([a for a in actors if a.id not in {"matthew-miller", "kim-jong-un"}])
    paragraphs = seed_paragraphs()
    assert find_candidate_actors(paragraphs, matcher) == ("Kim Jong Un", "Matthew Miller")
    # The speaker is the fullest name the article gives him.
    assert {q.speaker_name for q in find_quotes(paragraphs, matcher)} == {"Matthew Miller"}


# --- quote patterns ---------------------------------------------------------


def test_quote_then_speaker_told_reporters(matcher):
    quote = one(["Matthew Miller spoke.", f"“{QUOTE},” Miller told reporters."], matcher)
    assert quote == QuoteSuggestion(QUOTE, "matthew-miller", None, "told reporters", 1, start=1)


def test_quote_then_speaker_said_on_a_day(matcher):
    quote = one([f"“{QUOTE},” Matthew Miller said on Monday."], matcher)
    assert (quote.speaker_id, quote.verb, quote.text) == ("matthew-miller", "said", QUOTE)


def test_quote_then_said_speaker(matcher):
    quote = one([f"“{QUOTE},” said Vladimir Putin."], matcher)
    assert (quote.speaker_id, quote.verb) == ("vladimir-putin", "said")


def test_speaker_said_colon_quote(matcher):
    quote = one([f"Vladimir Putin said: “{QUOTE}.”"], matcher)
    assert (quote.speaker_id, quote.verb, quote.text) == ("vladimir-putin", "said", QUOTE + ".")


def test_speaker_said_quote_without_colon(matcher):
    quote = one([f"On Monday, Kim Jong Un said “{QUOTE}”."], matcher)
    assert (quote.speaker_id, quote.verb) == ("kim-jong-un", "said")


def test_speaker_with_title_before_verb_and_quote(matcher):
    quote = one(
        [f"US State Department spokesperson Matthew Miller told reporters: “{QUOTE}”"], matcher
    )
    assert (quote.speaker_id, quote.verb) == ("matthew-miller", "told reporters")


def test_straight_quotes(matcher):
    quote = one([f'"{QUOTE}," Vladimir Putin said.'], matcher)
    assert (quote.speaker_id, quote.text) == ("vladimir-putin", QUOTE)


def test_pronoun_is_the_last_person_quoted(matcher):
    paragraphs = [
        f"“{QUOTE},” Vladimir Putin said.",
        "The Kremlin said nothing more.",
        "“And we will keep going regardless,” he added.",
    ]
    quotes = find_quotes(paragraphs, matcher)
    assert [(q.speaker_id, q.verb, q.paragraph) for q in quotes] == [
        ("vladimir-putin", "said", 0),
        ("vladimir-putin", "added", 2),
    ]


def test_pronoun_without_an_earlier_speaker_is_skipped(matcher):
    assert find_quotes([f"“{QUOTE},” she said."], matcher) == ()


def test_continuation_paragraph_has_the_previous_speaker(matcher):
    paragraphs = [f"“{QUOTE},” said Vladimir Putin.", "“And we will keep going regardless.”"]
    quotes = find_quotes(paragraphs, matcher)
    assert [(q.speaker_id, q.verb, q.paragraph) for q in quotes] == [
        ("vladimir-putin", "said", 0),
        ("vladimir-putin", None, 1),
    ]


def test_lone_quote_paragraph_without_a_speaker_before_is_skipped(matcher):
    paragraphs = ["Vladimir Putin arrived.", f"“{QUOTE}.”"]
    assert find_quotes(paragraphs, matcher) == ()


def test_lone_quote_two_paragraphs_after_the_speaker_is_skipped(matcher):
    paragraphs = [f"“{QUOTE},” said Vladimir Putin.", "Russia agreed.", f"“{QUOTE}.”"]
    assert len(find_quotes(paragraphs, matcher)) == 1


def test_quote_under_four_words_is_not_a_quote(matcher):
    assert find_quotes(["“Not at all,” Vladimir Putin said."], matcher) == ()


def test_quote_without_a_speaker_verb_next_to_it_is_not_a_quote(matcher):
    paragraphs = ["Sergei Shoigu met Kim to discuss “strategic and tactical collaboration”."]
    assert find_quotes(paragraphs, matcher) == ()


def test_unregistered_speaker_gives_the_name(matcher):
    quote = one([f"“{QUOTE},” said Jane Doe, a spokeswoman."], matcher)
    assert (quote.speaker_id, quote.speaker_name, quote.verb) == (None, "Jane Doe", "said")


def test_unregistered_speaker_loses_the_title(matcher):
    quote = one([f"“{QUOTE},” Russian Foreign Minister Sergei Lavrov said."], matcher)
    assert (quote.speaker_id, quote.speaker_name) == (None, "Sergei Lavrov")


def test_organisation_or_government_can_speak(matcher):
    quote = one([f"“{QUOTE},” the Kremlin said in a statement."], matcher)
    assert (quote.speaker_id, quote.speaker_name) == ("russia", None)


def test_short_name_speaker_without_full_name_is_not_resolved(matcher):
    quote = one([f"“{QUOTE},” Miller said."], matcher)
    assert (quote.speaker_id, quote.speaker_name) == (None, "Miller")


def test_verb_of_another_clause_is_not_an_attribution(matcher):
    assert find_quotes([f"“{QUOTE},” and Russia said nothing."], matcher) == ()


# --- candidate actors -------------------------------------------------------


def test_candidates_are_repeated_or_titled_names(matcher):
    paragraphs = [
        "Prime Minister Benjamin Netanyahu flew to Washington.",
        "Talks with Ali Khamenei stalled. Later Ali Khamenei spoke.",
        "The spokesperson Anna Roberts declined. Peter Pan was seen once.",
    ]
    assert find_candidate_actors(paragraphs, matcher) == (
        "Ali Khamenei",
        "Anna Roberts",
        "Benjamin Netanyahu",
    )


def test_candidates_keep_particles(matcher):
    paragraphs = ["Leader Osama bin Laden hid.", "Bashar al-Assad met Bashar al-Assad."]
    assert find_candidate_actors(paragraphs, matcher) == ("Bashar al-Assad", "Osama bin Laden")


def test_candidates_leave_out_known_actors_dates_and_sentence_starts(matcher):
    paragraphs = [
        "On Monday, Vladimir Putin met Kim Jong Un. On Monday they left.",
        "In September Russia spoke. In September North Korea spoke.",
        "The Korean Peninsula and the Korean Peninsula.",
    ]
    assert find_candidate_actors(paragraphs, matcher) == ("Korean Peninsula",)


def test_candidates_include_unregistered_speakers(matcher):
    paragraphs = [f"“{QUOTE},” said Jane Doe, a spokeswoman.", f"“{QUOTE},” Doe said."]
    assert find_candidate_actors(paragraphs, matcher) == ("Jane Doe",)
