"""The archive as open data: data/archive.json and data/annotations.jsonld. Pure.

archive.json holds what editors added to each article (metadata, actors, quotes,
events) and the actor registry; annotations.jsonld holds every margin note as a W3C
Web Annotation (https://www.w3.org/TR/annotation-model/). Neither holds article
bodies: the text belongs to the outlets that published it.
"""

from __future__ import annotations

import dataclasses
import json
import operator
from collections.abc import Callable

from generator import urls
from generator.content.actors import Actor
from generator.content.types import Annotation, AnnotationKind, Article, Event, Quote
from generator.dates import midnight_utc
from generator.plan.contexts import GeneratedText, Page
from generator.plan.fingerprint import digest_of
from generator.plan.model import Site, Topic, article_actor_ids, article_topics
from generator.plan.structured import Absolute

ARCHIVE_FILE = "archive.json"
ANNOTATIONS_FILE = "annotations.jsonld"
ARCHIVE_VERSION = 1
GENERATED_BY = "Marginalia"
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"

# Each kind of margin note as the Web Annotation motivation that says why it was made.
MOTIVATIONS = {
    AnnotationKind.CONTEXT: "describing",
    AnnotationKind.FACT_CHECK: "assessing",
    AnnotationKind.CORRECTION: "editing",
    AnnotationKind.NOTE: "commenting",
}

Json = dict[str, object]


def front_matter_digest(site: Site, *, title: str) -> str:
    """What both data files follow from: the articles' front matter, never their text,
    and the actors. By value, as articles parsed again must not change it."""
    return digest_of(
        (
            title,
            tuple(_front_matter(article) for article in site.articles),
            tuple(site.actors.values()),
        ),
        by_value=True,
    )


def plan_open_data(
    site: Site, *, absolute: Absolute, title: str, inputs: str | None = None
) -> tuple[Page, ...]:
    """data/archive.json and data/annotations.jsonld; `inputs` is front_matter_digest,
    digested once for both (and for the build, when it passes it)."""
    if inputs is None:
        inputs = front_matter_digest(site, title=title)
    return (
        _data_page(
            ARCHIVE_FILE,
            lambda: render_json(archive_document(site, absolute=absolute, title=title)),
            inputs,
        ),
        _data_page(
            ANNOTATIONS_FILE,
            lambda: render_json(annotation_collection(site, absolute=absolute, title=title)),
            inputs,
        ),
    )


# What the data files show of an article: everything but its text.
_front_matter = operator.attrgetter(
    *(
        field.name
        for field in dataclasses.fields(Article)
        if field.name not in ("body", "body_line", "digest")
    )
)


def _data_page(name: str, make: Callable[[], str], inputs: object) -> Page:
    return Page(
        path=urls.data_path(name),
        template="",
        title="",
        context=GeneratedText(make=make, inputs=(name, inputs)),
    )


def render_json(document: Json) -> str:
    # Key order is the order the documents are built in, so the bytes are stable.
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


# ---------------------------------------------------------------------------
# archive.json


def archive_document(site: Site, *, absolute: Absolute, title: str) -> Json:
    return {
        "title": title,
        "generated_by": GENERATED_BY,
        "version": ARCHIVE_VERSION,
        "articles": [_article(site, article, absolute) for article in site.articles],
        "actors": [_actor(site, actor, absolute) for actor in site.actors.values()],
        "topics": [_topic(topic, absolute) for topic in site.topics.values()],
    }


def _article(site: Site, article: Article, absolute: Absolute) -> Json:
    path = urls.article_path(article.date, article.slug)
    url = absolute(path)
    image = article.image
    return {
        "id": path,
        "url": url,
        "title": article.title,
        "date": article.date.isoformat(),
        "source": article.source,
        "authors": list(article.authors),
        "dek": article.dek,
        "dateline": article.dateline,
        "agency": article.agency,
        "credits": list(article.credits),
        "image": {"caption": image.caption, "credit": image.credit} if image else None,
        # Speakers and the actors of events count too, as on the actor pages, so an
        # actor's "articles" is the number of articles listing it here.
        "actors": list(article_actor_ids(article)),
        "tags": list(article.tags),
        # The slugs of its topics, as in "topics" below: tags that differ only in case
        # or punctuation are one topic.
        "topics": list(article_topics(article)),
        "quotes": [
            _quote(site, quote, f"{url}#{urls.quote_anchor(number)}")
            for number, quote in enumerate(article.quotes, start=1)
        ],
        "events": [
            _event(event, f"{url}#{urls.event_anchor(number)}" if event.quote else url)
            for number, event in enumerate(article.events, start=1)
        ],
        "annotations": [
            annotation_id(url, number) for number in range(1, len(article.annotations) + 1)
        ],
    }


def _quote(site: Site, quote: Quote, url: str) -> Json:
    speaker = site.actors.get(quote.speaker) if quote.speaker else None
    return {
        "speaker": quote.speaker,
        "speaker_name": speaker.name if speaker else quote.speaker_name,
        "text": quote.text,
        "verb": quote.verb,
        "url": url,
    }


def _event(event: Event, url: str) -> Json:
    return {
        "subject": event.subject,
        "action": event.action,
        "object": event.object,
        "code": event.code,
        "quote": event.quote,
        "url": url,
    }


def _topic(topic: Topic, absolute: Absolute) -> Json:
    return {
        "slug": topic.slug,
        "name": topic.name,
        "url": absolute(urls.topic_path(topic.slug)),
        "articles": len(topic.articles),
    }


def _actor(site: Site, actor: Actor, absolute: Absolute) -> Json:
    return {
        "id": actor.id,
        "name": actor.name,
        "type": actor.type.value,
        "aliases": list(actor.aliases),
        "short": list(actor.short),
        "role": actor.role,
        "country": actor.country,
        "wikidata": actor.wikidata,
        "url": absolute(urls.actor_path(actor.id)),
        "articles": len(site.articles_by_actor.get(actor.id, ())),
    }


# ---------------------------------------------------------------------------
# annotations.jsonld


def annotation_id(article_url: str, number: int) -> str:
    """The IRI of a margin note: its article and its place in the front matter, from 1.

    Not a fragment of the HTML page, whose notes are numbered in reading order: this
    one stays put when an editor adds a note earlier in the text.
    """
    return f"{article_url}#annotation-{number}"


def annotation_collection(site: Site, *, absolute: Absolute, title: str) -> Json:
    """Every margin note of the archive as one W3C Web Annotation collection of one page."""
    collection_id = absolute(urls.data_path(ANNOTATIONS_FILE))
    page_id = f"{collection_id}#page1"
    items = [
        web_annotation(article, note, number, absolute=absolute)
        for article in site.articles
        for number, note in enumerate(article.annotations, start=1)
    ]
    return {
        "@context": ANNO_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"{title}: margin notes",
        "total": len(items),
        "first": {
            "id": page_id,
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
        "last": page_id,
    }


def web_annotation(article: Article, note: Annotation, number: int, *, absolute: Absolute) -> Json:
    url = absolute(urls.article_path(article.date, article.slug))
    motivation = MOTIVATIONS[note.kind]
    selector: Json = {"type": "TextQuoteSelector", "exact": note.quote}
    if note.prefix:
        selector["prefix"] = note.prefix
    if note.suffix:
        selector["suffix"] = note.suffix
    return {
        "id": annotation_id(url, number),
        "type": "Annotation",
        "motivation": motivation,
        # The model asks for a date and time; a note has no date of its own, so this is
        # the start of the day its article was published.
        "created": midnight_utc(article.date),
        "body": _bodies(note, motivation),
        "target": {"type": "SpecificResource", "source": url, "selector": selector},
    }


def _bodies(note: Annotation, motivation: str) -> Json | list[Json]:
    text = _textual_body(note.note, "text/markdown", motivation)
    if not note.is_claim_review:
        return text
    # A fact-check's claim says what the passage asserts; its rating classifies it.
    return [
        text,
        _textual_body(note.claim, "text/plain", "describing"),
        _textual_body(note.rating, "text/plain", "classifying"),
    ]


def _textual_body(value: str, media_type: str, purpose: str) -> Json:
    return {"type": "TextualBody", "value": value, "format": media_type, "purpose": purpose}
