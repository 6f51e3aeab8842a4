"""Anchor annotations and quotes in article text, like a W3C TextQuoteSelector.

Anchoring works on plain text: the rendered text of an article (its text nodes in
reading order), so Markdown formatting never stands between a quote and its words.
Both sides are normalised first, so typographic quotes, dashes, non-breaking spaces
and line breaks in the article need not be typed exactly by the editor.
"""

from __future__ import annotations

import difflib
import heapq
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.content.types import Annotation, Event, Quote

_DROPPED = "\u00ad\u200b\u200c\u200d\u2060\ufeff"  # soft hyphen, zero-width characters
# Every fold is one character to one character, so positions survive folding.
_FOLDS = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014", "-"),
    **{chr(code): " " for code in range(0x3001) if chr(code).isspace() and code != 0x20},
}
# A regex finds the few characters to fold faster than str.translate visits them all.
_FOLDABLE = re.compile("[" + re.escape("".join(_FOLDS)) + "]")
# What is left to change after folding: a space followed by more spaces or dropped
# characters, or a run starting with a dropped character. Single spaces are left alone.
_SQUEEZE = re.compile(f" [ {_DROPPED}]+|[{_DROPPED}][ {_DROPPED}]*")
_UNTIDY = re.compile(f"[{_DROPPED}]+")
_WORD = re.compile(r"\w+(?:['-]\w+)*")

_HINT_WORDS = 8  # longest prefix or suffix suggested, in words
_HINT_TRIES = 10  # matches tried when looking for a prefix that picks one
_CLOSE_ENOUGH = 0.6  # least score for a passage to be offered as "the closest"
_CLOSE_WORD = 0.75  # difflib ratio for a word to count as a misspelling of another
_SHORTEST_RUN = 3  # characters in a row for a match to count towards likeness
_RECALL_WEIGHT = 3  # how much more a closest passage must hold the words than avoid others
# Bounds that keep anchoring linear in the text, whatever the text and the quotes: a
# hint is a help, so past these it is looked for in less of the text, never for longer.
MOST_PLACES = 1000  # matches counted; past it "more than 1,000 places"
_HINT_QUOTE = 200  # characters of a quote that its closest passage is looked for by
_FUZZY_WORDS = 5000  # distinct words of the text checked for a misspelling of the quote's
_HINT_STARTS = 40  # passages' first words compared in full: those that hold most words
_HINT_WINDOWS = 400  # passages compared with difflib, at most (a handful in a news article)
_HINT_CONTEXTS = 200  # matches of a quote compared with its wrong prefix or suffix
_SHOWN = 200  # characters of a quote, prefix or suffix shown in a message
_INDEX_AT = 20_000_000  # targets times characters from which words are indexed
_WHOLE_WORD = re.compile(r"\w+")
_BEGUN_WORDS = 20  # different words a quote's last word may begin, to look them up


@dataclass(frozen=True, slots=True)
class Anchor:
    start: int  # offsets into the text given
    end: int


class AnchorProblem(StrEnum):
    NOT_FOUND = "not-found"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True, slots=True)
class AnchorFailure:
    problem: AnchorProblem
    matches: int  # how many places matched (0 for not found)
    # AMBIGUOUS: a prefix that picks the first match it can ("" if none does);
    # NOT_FOUND: the closest passage of the text ("" if none is close).
    hint: str


@dataclass(frozen=True, slots=True)
class AnchorReport:
    """Why a target could not be anchored, for a content error."""

    label: str  # "annotation 2"
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.label}: {self.what}; {self.fix}"


@dataclass(frozen=True, slots=True)
class Target:
    """Something to anchor: an annotation or a quote."""

    label: str  # "annotation 2" / "quote 1", for messages
    exact: str
    prefix: str | None = None
    suffix: str | None = None


def normalise_for_matching(text: str) -> tuple[str, list[int]]:
    """The text with quotes, dashes and whitespace folded, and each character's origin.

    Typographic quotes become straight ones, dashes become '-', every run of
    whitespace becomes one space, and soft hyphens and zero-width characters go.
    Case is kept. `positions[i]` is the index in `text` of normalised character i.
    """
    folded = _FOLDABLE.sub(_fold, text)
    pieces: list[str] = []
    positions: list[int] = []
    last = 0
    for match in _SQUEEZE.finditer(folded):
        start, end = match.span()
        pieces.append(folded[last:start])
        positions.extend(range(last, start))
        space = folded.find(" ", start, end)
        if space != -1:
            pieces.append(" ")
            positions.append(space)
        last = end
    pieces.append(folded[last:])
    positions.extend(range(last, len(folded)))
    return "".join(pieces), positions


def _fold(match: re.Match[str]) -> str:
    return _FOLDS[match.group()]


def find_anchor(
    text: str, exact: str, *, prefix: str | None = None, suffix: str | None = None
) -> Anchor | AnchorFailure:
    """Where `exact` occurs in `text`, picked out by `prefix`/`suffix` when given.

    Raises ValueError when `exact` has nothing to match once normalised.
    """
    return AnchorText(text).find(exact, prefix=prefix, suffix=suffix)


def anchor_all(
    text: str, targets: Sequence[Target]
) -> tuple[tuple[Anchor | None, ...], tuple[AnchorReport, ...]]:
    """Anchor every target in one article's text.

    Returns an anchor per target (None where it failed) and one readable problem per
    failure. Anchors may overlap: two notes on crossing passages are fine.
    """
    if not targets:
        return (), ()
    body = AnchorText(text, targets=len(targets))
    anchors: list[Anchor | None] = []
    problems: list[AnchorReport] = []
    for target in targets:
        if not _clean(target.exact):
            anchors.append(None)
            problems.append(
                AnchorReport(
                    target.label,
                    "the quote is empty",
                    "copy the words it comments on from the article",
                )
            )
            continue
        result = body.find(target.exact, prefix=target.prefix, suffix=target.suffix)
        if isinstance(result, Anchor):
            anchors.append(result)
        else:
            anchors.append(None)
            problems.append(_describe(target, result, body))
    return tuple(anchors), tuple(problems)


def article_targets(
    annotations: Sequence[Annotation],
    quotes: Sequence[Quote],
    events: Sequence[Event] = (),
) -> tuple[Target, ...]:
    """The targets of an article: its annotations, its quotes, then the events that cite
    a passage, each labelled by its place in the front matter ("annotation 1")."""
    return (
        tuple(
            Target(f"annotation {number}", note.quote, note.prefix, note.suffix)
            for number, note in enumerate(annotations, start=1)
        )
        + tuple(
            Target(f"quote {number}", quote.text, quote.prefix, quote.suffix)
            for number, quote in enumerate(quotes, 1)
        )
        + tuple(
            Target(f"event {number}", event.quote)
            for number, event in enumerate(events, 1)
            if event.quote
        )
    )


def _clean(part: str | None) -> str:
    return normalise_for_matching(part)[0].strip(" ") if part else ""


def _has_word(part: str) -> bool:
    # A hint of punctuation alone (",’") works, but an editor cannot tell what it picks.
    return any(character.isalnum() for character in part)


def _tidy(passage: str) -> str:
    """An original passage fit for a one-line message: whitespace folded, nothing hidden."""
    return " ".join(_UNTIDY.sub("", passage).split())


class AnchorText:
    """One article's text, normalised once for every target anchored in it."""

    __slots__ = ("norm", "origin", "sorted_words", "text", "words")

    def __init__(self, text: str, *, targets: int = 1) -> None:
        self.text = text
        self.norm, self.origin = normalise_for_matching(text)
        # Searching the whole text for each of 10,000 notes takes time in their product;
        # with where each word is, a quote is looked up by its rarest whole word.
        self.words: dict[str, list[int]] | None = None
        self.sorted_words: list[str] | None = None  # the words, in order, when needed
        if targets * len(self.norm) >= _INDEX_AT:
            self.words = {}
            for match in _WHOLE_WORD.finditer(self.norm):
                self.words.setdefault(match.group(), []).append(match.start())

    def find(self, exact: str, *, prefix: str | None, suffix: str | None) -> Anchor | AnchorFailure:
        wanted = _clean(exact)
        if not wanted:
            raise ValueError("the exact text to anchor is empty")
        before, after = _clean(prefix), _clean(suffix)
        places = self.places(wanted, before, after)
        if len(places) == 1:
            return self._anchor(places[0], places[0] + len(wanted))
        if places:
            hint = self.suggest_prefix(wanted, places, suffix=after)
            return AnchorFailure(AnchorProblem.AMBIGUOUS, len(places), hint)
        bare = self.places(wanted, "", "") if before or after else []
        if bare:
            hint = self._closest_context(wanted, bare, before, after)
        else:
            hint = self.closest_passage(" ".join(part for part in (before, wanted, after) if part))
        return AnchorFailure(AnchorProblem.NOT_FOUND, 0, hint)

    def places(self, wanted: str, prefix: str, suffix: str, most: int = MOST_PLACES) -> list[int]:
        """Where `wanted` occurs with `prefix` before and `suffix` after (all normalised),
        in text order: the first `most` + 1 of them, so a caller can tell "more".

        Prefix and suffix are searched for with the words, not checked at every match
        of them: "a" with a prefix that fits nowhere is one search, not a million checks.
        """
        found: set[int] = set()
        befores = (prefix + " ", prefix) if prefix else ("",)
        afters = (" " + suffix, suffix) if suffix else ("",)
        for before in befores:
            for after in afters:
                needle = before + wanted + after
                found.update(place + len(before) for place in self._occurrences(needle, most))
        return sorted(found)[: most + 1]

    def _occurrences(self, needle: str, most: int) -> list[int]:
        """The first `most` + 1 places of `needle`, overlapping ones included."""
        if self.words is not None:
            looked_up = self._indexed_occurrences(needle, most)
            if looked_up is not None:
                return looked_up
        places: list[int] = []
        find = self.norm.find
        place = find(needle)
        while place != -1 and len(places) <= most:
            places.append(place)
            place = find(needle, place + 1)
        return places

    def _indexed_occurrences(self, needle: str, most: int) -> list[int] | None:
        """_occurrences by way of a word of the needle: every match of the needle has
        it at the same offset, so only the places of its rarest word are checked. A
        word inside the needle is whole in the text too; its last word may go on with
        more letters there, so it stands for every word it begins. None when the needle
        has no such word (one word alone may be part of any longer word)."""
        assert self.words is not None
        choices: list[tuple[int, Iterable[int]]] = []  # (offset in the needle, places)
        for match in _WHOLE_WORD.finditer(needle):
            if match.start() == 0:
                continue  # the text may have more letters before it
            if match.end() < len(needle):
                choices.append((match.start(), self.words.get(match.group(), ())))
            else:
                begun = self._words_beginning(match.group())
                if begun is not None:
                    choices.append((match.start(), begun))
        if not choices:
            return None
        offset, starts = min(choices, key=lambda choice: len(choice[1]))  # type: ignore[arg-type]
        places: list[int] = []
        for word_start in starts:
            place = word_start - offset
            if place >= 0 and self.norm.startswith(needle, place):
                places.append(place)
                if len(places) > most:
                    break
        return places

    def _words_beginning(self, start: str) -> list[int] | None:
        """Where the words that begin with `start` are, in text order; None when more
        than a few different words do ("a" begins thousands)."""
        assert self.words is not None
        if self.sorted_words is None:
            self.sorted_words = sorted(self.words)
        first = bisect_left(self.sorted_words, start)
        last = bisect_left(self.sorted_words, start + "\U0010ffff", first)
        if last - first > _BEGUN_WORDS:
            return None
        begun = [self.words[word] for word in self.sorted_words[first:last]]
        return begun[0] if len(begun) == 1 else list(heapq.merge(*begun))

    def _fits(self, place: int, length: int, prefix: str, suffix: str) -> bool:
        # Prefix and suffix are stripped, so one space at the join is optional.
        norm = self.norm
        if prefix:
            end = place - 1 if place and norm[place - 1] == " " else place
            if not norm.endswith(prefix, 0, end):
                return False
        if suffix:
            start = place + length
            if start < len(norm) and norm[start] == " ":
                start += 1
            if not norm.startswith(suffix, start):
                return False
        return True

    def _anchor(self, start: int, end: int) -> Anchor:
        """Normalised offsets -> original ones, from the first character to after the last."""
        return Anchor(self.origin[start], self.origin[end - 1] + 1)

    def _original(self, start: int, end: int) -> str:
        anchor = self._anchor(start, end)
        return _tidy(self.text[anchor.start : anchor.end])

    def _back(self, place: int, words: int) -> int:
        """Where the `words` words (or fewer, at the start) before `place` begin."""
        cut = place
        for _ in range(words):
            end = cut - 1 if cut and self.norm[cut - 1] == " " else cut
            if end <= 0:
                break
            cut = self.norm.rfind(" ", 0, end) + 1
        return cut

    def _forward(self, place: int, words: int) -> int:
        """Where the `words` words (or fewer, at the end) after `place` end."""
        norm = self.norm
        cut = place
        for _ in range(words):
            start = cut + 1 if cut < len(norm) and norm[cut] == " " else cut
            if start >= len(norm):
                break
            cut = norm.find(" ", start)
            cut = len(norm) if cut == -1 else cut
        return cut

    def _is_whole_word(self, place: int, length: int) -> bool:
        norm = self.norm
        end = place + length
        return (place == 0 or not norm[place - 1].isalnum()) and (
            end == len(norm) or not norm[end].isalnum()
        )

    def _hint_order(self, places: list[int], length: int) -> list[int]:
        # A prefix for a match inside a longer word ("the" in "Matthew") reads badly.
        return sorted(places, key=lambda place: not self._is_whole_word(place, length))

    def _count_up_to_two(self, candidates: list[int], length: int, prefix: str, suffix: str) -> int:
        found = 0
        for place in candidates:
            if self._fits(place, length, prefix, suffix):
                found += 1
                if found > 1:
                    break
        return found

    def _picks_one(self, candidates: list[int], wanted: str, prefix: str, suffix: str) -> bool:
        """Whether prefix and suffix pick one match of `wanted` alone, from its matches
        when they are all known, else by searching again."""
        if len(candidates) <= MOST_PLACES:
            return self._count_up_to_two(candidates, len(wanted), prefix, suffix) == 1
        return len(self.places(wanted, prefix, suffix, most=1)) == 1

    def suggest_prefix(self, wanted: str, places: list[int], *, suffix: str) -> str:
        """The fewest words before one of `places` that, as the prefix, pick it alone."""
        length = len(wanted)
        candidates = self.places(wanted, "", suffix)
        for place in self._hint_order(places, length)[:_HINT_TRIES]:
            previous = place
            for words in range(1, _HINT_WORDS + 1):
                cut = self._back(place, words)
                if cut == previous:
                    break
                previous = cut
                prefix = self.norm[cut:place].strip(" ")
                if _has_word(prefix) and self._picks_one(candidates, wanted, prefix, suffix):
                    joined = " " if self.norm[place - 1] == " " else ""
                    return self._original(cut, place).rstrip() + joined
        return ""

    def suggest_suffix(self, wanted: str, places: list[int], *, prefix: str) -> str:
        """The fewest words after one of `places` that, as the suffix, pick it alone."""
        length = len(wanted)
        candidates = self.places(wanted, prefix, "")
        for place in self._hint_order(places, length)[:_HINT_TRIES]:
            after = previous = place + length
            for words in range(1, _HINT_WORDS + 1):
                cut = self._forward(after, words)
                if cut == previous:
                    break
                previous = cut
                suffix = self.norm[after:cut].strip(" ")
                if _has_word(suffix) and self._picks_one(candidates, wanted, prefix, suffix):
                    joined = " " if self.norm[after] == " " else ""
                    return joined + self._original(after, cut).lstrip()
        return ""

    def _closest_context(self, wanted: str, places: list[int], prefix: str, suffix: str) -> str:
        """The occurrence of `wanted` whose surrounding words best fit a wrong prefix/suffix."""
        before = min(prefix.count(" ") + 1, _HINT_WORDS) if prefix else 0
        after = min(suffix.count(" ") + 1, _HINT_WORDS) if suffix else 0
        # Every match has the same words: compare what is around them, and of a long
        # quote only its ends (difflib takes time in the product of the lengths).
        short = len(wanted) <= _HINT_QUOTE
        middle = wanted if short else " "
        prefix, suffix = _shorten(prefix, _HINT_QUOTE), _shorten(suffix, _HINT_QUOTE, end=True)
        matcher = _similarity_to(" ".join(part for part in (prefix, middle, suffix) if part))
        best, best_span = -1.0, (places[0], places[0], places[0] + len(wanted))
        for place in places[:_HINT_CONTEXTS]:
            start = self._back(place, before)
            end = self._forward(place + len(wanted), after)
            around = (
                self.norm[start:end]
                if short
                else f"{self.norm[start:place]} {self.norm[place + len(wanted) : end]}"
            )
            score = _similarity(matcher, around.strip(" "))
            if score > best:
                best, best_span = score, (start, place, end)
        start, place, end = best_span
        if short:
            return self._original(start, end)
        # The words around the match, with the long quote between them left out.
        parts = (
            self._original(start, place) if place > start else "",
            "…",
            self._original(place + len(wanted), end) if end > place + len(wanted) else "",
        )
        return " ".join(part for part in parts if part)

    def closest_passage(self, wanted: str) -> str:
        """The passage most like `wanted`, favouring one that holds all of its words.

        Passages start and end on words that are in `wanted` (or misspell one), which
        keeps the search small; among those, the score weighs recall over precision,
        so a passage with words the editor left out beats a shorter one that misses
        some of theirs. In a long text, only the passages that start where most of the
        quote's words are near are compared in full, so the time grows with the text.
        """
        wanted = _shorten(wanted, _HINT_QUOTE)
        norm = self.norm
        vocabulary = {word.lower() for word in _WORD.findall(wanted)}
        if not vocabulary:
            return ""
        spans, keys = self._relevant_words(vocabulary)
        longest = 3 * len(wanted) + 20
        widen_back = not wanted[0].isalnum()
        widen_forward = not wanted[-1].isalnum()
        matcher = _similarity_to(wanted)
        best, best_span = _CLOSE_ENOUGH, None
        starts = _likeliest_starts(spans, keys, len(wanted))
        windows = [self._windows(spans, first, longest, widen_back) for first in starts]
        if sum(map(len, windows)) > _HINT_WINDOWS:
            # Too many to compare: from each start, the passages nearest the quote's length.
            each = max(1, _HINT_WINDOWS // len(windows))
            windows = [
                sorted(heapq.nsmallest(each, ends, key=lambda w: abs(w[1] - w[0] - len(wanted))))
                for ends in windows
            ]
        for start, word_end in (window for ends in windows for window in ends):
            end = self._widen_forward(word_end) if widen_forward else word_end
            score = _similarity(matcher, norm[start:end])
            if score > best:
                best, best_span = score, (start, end)
        return "" if best_span is None else self._original(*best_span)

    def _windows(
        self, spans: list[tuple[int, int]], first: int, longest: int, widen_back: bool
    ) -> list[tuple[int, int]]:
        """The passages from word `first` to each later word, up to `longest` long."""
        word_start = spans[first][0]
        start = self._widen_back(word_start) if widen_back else word_start
        windows = []
        for _, word_end in spans[first:]:
            if word_end - start > longest:
                break
            windows.append((start, word_end))
        return windows

    def _relevant_words(self, vocabulary: set[str]) -> tuple[list[tuple[int, int]], list[str]]:
        """Where the text has a word of `vocabulary` or a misspelling of one, and which.

        Misspellings are looked for among the first _FUZZY_WORDS distinct words only:
        difflib over every word of a 5 MiB text would take minutes.
        """
        relevant: dict[str, str | None] = {}
        spans: list[tuple[int, int]] = []
        keys: list[str] = []
        fuzzy = _FUZZY_WORDS
        for match in _WORD.finditer(self.norm):
            word = match.group().lower()
            if word not in relevant:
                key: str | None = word if word in vocabulary else None
                if key is None and len(word) > 3 and fuzzy > 0:
                    fuzzy -= 1
                    close = difflib.get_close_matches(word, vocabulary, 1, _CLOSE_WORD)
                    key = close[0] if close else None
                relevant[word] = key
            key = relevant[word]
            if key is not None:
                spans.append(match.span())
                keys.append(key)
        return spans, keys

    def _widen_back(self, start: int) -> int:
        """Take in the punctuation glued to a word, such as an opening quote."""
        norm = self.norm
        while start > 0 and norm[start - 1] != " " and not norm[start - 1].isalnum():
            start -= 1
        return start

    def _widen_forward(self, end: int) -> int:
        norm = self.norm
        while end < len(norm) and norm[end] != " " and not norm[end].isalnum():
            end += 1
        return end


def _likeliest_starts(spans: list[tuple[int, int]], keys: list[str], width: int) -> list[int]:
    """The words to start a passage at: all of them in a short text; in a long one,
    those followed, within the quote's length, by the most of its different words."""
    if len(spans) <= _HINT_STARTS:
        return list(range(len(spans)))
    held: Counter[str] = Counter()
    covered: list[int] = []
    following = 0
    for first, (start, _) in enumerate(spans):
        while following < len(spans) and (
            following <= first or spans[following][1] - start <= width
        ):
            held[keys[following]] += 1
            following += 1
        covered.append(len(held))
        held[keys[first]] -= 1
        if not held[keys[first]]:
            del held[keys[first]]
    best = heapq.nlargest(_HINT_STARTS, range(len(spans)), key=lambda i: (covered[i], -i))
    return sorted(best)


def _shorten(text: str, most: int, *, end: bool = False) -> str:
    """At most `most` characters of a text, cut at a space: its start, or its end."""
    if len(text) <= most:
        return text
    if end:
        cut = text[-most:]
        return cut.split(" ", 1)[-1] if " " in cut else cut
    cut = text[:most]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def _similarity_to(wanted: str) -> difflib.SequenceMatcher[str]:
    # SequenceMatcher caches what it learns about its second sequence.
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(wanted.lower())
    return matcher


def _similarity(matcher: difflib.SequenceMatcher[str], passage: str) -> float:
    """F-score of the characters in common, recall weighted _RECALL_WEIGHT times."""
    if not passage:
        return 0.0
    matcher.set_seq1(passage.lower())
    # Letters matched here and there are chance, not likeness.
    common = sum(size for _, _, size in matcher.get_matching_blocks() if size >= _SHORTEST_RUN)
    if not common:
        return 0.0
    precision, recall = common / len(passage), common / len(matcher.b)
    weight = _RECALL_WEIGHT**2
    return (1 + weight) * precision * recall / (weight * precision + recall)


def _describe(target: Target, failure: AnchorFailure, body: AnchorText) -> AnchorReport:
    """What is wrong, and how to fix it."""
    context = [
        f"{name} “{_shown(value)}”"
        for name, value in (("prefix", target.prefix), ("suffix", target.suffix))
        if value and value.strip()
    ]
    quote = f"the quote “{_shown(target.exact)}”"
    if context:
        quote += " with " + " and ".join(context)
    if failure.problem is AnchorProblem.NOT_FOUND:
        closest = (
            f"the closest passage is “{failure.hint}”"
            if failure.hint
            else "no passage of the text is close"
        )
        fix = "copy the exact words from the article" + (
            ", and check the prefix and suffix" if context else ""
        )
        return AnchorReport(target.label, f"{quote} matches nothing in the text; {closest}", fix)
    count = f"more than {MOST_PLACES:,}" if failure.matches > MOST_PLACES else failure.matches
    what = f"{quote} matches {count} places"
    if failure.hint:
        return AnchorReport(
            target.label, what, f"add a prefix or suffix to pick one, e.g. prefix: “{failure.hint}”"
        )
    # No prefix picks one (the same words lead up to every match): try a suffix.
    wanted, prefix = _clean(target.exact), _clean(target.prefix)
    places = body.places(wanted, prefix, _clean(target.suffix))
    suffix = body.suggest_suffix(wanted, places, prefix=prefix)
    fix = "add a prefix or suffix to pick one"
    return AnchorReport(target.label, what, f"{fix}, e.g. suffix: “{suffix}”" if suffix else fix)


def _shown(text: str) -> str:
    """A quote, prefix or suffix as a message shows it: on one line, and not too long."""
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN else _shorten(text, _SHOWN - 1) + "…"
