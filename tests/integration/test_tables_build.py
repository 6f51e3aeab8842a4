"""data/*.csv in real builds: the tables say what the built data/archive.json says, and
an incremental build writes exactly the tables whose bytes change and equals a clean one."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from generator.plan.tables import TABLE_FILES
from tests.integration.test_pictures_build import (
    EARLIER,
    STUDY,
    build_edit_build,
    build_project,
    project,
)

CSV = tuple(f"data/{name}" for name in TABLE_FILES)


def read(site: Path, name: str) -> list[dict[str, str]]:
    data = (site / name).read_bytes()
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_built_tables_say_what_the_built_json_says(tmp_path: Path) -> None:
    root = project(tmp_path / "project")
    build_project(root)
    site = root / "site"
    archive = json.loads((site / "data/archive.json").read_text(encoding="utf-8"))
    articles = read(site, "data/articles.csv")
    assert [(r["id"], r["url"], r["title"], r["date"]) for r in articles] == [
        (a["id"], a["url"], a["title"], a["date"]) for a in archive["articles"]
    ]
    assert [(r["id"], r["name"], r["url"]) for r in read(site, "data/actors.csv")] == [
        (a["id"], a["name"], a["url"]) for a in archive["actors"]
    ]
    assert [(r["article"], r["actor"]) for r in read(site, "data/mentions.csv")] == [
        (a["id"], actor) for a in archive["articles"] for actor in a["actors"]
    ]
    assert [(r["text"], r["url"]) for r in read(site, "data/quotes.csv")] == [
        (q["text"], q["url"]) for a in archive["articles"] for q in a["quotes"]
    ]
    events = read(site, "data/events.csv")
    assert [
        (e["date"], e["subject"], e["action"], e["object"], e["cameo_code"]) for e in events
    ] == [("2023-03-01", "ada-okafor", "criticises", "river-authority", "111")]
    assert (
        events[0]["article_url"] == "https://example.github.io/gazette/2023/03/01/reservoir-opens/"
    )
    for name in CSV:
        assert (site / name).read_bytes().endswith(b"\r\n")


EDITS = {
    "co-mention": (
        EARLIER,
        "actors: [ada-okafor, river-authority]",
        "actors: [ada-okafor, river-authority, freedonia]",
    ),
    "event": (
        EARLIER,
        "  code: '111'\n",
        "  code: '111'\n- subject: river-authority\n  action: warns\n  object: ada-okafor\n",
    ),
    "date": (EARLIER, "date: 2023-03-01", "date: 2022-06-01"),
    "title": (EARLIER, "title: The reservoir opens", "title: The reservoir is open"),
    "body": (STUDY, "The River Authority published", "The River Authority released"),
}
CHANGED = {
    "co-mention": {"data/articles.csv", "data/mentions.csv", "data/actors.csv"},
    "event": {"data/articles.csv", "data/events.csv"},
    "date": {"data/articles.csv", "data/mentions.csv", "data/events.csv"},
    "title": {"data/articles.csv"},
    "body": set(),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edit_rewrites_only_the_tables_whose_bytes_change(name: str, tmp_path: Path) -> None:
    before, after, report = build_edit_build(tmp_path, EDITS[name])
    changed = {table for table in CSV if before[table] != after[table]}
    assert changed == CHANGED[name]
    assert set(report.changed_paths) & set(CSV) == changed
