"""Candidate actors across the whole archive: names that look like actors but are not
in the registry, with how many articles name each and one of them as an example.

Every article under content/articles counts, ingested or written by hand: its body's
text is what a reader sees. Each article's candidates are kept in
.cache/actors/candidates.json with the file's stamp and digest and the registry's
fingerprint, so a second run reads only what changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.body.body_markup import plain_text
from generator.build.cache import CACHE_DIR, CACHE_VERSION
from generator.content.actors import Actor, ActorMatcher, build_matcher
from generator.content.frontmatter import body_of
from generator.content.loading import MAX_ARTICLE_BYTES, article_paths
from generator.errors import MarginaliaError
from generator.ingest.attribution import find_candidate_actors
from generator.ingest.ingest_cache import (
    Stamp,
    bytes_digest,
    stamp_from,
    stamp_of,
    write_quietly,
)
from generator.parallel import cpu_count, map_batches

CANDIDATES_CACHE = Path(CACHE_DIR, "actors", "candidates.json")
FORMAT = 2
# Worth forking for: below this many articles to read, one process is quicker.
PARALLEL_THRESHOLD = 200


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str
    articles: int  # how many articles name it
    example: Path  # the first of them, in path order


@dataclass(frozen=True, slots=True)
class _Entry:
    stamp: Stamp
    digest: str
    names: tuple[str, ...]


def registry_fingerprint(actors: Sequence[Actor]) -> str:
    return hashlib.sha256(repr(tuple(actors)).encode("utf-8", "surrogatepass")).hexdigest()


def archive_candidates(
    content_dir: Path,
    actors: Sequence[Actor],
    *,
    cache_root: Path | None = None,
    workers: int | None = None,
) -> tuple[Candidate, ...]:
    """Every candidate of the archive, most articles first, then by name."""
    registry = registry_fingerprint(actors)
    cache_path = cache_root / CANDIDATES_CACHE if cache_root is not None else None
    known = _load(cache_path, registry)
    paths = article_paths(content_dir)
    entries: dict[str, _Entry] = {}
    to_read: list[int] = []
    stamps: list[Stamp | None] = []
    for index, path in enumerate(paths):
        stamp = stamp_of(path)
        stamps.append(stamp)
        entry = known.get(str(path))
        if stamp is not None and entry is not None and entry.stamp == stamp:
            entries[str(path)] = entry
        else:
            to_read.append(index)
    if workers is None:
        workers = cpu_count() if len(to_read) >= PARALLEL_THRESHOLD else 1
    job = _Job(tuple(paths), tuple(stamps), build_matcher(actors), known)
    for batch in map_batches(_read_batch, job, to_read, batch_size=64, workers=max(1, workers)):
        for index, entry in batch:
            if entry is not None:
                entries[str(paths[index])] = entry
    if cache_path is not None and (to_read or len(known) != len(entries)):
        _save(cache_path, registry, entries)
    return count_candidates(
        [(path, entries[str(path)].names) for path in paths if str(path) in entries], actors
    )


def count_candidates(
    found: Sequence[tuple[Path, Sequence[str]]], actors: Sequence[Actor]
) -> tuple[Candidate, ...]:
    """(article, its candidates) -> each name with its article count and first article,
    most articles first, ties by name; names the registry knows are never shown. Pure."""
    matcher = build_matcher(actors)
    counts: dict[str, int] = {}
    examples: dict[str, Path] = {}
    for path, names in found:
        for name in dict.fromkeys(names):
            counts[name] = counts.get(name, 0) + 1
            examples.setdefault(name, path)
    shown = [name for name in counts if not matcher.knows(name)]
    shown.sort(key=lambda name: (-counts[name], name))
    return tuple(Candidate(name, counts[name], examples[name]) for name in shown)


@dataclass(frozen=True, slots=True)
class _Job:
    paths: tuple[Path, ...]
    stamps: tuple[Stamp | None, ...]
    matcher: ActorMatcher
    known: Mapping[str, _Entry]


def _read_batch(job: _Job, batch: Sequence[int]) -> list[tuple[int, _Entry | None]]:
    done: list[tuple[int, _Entry | None]] = []
    for index in batch:
        path, stamp = job.paths[index], job.stamps[index]
        if stamp is None or stamp.size > MAX_ARTICLE_BYTES:
            done.append((index, None))  # the build says what is wrong with it
            continue
        try:
            data = path.read_bytes()
        except OSError:
            done.append((index, None))
            continue
        digest = bytes_digest(data)
        entry = job.known.get(str(path))
        if entry is not None and entry.digest == digest:
            done.append((index, _Entry(stamp, digest, entry.names)))  # touched, not changed
            continue
        done.append((index, _Entry(stamp, digest, _candidates_of(data, path, job.matcher))))
    return done


def _candidates_of(data: bytes, path: Path, matcher: ActorMatcher) -> tuple[str, ...]:
    try:
        body = body_of(data.decode("utf-8"), path=path)
    except (UnicodeDecodeError, MarginaliaError):
        return ()  # the build reports a file that is not an article
    paragraphs = [block for block in plain_text(body).split("\n\n") if block.strip()]
    return find_candidate_actors(paragraphs, matcher)


def _load(path: Path | None, registry: str) -> dict[str, _Entry]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_bytes())
        if (data.get("format"), data.get("version"), data.get("registry")) != (
            FORMAT,
            CACHE_VERSION,
            registry,
        ):
            return {}
        return {
            str(name): _Entry(stamp_from(stamp), str(digest), tuple(str(n) for n in names))
            for name, (stamp, digest, names) in data["articles"].items()
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}  # unreadable or corrupt: made again


def _save(path: Path, registry: str, entries: Mapping[str, _Entry]) -> None:
    data = {
        "format": FORMAT,
        "version": CACHE_VERSION,
        "registry": registry,
        "articles": {
            name: [entry.stamp.as_list(), entry.digest, list(entry.names)]
            for name, entry in sorted(entries.items())
        },
    }
    write_quietly(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
