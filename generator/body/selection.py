"""Words selected on an article page -> an anchor the build finds: the quote, and the
shortest prefix and suffix (whole words) that pick out the place selected.

The page shows the rendered article, whose text is the build's anchor text with
things added (note numbers, notes, speakers); the text around the selection says
which of the quote's places was selected: the place whose surroundings share the
most characters with it. The anchor is then confirmed with the build's own matcher,
so what is written is what the build anchors. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.body.annotations import (
    MOST_PLACES,
    Anchor,
    AnchorText,
    Target,
    anchor_all,
    find_anchor,
    normalise_for_matching,
)
from generator.body.body_markup import TextFlow
from generator.body.engines import DEFAULT_ENGINE, MarkdownEngine, parse

CONTEXT_CHARACTERS = 300  # of text before and after a selection that the page sends
LONGEST_CONTEXT = 32  # words of prefix and suffix together, at most
_LONGEST_QUOTE = 5000  # characters of a selection: a note is on a passage, not a page


@dataclass(frozen=True, slots=True)
class Selection:
    """Selected words, as the page shows them, with the text just before and after."""

    exact: str
    before: str = ""
    after: str = ""


@dataclass(frozen=True, slots=True)
class SelectedAnchor:
    quote: str  # the words as the article has them
    prefix: str | None
    suffix: str | None
    start: int  # offsets into the anchor text
    end: int


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the selection cannot be anchored, for the reader who made it."""

    what: str
    fix: str


def anchor_text(body: str, engine: MarkdownEngine = DEFAULT_ENGINE) -> str:
    """The text the build anchors in: the rendered body's text, block by block."""
    flow = TextFlow()
    flow.collect(parse(body, engine), None, linkable=True)
    return "".join(flow.pieces)


def anchor_selection(
    text: str, selection: Selection, *, context: bool = True
) -> SelectedAnchor | Refusal:
    """The anchor of the selected place in the anchor text `text`.

    context: whether the anchor may have a prefix and suffix (an event's cannot).
    """
    wanted = normalise_for_matching(selection.exact)[0].strip(" ")
    if not any(character.isalnum() for character in wanted):
        return Refusal("the selection has no words", "select the words the note is about")
    if len(wanted) > _LONGEST_QUOTE:
        return Refusal(
            f"the selection is {len(wanted):,} characters long, more than {_LONGEST_QUOTE:,}",
            "select the passage the note is about, not the whole article",
        )
    body = AnchorText(text)
    places = body.places(wanted, "", "")
    if not places:
        # The build's own words for a quote that matches nothing.
        _, reports = anchor_all(text, (Target("the selection", selection.exact),))
        report = reports[0]
        return Refusal(report.what, _page_fix(report.fix))
    if len(places) > MOST_PLACES:
        return Refusal(
            f"the selection “{_short(wanted)}” occurs in more than {MOST_PLACES:,} places",
            "select more words, so that they occur in fewer places",
        )
    place = _selected_place(body, places, len(wanted), selection)
    if place is None:
        return Refusal(
            f"the selection “{_short(wanted)}” occurs {len(places)} times with the same "
            "words around it, and which one was selected cannot be told",
            "select more words around it",
        )
    if len(places) > 1 and not context:
        return Refusal(
            f"the selection “{_short(wanted)}” occurs {len(places)} times in the article, "
            "and an event cannot say which",
            "select words that occur only once",
        )
    prefix, suffix = ("", "") if len(places) == 1 else _shortest_context(body, wanted, place)
    if prefix is None or suffix is None:
        return Refusal(
            f"the selection “{_short(wanted)}” occurs {len(places)} times, and no "
            f"{LONGEST_CONTEXT} words around it pick out the one selected",
            "select more words around it",
        )
    start, end = body.origin[place], body.origin[place + len(wanted) - 1] + 1
    quote = " ".join(text[start:end].split())
    anchor = find_anchor(text, quote, prefix=prefix or None, suffix=suffix or None)
    if anchor != Anchor(start, end):  # the build would anchor it elsewhere: never write that
        return Refusal(
            f"the selection “{_short(wanted)}” cannot be told apart from the same words "
            "elsewhere in the article",
            "select more words around it",
        )
    return SelectedAnchor(quote, prefix or None, suffix or None, start, end)


def _selected_place(
    body: AnchorText, places: list[int], length: int, selection: Selection
) -> int | None:
    """The place whose surroundings are most like the page's; None on a tie."""
    if len(places) == 1:
        return places[0]
    before = _letters(selection.before)[::-1]
    after = _letters(selection.after)
    scored: list[tuple[int, int]] = []
    for place in places:
        left = _letters(body.norm[max(0, place - 2 * CONTEXT_CHARACTERS) : place])[::-1]
        right = _letters(body.norm[place + length : place + length + 2 * CONTEXT_CHARACTERS])
        scored.append((_common_start(before, left) + _common_start(after, right), place))
    scored.sort(reverse=True)
    if scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


def _letters(text: str) -> str:
    """The text without its spaces: the page and the build space blocks differently."""
    return "".join(normalise_for_matching(text)[0].split())


def _common_start(first: str, second: str) -> int:
    count = 0
    for one, other in zip(first, second, strict=False):
        if one != other:
            break
        count += 1
    return count


def _shortest_context(body: AnchorText, wanted: str, place: int) -> tuple[str | None, str | None]:
    """The fewest words before and after `place` that, as prefix and suffix, make the
    build find it alone: a prefix alone first, then a suffix, then both."""
    norm = body.norm
    end = place + len(wanted)
    befores = _word_cuts_back(norm, place)
    afters = _word_cuts_forward(norm, end)
    for total in range(1, LONGEST_CONTEXT + 1):
        for words_before in range(total, -1, -1):
            words_after = total - words_before
            if words_before > len(befores) or words_after > len(afters):
                continue
            prefix = norm[befores[words_before - 1] : place].strip(" ") if words_before else ""
            suffix = norm[end : afters[words_after - 1]].strip(" ") if words_after else ""
            if body.places(wanted, prefix, suffix, most=1) == [place]:
                return (
                    _original(body, befores[words_before - 1], place) if words_before else "",
                    _original(body, end, afters[words_after - 1]) if words_after else "",
                )
    return None, None


def _word_cuts_back(norm: str, place: int) -> list[int]:
    """Where the 1st, 2nd, ... word before `place` begins (up to LONGEST_CONTEXT)."""
    cuts: list[int] = []
    cut = place
    while len(cuts) < LONGEST_CONTEXT:
        end = cut - 1 if cut and norm[cut - 1] == " " else cut
        if end <= 0:
            break
        cut = norm.rfind(" ", 0, end) + 1
        cuts.append(cut)
    return cuts


def _word_cuts_forward(norm: str, place: int) -> list[int]:
    """Where the 1st, 2nd, ... word after `place` ends (up to LONGEST_CONTEXT)."""
    cuts: list[int] = []
    cut = place
    while len(cuts) < LONGEST_CONTEXT:
        start = cut + 1 if cut < len(norm) and norm[cut] == " " else cut
        if start >= len(norm):
            break
        cut = norm.find(" ", start)
        cut = len(norm) if cut == -1 else cut
        cuts.append(cut)
    return cuts


def _original(body: AnchorText, start: int, end: int) -> str:
    """Normalised offsets -> the article's own words, whitespace folded, as one line."""
    while start < end and body.norm[start] == " ":
        start += 1
    while end > start and body.norm[end - 1] == " ":
        end -= 1
    return " ".join(body.text[body.origin[start] : body.origin[end - 1] + 1].split())


def _short(text: str, most: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1] + "…"


def _page_fix(fix: str) -> str:
    # The build tells an editor of the file to copy the words; here they were selected.
    return fix.replace(
        "copy the exact words from the article",
        "select words of the article's text (not of a note, a caption or the headline)",
    )
