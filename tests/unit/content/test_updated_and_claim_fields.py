"""'updated' on articles, 'claim_author' and 'claim_date' on fact-checks: kept when
right, an error on their own line when wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.content.validation import parse_article
from generator.errors import ContentError

PATH = Path("content/articles/2023/09/story.md")


def parsed(extra: str, claim: str = ""):
    text = (
        "---\ntitle: A story\ndate: 2023-09-11\n"
        f"{extra}\n"
        "annotations:\n"
        "- quote: Body\n"
        "  kind: fact-check\n"
        "  claim: A claim\n"
        "  rating: 'False'\n"
        "  note: Not so.\n"
        f"{claim}"
        "---\nBody.\n"
    )
    return parse_article(text, path=PATH, known_actors={})


def one_error(extra: str, claim: str = "") -> ContentError:
    article, errors = parsed(extra, claim)
    assert article is None
    (error,) = errors
    assert isinstance(error, ContentError) and error.path == PATH and error.fix
    return error


def test_updated_and_claim_fields_are_kept() -> None:
    article, errors = parsed(
        "updated: 2023-09-14", "  claim_author: Jane Public\n  claim_date: 2023-09-10\n"
    )
    assert errors == [] and article is not None
    assert article.updated == dt.date(2023, 9, 14)
    (note,) = article.annotations
    assert (note.claim_author, note.claim_date) == ("Jane Public", dt.date(2023, 9, 10))


def test_without_them_they_are_none() -> None:
    article, errors = parsed("source: X")
    assert errors == [] and article is not None and article.updated is None
    assert article.annotations[0].claim_author is None
    assert article.annotations[0].claim_date is None


@pytest.mark.parametrize("bad", ["soon", "2023-13-01", "[2023-09-14]", "14"])
def test_updated_that_is_not_a_date_is_an_error_on_its_line(bad: str) -> None:
    error = one_error(f"updated: {bad}")
    assert error.line == 4 and "'updated' must be a date" in str(error)


def test_updated_before_the_publication_date_is_an_error() -> None:
    error = one_error("updated: 2023-09-10")
    assert error.line == 4 and "before 'date'" in str(error)


@pytest.mark.parametrize("bad", ["yesterday", "[2023-09-10]", "2023-02-30"])
def test_claim_date_that_is_not_a_date_is_an_error_on_the_annotation_line(bad: str) -> None:
    error = one_error("source: X", f"  claim_date: {bad}\n")
    assert error.line == 6 and "claim_date" in str(error)


@pytest.mark.parametrize("bad", ["[a, b]", "{name: x}", "no"])
def test_claim_author_that_is_not_a_name_is_an_error(bad: str) -> None:
    error = one_error("source: X", f"  claim_author: {bad}\n")
    assert error.line == 6 and "claim_author" in str(error)
