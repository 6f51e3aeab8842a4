"""The development server: site/ over HTTP under its base path, rebuilt as files change,
with live reload and build errors shown in the browser."""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console
from rich.markup import escape

from generator import urls
from generator.build import BuildCancelled, BuildReport, LiveState, build
from generator.config import SETTINGS_FILE, SiteConfig, load_config
from generator.content import load_actors
from generator.errors import MarginaliaError, SourceChanged
from generator.ingest import ingest
from generator.live import update_article_pages
from generator.livereload import (
    CLIENT_SCRIPT,
    EVENTS_PATH,
    SCRIPT_PATH,
    BuildEvents,
    inject_client,
    page_urls,
)
from generator.watch import ChangeCollector, ChangeKind, ChangeSet, WatchedFolders, start_observer

# How long an open event stream waits before a keep-alive comment.
KEEPALIVE_SECONDS = 15.0
PUBLIC_HOSTS = {"0.0.0.0", "::", ""}
HTML = "text/html; charset=utf-8"


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
    """Serves the built site under its base path, as GitHub Pages does."""

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

    def __init__(
        self,
        *args,
        site_dir: Path,
        base_path: Callable[[], str],
        gate: BuildGate,
        events: BuildEvents,
        **kwargs,
    ) -> None:
        self.site_dir = site_dir
        self.base_path = base_path()
        self.gate = gate
        self.events = events
        super().__init__(*args, directory=str(site_dir), **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            self._stream_events()
        elif path == SCRIPT_PATH:
            self._send(HTTPStatus.OK, CLIENT_SCRIPT.encode(), "text/javascript; charset=utf-8")
        else:
            super().do_GET()

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
        target = Path(self.translate_path(self.path))
        # The stdlib drops ".." segments; a symlink could still lead out of the site.
        if not target.resolve().is_relative_to(self.site_dir.resolve()):
            return self._not_found()
        if target.is_dir() and path.endswith("/"):
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            # Pages get the live-reload client; the files in site/ stay as published.
            self._send(HTTPStatus.OK, inject_client(target.read_bytes()), HTML)
            return None
        return super().send_head()

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
        super().send_error(code, message, explain)

    def _not_found(self) -> None:
        page = self.site_dir / urls.not_found_path()
        body = (
            page.read_bytes() if page.is_file() else b"<!DOCTYPE html><title>404</title>Not found"
        )
        self._send(HTTPStatus.NOT_FOUND, inject_client(body), HTML)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

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


class SiteServer:
    """The server and its builder thread: watch, build, publish the new epoch."""

    def __init__(
        self,
        root: Path,
        config: SiteConfig,
        *,
        console: Console,
        configure: Callable[[], SiteConfig] | None = None,
    ) -> None:
        self.root = root
        self.config = config
        # Reads the settings again after site.yaml changes, with the command line's
        # overrides (--base-url, --content, --output) applied as at start.
        self.configure = configure or (lambda: load_config(root))
        self.console = console
        self.gate = BuildGate()
        self.events = BuildEvents()
        self.live = LiveState()
        self._wanted = threading.Event()  # a full build is wanted
        self._hold_requests = False  # the next full build holds requests until it is done
        self._announce: ChangeSet | None = None  # what changed, to print after that build
        self._edits = 0  # instant renders so far: one since a build began stops it
        self.folders = WatchedFolders(
            seeds=(root / config.seeds_dir).resolve(),
            content=(root / config.content_dir).resolve(),
            templates=(root / config.templates_dir).resolve(),
            settings=(root / SETTINGS_FILE).resolve(),
        )

    @property
    def site_dir(self) -> Path:
        return self.root / self.config.output_dir

    def full_build(self, *, cancelled: Callable[[], bool] | None = None) -> None:
        """An incremental build of everything, then tell the browsers what it changed.

        After changes that only the instant path rendered, requests go on being served
        and wait only while files move; after any other change they wait for the build.
        A newer change stops it before it writes anything: a full build is wanted again.
        """
        hold, self._hold_requests = self._hold_requests, False
        announce, self._announce = self._announce, None
        edits = self._edits

        def newer() -> bool:
            waiting = cancelled is not None and cancelled()
            return waiting or self._wanted.is_set() or self._edits != edits

        try:
            if hold:
                with self.gate:
                    report = build(self.root, self.config, live=self.live, cancelled=newer)
            else:
                report = build(
                    self.root, self.config, live=self.live, commit_lock=self.gate, cancelled=newer
                )
        except BuildCancelled:
            self._hold_requests = self._hold_requests or hold
            self._announce = self._announce or announce
            return  # the newer changes want a build, which comes next
        except SourceChanged as error:
            # Saved again while it was read: the watcher has that change and builds again.
            self.console.print(f"{error.where()} changed during the build; building again")
            return
        except MarginaliaError as error:
            # The last good plan stays: an edit that fixes the error is checked against it.
            self.console.print(
                "[red bold]build failed[/]; still serving the last good site", markup=True
            )
            self.console.print(error.message(), markup=False)
            self.events.publish(error=error.message())
            return
        self._report(report, announce)
        self.events.publish(changed=page_urls(report.changed_paths, self.config.base_path))

    def follow_up(self, stop: threading.Event, *, cancelled: Callable[[], bool]) -> None:
        """The builder of full builds, apart from the thread that takes changes, so an
        edit to an article's words never waits for one."""
        while not stop.is_set():
            if self._wanted.wait(timeout=0.1):
                self._wanted.clear()
                self.full_build(cancelled=cancelled)

    def _quick(self, changes: ChangeSet) -> BuildReport | None:
        if changes.kinds != {ChangeKind.CONTENT}:
            return None
        with self.gate:
            try:
                report = update_article_pages(self.live, changes.paths)
            except (OSError, UnicodeDecodeError, MarginaliaError):
                return None
            if report is not None:
                self._edits += 1
            return report

    def _report(self, report: BuildReport, changes: ChangeSet | None) -> None:
        if changes is not None:
            kinds = ", ".join(sorted(kind.value for kind in changes.kinds))
            names = ", ".join(sorted(path.name for path in changes.paths)[:3])
            more = f" and {len(changes.paths) - 3} more" if len(changes.paths) > 3 else ""
            self.console.print(f"changed ({kinds}): {escape(names)}{more}", markup=True)
        self.console.print(report.summary(), markup=False)

    def apply(self, changes: ChangeSet) -> None:
        """Take a set of changes: render an edited article at once when it can be, and
        ask the follow-up builder for a full build."""
        if ChangeKind.SETTINGS in changes.kinds:
            try:
                config = self.configure()
            except MarginaliaError as error:
                self.console.print(error.message(), markup=False)
                self.events.publish(error=error.message())
                return
            self.config = config
            self.live.pages.clear()
        if ChangeKind.TEMPLATE in changes.kinds:
            self.live.pages.clear()
        seeds = sorted(p for p, kind in changes.by_path.items() if kind is ChangeKind.SEED)
        if seeds:
            content_dir = self.root / self.config.content_dir
            for result in ingest(
                [p for p in seeds if p.is_file()],
                content_dir=content_dir,
                actors=load_actors(content_dir),
                sources=self.config.source_table,
            ):
                self.console.print(f"ingested {result.seed.name}: {result.status.value}")
        quick = self._quick(changes)
        if quick is not None:
            self._report(quick, changes)
            self.events.publish(changed=page_urls(quick.changed_paths, self.config.base_path))
        else:
            self._hold_requests = True
            self._announce = changes
        self._wanted.set()


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
) -> int:
    """Build, watch and serve; configure() gives the settings again after site.yaml
    changes (by default, site.yaml as it is)."""
    stop = stop or threading.Event()
    site = SiteServer(root, config, console=console, configure=configure)
    if host in PUBLIC_HOSTS:
        console.print(
            f"[yellow]warning:[/] serving on {host or 'every address'}: anyone on your "
            "network can read the site and its drafts; use --host 127.0.0.1 to keep it "
            "on this machine",
            markup=True,
        )
    site.full_build()
    site.site_dir.mkdir(parents=True, exist_ok=True)
    handler = partial(
        SiteRequestHandler,
        site_dir=site.site_dir,
        base_path=lambda: site.config.base_path,
        gate=site.gate,
        events=site.events,
    )
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    collector = ChangeCollector(site.folders)
    observer = start_observer(collector, site.folders, poll=poll)

    def builder() -> None:
        while (changes := collector.wait(stop)) is not None:
            site.apply(changes)

    builder_thread = threading.Thread(target=builder, name="marginalia-builder", daemon=True)
    builder_thread.start()
    follow_up_thread = threading.Thread(
        target=site.follow_up,
        args=(stop,),
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
        site.events.close()
        server.shutdown()
        server.server_close()
        observer.stop()
        observer.join(timeout=2)
        builder_thread.join(timeout=10)
        follow_up_thread.join(timeout=30)
        server_thread.join(timeout=5)
    return 0
