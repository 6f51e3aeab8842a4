"""Every command answers bad input and failing disks with one message and an exit code,
never a traceback (unless --debug asks for it). Run as a user runs it: a real process."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cli import as_message
from generator.errors import FileAccessError, MarginaliaError
from tests.support import REPO


def marginalia(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd or REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def project(root: Path) -> Path:
    for folder in ("content", "templates", "seeds"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    return root


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


def test_a_busy_port_says_so_and_how_to_pick_another(tmp_path: Path, busy_port: int) -> None:
    result = marginalia("--root", str(project(tmp_path)), "serve", "--port", str(busy_port))
    assert result.returncode == 1
    assert f"port {busy_port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()  # told before anything is built


@pytest.mark.parametrize("port", ["99999", "-1", "65536", "eighty", "80.5"])
def test_a_port_out_of_range_is_a_usage_error(port: str) -> None:
    result = marginalia("serve", "--port", port)
    assert result.returncode == 2
    assert f"'{port}' is not a port" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["build", "serve", "ingest", "deploy"])
def test_a_root_that_does_not_exist_is_named(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "no-such-project"
    result = marginalia("--root", str(missing), command)
    assert result.returncode == 1
    assert f"{missing}: the project folder does not exist" in result.stderr
    assert "--root" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_root_that_is_a_file_is_named(tmp_path: Path) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("not a project")
    result = marginalia("--root", str(file), "build")
    assert result.returncode == 1
    assert f"{file}: the project folder is a file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["build", "serve", "ingest"])
def test_a_folder_that_is_not_a_project_is_named(tmp_path: Path, command: str) -> None:
    result = marginalia("--root", str(tmp_path), command)
    assert result.returncode == 1
    assert "not a Marginalia project" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written into it


@pytest.mark.parametrize("command", ["build", "ingest"])
def test_an_os_error_from_a_command_is_one_message_naming_the_file(
    tmp_path: Path, command: str
) -> None:
    root = project(tmp_path)
    registry = root / "content" / "actors.yaml"
    registry.unlink()
    registry.mkdir()  # a folder where the file was: reading it fails (EISDIR)
    result = marginalia("--root", str(root), command)
    assert result.returncode == 1
    assert f"{registry}: is a directory" in result.stderr
    assert "fix: " in result.stderr
    assert "Traceback" not in result.stderr
    assert "Errno" not in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = marginalia("--root", str(tmp_path / "missing"), "--debug", "build")
    assert result.returncode == 1
    assert "Traceback" in result.stderr


def test_an_os_error_becomes_the_file_and_what_happened_in_words() -> None:
    error = as_message(PermissionError(13, "Permission denied", "/srv/site/index.html"))
    assert isinstance(error, FileAccessError)
    assert error.message().startswith("/srv/site/index.html: permission denied\n  fix: ")
    full = as_message(OSError(28, "No space left on device", "/srv/site/a.html"))
    assert "no space left on device" in full.message() and "disk space" in full.message()


def test_an_unexpected_error_asks_for_debug_and_a_report() -> None:
    error = as_message(RuntimeError("something broke"))
    assert isinstance(error, MarginaliaError)
    assert "unexpected error: something broke" in error.message()
    assert "--debug" in error.message() and "report" in error.message()
