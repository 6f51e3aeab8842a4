"""marginalia new: a hand-written article's file, valid, never written over."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.build.build import build
from generator.config import load_config
from generator.content.loading import load_actors, load_articles
from generator.content.new_article import plan_new_article, write_new_article
from generator.errors import ContentError
from tests.support import golden_project

DAY = dt.date(2024, 2, 29)

HOSTILE = [
    'Putin: "I will remind" them',
    "- a leading dash",
    "# not a comment",
    "yes",
    "null",
    "2023-09-11",
    "‘Begging’ — Kim Jong Un’s Zürich trip",
    "@at & *star: |pipe > fold {brace} [list] %percent `tick`",
    "Привет Zürich 東京 42",
]


@pytest.mark.parametrize("headline", HOSTILE)
def test_any_headline_is_read_back_exactly_as_given(tmp_path: Path, headline: str) -> None:
    content = tmp_path / "content"
    new = plan_new_article(
        headline, content_dir=content, date=DAY, source="AP: wire", authors=['Jo "J" Doe']
    )
    path = write_new_article(new)
    assert path.parent == content / "articles" / "2024" / "02"
    (article,) = load_articles(content, ())
    assert article.title == headline
    assert article.date == DAY
    assert article.source == "AP: wire"
    assert article.authors == ('Jo "J" Doe',)


def test_a_new_article_builds_into_its_page(tmp_path: Path) -> None:
    root = golden_project(tmp_path / "project")
    content = root / "content"
    new = plan_new_article(
        "Minister: “we will build” the dam", content_dir=content, date=DAY, source="Reuters"
    )
    write_new_article(new)
    build(root, load_config(root))
    page = root / "site" / "2024" / "02" / "29" / "minister-we-will-build-the-dam" / "index.html"
    assert "Minister: “we will build” the dam" in page.read_text(encoding="utf-8")
    assert load_articles(content, load_actors(content))


def test_a_taken_slug_is_refused_and_the_file_kept(tmp_path: Path) -> None:
    content = tmp_path / "content"
    first = write_new_article(plan_new_article("Dam approved", content_dir=content, date=DAY))
    first.write_text(first.read_text(encoding="utf-8") + "Edited.\n", encoding="utf-8")
    kept = first.read_bytes()
    with pytest.raises(ContentError) as raised:
        write_new_article(
            plan_new_article("Dam: approved!", content_dir=content, date=DAY), root=tmp_path
        )
    assert "content/articles/2024/02/dam-approved.md" in raised.value.what
    assert "--slug" in (raised.value.fix or "") and "headline" in (raised.value.fix or "")
    assert first.read_bytes() == kept
    other = plan_new_article("Dam: approved!", content_dir=content, date=DAY, slug="dam-again")
    assert write_new_article(other).name == "dam-again.md"


@pytest.mark.parametrize("headline", ["", "   ", "東京", "!!!"])
def test_a_headline_without_a_slug_asks_for_one(tmp_path: Path, headline: str) -> None:
    with pytest.raises(ContentError) as raised:
        plan_new_article(headline, content_dir=tmp_path, date=DAY)
    assert raised.value.fix
    assert not (tmp_path / "articles").exists()


def test_a_slug_given_by_hand_must_be_a_slug(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="not lowercase letters"):
        plan_new_article("Fine", content_dir=tmp_path, date=DAY, slug="Bad Slug")
