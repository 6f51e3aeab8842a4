"""Topics: tags with the same slug are one topic, named by the spelling most articles use;
their pages, feeds, open data, search words and sitemap entries, read back as readers and
tools read them (HTML, Atom, JSON, sitemap XML)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from generator.cli import main
from generator.content.types import Article
from generator.content.validation import parse_article
from generator.errors import BuildErrors, ContentError
from generator.plan.contexts import GeneratedText, Page, TopicPage, TopicsPage
from generator.plan.feeds import FEED_SIZE, plan_feeds
from generator.plan.model import article_topics, build_site, topic_name
from generator.plan.opendata import archive_document
from generator.plan.pages import plan_pages
from generator.plan.search import DATA_PATH, SHARD_LETTERS, Field, plan_search_index, shard_file
from generator.urls import Linker
from tests.golden_site import build_golden
from tests.support import golden_project, parse_page, visible_text
from tests.support.sample_archive import ACTORS, AUG_30, JAN_05, SEP_11, article

LINKER = Linker(base_path="/archive/", base_url="https://example.org/archive/")

ALPHA = article("alpha", "Alpha", AUG_30, tags=("Sanctions", "North Korea"))
BRAVO = article("bravo", "Bravo", SEP_11, tags=("sanctions", "Arms trade"))
CHARLIE = article("charlie", "Charlie", SEP_11, tags=("sanctions", "arms-trade"))
DELTA = article("delta", "Delta", JAN_05, tags=("Énergie", "2024 elections"))
ARTICLES = (ALPHA, BRAVO, CHARLIE, DELTA)


def topics_of(*articles: Article) -> dict[str, tuple[str, tuple[str, ...]]]:
    """slug -> (name, slugs of its articles, newest first)."""
    site = build_site(articles, ACTORS)
    return {
        slug: (topic.name, tuple(a.slug for a in topic.articles))
        for slug, topic in site.topics.items()
    }


def plan(*articles: Article, page_size: int = 2) -> dict[str, Page]:
    site = build_site(articles, ACTORS)
    bodies = {a.path: a.slug for a in articles}
    return {
        page.path: page
        for page in plan_pages(site, body_keys=bodies, page_size=page_size, home_editions=2)
    }


# ---------------------------------------------------------------------------
# The model


def test_tags_with_one_slug_are_one_topic_named_by_the_most_used_spelling() -> None:
    topics = topics_of(*ARTICLES)
    assert list(topics) == ["2024-elections", "arms-trade", "energie", "north-korea", "sanctions"]
    assert topics["sanctions"] == ("sanctions", ("bravo", "charlie", "alpha"))
    assert topics["energie"] == ("Énergie", ("delta",))


def test_a_tie_between_spellings_goes_to_the_first_a_to_z_capitals_first() -> None:
    # "Arms trade" and "arms-trade" once each: case-blind A to Z puts "arms trade" first.
    assert topics_of(*ARTICLES)["arms-trade"][0] == "Arms trade"
    assert topic_name({"sanctions": 1, "Sanctions": 1}) == "Sanctions"
    assert topic_name({"sanctions": 2, "Sanctions": 1}) == "sanctions"


def test_a_spelling_counts_once_an_article_and_an_article_is_listed_once() -> None:
    twice = article("echo", "Echo", JAN_05, tags=("russia", "russia", "Russia"))
    other = article("fox", "Fox", AUG_30, tags=("Russia",))
    assert article_topics(twice) == ("russia",)
    # russia 1, Russia 2 (echo once, fox once): Russia wins.
    assert topics_of(twice, other) == {"russia": ("Russia", ("echo", "fox"))}


def test_a_tag_without_letters_or_digits_is_an_error_naming_the_file() -> None:
    bad = article("bad", "Bad", JAN_05, tags=("sanctions", "!!!"))
    with pytest.raises(ContentError) as caught:
        build_site((ALPHA, bad), ACTORS)
    message = caught.value.message()
    assert str(bad.path) in message and "'!!!'" in message
    assert "fix:" in message


def test_every_tag_without_an_address_is_reported_in_one_pass() -> None:
    one = article("one", "One", JAN_05, tags=("—",))
    two = article("two", "Two", AUG_30, tags=("#", "ok"))
    with pytest.raises(BuildErrors) as caught:
        build_site((one, two), ACTORS)
    assert [error.path for error in caught.value.errors] == [two.path, one.path]  # by file


def test_a_tag_without_an_address_is_reported_at_its_own_line() -> None:
    text = "---\ntitle: T\ndate: 2024-01-01\ntags:\n  - ok\n  - '!!!'\n  - '#'\n---\nBody.\n"
    parsed, problems = parse_article(text, path=Path("t.md"), known_actors={})
    assert parsed is None
    assert [(error.line, "no letters or digits" in error.what) for error in problems] == [
        (6, True),
        (7, True),
    ]


# ---------------------------------------------------------------------------
# Pages


def test_the_topics_index_groups_topics_a_to_z_with_counts() -> None:
    page = plan(*ARTICLES)["topics/"]
    assert isinstance(page.context, TopicsPage)
    assert page.context.count == 5
    shown = [
        (letter.label, [(e.topic.name, e.count) for e in letter.entries])
        for letter in page.context.letters
    ]
    assert shown == [
        ("0-9", [("2024 elections", 1)]),
        ("A", [("Arms trade", 2)]),
        ("E", [("Énergie", 1)]),
        ("N", [("North Korea", 1)]),
        ("S", [("sanctions", 3)]),
    ]


def test_a_topic_is_paginated_newest_first() -> None:
    pages = plan(*ARTICLES, page_size=2)
    first, second = pages["topics/sanctions/"], pages["topics/sanctions/page/2/"]
    assert isinstance(first.context, TopicPage) and isinstance(second.context, TopicPage)
    assert [s.title for s in first.context.articles] == ["Bravo", "Charlie"]
    assert [s.title for s in second.context.articles] == ["Alpha"]
    assert (first.context.pager.next, second.context.pager.previous) == (
        "topics/sanctions/page/2/",
        "topics/sanctions/",
    )
    assert second.title == "sanctions, page 2"
    assert "topics/sanctions/page/3/" not in pages


def test_an_article_page_lists_its_topics_in_its_tags_order() -> None:
    page = plan(*ARTICLES)["2023/09/11/charlie/"]
    assert [(t.slug, t.name) for t in page.context.topics] == [  # type: ignore[union-attr]
        ("sanctions", "sanctions"),
        ("arms-trade", "Arms trade"),
    ]


# ---------------------------------------------------------------------------
# Feeds, open data, search


def test_each_topic_has_an_atom_feed_of_its_newest_articles() -> None:
    many = [
        article(f"a{n:03d}", f"Article {n}", AUG_30.replace(day=1 + n % 28), tags=("Sanctions",))
        for n in range(FEED_SIZE + 5)
    ]
    site = build_site(many, ACTORS)
    feeds = {
        page.path: page.context.text
        for page in plan_feeds(site, absolute=LINKER.absolute, title="Archive", description="")
        if isinstance(page.context, GeneratedText)
    }
    parsed = feedparser.parse(feeds["topics/sanctions/feed.xml"])
    assert not parsed.bozo
    assert parsed.feed.title == "Sanctions · Archive"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links["self"] == "https://example.org/archive/topics/sanctions/feed.xml"
    assert links["alternate"] == "https://example.org/archive/topics/sanctions/"
    dates = [entry.published for entry in parsed.entries]
    assert len(dates) == FEED_SIZE
    assert dates == sorted(dates, reverse=True)


def test_the_open_data_lists_topics_and_each_article_names_its_topics() -> None:
    document = archive_document(build_site(ARTICLES, ACTORS), absolute=LINKER.absolute, title="A")
    document = json.loads(json.dumps(document))
    assert document["topics"][-1] == {
        "slug": "sanctions",
        "name": "sanctions",
        "url": "https://example.org/archive/topics/sanctions/",
        "articles": 3,
    }
    charlie = next(a for a in document["articles"] if a["title"] == "Charlie")
    assert charlie["tags"] == ["sanctions", "arms-trade"]
    assert charlie["topics"] == ["sanctions", "arms-trade"]


def test_a_topic_finds_its_articles_in_search() -> None:
    files = plan_search_index(
        [
            article("quiet", "Quiet", JAN_05, tags=("Embargo",)),
            article("other", "Other", AUG_30),
        ],
        {},
    ).files
    terms = json.loads(files[f"{DATA_PATH}terms/{shard_file('embargo'[:SHARD_LETTERS])}.json"])
    # One posting: article 1 (by date: "other" is 0), weighted as a dek match.
    assert terms["embargo"] == [(1 << 4) | Field.DEK]


# ---------------------------------------------------------------------------
# The built site, as a reader and a crawler see it


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("golden") / "site"
    build_golden(site)
    return site


def test_the_masthead_links_the_topics_index(golden: Path) -> None:
    page = parse_page(golden / "index.html")
    nav = [(a["href"], visible_text(a)) for a in page.select(".masthead-nav a")]
    assert ("/gazette/topics/", "Topics") in nav


def test_the_built_topics_index_shows_names_and_counts_a_to_z(golden: Path) -> None:
    page = parse_page(golden / "topics/index.html")
    assert visible_text(page.h1) == "Topics"
    entries = [
        (visible_text(li.a), li.a["href"], visible_text(li.select_one(".count")))
        for li in page.select(".topic-index li")
    ]
    assert entries == [
        ("Dams", "/gazette/topics/dams/", "3"),
        ("Études", "/gazette/topics/etudes/", "1"),
        ("Floods", "/gazette/topics/floods/", "1"),
        ("Politics", "/gazette/topics/politics/", "2"),
        ("Water", "/gazette/topics/water/", "3"),
    ]
    headings = [visible_text(h) for h in page.select("main h2")]
    assert headings == ["D", "E", "F", "P", "W"]


def test_a_built_topic_page_links_its_feed_and_lists_newest_first(golden: Path) -> None:
    page = parse_page(golden / "topics/water/index.html")
    feed = page.select_one('head link[rel="alternate"][href="/gazette/topics/water/feed.xml"]')
    assert feed is not None and feed["type"] == "application/atom+xml"
    dates = [t["datetime"] for t in page.select(".article-list time")]
    assert dates == ["2024-03-01", "2024-01-15"]
    assert page.select_one('a[rel="next"]')["href"] == "/gazette/topics/water/page/2/"
    second = parse_page(golden / "topics/water/page/2/index.html")
    titles = [visible_text(a) for a in second.select(".article-summary-title a")]
    assert titles == ["River levels fall"]


def test_a_built_article_shows_its_topics_as_links(golden: Path) -> None:
    page = parse_page(golden / "2024/02/03/minister-visits-site/index.html")
    section = page.select_one("section.story-topics")
    assert visible_text(section.h2) == "Topics"
    # Written "dams" and "politics" here; named as most articles write them.
    assert [(a["href"], visible_text(a)) for a in section.select("a")] == [
        ("/gazette/topics/dams/", "Dams"),
        ("/gazette/topics/politics/", "Politics"),
    ]


def test_the_sitemap_lists_every_topic_page(golden: Path) -> None:
    root = ET.parse(golden / "sitemap.xml").getroot()
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = {loc.text for loc in root.iter(f"{namespace}loc")}
    base = "https://example.github.io/gazette/"
    expected = {"topics/", "topics/water/", "topics/water/page/2/", "topics/etudes/"}
    assert {base + path for path in expected} <= locations


def test_a_tag_without_an_address_stops_the_build_with_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = golden_project(tmp_path / "project")
    river = root / "content/articles/2024/01/river-levels-fall.md"
    text = river.read_text(encoding="utf-8")
    river.write_text(text.replace("tags: [Water, Floods]", "tags: [Water, '???']"), "utf-8")
    assert main(["--root", str(root), "build"]) == 1
    err = capsys.readouterr().err
    assert "river-levels-fall.md" in err and "'???'" in err and "fix:" in err
    assert "river-levels-fall.md:6: the tag '???'" in err  # the line of its 'tags'
    assert "Traceback" not in err
    assert not (root / "site").exists()
