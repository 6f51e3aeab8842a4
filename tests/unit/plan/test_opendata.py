"""data/archive.json and data/annotations.jsonld: structure, and the JSON-LD checked
against the W3C Web Annotation context, offline."""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyld import jsonld

from generator.content.actors import Actor, ActorType
from generator.content.types import Annotation, AnnotationKind, Article, ArticleImage, Event, Quote
from generator.plan.contexts import GeneratedText, Page
from generator.plan.model import Site, build_site
from generator.plan.opendata import ANNO_CONTEXT, kept_body, plan_open_data
from tests.support import REPO, sample_archive
from tests.support.sample_archive import AUG_30, SEP_11, build_repo_content

CONTEXT_FIXTURE = REPO / "tests" / "fixtures" / "jsonld" / "anno.jsonld"
BASE = "https://example.org/archive/"
TITLE = "Test Archive"

OA = "http://www.w3.org/ns/oa#"
AS = "http://www.w3.org/ns/activitystreams#"
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
MOTIVATION_IRIS = {f"{OA}{name}" for name in ("describing", "assessing", "editing", "commenting")}

RUSSIA = Actor(id="russia", name="Russia", type=ActorType.COUNTRY, wikidata="Q159")
KIM = Actor(
    id="kim-jong-un",
    name="Kim Jong Un",
    type=ActorType.PERSON,
    aliases=("Kim Jong-un",),
    short=("Kim",),
    role="Leader of North Korea",
    country="north-korea",
)
NORTH_KOREA = Actor(
    id="north-korea", name="North Korea", type=ActorType.COUNTRY, aliases=("DPRK", "Pyongyang")
)
ACTORS = (RUSSIA, KIM, NORTH_KOREA)


def absolute(path: str) -> str:
    return BASE + path


def article(slug: str, title: str, date: datetime.date, **fields: object) -> Article:
    """sample_archive's article, with a body that the open data must never carry."""
    return dataclasses.replace(
        sample_archive.article(slug, title, date, **fields),
        body=f"The secret body of {title}, which the outlet owns.",
    )


OLDER = article(
    "alpha",
    "Alpha",
    AUG_30,
    actors=("north-korea",),
    quotes=(Quote(text="Nobody expected this meeting.", speaker_name="Jane Roe"),),
    annotations=(
        Annotation(
            quote="the meeting",
            kind=AnnotationKind.CONTEXT,
            note="It took place in *Vladivostok*.",
            prefix="before ",
            suffix=" began",
        ),
    ),
)
NEWER = article(
    "bravo",
    "Bravo: Pyongyang’s “summit”",
    SEP_11,
    source="Al Jazeera",
    authors=("Ana Pérez", "Bo Li"),
    dek="A dek.",
    dateline="Washington, DC",
    image=ArticleImage(caption="Kim and Putin", credit="File: AP photo"),
    actors=("russia", "north-korea"),
    tags=("sanctions",),
    quotes=(
        Quote(text="We will stand with Russia.", speaker="kim-jong-un", verb="said"),
        Quote(text="No comment.", speaker_name="An official"),
    ),
    events=(
        Event(
            subject="russia",
            object="north-korea",
            action="seeks arms from",
            code="0232",
            quote="to beg Kim",
        ),
        Event(subject="north-korea", object="russia", action="meets"),
    ),
    annotations=(
        Annotation(quote="met in 2019", kind=AnnotationKind.NOTE, note="A plain note."),
        Annotation(
            quote="in Vladivostok",
            kind=AnnotationKind.FACT_CHECK,
            note="They met on Russky Island. [Source](https://example.com/a)",
            claim="Putin and Kim met in Vladivostok in 2019.",
            rating="True",
        ),
        Annotation(quote="Defence Minister", kind=AnnotationKind.CORRECTION, note="No longer."),
    ),
)
NEWER_URL = BASE + "2023/09/11/bravo/"
OLDER_URL = BASE + "2023/08/30/alpha/"


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site((OLDER, NEWER), ACTORS)


@pytest.fixture(scope="module")
def pages(site: Site) -> dict[str, Page]:
    return {
        page.path: page
        for page in plan_open_data(site, absolute=absolute, title=TITLE, body_text=kept_body)
    }


def text_of(page: Page) -> str:
    assert isinstance(page.context, GeneratedText)
    return page.context.text


@pytest.fixture(scope="module")
def archive(pages: dict[str, Page]) -> dict:
    return json.loads(text_of(pages["data/archive.json"]))


@pytest.fixture(scope="module")
def collection(pages: dict[str, Page]) -> dict:
    return json.loads(text_of(pages["data/annotations.jsonld"]))


# ---------------------------------------------------------------------------
# Offline JSON-LD processing


def load_context_fixture() -> dict:
    return json.loads(CONTEXT_FIXTURE.read_text(encoding="utf-8"))


def offline_loader(url: str, options: object = None) -> dict:
    """Serves the W3C annotation context from the fixture; refuses every other URL."""
    if url != ANNO_CONTEXT:
        raise jsonld.JsonLdError(
            f"offline test: refusing to load {url}",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )
    return {"contextUrl": None, "documentUrl": url, "document": load_context_fixture()}


def expand(document: dict) -> list:
    return jsonld.expand(document, {"documentLoader": offline_loader})


def compact(expanded: list) -> dict:
    return jsonld.compact(expanded, ANNO_CONTEXT, {"documentLoader": offline_loader})


def keys_and_terms(node: object, *, key: str = "") -> Iterator[tuple[str, str]]:
    """Every (kind, name) a compact document relies on the context for: its keys, and
    the values of type, motivation and purpose, which are terms too."""
    if isinstance(node, list):
        for item in node:
            yield from keys_and_terms(item, key=key)
    elif isinstance(node, dict):
        for name, value in node.items():
            if name == "@context":
                continue
            yield ("key", name)
            yield from keys_and_terms(value, key=name)
    elif key in ("type", "motivation", "purpose"):
        yield ("value", str(node))


def assert_valid_web_annotations(document: dict) -> list[dict]:
    """Check a collection against the Web Annotation context; return its expanded items."""
    assert document["@context"] == ANNO_CONTEXT
    defined = set(load_context_fixture()["@context"])
    undefined = {name for _, name in keys_and_terms(document) if name not in defined}
    # pyld drops keys the context does not define, silently: every one must be defined.
    assert not undefined, f"terms the Web Annotation context does not define: {undefined}"

    expanded = expand(document)
    assert len(expanded) == 1
    root = expanded[0]
    assert root["@type"] == [f"{AS}OrderedCollection"]
    assert root["@id"] == document["id"]
    assert root[f"{AS}totalItems"][0]["@value"] == document["total"]
    page = root[f"{AS}first"][0]
    assert page["@type"] == [f"{AS}OrderedCollectionPage"]
    items = page[f"{AS}items"][0]["@list"]
    assert len(items) == document["total"] == len(document["first"]["items"])

    for item, original in zip(items, document["first"]["items"], strict=True):
        assert item["@type"] == [f"{OA}Annotation"]
        assert item["@id"] == original["id"]
        # Every key of the compact item survived expansion.
        assert len(item) == len([key for key in original if key != "@context"])
        motivations = {m["@id"] for m in item[f"{OA}motivatedBy"]}
        assert len(motivations) == 1 and motivations <= MOTIVATION_IRIS
        assert item["http://purl.org/dc/terms/created"][0]["@type"] == (
            "http://www.w3.org/2001/XMLSchema#dateTime"
        )
        for body in item[f"{OA}hasBody"]:
            assert body["@type"] == [f"{OA}TextualBody"]
            assert body[RDF_VALUE][0]["@value"]
            assert body[f"{OA}hasPurpose"][0]["@id"].startswith(OA)
        (target,) = item[f"{OA}hasTarget"]
        assert target["@type"] == [f"{OA}SpecificResource"]
        assert [source["@id"] for source in target[f"{OA}hasSource"]] == [
            original["target"]["source"]["id"]
        ]
        written = original["target"]["selector"]
        written = written if isinstance(written, list) else [written]
        (quote_selector,) = [s for s in written if s["type"] == "TextQuoteSelector"]
        (selector,) = [
            s for s in target[f"{OA}hasSelector"] if s["@type"] == [f"{OA}TextQuoteSelector"]
        ]
        assert selector[f"{OA}exact"][0]["@value"] == quote_selector["exact"]

    # And back: compacting the expansion with the same context gives the document again
    # (each item's own @context, the collection's repeated so an item stands alone, aside).
    assert compact(expanded) == without_item_contexts(document)
    return items


def without_item_contexts(document: dict) -> dict:
    items = [
        {key: value for key, value in item.items() if key != "@context"}
        for item in document["first"]["items"]
    ]
    return {**document, "first": {**document["first"], "items": items}}


# ---------------------------------------------------------------------------
# The plan


def test_plans_two_generated_data_files(site: Site) -> None:
    planned = plan_open_data(site, absolute=absolute, title=TITLE, body_text=kept_body)
    assert [page.path for page in planned] == ["data/archive.json", "data/annotations.jsonld"]
    for page in planned:
        assert page.template == "" and page.title == ""
        assert isinstance(page.context, GeneratedText)
        assert page.context.text.endswith("}\n")


def test_output_is_deterministic_and_keeps_non_ascii(site: Site) -> None:
    first = plan_open_data(site, absolute=absolute, title=TITLE, body_text=kept_body)
    again = plan_open_data(
        build_site((NEWER, OLDER), ACTORS), absolute=absolute, title=TITLE, body_text=kept_body
    )
    assert [text_of(page) for page in first] == [text_of(page) for page in again]
    assert "Pyongyang’s “summit”" in text_of(first[0])
    assert "Ana Pérez" in text_of(first[0])


def test_an_empty_archive_still_gives_valid_files() -> None:
    empty = plan_open_data(build_site((), ()), absolute=absolute, title=TITLE, body_text=kept_body)
    archive = json.loads(text_of(empty[0]))
    assert archive["articles"] == [] and archive["actors"] == []
    collection = json.loads(text_of(empty[1]))
    assert collection["total"] == 0
    assert_valid_web_annotations(collection)


# ---------------------------------------------------------------------------
# archive.json


def test_archive_header(archive: dict) -> None:
    assert list(archive) == ["title", "generated_by", "version", "articles", "actors", "topics"]
    assert archive["title"] == TITLE
    assert archive["generated_by"] == "Marginalia"
    assert archive["version"] == 1


def test_articles_are_listed_newest_first(archive: dict) -> None:
    assert [a["id"] for a in archive["articles"]] == ["2023/09/11/bravo/", "2023/08/30/alpha/"]


def test_article_metadata(archive: dict) -> None:
    newer = archive["articles"][0]
    assert newer["url"] == NEWER_URL
    assert newer["title"] == "Bravo: Pyongyang’s “summit”"
    assert newer["date"] == "2023-09-11"
    assert newer["source"] == "Al Jazeera"
    assert newer["authors"] == ["Ana Pérez", "Bo Li"]
    assert newer["dek"] == "A dek."
    assert newer["dateline"] == "Washington, DC"
    assert newer["image"] == {"caption": "Kim and Putin", "credit": "File: AP photo"}
    assert newer["tags"] == ["sanctions"]
    # Listed actors first, then speakers: the actors the site counts for the article.
    assert newer["actors"] == ["russia", "north-korea", "kim-jong-un"]


def test_missing_metadata_is_null(archive: dict) -> None:
    older = archive["articles"][1]
    assert older["source"] is None and older["dek"] is None and older["dateline"] is None
    assert older["image"] is None
    assert older["original_url"] is None and older["updated"] is None
    assert older["authors"] == [] and older["tags"] == [] and older["events"] == []


def test_article_bodies_are_not_included(pages: dict[str, Page]) -> None:
    for page in pages.values():
        assert "secret body" not in text_of(page)
    archive = json.loads(text_of(pages["data/archive.json"]))
    assert all("body" not in entry for entry in archive["articles"])


def test_quotes_link_to_their_passage(archive: dict) -> None:
    assert archive["articles"][0]["quotes"] == [
        {
            "speaker": "kim-jong-un",
            "speaker_name": "Kim Jong Un",
            "text": "We will stand with Russia.",
            "verb": "said",
            "url": NEWER_URL + "#quote-1",
        },
        {
            "speaker": None,
            "speaker_name": "An official",
            "text": "No comment.",
            "verb": None,
            "url": NEWER_URL + "#quote-2",
        },
    ]


def test_events_link_to_their_passage_or_else_the_article(archive: dict) -> None:
    assert archive["articles"][0]["events"] == [
        {
            "subject": "russia",
            "action": "seeks arms from",
            "object": "north-korea",
            "code": "0232",
            "quote": "to beg Kim",
            "url": NEWER_URL + "#event-1",
        },
        {
            "subject": "north-korea",
            "action": "meets",
            "object": "russia",
            "code": None,
            "quote": None,
            "url": NEWER_URL,
        },
    ]


def test_articles_list_the_ids_of_their_annotations(archive: dict, collection: dict) -> None:
    assert archive["articles"][0]["annotations"] == [
        NEWER_URL + "#annotation-1",
        NEWER_URL + "#annotation-2",
        NEWER_URL + "#annotation-3",
    ]
    assert archive["articles"][1]["annotations"] == [OLDER_URL + "#annotation-1"]
    listed = [note for entry in archive["articles"] for note in entry["annotations"]]
    assert listed == [item["id"] for item in collection["first"]["items"]]


def test_actors_in_registry_order_with_article_counts(archive: dict) -> None:
    assert [actor["id"] for actor in archive["actors"]] == ["russia", "kim-jong-un", "north-korea"]
    kim = archive["actors"][1]
    assert kim == {
        "id": "kim-jong-un",
        "name": "Kim Jong Un",
        "type": "person",
        "aliases": ["Kim Jong-un"],
        "short": ["Kim"],
        "role": "Leader of North Korea",
        "country": "north-korea",
        "wikidata": None,
        "url": BASE + "actors/kim-jong-un/",
        "articles": 1,
    }
    counts = {actor["id"]: actor["articles"] for actor in archive["actors"]}
    assert counts == {"russia": 1, "kim-jong-un": 1, "north-korea": 2}
    assert archive["actors"][0]["wikidata"] == "Q159"
    for actor in archive["actors"]:
        listing = [a for a in archive["articles"] if actor["id"] in a["actors"]]
        assert actor["articles"] == len(listing)


# ---------------------------------------------------------------------------
# annotations.jsonld


def test_collection_header(collection: dict) -> None:
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["id"] == BASE + "data/annotations.jsonld"
    assert collection["type"] == "AnnotationCollection"
    assert collection["label"] == "Test Archive: margin notes"
    assert collection["total"] == 4
    page = collection["first"]
    assert page["type"] == "AnnotationPage"
    assert page["id"] == BASE + "data/annotations.jsonld#page1"
    assert collection["last"] == page["id"]
    assert len(page["items"]) == 4


def test_motivation_follows_the_kind_of_note(collection: dict) -> None:
    items = collection["first"]["items"]
    assert [(item["id"], item["motivation"]) for item in items] == [
        (NEWER_URL + "#annotation-1", "commenting"),
        (NEWER_URL + "#annotation-2", "assessing"),
        (NEWER_URL + "#annotation-3", "editing"),
        (OLDER_URL + "#annotation-1", "describing"),
    ]


def test_an_annotation_targets_the_quoted_words_of_its_article(collection: dict) -> None:
    note = collection["first"]["items"][3]
    archive = {
        "id": BASE,
        "type": "Organization",
        "name": "Test Archive",
        "nickname": "test-archive",
        "homepage": BASE,
    }
    lifecycle = {"language": "en", "creator": archive, "created": "2023-08-30T00:00:00Z"}
    assert note == {
        "@context": ANNO_CONTEXT,
        "id": OLDER_URL + "#annotation-1",
        "type": "Annotation",
        "motivation": "describing",
        "creator": archive,
        "created": "2023-08-30T00:00:00Z",
        "generator": {
            "id": BASE + "data/annotations.jsonld#generator",
            "type": "Software",
            "name": "Marginalia",
            "nickname": "marginalia",
        },
        "body": {
            "type": "TextualBody",
            "value": "It took place in *Vladivostok*.",
            "format": "text/markdown",
            "purpose": "describing",
            **lifecycle,
        },
        "target": {
            "type": "SpecificResource",
            "source": {"id": OLDER_URL, "type": "Text", "format": "text/html", **lifecycle},
            # The body made here does not have the words: the note's own selector.
            "selector": {
                "type": "TextQuoteSelector",
                "exact": "the meeting",
                "prefix": "before ",
                "suffix": " began",
            },
        },
    }


def test_the_original_address_and_its_last_change_are_in_the_open_data() -> None:
    original = "https://www.example.com/news/2023/08/30/alpha"
    older = dataclasses.replace(OLDER, url=original, updated=datetime.date(2023, 9, 2))
    planned = plan_open_data(
        build_site((older,), ACTORS), absolute=absolute, title=TITLE, body_text=kept_body
    )
    page = next(page for page in planned if page.path == "data/archive.json")
    (entry,) = json.loads(text_of(page))["articles"]
    assert entry["original_url"] == original
    assert entry["updated"] == "2023-09-02"


def test_an_imported_note_keeps_its_original_address_in_via() -> None:
    imported = "https://hypothes.is/a/Zx1yQh8mEe6u3a_2RkNqTg"
    note = dataclasses.replace(OLDER.annotations[0], id=imported)
    older = dataclasses.replace(OLDER, annotations=(note,))
    planned = plan_open_data(
        build_site((older,), ACTORS), absolute=absolute, title=TITLE, body_text=kept_body
    )
    page = next(page for page in planned if page.path == "data/annotations.jsonld")
    (item,) = json.loads(text_of(page))["first"]["items"]
    assert item["via"] == imported
    assert item["id"] == OLDER_URL + "#annotation-1"


def test_a_note_exported_and_imported_again_has_no_via(collection: dict) -> None:
    assert all("via" not in item for item in collection["first"]["items"])
    note = dataclasses.replace(OLDER.annotations[0], id=OLDER_URL + "#annotation-1")
    older = dataclasses.replace(OLDER, annotations=(note,))
    planned = plan_open_data(
        build_site((older,), ACTORS), absolute=absolute, title=TITLE, body_text=kept_body
    )
    page = next(page for page in planned if page.path == "data/annotations.jsonld")
    (item,) = json.loads(text_of(page))["first"]["items"]
    assert "via" not in item


def test_prefix_and_suffix_only_when_set(collection: dict) -> None:
    selector = collection["first"]["items"][0]["target"]["selector"]
    assert selector == {"type": "TextQuoteSelector", "exact": "met in 2019"}


def test_a_fact_check_carries_its_claim_and_rating(collection: dict) -> None:
    check = collection["first"]["items"][1]
    keys = ("type", "value", "format", "purpose")
    assert [{key: body[key] for key in keys} for body in check["body"]] == [
        {
            "type": "TextualBody",
            "value": "They met on Russky Island. [Source](https://example.com/a)",
            "format": "text/markdown",
            "purpose": "assessing",
        },
        {
            "type": "TextualBody",
            "value": "Putin and Kim met in Vladivostok in 2019.",
            "format": "text/plain",
            "purpose": "describing",
        },
        {
            "type": "TextualBody",
            "value": "True",
            "format": "text/plain",
            "purpose": "classifying",
        },
    ]


def test_collection_validates_against_the_web_annotation_context(collection: dict) -> None:
    items = assert_valid_web_annotations(collection)
    motivations = [item[f"{OA}motivatedBy"][0]["@id"] for item in items]
    assert motivations == [f"{OA}commenting", f"{OA}assessing", f"{OA}editing", f"{OA}describing"]
    fact_check_purposes = [body[f"{OA}hasPurpose"][0]["@id"] for body in items[1][f"{OA}hasBody"]]
    assert fact_check_purposes == [f"{OA}assessing", f"{OA}describing", f"{OA}classifying"]
    selector = items[3][f"{OA}hasTarget"][0][f"{OA}hasSelector"][0]
    assert selector[f"{OA}prefix"] == [{"@value": "before "}]
    assert selector[f"{OA}suffix"] == [{"@value": " began"}]


def test_an_undefined_term_fails_validation(collection: dict) -> None:
    broken = json.loads(json.dumps(collection))
    broken["first"]["items"][0]["rating"] = "True"
    with pytest.raises(AssertionError, match="rating"):
        assert_valid_web_annotations(broken)


def test_the_offline_loader_refuses_any_other_url() -> None:
    document = {"@context": "https://example.org/other.jsonld", "label": "x"}
    with pytest.raises(jsonld.JsonLdError):
        expand(document)


# ---------------------------------------------------------------------------
# The real content, built by the real command line

SEED_ARTICLE = "2023/09/11/us-threatens-sanctions-if-north-korea-sells-arms-to-russia/"


@pytest.fixture(scope="module")
def built_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo_content(tmp_path_factory.mktemp("opendata") / "project") / "data"


def test_build_writes_the_seed_article_to_archive_json(built_data: Path) -> None:
    archive = json.loads((built_data / "archive.json").read_text(encoding="utf-8"))
    (entry,) = [a for a in archive["articles"] if a["id"] == SEED_ARTICLE]
    assert entry["title"] == "US threatens sanctions if North Korea sells arms to Russia"
    assert entry["date"] == "2023-09-11"
    assert entry["source"] == "Al Jazeera"
    assert len(entry["quotes"]) == 4
    assert {quote["speaker"] for quote in entry["quotes"]} == {"matthew-miller"}
    assert entry["quotes"][0]["url"].endswith(SEED_ARTICLE + "#quote-1")
    assert [(e["subject"], e["object"], e["code"]) for e in entry["events"]] == [
        ("united-states", "north-korea", "1312"),
        ("russia", "north-korea", "0232"),
    ]
    assert entry["events"][1]["url"].endswith(SEED_ARTICLE + "#event-2")
    assert len(entry["annotations"]) == 5
    # The opening of the seed article's body: archive.json carries no article body.
    assert "As Russian President Vladimir Putin prepares to meet North Korean leader" not in (
        built_data / "archive.json"
    ).read_text("utf-8")
    ids = {actor["id"] for actor in archive["actors"]}
    assert set(entry["actors"]) <= ids


def test_build_writes_the_margin_notes_as_web_annotations(built_data: Path) -> None:
    collection = json.loads((built_data / "annotations.jsonld").read_text(encoding="utf-8"))
    notes = [
        item
        for item in collection["first"]["items"]
        if item["target"]["source"]["id"].endswith(SEED_ARTICLE)
    ]
    assert [note["motivation"] for note in notes] == [
        "describing",
        "describing",
        "commenting",
        "assessing",
        "editing",
    ]
    assert notes[3]["body"][1]["value"] == "Putin and Kim Jong Un met in Vladivostok in 2019."
    assert notes[3]["body"][2]["value"] == "True"
    assert notes[1]["target"]["selector"][0]["exact"] == (
        "multiple United Nations Security Council resolutions"
    )
    assert_valid_web_annotations(collection)
