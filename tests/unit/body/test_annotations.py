import pytest

import generator.body.annotations as annotations_module
from generator.body.annotations import (
    Anchor,
    AnchorFailure,
    AnchorProblem,
    AnchorReport,
    Target,
    anchor_all,
    article_targets,
    find_anchor,
    normalise_for_matching,
)
from generator.body.body_markup import plain_text
from generator.content.types import Annotation, AnnotationKind, Quote
from tests.support import REPO

SEED = REPO / "seeds" / "000_fb03fb027bc92a78.txt"

TEXT = (
    "Today the envoy met the minister in Seoul. Later the envoy flew to Tokyo, "
    "where the minister of trade waited."
)


@pytest.fixture(scope="module")
def seed_body() -> str:
    """The first seed's article text, from the dateline on (as ingest keeps it)."""
    raw = SEED.read_text(encoding="utf-8")
    return raw[raw.index("Washington, DC –") :]


def anchored(text: str, result: Anchor | AnchorFailure) -> str:
    assert isinstance(result, Anchor), result
    return text[result.start : result.end]


def failure(result: Anchor | AnchorFailure, problem: AnchorProblem) -> AnchorFailure:
    assert isinstance(result, AnchorFailure), result
    assert result.problem is problem
    return result


# Matching


def test_unique_match_gives_its_offsets():
    result = find_anchor(TEXT, "flew to Tokyo")
    assert result == Anchor(TEXT.index("flew"), TEXT.index("Tokyo") + len("Tokyo"))


def test_repeated_quote_is_ambiguous_without_prefix():
    result = failure(find_anchor(TEXT, "the envoy"), AnchorProblem.AMBIGUOUS)
    assert result.matches == 2


def test_prefix_picks_one_of_several_matches():
    result = find_anchor(TEXT, "the envoy", prefix="Later ")
    assert result == Anchor(TEXT.index("the envoy flew"), TEXT.index(" flew"))


def test_suffix_picks_one_of_several_matches():
    result = find_anchor(TEXT, "the minister", suffix=" of trade")
    assert anchored(TEXT, result) == "the minister"
    assert isinstance(result, Anchor)
    assert result.start == TEXT.index("the minister of trade")


def test_prefix_that_precedes_every_match_stays_ambiguous():
    result = failure(find_anchor(TEXT, "minister", prefix="the"), AnchorProblem.AMBIGUOUS)
    assert result.matches == 2


def test_prefix_and_suffix_together_narrow_the_matches():
    text = "a cat sat. a cat ran. the cat sat."
    result = find_anchor(text, "cat", prefix="a", suffix="sat")
    assert result == Anchor(2, 5)


@pytest.mark.parametrize("prefix", ["met ", "met", "met   ", "met\n"])
def test_prefix_is_whitespace_tolerant_at_the_join(prefix):
    assert anchored(TEXT, find_anchor(TEXT, "the minister", prefix=prefix)) == "the minister"


@pytest.mark.parametrize("suffix", [" in Seoul", "in Seoul", "\nin Seoul"])
def test_suffix_is_whitespace_tolerant_at_the_join(suffix):
    result = find_anchor(TEXT, "the minister", suffix=suffix)
    assert isinstance(result, Anchor)
    assert result.start == TEXT.index("the minister in")


def test_prefix_at_the_start_of_the_text_matches_nothing_before_it():
    result = failure(find_anchor("Seoul and Seoul", "Seoul", prefix="in"), AnchorProblem.NOT_FOUND)
    assert result.matches == 0


def test_blank_prefix_and_suffix_are_ignored():
    assert anchored(TEXT, find_anchor(TEXT, "Tokyo", prefix="  ", suffix="")) == "Tokyo"


def test_missing_quote_is_not_found():
    result = failure(find_anchor(TEXT, "flew to Osaka"), AnchorProblem.NOT_FOUND)
    assert result.matches == 0


def test_prefix_that_fits_no_match_is_not_found():
    failure(find_anchor(TEXT, "the envoy", prefix="Sooner"), AnchorProblem.NOT_FOUND)


def test_overlapping_occurrences_all_count():
    result = failure(find_anchor("ha ha ha", "ha ha"), AnchorProblem.AMBIGUOUS)
    assert result.matches == 2


def test_case_is_not_folded():
    failure(find_anchor(TEXT, "the Envoy"), AnchorProblem.NOT_FOUND)


@pytest.mark.parametrize("exact", ["", "   ", "\n\t", "\u200b\u00ad"])
def test_empty_exact_is_rejected(exact):
    with pytest.raises(ValueError, match="empty"):
        find_anchor(TEXT, exact)


# Normalisation


def test_straight_quotes_in_exact_match_curly_quotes_in_text():
    text = "the United States has threatened to “aggressively” enforce sanctions"
    result = find_anchor(text, '"aggressively" enforce')
    assert anchored(text, result) == "“aggressively” enforce"


def test_curly_quotes_in_exact_match_straight_quotes_in_text():
    text = 'the United States has threatened to "aggressively" enforce sanctions'
    assert anchored(text, find_anchor(text, "“aggressively”")) == '"aggressively"'


def test_straight_apostrophe_matches_curly_one_and_back():
    curly = "entities that help Russia’s military campaign"
    straight = "entities that help Russia's military campaign"
    assert anchored(curly, find_anchor(curly, "Russia's military")) == "Russia’s military"
    assert anchored(straight, find_anchor(straight, "Russia’s military")) == "Russia's military"


def test_dashes_match_a_hyphen():
    text = "Washington, DC – As Russian President — and others ‑ met"
    assert anchored(text, find_anchor(text, "DC - As")) == "DC – As"
    assert anchored(text, find_anchor(text, "President - and")) == "President — and"


def test_nbsp_in_text_matches_space_in_exact():
    text = "President\u00a0Vladimir\u202fPutin prepares"
    assert anchored(text, find_anchor(text, "President Vladimir Putin")) == (
        "President\u00a0Vladimir\u202fPutin"
    )


def test_line_breaks_in_text_match_a_space_in_exact():
    text = "would be in violation of multiple\nUnited Nations\r\n  Security Council resolutions"
    result = find_anchor(text, "multiple United Nations Security Council resolutions")
    assert anchored(text, result) == text[text.index("multiple") :]


def test_line_breaks_in_exact_match_a_space_in_text():
    text = "multiple United Nations Security Council resolutions"
    assert anchored(text, find_anchor(text, "multiple United\nNations  Security")) == (
        "multiple United Nations Security"
    )


def test_soft_hyphens_and_zero_width_characters_are_ignored():
    text = "counter\u00adoffensive in Ukra\u200bine"
    assert anchored(text, find_anchor(text, "counteroffensive in Ukraine")) == text


def test_normalise_for_matching_folds_and_maps_each_character_back():
    text = "“A”\u00a0 –\n\u00adb\u200b’"
    normalised, positions = normalise_for_matching(text)
    assert normalised == '"A" - b\''
    assert positions == [0, 1, 2, 3, 5, 6, 8, 10]
    assert len(positions) == len(normalised)


def test_normalise_for_matching_leaves_plain_text_alone():
    text = "Plain text, with single spaces."
    assert normalise_for_matching(text) == (text, list(range(len(text))))


def test_offsets_map_back_to_the_original_characters():
    text = "He said:\n\n“We, of course,\u00a0have  aggres\u00adsively enforced our sanctions.”"
    result = find_anchor(text, '"We, of course, have aggressively enforced')
    assert anchored(text, result) == "“We, of course,\u00a0have  aggres\u00adsively enforced"


# Markdown formatting is not in the rendered text


def test_plain_text_of_markdown_drops_formatting():
    md = "The **River Authority** approved _the_ [dam](https://example.org/dam)."
    assert plain_text(md) == "The River Authority approved the dam."


def test_plain_text_of_markdown_keeps_paragraphs_apart():
    assert plain_text("One end.\n\nTwo start.") == "One end.\n\nTwo start."


def test_anchor_matches_across_markdown_formatting():
    text = plain_text("The **River Authority** approved the dam")
    assert text == "The River Authority approved the dam"
    assert anchored(text, find_anchor(text, "River Authority approved")) == (
        "River Authority approved"
    )


def test_anchor_matches_across_links_and_emphasis_in_a_paragraph():
    text = plain_text(
        "Miller said the US would *continue to* “hold [accountable](https://state.gov)” "
        "entities that help Russia’s military."
    )
    result = find_anchor(text, 'continue to "hold accountable" entities')
    assert anchored(text, result) == "continue to “hold accountable” entities"


def test_anchor_matches_across_a_paragraph_break():
    text = plain_text("It ends **here**.\n\nAnd starts _again_.")
    assert anchored(text, find_anchor(text, "here. And starts")) == "here.\n\nAnd starts"


# Hints


def test_not_found_hint_is_the_closest_passage(seed_body):
    result = failure(find_anchor(seed_body, "multiple resolutions"), AnchorProblem.NOT_FOUND)
    assert result.hint == "multiple United Nations Security Council resolutions"


def test_not_found_hint_forgives_a_misspelling_and_case(seed_body):
    assert find_anchor(seed_body, "Security Counsel resolutions").hint == (
        "Security Council resolutions"
    )
    assert find_anchor(seed_body, "pyongyang").hint == "Pyongyang"


def test_not_found_hint_is_empty_when_nothing_is_close(seed_body):
    result = failure(find_anchor(seed_body, "xylophone quartet"), AnchorProblem.NOT_FOUND)
    assert result.hint == ""


def test_not_found_hint_for_a_wrong_prefix_shows_the_real_one(seed_body):
    result = failure(find_anchor(seed_body, "Pyongyang", prefix="of"), AnchorProblem.NOT_FOUND)
    assert result.hint == "if Pyongyang"


def test_ambiguous_hint_is_a_prefix_that_makes_the_anchor_unique(seed_body):
    result = failure(find_anchor(seed_body, "Pyongyang"), AnchorProblem.AMBIGUOUS)
    assert result.hint
    assert seed_body.count(result.hint + "Pyongyang") == 1
    assert isinstance(find_anchor(seed_body, "Pyongyang", prefix=result.hint), Anchor)


@pytest.mark.parametrize("exact", ["Russia", "Russia's", "Kim", "the", "Miller said", "US"])
def test_ambiguous_hint_round_trip(seed_body, exact):
    result = failure(find_anchor(seed_body, exact), AnchorProblem.AMBIGUOUS)
    anchor = find_anchor(seed_body, exact, prefix=result.hint)
    assert isinstance(anchor, Anchor)
    assert (
        normalise_for_matching(seed_body[anchor.start : anchor.end])[0]
        == (normalise_for_matching(exact)[0])
    )


def test_ambiguous_hint_works_with_the_suffix_given(seed_body):
    result = failure(
        find_anchor(seed_body, "Russia", suffix="and North Korea"), AnchorProblem.AMBIGUOUS
    )
    anchor = find_anchor(seed_body, "Russia", prefix=result.hint, suffix="and North Korea")
    assert isinstance(anchor, Anchor)
    assert seed_body[anchor.end : anchor.end + 16] == " and North Korea"


def test_ambiguous_hint_prefers_a_whole_word_match():
    text = "Matthew spoke. Then the envoy and the minister spoke."
    hint = failure(find_anchor(text, "the"), AnchorProblem.AMBIGUOUS).hint
    assert hint == "Then "


# The same nine words lead up to both matches, more than a hint is allowed to take.
SAME_RUN_UP = (
    "one two three four five six seven eight nine said no. "
    "one two three four five six seven eight nine said yes."
)


def test_ambiguous_hint_is_empty_when_no_prefix_tells_the_matches_apart():
    assert failure(find_anchor(SAME_RUN_UP, "said"), AnchorProblem.AMBIGUOUS).hint == ""


# The seed article


def test_seed_quote_is_unique_in_the_article(seed_body):
    result = find_anchor(seed_body, "multiple United Nations Security Council resolutions")
    assert anchored(seed_body, result) == "multiple United Nations Security Council resolutions"


def test_seed_name_of_a_capital_is_ambiguous(seed_body):
    result = failure(find_anchor(seed_body, "Pyongyang"), AnchorProblem.AMBIGUOUS)
    assert result.matches == seed_body.count("Pyongyang")


def test_seed_quote_typed_with_straight_quotes_anchors(seed_body):
    result = find_anchor(seed_body, 'threatened to "aggressively" enforce')
    assert anchored(seed_body, result) == "threatened to “aggressively” enforce"


# Anchoring an article's targets


def test_anchor_all_anchors_every_target_in_order(seed_body):
    targets = [
        Target("annotation 1", "multiple United Nations Security Council resolutions"),
        Target("annotation 2", "Russia’s", prefix="help "),
        Target("quote 1", "hold accountable"),
    ]
    anchors, problems = anchor_all(seed_body, targets)
    assert problems == ()
    assert [seed_body[a.start : a.end] for a in anchors if a is not None] == [
        "multiple United Nations Security Council resolutions",
        "Russia’s",
        "hold accountable",
    ]


def test_anchor_all_reports_a_missing_quote_with_the_closest_passage(seed_body):
    anchors, problems = anchor_all(
        seed_body,
        [
            Target("annotation 1", "Pyongyang", prefix="if"),
            Target("annotation 2", "multiple resolutions"),
        ],
    )
    assert anchors[0] is not None
    assert anchors[1] is None
    assert problems == (
        AnchorReport(
            "annotation 2",
            "the quote “multiple resolutions” matches nothing in the text; "
            "the closest passage is “multiple United Nations Security Council resolutions”",
            "copy the exact words from the article",
        ),
    )


def test_anchor_all_reports_an_ambiguous_quote_with_a_prefix_to_use(seed_body):
    anchors, problems = anchor_all(seed_body, [Target("annotation 1", "Russia")])
    assert anchors == (None,)
    hint = failure(find_anchor(seed_body, "Russia"), AnchorProblem.AMBIGUOUS).hint
    assert problems == (
        AnchorReport(
            "annotation 1",
            f"the quote “Russia” matches {seed_body.count('Russia')} places",
            f"add a prefix or suffix to pick one, e.g. prefix: “{hint}”",
        ),
    )


def test_anchor_all_suggests_a_suffix_when_no_prefix_helps():
    _, problems = anchor_all(SAME_RUN_UP, [Target("quote 1", "said")])
    assert problems == (
        AnchorReport(
            "quote 1",
            "the quote “said” matches 2 places",
            "add a prefix or suffix to pick one, e.g. suffix: “ no.”",
        ),
    )
    assert isinstance(find_anchor(SAME_RUN_UP, "said", suffix=" no."), Anchor)


def test_anchor_all_names_the_prefix_and_suffix_that_failed(seed_body):
    _, problems = anchor_all(
        seed_body, [Target("annotation 3", "Pyongyang", prefix="of", suffix="provides")]
    )
    assert problems == (
        AnchorReport(
            "annotation 3",
            "the quote “Pyongyang” with prefix “of” and suffix “provides” matches "
            "nothing in the text; the closest passage is “if Pyongyang provides”",
            "copy the exact words from the article, and check the prefix and suffix",
        ),
    )


def test_anchor_all_reports_an_empty_quote_instead_of_raising():
    anchors, problems = anchor_all(TEXT, [Target("annotation 1", " ")])
    assert anchors == (None,)
    assert problems == (
        AnchorReport(
            "annotation 1", "the quote is empty", "copy the words it comments on from the article"
        ),
    )


def test_anchor_all_allows_partly_overlapping_anchors(seed_body):
    anchors, problems = anchor_all(
        seed_body,
        [
            Target("annotation 1", "United Nations Security Council"),
            Target("annotation 2", "Security Council resolutions"),
            Target("annotation 3", "Security Council resolutions"),
        ],
    )
    assert problems == ()
    first, second, third = anchors
    assert first is not None and second is not None
    assert first.start < second.start < first.end < second.end
    assert third == second


def test_anchor_all_normalises_the_article_once(seed_body, monkeypatch):
    calls: list[str] = []
    real = annotations_module.normalise_for_matching

    def counting(text: str) -> tuple[str, list[int]]:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(annotations_module, "normalise_for_matching", counting)
    targets = [Target(f"quote {n}", word) for n, word in enumerate(["Kim", "Moscow", "1991"])]
    anchor_all(seed_body, targets)
    assert calls.count(seed_body) == 1


def test_anchor_all_with_no_targets_is_empty():
    assert anchor_all(TEXT, []) == ((), ())


def test_article_targets_number_annotations_then_quotes():
    targets = article_targets(
        [
            Annotation("the envoy", AnnotationKind.NOTE, "A note.", prefix="Later "),
            Annotation("Tokyo", AnnotationKind.CONTEXT, "Capital."),
        ],
        [Quote("flew to Tokyo", speaker="envoy")],
    )
    assert targets == (
        Target("annotation 1", "the envoy", prefix="Later "),
        Target("annotation 2", "Tokyo"),
        Target("quote 1", "flew to Tokyo"),
    )
    anchors, problems = anchor_all(TEXT, targets)
    assert problems == ()
    assert None not in anchors
