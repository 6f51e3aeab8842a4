"""The 'url' field: the address of the original article, http or https only."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.content.validation import parse_article
from generator.errors import ContentError

PATH = Path("content/articles/2023/09/story.md")


def article_text(url_line: str) -> str:
    return f"---\ntitle: A story\ndate: 2023-09-11\n{url_line}\n---\nBody.\n"


def parsed(url_line: str):
    return parse_article(article_text(url_line), path=PATH, known_actors={})


@pytest.mark.parametrize(
    "address",
    [
        "https://www.aljazeera.com/news/2023/9/11/us-threatens-sanctions",
        "http://example.org/a?b=c&d=e#f",
        "https://例え.jp/記事/1",
    ],
)
def test_http_and_https_addresses_are_kept(address: str) -> None:
    article, errors = parsed(f"url: '{address}'")
    assert errors == []
    assert article is not None and article.url == address


def test_no_url_is_none() -> None:
    article, errors = parsed("source: Example")
    assert errors == [] and article is not None and article.url is None


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "'//example.org/story'",
        "ftp://example.org/story",
        "file:///etc/passwd",
        "www.example.org/story",
        "'https://'",
        "'https://exa mple.org/story'",
        '"https://example.org/\\x00story"',
        "'http://example.org:port/'",
        "[https://example.org]",
        "42",
        "yes",
    ],
)
def test_other_values_are_an_error_on_the_url_line(value: str) -> None:
    article, errors = parsed(f"url: {value}")
    assert article is None
    (error,) = errors
    assert isinstance(error, ContentError)
    assert error.path == PATH and error.line == 4
    assert "url" in str(error)
    assert error.fix
    # Never a Python repr in a message.
    assert "\\x00" not in str(error) and "['" not in str(error)
