"""Seeds -> content files. The only writer of content/, and it never clobbers edits."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from generator.actors import Actor, ActorMatcher, build_matcher, find_mentions
from generator.attribution import find_candidate_actors, find_quotes
from generator.content import ARTICLES_DIR, article_paths
from generator.errors import MarginaliaError, SeedError
from generator.frontmatter import render_front_matter, split_front_matter
from generator.seedtext import SeedArticle, parse_seed
from generator.sources import normalise_source
from generator.urls import slugify

DIGEST_FIELD = "ingest_digest"
# Fields an editor owns: a forced re-ingest keeps them from the edited file.
EDITORIAL_FIELDS = ("actors", "quotes", "annotations", "events")

_DIGEST_LINE = re.compile(rf"^{DIGEST_FIELD}:[ \t]*(?P<digest>\w*)[ \t]*\n", re.MULTILINE)
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


@dataclass(frozen=True, slots=True)
class PlannedArticle:
    """What ingesting one seed would write."""

    relative_path: Path  # under content/
    front_matter: Mapping[str, object]
    body: str
    candidates: tuple[str, ...]


# "|" would start a table; "<" at the start of a line, a block of raw HTML; "~~~" a fence.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)(#|>|<|~|[-+*](?=\s)|\d+(?=[.)]\s))")
_SETEXT_RULE = re.compile(r"^\s*(?:=+|-+)\s*$")
# Markdown would decode "&amp;" and link "<https://x>"; as entities they stay text.
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_AUTOLINK_LIKE = re.compile(r"<(?=[A-Za-z][A-Za-z0-9.+-]*:|[^>\s]+@)")


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
    if seed.image:
        image: dict[str, object] = {"caption": seed.image.caption}
        if seed.image.credit:
            image["credit"] = seed.image.credit
        front["image"] = image
    front["actors"] = actor_ids
    quote_entries = []
    for quote in quotes:
        entry: dict[str, object] = (
            {"speaker": quote.speaker_id}
            if quote.speaker_id
            else {"speaker_name": quote.speaker_name}
        )
        entry["text"] = quote.text
        if quote.verb:
            entry["verb"] = quote.verb
        if quote.speaker_id or quote.speaker_name:
            quote_entries.append(entry)
    front["quotes"] = quote_entries
    front["seed"] = seed.seed_name

    candidates = find_candidate_actors(seed.paragraphs, matcher, quotes)
    year, month = f"{seed.date:%Y}", f"{seed.date:%m}"
    slug = slugify(seed.title) or slugify(Path(seed.seed_name).stem) or "article"
    return PlannedArticle(
        relative_path=Path(ARTICLES_DIR, year, month, f"{slug}.md"),
        front_matter=front,
        body="\n\n".join(escape_markdown(p) for p in seed.paragraphs),
        candidates=candidates,
    )


def _digest(text_without_digest: str) -> str:
    return hashlib.sha256(text_without_digest.encode("utf-8")).hexdigest()[:16]


def render_article_file(front_matter: Mapping[str, object], body: str) -> str:
    """The file's text, with a digest that tells later ingests whether it was edited."""
    text = render_front_matter(front_matter, body)
    head, _, rest = text.partition("\n---\n")
    return f"{head}\n{DIGEST_FIELD}: {_digest(text)}\n---\n{rest}"


def is_unedited(text: str) -> bool:
    """True when the file is byte for byte what ingest wrote."""
    recorded = _DIGEST_LINE.search(text)
    return bool(recorded) and _digest(_DIGEST_LINE.sub("", text, count=1)) == recorded.group(
        "digest"
    )


def _existing_by_seed(content_dir: Path) -> dict[str, Path]:
    """Seed name -> the article ingested from it, wherever an editor moved it."""
    found: dict[str, Path] = {}
    for path in article_paths(content_dir):
        text = path.read_text(encoding="utf-8", errors="replace")
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
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
        else:
            files.append(path)
    return files


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
            text = seed_path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            results.append(
                IngestResult(
                    seed_path,
                    IngestStatus.FAILED,
                    error=SeedError(
                        f"cannot read the seed: {error}",
                        path=seed_path,
                        fix="save the seed as UTF-8 text",
                    ),
                )
            )
            continue
        try:
            seed = parse_seed(text, name=seed_path.name)
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
    front = dict(planned.front_matter)
    text = render_article_file(front, planned.body)
    status = IngestStatus.CREATED
    if target.exists():
        current = target.read_text(encoding="utf-8")
        if text == current:
            return IngestResult(seed_path, IngestStatus.UNCHANGED, target, planned.candidates)
        if not is_unedited(current):
            if not force:
                return IngestResult(seed_path, IngestStatus.KEPT_EDITED, target, planned.candidates)
            # Written without a digest, the file still counts as edited, so a later
            # plain ingest keeps the editor's fields too.
            front = _keep_editorial_fields(front, current, target)
            forced = render_front_matter(front, planned.body)
            target.write_text(forced, encoding="utf-8", newline="\n")
            return IngestResult(seed_path, IngestStatus.UPDATED, target, planned.candidates)
        status = IngestStatus.UPDATED
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")
    return IngestResult(seed_path, status, target, planned.candidates)


def _keep_editorial_fields(
    front: dict[str, object], current: str, target: Path
) -> dict[str, object]:
    try:
        edited = split_front_matter(current, path=target).data
    except MarginaliaError:
        return front
    for key in EDITORIAL_FIELDS:
        if key in edited:
            front[key] = edited[key]
    return front
