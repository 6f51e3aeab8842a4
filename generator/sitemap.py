"""sitemap.xml and robots.txt, from every planned page. Pure."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from generator import urls
from generator.pages import ArticlePage, EditionPage, GeneratedText, Page
from generator.structured import Absolute

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_PATH = "sitemap.xml"
ROBOTS_PATH = "robots.txt"
NOT_FOUND_PATH = "404.html"


def plan_sitemap(pages: Sequence[Page], *, absolute: Absolute) -> tuple[Page, ...]:
    """sitemap.xml listing every HTML page but the 404 page, and robots.txt pointing to it."""
    listed = sorted((page for page in pages if _is_listed(page)), key=lambda page: page.path)
    urlset = ET.Element(_tag("urlset"))
    for page in listed:
        url = ET.SubElement(urlset, _tag("url"))
        ET.SubElement(url, _tag("loc")).text = absolute(page.path)
        modified = _last_modified(page)
        if modified is not None:
            ET.SubElement(url, _tag("lastmod")).text = modified.isoformat()
    ET.indent(urlset, space="  ")
    body = ET.tostring(urlset, encoding="unicode", default_namespace=SITEMAP_NS)
    sitemap = f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'
    # Crawlers read robots.txt only at the root of a host, so under a base path (a GitHub
    # Pages project site, /<repo>/) this file is never consulted; it is still written for
    # sites served from the root (user sites, custom domains), and the sitemap can be
    # submitted to search engines directly.
    robots = f"User-agent: *\nAllow: /\nSitemap: {absolute(SITEMAP_PATH)}\n"
    return (
        Page(path=SITEMAP_PATH, template="", title="", context=GeneratedText(sitemap)),
        Page(path=ROBOTS_PATH, template="", title="", context=GeneratedText(robots)),
    )


def _is_listed(page: Page) -> bool:
    """An HTML page a reader can land on: not the 404 page, not a feed or data file."""
    if isinstance(page.context, GeneratedText) or page.path == NOT_FOUND_PATH:
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
