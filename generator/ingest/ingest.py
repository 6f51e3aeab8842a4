"""Seeds -> content files. The only writer of content/, and it never clobbers edits."""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

# The build's own anchoring: the text it anchors in (body_markup's text flow) and the
# matcher (annotations' normalised text), so a suggestion anchors exactly as the build
# anchors it. Private there for now; see the report for making them public.
from generator.body.annotations import AnchorText, normalise_for_matching
from generator.body.body_markup import TextFlow
from generator.body.markdown_tree import parse
from generator.build.writer import write_atomically
from generator.content.actors import Actor, ActorMatcher, build_matcher, find_mentions
from generator.content.frontmatter import render_front_matter, split_front_matter
from generator.content.loading import ARTICLES_DIR
from generator.errors import ContentError, MarginaliaError, SeedError
from generator.ingest.attribution import QuoteSuggestion, find_quotes_and_candidates
from generator.ingest.ingest_cache import (
    ArticleRecord,
    IngestCache,
    SeedRecord,
    Stamp,
    bytes_digest,
    fingerprint,
    stamp_of,
    still,
)
from generator.ingest.seedtext import SeedArticle, parse_seed
from generator.parallel import cpu_count, for_each_batch
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
    # A kept (edited) article: (id, name) of registered actors its seed mentions that
    # its front matter does not list, for the editor to add.
    unlisted: tuple[tuple[str, str], ...] = ()


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


def escape_markdown(paragraph: str) -> str:
    """Seed text as Markdown that renders to exactly that text."""
    lines = []
    for line in paragraph.split("\n"):
        line = _ENTITY_LIKE.sub("&amp;", line.lstrip(" \t"))
        line = line.replace("<", "&lt;")  # no "<" opens an autolink or inline HTML
        line = _MARKDOWN_INLINE.sub(r"\\\1", line)
        if _SETEXT_RULE.match(line):
            # "=" has no backslash escape in Markdown; an entity renders the same. The
            # backslash goes right before the first "-": before white space Markdown does
            # not count as such ("\u2028") it would escape nothing and show.
            rule = line.find("-")
            line = line.replace("=", "&#61;", 1) if "=" in line else f"{line[:rule]}\\{line[rule:]}"
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
    # Full names said only in the headline, dek or caption resolve a surname speaker.
    context = [seed.title, seed.dek or "", seed.image.caption if seed.image else ""]
    quotes, candidates = find_quotes_and_candidates(seed.paragraphs, matcher, context=context)
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


def _existing_by_seed(
    content_dir: Path, known: dict[str, ArticleRecord] | None = None
) -> tuple[dict[str, Path], bool]:
    """Seed name -> the article ingested from it, wherever an editor moved it.

    known: the articles' seed names from the last ingest, by path; a file whose stamp is
    the one recorded is not read again. Updated in place to what is on disk now; the
    flag says whether anything in it changed.
    """
    stamps = _article_stamps(content_dir / ARTICLES_DIR)
    records = known if known is not None else {}
    found: dict[str, Path] = {}
    changed = False
    for name in sorted(stamps, key=_parts):  # as article_paths sorts
        stamp = stamps[name]
        record = records.get(name)
        if record is None or record.stamp != stamp:
            record = ArticleRecord(stamp, _seed_name_in(Path(name)))
            records[name] = record
            changed = True
        if record.seed_name is not None:
            found.setdefault(record.seed_name, Path(name))
    for name in [name for name in records if name not in stamps]:
        del records[name]
        changed = True
    return found, changed


def _parts(name: str) -> list[str]:
    """A path's parts, which order paths as Path sorts them, without making 10,000 Paths."""
    return name.split(os.sep)


def _article_stamps(folder: Path) -> dict[str, Stamp]:
    """Every *.md file under the folder (following links to folders) with its stamp."""
    found: dict[str, Stamp] = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=True):
                found.update(_article_stamps(Path(entry.path)))
            elif entry.name.endswith(".md"):
                found[entry.path] = Stamp.of(entry.stat())
        except OSError:
            continue  # vanished or unreadable: not one ingest can update
    return found


def _seed_name_in(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None  # not readable: not one ingest can update; the build will say why
    return _seed_name_of(text)


def _seed_name_of(text: str) -> str | None:
    front_matter = text.split("\n---", 1)[0] if text.startswith("---") else ""
    match = _SEED_LINE.search(front_matter)
    return match.group("name").strip() if match else None


def _free_target(path: Path, taken: AbstractSet[Path]) -> Path:
    candidate, number = path, 2
    while candidate.exists() or candidate in taken:
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate


def seed_files(paths: Iterable[Path]) -> list[Path]:
    """The seeds to ingest: each path given, and every *.txt under a folder given, sorted.

    A folder named *.txt is walked like any folder (a link to a folder is not followed
    below the folder given); anything else found (a pipe, a link to nowhere) is kept,
    so that reading it reports what it is.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found: list[str] = []
            _txt_files(str(path), found)
            files.extend(Path(name) for name in sorted(found, key=_parts))
        else:
            files.append(path)
    return files


def _txt_files(folder: str, found: list[str]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                _txt_files(entry.path, found)
            elif entry.name.endswith(".txt") and not entry.is_dir():
                found.append(entry.path)
        except OSError:
            found.append(entry.path)  # reading it says what is wrong


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


# Planning is spread over the cores when at least this many seeds need it: forking
# workers costs more than planning a few seeds here.
PARALLEL_PLAN_THRESHOLD = 64
_PLAN_BATCH = 32


def ingest(
    paths: Iterable[Path],
    *,
    content_dir: Path,
    actors: Sequence[Actor],
    sources: Mapping[str, str],
    force: bool = False,
    cache_root: Path | None = None,
    workers: int | None = None,
) -> tuple[IngestResult, ...]:
    """Ingest every seed; a seed that fails is reported and the others still go in.

    cache_root: the project folder whose .cache/ingest/ remembers the last ingest, so
    that an unchanged seed whose article is as it was left is not parsed again (None:
    no cache). Seeds are parsed and planned on `workers` processes (default: the
    cores, when there are many); articles are written here, in seed order, so the
    result is the same as one process's.
    """
    cache = IngestCache.load(cache_root, fingerprint(actors, sources, content_dir))
    existing, scanned = _existing_by_seed(content_dir, cache.articles)
    cache.changed |= scanned
    files = seed_files(paths)
    remembered: dict[int, IngestResult] = {}
    to_plan: list[int] = []
    for index, seed_path in enumerate(files):
        result = _remembered(seed_path, cache, existing, force=force)
        if result is None:
            to_plan.append(index)
        else:
            remembered[index] = result
    if workers is None:
        workers = cpu_count() if len(to_plan) >= PARALLEL_PLAN_THRESHOLD else 1
    writer = _Writer(files, remembered, cache, existing, content_dir, force, actors)
    if to_plan:  # the matcher is built only when a seed needs it
        # Each batch is written as it comes back (in seed order, as far as the batches
        # back make a run of seeds): this process writes while the workers plan the rest.
        for_each_batch(
            _plan_batch,
            _PlanJob(tuple(files), build_matcher(actors), sources),
            to_plan,
            batch_size=_PLAN_BATCH,
            workers=max(1, workers),
            on_result=lambda _number, _size, batch: writer.arrived(batch),
        )
    writer.write_ready()
    assert len(writer.results) == len(files), "every seed planned or remembered"
    cache.save()
    return tuple(writer.results)


class _Writer:
    """Writes the planned articles in seed order, as the plans come back."""

    def __init__(
        self,
        files: Sequence[Path],
        remembered: Mapping[int, IngestResult],
        cache: IngestCache,
        existing: Mapping[str, Path],
        content_dir: Path,
        force: bool,
        actors: Sequence[Actor],
    ) -> None:
        self.files = files
        self.remembered = remembered
        self.cache = cache
        self.existing = existing
        self.content_dir = content_dir
        self.force = force
        self.names = {actor.id: actor.name for actor in actors}
        self.planned: dict[int, _Planned] = {}
        self.results: list[IngestResult] = []
        self.written: set[Path] = set()

    def arrived(self, batch: Sequence[_Planned]) -> None:
        self.planned.update((item.index, item) for item in batch)
        self.write_ready()

    def write_ready(self) -> None:
        """Write every seed, from the next in order, whose plan is here (or not needed)."""
        while (index := len(self.results)) < len(self.files):
            if index in self.remembered:
                result = self.remembered[index]
                assert result.target is not None
                self.written.add(result.target)
            elif index in self.planned:
                result = self._write(self.files[index], self.planned.pop(index))
            else:
                return
            self.results.append(result)

    def _write(self, seed_path: Path, item: _Planned) -> IngestResult:
        cache = self.cache
        key = _cache_key(seed_path)
        if cache.seeds.pop(key, None) is not None:
            cache.changed = True
        if isinstance(item.outcome, SeedError):
            item.outcome.path = seed_path
            return IngestResult(seed_path, IngestStatus.FAILED, error=item.outcome)
        plan = item.outcome
        target = self.existing.get(seed_path.name) or _free_target(
            self.content_dir / plan.relative_path, self.written
        )
        self.written.add(target)
        result, on_disk = _write_article(
            seed_path, target, plan, force=self.force, names=self.names, fresh=item.fresh
        )
        if on_disk is not None and item.stamp is not None:
            cache.seeds[key] = SeedRecord(
                seed_stamp=item.stamp,
                seed_digest=item.digest,
                target=str(target),
                target_stamp=on_disk[0],
                target_digest=on_disk[1],
                status="edited" if result.status is IngestStatus.KEPT_EDITED else "ingest",
                unlisted=result.unlisted,
            )
            # What a scan of the articles would find in it, so the next scan need not read it.
            cache.articles[str(target)] = ArticleRecord(on_disk[0], on_disk[2])
            cache.changed = True
        return result


def summary(results: Sequence[IngestResult]) -> str:
    """One line for a whole ingest: how many seeds, failed, and what became of the rest."""
    counts = Counter(result.status for result in results)
    parts = [
        f"{counts[status]:,} {label}"
        for status, label in (
            (IngestStatus.CREATED, "created"),
            (IngestStatus.UPDATED, "updated"),
            (IngestStatus.UNCHANGED, "unchanged"),
            (IngestStatus.KEPT_EDITED, "kept as edited"),
        )
        if counts[status]
    ]
    line = f"{len(results):,} seeds, {counts[IngestStatus.FAILED]:,} failed"
    if parts:
        line += ": " + ", ".join(parts)
    if counts[IngestStatus.KEPT_EDITED]:
        line += (
            " (edited since ingested: 'marginalia ingest --force' re-ingests them, keeping "
            "every field not from the seed)"
        )
    return line


def _cache_key(seed_path: Path) -> str:
    return os.path.abspath(seed_path)


def _remembered(
    seed_path: Path, cache: IngestCache, existing: Mapping[str, Path], *, force: bool
) -> IngestResult | None:
    """The result of ingesting the seed, from the cache, when neither the seed nor its
    article changed since the last ingest recorded them; None when it must be done."""
    key = _cache_key(seed_path)
    record = cache.seeds.get(key)
    if record is None or (force and record.status != "ingest"):
        return None
    # The article is still the one ingest would pick for this seed (not moved, not
    # shadowed by another file naming the same seed).
    if str(existing.get(seed_path.name)) != record.target:
        return None
    seed_stamp = still(seed_path, record.seed_stamp, record.seed_digest)
    if seed_stamp is None:
        return None
    target_stamp = still(record.target, record.target_stamp, record.target_digest)
    if target_stamp is None:
        return None
    if (seed_stamp, target_stamp) != (record.seed_stamp, record.target_stamp):
        # Touched, not changed: the next ingest need not read them again.
        cache.seeds[key] = replace(record, seed_stamp=seed_stamp, target_stamp=target_stamp)
        cache.changed = True
    status = IngestStatus.KEPT_EDITED if record.status == "edited" else IngestStatus.UNCHANGED
    return IngestResult(seed_path, status, Path(record.target), unlisted=record.unlisted)


@dataclass(frozen=True, slots=True)
class _PlanJob:
    files: tuple[Path, ...]
    matcher: ActorMatcher
    sources: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _Planned:
    index: int
    outcome: PlannedArticle | SeedError
    stamp: Stamp | None = None  # the seed's, taken before it was read
    digest: str = ""
    fresh: str | None = None  # the article file's text, as a plain ingest writes it


def _plan_batch(job: _PlanJob, batch: Sequence[int]) -> list[_Planned]:
    """Read, parse and plan some seeds (in a worker process, or here). Pure but for the
    reading."""
    done: list[_Planned] = []
    for index in batch:
        seed_path = job.files[index]
        stamp = stamp_of(seed_path)
        try:
            text = read_seed(seed_path)
            seed = parse_seed(text, name=seed_path.name)
        except SeedError as error:
            done.append(_Planned(index, error))
            continue
        planned = plan_article(seed, matcher=job.matcher, sources=job.sources)
        digest = bytes_digest(text.encode("utf-8", "surrogatepass"))
        # Rendered here too: the parent, which writes every article, has enough to do.
        fresh = render_article_file(planned.front_matter, planned.body)
        done.append(_Planned(index, planned, stamp, digest, fresh))
    return done


def _write_article(
    seed_path: Path,
    target: Path,
    planned: PlannedArticle,
    *,
    force: bool,
    names: Mapping[str, str] | None = None,
    fresh: str | None = None,
) -> tuple[IngestResult, tuple[Stamp, str, str | None] | None]:
    """Write (or keep) the article; the result, and the stamp, digest and seed name of
    the file as it is now on disk (None when it could not be known)."""

    def result(
        status: IngestStatus,
        error: MarginaliaError | None = None,
        unlisted: tuple[tuple[str, str], ...] = (),
    ) -> IngestResult:
        return IngestResult(
            seed_path,
            status,
            None if error else target,
            # Candidates are news only when the article is.
            planned.candidates if status in (IngestStatus.CREATED, IngestStatus.UPDATED) else (),
            error,
            planned.notes,
            unlisted,
        )

    def wrote(text: str) -> tuple[Stamp, str, str | None]:
        return on_disk(write_text_atomically(target, text), text)

    def on_disk(stamp: Stamp, text: str) -> tuple[Stamp, str, str | None]:
        return stamp, bytes_digest(text.encode("utf-8")), _seed_name_of(text)

    if fresh is None:
        fresh = render_article_file(planned.front_matter, planned.body)
    try:
        if not target.exists():
            return result(IngestStatus.CREATED), wrote(fresh)
        stamp, current = _read_article(target)
        now = on_disk(stamp, current)
        writer = written_by(current)
        if writer is Written.INGEST or (writer is Written.EDITOR and not force):
            if fresh == current:
                return result(IngestStatus.UNCHANGED), now
            if writer is Written.EDITOR:
                unlisted = _unlisted_actors(planned, current, target, names or {})
                return result(IngestStatus.KEPT_EDITED, unlisted=unlisted), now
            return result(IngestStatus.UPDATED), wrote(fresh)
        # Forced, or forced before: the seed's fields afresh, every other field kept.
        merged = _keep_editors_fields(planned.front_matter, current, target)
        text = render_article_file(merged, planned.body, kept=True)
        if text == current:
            return result(IngestStatus.UNCHANGED), now
        if not force:
            unlisted = _unlisted_actors(planned, current, target, names or {})
            return result(IngestStatus.KEPT_EDITED, unlisted=unlisted), now
        return result(IngestStatus.UPDATED), wrote(text)
    except MarginaliaError as error:
        return result(IngestStatus.FAILED, error), None


def _unlisted_actors(
    planned: PlannedArticle, current: str, target: Path, names: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    """(id, name) of the registered actors the seed mentions that the edited article
    does not list: the editor decides whether to add them."""
    wanted = planned.front_matter.get("actors")
    if not isinstance(wanted, list) or not wanted:
        return ()
    try:
        listed = split_front_matter(current, path=target).data.get("actors")
    except MarginaliaError:
        return ()  # the build reports the broken front matter
    have = {item for item in listed if isinstance(item, str)} if isinstance(listed, list) else set()
    return tuple((actor, names.get(actor, actor)) for actor in wanted if actor not in have)


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


def _read_article(path: Path) -> tuple[Stamp, str]:
    """The article's stamp, taken before its text is read (so a change while reading
    shows next time), and its text."""
    try:
        with path.open("rb") as file:
            stamp = Stamp.of(os.fstat(file.fileno()))
            return stamp, file.read().decode("utf-8")
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


def write_text_atomically(
    path: Path, text: str, *, what: str = "the article", durable: bool = False
) -> Stamp:
    """Write whole or not at all: a crash or a full disk never leaves half an article,
    and the file keeps its permissions. The text's own line endings are written (a CRLF
    file stays CRLF). Returns the stamp of what was written, so an edit just after it
    shows as an edit. durable: the bytes reach the disk before the file is replaced."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        written = write_atomically(path, text.encode("utf-8"), keep_mode=True, durable=durable)
    except OSError as error:
        raise ContentError(
            f"cannot write {what}: {error.strerror or error}",
            path=path,
            fix="check that the folder is writable and the disk has room, then try again; "
            "nothing was changed",
        ) from None
    return Stamp.of(written)
