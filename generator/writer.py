"""Write outputs: staged aside while the build runs, then moved in; unchanged files untouched."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Set
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A file to write that replaces path only once it is whole, so a reader sees the
    old bytes or the new, never half of them; on failure nothing is left behind."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            yield file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    with atomic_file(path) as file:
        file.write(data)


def stamp_of(path: str | Path) -> tuple[int, int] | None:
    """(size, modification time in ns) of a file, or None when there is none."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


class Staging:
    """A folder beside the site where a build writes what changed.

    Nothing in the site changes until commit(), so a build that fails while
    rendering leaves the previous site exactly as it was.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.folder = out_dir.with_name(f".{out_dir.name}.building")
        if self.folder.exists():
            shutil.rmtree(self.folder)

    def stage(self, relative: str, data: bytes) -> bool:
        """Stage a file; False when the site already holds exactly these bytes."""
        current = self.out_dir / relative
        try:
            if current.stat().st_size == len(data) and current.read_bytes() == data:
                return False
        except OSError:
            pass
        target = self.folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return True

    def commit(self, *, keep: Set[str]) -> list[str]:
        """Move staged files into the site and delete every file not in keep; the deleted."""
        if not self.out_dir.exists():
            if self.folder.exists():
                os.replace(self.folder, self.out_dir)
            else:
                self.out_dir.mkdir(parents=True)
            return []
        if self.folder.exists():
            for staged in sorted(self.folder.rglob("*")):
                if staged.is_file():
                    target = self.out_dir / staged.relative_to(self.folder)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(staged, target)
            shutil.rmtree(self.folder)
        return _delete_unplanned(self.out_dir, keep)

    def discard(self) -> None:
        if self.folder.exists():
            shutil.rmtree(self.folder, ignore_errors=True)


def _delete_unplanned(out_dir: Path, keep: Set[str]) -> list[str]:
    """Delete every file not in keep, and the folders that leaves empty."""
    deleted: list[str] = []
    _prune(str(out_dir), "", keep, deleted)
    return sorted(deleted)


def _prune(folder: str, prefix: str, keep: Set[str], deleted: list[str]) -> bool:
    """Delete what is not kept under a folder, depth first; False when nothing is kept.

    One scandir a folder and no other call for what it holds: a site has as many
    folders as pages, and this walk runs on every build.
    """
    kept = False
    with os.scandir(folder) as entries:
        for entry in entries:
            relative = prefix + entry.name
            if not entry.is_dir():
                if relative in keep:
                    kept = True
                else:
                    os.unlink(entry.path)
                    deleted.append(relative)
            elif entry.is_symlink():
                kept = True  # a linked folder is not followed, nor removed
            elif _prune(entry.path, relative + "/", keep, deleted):
                kept = True
            else:
                os.rmdir(entry.path)
    return kept
