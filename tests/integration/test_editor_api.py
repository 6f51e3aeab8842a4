"""The in-browser editor's API, against the real server over real HTTP: every refusal
leaves the article as it was, and a save changes only the entry it touches."""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import http.client
import json
import queue
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.support.serving import ServeProcess, built_project, serving

SLUG = "us-threatens-sanctions-if-north-korea-sells-arms-to-russia"
ARTICLE = f"content/articles/2023/09/{SLUG}.md"
PAGE = f"/2023/09/11/{SLUG}/"


class Server:
    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.port = port
        self.host = f"127.0.0.1:{port}"

    def call(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        headers: dict[str, str] | None = None,
        host: str | None = None,
        raw: bytes | None = None,
    ) -> tuple[int, dict]:
        """A request with the Host given (the server's own by default); JSON back."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", host or self.host)
            data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
            sent = {"Content-Type": "application/json", **(headers or {})}
            if data is not None:
                sent.setdefault("Content-Length", str(len(data)))
            for name, value in sent.items():
                connection.putheader(name, value)
            connection.endheaders()
            if data is not None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    connection.send(data)  # may be refused before the body is read
            response = connection.getresponse()
            payload = response.read()
            if response.getheader("Content-Type", "").startswith("application/json"):
                return response.status, json.loads(payload)
            return response.status, {"html": payload.decode("utf-8", "replace")}
        finally:
            connection.close()

    def page(self, path: str = PAGE) -> str:
        status, body = self.call("GET", path)
        assert status == 200, (path, status)
        return body["html"]

    def editor(self) -> dict[str, str]:
        """The editor's script tag on the article page: secret, article, digest."""
        script = BeautifulSoup(self.page(), "html.parser").find("script", id="marginalia-editor")
        assert script is not None
        return {
            "secret": script["data-secret"],
            "article": script["data-article"],
            "digest": script["data-digest"],
        }

    def api(
        self, method: str, name: str, body: object = None, **options: object
    ) -> tuple[int, dict]:
        editor = self.editor()
        headers = {"X-Marginalia-Secret": editor["secret"], **options.pop("headers", {})}  # type: ignore[dict-item]
        return self.call(method, "/__marginalia/api/" + name, body, headers=headers, **options)  # type: ignore[arg-type]

    def save(self, editor: dict[str, str], digest: str, **request: object) -> tuple[int, dict]:
        """A save of the article of the page `editor` came from, as of `digest`."""
        body = {"path": editor["article"], "digest": digest, **request}
        return self.api("POST", "save", body)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    root = built_project(tmp_path)
    with serving(root) as url:
        yield Server(root, urlsplit(url).port or 0)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _selection(text: str, exact: str, occurrence: int) -> dict[str, str]:
    """What the page sends for the n-th (from 0) place of `exact` in the page's text."""
    places = [match.start() for match in re.finditer(re.escape(exact), text)]
    start = places[occurrence]
    return {
        "exact": exact,
        "before": text[max(0, start - 300) : start],
        "after": text[start + len(exact) : start + len(exact) + 300],
    }


def _story_text(html: str) -> str:
    story = BeautifulSoup(html, "html.parser").select_one(".story-body")
    assert story is not None
    for extra in story.select(".margin-note, .note-ref, .margin-quote"):
        extra.decompose()
    return story.get_text()


def _inserted(before: str, after: str) -> str:
    """The one run of text the change inserted, when it inserted one and removed nothing."""
    head = 0
    while head < len(before) and before[head] == after[head]:
        head += 1
    rest = len(before) - head
    assert after[len(after) - rest :] == before[head:], "only an insertion"
    return after[head : len(after) - rest]


def test_article_pages_carry_the_editor_and_other_pages_and_site_do_not(server: Server) -> None:
    editor = server.editor()
    assert editor["article"] == ARTICLE
    assert editor["digest"] == _digest(server.root / ARTICLE)
    assert len(editor["secret"]) >= 40
    home = server.page("/")
    assert "marginalia-editor" not in home and editor["secret"] not in home
    assert server.call("GET", "/__marginalia/editor.js")[0] == 200
    for path in (server.root / "site").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert editor["secret"].encode() not in data, path
            assert b"marginalia-editor" not in data and b"__marginalia/api" not in data, path


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"secret": None}, 403, "no editor secret"),
        ({"secret": "x" * 43}, 403, "secret is wrong"),
        ({"host": "evil.example:{port}"}, 403, "Host"),
        ({"host": "127.0.0.1:1"}, 403, "Host"),
        ({"host": "127.0.0.1.nip.io:{port}"}, 403, "Host"),
        ({"headers": {"Origin": "http://evil.example"}}, 403, "other sites"),
        ({"headers": {"Origin": "null"}}, 403, "other sites"),
        ({"headers": {"Sec-Fetch-Site": "cross-site"}}, 403, "other sites"),
        ({"headers": {"Content-Type": "text/plain"}}, 415, "application/json"),
        ({"raw": b"{not json"}, 400, "not JSON"),
        ({"raw": b"[1, 2]"}, 400, "JSON object"),
        ({"raw": b"[" * 60000}, 400, "not JSON"),
        ({"raw": b" " * (64 * 1024 + 1)}, 413, "more than the 65,536 allowed"),
        ({"digest": "0" * 64}, 409, "changed on disk"),
        ({"path": "../site.yaml"}, 404, "no such article"),
        ({"path": "content/actors.yaml"}, 404, "no such article"),
        ({"collection": "actors"}, 422, "collection"),
        ({"entry": {"kind": "opinion", "note": "n"}}, 422, "unknown kind 'opinion'"),
        ({"entry": {"kind": "note", "note": "n", "quote": "x"}}, 422, "no field 'quote'"),
        ({"selection": {"exact": "the Moon landing", "before": "", "after": ""}}, 422,
         "matches nothing"),
    ],
)  # fmt: skip
def test_every_refusal_leaves_the_article_as_it_was(
    server: Server, change: dict, status: int, words: str
) -> None:
    editor = server.editor()
    before = (server.root / ARTICLE).read_bytes()
    body = {
        "path": change.get("path", editor["article"]),
        "digest": change.get("digest", editor["digest"]),
        "op": "add",
        "collection": change.get("collection", "annotations"),
        "entry": change.get("entry", {"kind": "note", "note": "A note."}),
        "selection": change.get(
            "selection", {"exact": "prepares to meet", "before": "", "after": ""}
        ),
    }
    headers = dict(change.get("headers", {}))
    secret = change.get("secret", editor["secret"])
    if secret is not None:
        headers["X-Marginalia-Secret"] = secret
    host = change.get("host", server.host).replace("{port}", str(server.port))
    got, answer = server.call(
        "POST", "/__marginalia/api/save", body, headers=headers, host=host, raw=change.get("raw")
    )
    assert got == status, answer
    assert words in answer["error"]
    if status == 409:
        assert answer["digest"] == editor["digest"]
    assert (server.root / ARTICLE).read_bytes() == before


def test_a_file_changed_on_disk_since_the_page_loaded_is_not_overwritten(server: Server) -> None:
    editor = server.editor()
    path = server.root / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nAn editor's new line.\n", "utf-8")
    edited = path.read_bytes()
    status, answer = server.save(
        editor, editor["digest"], op="delete", collection="annotations", index=0
    )
    assert status == 409
    assert answer["error"] == "the article changed on disk since this page was loaded"
    assert answer["digest"] == hashlib.sha256(edited).hexdigest()
    assert path.read_bytes() == edited


def test_get_requests_are_guarded_too(server: Server) -> None:
    editor = server.editor()
    status, _ = server.call("GET", "/__marginalia/api/actors")
    assert status == 403
    status, _ = server.call(
        "GET",
        "/__marginalia/api/actors",
        headers={"X-Marginalia-Secret": editor["secret"]},
        host="attacker.example",
    )
    assert status == 403
    status, answer = server.api("GET", "actors")
    assert status == 200
    assert {"id": "kim-jong-un", "name": "Kim Jong Un", "type": "person",
            "aliases": ["Kim Jong-un"]} in answer["actors"]  # fmt: skip
    status, answer = server.api("GET", "article?path=" + quote(editor["article"]))
    assert status == 200 and answer["digest"] == editor["digest"]
    assert answer["annotations"][0]["index"] == 0
    assert answer["events"][0]["code"] == "1312"


def test_add_update_and_delete_change_only_the_touched_entry(server: Server) -> None:
    path = server.root / ARTICLE
    original = path.read_text(encoding="utf-8")
    editor = server.editor()
    text = _story_text(server.page())
    # "North Korea" is said many times: the third place needs a prefix or suffix.
    selection = _selection(text, "North Korea", 2)
    status, anchor = server.api("POST", "anchor", {"path": editor["article"], **selection})
    assert status == 200, anchor
    assert anchor["quote"] == "North Korea" and (anchor["prefix"] or anchor["suffix"])

    started = time.monotonic()
    status, saved = server.save(
        editor,
        editor["digest"],
        op="add",
        collection="annotations",
        entry={"kind": "note", "note": "Also called the DPRK."},
        selection=selection,
    )
    assert status == 200, saved
    assert saved["url"] == PAGE
    assert saved["digest"] == _digest(path)
    added = _inserted(original, path.read_text(encoding="utf-8")).splitlines(keepends=True)
    assert "- quote: North Korea\n" in added
    assert "  note: Also called the DPRK.\n" in added and len(added) == 4
    # The page shows it at once: the instant path rendered it before the answer.
    assert "Also called the DPRK." in server.page()
    assert time.monotonic() - started < 5

    with_note = path.read_text(encoding="utf-8")
    index = len(yaml.safe_load(with_note.split("---")[1])["annotations"]) - 1
    status, saved = server.save(
        editor,
        saved["digest"],
        op="update",
        collection="annotations",
        index=index,
        entry={
            "kind": "fact-check",
            "note": "Checked.",
            "claim": "It is the DPRK.",
            "rating": "True",
        },
    )
    assert status == 200, saved
    updated = path.read_text(encoding="utf-8")
    diff = [line for line in difflib.ndiff(with_note.splitlines(), updated.splitlines())
            if line[:2] in ("- ", "+ ")]  # fmt: skip
    assert all(
        line[2:].startswith(("  kind:", "  note:", "  claim:", "  rating:")) for line in diff
    ), diff
    assert "Checked." in server.page()

    status, saved = server.save(
        editor, saved["digest"], op="delete", collection="annotations", index=index
    )
    assert status == 200, saved
    assert path.read_text(encoding="utf-8") == original
    assert "Checked." not in server.page()
    # The pages the saves rendered into site/ hold nothing of the editor.
    for written in (server.root / "site").rglob("*.html"):
        data = written.read_bytes()
        assert editor["secret"].encode() not in data and b"marginalia-editor" not in data


def test_quotes_and_events_are_anchored_and_written(server: Server) -> None:
    path = server.root / ARTICLE
    original = path.read_text(encoding="utf-8")
    editor = server.editor()
    text = _story_text(server.page())
    status, saved = server.save(
        editor,
        editor["digest"],
        op="add",
        collection="quotes",
        entry={"speaker_name": "A Spokesperson", "verb": "said"},
        selection=_selection(text, "prepares to meet", 0),
    )
    assert status == 200, saved
    block = "- speaker_name: A Spokesperson\n  text: prepares to meet\n  verb: said\n"
    after = path.read_text(encoding="utf-8")
    assert after.count(block) == 1 and after.replace(block, "", 1) == original
    assert after.index(block) == original.index("annotations:\n")  # after the last quote
    # An event cannot carry a prefix: words said twice are refused, with the reason.
    status, refusal = server.save(
        editor,
        saved["digest"],
        op="add",
        collection="events",
        entry={"subject": "russia", "action": "meets", "object": "north-korea"},
        selection=_selection(text, "North Korea", 1),
    )
    assert status == 422 and refusal["field"] == "selection", refusal
    assert "an event cannot say which" in refusal["error"]
    status, refusal = server.save(
        editor,
        saved["digest"],
        op="add",
        collection="events",
        entry={"subject": "russia", "action": "meets", "object": "nowhere-land"},
    )
    assert status == 422 and refusal["field"] == "object", refusal


def test_a_saved_page_is_readable_as_the_build_left_it(server: Server) -> None:
    """The page the save renders at once keeps the permissions the build gave it (a web
    server running as another user must still read it)."""
    page = server.root / "site" / PAGE.strip("/") / "index.html"
    mode = page.stat().st_mode & 0o777
    editor = server.editor()
    status, saved = server.save(
        editor,
        editor["digest"],
        op="add",
        collection="annotations",
        entry={"kind": "note", "note": "Readable."},
        selection=_selection(_story_text(server.page()), "prepares to meet", 0),
    )
    assert status == 200, saved
    assert "Readable." in page.read_text(encoding="utf-8")
    assert page.stat().st_mode & 0o777 == mode


def test_each_start_makes_a_new_secret_and_the_old_one_is_refused(tmp_path: Path) -> None:
    root = built_project(tmp_path)
    secrets = []
    for _ in range(2):
        process = ServeProcess(root)
        try:
            server = Server(root, process.port)
            secrets.append(server.editor()["secret"])
            if len(secrets) == 2:
                # A page loaded from the earlier run cannot write with its secret.
                actors = "/__marginalia/api/actors"
                old = {"X-Marginalia-Secret": secrets[0]}
                status, answer = server.call("GET", actors, headers=old)
                assert status == 403 and "secret is wrong" in answer["error"]
                new = {"X-Marginalia-Secret": secrets[1]}
                assert server.call("GET", actors, headers=new)[0] == 200
        finally:
            process.stop()
    assert secrets[0] != secrets[1]
    assert all(len(secret) >= 43 for secret in secrets)  # 32 random bytes, base64url


def test_read_only_serves_no_editor_and_refuses_every_request(tmp_path: Path) -> None:
    root = built_project(tmp_path)
    process = ServeProcess(root, "--read-only")
    try:
        server = Server(root, process.port)
        page = server.page()
        assert "marginalia-editor" not in page and "data-secret" not in page
        before = (root / ARTICLE).read_bytes()
        for method, name in (("GET", "actors"), ("POST", "save"), ("POST", "anchor")):
            status, answer = server.call(
                method, "/__marginalia/api/" + name, {"path": ARTICLE} if method == "POST" else None
            )
            assert status == 403
            assert answer["error"] == "the server is read-only (--read-only)"
        assert server.call("GET", "/__marginalia/editor.js")[0] == 404
        assert (root / ARTICLE).read_bytes() == before
    finally:
        process.stop()


def test_a_save_reloads_the_page_once(server: Server) -> None:
    """The server renders the page before it answers; the watcher's own event for that
    write must not send a second reload, which would make the page flicker."""
    from tests.e2e.test_live_reload import EventStream

    events = EventStream("127.0.0.1", server.port)
    first = events.next()
    editor = server.editor()
    text = _story_text(server.page())
    status, saved = server.save(
        editor,
        editor["digest"],
        op="add",
        collection="annotations",
        entry={"kind": "note", "note": "Once."},
        selection=_selection(text, "prepares to meet", 0),
    )
    assert status == 200, saved
    reloads = []
    deadline = time.monotonic() + 4.0  # the watcher's quiet period is 0.15 s
    while time.monotonic() < deadline:
        try:
            event = events.next(timeout=max(0.05, deadline - time.monotonic()))
        except queue.Empty:
            break
        if PAGE in event["changed"]:
            reloads.append(event["epoch"])
    events.close()
    assert len(reloads) == 1 and reloads[0] > first["epoch"], reloads
