"""Annotating in the browser: the editor's API in `marginalia serve`, and its guards.

Only the development server has it; nothing of it is written into site/. Article pages
served get the editor's script with a secret made when the server starts; the API
answers only requests that carry the secret, name the server's own loopback address
as Host (a DNS-rebinding page names its own), come from no other origin (a cross-site
form or fetch), and send at most 64 KiB of JSON. --read-only turns all of it off.

A save goes through the build's own code: the selection is anchored as the build
anchors (body/selection.py), the front matter edited in place (frontmatter_edit.py)
and checked as a build checks it, the file replaced whole, and an article changed on
disk since the page was loaded is not overwritten (its digest says so).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import ipaddress
import json
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs

from generator import urls
from generator.body.selection import Refusal, Selection, anchor_selection, anchor_text
from generator.build.build import LiveState
from generator.build.render import markdown_engine
from generator.config import SiteConfig
from generator.content.actors import Actor
from generator.content.frontmatter import split_front_matter
from generator.content.frontmatter_edit import (
    COLLECTIONS,
    add_entry,
    delete_entry,
    entries_of,
    update_entry,
)
from generator.content.loading import load_actors
from generator.content.types import ARTICLES_DIR
from generator.dev.livereload import ENDPOINT
from generator.errors import MarginaliaError
from generator.ingest.ingest import write_text_atomically
from generator.plan.contexts import ArticlePage

API_PATH = ENDPOINT + "api/"
SCRIPT_PATH = ENDPOINT + "editor.js"
STYLE_PATH = ENDPOINT + "editor.css"
ASSETS = {
    SCRIPT_PATH: ("editor.js", "text/javascript; charset=utf-8"),
    STYLE_PATH: ("editor.css", "text/css; charset=utf-8"),
}
ASSETS_DIR = Path(__file__).parent / "editor_assets"
SECRET_HEADER = "X-Marginalia-Secret"
MAX_BODY = 64 * 1024
READ_ONLY = "the server is read-only (--read-only)"
CHANGED_ON_DISK = "the article changed on disk since this page was loaded"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

# What the page may set in an entry; the anchor's fields come from the selection.
EDITABLE: Mapping[str, tuple[str, ...]] = {
    "annotations": ("kind", "note", "claim", "rating"),
    "quotes": ("speaker", "speaker_name", "verb"),
    "events": ("subject", "action", "object", "code"),
}
ANCHOR_FIELDS: Mapping[str, tuple[str, ...]] = {
    "annotations": ("quote", "prefix", "suffix"),
    "quotes": ("text", "prefix", "suffix"),
    "events": ("quote",),  # an event's passage has no prefix or suffix: it is unique
}


@dataclass(frozen=True, slots=True)
class Answer:
    """An API response: a status and a JSON object."""

    status: HTTPStatus
    body: Mapping[str, object]

    def encoded(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def refused(status: HTTPStatus, error: str, **more: object) -> Answer:
    return Answer(status, {"error": error, **more})


def make_secret() -> str:
    return secrets.token_urlsafe(32)


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def own_hosts(port: int) -> frozenset[str]:
    """The Host headers a browser sends to this server on this machine (without the
    port when it is HTTP's own, 80)."""
    names = {f"{name}:{port}" for name in LOOPBACK_NAMES}
    return frozenset(names | set(LOOPBACK_NAMES) if port == 80 else names)


def guard(
    headers: Mapping[str, str],
    *,
    port: int,
    secret: str,
    read_only: bool,
    client: str,
) -> Answer | None:
    """Why a request to the API is refused; None when it may go on. Pure.

    headers: names in lower case. client: the address the request came from.
    """
    if read_only:
        return refused(HTTPStatus.FORBIDDEN, READ_ONLY)
    if not _is_loopback(client):
        return refused(HTTPStatus.FORBIDDEN, "the editor answers this machine only")
    host = headers.get("host", "").strip().lower()
    if host not in own_hosts(port):
        # A page on another name that resolves here (DNS rebinding) sends that name.
        return refused(HTTPStatus.FORBIDDEN, "the Host is not this server's own address")
    origin = headers.get("origin")
    if origin is not None and origin.strip().lower() != f"http://{host}":
        return refused(HTTPStatus.FORBIDDEN, "requests from other sites are refused")
    if headers.get("sec-fetch-site", "same-origin").strip().lower() not in (
        "same-origin",
        "none",
    ):
        return refused(HTTPStatus.FORBIDDEN, "requests from other sites are refused")
    given = headers.get(SECRET_HEADER.lower(), "")
    if not given:
        return refused(HTTPStatus.FORBIDDEN, "the request has no editor secret")
    if not hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode()):
        # A server started again has a new secret: the page must be loaded again.
        return refused(
            HTTPStatus.FORBIDDEN, "the editor secret is wrong: reload the page to get the new one"
        )
    return None


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def read_json(
    headers: Mapping[str, str], read: Callable[[int], bytes]
) -> dict[str, object] | Answer:
    """The JSON object a POST carries, or the answer refusing it. The body is read only
    once its declared length is known to be within MAX_BODY."""
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        # A cross-site form can send text/plain without asking first; JSON it cannot.
        return refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send the request as application/json")
    if "transfer-encoding" in headers:
        return refused(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length")
    length_text = headers.get("content-length")
    if length_text is None:
        return refused(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length")
    try:
        length = int(length_text)
    except ValueError:
        length = -1
    if length < 0:
        return refused(HTTPStatus.BAD_REQUEST, "the Content-Length is not a number")
    if length > MAX_BODY:
        return refused(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            f"the request is {length:,} bytes, more than the {MAX_BODY:,} allowed",
        )
    data = read(length)
    if len(data) != length:
        return refused(HTTPStatus.BAD_REQUEST, "the request body was cut short")
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return refused(HTTPStatus.BAD_REQUEST, "the request body is not JSON")
    if not isinstance(value, dict):
        return refused(HTTPStatus.BAD_REQUEST, "the request body must be a JSON object")
    return value


def inject_editor(page: bytes, *, secret: str, article: str, digest: str) -> bytes:
    """The page with the editor's stylesheet and script added before </body>."""
    tags = (
        f'<link rel="stylesheet" href="{STYLE_PATH}">'
        f'<script src="{SCRIPT_PATH}" defer data-secret="{html.escape(secret)}" '
        f'data-article="{html.escape(article)}" data-digest="{html.escape(digest)}" '
        'id="marginalia-editor"></script>'
    ).encode()
    marker = page.rfind(b"</body>")
    if marker == -1:
        return page + tags
    return page[:marker] + tags + page[marker:]


@dataclass
class Editor:
    """The editor's state in one server: the secret, and the project it writes in."""

    root: Path
    live: LiveState
    config: Callable[[], SiteConfig]
    refresh: Callable[[Path], None]  # render the article's page now (the instant path)
    port: Callable[[], int]
    read_only: bool = False
    secret: str = field(default_factory=make_secret)
    # One save at a time: two saves of one article would each check the digest first.
    _writing: threading.Lock = field(default_factory=threading.Lock)

    @property
    def articles_dir(self) -> Path:
        return (self.root / self.config().content_dir / ARTICLES_DIR).resolve()

    # Pages

    def injected(self, page: bytes, site_file: Path, site_dir: Path) -> bytes:
        """An article page with the editor added; any other page as it is."""
        if self.read_only:
            return page
        try:
            relative = site_file.resolve().relative_to(site_dir.resolve()).as_posix()
            page_path = relative.removesuffix("index.html")
        except (OSError, ValueError):
            return page
        planned = self.live.pages.get(page_path)
        if planned is None or not isinstance(planned.context, ArticlePage):
            return page
        path = Path(planned.context.article.path)
        try:
            data = path.read_bytes()
            name = path.resolve().relative_to(self.root.resolve()).as_posix()
        except (OSError, ValueError):
            return page
        return inject_editor(page, secret=self.secret, article=name, digest=file_digest(data))

    # The API

    def answer(
        self,
        method: str,
        route: str,
        query: str,
        headers: Mapping[str, str],
        read: Callable[[int], bytes],
        client: str,
    ) -> Answer:
        """The answer to one request under API_PATH."""
        refusal = guard(
            headers, port=self.port(), secret=self.secret, read_only=self.read_only, client=client
        )
        if refusal is not None:
            return refusal
        name = route.removeprefix(API_PATH)
        if method == "GET" and name == "article":
            values = parse_qs(query).get("path", [""])
            return self._article(values[0])
        if method == "GET" and name == "actors":
            return self._actors()
        if method == "POST" and name in ("anchor", "save"):
            body = read_json(headers, read)
            if isinstance(body, Answer):
                return body
            return self._anchor(body) if name == "anchor" else self._save(body)
        if name in ("article", "actors"):
            return refused(HTTPStatus.METHOD_NOT_ALLOWED, "use GET")
        if name in ("anchor", "save"):
            return refused(HTTPStatus.METHOD_NOT_ALLOWED, "use POST")
        return refused(HTTPStatus.NOT_FOUND, "no such editor request")

    def _article_file(self, given: object) -> Path | Answer:
        """The article file a request names, inside the articles folder; or a refusal."""
        if not isinstance(given, str) or not given or "\0" in given or given.startswith("/"):
            return refused(HTTPStatus.NOT_FOUND, "no such article", field="path")
        try:
            path = (self.root / given).resolve()
            inside = path.is_relative_to(self.articles_dir)
            exists = path.is_file()
        except (OSError, ValueError):
            return refused(HTTPStatus.NOT_FOUND, "no such article", field="path")
        if not inside or path.suffix != ".md" or not exists:
            return refused(HTTPStatus.NOT_FOUND, "no such article", field="path")
        return path

    def _read(self, path: Path) -> tuple[bytes, str] | Answer:
        try:
            data = path.read_bytes()
            return data, data.decode("utf-8")
        except OSError as error:
            return refused(HTTPStatus.NOT_FOUND, f"cannot read the article: {error.strerror}")
        except UnicodeDecodeError:
            return refused(
                HTTPStatus.UNPROCESSABLE_ENTITY, "the article is not UTF-8 text: edit it by hand"
            )

    def _article(self, given: str) -> Answer:
        path = self._article_file(given)
        if isinstance(path, Answer):
            return path
        read = self._read(path)
        if isinstance(read, Answer):
            return read
        data, text = read
        body: dict[str, object] = {"path": given, "digest": file_digest(data)}
        try:
            for collection in COLLECTIONS:
                body[collection] = [
                    {**_plain(entry), "index": index}
                    for index, entry in enumerate(entries_of(text, collection, path=path))
                ]
        except MarginaliaError as error:
            return refused(HTTPStatus.UNPROCESSABLE_ENTITY, error.message())
        return Answer(HTTPStatus.OK, body)

    def _actors(self) -> Answer:
        actors = self._known_actors()
        if isinstance(actors, Answer):
            return actors
        return Answer(
            HTTPStatus.OK,
            {
                "actors": [
                    {
                        "id": actor.id,
                        "name": actor.name,
                        "type": actor.type.value,
                        "aliases": list(actor.aliases),
                    }
                    for actor in actors.values()
                ]
            },
        )

    def _known_actors(self) -> Mapping[str, Actor] | Answer:
        if self.live.renderer is not None:  # a build planned the site: its registry, even empty
            return self.live.known_actors
        try:
            return {actor.id: actor for actor in load_actors(self.root / self.config().content_dir)}
        except MarginaliaError as error:
            return refused(HTTPStatus.UNPROCESSABLE_ENTITY, error.message())

    def _text_to_anchor(self, path: Path, text: str) -> str:
        body = split_front_matter(text, path=path).body
        return anchor_text(body, markdown_engine(self.config()))

    def _anchor(self, request: Mapping[str, object]) -> Answer:
        path = self._article_file(request.get("path"))
        if isinstance(path, Answer):
            return path
        selection = _selection(request)
        if isinstance(selection, Answer):
            return selection
        read = self._read(path)
        if isinstance(read, Answer):
            return read
        try:
            found = anchor_selection(self._text_to_anchor(path, read[1]), selection)
        except MarginaliaError as error:
            return refused(HTTPStatus.UNPROCESSABLE_ENTITY, error.message())
        if isinstance(found, Refusal):
            return refused(HTTPStatus.UNPROCESSABLE_ENTITY, f"{found.what}: {found.fix}")
        return Answer(
            HTTPStatus.OK, {"quote": found.quote, "prefix": found.prefix, "suffix": found.suffix}
        )

    def _save(self, request: Mapping[str, object]) -> Answer:
        path = self._article_file(request.get("path"))
        if isinstance(path, Answer):
            return path
        op = request.get("op")
        collection = request.get("collection")
        if op not in ("add", "update", "delete"):
            return refused(
                HTTPStatus.UNPROCESSABLE_ENTITY, "'op' must be add, update or delete", field="op"
            )
        if collection not in COLLECTIONS:
            return refused(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                f"'collection' must be one of: {', '.join(COLLECTIONS)}",
                field="collection",
            )
        assert isinstance(collection, str)
        index = request.get("index")
        if op != "add" and (not isinstance(index, int) or isinstance(index, bool)):
            return refused(
                HTTPStatus.UNPROCESSABLE_ENTITY, "'index' must be a whole number", field="index"
            )
        with self._writing:
            read = self._read(path)
            if isinstance(read, Answer):
                return read
            data, text = read
            if request.get("digest") != file_digest(data):
                return refused(HTTPStatus.CONFLICT, CHANGED_ON_DISK, digest=file_digest(data))
            edited = self._edited(path, text, op, collection, index, request)
            if isinstance(edited, Answer):
                return edited
            if edited != text:
                try:
                    # Read again just before the write: an editor may have saved meanwhile.
                    now = path.read_bytes()
                    if now != data:
                        return refused(
                            HTTPStatus.CONFLICT, CHANGED_ON_DISK, digest=file_digest(now)
                        )
                    write_text_atomically(path, edited, durable=True)
                except OSError as error:
                    return refused(HTTPStatus.INTERNAL_SERVER_ERROR, str(error.strerror))
                except MarginaliaError as error:
                    return refused(HTTPStatus.INTERNAL_SERVER_ERROR, error.message())
            digest = file_digest(edited.encode("utf-8"))
        self.refresh(path)
        return Answer(HTTPStatus.OK, {"ok": True, "digest": digest, "url": self._page_url(path)})

    def _edited(
        self,
        path: Path,
        text: str,
        op: object,
        collection: str,
        index: object,
        request: Mapping[str, object],
    ) -> str | Answer:
        """The article's new text, or why the edit is refused (422)."""
        actors = self._known_actors()
        if isinstance(actors, Answer):
            return actors
        try:
            if op == "delete":
                assert isinstance(index, int)
                return delete_entry(text, collection, index, path=path, known_actors=actors)
            entry = request.get("entry")
            if not isinstance(entry, dict):
                return refused(
                    HTTPStatus.UNPROCESSABLE_ENTITY, "'entry' must be an object", field="entry"
                )
            fields = _entry_fields(collection, entry)
            if isinstance(fields, Answer):
                return fields
            anchor = self._anchor_fields(path, text, collection, request, op=str(op), index=index)
            if isinstance(anchor, Answer):
                return anchor
            if op == "add":
                return add_entry(
                    text, collection, {**anchor, **fields}, path=path, known_actors=actors
                )
            assert isinstance(index, int)
            return update_entry(
                text, collection, index, {**anchor, **fields}, path=path, known_actors=actors
            )
        except MarginaliaError as error:
            return refused(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                _reader_message(error),
                field=_field_named(error.what, collection),
            )

    def _anchor_fields(
        self,
        path: Path,
        text: str,
        collection: str,
        request: Mapping[str, object],
        *,
        op: str,
        index: object,
    ) -> dict[str, str | None] | Answer:
        """The entry's anchor: from the selection when one is given, else (an update)
        the entry's own, kept as it is written."""
        if request.get("selection") is None:
            if op == "add" and collection != "events":
                return refused(
                    HTTPStatus.UNPROCESSABLE_ENTITY,
                    "select the words in the article first",
                    field="selection",
                )
            if op == "add":
                return {}
            old = entries_of(text, collection, path=path)
            if not isinstance(index, int) or not 0 <= index < len(old):
                return {}  # update_entry says that there is no such entry
            kept = old[index] if isinstance(old[index], dict) else {}
            return {name: kept.get(name) for name in ANCHOR_FIELDS[collection]}
        selection = _selection(request.get("selection"))
        if isinstance(selection, Answer):
            return selection
        found = anchor_selection(
            self._text_to_anchor(path, text), selection, context=collection != "events"
        )
        if isinstance(found, Refusal):
            return refused(
                HTTPStatus.UNPROCESSABLE_ENTITY, f"{found.what}: {found.fix}", field="selection"
            )
        words = "text" if collection == "quotes" else "quote"
        if collection == "events":
            return {words: found.quote}
        return {words: found.quote, "prefix": found.prefix, "suffix": found.suffix}

    def _page_url(self, path: Path) -> str:
        config = self.config()
        for key in (path, path.resolve()):
            article = self.live.articles.get(key)
            if article is not None:
                return config.base_path + urls.article_path(article.date, article.slug)
        return config.base_path


def _plain(value: object) -> object:
    """An entry as JSON holds it: dates and other scalars as text."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (str, bool)):
        return value
    return str(value)


def _selection(given: object) -> Selection | Answer:
    """The selection a request carries: exact, with the page's text before and after."""
    if not isinstance(given, Mapping):
        return refused(HTTPStatus.UNPROCESSABLE_ENTITY, "no selection was sent", field="selection")
    parts = {name: given.get(name, "") for name in ("exact", "before", "after")}
    if not all(isinstance(part, str) for part in parts.values()) or not parts["exact"]:
        return refused(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "the selection must be text: select the words in the article",
            field="selection",
        )
    return Selection(str(parts["exact"]), str(parts["before"]), str(parts["after"]))


def _entry_fields(collection: str, entry: Mapping[str, object]) -> dict[str, str] | Answer:
    allowed = EDITABLE[collection]
    fields: dict[str, str] = {}
    for name, value in entry.items():
        if name not in allowed:
            return refused(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                f"an entry of '{collection}' has no field '{name}' to set here "
                f"(the fields are: {', '.join(allowed)})",
                field=name,
            )
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            return refused(HTTPStatus.UNPROCESSABLE_ENTITY, f"'{name}' must be text", field=name)
        fields[name] = value
    return fields


def _reader_message(error: MarginaliaError) -> str:
    """A content error as the panel shows it: what, then how to fix it."""
    return f"{error.what}: {error.fix}" if error.fix else error.what


def _field_named(what: str, collection: str) -> str | None:
    """The entry field an error is about, for the panel to point at."""
    for name in (*EDITABLE[collection], *ANCHOR_FIELDS[collection]):
        if f"'{name}'" in what or f" {name} '" in what:
            return name
    return None
