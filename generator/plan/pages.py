"""Plan every page of the site: its path, its template and its typed context. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import TypeVar

from generator import urls
from generator.content.actors import Actor, ActorType
from generator.content.types import Article, Quote
from generator.dates import long_date, month_label
from generator.plan.charts import Timeline, timeline
from generator.plan.model import AttributedEvent, Edition, Neighbours, Site, actor_sort_key
from generator.plan.search import DATA_PATH
from generator.plan.structured import (
    SCHEMA,
    Absolute,
    FactCheck,
    JsonObject,
    breadcrumbs,
    claim_reviews,
    thing,
)

T = TypeVar("T")

# The twenty root categories of the CAMEO event codes (Schrodt, 2012), as GDELT uses them.
CAMEO_ROOTS = {
    "01": "Make public statement",
    "02": "Appeal",
    "03": "Express intent to cooperate",
    "04": "Consult",
    "05": "Engage in diplomatic cooperation",
    "06": "Engage in material cooperation",
    "07": "Provide aid",
    "08": "Yield",
    "09": "Investigate",
    "10": "Demand",
    "11": "Disapprove",
    "12": "Reject",
    "13": "Threaten",
    "14": "Protest",
    "15": "Exhibit military posture",
    "16": "Reduce relations",
    "17": "Coerce",
    "18": "Assault",
    "19": "Fight",
    "20": "Use unconventional mass violence",
}
CO_ACTORS_SHOWN = 10

ACTOR_TYPE_LABELS = {
    ActorType.PERSON: "People",
    ActorType.COUNTRY: "Countries",
    ActorType.ORGANIZATION: "Organisations",
    ActorType.GROUP: "Groups",
}


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
class HomePage:
    latest: EditionSummary | None
    latest_articles: tuple[ArticleSummary, ...]
    previous_editions: tuple[EditionSummary, ...]
    edition_count: int


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
class ArticlePage:
    article: Article
    body_key: str  # names the rendered body: what it was rendered from
    actors: tuple[Actor, ...]
    quotes: tuple[SpeakerQuote, ...]
    events: tuple[EventView, ...]
    fact_checks: tuple[FactCheck, ...]
    previous: ArticleSummary | None
    next: ArticleSummary | None


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


def summarise(article: Article) -> ArticleSummary:
    return ArticleSummary(
        path=urls.article_path(article.date, article.slug),
        title=article.title,
        date=article.date,
        dek=article.dek,
        source=article.source,
    )


def _edition_summary(edition: Edition) -> EditionSummary:
    return EditionSummary(edition.date, len(edition.articles))


def _edition_summaries(editions: Sequence[Edition]) -> tuple[EditionSummary, ...]:
    return tuple(_edition_summary(edition) for edition in editions)


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)] or [items[:0]]


def _pagers(count: int, path_of: Callable[[int], str]) -> list[Pager]:
    return [
        Pager(
            number=number,
            count=count,
            previous=path_of(number - 1) if number > 1 else None,
            next=path_of(number + 1) if number < count else None,
        )
        for number in range(1, count + 1)
    ]


def plan_pages(
    site: Site,
    *,
    body_keys: Mapping[Path, str],
    page_size: int,
    home_editions: int,
    search: bool = False,
) -> tuple[Page, ...]:
    summaries = {article.path: summarise(article) for article in site.articles}
    return (
        _plan_home(site, summaries, home_editions),
        *_plan_editions(site, page_size),
        *_plan_edition_days(site, summaries),
        *_plan_articles(site, summaries, body_keys),
        _plan_actor_index(site),
        *_plan_actors(site, summaries, page_size),
        *([_plan_search()] if search else []),
        Page(
            path=urls.not_found_path(),
            template="404.html",
            title="Page not found",
            context=NotFoundPage(),
        ),
    )


@dataclass(frozen=True, slots=True)
class PageHeads:
    """Makes each page's head when it renders: it follows from the page and the settings,
    which its fingerprint already covers, so planning need not build 100,000 of them."""

    absolute: Absolute
    site_title: str
    description: str

    def head(self, page: Page) -> PageHead | None:
        context = page.context
        if isinstance(context, NotFoundPage | GeneratedText):
            return None
        url = self.absolute(page.path)
        trail = [("Home", self.absolute(urls.home_path()))]
        trail += [(crumb.label, self.absolute(crumb.path)) for crumb in page.crumbs]
        data: list[JsonObject] = [breadcrumbs(trail)] if page.crumbs else []
        if isinstance(context, ArticlePage):
            article = context.article
            data[:0] = [
                self._news_article(context, url),
                *claim_reviews(
                    context.fact_checks,
                    page_url=url,
                    publisher=self.site_title,
                    date_published=article.date.isoformat(),
                ),
            ]
            return PageHead(url, "article", article.dek or article.title, tuple(data))
        if isinstance(context, ActorPage):
            actor = context.actor
            about = {"@context": SCHEMA, **self._thing(actor)}
            if actor.role and actor.type is ActorType.PERSON:
                about["jobTitle"] = actor.role
            if context.country is not None:
                key = "nationality" if actor.type is ActorType.PERSON else "location"
                about[key] = self._thing(context.country)
            kind = "profile" if actor.type is ActorType.PERSON else "website"
            description = f"{actor.name}: {actor.role}" if actor.role else actor.name
            return PageHead(url, kind, description, (about, *data))
        if isinstance(context, HomePage):
            website = {"@context": SCHEMA, "@type": "WebSite", "name": self.site_title, "url": url}
            return PageHead(url, "website", self.description, (website, *data))
        return PageHead(url, "website", self.description, tuple(data))

    def _thing(self, actor: Actor) -> dict[str, object]:
        return thing(
            actor.type.value,
            actor.name,
            self.absolute(urls.actor_path(actor.id)),
            aliases=actor.aliases,
            wikidata=actor.wikidata,
        )

    def _news_article(self, context: ArticlePage, url: str) -> JsonObject:
        article = context.article
        data: dict[str, object] = {
            "@context": SCHEMA,
            "@type": "NewsArticle",
            "headline": article.title,
            "url": url,
            "mainEntityOfPage": url,
            "datePublished": article.date.isoformat(),
            "isPartOf": {"@type": "WebSite", "name": self.site_title},
            "mentions": [self._thing(actor) for actor in context.actors],
        }
        if article.dek:
            data["description"] = article.dek
        if article.dateline:
            data["dateline"] = article.dateline
        source = {"@type": "NewsMediaOrganization", "name": article.source or self.site_title}
        data["publisher"] = source
        data["author"] = (
            [{"@type": "Person", "name": name} for name in article.authors]
            if article.authors
            else source
        )
        if article.source:
            data["sourceOrganization"] = source
        return data


def _plan_search() -> Page:
    return Page(
        path=urls.search_path(),
        template="search.html",
        title="Search",
        context=SearchPage(index=DATA_PATH),
        crumbs=(Crumb("Search", urls.search_path()),),
    )


def _plan_home(site: Site, summaries: Summaries, home_editions: int) -> Page:
    latest = site.editions[0] if site.editions else None
    return Page(
        path=urls.home_path(),
        template="home.html",
        title="",
        context=HomePage(
            latest=_edition_summary(latest) if latest else None,
            latest_articles=tuple(summaries[a.path] for a in latest.articles) if latest else (),
            previous_editions=_edition_summaries(site.editions[1 : 1 + home_editions]),
            edition_count=len(site.editions),
        ),
    )


def _plan_editions(site: Site, page_size: int) -> list[Page]:
    chunks = _chunks(site.editions, page_size)
    pagers = _pagers(len(chunks), urls.editions_path)
    pages = []
    for chunk, pager in zip(chunks, pagers, strict=True):
        years = tuple(
            YearGroup(
                year=year,
                months=tuple(
                    MonthGroup(year, month, _edition_summaries(tuple(month_editions)))
                    for month, month_editions in groupby(year_editions, key=lambda e: e.date.month)
                ),
            )
            for year, year_editions in groupby(chunk, key=lambda e: e.date.year)
        )
        title = "Previous Editions" + (f", page {pager.number}" if pager.number > 1 else "")
        pages.append(
            Page(
                path=urls.editions_path(pager.number),
                template="editions.html",
                title=title,
                context=EditionsPage(years=years, pager=pager),
                crumbs=(Crumb("Previous Editions", urls.editions_path()),),
            )
        )
    return pages


def _plan_edition_days(site: Site, summaries: Summaries) -> list[Page]:
    editions = site.editions
    return [
        Page(
            path=urls.edition_path(edition.date),
            template="edition.html",
            title=f"Edition of {long_date(edition.date)}",
            context=EditionPage(
                edition=_edition_summary(edition),
                articles=tuple(summaries[a.path] for a in edition.articles),
                older=_edition_summary(editions[index + 1]) if index + 1 < len(editions) else None,
                newer=_edition_summary(editions[index - 1]) if index > 0 else None,
            ),
            crumbs=(
                Crumb("Previous Editions", urls.editions_path()),
                Crumb(long_date(edition.date), urls.edition_path(edition.date)),
            ),
        )
        for index, edition in enumerate(editions)
    ]


def _plan_articles(site: Site, summaries: Summaries, body_keys: Mapping[Path, str]) -> list[Page]:
    pages = []
    # Crumbs shared by the articles of a day: ten thousand pages need only a few hundred.
    editions = Crumb("Previous Editions", urls.editions_path())
    days: dict[dt.date, Crumb] = {}
    for article in site.articles:
        neighbours = site.neighbours.get(article.path, Neighbours(None, None))
        quotes = tuple(
            SpeakerQuote(quote, site.actors.get(quote.speaker) if quote.speaker else None)
            for quote in article.quotes
        )
        path = summaries[article.path].path
        events = tuple(
            _event_view(site, AttributedEvent(event, number, article), summaries, listed=False)
            for number, event in enumerate(article.events, start=1)
        )
        fact_checks = tuple(
            FactCheck(note.claim, note.rating, note.note, note.quote)  # type: ignore[arg-type]
            for note in article.annotations
            if note.is_claim_review
        )
        day = days.get(article.date)
        if day is None:
            day = days[article.date] = Crumb(
                long_date(article.date), urls.edition_path(article.date)
            )
        pages.append(
            Page(
                path=path,
                template="article.html",
                title=article.title,
                context=ArticlePage(
                    article=article,
                    body_key=body_keys[article.path],
                    actors=tuple(site.actors[actor_id] for actor_id in article.actors),
                    quotes=quotes,
                    events=events,
                    fact_checks=fact_checks,
                    previous=summaries[neighbours.previous.path] if neighbours.previous else None,
                    next=summaries[neighbours.next.path] if neighbours.next else None,
                ),
                crumbs=(editions, day, Crumb(article.title, path)),
            )
        )
    return pages


def _event_view(
    site: Site,
    item: AttributedEvent,
    summaries: Mapping[Path, ArticleSummary],
    *,
    listed: bool,
) -> EventView:
    """listed: shown away from its article (on actor pages), so it names the article."""
    event = item.event
    summary = summaries[item.article.path]
    return EventView(
        subject=site.actors[event.subject],
        action=event.action,
        object=site.actors[event.object],
        code=event.code,
        category=CAMEO_ROOTS.get(event.code[:2]) if event.code else None,
        passage=f"{summary.path}#{urls.event_anchor(item.number)}" if event.quote else None,
        article=summary if listed else None,
    )


def _plan_actor_index(site: Site) -> Page:
    groups = []
    for actor_type, label in ACTOR_TYPE_LABELS.items():
        actors = site.actors_of_type(actor_type)
        if actors:
            entries = tuple(
                ActorCount(actor, len(site.articles_by_actor[actor.id])) for actor in actors
            )
            groups.append(ActorTypeGroup(actor_type, label, entries))
    return Page(
        path=urls.actors_path(),
        template="actors.html",
        title="Actors",
        context=ActorsPage(groups=tuple(groups), count=len(site.actors)),
        crumbs=(Crumb("Actors", urls.actors_path()),),
    )


def _plan_actors(site: Site, summaries: Summaries, page_size: int) -> list[Page]:
    pages = []
    for actor in sorted(site.actors.values(), key=lambda a: actor_sort_key(a.id)):
        articles = site.articles_by_actor[actor.id]
        chunks = _chunks(articles, page_size)
        pagers = _pagers(len(chunks), lambda n, actor_id=actor.id: urls.actor_path(actor_id, n))
        country = site.actors.get(actor.country) if actor.country else None
        for chunk, pager in zip(chunks, pagers, strict=True):
            first = pager.number == 1  # the first page shows who they are; later ones list
            pages.append(
                Page(
                    path=urls.actor_path(actor.id, pager.number),
                    template="actor.html",
                    title=actor.name + (f", page {pager.number}" if pager.number > 1 else ""),
                    context=ActorPage(
                        actor=actor,
                        type_label=ACTOR_TYPE_LABELS[actor.type],
                        country=country,
                        articles=tuple(summaries[a.path] for a in chunk),
                        article_count=len(articles),
                        quotes=tuple(
                            QuoteRef(
                                item.quote,
                                summaries[item.article.path],
                                f"{summaries[item.article.path].path}#{urls.quote_anchor(item.number)}",
                            )
                            for item in site.quotes_by_speaker[actor.id]
                        )
                        if first
                        else (),
                        actions=tuple(
                            _event_view(site, item, summaries, listed=True)
                            for item in site.events_by_subject[actor.id]
                        )
                        if first
                        else (),
                        actions_towards=tuple(
                            _event_view(site, item, summaries, listed=True)
                            for item in site.events_by_object[actor.id]
                        )
                        if first
                        else (),
                        co_actors=tuple(
                            ActorCount(site.actors[other], count)
                            for other, count in site.co_actors[actor.id][:CO_ACTORS_SHOWN]
                        )
                        if first
                        else (),
                        timeline=timeline(site.mentions_by_month[actor.id]) if first else None,
                        pager=pager,
                    ),
                    crumbs=(
                        Crumb("Actors", urls.actors_path()),
                        Crumb(actor.name, urls.actor_path(actor.id)),
                    ),
                )
            )
    return pages
