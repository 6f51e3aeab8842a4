"""Parse a raw seed (article text copied from a news site) into a SeedArticle. Pure.

The layout, blocks separated by blank lines (see DESIGN.md, "The seed format"):
navigation artefacts, headline, optional image caption ending in "[credit]",
the "Published in <Source>, on <Date>, By <Authors>" byline, optional dek,
then the body paragraphs, the first of which may open with a dateline.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass

from generator.content.frontmatter import normalise_newlines
from generator.dates import MONTHS
from generator.errors import SeedError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SeedImage:
    caption: str
    credit: str | None


@dataclass(frozen=True, slots=True)
class SeedArticle:
    seed_name: str  # the file name, e.g. "000_fb03fb027bc92a78.txt"
    title: str
    date: datetime.date
    source: str  # as written in the seed, e.g. "AlJazeera"; see sources.normalise_source
    authors: tuple[str, ...]
    dek: str | None
    image: SeedImage | None
    dateline: str | None  # the place as printed, without the agency
    paragraphs: tuple[str, ...]  # body paragraphs, dateline removed from the first
    paragraph_lines: tuple[int, ...]  # 1-based line in the seed where each paragraph starts
    agency: str | None = None  # the wire agency printed with the dateline: "Reuters"
    credits: tuple[str, ...] = ()  # trailer lines that say who reported: "Reporting by ..."


# Page furniture copied along with the article. Each pattern must match a whole block
# (after collapsing whitespace) so that a real sentence using these words survives.
ARTEFACTS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"previous editions",
        r"end of list",
        r"advertisement",
        r"recommended stories",
        r"list of \d+ items?",
        r"read more:?",
        r"skip to content",
        r"share",
        r"subscribe",
    )
)

BYLINE_EXAMPLE = "Published in <Source>, on <Mon DDth, YYYY>, By <Authors>"
DATE_EXAMPLES = "'Sep 11th, 2023', 'September 11, 2023', '11 September 2023' or '2023-09-11'"

# Found loosely first, so a byline with a broken date is reported as such and not
# as a missing byline.
_BYLINE_START = re.compile(r"published\s+in\b", re.IGNORECASE)
_BYLINE = re.compile(
    r"published\s+in\s+(?P<source>.+?)\s*,?\s+on\s+(?P<date>.+?)"
    r"(?:\s*,?\s*\bby\b(?P<authors>.*))?",
    re.IGNORECASE,
)
_AUTHOR_SEPARATOR = re.compile(r"\s*(?:,\s*and\s+|,|\s+and\s+|&)\s*", re.IGNORECASE)

_MONTHS = tuple(month.lower() for month in MONTHS)
_WEEKDAY_PREFIX = re.compile(
    r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?,?\s+",
    re.IGNORECASE,
)
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE_FORMS = (
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(rf"(?P<month>[^\W\d_]+)\.?\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})"),
    re.compile(
        rf"(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month>[^\W\d_]+)\.?,?\s+(?P<year>\d{{4}})",
        re.IGNORECASE,
    ),
)

# A dateline ends at the first dash with spaces (NBSP included) on both sides, on its line.
_DATELINE_SPLIT = re.compile(
    r"(?P<head>[^\n]{1,60}?)[^\S\n]+[–—-][^\S\n]+(?P<rest>\S.*)", re.DOTALL
)
_DATELINE_MAX_WORDS = 6
_AGENCY = re.compile(r"\s*\((?P<agency>[^()]{1,30})\)$")
_ABBREVIATION = re.compile(r"(?:[^\W\d_]\.)+|[^\W\d_][^\W\d_]{0,4}\.")
_NUMBER = re.compile(rf"\d{{1,4}}{_ORDINAL}")
# Lowercase particles of place names: Rio de Janeiro, Dar es Salaam, Frankfurt am Main.
_PARTICLES = frozenset(
    {"al", "am", "an", "da", "das", "de", "del", "della", "di", "do", "dos", "du", "el"}
    | {"es", "la", "le", "les", "of", "upon", "y"}
)
_CREDIT = re.compile(r"(?P<caption>.*?)\s*\[(?P<credit>[^\[\]]+)\]", re.DOTALL)
# Outlets without brackets end the caption with "Photograph: X" or "(Photo: X)".
_TRAILING_CREDIT = re.compile(
    r"(?P<caption>.*?)\s*\(?(?P<credit>(?:Photograph|Photo|Picture|Image|Credit)s?"
    r"(?::|\s+by)\s+[^()]+?)\)?\s*",
    re.DOTALL | re.IGNORECASE,
)
# Characters at the end of a caption searched for its credit: a longer one is caption.
_CREDIT_MAX = 300
# Job titles that follow a name in a byline: "Chris Mason, Political editor".
_ROLE_NOUNS = frozenset(
    {"correspondent", "editor", "reporter", "writer", "analyst", "columnist", "contributor"}
    | {"producer", "chief", "journalist", "presenter", "commentator", "researcher"}
)


@dataclass(frozen=True, slots=True)
class _Block:
    text: str  # edges stripped, inner lines and whitespace as in the seed
    line: int  # 1-based line where the block starts


def parse_seed(text: str, *, name: str) -> SeedArticle:
    """Read the article in a seed; raise SeedError naming the line when it is malformed."""
    blocks = _content_blocks(text)
    if not blocks:
        raise SeedError(
            "the seed is empty",
            path=name,
            line=1,
            fix=f"paste the article: headline, optional caption, '{BYLINE_EXAMPLE}', body",
        )
    at = _byline_index(blocks, name=name)
    byline = blocks[at]
    title, image = _parse_header(blocks[:at], byline=byline, name=name)
    source, date, authors = _parse_byline(byline, name=name)
    dek, body = _split_dek(blocks[at + 1 :])
    if not body:
        raise SeedError(
            "no body paragraphs after the byline",
            path=name,
            line=byline.line,
            fix="paste the article paragraphs below the byline, separated by blank lines",
        )
    dateline, first = split_dateline(body[0].text)
    paragraphs = (first, *(block.text for block in body[1:]))
    return SeedArticle(
        seed_name=name,
        title=title,
        date=date,
        source=source,
        authors=authors,
        dek=dek,
        image=image,
        dateline=dateline,
        paragraphs=paragraphs,
        paragraph_lines=tuple(block.line for block in body),
    )


def is_artefact(block: str) -> bool:
    collapsed = " ".join(block.split())
    return any(pattern.fullmatch(collapsed) for pattern in ARTEFACTS)


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """Split 'BEIRUT (AP) — Text' into ('BEIRUT (AP)', 'Text'); (None, paragraph) if none."""
    match = _DATELINE_SPLIT.fullmatch(paragraph)
    if match is None or not _is_dateline(match["head"]):
        return None, paragraph
    return match["head"], match["rest"]


def _content_blocks(text: str) -> tuple[_Block, ...]:
    text = normalise_newlines(text)
    blocks: list[_Block] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append(_Block("\n".join(current).strip(), start))
            current = []
    if current:
        blocks.append(_Block("\n".join(current).strip(), start))
    return tuple(block for block in blocks if not is_artefact(block.text))


def _byline_index(blocks: tuple[_Block, ...], *, name: str) -> int:
    for index, block in enumerate(blocks):
        if _BYLINE_START.match(block.text):
            return index
    # The byline belongs right after the headline (or after the caption).
    expected = blocks[1].line if len(blocks) > 1 else blocks[0].line
    raise SeedError(
        "no byline: no block starts with 'Published in'",
        path=name,
        line=expected,
        fix=f"add the byline below the headline and caption, e.g. '{BYLINE_EXAMPLE}'",
    )


def _parse_byline(block: _Block, *, name: str) -> tuple[str, datetime.date, tuple[str, ...]]:
    collapsed = " ".join(block.text.split())
    match = _BYLINE.fullmatch(collapsed)
    if match is None:
        raise SeedError(
            f"cannot read the byline {_excerpt(collapsed)}",
            path=name,
            line=block.line,
            fix=f"expected a line like '{BYLINE_EXAMPLE}'",
        )
    date = _parse_date(match["date"], block=block, name=name)
    return match["source"].strip(" ,"), date, _parse_authors(match["authors"] or "")


def _excerpt(text: str, limit: int = 80) -> str:
    """Seed text quoted in a message: one line, printable, and short however long it is."""
    flat = "".join(c if c.isprintable() else "\ufffd" for c in " ".join(text[: limit * 4].split()))
    return f"'{flat}'" if len(flat) <= limit else f"'{flat[: limit - 1]}…'"


def _parse_date(raw: str, *, block: _Block, name: str) -> datetime.date:
    text = _WEEKDAY_PREFIX.sub("", raw.strip(" ,."), count=1)
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match is None:
            continue
        month = _month_number(match["month"])
        if month is None:
            break
        try:
            return datetime.date(int(match["year"]), month, int(match["day"]))
        except ValueError:
            raise SeedError(
                f"the date {_excerpt(raw)} in the byline is not a real date",
                path=name,
                line=block.line,
                fix=f"correct the date; write it like {DATE_EXAMPLES}",
            ) from None
    raise SeedError(
        f"cannot read the date {_excerpt(raw)} in the byline",
        path=name,
        line=block.line,
        fix=f"write the date like {DATE_EXAMPLES}",
    )


def _month_number(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    word = raw.lower()
    for number, month in enumerate(_MONTHS, start=1):
        if word == month or word == month[:3] or (word == "sept" and number == 9):
            return number
    return None


def _parse_authors(raw: str) -> tuple[str, ...]:
    parts = (part.strip(" ,") for part in _AUTHOR_SEPARATOR.split(raw.strip()))
    names = (_without_role(part) for part in parts if part)
    return tuple(name for name in names if name)


def _without_role(part: str) -> str:
    """'Jon Henley Europe correspondent' -> 'Jon Henley'; a bare 'Political editor' -> ''."""
    words = part.split()
    role_at = next((i for i, word in enumerate(words) if word.lower() in _ROLE_NOUNS), None)
    if role_at is None:
        return part
    if role_at <= 1:
        return ""
    # One capitalised qualifier ("Europe", "Political") usually stands before the role.
    return " ".join(words[: max(2, role_at - 1)])


def _parse_header(
    blocks: tuple[_Block, ...], *, byline: _Block, name: str
) -> tuple[str, SeedImage | None]:
    if not blocks:
        raise SeedError(
            "no headline before the byline",
            path=name,
            line=byline.line,
            fix="put the headline above the 'Published in' line, separated by a blank line",
        )
    if len(blocks) > 2:
        lines = [str(block.line) for block in blocks[1:-1]]
        ignored = ", ".join(lines[:10]) + (
            f" and {len(lines) - 10} more" if len(lines) > 10 else ""
        )
        log.warning(
            "%s: ignoring unknown blocks between headline and caption (lines %s)", name, ignored
        )
    title = " ".join(blocks[0].text.split())
    image = _parse_caption(blocks[-1].text) if len(blocks) > 1 else None
    return title, image


def _parse_caption(text: str) -> SeedImage:
    # The credit ends the caption, so only its tail is searched: the patterns are
    # quadratic in what they see, and a caption may be megabytes long.
    cut = max(0, len(text) - _CREDIT_MAX)
    tail = text[cut:]
    match = _CREDIT.fullmatch(tail) or _TRAILING_CREDIT.fullmatch(tail)
    caption = text[:cut] + match["caption"] if match else ""
    if match is None or not caption.strip():
        return SeedImage(caption=text, credit=None)
    return SeedImage(caption=caption.strip(), credit=match["credit"].strip())


def _split_dek(blocks: tuple[_Block, ...]) -> tuple[str | None, tuple[_Block, ...]]:
    # A seed does not mark the dek; the block after the byline counts as one only when
    # at least two body paragraphs follow and it does not open with a dateline.
    if len(blocks) >= 3 and split_dateline(blocks[0].text)[0] is None:
        return blocks[0].text, blocks[1:]
    return None, blocks


def _is_dateline(head: str) -> bool:
    agency = _AGENCY.search(head)
    place = head[: agency.start()] if agency else head
    if agency and not agency["agency"][:1].isupper():
        return False
    segments = [segment.strip() for segment in place.split(",")]
    words = place.replace(",", " ").split()
    if not all(segments) or not words or len(words) > _DATELINE_MAX_WORDS:
        return False
    if not words[0][:1].isupper() or not all(_is_place_word(word) for word in words):
        return False
    # A bare capitalised phrase ('President Joe Biden – who ...') is too often the
    # subject of a sentence with an aside; demand a dateline's usual shape.
    return agency is not None or len(segments) > 1 or all(word.isupper() for word in words)


def _is_place_word(word: str) -> bool:
    if word in _PARTICLES or _NUMBER.fullmatch(word):
        return True
    if "." in word:
        return _ABBREVIATION.fullmatch(word) is not None and word[0].isupper()
    if word[:2] in {"d'", "d’", "l'", "l’"}:
        word = word[2:]
    letters = word.replace("-", "").replace("'", "").replace("’", "")
    return word[:1].isupper() and letters.isalpha()
