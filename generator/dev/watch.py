"""Watchdog events -> sorted change sets, after a short quiet period."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

QUIET_SECONDS = 0.15


class ChangeKind(StrEnum):
    SEED = "seed"
    CONTENT = "content"
    TEMPLATE = "template"
    SETTINGS = "settings"


@dataclass(frozen=True, slots=True)
class ChangeSet:
    by_path: Mapping[Path, ChangeKind]  # every changed path, and what it is

    @property
    def paths(self) -> frozenset[Path]:
        return frozenset(self.by_path)

    @property
    def kinds(self) -> frozenset[ChangeKind]:
        return frozenset(self.by_path.values())


@dataclass(frozen=True, slots=True)
class WatchedFolders:
    seeds: Path
    content: Path
    templates: Path
    settings: Path  # the settings file

    def kind_of(self, path: Path) -> ChangeKind | None:
        if path == self.settings:
            return ChangeKind.SETTINGS
        for folder, kind in (
            (self.seeds, ChangeKind.SEED),
            (self.content, ChangeKind.CONTENT),
            (self.templates, ChangeKind.TEMPLATE),
        ):
            if path.is_relative_to(folder):
                return kind
        return None


def _is_editor_noise(path: Path) -> bool:
    name = path.name
    return name.startswith((".#", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp"))


class ChangeCollector(FileSystemEventHandler):
    """Gathers events until nothing has happened for a quiet period."""

    def __init__(self, folders: WatchedFolders) -> None:
        self._folders = folders
        self._lock = threading.Lock()
        self._changed: dict[Path, ChangeKind] = {}
        self._last_event = 0.0
        self._wake = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a file in it was saved, created or deleted: that file's event says so
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(str(raw))
            kind = self._folders.kind_of(path)
            if kind is None or _is_editor_noise(path):
                continue
            with self._lock:
                self._changed[path] = kind
                self._last_event = time.monotonic()
            self._wake.set()

    def pending(self) -> bool:
        """Whether changes have come in that no build has taken yet."""
        with self._lock:
            return bool(self._changed)

    def wait(self, stop: threading.Event, *, quiet: float = QUIET_SECONDS) -> ChangeSet | None:
        """Block until changes settle; None when stop is set."""
        while not stop.is_set():
            if not self._wake.wait(timeout=0.1):
                continue
            with self._lock:
                idle = time.monotonic() - self._last_event
                if idle < quiet:
                    delay = quiet - idle
                else:
                    changed, self._changed = self._changed, {}
                    self._wake.clear()
                    return ChangeSet(changed)
            time.sleep(delay)
        return None


def start_observer(
    collector: ChangeCollector, folders: WatchedFolders, *, poll: bool = False
) -> Observer:
    observer = PollingObserver(timeout=0.25) if poll else Observer()
    for folder in (folders.seeds, folders.content, folders.templates):
        if folder.is_dir():
            observer.schedule(collector, str(folder), recursive=True)
    # The settings file sits beside site/, so its folder is watched without recursion.
    observer.schedule(collector, str(folders.settings.parent), recursive=False)
    observer.daemon = True
    observer.start()
    return observer
