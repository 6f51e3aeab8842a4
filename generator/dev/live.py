"""The fast path of the watch server: an edit to the words of an article.

Listings show only an article's summary (title, date, dek, actors, quotes, events), so
when an edit leaves all of those as they were, the article's own page is the only page
that shows anything new. It is rendered from what the last build planned and written
at once; the full incremental build that follows brings the rest (data files, search)
in line and finds the page already right.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Collection
from pathlib import Path

from generator import urls
from generator.build.build import BuildReport, LiveState
from generator.build.lock import project_lock
from generator.build.writer import work_folder, write_atomically
from generator.content.types import Article
from generator.content.validation import parse_article
from generator.plan.contexts import ArticlePage

# What only the article's own page shows; everything else of an article is in listings.
PAGE_ONLY_FIELDS = frozenset(
    {"body", "body_line", "digest", "annotations", "image", "dateline", "agency", "credits", "seed"}
)


# Lists of entries that remember their line in the file.
LINED_FIELDS = frozenset({"quotes", "events"})


def shows_only_on_its_page(old: Article, new: Article) -> bool:
    """True when the edit changes nothing a listing, feed or actor page shows."""
    for field in dataclasses.fields(Article):
        if field.name in PAGE_ONLY_FIELDS:
            continue
        before, after = getattr(old, field.name), getattr(new, field.name)
        if field.name in LINED_FIELDS:
            # An entry's line in the file is not shown anywhere.
            before = tuple(dataclasses.replace(entry, line=None) for entry in before)
            after = tuple(dataclasses.replace(entry, line=None) for entry in after)
        if before != after:
            return False
    return True


def update_article_pages(live: LiveState, changed: Collection[Path]) -> BuildReport | None:
    """Render the pages of edited articles at once, or None when a full build is needed.

    None also when anything is wrong with the edit: the full build reports it properly.
    """
    if not live.pages or live.renderer is None or live.out_dir is None or not changed:
        return None
    if live.root is None:  # planned by a build that did not say where the project is
        return None
    started = time.perf_counter()
    updates: list[tuple[str, bytes]] = []
    for path in changed:
        old = live.articles.get(path)
        if old is None and not path.exists():
            continue  # an editor's temporary file, saved and renamed over the article
        if old is None or not path.is_file():
            return None
        article, problems = parse_article(
            path.read_text(encoding="utf-8"), path=path, known_actors=live.known_actors
        )
        if problems or article is None or not shows_only_on_its_page(old, article):
            return None
        page_path = urls.article_path(article.date, article.slug)
        page = live.pages[page_path]
        assert isinstance(page.context, ArticlePage)
        context = dataclasses.replace(page.context, article=article, body_key=article.digest)
        page = dataclasses.replace(page, context=context)
        text = live.renderer.render(page)
        if live.renderer.problems:
            live.renderer.problems.clear()
            return None
        updates.append((page_path, text.encode("utf-8")))
        live.pages[page_path] = page
        live.articles[path] = article
    # Not waiting: while another build holds the lock, the full build that follows
    # waits for it instead. One file replaced at once is the old page or the new; the
    # next build takes it as it is, since its stamp is not the manifest's.
    # Temporary files go in the build's own folder: one left by a kill is never in the site.
    scratch = work_folder(live.out_dir)
    with project_lock(live.root, wait=False):
        if updates:
            scratch.mkdir(exist_ok=True)
        for page_path, data in updates:
            write_atomically(
                live.out_dir / urls.output_file(page_path), data, scratch=scratch, keep_mode=True
            )
    return BuildReport(
        articles=len(live.articles),
        actors=len(live.known_actors),
        planned=len(live.pages),
        rendered=len(updates),
        unchanged=len(live.pages) - len(updates),
        deleted=0,
        seconds=time.perf_counter() - started,
        out_dir=live.out_dir,
        changed_paths=tuple(sorted(urls.output_file(path) for path, _ in updates)),
    )
