"""File events become change sets: which files changed, and of what kind."""

from __future__ import annotations

import threading
from pathlib import Path

from watchdog.events import DirCreatedEvent, DirModifiedEvent, FileModifiedEvent

from generator.dev.watch import ChangeCollector, ChangeKind, WatchedFolders


def test_a_folder_reported_modified_beside_its_saved_file_is_not_a_change(tmp_path: Path) -> None:
    folders = WatchedFolders(
        seeds=tmp_path / "seeds",
        content=tmp_path / "content",
        templates=tmp_path / "templates",
        settings=tmp_path / "site.yaml",
    )
    collector = ChangeCollector(folders)
    article = tmp_path / "content" / "articles" / "2024" / "a.md"
    new_folder = tmp_path / "content" / "articles" / "2025"
    collector.on_any_event(FileModifiedEvent(str(article)))
    collector.on_any_event(DirModifiedEvent(str(article.parent)))
    collector.on_any_event(DirCreatedEvent(str(new_folder)))

    changes = collector.wait(threading.Event(), quiet=0)

    assert changes is not None
    assert changes.paths == {article, new_folder}
    assert changes.kinds == {ChangeKind.CONTENT}
