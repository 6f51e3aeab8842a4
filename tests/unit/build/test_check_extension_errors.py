"""A Markdown extension that fails on an article: check and build name the article's
file and the line it failed on, and the extension, with its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build.build import build
from generator.build.check import check_project
from generator.config import load_config
from generator.errors import MarginaliaError
from tests.support import golden_project

SNIPPETS = (
    "markdown:\n  extensions: [pymdownx.snippets]\n"
    "  extension_configs:\n    pymdownx.snippets:\n      check_paths: true\n"
)


def with_missing_snippet(tmp_path: Path) -> tuple[Path, str, int]:
    """A golden project whose first article includes a file that is not there: (root,
    the article as check shows it, the line of the include)."""
    root = golden_project(tmp_path / "project")
    settings = root / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + SNIPPETS, encoding="utf-8")
    article = sorted((root / "content" / "articles").rglob("*.md"))[0]
    text = article.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    article.write_text(text + '--8<-- "no/such/file.md"\n', encoding="utf-8")
    return root, article.relative_to(root).as_posix(), text.count("\n") + 1


def test_check_names_the_article_line_and_the_extension(tmp_path: Path) -> None:
    pytest.importorskip("pymdownx")
    root, article, line = with_missing_snippet(tmp_path)
    report = check_project(root, configure=lambda: load_config(root))
    found = [p.text() for p in report.errors if "snippets" in p.what]
    assert len(found) == 1, [p.text() for p in report.errors]
    assert found[0].startswith(
        f"{article}:{line}: the Markdown extension 'pymdownx.snippets' failed on this article: "
    )
    assert found[0].endswith(
        "— remove 'pymdownx.snippets' from 'markdown.extensions' in site.yaml, or change the "
        "text it fails on"
    )
    assert report.exit_code() == 1


def test_build_stops_with_the_same_place(tmp_path: Path) -> None:
    pytest.importorskip("pymdownx")
    root, article, line = with_missing_snippet(tmp_path)
    with pytest.raises(MarginaliaError) as raised:
        build(root, load_config(root))
    errors = getattr(raised.value, "errors", [raised.value])
    places = [(Path(str(e.path)).relative_to(root).as_posix(), e.line) for e in errors]
    assert (article, line) in places
