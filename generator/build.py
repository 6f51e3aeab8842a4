"""Run a build: load, model, plan, fingerprint, render what changed, write."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from generator import urls
from generator.actors import Actor, ambiguous_surfaces, build_matcher
from generator.cache import (
    CACHE_DIR,
    CODE_DIGEST,
    BuildCache,
    FileStamp,
    OutputRecord,
    PagePlan,
)
from generator.config import SiteConfig
from generator.content import Article, file_stamps, load_actors, load_articles
from generator.errors import BuildErrors, ContentError
from generator.feeds import plan_feeds
from generator.fingerprint import (
    Fingerprinter,
    body_key,
    digest_of,
    registry_surfaces_digest,
    template_digests,
)
from generator.model import build_site
from generator.opendata import front_matter_digest, plan_open_data
from generator.pages import ArticlePage, Page, PageHeads, plan_pages
from generator.parallel import cpu_count, for_each_batch
from generator.render import BodyRenderer, PageRenderer, make_environment, site_info
from generator.search import (
    STATE_CACHE_FILE,
    WORD_CACHE_FILE,
    SearchIndex,
    index_digest,
    index_files,
    plan_search_index,
    read_index_state,
    read_word_cache,
    write_index_state,
    write_word_cache,
)
from generator.sitemap import plan_sitemap
from generator.urls import Linker
from generator.writer import Staging, stamp_of

STATIC_DIR = "static"
# Below this many pages a process pool costs more than it saves.
PARALLEL_THRESHOLD = 300
BATCH_SIZE = 100

# (done, total) after each batch of rendered pages.
ProgressHook = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class BuildReport:
    articles: int
    actors: int
    planned: int  # output files: pages and static files
    rendered: int  # written because they changed
    unchanged: int
    deleted: int
    seconds: float
    out_dir: Path
    warnings: tuple[str, ...] = ()
    changed_paths: tuple[str, ...] = ()  # site-relative outputs written or deleted

    def summary(self) -> str:
        return (
            f"{self.planned} files planned, {self.rendered} written, {self.unchanged} unchanged, "
            f"{self.deleted} deleted in {self.seconds:.2f} s "
            f"({self.articles} articles, {self.actors} actors)"
        )


@dataclass(frozen=True, slots=True)
class _RenderJob:
    """Everything a worker needs, inherited through fork rather than pickled."""

    pages: Sequence[Page]
    renderer: PageRenderer
    staging: Staging


def read_static_files(templates_dir: Path) -> dict[str, bytes]:
    """Site-relative path -> bytes of every file under templates/static/."""
    folder = templates_dir / STATIC_DIR
    if not folder.is_dir():
        return {}
    return {
        urls.static_path(path.relative_to(folder).as_posix()): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _versioned(path: str, data: bytes) -> str:
    # A content hash in the query makes browsers fetch a changed asset at once.
    return f"{path}?v={hashlib.sha256(data).hexdigest()[:10]}"


@dataclass(frozen=True, slots=True)
class _Rendered:
    """What a batch of rendered pages sends back to the main process."""

    changed: set[int]  # indices of the pages whose bytes changed
    bodies: dict[str, str]  # bodies rendered for the first time, for the cache
    problems: list[ContentError]


def _render_batch(job: _RenderJob, batch: Sequence[int]) -> _Rendered:
    """Render pages into staging."""
    changed = {index for index in batch if _render_one(job, index)}
    rendered = _Rendered(changed, dict(job.renderer.new_bodies), list(job.renderer.problems))
    job.renderer.new_bodies.clear()
    job.renderer.problems.clear()
    return rendered


def _render_one(job: _RenderJob, index: int) -> bool:
    """Render a page into staging; False when the site already holds exactly these bytes."""
    page = job.pages[index]
    data = job.renderer.render(page).encode("utf-8")
    return job.staging.stage(urls.output_file(page.path), data)


def _render(
    job: _RenderJob,
    indices: Sequence[int],
    progress: ProgressHook | None,
    *,
    keep_bodies: Callable[[Mapping[str, str]], None],
    alongside: Callable[[], None] | None = None,
) -> tuple[set[int], list[ContentError]]:
    """Render the pages at these indices: the indices of those whose bytes changed, and
    the problems found. alongside() runs here while workers render.

    New bodies go to keep_bodies batch by batch, so the parent never holds them all
    (a gigabyte at 100,000 articles).
    """
    changed: set[int] = set()
    problems: list[ContentError] = []
    done = 0

    def take(_number: int, size: int, batch: _Rendered) -> None:
        nonlocal done
        changed.update(batch.changed)
        problems.extend(batch.problems)
        if batch.bodies:
            keep_bodies(batch.bodies)
        done += size
        if progress:
            progress(done, len(indices))

    for_each_batch(
        _render_batch,
        job,
        indices,
        batch_size=BATCH_SIZE,
        workers=_render_workers(indices),
        on_result=take,
        alongside=alongside,
    )
    return changed, problems


def _render_workers(indices: Sequence[int]) -> int:
    return cpu_count() if len(indices) >= PARALLEL_THRESHOLD else 1


class BuildCancelled(Exception):
    """A build stopped before it changed anything, because newer changes are waiting."""


def stop_if(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise BuildCancelled


@dataclass(slots=True)
class LiveState:
    """What the last build planned, kept by the server so an edit to one article's text
    can be rendered without planning the whole site again (see live.py)."""

    pages: dict[str, Page] = dataclasses.field(default_factory=dict)  # by page path
    articles: dict[Path, Article] = dataclasses.field(default_factory=dict)
    known_actors: Mapping[str, Actor] = dataclasses.field(default_factory=dict)
    renderer: PageRenderer | None = None
    out_dir: Path | None = None


def build(
    root: Path,
    config: SiteConfig,
    *,
    full: bool = False,
    progress: ProgressHook | None = None,
    live: LiveState | None = None,
    commit_lock: AbstractContextManager[object] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BuildReport:
    """Build the site into config.output_dir, rendering only pages whose inputs changed.

    Nothing in the output changes until every page has rendered, so a failed build
    leaves the previous site as it was. `full` ignores the cache. `live` receives what
    was planned; `commit_lock` is held while files move into the site; `cancelled` is
    asked now and then, and a True stops the build before it changes anything.
    """
    started = time.perf_counter()
    content_dir = root / config.content_dir
    templates_dir = root / config.templates_dir
    out_dir = root / config.output_dir
    cache = BuildCache.in_folder(root)
    collecting = gc.isenabled()
    # Loading and planning make a million objects and free few: a pass of the cyclic
    # collector walks them all, and passes come often while they are being made.
    gc.disable()
    try:
        return _build(
            config,
            content_dir=content_dir,
            templates_dir=templates_dir,
            out_dir=out_dir,
            cache=cache,
            full=full,
            progress=progress,
            started=started,
            live=live,
            commit_lock=commit_lock or nullcontext(),
            cancelled=cancelled,
            word_cache=root / CACHE_DIR / WORD_CACHE_FILE,
            index_cache=root / CACHE_DIR / STATE_CACHE_FILE,
            collecting=collecting,
        )
    finally:
        cache.close()
        gc.unfreeze()
        if collecting:
            gc.enable()


def _build(
    config: SiteConfig,
    *,
    content_dir: Path,
    templates_dir: Path,
    out_dir: Path,
    cache: BuildCache,
    full: bool,
    progress: ProgressHook | None,
    started: float,
    live: LiveState | None,
    commit_lock: AbstractContextManager[object],
    cancelled: Callable[[], bool] | None,
    word_cache: Path,
    index_cache: Path,
    collecting: bool,
) -> BuildReport:
    snapshot = input_snapshot(config, content_dir, templates_dir)
    previous = {} if full else cache.outputs(out_dir)
    wants_state = live is not None and not live.pages
    if not full and not wants_state and _nothing_to_do(cache, out_dir, snapshot.digest, previous):
        actors = load_actors(content_dir)
        return BuildReport(
            articles=cache.snapshot_articles(out_dir),
            actors=len(actors),
            planned=len(previous),
            rendered=0,
            unchanged=len(previous),
            deleted=0,
            seconds=time.perf_counter() - started,
            out_dir=out_dir,
            warnings=ambiguous_surfaces(actors),
        )
    # Until this build has finished, the site is not known to match these inputs.
    cache.store_input_snapshot(out_dir, None)

    actors = load_actors(content_dir)
    articles = load_articles(
        content_dir, actors, cache=None if full else cache, stamps=snapshot.content
    )
    stop_if(cancelled)
    site = build_site(articles, actors)
    linker = Linker(base_path=config.base_path, base_url=config.base_url)

    surfaces = registry_surfaces_digest(actors)
    body_keys = {
        article.path: body_key(
            article, surfaces=surfaces, base_path=config.base_path, generator=CODE_DIGEST
        )
        for article in site.articles
    }
    pages = plan_pages(
        site,
        body_keys=body_keys,
        page_size=config.page_size,
        home_editions=config.home_editions,
        search=config.search,
    )
    pages += plan_feeds(
        site, absolute=linker.absolute, title=config.title, description=config.description
    )
    front_matter = front_matter_digest(site, title=config.title)
    pages += plan_open_data(site, absolute=linker.absolute, title=config.title, inputs=front_matter)
    pages += plan_sitemap(pages, absolute=linker.absolute)

    static = read_static_files(templates_dir)
    assets = {
        path.removeprefix(urls.static_path("")): _versioned(path, data)
        for path, data in static.items()
    }
    info = site_info(config, assets=assets)
    env = make_environment(templates_dir, linker)
    templates = template_digests(env)
    settings = digest_of((CODE_DIGEST, repr(config), info))

    fingerprints, plan = _fingerprint_pages(
        pages,
        settings=settings,
        templates=templates,
        structure=digest_of((settings, sorted(templates.items()), front_matter)),
        digests={str(article.path): article.digest for article in site.articles},
        kept=None if full else cache.page_plan(out_dir),
        previous=previous,
        cancelled=cancelled,
    )
    fingerprints.update({path: digest_of(data) for path, data in static.items()})
    # The search index is planned only when an article or an actor's names changed.
    search_digest = index_digest(site.articles, site.actors, CODE_DIGEST) if config.search else ""
    old_index = index_files(previous) if config.search else []
    fingerprints.update(dict.fromkeys(old_index, search_digest))
    # Outputs that must be checked: new, built from other inputs, or touched since.
    site_folder = str(out_dir)
    stale = {
        path for path in fingerprints if not _is_current(site_folder, path, fingerprints, previous)
    }
    to_render = [index for index, page in enumerate(pages) if urls.output_file(page.path) in stale]
    stop_if(cancelled)
    reindex = config.search and (not old_index or bool(stale & set(old_index)))
    known_words = read_word_cache(word_cache, code=CODE_DIGEST) if reindex and not full else {}

    # Rendering makes garbage, cycles among it: the collector runs again, but what the
    # build planned stays until it ends, so it is frozen out of the collector's passes.
    gc.freeze()
    if collecting:
        gc.enable()
    staging = Staging(out_dir)
    wanted_keys = {
        pages[index].context.body_key
        for index in to_render
        if isinstance(pages[index].context, ArticlePage)
    }
    bodies = BodyRenderer(build_matcher(actors), linker, site.actors)
    heads = PageHeads(linker.absolute, config.title, config.description)
    renderer = PageRenderer(env, info, bodies, {} if full else cache.bodies(wanted_keys), heads)
    indexed: list[SearchIndex] = []

    def index_articles() -> None:
        # While the workers render; it reads article files, not pages, so it can.
        indexed.append(
            plan_search_index(
                site.articles,
                site.actors,
                known_words=known_words,
                previous=None if full else read_index_state(index_cache, code=CODE_DIGEST),
                # No process is forked from the thread this runs on beside a pool.
                workers=1 if _render_workers(to_render) > 1 else cpu_count(),
            )
        )

    stored_bodies = False

    def keep_bodies(bodies: Mapping[str, str]) -> None:
        # Right for their keys whether or not this build succeeds.
        nonlocal stored_bodies
        cache.store_bodies(bodies)
        stored_bodies = True

    try:
        changed_pages, problems = _render(
            _RenderJob(pages, renderer, staging),
            to_render,
            progress,
            keep_bodies=keep_bodies,
            alongside=index_articles if reindex else None,
        )
        if problems:
            raise (
                problems[0]
                if len(problems) == 1
                else BuildErrors(sorted(problems, key=lambda e: (str(e.path), e.line or 0)))
            )
        changed = {urls.output_file(pages[index].path) for index in changed_pages}
        for path, data in static.items():
            if path in stale and staging.stage(path, data):
                changed.add(path)
        search_index = indexed[0] if indexed else None
        if search_index is not None:
            for path in old_index:
                del fingerprints[path]
            for path, text in search_index.files.items():
                fingerprints[path] = search_digest
                stale.add(path)
                if staging.stage(path, text.encode("utf-8")):
                    changed.add(path)
        # The whole site is walked for files to delete, so a stray or a file that an old
        # manifest does not know is not left behind.
        with commit_lock:
            # Checked under the lock, so nothing written in the meantime is overwritten.
            stop_if(cancelled)
            deleted = staging.commit(keep=set(fingerprints))
            if live is not None:
                live.pages = {page.path: page for page in pages}
                live.articles = {article.path: article for article in articles}
                live.known_actors = site.actors
                live.renderer = PageRenderer(env, info, bodies, {}, heads)
                live.out_dir = out_dir
    except BaseException:
        staging.discard()
        raise

    if stored_bodies:
        cache.forget_bodies_except(body_keys.values())
    if search_index is not None and search_index.words.keys() != known_words.keys():
        write_word_cache(word_cache, search_index.words, code=CODE_DIGEST, stored=known_words)
    if search_index is not None:
        write_index_state(index_cache, search_index.state, code=CODE_DIGEST)
    records = _records(out_dir, fingerprints, previous, stale)
    cache.replace_outputs(out_dir, records, previous=previous, plan=plan)
    cache.store_input_snapshot(out_dir, snapshot.digest, articles=len(articles))
    return BuildReport(
        articles=len(articles),
        actors=len(actors),
        planned=len(fingerprints),
        rendered=len(changed),
        unchanged=len(fingerprints) - len(changed),
        deleted=len(deleted),
        seconds=time.perf_counter() - started,
        out_dir=out_dir,
        warnings=ambiguous_surfaces(actors),
        changed_paths=tuple(sorted(changed | set(deleted))),
    )


def _fingerprint_pages(
    pages: Sequence[Page],
    *,
    settings: str,
    templates: Mapping[str, str],
    structure: str,
    digests: Mapping[str, str],
    kept: PagePlan | None,
    previous: Mapping[str, OutputRecord],
    cancelled: Callable[[], bool] | None,
) -> tuple[dict[str, str], PagePlan]:
    """Each page's fingerprint by output path, and the plan of them for the next build.

    When every input of the pages but the articles' text is as the last build had it
    (`structure`), a page that holds none of the articles whose text changed keeps the
    fingerprint in the manifest: digesting it again would give the same. Other pages
    are digested, noting which articles each holds.
    """
    redo = _outputs_on_changed_text(kept, structure, digests)
    fingerprinter = Fingerprinter()
    fingerprints: dict[str, str] = {}
    uses: dict[str, list[str]] = {}
    for number, page in enumerate(pages):
        if number % 2000 == 0:
            stop_if(cancelled)
        path = urls.output_file(page.path)
        record = previous.get(path)
        if redo is not None and record is not None and path not in redo:
            fingerprints[path] = record.fingerprint
            continue
        fingerprints[path] = fingerprinter.digest((settings, templates.get(page.template), page))
        for article in dict.fromkeys(fingerprinter.articles):
            uses.setdefault(article, []).append(path)
    if kept is not None and redo is not None:
        # The same inputs but text make the same pages, holding the same articles.
        return fingerprints, PagePlan(structure, digests, kept.uses)
    return fingerprints, PagePlan(
        structure, digests, {article: tuple(paths) for article, paths in uses.items()}
    )


def _outputs_on_changed_text(
    kept: PagePlan | None, structure: str, digests: Mapping[str, str]
) -> set[str] | None:
    """The outputs whose pages hold an article whose text changed since the plan; None
    when the plan cannot tell: there is none, or other inputs changed too."""
    if kept is None or kept.structure != structure or kept.digests.keys() != digests.keys():
        return None
    redo: set[str] = set()
    for path, digest in digests.items():
        if kept.digests[path] != digest:
            redo.update(kept.uses.get(path, ()))
    return redo


@dataclass(frozen=True, slots=True)
class InputSnapshot:
    """Every input of a build: the settings, and the stamp of every file under content/
    and templates/; the content's stamps also tell loading which articles there are."""

    digest: str
    content: Mapping[str, FileStamp]


def input_snapshot(config: SiteConfig, content_dir: Path, templates_dir: Path) -> InputSnapshot:
    content = file_stamps(content_dir)
    every = (*content.items(), *file_stamps(templates_dir).items())
    files = [(path, stamp.size, stamp.mtime_ns) for path, stamp in every]
    inputs = (CODE_DIGEST, repr(config), str(content_dir), str(templates_dir), files)
    return InputSnapshot(digest_of(inputs), content)


def _nothing_to_do(
    cache: BuildCache, out_dir: Path, snapshot: str, previous: Mapping[str, OutputRecord]
) -> bool:
    """The inputs are those of the last build, and every output it wrote is as it left it."""
    if not previous or cache.input_snapshot(out_dir) != snapshot:
        return False
    site = str(out_dir)
    return all(
        stamp_of(f"{site}/{path}") == (record.size, record.mtime_ns)
        for path, record in previous.items()
    )


def _is_current(
    site: str, path: str, fingerprints: Mapping[str, str], previous: Mapping[str, OutputRecord]
) -> bool:
    """The output was built from these very inputs and nobody has touched it since."""
    record = previous.get(path)
    if record is None or record.fingerprint != fingerprints[path]:
        return False
    # A string, not a Path: joining 15,000 Paths costs more than their stat calls.
    stamp = stamp_of(f"{site}/{path}")
    return stamp is not None and stamp == (record.size, record.mtime_ns)


def _records(
    out_dir: Path,
    fingerprints: Mapping[str, str],
    previous: Mapping[str, OutputRecord],
    stale: set[str],
) -> dict[str, OutputRecord]:
    """The manifest after this build: a fresh stamp for every output that was checked."""
    records: dict[str, OutputRecord] = {}
    for path, fingerprint in fingerprints.items():
        old = previous.get(path)
        if path not in stale and old is not None:
            records[path] = old
            continue
        stamp = stamp_of(out_dir / path)
        if stamp is not None:
            records[path] = OutputRecord(fingerprint, *stamp)
    return records
