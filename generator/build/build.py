"""Run a build: load, model, plan, fingerprint, render what changed, write."""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from generator import urls
from generator.build.cache import (
    CACHE_DIR,
    CODE_DIGEST,
    BuildCache,
    FileStamp,
    OutputRecord,
    PagePlan,
)
from generator.build.lock import project_lock
from generator.build.render import (
    BodyRenderer,
    PageRenderer,
    SiteInfo,
    make_environment,
    markdown_engine,
    markdown_key,
    site_info,
)
from generator.build.search_cache import (
    STATE_CACHE_FILE,
    WORD_CACHE_FILE,
    read_index_state,
    read_word_cache,
    write_index_state,
    write_word_cache,
)
from generator.build.site_size import SiteSize, measure
from generator.build.writer import SiteFolder, Staging, output_error, stamp_of
from generator.config import SiteConfig
from generator.content.actors import Actor, ambiguous_surfaces, build_matcher
from generator.content.loading import (
    CHECK_EVERY,
    file_stamps,
    load_actors,
    load_articles,
    read_body,
)
from generator.content.types import Article
from generator.errors import BuildErrors, ContentError, OutputError
from generator.parallel import cpu_count, for_each_batch
from generator.plan.contexts import ArticlePage, Page
from generator.plan.feeds import plan_feeds
from generator.plan.fingerprint import (
    Fingerprinter,
    body_key,
    digest_of,
    registry_surfaces_digest,
    template_digests,
)
from generator.plan.heads import PageHeads
from generator.plan.model import Site, build_site
from generator.plan.opendata import front_matter_digest, plan_open_data
from generator.plan.pages import plan_pages
from generator.plan.search import (
    ArticleWords,
    IndexState,
    SearchIndex,
    index_digest,
    index_files,
    plan_search_index,
)
from generator.plan.sitemap import plan_sitemap
from generator.plan.tables import plan_tables
from generator.urls import Linker

log = logging.getLogger(__name__)

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
    size: SiteSize | None = None  # None when no manifest tells the files' sizes

    def summary(self) -> str:
        size = f"; {self.size.summary()}" if self.size else ""
        return (
            f"{self.planned} files planned, {self.rendered} written, {self.unchanged} unchanged, "
            f"{self.deleted} deleted in {self.seconds:.2f} s "
            f"({self.articles} articles, {self.actors} actors{size})"
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
    cancelled: Callable[[], bool] | None = None,
) -> tuple[set[int], list[ContentError]]:
    """Render the pages at these indices: the indices of those whose bytes changed, and
    the problems found. alongside() runs here while workers render. A True from
    `cancelled` after a batch stops the rest (BuildCancelled).

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
        stop_if(cancelled)

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


def _checkpoint(cancelled: Callable[[], bool] | None) -> Callable[[], None]:
    """stop_if as loading calls it, between files."""
    return functools.partial(stop_if, cancelled)


@dataclass(slots=True)
class LiveState:
    """What the last build planned, kept by the server so an edit to one article's text
    can be rendered without planning the whole site again (see live.py)."""

    pages: dict[str, Page] = dataclasses.field(default_factory=dict)  # by page path
    articles: dict[Path, Article] = dataclasses.field(default_factory=dict)
    known_actors: Mapping[str, Actor] = dataclasses.field(default_factory=dict)
    renderer: PageRenderer | None = None
    out_dir: Path | None = None
    root: Path | None = None


def build(
    root: Path,
    config: SiteConfig,
    *,
    full: bool = False,
    progress: ProgressHook | None = None,
    live: LiveState | None = None,
    commit_lock: AbstractContextManager[object] | None = None,
    cancelled: Callable[[], bool] | None = None,
    waiting: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the site into config.output_dir, rendering only pages whose inputs changed.

    Nothing in the output changes until every page has rendered, and then the whole new
    site replaces the old in one step (see writer.py), so a failed or killed build
    leaves the previous site as it was. Builds of one project take turns (lock.py):
    waiting(message) is told when this one waits. `full` ignores the cache. `live`
    receives what was planned; `commit_lock` is held while the new site is put in
    place; `cancelled` is asked now and then, and a True stops the build before it
    changes anything.
    """
    started = time.perf_counter()
    folders = ProjectFolders.of(root, config)
    folders.refuse_unsafe_output()
    with project_lock(root, waiting=waiting):
        site_folder = SiteFolder(folders.output)
        try:
            site_folder.recover()
        except OSError as error:
            raise output_error(error, folders.output) from error
        # What an older version wrote, from its manifest: read now, since opening the
        # cache drops another version's tables.
        adopted = (
            set() if site_folder.has_record() else BuildCache.recorded_outputs(root, folders.output)
        )
        # Without a cache the folder is checked before one is made: a refused build
        # leaves nothing behind.
        present = None if BuildCache.exists_in(root) else _check_ownership(site_folder, adopted)
        cache = BuildCache.in_folder(root)
        collecting = gc.isenabled()
        # Loading and planning make a million objects and free few: a pass of the cyclic
        # collector walks them all, and passes come often while they are being made.
        gc.disable()
        try:
            return _build(
                config,
                folders=folders,
                site_folder=site_folder,
                present=present,
                adopted=adopted,
                cache=cache,
                full=full,
                progress=progress,
                started=started,
                live=live,
                commit_lock=commit_lock or nullcontext(),
                cancelled=cancelled,
                collecting=collecting,
            )
        finally:
            cache.close()
            gc.unfreeze()
            if collecting:
                gc.enable()


@dataclass(frozen=True, slots=True)
class ProjectFolders:
    """The folders of one build, absolute: what it reads and where it writes."""

    root: Path
    content: Path
    templates: Path
    seeds: Path
    output: Path

    @staticmethod
    def of(root: Path, config: SiteConfig) -> ProjectFolders:
        root = root.resolve()
        return ProjectFolders(
            root=root,
            content=(root / config.content_dir).resolve(),
            templates=(root / config.templates_dir).resolve(),
            seeds=(root / config.seeds_dir).resolve(),
            output=(root / config.output_dir).resolve(),
        )

    def refuse_unsafe_output(self) -> None:
        """An output folder that is, holds, or lies inside the project's own files is
        refused: a build replaces its output folder whole."""
        output = self.output
        if output.exists() and not output.is_dir():
            raise OutputError(
                "the output is a file, not a folder; a build replaces its output folder "
                "whole, so it refuses to build there",
                path=output,
                fix="give --output (or output_dir in site.yaml) a folder, or move the file away",
            )
        guarded = {
            "the project folder": self.root,
            "the content folder": self.content,
            "the templates folder": self.templates,
            "the seeds folder": self.seeds,
            "the cache folder": self.root / CACHE_DIR,
            "the git repository": self.root / ".git",
        }
        for name, folder in guarded.items():
            if output == folder or folder.is_relative_to(output):
                what = f"is {name}" if output == folder else f"holds {name} ({folder})"
                raise OutputError(
                    f"the output folder {what}; a build replaces its output folder whole, "
                    "so it refuses to build there",
                    path=output,
                    fix="give --output (or output_dir in site.yaml) a folder of its own, "
                    "such as site/",
                )
            if name != "the project folder" and output.is_relative_to(folder):
                raise OutputError(
                    f"the output folder lies inside {name} ({folder}); the build would "
                    "read its own output, or mix it with yours",
                    path=output,
                    fix="give --output (or output_dir in site.yaml) a folder outside it, "
                    "such as site/",
                )


def _build(
    config: SiteConfig,
    *,
    folders: ProjectFolders,
    site_folder: SiteFolder,
    present: set[str] | None,
    adopted: Set[str],
    cache: BuildCache,
    full: bool,
    progress: ProgressHook | None,
    started: float,
    live: LiveState | None,
    commit_lock: AbstractContextManager[object],
    cancelled: Callable[[], bool] | None,
    collecting: bool,
) -> BuildReport:
    out_dir = folders.output
    stop_if(cancelled)
    snapshot = input_snapshot(config, folders.content, folders.templates, cancelled=cancelled)
    manifest = cache.outputs(out_dir)
    previous = {} if full else manifest
    wants_state = live is not None and not live.pages
    if not full and not wants_state and nothing_to_do(cache, out_dir, snapshot.digest, previous):
        return _unchanged(cache, folders, previous, started)
    stop_if(cancelled)
    if present is None:
        present = _check_ownership(site_folder, adopted)
    stop_if(cancelled)
    # Until this build has finished, the site is not known to match these inputs.
    cache.store_input_snapshot(out_dir, None)

    loaded = _load(
        config, folders, cache=None if full else cache, snapshot=snapshot, cancelled=cancelled
    )
    stop_if(cancelled)
    plan = plan_build(
        config, folders, loaded, cache=cache, full=full, previous=previous, cancelled=cancelled
    )
    stop_if(cancelled)
    decision = _decide(plan, folders, previous, full=full, config=config, cancelled=cancelled)
    stop_if(cancelled)

    # Rendering makes garbage, cycles among it: the collector runs again, but what the
    # build planned stays until it ends, so it is frozen out of the collector's passes.
    gc.freeze()
    if collecting:
        gc.enable()
    try:
        staging = Staging(out_dir)
    except OSError as error:
        raise output_error(error, out_dir) from error
    try:
        rendered = _render_site(
            plan, decision, staging, cache=cache, progress=progress, cancelled=cancelled
        )
        with commit_lock:
            # Checked under the lock, so nothing written in the meantime is overwritten.
            stop_if(cancelled)
            deleted = site_folder.publish(
                staging,
                staged=rendered.changed,
                delete=present - set(rendered.fingerprints),
                present=present,
                # Without a manifest nothing tells which outputs were touched since.
                checked=_touched(out_dir, rendered.stale, previous) if previous else None,
            )
            if live is not None:
                _keep_live_state(live, plan, loaded, out_dir, folders.root)
    except OSError as error:
        staging.discard()
        raise output_error(error, out_dir) from error
    except BaseException:
        staging.discard()
        raise
    records = _record(
        plan, decision, rendered, cache=cache, folders=folders, snapshot=snapshot, previous=previous
    )
    size = site_size(records)
    return BuildReport(
        articles=len(loaded.articles),
        actors=len(loaded.actors),
        planned=len(rendered.fingerprints),
        rendered=len(rendered.changed),
        unchanged=len(rendered.fingerprints) - len(rendered.changed),
        deleted=len(deleted),
        seconds=time.perf_counter() - started,
        out_dir=out_dir,
        warnings=_with_size_warning(ambiguous_surfaces(loaded.actors), size),
        changed_paths=tuple(sorted(rendered.changed | set(deleted))),
        size=size,
    )


def site_size(records: Mapping[str, OutputRecord]) -> SiteSize:
    """The size of the site a manifest describes, as GitHub Pages counts it."""
    return measure((path, record.size) for path, record in records.items())


def _with_size_warning(warnings: tuple[str, ...], size: SiteSize) -> tuple[str, ...]:
    warning = size.warning()
    return (*warnings, warning) if warning else warnings


def _unchanged(
    cache: BuildCache,
    folders: ProjectFolders,
    previous: Mapping[str, OutputRecord],
    started: float,
) -> BuildReport:
    actors = load_actors(folders.content)
    size = site_size(previous)
    return BuildReport(
        articles=cache.snapshot_articles(folders.output),
        actors=len(actors),
        planned=len(previous),
        rendered=0,
        unchanged=len(previous),
        deleted=0,
        seconds=time.perf_counter() - started,
        out_dir=folders.output,
        warnings=_with_size_warning(ambiguous_surfaces(actors), size),
        size=size,
    )


def _check_ownership(site_folder: SiteFolder, adopted: Set[str]) -> set[str]:
    """What the output folder holds, once it is known to hold only what builds wrote."""
    try:
        present = site_folder.files()
    except OSError as error:
        raise output_error(error, site_folder.out_dir) from error
    owned = site_folder.owned(adopt=adopted)
    site_folder.refuse_foreign(site_folder.foreign(present, owned))
    return present


@dataclass(frozen=True, slots=True)
class Loaded:
    actors: tuple[Actor, ...]
    articles: Sequence[Article]


def _load(
    config: SiteConfig,
    folders: ProjectFolders,
    *,
    cache: BuildCache | None,
    snapshot: InputSnapshot,
    cancelled: Callable[[], bool] | None,
) -> Loaded:
    actors = load_actors(folders.content)
    articles = load_articles(
        folders.content,
        actors,
        cache=cache,
        stamps=snapshot.content,
        checkpoint=_checkpoint(cancelled),
    )
    return Loaded(actors, articles)


@dataclass(frozen=True, slots=True)
class BuildPlan:
    """Every output of the site with its fingerprint, and what renders them."""

    site: Site
    pages: Sequence[Page]
    static: Mapping[str, bytes]
    fingerprints: Mapping[str, str]  # output path -> fingerprint, pages and static files
    page_plan: PagePlan
    body_keys: Mapping[Path, str]
    search_digest: str  # what the search index is made from; "" without search
    env: Environment
    info: SiteInfo
    linker: Linker
    heads: PageHeads
    bodies: BodyRenderer


def plan_build(
    config: SiteConfig,
    folders: ProjectFolders,
    loaded: Loaded,
    *,
    cache: BuildCache,
    full: bool,
    previous: Mapping[str, OutputRecord],
    cancelled: Callable[[], bool] | None,
) -> BuildPlan:
    # Between its steps: each is one call, a tenth of a second or two at 10,000 articles.
    site = build_site(loaded.articles, loaded.actors)
    stop_if(cancelled)
    linker = Linker(base_path=config.base_path, base_url=config.base_url)
    surfaces = registry_surfaces_digest(loaded.actors)
    markdown = markdown_key(config)
    body_keys = {
        article.path: body_key(
            article,
            surfaces=surfaces,
            base_path=config.base_path,
            generator=CODE_DIGEST,
            markdown=markdown,
        )
        for article in site.articles
    }
    stop_if(cancelled)
    pages = plan_pages(
        site,
        body_keys=body_keys,
        page_size=config.page_size,
        home_editions=config.home_editions,
        search=config.search,
    )
    stop_if(cancelled)
    pages += plan_feeds(
        site, absolute=linker.absolute, title=config.title, description=config.description
    )
    stop_if(cancelled)
    front_matter = front_matter_digest(site, title=config.title)
    stop_if(cancelled)
    pages += plan_open_data(
        site,
        absolute=linker.absolute,
        title=config.title,
        inputs=front_matter,
        language=config.language,
        engine=markdown_engine(config),
        body_text=read_body,
    )
    stop_if(cancelled)
    pages += plan_tables(site, absolute=linker.absolute, title=config.title, inputs=front_matter)
    pages += plan_sitemap(pages, absolute=linker.absolute)
    stop_if(cancelled)

    static = read_static_files(folders.templates)
    assets = {
        path.removeprefix(urls.static_path("")): _versioned(path, data)
        for path, data in static.items()
    }
    info = site_info(config, assets=assets)
    env = make_environment(folders.templates, linker)
    templates = template_digests(env)
    stop_if(cancelled)
    settings = digest_of((CODE_DIGEST, repr(config), info))
    fingerprints, page_plan = _fingerprint_pages(
        pages,
        settings=settings,
        templates=templates,
        structure=digest_of((settings, sorted(templates.items()), front_matter)),
        digests={str(article.path): article.digest for article in site.articles},
        kept=None if full else cache.page_plan(folders.output),
        previous=previous,
        cancelled=cancelled,
    )
    fingerprints.update({path: digest_of(data) for path, data in static.items()})
    stop_if(cancelled)
    # The search index is planned only when an article or an actor's names changed.
    search_digest = index_digest(site.articles, site.actors, CODE_DIGEST) if config.search else ""
    if config.search:
        fingerprints.update(dict.fromkeys(index_files(previous), search_digest))
    return BuildPlan(
        site=site,
        pages=pages,
        static=static,
        fingerprints=fingerprints,
        page_plan=page_plan,
        body_keys=body_keys,
        search_digest=search_digest,
        env=env,
        info=info,
        linker=linker,
        heads=PageHeads(linker.absolute, config.title, config.description),
        bodies=BodyRenderer(
            build_matcher(loaded.actors), linker, site.actors, markdown_engine(config)
        ),
    )


@dataclass(frozen=True, slots=True)
class _Decision:
    """What this build must render: the outputs not known to be current."""

    stale: frozenset[str]
    to_render: Sequence[int]  # indices of pages
    old_index: Sequence[str]  # the search index's files in the last build's manifest
    reindex: bool
    known_words: Mapping[str, ArticleWords]
    index_state: IndexState | None
    full: bool


def _decide(
    plan: BuildPlan,
    folders: ProjectFolders,
    previous: Mapping[str, OutputRecord],
    *,
    full: bool,
    config: SiteConfig,
    cancelled: Callable[[], bool] | None,
) -> _Decision:
    site = str(folders.output)
    cache_dir = folders.root / CACHE_DIR
    stale: set[str] = set()
    for number, path in enumerate(plan.fingerprints):
        if number % CHECK_EVERY == 0:
            stop_if(cancelled)
        if not is_current(site, path, plan.fingerprints, previous):
            stale.add(path)
    stop_if(cancelled)
    to_render = [
        index for index, page in enumerate(plan.pages) if urls.output_file(page.path) in stale
    ]
    old_index = index_files(previous) if config.search else []
    reindex = config.search and (not old_index or bool(stale & set(old_index)))
    return _Decision(
        stale=frozenset(stale),
        to_render=to_render,
        old_index=old_index,
        reindex=reindex,
        known_words=(
            read_word_cache(cache_dir / WORD_CACHE_FILE, code=CODE_DIGEST)
            if reindex and not full
            else {}
        ),
        index_state=(
            None
            if full or not reindex
            else read_index_state(cache_dir / STATE_CACHE_FILE, code=CODE_DIGEST)
        ),
        full=full,
    )


@dataclass(frozen=True, slots=True)
class _RenderedSite:
    """What rendering staged: the outputs whose bytes changed, and the final plan."""

    changed: set[str]
    fingerprints: Mapping[str, str]  # with the search index's files as this build made them
    stale: frozenset[str]  # every output checked, the search index's new files too
    search_index: SearchIndex | None
    stored_bodies: bool


def _render_site(
    plan: BuildPlan,
    decision: _Decision,
    staging: Staging,
    *,
    cache: BuildCache,
    progress: ProgressHook | None,
    cancelled: Callable[[], bool] | None,
) -> _RenderedSite:
    """Stage every stale page, static file and search file whose bytes changed; the
    search index is made on a thread while the workers render. `cancelled` is asked
    after each batch of pages."""
    wanted_keys = {
        plan.pages[index].context.body_key
        for index in decision.to_render
        if isinstance(plan.pages[index].context, ArticlePage)
    }
    cached = {} if decision.full else cache.bodies(wanted_keys)
    stop_if(cancelled)
    renderer = PageRenderer(plan.env, plan.info, plan.bodies, cached, plan.heads)
    indexed: list[SearchIndex] = []
    stored: list[bool] = []

    def index_articles() -> None:
        # While the workers render; it reads article files, not pages, so it can.
        indexed.append(
            plan_search_index(
                plan.site.articles,
                plan.site.actors,
                known_words=decision.known_words,
                previous=decision.index_state,
                body_text=read_body,
                # No process is forked from the thread this runs on beside a pool.
                workers=1 if _render_workers(decision.to_render) > 1 else cpu_count(),
            )
        )

    def keep_bodies(new: Mapping[str, str]) -> None:
        # Right for their keys whether or not this build succeeds.
        cache.store_bodies(new)
        stored.append(True)

    changed_pages, problems = _render(
        _RenderJob(plan.pages, renderer, staging),
        decision.to_render,
        progress,
        keep_bodies=keep_bodies,
        alongside=index_articles if decision.reindex else None,
        cancelled=cancelled,
    )
    stop_if(cancelled)
    if problems:
        raise (
            problems[0]
            if len(problems) == 1
            else BuildErrors(sorted(problems, key=lambda e: (str(e.path), e.line or 0)))
        )
    changed = {urls.output_file(plan.pages[index].path) for index in changed_pages}
    stop_if(cancelled)
    for path, data in plan.static.items():
        if path in decision.stale and staging.stage(path, data):
            changed.add(path)
    fingerprints = dict(plan.fingerprints)
    stale = set(decision.stale)
    search_index = indexed[0] if indexed else None
    if search_index is not None:
        for path in decision.old_index:
            del fingerprints[path]
        for path, text in search_index.files.items():
            fingerprints[path] = plan.search_digest
            stale.add(path)
            if staging.stage(path, text.encode("utf-8")):
                changed.add(path)
    return _RenderedSite(changed, fingerprints, frozenset(stale), search_index, bool(stored))


def _keep_live_state(
    live: LiveState, plan: BuildPlan, loaded: Loaded, out_dir: Path, root: Path
) -> None:
    live.pages = {page.path: page for page in plan.pages}
    live.articles = {article.path: article for article in loaded.articles}
    live.known_actors = plan.site.actors
    live.renderer = PageRenderer(plan.env, plan.info, plan.bodies, {}, plan.heads)
    live.out_dir = out_dir
    live.root = root


def _record(
    plan: BuildPlan,
    decision: _Decision,
    rendered: _RenderedSite,
    *,
    cache: BuildCache,
    folders: ProjectFolders,
    snapshot: InputSnapshot,
    previous: Mapping[str, OutputRecord],
) -> dict[str, OutputRecord]:
    """Keep what the next build starts from: caches, then the manifest, last the inputs
    snapshot that lets a build with nothing changed stop at once. The site is already in
    place: a cache that cannot be written is only a slower next build. Returns the
    manifest."""
    out_dir = folders.output
    search_index = rendered.search_index
    if rendered.stored_bodies:
        cache.forget_bodies_except(plan.body_keys.values())
    try:
        if search_index is not None and search_index.words.keys() != decision.known_words.keys():
            write_word_cache(
                folders.root / CACHE_DIR / WORD_CACHE_FILE,
                search_index.words,
                code=CODE_DIGEST,
                stored=decision.known_words,
            )
        if search_index is not None:
            write_index_state(
                folders.root / CACHE_DIR / STATE_CACHE_FILE, search_index.state, code=CODE_DIGEST
            )
    except OSError as error:
        log.warning("could not keep the search cache: %s", error)
    records = _records(out_dir, rendered.fingerprints, previous, set(rendered.stale))
    cache.replace_outputs(out_dir, records, previous=previous, plan=plan.page_plan)
    cache.store_input_snapshot(out_dir, snapshot.digest, articles=len(plan.site.articles))
    return records


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
        if number % CHECK_EVERY == 0:
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


def input_snapshot(
    config: SiteConfig,
    content_dir: Path,
    templates_dir: Path,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> InputSnapshot:
    checkpoint = _checkpoint(cancelled)
    content = file_stamps(content_dir, checkpoint=checkpoint)
    every = (*content.items(), *file_stamps(templates_dir, checkpoint=checkpoint).items())
    files = [(path, stamp.size, stamp.mtime_ns) for path, stamp in every]
    inputs = (CODE_DIGEST, repr(config), str(content_dir), str(templates_dir), files)
    return InputSnapshot(digest_of(inputs), content)


def nothing_to_do(
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


def is_current(
    site: str, path: str, fingerprints: Mapping[str, str], previous: Mapping[str, OutputRecord]
) -> bool:
    """The output was built from these very inputs and nobody has touched it since."""
    record = previous.get(path)
    if record is None or record.fingerprint != fingerprints[path]:
        return False
    # A string, not a Path: joining 15,000 Paths costs more than their stat calls.
    stamp = stamp_of(f"{site}/{path}")
    return stamp is not None and stamp == (record.size, record.mtime_ns)


def _touched(
    out_dir: Path, stale: Iterable[str], previous: Mapping[str, OutputRecord]
) -> list[str]:
    """The outputs changed since the last build wrote them (by serve's instant path, or
    by hand): the site's copy may differ from the spare's, whatever this build staged."""
    site = str(out_dir)
    return [
        path
        for path in stale
        if (record := previous.get(path)) is not None
        and stamp_of(f"{site}/{path}") != (record.size, record.mtime_ns)
    ]


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
