"""schema.org data for search engines and fact-check aggregators, as plain dicts. Pure."""

from __future__ import annotations

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


def claim_reviews(
    fact_checks: Sequence[FactCheck],
    *,
    page_url: str,
    publisher: str,
    date_published: str,
) -> tuple[JsonObject, ...]:
    """One ClaimReview per fact-check note on an article page."""
    reviews = []
    for check in fact_checks:
        reviews.append(
            {
                "@context": SCHEMA,
                "@type": "ClaimReview",
                "url": page_url,
                "claimReviewed": check.claim,
                "reviewBody": check.note,
                "datePublished": date_published,
                "author": {"@type": "Organization", "name": publisher},
                "itemReviewed": {
                    "@type": "Claim",
                    "appearance": {"@type": "CreativeWork", "url": page_url},
                    "text": check.passage,
                },
                "reviewRating": {
                    "@type": "Rating",
                    "alternateName": check.rating,
                },
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
    """A BreadcrumbList from (name, absolute URL) pairs, home first."""
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(items, start=1)
        ],
    }


def json_ld(data: JsonObject) -> Markup:
    """JSON for a <script type="application/ld+json"> element.

    "<" is escaped so no text can close the script element early.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
