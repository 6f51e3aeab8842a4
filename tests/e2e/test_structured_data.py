"""What search engines and link previews read: canonical links, OpenGraph and Twitter
tags, and schema.org JSON-LD, checked on the built seed site with a base path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.cli import main
from tests.support import REPO

BASE_URL = "https://example.github.io/archive/"
SLUG = "us-threatens-sanctions-if-north-korea-sells-arms-to-russia"
ARTICLE = f"2023/09/11/{SLUG}/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("structured")
    for folder in ("templates", "content"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    assert main(["--root", str(root), "build", "--base-url", BASE_URL]) == 0
    return root / "site"


def json_ld(page: BeautifulSoup) -> dict[str, dict]:
    items = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
    for item in items:
        assert item["@context"] == "https://schema.org"
    return {item["@type"]: item for item in items}


def meta(page: BeautifulSoup, key: str) -> str:
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    assert tag is not None, key
    return tag["content"]


def test_article_carries_news_article_data(site: Path, soup) -> None:
    data = json_ld(soup(site / ARTICLE / "index.html"))["NewsArticle"]
    assert data["headline"] == "US threatens sanctions if North Korea sells arms to Russia"
    assert data["datePublished"] == "2023-09-11T00:00:00+00:00"
    assert data["dateline"] == "Washington, DC"
    assert data["url"] == BASE_URL + ARTICLE
    assert data["publisher"] == {"@type": "NewsMediaOrganization", "name": "Al Jazeera"}
    # The seed names no authors: the source publication stands as the author.
    assert data["author"] == data["publisher"]
    mentions = {item["name"]: item for item in data["mentions"]}
    assert mentions["Matthew Miller"]["@type"] == "Person"
    assert mentions["North Korea"]["@type"] == "Country"
    assert mentions["United Nations Security Council"]["@type"] == "Organization"
    assert mentions["Kim Jong Un"]["sameAs"] == "https://www.wikidata.org/wiki/Q56226"
    assert mentions["Kim Jong Un"]["url"] == BASE_URL + "actors/kim-jong-un/"


def test_article_has_canonical_opengraph_and_twitter_tags(site: Path, soup) -> None:
    page = soup(site / ARTICLE / "index.html")
    assert page.find("link", rel="canonical")["href"] == BASE_URL + ARTICLE
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:url") == BASE_URL + ARTICLE
    assert meta(page, "og:title") == "US threatens sanctions if North Korea sells arms to Russia"
    assert meta(page, "og:description").startswith("Biden administration says")
    assert meta(page, "twitter:card") == "summary"
    # X reads og:title and og:description when twitter:title and twitter:description
    # are absent: they would only repeat them.
    for repeated in ("twitter:title", "twitter:description", "twitter:image"):
        assert page.find("meta", attrs={"name": repeated}) is None


def test_breadcrumbs_are_a_breadcrumb_list(site: Path, soup) -> None:
    crumbs = json_ld(soup(site / ARTICLE / "index.html"))["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"]) for c in crumbs] == [
        (1, "Home"),
        (2, "Previous Editions"),
        (3, "11 September 2023"),
        (4, "US threatens sanctions if North Korea sells arms to Russia"),
    ]
    assert crumbs[0]["item"] == BASE_URL
    assert crumbs[1]["item"] == BASE_URL + "editions/"
    # The last crumb is the page itself, whose URL Google takes when "item" is absent.
    assert "item" not in crumbs[-1]


@pytest.mark.parametrize(
    ("actor", "kind", "extra"),
    [
        ("matthew-miller", "Person", {"jobTitle": "US State Department spokesperson"}),
        ("north-korea", "Country", {"sameAs": "https://www.wikidata.org/wiki/Q423"}),
        ("united-nations-security-council", "Organization", {}),
    ],
)
def test_actor_pages_describe_the_actor(
    site: Path, soup, actor: str, kind: str, extra: dict
) -> None:
    page = soup(site / "actors" / actor / "index.html")
    data = json_ld(page)[kind]
    assert data["url"] == BASE_URL + f"actors/{actor}/"
    for key, value in extra.items():
        assert data[key] == value
    assert meta(page, "og:type") == ("profile" if kind == "Person" else "website")
    assert page.find("link", rel="canonical")["href"] == BASE_URL + f"actors/{actor}/"


def test_home_page_is_a_website(site: Path, soup) -> None:
    data = json_ld(soup(site / "index.html"))["WebSite"]
    assert data == {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": "Marginalia",
        "url": BASE_URL,
    }
