"""An extension that fails on an article's text is named, with the line it failed on."""

from __future__ import annotations

import json

import pytest

from generator.body import python_markdown
from generator.body.python_markdown import ExtensionFailed

PROSE = "A first paragraph,\non two lines.\n\n- a list\n- of two\n\n"


def failure(text: str, extensions: tuple[str, ...], configs: dict[str, object]) -> ExtensionFailed:
    with pytest.raises(ExtensionFailed) as raised:
        python_markdown.parse(text, extensions, json.dumps(configs, sort_keys=True))
    return raised.value


def test_a_missing_snippet_names_pymdownx_snippets_and_its_line() -> None:
    pytest.importorskip("pymdownx")
    failed = failure(
        PROSE + 'Text before.\n\n--8<-- "no/such/file.md"\n\nAfter.\n',
        ("pymdownx.snippets",),
        {"pymdownx.snippets": {"check_paths": True}},
    )
    assert failed.extension == "pymdownx.snippets"
    assert failed.line == 9
    assert "no/such/file.md" in failed.what


def test_a_bad_option_that_fails_only_on_a_heading_names_toc_and_the_heading() -> None:
    failed = failure(PROSE + "## A heading\n\nMore.\n", ("toc",), {"toc": {"slugify": 5}})
    assert failed.extension == "toc"
    assert failed.line == 7


def test_the_instance_is_usable_after_a_failure() -> None:
    failure("# Heading\n", ("toc",), {"toc": {"slugify": 5}})
    root = python_markdown.parse("*fine*\n", (), "{}")
    assert root.find("p/em") is not None
