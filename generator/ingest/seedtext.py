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
from generator.sources import DEFAULT_SOURCES, HAS_STANDFIRST, NO_STANDFIRST, source_key

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
        r"skip advertisement",
        r"continue reading the main story",
        r"story continues below(?: this)? advertisement",
        r"article continues below(?: this)? advertisement",
        r"scroll to continue(?: with content)?",
        r"supported by",
        r"listen to this article(?: ?[·•|-]? ?\d+ min)?",
        r"share (?:full |this )?article",
        r"(?:related|more on this story|top stories|most read|related topics|topics)",
        r"loading\.*",
        r"copy link",
        r"print",
    )
)

BYLINE_EXAMPLE = "Published in <Source>, on <Mon DDth, YYYY>, By <Authors>"
DATE_EXAMPLES = (
    "'Sep 11th, 2023', 'September 11, 2023', '11 September 2023', '2023-09-11' "
    "(a weekday, a time and a zone may go with it: 'Monday, 11 September 2023 10:31 GMT')"
)

# Found loosely first, so a byline with a broken date is reported as such and not
# as a missing byline.
_BYLINE_START = re.compile(r"published\s+in\b", re.IGNORECASE)
_BYLINE = re.compile(
    r"published\s+in\s+(?P<source>.+?)\s*,?\s+on\s+(?P<date>.+?)"
    r"(?:\s*,?\s*\bby\b(?P<authors>.*))?",
    re.IGNORECASE,
)
_AUTHOR_SEPARATOR = re.compile(r"\s*(?:,\s*and\s+|,|;|\||\s+and\s+|\s+with\s+|&)\s*", re.IGNORECASE)

_MONTHS = tuple(month.lower() for month in MONTHS)
_ORDINAL = r"(?:st|nd|rd|th)?"
# A byline date is never longer; past this it is not searched at all (a seed may be huge).
_DATE_MAX = 120
# Each form is searched for in the date text; what is left around the match must be
# weekday, time, zone or a word like "Updated" (_DATE_NOISE), else the date is refused.
_ISO = re.compile(
    r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
)
_YMD_SLASH = re.compile(r"(?<!\d)(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})(?!\d)")
_WORD_FORMS = (
    re.compile(
        rf"(?P<month>[^\W\d_]+)\.?\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})(?!\d)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<!\d)(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month>[^\W\d_]+)\.?,?\s+"
        r"(?P<year>\d{4})(?!\d)",
        re.IGNORECASE,
    ),
)
# 18/09/2023 or 09/18/2023: read only when one of the two numbers can only be the day.
_NUMERIC_DATE = re.compile(
    r"(?<!\d)(?P<first>\d{1,2})(?P<sep>[/.])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\d)"
)
_DATE_NOISE_SPLIT = re.compile(r"[\s,|·•]+")
_DATE_NOISE = re.compile(
    r"(?i:(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?"
    r"|updated?|published|posted|first|last|modified|edited|on|at|am|pm|a\.m|p\.m|hrs?|h)\.?"
    r"|\d{1,2}(?:[:.h]\d{2}){1,2}(?i:am|pm|a\.m\.|p\.m\.)?|\d{1,2}(?i:am|pm|a\.m\.|p\.m\.)"
    r"|(?:[A-Z]{2,5}|GMT|UTC)?[+\u2212-]\d{1,2}(?::?\d{2})?|[A-Z]{2,5}|Z"
)

# A dash between words: -, –, —, ― or the wire's --.
_DASH = r"(?:--|[–—―-])"
# A dateline ends at the first dash with space on both sides, or at a colon ("NEW
# DELHI: ..."); its head is short, so the search is bounded.
_DASH_DATELINE = re.compile(rf"(?P<head>[^\n]{{0,80}}?)[^\S\n]+{_DASH}(?:\s+|$)")
_COLON_DATELINE = re.compile(r"(?P<head>[^\n:]{1,60}?):[^\S\n]+")
# TASS: "MOSCOW, September 21. /TASS/. Text"
_SLASH_DATELINE = re.compile(
    r"(?P<head>[^\n/]{1,60}?)\.?[^\S\n]*/(?P<agency>[A-Z][\w-]{1,20})/\.?[^\S\n]+"
)
# A place alone on the lede's first block: "ANKARA" (Anadolu).
_BARE_PLACE = re.compile(r"[^\W\d_][^\W\d_ .'’-]*(?:[ .'’-]+[^\W\d_]+){0,3}\.?")
_DATELINE_MAX_WORDS = 6
_AGENCY = re.compile(r"\s*\((?P<agency>[^()]{1,30})\)$")
# Words that open a sentence or a label, not a place: "Biden –", "UPDATE –", "Meanwhile –".
_NOT_PLACES = frozenset(
    {"the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this", "that", "these"}
    | {"those", "there", "here", "but", "and", "or", "so", "yet", "meanwhile", "however"}
    | {"now", "then", "still", "also", "today", "yesterday", "tomorrow", "tonight", "last"}
    | {"next", "first", "finally", "instead", "indeed", "update", "updated", "breaking"}
    | {"exclusive", "analysis", "opinion", "watch", "listen", "live", "video", "editor"}
    | {"editor's", "editor’s", "note", "correction", "clarification", "his", "her", "their"}
    | {"our", "its", "my", "one", "some", "many", "most", "all", "both", "each", "every"}
    | {"no", "not", "yes", "well", "what", "who", "why", "how", "when", "where", "which"}
    | {"in", "on", "at", "for", "after", "before", "since", "as", "if", "while", "though"}
    | {"because", "once", "only", "even", "just", "more", "such", "other", "another", "mr"}
    | {"mrs", "ms", "dr", "president", "minister", "police", "officials", "critics", "q"}
    | {"photos", "photo", "read", "related", "explainer", "podcast", "sources", "source"}
    | {day.lower() for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")}
    | {"saturday", "sunday"}
    | {month.lower() for month in MONTHS}
)
_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s")
_SPACED_DASH = re.compile(rf"\s{_DASH}\s")
# How much of the text after a title-case dateline is searched for a closing dash.
_ASIDE_WINDOW = 300
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
# Other outlets' credit forms: "Caption. | Kyodo", "Caption. - Copyright X/AP",
# "Caption. © X, AFP", "Caption. (X/The Washington Post)", "Caption. REUTERS/X/File Photo".
_OTHER_CREDITS = (
    re.compile(r"(?P<caption>.*\S)\s+\|\s+(?P<credit>[^|]{1,100})", re.DOTALL),
    re.compile(
        r"(?P<caption>.*?)\s*(?:[-–—]\s+)?(?P<credit>(?:©|Copyright\b)[^©]{1,100})", re.DOTALL
    ),
    re.compile(r"(?P<caption>.*[.!?])\s+\((?P<credit>[^()]*/[^()]*)\)", re.DOTALL),
    re.compile(r"(?P<caption>.*[.!?])\s+(?P<credit>[A-Z][^.!?\s]*(?: [^.!?\s]+){0,8})", re.DOTALL),
)
# Characters at the end of a caption searched for its credit: a longer one is caption.
_CREDIT_MAX = 300
# Job titles that follow a name in a byline: "Chris Mason, Political editor".
_ROLE_NOUNS = frozenset(
    {"correspondent", "editor", "reporter", "writer", "analyst", "columnist", "contributor"}
    | {"producer", "chief", "journalist", "presenter", "commentator", "researcher"}
)


_KICKER = re.compile(
    r"(?:opinion|analysis|explainer|exclusive|live|breaking(?: news)?|comment|review|perspective"
    r"|listen(?: to this article)?(?:\s*[·•|-]?\s*\d+:\d{2}(?: min)?)?)",
    re.IGNORECASE,
)
_STANDFIRST_MAX_WORDS = 70
_STANDFIRST_MAX_CHARS = 700

# Outlets by spelling-blind key, and wire agencies: in a byline these are not persons.
_OUTLET_BY_KEY: dict[str, str] = {
    source_key(spelling): canonical for spelling, canonical in DEFAULT_SOURCES.items()
}
_NOT_PERSONS = frozenset(
    {"agencies", "news agencies", "wires", "wire services", "staff", "agency", "agences"}
)
_AUTHOR_PLACE = re.compile(r"\s+(?:in|at|reporting from)\s+(?-i:[A-Z]).*$", re.DOTALL)
_BY_PREFIX = re.compile(r"by\s+", re.IGNORECASE)
# Labels wires put on a headline: "UPDATE 2-", "CORRECTED-", "REFILE-".
_WIRE_LABEL = re.compile(r"(?:UPDATE\s+\d+|CORRECTED|REFILE|RPT|WRAPUP\s+\d+)\s*[-–—:]\s*")
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+(?P<outlet>[^|–—-]{1,40})$")

# Trailers and page furniture: each pattern must match a whole line of a block (after
# collapsing whitespace), so that a sentence using the same words survives. Only lines
# shorter than _FURNITURE_MAX_CHARS are looked at: furniture is short.
_FURNITURE_MAX_CHARS = 400
_FURNITURE: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\(?end\)?|-+ ?end ?-+",
        r"\((?:adds|updates|recasts|corrects|changes|rewrites|refiles|repeats|removes|fixes"
        r"|clarifies|writes through|writethrough|moves|inserts|edits|replaces|deletes|add"
        r"|update|updated)\b[^()]*\)",
        r"our standards:.*",
        r"(?:©|\(c\)|copyright\s+(?:©\s*)?\d{4}\b).*",
        r".{0,200}\ball rights reserved\b.*",
        r"sign up (?:for|to|here)\b.{0,200}",
        r"(?:get|receive) (?:our|the) .{0,80}newsletter.{0,100}",
        r"follow .{1,80}? on (?:twitter|x|facebook|instagram|telegram|threads|bluesky"
        r"|linkedin|tiktok|youtube|whatsapp)\b.{0,100}",
        r"(?:related|read more|read also|also read|see also|more|more on this story|recommended"
        r"|read next|watch|listen|watch live|video|must read|don't miss|don’t miss)\s*:.{0,300}",
        r"this (?:story|article|report|post|piece|page) (?:has been|was|is being|will be)"
        r" (?:updated|amended|corrected|edited|originally published|first published"
        r"|republished)\b.{0,300}",
        r"this is a (?:developing|breaking) (?:news )?story\b.{0,200}",
        r"to contact the (?:reporters?|editors?|authors?)\b.{0,300}",
        r"(?:image|media|video|photo) (?:source|caption|credit)s?\s*[,:].{0,300}",
        r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
        r"(?-i:[a-z]{2,6}(?:[-/][a-z]{1,6}){1,5})(?: ?\([^()]{1,40}\))?",  # "bur-jm/rsc"
        r"[_*=~#-]{3,}|(?:\* ?){3}",  # a rule between story and trailer
        r"(?:--|[–—])\s*(?-i:[A-Z][\w.-]{0,20})(?:\s+(?-i:[A-Z][\w.-]{0,20})){0,2}",  # "-- AFP"
        r".{0,300}\b(?:please contact us|subscription options|subscribers only)\b.{0,200}",
    )
)
# A trailer that says who reported, wrote or edited: kept, as printed, in credits.
_CREDIT_LINES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"(?:additional |further )?(?:reporting|writing|editing|reported|written|edited"
        r"|compiled|reporting and writing|research) (?:by|from) (?-i:[A-Z]).*",
        r"with (?:assistance|reporting|additional reporting) (?:from|by) (?-i:[A-Z]).*",
        r"(?:additional )?reporting was contributed by (?-i:[A-Z]).*",
        r"(?-i:[A-Z]).{0,300}\bcontributed (?:reporting|to (?:this|the) (?:report|story"
        r"|article|reporting))\b.{0,80}",
        r"(?-i:[A-Z]).{0,300}\b(?:writer|writers|reporter|reporters|correspondent"
        r"|correspondents|journalist|journalists|staff)\b.{0,200}\bcontributed\b.{0,80}",
    )
)
# A credit line is not a sentence of the story: these words would make it one.
_STORY_VERB = re.compile(
    r"\b(?:said|says|found|finds|showed|shows|revealed|suggests|has|have|had|was|were|is"
    r"|are|will)\b",
    re.IGNORECASE,
)
_FURNITURE_WRAP = "()[] \u2014\u2013-"
_END_MARK = re.compile(r"\s*\(END\)$")


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
    after, credits = _without_furniture(blocks[at + 1 :])
    dek, body = _split_dek(after, outlet=_canonical(source))
    if not body:
        raise SeedError(
            "no body paragraphs after the byline",
            path=name,
            line=byline.line,
            fix="paste the article paragraphs below the byline, separated by blank lines",
        )
    dateline, first = split_dateline(body[0].text)
    if dateline is None and len(body) > 1 and _is_bare_place(body[0].text):
        dateline, first = Dateline(body[0].text.rstrip("."), None), ""
    if dateline is not None and not first and len(body) > 1:
        # The dateline stood alone on its block ("SEOUL, Sept. 18 (Yonhap) --").
        body = body[1:]
        first = body[0].text
    elif dateline is not None and not first:
        dateline, first = None, body[0].text
    paragraphs = (first, *(block.text for block in body[1:]))
    return SeedArticle(
        seed_name=name,
        title=_without_wire_label(title, source),
        date=date,
        source=source,
        authors=authors,
        dek=dek,
        image=image,
        dateline=dateline.place if dateline else None,
        paragraphs=paragraphs,
        paragraph_lines=tuple(block.line for block in body),
        agency=dateline.agency if dateline else None,
        credits=credits,
    )


def _any_of(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    """One pattern that fully matches what any of them fully matches: one pass of the
    regex engine for a line, not one a pattern (every line of every seed is tried)."""
    flags = {pattern.flags for pattern in patterns}
    assert len(flags) == 1, "the patterns must share their flags"
    return re.compile("|".join(f"(?:{pattern.pattern})" for pattern in patterns), flags.pop())


_ANY_ARTEFACT = _any_of(ARTEFACTS)
_ANY_FURNITURE = _any_of(_FURNITURE)
_ANY_CREDIT_LINE = _any_of(_CREDIT_LINES)


def is_artefact(block: str) -> bool:
    return _ANY_ARTEFACT.fullmatch(" ".join(block.split())) is not None


@dataclass(frozen=True, slots=True)
class Dateline:
    place: str | None  # as printed: "VIENNA", "DUBAI, United Arab Emirates"; None: "(Reuters) -"
    agency: str | None  # inside the brackets: "Reuters", "AP", "Yonhap"


def split_dateline(paragraph: str) -> tuple[Dateline | None, str]:
    """Split 'SEOUL, Sept. 18 (Yonhap) -- Text' into (Dateline('SEOUL', 'Yonhap'), 'Text').

    The date in a dateline is dropped. (None, paragraph) when it opens with no dateline.
    """
    for form, colon in ((_DASH_DATELINE, False), (_COLON_DATELINE, True), (_SLASH_DATELINE, False)):
        match = form.match(paragraph)
        if match is None:
            continue
        rest = paragraph[match.end() :]
        head = match["head"] + (f" ({match['agency']})" if "agency" in match.groupdict() else "")
        dateline = _read_dateline(head, rest, colon=colon)
        if dateline is not None:
            return dateline, rest
    return None, paragraph


def _read_dateline(head: str, rest: str, *, colon: bool) -> Dateline | None:
    """The dateline in head, the text before the dash or colon; None when it is a sentence."""
    agency_match = _AGENCY.search(head)
    agency = agency_match["agency"].strip() if agency_match else None
    if agency is not None and not _is_agency(agency):
        return None
    place = head[: agency_match.start()] if agency_match else head
    segments = [segment.strip() for segment in place.split(",")]
    # "MOSCOW, April 21" and "SEOUL, Sept. 18, 2023": the date is not part of the place.
    while len(segments) > 1 and _is_date_segment(segments[-1]):
        segments.pop()
    if segments == [""] and agency is not None and not colon:
        return Dateline(None, agency)  # "(Reuters) - Text"
    words = " ".join(segments).split()
    if not all(segments) or not words or len(words) > _DATELINE_MAX_WORDS:
        return None
    if not words[0][:1].isupper() or not all(_is_place_word(word) for word in words):
        return None
    if words[0].lower().strip(".") in _NOT_PLACES:
        return None
    place_text = ", ".join(segments)
    opens_sentence = rest[:1].isupper() or rest[:1].isdigit() or rest[:1] in "“\"‘'"
    all_caps = all(word.isupper() or word in _PARTICLES for word in words)
    if colon:
        # "He said: ..." stays a sentence: a colon dateline is an all-caps place,
        # maybe with its region ("MUMBAI, India:").
        caps_place = all(word.isupper() or word in _PARTICLES for word in segments[0].split())
        return Dateline(place_text, agency) if caps_place and opens_sentence else None
    if agency is not None:
        return Dateline(place_text, agency)
    if not opens_sentence and rest:
        return None  # "NATO – the alliance ... –": a subject with an aside
    if len(segments) > 1 or all_caps:
        return Dateline(place_text, agency)
    # "Kyiv – Ukraine's army said": one title-case place of up to three words. A name
    # with an aside ("Biden – Ukraine's ally – said") closes the aside in its sentence.
    window = rest[:_ASIDE_WINDOW]
    end = _SENTENCE_END.search(window)
    if len(words) > 3 or _SPACED_DASH.search(window[: end.start() if end else None]):
        return None
    return Dateline(place_text, agency)


def _is_bare_place(text: str) -> bool:
    """'ANKARA' or 'WASHINGTON, D.C.' alone on a block: an all-caps place is no sentence."""
    segments = [segment.strip() for segment in text.split(",")]
    if len(text) > 60 or not _BARE_PLACE.fullmatch(segments[0]) or not segments[0].isupper():
        return False
    return len(segments) <= 2 and segments[0].split()[0].lower() not in _NOT_PLACES


def _is_agency(text: str) -> bool:
    words = text.split()
    return (
        bool(words)
        and len(words) <= 4
        and text[:1].isupper()
        and not any(char.isdigit() for char in text)
    )


def _is_date_segment(segment: str) -> bool:
    """'Sept. 18', '18 September', 'April 21st', '18 September 2023' or '2023'."""
    words = segment.replace(".", " ").split()
    if len(words) == 3 and len(words[2]) == 4 and words[2].isdigit():
        words = words[:2]
    if len(words) == 1:
        return len(words[0]) == 4 and words[0].isdigit()
    if len(words) != 2:
        return False
    month, day = words if not words[0][:1].isdigit() else words[::-1]
    return _NUMBER.fullmatch(day.lower()) is not None and _month_number(month) is not None


def _canonical(source: str) -> str:
    return DEFAULT_SOURCES.get(source.strip()) or _OUTLET_BY_KEY.get(source_key(source), source)


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
    text = " ".join(raw.split()).strip(" ,.")
    found = _find_date(text) if len(text) <= _DATE_MAX else None
    if isinstance(found, str):
        raise SeedError(
            f"the date {_excerpt(raw)} in the byline {found}",
            path=name,
            line=block.line,
            fix="write the month as a word, e.g. '18 September 2023' or 'September 18, 2023'",
        )
    if found is not None:
        (year, month, day), (start, end) = found
        noise = _DATE_NOISE_SPLIT.split(f"{text[:start]} {text[end:]}")
        if all(
            _DATE_NOISE.fullmatch(word.strip("()[]–—-")) for word in noise if word.strip("()[]–—-")
        ):
            try:
                return datetime.date(year, month, day)
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


def _find_date(text: str) -> tuple[tuple[int, int, int], tuple[int, int]] | str | None:
    """(year, month, day) and where it is in text; a message when it cannot be told."""
    for form in (_ISO, _YMD_SLASH):
        match = form.search(text)
        if match:
            ymd = (int(match["year"]), int(match["month"]), int(match["day"]))
            return ymd, match.span()
    for form in _WORD_FORMS:
        for match in form.finditer(text):
            month = _month_number(match["month"])
            if month is not None:
                return (int(match["year"]), month, int(match["day"])), match.span()
    match = _NUMERIC_DATE.search(text)
    if match is None:
        return None
    first, second = int(match["first"]), int(match["second"])
    if first != second and first <= 12 and second <= 12:
        return "is ambiguous: the day and the month could be either number"
    # Day first is the usual order outside the US; a second number over 12 is a US date.
    day, month = (second, first) if second > 12 else (first, second)
    return (int(match["year"]), month, day), match.span()


def _month_number(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    word = raw.lower().rstrip(".")
    for number, month in enumerate(_MONTHS, start=1):
        if word == month or word == month[:3] or (word == "sept" and number == 9):
            return number
    return None


def _parse_authors(raw: str) -> tuple[str, ...]:
    """Persons only: 'By ANA LIMA in Kyiv, Reuters and agencies' -> ('Ana Lima',)."""
    names: list[str] = []
    after_outlet = False
    for part in _AUTHOR_SEPARATOR.split(raw.strip()):
        part = _BY_PREFIX.sub("", part.strip(" ,;|"), count=1)
        part = _AUTHOR_PLACE.sub("", part).strip(" ,;|")
        if not part:
            continue
        is_outlet = source_key(part) in _OUTLET_BY_KEY
        # "Ana Lima, BBC News, Seoul": the word after an outlet is where she works.
        place_after_outlet = after_outlet and len(part.split()) == 1
        after_outlet = is_outlet
        # "TOI Staff", "Guardian staff": the outlet's newsroom, not a person.
        staff = part.casefold().endswith(" staff") and source_key(part[:-6]) in _OUTLET_BY_KEY
        if is_outlet or place_after_outlet or staff or part.casefold() in _NOT_PERSONS:
            continue
        name = _without_role(part)
        if name:
            names.append(_name_case(name))
    return tuple(names)


def _name_case(name: str) -> str:
    """'ANA LIMA' -> 'Ana Lima'; a name printed in mixed case is kept as printed."""
    if not name.isupper() or len(name.replace(" ", "")) < 4:
        return name
    return name.title()


def _without_wire_label(title: str, source: str) -> str:
    """'UPDATE 2-OPEC+ weighs cuts | Reuters' -> 'OPEC+ weighs cuts'."""
    label = _WIRE_LABEL.match(title)
    if label and label.end() < len(title):
        title = title[label.end() :]
    suffix = _TITLE_SUFFIX.search(title[-60:])
    if suffix and _OUTLET_BY_KEY.get(source_key(suffix["outlet"])) == _canonical(source):
        title = title[: len(title) - len(suffix[0])]
    return title


def _without_furniture(
    blocks: tuple[_Block, ...],
) -> tuple[tuple[_Block, ...], tuple[str, ...]]:
    """The blocks without trailers and page furniture, and the credits found among them.

    A block goes when every line of it is furniture or a credit; a block whose last lines
    are ("...said.\n(Reporting by ...)") loses those lines only.
    """
    kept: list[_Block] = []
    credits: list[str] = []
    for block in blocks:
        text, found = _strip_trailing_furniture(block.text)
        credits.extend(found)
        if text:
            kept.append(_Block(text, block.line))
    if kept:
        last = kept[-1]
        text = _END_MARK.sub("", last.text[-20:])
        if text != last.text[-20:]:
            kept[-1] = _Block(last.text[:-20] + text, last.line)
    return tuple(kept), tuple(credits)


def _strip_trailing_furniture(text: str) -> tuple[str, tuple[str, ...]]:
    """Text without its trailing furniture lines, and the credits among them (in order)."""
    credits: list[str] = []
    end = len(text)  # text[:end] is what is left; sliced once, as a block may be huge
    while end > 0:
        cut = text.rfind("\n", 0, end)
        kind = _furniture_kind(text[cut + 1 : end])
        if kind is None:
            break
        if kind != "drop":
            credits.append(kind)
        end = cut if cut >= 0 else 0
        while end > 0 and text[end - 1].isspace():
            end -= 1
    return text[:end], tuple(reversed(credits))


def _furniture_kind(line: str) -> str | None:
    """'drop' for page furniture, the credit as printed for a credit, else None."""
    if len(line) > _FURNITURE_MAX_CHARS:
        return None
    collapsed = " ".join(line.split())
    if _ANY_FURNITURE.fullmatch(collapsed):
        return "drop"
    credit = collapsed.strip(_FURNITURE_WRAP)
    # "Reporting by the BBC found that ..." is a sentence of the story.
    is_sentence = _STORY_VERB.search(credit.split(";")[0]) and "contributed" not in credit
    if not is_sentence and _ANY_CREDIT_LINE.fullmatch(credit):
        return credit
    return None


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
    if len(blocks) > 1 and _KICKER.fullmatch(" ".join(blocks[0].text.split())):
        blocks = blocks[1:]  # "Opinion" or "Listen · 3:42" above the headline
    title = " ".join(blocks[0].text.split())
    image = _parse_caption(blocks[-1].text) if len(blocks) > 1 else None
    return title, image


def _parse_caption(text: str) -> SeedImage:
    # The credit ends the caption, so only its tail is searched: the patterns are
    # quadratic in what they see, and a caption may be megabytes long.
    cut = max(0, len(text) - _CREDIT_MAX)
    tail = text[cut:]
    match = _CREDIT.fullmatch(tail) or _TRAILING_CREDIT.fullmatch(tail)
    for form in _OTHER_CREDITS:
        if match is not None:
            break
        match = form.fullmatch(tail)
        # A last sentence is a credit only when it names a photographer/agency pair.
        if match and form is _OTHER_CREDITS[-1] and "/" not in match["credit"]:
            match = None
    caption = text[:cut] + match["caption"] if match else ""
    if match is None or not caption.strip():
        return SeedImage(caption=text, credit=None)
    return SeedImage(caption=caption.strip(), credit=match["credit"].strip())


def _split_dek(blocks: tuple[_Block, ...], *, outlet: str) -> tuple[str | None, tuple[_Block, ...]]:
    """The standfirst, if the block after the byline is one, and the body.

    A seed does not mark the dek, so the layout decides, in this order:
    - the first block opens with a dateline: it is the lede (wire copy); no dek;
    - the second block opens with a dateline: the first is a standfirst above the lede
      (Al Jazeera, NYT), if it is shaped like one (short, no quoted speech);
    - otherwise a dek needs two body paragraphs after it and a standfirst's shape, and
      then either an outlet that prints standfirsts (sources.HAS_STANDFIRST: Guardian)
      or a block with no closing punctuation, as headline-like standfirsts are. For an
      outlet that never prints one (BBC, Reuters) or an unknown outlet whose first
      block ends like a sentence, the first block is the lede: body paragraph 1.
    """
    if len(blocks) < 2 or opens_with_dateline(blocks[0].text):
        return None, blocks
    first = blocks[0].text
    if not _shaped_like_standfirst(first):
        return None, blocks
    if opens_with_dateline(blocks[1].text):
        return first, blocks[1:]
    if len(blocks) < 3 or outlet in NO_STANDFIRST:
        return None, blocks
    if outlet in HAS_STANDFIRST or not _ends_like_sentence(first):
        return first, blocks[1:]
    return None, blocks


def opens_with_dateline(paragraph: str) -> bool:
    return split_dateline(paragraph)[0] is not None


# A double-quoted run of four words or more: speech, not a word in scare quotes.
_QUOTED_SPEECH = re.compile(r'["“][^"“”\n]{0,400}?(?:\S+\s+){3}\S[^"“”\n]{0,400}?["”]')


def _shaped_like_standfirst(text: str) -> bool:
    # Quoted speech ("...," she said) is reporting: a lede or body, never a summary.
    if len(text) > _STANDFIRST_MAX_CHARS or _QUOTED_SPEECH.search(text):
        return False
    return len(text.split()) <= _STANDFIRST_MAX_WORDS and not text.endswith(":")


def _ends_like_sentence(text: str) -> bool:
    return text.rstrip()[-1:] in ".!?…\"”’')"


def _is_place_word(word: str) -> bool:
    if word in _PARTICLES or _NUMBER.fullmatch(word):
        return True
    if "." in word:
        return _ABBREVIATION.fullmatch(word) is not None and word[0].isupper()
    if word[:2] in {"d'", "d’", "l'", "l’"}:
        word = word[2:]
    letters = word.replace("-", "").replace("'", "").replace("’", "")
    return word[:1].isupper() and letters.isalpha()
