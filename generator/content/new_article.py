"""A new article written by hand: its file's path and text from a headline (pure), and
the one write that never replaces a file (write_new_article).

The text goes through the same YAML writer as ingest's, so any headline (quotes,
colons, a leading '-' or '#', any script) is read back as written; before anything is
written, the text is parsed as a build parses it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.content.actors import SLUG, Actor
from generator.content.frontmatter import render_front_matter
from generator.content.types import ARTICLES_DIR
from generator.content.validation import parse_article
from generator.errors import ContentError
from generator.urls import slugify

BODY_PLACEHOLDER = "Write the article here, in Markdown."


@dataclass(frozen=True, slots=True)
class NewArticle:
    path: Path
    text: str


def plan_new_article(
    headline: str,
    *,
    content_dir: Path,
    date: dt.date,
    source: str | None = None,
    authors: Sequence[str] = (),
    slug: str | None = None,
    known_actors: Mapping[str, Actor] | None = None,
) -> NewArticle:
    """The file content/articles/YYYY/MM/<slug>.md and its text, checked as a build
    checks it; a ContentError says what to change when it could not build."""
    title = " ".join(headline.split())
    if not title:
        raise ContentError(
            "the headline is empty",
            fix='give the headline in quotes: marginalia new "Headline of the article"',
        )
    chosen = slug if slug is not None else slugify(title)
    if not chosen or not SLUG.fullmatch(chosen):
        what = (
            f"the slug '{chosen}' is not lowercase letters, digits and hyphens"
            if chosen
            else f"the headline '{title}' gives no slug (it has no letters or digits in A-Z)"
        )
        raise ContentError(what, fix="give the file name with --slug, e.g. --slug my-article")
    path = content_dir / ARTICLES_DIR / f"{date:%Y}" / f"{date:%m}" / f"{chosen}.md"
    fields: dict[str, object] = {"title": title, "date": date}
    if source and source.strip():
        fields["source"] = " ".join(source.split())
    names = [" ".join(name.split()) for name in authors if name.strip()]
    fields["authors"] = names
    text = render_front_matter(fields, BODY_PLACEHOLDER)
    article, problems = parse_article(text, path=path, known_actors=known_actors or {})
    if article is None or article.title != title or article.date != date:
        first = problems[0] if problems else None
        raise ContentError(
            f"the new article would not build: {first.what if first else 'it reads back wrong'}",
            fix="change the headline, or report this with the headline you gave",
        )
    return NewArticle(path, text)


def write_new_article(new: NewArticle, *, root: Path | None = None) -> Path:
    """Create the file; an existing one is never replaced (O_EXCL), and is named."""
    new.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(new.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        shown = new.path.relative_to(root) if root and new.path.is_relative_to(root) else new.path
        raise ContentError(
            f"an article already has this slug and date folder: {shown}; it is left as it is",
            path=new.path,
            fix="choose a different headline, or give another file name with --slug NAME",
        ) from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(new.text)
    return new.path
