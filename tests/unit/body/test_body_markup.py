"""Article bodies as HTML: Markdown that is safe for untrusted text, with actor links."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from generator.body.body_markup import ArticleMarkup, plain_text, render_body
from generator.content.actors import Actor, ActorType, build_matcher
from tests.support.limits import no_hang

ACTORS = (
    Actor("vladimir-putin", "Vladimir Putin", ActorType.PERSON, short=("Putin",)),
    Actor("russia", "Russia", ActorType.COUNTRY, aliases=("Moscow",)),
    Actor("united-nations", "United Nations", ActorType.ORGANIZATION),
    Actor("unsc", "United Nations Security Council", ActorType.ORGANIZATION),
)


def render(text: str, actor_ids: frozenset[str] = frozenset()) -> BeautifulSoup:
    markup = ArticleMarkup(
        build_matcher(ACTORS), href=lambda i: f"/actors/{i}/", actor_ids=actor_ids
    )
    return BeautifulSoup(render_body(text, markup), "html.parser")


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


def test_markdown_constructs_become_their_elements() -> None:
    soup = render(
        '# Title\n\n*em* **strong** `a < b` [link](https://example.org "t")\n\n'
        "> quoted\n\n- one\n- two\n\n3. three\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n"
        "```py\nx = 1 < 2\n```\n\nOne  \ntwo ![pic *a*](/p.png) <someone@example.org>"
    )
    assert soup.h1.get_text() == "Title"
    assert (soup.em.get_text(), soup.strong.get_text()) == ("em", "strong")
    assert soup.find("code").get_text() == "a < b"
    assert (soup.a["href"], soup.a["title"]) == ("https://example.org", "t")
    assert soup.blockquote.get_text(strip=True) == "quoted"
    assert [li.get_text() for li in soup.select("ul > li")] == ["one", "two"]
    assert soup.ol["start"] == "3"
    assert [c.get_text() for c in soup.select("table td")] == ["1", "2"]
    assert soup.select_one("th")["style"] == "text-align:left"  # as the sanitiser writes it
    assert soup.select_one("pre > code.language-py").get_text() == "x = 1 < 2\n"
    assert soup.find("br") is not None
    assert (soup.img["src"], soup.img["alt"]) == ("/p.png", "pic a")
    assert soup.find("a", href="mailto:someone@example.org").get_text() == "someone@example.org"


def test_footnotes_are_numbered_in_reading_order_and_link_both_ways() -> None:
    soup = render("B first.[^b] A.[^a] B again.[^b]\n\n[^a]: Note *a*.\n\n[^b]: Note b.")
    references = [(sup["id"], sup.a["href"], sup.get_text()) for sup in soup.select("p sup")]
    assert references == [
        ("fnref-1", "#fn-1", "1"),
        ("fnref-2", "#fn-2", "2"),
        ("fnref-1-2", "#fn-1", "1"),
    ]
    notes = soup.select("div.footnotes li")
    assert [li["id"] for li in notes] == ["fn-1", "fn-2"]
    assert notes[0].get_text(strip=True).startswith("Note b.")
    assert notes[1].em.get_text() == "a"
    assert notes[0].select_one("a.footnote-back")["href"] == "#fnref-1"


def test_an_undefined_footnote_stays_text() -> None:
    assert render("See [^nothing].").get_text() == "See [^nothing]."


def test_a_block_of_raw_html_is_shown_as_its_text() -> None:
    soup = render('<div onclick="x()">\n*not* markup\n</div>\n\nAfter.')
    assert soup.find("div") is None
    # Python-Markdown (the default) reads the block's lines as Markdown; CommonMark
    # keeps them verbatim. Either way the tags are text.
    assert soup.p.get_text() == '<div onclick="x()">\nnot markup\n</div>'


def test_plain_text_keeps_what_a_reader_sees() -> None:
    assert plain_text("The **River** [dam](https://x.org).\n\n- one") == "The River dam.\n\none"


def test_plain_text_answers_at_once_on_a_long_run_of_spaces() -> None:
    # A pattern that backtracked over the run took minutes on this; one pass takes ms.
    spaces = "\u00a0" * 200_000
    with no_hang(10):
        text = plain_text(f"Before.{spaces}\n{spaces}After.")
    assert text.startswith("Before.") and text.endswith("After.")


@pytest.mark.parametrize(
    "text",
    ["> " * 5000 + "deep", "".join("  " * i + "- item\n" for i in range(3000)), "[" * 5000 + "x"],
)
def test_hostile_nesting_is_flattened_and_keeps_its_text(text: str) -> None:
    soup = render(text + " Russia", frozenset({"russia"}))
    assert soup.get_text().split()[-1] == "Russia"
    assert actor_links(soup) == [("Russia", "/actors/russia/")]
