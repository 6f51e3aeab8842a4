"""Read content/ from disk: the actor registry, the article files, a body read again.

The cache of parsed articles is whatever the caller gives (the build's BuildCache):
content knows only the three calls it makes on it, so it never imports the build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from generator.content.actors import Actor, parse_actor_registry
from generator.content.frontmatter import (
    ContentLoader,
    body_of,
    normalise_newlines,
    parse_yaml,
)
from generator.content.types import (
    ACTORS_FILE,
    ARTICLES_DIR,
    Article,
    text_digest,
)
from generator.content.validation import parse_article
from generator.errors import (
    BuildErrors,
    ContentError,
    MarginaliaError,
    SourceChanged,
)
from generator.parallel import cpu_count, map_batches


@dataclass(frozen=True, slots=True)
class FileStamp:
    mtime_ns: int
    size: int


class ArticleCache(Protocol):
    """What loading asks of a cache of parsed articles (build.cache.BuildCache is one)."""

    def parsed_articles(
        self, scope: str, paths: Mapping[str, Path]
    ) -> dict[str, tuple[FileStamp, object]]: ...

    def store_articles(
        self, scope: str, entries: Mapping[str, tuple[FileStamp, object]]
    ) -> None: ...

    def forget_articles_except(self, paths: Iterable[str]) -> None: ...


def _registry_entry_lines(text: str) -> dict[int, int]:
    """Entry index -> 1-based line of its '- ' in a top-level YAML list."""
    starts = [
        number
        for number, line in enumerate(normalise_newlines(text).split("\n"), start=1)
        if line.startswith("- ") or line == "-"
    ]
    return dict(enumerate(starts))


def load_actors(content_dir: Path) -> tuple[Actor, ...]:
    path = content_dir / ACTORS_FILE
    if not path.exists():
        return ()
    text = path.read_text(encoding="utf-8")
    data = parse_yaml(normalise_newlines(text), path=path, loader=ContentLoader)
    if data is None:
        return ()
    return parse_actor_registry(data, path=path, lines=_registry_entry_lines(text))


# A cancellable caller is asked whether to stop once in this many files: often enough
# that a build stops within a few milliseconds, rarely enough to cost nothing.
CHECK_EVERY = 256

Checkpoint = Callable[[], None]
"""Called now and then by a long step; it raises to stop the step (a build's
BuildCancelled). Content never imports the build, so it only calls it."""


def _go_on() -> None:
    """The checkpoint of a caller that never stops a step."""


def file_stamps(folder: Path, *, checkpoint: Checkpoint = _go_on) -> dict[str, FileStamp]:
    """The size and modification time of every file under a folder (following links to
    folders), by path, each folder's entries by name; an empty dict when there is no
    folder. checkpoint() is called at each folder and once in CHECK_EVERY files."""
    found: dict[str, FileStamp] = {}
    _add_stamps(os.fspath(folder), found, checkpoint)
    return found


def _add_stamps(folder: str, found: dict[str, FileStamp], checkpoint: Checkpoint) -> None:
    # Paths as text, into one dict: a built site is 15,000 folders of one page each,
    # which check walks whenever it is run.
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return
    for number, entry in enumerate(entries):
        if number % CHECK_EVERY == 0:
            checkpoint()
        try:
            if entry.is_dir():
                _add_stamps(entry.path, found, checkpoint)
            else:
                stat = entry.stat()
                found[entry.path] = FileStamp(stat.st_mtime_ns, stat.st_size)
        except OSError:
            continue  # gone since it was listed


def article_paths(content_dir: Path) -> list[Path]:
    # The order of Paths, by their parts as tuples: Path's own comparisons run Python
    # code each, 100,000 of them for 10,000 files.
    return sorted((content_dir / ARTICLES_DIR).rglob("*.md"), key=lambda path: path.parts)


# The largest article file a build reads, the same as the largest seed ingest reads.
# Far beyond any news article (a long one is 100 KiB), and small enough that one file
# cannot hold a build for long or take its memory.
MAX_ARTICLE_BYTES = 16 * 1024 * 1024


def _too_big(path: Path, size: int) -> ContentError:
    return ContentError(
        f"the file is {_mebibytes(size)}, over the limit of "
        f"{_mebibytes(MAX_ARTICLE_BYTES)} for an article",
        path=path,
        fix="split it into several articles, or move what is not article text out of content/",
    )


def _mebibytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB ({size:,} bytes)"


# Parsing is spread over the cores when there are at least this many files to parse.
PARALLEL_PARSE_THRESHOLD = 2000


@dataclass(frozen=True, slots=True)
class _ParseJob:
    paths: Sequence[Path]
    stamps: Sequence[FileStamp]  # taken before the cache was consulted, so before the read
    known: Mapping[str, Actor]


_Parsed = tuple[int, FileStamp, "Article | None", list[MarginaliaError]]


def _parse_batch(job: _ParseJob, batch: Sequence[int]) -> list[_Parsed]:
    parsed: list[_Parsed] = []
    for index in batch:
        path, stamp = job.paths[index], job.stamps[index]
        if stamp.size > MAX_ARTICLE_BYTES:
            parsed.append((index, stamp, None, [_too_big(path, stamp.size)]))
            continue
        try:
            data = _read_at_most(path, MAX_ARTICLE_BYTES)
            text = data.decode("utf-8")
        except _TooBig as big:
            parsed.append((index, stamp, None, [_too_big(path, big.size)]))
            continue
        except UnicodeDecodeError as error:
            problem = ContentError(
                f"the file is not UTF-8 text (byte {error.start})",
                path=path,
                fix="save the file as UTF-8",
            )
            parsed.append((index, stamp, None, [problem]))
            continue
        article, problems = parse_article(text, path=path, known_actors=job.known)
        # Bodies are read again when their page renders: an archive of 100,000 articles
        # would otherwise hold a gigabyte of text through the whole build.
        if article is not None:
            article = dataclasses.replace(article, body="")
        parsed.append((index, stamp, article, problems))
    return parsed


class _TooBig(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


def _read_at_most(path: Path, limit: int) -> bytes:
    """The file's bytes; _TooBig, without reading on, when it has more than `limit`
    (it may have grown since its size was taken)."""
    with path.open("rb") as file:
        data = file.read(limit + 1)
        if len(data) > limit:
            file.seek(0, os.SEEK_END)
            raise _TooBig(file.tell())
    return data


def read_body(article: Article) -> str:
    """The body of a loaded article, read from its file (loading keeps no bodies)."""
    try:
        text = article.path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(
            f"the file could not be read again while the site was built: {error}",
            path=article.path,
            fix="build again",
        ) from None
    if text_digest(text) != article.digest:
        raise SourceChanged(
            "the file changed while the site was being built",
            path=article.path,
            fix="build again",
        )
    return body_of(text, path=article.path).strip("\n")


def load_articles(
    content_dir: Path,
    actors: Iterable[Actor],
    *,
    cache: ArticleCache | None = None,
    stamps: Mapping[str, FileStamp] | None = None,
    checkpoint: Checkpoint = _go_on,
) -> tuple[Article, ...]:
    """Every article under content/articles, or all the problems found in all of them.

    A file whose size and modification time are those of the cached parse is not read.
    stamps: file_stamps of the content folder, when the caller has taken them already.
    checkpoint() is called once in CHECK_EVERY files and between the steps; what it
    raises stops the loading, before anything is stored in the cache.
    """
    known = {actor.id: actor for actor in actors}
    # A parse checks actor ids, so it is only reusable with the same set of ids.
    scope = text_digest("\n".join(sorted(known)))
    if stamps is None:
        stamps = file_stamps(content_dir / ARTICLES_DIR, checkpoint=checkpoint)
    folder = f"{content_dir / ARTICLES_DIR}{os.sep}"
    by_path: dict[Path, FileStamp] = {}
    for number, (name, stamp) in enumerate(stamps.items()):
        if number % CHECK_EVERY == 0:
            checkpoint()
        if name.startswith(folder) and name.endswith(".md"):
            by_path[Path(name)] = stamp
    paths = sorted(by_path, key=lambda path: path.parts)  # as article_paths sorts
    checkpoint()
    cached = cache.parsed_articles(scope, {str(path): path for path in paths}) if cache else {}
    found: list[Article | None] = [None] * len(paths)
    to_parse: list[int] = []
    for index, path in enumerate(paths):
        if index % CHECK_EVERY == 0:
            checkpoint()
        hit = cached.get(str(path))
        if hit is not None and hit[0] == by_path[path]:
            found[index] = hit[1]  # type: ignore[assignment]
        else:
            to_parse.append(index)

    batches = map_batches(
        _parse_batch,
        _ParseJob(paths, [by_path[path] for path in paths], known),
        to_parse,
        batch_size=CHECK_EVERY,
        workers=cpu_count() if len(to_parse) >= PARALLEL_PARSE_THRESHOLD else 1,
        on_batch=lambda _done: checkpoint(),
    )
    checkpoint()
    fresh: dict[str, tuple[FileStamp, object]] = {}
    errors: list[MarginaliaError] = []
    for index, stamp, article, problems in (item for batch in batches for item in batch):
        errors.extend(problems)
        if article is not None:
            found[index] = article
            fresh[str(paths[index])] = (stamp, article)
    articles = [article for article in found if article is not None]
    if cache is not None:
        cache.store_articles(scope, fresh)
        if len(cached) + len(fresh) > len(paths):
            cache.forget_articles_except(str(path) for path in paths)
    errors.extend(_duplicate_urls(articles))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise BuildErrors(errors)
    return tuple(articles)


def _duplicate_urls(articles: Iterable[Article]) -> list[MarginaliaError]:
    seen: dict[tuple[dt.date, str], Article] = {}
    errors: list[MarginaliaError] = []
    for article in articles:
        key = (article.date, article.slug)
        if key in seen:
            errors.append(
                ContentError(
                    f"two articles of {article.date} have the slug '{article.slug}' "
                    f"(the other is {seen[key].path})",
                    path=article.path,
                    fix="rename one of the files",
                )
            )
        seen.setdefault(key, article)
    return errors
