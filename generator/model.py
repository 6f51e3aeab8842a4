"""The archive as readers browse it: editions, actors, neighbours. Pure."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from generator.actors import Actor, ActorType
from generator.content import Article, Quote


@dataclass(frozen=True, slots=True)
class Edition:
    """The articles of one day."""

    date: dt.date
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class AttributedQuote:
    """A quote with the article it comes from."""

    quote: Quote
    article: Article


@dataclass(frozen=True, slots=True)
class Neighbours:
    previous: Article | None  # the one published before
    next: Article | None  # the one published after


@dataclass(frozen=True, slots=True)
class Site:
    articles: tuple[Article, ...]  # newest first
    editions: tuple[Edition, ...]  # newest first
    actors: Mapping[str, Actor]  # by id, in registry order
    articles_by_actor: Mapping[str, tuple[Article, ...]]  # newest first
    quotes_by_speaker: Mapping[str, tuple[AttributedQuote, ...]]  # newest first
    neighbours: Mapping[Path, Neighbours]  # by article path

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
    """The actors an article is about: its listed actors, then its quoted speakers."""
    speakers = (quote.speaker for quote in article.quotes if quote.speaker)
    return tuple(dict.fromkeys((*article.actors, *speakers)))


def build_site(articles: Iterable[Article], actors: Iterable[Actor]) -> Site:
    ordered = tuple(sorted(articles, key=newest_first))
    by_date: dict[dt.date, list[Article]] = defaultdict(list)
    for article in ordered:
        by_date[article.date].append(article)
    editions = tuple(Edition(date, tuple(items)) for date, items in by_date.items())

    registry = {actor.id: actor for actor in actors}
    by_actor: dict[str, list[Article]] = {actor_id: [] for actor_id in registry}
    quotes: dict[str, list[AttributedQuote]] = {actor_id: [] for actor_id in registry}
    for article in ordered:
        for actor_id in article_actor_ids(article):
            by_actor[actor_id].append(article)
        for quote in article.quotes:
            if quote.speaker:
                quotes[quote.speaker].append(AttributedQuote(quote, article))

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
        neighbours=MappingProxyType(neighbours),
    )
