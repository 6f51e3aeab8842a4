"""Plan every page of the site: its path, its template and its typed context. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import TypeVar

from generator import urls
from generator.content.actors import ActorType
from generator.content.types import Article
from generator.dates import long_date
from generator.plan.cameo import CAMEO_ROOTS
from generator.plan.charts import timeline
from generator.plan.contexts import (
    ActorCount,
    ActorPage,
    ActorsPage,
    ActorTypeGroup,
    ArticlePage,
    ArticleSummary,
    Crumb,
    EditionPage,
    EditionsPage,
    EditionSummary,
    EventView,
    HomePage,
    MonthGroup,
    NetworkPage,
    NotFoundPage,
    OnThisDay,
    Page,
    Pager,
    QuoteRef,
    SearchPage,
    SpeakerQuote,
    Summaries,
    TopicCount,
    TopicLetter,
    TopicPage,
    TopicRef,
    TopicsPage,
    YearGroup,
)
from generator.plan.model import (
    AttributedEvent,
    Edition,
    Neighbours,
    Site,
    actor_sort_key,
    article_topics,
)
from generator.plan.network import build_network, check_network_path, network_path
from generator.plan.search import DATA_PATH

T = TypeVar("T")

CO_ACTORS_SHOWN = 10
ON_THIS_DAY_SHOWN = 10

ACTOR_TYPE_LABELS = {
    ActorType.PERSON: "People",
    ActorType.COUNTRY: "Countries",
    ActorType.ORGANIZATION: "Organisations",
    ActorType.GROUP: "Groups",
}


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


def _paged(
    items: Sequence[T], size: int, path_of: Callable[[int], str]
) -> list[tuple[Sequence[T], Pager]]:
    """A listing cut into pages of size items, each with its pager; an empty listing is one
    empty page."""
    chunks = [items[start : start + size] for start in range(0, len(items), size)] or [items[:0]]
    count = len(chunks)
    return [
        (
            chunk,
            Pager(
                number=number,
                count=count,
                previous=path_of(number - 1) if number > 1 else None,
                next=path_of(number + 1) if number < count else None,
            ),
        )
        for number, chunk in enumerate(chunks, start=1)
    ]


def _page_title(name: str, pager: Pager) -> str:
    return name + (f", page {pager.number}" if pager.number > 1 else "")


def plan_pages(
    site: Site,
    *,
    body_keys: Mapping[Path, str],
    page_size: int,
    home_editions: int,
    search: bool = False,
) -> tuple[Page, ...]:
    summaries = {article.path: summarise(article) for article in site.articles}
    topics = topic_refs(site)
    return (
        _plan_home(site, summaries, home_editions),
        *_plan_editions(site, page_size),
        *_plan_edition_days(site, summaries),
        *_plan_articles(site, summaries, body_keys, topics),
        _plan_actor_index(site),
        *_plan_actors(site, summaries, page_size),
        _plan_network(site),
        _plan_topic_index(site, topics),
        *_plan_topics(site, summaries, page_size, topics),
        *([_plan_search()] if search else []),
        Page(
            path=urls.not_found_path(),
            template="404.html",
            title="Page not found",
            context=NotFoundPage(),
        ),
    )


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
            on_this_day=_on_this_day(site, summaries),
        ),
    )


def _on_this_day(site: Site, summaries: Summaries) -> OnThisDay | None:
    """The same month and day as the newest article, in earlier years.

    The reference day is the newest article's date, not the clock: the same archive must
    build the same bytes whenever it is built, and an incremental build must equal a
    clean one. A static page cannot follow the calendar without being rebuilt daily
    anyway; the newest article is the archive's own "today", the day of the latest
    edition shown above it, and it moves when the archive does.
    """
    if not site.editions:
        return None
    day = site.editions[0].date
    earlier = tuple(
        edition
        for edition in site.editions[1:]
        if (edition.date.month, edition.date.day) == (day.month, day.day)
    )
    if not earlier:
        return None
    articles = [summaries[a.path] for edition in earlier for a in edition.articles]
    return OnThisDay(
        day=day,
        articles=tuple(articles[:ON_THIS_DAY_SHOWN]),
        editions=_edition_summaries(earlier),
    )


def _plan_editions(site: Site, page_size: int) -> list[Page]:
    pages = []
    for chunk, pager in _paged(site.editions, page_size, urls.editions_path):
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
        pages.append(
            Page(
                path=urls.editions_path(pager.number),
                template="editions.html",
                title=_page_title("Previous Editions", pager),
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


def topic_refs(site: Site) -> dict[str, TopicRef]:
    """Each topic's link, by slug: one object shared by every page that shows it."""
    return {slug: TopicRef(slug, topic.name) for slug, topic in site.topics.items()}


def _plan_articles(
    site: Site,
    summaries: Summaries,
    body_keys: Mapping[Path, str],
    topics: Mapping[str, TopicRef],
) -> list[Page]:
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
                    previous=summaries[neighbours.previous.path] if neighbours.previous else None,
                    next=summaries[neighbours.next.path] if neighbours.next else None,
                    topics=tuple(topics[slug] for slug in article_topics(article)),
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


def _plan_network(site: Site) -> Page:
    check_network_path(site.actors)
    return Page(
        path=network_path(),
        template="network.html",
        title="Actor network",
        context=NetworkPage(build_network(site)),
        crumbs=(
            Crumb("Actors", urls.actors_path()),
            Crumb("Network", network_path()),
        ),
    )


def _event_months(site: Site, actor_id: str) -> tuple[tuple[int, int], ...]:
    """The month of each event the actor takes part in, as subject or object: an event
    of an actor with itself counts once."""
    items = {
        (item.article.path, item.number): item.article.date
        for item in (*site.events_by_subject[actor_id], *site.events_by_object[actor_id])
    }
    return tuple((date.year, date.month) for date in items.values())


def _plan_actors(site: Site, summaries: Summaries, page_size: int) -> list[Page]:
    pages = []
    for actor in sorted(site.actors.values(), key=lambda a: actor_sort_key(a.id)):
        articles = site.articles_by_actor[actor.id]
        country = site.actors.get(actor.country) if actor.country else None
        for chunk, pager in _paged(articles, page_size, partial(urls.actor_path, actor.id)):
            first = pager.number == 1  # the first page shows who they are; later ones list
            pages.append(
                Page(
                    path=urls.actor_path(actor.id, pager.number),
                    template="actor.html",
                    title=_page_title(actor.name, pager),
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
                        timeline=timeline(
                            site.mentions_by_month[actor.id],
                            events=_event_months(site, actor.id),
                        )
                        if first
                        else None,
                        pager=pager,
                    ),
                    crumbs=(
                        Crumb("Actors", urls.actors_path()),
                        Crumb(actor.name, urls.actor_path(actor.id)),
                    ),
                )
            )
    return pages


def _letter(slug: str) -> str:
    # Slugs are ASCII letters, digits and hyphens, and never start with a hyphen.
    return slug[0].upper() if slug[0].isalpha() else "0-9"


def _plan_topic_index(site: Site, topics: Mapping[str, TopicRef]) -> Page:
    # A to Z by address, which ignores case and accents as readers do ("Énergie" under E).
    letters = tuple(
        TopicLetter(
            label=label,
            anchor=f"letter-{label.lower()}",
            entries=tuple(TopicCount(topics[s], len(site.topics[s].articles)) for s in slugs),
        )
        for label, slugs in groupby(sorted(site.topics), key=_letter)
    )
    return Page(
        path=urls.topics_path(),
        template="topics.html",
        title="Topics",
        context=TopicsPage(letters=letters, count=len(site.topics)),
        crumbs=(Crumb("Topics", urls.topics_path()),),
    )


def _plan_topics(
    site: Site, summaries: Summaries, page_size: int, topics: Mapping[str, TopicRef]
) -> list[Page]:
    pages = []
    for slug, topic in site.topics.items():
        ref = topics[slug]
        for chunk, pager in _paged(topic.articles, page_size, partial(urls.topic_path, slug)):
            pages.append(
                Page(
                    path=urls.topic_path(slug, pager.number),
                    template="topic.html",
                    title=_page_title(topic.name, pager),
                    context=TopicPage(
                        topic=ref,
                        articles=tuple(summaries[a.path] for a in chunk),
                        article_count=len(topic.articles),
                        pager=pager,
                    ),
                    crumbs=(
                        Crumb("Topics", urls.topics_path()),
                        Crumb(topic.name, urls.topic_path(slug)),
                    ),
                )
            )
    return pages
