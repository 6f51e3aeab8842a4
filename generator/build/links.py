"""The internal links and anchors of built pages: read from their HTML, resolved to the
site's output files, and checked against what the site holds. Pure.

A link is internal when it stays on the site's host: a relative link, a path, or an
absolute URL on the host of base_url. It must lead to a file of the site under the base
path, and its #fragment, if any, to an element with that id (or an <a name>) on an HTML
page of the site.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass
from html import unescape
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

# Fragments a browser scrolls to without an element of that id (HTML's "top of the
# document"): never broken.
_ALWAYS_FOUND = frozenset({"", "top"})
# Schemes that leave the site, or are not places at all.
_WEB_SCHEMES = frozenset({"http", "https"})


class Link(NamedTuple):
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
    # Each link as the plain tuple of a Link's fields: check keeps about 40 a page
    # (400,000 at 10,000 articles) and passes them between processes; pickle reads and
    # writes plain tuples in C, where a dataclass or a named tuple took seconds.
    links: tuple[tuple[str, int, str, str], ...]


@dataclass(frozen=True, slots=True)
class BrokenLink:
    page: str  # the output file that holds the link, relative to the site
    link: Link
    what: str
    fix: str


# The tokens that matter to links, found the way a browser's tokenizer finds them: a
# comment, a declaration or processing instruction, an element whose content is text
# (a <script>'s '<a href>' is no link), and a start tag with its attributes, whose
# quoted values may hold '>'. Text between tags is never looked at. One C-level scan
# of the page: Python's HTMLParser, which handles every run of text too, took 2 ms a
# page, half a minute for a check right after a build at 10,000 articles.
_ATTRIBUTES_TEXT = r"""((?:[^>"']|"[^"]*"|'[^']*')*)"""
_SPACE = "\t\n\f\r "
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # a comment
    r"|<[!?][^>]*>?"  # <!DOCTYPE ...>, <![CDATA[...]]>, <?...>
    rf"|<(script|style|textarea|title|xmp|iframe|noembed)(?=[{_SPACE}/>])"
    rf"{_ATTRIBUTES_TEXT}>.*?(?:</\1(?=[{_SPACE}/>])|\Z)"  # up to its end tag
    rf"|<([a-zA-Z][^{_SPACE}/>]*){_ATTRIBUTES_TEXT}>",  # any other start tag
    re.DOTALL | re.IGNORECASE,
)
# A tag whose attributes may name an anchor or a link (a cheap test before reading them).
_WANTED = re.compile(rf"(?:^|[{_SPACE}/\"'])(?:id|href|src|name)[{_SPACE}]*=", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    rf"([^{_SPACE}/>=][^{_SPACE}/>=]*)"  # a name
    rf"""(?:[{_SPACE}]*=[{_SPACE}]*("[^"]*"|'[^']*'|[^{_SPACE}>]*))?"""  # = its value
)


def _tags(html: str) -> Iterator[tuple[str, str, int]]:
    """(tag name, attribute text, 1-based line of its '<') of each start tag that may
    hold an id, a name, an href or a src."""
    line, counted = 1, 0
    wanted = _WANTED.search
    for match in _TOKEN.finditer(html):
        name = match[1] or match[3]
        if name is None:
            continue
        text = match[2] if match[1] else match[4]
        if not wanted(text):
            continue
        start = match.start()
        line += html.count("\n", counted, start)
        counted = start
        yield name.lower(), text, line


def _attributes(text: str) -> Iterator[tuple[str, str]]:
    """Each attribute that has a value, its name in lower case, its value unescaped."""
    for match in _ATTRIBUTE.finditer(text):
        value = match[2]
        if value is None:
            continue
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        yield match[1].lower(), unescape(value) if "&" in value else value


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
    anchors: set[str] = set()
    links = []
    for tag, text, line in _tags(html):
        for name, value in _attributes(text):
            if name == "id" or (name == "name" and tag == "a"):
                anchors.add(value)
            elif (name == "href" and tag != "base") or name == "src":
                resolved = resolver.resolve(value, page)
                if resolved is not None:
                    links.append((value, line, *resolved))
    return PageLinks(frozenset(anchors), tuple(links))


def find_broken_links(
    pages: Mapping[str, PageLinks], outputs: Set[str], *, base_path: str
) -> list[BrokenLink]:
    """Every link of these pages that leads to no file of the site, or to an anchor its
    page lacks, in page order then line order. `outputs`: every file of the site."""
    broken: list[BrokenLink] = []
    # Whether (target, fragment) is found: the same few hundred are linked from every
    # page, and a check at 10,000 articles has 400,000 links.
    found: dict[tuple[str, str], bool] = {}
    for page in sorted(pages):
        for fields in pages[page].links:
            key = (fields[2], fields[3])
            if found.get(key) is True:
                continue
            link = Link(*fields)
            problem = _problem(link, pages, outputs, base_path=base_path)
            found[key] = problem is None
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
