"""Any article body, and any note, quote or event anchored in it, renders safely.

Property-based: hypothesis writes the article files, which go through the build's own
path: content.loading.load_articles reads them from disk, render.BodyRenderer turns the body
into HTML with actor links and anchored notes, quotes and events. Whatever the body
and the anchors, the result is HTML, or content errors that name the file and the
line; nothing else escapes, no example hangs, and the HTML never carries a script, an
event handler or a javascript: (or data:, vbscript:) link from the input.
"""

from __future__ import annotations

import html.parser
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.body import annotations
from generator.body.annotations import Target, anchor_all
from generator.build.render import BodyRenderer
from generator.content.actors import Actor, ActorType, build_matcher
from generator.content.frontmatter import render_front_matter
from generator.content.loading import load_articles
from generator.errors import BuildErrors, ContentError, MarginaliaError
from generator.urls import Linker
from tests.support.limits import EXAMPLES, no_hang

ACTORS = (
    Actor("vladimir-putin", "Vladimir Putin", ActorType.PERSON, short=("Putin",)),
    Actor("russia", "Russia", ActorType.COUNTRY, aliases=("Moscow",)),
    Actor("united-nations", "United Nations", ActorType.ORGANIZATION, aliases=("UN",)),
    Actor("washington", "United States", ActorType.COUNTRY, aliases=("Washington",)),
)
RENDERER = BodyRenderer(
    build_matcher(ACTORS),
    Linker(base_path="/", base_url="http://127.0.0.1:8000/"),
    {actor.id: actor for actor in ACTORS},
)

_DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "frame", "base", "meta", "link"}
_DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Audit(html.parser.HTMLParser):
    """Every tag and attribute a browser would see in the HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DANGEROUS_TAGS:
            self.problems.append(f"a <{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"an event handler {name}")
            # Browsers ignore whitespace and control characters in a scheme.
            folded = "".join(ch for ch in value or "" if ch > " ").lower()
            if folded.startswith(_DANGEROUS_SCHEMES):
                self.problems.append(f"{name}={value!r}")


def assert_safe(body_html: str) -> None:
    assert "<script" not in body_html.lower()
    audit = _Audit()
    audit.feed(body_html)
    audit.close()
    assert not audit.problems, audit.problems


def check_errors(error: MarginaliaError) -> None:
    errors = error.errors if isinstance(error, BuildErrors) else (error,)
    for one in errors:
        assert isinstance(one, ContentError), f"{type(one).__name__}: {one}"
        assert one.path is not None and one.what and one.fix, one.message()


def build_body(front: dict[str, object], body: str) -> str | None:
    """The body's HTML as the build makes it, or None when the article is reported."""
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        path = content / "articles" / "2024" / "01" / "an-article.md"
        path.parent.mkdir(parents=True)
        text = render_front_matter({"title": "A title", "date": "2024-01-02", **front}, body)
        path.write_text(text, encoding="utf-8")
        try:
            with no_hang():
                (article,) = load_articles(content, ACTORS)
                rendered = RENDERER.render(article)
        except MarginaliaError as error:
            check_errors(error)
            return None
    for problem in rendered.problems:
        check_errors(problem)
        assert problem.line is not None, problem.message()
    assert_safe(rendered.html)
    return rendered.html


# Markdown bodies

FRAGMENTS = st.sampled_from(
    [
        "*", "**", "***", "_", "__", "~~", "`", "``", "```", "```python\n", "~~~", "\n```\n",
        "> ", ">>>> ", "- ", "  - ", "    - ", "1. ", "2) ", "* ", "+ ", "    ", "\t", "\n", "\n\n",
        "[", "]", "(", ")", "![", "<", ">", "&", "&amp;", "&#x3C;", "&#0;", "&#xD800;",
        "&lt;script&gt;", "&nbsp;", "&copy", "<script>alert(1)</script>", "<SCRIPT SRC=x>",
        "<a href=\"javascript:alert(1)\">x</a>", "<img src=x onerror=alert(1)>",
        "<div onclick='x'>", "</p>", "<!-- c -->", "<?php ?>", "<![CDATA[ x ]]>",
        "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java\tscript:1)",
        "[x](&#106;avascript:alert(1))", "[x](java%0ascript:1)", "[x]( javascript:1 )",
        "<javascript:alert(1)>", "[x]: javascript:alert(1)\n", "[x][]", "[x]",
        "![i](data:text/html,x)", "![i](vbscript:x)", "[m](mailto:a@b.c)", "<a@b.c>",
        "[l](http://e.com/\"onmouseover=\"x)", "[l](/a \"t\")", "[l](<b c>)", "https://e.com",
        "| a | b |\n|---|:-:|\n| c | d |\n", "|x|\n|-|\n", "[^1]", "[^1]: a note\n", "[^n]:\n",
        "\\", "\\*", "\\<", "# ", "###### ", "####### ", "---\n", "***\n", "===\n", "  \n",
        "Vladimir Putin", "Putin", "Putin’s", "Russia", "Moscow", "UN", "Washington, DC – ",
        "United Nations", "\u00a0", "\u200b", "\u00ad", "‘", "’", "“", "”", "—", "\x00", "\r",
        "\u2028", "\ufeff",
    ]
)  # fmt: skip
MARKDOWN = st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=60).map("".join)


@st.composite
def deep(draw: st.DrawFn) -> str:
    """Nesting far past what any reader needs: quotes, lists, emphasis, links."""
    depth = draw(st.integers(1, 3000))
    opener = draw(st.sampled_from([">", "> ", "- ", "1. ", "*", "_", "[", "![", "~~", "`"]))
    return opener * depth + draw(st.sampled_from(["x", "Russia", " Putin"])) + opener * depth


@EXAMPLES
@given(st.text())
def test_any_text_as_a_body_renders_safely(body: str) -> None:
    build_body({"actors": ["vladimir-putin", "russia"]}, body)


@EXAMPLES
@given(st.one_of(MARKDOWN, deep()))
def test_any_markdown_renders_safely(body: str) -> None:
    build_body({"actors": ["vladimir-putin", "russia", "united-nations"]}, body)


@EXAMPLES
@given(MARKDOWN)
def test_markdown_in_a_note_renders_safely(note: str) -> None:
    body = "Russia said the talks would go on."
    build_body({"annotations": [{"quote": "the talks", "kind": "note", "note": note}]}, body)


# Notes, quotes and events whose words are anything at all


@st.composite
def anchored(draw: st.DrawFn) -> tuple[dict[str, object], str]:
    """A body, and notes, quotes and events whose words are sometimes in it."""
    body = draw(st.one_of(MARKDOWN, st.text(max_size=200)))
    plain = body or "x"

    def words() -> str:
        if draw(st.booleans()):
            start = draw(st.integers(0, len(plain) - 1))
            return plain[start : start + draw(st.integers(0, 40))]
        return draw(st.one_of(st.text(max_size=30), FRAGMENTS))

    def maybe() -> str | None:
        return words() if draw(st.booleans()) else None

    notes = [
        {"quote": words(), "note": "N.", "prefix": maybe(), "suffix": maybe()}
        for _ in range(draw(st.integers(0, 3)))
    ]
    quotes = [
        {"speaker": "vladimir-putin", "text": words(), "prefix": maybe(), "suffix": maybe()}
        for _ in range(draw(st.integers(0, 3)))
    ]
    events = [
        {"subject": "russia", "object": "united-nations", "action": "meets", "quote": words()}
        for _ in range(draw(st.integers(0, 2)))
    ]
    front: dict[str, object] = {}
    for key, entries in (("annotations", notes), ("quotes", quotes), ("events", events)):
        if entries:
            front[key] = [{k: v for k, v in entry.items() if v is not None} for entry in entries]
    return front, body


@settings(EXAMPLES, max_examples=200)
@given(anchored())
def test_notes_quotes_and_events_with_any_words_render_or_are_reported(
    case: tuple[dict[str, object], str],
) -> None:
    build_body(*case)


# Many notes on a long text are looked up by their words: the same answers as a search


TEXT_WORDS = st.sampled_from(
    ["the", "talks", "went", "on", "Putin", "said", "’s", "—", ",", ".", "“", "”", "a", "-", "’"]
)


@st.composite
def text_and_targets(draw: st.DrawFn) -> tuple[str, list[Target]]:
    pieces = draw(
        st.lists(st.tuples(TEXT_WORDS, st.sampled_from([" ", "", "  ", "\n"])), max_size=80)
    )
    text = "".join(word + gap for word, gap in pieces) or "x"

    def part() -> str:
        start = draw(st.integers(0, len(text) - 1))
        return text[start : start + draw(st.integers(1, 30))]

    targets = [
        Target(
            f"annotation {number}",
            part(),
            part() if draw(st.booleans()) else None,
            part() if draw(st.booleans()) else None,
        )
        for number in range(1, draw(st.integers(1, 5)) + 1)
    ]
    return text, targets


@settings(EXAMPLES, max_examples=200)
@given(text_and_targets())
def test_anchoring_by_the_word_index_gives_what_searching_the_text_gives(
    case: tuple[str, list[Target]],
) -> None:
    text, targets = case
    searched = anchor_all(text, targets)
    with mock.patch.object(annotations, "_INDEX_AT", 0):  # index whatever the size
        indexed = anchor_all(text, targets)
    assert indexed == searched
