"""The wire agency printed with a dateline and the reporting credits of a trailer: kept
apart from the place in the front matter, shown together on the page, and in the data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.build.build import build
from generator.config import load_config
from generator.errors import BuildErrors, MarginaliaError
from tests.support import REPO, parse_page, visible_text

ARTICLE = """\
---
title: Grain talks stall in Vienna
date: 2023-09-18
source: Reuters
authors: [Ana Lima]
dateline: VIENNA
agency: Reuters <script>alert(1)</script>
credits:
- Reporting by Ana Lima in Vienna; Editing by Ben Okafor
- Additional reporting by Chen Wei
actors: []
---

Talks on reopening a grain corridor stalled on Monday.
"""


def project(root: Path, article: str) -> Path:
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    folder = root / "content" / "articles" / "2023" / "09"
    folder.mkdir(parents=True)
    (root / "content" / "actors.yaml").write_text("[]\n", encoding="utf-8")
    (folder / "grain-talks-stall.md").write_text(article, encoding="utf-8")
    return root


def test_the_page_shows_place_and_agency_as_one_dateline_and_the_credits(tmp_path: Path) -> None:
    root = project(tmp_path, ARTICLE)
    build(root, load_config(root))
    page = parse_page(root / "site" / "2023" / "09" / "18" / "grain-talks-stall" / "index.html")

    dateline = page.select_one(".story-body .dateline")
    assert dateline is not None
    assert visible_text(dateline) == "VIENNA (Reuters <script>alert(1)</script>)"
    assert page.select(".story-body script") == []
    credits = page.select_one(".story-body .credits")
    assert credits is not None
    assert visible_text(credits) == (
        "Reporting by Ana Lima in Vienna; Editing by Ben Okafor; Additional reporting by Chen Wei"
    )
    # The credits follow the story, not precede it.
    paragraphs = [visible_text(p) for p in page.select(".story-body p")]
    assert (
        paragraphs.index("Talks on reopening a grain corridor stalled on Monday.")
        < len(paragraphs) - 1
    )

    [ld] = [
        json.loads(script.string or "")
        for script in page.select('script[type="application/ld+json"]')
        if "NewsArticle" in (script.string or "")
    ]
    assert ld["dateline"] == "VIENNA (Reuters <script>alert(1)</script>)"

    archive = json.loads((root / "site" / "data" / "archive.json").read_text(encoding="utf-8"))
    [entry] = archive["articles"]
    assert entry["dateline"] == "VIENNA"
    assert entry["agency"] == "Reuters <script>alert(1)</script>"
    assert entry["credits"] == [
        "Reporting by Ana Lima in Vienna; Editing by Ben Okafor",
        "Additional reporting by Chen Wei",
    ]


def test_an_agency_alone_is_shown_without_a_place(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        ARTICLE.replace("dateline: VIENNA\n", "").replace(
            "agency: Reuters <script>alert(1)</script>", "agency: CNN"
        ),
    )
    build(root, load_config(root))
    page = parse_page(root / "site" / "2023" / "09" / "18" / "grain-talks-stall" / "index.html")
    dateline = page.select_one(".story-body .dateline")
    assert dateline is not None and visible_text(dateline) == "(CNN)"


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [("credits", "credits: {by: Ana Lima}", "credits"), ("agency", "agency: yes", "agency")],
)
def test_a_credits_or_agency_of_the_wrong_kind_is_an_error_naming_its_line(
    tmp_path: Path, field: str, value: str, words: str
) -> None:
    text = ARTICLE.replace("agency: Reuters <script>alert(1)</script>", "agency: Reuters")
    text = text.replace(
        "credits:\n- Reporting by Ana Lima in Vienna; Editing by Ben Okafor\n"
        "- Additional reporting by Chen Wei\n",
        "",
    )
    text = text.replace("agency: Reuters\n", "") if field == "agency" else text
    text = text.replace("actors: []\n", f"{value}\nactors: []\n")
    root = project(tmp_path, text)
    with pytest.raises(MarginaliaError) as caught:
        build(root, load_config(root))
    problem = caught.value
    [error] = problem.errors if isinstance(problem, BuildErrors) else [problem]
    assert error.path is not None and error.path.name == "grain-talks-stall.md"
    assert error.line == text.splitlines().index(value) + 1
    assert words in error.what
