"""The article types every stage reads: an article, its quotes, notes and events. Pure data."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

# Where a project's content lives, under its content folder.
ARTICLES_DIR = "articles"
ACTORS_FILE = "actors.yaml"


class AnnotationKind(StrEnum):
    CONTEXT = "context"
    FACT_CHECK = "fact-check"
    CORRECTION = "correction"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class ArticleImage:
    caption: str
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    text: str
    speaker: str | None = None  # an actor id
    speaker_name: str | None = None  # a speaker not (yet) in the registry
    verb: str | None = None
    prefix: str | None = None  # words just before, to pick one of several matches
    suffix: str | None = None
    line: int | None = None  # where it is written in the content file


@dataclass(frozen=True, slots=True)
class Annotation:
    quote: str  # the exact words of the article it is anchored to
    kind: AnnotationKind
    note: str  # Markdown
    prefix: str | None = None
    suffix: str | None = None
    claim: str | None = None  # fact-checks: the claim checked
    rating: str | None = None  # fact-checks: the verdict
    claim_author: str | None = None  # fact-checks: who made the claim, as named
    claim_date: dt.date | None = None  # fact-checks: when the claim was made
    # The IRI of the Web Annotation it was imported from (`annotations import`), so a
    # second import of the same note adds nothing.
    id: str | None = None
    line: int | None = None

    @property
    def is_claim_review(self) -> bool:
        """A fact-check with its claim and rating: what a ClaimReview describes."""
        return self.kind is AnnotationKind.FACT_CHECK and bool(self.claim and self.rating)


@dataclass(frozen=True, slots=True)
class Event:
    """Who did what to whom, as GDELT and ACLED record it."""

    subject: str  # actor id
    object: str  # actor id
    action: str  # in plain words: "threatens sanctions on"
    code: str | None = None  # a CAMEO event code, e.g. "1312"
    quote: str | None = None  # the words of the article that support it
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Article:
    path: Path  # the content file, as given to the loader
    slug: str
    title: str
    date: dt.date
    body: str  # Markdown
    body_line: int
    source: str | None = None
    authors: tuple[str, ...] = ()
    dek: str | None = None
    dateline: str | None = None  # the place, as printed: "DUBAI, United Arab Emirates"
    agency: str | None = None  # the wire agency printed with the dateline: "Reuters"
    credits: tuple[str, ...] = ()  # "Reporting by ...; Editing by ..."
    image: ArticleImage | None = None
    actors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # topics
    quotes: tuple[Quote, ...] = ()
    annotations: tuple[Annotation, ...] = ()
    events: tuple[Event, ...] = ()
    seed: str | None = None
    url: str | None = None  # the original article's address (http or https)
    updated: dt.date | None = None  # when the original was last changed, if it was
    digest: str = ""  # of the file's text: what the article page was built from


ARTICLE_FIELDS = (
    "title",
    "date",
    "updated",
    "source",
    "authors",
    "dek",
    "dateline",
    "agency",
    "credits",
    "image",
    "actors",
    "tags",
    "quotes",
    "annotations",
    "events",
    "seed",
    "url",
    "ingest_digest",
)


def text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
