"""Suggest quotes, their speakers and unknown actors for ingest (pure: no I/O).

These are suggestions for an editor, so the heuristics are conservative: a quote counts
only when a speaker and a speech verb sit right next to it, or when it is a paragraph of
its own that continues the previous paragraph's quote.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from generator.content.actors import ActorMatcher, ActorType, Mention, find_mentions


@dataclass(frozen=True, slots=True)
class QuoteSuggestion:
    text: str  # the quoted words, without the quote marks, trailing comma kept out
    speaker_id: str | None  # actor id if the speaker resolves to the registry
    speaker_name: str | None  # the speaker as written, when not in the registry
    verb: str | None  # "said", "told reporters", ...; None for a continuation
    paragraph: int  # index of the paragraph it was found in
    start: int = 0  # where `text` starts in that paragraph


MIN_QUOTE_WORDS = 4
MAX_SPEAKER_WORDS = 8

_VERB = (
    r"(?:said|says|told|tells|added|adds|argued|argues|asked|asks|stated|explained|explains"
    r"|noted|notes|wrote|writes|insisted|insists|warned|warns|claimed|claims|declared"
    r"|responded|replied|replies|continued|stressed|stresses|emphasised|emphasized"
    r"|announced|acknowledged|urged|remarked|observed|recalled|concluded|suggested"
    r"|conceded|admitted|tweeted|posted|posts)"
)
# "told reporters", "told Al Jazeera", "told the BBC"
_OBJECT = r"(?:(?:the|a|an)\s+)?(?:[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3}|[a-z]+)"
_VERB_PHRASE = rf"(?:(?:told|tells)\s+{_OBJECT}|{_VERB})"
_ADVERB = r"(?:also|later|then|again|earlier|previously|once|had|has|have|was)"
# A word of a speaker phrase: no sentence punctuation, but "U.S." is one word.
_TOKEN = r"(?:(?:[A-Z]\.)+|[^\s.,;:!?“”\"—–()]+)"
_PHRASE = rf"{_TOKEN}(?:\s+{_TOKEN}){{0,{MAX_SPEAKER_WORDS - 1}}}"

_QUOTE = re.compile(r"“([^“”]+)”|\"([^\"\n]+)\"")
# After the quote: ', Miller told reporters.' / ' said Jane Doe, a spokeswoman.'
_TAIL_SPEAKER_FIRST = re.compile(
    rf"\s*,?\s*(?P<phrase>{_TOKEN}(?:\s+{_TOKEN}){{0,{MAX_SPEAKER_WORDS - 1}}}?)"
    rf"(?:\s+{_ADVERB})?\s+(?P<verb>{_VERB_PHRASE})(?!\w)"
)
_TAIL_VERB_FIRST = re.compile(rf"\s*,?\s*(?P<verb>{_VERB_PHRASE})\s+(?P<phrase>{_PHRASE})")
# Before the quote: 'Miller said: ' / 'Miller said ' / 'Miller told reporters, '
_HEAD = re.compile(rf"(?<!\w)(?P<verb>{_VERB_PHRASE})\s*[:,]?\s*\Z")
# No match of _HEAD holds one of these, so it starts after the last one before the quote.
_NOT_IN_HEAD = re.compile(r"[^\w\s’'\-:,]")
# A clause starts after the last of these (and the spaces after it) before its verb.
_SENTENCE_BREAK = re.compile(r"[.!?;:,“”\"—–(]")
_FIRST_LOOK_BACK = 64  # characters; doubled until the text looked for is found

_PRONOUNS = {"he", "she"}
# Words that end a speaker phrase: the verb belongs to another clause.
_CLAUSE_WORDS = {
    "and", "or", "but", "that", "which", "who", "whom", "when", "while", "as", "if",
    "because", "not", "it", "they", "we", "i", "you", "this", "there",
}  # fmt: skip

_TITLES = {
    "President", "Vice", "Minister", "Prime", "Secretary", "General", "Leader", "Chancellor",
    "Ambassador", "Spokesperson", "Spokesman", "Spokeswoman", "Senator", "Governor", "Mayor",
    "King", "Queen", "Prince", "Princess", "Premier", "Chairman", "Chair", "Director",
    "Chief", "Commander", "Envoy", "Foreign", "Defence", "Defense", "Deputy", "Judge",
    "Pope", "Sheikh", "Colonel", "Lieutenant", "Captain", "Admiral", "Marshal", "Representative",
    "Rep", "Sen", "Gen", "Dr", "Mr", "Mrs", "Ms",
}  # fmt: skip
_TITLE_WORDS = {title.lower() for title in _TITLES} | {"leader", "official", "adviser", "advisor"}
_DATES = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
    "Sep", "Sept", "Oct", "Nov", "Dec",
}  # fmt: skip
# Capitalised only because they start a sentence, or never part of a name.
_COMMON = {
    "A", "An", "The", "On", "In", "At", "Of", "For", "To", "By", "From", "With", "But", "And",
    "Or", "As", "After", "Before", "While", "When", "Where", "Why", "How", "What", "Who",
    "Both", "Last", "Next", "This", "That", "These", "Those", "It", "He", "She", "We", "They",
    "I", "His", "Her", "Their", "Our", "Its", "My", "Your", "If", "Separately", "However",
    "Meanwhile", "Earlier", "Later", "Since", "During", "Despite", "Although", "Yet", "So",
    "Then", "There", "Here", "Some", "Many", "All", "Most", "Such", "Other", "Also", "Now",
}  # fmt: skip

_PARTICLE = r"(?:bin|bint|ibn|abu|al|el|de|del|della|der|den|di|da|du|dos|van|von|la|le)"
# A capitalised word, keeping "O’Brien" and "Jong-un" whole but leaving off a possessive.
_CAPWORD = r"(?:(?:al|el|as|ash|ad)-)?[A-Z][\w]*(?:[-’'](?!s\b)\w+)*"
_NAME_RUN = re.compile(
    rf"(?<![\w’'-]){_CAPWORD}(?:[ \u00a0]+(?:{_PARTICLE}[ \u00a0]+)*{_CAPWORD})*"
)
_CAPITALISED = re.compile(r"(?:(?:al|el|as|ash|ad)-)?[A-Z]")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_NON_SPACE = re.compile(r"\S+")
_SPACES = re.compile(r"\s*")


@dataclass(frozen=True, slots=True)
class _Speaker:
    actor_id: str | None
    name: str | None
    is_person: bool


@dataclass(frozen=True, slots=True)
class _Mentions:
    """One paragraph's mentions in text order. They never overlap, so their ends are in
    order too: the mentions in a span are found by bisection, not by a scan of them all
    (a long paragraph has as many mentions as it has names)."""

    items: tuple[Mention, ...] = ()
    starts: tuple[int, ...] = field(default=(), repr=False)
    ends: tuple[int, ...] = field(default=(), repr=False)

    @classmethod
    def of(cls, mentions: Sequence[Mention]) -> _Mentions:
        items = tuple(mentions)
        return cls(items, tuple(m.start for m in items), tuple(m.end for m in items))

    def overlapping(self, start: int, end: int) -> tuple[Mention, ...]:
        """The mentions that overlap [start, end), in text order."""
        first = bisect.bisect_right(self.ends, start)
        last = bisect.bisect_left(self.starts, end, first)
        return self.items[first:last]


def find_quotes(paragraphs: Sequence[str], matcher: ActorMatcher) -> tuple[QuoteSuggestion, ...]:
    """Attributed quotes of at least four words, in text order."""
    by_paragraph = _mentions_by_paragraph(paragraphs, matcher)
    quotes: list[QuoteSuggestion] = []
    last_person: _Speaker | None = None
    previous: _Speaker | None = None  # speaker of the previous paragraph's last quote
    for number, paragraph in enumerate(paragraphs):
        mentions = by_paragraph[number]
        current: _Speaker | None = None
        found = list(_QUOTE.finditer(paragraph))
        for match in found:
            group = 1 if match.group(1) is not None else 2
            raw = match.group(group)
            text = _clean_quote(raw)
            if len(_WORD.findall(text)) < MIN_QUOTE_WORDS:
                continue
            attributed = _attribute(paragraph, match, mentions, matcher, last_person)
            if attributed is not None:
                speaker, verb = attributed
            elif len(found) == 1 and _only_quote(paragraph, match) and previous is not None:
                speaker, verb = previous, None
            else:
                continue
            quotes.append(
                QuoteSuggestion(
                    text=text,
                    speaker_id=speaker.actor_id,
                    speaker_name=speaker.name,
                    verb=verb,
                    paragraph=number,
                    start=match.start(group) + len(raw) - len(raw.lstrip()),
                )
            )
            current = speaker
            if speaker.is_person:
                last_person = speaker
        previous = current
    return tuple(quotes)


def find_candidate_actors(
    paragraphs: Sequence[str],
    matcher: ActorMatcher,
    quotes: Sequence[QuoteSuggestion] | None = None,
) -> tuple[str, ...]:
    """Names missing from the registry that look prominent, sorted.

    Unregistered speakers, plus runs of 2-4 capitalised words seen at least twice or
    right after a title ("President", "spokesperson", ...). quotes: find_quotes of the
    same paragraphs, when the caller has them already.
    """
    by_paragraph = _mentions_by_paragraph(paragraphs, matcher)
    counts: Counter[str] = Counter()
    titled: set[str] = set()
    for number, paragraph in enumerate(paragraphs):
        for run_start, words, after_title in _name_runs(paragraph, by_paragraph[number]):
            capitals = sum(1 for word in words if _CAPITALISED.match(word))
            if not 2 <= capitals <= 4:
                continue
            name = " ".join(words)
            if matcher.knows(name):
                continue
            counts[name] += 1
            if after_title or _title_before(paragraph, run_start):
                titled.add(name)
    candidates = {name for name, count in counts.items() if count >= 2} | titled
    for quote in find_quotes(paragraphs, matcher) if quotes is None else quotes:
        if quote.speaker_name and not matcher.knows(quote.speaker_name):
            candidates.add(quote.speaker_name)
    # "Miller" as a speaker is the "Jane Miller" already found.
    surnames = {name.split()[-1] for name in candidates if " " in name}
    return tuple(sorted(name for name in candidates if " " in name or name not in surnames))


# ---------------------------------------------------------------------------
# Every helper below looks at a bounded stretch of text around a quote or a name, never
# at the paragraph from its start: a seed may be one paragraph of megabytes.


def _mentions_by_paragraph(paragraphs: Sequence[str], matcher: ActorMatcher) -> list[_Mentions]:
    """Each paragraph's mentions, with offsets into that paragraph. Mentions are found
    over the whole text so that a short name counts after an earlier paragraph's full
    name."""
    starts: list[int] = []
    position = 0
    for paragraph in paragraphs:
        starts.append(position)
        position += len(paragraph) + 2
    by_paragraph: list[list[Mention]] = [[] for _ in paragraphs]
    for mention in find_mentions("\n\n".join(paragraphs), matcher):
        number = bisect.bisect_right(starts, mention.start) - 1
        offset = starts[number]
        by_paragraph[number].append(
            replace(mention, start=mention.start - offset, end=mention.end - offset)
        )
    return [_Mentions.of(mentions) for mentions in by_paragraph]


def _clean_quote(text: str) -> str:
    return text.strip().rstrip(",").rstrip()


def _only_quote(paragraph: str, match: re.Match[str]) -> bool:
    rest = paragraph[: match.start()] + paragraph[match.end() :]
    return not rest.strip(" \t.,")


def _attribute(
    paragraph: str,
    match: re.Match[str],
    mentions: _Mentions,
    matcher: ActorMatcher,
    last_person: _Speaker | None,
) -> tuple[_Speaker, str] | None:
    """The speaker and verb right after the quote, else right before it."""
    tail_patterns = (_TAIL_SPEAKER_FIRST, _TAIL_VERB_FIRST)
    for pattern in tail_patterns:
        tail = pattern.match(paragraph, match.end())
        if tail is None:
            continue
        start, end = tail.span("phrase")
        speaker = _resolve(paragraph, start, end, mentions, matcher, last_person)
        if speaker is not None:
            return speaker, _verb_text(tail.group("verb"))
    # The leftmost match, as a search from the paragraph's start would find, starts after
    # the last character no match can hold (the previous quote's mark at the latest).
    lowest = _after_last(_NOT_IN_HEAD, paragraph, match.start())
    head = _HEAD.search(paragraph, lowest, match.start())
    if head is None:
        return None
    end = head.start("verb")
    clause_start = _after_last(_SENTENCE_BREAK, paragraph, end)
    clause_start = _SPACES.match(paragraph, clause_start, end).end()  # type: ignore[union-attr]
    words = list(_NON_SPACE.finditer(paragraph, clause_start, end))
    if not words or len(words) > MAX_SPEAKER_WORDS:
        return None
    speaker = _resolve(paragraph, words[0].start(), end, mentions, matcher, last_person)
    return (speaker, _verb_text(head.group("verb"))) if speaker is not None else None


def _after_last(chars: re.Pattern[str], text: str, end: int) -> int:
    """The index after the last match of a one-character pattern before `end` (0 if
    none). It looks back in doubling windows, so it costs about the distance looked back."""
    width = _FIRST_LOOK_BACK
    while True:
        start = max(0, end - width)
        last = None
        for last in chars.finditer(text, start, end):  # noqa: B007 - the last one is wanted
            pass
        if last is not None:
            return last.end()
        if start == 0:
            return 0
        width *= 2


def _verb_text(verb: str) -> str:
    return " ".join(verb.split())


def _resolve(
    paragraph: str,
    start: int,
    end: int,
    mentions: _Mentions,
    matcher: ActorMatcher,
    last_person: _Speaker | None,
) -> _Speaker | None:
    """Who a speaker phrase names: a registered person, else an unregistered name, else a
    registered organisation or country ("the Kremlin said"). A pronoun is the last person
    quoted."""
    phrase = paragraph[start:end].strip()
    words = phrase.split()
    if not words:
        return None
    if len(words) == 1 and words[0].lower() in _PRONOUNS:
        return last_person
    if any(word.lower() in _CLAUSE_WORDS for word in words):
        return None
    inside = [m for m in mentions.overlapping(start, end) if start <= m.start and m.end <= end]
    people = [m for m in inside if matcher.type_of(m.actor_id) is ActorType.PERSON]
    if people:
        return _Speaker(people[-1].actor_id, None, is_person=True)
    runs = _name_runs(paragraph, mentions, start, end)
    if runs:
        return _Speaker(None, " ".join(runs[-1][1]), is_person=True)
    if inside:
        return _Speaker(inside[-1].actor_id, None, is_person=False)
    return None


def _name_runs(
    paragraph: str, mentions: _Mentions, start: int = 0, end: int | None = None
) -> list[tuple[int, list[str], bool]]:
    """Capitalised runs in paragraph[start:end] that are not actor mentions: (start, words,
    whether a title word led the run). Titles, days, months and sentence-initial words
    are left off."""
    runs: list[tuple[int, list[str], bool]] = []
    stop = len(paragraph) if end is None else end
    for match in _NAME_RUN.finditer(paragraph, start, stop):
        for piece_start, piece_end in _split_at_mentions(match.start(), match.end(), mentions):
            words = [
                (word.start(), word.group())
                for word in _NON_SPACE.finditer(paragraph, piece_start, piece_end)
            ]
            runs.extend(_trim_run(words))
    return runs


def _split_at_mentions(start: int, end: int, mentions: _Mentions) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    cursor = start
    for mention in mentions.overlapping(start, end):
        if mention.start > cursor:
            pieces.append((cursor, mention.start))
        cursor = max(cursor, mention.end)
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


def _trim_run(words: list[tuple[int, str]]) -> list[tuple[int, list[str], bool]]:
    """Cut a run at dates, drop common leading words and particles, and keep what follows
    the last title word ("Foreign Minister Sergei Lavrov" -> "Sergei Lavrov")."""
    groups: list[list[tuple[int, str]]] = [[]]
    for position, word in words:
        if word in _DATES:
            groups.append([])
        else:
            groups[-1].append((position, word))
    runs: list[tuple[int, list[str], bool]] = []
    for group in groups:
        # Indices, not slices: a run can be a paragraph of capitalised words.
        first, last = 0, len(group)
        titles = [i for i, (_, word) in enumerate(group) if word in _TITLES]
        after_title = bool(titles)
        if titles:
            first = titles[-1] + 1
        while first < last and (
            group[first][1] in _COMMON or not _CAPITALISED.match(group[first][1])
        ):
            first += 1
        while last > first and not _CAPITALISED.match(group[last - 1][1]):
            last -= 1
        if first < last:
            runs.append((group[first][0], [word for _, word in group[first:last]], after_title))
    return runs


def _title_before(paragraph: str, start: int) -> bool:
    r"""Whether the word before `start`, past the spaces and one comma, is a title word.
    It steps back over those characters only, as the pattern r"(\w+),?\s+$" would read."""
    at = start
    while at and paragraph[at - 1].isspace():
        at -= 1
    if at == start:
        return False
    if at and paragraph[at - 1] == ",":
        at -= 1
    word_end = at
    while at and (paragraph[at - 1].isalnum() or paragraph[at - 1] == "_"):
        at -= 1
    return at < word_end and paragraph[at:word_end].lower() in _TITLE_WORDS
