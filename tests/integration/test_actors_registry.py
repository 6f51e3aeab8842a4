"""`marginalia actors` and `actors add` end to end, through the real command line
(python -m generator) in a temporary project: the candidates across the archive, a new
registry entry, the next ingest linking it in the unedited articles and listing the
edited ones, and the build linking the new actor on the page."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.content.frontmatter import split_front_matter
from tests.support import REPO

NAME = "Denis Manturov"


def seed(title: str, day: int, lead: str) -> str:
    return "\n\n".join(
        [
            title,
            f"Published in Reuters, on September {day}, 2023, By Jane Doe",
            f"MOSCOW (Reuters) - {lead}",
            f"Industry Minister {NAME} said the plants would open next year.",
            f"{NAME} visited a factory in the Urals on Tuesday.",
            "The ministry gave no figures for the cost of the programme.",
        ]
    )


HAND_WRITTEN = f"""---
title: A hand-written note on the industry ministry
date: 2023-09-20
---
Deputy Prime Minister {NAME} spoke at a forum in Kazan.

Later {NAME} met the governor of the region.
"""


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "content").mkdir()
    shutil.copy2(REPO / "content" / "actors.yaml", root / "content" / "actors.yaml")
    seeds = root / "seeds"
    seeds.mkdir()
    (seeds / "001_plants.txt").write_text(
        seed("Russia plans new tank plants", 12, "Russia will build new plants."), "utf-8"
    )
    (seeds / "002_exports.txt").write_text(
        seed("Russia looks for export markets", 13, "Russia seeks new buyers."), "utf-8"
    )
    hand = root / "content" / "articles" / "2023" / "09" / "hand-written-note.md"
    hand.parent.mkdir(parents=True)
    hand.write_text(HAND_WRITTEN, "utf-8")
    done = cli(root, "ingest")
    assert done.returncode == 0, done.stderr
    return root


def articles(root: Path) -> dict[str, Path]:
    return {p.name: p for p in (root / "content" / "articles").rglob("*.md")}


def actors_of(path: Path) -> list[str]:
    front = split_front_matter(path.read_text("utf-8"), path=path).data
    return list(front.get("actors") or [])


def test_actors_lists_a_candidate_with_its_article_count_and_an_example(project: Path) -> None:
    done = cli(project, "actors")
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if NAME in line]
    assert len(rows) == 1, done.stdout
    cells = [cell.strip() for cell in rows[0].strip("│┃| ").split("│")]
    # Three articles: two ingested and one written by hand; the first in path order.
    assert cells[:2] == [NAME, "3"]
    assert cells[2] == "content/articles/2023/09/hand-written-note.md"
    # Ranked: nothing named in fewer articles comes before it.
    assert done.stdout.index(NAME) < min(
        (done.stdout.index(n) for n in ("Kazan", "Urals") if n in done.stdout),
        default=len(done.stdout),
    )
    assert "Traceback" not in done.stdout + done.stderr


def test_actors_options_limit_and_min_articles(project: Path) -> None:
    assert NAME not in cli(project, "actors", "--min-articles", "4").stdout
    assert NAME in cli(project, "actors", "--min-articles", "3").stdout
    limited = cli(project, "actors", "--limit", "1").stdout
    rows = [line for line in limited.splitlines() if line.startswith("│")]
    assert len(rows) == 1 and NAME in rows[0], limited
    bad = cli(project, "actors", "--limit", "-2")
    assert bad.returncode == 2 and "not a whole number" in bad.stderr


def test_a_registered_name_is_never_a_candidate(project: Path) -> None:
    assert cli(project, "actors", "add", NAME, "--short", "Manturov").returncode == 0
    done = cli(project, "actors")
    assert done.returncode == 0
    assert NAME not in done.stdout


def test_add_then_ingest_links_the_unedited_articles_and_lists_the_edited_one(
    project: Path,
) -> None:
    found = articles(project)
    unedited = found["russia-plans-new-tank-plants.md"]
    edited = found["russia-looks-for-export-markets.md"]
    edited.write_text(edited.read_text("utf-8").replace("no figures", "no figure"), "utf-8")
    edited_bytes = edited.read_bytes()

    added = cli(project, "actors", "add", NAME, "--short", "Manturov")
    assert added.returncode == 0, added.stderr
    assert f"added {NAME} (denis-manturov, person)" in added.stderr

    done = cli(project, "ingest")
    assert done.returncode == 0, done.stderr
    assert "denis-manturov" in actors_of(unedited)
    assert edited.read_bytes() == edited_bytes  # an editor's file is never rewritten
    assert f"mentions {NAME} (denis-manturov), not in its actors: add it by hand" in done.stderr
    edited_line = next(line for line in done.stderr.splitlines() if edited.name in line)
    assert "kept (edited)" in edited_line

    built = cli(project, "build")
    assert built.returncode == 0, built.stderr
    page = project / "site" / "2023" / "09" / "12" / unedited.stem / "index.html"
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    links = [a for a in soup.select("a.actor") if a.get("href") == "/actors/denis-manturov/"]
    assert links and links[0].get_text() == NAME
    assert (project / "site" / "actors" / "denis-manturov" / "index.html").is_file()


def test_candidates_are_shown_once_not_on_every_ingest(project: Path) -> None:
    again = cli(project, "ingest")
    assert again.returncode == 0
    assert "candidate actors" not in again.stderr
    assert "2 seeds, 0 failed: 2 unchanged" in again.stderr
    assert "001_plants.txt" not in again.stderr  # counted, not listed
    verbose = cli(project, "ingest", "--verbose")
    assert "unchanged  001_plants.txt" in verbose.stderr
    # A changed seed is news again: its candidates are shown.
    plants = project / "seeds" / "001_plants.txt"
    plants.write_text(plants.read_text("utf-8") + "\n\nMore was said later.\n", "utf-8")
    changed = cli(project, "ingest")
    assert "updated  001_plants.txt" in changed.stderr
    assert f"candidate actors not in content/actors.yaml: {NAME}" in changed.stderr
    assert changed.stderr.count("candidate actors") == 1


def test_actors_listing_is_cached_and_follows_edits(project: Path) -> None:
    first = cli(project, "actors").stdout
    cache = project / ".cache" / "actors" / "candidates.json"
    assert cache.is_file()
    hand = articles(project)["hand-written-note.md"]
    hand.write_text(HAND_WRITTEN.replace(NAME, "the minister"), "utf-8")
    second = cli(project, "actors").stdout
    row = next(line for line in second.splitlines() if NAME in line)
    assert " 3 " in next(line for line in first.splitlines() if NAME in line)
    # The note no longer names him: two articles, the first ingested one the example.
    assert " 2 " in row and "russia-looks-for-export-markets.md" in row
    cache.write_text("{not json", "utf-8")
    assert cli(project, "actors").stdout == second


def test_add_with_alias_and_short_writes_them_and_several_names_refuse_them(
    project: Path,
) -> None:
    added = cli(project, "actors", "add", NAME, "--alias", "D. Manturov", "--short", "Manturov")
    assert added.returncode == 0, added.stderr
    from generator.content.loading import load_actors

    [actor] = [a for a in load_actors(project / "content") if a.name == NAME]
    assert actor.aliases == ("D. Manturov",) and actor.short == ("Manturov",)

    before = (project / "content" / "actors.yaml").read_bytes()
    both = cli(project, "actors", "add", "Anna Berg", "Carl Dahl", "--alias", "A. Berg")
    assert both.returncode == 1 and "--alias" in both.stderr
    assert (project / "content" / "actors.yaml").read_bytes() == before
