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
    outputs = [Page(path=ROBOTS_PATH, template="", title="", context=GeneratedText(robots))]
    if len(listed) <= max_urls:
        outputs.append(_generated(SITEMAP_PATH, _urlset(listed, absolute)))
        return tuple(outputs)
    index = ET.Element(_tag("sitemapindex"))
    for number, start in enumerate(range(0, len(listed), max_urls), start=1):
        path = f"sitemap-{number}.xml"
        outputs.append(_generated(path, _urlset(listed[start : start + max_urls], absolute)))
        ET.SubElement(ET.SubElement(index, _tag("sitemap")), _tag("loc")).text = absolute(path)
    outputs.append(_generated(SITEMAP_PATH, index))
    return tuple(outputs)


def _urlset(pages: Sequence[Page], absolute: Absolute) -> ET.Element:
    urlset = ET.Element(_tag("urlset"))
    for page in pages:
        url = ET.SubElement(urlset, _tag("url"))
        ET.SubElement(url, _tag("loc")).text = absolute(page.path)
        modified = _last_modified(page)
        if modified is not None:
            ET.SubElement(url, _tag("lastmod")).text = modified.isoformat()
    return urlset


def _generated(path: str, root: ET.Element) -> Page:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", default_namespace=SITEMAP_NS)
    text = f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'
    return Page(path=path, template="", title="", context=GeneratedText(text))


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
