"""An incremental build writes exactly what changed and equals a clean build, byte for byte.

Each test copies the golden fixture (4 articles over 3 dates, 3 actors, page_size 2) and the
real templates into a temporary project, builds it once, changes something, builds again,
and compares site/ with a clean build of the same inputs in a separate folder.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

import generator.build.build
from generator.build.build import PARALLEL_THRESHOLD, BuildReport, LiveState, build
from generator.build.cache import CACHE_DIR, CACHE_FILE
from generator.config import load_config
from generator.dev.live import update_article_pages
from generator.errors import ContentError, MarginaliaError, OutputError, TemplateError
from generator.plan.contexts import Page
from generator.plan.fingerprint import Fingerprinter
from generator.urls import output_file
from tests.support import golden_project as make_project
from tests.support import parse_page, visible_text
from tests.support import site_tree as tree

SITE = "site"
WORK = ".site.marginalia"  # the build's folder beside site/

ARTICLES = "content/articles"
ACTORS_YAML = "content/actors.yaml"
SETTINGS = "site.yaml"
DAM = f"{ARTICLES}/2024/01/dam-plan-approved.md"
RIVER = f"{ARTICLES}/2024/01/river-levels-fall.md"
MINISTER = f"{ARTICLES}/2024/02/minister-visits-site.md"
STUDY = f"{ARTICLES}/2024/03/authority-publishes-study.md"

HOME_PAGE = "index.html"
DAM_PAGE = "2024/01/15/dam-plan-approved/index.html"
RIVER_PAGE = "2024/01/15/river-levels-fall/index.html"
MINISTER_PAGE = "2024/02/03/minister-visits-site/index.html"
STUDY_PAGE = "2024/03/01/authority-publishes-study/index.html"
ARTICLE_PAGES = frozenset({DAM_PAGE, RIVER_PAGE, MINISTER_PAGE, STUDY_PAGE})
JAN_15_PAGE = "editions/2024-01-15/index.html"
FEB_03_PAGE = "editions/2024-02-03/index.html"
MAR_01_PAGE = "editions/2024-03-01/index.html"
EDITIONS_PAGE = "editions/index.html"
EDITIONS_PAGE_2 = "editions/page/2/index.html"
ACTORS_PAGE = "actors/index.html"
NETWORK_PAGE = "actors/network/index.html"
ADA_PAGE = "actors/ada-okafor/index.html"
FREEDONIA_PAGE = "actors/freedonia/index.html"
FREEDONIA_PAGE_2 = "actors/freedonia/page/2/index.html"
AUTHORITY_PAGE = "actors/river-authority/index.html"
NOT_FOUND_PAGE = "404.html"
STYLESHEET = "static/marginalia.css"
SEARCH_PAGE = "search/index.html"
# The golden fixture's topics: Water (3 articles), Dams (3), Politics (2), Floods, Études.
TOPICS_PAGE = "topics/index.html"
WATER_PAGE = "topics/water/index.html"
WATER_PAGE_2 = "topics/water/page/2/index.html"
DAMS_PAGE = "topics/dams/index.html"
DAMS_PAGE_2 = "topics/dams/page/2/index.html"
POLITICS_PAGE = "topics/politics/index.html"
FLOODS_PAGE = "topics/floods/index.html"
ETUDES_PAGE = "topics/etudes/index.html"
TOPIC_LISTINGS = frozenset(
    {WATER_PAGE, WATER_PAGE_2, DAMS_PAGE, DAMS_PAGE_2, POLITICS_PAGE, FLOODS_PAGE, ETUDES_PAGE}
)

RIVER_URL = "/gazette/2024/01/15/river-levels-fall/"
STUDY_URL = "/gazette/2024/03/01/authority-publishes-study/"
FEB_03_URL = "/gazette/editions/2024-02-03/"
FREEDONIA_URL = "/gazette/actors/freedonia/"
AUTHORITY_URL = "/gazette/actors/river-authority/"

BASELINE_FILES = frozenset(
    {
        *ARTICLE_PAGES,
        HOME_PAGE,
        JAN_15_PAGE,
        FEB_03_PAGE,
        MAR_01_PAGE,
        EDITIONS_PAGE,
        EDITIONS_PAGE_2,
        ACTORS_PAGE,
        NETWORK_PAGE,
        ADA_PAGE,
        FREEDONIA_PAGE,
        FREEDONIA_PAGE_2,
        AUTHORITY_PAGE,
        NOT_FOUND_PAGE,
        SEARCH_PAGE,
        STYLESHEET,
        TOPICS_PAGE,
        *TOPIC_LISTINGS,
    }
)
HTML_PAGES = BASELINE_FILES - {STYLESHEET}

ITALIC_CREDITS = ".credit { font-style: italic; }\n"
UNUSED_ACTOR = "- id: harbour-board\n  name: Harbour Board\n  type: organization\n"
NEW_ARTICLE = """\
---
title: Dam gates open for the first time
date: 2024-03-05
source: Reuters
actors: [river-authority, ada-okafor]
---
Ada Okafor watched the River Authority open the gates.
"""


# ---------------------------------------------------------------------------
# Projects, builds and sites


def link_texts(data: bytes, href: str) -> list[str]:
    """The visible text of each link on the page to href, in page order."""
    return [visible_text(link) for link in parse_page(data).find_all("a", href=href)]


def headline(data: bytes) -> str:
    return visible_text(parse_page(data).select_one("h1"))


def body_actor_links(data: bytes) -> list[tuple[str, str]]:
    """(href, text) of each actor link inside an article's body."""
    return [
        (link["href"], visible_text(link))
        for link in parse_page(data).select(".story-body a.actor")
    ]


def is_generated(name: str) -> bool:
    return name.endswith(("feed.xml", "sitemap.xml", "robots.txt")) or name.startswith(
        ("data/", "search/data/")
    )


def build_project(root: Path, *, full: bool = False, **settings: str) -> BuildReport:
    config = replace(load_config(root), **settings)
    return build(root, config, full=full)


def clean_build(root: Path, scratch: Path) -> Path:
    """Build a copy of the project's inputs, without its cache or site; returns the site."""
    copy = scratch / "clean-project"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(CACHE_DIR, SITE, WORK))
    build_project(copy)
    return copy / SITE


def mtimes(site_dir: Path) -> dict[str, int]:
    return {
        path.relative_to(site_dir).as_posix(): path.stat().st_mtime_ns
        for path in sorted(site_dir.rglob("*"))
        if path.is_file()
    }


def folders(site_dir: Path) -> set[str]:
    return {path.relative_to(site_dir).as_posix() for path in site_dir.rglob("*") if path.is_dir()}


def assert_same_site(actual_dir: Path, expected_dir: Path) -> None:
    """Same files, same bytes, same folders (so no empty folder is left behind)."""
    actual, expected = tree(actual_dir), tree(expected_dir)
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    differ = sorted(name for name in set(actual) & set(expected) if actual[name] != expected[name])
    if missing or extra or differ:
        message = [f"missing: {missing}", f"extra: {extra}", f"differ: {differ}"]
        if differ:
            name = differ[0]
            message.extend(
                difflib.unified_diff(
                    expected[name].decode(errors="replace").splitlines(),
                    actual[name].decode(errors="replace").splitlines(),
                    f"clean/{name}",
                    f"incremental/{name}",
                    lineterm="",
                )
            )
        raise AssertionError("\n".join(message))
    assert folders(actual_dir) == folders(expected_dir)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The golden project, built once: the baseline every incremental build starts from."""
    root = make_project(tmp_path / "project")
    report = build_project(root)
    built = set(tree(root / SITE))
    assert built >= BASELINE_FILES  # and the feeds, sitemap, data and search files
    assert report.rendered == len(built)
    return root


# ---------------------------------------------------------------------------
# Each kind of change: incremental equals clean, and only what changed is written


@dataclass(frozen=True)
class Outcome:
    before: dict[str, bytes]
    after: dict[str, bytes]
    report: BuildReport

    @property
    def written(self) -> set[str]:
        return {name for name, data in self.after.items() if self.before.get(name) != data}

    @property
    def pages_written(self) -> set[str]:
        """Written files but the generated ones (feeds, sitemap, data, search index): those
        follow from the pages, and the clean-build comparison covers their bytes."""
        return {name for name in self.written if not is_generated(name)}

    @property
    def pages_added(self) -> set[str]:
        return {name for name in self.added if not is_generated(name)}

    @property
    def pages_deleted(self) -> set[str]:
        return {name for name in self.deleted if not is_generated(name)}

    @property
    def added(self) -> set[str]:
        return set(self.after) - set(self.before)

    @property
    def deleted(self) -> set[str]:
        return set(self.before) - set(self.after)


@dataclass(frozen=True)
class Change:
    id: str
    apply: Callable[[Path], None]
    check: Callable[[Outcome], None]
    # Applied and built before the baseline is recorded, for a change that undoes it.
    prepare: Callable[[Path], None] | None = None


def _body_edited(root: Path) -> None:
    append(root / RIVER, "Farmers downstream said the fields were already dry.\n")


def _check_body_edited(outcome: Outcome) -> None:
    assert outcome.pages_written == {RIVER_PAGE}
    body = visible_text(parse_page(outcome.after[RIVER_PAGE]).select_one(".story-body"))
    assert "the fields were already dry" in body


def _title_of_latest_article(root: Path) -> None:
    edit(root / STUDY, "title: Authority publishes its study", "title: Authority finally publishes")


def _check_title_of_latest_article(outcome: Outcome) -> None:
    # Every page that shows the title: the home page lists the latest edition's articles,
    # the minister's page has it as its "next" neighbour.
    showing = {HOME_PAGE, MAR_01_PAGE, STUDY_PAGE, MINISTER_PAGE, AUTHORITY_PAGE, FREEDONIA_PAGE}
    showing |= {WATER_PAGE, DAMS_PAGE, ETUDES_PAGE}  # the listings of its topics
    assert outcome.pages_written == showing
    assert headline(outcome.after[STUDY_PAGE]) == "Authority finally publishes"
    for name in showing - {STUDY_PAGE, MINISTER_PAGE}:
        assert link_texts(outcome.after[name], STUDY_URL) == ["Authority finally publishes"], name
    assert link_texts(outcome.after[MINISTER_PAGE], STUDY_URL) == [
        "Next Authority finally publishes"
    ]


def _title_reorders_edition(root: Path) -> None:
    # "A third week..." now sorts before "Dam plan..." in their edition of 2024-01-15.
    edit(root / RIVER, "title: River levels fall", "title: A third week of falling river levels")


def _check_title_reorders_edition(outcome: Outcome) -> None:
    # Neighbours swap (dam <-> river, minister's previous), Freedonia's pages re-split,
    # and so do Water's; Floods lists the river article alone.
    assert outcome.pages_written == {
        RIVER_PAGE,
        DAM_PAGE,
        MINISTER_PAGE,
        JAN_15_PAGE,
        FREEDONIA_PAGE,
        FREEDONIA_PAGE_2,
        WATER_PAGE,
        WATER_PAGE_2,
        FLOODS_PAGE,
    }
    assert link_texts(outcome.after[FREEDONIA_PAGE], RIVER_URL) == [
        "A third week of falling river levels"
    ]
    assert b"river-levels-fall" not in outcome.after[FREEDONIA_PAGE_2]
    assert link_texts(outcome.after[MINISTER_PAGE], RIVER_URL) == [
        "Previous A third week of falling river levels"
    ]


def _date_moves_article(root: Path) -> None:
    edit(root / MINISTER, "date: 2024-02-03", "date: 2024-01-15")


def _check_date_moves_article(outcome: Outcome) -> None:
    # The old URL and the now empty edition go; three editions become two, one listing page.
    assert outcome.pages_deleted == {MINISTER_PAGE, FEB_03_PAGE, EDITIONS_PAGE_2}
    assert outcome.pages_added == {"2024/01/15/minister-visits-site/index.html"}
    assert b"minister-visits-site" in outcome.after[JAN_15_PAGE]
    assert b"2024-02-03" not in outcome.after[EDITIONS_PAGE]


def _actor_added_to_article(root: Path) -> None:
    edit(root / RIVER, "actors: [freedonia]", "actors: [freedonia, ada-okafor]")


def _check_actor_added_to_article(outcome: Outcome) -> None:
    # Ada Okafor now has three articles: the oldest goes on to her second page.
    assert outcome.pages_added == {"actors/ada-okafor/page/2/index.html"}
    assert b"river-levels-fall" in outcome.after["actors/ada-okafor/page/2/index.html"]
    assert b"/gazette/actors/ada-okafor/" in outcome.after[RIVER_PAGE]
    assert {RIVER_PAGE, ADA_PAGE, ACTORS_PAGE} <= outcome.pages_written
    assert not outcome.pages_deleted


def _actor_renamed(root: Path) -> None:
    edit(root / ACTORS_YAML, "name: River Authority", "name: River Basin Authority")


def _check_actor_renamed(outcome: Outcome) -> None:
    assert headline(outcome.after[AUTHORITY_PAGE]) == "River Basin Authority"
    for name in (ACTORS_PAGE, DAM_PAGE, STUDY_PAGE):
        assert "River Basin Authority" in link_texts(outcome.after[name], AUTHORITY_URL), name
    assert not outcome.pages_added
    assert not outcome.pages_deleted


def _alias_added(root: Path) -> None:
    # The dam article lists Freedonia but its body never names it; now it does, by alias.
    edit(root / ACTORS_YAML, "aliases: [Fredonia City]", "aliases: [Fredonia City, the dam]")


def _check_alias_added(outcome: Outcome) -> None:
    link = (FREEDONIA_URL, "the dam")
    assert link in body_actor_links(outcome.after[DAM_PAGE])
    assert link not in body_actor_links(outcome.before[DAM_PAGE])
    # The alias is shown on the actor's pages, and in the structured data (alternateName)
    # of every article that mentions Freedonia; no other body mentions it.
    mentioning = {DAM_PAGE, RIVER_PAGE, STUDY_PAGE}
    assert outcome.pages_written == {*mentioning, FREEDONIA_PAGE, FREEDONIA_PAGE_2, ADA_PAGE}


def _add_unused_actor(root: Path) -> None:
    append(root / ACTORS_YAML, UNUSED_ACTOR)


def _remove_unused_actor(root: Path) -> None:
    edit(root / ACTORS_YAML, UNUSED_ACTOR, "")


def _check_unused_actor_added(outcome: Outcome) -> None:
    assert outcome.pages_added == {"actors/harbour-board/index.html"}
    assert outcome.pages_written == {"actors/harbour-board/index.html", ACTORS_PAGE}


def _check_unused_actor_removed(outcome: Outcome) -> None:
    assert outcome.pages_deleted == {"actors/harbour-board/index.html"}
    assert outcome.pages_written == {ACTORS_PAGE}


def _footer_edited(root: Path) -> None:
    edit(root / "templates/partials/footer.html", "Built with Marginalia.", "Set by hand.")


def _check_every_html_page_written(outcome: Outcome) -> None:
    assert outcome.pages_written == set(HTML_PAGES)
    assert not outcome.pages_added
    assert not outcome.pages_deleted


def _article_partial_edited(root: Path) -> None:
    edit(root / "templates/partials/article_quotes.html", ">Quotes</h2>", ">In quotes</h2>")


def _check_article_partial_edited(outcome: Outcome) -> None:
    # Only the two articles with quotes show the partial's heading; listings are untouched.
    assert outcome.pages_written == {DAM_PAGE, MINISTER_PAGE}
    heading = parse_page(outcome.after[DAM_PAGE]).select_one("section.story-quotes h2")
    assert visible_text(heading) == "In quotes"


def _listing_partial_edited(root: Path) -> None:
    edit(root / "templates/partials/article_list.html", '<ol class="article-list">', "<ol>")


def _check_listing_partial_edited(outcome: Outcome) -> None:
    # Every page that lists articles, and no article page.
    assert outcome.pages_written == {
        HOME_PAGE,
        JAN_15_PAGE,
        FEB_03_PAGE,
        MAR_01_PAGE,
        ADA_PAGE,
        FREEDONIA_PAGE,
        FREEDONIA_PAGE_2,
        AUTHORITY_PAGE,
        *TOPIC_LISTINGS,
    }


def _site_title_changed(root: Path) -> None:
    edit(root / SETTINGS, "title: Golden Gazette", "title: The Silver Gazette")


def _page_size_smaller(root: Path) -> None:
    edit(root / SETTINGS, "page_size: 2", "page_size: 1")


def _check_page_size_smaller(outcome: Outcome) -> None:
    assert outcome.pages_added == {
        "editions/page/3/index.html",
        "actors/freedonia/page/3/index.html",
        "actors/ada-okafor/page/2/index.html",
        "actors/river-authority/page/2/index.html",
        "topics/water/page/3/index.html",
        "topics/dams/page/3/index.html",
        "topics/politics/page/2/index.html",
    }
    assert not outcome.pages_deleted


def _page_size_larger(root: Path) -> None:
    edit(root / SETTINGS, "page_size: 2", "page_size: 3")


def _check_page_size_larger(outcome: Outcome) -> None:
    assert outcome.pages_deleted == {EDITIONS_PAGE_2, FREEDONIA_PAGE_2, WATER_PAGE_2, DAMS_PAGE_2}
    assert not outcome.pages_added


def _base_url_changed(root: Path) -> None:
    edit(
        root / SETTINGS,
        "base_url: https://example.github.io/gazette/",
        "base_url: https://news.example.org/archive/",
    )


def _check_base_url_changed(outcome: Outcome) -> None:
    _check_every_html_page_written(outcome)
    for name in HTML_PAGES:
        assert b"/gazette/" not in outcome.after[name], name
    # Actor links inside article bodies follow the new base path too.
    hrefs = [href for href, _ in body_actor_links(outcome.after[DAM_PAGE])]
    assert "/archive/actors/river-authority/" in hrefs


def _article_deleted(root: Path) -> None:
    (root / MINISTER).unlink()


def _check_article_deleted(outcome: Outcome) -> None:
    # Dams loses one of its three articles, and its second page.
    assert outcome.pages_deleted == {MINISTER_PAGE, FEB_03_PAGE, EDITIONS_PAGE_2, DAMS_PAGE_2}
    assert not outcome.pages_added
    for name in (ADA_PAGE, STUDY_PAGE, DAM_PAGE):
        assert b"minister-visits-site" not in outcome.after[name], name
    # The listings of editions never linked the article, but its edition, now gone, too.
    for name in (EDITIONS_PAGE, HOME_PAGE):
        assert link_texts(outcome.before[name], FEB_03_URL) == ["3 February 2024"], name
        assert not link_texts(outcome.after[name], FEB_03_URL), name
    assert {ADA_PAGE, STUDY_PAGE, DAM_PAGE, EDITIONS_PAGE, HOME_PAGE} <= outcome.pages_written


def _article_added(root: Path) -> None:
    (root / ARTICLES / "2024/03/dam-gates-open.md").write_text(NEW_ARTICLE, encoding="utf-8")


def _check_article_added(outcome: Outcome) -> None:
    assert outcome.pages_added == {
        "2024/03/05/dam-gates-open/index.html",
        "editions/2024-03-05/index.html",
        "actors/ada-okafor/page/2/index.html",
        "actors/river-authority/page/2/index.html",
    }
    assert not outcome.pages_deleted
    latest = parse_page(outcome.after[HOME_PAGE]).select_one("section.latest-edition")
    titles = [visible_text(title) for title in latest.select(".article-summary-title")]
    assert titles == ["Dam gates open for the first time"]
    assert b"dam-gates-open" in outcome.after[STUDY_PAGE]  # its "next" neighbour


def _stylesheet_changed(root: Path) -> None:
    append(root / "templates/static/marginalia.css", ITALIC_CREDITS)


def _check_stylesheet_changed(outcome: Outcome) -> None:
    # Every page links the stylesheet with a version of its bytes.
    assert outcome.pages_written == set(BASELINE_FILES)
    assert outcome.after[STYLESHEET] == outcome.before[STYLESHEET] + ITALIC_CREDITS.encode()
    for name in HTML_PAGES:
        assert b'href="/gazette/static/marginalia.css?v=' in outcome.after[name], name


def _add_static_file(root: Path) -> None:
    (root / "templates/static/print.css").write_text("body { color: black; }\n")


def _remove_static_file(root: Path) -> None:
    (root / "templates/static/print.css").unlink()


def _check_static_file_added(outcome: Outcome) -> None:
    assert outcome.pages_written == {"static/print.css"}
    assert outcome.pages_added == {"static/print.css"}


def _check_static_file_removed(outcome: Outcome) -> None:
    assert outcome.pages_deleted == {"static/print.css"}
    assert not outcome.pages_written


# Tags: a change re-renders the article, the topics index and the listings of the
# topics it left or joined, and no other page.

DROUGHT_PAGE = "topics/drought/index.html"
FLOODING_PAGE = "topics/flooding/index.html"


def topic_links(data: bytes) -> list[tuple[str, str]]:
    """(href, text) of each link in an article's Topics list."""
    return [(a["href"], visible_text(a)) for a in parse_page(data).select(".story-topics a")]


def topic_counts(data: bytes) -> dict[str, str]:
    """The topics index as a reader sees it: name -> count."""
    return {
        visible_text(item.a): visible_text(item.select_one(".count"))
        for item in parse_page(data).select(".topic-index li")
    }


def _tag_added(root: Path) -> None:
    edit(root / RIVER, "tags: [Water, Floods]", "tags: [Water, Floods, Drought]")


def _check_tag_added(outcome: Outcome) -> None:
    assert outcome.pages_added == {DROUGHT_PAGE}
    assert "topics/drought/feed.xml" in outcome.added
    assert outcome.pages_written == {RIVER_PAGE, TOPICS_PAGE, DROUGHT_PAGE}
    assert ("/gazette/topics/drought/", "Drought") in topic_links(outcome.after[RIVER_PAGE])
    assert topic_counts(outcome.after[TOPICS_PAGE])["Drought"] == "1"
    assert link_texts(outcome.after[DROUGHT_PAGE], RIVER_URL) == ["River levels fall"]


def _tag_removed(root: Path) -> None:
    edit(root / STUDY, "tags: [Water, Dams, Études]", "tags: [Water, Dams]")


def _check_tag_removed(outcome: Outcome) -> None:
    assert outcome.pages_deleted == {ETUDES_PAGE}
    assert "topics/etudes/feed.xml" in outcome.deleted
    assert outcome.pages_written == {STUDY_PAGE, TOPICS_PAGE}
    assert "Études" not in topic_counts(outcome.after[TOPICS_PAGE])


def _tag_renamed(root: Path) -> None:
    edit(root / RIVER, "tags: [Water, Floods]", "tags: [Water, Flooding]")


def _check_tag_renamed(outcome: Outcome) -> None:
    assert outcome.pages_deleted == {FLOODS_PAGE}
    assert outcome.pages_added == {FLOODING_PAGE}
    assert outcome.pages_written == {RIVER_PAGE, TOPICS_PAGE, FLOODING_PAGE}
    assert topic_links(outcome.after[RIVER_PAGE]) == [
        ("/gazette/topics/water/", "Water"),
        ("/gazette/topics/flooding/", "Flooding"),
    ]


def _tag_moved(root: Path) -> None:
    edit(root / MINISTER, "tags: [dams, politics]", "tags: [dams, floods]")


def _check_tag_moved(outcome: Outcome) -> None:
    # The minister's article leaves Politics and joins Floods: both listings, the index
    # (their counts) and the article; Dams and Water are untouched.
    assert outcome.pages_written == {MINISTER_PAGE, TOPICS_PAGE, POLITICS_PAGE, FLOODS_PAGE}
    counts = topic_counts(outcome.after[TOPICS_PAGE])
    assert (counts["Politics"], counts["Floods"]) == ("1", "2")
    assert b"minister-visits-site" not in outcome.after[POLITICS_PAGE]


def _tag_spelling_outnumbers(root: Path) -> None:
    # "dams" is now written so by two articles of three: it names the topic everywhere.
    edit(root / DAM, "tags: [Dams, water, Politics]", "tags: [dams, water, Politics]")


def _check_tag_spelling_outnumbers(outcome: Outcome) -> None:
    showing = {DAM_PAGE, MINISTER_PAGE, STUDY_PAGE, TOPICS_PAGE, DAMS_PAGE, DAMS_PAGE_2}
    assert outcome.pages_written == showing
    assert headline(outcome.after[DAMS_PAGE]) == "dams"
    assert ("/gazette/topics/dams/", "dams") in topic_links(outcome.after[STUDY_PAGE])
    assert not outcome.pages_added and not outcome.pages_deleted


CHANGES = [
    Change("article-body-edited", _body_edited, _check_body_edited),
    Change("title-of-latest-article", _title_of_latest_article, _check_title_of_latest_article),
    Change("title-reorders-edition", _title_reorders_edition, _check_title_reorders_edition),
    Change("date-moves-article", _date_moves_article, _check_date_moves_article),
    Change("actor-added-to-article", _actor_added_to_article, _check_actor_added_to_article),
    Change("registry-actor-renamed", _actor_renamed, _check_actor_renamed),
    Change("registry-alias-mentioned-in-body", _alias_added, _check_alias_added),
    Change("registry-unused-actor-added", _add_unused_actor, _check_unused_actor_added),
    Change(
        "registry-unused-actor-removed",
        _remove_unused_actor,
        _check_unused_actor_removed,
        prepare=_add_unused_actor,
    ),
    Change("template-footer-edited", _footer_edited, _check_every_html_page_written),
    Change(
        "template-article-partial-edited", _article_partial_edited, _check_article_partial_edited
    ),
    Change(
        "template-listing-partial-edited", _listing_partial_edited, _check_listing_partial_edited
    ),
    Change("settings-site-title", _site_title_changed, _check_every_html_page_written),
    Change("settings-page-size-smaller", _page_size_smaller, _check_page_size_smaller),
    Change("settings-page-size-larger", _page_size_larger, _check_page_size_larger),
    Change("settings-base-url-path", _base_url_changed, _check_base_url_changed),
    Change("article-deleted", _article_deleted, _check_article_deleted),
    Change("article-added", _article_added, _check_article_added),
    Change("static-stylesheet-changed", _stylesheet_changed, _check_stylesheet_changed),
    Change("static-file-added", _add_static_file, _check_static_file_added),
    Change(
        "static-file-removed",
        _remove_static_file,
        _check_static_file_removed,
        prepare=_add_static_file,
    ),
    Change("tag-added", _tag_added, _check_tag_added),
    Change("tag-removed", _tag_removed, _check_tag_removed),
    Change("tag-renamed", _tag_renamed, _check_tag_renamed),
    Change("tag-moved-to-another-topic", _tag_moved, _check_tag_moved),
    Change("tag-spelling-outnumbers", _tag_spelling_outnumbers, _check_tag_spelling_outnumbers),
]


@pytest.mark.parametrize("change", [pytest.param(change, id=change.id) for change in CHANGES])
def test_incremental_build_equals_clean_build_and_writes_only_changed_files(
    project: Path, tmp_path: Path, change: Change
) -> None:
    site = project / SITE
    if change.prepare is not None:
        change.prepare(project)
        build_project(project)
    before, before_mtimes = tree(site), mtimes(site)

    change.apply(project)
    report = build_project(project)

    assert_same_site(site, clean_build(project, tmp_path))
    outcome = Outcome(before, tree(site), report)
    after_mtimes = mtimes(site)
    untouched = [name for name in outcome.after if outcome.before.get(name) == outcome.after[name]]
    assert {name: after_mtimes[name] for name in untouched} == {
        name: before_mtimes[name] for name in untouched
    }, "a file with the same bytes was rewritten"
    assert report.changed_paths == tuple(sorted(outcome.written | outcome.deleted))
    assert report.rendered == len(outcome.written)
    assert report.deleted == len(outcome.deleted)
    assert report.planned == len(outcome.after)
    assert report.unchanged == report.planned - report.rendered
    change.check(outcome)

    # And the build after it has nothing left to do.
    settled = mtimes(site)
    again = build_project(project)
    assert (again.rendered, again.deleted, again.changed_paths) == (0, 0, ())
    assert mtimes(site) == settled


# ---------------------------------------------------------------------------
# Unchanged inputs, unchanged outputs


def test_body_edit_leaves_every_other_page_untouched(project: Path) -> None:
    site = project / SITE
    before = mtimes(site)
    append(project / DAM, "\nThe vote was close.\n")

    report = build_project(project)

    after = mtimes(site)
    # The search index learns the new words; no other page shows the body.
    assert [path for path in report.changed_paths if not is_generated(path)] == [DAM_PAGE]
    assert all(path.startswith("search/data/") for path in report.changed_paths[1:])
    assert report.unchanged == report.planned - len(report.changed_paths)
    assert after[DAM_PAGE] != before[DAM_PAGE]
    assert {k: v for k, v in after.items() if k not in report.changed_paths} == {
        k: v for k, v in before.items() if k not in report.changed_paths
    }


def manifest(root: Path) -> dict[str, str]:
    """Output path -> fingerprint, as the last build recorded them."""
    with sqlite3.connect(root / CACHE_DIR / CACHE_FILE) as db:
        return dict(db.execute("SELECT path, fingerprint FROM outputs"))


def digested_pages(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The output files whose pages the builds from now on digest for their fingerprints."""
    digested: set[str] = set()
    original = Fingerprinter.digest

    def noting(self: Fingerprinter, value: object) -> str:
        if isinstance(value, tuple) and len(value) == 3 and isinstance(value[2], Page):
            digested.add(output_file(value[2].path))
        return original(self, value)

    monkeypatch.setattr(Fingerprinter, "digest", noting)
    return digested


def test_body_edit_digests_only_the_pages_that_hold_the_article(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    append(project / DAM, "\nThe vote was close.\n")
    digested = digested_pages(monkeypatch)
    build_project(project)
    monkeypatch.undo()

    # Its page and the feeds that list it; every other page keeps its fingerprint...
    assert DAM_PAGE in digested
    assert "feed.xml" in digested
    assert not digested & (HTML_PAGES - {DAM_PAGE})
    # ...which is what digesting it again gives.
    kept = manifest(project)
    build_project(project, full=True)
    assert manifest(project) == kept


def test_front_matter_edit_digests_every_page_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _title_of_latest_article(project)
    digested = digested_pages(monkeypatch)
    build_project(project)
    assert digested >= HTML_PAGES


def test_no_change_rebuild_writes_nothing(project: Path) -> None:
    site = project / SITE
    before, before_mtimes = tree(site), mtimes(site)

    report = build_project(project)

    assert (report.rendered, report.deleted, report.changed_paths) == (0, 0, ())
    assert (report.articles, report.actors) == (4, 3)
    assert report.planned == report.unchanged == len(before)
    assert tree(site) == before
    assert mtimes(site) == before_mtimes


def test_no_change_rebuild_reports_the_article_count_after_an_article_and_actor_go(
    project: Path,
) -> None:
    _add_unused_actor(project)
    build_project(project)
    _remove_unused_actor(project)  # a new set of actor ids: every article is parsed again
    _article_deleted(project)
    assert build_project(project).articles == 3

    report = build_project(project)

    assert report.rendered == 0
    assert report.articles == 3


def test_touched_output_stylesheet_is_recorded_so_later_builds_are_no_ops(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stylesheet = project / SITE / STYLESHEET
    stamp = stylesheet.stat()
    os.utime(stylesheet, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))
    assert build_project(project).rendered == 0  # same bytes: checked, not rewritten

    loads: list[Path] = []
    load_articles = generator.build.build.load_articles

    def counting_load_articles(content_dir: Path, *args: object, **kwargs: object) -> object:
        loads.append(content_dir)
        return load_articles(content_dir, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generator.build.build, "load_articles", counting_load_articles)
    build_project(project)

    # Nothing changed since the last build: it need not even read the articles.
    assert loads == []


def test_touched_inputs_with_the_same_bytes_write_nothing(project: Path) -> None:
    site = project / SITE
    before, before_mtimes = tree(site), mtimes(site)
    later = 2_000_000_000_000_000_000  # 2033, in ns: newer than anything the build wrote
    for path in [*(project / "content").rglob("*"), *(project / "templates").rglob("*")]:
        if path.is_file():
            os.utime(path, ns=(later, later))

    report = build_project(project)

    assert (report.rendered, report.deleted) == (0, 0)
    assert tree(site) == before
    assert mtimes(site) == before_mtimes


# ---------------------------------------------------------------------------
# A cache that cannot be read, or that does not describe site/, is not trusted


def _garbage(path: Path) -> None:
    path.write_bytes(b"not a database \x00\xff" * 512)


def _truncated_to_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _truncated_header(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:60])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize(
    "damage", [_garbage, _truncated_to_half, _truncated_header, _empty], ids=lambda f: f.__name__
)
def test_corrupt_cache_is_ignored(
    project: Path, tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    cache_file = project / CACHE_DIR / CACHE_FILE
    assert cache_file.stat().st_size > 0
    damage(cache_file)
    _title_reorders_edition(project)

    build_project(project)

    assert_same_site(project / SITE, clean_build(project, tmp_path))
    # And the next build still matches it.
    append(project / RIVER, "A late paragraph.\n")
    build_project(project)
    assert_same_site(project / SITE, clean_build(project, tmp_path / "second"))


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda data: data.replace(b"Levels in", b"Levels on"), id="same-size"),
        pytest.param(lambda data: data + b"<!-- edited by hand -->\n", id="appended"),
        pytest.param(lambda data: b"", id="emptied"),
    ],
)
def test_hand_edited_output_is_restored(
    project: Path, tmp_path: Path, tamper: Callable[[bytes], bytes]
) -> None:
    page = project / SITE / RIVER_PAGE
    original = page.read_bytes()
    built_at = page.stat().st_mtime_ns
    page.write_bytes(tamper(original))
    # Saved a second later, as by hand: on a file system with coarse timestamps a same-size
    # edit in the build's own tick would keep the recorded (size, mtime) and go unnoticed.
    os.utime(page, ns=(built_at, built_at + 1_000_000_000))
    assert page.read_bytes() != original

    report = build_project(project)

    assert page.read_bytes() == original
    assert report.changed_paths == (RIVER_PAGE,)
    assert_same_site(project / SITE, clean_build(project, tmp_path))


@pytest.mark.parametrize("victim", [RIVER_PAGE, STYLESHEET, ACTORS_PAGE, "actors"])
def test_deleted_output_is_rebuilt(project: Path, victim: str) -> None:
    site = project / SITE
    before = tree(site)
    target = site / victim
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink()

    build_project(project)

    assert tree(site) == before


def test_old_cache_restored_after_an_edit_is_not_trusted(project: Path, tmp_path: Path) -> None:
    old_cache = tmp_path / "old-cache"
    shutil.copytree(project / CACHE_DIR, old_cache)
    _title_reorders_edition(project)
    build_project(project)
    _body_edited(project)

    shutil.rmtree(project / CACHE_DIR)
    shutil.copytree(old_cache, project / CACHE_DIR)
    build_project(project)

    assert_same_site(project / SITE, clean_build(project, tmp_path))


def test_old_cache_restored_after_a_url_change_and_its_undo_is_not_trusted(
    project: Path, tmp_path: Path
) -> None:
    # The old cache knows the article at its old URL only. After the date is moved and
    # moved back, the page at the new URL is in site/ but in neither the plan nor the
    # old manifest, so nothing deletes it.
    old_cache = tmp_path / "old-cache"
    shutil.copytree(project / CACHE_DIR, old_cache)
    original = (project / MINISTER).read_text(encoding="utf-8")
    _date_moves_article(project)
    build_project(project)
    (project / MINISTER).write_text(original, encoding="utf-8")

    shutil.rmtree(project / CACHE_DIR)
    shutil.copytree(old_cache, project / CACHE_DIR)
    build_project(project)

    assert_same_site(project / SITE, clean_build(project, tmp_path))


@pytest.mark.parametrize("edited", [RIVER, ACTORS_YAML, "templates/partials/footer.html"])
def test_edit_with_its_old_mtime_restored_but_a_new_size_is_detected(
    project: Path, tmp_path: Path, edited: str
) -> None:
    path = project / edited
    stat = path.stat()
    append(path, "\n" if edited == ACTORS_YAML else "<!-- x -->\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    if edited == RIVER:
        edit(path, "Levels in Freedonia fell", "Levels in Freedonia rose")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    assert path.stat().st_size != stat.st_size

    build_project(project)

    assert_same_site(project / SITE, clean_build(project, tmp_path))
    if edited == RIVER:
        page = parse_page((project / SITE / RIVER_PAGE).read_bytes())
        paragraph = page.select_one(".story-body p")
        assert visible_text(paragraph) == "Levels in Freedonia rose for a third week."
        assert [(a["href"], visible_text(a)) for a in paragraph.select("a.actor")] == [
            (FREEDONIA_URL, "Freedonia")
        ]


def _poison_cached_bodies(root: Path) -> None:
    # As a cache filled by another version of the Markdown library would be, under the same keys.
    db = sqlite3.connect(root / CACHE_DIR / CACHE_FILE)
    try:
        with db:
            count = db.execute("UPDATE bodies SET html = '<p>stale body</p>'").rowcount
    finally:
        db.close()
    assert count == len(ARTICLE_PAGES)


def test_full_build_ignores_cached_bodies(project: Path, tmp_path: Path) -> None:
    _poison_cached_bodies(project)
    _footer_edited(project)  # every page re-renders, the bodies' keys stay the same

    build_project(project, full=True)

    assert_same_site(project / SITE, clean_build(project, tmp_path))


# ---------------------------------------------------------------------------
# Deleting: what was an output and is no longer planned, and what never was an output


def test_output_no_longer_planned_is_deleted_with_its_empty_folders(project: Path) -> None:
    site = project / SITE
    _article_deleted(project)

    report = build_project(project)

    assert set(report.changed_paths) >= {MINISTER_PAGE, FEB_03_PAGE, EDITIONS_PAGE_2}
    assert not (site / "2024" / "02").exists()
    assert not (site / "editions" / "2024-02-03").exists()
    assert not (site / "editions" / "page").exists()
    assert (site / "2024" / "01").is_dir()


def test_a_file_the_build_did_not_write_stops_the_build(project: Path, tmp_path: Path) -> None:
    # A build replaces site/ whole, so a file of someone else's there would be lost.
    site = project / SITE
    strays = {"notes.txt": b"kept by hand\n", "2024/01/15/draft/index.html": b"<p>draft</p>\n"}
    for name, data in strays.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)
    before = tree(site)
    _body_edited(project)

    with pytest.raises(OutputError) as refused:
        build_project(project)

    assert "notes.txt" in refused.value.what and "2024/01/15/draft/" in refused.value.what
    assert tree(site) == before
    for name in strays:
        (site / name).unlink()
    (site / "2024/01/15/draft").rmdir()
    build_project(project)
    assert_same_site(site, clean_build(project, tmp_path))


def test_what_the_build_wrote_stays_its_own_when_the_cache_is_lost(
    project: Path, tmp_path: Path
) -> None:
    site = project / SITE
    shutil.rmtree(project / CACHE_DIR)
    _body_edited(project)

    build_project(project)

    assert_same_site(site, clean_build(project, tmp_path))
    (site / "notes.txt").write_bytes(b"kept by hand\n")
    shutil.rmtree(project / CACHE_DIR)
    with pytest.raises(OutputError):
        build_project(project)
    assert (site / "notes.txt").read_bytes() == b"kept by hand\n"


# ---------------------------------------------------------------------------
# A failed build changes nothing


def _break_yaml(root: Path) -> None:
    edit(root / MINISTER, "title: Minister visits the dam site", "title: [unclosed")


def _fix_yaml(root: Path) -> None:
    edit(root / MINISTER, "title: [unclosed", "title: Minister visits the dam site")


def _break_template(root: Path) -> None:
    # Fails while rendering, after the listings planned before the articles have rendered.
    append(root / "templates/partials/article_quotes.html", "{{ page.no_such_field }}\n")


def _fix_template(root: Path) -> None:
    edit(root / "templates/partials/article_quotes.html", "{{ page.no_such_field }}\n", "")


QUOTE = "text: We were not consulted about any of this"
UNANCHORED_QUOTE = "text: We were never asked about any of this"


def _break_quote(root: Path) -> None:
    # Valid YAML, but the quote is not in the body: found only when the body renders.
    edit(root / MINISTER, QUOTE, UNANCHORED_QUOTE)


def _fix_quote(root: Path) -> None:
    edit(root / MINISTER, UNANCHORED_QUOTE, QUOTE)


@pytest.mark.parametrize(
    ("breaks", "fixes", "error"),
    [
        pytest.param(_break_yaml, _fix_yaml, ContentError, id="article-yaml"),
        pytest.param(_break_template, _fix_template, TemplateError, id="template-render"),
        pytest.param(_break_quote, _fix_quote, ContentError, id="body-render"),
    ],
)
def test_failed_build_leaves_site_untouched(
    project: Path,
    tmp_path: Path,
    breaks: Callable[[Path], None],
    fixes: Callable[[Path], None],
    error: type[MarginaliaError],
) -> None:
    site = project / SITE
    before, before_mtimes = tree(site), mtimes(site)
    _footer_edited(project)  # a change to every page that must not reach site/ either
    _body_edited(project)
    breaks(project)

    with pytest.raises(error):
        build_project(project)

    assert tree(site) == before
    assert mtimes(site) == before_mtimes
    assert not (project / WORK / "staging").exists()

    fixes(project)
    build_project(project)
    assert_same_site(site, clean_build(project, tmp_path))


# ---------------------------------------------------------------------------
# Worker processes render the same bytes as one process

ACTORS_OF = (
    ("freedonia",),
    ("river-authority", "freedonia"),
    ("ada-okafor",),
    ("ada-okafor", "river-authority"),
    (),
)


def write_large_project(root: Path, count: int) -> Path:
    """The golden project with count generated articles over 61 days and 4 actor mixes."""
    make_project(root)
    edit(root / SETTINGS, "page_size: 2", "page_size: 25")
    start = dt.date(2023, 11, 1)
    for number in range(count):
        date = start + dt.timedelta(days=number * 7 % 61)
        actors = ACTORS_OF[number % len(ACTORS_OF)]
        quote = (
            f"quotes:\n- speaker: ada-okafor\n  text: Statement number {number}\n  verb: said\n"
            if number % 3 == 0
            else ""
        )
        text = (
            f"---\ntitle: Report {number % 17} on the river, part {number}\n"
            f"date: {date.isoformat()}\n"
            f"actors: [{', '.join(actors)}]\n"
            f"{quote}"
            f"---\n"
            f"Ada Okafor spoke in Fredonia City on day {number}. Okafor said the RA agreed.\n\n"
            f'"Statement number {number}," she said.\n\n'
            f"The River Authority and *Freedonia* signed note {number}[^1].\n\n"
            f"[^1]: Footnote of report {number}.\n"
        )
        folder = root / ARTICLES / f"{date:%Y/%m}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"report-{number:03d}.md").write_text(text, encoding="utf-8")
    return root


def test_parallel_and_single_process_builds_give_identical_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workers: list[int] = []
    for_each_batch = generator.build.build.for_each_batch

    def counting_for_each_batch(*args: object, **kwargs: object) -> object:
        workers.append(kwargs["workers"])  # type: ignore[arg-type]
        return for_each_batch(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generator.build.build, "for_each_batch", counting_for_each_batch)
    roots = {count: write_large_project(tmp_path / f"{count}-workers", 400) for count in (3, 1)}

    def build_with(count: int) -> BuildReport:
        # build.py imported cpu_count by name, so it is patched where it is used.
        monkeypatch.setattr(generator.build.build, "cpu_count", lambda: count)
        return build_project(roots[count])

    parallel, single = build_with(3), build_with(1)
    assert parallel.rendered == single.rendered >= PARALLEL_THRESHOLD
    assert tree(roots[3] / SITE) == tree(roots[1] / SITE)

    # Incremental, with the bodies now coming from the cache: every page again.
    for root in roots.values():
        _footer_edited(root)
    parallel, single = build_with(3), build_with(1)
    # Every HTML page, and nothing that no template makes (css, feeds, data, index).
    html_pages = [name for name in tree(parallel.out_dir) if name.endswith(".html")]
    assert parallel.rendered == single.rendered == len(html_pages)
    assert tree(roots[3] / SITE) == tree(roots[1] / SITE)
    assert workers == [3, 1, 3, 1]


def test_an_output_that_is_a_file_is_refused_and_kept(project: Path) -> None:
    notes = project / "notes.txt"
    notes.write_bytes(b"kept by hand\n")
    with pytest.raises(OutputError, match="is a file"):
        build_project(project, output_dir=str(notes))
    assert notes.read_bytes() == b"kept by hand\n"
    assert not (project / ".notes.txt.marginalia").exists()


def test_a_page_the_instant_path_wrote_stays_after_the_next_build(
    project: Path, tmp_path: Path
) -> None:
    # serve renders an edit to an article's words at once, in place; the build that
    # follows finds that page's bytes right and stages nothing for it, and must still
    # put that page, not the spare's older copy, in the new site.
    live = LiveState()
    build(project, load_config(project), live=live)
    _body_edited(project)
    instant = update_article_pages(live, [(project / RIVER).resolve()])
    assert instant is not None and instant.changed_paths == (RIVER_PAGE,)

    build_project(project)

    site = project / SITE
    assert "already dry" in (site / RIVER_PAGE).read_text(encoding="utf-8")
    assert_same_site(site, clean_build(project, tmp_path))


def test_a_site_built_by_an_older_version_is_known_for_ours(project: Path, tmp_path: Path) -> None:
    # An upgrade changes the code: the cache's tables are another version's and are
    # dropped, and an older version kept no record beside the site. Its manifest still
    # says what it wrote.
    (project / WORK / "owned").unlink()
    with sqlite3.connect(project / CACHE_DIR / CACHE_FILE) as db:
        db.execute("UPDATE meta SET value = 'an older version' WHERE key = 'version'")
    _body_edited(project)

    build_project(project)

    assert_same_site(project / SITE, clean_build(project, tmp_path))


@pytest.mark.parametrize("how", ["full", "no-cache"])
def test_a_page_the_instant_path_wrote_stays_after_a_build_without_the_manifest(
    project: Path, tmp_path: Path, how: str
) -> None:
    # Without the manifest nothing says which outputs were replaced since the last build.
    live = LiveState()
    build(project, load_config(project), live=live)
    _body_edited(project)
    assert update_article_pages(live, [(project / RIVER).resolve()]) is not None
    assert not list((project / SITE).rglob(".*.tmp"))  # nothing of the write left in site/
    if how == "no-cache":
        shutil.rmtree(project / CACHE_DIR)

    build_project(project, full=how == "full")

    assert "already dry" in (project / SITE / RIVER_PAGE).read_text(encoding="utf-8")
    assert_same_site(project / SITE, clean_build(project, tmp_path))
