"""The site folder: a new site replaces the old in one step, and only our files are touched.

Each test drives SiteFolder over real folders: the spare generation beside the site is
brought up to date by the paths the last publish changed, so every sequence of publishes
(and of outside changes the build notices) must leave the site exactly as planned.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import generator.build.writer
from generator.build.writer import SiteFolder, Staging, work_folder
from generator.errors import OutputError
from tests.support import site_tree as tree


def folders_in(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_dir()}


def publish(site: Path, wanted: dict[str, bytes], *, checked: set[str] = frozenset()) -> list[str]:
    """Publish `wanted` as a build would: stage what differs, delete what is not wanted."""
    folder = SiteFolder(site)
    present = folder.files()
    folder.refuse_foreign(folder.foreign(present, folder.owned()))
    staging = Staging(site)
    staged = {relative for relative, data in wanted.items() if staging.stage(relative, data)}
    return folder.publish(
        staging,
        staged=staged,
        delete=present - set(wanted),
        present=present,
        checked=staged | set(checked),
    )


def test_a_first_publish_makes_the_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(site, {"index.html": b"home", "a/b/index.html": b"page"})
    assert tree(site) == {"index.html": b"home", "a/b/index.html": b"page"}
    assert not (work_folder(site) / "staging").exists()


def test_a_publish_replaces_the_site_and_keeps_the_old_one_as_spare(tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(site, {"index.html": b"home", "old/index.html": b"old"})
    deleted = publish(site, {"index.html": b"home 2", "new/index.html": b"new"})
    assert deleted == ["old/index.html"]
    assert tree(site) == {"index.html": b"home 2", "new/index.html": b"new"}
    assert "old" not in folders_in(site)
    assert tree(work_folder(site) / "spare") == {"index.html": b"home", "old/index.html": b"old"}


def test_unchanged_files_are_the_same_file_in_both_generations(tmp_path: Path) -> None:
    # Hard links: an edit costs a few links, not a copy of the site.
    site = tmp_path / "site"
    publish(site, {"index.html": b"home", "about/index.html": b"about"})
    before = (site / "about/index.html").stat()
    publish(site, {"index.html": b"home 2", "about/index.html": b"about"})
    after = (site / "about/index.html").stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def test_a_file_in_the_site_not_written_by_a_build_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(site, {"index.html": b"home"})
    (site / "notes.txt").write_bytes(b"mine")
    (site / "drafts").mkdir()
    (site / "drafts" / "one.html").write_bytes(b"draft")
    with pytest.raises(OutputError) as refused:
        publish(site, {"index.html": b"home 2"})
    assert "notes.txt" in refused.value.what
    assert "drafts/" in refused.value.what and "one.html" not in refused.value.what
    assert tree(site) == {"index.html": b"home", "notes.txt": b"mine", "drafts/one.html": b"draft"}


def test_an_empty_folder_the_build_did_not_make_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(site, {"a/index.html": b"a"})
    (site / "a" / "mine").mkdir()
    with pytest.raises(OutputError, match="a/mine/"):
        publish(site, {"a/index.html": b"a 2"})


def test_a_folder_never_built_into_is_refused_unless_empty(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    publish(site, {"index.html": b"home"})  # empty: fine
    elsewhere = tmp_path / "documents"
    elsewhere.mkdir()
    (elsewhere / "thesis.txt").write_bytes(b"years of work")
    with pytest.raises(OutputError, match=r"thesis\.txt"):
        publish(elsewhere, {"index.html": b"home"})
    assert tree(elsewhere) == {"thesis.txt": b"years of work"}


def test_a_file_replaced_outside_a_build_is_taken_as_it_is_when_checked(tmp_path: Path) -> None:
    # The instant path of serve replaces a page in place; the next build checks it and
    # finds the bytes right, so it stages nothing: the new site must keep that page.
    site = tmp_path / "site"
    publish(site, {"index.html": b"home", "a/index.html": b"a"})
    publish(site, {"index.html": b"home 2", "a/index.html": b"a"})
    replacement = site / "a" / ".new"
    replacement.write_bytes(b"a edited")
    os.replace(replacement, site / "a/index.html")
    publish(site, {"index.html": b"home 3", "a/index.html": b"a edited"}, checked={"a/index.html"})
    assert tree(site) == {"index.html": b"home 3", "a/index.html": b"a edited"}


def test_a_file_deleted_outside_a_build_does_not_come_back(tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(site, {"index.html": b"home", "gone/index.html": b"gone"})
    publish(site, {"index.html": b"home 2", "gone/index.html": b"gone"})
    (site / "gone/index.html").unlink()
    publish(site, {"index.html": b"home 3"})
    assert tree(site) == {"index.html": b"home 3"}


def test_a_spare_left_unknown_is_made_again(tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(site, {"index.html": b"home", "a/index.html": b"a"})
    publish(site, {"index.html": b"home 2", "a/index.html": b"a"})
    spare = work_folder(site) / "spare"
    (spare / "a/index.html").write_bytes(b"garbage a killed build left")
    (work_folder(site) / "state").unlink()
    publish(site, {"index.html": b"home 3", "a/index.html": b"a"})
    assert tree(site) == {"index.html": b"home 3", "a/index.html": b"a"}


class Killed(BaseException):
    """Stands for a kill -9: raised, it leaves the folders as they are at that moment."""


def test_a_swap_killed_half_way_is_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where folders cannot be exchanged in one step, the two renames are marked as
    # under way; a build killed between them leaves no site/, and the next finishes it.
    monkeypatch.setattr(generator.build.writer, "_exchange", lambda first, second: False)
    site = tmp_path / "site"
    publish(site, {"index.html": b"old"})
    publish(site, {"index.html": b"new"})
    renames = 0
    real_rename = os.rename

    def rename_then_die(source: object, target: object) -> None:
        nonlocal renames
        renames += 1
        if renames == 2:
            raise Killed
        real_rename(source, target)

    monkeypatch.setattr(generator.build.writer.os, "rename", rename_then_die)
    with pytest.raises(Killed):
        publish(site, {"index.html": b"newer"})
    monkeypatch.setattr(generator.build.writer.os, "rename", real_rename)
    assert not site.exists()

    SiteFolder(site).recover()
    assert tree(site) == {"index.html": b"newer"}
    assert not (work_folder(site) / "swapping").exists()
    publish(site, {"index.html": b"newest", "a/index.html": b"a"})
    assert tree(site) == {"index.html": b"newest", "a/index.html": b"a"}


PATHS = st.sampled_from(
    ["index.html", "a/index.html", "a/b/index.html", "a/c/index.html", "d/index.html", "e.xml"]
)
SITES = st.dictionaries(PATHS, st.binary(max_size=3), max_size=6)
OUTSIDE = st.lists(st.tuples(st.sampled_from(["replace", "delete"]), PATHS), max_size=2)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(SITES, OUTSIDE), min_size=1, max_size=6))
def test_any_sequence_of_publishes_gives_exactly_the_site_planned(
    tmp_path_factory: pytest.TempPathFactory,
    builds: list[tuple[dict[str, bytes], list[tuple[str, str]]]],
) -> None:
    site = tmp_path_factory.mktemp("case") / "site"
    for wanted, outside in builds:
        touched: set[str] = set()
        for action, relative in outside:
            target = site / relative
            if not target.is_file():
                continue
            touched.add(relative)
            if action == "delete":
                target.unlink()
            else:
                target.with_name(".new").write_bytes(b"changed outside")
                os.replace(target.with_name(".new"), target)
        # A build checks (and so takes as it is, unless staged) every output touched.
        publish(site, wanted, checked=touched)
        assert tree(site) == wanted
        expected_folders = {
            "/".join(relative.split("/")[:depth])
            for relative in wanted
            for depth in range(1, relative.count("/") + 1)
        }
        assert folders_in(site) == expected_folders
