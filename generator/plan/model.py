"""The archive as readers browse it: editions, actors, neighbours. Pure."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from generator.content.actors import Actor, ActorType
from generator.content.types import Article, Event, Quote
from generator.content.validation import tag_without_address
from generator.errors import BuildErrors, ContentError, MarginaliaError
from generator.urls import slugify


@dataclass(frozen=True, slots=True)
class Edition:
    """The articles of one day."""

    date: dt.date
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class AttributedQuote:
    """A quote with the article it comes from."""

    quote: Quote
    number: int  # its place in the article's front matter, from 1
    article: Article


@dataclass(frozen=True, slots=True)
class AttributedEvent:
    """An event with the article that records it."""

    event: Event
    number: int  # its place in the article's front matter, from 1
    article: Article


@dataclass(frozen=True, slots=True)
class MonthCount:
    year: int
    month: int
    count: int


@dataclass(frozen=True, slots=True)
class Neighbours:
    previous: Article | None  # the one published before
    next: Article | None  # the one published after


@dataclass(frozen=True, slots=True)
class Topic:
    """The articles that share a tag. Tags with the same slug ("Sanctions", "sanctions")
    are one topic; it is named by the spelling most of its articles use, ties A to Z."""

    slug: str
    name: str
    articles: tuple[Article, ...]  # newest first


@dataclass(frozen=True, slots=True)
class Site:
    articles: tuple[Article, ...]  # newest first
    editions: tuple[Edition, ...]  # newest first
    actors: Mapping[str, Actor]  # by id, in registry order
    articles_by_actor: Mapping[str, tuple[Article, ...]]  # newest first
    quotes_by_speaker: Mapping[str, tuple[AttributedQuote, ...]]  # newest first
    events_by_subject: Mapping[str, tuple[AttributedEvent, ...]]  # newest first
    events_by_object: Mapping[str, tuple[AttributedEvent, ...]]
    co_actors: Mapping[str, tuple[tuple[str, int], ...]]  # most articles together first
    mentions_by_month: Mapping[str, tuple[MonthCount, ...]]  # articles per month, in order
    neighbours: Mapping[Path, Neighbours]  # by article path
    topics: Mapping[str, Topic]  # by slug, A to Z by slug

    def actors_of_type(self, actor_type: ActorType) -> tuple[Actor, ...]:
        return tuple(
            sorted(
                (actor for actor in self.actors.values() if actor.type is actor_type),
                key=lambda actor: actor_sort_key(actor.name),
            )
        )


def newest_first(article: Article) -> tuple[int, str, str]:
    # Ordinal negated so one ascending sort gives newest dates first, titles A-Z.
    return (-article.date.toordinal(), article.title.casefold(), article.slug)


def actor_sort_key(name: str) -> tuple[str, str]:
    return (name.casefold(), name)


def article_actor_ids(article: Article) -> tuple[str, ...]:
    """The actors an article is about: its listed actors, its speakers, its events' actors."""
    speakers = (quote.speaker for quote in article.quotes if quote.speaker)
    in_events = (actor for event in article.events for actor in (event.subject, event.object))
    return tuple(dict.fromkeys((*article.actors, *speakers, *in_events)))


def article_topics(article: Article) -> tuple[str, ...]:
    """The slugs of an article's topics, each once, in the order of its tags."""
    return tuple(dict.fromkeys(slug for tag in article.tags if (slug := slugify(tag))))


def topic_errors(articles: Iterable[Article]) -> list[MarginaliaError]:
    """A tag with no letter or digit has no address: one error per such tag.

    parse_article reports these with their line; this is for articles made otherwise."""
    errors: list[MarginaliaError] = []
    for article in sorted(articles, key=lambda a: str(a.path)):
        for tag in article.tags:
            if not slugify(tag):
                what, fix = tag_without_address(tag)
                errors.append(ContentError(what, path=article.path, line=None, fix=fix))
    return errors


def _topics(ordered: Sequence[Article]) -> dict[str, Topic]:
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    by_topic: dict[str, list[Article]] = defaultdict(list)
    for article in ordered:
        slugs: dict[str, None] = {}
        for tag in dict.fromkeys(article.tags):  # a spelling counts once an article
            slug = slugify(tag)
            if slug:
                spellings[slug][tag] += 1
                slugs[slug] = None
        for slug in slugs:
            by_topic[slug].append(article)
    return {
        slug: Topic(slug, topic_name(spellings[slug]), tuple(by_topic[slug]))
        for slug in sorted(by_topic)
    }


def topic_name(spellings: Mapping[str, int]) -> str:
    """The spelling most articles use; among equals, the first A to Z (case ignored,
    then capitals first: "Sanctions" before "sanctions")."""
    return min(spellings.items(), key=lambda item: (-item[1], item[0].casefold(), item[0]))[0]


def _per_month(articles: Iterable[Article]) -> tuple[MonthCount, ...]:
    """Articles per month from the first to the last, months without any included."""
    counts = Counter((article.date.year, article.date.month) for article in articles)
    if not counts:
        return ()
    (year, month), last = min(counts), max(counts)
    months = []
    while (year, month) <= last:
        months.append(MonthCount(year, month, counts.get((year, month), 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)


def build_site(articles: Iterable[Article], actors: Iterable[Actor]) -> Site:
    ordered = tuple(sorted(articles, key=newest_first))
    problems = topic_errors(ordered)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise BuildErrors(problems)
    by_date: dict[dt.date, list[Article]] = defaultdict(list)
    for article in ordered:
        by_date[article.date].append(article)
    editions = tuple(Edition(date, tuple(items)) for date, items in by_date.items())

    registry = {actor.id: actor for actor in actors}
    by_actor: dict[str, list[Article]] = {actor_id: [] for actor_id in registry}
    quotes: dict[str, list[AttributedQuote]] = {actor_id: [] for actor_id in registry}
    by_subject: dict[str, list[AttributedEvent]] = {actor_id: [] for actor_id in registry}
    by_object: dict[str, list[AttributedEvent]] = {actor_id: [] for actor_id in registry}
    together: dict[str, Counter[str]] = {actor_id: Counter() for actor_id in registry}
    for article in ordered:
        present = article_actor_ids(article)
        for actor_id in present:
            by_actor[actor_id].append(article)
            together[actor_id].update(present)  # itself too, taken out below
        for number, quote in enumerate(article.quotes, start=1):
            if quote.speaker:
                quotes[quote.speaker].append(AttributedQuote(quote, number, article))
        for number, event in enumerate(article.events, start=1):
            recorded = AttributedEvent(event, number, article)
            by_subject[event.subject].append(recorded)
            by_object[event.object].append(recorded)

    # Counted with the others in one call each: a filtering generator cost more than all
    # the rest of the counting.
    for actor_id, counts in together.items():
        del counts[actor_id]
    # Chronological order: "previous" is the older article.
    neighbours = {
        article.path: Neighbours(
            previous=ordered[index + 1] if index + 1 < len(ordered) else None,
            next=ordered[index - 1] if index > 0 else None,
        )
        for index, article in enumerate(ordered)
    }
    return Site(
        articles=ordered,
        editions=editions,
        actors=MappingProxyType(registry),
        articles_by_actor=MappingProxyType({k: tuple(v) for k, v in by_actor.items()}),
        quotes_by_speaker=MappingProxyType({k: tuple(v) for k, v in quotes.items()}),
        events_by_subject=MappingProxyType({k: tuple(v) for k, v in by_subject.items()}),
        events_by_object=MappingProxyType({k: tuple(v) for k, v in by_object.items()}),
        co_actors=MappingProxyType(
            {
                actor_id: tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
                for actor_id, counts in together.items()
            }
        ),
        mentions_by_month=MappingProxyType(
            {actor_id: _per_month(articles) for actor_id, articles in by_actor.items()}
        ),
        neighbours=MappingProxyType(neighbours),
        topics=MappingProxyType(_topics(ordered)),
    )
