"""End-to-end fixtures: real projects in temporary folders, ingested and built by the real CLI."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup, Tag

from generator.cli import main
from tests.support import REPO, parse_page, visible_text

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ARCHIVE_BASE_URL = "https://example.github.io/archive/"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]

HOSTILE_HEADLINE = '<script>alert("x")</script> Breaking & <b>bold</b>'
HOSTILE_SEED_NAME = "001_hostile.txt"
# The layout of seeds/000_fb03fb027bc92a78.txt: artefact, headline, caption [credit],
# byline, dek, body. Dated the day after the real seed, so it is the latest edition.
HOSTILE_SEED = "\n\n".join(
    [
        "Previous Editions",
        HOSTILE_HEADLINE,
        "Crowds hold <i onmouseover=alert(2)>signs</i> outside [File: <script>alert(3)</script>]",
        "Published in AlJazeera, on Sep 12th, 2023, By Jane Doe",
        'A dek that hides <script>alert("dek")</script> in plain sight.',
        "Officials said <script>alert(1)</script> was found on a page about Vladimir Putin.",
        "Another page had <img src=x onerror=alert(1)> in it.",
        "Readers were told to [click](javascript:alert(1)) a link.",
        "end of list",
        "Matthew Miller said the State Department was looking into it.",
    ]
)


def run_cli(root: Path, *args: str) -> int:
    """The real command line, in-process, on the project at root."""
    return main(["--root", str(root), *args])


def make_project(folder: Path, *, extra_seeds: Mapping[str, str] | None = None) -> Path:
    """A project as a user has it before ingest: seeds, templates and the actor registry."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "seeds", folder / "seeds")
    shutil.copytree(REPO / "templates", folder / "templates")
    (folder / "content").mkdir()
    shutil.copy2(REPO / "content" / "actors.yaml", folder / "content" / "actors.yaml")
    for name, text in (extra_seeds or {}).items():
        (folder / "seeds" / name).write_text(text, encoding="utf-8")
    return folder


def ingest_and_build(root: Path, *build_args: str) -> Path:
    assert run_cli(root, "ingest") == 0, "ingest failed"
    assert run_cli(root, "build", *build_args) == 0, "build failed"
    return root


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The shipped seed, ingested and built at the root base path."""
    root = make_project(tmp_path_factory.mktemp("root-site") / "project")
    yield ingest_and_build(root)


@pytest.fixture(scope="session")
def archive_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The shipped seed, built for a GitHub Pages project site under /archive/."""
    root = make_project(tmp_path_factory.mktemp("archive-site") / "project")
    yield ingest_and_build(root, "--base-url", ARCHIVE_BASE_URL)


@pytest.fixture(scope="session")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The shipped seed and a seed full of markup and script, built side by side."""
    root = make_project(
        tmp_path_factory.mktemp("hostile-site") / "project",
        extra_seeds={HOSTILE_SEED_NAME: HOSTILE_SEED},
    )
    yield ingest_and_build(root)


@pytest.fixture(scope="session")
def hostile_headline() -> str:
    return HOSTILE_HEADLINE


@pytest.fixture(scope="session")
def soup() -> Callable[[Path], BeautifulSoup]:
    """soup(path): a built page parsed with BeautifulSoup's html.parser."""
    return parse_page


@pytest.fixture(scope="session")
def text() -> Callable[[Tag], str]:
    """text(element): the element's visible text, whitespace collapsed."""
    return visible_text


@pytest.fixture(scope="session")
def cli() -> Callable[..., int]:
    """cli(root, *args): run the real CLI on a project; returns the exit code."""
    return run_cli


@pytest.fixture(scope="session")
def new_project() -> Callable[..., Path]:
    """new_project(folder, extra_seeds=None): a fresh, not yet ingested project."""
    return make_project


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright; one per test module. Skips the
    test when Chromium or Playwright is not installed (Playwright is imported only here)."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
