"""Write outputs: staged aside while the build runs, then made visible in one step.

Why a swap of two whole folders, rather than moving files into site/ one by one or a
journal: a build killed (or failing on a full disk or a read-only folder) while files
move leaves a mix of old and new pages, and a journal only repairs that when the next
build runs, while the reader, the web server and `deploy` see the mix in the meantime.
So the new site is made whole in a folder of its own and exchanged with site/ by one
rename (renameat2 RENAME_EXCHANGE): at every moment site/ is the old site or the new.

Making the new site whole would mean copying every page on every build. Instead the
folder beside the site holds the previous generation (`spare/`), whose files are hard
links to the same bytes: a build brings it up to the current site by linking again
only the paths the last build changed, moves its own few staged files in, and swaps.
An edit costs a few links; only when the spare cannot be vouched for (the first build,
or one killed half way) is it made again from the site, one link a file.

The folder beside site/, `.site.marginalia/`:
    staging/  files this build wrote, while it renders (workers write here)
    spare/    the site as it was before the last swap
    owned     every file Marginalia put in site/ (never anything else is deleted)
    state     which paths spare/ lags the site by; absent while spare/ is unknown
"""

from __future__ import annotations

import ctypes
import errno
import functools
import json
import logging
import os
import secrets
import shutil
import stat
from collections.abc import Collection, Iterable, Iterator, Set
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from generator.errors import OutputError

log = logging.getLogger(__name__)

WORK_SUFFIX = ".marginalia"
# A few of the files a folder holds are named when it is refused.
FOREIGN_SHOWN = 5


@contextmanager
def atomic_file(
    path: Path, *, scratch: Path | None = None, keep_mode: bool = False, durable: bool = False
) -> Iterator[BinaryIO]:
    """A file to write that replaces path only once it is whole, so a reader sees the
    old bytes or the new, never half of them; on failure nothing is left behind. The
    file is made in `scratch` (on the same file system) when given, else beside path.

    keep_mode: the file gets the permissions a plain write would leave (path's own, or
    0o666 less the umask for a new file) rather than 0o600: for files a person edits.
    durable: its bytes reach the disk before it replaces path.
    """
    folder = scratch if scratch is not None else path.parent
    temporary = folder / f".{secrets.token_hex(8)}.tmp"  # short: path.name may be long
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    # os.open applies the umask to 0o666, as a plain write would.
    handle = os.open(temporary, flags, 0o666 if keep_mode else 0o600)
    try:
        with os.fdopen(handle, "wb") as file:
            if keep_mode:
                with suppress(FileNotFoundError):
                    os.fchmod(file.fileno(), stat.S_IMODE(os.stat(path).st_mode))
            yield file
            if durable:
                file.flush()
                os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomically(
    path: Path,
    data: bytes,
    *,
    scratch: Path | None = None,
    keep_mode: bool = False,
    durable: bool = False,
) -> os.stat_result:
    """Write `data` to path through atomic_file. Returns the file's status as written:
    as it is now, when path is still that file (the rename set its change time), else
    as it was written, which tells whoever compares it later that path changed since."""
    with atomic_file(path, scratch=scratch, keep_mode=keep_mode, durable=durable) as file:
        file.write(data)
        file.flush()
        written = os.fstat(file.fileno())
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return written
    same = (now.st_ino, now.st_size, now.st_mtime_ns)
    return now if same == (written.st_ino, written.st_size, written.st_mtime_ns) else written


def stamp_of(path: str | Path) -> tuple[int, int] | None:
    """(size, modification time in ns) of a file, or None when there is none."""
    try:
        stat_result = os.stat(path)
    except OSError:
        return None
    return stat_result.st_size, stat_result.st_mtime_ns


def work_folder(out_dir: Path) -> Path:
    """The folder beside the site where builds stage and keep the spare generation."""
    return out_dir.with_name(f".{out_dir.name}{WORK_SUFFIX}")


def output_error(error: OSError, out_dir: Path) -> OutputError:
    """An OSError met while writing the site, as a message that says what to do."""
    where = error.filename or out_dir
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(
            "no space left on the disk while writing the site; the previous site is unchanged",
            path=where,
            fix="free some space on that disk and build again",
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(
            "permission denied while writing the site; the previous site is unchanged",
            path=where,
            fix="make the folder writable by you (or choose another with --output) and build again",
        )
    return OutputError(
        f"could not write the site: {error.strerror or error}; the previous site is unchanged",
        path=where,
        fix="check the folder and the disk, then build again",
    )


class Staging:
    """Where the workers of one build put the files whose bytes changed."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.folder = work_folder(out_dir) / "staging"
        _remove_tree(self.folder)
        self.folder.mkdir(parents=True)

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

    def discard(self) -> None:
        _remove_tree(self.folder)


class SiteFolder:
    """The output folder, what Marginalia owns in it, and how a new site replaces it."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.work = work_folder(out_dir)
        self.spare = self.work / "spare"
        self._owned_file = self.work / "owned"
        self._state_file = self.work / "state"
        self._swap_marker = self.work / "swapping"

    # What is ours.

    def owned(self, *, adopt: Collection[str] = ()) -> set[str]:
        """Every file Marginalia wrote into the site; `adopt` is what an older version's
        manifest recorded, trusted when there is no record of our own."""
        return set(self._recorded) if self._recorded is not None else set(adopt)

    @functools.cached_property
    def _recorded(self) -> frozenset[str] | None:
        # Read once a build (the ownership check, then publish): 15,000 paths at 10,000
        # articles. Only publish writes it, and it sets this again when it does.
        try:
            return frozenset(json.loads(self._owned_file.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def has_record(self) -> bool:
        return self._owned_file.is_file()

    def files(self) -> set[str]:
        """Every file and folder in the site, folders with a trailing slash."""
        if not self.out_dir.is_dir():
            return set()
        found: set[str] = set()
        _walk(str(self.out_dir), "", found)
        return found

    def foreign(self, present: Set[str], owned: Set[str]) -> list[str]:
        """What the site holds that Marginalia did not write: files, links, and folders
        with none of our files in them."""
        folders = _folders_of(owned)
        foreign = sorted(
            path
            for path in present
            if (path not in folders if path.endswith("/") else path not in owned)
        )
        # A foreign folder is named, not everything in it.
        named = set(foreign)
        return [path for path in foreign if not _folders_of([path.rstrip("/")]) & named]

    def refuse_foreign(self, foreign: list[str]) -> None:
        if not foreign:
            return
        shown = ", ".join(foreign[:FOREIGN_SHOWN])
        more = f" and {len(foreign) - FOREIGN_SHOWN} more" if len(foreign) > FOREIGN_SHOWN else ""
        things = "files or folders" if len(foreign) != 1 else "file or folder"
        raise OutputError(
            f"the output folder holds {len(foreign)} {things} Marginalia did not write "
            f"({shown}{more}); a build replaces the whole folder, so it refuses to build here",
            path=self.out_dir,
            fix="move those files elsewhere, or build into an empty or new folder with --output",
        )

    # Making the new site visible.

    def recover(self) -> None:
        """Finish or undo a swap that a killed build left half done (only where the file
        system cannot exchange two folders in one step)."""
        if not self._swap_marker.exists():
            return
        old = self.work / "old"
        if not self.out_dir.exists():
            source = self.spare if self.spare.exists() else old
            if source.exists():
                os.rename(source, self.out_dir)
        if old.exists() and not self.spare.exists():
            os.rename(old, self.spare)
        _remove_tree(old)
        self._forget_spare()
        self._swap_marker.unlink(missing_ok=True)

    def publish(
        self,
        staging: Staging,
        *,
        staged: Collection[str],
        delete: Iterable[str],
        present: Set[str],
        checked: Iterable[str] | None,
    ) -> list[str]:
        """Make the site the current one plus the staged files, less `delete`, in one
        step; the deleted paths. `staged` is what the build staged (so the staging
        folder is not walked again); `present` what the site holds now (from files());
        `checked` the outputs touched since the last build, taken into the new site as
        they are in the current one unless staged (they may differ from the spare's),
        or None when that is not known: the spare is then made again from the site."""
        files = {path for path in present if not path.endswith("/")}
        deleted = sorted(set(delete) & files)
        now_owned = (files - set(deleted)) | set(staged)
        recorded = self.owned()
        # Files lost from the site since the last build: the spare, made from the site,
        # is right, but the site it turns into the next spare is not what we left.
        tampered = recorded != files
        lagging = self._read_state()
        # Written first, so files made visible below are ours even if this is killed.
        self._write_owned(recorded | now_owned)
        self._forget_spare()
        if not files:
            return self._publish_whole(staging, staged)
        if lagging is None or checked is None or tampered or not self.spare.is_dir():
            _remove_tree(self.spare)
            _link_tree(self.out_dir, self.spare, present)
        else:
            try:
                for relative in {*lagging, *(checked or ())}:
                    self._take_from_site(relative, files)
            except PermissionError:
                # A folder made read-only in the site that the spare now is: ours to
                # remove, and the spare is made again from the site.
                _remove_tree(self.spare)
                _link_tree(self.out_dir, self.spare, present)
        for relative in staged:
            target = self.spare / relative
            _make_room(target)
            os.replace(staging.folder / relative, target)
        for relative in deleted:
            _remove_file(self.spare / relative, stop=self.spare)
        self._swap()
        # The new site is in place: what follows only saves the next build some work,
        # and must not turn a published site into a reported failure.
        try:
            if not tampered:
                self._write_state(sorted({*staged, *deleted}))
            self._write_owned(now_owned)
            staging.discard()
        except OSError as error:
            log.warning("the new site is in place, but tidying up after it failed: %s", error)
        return deleted

    def _publish_whole(self, staging: Staging, staged: Collection[str]) -> list[str]:
        """The first build, or one into an empty folder: the staged files are the whole
        site, so their folder is swapped in as it is, and the spare is made from it
        after (a cold build's one extra step, so that the first edit is cheap)."""
        _remove_tree(self.spare)
        os.rename(staging.folder, self.spare)
        self._swap()
        try:
            _remove_tree(self.spare)
            _link_tree(self.out_dir, self.spare, set(staged))
            self._write_state([])
            self._write_owned(set(staged))
        except OSError as error:
            log.warning("the new site is in place, but its spare copy failed: %s", error)
        return []

    def _take_from_site(self, relative: str, files: Set[str]) -> None:
        target = self.spare / relative
        _remove_file(target, stop=self.spare)
        if relative in files:
            _make_room(target)
            os.link(self.out_dir / relative, target)

    def _swap(self) -> None:
        if not self.out_dir.exists():
            os.rename(self.spare, self.out_dir)
            return
        if _exchange(self.spare, self.out_dir):
            return
        # Two renames, with a marker so that recover() can finish them after a kill.
        self._swap_marker.touch()
        old = self.work / "old"
        os.rename(self.out_dir, old)
        os.rename(self.spare, self.out_dir)
        os.rename(old, self.spare)
        self._swap_marker.unlink()

    # The small records beside the spare.

    def _read_state(self) -> list[str] | None:
        try:
            lagging = json.loads(self._state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return lagging if isinstance(lagging, list) else None

    def _write_state(self, lagging: list[str]) -> None:
        write_atomically(self._state_file, json.dumps(lagging).encode("utf-8"))

    def _forget_spare(self) -> None:
        self._state_file.unlink(missing_ok=True)

    def _write_owned(self, owned: Set[str]) -> None:
        self._recorded = frozenset(owned)
        self.work.mkdir(parents=True, exist_ok=True)
        write_atomically(self._owned_file, json.dumps(sorted(owned)).encode("utf-8"))


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step; False where the system or file system cannot."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _walk(folder: str, prefix: str, found: set[str]) -> None:
    """One scandir a folder: a site has as many folders as pages, walked every build."""
    with os.scandir(folder) as entries:
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                found.add(relative + "/")
                _walk(entry.path, relative + "/", found)
            else:
                found.add(relative)


def _folders_of(files: Iterable[str]) -> set[str]:
    """Every folder that holds one of the files, with a trailing slash."""
    folders: set[str] = set()
    for path in files:
        end = path.rfind("/")
        while end > 0:
            folder = path[: end + 1]
            if folder in folders:
                break
            folders.add(folder)
            end = path.rfind("/", 0, end)
    return folders


def _link_tree(source: Path, target: Path, present: Set[str]) -> None:
    """target made as a copy of source whose files are hard links to source's; a
    folder with no file in it is left out, as a build never makes one."""
    target.mkdir(parents=True)
    base, into = str(source), str(target)
    made: set[str] = set()
    for relative in sorted(present):
        if relative.endswith("/"):
            continue
        folder = relative.rpartition("/")[0]
        if folder and folder not in made:
            os.makedirs(f"{into}/{folder}", exist_ok=True)
            made.add(folder)
        os.link(f"{base}/{relative}", f"{into}/{relative}")


def _make_room(target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)


def _remove_file(target: Path, *, stop: Path) -> None:
    """Remove a file, and the folders above it, below stop, that this leaves empty."""
    with suppress(FileNotFoundError):
        target.unlink()
    folder = target.parent
    while folder != stop and folder.is_relative_to(stop):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _remove_tree(folder: Path) -> None:
    """Remove a folder of ours, also where a folder in it was made read-only."""

    def make_writable(function: object, path: str, _error: object) -> None:
        parent = os.path.dirname(path)
        with suppress(OSError):
            os.chmod(parent, os.stat(parent).st_mode | stat.S_IWUSR | stat.S_IXUSR)
        with suppress(FileNotFoundError):
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, os.stat(path).st_mode | stat.S_IWUSR | stat.S_IXUSR | stat.S_IRUSR)
                shutil.rmtree(path)
            else:
                os.unlink(path)

    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    elif folder.exists():
        shutil.rmtree(folder, onerror=make_writable)
