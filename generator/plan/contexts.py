"""The typed context of every kind of page: exactly what the page shows, and its head. Pure data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.content.actors import Actor, ActorType
from generator.content.types import Article, Quote
from generator.dates import MONTHS, month_label
from generator.plan.charts import Timeline
from generator.plan.network import Network
from generator.plan.structured import (
    JsonObject,
)


@dataclass(frozen=True, slots=True)
class Pager:
    number: int
    count: int
    previous: str | None  # page path
    next: str | None


@dataclass(frozen=True, slots=True)
class Crumb:
    label: str
    path: str


@dataclass(frozen=True, slots=True)
class SpeakerQuote:
    quote: Quote
    speaker: Actor | None  # None when kept by name only


# Listings hold summaries, never whole articles: a page's context is exactly what it
# shows, so a typo fixed in a body changes the article page's fingerprint and no other.


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """What a listing shows of an article."""

    path: str
    title: str
    date: dt.date
    dek: str | None
    source: str | None


@dataclass(frozen=True, slots=True)
class EditionSummary:
    date: dt.date
    count: int


@dataclass(frozen=True, slots=True)
class QuoteRef:
    """A quote on its speaker's page, with the article it comes from."""

    quote: Quote
    article: ArticleSummary
    passage: str  # page path with the fragment of the quoted passage


@dataclass(frozen=True, slots=True)
class EventView:
    """Who did what to whom, ready to show."""

    subject: Actor
    action: str
    object: Actor
    code: str | None
    category: str | None  # the CAMEO root category of the code
    passage: str | None  # page path and fragment of the supporting passage
    article: ArticleSummary | None  # on actor pages: the article that records it


@dataclass(frozen=True, slots=True)
class OnThisDay:
    """What was published on the reference day's month and day in earlier years."""

    day: dt.date  # the reference day: the newest article's date
    articles: tuple[ArticleSummary, ...]  # the first few, newest first
    editions: tuple[EditionSummary, ...]  # every such day, newest first

    @property
    def label(self) -> str:
        """11 September"""
        return f"{self.day.day} {MONTHS[self.day.month - 1]}"

    @property
    def total(self) -> int:
        return sum(edition.count for edition in self.editions)


@dataclass(frozen=True, slots=True)
class HomePage:
    latest: EditionSummary | None
    latest_articles: tuple[ArticleSummary, ...]
    previous_editions: tuple[EditionSummary, ...]
    edition_count: int
    on_this_day: OnThisDay | None = None


@dataclass(frozen=True, slots=True)
class MonthGroup:
    year: int
    month: int
    editions: tuple[EditionSummary, ...]

    @property
    def label(self) -> str:
        return month_label(self.year, self.month)


@dataclass(frozen=True, slots=True)
class YearGroup:
    year: int
    months: tuple[MonthGroup, ...]


@dataclass(frozen=True, slots=True)
class EditionsPage:
    years: tuple[YearGroup, ...]
    pager: Pager


@dataclass(frozen=True, slots=True)
class EditionPage:
    edition: EditionSummary
    articles: tuple[ArticleSummary, ...]
    older: EditionSummary | None
    newer: EditionSummary | None


@dataclass(frozen=True, slots=True)
class TopicRef:
    """A topic as a link shows it."""

    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class ArticlePage:
    article: Article
    body_key: str  # names the rendered body: what it was rendered from
    actors: tuple[Actor, ...]
    quotes: tuple[SpeakerQuote, ...]
    events: tuple[EventView, ...]
    previous: ArticleSummary | None
    next: ArticleSummary | None
    topics: tuple[TopicRef, ...] = ()  # in the order of its tags


@dataclass(frozen=True, slots=True)
class ActorCount:
    actor: Actor
    count: int


@dataclass(frozen=True, slots=True)
class ActorTypeGroup:
    type: ActorType
    label: str
    entries: tuple[ActorCount, ...]


@dataclass(frozen=True, slots=True)
class ActorsPage:
    groups: tuple[ActorTypeGroup, ...]
    count: int


@dataclass(frozen=True, slots=True)
class ActorPage:
    actor: Actor
    type_label: str
    country: Actor | None
    articles: tuple[ArticleSummary, ...]
    article_count: int
    quotes: tuple[QuoteRef, ...]
    actions: tuple[EventView, ...]  # events with this actor as the subject
    actions_towards: tuple[EventView, ...]  # and as the object
    co_actors: tuple[ActorCount, ...]  # who appears with them most often
    timeline: Timeline | None  # their articles per month
    pager: Pager


@dataclass(frozen=True, slots=True)
class NetworkPage:
    network: Network


@dataclass(frozen=True, slots=True)
class TopicCount:
    topic: TopicRef
    count: int  # its articles


@dataclass(frozen=True, slots=True)
class TopicLetter:
    """The topics whose address starts with one letter (or "0-9")."""

    label: str
    anchor: str  # the id of its heading
    entries: tuple[TopicCount, ...]


@dataclass(frozen=True, slots=True)
class TopicsPage:
    letters: tuple[TopicLetter, ...]
    count: int


@dataclass(frozen=True, slots=True)
class TopicPage:
    topic: TopicRef
    articles: tuple[ArticleSummary, ...]
    article_count: int
    pager: Pager


@dataclass(frozen=True, slots=True)
class NotFoundPage:
    pass


@dataclass(frozen=True, slots=True)
class SearchPage:
    index: str  # page path of the folder of the search index the page's script reads


@dataclass(frozen=True, slots=True)
class GeneratedText:
    """An output made in Python rather than from a template: JSON data, feeds, sitemaps.

    The text is made only when the output must be written; its fingerprint is that of
    `inputs`, which must hold everything the text depends on (besides the settings).
    """

    make: Callable[[], str]
    inputs: object

    @property
    def text(self) -> str:
        return self.make()

    @staticmethod
    def of(text: str) -> GeneratedText:
        """Text that is already made."""
        return GeneratedText(make=lambda: text, inputs=text)


Summaries = Mapping[Path, ArticleSummary]

PageContext = (
    HomePage
    | EditionsPage
    | EditionPage
    | ArticlePage
    | ActorsPage
    | ActorPage
    | NetworkPage
    | TopicsPage
    | TopicPage
    | NotFoundPage
    | SearchPage
    | GeneratedText
)


@dataclass(frozen=True, slots=True)
class PageHead:
    """What a page tells browsers, search engines and link previews about itself."""

    canonical: str  # absolute URL
    kind: str  # the OpenGraph type: website, article or profile
    description: str
    structured_data: tuple[JsonObject, ...]  # schema.org objects


@dataclass(frozen=True, slots=True)
class Page:
    path: str
    template: str
    title: str  # the page's own title; the base layout adds the site's
    context: PageContext
    crumbs: tuple[Crumb, ...] = ()
