"""What ingest knew of each seed and its article, kept between runs in .cache/ingest/,
so that a seed that did not change, whose article is as ingest last saw it, is not
parsed and planned again.

The cache is a hint, never the truth: an entry is used only when the seed's and the
article's size, modification time and inode are those recorded (or, when they are not,
their bytes digest to what was recorded), and when the registry, the sources table,
the content folder and the generator's code are those the entry was made with. A
cache that cannot be read, is corrupt or was made by other code is ignored and made
again; one that cannot be written is left out, and ingest is only slower next time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.build.cache import CACHE_DIR, CACHE_VERSION
from generator.build.writer import write_atomically
from generator.content.actors import Actor

INGEST_CACHE_DIR = "ingest"
STATE_FILE = "state.json"
# Changes whenever what this file holds changes meaning.
FORMAT = 2


@dataclass(frozen=True, slots=True)
class Stamp:
    """What tells a file changed without reading it: any write changes the change time
    (which, unlike the modification time, no program can set back), a save by renaming
    the inode."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @staticmethod
    def of(info: os.stat_result) -> Stamp:
        return Stamp(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)

    def as_list(self) -> list[int]:
        return [self.size, self.mtime_ns, self.ctime_ns, self.inode]


@dataclass(frozen=True, slots=True)
class SeedRecord:
    """One seed as the last ingest left it. status is 'ingest' when the article holds
    exactly what ingesting the seed gives (so ingesting again, even with --force, would
    leave it unchanged), 'edited' when it was kept as an editor left it."""

    seed_stamp: Stamp
    seed_digest: str
    target: str
    target_stamp: Stamp
    target_digest: str
    status: str
    unlisted: tuple[tuple[str, str], ...] = ()  # (id, name) the article mentions, not listed


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    stamp: Stamp
    seed_name: str | None


@dataclass(slots=True)
class IngestCache:
    """The seeds and articles of the last ingest; changed in place, saved once."""

    path: Path | None
    fingerprint: str
    seeds: dict[str, SeedRecord] = field(default_factory=dict)
    articles: dict[str, ArticleRecord] = field(default_factory=dict)
    changed: bool = True  # False only for a cache read whole and left as it was read

    @staticmethod
    def load(root: Path | None, fingerprint: str) -> IngestCache:
        """The cache under root/.cache/ingest/ for this fingerprint; an empty one when
        there is none, it is unreadable or corrupt, or it was made for other inputs."""
        if root is None:
            return IngestCache(None, fingerprint)
        path = root / CACHE_DIR / INGEST_CACHE_DIR / STATE_FILE
        cache = IngestCache(path, fingerprint)
        try:
            data = json.loads(path.read_bytes())
            if data.get("format") != FORMAT or data.get("version") != CACHE_VERSION:
                return cache
            # Articles' seed names hold whatever the registry is: they are kept across
            # fingerprints. Seeds' outcomes are not.
            cache.articles = {
                str(name): ArticleRecord(stamp_from(stamp), None if seed is None else str(seed))
                for name, (stamp, seed) in data["articles"].items()
            }
            if data.get("fingerprint") == fingerprint:
                cache.seeds = {
                    str(name): _seed_record(entry) for name, entry in data["seeds"].items()
                }
                cache.changed = False
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return IngestCache(path, fingerprint)
        return cache

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        data = {
            "format": FORMAT,
            "version": CACHE_VERSION,
            "fingerprint": self.fingerprint,
            "seeds": {
                name: {
                    "seed": record.seed_stamp.as_list(),
                    "seed_digest": record.seed_digest,
                    "target": record.target,
                    "target_stamp": record.target_stamp.as_list(),
                    "target_digest": record.target_digest,
                    "status": record.status,
                    "unlisted": [list(pair) for pair in record.unlisted],
                }
                for name, record in sorted(self.seeds.items())
            },
            "articles": {
                name: [record.stamp.as_list(), record.seed_name]
                for name, record in sorted(self.articles.items())
            },
        }
        write_quietly(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def stamp_from(value: object) -> Stamp:
    size, mtime_ns, ctime_ns, inode = value  # type: ignore[misc]
    return Stamp(int(size), int(mtime_ns), int(ctime_ns), int(inode))


def _seed_record(entry: Mapping[str, object]) -> SeedRecord:
    status = str(entry["status"])
    if status not in ("ingest", "edited"):
        raise ValueError(status)
    return SeedRecord(
        seed_stamp=stamp_from(entry["seed"]),
        seed_digest=str(entry["seed_digest"]),
        target=str(entry["target"]),
        target_stamp=stamp_from(entry["target_stamp"]),
        target_digest=str(entry["target_digest"]),
        status=status,
        unlisted=tuple((str(i), str(n)) for i, n in entry.get("unlisted", ())),  # type: ignore[attr-defined]
    )


def write_quietly(path: Path, text: str) -> None:
    """Write whole or not at all; a cache that cannot be written is only a slower next run."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text.encode("utf-8"))


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return bytes_digest(path.read_bytes())
    except OSError:
        return None


def stamp_of(path: Path | str) -> Stamp | None:
    try:
        return Stamp.of(os.stat(path))
    except OSError:
        return None


def still(path: Path | str, stamp: Stamp, digest: str) -> Stamp | None:
    """The file's stamp now when it is the file recorded (the same stamp, or else the
    same bytes); None when it changed or is gone."""
    now = stamp_of(path)
    if now is None or now == stamp:
        return now
    if now.size == stamp.size and file_digest(Path(path)) == digest:
        return now
    return None


def fingerprint(
    actors: Sequence[Actor],
    sources: Mapping[str, str],
    content_dir: Path,
    extra: Iterable[str] = (),
) -> str:
    """What every planned article depends on besides its seed: the registry, the sources
    table, where articles go and the code (in the cache's version)."""
    digest = hashlib.sha256()
    for part in (
        repr(tuple(actors)),
        json.dumps(sorted(sources.items()), ensure_ascii=False),
        str(content_dir.resolve()),
        *extra,
    ):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()
