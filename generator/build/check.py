"""Check a project as a build would, and the built site's links, without writing site/.

Everything a build validates (settings, the registry, every article, the notes'
anchors, the templates) is checked by loading, planning and rendering as the build
does, in memory. A page the last build rendered from these very inputs, and that
nobody touched since, is not rendered again: its file in site/ is what it would be.
Then every internal link and #fragment of every HTML page must lead somewhere.

Nothing here writes site/, .site.marginalia/ or the build's cache. What check keeps
is its own, under .cache/check/: the links of each page by the file's stamp, and the
last result with the state it was found in, so a check with nothing changed since
the last one takes a few hundred file stats.
"""

from __future__ import annotations

import dataclasses
import logging
import pickle
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from generator import urls
from generator.build.build import (
    Loaded,
    ProjectFolders,
    input_snapshot,
    is_current,
    plan_build,
    site_size,
)
from generator.build.cache import CACHE_DIR, CODE_DIGEST, BuildCache, OutputRecord
from generator.build.links import (
    BrokenLink,
    LinkResolver,
    PageLinks,
    count_links,
    find_broken_links,
    read_page_links,
)
from generator.build.lock import project_lock
from generator.build.render import PageRenderer
from generator.build.writer import atomic_file
from generator.config import SiteConfig
from generator.content.actors import Actor, SharedName, shared_names
from generator.content.loading import FileStamp, file_stamps, load_actors, load_articles
from generator.content.types import ACTORS_FILE, Article
from generator.errors import BuildErrors, MarginaliaError
from generator.parallel import cpu_count, for_each_batch
from generator.plan.contexts import ArticlePage, Page
from generator.plan.fingerprint import digest_of

log = logging.getLogger(__name__)

CHECK_DIR = "check"  # under .cache/
LINKS_FILE = "links.pickle"
RESULT_FILE = "result.pickle"
# Below this many pages to render or read, forking workers costs more than it saves.
PARALLEL_THRESHOLD = 300
BATCH_SIZE = 100


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, where it is written, and how to fix it."""

    path: str  # as shown: relative to the project when inside it
    line: int | None
    what: str
    fix: str | None

    def text(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        fix = f" — {self.fix}" if self.fix else ""
        return f"{where}: {self.what}{fix}"


@dataclass(frozen=True, slots=True)
class CheckReport:
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    articles: int
    pages: int  # HTML pages whose links were checked
    links: int
    rendered: int  # pages rendered in memory because site/ does not hold them as built
    seconds: float
    reused: bool = False  # nothing changed since the last check: its result stands

    def failed(self, *, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))

    def exit_code(self, *, strict: bool = False) -> int:
        return 1 if self.failed(strict=strict) else 0

    def lines(self, *, strict: bool = False) -> list[str]:
        """Every problem, one line each, errors first; warnings say what they are."""
        label = "error" if strict else "warning"
        return [f"error: {p.text()}" for p in self.errors] + [
            f"{label}: {p.text()}" for p in self.warnings
        ]

    def summary(self, *, strict: bool = False) -> str:
        errors = len(self.errors) + (len(self.warnings) if strict else 0)
        warnings = 0 if strict else len(self.warnings)
        verdict = "ok" if not errors else "failed"
        same = ", unchanged since the last check" if self.reused else ""
        return (
            f"check {verdict}: {errors} error{'s' if errors != 1 else ''}, {warnings} "
            f"warning{'s' if warnings != 1 else ''} ({self.articles} article"
            f"{'s' if self.articles != 1 else ''}, {self.pages} "
            f"pages, {self.links} internal links; {self.rendered} pages rendered in memory"
            f"{same}) in {self.seconds:.2f} s"
        )


def check_project(
    root: Path,
    *,
    configure: Callable[[], SiteConfig],
    waiting: Callable[[str], None] | None = None,
) -> CheckReport:
    """Check the project at root as a build with configure()'s settings would, and the
    links of the site it would make. Problems are reported, not raised."""
    started = time.perf_counter()
    root = root.resolve()
    try:
        config = configure()
    except MarginaliaError as error:
        return _report_of([error], root, started)
    folders = ProjectFolders.of(root, config)
    # The same turn-taking as builds: a build half done is no site to check.
    with project_lock(root, waiting=waiting):
        snapshot = input_snapshot(config, folders.content, folders.templates)
        site_stamps = file_stamps(folders.output)
        state = digest_of(
            (
                CODE_DIGEST,
                snapshot.digest,
                sorted((p, s.size, s.mtime_ns) for p, s in site_stamps.items()),
            )
        )
        store = CheckStore(root / CACHE_DIR / CHECK_DIR)
        kept = store.result(state)
        if kept is not None:
            return dataclasses.replace(kept, seconds=time.perf_counter() - started, reused=True)
        report = _check(config, folders, snapshot.content, site_stamps, store, started)
        store.keep_result(state, report)
        return report


def _report_of(errors: Iterable[MarginaliaError], root: Path, started: float) -> CheckReport:
    return CheckReport(
        errors=_sorted(problem_of(error, root) for error in _each(errors)),
        warnings=(),
        articles=0,
        pages=0,
        links=0,
        rendered=0,
        seconds=time.perf_counter() - started,
    )


def _each(errors: Iterable[MarginaliaError]) -> Iterable[MarginaliaError]:
    for error in errors:
        if isinstance(error, BuildErrors):
            yield from _each(error.errors)
        else:
            yield error


def problem_of(error: MarginaliaError, root: Path) -> Problem:
    return Problem(_shown(error.path, root), error.line, error.what, error.fix)


def _shown(path: Path | str | None, root: Path) -> str:
    if path is None:
        return str(root)
    path = Path(path)
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _sorted(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    unique = dict.fromkeys(problems)
    return tuple(sorted(unique, key=lambda p: (p.path, p.line or 0, p.what)))


def _check(
    config: SiteConfig,
    folders: ProjectFolders,
    content_stamps: Mapping[str, FileStamp],
    site_stamps: Mapping[str, FileStamp],
    store: CheckStore,
    started: float,
) -> CheckReport:
    root = folders.root
    try:
        actors = load_actors(folders.content)
    except MarginaliaError as error:
        # Without the registry no article can be read: that alone is the report.
        return _report_of([error], root, started)
    has_cache = BuildCache.exists_in(root)
    # The build's cache is read (parsed articles, bodies, the manifest), never changed
    # in a way that matters to a build: parses are stored by their files' stamps.
    cache = BuildCache.in_folder(root) if has_cache else BuildCache(Path(":memory:"))
    try:
        articles, content_errors = _load_what_loads(folders, actors, content_stamps, cache)
        manifest = cache.outputs(folders.output)
        plan = plan_build(
            config,
            folders,
            Loaded(actors, articles),
            cache=cache,
            full=not has_cache,
            previous=manifest,
            cancelled=None,
        )
        pages = _pages_to_read(plan.pages, plan.fingerprints, manifest, folders.output)
        cached_bodies = cache.bodies(
            page.context.body_key
            for page, current in pages
            if not current and isinstance(page.context, ArticlePage)
        )
    finally:
        cache.close()
    renderer = PageRenderer(plan.env, plan.info, plan.bodies, cached_bodies, plan.heads)
    resolver = LinkResolver(config.base_url)
    known = store.links(config.base_url)
    read = _read_pages(pages, renderer, resolver, known, site_stamps, folders.output)
    if read.kept.keys() != known.keys() or any(read.kept[k] is not known[k] for k in known):
        store.keep_links(config.base_url, read.kept)  # rewritten only when it changed
    outputs = set(plan.fingerprints)
    broken = find_broken_links(read.links, outputs, base_path=config.base_path)
    failed = {Path(p).stem for p in content_errors.failed}
    by_output = {urls.output_file(page.path): page for page, _ in pages}
    link_problems = [
        _link_problem(item, by_output[item.page], folders)
        for item in broken
        if not _leads_to_failed(item, failed)
    ]
    errors = [problem_of(e, root) for e in (*content_errors.errors, *read.problems)]
    return CheckReport(
        errors=_sorted([*errors, *_located(link_problems, root)]),
        warnings=_warnings(actors, plan.site.articles_by_actor, articles, manifest, folders),
        articles=len(articles),
        pages=len(read.links),
        links=count_links(read.links.values()),
        rendered=read.rendered,
        seconds=time.perf_counter() - started,
    )


@dataclass(frozen=True, slots=True)
class _ContentErrors:
    errors: tuple[MarginaliaError, ...]
    failed: frozenset[str]  # the article files that did not load


def _load_what_loads(
    folders: ProjectFolders,
    actors: Sequence[Actor],
    stamps: Mapping[str, FileStamp],
    cache: BuildCache,
) -> tuple[tuple[Article, ...], _ContentErrors]:
    """The articles that load, and every problem of those that do not: a build stops at
    its content errors, a check goes on to the links of the rest."""
    left = dict(stamps)
    errors: list[MarginaliaError] = []
    failed: set[str] = set()
    while True:
        try:
            articles = load_articles(folders.content, actors, cache=cache, stamps=left)
        except MarginaliaError as error:
            found = list(_each([error]))
            errors += found
            bad = {str(e.path) for e in found if e.path is not None} & left.keys()
            if not bad:  # nothing left to set aside: no site to check
                return (), _ContentErrors(tuple(errors), frozenset(failed))
            failed |= bad
            for path in bad:
                del left[path]
            continue
        # A file set aside twice (a slug taken twice) reports each problem once.
        return articles, _ContentErrors(tuple(dict.fromkeys(errors)), frozenset(failed))


def _pages_to_read(
    pages: Sequence[Page],
    fingerprints: Mapping[str, str],
    manifest: Mapping[str, OutputRecord],
    out_dir: Path,
) -> list[tuple[Page, bool]]:
    """Every page, and whether site/ holds it as these inputs make it (True), so that
    its file is read rather than rendered again."""
    site = str(out_dir)
    return [
        (page, is_current(site, urls.output_file(page.path), fingerprints, manifest))
        for page in pages
    ]


@dataclass(frozen=True, slots=True)
class _ReadPages:
    links: dict[str, PageLinks]  # HTML output -> its anchors and links
    kept: dict[str, tuple[FileStamp, PageLinks]]  # read from site/, for the next check
    problems: list[MarginaliaError]
    rendered: int


@dataclass(frozen=True, slots=True)
class _ReadJob:
    """What a worker needs, inherited through fork."""

    pages: Sequence[tuple[Page, bool]]
    renderer: PageRenderer
    resolver: LinkResolver
    site: str


@dataclass(frozen=True, slots=True)
class _Batch:
    links: dict[str, PageLinks]
    from_site: list[str]
    problems: list[MarginaliaError]


def _read_batch(job: _ReadJob, batch: Sequence[int]) -> _Batch:
    links: dict[str, PageLinks] = {}
    from_site: list[str] = []
    problems: list[MarginaliaError] = []
    for index in batch:
        page, current = job.pages[index]
        output = urls.output_file(page.path)
        html: str | None = None
        if current:
            try:
                with open(f"{job.site}/{output}", encoding="utf-8") as file:
                    html = file.read()
                from_site.append(output)
            except (OSError, UnicodeDecodeError):
                html = None  # changed under us: render it instead
        if html is None:
            try:
                html = job.renderer.render(page)
            except MarginaliaError as error:
                problems.append(error)
                continue
        if output.endswith(".html"):
            links[output] = read_page_links(html, output, job.resolver)
    problems.extend(job.renderer.problems)
    job.renderer.problems.clear()
    job.renderer.new_bodies.clear()
    return _Batch(links, from_site, problems)


def _read_pages(
    pages: Sequence[tuple[Page, bool]],
    renderer: PageRenderer,
    resolver: LinkResolver,
    known: Mapping[str, tuple[FileStamp, PageLinks]],
    site_stamps: Mapping[str, FileStamp],
    out_dir: Path,
) -> _ReadPages:
    """The links of every HTML page: from the last check for a current page whose file
    has the same stamp, read from site/ for another current one, rendered in memory
    for the rest (which also finds what rendering finds wrong)."""
    site = str(out_dir)
    links: dict[str, PageLinks] = {}
    kept: dict[str, tuple[FileStamp, PageLinks]] = {}
    todo: list[int] = []
    for index, (page, current) in enumerate(pages):
        output = urls.output_file(page.path)
        stamp = site_stamps.get(f"{site}/{output}") if current else None
        hit = known.get(output) if stamp is not None else None
        if hit is not None and hit[0] == stamp and output.endswith(".html"):
            links[output] = hit[1]
            kept[output] = hit
        elif current and not output.endswith(".html"):
            continue  # built from these inputs, and no links to read in it
        else:
            todo.append(index)
    problems: list[MarginaliaError] = []
    rendered = 0

    def take(_number: int, _size: int, batch: _Batch) -> None:
        nonlocal rendered
        links.update(batch.links)
        problems.extend(batch.problems)
        from_site = set(batch.from_site)
        rendered += _size - len(from_site)
        for output in from_site:
            stamp = site_stamps.get(f"{site}/{output}")
            if stamp is not None and output in batch.links:
                kept[output] = (stamp, batch.links[output])

    for_each_batch(
        _read_batch,
        _ReadJob(pages, renderer, resolver, site),
        todo,
        batch_size=BATCH_SIZE,
        workers=cpu_count() if len(todo) >= PARALLEL_THRESHOLD else 1,
        on_result=take,
    )
    return _ReadPages(links, kept, problems, rendered)


def _leads_to_failed(item: BrokenLink, failed: set[str]) -> bool:
    """A link to an article that did not load: its error is reported already."""
    parts = item.link.target.split("/")
    return len(parts) >= 2 and parts[-2] in failed


@dataclass(frozen=True, slots=True)
class _LinkProblem:
    item: BrokenLink
    article: Article | None  # the article whose Markdown may hold the link
    where: str  # the page's file, for a link that is not in the Markdown
    template: str


def _link_problem(item: BrokenLink, page: Page, folders: ProjectFolders) -> _LinkProblem:
    article = page.context.article if isinstance(page.context, ArticlePage) else None
    where = _shown(folders.output / item.page, folders.root)
    return _LinkProblem(item, article, where, page.template)


def _located(found: Sequence[_LinkProblem], root: Path) -> list[Problem]:
    """Each broken link where it is written: the article's file and line when the
    Markdown (body or notes) holds it, else the page's file and line, with its template."""
    texts: dict[Path, list[str]] = {}
    seen: dict[tuple[Path, str], int] = {}
    problems = []
    for entry in found:
        item, article = entry.item, entry.article
        line = None
        if article is not None:
            if article.path not in texts:
                texts[article.path] = _lines_of(article.path)
            occurrence = seen.get((article.path, item.link.href), 0)
            seen[(article.path, item.link.href)] = occurrence + 1
            line = _line_of(texts[article.path], item.link.href, occurrence)
        if article is not None and line is not None:
            problems.append(Problem(_shown(article.path, root), line, item.what, item.fix))
        else:
            problems.append(
                Problem(
                    entry.where,
                    item.link.line,
                    f"{item.what} (written by templates/{entry.template} or a partial)",
                    item.fix,
                )
            )
    return problems


def _lines_of(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _line_of(lines: Sequence[str], href: str, occurrence: int) -> int | None:
    """The 1-based line of the nth place the Markdown writes this address."""
    spellings = dict.fromkeys((href, unquote(href), href.replace("&", "&amp;")))
    found = [
        number
        for number, line in enumerate(lines, start=1)
        for spelling in spellings
        for _ in range(line.count(spelling))
    ]
    if not found:
        return None
    return found[min(occurrence, len(found) - 1)]


_ID_LINE = re.compile(r"""^\s*-?\s*id:\s*["']?([^"'\s#]+)""")


def _warnings(
    actors: Sequence[Actor],
    articles_by_actor: Mapping[str, Sequence[Article]],
    articles: Sequence[Article],
    manifest: Mapping[str, OutputRecord],
    folders: ProjectFolders,
) -> tuple[Problem, ...]:
    """What a build warns about, and what --strict also refuses: names several actors
    share, actors no article is about (an empty page and feed), an empty archive feed,
    a site over GitHub Pages' limit."""
    root = folders.root
    registry = _shown(folders.content / ACTORS_FILE, root)
    lines = _registry_lines(folders.content / ACTORS_FILE)
    found = [_shared(name, registry, lines) for name in shared_names(actors)]
    for actor in actors:
        if not articles_by_actor.get(actor.id):
            found.append(
                Problem(
                    registry,
                    lines.get(actor.id),
                    f"no article is about '{actor.id}': its page and feed are empty",
                    f"list '{actor.id}' in the actors of an article that mentions it, or "
                    "remove it from the registry",
                )
            )
    if not articles:
        found.append(
            Problem(
                _shown(folders.content, root),
                None,
                "there are no articles: the site's feed is empty",
                "add articles under content/articles/ (marginalia ingest, or marginalia new)",
            )
        )
    warning = site_size(manifest).warning()
    if warning:
        found.append(Problem(_shown(folders.output, root), None, warning, None))
    return _sorted(found)


def _shared(name: SharedName, registry: str, lines: Mapping[str, int]) -> Problem:
    """A shared name or alias, at the entry of the last actor that claims it (the one
    that came to share it)."""
    found = [lines[i] for i in name.owners if i in lines]
    return Problem(registry, max(found, default=None), name.what, name.fix)


def _registry_lines(path: Path) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(_lines_of(path), start=1):
        match = _ID_LINE.match(line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


class CheckStore:
    """check's own files under .cache/check/: anything unreadable is ignored, and one
    that cannot be written only makes the next check slower."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def _load(self, name: str) -> object:
        try:
            with open(self._folder / name, "rb") as file:
                return pickle.load(file)
        except Exception:  # absent, truncated, another version's: start afresh
            return None

    def _dump(self, name: str, value: object) -> None:
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            with atomic_file(self._folder / name) as file:
                pickle.dump(value, file, protocol=5)
        except OSError as error:
            log.warning("could not keep check's cache: %s", error)

    def result(self, state: str) -> CheckReport | None:
        stored = self._load(RESULT_FILE)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == state:
            report = stored[1]
            return report if isinstance(report, CheckReport) else None
        return None

    def keep_result(self, state: str, report: CheckReport) -> None:
        self._dump(RESULT_FILE, (state, report))

    # Kept as plain tuples (PageLinks' links are): pickle reads and writes them in C,
    # where 15,000 dataclasses took seconds.

    def links(self, base_url: str) -> dict[str, tuple[FileStamp, PageLinks]]:
        stored = self._load(LINKS_FILE)
        if not (isinstance(stored, tuple) and len(stored) == 2) or stored[0] != (
            CODE_DIGEST,
            base_url,
        ):
            return {}
        try:
            return {
                output: (FileStamp(mtime_ns, size), PageLinks(anchors, links))
                for output, (mtime_ns, size, anchors, links) in stored[1].items()
            }
        except (AttributeError, TypeError, ValueError):  # another shape: start afresh
            return {}

    def keep_links(self, base_url: str, links: Mapping[str, tuple[FileStamp, PageLinks]]) -> None:
        plain = {
            output: (stamp.mtime_ns, stamp.size, page.anchors, page.links)
            for output, (stamp, page) in links.items()
        }
        self._dump(LINKS_FILE, ((CODE_DIGEST, base_url), plain))
