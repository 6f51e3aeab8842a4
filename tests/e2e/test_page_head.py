"""The page head search engines read, on a real build of a project with every field that
feeds it: the original address, fact-checks with ratings, a base path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.cli import main
from tests.support import REPO

BASE_URL = "https://example.github.io/archive/"
ORIGINAL = "https://www.example.com/news/2023/09/12/talks?id=1&x=</script><b>"

ARTICLE = f"""\
---
title: Talks on arms resume
date: 2023-09-12
source: Al Jazeera
url: '{ORIGINAL}'
authors: [Matthew Miller, Jane Roe]
actors: [matthew-miller]
---
Talks on arms resumed on Tuesday, officials said.
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
