"""Atom feeds: the whole archive, and one per actor. Pure."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from generator import urls
from generator.content import Article
from generator.model import Site, actor_sort_key, article_actor_ids
from generator.pages import GeneratedText, Page
from generator.structured import Absolute

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50  # newest articles per feed
GENERATOR = "Marginalia"
# A feed's <updated> must be a date; an empty site has none of its own.
EPOCH = dt.date(1970, 1, 1)

# Characters XML 1.0 forbids. ElementTree escapes markup but writes these as they are,
# which would make the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def plan_feeds(site: Site, *, absolute: Absolute, title: str, description: str) -> tuple[Page, ...]:
    """feed.xml and actors/<id>/feed.xml."""
    # An actor without articles still gets a valid feed; its <updated> is the site's newest
    # date rather than the clock, so the bytes depend on the content only.
    fallback = site.articles[0].date if site.articles else EPOCH
    names = {actor_id: actor.name for actor_id, actor in site.actors.items()}
    pages = [
        _feed_page(
            urls.feed_path(),
            page_path=urls.home_path(),
            title=title,
            subtitle=description,
            author=title,
            articles=site.articles[:FEED_SIZE],
            fallback=fallback,
            names=names,
            absolute=absolute,
        )
    ]
    for actor in sorted(site.actors.values(), key=lambda a: actor_sort_key(a.id)):
        pages.append(
            _feed_page(
                urls.actor_feed_path(actor.id),
                page_path=urls.actor_path(actor.id),
                title=f"{actor.name} · {title}",
                subtitle=actor.role,
                author=title,
                articles=site.articles_by_actor[actor.id][:FEED_SIZE],
                fallback=fallback,
                names=names,
                absolute=absolute,
            )
        )
    return tuple(pages)


def _feed_page(
    path: str,
    *,
    page_path: str,
    title: str,
    subtitle: str | None,
    author: str,
    articles: Sequence[Article],
    fallback: dt.date,
    names: dict[str, str],
    absolute: Absolute,
) -> Page:
    # The namespace as a plain attribute: ElementTree's default_namespace option refuses
    # the unqualified attribute names Atom uses (rel, href, term).
    feed = ET.Element("feed")
    feed.set("xmlns", ATOM)
    _text(feed, "id", absolute(path))
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    _link(feed, absolute(path), rel="self", type="application/atom+xml")
    _link(feed, absolute(page_path), rel="alternate", type="text/html")
    _text(feed, "updated", _timestamp(articles[0].date if articles else fallback))
    # Entries have no author when the article names none, so the feed must name one.
    _text(ET.SubElement(feed, "author"), "name", author)
    _text(feed, "generator", GENERATOR)
    for article in articles:
        _add_entry(feed, article, names=names, absolute=absolute)
    return Page(path=path, template="", title="", context=GeneratedText(_serialise(feed)))


def _add_entry(
    feed: ET.Element, article: Article, *, names: dict[str, str], absolute: Absolute
) -> None:
    url = absolute(urls.article_path(article.date, article.slug))
    stamp = _timestamp(article.date)
    entry = ET.SubElement(feed, "entry")
    _text(entry, "id", url)
    _text(entry, "title", article.title)
    _link(entry, url, rel="alternate", type="text/html")
    _text(entry, "published", stamp)
    _text(entry, "updated", stamp)
    for name in article.authors:
        _text(ET.SubElement(entry, "author"), "name", name)
    for actor_id in article_actor_ids(article):
        category = ET.SubElement(entry, "category")
        category.set("term", actor_id)
        category.set("label", _clean(names.get(actor_id, actor_id)))
    if article.dek:
        _text(entry, "summary", article.dek).set("type", "text")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _clean(text)
    return element


def _link(parent: ET.Element, href: str, *, rel: str, type: str) -> None:
    # Attributes are set one by one: ElementTree writes them in insertion order.
    link = ET.SubElement(parent, "link")
    link.set("rel", rel)
    link.set("type", type)
    link.set("href", href)


def _timestamp(date: dt.date) -> str:
    """RFC 3339 date-time for a date: articles carry no time of day, so midnight UTC."""
    return f"{date.isoformat()}T00:00:00Z"


def _serialise(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'
