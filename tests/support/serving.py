"""`marginalia serve` on a free port for server tests that call it over real HTTP: on a
thread of the test, or as a process started as a user starts it, on a copy of the
repository's own project."""

from __future__ import annotations

import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from rich.console import Console

from generator.cli import main
from generator.config import load_config
from generator.dev.serve import serve
from tests.support import REPO

SERVING = re.compile(r"serving .* on (http://127\.0\.0\.1:(\d+))/")


def copy_project(root: Path, *, base_path: str = "/", seeds: bool = False) -> Path:
    """The repository's templates and content (and seeds) in root, with base_url at
    base_path; not built."""
    root.mkdir(parents=True)
    for name in ("seeds", "templates", "content") if seeds else ("templates", "content"):
        shutil.copytree(REPO / name, root / name)
    settings = yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))
    settings["base_url"] = f"http://127.0.0.1:8000{base_path}"
    (root / "site.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    return root


def built_project(folder: Path, *, base_path: str = "/") -> Path:
    """The repository's seeds, templates and content in folder/project, built once."""
    root = copy_project(folder / "project", base_path=base_path, seeds=True)
    assert main(["--root", str(root), "build"]) == 0
    return root


class ServeProcess:
    """`python -m generator serve --port 0` on root, with the options given, until
    stop(); what it prints to stderr is in root/serve.err."""

    def __init__(self, root: Path, *options: str) -> None:
        self.root = root
        self.log = root / "serve.err"
        command = [sys.executable, "-m", "generator", "--root", str(root), "serve", "--port", "0"]
        with self.log.open("w") as stderr:
            self.process = subprocess.Popen(
                [*command, *options], stdout=subprocess.DEVNULL, stderr=stderr, cwd=REPO
            )
        deadline = time.monotonic() + 60
        while not (found := SERVING.search(self.stderr())):
            assert self.process.poll() is None, f"serve exited:\n{self.stderr()}"
            assert time.monotonic() < deadline, f"serve did not start:\n{self.stderr()}"
            time.sleep(0.05)
        self.origin = found.group(1)
        self.port = int(found.group(2))

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def serving(root: Path) -> Iterator[str]:
    """Serve root on 127.0.0.1 and a free port; the URL it serves at. What the server
    prints goes to root/serve.log. The server must stop when asked."""
    ready: queue.Queue[str] = queue.Queue()
    stop = threading.Event()
    with open(root / "serve.log", "w", encoding="utf-8") as log:
        thread = threading.Thread(
            target=serve,
            args=(root, load_config(root)),
            kwargs={
                "host": "127.0.0.1",
                "port": 0,
                "console": Console(file=log, force_terminal=False),
                "on_ready": ready.put,
                "stop": stop,
            },
            daemon=True,
        )
        thread.start()
        try:
            yield ready.get(timeout=60)
        finally:
            stop.set()
            thread.join(15)
        assert not thread.is_alive(), "the server did not stop"
