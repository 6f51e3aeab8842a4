"""The shortcuts python_markdown takes through Python-Markdown give the very trees that
Python-Markdown's own processors give, on any text."""

from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.preprocessors import NormalizeWhitespace
from markdown.treeprocessors import InlineProcessor, UnescapeTreeprocessor

from generator.body import python_markdown
from generator.body.python_markdown import _OnlyWith, _tree, _Unescape, load_markdown


class _PlainUnescape(_Unescape):
    def unescape(self, text: str) -> str:
        return UnescapeTreeprocessor.unescape(self, text)


def reference(extensions: tuple[str, ...]) -> markdown.Markdown:
    """The same settings with Python-Markdown's own processors where the fast ones were."""
    md = load_markdown(extensions, {})
    md.preprocessors.register(NormalizeWhitespace(md), "normalize_whitespace", 30)
    fences = md.preprocessors[md.preprocessors.get_index_for_name("fenced_code_block")]
    assert isinstance(fences, _OnlyWith)
    md.preprocessors.register(fences._inner, "fenced_code_block", 25)
    md.treeprocessors.register(_PlainUnescape(md), "unescape", 0)
    if not extensions:
        md.treeprocessors.register(InlineProcessor(md), "inline", 20)
        md.parser.blockprocessors.deregister("plain_paragraph")
    return md


FAST = {ext: load_markdown(ext, {}) for ext in ((), ("toc", "abbr"))}
SLOW = {ext: reference(ext) for ext in FAST}


def tree(md: markdown.Markdown, text: str) -> str:
    md.reset()
    try:
        return etree.tostring(_tree(md, text), encoding="unicode")
    finally:
        md.reset()


PIECES = st.sampled_from(
    [
        *"ab cd\n\t\r[]()!*_`\\<>&^:#-|~\"'1.",
        *("\n\n", "](", "[^1]", "[^1]: x\n", "[id]: /u\n", "```\n", "~~~\n", "    ", "  \n"),
        *("&amp;", "http://x.y", "<a@b.c>", "[a](/b)", "*e*", "Word and more words"),
        *("\n- item\n", "\n1. one\n", "> quote\n", "\u201cQuoted\u201d"),
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join), st.sampled_from(list(FAST)))
def test_the_fast_paths_make_python_markdowns_own_tree(text: str, extensions: tuple) -> None:
    assert tree(FAST[extensions], text) == tree(SLOW[extensions], text)


def test_the_fast_paths_are_in_place() -> None:
    md = python_markdown._instance((), "{}")
    assert isinstance(md.treeprocessors["inline"], python_markdown._PlainTextSkipped)
    assert type(md.preprocessors["normalize_whitespace"]) is python_markdown._NormalizeWhitespace
