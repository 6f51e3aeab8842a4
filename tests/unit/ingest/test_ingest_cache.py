"""Ingest at archive scale: the cache of the last ingest (.cache/ingest/) skips seeds
that did not change, and never over the truth; planning on several processes gives the
bytes one process gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import generator.ingest.ingest as ingest_module
from generator.content.actors import Actor, ActorType
from generator.ingest.ingest import IngestResult, IngestStatus, ingest
from tests.unit.ingest.test_ingest import SOURCES, front_of, make_seed, write_seed

NAMES = ("Ana Lima", "Ben Okafor", "Chen Wei", "Dara Novak", "Emil Sousa")


def varied_seed(number: int) -> str:
    person = NAMES[number % len(NAMES)]
    return make_seed(
        f"Talks on item {number} stall in Geneva",
        date=f"September {1 + number % 28}, 2023",
        quote_line=f"“We will not accept item {number} in any form at all,” said {person}, "
        f"an envoy. {person} left the room.",
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for number in range(3):
        write_seed(tmp_path / "seeds", f"{number:03}_seed.txt", varied_seed(number))
    return tmp_path


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the seeds each ingest parsed and planned (in this process)."""
    seen: list[str] = []
    real = ingest_module.plan_article

    def counting(seed, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(seed.seed_name)
        return real(seed, **kwargs)

    monkeypatch.setattr(ingest_module, "plan_article", counting)
    return seen


def run(
    root: Path, actors: tuple[Actor, ...] = (), *, force: bool = False, workers: int = 1
) -> dict[str, IngestResult]:
    results = ingest(
        [root / "seeds"],
        content_dir=root / "content",
        actors=actors,
        sources=SOURCES,
        force=force,
        cache_root=root,
        workers=workers,
    )
    return {result.seed.name: result for result in results}


def statuses(results: dict[str, IngestResult]) -> dict[str, IngestStatus]:
    return {name: result.status for name, result in results.items()}


def target(results: dict[str, IngestResult], name: str) -> Path:
    found = results[name].target
    assert found is not None
    return found


def test_an_unchanged_archive_is_not_parsed_again(project: Path, planned: list[str]) -> None:
    first = run(project)
    assert set(statuses(first).values()) == {IngestStatus.CREATED}
    planned.clear()
    again = run(project)
    assert set(statuses(again).values()) == {IngestStatus.UNCHANGED}
    assert planned == []
    assert [target(again, n) for n in sorted(again)] == [target(first, n) for n in sorted(first)]
    # Nothing to remember that was not known: the cache is not written again.
    state = project / ".cache" / "ingest" / "state.json"
    written = state.stat().st_mtime_ns
    run(project)
    assert state.stat().st_mtime_ns == written


def test_a_touched_seed_is_read_not_planned(project: Path, planned: list[str]) -> None:
    run(project)
    seed = project / "seeds" / "001_seed.txt"
    os.utime(seed, ns=(1, 1))
    planned.clear()
    assert statuses(run(project))["001_seed.txt"] is IngestStatus.UNCHANGED
    assert planned == []


def test_a_changed_seed_is_planned_and_updated(project: Path, planned: list[str]) -> None:
    first = run(project)
    seed = project / "seeds" / "001_seed.txt"
    stat = seed.stat()
    # The same size and modification time: only the bytes differ.
    text = seed.read_text("utf-8")
    seed.write_text(text.replace("next week", "last week"), "utf-8")
    os.utime(seed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    planned.clear()
    again = run(project)
    assert planned == ["001_seed.txt"]
    assert statuses(again)["001_seed.txt"] is IngestStatus.UPDATED
    assert "last week" in target(first, "001_seed.txt").read_text("utf-8")


def test_an_article_edited_by_hand_is_kept_and_only_it_is_planned(
    project: Path, planned: list[str]
) -> None:
    first = run(project)
    article = target(first, "002_seed.txt")
    article.write_text(article.read_text("utf-8") + "\nAn editor's line.\n", "utf-8")
    planned.clear()
    again = run(project)
    assert planned == ["002_seed.txt"]
    assert statuses(again)["002_seed.txt"] is IngestStatus.KEPT_EDITED
    assert "An editor's line." in article.read_text("utf-8")
    planned.clear()
    # Kept again without being planned; --force re-ingests it, keeping the editor's fields.
    assert statuses(run(project))["002_seed.txt"] is IngestStatus.KEPT_EDITED
    assert planned == []
    assert statuses(run(project, force=True))["002_seed.txt"] is IngestStatus.UPDATED
    assert "An editor's line." not in article.read_text("utf-8")


def test_a_deleted_or_moved_article_is_found_again(project: Path, planned: list[str]) -> None:
    first = run(project)
    deleted = target(first, "000_seed.txt")
    deleted.unlink()
    moved = target(first, "001_seed.txt")
    elsewhere = moved.parent.parent / "moved.md"
    moved.rename(elsewhere)
    planned.clear()
    again = run(project)
    assert sorted(planned) == ["000_seed.txt", "001_seed.txt"]
    assert statuses(again)["000_seed.txt"] is IngestStatus.CREATED
    assert deleted.is_file()
    assert (statuses(again)["001_seed.txt"], target(again, "001_seed.txt")) == (
        IngestStatus.UNCHANGED,
        elsewhere,
    )
    assert not moved.exists()


def test_a_changed_registry_replans_and_suggests_the_new_actor(
    project: Path, planned: list[str]
) -> None:
    first = run(project)
    planned.clear()
    actors = (Actor("chen-wei", "Chen Wei", ActorType.PERSON),)
    again = run(project, actors)
    assert sorted(planned) == ["000_seed.txt", "001_seed.txt", "002_seed.txt"]
    assert statuses(again)["002_seed.txt"] is IngestStatus.UPDATED  # 002 names Chen Wei
    article = target(first, "002_seed.txt")
    assert "chen-wei" in front_of(article)["actors"]  # type: ignore[operator]
    assert statuses(again)["000_seed.txt"] is IngestStatus.UNCHANGED


def test_a_corrupt_cache_is_ignored_and_made_again(project: Path, planned: list[str]) -> None:
    run(project)
    state = project / ".cache" / "ingest" / "state.json"
    for broken in (b"{not json", b"[]", b'{"format": 1, "seeds": 3}', b"\xff\xfe", b""):
        state.write_bytes(broken)
        planned.clear()
        assert set(statuses(run(project)).values()) == {IngestStatus.UNCHANGED}
        assert len(planned) == 3
    planned.clear()
    run(project)
    assert planned == []  # made again by the run before


def test_a_cache_of_other_code_is_ignored(
    project: Path, planned: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(project)
    import generator.ingest.ingest_cache as cache_module

    monkeypatch.setattr(cache_module, "CACHE_VERSION", "another version")
    planned.clear()
    run(project)
    assert len(planned) == 3


def test_an_unwritable_cache_folder_only_costs_time(project: Path) -> None:
    (project / ".cache").write_text("a file where the folder would be", "utf-8")
    assert set(statuses(run(project)).values()) == {IngestStatus.CREATED}
    assert set(statuses(run(project)).values()) == {IngestStatus.UNCHANGED}


def test_many_workers_write_the_bytes_one_writes(tmp_path: Path) -> None:
    trees = {}
    for workers in (1, 2):
        root = tmp_path / f"w{workers}"
        for number in range(90):
            write_seed(root / "seeds", f"{number:03}_seed.txt", varied_seed(number % 45))
        write_seed(root / "seeds", "100_bad.txt", "A headline\n\nno byline here\n")
        results = run(root, (Actor("ana-lima", "Ana Lima", ActorType.PERSON),), workers=workers)
        trees[workers] = (
            [(n, r.status, r.target and r.target.relative_to(root)) for n, r in results.items()],
            {
                str(p.relative_to(root)): p.read_bytes()
                for p in sorted((root / "content").rglob("*.md"))
            },
        )
        assert results["100_bad.txt"].status is IngestStatus.FAILED
    assert trees[1] == trees[2]
    assert len(trees[2][1]) == 90  # the same title twice gets a -2 name, in seed order
