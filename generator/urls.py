"""The one place that knows the URL scheme and the base path."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urljoin

SLUG_MAX_LENGTH = 80


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > SLUG_MAX_LENGTH:
        cut = slug[:SLUG_MAX_LENGTH]
        if slug[SLUG_MAX_LENGTH] != "-" and "-" in cut:
            cut = cut.rsplit("-", 1)[0]
        slug = cut.strip("-")
    return slug


# A page's path is relative to the site root and names a folder ("actors/kim/") or a
# file ("feed.xml"); links add the base path, output files add index.html to folders.


def page_suffix(page: int) -> str:
    return "" if page <= 1 else f"page/{page}/"


def home_path() -> str:
    return ""


def editions_path(page: int = 1) -> str:
    return f"editions/{page_suffix(page)}"


def edition_path(date: dt.date) -> str:
    return f"editions/{date.isoformat()}/"


def article_path(date: dt.date, slug: str) -> str:
    # Not strftime: this runs for every listing entry of every page, and strftime is slow.
    return f"{date.year:04d}/{date.month:02d}/{date.day:02d}/{slug}/"


def actors_path() -> str:
    return "actors/"


def actor_path(actor_id: str, page: int = 1) -> str:
    return f"actors/{actor_id}/{page_suffix(page)}"


def topics_path() -> str:
    return "topics/"


def topic_path(slug: str, page: int = 1) -> str:
    return f"topics/{slug}/{page_suffix(page)}"


def topic_feed_path(slug: str) -> str:
    return f"topics/{slug}/feed.xml"


def feed_path() -> str:
    return "feed.xml"


def actor_feed_path(actor_id: str) -> str:
    return f"actors/{actor_id}/feed.xml"


def data_path(name: str) -> str:
    return f"data/{name}"


def search_path() -> str:
    return "search/"


def not_found_path() -> str:
    return "404.html"


# The ids of passages in an article's text, as listed in its front matter (from 1).


def quote_anchor(number: int) -> str:
    return f"quote-{number}"


def event_anchor(number: int) -> str:
    return f"event-{number}"


def static_path(name: str) -> str:
    return f"static/{name}"


def output_file(path: str) -> str:
    """The file, relative to the output folder, that serves a page path."""
    return f"{path}index.html" if path == "" or path.endswith("/") else path


@dataclass(frozen=True, slots=True)
class Linker:
    """Turns page paths into the links a reader follows."""

    base_path: str  # "/" or "/<repo>/"
    base_url: str

    def link(self, path: str) -> str:
        return self.base_path + path

    def absolute(self, path: str) -> str:
        # Page paths are relative to the site root, which base_url names (with its "/"),
        # so joining is concatenation; urljoin costs a second per 10,000 pages.
        if path.startswith(("http://", "https://")):
            return path
        if path.startswith("/"):
            return urljoin(self.base_url, path)
        return self.base_url + path
