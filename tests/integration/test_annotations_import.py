"""`marginalia annotations import`: the export of a build comes back as the same notes,
a second import adds nothing, and a Hypothesis search result is matched by the article's
original address, with its orphans and unanchorable notes reported, never written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.content.frontmatter_edit import entries_of
from tests.support import REPO
from tests.support.sample_archive import build_repo_content

ARTICLE = "content/articles/2023/09/us-threatens-sanctions-if-north-korea-sells-arms-to-russia.md"
HYPOTHESIS = REPO / "tests" / "fixtures" / "annotations_import" / "hypothesis_search.json"
ORIGINAL = "https://www.aljazeera.com/news/2023/9/11/us-threatens-sanctions-if-north-korea-sells-arms-to-russia"


def _without_notes(text: str) -> str:
    lines = text.split("\n")
    start = lines.index("annotations:")
    end = start + 1
    while lines[end].startswith((" ", "- ")):
        end += 1
    return "\n".join(lines[:start] + lines[end:])


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("export") / "project"
    site = build_repo_content(root)
    return root, site / "data" / "annotations.jsonld"


@pytest.fixture
def bare(tmp_path: Path, exported: tuple[Path, Path]) -> Path:
    """A copy of the project whose article has no notes."""
    root = tmp_path / "copy"
    for name in ("content", "templates"):
        shutil.copytree(exported[0] / name, root / name)
    shutil.copy2(exported[0] / "site.yaml", root / "site.yaml")
    article = root / ARTICLE
    article.write_text(_without_notes(article.read_text("utf-8")), "utf-8")
    assert entries_of(article.read_text("utf-8"), "annotations") == []
    return root


def _notes(root: Path) -> list[dict]:
    return entries_of((root / ARTICLE).read_text("utf-8"), "annotations")


def test_the_export_imported_into_a_copy_without_notes_gives_the_same_notes(
    exported: tuple[Path, Path], bare: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(bare), "annotations", "import", str(exported[1])]) == 0
    original = _notes(exported[0])
    back = _notes(bare)
    ids = [entry.pop("id") for entry in back]
    assert back == original
    assert all(ident.endswith(f"#annotation-{n}") for n, ident in enumerate(ids, 1))
    assert "5 added" in capsys.readouterr().err
    # And the copy builds, its notes anchored.
    assert main(["--root", str(bare), "build"]) == 0


def test_a_second_import_adds_nothing_and_leaves_the_bytes(
    exported: tuple[Path, Path], bare: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(bare), "annotations", "import", str(exported[1])]) == 0
    once = (bare / ARTICLE).read_bytes()
    assert main(["--root", str(bare), "annotations", "import", str(exported[1])]) == 0
    assert (bare / ARTICLE).read_bytes() == once
    assert "0 added, 5 already there" in capsys.readouterr().err
    # Into the project the notes came from, too: they are there already.
    before = (exported[0] / ARTICLE).read_bytes()
    assert main(["--root", str(exported[0]), "annotations", "import", str(exported[1])]) == 0
    assert (exported[0] / ARTICLE).read_bytes() == before


def test_hypothesis_notes_match_the_original_address_and_orphans_are_reported(
    bare: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = bare / ARTICLE
    text = article.read_text("utf-8").replace(
        "source: Al Jazeera\n", f"source: Al Jazeera\nurl: {ORIGINAL}\n", 1
    )
    article.write_text(text, "utf-8")
    before = article.read_bytes()
    assert main(["--root", str(bare), "annotations", "import", str(HYPOTHESIS)]) == 1
    out = capsys.readouterr().err
    # The note on words the story does not have is refused, so nothing is written there.
    assert article.read_bytes() == before
    assert "annotation 2 targets https://example.com/some/other/story" in out
    assert "annotation 3 cannot be anchored" in out
    assert "hypothesis_search.json" in out


def test_hypothesis_note_added_as_a_context_note_with_its_id(
    bare: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    article = bare / ARTICLE
    text = article.read_text("utf-8").replace(
        "source: Al Jazeera\n", f"source: Al Jazeera\nurl: {ORIGINAL}\n", 1
    )
    article.write_text(text, "utf-8")
    rows = json.loads(HYPOTHESIS.read_text("utf-8"))
    rows["rows"] = rows["rows"][:1]
    one = tmp_path / "one.json"
    one.write_text(json.dumps(rows), "utf-8")
    assert main(["--root", str(bare), "annotations", "import", str(one)]) == 0
    (entry,) = _notes(bare)
    assert entry == {
        "quote": "North Korean leader Kim Jong Un",
        "kind": "context",
        "note": "The summit took place on 13 September at the **Vostochny Cosmodrome**.",
        "id": "Zx1yQh8mEe6u3a_2RkNqTg",
    }
    # Every other byte of the file is as it was.
    after = article.read_text("utf-8")
    assert _without_notes(after) == text
    assert main(["--root", str(bare), "annotations", "import", str(one)]) == 0
    assert article.read_text("utf-8") == after
