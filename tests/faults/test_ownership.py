"""Never touch what is not ours: a build deletes only what it wrote, and refuses an output
folder that holds anything else or that is (or holds) the project's own sources."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.conftest import (
    SITE,
    SMALL,
    article_path,
    assert_no_traceback,
    assert_refused,
    assert_same_tree,
    clean_site,
    copy_project,
    folders_in,
    make_project,
    marginalia,
    set_revision,
    tree_bytes,
    write_article,
)

pytestmark = pytest.mark.faults


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small project, a git repository, built once into site/."""
    root = make_project(tmp_path_factory.mktemp("owned") / "project", articles=SMALL, git=True)
    result = marginalia(root, "build")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def case(built: Path, tmp_path: Path) -> Path:
    """A copy of the built project two folders down (case/outer/project), so that
    `--output ..` and `--output ../..` stay inside this test's own folder."""
    return copy_project(built, tmp_path / "outer" / "project")


def snapshot(folder: Path) -> tuple[dict[str, bytes], set[str]]:
    return tree_bytes(folder), folders_in(folder)


def assert_untouched(folder: Path, before: tuple[dict[str, bytes], set[str]], what: str) -> None:
    files, folders = snapshot(folder)
    assert_same_tree(files, before[0], f"{what}: the files changed")
    lost = sorted(before[1] - folders)
    assert not lost, f"{what}: folders deleted: {lost[:10]}"


def first_article_folder(site: Path) -> Path:
    return min(path for path in (site / "2023").iterdir() if path.is_dir())


# Each makes the project hold something the build did not write, or names a protected
# folder, and returns the --output argument (relative to the project) and the folder.
Setup = Callable[[Path], str]


def stray_file(root: Path) -> str:
    (root / SITE / "notes.txt").write_text("my notes, not Marginalia's\n", encoding="utf-8")
    return SITE


def stray_in_subfolder(root: Path) -> str:
    (first_article_folder(root / SITE) / "draft.html").write_text("<p>mine</p>\n")
    return SITE


def stray_empty_folder(root: Path) -> str:
    (root / SITE / "uploads").mkdir()
    return SITE


def stray_link_to_content(root: Path) -> str:
    (root / SITE / "sources").symlink_to(root / "content")
    return SITE


def folder_never_built_into(root: Path) -> str:
    other = root / "public"
    other.mkdir()
    (other / "index.html").write_text("<p>the old hand-made site</p>\n", encoding="utf-8")
    (other / "img").mkdir()
    (other / "img" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    return "public"


def other_content_folder(root: Path) -> str:
    shutil.copytree(root / "content", root / "archive")
    return "archive"


REFUSALS: dict[str, tuple[Setup, tuple[str, ...]]] = {
    "stray file in site": (stray_file, ()),
    "stray file in a subfolder of site": (stray_in_subfolder, ()),
    "empty folder added to site": (stray_empty_folder, ()),
    "link in site to the content": (stray_link_to_content, ()),
    "non-empty folder never built into": (folder_never_built_into, ()),
    "the project root": (lambda root: ".", ()),
    "the project root by its absolute path": (lambda root: str(root), ()),
    "content": (lambda root: "content", ()),
    "templates": (lambda root: "templates", ()),
    "seeds": (lambda root: "seeds", ()),
    "a folder inside content": (lambda root: "content/articles", ()),
    "a folder inside templates": (lambda root: "templates/partials", ()),
    "a new folder inside content": (lambda root: "content/site", ()),
    "the project's parent": (lambda root: "..", ()),
    "the parent of the project's parent": (lambda root: "../..", ()),
    "the content folder given with --content": (
        other_content_folder,
        ("--content", "archive"),
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_refuses_an_output_folder_that_is_not_its_own(case: Path, name: str) -> None:
    setup, extra = REFUSALS[name]
    output = setup(case)
    folder = (case / output).resolve()
    # The whole tree around the project, .git included, and the folder named.
    top = case.parent.parent
    before = snapshot(top)

    for full in ((), ("--full",)):
        args = ("build", *extra, "--output", output, *full)
        result = marginalia(case, *args)
        assert_refused(result, folder, f"{name}: marginalia {' '.join(args)}")
        assert_untouched(top, before, f"{name}: marginalia {' '.join(args)}")


def test_after_a_refusal_removing_the_stray_lets_the_build_run(case: Path) -> None:
    stray = case / SITE / "notes.txt"
    stray.write_text("mine\n", encoding="utf-8")
    set_revision(case, "after-refusal")
    assert_refused(marginalia(case, "build"), case / SITE, "a stray file")
    stray.unlink()
    result = marginalia(case, "build")
    assert result.returncode == 0, result.stderr
    assert_same_tree(tree_bytes(case / SITE), clean_site(case), "the build after the refusal")


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_builds_into_a_missing_or_empty_folder(case: Path, kind: str) -> None:
    target = case / "public"
    if kind == "empty":
        target.mkdir()
    result = marginalia(case, "build", "--output", "public")
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result, "a build into a new folder")
    assert_same_tree(tree_bytes(target), clean_site(case), f"the site built into a {kind} folder")
    # And again: the folder is ours now, so a second build needs no clean folder.
    set_revision(case, "again")
    result = marginalia(case, "build", "--output", "public")
    assert result.returncode == 0, result.stderr
    assert_same_tree(tree_bytes(target), clean_site(case), "the second build into it")


def test_ownership_outlives_the_cache(case: Path) -> None:
    """The record of what the build wrote is not in .cache/: deleting the cache neither
    stops the build nor makes it forget which files are its own (or which are not)."""
    shutil.rmtree(case / ".cache")
    result = marginalia(case, "build")
    assert result.returncode == 0, result.stderr
    assert_same_tree(tree_bytes(case / SITE), clean_site(case), "the build without a cache")

    # A page that is no longer planned is still ours to delete, with no cache.
    article_path(case, 2).unlink()
    write_article(case, 7, title="Renamed without a cache")
    shutil.rmtree(case / ".cache")
    result = marginalia(case, "build")
    assert result.returncode == 0, result.stderr
    assert_same_tree(tree_bytes(case / SITE), clean_site(case), "the build after a deletion")

    # And a file that is not ours is still refused, with no cache.
    (case / SITE / "index.html.bak").write_text("a backup\n", encoding="utf-8")
    shutil.rmtree(case / ".cache")
    before = snapshot(case)
    assert_refused(marginalia(case, "build"), case / SITE, "a stray file, no cache")
    assert_untouched(case, before, "a stray file, no cache")


def test_a_site_that_is_a_link_is_built_into_its_target_only_if_empty(case: Path) -> None:
    """site/ as a link to a folder of someone else's files is refused like the folder."""
    shutil.rmtree(case / SITE)
    mine = case.parent / "mine"
    mine.mkdir()
    (mine / "letter.txt").write_text("keep me\n", encoding="utf-8")
    (case / SITE).symlink_to(mine)
    before = snapshot(case.parent)
    result = marginalia(case, "build")
    assert result.returncode == 1, result.stderr
    assert_no_traceback(result, "site/ linked to a folder of other files")
    assert_untouched(case.parent, before, "site/ linked to a folder of other files")
    assert os.path.islink(case / SITE)
