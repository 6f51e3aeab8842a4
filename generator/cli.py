"""Commands: ingest, actors, build, serve, deploy. Errors become one message and an exit code."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from generator.build.build import BuildReport, ProgressHook
    from generator.ingest.candidates import Candidate

from generator import __version__
from generator.config import SiteConfig, load_config
from generator.content.loading import load_actors, load_articles
from generator.content.types import ACTORS_FILE
from generator.deploy import DEFAULT_BRANCH, deploy
from generator.errors import BuildErrors, MarginaliaError, ProjectError, file_error

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_ERROR = 1


def make_console() -> Console:
    # Messages go to stderr; rich drops colour and markup styling when it is not a terminal.
    return Console(stderr=True, highlight=False, soft_wrap=True)


# A project folder holds at least one of these.
PROJECT_MARKERS = ("site.yaml", "content", "templates", "seeds")
HIGHEST_PORT = 65535


def _port(text: str) -> int:
    """A port number for --port: 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= HIGHEST_PORT:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a port: give a whole number from 1 to {HIGHEST_PORT}, "
            "e.g. --port 8001 (0 picks a free one)"
        )
    return port


def _count(text: str) -> int:
    """A whole number of zero or more, for --limit and --min-articles."""
    try:
        number = int(text)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 0 or more, e.g. 20")
    return number


def _date(text: str) -> dt.date:
    """A date for --date: YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2024-02-29"
        ) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marginalia", description="Build an annotated news archive as a static site."
    )
    parser.add_argument("--version", action="version", version=f"marginalia {__version__}")
    parser.add_argument(
        "--root", type=Path, default=Path("."), help="the project folder (default: here)"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest_cmd = commands.add_parser("ingest", help="turn raw seeds into content articles")
    ingest_cmd.add_argument("paths", nargs="*", type=Path, help="seed files or folders")
    ingest_cmd.add_argument(
        "--force",
        action="store_true",
        help="re-ingest articles edited since ingest (their actors, quotes and notes are kept)",
    )
    ingest_cmd.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="list every seed, the unchanged and kept ones too (default: counted in one line)",
    )

    actors_cmd = commands.add_parser(
        "actors",
        help="candidate actors across the archive; 'actors add NAME' registers them",
        description="List the names that look like actors but are not in content/actors.yaml, "
        "across every article, with how many articles name each and an example. "
        "'marginalia actors add NAME...' adds them to the registry.",
    )
    actors_cmd.add_argument(
        "--limit", type=_count, default=50, help="show at most N names (default 50; 0: all)"
    )
    actors_cmd.add_argument(
        "--min-articles",
        type=_count,
        default=1,
        metavar="N",
        help="only names found in at least N articles (default 1)",
    )
    actors_sub = actors_cmd.add_subparsers(dest="actors_command", metavar="add")
    add_cmd = actors_sub.add_parser(
        "add",
        help="add actors to content/actors.yaml",
        description="Add one entry per NAME (id: the name as a slug) to content/actors.yaml, "
        "keeping everything already in the file; the next ingest suggests them.",
    )
    add_cmd.add_argument("names", nargs="+", metavar="NAME", help="the actor's full name")
    add_cmd.add_argument(
        "--type",
        default="person",
        help="person, country, organization or group (default: person)",
    )
    add_cmd.add_argument(
        "--alias", action="append", default=[], help="another full name (one NAME only)"
    )
    add_cmd.add_argument(
        "--short",
        action="append",
        default=[],
        help="a short name used after the full one, e.g. a surname (one NAME only)",
    )

    notes_cmd = commands.add_parser(
        "annotations", help="margin notes: 'annotations import FILE...' brings in W3C notes"
    )
    notes_sub = notes_cmd.add_subparsers(dest="annotations_command", metavar="import")
    notes_sub.required = True
    import_cmd = notes_sub.add_parser(
        "import",
        help="add W3C Web Annotations (or a Hypothesis search result) to their articles",
        description="Read W3C Web Annotation JSON (one annotation, an AnnotationPage or "
        "AnnotationCollection, or a Hypothesis search result) and add each note to the "
        "article it targets, by its page on the published site or its front-matter 'url'.",
    )
    import_cmd.add_argument("files", nargs="+", type=Path, metavar="FILE")

    for name, help_text in (
        ("build", "build the site into site/"),
        ("serve", "build, serve on http://127.0.0.1:8000 and rebuild on changes"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--base-url", help="publish URL for this build (overrides site.yaml)")
        command.add_argument("--content", type=Path, help="content folder (default: content/)")
        command.add_argument("--output", type=Path, help="output folder (default: site/)")
        if name == "build":
            command.add_argument(
                "--full", action="store_true", help="ignore the cache and render every page"
            )
        if name == "serve":
            command.add_argument("--host", default="127.0.0.1", help="address to bind")
            command.add_argument(
                "--port", type=_port, default=8000, help="port to listen on (0: any free port)"
            )
            command.add_argument(
                "--poll", action="store_true", help="poll for changes (file systems without events)"
            )
            command.add_argument("--open", action="store_true", help="open the site in a browser")
            command.add_argument(
                "--read-only",
                action="store_true",
                help="turn off annotating in the browser (no editor, no writes)",
            )

    deploy_cmd = commands.add_parser(
        "deploy",
        help="push the built site to the gh-pages branch (run 'build --base-url URL' first)",
        description="Commit the built site (site/) as the whole of a branch, with .nojekyll, "
        "and push it; the working tree, the index and other branches are left alone. It does "
        "not build: run 'marginalia build --base-url https://<user>.github.io/<repo>/' first.",
    )
    deploy_cmd.add_argument(
        "--branch", default=DEFAULT_BRANCH, help=f"branch to publish to (default: {DEFAULT_BRANCH})"
    )
    deploy_cmd.add_argument(
        "--remote", default="origin", help="remote to push to (default: origin)"
    )
    deploy_cmd.add_argument("--cname", metavar="DOMAIN", help="custom domain, written to CNAME")
    deploy_cmd.add_argument(
        "--no-push", dest="push", action="store_false", help="commit the branch but do not push it"
    )
    deploy_cmd.add_argument("--message", help="commit message (default: a fixed one)")
    deploy_cmd.add_argument(
        "--allow-oversize",
        action="store_true",
        help="deploy a site over GitHub Pages' 1 GB limit anyway (for another host)",
    )

    check_cmd = commands.add_parser(
        "check",
        help="check content, settings, templates and the site's links, without building",
        description="Check everything a build checks (settings, the actor registry, every "
        "article and note, the templates) and every internal link and #anchor of the site, "
        "without writing site/. One line per problem: file:line: what — fix. Exit 1 on any "
        "error; --strict also on any warning.",
    )
    check_cmd.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (exit 1 on any)"
    )
    check_cmd.add_argument("--base-url", help="publish URL to check with (overrides site.yaml)")
    check_cmd.add_argument("--content", type=Path, help="content folder (default: content/)")
    check_cmd.add_argument("--output", type=Path, help="output folder (default: site/)")

    new_cmd = commands.add_parser(
        "new",
        help="start a new article: content/articles/YYYY/MM/<slug>.md",
        description="Write a new article file with its front matter (title, date, source, "
        "authors) and a line of text to replace, and print its path. An existing file is "
        "never replaced.",
    )
    new_cmd.add_argument("headline", help="the headline, in quotes")
    new_cmd.add_argument(
        "--date", type=_date, help="publication date, YYYY-MM-DD (default: today, local time)"
    )
    new_cmd.add_argument("--source", help="the publication, e.g. Reuters")
    new_cmd.add_argument(
        "--author", action="append", default=[], help="an author's name (repeat for several)"
    )
    new_cmd.add_argument("--slug", help="the file name without .md (default: from the headline)")
    return parser


def _configure(args: argparse.Namespace, root: Path) -> SiteConfig:
    config = load_config(root)
    if getattr(args, "base_url", None):
        config = config.with_base_url(args.base_url)
    if getattr(args, "content", None):
        config = _with_folder(config, "content_dir", args.content)
    if getattr(args, "output", None):
        config = _with_folder(config, "output_dir", args.output)
    return config


def _with_folder(config: SiteConfig, field: str, folder: Path) -> SiteConfig:
    return replace(config, **{field: str(folder.resolve())})


INDENT = " " * 16


def run_ingest(args: argparse.Namespace, root: Path, console: Console) -> int:
    # Imported here, as serve is: a build, the command run most, never needs it.
    from generator.ingest.ingest import IngestStatus, ingest, summary

    config = _configure(args, root)
    content_dir = root / config.content_dir
    paths = args.paths or [root / config.seeds_dir]
    results = ingest(
        paths,
        content_dir=content_dir,
        actors=load_actors(content_dir),
        sources=config.source_table,
        force=args.force,
        cache_root=root,
    )
    quiet = (IngestStatus.UNCHANGED, IngestStatus.KEPT_EDITED)
    # Printed in one call, not one a line: rich's cost per call was most of a second at
    # 10,000 new seeds.
    lines: list[str] = []
    for result in results:
        if result.status is IngestStatus.FAILED:
            assert result.error is not None
            _print_lines(lines, console)
            console.print("[red]error[/red] ", end="", markup=True)
            console.print(result.error.message(), markup=False)
            continue
        # Seeds that did not change are counted, not listed: an archive has thousands.
        if result.status in quiet and not args.verbose and not result.unlisted:
            continue
        # Seed names and the words taken from them are shown as they are, never as markup.
        where = _shown_path(result.target, root)
        lines.append(f"{result.status.value:>14}  {result.seed.name} -> {where}")
        if result.status is IngestStatus.KEPT_EDITED:
            lines.append(
                f"{INDENT}edited since it was ingested, so left as it is; "
                "run 'marginalia ingest --force' to re-ingest it (every field not from "
                "the seed is kept)"
            )
        lines.extend(
            f"{INDENT}mentions {name} ({actor_id}), not in its actors: add it by hand"
            for actor_id, name in result.unlisted
        )
        lines.extend(f"{INDENT}{note}" for note in result.notes)
        if result.candidates:
            lines.append(
                f"{INDENT}candidate actors not in content/actors.yaml: "
                + ", ".join(result.candidates)
            )
    lines.append(summary(results))
    _print_lines(lines, console)
    failed = any(result.status is IngestStatus.FAILED for result in results)
    return EXIT_ERROR if failed else EXIT_OK


def _print_lines(lines: list[str], console: Console) -> None:
    """Print the lines gathered so far, as text (never markup), and forget them."""
    if lines:
        console.print("\n".join(lines), markup=False)
        lines.clear()


def run_annotations(args: argparse.Namespace, root: Path, console: Console) -> int:
    from generator.build.render import markdown_engine
    from generator.ingest.annotations_import import import_annotations

    config = _configure(args, root)
    content_dir = root / config.content_dir
    articles = load_articles(content_dir, load_actors(content_dir))
    report = import_annotations(
        args.files, articles, base_url=config.base_url, engine=markdown_engine(config)
    )
    for article_path, where in report.added:
        console.print(f"added {where} to {_shown_path(article_path, root)}", markup=False)
    for problem in report.problems:
        print_error(problem, console)
    console.print(
        f"{len(report.added)} added, {report.present} already there, "
        f"{len(report.problems)} not imported",
        markup=False,
    )
    return EXIT_ERROR if report.problems else EXIT_OK


def run_actors(args: argparse.Namespace, root: Path, console: Console) -> int:
    from generator.ingest.candidates import archive_candidates
    from generator.ingest.registry import add_actors, new_actors

    config = _configure(args, root)
    content_dir = root / config.content_dir
    if args.actors_command == "add":
        path = content_dir / ACTORS_FILE
        adding = new_actors(
            args.names, kind=args.type, aliases=args.alias, short=args.short, path=path
        )
        add_actors(content_dir, adding)
        for new in adding:
            console.print(
                f"added {new.name} ({new.id}, {new.type}) to {_shown_path(path, root)}",
                markup=False,
            )
        console.print(
            "run 'marginalia ingest' to suggest them in the articles that mention them",
            markup=False,
        )
        return EXIT_OK
    candidates = archive_candidates(content_dir, load_actors(content_dir), cache_root=root)
    shown = [c for c in candidates if c.articles >= args.min_articles]
    total = len(shown)
    if args.limit:
        shown = shown[: args.limit]
    _print_candidates(shown, total, root)
    return EXIT_OK


def _print_candidates(shown: Sequence[Candidate], total: int, root: Path) -> None:
    from rich.table import Table
    from rich.text import Text

    out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
    if not shown:
        out.print("no candidate actors: every name found is in content/actors.yaml", markup=False)
        return
    table = Table(title="Candidate actors not in content/actors.yaml", title_justify="left")
    table.add_column("name", no_wrap=True)
    table.add_column("articles", justify="right", no_wrap=True)
    table.add_column("example", no_wrap=True)
    for candidate in shown:
        table.add_row(
            Text(candidate.name),
            f"{candidate.articles:,}",
            Text(_shown_path(candidate.example, root)),
        )
    out.print(table)
    more = f" (the first {len(shown):,} shown; --limit 0 shows all)" if total > len(shown) else ""
    out.print(
        f"{total:,} candidates{more}. Register one with: marginalia actors add "
        "'NAME' --type person|country|organization|group",
        markup=False,
    )


def _shown_path(path: Path | None, root: Path) -> str:
    if path is None:
        return "-"
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def run_build(args: argparse.Namespace, root: Path, console: Console) -> int:
    # Imported here: ingest and actors, run on thousands of seeds, never need it.
    from generator.build.build import build

    config = _configure(args, root)
    with build_progress(console) as progress:
        report = build(
            root, config, full=args.full, progress=progress, waiting=waiting_note(console)
        )
    print_report(report, console, all_warnings=args.debug)
    return EXIT_OK


def waiting_note(console: Console) -> Callable[[str], None]:
    """What a build calls when it must wait for another build of the project."""

    def note(message: str) -> None:
        console.print(f"{message}...", markup=False)

    return note


@contextmanager
def build_progress(console: Console) -> Iterator[ProgressHook | None]:
    """A progress bar on a terminal, for builds that render many pages; nothing elsewhere."""
    if not console.is_terminal:
        yield None
        return
    # Imported only for a terminal: elsewhere a build has no bar to draw.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("rendering"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("pages", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


WARNINGS_SHOWN = 5


def print_report(report: BuildReport, console: Console, *, all_warnings: bool = False) -> None:
    shown = len(report.warnings) if all_warnings else WARNINGS_SHOWN
    for warning in report.warnings[:shown]:
        console.print(f"[yellow]warning:[/] {escape(warning)}", markup=True)
    if len(report.warnings) > shown:
        console.print(
            f"[yellow]warning:[/] and {len(report.warnings) - shown} more like these "
            "(run with --debug to see them all)",
            markup=True,
        )
    console.print(report.summary(), markup=False)


def run_serve(args: argparse.Namespace, root: Path, console: Console) -> int:
    from generator.dev.serve import serve

    config = _configure(args, root)
    return serve(
        root,
        config,
        host=args.host,
        port=args.port,
        console=console,
        poll=args.poll,
        open_browser=args.open,
        read_only=args.read_only,
        configure=lambda: _configure(args, root),
        debug=args.debug,
    )


def run_deploy(args: argparse.Namespace, root: Path, console: Console) -> int:
    config = _configure(args, root)
    site_dir = root / config.output_dir
    result = deploy(
        site_dir,
        repo_dir=root,
        branch=args.branch,
        remote=args.remote,
        cname=args.cname,
        message=args.message,
        push=args.push,
        allow_oversize=args.allow_oversize,
    )
    console.print(result.size.summary(), markup=False)
    if warning := result.size.warning():
        console.print(f"warning: {warning}", markup=False)
    where = _shown_path(site_dir, root)
    pushed = f", pushed to {args.remote}" if result.pushed else ""
    if result.commit is None:
        console.print(f"nothing changed: {result.branch} already holds {where}{pushed}")
    elif result.pushed:
        console.print(f"deployed {where} as commit {result.commit[:12]} on {result.branch}{pushed}")
    else:
        console.print(
            f"deployed {where} as commit {result.commit[:12]} on {result.branch}, not pushed "
            f"(run 'git push {args.remote} {result.branch}' to publish it)"
        )
    return EXIT_OK


def run_check(args: argparse.Namespace, root: Path, console: Console) -> int:
    from generator.build.check import check_project

    report = check_project(
        root, configure=lambda: _configure(args, root), waiting=waiting_note(console)
    )
    for line in report.lines(strict=args.strict):
        console.print(line, markup=False)
    console.print(report.summary(strict=args.strict), markup=False)
    return report.exit_code(strict=args.strict)


def run_new(args: argparse.Namespace, root: Path, console: Console) -> int:
    from generator.content.new_article import plan_new_article, write_new_article

    config = _configure(args, root)
    content_dir = root / config.content_dir
    new = plan_new_article(
        args.headline,
        content_dir=content_dir,
        date=args.date or dt.date.today(),
        source=args.source,
        authors=args.author,
        slug=args.slug,
        known_actors={actor.id: actor for actor in load_actors(content_dir)},
    )
    path = write_new_article(new, root=root)
    # The path alone on stdout, for an editor or a script: $EDITOR $(marginalia new "...").
    print(_shown_path(path, root))
    return EXIT_OK


def print_error(error: MarginaliaError, console: Console) -> None:
    if isinstance(error, BuildErrors):
        console.print(f"[red bold]error:[/] {error.what}", markup=True)
        for item in error.errors:
            console.print(item.message(), markup=False)
    else:
        console.print("[red bold]error:[/] ", end="", markup=True)
        console.print(error.message(), markup=False)


def check_root(root: Path, args: argparse.Namespace) -> None:
    """The project folder exists, and for the commands that read a project, is one."""
    if not root.exists():
        raise ProjectError(
            "the project folder does not exist",
            path=root,
            fix="give the project folder with --root DIR, or run it from inside it",
        )
    if not root.is_dir():
        raise ProjectError(
            "the project folder is a file, not a folder",
            path=root,
            fix="give the project folder with --root DIR",
        )
    reads_project = args.command in ("build", "serve", "actors", "annotations", "check", "new") or (
        args.command == "ingest" and not args.paths
    )
    if reads_project and not any((root / marker).exists() for marker in PROJECT_MARKERS):
        raise ProjectError(
            "this is not a Marginalia project: it has no site.yaml, content/, templates/ or seeds/",
            path=root,
            fix="run it in the project folder, or give that folder with --root DIR",
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING)
    console = make_console()
    commands = {
        "ingest": run_ingest,
        "actors": run_actors,
        "annotations": run_annotations,
        "build": run_build,
        "serve": run_serve,
        "deploy": run_deploy,
        "check": run_check,
        "new": run_new,
    }
    try:
        root = args.root.resolve()
        check_root(root, args)
        return commands[args.command](args, root, console)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # every error a user can meet becomes one message
        if args.debug:
            raise
        print_error(as_message(error), console)
        return EXIT_ERROR


def as_message(error: Exception) -> MarginaliaError:
    """Any error as a message: ours as they are, a file's with its path, and anything else,
    a bug, as a short note asking for the traceback (--debug) and a report."""
    if isinstance(error, MarginaliaError):
        return error
    if isinstance(error, OSError):
        return file_error(error)
    words = str(error).strip() or type(error).__name__
    return MarginaliaError(
        f"unexpected error: {words}",
        fix="run the command again with --debug (marginalia --debug ...) to see where it "
        "happened, and report it",
    )


if __name__ == "__main__":
    sys.exit(main())
