"""Atom feeds, read back the way feed readers read them: with feedparser."""

from __future__ import annotations

import datetime
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup

from generator.content.actors import Actor, ActorType
from generator.content.types import Article, Quote
from generator.plan.contexts import GeneratedText, Page
from generator.plan.feeds import FEED_SIZE, plan_feeds
from generator.plan.model import Site, build_site
from generator.urls import Linker
from tests.support.sample_archive import (
    AUG_30,
    JAN_05,
    NORTH_KOREA,
    RUSSIA,
    SEP_11,
    article,
    build_repo_content,
)

BASE_URL = "https://example.github.io/archive/"
LINKER = Linker(base_path="/archive/", base_url=BASE_URL)
ATOM = "{http://www.w3.org/2005/Atom}"

# Unlike sample_archive's Kim, this one has a role, which his feed shows as its subtitle.
KIM = Actor(
    id="kim-jong-un",
    name="Kim Jong Un",
    type=ActorType.PERSON,
    role="Leader of North Korea",
    country="north-korea",
)
NOBODY = Actor(id="nobody", name="Nobody Yet", type=ActorType.PERSON)
ACTORS = (RUSSIA, KIM, NORTH_KOREA, NOBODY)

HOSTILE_TITLE = "<script>alert(1)</script> & co"

ALPHA = article("alpha", "Alpha", AUG_30, actors=("north-korea",))
BRAVO = article(
    "bravo",
    "Bravo",
    SEP_11,
    actors=("russia",),
    quotes=(Quote(text="We will stand with Russia.", speaker="kim-jong-un"),),
    dek="Moscow and Pyongyang draw closer.",
    authors=("Jane Doe", "Ali Khan"),
)
CHARLIE = article("charlie", HOSTILE_TITLE, SEP_11, actors=("north-korea", "russia"))
DELTA = article("delta", "Delta", JAN_05, actors=("kim-jong-un",), dek="A <b>bold</b> & dek")


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site((ALPHA, BRAVO, CHARLIE, DELTA), ACTORS)


def feeds_of(site: Site, *, title: str = "Marginalia") -> dict[str, Page]:
    pages = plan_feeds(
        site, absolute=LINKER.absolute, title=title, description="An annotated news archive"
    )
    by_path = {page.path: page for page in pages}
    assert len(by_path) == len(pages), "two feeds share a path"
    return by_path


def text_of(page: Page) -> str:
    assert isinstance(page.context, GeneratedText)
    assert page.template == ""
    return page.context.text


def parse(page: Page) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(text_of(page).encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def url(article: Article) -> str:
    return f"{BASE_URL}{article.date:%Y/%m/%d}/{article.slug}/"


def test_there_is_an_archive_feed_and_one_feed_per_actor(site: Site) -> None:
    assert sorted(feeds_of(site)) == [
        "actors/kim-jong-un/feed.xml",
        "actors/nobody/feed.xml",
        "actors/north-korea/feed.xml",
        "actors/russia/feed.xml",
        "feed.xml",
    ]


def test_archive_feed_describes_itself_with_absolute_links(site: Site) -> None:
    feed = parse(feeds_of(site)["feed.xml"]).feed
    assert feed.id == f"{BASE_URL}feed.xml"
    assert feed.title == "Marginalia"
    assert feed.subtitle == "An annotated news archive"
    links = {link.rel: (link.href, link.type) for link in feed.links}
    assert links == {
        "self": (f"{BASE_URL}feed.xml", "application/atom+xml"),
        "alternate": (BASE_URL, "text/html"),
    }
    assert feed.updated == "2024-01-05T00:00:00Z"
    assert feed.author_detail.name == "Marginalia"
    assert feed.generator == "Marginalia"


def test_archive_feed_lists_articles_newest_first(site: Site) -> None:
    entries = parse(feeds_of(site)["feed.xml"]).entries
    # Same-day articles in the site's order: title A-Z, case-folded ("<" before "B").
    assert [entry.title for entry in entries] == ["Delta", HOSTILE_TITLE, "Bravo", "Alpha"]
    assert [entry.link for entry in entries] == [url(a) for a in (DELTA, CHARLIE, BRAVO, ALPHA)]
    assert [entry.id for entry in entries] == [entry.link for entry in entries]


def test_entry_carries_dates_summary_authors_and_actors(site: Site) -> None:
    entries = {entry.title: entry for entry in parse(feeds_of(site)["feed.xml"]).entries}
    bravo = entries["Bravo"]
    assert bravo.published == "2023-09-11T00:00:00Z"
    assert bravo.updated == "2023-09-11T00:00:00Z"
    assert time.strftime("%Y-%m-%d", bravo.published_parsed) == "2023-09-11"
    assert bravo.summary == "Moscow and Pyongyang draw closer."
    assert bravo.summary_detail.type == "text/plain"
    assert [author.name for author in bravo.authors] == ["Jane Doe", "Ali Khan"]
    # The speaker of a quote is one of the article's actors, as on the actor pages.
    assert [(tag.term, tag.label) for tag in bravo.tags] == [
        ("russia", "Russia"),
        ("kim-jong-un", "Kim Jong Un"),
    ]


def test_entry_without_dek_or_authors_has_no_summary_and_no_author(site: Site) -> None:
    # Atom lets such an entry take the feed's <author>, which every feed has.
    text = text_of(feeds_of(site)["feed.xml"])
    entries = ET.fromstring(text).findall(f"{ATOM}entry")
    alpha = next(e for e in entries if e.findtext(f"{ATOM}title") == "Alpha")
    assert alpha.find(f"{ATOM}summary") is None
    assert alpha.find(f"{ATOM}author") is None


def test_actor_feed_has_only_that_actors_articles(site: Site) -> None:
    feeds = feeds_of(site)
    parsed = parse(feeds["actors/north-korea/feed.xml"])
    assert [entry.title for entry in parsed.entries] == [HOSTILE_TITLE, "Alpha"]
    assert parsed.feed.id == f"{BASE_URL}actors/north-korea/feed.xml"
    assert parsed.feed.title == "North Korea · Marginalia"
    assert parsed.feed.updated == "2023-09-11T00:00:00Z"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {
        "self": f"{BASE_URL}actors/north-korea/feed.xml",
        "alternate": f"{BASE_URL}actors/north-korea/",
    }
    kim = parse(feeds["actors/kim-jong-un/feed.xml"])
    assert kim.feed.subtitle == "Leader of North Korea"
    assert [entry.title for entry in kim.entries] == ["Delta", "Bravo"]


def test_actor_without_articles_gets_a_valid_empty_feed(site: Site) -> None:
    parsed = parse(feeds_of(site)["actors/nobody/feed.xml"])
    assert parsed.entries == []
    assert parsed.feed.title == "Nobody Yet · Marginalia"
    assert "subtitle" not in parsed.feed  # no role to show
    # Not the clock: the newest date of the site, so the bytes depend on the content only.
    assert parsed.feed.updated == "2024-01-05T00:00:00Z"


def test_empty_site_feed_is_valid_and_dated_1970() -> None:
    parsed = parse(feeds_of(build_site((), ACTORS))["feed.xml"])
    assert parsed.entries == []
    assert parsed.feed.updated == "1970-01-01T00:00:00Z"


def test_hostile_title_comes_out_as_text(site: Site) -> None:
    text = text_of(feeds_of(site)["feed.xml"])
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text
    entries = {entry.link: entry for entry in parse(feeds_of(site)["feed.xml"]).entries}
    hostile = entries[url(CHARLIE)]
    assert hostile.title == HOSTILE_TITLE
    assert hostile.title_detail.type == "text/plain"
    assert entries[url(DELTA)].summary == "A <b>bold</b> & dek"
    assert entries[url(DELTA)].summary_detail.type == "text/plain"


def test_hostile_site_title_and_control_characters_stay_well_formed(site: Site) -> None:
    feeds = feeds_of(site, title='Mar"gin\x0balia <&>')
    for page in feeds.values():
        ET.fromstring(text_of(page))  # raises on anything that is not well-formed XML
    assert parse(feeds["feed.xml"]).feed.title == 'Mar"ginalia <&>'


def test_feed_keeps_the_newest_fifty_articles() -> None:
    start = datetime.date(2023, 1, 1)
    many = [
        article(
            f"day-{n:03d}", f"Day {n:03d}", start + datetime.timedelta(days=n), actors=("russia",)
        )
        for n in range(FEED_SIZE + 7)
    ]
    big = build_site(many, ACTORS)
    for path in ("feed.xml", "actors/russia/feed.xml"):
        titles = [entry.title for entry in parse(feeds_of(big)[path]).entries]
        assert len(titles) == FEED_SIZE == 50
        assert titles[0] == f"Day {FEED_SIZE + 6:03d}"
        assert titles[-1] == "Day 007"


def test_feeds_are_deterministic(site: Site) -> None:
    first = {path: text_of(page) for path, page in feeds_of(site).items()}
    again = {path: text_of(page) for path, page in feeds_of(site).items()}
    shuffled = build_site(reversed(site.articles), reversed(ACTORS))
    from_shuffled = {path: text_of(page) for path, page in feeds_of(shuffled).items()}
    assert first == again == from_shuffled
    assert first["feed.xml"].startswith('<?xml version="1.0" encoding="utf-8"?>\n<feed ')
    assert first["feed.xml"].endswith("</feed>\n")


def test_a_new_article_changes_only_the_feeds_it_is_in(site: Site) -> None:
    # A feed is rebuilt when its inputs change; the site's newest date is one of them
    # only for a feed without articles, which shows it as its date.
    newest = article("echo", "Echo", datetime.date(2024, 2, 1), actors=("russia",))
    before = feeds_of(site)
    after = feeds_of(build_site((*site.articles, newest), ACTORS))

    changed = {
        path for path, page in after.items() if page.context.inputs != before[path].context.inputs
    }

    assert changed == {"feed.xml", "actors/russia/feed.xml", "actors/nobody/feed.xml"}


# The real content, built by the real command line.


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo_content(tmp_path_factory.mktemp("project"), "--base-url", BASE_URL)


def read_feed(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


SEED_URL = f"{BASE_URL}2023/09/11/us-threatens-sanctions-if-north-korea-sells-arms-to-russia/"


def test_built_feeds_list_the_seed_article_with_absolute_urls(built_site: Path) -> None:
    for feed_file in ("feed.xml", "actors/matthew-miller/feed.xml"):
        parsed = read_feed(built_site / feed_file)
        assert parsed.feed.id == BASE_URL + feed_file
        links = [entry.link for entry in parsed.entries]
        assert SEED_URL in links, feed_file
        assert all(link.startswith(BASE_URL) for link in links)
        seed = next(entry for entry in parsed.entries if entry.link == SEED_URL)
        assert seed.title == "US threatens sanctions if North Korea sells arms to Russia"
        assert seed.published == "2023-09-11T00:00:00Z"


def linked_feed(site: Path, page: str) -> Path:
    """The file that a page's last <link rel="alternate" type="application/atom+xml"> names."""
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    links = [
        link
        for link in soup.find_all("link", type="application/atom+xml")
        if "alternate" in (link.get("rel") or [])
    ]
    assert links, f"{page} links no feed"
    href = str(links[-1]["href"])  # an actor page links the site's feed, then its own
    path = urlsplit(href).path
    assert path.startswith("/archive/"), f"{href} ignores the base path"
    return site / path.removeprefix("/archive/")


def test_home_page_links_the_feed_that_exists(built_site: Path) -> None:
    target = linked_feed(built_site, "index.html")
    assert target == built_site / "feed.xml"
    assert read_feed(target).entries


def test_actor_page_links_its_own_feed(built_site: Path) -> None:
    target = linked_feed(built_site, "actors/matthew-miller/index.html")
    assert target == built_site / "actors" / "matthew-miller" / "feed.xml"
    assert read_feed(target).feed.title.startswith("Matthew Miller")
