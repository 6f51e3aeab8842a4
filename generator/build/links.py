"""The internal links and anchors of built pages: read from their HTML, resolved to the
site's output files, and checked against what the site holds. Pure.

A link is internal when it stays on the site's host: a relative link, a path, or an
absolute URL on the host of base_url. It must lead to a file of the site under the base
path, and its #fragment, if any, to an element with that id (or an <a name>) on an HTML
page of the site.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

# Fragments a browser scrolls to without an element of that id (HTML's "top of the
# document"): never broken.
_ALWAYS_FOUND = frozenset({"", "top"})
# Schemes that leave the site, or are not places at all.
_WEB_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True, slots=True)
class Link:
    """One href or src as written in a page, with the 1-based line of its tag."""

    href: str
    line: int
    # The output file it leads to (relative to the site, "" for none: a link that
    # leaves the base path), and its unquoted fragment.
    target: str
    fragment: str


@dataclass(frozen=True, slots=True)
class PageLinks:
    """What one HTML page offers and asks: its anchors and its internal links."""

    anchors: frozenset[str]
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class BrokenLink:
    page: str  # the output file that holds the link, relative to the site
    link: Link
    what: str
    fix: str


class _LinkParser(HTMLParser):
    """Collects hrefs, srcs and anchors; the text between tags is never looked at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.written: list[tuple[str, int]] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.anchors.add(value)
            elif (name == "href" and tag != "base") or name == "src":
                self.written.append((value, self.getpos()[0]))

    handle_startendtag = handle_starttag


class LinkResolver:
    """Resolves hrefs written in the site's pages to output files; remembers what it
    resolved, since the same masthead links appear on every page."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self._host = (parts.scheme, parts.netloc)
        self._base_path = parts.path if parts.path.endswith("/") else f"{parts.path}/"
        self._base_url = f"{parts.scheme}://{parts.netloc}{self._base_path}"
        self._seen: dict[tuple[str, str], tuple[str, str] | None] = {}

    def page_url(self, page: str) -> str:
        """The URL a reader sees an output file at: a folder for an index.html."""
        folder = page.removesuffix("index.html") if page.endswith("index.html") else page
        return self._base_url + folder

    def resolve(self, href: str, page: str) -> tuple[str, str] | None:
        """(output file, fragment) for an internal link; ("", "") for a link on the
        site's host that leaves its base path; None for anything else."""
        href = href.strip()
        # Paths from the root do not depend on the page: one entry serves every page.
        key = (href, "" if href.startswith("/") and not href.startswith("//") else page)
        if key in self._seen:
            return self._seen[key]
        found = self._resolve(href, page)
        self._seen[key] = found
        return found

    def _resolve(self, href: str, page: str) -> tuple[str, str] | None:
        try:
            parts = urlsplit(urljoin(self.page_url(page), href))
        except ValueError:
            return None
        if parts.scheme not in _WEB_SCHEMES or (parts.scheme, parts.netloc) != self._host:
            return None
        path = unquote(parts.path)
        if not path.startswith(self._base_path) and path != self._base_path.rstrip("/"):
            return ("", "")
        inside = path[len(self._base_path) :]
        target = f"{inside}index.html" if inside == "" or inside.endswith("/") else inside
        return (target, unquote(parts.fragment))


def read_page_links(html: str, page: str, resolver: LinkResolver) -> PageLinks:
    """The anchors of an HTML page and its internal links, resolved."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    links = []
    for href, line in parser.written:
        resolved = resolver.resolve(href, page)
        if resolved is not None:
            links.append(Link(href, line, *resolved))
    return PageLinks(frozenset(parser.anchors), tuple(links))


def find_broken_links(
    pages: Mapping[str, PageLinks], outputs: Set[str], *, base_path: str
) -> list[BrokenLink]:
    """Every link of these pages that leads to no file of the site, or to an anchor its
    page lacks, in page order then line order. `outputs`: every file of the site."""
    broken: list[BrokenLink] = []
    for page in sorted(pages):
        for link in pages[page].links:
            problem = _problem(link, pages, outputs, base_path=base_path)
            if problem is not None:
                broken.append(BrokenLink(page, link, *problem))
    return broken


def count_links(pages: Iterable[PageLinks]) -> int:
    return sum(len(page.links) for page in pages)


def _problem(
    link: Link, pages: Mapping[str, PageLinks], outputs: Set[str], *, base_path: str
) -> tuple[str, str] | None:
    target = link.target
    if target == "":
        return (
            f"the link '{link.href}' leaves the site: it is not under the base path {base_path}",
            f"start the link with {base_path} (the path of base_url), or write it relative "
            "to the page",
        )
    if target not in outputs:
        # /editions is served as /editions/ by GitHub Pages and by serve.
        folder = f"{target}/index.html"
        if folder not in outputs:
            return (
                f"the link '{link.href}' leads to no page of the site",
                "correct the address, or remove the link",
            )
        target = folder
    if link.fragment.lower() in _ALWAYS_FOUND:
        return None
    anchors = pages.get(target)
    if anchors is None or link.fragment in anchors.anchors:
        return None  # not an HTML page: no anchors to check
    return (
        f"the link '{link.href}' leads to no element with id '{link.fragment}' on {target}",
        "link to an id the page has, or remove the #fragment",
    )
