"""data/*.csv: RFC 4180 tables that say what data/archive.json says, and fingerprints
that change exactly when a table's bytes do."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.types import Event, Quote
from generator.plan.cameo import CAMEO_ROOTS
from generator.plan.contexts import GeneratedText, Page
from generator.plan.fingerprint import digest_of
from generator.plan.model import build_site
from generator.plan.opendata import kept_body, plan_open_data
from generator.plan.tables import (
    ACTORS_FILE,
    ARTICLES_FILE,
    EVENTS_FILE,
    MENTIONS_FILE,
    QUOTES_FILE,
    plan_tables,
)
from tests.support import REPO
from tests.unit.plan.test_opendata import ACTORS, NEWER, OLDER, TITLE, absolute

TABLES = (ARTICLES_FILE, ACTORS_FILE, MENTIONS_FILE, QUOTES_FILE, EVENTS_FILE)


def outputs(articles, actors=ACTORS) -> dict[str, Page]:
    site = build_site(articles, actors)
    return {
        page.path.removeprefix("data/"): page
        for page in plan_tables(site, absolute=absolute, title=TITLE)
    }


def text_of(page: Page) -> str:
    assert isinstance(page.context, GeneratedText)
    return page.context.text


def rows(page: Page) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text_of(page), newline="")))


@pytest.fixture(scope="module")
def tables() -> dict[str, Page]:
    return outputs((OLDER, NEWER))


@pytest.fixture(scope="module")
def archive() -> dict:
    site = build_site((OLDER, NEWER), ACTORS)
    pages = {
        p.path: p for p in plan_open_data(site, absolute=absolute, title=TITLE, body_text=kept_body)
    }
    return json.loads(text_of(pages["data/archive.json"]))


def joined(values: list[str]) -> str:
    return "; ".join(values)


def test_every_table_is_planned_under_data() -> None:
    assert sorted(outputs((OLDER, NEWER))) == sorted(TABLES)


def test_tables_are_rfc_4180_with_crlf_and_a_header(tables: dict[str, Page]) -> None:
    for name, page in tables.items():
        text = text_of(page)
        assert text.endswith("\r\n"), name
        assert "\n" not in text.replace("\r\n", ""), name  # no bare line ends
        assert not text.startswith("\ufeff"), name
        text.encode("utf-8")


def test_articles_table_says_what_the_json_says(tables: dict[str, Page], archive: dict) -> None:
    table = rows(tables[ARTICLES_FILE])
    assert [row["id"] for row in table] == [a["id"] for a in archive["articles"]]
    for row, article in zip(table, archive["articles"], strict=True):
        for key in ("id", "url", "title", "date"):
            assert row[key] == article[key]
        for key in ("source", "dek", "dateline", "agency"):
            assert row[key] == (article[key] or "")
        assert row["authors"] == joined(article["authors"])
        assert row["tags"] == joined(article["tags"])
        assert row["topics"] == joined(article["topics"])
        assert row["image_caption"] == ((article["image"] or {}).get("caption") or "")
        for key in ("actors", "quotes", "events", "annotations"):
            assert row[f"{key[:-1]}_count"] == str(len(article[key]))
    newer = table[0]
    assert newer["authors"] == "Ana Pérez; Bo Li"
    assert newer["image_credit"] == "File: AP photo"


def test_no_article_text_in_any_table(tables: dict[str, Page]) -> None:
    for page in tables.values():
        assert "secret body" not in text_of(page)


def test_actors_table_says_what_the_json_says(tables: dict[str, Page], archive: dict) -> None:
    table = rows(tables[ACTORS_FILE])
    assert len(table) == len(archive["actors"])
    for row, actor in zip(table, archive["actors"], strict=True):
        assert row["id"] == actor["id"]
        assert row["name"] == actor["name"]
        assert row["type"] == actor["type"]
        assert row["aliases"] == joined(actor["aliases"])
        assert row["country"] == (actor["country"] or "")
        assert row["url"] == actor["url"]
        assert row["articles"] == str(actor["articles"])


def test_mentions_are_every_article_actor_pair(tables: dict[str, Page], archive: dict) -> None:
    expected = [(a["id"], actor) for a in archive["articles"] for actor in a["actors"]]
    assert [(r["article"], r["actor"]) for r in rows(tables[MENTIONS_FILE])] == expected


def test_quotes_table_says_what_the_json_says(tables: dict[str, Page], archive: dict) -> None:
    expected = [(a["id"], a["date"], q) for a in archive["articles"] for q in a["quotes"]]
    table = rows(tables[QUOTES_FILE])
    assert len(table) == len(expected) == 3
    for row, (article_id, date, quote) in zip(table, expected, strict=True):
        assert (row["article"], row["date"]) == (article_id, date)
        for key in ("speaker", "speaker_name", "verb", "text", "url"):
            assert row[key] == (quote[key] or "")


def test_events_table_reads_as_gdelt_style_events(tables: dict[str, Page], archive: dict) -> None:
    names = {actor["id"]: actor["name"] for actor in archive["actors"]}
    expected = [(a, e) for a in archive["articles"] for e in a["events"]]
    table = rows(tables[EVENTS_FILE])
    assert len(table) == len(expected) == 2
    for row, (article, event) in zip(table, expected, strict=True):
        assert row["date"] == article["date"]
        assert (row["subject"], row["action"], row["object"]) == (
            event["subject"],
            event["action"],
            event["object"],
        )
        assert row["subject_name"] == names[event["subject"]]
        assert row["object_name"] == names[event["object"]]
        assert row["cameo_code"] == (event["code"] or "")
        assert row["url"] == event["url"]
        assert row["article"] == article["id"]
        assert row["article_url"] == article["url"]
    assert table[0]["cameo_category"] == CAMEO_ROOTS["02"]
    assert table[1]["cameo_category"] == ""


def test_formula_like_cells_are_kept_exactly() -> None:
    # Data users read these cells as data: a prefixed apostrophe would corrupt them.
    hostile = dataclasses.replace(
        NEWER,
        title='=HYPERLINK("http://evil.example","x")',
        dek="-3% in a year, +2 next",
        authors=("@someone", 'A "quoted", name\r\nwith a line end'),
        quotes=(Quote(text="=1+2", speaker_name="+Someone"),),
    )
    table = outputs((OLDER, hostile))
    article = rows(table[ARTICLES_FILE])[0]
    assert article["title"] == hostile.title
    assert article["dek"] == hostile.dek
    assert article["authors"] == '@someone; A "quoted", name\r\nwith a line end'
    quote = rows(table[QUOTES_FILE])[0]
    assert (quote["text"], quote["speaker_name"]) == ("=1+2", "+Someone")


def fingerprints(pages: dict[str, Page]) -> dict[str, str]:
    return {name: digest_of(page) for name, page in pages.items()}


def texts(pages: dict[str, Page]) -> dict[str, str]:
    return {name: text_of(page) for name, page in pages.items()}


EDITS = {
    "new event": lambda a: dataclasses.replace(
        a, events=(*a.events, Event(subject="kim-jong-un", object="russia", action="visits"))
    ),
    "new co-mention": lambda a: dataclasses.replace(a, actors=(*a.actors, "kim-jong-un")),
    "new date": lambda a: dataclasses.replace(a, date=a.date.replace(day=12)),
    "new body": lambda a: dataclasses.replace(a, body="Other words.", digest="other"),
    "new dek": lambda a: dataclasses.replace(a, dek="Another dek."),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edit_changes_the_tables_that_show_it_and_their_fingerprints(edit: str) -> None:
    before = outputs((OLDER, NEWER))
    after = outputs((EDITS[edit](OLDER), NEWER))
    old_prints, new_prints = fingerprints(before), fingerprints(after)
    old_texts, new_texts = texts(before), texts(after)
    changed = {name for name in TABLES if old_texts[name] != new_texts[name]}
    expected = {
        "new event": {ARTICLES_FILE, EVENTS_FILE, MENTIONS_FILE, ACTORS_FILE},
        "new co-mention": {ARTICLES_FILE, MENTIONS_FILE, ACTORS_FILE},
        "new date": {ARTICLES_FILE, QUOTES_FILE, MENTIONS_FILE},  # ids hold the date
        "new body": set(),
        "new dek": {ARTICLES_FILE},
    }[edit]
    assert changed == expected
    # A table whose bytes change is always planned again (the build then writes only
    # those whose bytes differ); words alone never cost the tables anything.
    for name in changed:
        assert old_prints[name] != new_prints[name], name
    if edit == "new body":
        assert old_prints == new_prints


def test_a_renamed_actor_changes_the_tables_that_name_it() -> None:
    renamed = tuple(
        dataclasses.replace(actor, name="Rossiya") if actor.id == "russia" else actor
        for actor in ACTORS
    )
    before, after = outputs((OLDER, NEWER)), outputs((OLDER, NEWER), renamed)
    changed = {name for name in TABLES if text_of(before[name]) != text_of(after[name])}
    assert changed == {ACTORS_FILE, EVENTS_FILE}
    for name in changed:
        assert digest_of(before[name]) != digest_of(after[name])


def test_the_rows_are_made_once_for_all_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.plan.tables as tables

    calls = []
    real = tables.archive_document
    monkeypatch.setattr(
        tables, "archive_document", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    pages = outputs((OLDER, NEWER))
    assert calls == []  # planning alone makes no rows
    texts(pages)
    assert calls == [1]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_any_text_round_trips_through_the_csv_module(title: str, speaker: str) -> None:
    article = dataclasses.replace(
        NEWER, title=title, quotes=(Quote(text="Words.", speaker_name=speaker),)
    )
    table = outputs((article,))
    assert rows(table[ARTICLES_FILE])[0]["title"] == title
    assert rows(table[QUOTES_FILE])[0]["speaker_name"] == speaker


def readme_columns() -> dict[str, tuple[str, ...]]:
    """The README's table of the CSV files: each file's columns, in order."""
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme[readme.index("### `site/data/*.csv`") :]
    columns = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 2 and cells[0].endswith(".csv`"):
            names = re.findall(r"`([a-z_]+)`(?: \([^)]*\))?", cells[1])
            columns[cells[0].strip("`")] = tuple(names)
    return columns


def test_each_tables_header_is_the_readmes_column_list(tables: dict[str, Page]) -> None:
    documented = readme_columns()
    assert sorted(documented) == sorted(TABLES)
    for name, page in tables.items():
        header = next(csv.reader(io.StringIO(text_of(page), newline="")))
        assert tuple(header) == documented[name], name
