"""The page head search engines read, on a real build of a project with every field that
feeds it: the original address, fact-checks with ratings, a base path."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pyld import jsonld

from generator.cli import main
from generator.plan.structured import RATING_SCALE, review_rating
from tests.support import REPO

BASE_URL = "https://example.github.io/archive/"
ORIGINAL = "https://www.example.com/news/2023/09/12/talks?id=1&x=</script><b>"

ARTICLE = f"""\
---
title: Talks on arms resume
date: 2023-09-12
updated: 2023-09-14
source: Al Jazeera
url: '{ORIGINAL}'
authors: [Matthew Miller, Jane Roe]
actors: [matthew-miller, north-korea]
annotations:
- quote: the first since 2019
  kind: fact-check
  claim: The talks were the first since 2019.
  rating: Mostly-True
  claim_author: matthew-miller
  claim_date: 2023-09-10
  note: They met in 2020 too.
- quote: sanctions had worked
  kind: fact-check
  claim: Sanctions worked.
  rating: Pants on Fire!
  claim_author: Jane Public
  note: They did not.
- quote: officials said
  kind: fact-check
  claim: Officials said so.
  rating: Unproven
  claim_author: DPRK
  note: No official is named.
---
Talks on arms resumed on Tuesday, officials said. Miller said the talks were the first
since 2019 and that sanctions had worked.
"""
ARTICLE_PATH = "2023/09/12/talks-on-arms-resume/index.html"
SEED_PATH = "2023/09/11/us-threatens-sanctions-if-north-korea-sells-arms-to-russia/index.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("head")
    for folder in ("templates", "content"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    (root / "content/articles/2023/09/talks-on-arms-resume.md").write_text(ARTICLE, "utf-8")
    assert main(["--root", str(root), "build", "--base-url", BASE_URL]) == 0
    return root / "site"


def structured(page: BeautifulSoup) -> list[dict]:
    return [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]


def by_type(page: BeautifulSoup, kind: str) -> list[dict]:
    return [item for item in structured(page) if item["@type"] == kind]


def test_the_original_address_is_what_the_article_is_based_on(site: Path, soup) -> None:
    page = soup(site / ARTICLE_PATH)
    (article,) = by_type(page, "NewsArticle")
    assert article["isBasedOn"] == ORIGINAL
    # Escaped: the address cannot close the script element or add markup.
    html = (site / ARTICLE_PATH).read_text("utf-8")
    assert "</script><b>" not in html


def test_an_article_without_an_address_claims_no_original(site: Path, soup) -> None:
    page = soup(site / SEED_PATH)
    (article,) = by_type(page, "NewsArticle")
    assert "isBasedOn" not in article


SCHEMA = "https://schema.org/"


def offline_loader(url: str, options: object = None) -> dict:
    """The schema.org context, offline: every term is a schema.org property or type
    (its @vocab). The real context adds only type coercions this test does not need."""
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": {"@context": {"@vocab": SCHEMA}},
    }


def expanded(item: dict) -> dict:
    """An item as JSON-LD processors read it: every key a full schema.org IRI."""
    (node,) = jsonld.expand(item, {"documentLoader": offline_loader})
    return node


def values(node: dict, name: str) -> list:
    return node.get(SCHEMA + name, [])


def value(node: dict, name: str) -> object:
    (item,) = values(node, name)
    return item.get("@value", item)


def moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    assert moment.tzinfo is not None, f"{text} has no time zone"
    return moment


def test_every_structured_item_is_valid_json_ld(site: Path, soup) -> None:
    for path in (ARTICLE_PATH, SEED_PATH, "index.html", "actors/matthew-miller/index.html"):
        for item in structured(soup(site / path)):
            node = expanded(item)
            assert node["@type"] == [SCHEMA + item["@type"]]


def test_news_article_dates_carry_a_time_zone(site: Path, soup) -> None:
    (article,) = by_type(soup(site / ARTICLE_PATH), "NewsArticle")
    assert moment(article["datePublished"]) == dt.datetime(2023, 9, 12, tzinfo=dt.UTC)
    assert article["datePublished"] == "2023-09-12T00:00:00+00:00"
    assert moment(article["dateModified"]) == dt.datetime(2023, 9, 14, tzinfo=dt.UTC)
    (seed,) = by_type(soup(site / SEED_PATH), "NewsArticle")
    # Never changed: modified when published.
    assert seed["dateModified"] == seed["datePublished"] == "2023-09-11T00:00:00+00:00"


def test_authors_known_as_actors_link_to_their_page(site: Path, soup) -> None:
    (article,) = by_type(soup(site / ARTICLE_PATH), "NewsArticle")
    assert article["author"] == [
        {"@type": "Person", "name": "Matthew Miller", "url": BASE_URL + "actors/matthew-miller/"},
        {"@type": "Person", "name": "Jane Roe"},
    ]


def test_claim_reviews_have_what_google_requires_and_recommends(site: Path, soup) -> None:
    reviews = by_type(soup(site / ARTICLE_PATH), "ClaimReview")
    assert len(reviews) == 3
    for review in reviews:
        node = expanded(review)
        # Required by Google: claimReviewed, reviewRating (with alternateName), url.
        assert value(node, "claimReviewed")
        assert value(node, "url") == BASE_URL + ARTICLE_PATH.removesuffix("index.html")
        (rating,) = values(node, "reviewRating")
        assert value(rating, "alternateName") and value(rating, "name")
        # Recommended: author (name, url), itemReviewed (a Claim with its appearance).
        (author,) = values(node, "author")
        assert value(author, "name") == "Marginalia"
        assert value(author, "url") == BASE_URL
        (claim,) = values(node, "itemReviewed")
        assert claim["@type"] == [SCHEMA + "Claim"]
        (appearance,) = values(claim, "appearance")
        assert value(appearance, "url") == value(node, "url")
        moment(review["datePublished"])
        # A number only where the verdict is on the scale, and within it.
        if "ratingValue" in review["reviewRating"]:
            assert 1 <= value(rating, "ratingValue") <= value(rating, "bestRating") == 5
            assert value(rating, "worstRating") == 1
    mostly, fire, unproven = (review["reviewRating"] for review in reviews)
    assert (mostly["alternateName"], mostly["ratingValue"]) == ("Mostly-True", 4)
    assert (fire["alternateName"], fire["ratingValue"]) == ("Pants on Fire!", 1)
    assert unproven == {"@type": "Rating", "alternateName": "Unproven", "name": "Unproven"}


def test_claims_carry_their_author_and_date_where_given(site: Path, soup) -> None:
    claims = [
        review["itemReviewed"] for review in by_type(soup(site / ARTICLE_PATH), "ClaimReview")
    ]
    assert claims[0]["author"] == {
        "@type": "Person",
        "name": "Matthew Miller",
        "url": BASE_URL + "actors/matthew-miller/",
    }
    assert claims[0]["datePublished"] == "2023-09-10"
    assert claims[1]["author"] == {"@type": "Person", "name": "Jane Public"}
    assert "datePublished" not in claims[1]
    # An alias of a country actor of the page: the country speaks as an organisation.
    assert claims[2]["author"] == {
        "@type": "Organization",
        "name": "North Korea",
        "url": BASE_URL + "actors/north-korea/",
    }


@pytest.mark.parametrize(
    ("verdict", "number"),
    [
        ("True", 5),
        ("mostly true", 4),
        ("Half-true", 3),
        ("MOSTLY FALSE", 2),
        ("False.", 1),
        # The README's examples of synonyms.
        ("Misleading", 2),
        ("Pants on fire", 1),
    ],
)
def test_the_five_verdicts_of_googles_scale_map_onto_it(verdict: str, number: int) -> None:
    assert review_rating(verdict)["ratingValue"] == number
    assert set(RATING_SCALE.values()) == {1, 2, 3, 4, 5}


def test_heads_repeat_nothing(site: Path, soup) -> None:
    """No twitter: copies of og: tags, no NewsArticle keys that repeat others, and
    JSON-LD without the spaces only people would read."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        page = soup(path)
        for repeated in ("twitter:title", "twitter:description", "twitter:image"):
            assert page.find("meta", attrs={"name": repeated}) is None, path
        for script in page.find_all("script", type="application/ld+json"):
            item = json.loads(script.string)
            compact = json.dumps(item, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            escaped = compact.replace("<", "\\u003c").replace(">", "\\u003e")
            assert script.string == escaped.replace("&", "\\u0026"), path
    (article,) = by_type(soup(site / ARTICLE_PATH), "NewsArticle")
    for repeated in ("mainEntityOfPage", "sourceOrganization", "description"):
        assert repeated not in article
    (crumbs,) = by_type(soup(site / ARTICLE_PATH), "BreadcrumbList")
    assert "item" not in crumbs["itemListElement"][-1]
