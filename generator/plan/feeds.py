"""Atom feeds: the whole archive, one per actor and one per topic. Pure."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from generator import urls
from generator.content.types import Article
from generator.dates import midnight_utc
from generator.plan.contexts import GeneratedText, Page
from generator.plan.fingerprint import digest_of
from generator.plan.model import Site, actor_sort_key, article_actor_ids
from generator.plan.structured import Absolute

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50  # newest articles per feed
GENERATOR = "Marginalia"
# A feed's <updated> must be a date; an empty site has none of its own.
EPOCH = dt.date(1970, 1, 1)
INDENT = "  "
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

# Characters XML 1.0 forbids. ElementTree escapes markup but writes these as they are,
# which would make the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def plan_feeds(site: Site, *, absolute: Absolute, title: str, description: str) -> tuple[Page, ...]:
    """feed.xml, actors/<id>/feed.xml and topics/<slug>/feed.xml."""
    # An actor without articles still gets a valid feed; its <updated> is the site's newest
    # date rather than the clock, so the bytes depend on the content only.
    fallback = site.articles[0].date if site.articles else EPOCH
    names = {actor_id: actor.name for actor_id, actor in site.actors.items()}
    # An article is in the archive's feed and in each of its actors' feeds: its <entry> is
    # made and serialised once, which at archive scale is most of the work.
    entries: dict[Path, str] = {}
    # Entries name their actors, so every feed depends on the names: digested once.
    names_digest = digest_of(tuple(sorted(names.items())))

    def feed(
        path: str,
        page_path: str,
        feed_title: str,
        subtitle: str | None,
        articles: Sequence[Article],
    ) -> Page:
        # Only an empty feed shows the site's newest date, so only it depends on it.
        updated = articles[0].date if articles else fallback

        def make() -> str:
            head = _feed_head(
                absolute(path),
                page_url=absolute(page_path),
                title=feed_title,
                subtitle=subtitle,
                author=title,
                updated=updated,
            )
            for article in articles:
                if article.path not in entries:
                    entries[article.path] = _entry(article, names=names, absolute=absolute)
            return _document(head, [entries[article.path] for article in articles])

        inputs = (path, feed_title, subtitle, title, updated, names_digest, tuple(articles))
        return Page(
            path=path, template="", title="", context=GeneratedText(make=make, inputs=inputs)
        )

    pages = [
        feed(urls.feed_path(), urls.home_path(), title, description, site.articles[:FEED_SIZE])
    ]
    for actor in sorted(site.actors.values(), key=lambda a: actor_sort_key(a.id)):
        pages.append(
            feed(
                urls.actor_feed_path(actor.id),
                urls.actor_path(actor.id),
                f"{actor.name} · {title}",
                actor.role,
                site.articles_by_actor[actor.id][:FEED_SIZE],
            )
        )
    for slug, topic in site.topics.items():
        pages.append(
            feed(
                urls.topic_feed_path(slug),
                urls.topic_path(slug),
                f"{topic.name} · {title}",
                None,
                topic.articles[:FEED_SIZE],
            )
        )
    return tuple(pages)


def _feed_head(
    url: str,
    *,
    page_url: str,
    title: str,
    subtitle: str | None,
    author: str,
    updated: dt.date,
) -> ET.Element:
    """The <feed> element with everything but its entries."""
    # The namespace as a plain attribute: ElementTree's default_namespace option refuses
    # the unqualified attribute names Atom uses (rel, href, term).
    feed = ET.Element("feed")
    feed.set("xmlns", ATOM)
    _text(feed, "id", url)
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    _link(feed, url, rel="self", type="application/atom+xml")
    _link(feed, page_url, rel="alternate", type="text/html")
    _text(feed, "updated", midnight_utc(updated))
    # Entries have no author when the article names none, so the feed must name one.
    _text(ET.SubElement(feed, "author"), "name", author)
    _text(feed, "generator", GENERATOR)
    return feed


def _entry(article: Article, *, names: dict[str, str], absolute: Absolute) -> str:
    """An article's <entry>, serialised and indented for its place in a feed."""
    url = absolute(urls.article_path(article.date, article.slug))
    stamp = midnight_utc(article.date)
    entry = ET.Element("entry")
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
    ET.indent(entry, space=INDENT, level=1)
    return f"{INDENT}{ET.tostring(entry, encoding='unicode')}\n"


def _document(head: ET.Element, entries: Sequence[str]) -> str:
    """The feed document: the head, then the entries, each written by ElementTree."""
    ET.indent(head, space=INDENT)
    text = ET.tostring(head, encoding="unicode")
    return f"{XML_DECLARATION}{text.removesuffix('</feed>')}{''.join(entries)}</feed>\n"


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
