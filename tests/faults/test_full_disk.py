"""A full disk: the build says so (no traceback), leaves the previous site exactly as it
was, and once there is room again the next build gives the new site. Run on a small
tmpfs of its own, so only root can run it (CI runs as root)."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.errors import ContentError
from generator.ingest.ingest import write_text_atomically
from tests.faults.conftest import (
    SITE,
    TIMEOUT,
    assert_no_traceback,
    assert_same_tree,
    change_inputs,
    clean_site,
    make_project,
    marginalia,
    set_revision,
    tree_bytes,
    which_site,
)

pytestmark = pytest.mark.faults

DISK_SIZE = "24m"
ARTICLES = 40
CHUNK = 1 << 20
DISK_FULL = ("no space", "disk is full", "disk full", "space left")


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs of its own, unmounted afterwards whatever happens."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill needs root (CI runs as root)")
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=755", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], timeout=TIMEOUT).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], timeout=TIMEOUT)


def free_bytes(folder: Path) -> int:
    status = os.statvfs(folder)
    return status.f_bavail * status.f_frsize


def fill(disk: Path, *, leave: int) -> Path:
    """Fill the disk with zeros until it is full (ENOSPC), then give back `leave` bytes."""
    filler = disk / "filler"
    zeros = bytes(CHUNK)
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        while True:
            os.write(descriptor, zeros)
    except OSError as error:
        assert error.errno == errno.ENOSPC, error
    finally:
        os.close(descriptor)
    # What was written before the disk was full; then shrink it to leave some room.
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - leave))
    return filler


def assert_says_disk_full(result: subprocess.CompletedProcess[str], what: str) -> None:
    assert result.returncode == 1, f"{what}: exit {result.returncode}:\n{result.stderr}"
    assert_no_traceback(result, what)
    message = result.stderr.lower()
    assert any(words in message for words in DISK_FULL), (
        f"{what}: the message does not say the disk is full:\n{result.stderr}"
    )


def test_a_full_disk_leaves_the_old_site_and_the_next_build_recovers(disk: Path) -> None:
    root = make_project(disk / "project", articles=ARTICLES)
    result = marginalia(root, "build")
    assert result.returncode == 0, result.stderr
    old = tree_bytes(root / SITE)
    change_inputs(root)
    new = clean_site(root)

    filler = fill(disk, leave=16 * 1024)
    try:
        result = marginalia(root, "build")
        assert_says_disk_full(result, "a build on a full disk")
        assert_same_tree(tree_bytes(root / SITE), old, "the site after a build on a full disk")
        # Again, with the first failure's leftovers there: still the old site.
        result = marginalia(root, "build")
        assert_says_disk_full(result, "a second build on a full disk")
        assert_same_tree(tree_bytes(root / SITE), old, "the site after the second one")
    finally:
        filler.unlink()
    result = marginalia(root, "build")
    assert result.returncode == 0, result.stderr
    assert_same_tree(tree_bytes(root / SITE), new, "the build once there is room again")


def test_a_disk_that_fills_while_the_build_writes(disk: Path) -> None:
    root = make_project(disk / "project", articles=ARTICLES)
    result = marginalia(root, "build")
    assert result.returncode == 0, result.stderr
    # Every page changes: the new pages need about as much room as the HTML there is.
    needed = sum(
        len(data) for path, data in tree_bytes(root / SITE).items() if path.endswith(".html")
    )
    outcomes = []
    for step, share in enumerate((0.2, 0.5, 0.9)):
        old = tree_bytes(root / SITE)
        set_revision(root, f"fill-{step}")
        new = clean_site(root)
        filler = fill(disk, leave=int(needed * share))
        try:
            result = marginalia(root, "build")
            site = which_site(tree_bytes(root / SITE), old, new)
            outcomes.append(
                f"{share:.0%} of the room needed: exit {result.returncode}, site {site}"
            )
            assert_no_traceback(result, f"a build with {share:.0%} of the room it needs")
            if result.returncode != 0:
                assert_says_disk_full(result, f"a build with {share:.0%} of the room it needs")
            if share < 0.5 + 0.01:
                assert result.returncode == 1, "\n".join(outcomes)
            assert site == ("new" if result.returncode == 0 else "old"), "\n".join(outcomes)
        finally:
            filler.unlink()
        result = marginalia(root, "build")
        assert result.returncode == 0, result.stderr
        assert_same_tree(tree_bytes(root / SITE), new, "the build once there is room again")


def test_an_article_saved_on_a_full_disk_is_as_it_was(disk: Path) -> None:
    """What the editor, ingest and annotations import write an article with: a full disk
    is said, and the article keeps its old bytes, with nothing left beside it."""
    article = disk / "article.md"
    article.write_text("---\ntitle: Old\n---\nOld text.\n", encoding="utf-8")
    before = article.read_bytes()
    fill(disk, leave=0)
    with pytest.raises(ContentError, match="No space left") as raised:
        write_text_atomically(article, "new text\n" * 100_000, durable=True)
    assert "nothing was changed" in str(raised.value.fix)
    assert article.read_bytes() == before
    assert sorted(path.name for path in disk.iterdir()) == ["article.md", "filler"]
