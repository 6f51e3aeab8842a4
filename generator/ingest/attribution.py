"""Suggest quotes, their speakers and unknown actors for ingest (pure: no I/O).

These are suggestions for an editor, so the heuristics are conservative: a quotation
counts only when the text says who spoke it, right next to it: a speech verb and a
speaker before it ("Miller said: “…”", "According to Miller, “…”", a paragraph ending
"Miller said:" before a paragraph that opens with the quote) or after it ("“…,” Miller
said", "“…,” said Miller"), a mid-quote attribution ("“…,” she said, “…”"), or a
paragraph that continues the previous paragraph's quotation. The speaker is the fullest
name the article gives the person, without titles ("Mr Sunak" -> "Rishi Sunak").

Everything here reads a bounded stretch of text around a quote or a name, never a
paragraph from its start over and over: a seed may be one paragraph of megabytes.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from generator.content.actors import ActorMatcher, ActorType, Mention, find_mentions


@dataclass(frozen=True, slots=True)
class QuoteSuggestion:
    text: str  # the quoted words, without the quote marks, trailing comma kept out
    speaker_id: str | None  # actor id if the speaker resolves to the registry
    speaker_name: str | None  # the speaker's fullest name, when not in the registry
    verb: str | None  # "said", "told reporters", ...; None for a continuation
    paragraph: int  # index of the paragraph it was found in
    start: int = 0  # where `text` starts in that paragraph


MIN_QUOTE_WORDS = 4
MAX_NAME_WORDS = 4  # capitalised words in a person's name, titles left off
_MAX_NAMESAKES = 16  # full names kept per word of a name: a bound, not a limit met in news
_HEAD_WINDOW = 400  # characters looked back from a quote for its attribution
_TAIL_WINDOW = 300  # characters looked ahead after a quote
_MAX_ATTRIBUTION_WORDS = 14  # words between a quote and its speech verb

_VERBS = (
    "said|says|told|tells|added|adds|argued|argues|asked|asks|stated|states|explained"
    "|explains|noted|notes|wrote|writes|insisted|insists|warned|warns|claimed|claims"
    "|declared|declares|responded|responds|replied|replies|continued|continues|stressed"
    "|stresses|emphasised|emphasized|emphasises|emphasizes|announced|announces"
    "|acknowledged|urged|urges|remarked|observed|recalled|concluded|suggested|suggests"
    "|conceded|admitted|admits|tweeted|posted|posts|cautioned|countered|recounted"
    "|predicted|vowed|vows|pledged|promised|confirmed|confirms|assured|reiterated"
    "|insisted|complained|maintained|lamented|joked|quipped|shouted|told|testified"
    "|wrote|tells|underlined|highlighted|demanded|charged|alleged|boasted"
    "|conceded|proclaimed|mused|sighed|thundered|snapped|pleaded|said|adding|saying"
    "|writing|telling|noting|warning|declaring|arguing|insisting|stressing|explaining"
    "|called on|called for|calls on|calls for|appealed|described|describes|dismissed"
)
# The verbs that report speech a following quotation can continue.
_REPORTING = {
    "said", "says", "told", "tells", "added", "adds", "warned", "warns", "stressed",
    "insisted", "noted", "explained", "argued", "wrote", "writes", "stated", "declared",
}  # fmt: skip
_PARTICIPLES = {
    "adding", "saying", "writing", "telling", "noting", "warning", "declaring", "arguing",
    "insisting", "stressing", "explaining",
}  # fmt: skip
# "told reporters", "told Al Jazeera", "told the BBC's Today programme"
_TOLD_OBJECT = (
    r"(?:(?:the|a|an|his|her|their|its)\s+)?"
    r"(?:[A-Z][\w’'.&-]*(?:\s+[A-Z][\w’'.&-]*){0,3}(?:\s+(?!that\b)[a-z]+)?"
    r"|(?!that\b)[a-z]+(?:\s+(?!that\b)[a-z]+)?)"
)
_VERB_PHRASE = (
    rf"(?:(?:was|were|is|has\s+been|had\s+been)\s+quoted\s+as\s+saying"
    rf"|(?:told|tells|telling)\s+{_TOLD_OBJECT}|(?:{_VERBS}))"
)
_AUXILIARIES = {
    "also", "later", "then", "again", "earlier", "previously", "once", "had", "has", "have",
    "was", "is", "would", "will", "repeatedly", "publicly", "reportedly", "privately",
    "separately", "recently", "simply", "subsequently", "further", "just", "openly", "similarly",
}  # fmt: skip
_ADVERB = r"(?:also|later|then|again|earlier|previously|once|had|has|have|was|is|would|will)"
_LEADING = re.compile(r"[\s,]*")
_LEADING_SPACE = re.compile(r"[ \t\u00a0]*")

# A speech verb that ends a head before the quote: "said", "said:", "told reporters, ",
# "said in a statement on Telegram:", "said that ".
_HEAD = re.compile(
    rf"(?<![\w’'-])(?P<verb>{_VERB_PHRASE})"
    r"(?:(?P<adjunct>\s[^:.!?;,“”\"‘’]{0,100})?\s*:|\s*,|\s+that)?\s*\Z"
)
_HEAD_VERB = re.compile(rf"(?<![\w’'-])(?P<verb>{_VERB_PHRASE})(?![\w’'-])")
# "“…,” said Miller": a speech verb right after a quote, then its speaker.
_VERB_FIRST = re.compile(rf"(?P<verb>{_VERB_PHRASE})(?![\w’'-])\s+")
# "According to Miller, “…”" and "“…,” according to Miller."
_ACCORDING = re.compile(r"(?<![\w’'-])[Aa]ccording\s+to\s+")
# Where a sentence ends: ". " after a word that is not a title or an initial.
_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*\s+(?=[^\sa-z])")
_ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "capt", "cmdr", "adm", "gov",
        "sen", "rep", "prof", "rev", "jr", "sr", "no", "vs", "co", "inc", "corp", "ltd", "jan",
        "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s",
        "u.k", "u.n", "e.u",
    }
)  # fmt: skip

_PRONOUNS = {"he", "she"}
_PREPOSITIONS = {
    "in", "at", "to", "from", "with", "for", "on", "of", "by", "about", "against", "into",
    "over", "under", "between", "after", "before", "near", "across", "toward", "towards",
    "via", "than", "like", "during", "since", "without", "within", "outside", "inside",
    "among", "through", "whether", "if", "that", "visit", "visited", "visiting", "met",
    "meet", "meeting", "called", "named", "urged", "urging", "asked", "criticised",
    "criticized", "accused", "blamed",
}  # fmt: skip
_DETERMINERS = {"the", "a", "an", "his", "her", "its", "their", "our", "this", "that"}

_TITLES = {
    "President", "Vice", "Minister", "Prime", "Secretary", "General", "Leader", "Chancellor",
    "Ambassador", "Spokesperson", "Spokesman", "Spokeswoman", "Senator", "Governor", "Mayor",
    "King", "Queen", "Prince", "Princess", "Premier", "Chairman", "Chairwoman", "Chair",
    "Director", "Chief", "Commander", "Envoy", "Foreign", "Defence", "Defense", "Deputy",
    "Judge", "Justice", "Pope", "Sheikh", "Colonel", "Lieutenant", "Captain", "Admiral",
    "Marshal", "Representative", "Rep", "Sen", "Gen", "Dr", "Mr", "Mrs", "Ms", "Miss", "Mx",
    "Sir", "Dame", "Lord", "Lady", "Baroness", "Baron", "Speaker", "Professor", "Prof",
    "Rev", "Reverend", "Father", "Imam", "Rabbi", "Archbishop", "Bishop", "Cardinal",
    "Sgt", "Sergeant", "Major", "Maj", "Brigadier", "Lt", "Col", "Capt", "Gov", "Cmdr",
    "Supt", "Superintendent", "Inspector", "Detective", "Officer", "Constable", "Attorney",
    "Solicitor", "Counsel", "Home", "Interior", "Finance", "Trade", "Economy", "Health",
    "Education", "Energy", "Culture", "Transport", "Treasury", "State", "Acting", "Former",
    "Senior", "Emir", "Crown", "Chairperson", "Congressman", "Congresswoman",
    "Executive", "CEO", "Head", "Coach", "Manager", "Councillor", "Alderman", "MP", "MEP",
    "Ayatollah", "Grand", "Supreme", "Sultan", "Tsar", "Comrade", "Dean", "Warden", "Nurse",
    "Minister-President", "Secretary-General", "Director-General", "Vice-President",
    "Lawmaker", "Legislator", "Congressmember", "Councilmember", "Commissioner", "Regulator",
    "Analyst", "Economist", "Lawyer", "Attorney-General", "Activist", "Resident", "Witness",
    "Researcher", "Scientist", "Historian", "Hydrologist", "Ambassador-at-large",
    "Undersecretary", "Under-Secretary", "Mayor-elect", "President-elect",
    "Lieutenant-General", "Major-General", "Field", "Air", "Rear", "Staff", "Army",
}  # fmt: skip
# The words of a post after "Minister for", "Secretary of": left off with the title.
_PORTFOLIO = {
    "Foreign", "Affairs", "Home", "Labour", "Labor", "Welfare", "State", "Defence", "Defense",
    "Justice", "Health", "Education", "Trade", "Industry", "Finance", "Economy", "Energy",
    "Environment", "Transport", "Culture", "Security", "Development", "Housing", "Interior",
    "Agriculture", "Commerce", "Infrastructure", "Communities", "Works", "Planning",
    "Technology", "Science", "Innovation", "Tourism", "Sport", "Media", "Youth", "Women",
    "Veterans", "Immigration", "Citizenship", "Treasury", "Employment", "Social", "Public",
    "National", "Internal", "External", "International", "Digital", "Climate", "Food",
    "Rural", "Fisheries", "Water", "Resources", "Mines", "Mining", "Petroleum", "Oil", "Gas",
    "Information", "Communications", "Family", "Children", "Local", "Government", "Regional",
    "Transportation", "Homeland", "Intelligence", "Legal", "Policy", "Research", "Services",
}  # fmt: skip
_TITLE_WORDS = {title.lower() for title in _TITLES} | {
    "leader", "official", "adviser", "advisor", "spokesperson", "spokesman", "spokeswoman",
    "minister", "president", "chief", "head", "envoy", "secretary",
}  # fmt: skip
# Words that make a capitalised run an organisation, not a person.
_ORG_WORDS = {
    "Ministry", "Department", "Office", "Agency", "Committee", "Council", "Government",
    "Administration", "Police", "Army", "Forces", "Force", "Military", "Navy", "Court",
    "Parliament", "Senate", "Congress", "Assembly", "Party", "Bank", "Fund", "Union",
    "Organisation", "Organization", "Association", "Institute", "University", "Company",
    "Corporation", "Corp", "Inc", "Ltd", "Group", "Authority", "Service", "Services",
    "Commission", "Board", "Guard", "Guards", "Command", "Front", "Movement", "Brigade",
    "Brigades", "Federation", "League", "Foundation", "Center", "Centre", "Network",
    "Times", "Post", "News", "Press", "Television", "Radio", "Journal", "Kremlin",
    "Pentagon", "Hamas", "Hezbollah", "Taliban", "Cabinet", "Presidency", "Secretariat",
    "Embassy", "Mission", "Coalition", "Alliance", "Houthis", "Watch", "International",
    "Bureau", "Directorate", "Staff", "Ministries", "Unit", "Corps", "Division", "House",
    "Street", "Palace", "Fleet", "Chiefs", "Nations", "Wales", "Reserve", "Society",
    "Trust", "Institution", "Observatory", "Monitor", "Programme", "Program",
}  # fmt: skip
# Generic words of an organisation: a run made only of these and titles names no one.
_GENERIC_ORG = {
    "Ministry", "Department", "Office", "Agency", "Committee", "Council", "Government",
    "Administration", "Police", "Army", "Forces", "Force", "Military", "Navy", "Court",
    "Parliament", "Senate", "Assembly", "Party", "Authority", "Service", "Services",
    "Commission", "Board", "Guard", "Command", "Cabinet", "Presidency", "Embassy",
    "Ministries", "Unit", "Division", "Staff", "Bureau", "Directorate", "Mission",
}  # fmt: skip
# Days and months: never part of a name, except the months that are also names
# ("Theresa May", "June Sarpong"), which are dates only where a run starts. "Jan" and
# "Sep" are not here: "Jan Egeland".
_DATES = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "July", "September", "October", "November", "December",
    "Sept",
}  # fmt: skip
_NAME_MONTHS = {"April", "May", "June", "August"}
# Capitalised only because they start a sentence, or never part of a name.
_COMMON = {
    "A", "An", "The", "On", "In", "At", "Of", "For", "To", "By", "From", "With", "But", "And",
    "Or", "As", "After", "Before", "While", "When", "Where", "Why", "How", "What", "Who",
    "Both", "Last", "Next", "This", "That", "These", "Those", "It", "He", "She", "We", "They",
    "I", "His", "Her", "Their", "Our", "Its", "My", "Your", "If", "Separately", "However",
    "Meanwhile", "Earlier", "Later", "Since", "During", "Despite", "Although", "Yet", "So",
    "Then", "There", "Here", "Some", "Many", "All", "Most", "Such", "Other", "Also", "Now",
    "According", "Speaking", "Asked", "Writing", "Addressing", "Responding", "Today",
    "Yesterday", "Tomorrow", "Tonight", "Not", "No", "Yes", "Under", "Over", "Amid", "Among",
    "Unlike", "Like", "Following", "Without", "Within", "Instead", "Still", "Even", "Only",
    "Just", "Thus", "Hence", "One", "Two", "Three", "Several", "Another", "Every", "Each",
    "Any", "Local", "Few", "Senior", "Top", "Critics", "Officials", "Analysts", "Residents",
    "Protesters", "Experts", "Witnesses", "Observers", "Activists", "Doctors", "Researchers",
    "Scientists", "Lawmakers", "Diplomats", "Authorities", "Rescuers", "Workers", "Farmers",
    "Supporters", "Opponents", "Voters", "Investors", "Economists", "Locals", "Survivors",
    "Families", "Sources", "Others", "Thousands", "Hundreds", "Dozens", "Negotiators",
    "Prosecutors", "Officers", "Soldiers", "Troops", "Militants", "Rebels", "Villagers",
    "Parents", "Students", "Teachers", "Unions", "Leaders", "Ministers", "Members",
    "Campaigners", "Medics", "Traders", "Lawyers", "Organisers", "Organizers", "Indeed",
    "Moreover", "Furthermore",
    "Nevertheless", "Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Sen.", "Rep.", "Gov.", "Lt.", "Col.",
    "Prof.", "Sgt.",
}  # fmt: skip

# Capital letters beyond ASCII: "Étienne", "Łukasz", "Żaneta", "Ψ", "Олена".
_UPPER = "A-Z" + "".join(
    sorted({c for c in map(chr, range(0xC0, 0x530)) if c.isupper() and c.isalpha()})
)
_PARTICLE = r"(?:bin|bint|ibn|abu|al|el|de|del|della|der|den|di|da|du|dos|van|von|la|le)"
# A capitalised word, keeping "O’Brien" and "Jong-un" whole but leaving off a possessive.
# A dot ends a capitalised word only in an abbreviation ("Mr.", "U.S.", "J. Smith"),
# else it ends the sentence: "in Geneva. Luis Castellano" is two runs.
_ABBREVIATED = (
    r"(?:[A-Z]\.){2,}|(?:Mrs|Mr|Ms|Dr|St|Gen|Lt|Col|Sgt|Gov|Sen|Rep|Prof|Rev|Jr|Sr|Capt|Maj"
    r"|Adm|Cmdr|Supt|Insp|Det)\.|[A-Z]\.(?=[ \u00a0][A-Z])"
)
_CAPWORD = (
    rf"(?:{_ABBREVIATED}|(?:(?:al|el|as|ash|ad)-)?[{_UPPER}][\w]*(?:[-’'](?!s\b)\w+)*"
    rf"|\d+(?:st|nd|rd|th)(?=[ \u00a0][{_UPPER}]))"
)
# "Joint Chiefs of Staff", "Institute for the Study of War": joined by "of" and "for"
# only when an organisation's word is in the run (see _runs_in).
_JOINER = r"(?:of|for|and)(?:[ \u00a0]+the)?"
_NAME_RUN = re.compile(
    rf"(?<![\w’'-]){_CAPWORD}"
    rf"(?:[ \u00a0]+(?:(?:{_PARTICLE}|{_JOINER})[ \u00a0]+)*{_CAPWORD})*"
)
_JOINERS = {"of", "for", "and", "the"}
# Where a run may start: a capital or a digit at a word's start, or the "a" or "e" of
# "al-", "el-"... It opens with a character set, which the regex engine skips to;
# _NAME_RUN, which opens with a lookbehind, would be tried at every character.
_RUN_START = re.compile(rf"[{_UPPER}\dae](?<![\w’'-].)(?:(?<![ae])|(?=[lsd]h?-))")
_ACRONYM_AFTER = re.compile(r"[ \u00a0]*\(([A-Z][A-Za-z]{1,7})\)")
_POSSESSIVE_AFTER = re.compile(r"[’']s?(?!\w)")
_CAPITALISED = re.compile(rf"(?:(?:al|el|as|ash|ad)-)?[{_UPPER}\d]")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_NON_SPACE = re.compile(r"\S+")
_LOWER_WORD = re.compile(r"[a-z][\w’'-]*")
_ANY_WORD = re.compile(r"[\w’'.-]+")
_NORMALISE = str.maketrans({"’": "'", "\u00a0": " "})

# Quotation marks. Apostrophes share ’ and ' with closing single quotes.
_MARKS = re.compile(r"[“”\"‘’']")
_ELISIONS = re.compile(r"(?:n|em|til|tis|cause|bout|twas|\d\ds|\d0s)(?![\w])", re.IGNORECASE)
_OPEN_BEFORE = set(' \t\n\u00a0([{—–-“"/')
_CLOSE_AFTER = set(' \t\n\u00a0.,;:!?)]}—–-…”"')


@dataclass(frozen=True, slots=True)
class _Span:
    """A quotation in one paragraph: the text between its marks."""

    open: int  # the opening mark
    start: int  # the first character inside
    end: int  # after the last character inside (the closing mark, or the paragraph's end)
    after: int  # after the closing mark
    closed: bool


@dataclass(frozen=True, slots=True)
class _Speaker:
    actor_id: str | None
    name: str | None
    is_person: bool


@dataclass(frozen=True, slots=True)
class _Mentions:
    """One paragraph's mentions in text order. They never overlap, so their ends are in
    order too: the mentions in a span are found by bisection."""

    items: tuple[Mention, ...] = ()
    starts: tuple[int, ...] = field(default=(), repr=False)
    ends: tuple[int, ...] = field(default=(), repr=False)

    @classmethod
    def of(cls, mentions: Sequence[Mention]) -> _Mentions:
        items = tuple(mentions)
        return cls(items, tuple(m.start for m in items), tuple(m.end for m in items))

    def overlapping(self, start: int, end: int) -> tuple[Mention, ...]:
        first = bisect.bisect_right(self.ends, start)
        last = bisect.bisect_left(self.starts, end, first)
        return self.items[first:last]


@dataclass(slots=True)
class _Names:
    """The article's full names: who "Manturov", "Mr Sunak" or "Dr Tedros" is."""

    # A word of a name (lower case) -> each full name holding it -> where it is written.
    by_word: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    acronyms: dict[str, str] = field(default_factory=dict)  # "JCS" -> "Joint Chiefs of Staff"

    def add(self, order: int, words: Sequence[str]) -> None:
        name = " ".join(words)
        for word in dict.fromkeys(_name_key(w) for w in words):
            names = self.by_word.setdefault(word, {})
            if name in names or len(names) < _MAX_NAMESAKES:
                names.setdefault(name, []).append(order)

    def fullest(self, words: Sequence[str], order: int) -> str | None:
        """The full name that ends with these words (else starts with them, else holds
        them: "Ho" in "Ivan Ho Chun-kit"), the one named last before `order` when there
        are several, else the first named after."""
        wanted = [_name_key(w) for w in words]
        names = self.by_word.get(wanted[-1], {})
        for fits in (_ends_with, _starts_with, _holds):
            found: list[tuple[int, str]] = []
            for name, orders in names.items():
                parts = [_name_key(part) for part in name.split()]
                if len(parts) <= len(wanted) or not fits(parts, wanted):
                    continue
                at = bisect.bisect_right(orders, order)
                found.append((orders[at - 1], name) if at else (order + 1 + orders[0], name))
            if found:
                before = [item for item in found if item[0] <= order]
                return max(before)[1] if before else min(found)[1]
        return None


_ARTICLE_PREFIX = re.compile(r"(?:al|el|as|ash|ad|an|ar|at|az|ul)-", re.IGNORECASE)


def _name_key(word: str) -> str:
    """A word of a name as compared: "Al-Harthy", "al-Harthy" and "Harthy" are one."""
    key = word.lower().translate(_NORMALISE)
    prefix = _ARTICLE_PREFIX.match(key)
    return key[prefix.end() :] if prefix and prefix.end() < len(key) else key


def _ends_with(name: Sequence[str], words: Sequence[str]) -> bool:
    return list(name[-len(words) :]) == list(words)


def _starts_with(name: Sequence[str], words: Sequence[str]) -> bool:
    return list(name[: len(words)]) == list(words)


def _holds(name: Sequence[str], words: Sequence[str]) -> bool:
    return len(words) == 1 and words[0] in name


def _given(speaker: _Speaker) -> Callable[[], _Speaker | None]:
    return lambda: speaker


@dataclass(frozen=True, slots=True)
class _Unread:
    """A paragraph's sentences after its last quote, paragraph[lowest:end], whose
    subject may be the person a later pronoun means; floor and here as they were."""

    number: int
    lowest: int
    end: int
    floor: int
    here: int


@dataclass(frozen=True, slots=True)
class _Attribution:
    speaker: _Speaker
    verb: str | None
    end: int  # where the attribution's clause ends in the paragraph


def find_quotes(
    paragraphs: Sequence[str], matcher: ActorMatcher, *, context: Sequence[str] = ()
) -> tuple[QuoteSuggestion, ...]:
    """Attributed quotes of at least four words, in text order.

    context: other text of the article (title, dek, caption) whose full names count
    when resolving a speaker named by surname or title only.
    """
    return tuple(_Finder(paragraphs, matcher, context).run())


def find_quotes_and_candidates(
    paragraphs: Sequence[str], matcher: ActorMatcher, *, context: Sequence[str] = ()
) -> tuple[tuple[QuoteSuggestion, ...], tuple[str, ...]]:
    """find_quotes and find_candidate_actors of one article, which read its mentions
    and capitalised words once for both."""
    finder = _Finder(paragraphs, matcher, context)
    quotes = tuple(finder.run())
    return quotes, _candidates(finder, quotes)


class _Finder:
    def __init__(
        self, paragraphs: Sequence[str], matcher: ActorMatcher, context: Sequence[str]
    ) -> None:
        self.paragraphs = paragraphs
        self.matcher = matcher
        self.context = context
        self.mentions = _mentions_by_paragraph(paragraphs, matcher)
        self._names: _Names | None = None
        self._mid_sentence: set[str] | None = None
        self._last_person: _Speaker | None = None
        # Paragraphs' closing sentences not yet read for their subject: read only when a
        # pronoun needs the last person named (most articles never ask, and reading
        # them was most of the time spent on an article).
        self._unread: list[_Unread] = []
        # Where a pronoun's sentences may be looked for: after the previous quote, and
        # before the quote being attributed.
        self.floor = 0
        self.here = 0

    @property
    def last_person(self) -> _Speaker | None:
        """The person named last, by a quote's attribution or as a sentence's subject."""
        # Read in text order, each where it was, as if read when it was reached: what a
        # pronoun in them finds is the last person named before them.
        unread, self._unread = self._unread, []
        for sentences in unread:
            where = self.floor, self.here
            self.floor, self.here = sentences.floor, sentences.here
            person = self._sentence_people(sentences.number, sentences.lowest, sentences.end)
            self.floor, self.here = where
            if person is not None:
                self._last_person = person
        return self._last_person

    @last_person.setter
    def last_person(self, person: _Speaker) -> None:
        self._unread = []  # named after them: what they name is no longer the last
        self._last_person = person

    @property
    def names(self) -> _Names:
        """The article's names, read once a speaker needs them (most text quotes no one)."""
        if self._names is None:
            self._names = _article_names(self.paragraphs, self.context)
        return self._names

    @property
    def mid_sentence(self) -> set[str]:
        """The words capitalised mid-sentence anywhere in the article, context too."""
        if self._mid_sentence is None:
            texts = (*self.context, *self.paragraphs)
            self._mid_sentence = {word for text in texts for word in _mid_sentence_words(text)}
        return self._mid_sentence

    def run(self) -> Iterator[QuoteSuggestion]:
        open_speaker: _Speaker | None = None  # a quotation running on from the paragraph before
        pending: list[QuoteSuggestion] = []  # such a quotation's paragraphs, unattributed so far
        # The previous paragraph's last speaker, if last, worked out when asked for.
        previous: Callable[[], _Speaker | None] | None = None
        for number, paragraph in enumerate(self.paragraphs):
            spans = _quote_spans(paragraph)
            lead = _first_non_space(paragraph)
            results: list[tuple[_Span, _Attribution | None]] = []
            carried: _Attribution | None = None
            for index, span in enumerate(spans):
                self.floor, self.here = (spans[index - 1].after if index else 0), span.open
                attribution = self._attribute(number, span, spans, index, carried)
                if attribution is None and index == 0 and span.open == lead:
                    attribution = self._from_before(number, open_speaker, previous, spans)
                results.append((span, attribution))
                carried = attribution if attribution and span.closed else None
                if attribution is not None and attribution.speaker.is_person:
                    self.last_person = attribution.speaker
            opens = bool(results) and results[0][0].open == lead
            # A quotation over several paragraphs may be attributed only where it ends.
            if pending and opens and results[0][1] is not None:
                speaker = results[0][1].speaker
                for quote in pending:
                    yield replace(quote, speaker_id=speaker.actor_id, speaker_name=speaker.name)
            if not (opens and len(results) == 1 and not results[0][0].closed):
                pending = []
            last_speaker: _Speaker | None = None
            for span, attribution in results:
                text, start = _quote_text(paragraph, span)
                long_enough = len(_WORD.findall(text)) >= MIN_QUOTE_WORDS
                if attribution is None:
                    if not span.closed and span.open == lead and len(spans) == 1 and long_enough:
                        pending.append(QuoteSuggestion(text, None, None, None, number, start))
                    last_speaker = None
                    continue
                speaker = attribution.speaker
                last_speaker = speaker
                if long_enough:
                    yield QuoteSuggestion(
                        text, speaker.actor_id, speaker.name, attribution.verb, number, start
                    )
            final = results[-1] if results else None
            open_speaker = None
            if final is not None and not final[0].closed and final[1] is not None:
                open_speaker = final[1].speaker
            # The speaker carries to a following quote-only paragraph only when no one
            # else is named after the quote.
            previous = None
            if final is not None and last_speaker is not None:
                rest_start = max(final[0].after, final[1].end if final[1] else 0)
                rest = paragraph[rest_start : rest_start + _TAIL_WINDOW + 1]
                if len(rest) <= _TAIL_WINDOW and not _runs_in(rest, 0, len(rest)):
                    previous = _given(last_speaker)
            elif not spans:
                # "Peskov said the talks would go on." then a paragraph that is only a
                # quotation: his words.
                previous = self._reported_speaker(number)
            outside = spans[-1].after if spans else 0
            self._unread.append(_Unread(number, outside, len(paragraph), self.floor, self.here))

    # -- attribution ---------------------------------------------------------------

    def _attribute(
        self,
        number: int,
        span: _Span,
        spans: Sequence[_Span],
        index: int,
        carried: _Attribution | None,
    ) -> _Attribution | None:
        paragraph = self.paragraphs[number]
        text = paragraph[span.start : span.end].rstrip()
        # "“…,” she said, “…”" and "“…,” she said. “…”": the second part is hers too.
        if carried is not None and index:
            between = paragraph[carried.end : span.open]
            if not between.strip(" \t\u00a0.,;:—–-"):
                return carried
        if span.closed:
            tail = self._tail(
                number, span, text, spans[index + 1] if index + 1 < len(spans) else None
            )
            if tail is not None:
                return tail
        lowest = spans[index - 1].after if index else 0
        return self._head(number, span.open, lowest) or self._sentence(number, span.open, lowest)

    def _sentence(self, number: int, opener: int, lowest: int) -> _Attribution | None:
        """A quotation inside a sentence whose speech verb has a named speaker: "Benali
        said the strike would be “the first of many if we are not heard”."."""
        paragraph = self.paragraphs[number]
        start = _sentence_start(paragraph, max(lowest, opener - _HEAD_WINDOW), opener)
        verb = _HEAD_VERB.search(paragraph, start, opener)
        if verb is None or not paragraph[start : verb.start()].strip():
            return None
        if verb.group("verb").split()[0] in _PARTICIPLES:
            # "Colonel Amadou Diallo read a statement saying the ambassador “…”": the
            # sentence's subject says it.
            first = paragraph[start : verb.start()].split()[0]
            if first.lower() in _PRONOUNS:
                speaker = self._pronoun(number, self.floor, start)
            else:
                speaker = self._sentence_person(number, start, verb.start())
        else:
            speaker = self._subject(number, start, verb.start())
        if speaker is None:
            return None
        return _Attribution(speaker, _verb_text(verb.group("verb")), opener)

    def _tail(
        self, number: int, span: _Span, text: str, following: _Span | None
    ) -> _Attribution | None:
        """The speaker named right after a closed quote."""
        paragraph = self.paragraphs[number]
        limit = min(len(paragraph), span.after + _TAIL_WINDOW)
        if following is not None:
            limit = min(limit, following.open)
        begin = _LEADING.match(paragraph, span.after, limit).end()  # type: ignore[union-attr]
        if begin >= limit:
            return None
        # A quote that ends its sentence ("…."”) is followed by a new sentence.
        ended = text.endswith(".") and not text.endswith("..")
        if ended and not paragraph[begin].islower():
            return None
        if paragraph[span.after : begin].count(",") > 1:
            return None
        clause_end = _clause_end(paragraph, begin, limit)
        according = _ACCORDING.match(paragraph, begin, clause_end)
        if according is not None:
            speaker = self._speaker_after(number, according.end(), clause_end)
            return _Attribution(speaker, "according to", clause_end) if speaker else None
        verb_first = _VERB_FIRST.match(paragraph, begin, clause_end)
        if verb_first is not None and verb_first.group("verb").split()[0] not in ("told", "tells"):
            speaker = self._speaker_after(number, verb_first.end(), clause_end)
            if speaker is not None:
                return _Attribution(speaker, _verb_text(verb_first.group("verb")), clause_end)
            return None
        for verb in _HEAD_VERB.finditer(paragraph, begin, clause_end):
            if verb.group("verb").split()[0] in _PARTICIPLES:
                return None
            words = paragraph[begin : verb.start()].split()
            if not words or len(words) > _MAX_ATTRIBUTION_WORDS:
                return None
            first = words[0].strip(",").lower()
            if words[0][:1].islower() and first not in _SUBJECT_STARTS:
                return None  # "“…” won four awards, Smith said": not the speaker's words
            speaker = self._subject(number, begin, verb.start())
            if speaker is None:
                return None
            return _Attribution(speaker, _verb_text(verb.group("verb")), clause_end)
        return None

    def _head(self, number: int, opener: int, lowest: int) -> _Attribution | None:
        """The speaker named before a quote in the same sentence."""
        paragraph = self.paragraphs[number]
        window = max(lowest, opener - _HEAD_WINDOW)
        clause_start = _sentence_start(paragraph, window, opener)
        head = _HEAD.search(paragraph, clause_start, opener)
        according = None
        for according in _ACCORDING.finditer(paragraph, clause_start, opener):  # noqa: B007
            pass
        if according is not None and (head is None or head.start() < according.start()):
            comma = paragraph.find(",", according.end(), opener)
            if comma != -1 and not paragraph[comma + 1 : opener].strip(" \t\u00a0:,"):
                speaker = self._speaker_after(number, according.end(), comma)
                if speaker is not None:
                    return _Attribution(speaker, "according to", opener)
            return None
        if head is None:
            return None
        verb = head.group("verb")
        if verb.split()[0] in ("asked", "asks") and head.group(0).rstrip().endswith(":") is False:
            return None  # "asked “…”" puts a question to someone else
        speaker = self._subject(number, clause_start, head.start("verb"))
        if speaker is None:
            return None
        return _Attribution(speaker, _verb_text(verb), opener)

    def _from_before(
        self,
        number: int,
        open_speaker: _Speaker | None,
        previous: Callable[[], _Speaker | None] | None,
        spans: Sequence[_Span],
    ) -> _Attribution | None:
        """A paragraph that opens with a quotation: the speaker of a quotation running
        on, a colon introduction ending the paragraph before, or the previous
        paragraph's speaker when this one is only a quotation."""
        if open_speaker is not None:
            return _Attribution(open_speaker, None, 0)
        if number == 0:
            return None
        before = self.paragraphs[number - 1].rstrip()
        if before.endswith(":"):
            self.floor, self.here = 0, len(before)
            head = self._head(number - 1, len(before), 0)
            if head is not None:
                return _Attribution(head.speaker, head.verb, 0)
            return None
        paragraph = self.paragraphs[number]
        if previous is not None and len(spans) == 1 and _only_quote(paragraph, spans[0]):
            speaker = previous()
            if speaker is not None:
                return _Attribution(speaker, None, 0)
        return None

    # -- speakers --------------------------------------------------------------------

    def _subject(self, number: int, start: int, end: int) -> _Speaker | None:
        """The speaker named in paragraph[start:end] right before a speech verb:
        "Kremlin spokesman Dmitry Peskov", "Peskov, the Kremlin spokesman,", "he"."""
        paragraph = self.paragraphs[number]
        segments = _segments(paragraph, start, end)
        if not segments:
            return None
        last_start, last_end = segments[-1]
        last_end = _without_auxiliaries(paragraph, last_start, last_end)
        words = paragraph[last_start:last_end].split()
        if len(words) == 1 and words[0].lower() in _PRONOUNS:
            return self._pronoun(number, self.floor, min(self.here, start))
        if words:
            if _has_clause_word(words):
                return None
            return self._named(number, last_start, last_end)
        # "Peskov, the Kremlin spokesman, said", "Gwen Pritchard, 67, said", "the Joint
        # Chiefs of Staff (JCS) said": past appositives, ages and acronyms.
        for seg_start, seg_end in reversed(segments[:-1]):
            text = paragraph[seg_start:seg_end].strip()
            if not text:
                return None
            if (
                paragraph[seg_start - 1] == "("
                or _PARTY_STATE.fullmatch(text)
                or _has_clause_word(text.split())
            ):
                continue  # "(JCS)", "Schumer, D-N.Y., said", "who spoke to reporters"
            speaker = self._named(number, seg_start, seg_end)
            if speaker is not None:
                return speaker
            if not (text[0].islower() or text[0].isdigit()):
                return None
        return None

    def _speaker_after(self, number: int, start: int, end: int) -> _Speaker | None:
        """The speaker named after "said" or "according to": "Denis Manturov, Russia's
        trade minister", "Russia's trade minister, Denis Manturov"."""
        paragraph = self.paragraphs[number]
        segments = _segments(paragraph, start, end)
        for index, (seg_start, seg_end) in enumerate(segments[:2]):
            text = paragraph[seg_start:seg_end].strip()
            if not text:
                return None
            if index and text[0].islower():
                return None
            words = text.split()
            if len(words) == 1 and words[0].lower() in _PRONOUNS:
                return self._pronoun(number, self.floor, min(self.here, start))
            if _has_clause_word(words):
                return None
            speaker = self._named(number, seg_start, seg_end)
            if speaker is not None:
                return speaker
        return None

    def _named(self, number: int, start: int, end: int) -> _Speaker | None:
        """Who a noun phrase names: a registered person, else a person's fullest name,
        else a registered or proper-named organisation. Names after a preposition
        ("in Moscow") or with a possessive ("Russia's") are not the speaker."""
        paragraph = self.paragraphs[number]
        order = self._order(number, start)
        mentions = [
            m
            for m in self.mentions[number].overlapping(start, end)
            if start <= m.start
            and m.end <= end
            and _free(paragraph, start, m.start, m.end)
            and not _modifier(paragraph, m.end, end)
        ]
        people = [m for m in mentions if self.matcher.type_of(m.actor_id) is ActorType.PERSON]
        runs = [
            run
            for run in _runs_in(paragraph, start, end)
            if _free(paragraph, start, *run[:2]) and not _modifier(paragraph, run[1], end)
        ]
        if people:
            person = people[-1]
            later = [r for r in runs if r[0] >= person.end and not _is_org(r[2])]
            if not later:
                return _Speaker(person.actor_id, None, is_person=True)
        for run_start, _run_end, words in reversed(runs):
            if any(m.start <= run_start < m.end for m in mentions):
                continue
            person_words = _strip_titles(words)
            acronym = len(words) == 1 and words[0] in self.names.acronyms
            if person_words and not _is_org(person_words) and not acronym:
                if len(person_words) > MAX_NAME_WORDS:
                    continue
                return self._person(person_words, order)
            if _is_org(words) or acronym:
                org = self.names.acronyms.get(" ".join(words)) or _org_name(words)
                if org is None:
                    return None
                actor = self._registered(org)
                return _Speaker(actor, None if actor else org, is_person=False)
            if words and words[-1] in _TITLES:
                return None  # "One Conservative MP", "the Prime Minister"
        if mentions:
            last = mentions[-1]
            kind = self.matcher.type_of(last.actor_id)
            return _Speaker(last.actor_id, None, is_person=kind is ActorType.PERSON)
        return None

    def _person(self, words: list[str], order: int) -> _Speaker | None:
        fullest = self.names.fullest(words, order) or " ".join(words)
        actor = self._registered(fullest)
        if actor is not None:
            return _Speaker(actor, None, is_person=True)
        return _Speaker(None, fullest, is_person=True)

    def _registered(self, name: str) -> str | None:
        return self.matcher.names.get(name.translate(_NORMALISE))

    def _order(self, number: int, offset: int) -> int:
        return number * (1 << 40) + offset + (1 << 45)

    def _reported_speaker(self, number: int) -> Callable[[], _Speaker | None] | None:
        """The named speaker of a paragraph's last sentence when it reports speech
        ("Peskov said the talks would go on."), else None; worked out only if asked for
        (only a next paragraph that is a lone quotation asks)."""
        paragraph = self.paragraphs[number]
        end = len(paragraph.rstrip())
        start = _sentence_start(paragraph, max(0, end - _HEAD_WINDOW), end)
        verb = _HEAD_VERB.search(paragraph, start, end)
        if verb is None or verb.group("verb").split()[0] not in _REPORTING:
            return None
        if not paragraph[start : verb.start()].strip():
            return None
        self.floor, self.here = start, start
        return self._later(lambda: self._subject(number, start, verb.start()))

    def _later(self, work: Callable[[], _Speaker | None]) -> Callable[[], _Speaker | None]:
        """work(), done when first asked for but as if done now: with the pronoun's
        bounds and the last person named as they are now."""
        # The unread list is only appended to, or replaced: its first `count` items stay.
        state = (self.floor, self.here, self._last_person, self._unread, len(self._unread))
        done: list[_Speaker | None] = []

        def speaker() -> _Speaker | None:
            if not done:
                now = (self.floor, self.here, self._last_person, self._unread)
                self.floor, self.here, self._last_person, unread, count = state
                self._unread = unread[:count]
                try:
                    done.append(work())
                finally:
                    self.floor, self.here, self._last_person, self._unread = now
            return done[0]

        return speaker

    def _pronoun(self, number: int, lowest: int, position: int) -> _Speaker | None:
        """He or she: the person the sentences before (since the last quote) name as
        their subject, else the last person named so."""
        person = self._sentence_people(number, lowest, position)
        return person if person is not None else self.last_person

    def _sentence_people(self, number: int, lowest: int, end: int) -> _Speaker | None:
        """The last person named as a sentence's subject in paragraph[lowest:end], looking
        back at most a window: "Zelensky visited the front.", "Peskov said the talks…"."""
        paragraph = self.paragraphs[number]
        start = max(lowest, end - _HEAD_WINDOW)
        found: _Speaker | None = None
        bounds = [start, *(b.end() for b in _sentence_ends(paragraph, start, end)), end]
        for sentence_start, sentence_end in itertools.pairwise(bounds):
            person = self._sentence_person(number, sentence_start, sentence_end)
            if person is not None:
                found = person
        return found

    def _sentence_person(self, number: int, start: int, end: int) -> _Speaker | None:
        """The person a sentence is about: the subject of its speech verb ("Peskov said
        the talks…"), else the first person its opening phrases name ("The company's
        chief executive, Graham Pell, apologised.")."""
        paragraph = self.paragraphs[number]
        verb = _HEAD_VERB.search(paragraph, start, end)
        if verb is not None:
            words = paragraph[start : verb.start()].split()
            if words and not (len(words) == 1 and words[0].lower() in _PRONOUNS):
                speaker = self._subject(number, start, verb.start())
                if speaker is not None and speaker.is_person:
                    return speaker
        for seg_start, seg_end in _segments(paragraph, start, min(end, start + 160))[:3]:
            runs = [
                run
                for run in _runs_in(paragraph, seg_start, seg_end)
                if _free(paragraph, seg_start, *run[:2])
            ]
            if not runs:
                continue
            run_start, run_end, words = runs[0]
            if len(paragraph[seg_start:run_start].split()) > 5:
                return None
            if len(words) == 1 and words[0] not in self.mid_sentence:
                return None  # "Thousands marched": capitalised where sentences start only
            speaker = self._named(number, run_start, run_end)
            return speaker if speaker is not None and speaker.is_person else None
        return None


# ---------------------------------------------------------------------------
# Quotation marks


def _quote_spans(paragraph: str) -> list[_Span]:
    """The quotations of a paragraph in order, outermost only: “…”, "…", ‘…’ and '…',
    apostrophes told apart from single marks by what stands on either side. A double
    quotation left open runs to the paragraph's end (it continues in the next one)."""
    spans: list[_Span] = []
    state: str | None = None  # None, "double", "single"
    opened = 0
    weak: int | None = None  # a single mark that may close ("the ministers’ meeting")
    nested = False  # a double quotation inside a single one
    for mark in _MARKS.finditer(paragraph):
        char, at = mark.group(), mark.start()
        if state == "double":
            if char in '”"':
                spans.append(_Span(opened, opened + 1, at, at + 1, closed=True))
                state = None
            continue
        if state == "single":
            if nested:
                nested = char not in '”"'
                continue
            if char in '“"' and _opens(paragraph, at):
                nested = True
                continue
            if char in "’'" and _closes_single(paragraph, at):
                if _weak_close(paragraph, at):
                    weak = at if weak is None else weak
                    continue
                spans.append(_Span(opened, opened + 1, at, at + 1, closed=True))
                state, weak = None, None
                continue
            if char in "‘'" and _opens_single(paragraph, at):
                if weak is not None:
                    spans.append(_Span(opened, opened + 1, weak, weak + 1, closed=True))
                opened, weak = at, None  # the earlier mark was an apostrophe
            continue
        if char == "“" or (char == '"' and _opens(paragraph, at)):
            state, opened = "double", at
        elif char in "‘'" and _opens_single(paragraph, at):
            state, opened, weak, nested = "single", at, None, False
    if state == "double":
        spans.append(_Span(opened, opened + 1, len(paragraph), len(paragraph), closed=False))
    elif state == "single" and weak is not None:
        spans.append(_Span(opened, opened + 1, weak, weak + 1, closed=True))
    return spans


def _opens(paragraph: str, at: int) -> bool:
    return at + 1 < len(paragraph) and not paragraph[at + 1].isspace()


def _opens_single(paragraph: str, at: int) -> bool:
    if at + 1 >= len(paragraph) or not (paragraph[at + 1].isalnum() or paragraph[at + 1] in "…."):
        return False
    if at and paragraph[at - 1] not in _OPEN_BEFORE:
        return False  # "rock‘n’roll", "O'Brien"
    return not _ELISIONS.match(paragraph, at + 1)  # "the ’90s", "’em", "rock 'n' roll"


def _closes_single(paragraph: str, at: int) -> bool:
    if not at or paragraph[at - 1].isspace():
        return False
    return at + 1 >= len(paragraph) or paragraph[at + 1] in _CLOSE_AFTER


def _weak_close(paragraph: str, at: int) -> bool:
    """A plural possessive ("the ministers’ meeting") looks like a closing mark."""
    return (
        paragraph[at - 1] == "s"
        and at + 2 < len(paragraph)
        and paragraph[at + 1] == " "
        and paragraph[at + 2].islower()
        and not paragraph.startswith(("said", "says", "he ", "she ", "according"), at + 2)
    )


def _quote_text(paragraph: str, span: _Span) -> tuple[str, int]:
    raw = paragraph[span.start : span.end]
    stripped = raw.lstrip()
    start = span.start + len(raw) - len(stripped)
    return stripped.rstrip().rstrip(",").rstrip(), start


def _only_quote(paragraph: str, span: _Span) -> bool:
    rest = paragraph[: span.open] + paragraph[span.after :]
    return not rest.strip(" \t.,")


def _first_non_space(paragraph: str) -> int:
    return len(paragraph) - len(paragraph.lstrip())


# ---------------------------------------------------------------------------
# Clauses and names


def _sentence_ends(paragraph: str, lowest: int, end: int) -> Iterator[re.Match[str]]:
    """The ends of sentences in paragraph[lowest:end], "Mr. " and "U.S. " not counted."""
    for boundary in _SENTENCE_END.finditer(paragraph, lowest, end):
        word = paragraph[max(lowest, boundary.start() - 6) : boundary.start()].split()
        last = word[-1].lower().rstrip(".") if word else ""
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        yield boundary


def _sentence_start(paragraph: str, lowest: int, end: int) -> int:
    """Where the sentence that holds paragraph[end] starts, at `lowest` at the earliest."""
    start = lowest
    for boundary in _sentence_ends(paragraph, lowest, end):
        start = boundary.end()
    return start


def _clause_end(paragraph: str, start: int, limit: int) -> int:
    """Where the clause from `start` ends: a sentence's end, a semicolon, a dash or the
    next quotation. The dots of "Mr.", "J." and "D-N.Y.," end nothing."""
    for at in range(start, limit):
        char = paragraph[at]
        if char in '.!?;“"‘' or (char == "—" and at > start):
            if char == ".":
                word = paragraph[max(start, at - 6) : at].split()
                last = word[-1].lower() if word else ""
                if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                    continue
                if (
                    at + 1 < limit
                    and not paragraph[at + 1].isspace()
                    and paragraph[at + 1] not in '”’"'
                ):
                    continue  # inside "N.Y." or before a comma
            return at
    return limit


def _segments(paragraph: str, start: int, end: int) -> list[tuple[int, int]]:
    """paragraph[start:end] cut at commas, dashes and brackets."""
    segments: list[tuple[int, int]] = []
    cursor = start
    for at in range(start, end):
        if paragraph[at] in ",—–()":
            segments.append((cursor, at))
            cursor = at + 1
    segments.append((cursor, end))
    return segments


_CLAUSE_WORDS = {
    "and", "or", "but", "which", "who", "whom", "when", "while", "as", "if", "because",
    "not", "it", "they", "we", "i", "you", "this", "there", "nothing", "so", "what",
}  # fmt: skip


def _modifier(paragraph: str, end: int, limit: int) -> bool:
    """Whether the name ending at `end` qualifies the lower-case noun after it ("a
    European diplomat", "Kremlin spokesman", "the Labour MP") within paragraph[:limit]."""
    word = _LOWER_WORD.match(paragraph, _LEADING_SPACE.match(paragraph, end, limit).end(), limit)  # type: ignore[union-attr]
    if word is None or word.start() == end:
        return False
    text = word.group().lower()
    return not (text in _PREPOSITIONS or text in _AUXILIARIES or text in _CLAUSE_WORDS)


def _without_auxiliaries(paragraph: str, start: int, end: int) -> int:
    """paragraph[start:end] without trailing "has", "also", "later" ("Benali has also
    said"): where the speaker phrase ends."""
    words = list(_NON_SPACE.finditer(paragraph, start, end))
    while words and words[-1].group().lower() in _AUXILIARIES:
        words.pop()
    return words[-1].end() if words else start


_CONJUNCTIONS = {"but", "and", "yet", "so", "or"}
# The lower-case words a speaker phrase right after a quote may start with.
_SUBJECT_STARTS = _DETERMINERS | _PRONOUNS | {
    "one", "another", "two", "three", "several", "some", "former", "senior", "local",
    "police", "officials", "both", "each", "rights", "opposition", "prime", "president",
}  # fmt: skip
# A US legislator's party and state, as AP prints them after the name: "D-N.Y.", "R-Texas".
_PARTY_STATE = re.compile(r"[DRI]-[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?")


def _has_clause_word(words: Sequence[str]) -> bool:
    """Whether a phrase holds "and", "who", "it"...: a clause, not a speaker ("WHO", the
    acronym, is no clause word)."""
    for index, raw in enumerate(words):
        word = raw.strip(".,")
        if word.lower() not in _CLAUSE_WORDS or word.isupper():
            continue
        if index == 0 and word[0].isupper() and word.lower() in _CONJUNCTIONS:
            continue  # "But employers' representative Tommy Leung said"
        between_capitals = (
            0 < index < len(words) - 1
            and words[index - 1].strip(",") in _PORTFOLIO
            and words[index + 1][:1].isupper()
        )
        if word in ("and", "&") and between_capitals:
            continue  # "Secretary for Labour and Welfare Ivan Ho"
        return True
    return False


def _free(paragraph: str, lowest: int, start: int, end: int) -> bool:
    """A name that can be a subject: not "Russia's", not "in Moscow"."""
    if _POSSESSIVE_AFTER.match(paragraph, end):
        return False
    before = paragraph[max(lowest, start - 40) : start].split()
    while before and before[-1].lower() in _DETERMINERS:
        before.pop()
    return not (before and before[-1].lower().strip(",") in _PREPOSITIONS)


def _runs_in(paragraph: str, start: int, end: int) -> list[tuple[int, int, list[str]]]:
    """Capitalised runs in paragraph[start:end]: (start, end, words), sentence-initial
    common words and dates left off."""
    runs: list[tuple[int, int, list[str]]] = []
    for group in _joined_runs(paragraph, start, end):
        words = [word for _, word in group]
        offsets = [at for at, _ in group]
        run_end = offsets[-1] + len(words[-1])
        first = 0
        while first < len(words) and (
            words[first] in _COMMON or words[first] in _DATES or words[first] in _NAME_MONTHS
        ):
            first += 1
        last = len(words)
        while last > first and words[last - 1] in _DATES:
            last -= 1
        kept = [w.rstrip(".") if not _is_initial(w) else w for w in words[first:last]]
        if kept:
            runs.append((offsets[first], run_end, kept))
    return runs


def _joined_runs(paragraph: str, start: int, end: int) -> Iterator[list[tuple[int, str]]]:
    """The capitalised runs of paragraph[start:end] as (offset, word) lists; a run
    joined by "of", "for" or "and" stays whole only when it names an organisation
    ("Joint Chiefs of Staff"), else it is cut there ("Sergei Lavrov of Russia")."""
    for match in _name_runs(paragraph, start, end):
        text = match.group()
        if " " not in text and "\u00a0" not in text:
            yield [(match.start(), text)]  # most runs are one word
            continue
        words = [(w.start(), w.group()) for w in _NON_SPACE.finditer(paragraph, *match.span())]
        if not any(word in _JOINERS for _, word in words):
            yield words
            continue
        pieces: list[list[tuple[int, str]]] = [[]]
        for item in words:
            if item[1] in _JOINERS:
                if pieces[-1]:
                    pieces.append([])
            else:
                pieces[-1].append(item)
        if not pieces[-1]:
            pieces.pop()
        # Joined while what comes before "of" names a body or a post ("Ministry of
        # Defence", "Secretary for Labour and Welfare ...", "University of New Mexico"),
        # cut where a person's name stands before it ("Naomi Fairbanks of the ..."); an
        # "and" joins only the words of a post ("Labour and Welfare"), not two bodies.
        group = pieces[0]
        for piece in pieces[1:]:
            words_so_far = [word for _, word in group]
            last = words_so_far[-1].rstrip(".")
            joiners = _joiners_between(paragraph, group[-1], piece[0])
            if joiners and joiners[0][1] == "and":
                joined = last in _PORTFOLIO
            else:
                joined = (
                    last in _ORG_WORDS
                    or last in _TITLES
                    or last in _PORTFOLIO
                    or _is_org(words_so_far)
                )
            if joined and len(group) < 12:
                group = [*group, *joiners, *piece]
            else:
                yield group
                group = piece
        yield group


def _name_runs(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """_NAME_RUN.finditer(text, start, end), tried only where a run may start."""
    position = start
    while (hit := _RUN_START.search(text, position, end)) is not None:
        run = _NAME_RUN.match(text, hit.start(), end)
        if run is None:
            position = hit.end()
        else:
            yield run
            position = run.end()


def _joiners_between(
    paragraph: str, before: tuple[int, str], after: tuple[int, str]
) -> list[tuple[int, str]]:
    """The "of", "for the" between two pieces of a joined run, as (offset, word)."""
    start = before[0] + len(before[1])
    return [(w.start(), w.group()) for w in _NON_SPACE.finditer(paragraph, start, after[0])]


def _is_initial(word: str) -> bool:
    return len(word) == 2 and word.endswith(".")


def _is_org(words: Sequence[str]) -> bool:
    return any(word in _ORG_WORDS for word in words)


def _org_name(words: Sequence[str]) -> str | None:
    """A proper-named organisation ("Hamas", "Amnesty International", "Kremlin"), or
    None for a generic one ("the Foreign Ministry", "the Defence Ministry")."""
    meaningful = [
        w for w in words if w not in _GENERIC_ORG and w not in _TITLES and w not in _JOINERS
    ]
    proper = [w for w in words if w not in _COMMON]
    if not meaningful and not any(w in ("Kremlin", "Pentagon") for w in words):
        return None
    return " ".join(proper) or None


def _strip_titles(words: Sequence[str]) -> list[str]:
    """The name after the last title word: "Russian Foreign Minister Sergei Lavrov" ->
    "Sergei Lavrov", "Mr Sunak" -> "Sunak"."""
    last_title = -1
    for index, word in enumerate(words):
        if word.rstrip(".") in _TITLES and index < len(words) - 1:
            last_title = index
    # "Secretary for Labour and Welfare Ivan Ho": the post runs on past "for".
    while last_title + 1 < len(words) and words[last_title + 1] in _JOINERS:
        last_title += 1
        while last_title + 1 < len(words) and (
            words[last_title + 1] in _PORTFOLIO or words[last_title + 1] in _JOINERS
        ):
            last_title += 1
    rest = [w for w in words[last_title + 1 :] if w not in _COMMON]
    if any(w in _JOINERS for w in rest):
        return []  # "Food and Rural Affairs": a body's name, no person's
    if rest and rest[-1].rstrip(".") in _TITLES:
        return []  # "One Conservative MP", "the Prime Minister": no name
    return rest


def _verb_text(verb: str) -> str:
    return " ".join(verb.split())


# ---------------------------------------------------------------------------
# The article's names


def _article_names(paragraphs: Sequence[str], context: Sequence[str]) -> _Names:
    """Every person-like full name of the article, in text order (context first, as the
    title and dek come first), and the acronyms spelled out ("the Joint Chiefs of Staff
    (JCS)")."""
    names = _Names()
    texts = [*context, *paragraphs]
    for index, text in enumerate(texts):
        number = index - len(context)
        base = (number * (1 << 40) + (1 << 45)) if number >= 0 else index
        for group in _joined_runs(text, 0, len(text)):
            words = [word for _, word in group]
            if len(words) == 1 and not _ACRONYM_AFTER.match(text, group[0][0] + len(words[0])):
                continue  # one word is no full name
            if len(words) > 16:
                continue
            end = group[-1][0] + len(words[-1])
            acronym = _ACRONYM_AFTER.match(text, end)
            if acronym is not None:
                full = [w for w in words if w not in _COMMON]
                if full:
                    names.acronyms.setdefault(acronym.group(1), " ".join(full))
            if len(words) == 1 and acronym is None:
                continue  # one word is no full name
            person = _strip_titles([w.rstrip(".") if not _is_initial(w) else w for w in words])
            person = [w for w in person if w not in _DATES]
            if _is_org(person):
                continue
            if 2 <= len(person) <= MAX_NAME_WORDS and not any(w in _COMMON for w in person):
                names.add(base + group[0][0], person)
    return names


# A capitalised word after a word, a comma or a closing bracket and a space: not where
# a sentence starts, so capitalised because it is a name. It starts at the space, not
# with a lookbehind, so the regex engine skips to spaces rather than try every letter.
_MID_SENTENCE = re.compile(rf"(?<=[\w,;)’'])[ \u00a0]([{_UPPER}][\w’'-]*)")


def _mid_sentence_words(text: str) -> set[str]:
    return set(_MID_SENTENCE.findall(text))


def _starts_sentence(text: str, at: int) -> bool:
    before = text[max(0, at - 4) : at].rstrip(" \u00a0“\"‘'(")
    return not before or before[-1] in ".!?:—–-"


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
        # Made directly: dataclasses.replace costs more than finding the mention.
        by_paragraph[number].append(
            Mention(mention.actor_id, mention.start - offset, mention.end - offset, mention.text)
        )
    return [_Mentions.of(mentions) for mentions in by_paragraph]


# ---------------------------------------------------------------------------
# Candidate actors


def find_candidate_actors(
    paragraphs: Sequence[str],
    matcher: ActorMatcher,
    quotes: Sequence[QuoteSuggestion] | None = None,
    *,
    context: Sequence[str] = (),
) -> tuple[str, ...]:
    """Names missing from the registry that look prominent, sorted: clean full names an
    editor can add as they are (no titles, days or sentence-initial words).

    Unregistered speakers, plus runs of 2-4 capitalised words seen at least twice or
    right after a title ("President", "spokesperson", ...). quotes: find_quotes of the
    same paragraphs, when the caller has them already.
    """
    finder = _Finder(paragraphs, matcher, context)
    return _candidates(finder, tuple(finder.run()) if quotes is None else quotes)


def _candidates(finder: _Finder, quotes: Sequence[QuoteSuggestion]) -> tuple[str, ...]:
    matcher = finder.matcher
    counts: Counter[str] = Counter()
    titled: set[str] = set()
    for number, paragraph in enumerate(finder.paragraphs):
        for run_start, words, after_title in _candidate_runs(
            paragraph, finder.mentions[number], lambda: finder.mid_sentence
        ):
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
    for quote in quotes:
        if quote.speaker_name and not matcher.knows(quote.speaker_name):
            candidates.add(quote.speaker_name)
    # "Miller" as a speaker is the "Jane Miller" already found.
    surnames = {name.split()[-1] for name in candidates if " " in name}
    firsts = {name.split()[0] for name in candidates if " " in name}
    return tuple(
        sorted(
            name
            for name in candidates
            if " " in name or (name not in surnames and name not in firsts)
        )
    )


def _candidate_runs(
    paragraph: str, mentions: _Mentions, mid_sentence: Callable[[], set[str]]
) -> list[tuple[int, list[str], bool]]:
    """Capitalised runs of a paragraph of two words or more that are not actor
    mentions: (start, words, whether a title word led the run). mid_sentence: the
    article's words capitalised mid-sentence, read only if needed."""
    runs: list[tuple[int, list[str], bool]] = []
    for group in _joined_runs(paragraph, 0, len(paragraph)):
        if len(group) < 2:
            continue  # one word, and no part of it, is a name of two (most runs are one)
        run_start, run_end = group[0][0], group[-1][0] + len(group[-1][1])
        at_start = _starts_sentence(paragraph, run_start)
        for piece_start, piece_end in _split_at_mentions(run_start, run_end, mentions):
            words = [
                (word.start(), word.group())
                for word in _NON_SPACE.finditer(paragraph, piece_start, piece_end)
            ]
            if _POSSESSIVE_AFTER.match(paragraph, piece_end):
                continue  # "Foreign Minister Sergei Lavrov’s"... keeps the name? no: partial
            runs.extend(_trim_run(words, at_start and piece_start == run_start, mid_sentence))
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


def _trim_run(
    words: list[tuple[int, str]], at_start: bool, mid_sentence: Callable[[], set[str]]
) -> list[tuple[int, list[str], bool]]:
    """Cut a run at dates, drop common leading words and particles, keep what follows
    the last title word ("Foreign Minister Sergei Lavrov" -> "Sergei Lavrov"), and
    leave out runs that only name a generic body ("Foreign Ministry")."""
    groups: list[list[tuple[int, str]]] = [[]]
    for position, word in words:
        if word.rstrip(".") in _DATES or (word in _NAME_MONTHS and not groups[-1]):
            groups.append([])
        else:
            groups[-1].append((position, word.rstrip(".") if not _is_initial(word) else word))
    runs: list[tuple[int, list[str], bool]] = []
    for number, group in enumerate(groups):
        if len(group) > 16:
            continue  # a paragraph of capitalised words names no one
        plain = [word for _, word in group]
        if _is_org(plain):
            if _org_name(plain) is None or any(w in _GENERIC_ORG for w in plain):
                continue
            first = 0
            while first < len(group) and group[first][1] in _COMMON:
                first += 1
            if first < len(group):
                runs.append((group[first][0], plain[first:], False))
            continue
        first, last = 0, len(group)
        titles = [i for i, (_, word) in enumerate(group) if word in _TITLES]
        after_title = bool(titles)
        if titles:
            first = titles[-1] + 1
        while first < last and (
            group[first][1] in _COMMON
            or not _CAPITALISED.match(group[first][1])
            or (at_start and number == 0 and first == 0 and group[0][1] not in mid_sentence())
        ):
            first += 1
        while last > first and not _CAPITALISED.match(group[last - 1][1]):
            last -= 1
        if first < last:
            runs.append((group[first][0], plain[first:last], after_title))
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
