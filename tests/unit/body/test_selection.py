"""A selection on the page becomes the anchor the build finds at the place selected,
with the shortest prefix or suffix that picks it out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.body.annotations import Anchor, Target, anchor_all
from generator.body.selection import (
    Refusal,
    SelectedAnchor,
    Selection,
    anchor_selection,
    anchor_text,
)
from generator.content.frontmatter import split_front_matter
from tests.support import GOLDEN_FIXTURE, REPO

ARTICLES = sorted(
    [
        *(REPO / "content" / "articles").rglob("*.md"),
        *(GOLDEN_FIXTURE / "content" / "articles").rglob("*.md"),
    ]
)


def _text_of(path: Path) -> str:
    return anchor_text(split_front_matter(path.read_text(encoding="utf-8"), path=path).body)


def _page_view(text: str, start: int, end: int) -> Selection:
    """What the page sends: its text around the selection, spaced as a browser shows it."""
    squeeze = lambda part: " ".join(part.split())  # noqa: E731
    return Selection(
        squeeze(text[start:end]), squeeze(text[max(0, start - 300) : start]) + " ",
        " " + squeeze(text[end : end + 300]),
    )  # fmt: skip


def _build_anchor(text: str, found: SelectedAnchor) -> Anchor | None:
    anchors, problems = anchor_all(text, (Target("t", found.quote, found.prefix, found.suffix),))
    assert not problems, problems
    return anchors[0]


@pytest.mark.parametrize("path", ARTICLES, ids=[path.stem for path in ARTICLES])
def test_every_place_of_every_repeated_word_is_anchored_where_selected(path: Path) -> None:
    text = _text_of(path)
    words = [word for word in set(re.findall(r"\b\w{2,}\b", text)) if text.count(word) > 1]
    if not words:
        pytest.skip("no word of this article occurs twice")
    for word in sorted(words, key=lambda word: (-len(word), word))[:15]:
        for match in re.finditer(rf"\b{word}\b", text):
            found = anchor_selection(text, _page_view(text, *match.span()))
            if isinstance(found, Refusal):
                # Only when the very same words lead up to and follow both places.
                assert "cannot be told" in found.what or "no 32 words" in found.what, found
                continue
            assert (found.start, found.end) == match.span()
            assert _build_anchor(text, found) == Anchor(*match.span())
            _assert_shortest(text, found)


def _assert_shortest(text: str, found: SelectedAnchor) -> None:
    """No prefix and suffix of fewer words picks the place alone."""
    words = len((found.prefix or "").split()) + len((found.suffix or "").split())
    if words == 0:
        return
    prefix_words = (found.prefix or "").split()
    suffix_words = (found.suffix or "").split()
    for fewer in range(words):
        for before in range(fewer + 1):
            after = fewer - before
            if before > len(prefix_words) + 8 or after > len(suffix_words) + 8:
                continue
            start = text[: found.start].split()[-before:] if before else []
            end = text[found.end :].split()[:after] if after else []
            anchors, problems = anchor_all(
                text,
                (Target("t", found.quote, " ".join(start) or None, " ".join(end) or None),),
            )
            assert problems or anchors[0] != Anchor(found.start, found.end), (start, end)


def test_a_unique_selection_needs_no_prefix_or_suffix() -> None:
    text = "\n\nThe minister visited the dam on Monday.\n\nThe dam holds water."
    found = anchor_selection(text, Selection("visited the  dam"))
    assert found == SelectedAnchor("visited the dam", None, None, 15, 30)


def test_the_selected_place_decides_between_prefix_and_suffix() -> None:
    text = "\n\nThe dam holds water. Rain filled the dam again. The dam was full."
    first = anchor_selection(text, Selection("dam", "The ", " holds water. Rain"))
    assert isinstance(first, SelectedAnchor)
    assert (first.prefix, first.suffix) == (None, "holds")
    second = anchor_selection(text, Selection("dam", "Rain filled the ", " again."))
    assert isinstance(second, SelectedAnchor)
    assert (second.prefix, second.suffix) == ("the", None)  # "The dam" is not "the dam"
    assert second.start == text.index("dam again")


def test_typographic_quotes_and_spacing_on_the_page_do_not_matter() -> None:
    text = "\n\nHe said “we will act” and left. Later “we will act” was repeated."
    found = anchor_selection(text, Selection('"we will act"', "Later ", " was repeated."))
    assert isinstance(found, SelectedAnchor)
    assert found.quote == "“we will act”"
    assert _build_anchor(text, found) == Anchor(found.start, found.end)
    assert found.start == text.index("“we will act” was")


def test_a_selection_the_build_cannot_anchor_gets_the_builds_reason() -> None:
    text = "\n\nThe minister visited the dam on Monday."
    refused = anchor_selection(text, Selection("the minster visted the dam"))
    assert isinstance(refused, Refusal)
    assert "matches nothing in the text" in refused.what
    assert "the closest passage is “The minister visited the dam”" in refused.what
    assert isinstance(anchor_selection(text, Selection(" … ")), Refusal)


def test_an_event_refuses_words_that_occur_twice() -> None:
    text = "\n\nThe dam holds water. The dam was full."
    refused = anchor_selection(text, Selection("dam", "The ", " was full."), context=False)
    assert isinstance(refused, Refusal)
    assert "occurs 2 times" in refused.what and "event" in refused.what


def test_the_same_words_around_both_places_are_refused_not_guessed() -> None:
    text = "\n\nA b c.\n\nA b c."
    refused = anchor_selection(text, Selection("b"))
    assert isinstance(refused, Refusal)
    assert "cannot be told" in refused.what


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.sampled_from(["dam", "the", "river", "“rose”", "–", "rain,"]), min_size=3,
                   max_size=60),
    data=st.data(),
)  # fmt: skip
def test_any_selected_place_is_anchored_there_or_refused(words: list[str], data) -> None:
    """Text of a few words said over and over: whatever place is selected, the anchor is
    that place as the build finds it, or a refusal; never another place."""
    text = "\n\n" + " ".join(words)
    spans = [match.span() for match in re.finditer(r"\S+(?: \S+)?", text)]
    start, end = data.draw(st.sampled_from(spans))
    found = anchor_selection(text, _page_view(text, start, end))
    if isinstance(found, Refusal):
        assert (
            "cannot be told" in found.what
            or "no 32 words" in found.what
            or ("no words" in found.what)
        )
        return
    assert (found.start, found.end) == (start, end)
    assert _build_anchor(text, found) == Anchor(start, end)
    _assert_shortest(text, found)
