"""data/annotations.jsonld passes the W3C Web Annotation test suite's annotation-model
schemas (must and should), each annotation standing alone, and every annotation's id
and selectors lead to its note and its words on the built article page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from generator.body.annotations import Anchor, find_anchor
from generator.body.selection import anchor_text
from generator.cli import main
from generator.content.frontmatter import body_of
from tests.support import parse_page
from tests.support.sample_archive import build_repo_content
from tests.support.w3c_annotation_tests import (
    ANNOTATION_TESTS,
    COLLECTION_TESTS,
    PAGE_TESTS,
    failures,
)

ARTICLE = "content/articles/2023/09/us-threatens-sanctions-if-north-korea-sells-arms-to-russia.md"
# Words the story, the caption and a quote all have, picked out by the editor's prefix:
# the selector must still pick out that one place on the page.
EXTRA_NOTE = """\
- quote: North Korea
  prefix: "meet"
  kind: note
  note: An extra note on words that occur many times.
"""


def _with_extra_note(text: str) -> str:
    return text.replace("annotations:\n", "annotations:\n" + EXTRA_NOTE, 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("w3c") / "project"
    site = build_repo_content(root)
    # Again with a note on words the page has in many places, listed first.
    article = root / ARTICLE
    article.write_text(_with_extra_note(article.read_text("utf-8")), "utf-8")
    assert main(["--root", str(root), "build"]) == 0
    return site


@pytest.fixture(scope="module")
def collection(built: Path) -> dict:
    return json.loads((built / "data" / "annotations.jsonld").read_text("utf-8"))


@pytest.fixture(scope="module")
def items(collection: dict) -> list[dict]:
    found = collection["first"]["items"]
    assert len(found) == 6
    return found


def _page_of(built: Path, iri: str) -> Path:
    return built / urlsplit(iri).path.lstrip("/") / "index.html"


def test_every_annotation_alone_passes_the_must_and_should_schemas(items: list[dict]) -> None:
    for item in items:
        alone = json.loads(json.dumps(item))  # nothing inherited from the collection
        assert [str(failure) for failure in failures(alone, ANNOTATION_TESTS)] == [], item["id"]


def test_the_collection_and_its_page_pass_the_must_and_should_schemas(collection: dict) -> None:
    # The suite's page tests take "an Annotation Collection with an embedded Page".
    assert [str(f) for f in failures(collection, COLLECTION_TESTS + PAGE_TESTS)] == []
    assert collection["first"]["partOf"] == collection["id"]


def test_the_schemas_fail_what_the_suite_says_they_should(items: list[dict]) -> None:
    # The harness itself: a note without @context fails a must, without prefix a should.
    bare = {key: value for key, value in items[0].items() if key != "@context"}
    assert "must annotations/3.1-annotationContextValidated.json" in {
        f"{failure.level} {failure.assertion}" for failure in failures(bare, ANNOTATION_TESTS)
    }
    unquoted = json.loads(json.dumps(items[0]))
    del unquoted["target"]["selector"][0]["prefix"]
    assert [failure.assertion for failure in failures(unquoted, ANNOTATION_TESTS)] == [
        "annotations/specificResource/4.2.4-prefix.json"
    ]
    dateless = dict(items[0], created="2023-09-11")
    assert "annotations/3.3.1-annotationCreatedValidated.json" in {
        failure.assertion for failure in failures(dateless, ANNOTATION_TESTS)
    }


def test_every_annotation_id_is_its_note_on_the_article_page(
    built: Path, items: list[dict]
) -> None:
    for item in items:
        page = parse_page(_page_of(built, item["id"]))
        fragment = urlsplit(item["id"]).fragment
        (element,) = page.select(f"#{fragment}")
        note = element.find_parent(class_="margin-note")
        assert note is not None, item["id"]
        body = item["body"] if isinstance(item["body"], dict) else item["body"][0]
        shown = " ".join(note.select_one(".note-body").get_text().split())
        assert shown.split()[:3] == re.sub(r"[\[\]*]", "", body["value"]).split()[:3]


def test_ids_follow_the_front_matter_while_the_page_numbers_notes_in_reading_order(
    built: Path, items: list[dict]
) -> None:
    # The extra note is listed first but read later than the notes before it.
    page = parse_page(_page_of(built, items[0]["id"]))
    note = page.select_one("#annotation-1").find_parent(class_="margin-note")
    assert "An extra note" in note.get_text()
    assert note["id"] != "note-1"


def _reading_text(page: BeautifulSoup) -> str:
    """The page's text as a reader reads the story, without the notes and labels that
    stand in the margin; without white space, which blocks and inline tags space apart
    differently in each reader."""
    for extra in page.select(".margin-note, .note-ref, .margin-quote, script, style"):
        extra.decompose()
    return "".join(page.get_text().split())


def test_every_selector_quotes_its_context_and_picks_out_one_place(
    built: Path, items: list[dict]
) -> None:
    root = built.parent
    path = root / ARTICLE
    article_text = anchor_text(body_of(path.read_text("utf-8"), path=path).strip("\n"))
    for item in items:
        quote, fragment = item["target"]["selector"]
        assert quote["prefix"].strip() and quote["suffix"].strip(), item["id"]
        # The README: "at least 32 characters of whole words either side".
        assert len(quote["prefix"]) >= 32, item["id"]
        assert len(quote["suffix"]) >= 32, item["id"]
        # The build's own matcher finds the words, with that context, in one place ...
        anchor = find_anchor(
            article_text, quote["exact"], prefix=quote["prefix"], suffix=quote["suffix"]
        )
        assert isinstance(anchor, Anchor), item["id"]
        # ... and so does a reader of the whole page, caption, headline and all.
        page = parse_page(_page_of(built, item["target"]["source"]["id"]))
        passage = page.select_one(f"#{fragment['value']}")
        assert passage.name == "mark"
        assert " ".join(quote["exact"].split()).startswith(" ".join(passage.get_text().split()))
        context = "".join((quote["prefix"] + quote["exact"] + quote["suffix"]).split())
        assert _reading_text(page).count(context) == 1, item["id"]


def test_the_export_is_the_same_bytes_when_built_again(built: Path, tmp_path: Path) -> None:
    root = built.parent
    assert main(["--root", str(root), "build", "--full", "--output", str(tmp_path / "s")]) == 0
    assert (tmp_path / "s" / "data" / "annotations.jsonld").read_bytes() == (
        built / "data" / "annotations.jsonld"
    ).read_bytes()
