"""The actor network, events by month and "On this day" in real builds: valid HTML, the
same bytes every build and under any hash seed, and an incremental build equal to a
clean one after edits that change who appears with whom, events and dates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build.build import BuildReport, build
from generator.build.cache import CACHE_DIR
from generator.config import load_config
from tests.support import REPO, parse_page, visible_text
from tests.support import golden_project as make_project
from tests.support import site_tree as tree
from tests.support.npm_tools import VNU_JAR, npm_tool

NETWORK = "actors/network/index.html"
HOME = "index.html"
ADA = "actors/ada-okafor/index.html"
ACTORS = "actors/index.html"
EARLIER = "content/articles/2023/03/reservoir-opens.md"
STUDY = "content/articles/2024/03/authority-publishes-study.md"
# The golden fixture's newest article is of 1 March 2024: this one is "on this day".
EARLIER_TEXT = """\
---
title: The reservoir opens
date: 2023-03-01
actors: [ada-okafor, river-authority]
events:
- subject: ada-okafor
  action: criticises
  object: river-authority
  code: '111'
---
Ada Okafor criticised the River Authority as the reservoir opened.
"""


def project(folder: Path) -> Path:
    root = make_project(folder)
    (root / EARLIER).parent.mkdir(parents=True, exist_ok=True)
    (root / EARLIER).write_text(EARLIER_TEXT, encoding="utf-8")
    return root


def build_project(root: Path) -> BuildReport:
    return build(root, load_config(root))


def clean_site(root: Path, scratch: Path) -> dict[str, bytes]:
    copy = scratch / "clean"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(
        root, copy, ignore=shutil.ignore_patterns(CACHE_DIR, "site", ".site.marginalia")
    )
    build_project(copy)
    return tree(copy / "site")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = project(tmp_path_factory.mktemp("pictures") / "project")
    build_project(root)
    return root / "site"


def test_pages_are_valid_html_for_the_current_checker(built: Path) -> None:
    java = shutil.which("java")
    assert java is not None, "java is not on PATH; the Nu HTML Checker needs it"
    pages = [str(built / name) for name in (NETWORK, HOME, ADA, ACTORS)]
    result = subprocess.run(
        [java, "-jar", str(npm_tool(VNU_JAR)), "--errors-only", *pages],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_network_page_is_an_accessible_picture_with_its_table(built: Path) -> None:
    page = parse_page(built / NETWORK)
    svg = page.select_one("svg[role=img]")
    assert svg is not None
    labelled = svg["aria-labelledby"].split()
    assert [svg.find(id=name).name for name in labelled] == ["title", "desc"]
    assert not svg.select("a"), "an img's parts are not read: no links inside it"
    names = sorted(visible_text(t) for t in svg.select("text"))
    assert names == ["Ada Okafor", "Freedonia", "River Authority"]
    layer = page.select_one("svg.network-links[aria-hidden=true]")
    nodes = {a["href"]: visible_text(a.find("text")) for a in layer.select("a[tabindex='-1']")}
    assert nodes["/gazette/actors/ada-okafor/"] == "Ada Okafor"
    assert len(nodes) == 3
    rows = [[visible_text(cell) for cell in row.select("td")] for row in page.select("tbody tr")]
    assert ["Ada Okafor", "River Authority", "2"] in rows  # the dam plan and the reservoir
    links = {a["href"] for a in page.select("table a")}
    assert links == set(nodes)  # every actor drawn is reachable without the picture
    actors = parse_page(built / ACTORS)
    assert actors.find("a", href="/gazette/actors/network/") is not None


def test_actor_page_shows_events_by_month_beside_mentions(built: Path) -> None:
    page = parse_page(built / ADA)
    charts = page.select("section.timeline svg[role=img]")
    assert len(charts) == 2
    events = charts[1]
    assert "1 in all" in visible_text(events.find("title"))
    assert [visible_text(t) for t in events.select("rect title")] == ["March 2023: 1 event"]


def test_home_shows_on_this_day(built: Path) -> None:
    page = parse_page(built / HOME)
    section = page.select_one("section.on-this-day")
    assert section is not None
    assert visible_text(section.find("h2")) == "On this day, 1 March, in earlier years"
    assert section.find("a", href="/gazette/2023/03/01/reservoir-opens/") is not None


BUILD = """
import sys
from pathlib import Path
from generator.build.build import build
from generator.config import load_config
root = Path(sys.argv[1])
build(root, load_config(root))
"""


def test_the_same_bytes_every_build_and_under_any_hash_seed(built: Path, tmp_path: Path) -> None:
    for hash_seed in ("0", "4242"):
        root = project(tmp_path / f"seed-{hash_seed}")
        subprocess.run(
            [sys.executable, "-c", BUILD, str(root)],
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            check=True,
            timeout=300,
        )
        site = tree(root / "site")
        for name in (NETWORK, HOME, ADA):
            assert site[name] == (built / name).read_bytes(), (hash_seed, name)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


EDITS = {
    # Who appears with whom: Freedonia joins the reservoir article.
    "co-mention": (
        EARLIER,
        "actors: [ada-okafor, river-authority]",
        "actors: [ada-okafor, river-authority, freedonia]",
    ),
    # An event more, towards Freedonia.
    "event": (
        EARLIER,
        "  code: '111'\n",
        "  code: '111'\n- subject: river-authority\n  action: warns\n  object: freedonia\n",
    ),
    # Another day: no longer "on this day", and its month moves on the timelines.
    "date": (EARLIER, "date: 2023-03-01", "date: 2022-06-01"),
    # Only words: none of the pictures change.
    "body": (STUDY, "The River Authority published", "The River Authority released"),
}
CHANGED = {
    "co-mention": {NETWORK, ADA},  # and her "often with"
    "event": {NETWORK, ADA},
    "date": {HOME, ADA},
    "body": set(),
}


def build_edit_build(
    scratch: Path, change: tuple[str, str, str]
) -> tuple[dict[str, bytes], dict[str, bytes], BuildReport]:
    """Builds the project, makes one edit (path, old, new) and builds again: the site
    before and after, and the second build's report. The second build must equal a
    clean build of the edited project."""
    root = project(scratch / "project")
    build_project(root)
    before = tree(root / "site")
    path, old, new = change
    edit(root / path, old, new)
    report = build_project(root)
    after = tree(root / "site")
    assert after == clean_site(root, scratch)
    return before, after, report


@pytest.mark.parametrize("name", sorted(EDITS))
def test_incremental_equals_clean_after_an_edit(name: str, tmp_path: Path) -> None:
    before, after, report = build_edit_build(tmp_path, EDITS[name])
    pictures = {NETWORK, HOME, ADA}
    changed = {page for page in pictures if before[page] != after[page]}
    assert changed == CHANGED[name]
    # What did not change was not rewritten.
    assert not (pictures - changed) & set(report.changed_paths)
