"""Fault suite helpers: real projects on disk, the real CLI in subprocesses, real faults.

Every build here is `python -m generator` in a process of its own, so that it can be
killed, interrupted, run as another user or on a full disk, exactly as a user's would.
Every comparison of outputs is of whole folders, byte for byte ({relative path: bytes}).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import REPO

PYTHON = sys.executable
# No subprocess may hang CI: every one is bounded, and killed when the bound passes.
TIMEOUT = 120
SITE = "site"
WORK = ".site.marginalia"
INPUTS = ("content", "templates", "seeds", "site.yaml")
# An article page, an edition, actors: enough articles make >= 300 pages, which the
# build renders with forked worker processes (generator.build.build.PARALLEL_THRESHOLD).
BIG = 360
SMALL = 12
ACTORS = ("united-states", "north-korea", "russia", "ukraine", "china", "japan")
MEMORY = Path("/dev/shm")
MEMORY_NEEDED = 1 << 30
WAITING = re.compile(r"wait\w*\b.{0,40}\banother build", re.IGNORECASE | re.DOTALL)
WRITTEN = re.compile(r"(\d+) written")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "faults: fault-injection tests (kills, full disks, other users); run in CI"
    )


# --------------------------------------------------------------------------- folders


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under folder by relative posix path; a symbolic link as its target."""
    found: dict[str, bytes] = {}
    if not folder.is_dir():
        return found
    for directory, dirnames, filenames in os.walk(folder):
        base = Path(directory)
        for name in (*dirnames, *filenames):
            path = base / name
            relative = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[relative] = b"-> " + os.fsencode(os.readlink(path))
            elif name in filenames:
                found[relative] = path.read_bytes()
    return found


def folders_in(folder: Path) -> set[str]:
    """Every folder under folder (not following links), by relative posix path."""
    return {
        (Path(directory) / name).relative_to(folder).as_posix()
        for directory, dirnames, _ in os.walk(folder)
        for name in dirnames
        if not (Path(directory) / name).is_symlink()
    }


def tree_difference(actual: Mapping[str, bytes], expected: Mapping[str, bytes]) -> str:
    """What differs between two trees, in a few lines (never the bytes themselves)."""
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    changed = sorted(path for path in set(actual) & set(expected) if actual[path] != expected[path])
    if not (missing or extra or changed):
        return "identical"
    parts = []
    for label, paths in (("missing", missing), ("extra", extra), ("different", changed)):
        if paths:
            more = f" and {len(paths) - 5} more" if len(paths) > 5 else ""
            parts.append(f"{len(paths)} {label}: {', '.join(paths[:5])}{more}")
    return "; ".join(parts)


def assert_same_tree(actual: Mapping[str, bytes], expected: Mapping[str, bytes], what: str) -> None:
    if actual != expected:
        pytest.fail(f"{what}: {tree_difference(actual, expected)}", pytrace=False)


def which_site(
    site: Mapping[str, bytes], old: Mapping[str, bytes], new: Mapping[str, bytes]
) -> str:
    """'old', 'new', or a description of the mix the site is."""
    if site == old:
        return "old"
    if site == new:
        return "new"
    old_files = sum(1 for path, data in site.items() if old.get(path) == data)
    new_files = sum(1 for path, data in site.items() if new.get(path) == data)
    return (
        f"a mix ({len(site)} files, {old_files} as in the old site, {new_files} as in the new; "
        f"against the old: {tree_difference(site, old)}; against the new: "
        f"{tree_difference(site, new)})"
    )


def copy_project(source: Path, target: Path) -> Path:
    """A whole project as it is, site/, .cache/ and the hidden work folder included: links
    stay links, hard links stay shared, files keep their modification times (the cache is
    keyed on them). cp -a, because it is several times faster than shutil here."""
    if target.exists():
        remove_tree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-a", str(source), str(target)], check=True, timeout=TIMEOUT)
    return target


def remove_tree(folder: Path) -> None:
    """Remove a folder, also where a test made parts of it read-only."""
    if os.geteuid() != 0:
        make_writable(folder)
    subprocess.run(["rm", "-rf", str(folder)], check=True, timeout=TIMEOUT)


def make_writable(folder: Path) -> None:
    """Give the owner back read and write on everything a test took them away from."""
    if not folder.is_dir() or folder.is_symlink():
        return
    folder.chmod(0o755)
    for directory, dirnames, filenames in os.walk(folder):
        for name in dirnames:
            path = Path(directory) / name
            if not path.is_symlink():
                path.chmod(0o755)
        for name in filenames:
            path = Path(directory) / name
            if not path.is_symlink():
                path.chmod(0o644)


# --------------------------------------------------------------------------- projects


def article_text(number: int, *, title: str | None = None) -> str:
    """A small valid article: front matter as editors write it, and a few paragraphs."""
    month, day = 1 + number % 12, 1 + (number // 12) % 28
    actors = sorted({ACTORS[number % len(ACTORS)], ACTORS[(number * 7 + 1) % len(ACTORS)]})
    return (
        "---\n"
        f"title: {title or f'Article number {number}'}\n"
        f"date: 2023-{month:02d}-{day:02d}\n"
        "source: Associated Press\n"
        f"dek: The dek of article {number}.\n"
        f"actors: [{', '.join(actors)}]\n"
        "---\n"
        f"Paragraph one of article {number}, about Russia, Ukraine and China.\n\n"
        f"Paragraph two of article {number}, with **bold** words and a "
        f"[link](https://example.org/{number}).\n\n"
        f"Paragraph three of article {number}: Japan and North Korea were not named.\n"
    )


def article_path(root: Path, number: int) -> Path:
    month = 1 + number % 12
    return root / "content" / "articles" / "2023" / f"{month:02d}" / f"article-{number:04d}.md"


def write_article(root: Path, number: int, *, title: str | None = None) -> Path:
    path = article_path(root, number)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, article_text(number, title=title))
    return path


def write_file(path: Path, text: str) -> None:
    """Save as an editor does: the whole file at once (a reader sees old or new)."""
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def make_project(folder: Path, *, articles: int, git: bool = False) -> Path:
    """A project as a user has it: settings, templates, seeds, actors and articles."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "templates", folder / "templates")
    shutil.copytree(REPO / "seeds", folder / "seeds")
    shutil.copy2(REPO / "site.yaml", folder / "site.yaml")
    (folder / "content").mkdir()
    shutil.copy2(REPO / "content" / "actors.yaml", folder / "content" / "actors.yaml")
    for number in range(articles):
        write_article(folder, number)
    if git:
        commit_all(folder)
    return folder


def commit_all(folder: Path) -> None:
    identity = ["-c", "user.name=Fault Suite", "-c", "user.email=faults@example.org"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "project"]):
        subprocess.run(["git", *identity, *args], cwd=folder, check=True, timeout=TIMEOUT)


def set_revision(root: Path, revision: str) -> None:
    """Change the template every page extends, so that every HTML page changes."""
    base = root / "templates" / "base.html"
    text = re.sub(r'\n<meta name="x-revision"[^\n]*', "", base.read_text(encoding="utf-8"))
    marker = '<meta charset="utf-8">'
    assert marker in text, "templates/base.html no longer has the charset line"
    text = text.replace(marker, f'{marker}\n<meta name="x-revision" content="{revision}">', 1)
    write_file(base, text)


def change_inputs(root: Path, revision: str = "2") -> None:
    """Nearly every page changes: the base template, three titles (listings change), one
    article gone (its page must be deleted) and one new."""
    set_revision(root, revision)
    for number in (3, 40, 77):
        write_article(root, number, title=f"Article number {number}, revised {revision}")
    article_path(root, 5).unlink(missing_ok=True)
    write_article(root, 1000 + int(revision) if revision.isdigit() else 1999)


def clean_site(root: Path) -> dict[str, bytes]:
    """The site a clean build makes of root's inputs: a fresh copy, built with --full."""
    with tempfile.TemporaryDirectory(prefix="clean-", dir=root.parent) as scratch:
        fresh = Path(scratch) / "project"
        fresh.mkdir()
        for name in INPUTS:
            source = root / name
            if source.is_dir():
                shutil.copytree(source, fresh / name)
            elif source.is_file():
                shutil.copy2(source, fresh / name)
        result = marginalia(fresh, "build", "--full")
        assert result.returncode == 0, f"the clean build failed:\n{result.stderr}"
        return tree_bytes(fresh / SITE)


# --------------------------------------------------------------------------- processes


def command(*args: str, user: Sequence[str] = ()) -> list[str]:
    return [*user, PYTHON, "-m", "generator", *args]


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # Not a terminal: no progress bar, no colour; no bytecode written into the repository.
    env.update({"PYTHONDONTWRITEBYTECODE": "1", "TERM": "dumb", "NO_COLOR": "1"})
    env.update(extra or {})
    return env


def marginalia(
    root: Path,
    *args: str,
    user: Sequence[str] = (),
    timeout: float = TIMEOUT,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in root (relative --output folders are taken from there)."""
    process = subprocess.Popen(
        command(*args, user=user),
        cwd=root,
        env=environment(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        stdout, stderr = process.communicate()
        pytest.fail(f"marginalia {' '.join(args)} ran over {timeout} s:\n{stderr}", pytrace=False)
    finally:
        kill_group(process)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@dataclass
class Started:
    """A CLI process running in the background; its output goes to files (pipes that
    nobody reads could fill and stop it)."""

    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path
    started: float

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait(self, timeout: float = TIMEOUT) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(self.process)
            pytest.fail(f"{self.process.args} ran over {timeout} s", pytrace=False)

    def err(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")

    def out(self) -> str:
        return self.stdout.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        kill_group(self.process)


def start(root: Path, *args: str, logs: Path, user: Sequence[str] = ()) -> Started:
    """Start the CLI in a session of its own, so the whole group can be stopped."""
    logs.mkdir(parents=True, exist_ok=True)
    handle, stdout_name = tempfile.mkstemp(dir=logs, suffix=".out")
    os.close(handle)
    handle, stderr_name = tempfile.mkstemp(dir=logs, suffix=".err")
    os.close(handle)
    with open(stdout_name, "wb") as stdout, open(stderr_name, "wb") as stderr:
        process = subprocess.Popen(
            command(*args, user=user),
            cwd=root,
            env=environment(),
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
    return Started(process, Path(stdout_name), Path(stderr_name), time.monotonic())


def kill_group(process: subprocess.Popen) -> None:
    """Kill a started process and everything in its session that is still there."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.poll() is None:
        with suppress(ProcessLookupError):
            process.kill()
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


@dataclass(frozen=True)
class ProcessId:
    """A process by pid and start time, so a reused pid is not taken for it."""

    pid: int
    start_time: int


def proc_stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a live process, or None when there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError, OSError):
        return None
    # The command name is in parentheses and may hold spaces: split after the last ')'.
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19])


def children_of(pid: int) -> set[ProcessId]:
    """The live child processes of pid, found by scanning /proc (every thread's list)."""
    found: set[ProcessId] = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        stat = proc_stat(int(entry.name))
        if stat is not None and stat[1] == pid and stat[0] != "Z":
            found.add(ProcessId(int(entry.name), stat[2]))
    return found


def is_gone(process: ProcessId) -> bool:
    """Exited: no such process, another process under its pid, or a zombie."""
    stat = proc_stat(process.pid)
    return stat is None or stat[2] != process.start_time or stat[0] in ("Z", "X")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --------------------------------------------------------------------------- checks


def assert_no_traceback(result: subprocess.CompletedProcess[str] | Started, what: str) -> None:
    text = result.err() if isinstance(result, Started) else result.stderr
    assert "Traceback" not in text, f"{what} printed a traceback:\n{text}"


def assert_refused(result: subprocess.CompletedProcess[str], folder: Path, what: str) -> None:
    """Exit 1, no traceback, a message that names the folder and says how to fix it."""
    assert result.returncode == 1, f"{what}: exit {result.returncode}, expected 1:\n{result.stderr}"
    assert_no_traceback(result, what)
    names = {str(folder), str(folder.resolve())}
    assert any(name in result.stderr for name in names), (
        f"{what}: the message does not name {folder}:\n{result.stderr}"
    )
    assert "fix" in result.stderr.lower(), f"{what}: the message says no fix:\n{result.stderr}"


def written(text: str) -> int:
    """How many files a build's report line says it wrote."""
    found = WRITTEN.search(text)
    assert found, f"no build report in:\n{text}"
    return int(found.group(1))


# --------------------------------------------------------------------------- fixtures


@dataclass(frozen=True)
class BigProject:
    """A built project big enough for worker processes, its site (old), and the site a
    clean build makes of its inputs after change_inputs (new)."""

    pristine: Path
    old: dict[str, bytes]
    new: dict[str, bytes]


@pytest.fixture(scope="session")
def fast_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder in memory (/dev/shm) when there is room, else on disk: the tests that copy
    and build a big project dozens of times spend most of their time writing files, and
    on a busy disk that time varies tenfold. Renames and links behave as on disk."""
    try:
        room = shutil.disk_usage(MEMORY).free
    except OSError:
        room = 0
    if room < MEMORY_NEEDED:
        yield tmp_path_factory.mktemp("fast")
        return
    folder = Path(tempfile.mkdtemp(prefix="marginalia-faults-", dir=MEMORY))
    try:
        yield folder
    finally:
        remove_tree(folder)


@pytest.fixture(scope="session")
def big_project(fast_tmp: Path) -> BigProject:
    base = fast_tmp / "big"
    pristine = make_project(base / "pristine", articles=BIG)
    result = marginalia(pristine, "build")
    assert result.returncode == 0, result.stderr
    changed = copy_project(pristine, base / "changed")
    change_inputs(changed)
    new = clean_site(changed)
    remove_tree(changed)
    old = tree_bytes(pristine / SITE)
    assert old != new
    return BigProject(pristine, old, new)


@pytest.fixture
def scratch_root() -> Iterator[Path]:
    """A fresh folder under /tmp that every user can reach (pytest's own are root-only)."""
    folder = Path(tempfile.mkdtemp(prefix="marginalia-faults-", dir="/tmp"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        remove_tree(folder)
