"""Markdown for untrusted article text: safe, with actor links, and the same as stock."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from markdown.treeprocessors import InlineProcessor

from generator.actors import Actor, ActorType, build_matcher
from generator.markdown_ext import ArticleMarkup, make_markdown

ACTORS = (
    Actor("vladimir-putin", "Vladimir Putin", ActorType.PERSON, short=("Putin",)),
    Actor("russia", "Russia", ActorType.COUNTRY, aliases=("Moscow",)),
    Actor("united-nations", "United Nations", ActorType.ORGANIZATION),
    Actor("unsc", "United Nations Security Council", ActorType.ORGANIZATION),
)


def render(text: str, actor_ids: frozenset[str] = frozenset()) -> BeautifulSoup:
    linker = ArticleMarkup(
        build_matcher(ACTORS), href=lambda i: f"/actors/{i}/", note_html=str, actor_ids=actor_ids
    )
    return BeautifulSoup(make_markdown(linker).convert(text), "html.parser")


def actor_links(soup: BeautifulSoup) -> list[tuple[str, str]]:
    return [(a.get_text(), a["href"]) for a in soup.select("a.actor")]


def test_first_mention_of_each_listed_actor_is_linked_once() -> None:
    soup = render(
        "Vladimir Putin spoke. Putin spoke again.\n\nRussia agreed; Moscow too.",
        frozenset({"vladimir-putin", "russia"}),
    )
    assert actor_links(soup) == [
        ("Vladimir Putin", "/actors/vladimir-putin/"),
        ("Russia", "/actors/russia/"),
    ]


def test_actor_not_listed_in_the_article_is_not_linked() -> None:
    soup = render("Vladimir Putin met Russia.", frozenset({"russia"}))
    assert actor_links(soup) == [("Russia", "/actors/russia/")]


def test_longer_name_wins_so_the_shorter_actor_is_not_linked_inside_it() -> None:
    soup = render("The United Nations Security Council met.", frozenset({"united-nations", "unsc"}))
    assert actor_links(soup) == [("United Nations Security Council", "/actors/unsc/")]


def test_mentions_inside_links_and_code_are_not_linked_but_later_ones_are() -> None:
    soup = render("[Russia](https://example.org) and `Russia` and *Russia*.", frozenset({"russia"}))
    assert actor_links(soup) == [("Russia", "/actors/russia/")]
    assert soup.find("em").find("a", class_="actor") is not None


def test_possessive_links_the_name_and_keeps_the_apostrophe_as_text() -> None:
    soup = render("Putin’s rival Vladimir Putin’s plan.", frozenset({"vladimir-putin"}))
    assert actor_links(soup) == [("Vladimir Putin", "/actors/vladimir-putin/")]
    assert soup.get_text() == "Putin’s rival Vladimir Putin’s plan."


def test_raw_html_in_the_text_is_shown_as_text() -> None:
    soup = render('<script>alert(1)</script> and <img src=x onerror="alert(1)">')
    assert soup.find("script") is None and soup.find("img") is None
    assert soup.get_text() == '<script>alert(1)</script> and <img src=x onerror="alert(1)">'


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x"])
def test_unsafe_link_targets_are_neutralised(url: str) -> None:
    soup = render(f"[click]({url}) ![img]({url})")
    assert soup.find("a")["href"] == "#"
    assert soup.find("img")["src"] == "#"


MARKDOWN_SAMPLES = [
    "Plain text with no syntax at all.",
    "*em* **strong** ***both*** _under_ __double__ snake_case_word 2 * 3 * 4",
    'A [link](https://example.org "title") and ![image](/a.png) and <https://auto.link>',
    "Reference [link][ref] and [short] and ![img][ref].\n\n[ref]: https://example.org\n[short]: /s",
    "Code `a < b && c` and ``double `tick` `` and an escape \\*not em\\*.",
    "Entities &amp; &copy; &#169; and a bare & ampersand. Mail <someone@example.org>.",
    "Line one  \nline two after a hard break.",
    "A footnote.[^1]\n\n[^1]: The note, with *emphasis*.",
    "| a | b |\n|---|---|\n| *1* | [2](/x) |",
    "> quote with **bold**\n\n- item `code`\n- item [link](/y)\n\n1. one\n2. two",
    "“Curly quotes” — dashes – and … ellipses, ‘single’ too.",
]


@pytest.mark.parametrize("text", MARKDOWN_SAMPLES)
def test_prefiltered_inline_stage_gives_the_same_html_as_stock(text: str) -> None:
    linker = ArticleMarkup(build_matcher(ACTORS), href=str, note_html=str)
    fast = make_markdown(linker)
    stock = make_markdown(linker)
    stock.treeprocessors.register(InlineProcessor(stock), "inline", 20)
    assert type(fast.treeprocessors["inline"]) is not InlineProcessor
    assert fast.convert(text) == stock.convert(text)
