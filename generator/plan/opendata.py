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
import re
from collections.abc import Callable
from dataclasses import dataclass

from generator import urls
from generator.body.annotations import (
    AnchorText,
    anchor_all,
    article_targets,
    normalise_for_matching,
)
from generator.body.body_markup import annotation_anchor
from generator.body.engines import DEFAULT_ENGINE, MarkdownEngine
from generator.body.selection import anchor_text
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
BodyText = Callable[[Article], str]


def kept_body(article: Article) -> str:
    """The text an article was made with (in memory; a loaded article keeps none)."""
    return article.body


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
    site: Site,
    *,
    absolute: Absolute,
    title: str,
    inputs: str | None = None,
    body_text: BodyText,
    language: str = "en",
    engine: MarkdownEngine = DEFAULT_ENGINE,
) -> tuple[Page, ...]:
    """data/archive.json and data/annotations.jsonld; `inputs` is front_matter_digest,
    digested once for both (and for the build, when it passes it).

    language and engine: the site's (config.language, its markdown settings), which
    the notes' languages and selectors follow. body_text: an annotated article's text,
    which the selectors quote; the build passes loading.read_body, as loading keeps no
    bodies, and articles made in memory pass kept_body. It has no default: with the
    wrong one every note would lose its selectors' context, and nothing would fail.
    """
    if inputs is None:
        inputs = front_matter_digest(site, title=title)
    # A note's selector quotes the words around it, so the notes follow the text of
    # the articles that have notes too.
    annotated = tuple(
        (str(article.path), article.digest) for article in site.articles if article.annotations
    )
    return (
        data_page(
            ARCHIVE_FILE,
            lambda: render_json(archive_document(site, absolute=absolute, title=title)),
            inputs,
        ),
        data_page(
            ANNOTATIONS_FILE,
            lambda: render_json(
                annotation_collection(
                    site,
                    absolute=absolute,
                    title=title,
                    language=language,
                    engine=engine,
                    body_text=body_text,
                )
            ),
            (inputs, annotated, language, engine),
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


def data_page(name: str, make: Callable[[], str], inputs: object) -> Page:
    """data/<name>, made by `make` when it must be written, kept while `inputs` hold."""
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
        "original_url": article.url,  # the address of the article this archived copy is of
        "updated": article.updated.isoformat() if article.updated else None,
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

# Characters of text a selector quotes before and after the words, at least (as
# Hypothesis does): with whole words, enough to pick out the place to any reader.
CONTEXT_CHARACTERS = 32
_LONGER = 8  # times the context is doubled, at most, until it picks out its place
# What a FragmentSelector's value is: an HTML fragment identifier (the passage's id).
HTML_FRAGMENT = "http://tools.ietf.org/rfc/rfc3236"
_SPACES = re.compile(r"\s+")


def annotation_id(article_url: str, number: int) -> str:
    """The IRI of a margin note: its article and its place in the front matter, from 1.

    The article page gives the note the same id (body_markup.annotation_anchor), so the
    IRI leads to it; it stays put when an editor adds a note earlier in the text (the
    page's own "Note 1, 2, ..." follow the reading order).
    """
    return f"{article_url}#{annotation_anchor(number)}"


@dataclass(frozen=True, slots=True)
class NotePlace:
    """Where a note is anchored in its article's text, as a TextQuoteSelector says it."""

    exact: str  # the article's own words, white space folded
    prefix: str  # whole words just before them ("" at the start of the text)
    suffix: str  # whole words just after them ("" at the end)
    passage: str  # the id of the passage's first <mark> on the page: "anchor-2"


def note_places(
    article: Article, markdown: str, engine: MarkdownEngine = DEFAULT_ENGINE
) -> tuple[NotePlace | None, ...]:
    """Each note's place in `markdown`, the article's body, as its page anchors it (the
    build's own anchoring), in front-matter order; None for a note that anchors nowhere
    (a build stops at such a note, so only articles made in memory have one)."""
    if not article.annotations:
        return ()
    text = anchor_text(markdown, engine)
    anchors, _ = anchor_all(text, article_targets(article.annotations, ()))
    body = AnchorText(text)
    # The page numbers its passages in reading order, as body_markup.annotate does.
    order = sorted(
        (index for index, anchor in enumerate(anchors) if anchor is not None),
        key=lambda index: (anchors[index].start, index),  # type: ignore[union-attr]
    )
    passages = {index: f"anchor-{number}" for number, index in enumerate(order, start=1)}
    return tuple(
        None if anchor is None else _place(body, note, passages[index])
        for index, (note, anchor) in enumerate(zip(article.annotations, anchors, strict=True))
    )


def _normal(part: str | None) -> str:
    return normalise_for_matching(part)[0].strip(" ") if part else ""


def _place(body: AnchorText, note: Annotation, passage: str) -> NotePlace | None:
    """The note's words with at least CONTEXT_CHARACTERS of whole words either side,
    more where the same words with that context occur elsewhere too."""
    wanted, prefix, suffix = _normal(note.quote), _normal(note.prefix), _normal(note.suffix)
    places = body.places(wanted, prefix, suffix, most=1)
    if len(places) != 1:
        return None
    norm, place = body.norm, places[0]
    end = place + len(wanted)
    # At least as much as the editor's own prefix and suffix, which pick it out.
    before = max(CONTEXT_CHARACTERS, len(prefix) + 1)
    after = max(CONTEXT_CHARACTERS, len(suffix) + 1)
    for _ in range(_LONGER):
        start = _word_start(norm, max(0, place - before))
        stop = _word_end(norm, min(len(norm), end + after))
        if body.places(wanted, norm[start:place].strip(" "), norm[end:stop].strip(" "), most=1) == [
            place
        ]:
            break
        before, after = 2 * before, 2 * after
    else:
        return None
    return NotePlace(
        exact=_words(body, place, end),
        prefix=_words(body, start, place),
        suffix=_words(body, end, stop),
        passage=passage,
    )


def _word_start(norm: str, cut: int) -> int:
    while cut > 0 and norm[cut - 1] != " ":
        cut -= 1
    return cut


def _word_end(norm: str, cut: int) -> int:
    while cut < len(norm) and norm[cut] != " ":
        cut += 1
    return cut


def _words(body: AnchorText, start: int, end: int) -> str:
    """The article's own characters between two normalised offsets, each run of white
    space one space (a paragraph break included), as a reader sees the page's text."""
    if start >= end:
        return ""
    return _SPACES.sub(" ", body.text[body.origin[start] : body.origin[end - 1] + 1])


def annotation_collection(
    site: Site,
    *,
    absolute: Absolute,
    title: str,
    language: str,
    engine: MarkdownEngine,
    body_text: BodyText,
) -> Json:
    """Every margin note of the archive as one W3C Web Annotation collection of one page.

    Each annotation carries its own @context, so it stands alone when taken out.
    """
    collection_id = absolute(urls.data_path(ANNOTATIONS_FILE))
    page_id = f"{collection_id}#page1"
    made = _Makers(
        archive=archive_agent(absolute, title),
        generator=generator_agent(collection_id),
        language=language,
    )
    items = [
        web_annotation(article, note, number, absolute=absolute, place=place, made=made)
        for article in site.articles
        if article.annotations  # only their texts are read
        for number, (note, place) in enumerate(
            zip(article.annotations, note_places(article, body_text(article), engine), strict=True),
            start=1,
        )
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
            "partOf": collection_id,
            "startIndex": 0,
            "items": items,
        },
        "last": page_id,
    }


@dataclass(frozen=True, slots=True)
class _Makers:
    """Who made the notes (the archive) and with what (Marginalia), in their language."""

    archive: Json
    generator: Json
    language: str


def archive_agent(absolute: Absolute, title: str) -> Json:
    """The archive, as the agent that writes its notes and publishes its pages."""
    home = absolute(urls.home_path())
    return {
        "id": home,
        "type": "Organization",
        "name": title,
        "nickname": urls.slugify(title) or "archive",
        "homepage": home,
    }


def generator_agent(collection_id: str) -> Json:
    return {
        "id": f"{collection_id}#generator",
        "type": "Software",
        "name": GENERATED_BY,
        "nickname": GENERATED_BY.lower(),
    }


def web_annotation(
    article: Article,
    note: Annotation,
    number: int,
    *,
    absolute: Absolute,
    place: NotePlace | None,
    made: _Makers,
) -> Json:
    url = absolute(urls.article_path(article.date, article.slug))
    motivation = MOTIVATIONS[note.kind]
    # The model asks for a date and time; a note has no date of its own, so this is
    # the start of the day its article was published: the same on every build.
    created = midnight_utc(article.date)
    own_id = annotation_id(url, number)
    annotation: Json = {
        "@context": ANNO_CONTEXT,
        "id": own_id,
        "type": "Annotation",
        "motivation": motivation,
        "creator": made.archive,
        "created": created,
        "generator": made.generator,
    }
    if note.id and note.id != own_id:
        annotation["via"] = note.id  # the annotation it was imported from
    lifecycle: Json = {"language": made.language, "creator": made.archive, "created": created}
    annotation["body"] = _bodies(note, motivation, lifecycle)
    annotation["target"] = {
        "type": "SpecificResource",
        "source": {"id": url, "type": "Text", "format": "text/html", **lifecycle},
        "selector": _selectors(note, place),
    }
    return annotation


def _selectors(note: Annotation, place: NotePlace | None) -> Json | list[Json]:
    if place is None:
        # Not anchored (an article made in memory): the note's own words, as written.
        selector: Json = {"type": "TextQuoteSelector", "exact": note.quote}
        if note.prefix:
            selector["prefix"] = note.prefix
        if note.suffix:
            selector["suffix"] = note.suffix
        return selector
    # Two ways to the same passage: its words in context, and its id on the page.
    return [
        {
            "type": "TextQuoteSelector",
            "exact": place.exact,
            "prefix": place.prefix,
            "suffix": place.suffix,
        },
        {"type": "FragmentSelector", "conformsTo": HTML_FRAGMENT, "value": place.passage},
    ]


def _bodies(note: Annotation, motivation: str, lifecycle: Json) -> Json | list[Json]:
    text = _textual_body(note.note, "text/markdown", motivation, lifecycle)
    if not note.is_claim_review:
        return text
    # A fact-check's claim says what the passage asserts; its rating classifies it.
    assert note.claim is not None and note.rating is not None
    return [
        text,
        _textual_body(note.claim, "text/plain", "describing", lifecycle),
        _textual_body(note.rating, "text/plain", "classifying", lifecycle),
    ]


def _textual_body(value: str, media_type: str, purpose: str, lifecycle: Json) -> Json:
    return {
        "type": "TextualBody",
        "value": value,
        "format": media_type,
        "purpose": purpose,
        **lifecycle,
    }
