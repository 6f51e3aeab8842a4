"""Plan every page of the site: its path, its template and its typed context. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import TypeVar

from generator import urls
from generator.actors import Actor, ActorType
from generator.content import Article, Quote
from generator.model import AttributedQuote, Edition, Neighbours, Site, actor_sort_key

T = TypeVar("T")

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


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """What a listing shows of an article."""

    article: Article
    path: str


@dataclass(frozen=True, slots=True)
class HomePage:
    latest: Edition | None
    latest_articles: tuple[ArticleSummary, ...]
    previous_editions: tuple[Edition, ...]
    edition_count: int


@dataclass(frozen=True, slots=True)
class MonthGroup:
    year: int
    month: int
    editions: tuple[Edition, ...]

    @property
    def label(self) -> str:
        return dt.date(self.year, self.month, 1).strftime("%B %Y")


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
    edition: Edition
    articles: tuple[ArticleSummary, ...]
    older: Edition | None
    newer: Edition | None


@dataclass(frozen=True, slots=True)
class ArticlePage:
    article: Article
    body_html: str  # rendered Markdown, already safe
    actors: tuple[Actor, ...]
    quotes: tuple[SpeakerQuote, ...]
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
    quotes: tuple[AttributedQuote, ...]
    pager: Pager


@dataclass(frozen=True, slots=True)
class NotFoundPage:
    pass


PageContext = (
    HomePage | EditionsPage | EditionPage | ArticlePage | ActorsPage | ActorPage | NotFoundPage
)


@dataclass(frozen=True, slots=True)
class Page:
    path: str
    template: str
    title: str  # the page's own title; the base layout adds the site's
    context: PageContext
    crumbs: tuple[Crumb, ...] = ()


def _summary(article: Article) -> ArticleSummary:
    return ArticleSummary(article, urls.article_path(article.date, article.slug))


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
    site: Site, *, bodies: Mapping[Path, str], page_size: int, home_editions: int
) -> tuple[Page, ...]:
    return (
        _plan_home(site, home_editions),
        *_plan_editions(site, page_size),
        *_plan_edition_days(site),
        *_plan_articles(site, bodies),
        _plan_actor_index(site),
        *_plan_actors(site, page_size),
        Page(path="404.html", template="404.html", title="Page not found", context=NotFoundPage()),
    )


def _plan_home(site: Site, home_editions: int) -> Page:
    latest = site.editions[0] if site.editions else None
    return Page(
        path=urls.home_path(),
        template="home.html",
        title="",
        context=HomePage(
            latest=latest,
            latest_articles=tuple(_summary(a) for a in latest.articles) if latest else (),
            previous_editions=site.editions[1 : 1 + home_editions],
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
                    MonthGroup(year, month, tuple(month_editions))
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


def _plan_edition_days(site: Site) -> list[Page]:
    editions = site.editions
    return [
        Page(
            path=urls.edition_path(edition.date),
            template="edition.html",
            title=f"Edition of {edition.date:%-d %B %Y}",
            context=EditionPage(
                edition=edition,
                articles=tuple(_summary(a) for a in edition.articles),
                older=editions[index + 1] if index + 1 < len(editions) else None,
                newer=editions[index - 1] if index > 0 else None,
            ),
            crumbs=(
                Crumb("Previous Editions", urls.editions_path()),
                Crumb(f"{edition.date:%-d %B %Y}", urls.edition_path(edition.date)),
            ),
        )
        for index, edition in enumerate(editions)
    ]


def _plan_articles(site: Site, bodies: Mapping[Path, str]) -> list[Page]:
    pages = []
    for article in site.articles:
        neighbours = site.neighbours.get(article.path, Neighbours(None, None))
        quotes = tuple(
            SpeakerQuote(quote, site.actors.get(quote.speaker) if quote.speaker else None)
            for quote in article.quotes
        )
        pages.append(
            Page(
                path=urls.article_path(article.date, article.slug),
                template="article.html",
                title=article.title,
                context=ArticlePage(
                    article=article,
                    body_html=bodies[article.path],
                    actors=tuple(site.actors[actor_id] for actor_id in article.actors),
                    quotes=quotes,
                    previous=_summary(neighbours.previous) if neighbours.previous else None,
                    next=_summary(neighbours.next) if neighbours.next else None,
                ),
                crumbs=(
                    Crumb("Previous Editions", urls.editions_path()),
                    Crumb(f"{article.date:%-d %B %Y}", urls.edition_path(article.date)),
                    Crumb(article.title, urls.article_path(article.date, article.slug)),
                ),
            )
        )
    return pages


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


def _plan_actors(site: Site, page_size: int) -> list[Page]:
    pages = []
    for actor in sorted(site.actors.values(), key=lambda a: actor_sort_key(a.id)):
        articles = site.articles_by_actor[actor.id]
        chunks = _chunks(articles, page_size)
        pagers = _pagers(len(chunks), lambda n, actor_id=actor.id: urls.actor_path(actor_id, n))
        country = site.actors.get(actor.country) if actor.country else None
        for chunk, pager in zip(chunks, pagers, strict=True):
            pages.append(
                Page(
                    path=urls.actor_path(actor.id, pager.number),
                    template="actor.html",
                    title=actor.name + (f", page {pager.number}" if pager.number > 1 else ""),
                    context=ActorPage(
                        actor=actor,
                        type_label=ACTOR_TYPE_LABELS[actor.type],
                        country=country,
                        articles=tuple(_summary(a) for a in chunk),
                        article_count=len(articles),
                        quotes=site.quotes_by_speaker[actor.id] if pager.number == 1 else (),
                        pager=pager,
                    ),
                    crumbs=(
                        Crumb("Actors", urls.actors_path()),
                        Crumb(actor.name, urls.actor_path(actor.id)),
                    ),
                )
            )
    return pages
