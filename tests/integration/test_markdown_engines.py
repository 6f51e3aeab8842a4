"""The markdown settings through real builds: the golden site in both engines, a table
of contents from `extensions: [toc]`, and incremental builds equal to clean ones after
the settings change."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build.build import build
from generator.config import load_config
from generator.errors import ContentError
from tests.golden_site import EXPECTED
from tests.support import golden_project, parse_page, site_tree

ARTICLE = "content/articles/2024/03/contents-of-a-report.md"
PAGE = "2024/03/02/contents-of-a-report/index.html"
REPORT = """---
title: Contents of a report
date: 2024-03-02
source: Reuters
authors: [Jane Doe]
actors: [freedonia]
---
[TOC]

## Findings

Freedonia's study found *three* things.

<div>A block of *raw* HTML.</div>

## Next steps

More work.
"""


def with_markdown(project: Path, markdown: str) -> None:
    """The golden settings with a `markdown:` section (none for the default)."""
    settings = (project / "site.yaml").read_text(encoding="utf-8").split("markdown:")[0]
    (project / "site.yaml").write_text(settings + markdown, encoding="utf-8")


def built(project: Path) -> dict[str, bytes]:
    build(project, load_config(project))
    return site_tree(project / "site")


def test_the_golden_site_builds_to_the_same_bytes_with_the_commonmark_engine(
    tmp_path: Path,
) -> None:
    # The default engine's build is test_golden's; the fast engine's is the same site.
    project = golden_project(tmp_path / "project")
    with_markdown(project, "markdown:\n  engine: commonmark\n")
    site = built(project)
    expected = site_tree(EXPECTED)
    assert sorted(site) == sorted(expected)
    assert [name for name in expected if site[name] != expected[name]] == []


def test_extensions_toc_builds_pages_with_a_table_of_contents(tmp_path: Path) -> None:
    project = golden_project(tmp_path / "project")
    (project / ARTICLE).write_text(REPORT, encoding="utf-8")
    with_markdown(project, "markdown:\n  extensions: [toc]\n")
    page = parse_page(built(project)[PAGE])
    toc = page.select_one("div.toc")
    assert toc is not None, "no table of contents"
    targets = [a["href"] for a in toc.select("a")]
    assert targets == ["#findings", "#next-steps"]
    assert all(page.find(id=target[1:]) is not None for target in targets)
    assert "[TOC]" not in page.get_text()
    # The article's actor is still linked, over the same pipeline.
    assert page.select_one("a.actor").get_text() == "Freedonia"


@pytest.mark.parametrize(
    "steps",
    [
        ["markdown:\n  engine: commonmark\n", "", "markdown:\n  extensions: [toc]\n"],
        ["markdown:\n  extensions: [toc]\n", "markdown:\n  engine: commonmark\n"],
    ],
    ids=["commonmark, default, toc", "toc, commonmark"],
)
def test_a_change_of_markdown_settings_rebuilds_to_what_a_clean_build_makes(
    tmp_path: Path, steps: list[str]
) -> None:
    project = golden_project(tmp_path / "project")
    (project / ARTICLE).write_text(REPORT, encoding="utf-8")
    pages = []
    for number, markdown in enumerate(steps):
        with_markdown(project, markdown)
        incremental = built(project)  # over the last step's site and cache
        clean = golden_project(tmp_path / f"clean-{number}")
        (clean / ARTICLE).write_text(REPORT, encoding="utf-8")
        with_markdown(clean, markdown)
        assert incremental == built(clean), f"step {number}: {markdown!r}"
        pages.append(incremental[PAGE])
    assert len(set(pages)) == len(pages), "each change of settings changed the article"


def test_an_extension_that_fails_on_an_article_names_the_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "fragile_extension.py").write_text(
        "from markdown.extensions import Extension\n"
        "from markdown.treeprocessors import Treeprocessor\n"
        "class Fragile(Treeprocessor):\n"
        "    def run(self, root):\n"
        "        if 'Findings' in ''.join(root.itertext()):\n"
        "            raise ValueError('cannot read this heading')\n"
        "class FragileExtension(Extension):\n"
        "    def extendMarkdown(self, md):\n"
        "        md.treeprocessors.register(Fragile(md), 'fragile', 5)\n"
        "def makeExtension(**kwargs):\n"
        "    return FragileExtension(**kwargs)\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    project = golden_project(tmp_path / "project")
    (project / ARTICLE).write_text(REPORT, encoding="utf-8")
    with_markdown(project, "markdown:\n  extensions: [fragile_extension]\n")
    with pytest.raises(ContentError) as caught:
        build(project, load_config(project))
    assert caught.value.path is not None and caught.value.path.name == "contents-of-a-report.md"
    assert "cannot read this heading" in caught.value.what
    assert caught.value.fix is not None and "markdown.extensions" in caught.value.fix
