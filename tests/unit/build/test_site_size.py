"""The site's size as GitHub Pages counts it: the tar that upload-pages-artifact packs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.build.build import build
from generator.build.site_size import PAGES_LIMIT_BYTES, human_bytes, measure
from generator.config import load_config
from tests.support import REPO


def files_of(folder: Path) -> list[tuple[str, int]]:
    return [
        (path.relative_to(folder).as_posix(), path.stat().st_size)
        for path in folder.rglob("*")
        if path.is_file()
    ]


def tar_size(folder: Path) -> int:
    # As actions/upload-pages-artifact packs the site.
    packed = subprocess.run(
        ["tar", "--dereference", "--hard-dereference", "-C", str(folder), "-cf", "-", "."],
        check=True,
        capture_output=True,
    )
    return len(packed.stdout)


@pytest.mark.skipif(shutil.which("tar") is None, reason="needs GNU tar")
def test_the_size_is_that_of_the_tar_github_pages_is_sent(tmp_path: Path) -> None:
    site = tmp_path / "site"
    long_folder = site / ("a-very-long-slug-" * 8)
    long_folder.mkdir(parents=True)
    (long_folder / ("é" * 70 + ".html")).write_text("x" * 700, encoding="utf-8")
    (site / "2023" / "09" / "11").mkdir(parents=True)
    (site / "2023" / "09" / "11" / "index.html").write_bytes(b"y" * 512)
    (site / "empty.txt").write_bytes(b"")
    (site / "index.html").write_bytes(os.urandom(10_000))

    size = measure(files_of(site))

    assert size.archive_bytes == tar_size(site)
    assert size.files == 4
    assert size.content_bytes == 700 + 512 + 10_000


def test_a_built_site_reports_its_size_in_the_summary(tmp_path: Path) -> None:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copy2(REPO / "site.yaml", tmp_path / "site.yaml")

    first = build(tmp_path, load_config(tmp_path))
    again = build(tmp_path, load_config(tmp_path))

    assert first.size is not None and again.size == first.size
    if shutil.which("tar"):
        assert first.size.archive_bytes == tar_size(tmp_path / "site")
    assert f"site {human_bytes(first.size.archive_bytes)}" in first.summary()
    assert "of GitHub Pages' 1 GB" in again.summary()
    assert not any("GitHub Pages" in warning for warning in first.warnings)


def test_a_site_over_the_limit_is_said_to_be_so() -> None:
    under = measure([("index.html", PAGES_LIMIT_BYTES - 100_000)])
    over = measure([("index.html", PAGES_LIMIT_BYTES // 2), ("big.json", PAGES_LIMIT_BYTES // 2)])

    assert not under.over_pages_limit and under.warning() is None
    assert over.over_pages_limit
    warning = over.warning()
    assert warning is not None and "over its limit of 1 GB" in warning
    assert "1.00 GB" in over.summary() and "100%" in over.summary()
