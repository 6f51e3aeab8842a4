"""A cancelled build stops promptly and leaves site/ exactly as it was.

`marginalia serve` cancels the full build under way when the editor saves a note: the
save waits for that build to stop, so the build asks `cancelled` often, while it reads
the content and between batches of pages, not only between its big steps. Promptness
is counted in asks and batches, not timed: the `cancelled` here flips like serve's does
when a save comes in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build.build import BATCH_SIZE, BuildCancelled, build
from generator.config import load_config
from generator.content.loading import CHECK_EVERY
from generator.errors import ContentError
from tests.faults.conftest import (
    SITE,
    WORK,
    copy_project,
    make_project,
    set_revision,
    tree_bytes,
    write_article,
    write_file,
)

pytestmark = pytest.mark.faults

ARTICLES = 1200  # several checks' worth of files, and a process pool to render with
# Sorted after every article: read last, so only a build that read everything meets it.
BROKEN = "content/articles/2099/12/zz-broken.md"


class Flips:
    """A `cancelled` that answers True from its n-th ask on (never when n is 0), and
    counts the asks."""

    def __init__(self, at: int = 0) -> None:
        self.at = at
        self.asks = 0

    def __call__(self) -> bool:
        self.asks += 1
        return self.at > 0 and self.asks >= self.at


@pytest.fixture(scope="module")
def built(fast_tmp: Path) -> Path:
    root = make_project(fast_tmp / "cancel-pristine", articles=ARTICLES)
    build(root, load_config(root))
    return root


@pytest.fixture
def project(built: Path, fast_tmp: Path, request: pytest.FixtureRequest) -> Path:
    return copy_project(built, fast_tmp / f"cancel-{request.node.name}")


def rewrite_every_article(root: Path) -> None:
    """Every article must be read and parsed again: its title changed."""
    for number in range(ARTICLES):
        write_article(root, number, title=f"Article number {number}, revised")


def add_broken_article(root: Path) -> None:
    (root / BROKEN).parent.mkdir(parents=True, exist_ok=True)
    write_file(root / BROKEN, "---\ntitle: [unclosed\n---\nText.\n")


def assert_unchanged(root: Path, before: dict[str, bytes]) -> None:
    assert tree_bytes(root / SITE) == before, "the cancelled build changed site/"
    assert not (root / WORK / "staging").exists(), "the staged pages were left behind"


def test_while_reading_the_content_it_asks_once_in_a_few_hundred_files(project: Path) -> None:
    """Before the fix the build read every file before its first ask."""
    rewrite_every_article(project)
    add_broken_article(project)
    asks = Flips()
    # Loading reports the broken file only once it has read every article: every ask
    # before that error was made while taking stamps and reading.
    with pytest.raises(ContentError) as raised:
        build(project, load_config(project), cancelled=asks)
    assert "zz-broken.md" in str(raised.value.path)
    assert asks.asks >= 2 * (ARTICLES // CHECK_EVERY), asks.asks


@pytest.mark.parametrize("at", [2, 5, 9])
def test_cancelled_while_reading_stops_at_once_and_changes_nothing(project: Path, at: int) -> None:
    rewrite_every_article(project)
    add_broken_article(project)
    before = tree_bytes(project / SITE)
    cancelled = Flips(at)
    # Stopped before it read the broken file, the last one: no ContentError.
    with pytest.raises(BuildCancelled):
        build(project, load_config(project), cancelled=cancelled)
    assert cancelled.asks == at, "the build went on after `cancelled` said True"
    assert_unchanged(project, before)
    # The project is as good as before: the next build reports the broken file.
    (project / BROKEN).unlink()
    report = build(project, load_config(project))
    assert report.articles == ARTICLES


def test_cancelled_while_rendering_stops_after_the_batch_and_changes_nothing(
    project: Path,
) -> None:
    set_revision(project, "cancel")  # every page renders again
    before = tree_bytes(project / SITE)
    batches: list[int] = []

    def progress(done: int, _total: int) -> None:
        batches.append(done)

    def cancelled() -> bool:
        return bool(batches)  # a save comes in once the first batch of pages has rendered

    with pytest.raises(BuildCancelled):
        build(project, load_config(project), cancelled=cancelled, progress=progress)
    # Before the fix every batch rendered (ARTICLES / BATCH_SIZE and more) first.
    assert len(batches) == 1, f"{len(batches)} batches of {BATCH_SIZE} pages rendered"
    assert_unchanged(project, before)
    after = build(project, load_config(project))
    assert after.rendered > ARTICLES
