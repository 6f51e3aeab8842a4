"""The build cache on its own: what it gives back, what it forgets, and that a cache it
cannot trust is dropped, never read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

from generator.build.cache import CACHE_DIR, CACHE_FILE, CACHE_VERSION, BuildCache
from generator.content.loading import FileStamp
from tests.support.sample_archive import KIM_QUOTE, article

STAMP = FileStamp(mtime_ns=1_700_000_000_000_000_000, size=321)


def parsed(root: Path) -> tuple[str, object]:
    path = root / "content" / "articles" / "a.md"
    item = dataclasses.replace(
        article("a", "A title", dt.date(2023, 9, 1), quotes=(KIM_QUOTE,)), path=path
    )
    return str(path), item


def test_a_parsed_article_comes_back_from_a_new_cache_on_the_same_file(tmp_path: Path) -> None:
    key, item = parsed(tmp_path)
    first = BuildCache.in_folder(tmp_path)
    first.store_articles("scope", {key: (STAMP, item)})
    first.close()

    again = BuildCache.in_folder(tmp_path)
    mine = Path(key)
    found = again.parsed_articles("scope", {key: mine})
    assert found == {key: (STAMP, item)}
    assert found[key][1].path is mine  # the caller's Path, not a new one
    assert again.parsed_articles("another scope", {key: mine}) == {}


def test_articles_not_kept_are_forgotten(tmp_path: Path) -> None:
    _, item = parsed(tmp_path)
    cache = BuildCache.in_folder(tmp_path)
    cache.store_articles("s", {"a.md": (STAMP, item), "b.md": (STAMP, item)})
    cache.forget_articles_except(["b.md"])
    assert set(cache.parsed_articles("s", {})) == {"b.md"}


def test_bodies_are_kept_by_key_and_forgotten_unless_kept(tmp_path: Path) -> None:
    cache = BuildCache.in_folder(tmp_path)
    bodies = {f"key-{n}": f"<p>{n}</p>" for n in range(1200)}  # more than one query's worth
    cache.store_bodies(bodies)
    assert cache.bodies(bodies) == bodies
    cache.forget_bodies_except(["key-7"])
    assert cache.bodies(bodies) == {"key-7": "<p>7</p>"}


def test_the_input_snapshot_is_kept_per_site_and_can_be_dropped(tmp_path: Path) -> None:
    cache = BuildCache.in_folder(tmp_path)
    one, two = tmp_path / "site", tmp_path / "other-site"
    cache.store_input_snapshot(one, "snap", articles=12)
    assert (cache.input_snapshot(one), cache.snapshot_articles(one)) == ("snap", 12)
    assert cache.input_snapshot(two) is None
    cache.store_input_snapshot(one, None)
    assert cache.input_snapshot(one) is None


def test_a_cache_from_other_code_is_dropped_on_opening(tmp_path: Path) -> None:
    key, item = parsed(tmp_path)
    cache = BuildCache.in_folder(tmp_path)
    cache.store_articles("s", {key: (STAMP, item)})
    cache.store_bodies({"k": "<p>x</p>"})
    cache.close()
    with sqlite3.connect(tmp_path / CACHE_DIR / CACHE_FILE) as db:
        db.execute("UPDATE meta SET value = 'another version' WHERE key = 'version'")
    assert CACHE_VERSION != "another version"

    reopened = BuildCache.in_folder(tmp_path)
    assert reopened.parsed_articles("s", {}) == {}
    assert reopened.bodies(["k"]) == {}


def test_a_corrupt_cache_file_is_replaced_not_trusted(tmp_path: Path) -> None:
    file = tmp_path / CACHE_DIR / CACHE_FILE
    file.parent.mkdir()
    file.write_bytes(b"this is not a database" * 100)
    cache = BuildCache.in_folder(tmp_path)
    assert cache.bodies(["k"]) == {}
    cache.store_bodies({"k": "<p>x</p>"})
    assert cache.bodies(["k"]) == {"k": "<p>x</p>"}
