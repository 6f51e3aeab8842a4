"""The development server: site/ over HTTP under its base path, rebuilt as files change,
with live reload and build errors shown in the browser."""

from __future__ import annotations

import errno
import hashlib
import socket
import sys
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console
from rich.markup import escape

from generator import urls
from generator.build.build import BuildCancelled, BuildReport, LiveState, build
from generator.config import SETTINGS_FILE, SiteConfig, load_config
from generator.content.loading import load_actors
from generator.dev.editor import API_PATH, ASSETS, ASSETS_DIR, Answer, Editor
from generator.dev.live import update_article_pages
from generator.dev.livereload import (
    CLIENT_SCRIPT,
    EVENTS_PATH,
    SCRIPT_PATH,
    BuildEvents,
    inject_client,
    page_urls,
)
from generator.dev.watch import (
    ChangeCollector,
    ChangeKind,
    ChangeSet,
    WatchedFolders,
    start_observer,
)
from generator.errors import BuildLocked, MarginaliaError, ServeError, SourceChanged, file_error
from generator.ingest.ingest import ingest

# How long an open event stream waits before a keep-alive comment.
KEEPALIVE_SECONDS = 15.0
PUBLIC_HOSTS = {"0.0.0.0", "::", ""}
HTML = "text/html; charset=utf-8"
ALLOWED_METHODS = "GET, HEAD"
# A client that sends nothing for this long is let go, so it cannot hold a thread.
REQUEST_TIMEOUT_SECONDS = 30.0
# How long a save from the editor waits for a full build to stop, to render at once.
# (A build stops at its next check; one full build would take longer than that.)
SAVE_PATIENCE_SECONDS = 10.0
# How long the full build after a save waits, for the next save in a row.
SAVE_SETTLE_SECONDS = 5.0


class BuildGate:
    """Requests wait while a build writes, so no half-built site is ever served."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._building = False

    def __enter__(self) -> BuildGate:
        with self._condition:
            self._building = True
        return self

    def __exit__(self, *exc: object) -> None:
        with self._condition:
            self._building = False
            self._condition.notify_all()

    def wait_until_idle(self, timeout: float = 60.0) -> None:
        with self._condition:
            self._condition.wait_for(lambda: not self._building, timeout=timeout)


class SiteRequestHandler(SimpleHTTPRequestHandler):
    """Serves the built site under its base path, as GitHub Pages does.

    Whatever a client sends, it gets an answer with a status: 404 (with the site's 404
    page) for anything that is not a file of the site, 405 for methods other than GET and
    HEAD, and the standard library's 400, 414 and 431 for malformed requests.
    """

    extensions_map = {  # noqa: RUF012 (the stdlib's own class attribute)
        **SimpleHTTPRequestHandler.extensions_map,
        ".jsonld": "application/ld+json",
        ".json": "application/json",
        ".xml": "application/xml",
        ".txt": "text/plain; charset=utf-8",
        ".js": "text/javascript",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".wasm": "application/wasm",
    }
    # Without a version the stdlib answers a malformed request line as HTTP/0.9: a body
    # without a status line, which no client reads as an error.
    default_request_version = "HTTP/1.0"
    timeout = REQUEST_TIMEOUT_SECONDS

    def __init__(
        self,
        *args,
        site_dir: Path,
        base_path: Callable[[], str],
        gate: BuildGate,
        events: BuildEvents,
        editor: Editor | None = None,
        **kwargs,
    ) -> None:
        self.site_dir = site_dir
        self.base_path = base_path()
        self.gate = gate
        self.events = events
        self.editor = editor
        self.status: int | None = None
        super().__init__(*args, directory=str(site_dir), **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            self._stream_events()
        elif path == SCRIPT_PATH:
            self._send(HTTPStatus.OK, CLIENT_SCRIPT.encode(), "text/javascript; charset=utf-8")
        elif path.startswith(API_PATH) and self.editor is not None:
            self._api()
        elif path in ASSETS and self.editor is not None and not self.editor.read_only:
            name, content_type = ASSETS[path]
            try:
                asset = (ASSETS_DIR / name).read_bytes()
            except OSError:
                self._not_found()
                return
            self._send(HTTPStatus.OK, asset, content_type)
        else:
            super().do_GET()

    def do_POST(self) -> None:
        if urlsplit(self.path).path.startswith(API_PATH) and self.editor is not None:
            self._api()
        else:
            self.close_connection = True  # the body is not read
            self.send_error(HTTPStatus.NOT_IMPLEMENTED)

    def _api(self) -> None:
        """A request to the editor's API: JSON out, whatever comes in."""
        assert self.editor is not None
        parts = urlsplit(self.path)
        if any(len(self.headers.get_all(name) or []) > 1 for name in ("Host", "Origin")):
            answer = Answer(HTTPStatus.BAD_REQUEST, {"error": "Host or Origin given twice"})
        else:
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer = self.editor.answer(
                self.command,
                parts.path,
                parts.query,
                headers,
                self.rfile.read,
                self.client_address[0],
            )
        if self.command == "POST":
            # What is left of a refused body is not read: the connection ends with it.
            self.close_connection = True
        body = answer.encoded()
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def send_head(self):
        self.gate.wait_until_idle()
        path = urlsplit(self.path).path
        if path + "/" == self.base_path or (path == "/" and self.base_path != "/"):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", self.base_path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if not path.startswith(self.base_path):
            return self._not_found()
        target = self._site_file()
        if target is None:
            return self._not_found()
        if target.suffix == ".html":
            try:
                page = target.read_bytes()
            except OSError:  # gone since it was found, or a folder named like a page
                return self._not_found()
            # Pages get the live-reload client (article pages the editor too); the files
            # in site/ stay as published.
            if self.editor is not None:
                page = self.editor.injected(page, target, self.site_dir)
            self._send(HTTPStatus.OK, inject_client(page), HTML)
            return None
        return super().send_head()

    def _site_file(self) -> Path | None:
        """The file of the site a GET asks for; None when there is none.

        A request path can hold anything: a NUL, bytes that are not UTF-8, a name longer
        than the file system allows. The file system's refusal means no such file.
        """
        try:
            target = Path(self.translate_path(self.path))
            # The stdlib drops ".." segments; a symlink could still lead out of the site.
            if not target.resolve().is_relative_to(self.site_dir.resolve()):
                return None
            folder_asked = urlsplit(self.path).path.endswith("/")
            if target.is_dir():
                if not folder_asked:
                    return target  # the stdlib redirects to the folder's address
                target = target / "index.html"
            elif folder_asked:
                return None  # a file asked for as a folder (index.html/) is not there
            return target if target.is_file() else None
        except (OSError, ValueError):
            return None

    def translate_path(self, path: str) -> str:
        """The file for a request path, once the base path is taken off."""
        parts = urlsplit(path)
        inside = parts.path
        if inside.startswith(self.base_path):
            inside = inside[len(self.base_path) - 1 :]
        return super().translate_path(inside)

    def list_directory(self, path: str | Path) -> None:
        # GitHub Pages never lists a folder: without an index.html it is not found.
        self._not_found()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == HTTPStatus.NOT_FOUND:
            self._not_found()
            return
        if code == HTTPStatus.NOT_IMPLEMENTED:
            # An unknown method: this is a static site, only GET and HEAD mean anything.
            code, message = HTTPStatus.METHOD_NOT_ALLOWED, f"only {ALLOWED_METHODS} are served"
        super().send_error(code, message, explain)

    def send_response(self, code: int, message: str | None = None) -> None:
        self.status = code
        super().send_response(code, message)

    def _not_found(self) -> None:
        page = self.site_dir / urls.not_found_path()
        try:
            body = page.read_bytes()
        except OSError:
            body = b"<!DOCTYPE html><title>404</title>Not found"
        self._send(HTTPStatus.NOT_FOUND, inject_client(body), HTML)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store" if self._is_api() else "no-cache")
        if self.status == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", ALLOWED_METHODS)
        super().end_headers()

    def _is_api(self) -> bool:
        return urlsplit(getattr(self, "path", "")).path.startswith(API_PATH)

    def _stream_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        state = self.events.state
        try:
            self.wfile.write(f"data: {state.to_json()}\n\n".encode())
            self.wfile.flush()
            while not self.events.closed:
                newer = self.events.wait_after(state.epoch, KEEPALIVE_SECONDS)
                if newer is None:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    state = newer
                    self.wfile.write(f"data: {state.to_json()}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


class SiteHTTPServer(ThreadingHTTPServer):
    """The HTTP server; an error in a request's thread is a line in the terminal."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler, *, report: Reporter) -> None:
        self.report = report
        super().__init__(address, handler)

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        error = sys.exc_info()[1]
        if error is None or isinstance(error, ConnectionError | TimeoutError):
            return  # the browser went away or went quiet: nothing to say
        self.report.unexpected(error, during=f"answering a request from {client_address[0]}")


class Reporter:
    """Tells the terminal, and the browsers through the overlay, what went wrong."""

    def __init__(self, console: Console, events: BuildEvents, *, debug: bool) -> None:
        self.console = console
        self.events = events
        self.debug = debug

    def failed(self, error: MarginaliaError, *, headline: str = "build failed") -> None:
        self.console.print(
            f"[red bold]{headline}[/]; still serving the last good site", markup=True
        )
        self.console.print(error.message(), markup=False)
        self.events.publish(error=error.message())

    def unexpected(self, error: BaseException, *, during: str, overlay: bool = False) -> None:
        """A bug, not a problem with the site: one message, the traceback with --debug."""
        words = str(error).strip() or type(error).__name__
        message = (
            f"unexpected error while {during}: {words}\n"
            "  fix: run 'marginalia --debug serve' to see where, and report it; "
            "the next change builds again"
        )
        self.console.print("[red bold]error:[/] ", end="", markup=True)
        self.console.print(message, markup=False)
        if self.debug:
            self.console.print(
                "".join(traceback.format_exception(error)), markup=False, highlight=False
            )
        if overlay:
            self.events.publish(error=message)


@dataclass(frozen=True, slots=True)
class BuildRequest:
    """A full build the follow-up builder is asked for."""

    hold: bool  # requests wait for the whole build, not only while files move
    changes: ChangeSet | None  # what changed, to print after the build
    edits: int  # instant renders so far: one more since this was taken stops the build


class BuildRequests:
    """The one place the taker of changes and the follow-up builder meet: one asks for
    full builds, the other takes them. One condition guards all of it."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._wanted = False
        self._hold = False
        self._changes: dict[Path, ChangeKind] = {}
        self._edits = 0
        self._closed = False
        self._paused = 0  # saves from the editor under way: no full build starts meanwhile
        self._not_before = 0.0  # a full build after saves from the editor waits for this

    def ask(self, changes: ChangeSet | None = None, *, hold: bool) -> None:
        with self._condition:
            self._wanted = True
            self._hold = self._hold or hold
            if hold:
                self._not_before = 0.0  # pages wait for this build: it starts now
            if changes is not None:
                self._changes.update(changes.by_path)
            self._condition.notify_all()

    def edited(self) -> None:
        """An instant render wrote pages: a full build under way is out of date."""
        with self._condition:
            self._edits += 1

    def defer(self, seconds: float) -> None:
        """Start no full build for `seconds` (unless one is asked for that pages wait
        for): saves in a row are each rendered at once, not after a build's next check."""
        with self._condition:
            self._not_before = time.monotonic() + seconds
            self._condition.notify_all()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """While held, a full build under way stops at its next check and none starts,
        so an instant render gets the project at once; the build comes after."""
        with self._condition:
            self._paused += 1
        try:
            yield
        finally:
            with self._condition:
                self._paused -= 1
                self._condition.notify_all()

    def now(self, *, hold: bool) -> BuildRequest:
        """A request for a build straight away, as serve's first build is."""
        with self._condition:
            return BuildRequest(hold=hold, changes=None, edits=self._edits)

    def take(self) -> BuildRequest | None:
        """The next build wanted, once one is; None once closed."""
        with self._condition:
            while not self._closed:
                if not self._wanted or self._paused:
                    self._condition.wait()
                elif (rest := self._not_before - time.monotonic()) > 0:
                    self._condition.wait(rest)
                else:
                    break
            if self._closed:
                return None
            request = BuildRequest(
                hold=self._hold,
                changes=ChangeSet(dict(self._changes)) if self._changes else None,
                edits=self._edits,
            )
            self._wanted, self._hold, self._changes = False, False, {}
            return request

    def newer(self, request: BuildRequest) -> bool:
        """Whether something came in since request was taken (or the server stops)."""
        with self._condition:
            return self._closed or self._wanted or self._paused > 0 or self._edits != request.edits

    def again(self, request: BuildRequest) -> None:
        """A stopped build is wanted again, with what it was to hold and announce."""
        with self._condition:
            self._wanted = True
            self._hold = self._hold or request.hold
            if request.changes is not None:
                self._changes = {**request.changes.by_path, **self._changes}
            self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()


class SiteServer:
    """The server and its builder thread: watch, build, publish the new epoch."""

    def __init__(
        self,
        root: Path,
        config: SiteConfig,
        *,
        console: Console,
        configure: Callable[[], SiteConfig] | None = None,
        debug: bool = False,
        read_only: bool = False,
    ) -> None:
        self.root = root
        self.config = config
        # Reads the settings again after site.yaml changes, with the command line's
        # overrides (--base-url, --content, --output) applied as at start.
        self.configure = configure or (lambda: load_config(root))
        self.console = console
        self.gate = BuildGate()
        self.events = BuildEvents()
        self.report = Reporter(console, self.events, debug=debug)
        self.live = LiveState()
        self.requests = BuildRequests()
        self.folders = WatchedFolders(
            seeds=(root / config.seeds_dir).resolve(),
            content=(root / config.content_dir).resolve(),
            templates=(root / config.templates_dir).resolve(),
            settings=(root / SETTINGS_FILE).resolve(),
        )
        # One set of changes taken at a time: the watcher's, or a save from the editor.
        self._applying = threading.Lock()
        self._rendered: dict[Path, str | None] = {}  # articles the editor saved and rendered
        self.port = 0  # once bound
        self.editor = Editor(
            root=root.resolve(),
            live=self.live,
            config=lambda: self.config,
            refresh=self.saved,
            port=lambda: self.port,
            read_only=read_only,
        )

    def saved(self, path: Path) -> None:
        """The editor wrote an article: render its page now, as for an edit on disk."""
        try:
            # A full build under way is out of date now: it stops at its next check and
            # lets go of the project, so the page is rendered at once (and built after).
            with self.requests.paused():
                changes = ChangeSet({path: ChangeKind.CONTENT})
                if self.apply(changes, patience=SAVE_PATIENCE_SECONDS):
                    # Only the open data and the search index wait for the full build.
                    self.requests.defer(SAVE_SETTLE_SECONDS)
            with self._applying:
                # The watcher sees this write too: the page it would render is this one.
                self._rendered[path] = _digest_of(path)
        except Exception as error:  # the watcher sees the change too and builds again
            self.report.unexpected(error, during="showing the saved note", overlay=True)

    @property
    def site_dir(self) -> Path:
        return self.root / self.config.output_dir

    def full_build(
        self,
        request: BuildRequest | None = None,
        *,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        """An incremental build of everything, then tell the browsers what it changed.

        After changes that only the instant path rendered, requests go on being served
        and wait only while files move; after any other change they wait for the build.
        A newer change stops it before it writes anything: a full build is wanted again.
        Whatever goes wrong is reported, in the terminal and over the page.
        """
        request = request or self.requests.now(hold=False)
        config = self.config

        def newer() -> bool:
            return (cancelled is not None and cancelled()) or self.requests.newer(request)

        try:
            if request.hold:
                with self.gate:
                    report = build(
                        self.root, config, live=self.live, cancelled=newer, waiting=self._waiting
                    )
            else:
                report = build(
                    self.root,
                    config,
                    live=self.live,
                    commit_lock=self.gate,
                    cancelled=newer,
                    waiting=self._waiting,
                )
        except BuildCancelled:
            self.requests.again(request)  # the newer changes want a build, which comes next
            return
        except SourceChanged as error:
            # Saved again while it was read: the watcher has that change and builds again.
            self.console.print(f"{error.where()} changed during the build; building again")
            return
        except MarginaliaError as error:
            # The last good plan stays: an edit that fixes the error is checked against it.
            self.report.failed(error)
            return
        except OSError as error:
            self.report.failed(file_error(error))
            return
        self._report(report, request.changes)
        self.events.publish(changed=page_urls(report.changed_paths, config.base_path))

    def _waiting(self, message: str) -> None:
        # Another build of the project (a 'marginalia build' beside serve) holds the lock.
        self.console.print(f"{message}...", markup=False)

    def follow_up(self, *, cancelled: Callable[[], bool]) -> None:
        """The builder of full builds, apart from the thread that takes changes, so an
        edit to an article's words never waits for one. It lives until the server stops:
        an error in one build is reported, and the next request builds again."""
        while (request := self.requests.take()) is not None:
            try:
                self.full_build(request, cancelled=cancelled)
            except Exception as error:  # a bug must not stop the builds
                self.report.unexpected(error, during="building the site", overlay=True)

    def take_changes(self, collector: ChangeCollector, stop: threading.Event) -> None:
        """The taker of changes: each settled set of changes is applied. It lives until
        the server stops: an error in one is reported, and a full build is still asked."""
        while (changes := collector.wait(stop)) is not None:
            try:
                self.apply(changes)
            except Exception as error:  # a bug must not stop the watching
                self.report.unexpected(error, during="taking the changes", overlay=True)
                self.requests.ask(changes, hold=True)

    def _quick(self, changes: ChangeSet, patience: float = 0.0) -> BuildReport | None:
        if changes.kinds != {ChangeKind.CONTENT}:
            return None
        deadline = time.monotonic() + patience
        with self.gate:
            while True:
                try:
                    report = update_article_pages(self.live, changes.paths)
                except BuildLocked:
                    if time.monotonic() >= deadline:
                        return None
                    time.sleep(0.01)
                    continue
                except (OSError, UnicodeDecodeError, MarginaliaError):
                    return None
                break
            if report is not None:
                self.requests.edited()
            return report

    def _report(self, report: BuildReport, changes: ChangeSet | None) -> None:
        if changes is not None:
            kinds = ", ".join(sorted(kind.value for kind in changes.kinds))
            names = ", ".join(sorted(path.name for path in changes.paths)[:3])
            more = f" and {len(changes.paths) - 3} more" if len(changes.paths) > 3 else ""
            self.console.print(f"changed ({kinds}): {escape(names)}{more}", markup=True)
        self.console.print(report.summary(), markup=False)

    def _ingest(self, seeds: list[Path]) -> None:
        content_dir = self.root / self.config.content_dir
        try:
            results = ingest(
                [p for p in seeds if p.is_file()],
                content_dir=content_dir,
                actors=load_actors(content_dir),
                sources=self.config.source_table,
            )
        except MarginaliaError as error:
            # The build that follows meets the same problem and shows it over the page.
            self.console.print(f"ingest failed: {error.message()}", markup=False)
            return
        except OSError as error:
            self.console.print(f"ingest failed: {file_error(error).message()}", markup=False)
            return
        for result in results:
            self.console.print(f"ingested {result.seed.name}: {result.status.value}")
            if result.error is not None:
                self.console.print(result.error.message(), markup=False)

    def apply(self, changes: ChangeSet, *, patience: float = 0.0) -> bool:
        """Take a set of changes: render an edited article at once when it can be, and
        ask the follow-up builder for a full build. patience: how long an instant render
        waits for a build that holds the project to stop. True when it rendered at once."""
        with self._applying:
            return self._apply(changes, patience)

    def _apply(self, changes: ChangeSet, patience: float) -> bool:
        if changes.kinds == {ChangeKind.CONTENT} and all(
            path in self._rendered and self._rendered.pop(path) == _digest_of(path)
            for path in changes.paths
        ):
            # Saved by the editor and shown already: reloading the page again would only
            # make it flicker. The full build the save asked for brings the rest in line.
            return False
        if ChangeKind.SETTINGS in changes.kinds:
            try:
                config = self.configure()
            except MarginaliaError as error:
                self.report.failed(error, headline="the settings are wrong")
                return False
            self.config = config
            self.live.pages.clear()
        if ChangeKind.TEMPLATE in changes.kinds:
            self.live.pages.clear()
        seeds = sorted(p for p, kind in changes.by_path.items() if kind is ChangeKind.SEED)
        if seeds:
            self._ingest(seeds)
        quick = self._quick(changes, patience)
        if quick is not None:
            self._report(quick, changes)
            self.events.publish(changed=page_urls(quick.changed_paths, self.config.base_path))
            self.requests.ask(hold=False)
            return True
        self.requests.ask(changes, hold=True)
        return False


def _digest_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def address_error(error: OSError, *, host: str, port: int) -> ServeError:
    """Why the server cannot listen on host:port, and what to do instead."""
    if error.errno == errno.EADDRINUSE:
        return ServeError(
            f"port {port} on {host} is already in use (by another 'marginalia serve', or "
            "another program)",
            fix=f"stop the other server, or pick another port: marginalia serve --port "
            f"{port + 1 if port < 65535 else 8000}",
        )
    if error.errno == errno.EACCES:
        return ServeError(
            f"port {port} on {host} may only be used by the administrator",
            fix="pick a port above 1023: marginalia serve --port 8000",
        )
    if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
        return ServeError(
            f"'{host}' is not an address of this machine",
            fix="use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every address)",
        )
    return ServeError(
        f"cannot listen on {host}:{port}: {error.strerror or error}",
        fix="pick another address or port with --host and --port",
    )


def serve(
    root: Path,
    config: SiteConfig,
    *,
    host: str,
    port: int,
    console: Console,
    poll: bool = False,
    open_browser: bool = False,
    on_ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
    configure: Callable[[], SiteConfig] | None = None,
    debug: bool = False,
    read_only: bool = False,
) -> int:
    """Build, watch and serve; configure() gives the settings again after site.yaml
    changes (by default, site.yaml as it is). An address that cannot be bound raises
    OSError before anything is built."""
    stop = stop or threading.Event()
    site = SiteServer(
        root, config, console=console, configure=configure, debug=debug, read_only=read_only
    )
    if host in PUBLIC_HOSTS:
        console.print(
            f"[yellow]warning:[/] serving on {host or 'every address'}: anyone on your "
            "network can read the site and its drafts; use --host 127.0.0.1 to keep it "
            "on this machine",
            markup=True,
        )
    handler = partial(
        SiteRequestHandler,
        site_dir=site.site_dir,
        base_path=lambda: site.config.base_path,
        gate=site.gate,
        events=site.events,
        editor=site.editor,
    )
    # Bound first: a busy port is told at once, not after a build.
    try:
        server = SiteHTTPServer((host, port), handler, report=site.report)
    except OSError as error:
        raise address_error(error, host=host, port=port) from None
    site.port = server.server_address[1]
    try:
        try:
            site.full_build()
        except Exception as error:  # serve what there is, and say why
            site.report.unexpected(error, during="building the site", overlay=True)
        site.site_dir.mkdir(parents=True, exist_ok=True)
    except BaseException:
        server.server_close()
        raise
    collector = ChangeCollector(site.folders)
    observer = start_observer(collector, site.folders, poll=poll)

    builder_thread = threading.Thread(
        target=site.take_changes, args=(collector, stop), name="marginalia-builder", daemon=True
    )
    builder_thread.start()
    follow_up_thread = threading.Thread(
        target=site.follow_up,
        kwargs={"cancelled": collector.pending},
        name="marginalia-follow-up",
        daemon=True,
    )
    follow_up_thread.start()
    server_thread = threading.Thread(target=server.serve_forever, name="marginalia-http")
    server_thread.start()
    shown_host = host if host not in PUBLIC_HOSTS else "127.0.0.1"
    url = f"http://{shown_host}:{server.server_address[1]}{site.config.base_path}"
    console.print(f"serving {site.site_dir} on {url} (Ctrl-C to stop)")
    if read_only:
        console.print("read-only: annotating in the browser is off")
    if open_browser:
        webbrowser.open(url)
    if on_ready is not None:
        on_ready(url)
    try:
        stop.wait()
    except KeyboardInterrupt:
        console.print("stopping")
    finally:
        stop.set()
        site.requests.close()
        site.events.close()
        server.shutdown()
        server.server_close()
        observer.stop()
        observer.join(timeout=2)
        builder_thread.join(timeout=10)
        follow_up_thread.join(timeout=30)
        server_thread.join(timeout=5)
    return 0
