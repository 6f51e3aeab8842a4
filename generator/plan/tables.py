"""The archive as tables: data/articles.csv, actors.csv, mentions.csv, quotes.csv and
events.csv. Pure.

The same facts as data/archive.json, one row per thing, for the tools researchers load
tables with (pandas, R, spreadsheets, GDELT-style event readers). Rows are made from
archive_document itself, so the tables and the JSON can never disagree; like the JSON,
they hold no article text.

The files are RFC 4180: comma-separated, CRLF line ends, a field quoted only when it
holds a comma, a quote or a line end (quotes doubled), a header row first, UTF-8
without a byte-order mark. Lists in one cell (authors, aliases, tags) are joined with
"; "; archive.json keeps them as lists.

Cells are written exactly as editors wrote them, even when one begins with =, +, - or
@ (the start of a spreadsheet formula). Prefixing such cells with an apostrophe, as
some exporters do, would change the data for everyone who reads it as data (a dek
"-3% in a year", an alias "@UN", a quote that begins with a dash) to protect only
those who open it by double-click in a spreadsheet; and the same text is in
archive.json unchanged. Open the tables in a spreadsheet through its import dialog
with every column as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from generator.plan.cameo import CAMEO_ROOTS
from generator.plan.contexts import Page
from generator.plan.model import Site
from generator.plan.opendata import Json, archive_document, data_page, front_matter_digest
from generator.plan.structured import Absolute

ARTICLES_FILE = "articles.csv"
ACTORS_FILE = "actors.csv"
MENTIONS_FILE = "mentions.csv"
QUOTES_FILE = "quotes.csv"
EVENTS_FILE = "events.csv"
TABLE_FILES = (ARTICLES_FILE, ACTORS_FILE, MENTIONS_FILE, QUOTES_FILE, EVENTS_FILE)

LIST_SEPARATOR = "; "

Row = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # its file name under data/
    header: Row
    rows: tuple[Row, ...]


# The article columns that are archive.json's keys, as they are; then the others.
ARTICLE_KEYS: Row = (
    "id", "url", "title", "date", "source", "authors", "dek", "dateline", "agency",
    "credits", "original_url", "updated",
)  # fmt: skip
ARTICLE_COLUMNS: Row = (
    *ARTICLE_KEYS, "image_caption", "image_credit", "tags", "topics", "actor_count",
    "quote_count", "event_count", "annotation_count",
)  # fmt: skip
ACTOR_COLUMNS: Row = (
    "id", "name", "type", "aliases", "short", "role", "country", "wikidata", "url", "articles",
)  # fmt: skip
MENTION_COLUMNS: Row = ("article", "actor")
QUOTE_COLUMNS: Row = ("article", "date", "speaker", "speaker_name", "verb", "text", "url")
EVENT_COLUMNS: Row = (
    "date", "subject", "subject_name", "action", "object", "object_name", "cameo_code",
    "cameo_category", "quote", "url", "article", "article_url",
)  # fmt: skip


def plan_tables(
    site: Site, *, absolute: Absolute, title: str, inputs: str | None = None
) -> tuple[Page, ...]:
    """One page per table; `inputs` is opendata.front_matter_digest, as for the JSON.

    The tables follow from the articles' front matter and the actors, never from the
    articles' text: an edit to words alone costs them nothing. The rows are made only
    when a table must be written, once for all five; a table whose bytes come out as
    they were is not rewritten (the build compares them)."""
    if inputs is None:
        inputs = front_matter_digest(site, title=title)
    tables = cache(lambda: build_tables(site, absolute=absolute, title=title))
    return tuple(
        data_page(name, lambda number=number: render_table(tables()[number]), inputs)  # type: ignore[misc]
        for number, name in enumerate(TABLE_FILES)
    )


def build_tables(site: Site, *, absolute: Absolute, title: str) -> tuple[Table, ...]:
    document = archive_document(site, absolute=absolute, title=title)
    articles: Sequence[Json] = document["articles"]  # type: ignore[assignment]
    actors: Sequence[Json] = document["actors"]  # type: ignore[assignment]
    names = {str(actor["id"]): str(actor["name"]) for actor in actors}
    return (
        Table(ARTICLES_FILE, ARTICLE_COLUMNS, tuple(_article_row(a) for a in articles)),
        Table(ACTORS_FILE, ACTOR_COLUMNS, tuple(_actor_row(actor) for actor in actors)),
        Table(MENTIONS_FILE, MENTION_COLUMNS, _per_article(articles, "actors", _mention_row)),
        Table(QUOTES_FILE, QUOTE_COLUMNS, _per_article(articles, "quotes", _quote_row)),
        Table(
            EVENTS_FILE,
            EVENT_COLUMNS,
            _per_article(articles, "events", lambda a, event: _event_row(a, event, names)),
        ),
    )


def _per_article(
    articles: Sequence[Json], key: str, row: Callable[[Json, Any], Row]
) -> tuple[Row, ...]:
    """A row for each item of each article's list `key`, article by article."""
    return tuple(row(article, item) for article in articles for item in article[key])  # type: ignore[attr-defined]


def render_table(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(table.header)
    writer.writerows(table.rows)
    return buffer.getvalue()


def _cell(value: object) -> str:
    """None is an empty cell; a list is its items joined."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def _article_row(article: Json) -> Row:
    image: Mapping[str, object] = article["image"] or {}  # type: ignore[assignment]
    return (
        *(_cell(article[key]) for key in ARTICLE_KEYS),
        _cell(image.get("caption")),
        _cell(image.get("credit")),
        _cell(article["tags"]),
        _cell(article["topics"]),
        # How many of each the article has: its rows in the other tables.
        *(str(len(article[key])) for key in ("actors", "quotes", "events", "annotations")),  # type: ignore[arg-type]
    )


def _actor_row(actor: Json) -> Row:
    return tuple(_cell(actor[key]) for key in ACTOR_COLUMNS)


def _mention_row(article: Json, actor_id: object) -> Row:
    return (str(article["id"]), str(actor_id))


def _quote_row(article: Json, quote: Json) -> Row:
    return (
        _cell(article["id"]),
        _cell(article["date"]),
        *(_cell(quote[key]) for key in ("speaker", "speaker_name", "verb", "text", "url")),
    )


def _event_row(article: Json, event: Json, names: Mapping[str, str]) -> Row:
    code = event["code"]
    return (
        _cell(article["date"]),
        _cell(event["subject"]),
        names.get(str(event["subject"]), ""),
        _cell(event["action"]),
        _cell(event["object"]),
        names.get(str(event["object"]), ""),
        _cell(code),
        CAMEO_ROOTS.get(str(code)[:2], "") if code else "",
        _cell(event["quote"]),
        _cell(event["url"]),
        _cell(article["id"]),
        _cell(article["url"]),
    )
