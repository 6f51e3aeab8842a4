"""Headings in order: every built page opens with an h1 and never goes more than one level
deeper than the heading before it (h1 then h3 leaves screen reader users lost)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.support import REPO

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def skipped_levels(page: BeautifulSoup) -> list[str]:
    """Each heading that is more than one level below the one before it (the first must
    be an h1), as 'h1 -> h3 "title"'."""
    problems = []
    previous = 0
    for heading in page.find_all(HEADINGS):
        level = int(heading.name[1])
        if level > previous + 1:
            text = " ".join(heading.get_text().split())[:60]
            problems.append(
                f'h{previous} -> h{level} "{text}"' if previous else f"starts at h{level}"
            )
        previous = level
    return problems


def test_a_skipped_level_is_found() -> None:
    page = BeautifulSoup("<h1>A</h1><h2>B</h2><h4>C</h4><h2>D</h2><h3>E</h3>", "html.parser")
    assert skipped_levels(page) == ['h2 -> h4 "C"']
    assert skipped_levels(BeautifulSoup("<h2>A</h2>", "html.parser")) == ["starts at h2"]


def check_site(site: Path, soup) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    problems = [
        f"{page.relative_to(site)}: {problem}"
        for page in pages
        for problem in skipped_levels(soup(page))
    ]
    assert problems == []


@pytest.mark.parametrize("project", ["built_project", "archive_project", "hostile_project"])
def test_no_built_page_skips_a_heading_level(
    project: str, request: pytest.FixtureRequest, soup
) -> None:
    check_site(request.getfixturevalue(project) / "site", soup)


def test_no_golden_page_skips_a_heading_level(soup) -> None:
    """The golden site has editions with several articles, pagers and topic pages."""
    check_site(REPO / "tests" / "golden", soup)
