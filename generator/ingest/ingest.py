"""Seeds -> content files. The only writer of content/, and it never clobbers edits."""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import secrets
import stat
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

# The build's own anchoring: the text it anchors in (body_markup's text flow) and the
# matcher (annotations' normalised text), so a suggestion anchors exactly as the build
# anchors it. Private there for now; see the report for making them public.
from generator.body.annotations import AnchorText, normalise_for_matching
from generator.body.body_markup import TextFlow
from generator.body.markdown_tree import parse
from generator.content.actors import Actor, ActorMatcher, build_matcher, find_mentions
from generator.content.frontmatter import render_front_matter, split_front_matter
from generator.content.loading import ARTICLES_DIR, article_paths
from generator.errors import ContentError, MarginaliaError, SeedError
from generator.ingest.attribution import QuoteSuggestion, find_candidate_actors, find_quotes
from generator.ingest.seedtext import SeedArticle, parse_seed
from generator.sources import normalise_source
from generator.urls import slugify

DIGEST_FIELD = "ingest_digest"
# Fields that come from the seed: every ingest writes them afresh. Every other field
# (actors, quotes, annotations, events, tags, any other) is an editor's once edited.
SEED_FIELDS = (
    "title", "date", "source", "authors", "dek", "dateline", "agency", "credits", "image", "seed"
)  # fmt: skip
# A seed is one article; the longest news articles are some hundred kilobytes. The
# limit keeps a wrong file (a log, a dump) from being read whole into memory.
MAX_SEED_BYTES = 16 * 1024 * 1024
# Suggestions for an editor, and each is anchored in the whole text: past these, more
# would cost more than they help.
MAX_SUGGESTED_QUOTES = 100
MAX_QUOTE_PLACES = 1000
# A digest that starts so marks a file written by --force: it holds an editor's fields,
# so a later plain ingest keeps it as it is rather than refresh its suggestions.
_KEPT = "kept-"

_DIGEST_LINE = re.compile(rf"^{DIGEST_FIELD}:[ \t]*(?P<digest>[\w-]*)[ \t]*\n", re.MULTILINE)
_SEED_LINE = re.compile(r"^seed:[ \t]*['\"]?(?P<name>[^'\"\n]+?)['\"]?[ \t]*$", re.MULTILINE)


class IngestStatus(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT_EDITED = "kept (edited)"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class IngestResult:
    seed: Path
    status: IngestStatus
    target: Path | None = None
    candidates: tuple[str, ...] = ()
    error: MarginaliaError | None = None
    notes: tuple[str, ...] = ()  # suggestions left out, and why


@dataclass(frozen=True, slots=True)
class PlannedArticle:
    """What ingesting one seed would write."""

    relative_path: Path  # under content/
    front_matter: Mapping[str, object]
    body: str
    candidates: tuple[str, ...]
    notes: tuple[str, ...] = ()


# "|" would start a table; "<" at the start of a line, a block of raw HTML; "~~~" a fence.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|])")
# A list marker may end the line: "+" alone is an empty list item.
_MARKDOWN_LINE_START = re.compile(r"^(\s*)(#|>|<|~|[-+*](?=\s|\Z)|\d+(?=[.)](?:\s|\Z)))")
# A setext underline ("===", "---") or a thematic break ("--- ---"); "* * *" and "_ _ _"
# are escaped as inline characters already. No trailing \s*: "-[-\s]*" ends in spaces.
_SETEXT_RULE = re.compile(r"\s*(?:=+\s*|-[-\s]*)\Z")
# Markdown would decode "&amp;" and link "<https://x>"; as entities they stay text.
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
# No autolink holds a "<", so the look-ahead stops at the next one (linear in "<<<<...").
_AUTOLINK_LIKE = re.compile(r"<(?=[A-Za-z][A-Za-z0-9.+-]*:|[^<>\s]+@)")


def escape_markdown(paragraph: str) -> str:
    """Seed text as Markdown that renders to exactly that text."""
    lines = []
    for line in paragraph.split("\n"):
        line = _ENTITY_LIKE.sub("&amp;", line.lstrip(" \t"))
        line = _AUTOLINK_LIKE.sub("&lt;", line)
        line = _MARKDOWN_INLINE.sub(r"\\\1", line)
        if _SETEXT_RULE.match(line):
            # "=" has no backslash escape in Markdown; an entity renders the same.
            line = line.replace("=", "&#61;", 1) if "=" in line else "\\" + line
        else:
            line = _MARKDOWN_LINE_START.sub(_escape_line_start, line)
        lines.append(line)
    return "\n".join(lines)


def _escape_line_start(match: re.Match[str]) -> str:
    marker = match.group(2)
    if marker.isdigit():
        return match.group(1) + marker + "\\"  # "1. x" -> "1\. x"
    return match.group(1) + "\\" + marker


def plan_article(
    seed: SeedArticle, *, matcher: ActorMatcher, sources: Mapping[str, str]
) -> PlannedArticle:
    """The content file for a parsed seed, with suggested actors and quotes. Pure."""
    texts = [seed.title, seed.dek or "", *seed.paragraphs]
    mentioned = [m.actor_id for m in find_mentions("\n\n".join(texts), matcher)]
    quotes = find_quotes(seed.paragraphs, matcher)
    speakers = [q.speaker_id for q in quotes if q.speaker_id]
    actor_ids = list(dict.fromkeys([*mentioned, *speakers]))
    body = "\n\n".join(escape_markdown(p) for p in seed.paragraphs)
    anchored, notes = anchor_quotes(
        [q for q in quotes if q.speaker_id or q.speaker_name], seed.paragraphs, body
    )

    front: dict[str, object] = {
        "title": seed.title,
        "date": seed.date,
        "source": normalise_source(seed.source, sources),
        "authors": list(seed.authors),
    }
    if seed.dek:
        front["dek"] = seed.dek
    if seed.dateline:
        front["dateline"] = seed.dateline
    if seed.agency:
        front["agency"] = seed.agency
    if seed.credits:
        front["credits"] = list(seed.credits)
    if seed.image:
        image: dict[str, object] = {"caption": seed.image.caption}
        if seed.image.credit:
            image["credit"] = seed.image.credit
        front["image"] = image
    front["actors"] = actor_ids
    front["quotes"] = [_quote_entry(quote) for quote in anchored]
    front["seed"] = seed.seed_name

    candidates = find_candidate_actors(seed.paragraphs, matcher, quotes)
    year, month = f"{seed.date:%Y}", f"{seed.date:%m}"
    slug = slugify(seed.title) or slugify(Path(seed.seed_name).stem) or "article"
    return PlannedArticle(
        relative_path=Path(ARTICLES_DIR, year, month, f"{slug}.md"),
        front_matter=front,
        body=body,
        candidates=candidates,
        notes=notes,
    )


@dataclass(frozen=True, slots=True)
class AnchoredQuote:
    """A suggested quote, with what the build needs to find it where it was said."""

    quote: QuoteSuggestion
    prefix: str | None = None
    suffix: str | None = None


def _quote_entry(anchored: AnchoredQuote) -> dict[str, object]:
    quote = anchored.quote
    entry: dict[str, object] = (
        {"speaker": quote.speaker_id} if quote.speaker_id else {"speaker_name": quote.speaker_name}
    )
    entry["text"] = quote.text
    if anchored.prefix:
        entry["prefix"] = anchored.prefix
    if anchored.suffix:
        entry["suffix"] = anchored.suffix
    if quote.verb:
        entry["verb"] = quote.verb
    return entry


def anchor_text(body: str) -> str:
    """The text the build anchors quotes in: the rendered body's text, block by block."""
    flow = TextFlow()
    flow.collect(parse(body), None, linkable=True)
    return "".join(flow.pieces)


def anchor_quotes(
    quotes: Sequence[QuoteSuggestion], paragraphs: Sequence[str], body: str
) -> tuple[tuple[AnchoredQuote, ...], tuple[str, ...]]:
    """Each quote with the shortest prefix or suffix that makes the build anchor it where
    it was found, or left out with a note saying why. Pure.

    The place is found in the seed's text (paragraphs) and the prefix chosen in the
    body's, with the build's own matcher, so what is written is what the build finds.
    """
    if not quotes:
        return (), ()
    built = AnchorText(anchor_text(body))
    seen = AnchorText("\n\n".join(paragraphs))
    offsets = [0]
    for paragraph in paragraphs:
        offsets.append(offsets[-1] + len(paragraph) + 2)
    anchored: list[AnchoredQuote] = []
    notes: list[str] = []
    places: dict[str, tuple[list[int], list[int]]] = {}  # a quote's words said twice
    for quote in quotes[:MAX_SUGGESTED_QUOTES]:
        wanted = normalise_for_matching(quote.text)[0].strip(" ")
        shown = _shown(quote.text)
        if wanted not in places:
            if built.norm.count(wanted) > MAX_QUOTE_PLACES:
                notes.append(
                    f"quote {shown} left out: its words occur over {MAX_QUOTE_PLACES} times"
                )
                continue
            places[wanted] = (seen.places(wanted, "", ""), built.places(wanted, "", ""))
        in_seed, in_body = places[wanted]
        if len(in_body) == 1 and len(in_seed) == 1:
            anchored.append(AnchoredQuote(quote))
            continue
        found_at = bisect.bisect_left(seen.origin, offsets[quote.paragraph] + quote.start)
        index = bisect.bisect_left(in_seed, found_at)
        if len(in_seed) != len(in_body) or index == len(in_seed) or in_seed[index] != found_at:
            notes.append(
                f"quote {shown} left out: the article's text does not hold it as the seed does"
            )
            continue
        picked = _pick(built, wanted, in_body[index])
        if picked is None:
            notes.append(
                f"quote {shown} left out: its words occur {len(in_body)} times and no prefix "
                "or suffix picks the one quoted"
            )
            continue
        anchored.append(AnchoredQuote(quote, *picked))
    if len(quotes) > MAX_SUGGESTED_QUOTES:
        notes.append(
            f"{len(quotes) - MAX_SUGGESTED_QUOTES} more quotes found are not suggested "
            f"(at most {MAX_SUGGESTED_QUOTES} an article)"
        )
    # The same words said again and left out again make one note.
    counted = Counter(notes)
    return tuple(anchored), tuple(
        note if count == 1 else f"{note} ({count} times)" for note, count in counted.items()
    )


def _pick(text: AnchorText, wanted: str, place: int) -> tuple[str | None, str | None] | None:
    """The shortest prefix, else suffix, that picks `place` alone, checked with the
    build's matcher as the build will read them; None when neither does."""
    prefix = text.suggest_prefix(wanted, [place], suffix="") or None
    suffix = None if prefix else text.suggest_suffix(wanted, [place], prefix="") or None
    if prefix is None and suffix is None:
        return None
    clean = (
        normalise_for_matching(part)[0].strip(" ") if part else "" for part in (prefix, suffix)
    )
    if text.places(wanted, *clean) != [place]:
        return None
    return prefix, suffix


def _shown(text: str, limit: int = 60) -> str:
    flat = " ".join(text[: limit * 4].split())
    return f"“{flat}”" if len(flat) <= limit else f"“{flat[: limit - 1]}…”"


def _digest(text_without_digest: str, *, kept: bool = False) -> str:
    salt = "kept\n" if kept else ""
    digest = hashlib.sha256((salt + text_without_digest).encode("utf-8")).hexdigest()[:16]
    return _KEPT + digest if kept else digest


def render_article_file(
    front_matter: Mapping[str, object], body: str, *, kept: bool = False
) -> str:
    """The file's text, with a digest that tells later ingests whether it was edited.
    kept: the file holds an editor's fields (written by --force)."""
    text = render_front_matter(front_matter, body)
    head, _, rest = text.partition("\n---\n")
    return f"{head}\n{DIGEST_FIELD}: {_digest(text, kept=kept)}\n---\n{rest}"


class Written(StrEnum):
    """Who last wrote a content file, as its digest tells."""

    INGEST = "ingest"  # byte for byte what a plain ingest wrote
    KEPT = "kept"  # what ingest --force wrote: the seed's fields, and an editor's
    EDITOR = "editor"  # edited since, or never ingested


def written_by(text: str) -> Written:
    front_matter = text.split("\n---\n", 1)[0] if text.startswith("---\n") else ""
    recorded = _DIGEST_LINE.search(front_matter + "\n")
    if recorded is None:
        return Written.EDITOR
    digest = recorded.group("digest")
    kept = digest.startswith(_KEPT)
    without = text[: recorded.start()] + text[recorded.end() :]
    if _digest(without, kept=kept) != digest:
        return Written.EDITOR
    return Written.KEPT if kept else Written.INGEST


def is_unedited(text: str) -> bool:
    """True when the file is byte for byte what ingest (plain or forced) wrote."""
    return written_by(text) is not Written.EDITOR


def _existing_by_seed(content_dir: Path) -> dict[str, Path]:
    """Seed name -> the article ingested from it, wherever an editor moved it."""
    found: dict[str, Path] = {}
    for path in article_paths(content_dir):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # not readable: not one ingest can update; the build will say why
        front_matter = text.split("\n---", 1)[0] if text.startswith("---") else ""
        match = _SEED_LINE.search(front_matter)
        if match:
            found.setdefault(match.group("name").strip(), path)
    return found


def _free_target(path: Path, taken: AbstractSet[Path]) -> Path:
    candidate, number = path, 2
    while candidate.exists() or candidate in taken:
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate


def seed_files(paths: Iterable[Path]) -> list[Path]:
    """The seeds to ingest: each path given, and every *.txt under a folder given, sorted.

    A folder named *.txt is walked like any folder; anything else found (a pipe, a link
    to nowhere) is kept, so that reading it reports what it is.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.txt") if not p.is_dir()))
        else:
            files.append(path)
    return files


def read_seed(path: Path) -> str:
    """A seed file's text; a SeedError naming the file and the fix if it cannot be one."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SeedError(
            "there is no such seed file",
            path=path,
            fix="check the path; seeds are .txt files, by default under seeds/",
        ) from None
    except OSError as error:
        raise SeedError(
            f"cannot read the seed: {error.strerror or error}",
            path=path,
            fix="check that the file exists and that you may read it",
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise SeedError(
            "this is a folder, not a seed file",
            path=path,
            fix="pass the folder to ingest every .txt seed in it",
        )
    if not stat.S_ISREG(info.st_mode):
        raise SeedError(
            "this is not a regular file (a pipe, a socket or a device)",
            path=path,
            fix="save the article text as a plain .txt file",
        )
    _check_size(path, info.st_size)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_SEED_BYTES + 1)  # a file that grew since stat is caught
    except PermissionError:
        raise SeedError(
            "permission denied: the seed cannot be read",
            path=path,
            fix=f"make it readable, e.g. 'chmod u+r {path}'",
        ) from None
    except OSError as error:
        raise SeedError(
            f"cannot read the seed: {error.strerror or error}",
            path=path,
            fix="check the file and the disk, then ingest again",
        ) from None
    _check_size(path, len(data))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SeedError(
            f"the seed is not UTF-8 text: byte 0x{data[error.start]:02x} cannot be read",
            path=path,
            line=line,
            fix="save the seed as UTF-8 text",
        ) from None


def _check_size(path: Path, size: int) -> None:
    if size > MAX_SEED_BYTES:
        raise SeedError(
            f"the seed is {size:,} bytes ({size / 2**20:.1f} MiB), over the limit of "
            f"{MAX_SEED_BYTES:,} bytes (16 MiB) for one seed",
            path=path,
            fix="a seed is one article: split the file into one seed per article, "
            "or cut what is not the article",
        )


def ingest(
    paths: Iterable[Path],
    *,
    content_dir: Path,
    actors: Sequence[Actor],
    sources: Mapping[str, str],
    force: bool = False,
) -> tuple[IngestResult, ...]:
    """Ingest every seed; a seed that fails is reported and the others still go in."""
    matcher = build_matcher(actors)
    existing = _existing_by_seed(content_dir)
    results: list[IngestResult] = []
    written: set[Path] = set()
    for seed_path in seed_files(paths):
        try:
            seed = parse_seed(read_seed(seed_path), name=seed_path.name)
        except SeedError as error:
            error.path = seed_path
            results.append(IngestResult(seed_path, IngestStatus.FAILED, error=error))
            continue
        planned = plan_article(seed, matcher=matcher, sources=sources)
        target = existing.get(seed.seed_name) or _free_target(
            content_dir / planned.relative_path, written
        )
        written.add(target)
        results.append(_write_article(seed_path, target, planned, force=force))
    return tuple(results)


def _write_article(
    seed_path: Path, target: Path, planned: PlannedArticle, *, force: bool
) -> IngestResult:
    def result(status: IngestStatus, error: MarginaliaError | None = None) -> IngestResult:
        return IngestResult(
            seed_path,
            status,
            None if error else target,
            planned.candidates,
            error,
            planned.notes,
        )

    fresh = render_article_file(planned.front_matter, planned.body)
    try:
        if not target.exists():
            _write_text(target, fresh)
            return result(IngestStatus.CREATED)
        current = _read_article(target)
        writer = written_by(current)
        if writer is Written.INGEST or (writer is Written.EDITOR and not force):
            if fresh == current:
                return result(IngestStatus.UNCHANGED)
            if writer is Written.EDITOR:
                return result(IngestStatus.KEPT_EDITED)
            _write_text(target, fresh)
            return result(IngestStatus.UPDATED)
        # Forced, or forced before: the seed's fields afresh, every other field kept.
        merged = _keep_editors_fields(planned.front_matter, current, target)
        text = render_article_file(merged, planned.body, kept=True)
        if text == current:
            return result(IngestStatus.UNCHANGED)
        if not force:
            return result(IngestStatus.KEPT_EDITED)
        _write_text(target, text)
        return result(IngestStatus.UPDATED)
    except MarginaliaError as error:
        return result(IngestStatus.FAILED, error)


def _keep_editors_fields(
    planned: Mapping[str, object], current: str, target: Path
) -> dict[str, object]:
    """The seed's fields from the plan, then every other field of the current file, in
    its order; 'seed' stays last, as ingest writes it."""
    try:
        edited = split_front_matter(current, path=target).data
    except MarginaliaError as error:
        raise ContentError(
            f"cannot re-ingest: {error.what}",
            path=target,
            line=error.line,
            fix="correct the front matter, so the editor's fields in it can be kept",
        ) from None
    merged = {key: value for key, value in planned.items() if key in SEED_FIELDS}
    seed = merged.pop("seed")
    for key, value in edited.items():
        if key not in SEED_FIELDS and key != DIGEST_FIELD:
            merged[key] = value
    merged["seed"] = seed
    return merged


def _read_article(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ContentError(
            "the article is not UTF-8 text, so ingest leaves it alone",
            path=path,
            fix="save it as UTF-8, then ingest again",
        ) from None
    except OSError as error:
        raise ContentError(
            f"cannot read the article: {error.strerror or error}",
            path=path,
            fix="check that it is a file you may read and write, then ingest again",
        ) from None


def _write_text(path: Path, text: str) -> None:
    """Write whole or not at all: a crash or a full disk never leaves half an article."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # os.open applies the umask to 0o666, as a plain write would.
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
                file.write(text)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as error:
        raise ContentError(
            f"cannot write the article: {error.strerror or error}",
            path=path,
            fix="check that the folder is writable and the disk has room, then ingest again",
        ) from None
