"""A built site served over real HTTP under /archive/, as GitHub Pages serves a project
site, and a browser tab that may talk to nothing else (the search tests share them)."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page

from generator.cli import main

BASE = "/archive/"


class ArchiveHandler(SimpleHTTPRequestHandler):
    """Serves the site under /archive/ only, as GitHub Pages serves a project site."""

    def translate_path(self, path: str) -> str:
        if not path.startswith(BASE):
            return str(Path(self.directory) / ".not-under-the-base-path")
        return super().translate_path("/" + path[len(BASE) :])

    def log_message(self, format: str, *args: object) -> None:
        pass


def build_and_serve(root: Path) -> Iterator[str]:
    """Build the project at root under /archive/ and serve it; yields http://host:port."""
    handler = functools.partial(ArchiveHandler, directory=str(root / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert main(["--root", str(root), "build", "--base-url", origin + BASE]) == 0
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield origin
        server.shutdown()
    finally:
        server.server_close()


@contextlib.contextmanager
def site_only_tab(browser: Browser, *, console_errors: bool = False) -> Iterator[Page]:
    """A fresh tab that may only talk to the site under /archive/: a request anywhere
    else, a script error (and with console_errors, an error in the console) fails the test."""
    context = browser.new_context()
    elsewhere: list[str] = []

    def only_the_site(route, request) -> None:  # type: ignore[no-untyped-def]
        url = urlsplit(request.url)
        if url.hostname == "127.0.0.1" and url.path.startswith(BASE):
            route.continue_()
        else:
            elsewhere.append(request.url)
            route.abort()

    context.route("**/*", only_the_site)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    if console_errors:
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        yield tab
    finally:
        context.close()
    assert not elsewhere, f"requests left the site: {elsewhere}"
    assert not errors, f"errors on the page: {errors}"
