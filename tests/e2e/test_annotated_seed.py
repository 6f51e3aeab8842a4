"""The shipped, annotated seed article as a reader sees it: margin notes beside their
passages, quotes, events, the actor network; and re-ingesting the seed loses nothing."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.cli import main
from tests.support import REPO

SLUG = "us-threatens-sanctions-if-north-korea-sells-arms-to-russia"
ARTICLE_FILE = f"content/articles/2023/09/{SLUG}.md"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("annotated")
    for folder in ("seeds", "templates", "content"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    before = (root / ARTICLE_FILE).read_bytes()
    assert main(["--root", str(root), "ingest"]) == 0
    assert (root / ARTICLE_FILE).read_bytes() == before, "ingest changed the edited article"
    assert main(["--root", str(root), "build"]) == 0
    return root


@pytest.fixture(scope="module")
def page(project: Path, soup) -> Callable[[str], BeautifulSoup]:
    """page(path): the built site's path/index.html, parsed."""
    return lambda path: soup(project / "site" / path / "index.html")


@pytest.fixture(scope="module")
def article(page) -> BeautifulSoup:
    return page(f"2023/09/11/{SLUG}")


def test_each_margin_note_follows_its_highlighted_passage(article, text) -> None:
    notes = article.select(".story-body .margin-note")
    assert [note["id"] for note in notes] == [f"note-{n}" for n in range(1, 6)]
    kinds = [
        next(c for c in note["class"] if c.startswith("note-") and c != "note-body")
        for note in notes
    ]
    assert kinds == [
        "note-context",
        "note-context",
        "note-note",
        "note-fact-check",
        "note-correction",
    ]
    for number, note in enumerate(notes, start=1):
        passage = article.select_one(f"mark#anchor-{number}")
        reference = article.select_one(f"a#ref-{number}")
        assert passage is not None and "note-anchor" in passage["class"]
        assert reference["href"] == f"#note-{number}"
        assert note.select_one("a.note-back")["href"] == f"#anchor-{number}"
        assert note["role"] == "note"
        # The note comes right after its passage, in the same paragraph.
        assert reference.find_next(class_="margin-note") is note
        assert passage.find_parent("p") is note.find_parent("p")
    passage = " ".join(text(mark) for mark in article.select("mark[data-for~='anchor-2']"))
    assert passage == "multiple United Nations Security Council resolutions"
    assert "Resolution 1718" in text(notes[1])
    assert notes[1].select_one("a[href^='https://en.wikipedia.org/']") is not None
    assert text(notes[3].select_one(".note-label")) == "4 · Fact-check: True"


def test_fact_check_is_published_as_claim_review(article) -> None:
    data = [json.loads(s.string) for s in article.find_all("script", type="application/ld+json")]
    reviews = [item for item in data if item.get("@type") == "ClaimReview"]
    assert len(reviews) == 1
    assert reviews[0]["claimReviewed"] == "Putin and Kim Jong Un met in Vladivostok in 2019."
    assert reviews[0]["reviewRating"]["alternateName"] == "True"
    assert reviews[0]["itemReviewed"]["text"] == "where he met Kim in 2019"


def test_quotes_are_highlighted_in_the_text_with_their_speaker(article, text) -> None:
    marks = article.select(".story-body mark.quote-anchor[id^='quote-']")
    assert sorted(mark["id"] for mark in marks) == [f"quote-{n}" for n in range(1, 5)]
    speakers = {text(label) for label in article.select(".story-body .margin-quote")}
    assert speakers == {"Quote: Matthew Miller"}


def test_what_happened_lists_the_events_with_their_passages(article, text) -> None:
    section = article.select_one("section.story-events")
    assert text(section.find("h2")) == "What happened"
    events = [text(item) for item in section.select("li.event")]
    assert events[0].startswith("United States threatens sanctions on North Korea Threaten (1312)")
    assert events[1].startswith("Russia seeks military assistance from North Korea Appeal (0232)")
    for item in section.select("li.event"):
        fragment = item.select_one("a.passage")["href"].rsplit("#", 1)[1]
        assert article.select_one(f"mark#{fragment}.event-anchor") is not None


def test_matthew_millers_page_lists_his_quotes(page, text) -> None:
    miller = page("actors/matthew-miller")
    quotes = miller.select("section.actor-quotes figure blockquote")
    assert len(quotes) == 4
    assert text(quotes[0]).startswith("I will remind both countries")


def test_kim_jong_uns_page_shows_who_appears_with_him_and_a_timeline(page, text) -> None:
    kim = page("actors/kim-jong-un")
    together = {
        text(item.find("a")): text(item.select_one(".count"))
        for item in kim.select("section.co-actors li")
    }
    # One article so far: everyone in it appears with him once (ties A to Z, the first ten).
    assert together["North Korea"] == together["Russia"] == "1"
    assert len(together) == 10
    assert "Kim Jong Un" not in together
    chart = kim.select_one("section.timeline svg")
    assert chart["role"] == "img"
    bars = chart.select("rect")
    assert len(bars) == 1 and text(bars[0].find("title")) == "September 2023: 1 article"
    assert kim.select_one(".wikidata a")["href"] == "https://www.wikidata.org/wiki/Q56226"


def test_actions_and_actions_towards_on_both_actors_pages(page, text) -> None:
    united_states = page("actors/united-states")
    north_korea = page("actors/north-korea")
    assert "threatens sanctions on" in text(united_states.select_one("section.actor-actions"))
    towards = text(north_korea.select_one("section.actor-actions-towards"))
    assert "threatens sanctions on" in towards and "seeks military assistance from" in towards


def test_forced_reingest_keeps_every_annotation_quote_and_event(project: Path) -> None:
    import yaml

    def front(path: Path) -> dict:
        return yaml.safe_load(path.read_text(encoding="utf-8").split("\n---\n", 1)[0][4:])

    before = front(project / ARTICLE_FILE)
    assert main(["--root", str(project), "ingest", "--force"]) == 0
    after = front(project / ARTICLE_FILE)
    for key in ("annotations", "quotes", "events", "actors"):
        assert after[key] == before[key], key
    # And a plain ingest after the forced one still keeps them.
    assert main(["--root", str(project), "ingest"]) == 0
    assert front(project / ARTICLE_FILE)["annotations"] == before["annotations"]
