"""schema.org data for search engines and fact-check aggregators, as plain dicts. Pure."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence

from markupsafe import Markup

Absolute = Callable[[str], str]  # page path -> absolute URL
JsonObject = Mapping[str, object]


def claim_reviews(
    fact_checks: Sequence[object],
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
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": page_url,
                "claimReviewed": check.claim,  # type: ignore[attr-defined]
                "reviewBody": check.note,  # type: ignore[attr-defined]
                "datePublished": date_published,
                "author": {"@type": "Organization", "name": publisher},
                "itemReviewed": {
                    "@type": "Claim",
                    "appearance": {"@type": "CreativeWork", "url": page_url},
                    "text": check.passage,  # type: ignore[attr-defined]
                },
                "reviewRating": {
                    "@type": "Rating",
                    "alternateName": check.rating,  # type: ignore[attr-defined]
                },
            }
        )
    return tuple(reviews)


def json_ld(data: JsonObject) -> Markup:
    """JSON for a <script type="application/ld+json"> element.

    "<" is escaped so no text can close the script element early.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
