"""Load articles and the actor registry from content/: the reading edge of a build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from generator.build.cache import BuildCache, FileStamp
from generator.content.actors import SLUG, Actor, parse_actor_registry
from generator.content.frontmatter import (
    ContentLoader,
    FrontMatter,
    body_of,
    describe,
    normalise_newlines,
    parse_yaml,
    split_front_matter,
    yaml_text,
)
from generator.errors import (
    BuildErrors,
    ContentError,
    MarginaliaError,
    SourceChanged,
    did_you_mean,
)
from generator.parallel import cpu_count, map_batches

ARTICLES_DIR = "articles"
ACTORS_FILE = "actors.yaml"

T = TypeVar("T")


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
    prefix: str | None = None  # words just before, to pick one of several matches
    suffix: str | None = None
    line: int | None = None  # where it is written in the content file


@dataclass(frozen=True, slots=True)
class Annotation:
    quote: str  # the exact words of the article it is anchored to
    kind: AnnotationKind
    note: str  # Markdown
    prefix: str | None = None
    suffix: str | None = None
    claim: str | None = None  # fact-checks: the claim checked
    rating: str | None = None  # fact-checks: the verdict
    line: int | None = None

    @property
    def is_claim_review(self) -> bool:
        """A fact-check with its claim and rating: what a ClaimReview describes."""
        return self.kind is AnnotationKind.FACT_CHECK and bool(self.claim and self.rating)


@dataclass(frozen=True, slots=True)
class Event:
    """Who did what to whom, as GDELT and ACLED record it."""

    subject: str  # actor id
    object: str  # actor id
    action: str  # in plain words: "threatens sanctions on"
    code: str | None = None  # a CAMEO event code, e.g. "1312"
    quote: str | None = None  # the words of the article that support it
    line: int | None = None


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
    events: tuple[Event, ...] = ()
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
    "events",
    "seed",
    "ingest_digest",
)


_SUGGESTIONS = 10  # "did you mean"s per file among many choices (the actor ids)
_FEW_CHOICES = 50  # choices always worth a suggestion: the fields, the kinds


class _Problems:
    """Collects every error in a file, so one build reports them all."""

    def __init__(self, path: Path, front: FrontMatter) -> None:
        self.path = path
        self.front = front
        self.errors: list[MarginaliaError] = []
        self._suggestions = _SUGGESTIONS

    def did_you_mean(self, word: str, choices: Collection[str]) -> str:
        """errors.did_you_mean, for the first few mistakes of a file among many choices:
        each looks at every choice, and 10,000 unknown ids against a registry of 10,000
        actors would take half an hour."""
        if len(choices) > _FEW_CHOICES:
            if self._suggestions <= 0:
                return ""
            self._suggestions -= 1
        return did_you_mean(word, choices)

    def add(self, what: str, fix: str, *, key: str, index: int | None = None) -> None:
        # A missing field is reported at the opening fence, where the front matter starts.
        line = self.front.line_of(key, index) or 1
        self.errors.append(ContentError(what, path=self.path, line=line, fix=fix))


def _text(value: object) -> str | None:
    """A scalar from YAML as text; YAML turns 'Yes' or '2023-09-11' into other types.
    (Numbers stay text: see frontmatter.ContentLoader.)"""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (str, int, float, dt.date)):
        text = yaml_text(value) if not isinstance(value, str) else value.strip()
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
            name = yaml_text(key)
            problems.add(
                f"unknown field '{name}'{problems.did_you_mean(name, ARTICLE_FIELDS)}",
                f"the article fields are: {', '.join(ARTICLE_FIELDS)}",
                key=yaml_text(key),
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
        got = describe(data["date"]) if "date" in data else "nothing"
        problems.add(
            f"'date' must be a date like 2023-09-11, got {got}",
            "write the publication date as 'date: YYYY-MM-DD'",
            key="date",
        )
    slug = path.stem
    if not SLUG.fullmatch(slug):
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
                f"unknown actor id '{yaml_text(actor_id)}'"
                f"{problems.did_you_mean(actor_id, known_actors)}",
                f"add '{actor_id}' to content/{ACTORS_FILE}, or correct the id",
                key="actors",
                index=index,
            )
    image = _parse_image(data.get("image"), problems)
    quotes = _parse_list(
        data, _QUOTES, problems, lambda entry, fields: _parse_quote(entry, fields, known_actors)
    )
    annotations = _parse_list(data, _ANNOTATIONS, problems, _parse_annotation)
    events = _parse_list(
        data, _EVENTS, problems, lambda entry, fields: _parse_event(entry, fields, known_actors)
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
            events=events,
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
    fix = f"write '{key}: [first, second]' or one '- item' per line"
    if not isinstance(value, list):
        problems.add(f"'{key}' must be a list of names, got {describe(value)}", fix, key=key)
        return ()
    texts = tuple(_text(item) for item in value)
    for number, (item, text) in enumerate(zip(value, texts, strict=True), 1):
        if text is None:
            problems.add(
                f"'{key}' must be a list of names, but item {number} is {describe(item)}",
                fix,
                key=key,
                index=number - 1,
            )
            return ()
    return tuple(text for text in texts if text is not None)


@dataclass(frozen=True, slots=True)
class _ListField:
    """A front matter field that lists entries: quotes, annotations, events."""

    key: str
    label: str  # one entry, as errors name it: "quote 2"
    allowed: tuple[str, ...]  # the fields of an entry
    example: str  # how to write an entry, for an entry that is not a mapping


def _parse_list(
    data: Mapping[str, object],
    field: _ListField,
    problems: _Problems,
    parse_item: Callable[[_Entry, dict], T | None],
) -> tuple[T, ...]:
    """Each entry that is a mapping of known fields, parsed by parse_item."""
    key = field.key
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
    parsed: list[T] = []
    for index, item in enumerate(value):
        entry = _Entry(key, field.label, index, problems)
        fields = entry.fields(item, field.allowed, field.example)
        result = parse_item(entry, fields) if fields is not None else None
        if result is not None:
            parsed.append(result)
    return tuple(parsed)


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


class _Entry:
    """One item of a list field (a quote, an annotation, an event), reporting problems
    at its own line."""

    def __init__(self, key: str, label: str, index: int, problems: _Problems) -> None:
        self.key = key
        self.where = f"{label} {index + 1}"
        self.index = index
        self.problems = problems
        self.ok = True

    @property
    def line(self) -> int | None:
        return self.problems.front.line_of(self.key, self.index)

    def problem(self, what: str, fix: str) -> None:
        self.ok = False
        self.problems.add(f"{self.where} {what}", fix, key=self.key, index=self.index)

    def fields(self, value: object, allowed: Sequence[str], example: str) -> dict | None:
        if not isinstance(value, dict):
            self.problem(f"must be a mapping of {', '.join(allowed[:3])}...", example)
            return None
        for name in value:
            if name not in allowed:
                self.problem(
                    f"has an unknown field '{yaml_text(name)}'"
                    f"{self.problems.did_you_mean(yaml_text(name), allowed)}",
                    f"the fields are: {', '.join(allowed)}",
                )
        return value

    def required(self, value: dict, name: str, fix: str) -> str | None:
        text = _text(value.get(name))
        if text is None:
            self.problem(f"has no '{name}'", fix)
        return text

    def actor(
        self, value: dict, name: str, known: Mapping[str, Actor], *, other: str = ""
    ) -> str | None:
        actor_id = _text(value.get(name))
        if actor_id is not None and actor_id not in known:
            self.problem(
                f"has an unknown {name} '{yaml_text(actor_id)}'"
                f"{self.problems.did_you_mean(actor_id, known)}",
                f"add '{actor_id}' to content/{ACTORS_FILE}, or correct the id{other}",
            )
            return None
        return actor_id


_QUOTES = _ListField(
    "quotes",
    "quote",
    ("speaker", "speaker_name", "text", "verb", "prefix", "suffix"),
    "write '- speaker: <actor id>' and an indented 'text: ...' line",
)


def _parse_quote(entry: _Entry, fields: dict, known_actors: Mapping[str, Actor]) -> Quote | None:
    text = entry.required(fields, "text", "add 'text: <the quoted words>' to the quote")
    speaker = entry.actor(
        fields,
        "speaker",
        known_actors,
        other=", or use 'speaker_name: <Full Name>' for someone not in the registry",
    )
    speaker_name = _text(fields.get("speaker_name"))
    if fields.get("speaker") is None and speaker_name is None:
        entry.problem(
            "has no speaker", "add 'speaker: <actor id>' (or 'speaker_name: <Full Name>')"
        )
    if not entry.ok or text is None:
        return None
    return Quote(
        text=text,
        speaker=speaker,
        speaker_name=speaker_name,
        verb=_text(fields.get("verb")),
        prefix=_text(fields.get("prefix")),
        suffix=_text(fields.get("suffix")),
        line=entry.line,
    )


_ANNOTATIONS = _ListField(
    "annotations",
    "annotation",
    ("quote", "kind", "note", "prefix", "suffix", "claim", "rating"),
    "write '- quote: <exact text>' with indented 'kind:' and 'note:' lines",
)


def _parse_annotation(entry: _Entry, fields: dict) -> Annotation | None:
    quote = entry.required(
        fields, "quote", "add 'quote: <the exact words of the article it comments on>'"
    )
    note = entry.required(fields, "note", "add 'note: <the text of the margin note>'")
    kind_text = _text(fields.get("kind")) or AnnotationKind.NOTE.value
    kinds = [kind.value for kind in AnnotationKind]
    if kind_text not in kinds:
        entry.problem(
            f"has an unknown kind '{yaml_text(kind_text)}'"
            f"{entry.problems.did_you_mean(kind_text, kinds)}",
            f"use one of: {', '.join(kinds)}",
        )
        return None
    kind = AnnotationKind(kind_text)
    claim = _text(fields.get("claim"))
    rating = _text(fields.get("rating"))
    if kind is AnnotationKind.FACT_CHECK:
        if claim is None:
            entry.problem("is a fact-check without a 'claim'", "add 'claim: <the claim checked>'")
        if rating is None:
            entry.problem(
                "is a fact-check without a 'rating'",
                "add 'rating: <the verdict>', e.g. 'True', 'Misleading' or 'False'",
            )
    if not entry.ok or quote is None or note is None:
        return None
    return Annotation(
        quote=quote,
        kind=kind,
        note=note,
        prefix=_text(fields.get("prefix")),
        suffix=_text(fields.get("suffix")),
        claim=claim,
        rating=rating,
        line=entry.line,
    )


_EVENTS = _ListField(
    "events",
    "event",
    ("subject", "object", "action", "code", "quote"),
    "write '- subject: <actor id>' with indented 'action:' and 'object:' lines",
)
_CAMEO_CODE = re.compile(r"(0[1-9]|1[0-9]|20)[0-9]{0,2}")


def _parse_event(entry: _Entry, fields: dict, known_actors: Mapping[str, Actor]) -> Event | None:
    subject = entry.actor(fields, "subject", known_actors)
    target = entry.actor(fields, "object", known_actors)
    for name in ("subject", "object"):
        if fields.get(name) is None:
            entry.problem(f"has no '{name}'", f"add '{name}: <actor id>'")
    action = entry.required(
        fields, "action", "add 'action: <what happened, in plain words>', e.g. 'threatens'"
    )
    code = _text(fields.get("code"))
    if code is not None and not _CAMEO_CODE.fullmatch(code):
        entry.problem(
            f"has the code '{yaml_text(code)}', which is not a CAMEO event code",
            "use two to four digits starting 01 to 20, e.g. '1312', in quotes, or leave 'code' out",
        )
    if not entry.ok or subject is None or target is None or action is None:
        return None
    return Event(
        subject=subject,
        object=target,
        action=action,
        code=code,
        quote=_text(fields.get("quote")),
        line=entry.line,
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
    data = parse_yaml(normalise_newlines(text), path=path, loader=ContentLoader)
    if data is None:
        return ()
    return parse_actor_registry(data, path=path, lines=_registry_entry_lines(text))


def file_stamps(folder: Path) -> dict[str, FileStamp]:
    """The size and modification time of every file under a folder (following links to
    folders), by path; an empty dict when there is no folder."""
    found: dict[str, FileStamp] = {}
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return found
    for entry in entries:
        if entry.is_dir(follow_symlinks=True):
            found.update(file_stamps(Path(entry.path)))
        else:
            stat = entry.stat()
            found[entry.path] = FileStamp(stat.st_mtime_ns, stat.st_size)
    return found


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
    cache: BuildCache | None = None,
    stamps: Mapping[str, FileStamp] | None = None,
) -> tuple[Article, ...]:
    """Every article under content/articles, or all the problems found in all of them.

    A file whose size and modification time are those of the cached parse is not read.
    stamps: file_stamps of the content folder, when the caller has taken them already.
    """
    known = {actor.id: actor for actor in actors}
    # A parse checks actor ids, so it is only reusable with the same set of ids.
    scope = text_digest("\n".join(sorted(known)))
    if stamps is None:
        stamps = file_stamps(content_dir / ARTICLES_DIR)
    folder = f"{content_dir / ARTICLES_DIR}{os.sep}"
    by_path = {
        Path(name): stamp
        for name, stamp in stamps.items()
        if name.startswith(folder) and name.endswith(".md")
    }
    paths = sorted(by_path, key=lambda path: path.parts)  # as article_paths sorts
    cached = cache.parsed_articles(scope, {str(path): path for path in paths}) if cache else {}
    found: list[Article | None] = [None] * len(paths)
    to_parse: list[int] = []
    for index, path in enumerate(paths):
        hit = cached.get(str(path))
        if hit is not None and hit[0] == by_path[path]:
            found[index] = hit[1]  # type: ignore[assignment]
        else:
            to_parse.append(index)

    batches = map_batches(
        _parse_batch,
        _ParseJob(paths, [by_path[path] for path in paths], known),
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
