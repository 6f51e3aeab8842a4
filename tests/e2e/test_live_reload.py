"""Live reload against the real server: build events over SSE, the error overlay's data,
serving under a base path, and a real browser that sees an edit without a touch."""

from __future__ import annotations

import http.client
import json
import queue
import re
import threading
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.support.serving import built_project, serving

SLUG = "us-threatens-sanctions-if-north-korea-sells-arms-to-russia"
ARTICLE_FILE = f"content/articles/2023/09/{SLUG}.md"
BASE = "/archive/"
ARTICLE_URL = f"{BASE}2023/09/11/{SLUG}/"


class Server:
    def __init__(self, root: Path, origin: str) -> None:
        self.root = root
        self.origin = origin  # http://127.0.0.1:port
        self.host, self.port = urlsplit(origin).hostname, urlsplit(origin).port

    def request(self, path: str, method: str = "GET") -> tuple[int, Message, bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request(method, path)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def text(self, path: str) -> str:
        status, _, body = self.request(path)
        assert status == 200, f"{path}: {status}"
        return BeautifulSoup(body, "html.parser").get_text(" ", strip=True)

    def events(self) -> EventStream:
        return EventStream(self.host, self.port)


class EventStream:
    """Reads the server-sent events on a thread, into a queue."""

    def __init__(self, host: str, port: int) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.connection.request("GET", "/__marginalia/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")
        self.queue: queue.Queue[dict] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("data: "):
                    self.queue.put(json.loads(line[len("data: ") :]))
        except (OSError, ValueError):
            return

    def next(self, timeout: float = 15.0) -> dict:
        return self.queue.get(timeout=timeout)

    def until(self, predicate, timeout: float = 15.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            event = self.next(max(0.1, deadline - time.monotonic()))
            if predicate(event):
                return event

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    root = built_project(tmp_path, base_path=BASE)
    with serving(root) as url:
        parts = urlsplit(url)
        yield Server(root, f"{parts.scheme}://{parts.netloc}")


def edit_article(root: Path, old: str, new: str) -> None:
    path = root / ARTICLE_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_pages_are_served_with_the_client_but_the_site_files_are_not_changed(server):
    status, headers, body = server.request(ARTICLE_URL)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    page = BeautifulSoup(body, "html.parser")
    client = page.find("script", src="/__marginalia/livereload.js")
    assert client is not None and client["data-events"] == "/__marginalia/events"
    on_disk = (server.root / "site" / "2023/09/11" / SLUG / "index.html").read_text()
    assert "livereload" not in on_disk
    status, headers, script = server.request("/__marginalia/livereload.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert b"EventSource" in script


def test_an_edit_sends_a_reload_event_for_that_page_after_it_is_written(server):
    events = server.events()
    first = events.next()
    assert first["error"] is None
    edit_article(server.root, "Kim and Putin also", "Kim and Putin, it was said, also")
    event = events.until(lambda e: ARTICLE_URL in e["changed"])
    assert event["epoch"] > first["epoch"] and event["error"] is None
    # The event comes after the new file is in place.
    assert "Kim and Putin, it was said, also" in server.text(ARTICLE_URL)
    events.close()


def test_an_edit_to_a_listed_field_updates_the_listings_too(server):
    events = server.events()
    events.next()
    edit_article(server.root, "title: US threatens", "title: Washington threatens")
    event = events.until(lambda e: f"{BASE}editions/2023-09-11/" in e["changed"])
    assert ARTICLE_URL in event["changed"] and BASE in event["changed"]
    assert "Washington threatens sanctions" in server.text(f"{BASE}editions/2023-09-11/")
    assert "Washington threatens sanctions" in server.text(f"{BASE}actors/matthew-miller/")
    events.close()


def test_broken_yaml_shows_the_error_and_keeps_the_last_good_site_until_fixed(server):
    events = server.events()
    events.next()
    path = server.root / ARTICLE_FILE
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("title: US", "title: [US", 1), encoding="utf-8")
    failed = events.until(lambda e: e["error"] is not None)
    assert re.search(rf"{SLUG}\.md:\d+: invalid YAML", failed["error"])
    assert "starts on line 2" in failed["error"]
    assert "fix:" in failed["error"]
    assert "US threatens sanctions" in server.text(ARTICLE_URL)  # the last good page

    path.write_text(good.replace("title: US threatens", "title: Corrected US threatens", 1))
    fixed = events.until(lambda e: e["error"] is None)
    assert ARTICLE_URL in fixed["changed"]
    assert "Corrected US threatens" in server.text(ARTICLE_URL)
    events.close()


def test_a_quote_that_is_not_in_the_text_is_an_error_in_the_browser(server):
    events = server.events()
    events.next()
    edit_article(server.root, "text: We continue to assess", "text: We never assess")
    failed = events.until(lambda e: e["error"] is not None)
    assert "quote 4" in failed["error"] and "matches nothing" in failed["error"]
    events.close()


def test_base_path_is_served_as_github_pages_does(server, text):
    status, headers, _ = server.request("/")
    assert status == 301 and headers["Location"] == BASE
    status, headers, _ = server.request(BASE.rstrip("/"))
    assert status == 301 and headers["Location"] == BASE
    status, headers, _ = server.request(ARTICLE_URL.rstrip("/"))
    assert status == 301 and headers["Location"] == ARTICLE_URL
    assert server.request(f"/2023/09/11/{SLUG}/")[0] == 404  # outside the base path
    status, _, body = server.request(f"{BASE}no/such/page/")
    assert status == 404
    assert text(BeautifulSoup(body, "html.parser").find("h1")) == "Page not found"
    assert server.request(f"{BASE}2023/")[0] == 404  # folders are never listed
    for path, kind in [
        (f"{BASE}static/marginalia.css", "text/css"),
        (f"{BASE}feed.xml", "application/xml"),
        (f"{BASE}data/archive.json", "application/json"),
        (f"{BASE}data/annotations.jsonld", "application/ld+json"),
    ]:
        status, headers, _ = server.request(path)
        assert status == 200, path
        assert headers["Content-Type"].startswith(kind), (path, headers["Content-Type"])


@pytest.mark.parametrize(
    "path",
    [f"{BASE}../serve.log", f"{BASE}%2e%2e/serve.log", f"{BASE}..%2fserve.log", "/../serve.log"],
)
def test_path_traversal_gets_404(server, path, text):
    (server.root / "secret.txt").write_text("not for the web")
    for target in (path, path.replace("serve.log", "secret.txt")):
        status, _, body = server.request(target)
        assert status == 404, target
        assert text(BeautifulSoup(body, "html.parser").find("h1")) == "Page not found", target
        assert b"not for the web" not in body


def test_deleting_an_article_removes_its_page_and_updates_the_listings(server):
    events = server.events()
    events.next()
    (server.root / ARTICLE_FILE).unlink()
    events.until(lambda e: ARTICLE_URL in e["changed"])
    assert server.request(ARTICLE_URL)[0] == 404
    home = server.text(BASE)
    assert "US threatens" not in home and "The archive is empty" in home
    assert "US threatens" not in server.text(f"{BASE}actors/matthew-miller/")
    events.close()


def test_symlink_out_of_the_site_gets_404(server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (server.root / "site" / "leak.txt").symlink_to(secret)
    status, _, body = server.request(f"{BASE}leak.txt")
    assert status == 404 and b"secret" not in body


def test_browser_shows_an_edit_without_a_touch(server, browser):
    page = browser.new_page()
    try:
        page.goto(server.origin + ARTICLE_URL)
        page.wait_for_function("() => window.performance.now() > 300")
        edit_article(server.root, "Kim and Putin also", "Kim and Putin reportedly also")
        # The wait's timeout is the budget: the edit shows within 2 s, or the test fails.
        page.wait_for_function(
            "() => document.body.innerText.includes('Kim and Putin reportedly also')",
            timeout=2000,
        )

        # A broken build shows the overlay over the last good page; a fix reloads it.
        edit_article(server.root, "title: US", "title: [US")
        overlay = page.wait_for_selector("#marginalia-build-error", timeout=5000)
        assert SLUG in overlay.inner_text()
        edit_article(server.root, "title: [US", "title: US")
        page.wait_for_function(
            "() => !document.querySelector('#marginalia-build-error')", timeout=5000
        )
    finally:
        page.close()


def test_every_internal_link_resolves_when_served_under_the_base_path(server):
    """Crawl the site over HTTP from the base path: every link and asset answers 200."""
    seen: set[str] = set()
    queue_: list[str] = [BASE]
    while queue_:
        path = queue_.pop()
        if path in seen:
            continue
        seen.add(path)
        status, headers, body = server.request(path)
        assert status == 200, f"{path}: {status}"
        if not headers.get("Content-Type", "").startswith("text/html"):
            continue
        page = BeautifulSoup(body, "html.parser")
        for element in page.find_all(["a", "link", "script", "img"]):
            target = element.get("href") or element.get("src")
            if not target or target.startswith(("http://", "https://", "mailto:", "#")):
                continue
            if target.startswith("/__marginalia/"):
                continue
            assert target.startswith(BASE), f"{path} links outside the base path: {target}"
            queue_.append(target.split("#", 1)[0])
    assert f"{BASE}actors/kim-jong-un/" in seen and f"{BASE}search/" in seen
    assert len(seen) > 30


def test_a_save_through_a_temporary_file_takes_the_instant_path(server):
    """Editors save atomically: write a temporary file, rename it over the article."""
    events = server.events()
    events.next()
    path = server.root / ARTICLE_FILE
    temporary = path.with_name("sedX1a2b3")  # as `sed -i` names it
    temporary.write_text(
        path.read_text(encoding="utf-8").replace("Kim and Putin also", "Kim and Putin then"),
        encoding="utf-8",
    )
    temporary.replace(path)
    events.until(lambda e: ARTICLE_URL in e["changed"])
    assert "Kim and Putin then" in server.text(ARTICLE_URL)
    log = (server.root / "serve.log").read_text(encoding="utf-8")
    # The instant path reports one page written; no full build comes before it.
    assert re.search(r" files planned, 1 written, ", log)
    events.close()
