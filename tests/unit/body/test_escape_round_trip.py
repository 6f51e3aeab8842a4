"""Ingest's escaping renders back to exactly the seed text in both Markdown engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.body.engines import COMMONMARK, PYTHON_MARKDOWN, MarkdownEngine, parse
from generator.body.markdown_tree import to_html
from generator.ingest.ingest import escape_markdown
from generator.ingest.seedtext import parse_seed
from tests.support import REPO

SEEDS = sorted((REPO / "tests" / "fixtures" / "seeds").glob("*.txt"))
ENGINES = [MarkdownEngine(PYTHON_MARKDOWN), MarkdownEngine(COMMONMARK)]
IDS = [engine.name for engine in ENGINES]


def rendered_text(escaped: str, engine: MarkdownEngine) -> str:
    html = to_html(parse(escaped, engine))
    soup = BeautifulSoup(html, "html.parser")
    assert [tag.name for tag in soup.find_all(recursive=False)] == ["p"], html
    return soup.p.get_text()


def seed_paragraphs(path: Path) -> list[str]:
    seed = parse_seed(path.read_text(encoding="utf-8"), name=path.name)
    return [text for text in (seed.title, seed.dek, *seed.paragraphs) if text]


def test_there_are_seed_fixtures() -> None:
    assert len(SEEDS) >= 5


@pytest.mark.parametrize("engine", ENGINES, ids=IDS)
@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_every_seed_paragraph_renders_back_to_its_text(path: Path, engine: MarkdownEngine) -> None:
    for paragraph in seed_paragraphs(path):
        assert rendered_text(escape_markdown(paragraph), engine) == paragraph


# Text a seed may hold: words, Markdown's punctuation, entities, tags, line breaks.
_PIECES = st.sampled_from(
    ["word", "Putin", " ", " ", "\n", "*", "_", "`", "#", "-", "+", ">", "<", "&", ";", "!",
     "[", "]", "(", ")", "\\", "|", "~", "=", ":", "1.", "2)", "&amp;", "&copy;", "&#169;",
     "<b>", "</div>", "<!--", "-->", "http://x.org", "a@b.org", "^", "\u00a0", "é", "“", "'"]
)  # fmt: skip


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    text = "".join(draw(st.lists(_PIECES, min_size=1, max_size=30)))
    # A seed paragraph: lines without outer white space, none empty, something to show.
    lines = [line.strip(" \t\u00a0") for line in text.split("\n")]
    paragraph = "\n".join(line for line in lines if line)
    return paragraph if paragraph.strip() else "word"


@pytest.mark.parametrize("engine", ENGINES, ids=IDS)
@settings(max_examples=300, deadline=None)
@given(paragraph=paragraphs())
def test_any_escaped_paragraph_renders_back_to_its_text(
    engine: MarkdownEngine, paragraph: str
) -> None:
    assert rendered_text(escape_markdown(paragraph), engine) == paragraph


INLINE_HTML_LOOKALIKES = ["word<!--*-->", "a <b*x> b", "<span_x> and", "<?php *x* ?>", "</i_>"]


# A '<' that would open inline raw HTML in CommonMark keeps the backslashes inside it.
@pytest.mark.parametrize("engine", ENGINES, ids=IDS)
def test_inline_html_lookalikes_render_back_to_their_text(engine: MarkdownEngine) -> None:
    for paragraph in INLINE_HTML_LOOKALIKES:
        assert rendered_text(escape_markdown(paragraph), engine) == paragraph


@pytest.mark.parametrize("engine", ENGINES, ids=IDS)
def test_markdown_lookalikes_render_back_to_their_text(engine: MarkdownEngine) -> None:
    from tests.unit.ingest.test_ingest import SETEXT_EQUALS, TRICKY

    for paragraph in (*TRICKY, *SETEXT_EQUALS):
        assert rendered_text(escape_markdown(paragraph), engine) == paragraph


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_an_ingested_body_has_the_same_anchor_text_in_both_engines(path: Path) -> None:
    # Ingest chooses quote prefixes in one engine's text (anchor_text); the build anchors
    # them in the site's: the two texts must be the same.
    from generator.body.body_markup import TextFlow

    seed = parse_seed(path.read_text(encoding="utf-8"), name=path.name)
    body = "\n\n".join(escape_markdown(paragraph) for paragraph in seed.paragraphs)
    texts = []
    for engine in ENGINES:
        flow = TextFlow()
        flow.collect(parse(body, engine), None, linkable=True)
        texts.append("".join(flow.pieces))
    assert texts[0] == texts[1]
