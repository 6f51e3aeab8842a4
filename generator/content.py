"""Load articles and the actor registry from content/: the reading edge of a build."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from generator.actors import Actor, parse_actor_registry
from generator.cache import BuildCache, FileStamp
from generator.errors import BuildErrors, ContentError, MarginaliaError
from generator.frontmatter import FrontMatter, normalise_newlines, parse_yaml, split_front_matter
from generator.parallel import cpu_count, map_batches

ARTICLES_DIR = "articles"
ACTORS_FILE = "actors.yaml"

T = TypeVar("T")

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class AnnotationKind(StrEnum):
    CONTEXT = "context"
    FACT_CHECK = "fact-check"
    CORRECTION = "correction"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class ArticleImage:
    caption: str
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    text: str
    speaker: str | None = None  # an actor id
    speaker_name: str | None = None  # a speaker not (yet) in the registry
    verb: str | None = None


@dataclass(frozen=True, slots=True)
class Annotation:
    quote: str
    kind: AnnotationKind
    note: str
    prefix: str | None = None
    suffix: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    path: Path  # the content file, as given to the loader
    slug: str
    title: str
    date: dt.date
    body: str  # Markdown
    body_line: int
    source: str | None = None
    authors: tuple[str, ...] = ()
    dek: str | None = None
    dateline: str | None = None
    image: ArticleImage | None = None
    actors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # topics
    quotes: tuple[Quote, ...] = ()
    annotations: tuple[Annotation, ...] = ()
    seed: str | None = None
    digest: str = ""  # of the file's text: what the article page was built from


ARTICLE_FIELDS = (
    "title",
    "date",
    "source",
    "authors",
    "dek",
    "dateline",
    "image",
    "actors",
    "tags",
    "quotes",
    "annotations",
    "seed",
    "ingest_digest",
)


class _Problems:
    """Collects every error in a file, so one build reports them all."""

    def __init__(self, path: Path, front: FrontMatter) -> None:
        self.path = path
        self.front = front
        self.errors: list[MarginaliaError] = []

    def add(self, what: str, fix: str, *, key: str, index: int | None = None) -> None:
        # A missing field is reported at the opening fence, where the front matter starts.
        line = self.front.line_of(key, index) or 1
        self.errors.append(ContentError(what, path=self.path, line=line, fix=fix))


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _text(value: object) -> str | None:
    """A scalar from YAML as text; YAML turns 'Yes' or '2023' into other types."""
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value).strip()
        return text or None
    return None


def parse_article(
    text: str, *, path: Path, known_actors: Mapping[str, Actor]
) -> tuple[Article | None, list[MarginaliaError]]:
    """One content file -> an Article, or every problem found in it."""
    try:
        front = split_front_matter(text, path=path)
    except MarginaliaError as error:
        return None, [error]
    data = front.data
    problems = _Problems(path, front)

    for key in data:
        if key not in ARTICLE_FIELDS:
            problems.add(
                f"unknown field '{key}'{_did_you_mean(str(key), ARTICLE_FIELDS)}",
                f"the article fields are: {', '.join(ARTICLE_FIELDS)}",
                key=str(key),
            )

    for key in ("title", "dek", "dateline", "source"):
        if isinstance(data.get(key), bool):
            problems.add(
                f"YAML read '{key}' as a yes/no value, not as text",
                f'put the {key} in quotes, e.g. {key}: "No"',
                key=key,
            )
    title = _text(data.get("title"))
    if title is None and not isinstance(data.get("title"), bool):
        problems.add(
            "the article has no title",
            "add a line 'title: <the headline>' to the front matter",
            key="title",
        )
    date = _parse_date(data.get("date"))
    if date is None:
        problems.add(
            f"'date' must be a date like 2023-09-11, got {data.get('date')!r}",
            "write the publication date as 'date: YYYY-MM-DD'",
            key="date",
        )
    slug = path.stem
    if not _SLUG.match(slug):
        problems.add(
            f"the file name '{path.name}' is not a slug",
            "rename the file to lowercase letters, digits and hyphens, e.g. 'my-article.md'",
            key="",
        )

    authors = _text_list(data, "authors", problems)
    actor_ids = _text_list(data, "actors", problems)
    tags = _text_list(data, "tags", problems)
    for index, actor_id in enumerate(actor_ids):
        if actor_id not in known_actors:
            problems.add(
                f"unknown actor id '{actor_id}'{_did_you_mean(actor_id, known_actors)}",
                f"add '{actor_id}' to content/{ACTORS_FILE}, or correct the id",
                key="actors",
                index=index,
            )
    image = _parse_image(data.get("image"), problems)
    quotes = _parse_list(
        data, "quotes", problems, lambda i, v: _parse_quote(i, v, problems, known_actors)
    )
    annotations = _parse_list(
        data, "annotations", problems, lambda i, v: _parse_annotation(i, v, problems)
    )

    if problems.errors or title is None or date is None:
        return None, problems.errors
    return (
        Article(
            path=path,
            slug=slug,
            title=title,
            date=date,
            body=front.body.strip("\n"),
            body_line=front.body_line + _leading_newlines(front.body),
            source=_text(data.get("source")),
            authors=authors,
            dek=_text(data.get("dek")),
            dateline=_text(data.get("dateline")),
            image=image,
            actors=actor_ids,
            tags=tags,
            quotes=quotes,
            annotations=annotations,
            seed=_text(data.get("seed")),
            digest=text_digest(text),
        ),
        [],
    )


def text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _leading_newlines(text: str) -> int:
    return len(text) - len(text.lstrip("\n"))


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        # Full timestamps ("2023-03-23T17:42:00+00:00") are common in exported archives.
        try:
            return dt.datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return None
    return None


def _text_list(data: Mapping[str, object], key: str, problems: _Problems) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    items = value if isinstance(value, list) else None
    texts = tuple(_text(item) for item in items) if items is not None else None
    if texts is None or any(text is None for text in texts):
        problems.add(
            f"'{key}' must be a list of names, got {value!r}",
            f"write '{key}: [first, second]' or one '- item' per line",
            key=key,
        )
        return ()
    return tuple(text for text in texts if text is not None)


def _parse_list(
    data: Mapping[str, object],
    key: str,
    problems: _Problems,
    parse_item: Callable[[int, object], T | None],
) -> tuple[T, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.add(
            f"'{key}' must be a list, got {type(value).__name__}",
            f"write each entry of '{key}' on its own line starting with '- '",
            key=key,
        )
        return ()
    parsed = (parse_item(index, item) for index, item in enumerate(value))
    return tuple(item for item in parsed if item is not None)


def _parse_image(value: object, problems: _Problems) -> ArticleImage | None:
    if value is None:
        return None
    caption = _text(value.get("caption")) if isinstance(value, dict) else None
    if not isinstance(value, dict) or caption is None or set(value) - {"caption", "credit"}:
        problems.add(
            "'image' must have a 'caption' and may have a 'credit'",
            "write 'image:' then indented 'caption: ...' and 'credit: ...' lines",
            key="image",
        )
        return None
    return ArticleImage(caption=caption, credit=_text(value.get("credit")))


_QUOTE_FIELDS = ("speaker", "speaker_name", "text", "verb")


def _parse_quote(
    index: int, value: object, problems: _Problems, known_actors: Mapping[str, Actor]
) -> Quote | None:
    where = f"quote {index + 1}"
    if not isinstance(value, dict):
        problems.add(
            f"{where} must be a mapping with 'speaker' and 'text'",
            "write '- speaker: <actor id>' and an indented 'text: ...' line",
            key="quotes",
            index=index,
        )
        return None
    unknown = [str(key) for key in value if key not in _QUOTE_FIELDS]
    text = _text(value.get("text"))
    speaker = _text(value.get("speaker"))
    speaker_name = _text(value.get("speaker_name"))
    ok = True
    for key in unknown:
        ok = False
        problems.add(
            f"{where} has an unknown field '{key}'{_did_you_mean(key, _QUOTE_FIELDS)}",
            f"a quote has the fields: {', '.join(_QUOTE_FIELDS)}",
            key="quotes",
            index=index,
        )
    if text is None:
        ok = False
        problems.add(
            f"{where} has no text",
            "add 'text: <the quoted words>' to the quote",
            key="quotes",
            index=index,
        )
    if speaker is not None and speaker not in known_actors:
        ok = False
        problems.add(
            f"{where} has an unknown speaker '{speaker}'{_did_you_mean(speaker, known_actors)}",
            f"add '{speaker}' to content/{ACTORS_FILE}, or use 'speaker_name: <Full Name>' "
            "for a speaker who is not in the registry",
            key="quotes",
            index=index,
        )
    if speaker is None and speaker_name is None:
        ok = False
        problems.add(
            f"{where} has no speaker",
            "add 'speaker: <actor id>' (or 'speaker_name: <Full Name>')",
            key="quotes",
            index=index,
        )
    if not ok or text is None:
        return None
    return Quote(
        text=text, speaker=speaker, speaker_name=speaker_name, verb=_text(value.get("verb"))
    )


_ANNOTATION_FIELDS = ("quote", "kind", "note", "prefix", "suffix")


def _parse_annotation(index: int, value: object, problems: _Problems) -> Annotation | None:
    where = f"annotation {index + 1}"
    kinds = ", ".join(kind.value for kind in AnnotationKind)
    if not isinstance(value, dict):
        problems.add(
            f"{where} must be a mapping with 'quote', 'kind' and 'note'",
            "write '- quote: <exact text>' with indented 'kind:' and 'note:' lines",
            key="annotations",
            index=index,
        )
        return None
    quote = _text(value.get("quote"))
    note = _text(value.get("note"))
    kind_text = _text(value.get("kind")) or AnnotationKind.NOTE.value
    unknown = [str(key) for key in value if key not in _ANNOTATION_FIELDS]
    for key in unknown:
        problems.add(
            f"{where} has an unknown field '{key}'{_did_you_mean(key, _ANNOTATION_FIELDS)}",
            f"an annotation has the fields: {', '.join(_ANNOTATION_FIELDS)}",
            key="annotations",
            index=index,
        )
    if quote is None:
        problems.add(
            f"{where} has no 'quote' to anchor it",
            "add 'quote: <the exact words of the article it comments on>'",
            key="annotations",
            index=index,
        )
    if note is None:
        problems.add(
            f"{where} has no note",
            "add 'note: <the text of the margin note>'",
            key="annotations",
            index=index,
        )
    if kind_text not in {kind.value for kind in AnnotationKind}:
        problems.add(
            f"{where} has an unknown kind '{kind_text}'"
            f"{_did_you_mean(kind_text, [kind.value for kind in AnnotationKind])}",
            f"use one of: {kinds}",
            key="annotations",
            index=index,
        )
        return None
    if unknown or quote is None or note is None:
        return None
    return Annotation(
        quote=quote,
        kind=AnnotationKind(kind_text),
        note=note,
        prefix=_text(value.get("prefix")),
        suffix=_text(value.get("suffix")),
    )


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
    data = parse_yaml(normalise_newlines(text), path=path)
    if data is None:
        return ()
    return parse_actor_registry(data, path=path, lines=_registry_entry_lines(text))


def article_paths(content_dir: Path) -> list[Path]:
    return sorted((content_dir / ARTICLES_DIR).rglob("*.md"))


# Parsing is spread over the cores when there are at least this many files to parse.
PARALLEL_PARSE_THRESHOLD = 2000


@dataclass(frozen=True, slots=True)
class _ParseJob:
    paths: Sequence[Path]
    known: Mapping[str, Actor]


_Parsed = tuple[int, FileStamp, "Article | None", list[MarginaliaError]]


def _parse_batch(job: _ParseJob, batch: Sequence[int]) -> list[_Parsed]:
    parsed: list[_Parsed] = []
    for index in batch:
        path = job.paths[index]
        stat = path.stat()
        stamp = FileStamp(stat.st_mtime_ns, stat.st_size)
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            problem = ContentError(
                f"the file is not UTF-8 text (byte {error.start})",
                path=path,
                fix="save the file as UTF-8",
            )
            parsed.append((index, stamp, None, [problem]))
            continue
        article, problems = parse_article(text, path=path, known_actors=job.known)
        parsed.append((index, stamp, article, problems))
    return parsed


def load_articles(
    content_dir: Path, actors: Iterable[Actor], *, cache: BuildCache | None = None
) -> tuple[Article, ...]:
    """Every article under content/articles, or all the problems found in all of them.

    A file whose size and modification time are those of the cached parse is not read.
    """
    known = {actor.id: actor for actor in actors}
    # A parse checks actor ids, so it is only reusable with the same set of ids.
    scope = text_digest("\n".join(sorted(known)))
    cached = cache.parsed_articles(scope) if cache else {}
    paths = article_paths(content_dir)
    found: list[Article | None] = [None] * len(paths)
    to_parse: list[int] = []
    for index, path in enumerate(paths):
        hit = cached.get(str(path))
        stat = path.stat()
        if hit is not None and hit[0] == FileStamp(stat.st_mtime_ns, stat.st_size):
            found[index] = hit[1]  # type: ignore[assignment]
        else:
            to_parse.append(index)

    batches = map_batches(
        _parse_batch,
        _ParseJob(paths, known),
        to_parse,
        batch_size=250,
        workers=cpu_count() if len(to_parse) >= PARALLEL_PARSE_THRESHOLD else 1,
    )
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
