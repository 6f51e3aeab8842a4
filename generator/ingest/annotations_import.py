"""`marginalia annotations import FILE...`: W3C Web Annotations -> margin notes.

Reads one annotation, an AnnotationPage or AnnotationCollection (as data/annotations.jsonld
writes them) or a Hypothesis API search result ({"rows": [...]}), finds the article each
targets (its page on the published site, or its original address, front matter `url`),
anchors the quoted words with the build's own matcher (body/selection), and adds each
note to its article's front matter with frontmatter_edit, keeping every other byte.
A note keeps its annotation's id, so a second import adds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from generator import urls
from generator.body.engines import MarkdownEngine
from generator.body.selection import Refusal, Selection, anchor_selection, anchor_text
from generator.content.frontmatter import body_of
from generator.content.frontmatter_edit import add_entry, entries_of
from generator.content.types import AnnotationKind, Article
from generator.errors import MarginaliaError
from generator.ingest.ingest import write_text_atomically
from generator.plan.opendata import MOTIVATIONS

# Tags (Hypothesis) or tagging bodies (W3C) that name a kind of note; others are notes.
KINDS = {kind.value: kind for kind in AnnotationKind}
# The motivations data/annotations.jsonld gives each kind, read back; "commenting"
# is left out, as a note is what an annotation is when nothing says otherwise.
MOTIVATED = {
    motivation: kind for kind, motivation in MOTIVATIONS.items() if kind is not AnnotationKind.NOTE
}
_LARGEST_FILE = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Incoming:
    """One annotation as read from a file."""

    where: str  # "annotation 2": its place in its file, for messages
    id: str | None
    sources: tuple[str, ...]  # the addresses it targets
    exact: str
    prefix: str
    suffix: str
    kind: AnnotationKind
    note: str
    claim: str | None = None
    rating: str | None = None


@dataclass(slots=True)
class ImportReport:
    added: list[tuple[Path, str]] = field(default_factory=list)  # (article, where)
    present: int = 0  # already in their article
    problems: list[MarginaliaError] = field(default_factory=list)


def read_annotations(path: Path) -> tuple[list[Incoming], list[MarginaliaError]]:
    """The annotations of one file, and a problem for each that cannot be read."""
    try:
        if path.stat().st_size > _LARGEST_FILE:
            raise MarginaliaError(
                f"the file is larger than {_LARGEST_FILE // 1024 // 1024} MiB",
                path=path,
                fix="split it into smaller files",
            )
        document = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", None)
        raise MarginaliaError(
            f"the file is not JSON: {getattr(error, 'msg', None) or error.reason}",
            path=path,
            line=line,
            fix="give a W3C Web Annotation JSON file, an annotation collection or a "
            "Hypothesis search result",
        ) from None
    items = _items(document)
    if items is None:
        raise MarginaliaError(
            "the file holds no annotations this command reads",
            path=path,
            fix="give an Annotation, an AnnotationPage or AnnotationCollection with its "
            'items, or a Hypothesis search result ({"rows": [...]})',
        )
    found: list[Incoming] = []
    problems: list[MarginaliaError] = []
    for number, item in enumerate(items, start=1):
        where = f"annotation {number}"
        try:
            found.append(_incoming(item, where))
        except ValueError as error:
            problems.append(
                MarginaliaError(
                    f"{where} {error}",
                    path=path,
                    fix="give it a target with a TextQuoteSelector and a text body",
                )
            )
    return found, problems


def _items(document: object) -> list[object] | None:
    if isinstance(document, list):
        return document
    if not isinstance(document, Mapping):
        return None
    if isinstance(document.get("rows"), list):  # Hypothesis: /api/search
        return document["rows"]
    kinds = _list(document.get("type"))
    if "AnnotationCollection" in kinds:
        first = document.get("first")
        return _items(first) if isinstance(first, Mapping) else []
    if "AnnotationPage" in kinds or isinstance(document.get("items"), list):
        items = document.get("items")
        return items if isinstance(items, list) else []
    if "target" in document:
        return [document]
    return None


def _list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _incoming(item: object, where: str) -> Incoming:
    if not isinstance(item, Mapping):
        raise ValueError("is not a JSON object")
    sources: list[str] = []
    quote: Mapping | None = None
    for target in _list(item.get("target")):
        source = target if isinstance(target, str) else None
        if isinstance(target, Mapping):
            raw = target.get("source")
            source = raw.get("id") if isinstance(raw, Mapping) else raw
            for selector in _list(target.get("selector")):
                if isinstance(selector, Mapping) and selector.get("type") == "TextQuoteSelector":
                    quote = quote or selector
        if isinstance(source, str):
            sources.append(source)
    if isinstance(item.get("uri"), str):  # Hypothesis names the page here too
        sources.append(item["uri"])
    if not sources:
        raise ValueError("names no page it annotates (no target source)")
    if quote is None or not _text(quote.get("exact")):
        raise ValueError("quotes no words of the page (no TextQuoteSelector with 'exact')")
    tags = [_text(tag) for tag in _list(item.get("tags"))]
    note, claim, rating = _text(item.get("text")), None, None
    for body in _list(item.get("body")) + _list(item.get("bodyValue")):
        if isinstance(body, str):
            note = note or body.strip()
            continue
        if not isinstance(body, Mapping):
            continue
        value, purpose = _text(body.get("value")), body.get("purpose")
        if purpose == "tagging":
            tags.append(value)
        elif purpose == "describing" and note:
            claim = value
        elif purpose == "classifying":
            rating = value
        elif not note:
            note = value
    if not note:
        raise ValueError("has no text (no body with a value, no 'text')")
    kind = next((KINDS[tag.lower()] for tag in tags if tag.lower() in KINDS), None)
    if kind is None:
        motivations = [m for m in _list(item.get("motivation")) if m in MOTIVATED]
        kind = MOTIVATED[motivations[0]] if motivations and not tags else AnnotationKind.NOTE
    if kind is AnnotationKind.FACT_CHECK and not (claim and rating):
        claim = claim or note.split("\n")[0][:200]
        rating = rating or "Unrated"
    elif kind is not AnnotationKind.FACT_CHECK:
        claim = rating = None
    return Incoming(
        where=where,
        id=_text(item.get("id")) or None,
        sources=tuple(sources),
        exact=_text(quote.get("exact")),
        prefix=quote.get("prefix") if isinstance(quote.get("prefix"), str) else "",
        suffix=quote.get("suffix") if isinstance(quote.get("suffix"), str) else "",
        kind=kind,
        note=note,
        claim=claim,
        rating=rating,
    )


def address_key(address: str) -> str:
    """An address as the same page, whatever its scheme, case of host, trailing slash,
    query or fragment."""
    parts = urlsplit(address.strip())
    path = parts.path.rstrip("/")
    if path.endswith("/index.html"):
        path = path.removesuffix("/index.html")
    return f"{parts.netloc.lower()}{path}"


def article_addresses(articles: Iterable[Article], base_url: str) -> dict[str, Article]:
    """Each article by its page's address on the published site and its own `url`."""
    found: dict[str, Article] = {}
    for article in articles:
        page = base_url.rstrip("/") + "/" + urls.article_path(article.date, article.slug)
        found.setdefault(address_key(page), article)
        if article.url:
            found.setdefault(address_key(article.url), article)
    return found


def import_annotations(
    files: Sequence[Path],
    articles: Sequence[Article],
    *,
    base_url: str,
    engine: MarkdownEngine,
) -> ImportReport:
    """Add every annotation of the files to its article; an article is written once, with
    all its new notes, and only when every one of them anchors in it."""
    report = ImportReport()
    incoming: list[tuple[Path, Incoming]] = []
    for path in files:
        try:
            found, problems = read_annotations(path)
        except MarginaliaError as error:
            report.problems.append(error)
            continue
        except OSError as error:
            report.problems.append(
                MarginaliaError(
                    f"the file cannot be read: {error.strerror or error}",
                    path=path,
                    fix="check the file's name and permissions",
                )
            )
            continue
        report.problems.extend(problems)
        incoming.extend((path, item) for item in found)
    by_address = article_addresses(articles, base_url)
    by_article: dict[Path, list[tuple[Path, Incoming]]] = {}
    for path, item in incoming:
        article = next(
            (by_address[key] for key in map(address_key, item.sources) if key in by_address),
            None,
        )
        if article is None:
            report.problems.append(
                MarginaliaError(
                    f"{item.where} targets {item.sources[0]}, which is no article of the archive",
                    path=path,
                    fix="check base_url in site.yaml, or give the article its original "
                    "address as 'url:' in its front matter",
                )
            )
            continue
        by_article.setdefault(article.path, []).append((path, item))
    for article_path, items in by_article.items():
        _import_into(article_path, items, engine, report)
    return report


def _import_into(
    article_path: Path,
    items: list[tuple[Path, Incoming]],
    engine: MarkdownEngine,
    report: ImportReport,
) -> None:
    text = article_path.read_bytes().decode("utf-8")
    anchored_in = anchor_text(body_of(text, path=article_path).strip("\n"), engine)
    existing = entries_of(text, "annotations", path=article_path)
    ids = {_text(entry.get("id")) for entry in existing if isinstance(entry, Mapping)}
    notes = {
        (" ".join(_text(entry.get("quote")).split()), _text(entry.get("note")))
        for entry in existing
        if isinstance(entry, Mapping)
    }
    new_text, added, failed = text, [], False
    for path, item in items:
        anchor = anchor_selection(
            anchored_in, Selection(item.exact, before=item.prefix, after=item.suffix)
        )
        if isinstance(anchor, Refusal):
            failed = True
            report.problems.append(
                MarginaliaError(
                    f"{item.where} cannot be anchored in {article_path.name}: {anchor.what}",
                    path=path,
                    fix=f"{anchor.fix}; nothing was written to {article_path.name}",
                )
            )
            continue
        if (item.id and item.id in ids) or (" ".join(anchor.quote.split()), item.note) in notes:
            report.present += 1
            continue
        entry = {
            "quote": anchor.quote,
            "prefix": anchor.prefix,
            "suffix": anchor.suffix,
            "kind": item.kind.value,
            "claim": item.claim,
            "rating": item.rating,
            "note": item.note,
            "id": item.id,
        }
        try:
            new_text = add_entry(new_text, "annotations", entry, path=article_path)
        except MarginaliaError as error:
            failed = True
            report.problems.append(
                MarginaliaError(
                    f"{item.where} cannot be added to {article_path.name}: {error.what}",
                    path=path,
                    fix=f"{error.fix or 'correct it'}; nothing was written to {article_path.name}",
                )
            )
            continue
        ids.add(item.id or "")
        notes.add((" ".join(anchor.quote.split()), item.note))
        added.append((article_path, item.where))
    if failed or not added:
        return
    write_text_atomically(article_path, new_text, durable=True)
    report.added.extend(added)
