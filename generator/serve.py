"""HTTP server over site/, with a builder thread: watch -> build -> serve the new site."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console

from generator.build import build
from generator.config import SETTINGS_FILE, SiteConfig, load_config
from generator.content import load_actors
from generator.errors import MarginaliaError
from generator.ingest import ingest
from generator.watch import ChangeCollector, ChangeKind, WatchedFolders, start_observer


class BuildGate:
    """Requests wait while a build runs, so no half-built site is ever served."""

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

    def wait_until_idle(self, timeout: float = 30.0) -> None:
        with self._condition:
            self._condition.wait_for(lambda: not self._building, timeout=timeout)


class SiteRequestHandler(SimpleHTTPRequestHandler):
    """Serves the built site under its base path, as GitHub Pages does."""

    def __init__(self, *args, site_dir: Path, base_path: str, gate: BuildGate, **kwargs) -> None:
        self.site_dir = site_dir
        self.base_path = base_path
        self.gate = gate
        super().__init__(*args, directory=str(site_dir), **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):
        self.gate.wait_until_idle()
        path = urlsplit(self.path).path
        if path + "/" == self.base_path or (path == "/" and self.base_path != "/"):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", self.base_path)
            self.end_headers()
            return None
        if not path.startswith(self.base_path):
            return self._not_found()
        target = Path(self.translate_path(self.path))
        # The stdlib drops ".." segments; a symlink could still lead out of the site.
        if not target.resolve().is_relative_to(self.site_dir.resolve()):
            return self._not_found()
        return super().send_head()

    def translate_path(self, path: str) -> str:
        """The file for a request path, once the base path is taken off."""
        parts = urlsplit(path)
        inside = (
            parts.path[len(self.base_path) - 1 :]
            if parts.path.startswith(self.base_path)
            else parts.path
        )
        return super().translate_path(inside)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == HTTPStatus.NOT_FOUND:
            self._not_found()
            return
        super().send_error(code, message, explain)

    def _not_found(self):
        page = self.site_dir / "404.html"
        body = (
            page.read_bytes() if page.is_file() else b"<!DOCTYPE html><title>404</title>Not found"
        )
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


def _rebuild(root: Path, config: SiteConfig, console: Console) -> bool:
    try:
        report = build(root, config)
    except MarginaliaError as error:
        console.print("[red bold]build failed[/]; still serving the last good site", markup=True)
        console.print(error.message(), markup=False)
        return False
    console.print(report.summary(), markup=False)
    return True


def serve(
    root: Path,
    config: SiteConfig,
    *,
    host: str,
    port: int,
    console: Console,
    poll: bool = False,
    on_ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> int:
    stop = stop or threading.Event()
    gate = BuildGate()
    with gate:
        _rebuild(root, config, console)
    site_dir = root / config.output_dir
    site_dir.mkdir(parents=True, exist_ok=True)
    handler = partial(SiteRequestHandler, site_dir=site_dir, base_path=config.base_path, gate=gate)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    folders = WatchedFolders(
        seeds=(root / config.seeds_dir).resolve(),
        content=(root / config.content_dir).resolve(),
        templates=(root / config.templates_dir).resolve(),
        settings=(root / SETTINGS_FILE).resolve(),
    )
    collector = ChangeCollector(folders)
    observer = start_observer(collector, folders, poll=poll)
    base_url_override = config.base_url if config != load_config(root) else None

    def builder() -> None:
        nonlocal config
        while (changes := collector.wait(stop)) is not None:
            with gate:
                if ChangeKind.SETTINGS in changes.kinds:
                    try:
                        config = load_config(root)
                        if base_url_override:
                            config = config.with_base_url(base_url_override)
                    except MarginaliaError as error:
                        console.print(error.message(), markup=False)
                        continue
                seeds = sorted(p for p in changes.paths if folders.kind_of(p) is ChangeKind.SEED)
                if seeds:
                    content_dir = root / config.content_dir
                    ingest(
                        [p for p in seeds if p.is_file()],
                        content_dir=content_dir,
                        actors=load_actors(content_dir),
                        sources=config.source_table,
                    )
                kinds = ", ".join(sorted(kind.value for kind in changes.kinds))
                console.print(f"changed: {kinds} ({len(changes.paths)} files)")
                _rebuild(root, config, console)

    builder_thread = threading.Thread(target=builder, name="marginalia-builder", daemon=True)
    builder_thread.start()
    server_thread = threading.Thread(target=server.serve_forever, name="marginalia-http")
    server_thread.start()
    url = f"http://{host}:{server.server_address[1]}{config.base_path}"
    console.print(f"serving {site_dir} on {url} (Ctrl-C to stop)")
    if on_ready is not None:
        on_ready(url)
    try:
        stop.wait()
    except KeyboardInterrupt:
        console.print("stopping")
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        observer.stop()
        observer.join(timeout=2)
        builder_thread.join(timeout=5)
        server_thread.join(timeout=5)
    return 0
