"""sitemap.xml and robots.txt, from every planned page. Pure."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

from generator import urls
from generator.plan.contexts import ArticlePage, EditionPage, GeneratedText, Page
from generator.plan.structured import Absolute

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_PATH = "sitemap.xml"
ROBOTS_PATH = "robots.txt"


# The sitemaps.org limit on URLs in one file; larger sites get an index of sitemaps.
MAX_URLS = 50_000


def plan_sitemap(
    pages: Sequence[Page], *, absolute: Absolute, max_urls: int = MAX_URLS
) -> tuple[Page, ...]:
    """sitemap.xml listing every HTML page but the 404 page, and robots.txt pointing to it.

    Past max_urls pages, sitemap.xml is an index of sitemap-1.xml, sitemap-2.xml, ...
    """
    listed = sorted((page for page in pages if _is_listed(page)), key=lambda page: page.path)
    # Crawlers read robots.txt only at the root of a host, so under a base path (a GitHub
    # Pages project site, /<repo>/) this file is never consulted; it is still written for
    # sites served from the root (user sites, custom domains), and the sitemap can be
    # submitted to search engines directly.
    robots = f"User-agent: *\nAllow: /\nSitemap: {absolute(SITEMAP_PATH)}\n"
    outputs = [Page(path=ROBOTS_PATH, template="", title="", context=GeneratedText.of(robots))]
    # What each listed page contributes: its path and its date, if it has one.
    entries = tuple((page.path, _last_modified(page)) for page in listed)
    if len(entries) <= max_urls:
        outputs.append(_generated(SITEMAP_PATH, lambda: _urlset(entries, absolute), entries))
        return tuple(outputs)
    parts = []
    for number, start in enumerate(range(0, len(entries), max_urls), start=1):
        part = entries[start : start + max_urls]
        parts.append(f"sitemap-{number}.xml")
        outputs.append(
            _generated(parts[-1], lambda part=part: _urlset(part, absolute), part)  # type: ignore[misc]
        )
    outputs.append(_generated(SITEMAP_PATH, lambda: _index(parts, absolute), tuple(parts)))
    return tuple(outputs)


Entry = tuple[str, "dt.date | None"]


def _urlset(entries: Sequence[Entry], absolute: Absolute) -> ET.Element:
    urlset = ET.Element(_tag("urlset"))
    for path, modified in entries:
        url = ET.SubElement(urlset, _tag("url"))
        ET.SubElement(url, _tag("loc")).text = absolute(path)
        if modified is not None:
            ET.SubElement(url, _tag("lastmod")).text = modified.isoformat()
    return urlset


def _index(parts: Sequence[str], absolute: Absolute) -> ET.Element:
    index = ET.Element(_tag("sitemapindex"))
    for path in parts:
        ET.SubElement(ET.SubElement(index, _tag("sitemap")), _tag("loc")).text = absolute(path)
    return index


def _generated(path: str, make_root: Callable[[], ET.Element], inputs: object) -> Page:
    def make() -> str:
        root = make_root()
        ET.indent(root, space="  ")
        body = ET.tostring(root, encoding="unicode", default_namespace=SITEMAP_NS)
        return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'

    context = GeneratedText(make=make, inputs=(path, inputs))
    return Page(path=path, template="", title="", context=context)


def _is_listed(page: Page) -> bool:
    """An HTML page a reader can land on: not the 404 page, not a feed or data file."""
    if isinstance(page.context, GeneratedText) or page.path == urls.not_found_path():
        return False
    return urls.output_file(page.path).endswith(".html")


def _last_modified(page: Page) -> dt.date | None:
    # Articles and editions have a date; listings change with every new article, and a
    # lastmod that is not accurate is worse than none (search engines learn to ignore it).
    if isinstance(page.context, ArticlePage):
        return page.context.article.date
    if isinstance(page.context, EditionPage):
        return page.context.edition.date
    return None


def _tag(name: str) -> str:
    return f"{{{SITEMAP_NS}}}{name}"
