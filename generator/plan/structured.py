"""schema.org data for search engines and fact-check aggregators, as plain dicts. Pure."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

Absolute = Callable[[str], str]  # page path -> absolute URL
JsonObject = Mapping[str, object]


SCHEMA = "https://schema.org"
WIKIDATA = "https://www.wikidata.org/wiki/"


@dataclass(frozen=True, slots=True)
class FactCheck:
    """A fact-check note, for the article's ClaimReview data."""

    claim: str
    rating: str
    note: str
    passage: str  # the quoted words it checks
    claim_author: JsonObject | None = None  # a schema.org Person or Organization
    claim_date: dt.date | None = None


def published_time(date: dt.date) -> str:
    """A day as the moment schema.org and Google want: a date-time with a time zone.

    Articles carry a day and no time, and site.yaml names no time zone, so the day
    starts at midnight UTC: 2023-09-11T00:00:00+00:00. Without a zone Google guesses
    the crawler's, and the day can shift in search results."""
    return dt.datetime.combine(date, dt.time(), tzinfo=dt.UTC).isoformat()


# Textual verdicts on the 1-5 scale of Google's fact-check documentation (1 = "False",
# 2 = "Mostly false", 3 = "Half true", 4 = "Mostly true", 5 = "True"), with the common
# synonyms of fact-checkers (PolitiFact, Full Fact, Snopes) on the same rung. Keys are
# rating_key() of the verdict, so case, hyphens and punctuation do not matter.
WORST_RATING = 1
BEST_RATING = 5
RATING_SCALE: Mapping[str, int] = {
    "true": 5,
    "correct": 5,
    "accurate": 5,
    "mostly true": 4,
    "mostly correct": 4,
    "mostly accurate": 4,
    "half true": 3,
    "mixture": 3,
    "mixed": 3,
    "partly true": 3,
    "partly false": 3,
    "partially true": 3,
    "partially false": 3,
    "mostly false": 2,
    "mostly incorrect": 2,
    "misleading": 2,
    "false": 1,
    "incorrect": 1,
    "inaccurate": 1,
    "fake": 1,
    "fabricated": 1,
    "pants on fire": 1,
}


def rating_key(rating: str) -> str:
    """A verdict in lower case, words only: "Mostly-True!" -> "mostly true"."""
    return " ".join("".join(c if c.isalnum() else " " for c in rating.casefold()).split())


def review_rating(rating: str) -> dict[str, object]:
    """A schema.org Rating for a textual verdict: its place on the 1-5 scale where the
    table knows it; otherwise the words alone, for no number is better than a guess."""
    data: dict[str, object] = {"@type": "Rating", "alternateName": rating, "name": rating}
    value = RATING_SCALE.get(rating_key(rating))
    if value is not None:
        data |= {"ratingValue": value, "bestRating": BEST_RATING, "worstRating": WORST_RATING}
    return data


def claim_reviews(
    fact_checks: Sequence[FactCheck],
    *,
    page_url: str,
    publisher: JsonObject,
    date_published: str,
) -> tuple[JsonObject, ...]:
    """One ClaimReview per fact-check note on an article page, with the properties
    Google requires (claimReviewed, reviewRating.alternateName, url) and recommends
    (author, itemReviewed: a Claim with its author, date and appearance)."""
    reviews = []
    for check in fact_checks:
        claim: dict[str, object] = {
            "@type": "Claim",
            "appearance": {"@type": "CreativeWork", "url": page_url},
            "text": check.passage,
        }
        if check.claim_author is not None:
            claim["author"] = check.claim_author
        if check.claim_date is not None:
            claim["datePublished"] = check.claim_date.isoformat()
        reviews.append(
            {
                "@context": SCHEMA,
                "@type": "ClaimReview",
                "url": page_url,
                "claimReviewed": check.claim,
                "reviewBody": check.note,
                "datePublished": date_published,
                "author": publisher,
                "itemReviewed": claim,
                "reviewRating": review_rating(check.rating),
            }
        )
    return tuple(reviews)


def wikidata_url(item: str) -> str:
    """The Wikidata page of an item such as Q42."""
    return WIKIDATA + item


# schema.org types for actor types; a group is an organisation to schema.org.
ACTOR_SCHEMA_TYPES = {
    "person": "Person",
    "country": "Country",
    "organization": "Organization",
    "group": "Organization",
}


def thing(
    actor_type: str, name: str, url: str, *, aliases: Sequence[str] = (), wikidata: str | None
) -> dict[str, object]:
    """An actor as a schema.org Person, Country or Organization."""
    data: dict[str, object] = {"@type": ACTOR_SCHEMA_TYPES[actor_type], "name": name, "url": url}
    if aliases:
        data["alternateName"] = list(aliases)
    if wikidata:
        data["sameAs"] = wikidata_url(wikidata)
    return data


def breadcrumbs(items: Sequence[tuple[str, str]]) -> JsonObject:
    """A BreadcrumbList from (name, absolute URL) pairs, home first, the page last.

    The last crumb has no "item": Google's breadcrumb documentation makes it optional
    there and takes the URL of the page it is on, which the trail ends at anyway."""
    last = len(items)
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name}
            | ({"item": url} if position < last else {})
            for position, (name, url) in enumerate(items, start=1)
        ],
    }


def json_ld(data: JsonObject) -> Markup:
    """JSON for a <script type="application/ld+json"> element.

    "<" is escaped so no text can close the script element early.
    """
    # No spaces after "," and ":": machines read it, and a page carries several.
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
