"""The real `marginalia serve`, as a process on a real port, against hostile requests and
broken templates: every request gets a status, every error a message (in the terminal and
over the page), the builds go on after any of them, and no traceback is ever printed."""

from __future__ import annotations

import http.client
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_live_reload import EventStream

from tests.support.serving import ServeProcess as Serve
from tests.support.serving import copy_project

BASE = "/archive/"
SLUG = "us-threatens-sanctions-if-north-korea-sells-arms-to-russia"
ARTICLE_URL = f"{BASE}2023/09/11/{SLUG}/"
PARTIAL = "partials/article_header.html"


class ServeProcess(Serve):
    """`marginalia serve` on a copy of the repository's project, spoken to byte by byte."""

    def raw(self, data: bytes) -> bytes:
        """Send bytes as they are; the whole answer, until the server closes."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as connection:
            connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)  # all of the request is sent
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def status(self, data: bytes) -> int:
        answer = self.raw(data)
        match = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer)
        assert match, f"no status line in the answer: {answer[:200]!r}"
        return int(match.group(1))

    def request(self, method: str, path: str) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request(method, path)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response


def make_project(root: Path) -> Path:
    return copy_project(root, base_path=BASE)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    server = ServeProcess(make_project(tmp_path_factory.mktemp("faults") / "project"))
    yield server
    server.stop()
    assert "Traceback" not in server.stderr(), server.stderr()


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[ServeProcess]:
    server = ServeProcess(make_project(tmp_path / "project"))
    yield server
    server.stop()


def get(path: bytes | str) -> bytes:
    target = path.encode("latin-1") if isinstance(path, str) else path
    return b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


LONG_SEGMENT = "a" * 300
LONG_PATH = (("b" * 200) + "/") * 25  # 5,025 bytes


@pytest.mark.parametrize(
    ("request_bytes", "expected"),
    [
        (get(f"{BASE}%00"), 404),
        (get(f"{BASE}index.html/"), 404),
        (get(f"{BASE}static/marginalia.css/"), 404),
        (get(f"{BASE}a%00b/index.html"), 404),
        (get(BASE + LONG_SEGMENT), 404),
        (get(BASE + LONG_SEGMENT + ".html"), 404),
        (get(BASE + LONG_PATH), 404),
        (get(f"{BASE}%ff%fe.html"), 404),
        (get(f"{BASE}%ff%fe/"), 404),
        (get(f"{BASE}%zz"), 404),
        (get(f"{BASE}%"), 404),
        (get(f"{BASE}%c0%ae%c0%ae/site.yaml"), 404),
        (get(f"{BASE}../site.yaml"), 404),
        (get(f"{BASE}%2e%2e/%2e%2e/site.yaml"), 404),
        (get(f"{BASE}..%2f..%2fsite.yaml"), 404),
        (get(b"/archive/\xff\xfe"), 404),
        (get(f"{BASE}?q=" + "x" * 60_000), 200),
        (get(f"{BASE}?q=" + "x" * 70_000), 414),
        (get(f"{BASE}static/marginalia.css?" + "x" * 50_000), 200),
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET\r\n\r\n", 400),
        (b"GET / HTTP/one\r\n\r\n", 400),
        (b"GET /archive/ HTTP/1.1 extra words\r\n\r\n", 400),
        (b"POST /\r\n\r\n", 400),
        (get(BASE)[:-2] + b"X-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (get(BASE)[:-2] + b"".join(b"X-%d: 1\r\n" % n for n in range(150)) + b"\r\n", 431),
    ],
    ids=lambda value: value.decode("latin-1")[:40] if isinstance(value, bytes) else str(value),
)
def test_a_hostile_request_gets_a_status_and_no_traceback(
    served: ServeProcess, request_bytes: bytes, expected: int
) -> None:
    before = len(served.stderr())
    assert served.status(request_bytes) == expected
    assert served.request("GET", ARTICLE_URL).status == 200  # and it goes on serving
    assert "Traceback" not in served.stderr()[before:]


def test_a_missing_file_gets_the_sites_404_page(served: ServeProcess) -> None:
    for path in (f"{BASE}%00", BASE + LONG_SEGMENT, f"{BASE}%ff%fe.html"):
        answer = served.raw(get(path))
        assert answer.startswith(b"HTTP/1.0 404 "), path
        assert b"Page not found" in answer, path


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "BREW"])
def test_a_method_other_than_get_and_head_is_not_allowed(served: ServeProcess, method: str) -> None:
    response = served.request(method, BASE)
    assert response.status == 405
    assert response.getheader("Allow") == "GET, HEAD"
    assert "Traceback" not in served.stderr()


def test_head_answers_like_get_without_a_body(served: ServeProcess) -> None:
    response = served.request("HEAD", ARTICLE_URL)
    assert response.status == 200
    assert int(response.getheader("Content-Length")) > 1000
    assert served.request("HEAD", f"{BASE}no/such/page/").status == 404


def test_the_server_still_serves_after_every_hostile_request(served: ServeProcess) -> None:
    served.raw(b"\x00\xff" * 1000 + b"\r\n\r\n")
    served.raw(b"")  # a connection closed without a word
    assert served.request("GET", ARTICLE_URL).status == 200
    assert "Traceback" not in served.stderr()


def break_partial(root: Path, line: str) -> str:
    """Put line as the partial's third line; the partial as it was."""
    path = root / "templates" / PARTIAL
    good = path.read_text(encoding="utf-8")
    lines = good.splitlines(keepends=True)
    lines.insert(2, line + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return good


def test_a_template_error_while_rendering_is_shown_and_the_fix_rebuilds(
    serving: ServeProcess,
) -> None:
    """A runtime error in a partial: named (file, line, words) in the terminal and in the
    browsers' overlay; the fix rebuilds and reloads; and so on for the next error."""
    events = EventStream("127.0.0.1", serving.port)
    events.next()
    path = serving.root / "templates" / PARTIAL
    for broken, words in [
        ("{{ article.title | no_such_filter }}", "no_such_filter"),
        ("{{ 1 / 0 }}", "division by zero"),
        ("{{ article.no_such_method() }}", "no_such_method"),
        ('{% include "partials/no_such_partial.html" %}', "no_such_partial.html"),
    ]:
        good = break_partial(serving.root, broken)
        failed = events.until(lambda e: e["error"] is not None)
        assert f"{PARTIAL}:3: " in failed["error"], failed["error"]
        assert words in failed["error"]
        assert "fix:" in failed["error"]
        assert "Error(" not in failed["error"]  # no Python reprs

        path.write_text(good.replace("headline", "headline fixed", 1), encoding="utf-8")
        fixed = events.until(lambda e: e["error"] is None)
        assert ARTICLE_URL in fixed["changed"]
        page = serving.request("GET", ARTICLE_URL)
        assert page.status == 200
        path.write_text(good, encoding="utf-8")
        events.until(lambda e: e["error"] is None and ARTICLE_URL in e["changed"])
    events.close()
    log = serving.stderr()
    assert f"{PARTIAL}:3: " in log and "division by zero" in log
    assert "Traceback" not in log


def test_the_browser_overlay_names_the_template_and_line_and_goes_when_fixed(
    serving: ServeProcess, browser
) -> None:
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{serving.port}{ARTICLE_URL}")
        page.wait_for_function("() => window.performance.now() > 300")
        good = break_partial(serving.root, "{{ article.title | no_such_filter }}")
        overlay = page.wait_for_selector("#marginalia-build-error", timeout=10_000)
        text = overlay.inner_text()
        assert f"{PARTIAL}:3: " in text and "no_such_filter" in text
        (serving.root / "templates" / PARTIAL).write_text(
            good.replace('class="headline"', 'class="headline" data-fixed="yes"', 1),
            encoding="utf-8",
        )
        page.wait_for_selector("h1[data-fixed=yes]", timeout=10_000)
        assert page.query_selector("#marginalia-build-error") is None
    finally:
        page.close()
    assert "Traceback" not in serving.stderr()
