"""Which article a note targets: its page on the published site under any spelling of
the address the README allows (http or https, trailing slash or not, a query or a
fragment), or the article's original `url`."""

from __future__ import annotations

import datetime

import pytest

from generator.ingest.annotations_import import address_key, article_addresses
from tests.support.sample_archive import article

BASE = "https://example.org/gazette/"
STORY = article("story", "Story", datetime.date(2023, 9, 11), url="https://news.example/a/1")
OTHER = article("other", "Other", datetime.date(2023, 9, 12))


@pytest.mark.parametrize(
    "address",
    [
        "https://example.org/gazette/2023/09/11/story/",
        "http://example.org/gazette/2023/09/11/story/",
        "https://example.org/gazette/2023/09/11/story",
        "https://EXAMPLE.org/gazette/2023/09/11/story/?utm_source=feed",
        "https://example.org/gazette/2023/09/11/story/#annotation-2",
        "https://example.org/gazette/2023/09/11/story/index.html",
        "https://news.example/a/1?ref=home#top",
    ],
)
def test_every_spelling_of_an_articles_address_finds_it(address: str) -> None:
    found = article_addresses((STORY, OTHER), BASE)
    assert found.get(address_key(address)) is STORY


def test_another_path_finds_no_article() -> None:
    found = article_addresses((STORY, OTHER), BASE)
    assert address_key("https://example.org/gazette/2023/09/11/story-2/") not in found
    assert address_key("https://example.org/2023/09/11/story/") not in found
