"""Rendering on its own: templates escape what they show, bodies come from the cache when
they can, and a body with problems is never cached."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from generator.build.render import BodyRenderer, PageRenderer, SiteInfo, make_environment
from generator.content.actors import build_matcher
from generator.content.types import Quote
from generator.errors import ContentError, TemplateError
from generator.plan.contexts import ArticlePage, GeneratedText, Page
from generator.plan.heads import PageHeads
from generator.urls import Linker
from tests.support import parse_page, visible_text
from tests.support.sample_archive import ACTORS, KIM, article

LINKER = Linker(base_path="/gazette/", base_url="https://example.org/gazette/")
SITE = SiteInfo(title="Gazette", description="News", language="en", assets={}, search_page=None)
TEMPLATE = (
    "<h1>{{ page.article.title }}</h1><a href=\"{{ 'actors/' | link }}\">all</a>{{ body_html }}"
)


def renderer(
    tmp_path: Path, cached: dict[str, str] | None = None, **templates: str
) -> PageRenderer:
    for name, text in {"article.html": TEMPLATE, **templates}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    bodies = BodyRenderer(build_matcher(ACTORS), LINKER, {a.id: a for a in ACTORS})
    heads = PageHeads(LINKER.absolute, SITE.title, SITE.description)
    return PageRenderer(make_environment(tmp_path, LINKER), SITE, bodies, cached or {}, heads)


def article_page(title: str, body: str, *, key: str = "key", **fields: object) -> Page:
    item = dataclasses.replace(
        article("a", title, dt.date(2023, 9, 1), **fields), body=body, actors=(KIM.id,)
    )
    context = ArticlePage(item, key, (KIM,), (), (), None, None)
    return Page(path="2023/09/01/a/", template="article.html", title=title, context=context)


def test_a_page_escapes_its_text_and_links_under_the_base_path(tmp_path: Path) -> None:
    html = renderer(tmp_path).render(article_page("<script>alert(1)</script>", "Plain."))
    page = parse_page(html.encode())
    assert page.find("script") is None
    assert visible_text(page.h1) == "<script>alert(1)</script>"
    assert page.a["href"] == "/gazette/actors/"


def test_a_body_links_its_actors_and_is_kept_for_the_cache(tmp_path: Path) -> None:
    pages = renderer(tmp_path)
    html = pages.render(article_page("T", "Kim Jong Un spoke.", key="k1"))
    link = parse_page(html.encode()).select_one("a.actor")
    assert link["href"] == "/gazette/actors/kim-jong-un/"
    assert list(pages.new_bodies) == ["k1"]
    assert pages.problems == []


def test_a_cached_body_is_used_as_it_is(tmp_path: Path) -> None:
    pages = renderer(tmp_path, cached={"k1": "<p>from the cache</p>"})
    html = pages.render(article_page("T", "Kim Jong Un spoke.", key="k1"))
    assert "<p>from the cache</p>" in html
    assert pages.new_bodies == {}


def test_a_body_with_problems_is_reported_and_not_cached(tmp_path: Path) -> None:
    missing = Quote(text="words that are nowhere in the body", speaker=KIM.id, line=7)
    pages = renderer(tmp_path)
    pages.render(article_page("T", "Kim Jong Un spoke.", key="k1", quotes=(missing,)))
    assert pages.new_bodies == {}
    assert pages.problems
    assert all(isinstance(problem, ContentError) for problem in pages.problems)


def test_a_generated_file_is_its_text(tmp_path: Path) -> None:
    page = Page("feed.xml", "", "Feed", GeneratedText.of("<feed/>"))
    assert renderer(tmp_path).render(page) == "<feed/>"


def test_an_undefined_name_in_a_template_is_a_template_error(tmp_path: Path) -> None:
    pages = renderer(tmp_path, **{"article.html": "<p>\n{{ no_such_name }}</p>"})
    with pytest.raises(TemplateError) as raised:
        pages.render(article_page("T", "Text."))
    assert "article.html" in str(raised.value)
    assert "no_such_name" in str(raised.value)
