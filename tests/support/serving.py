"""`marginalia serve` on a thread of the test, on a free port, for server tests that
call it over real HTTP: the repository's own project, built, and served until the test
ends."""

from __future__ import annotations

import queue
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from rich.console import Console

from generator.cli import main
from generator.config import load_config
from generator.dev.serve import serve
from tests.support import REPO


def built_project(folder: Path, *, base_path: str = "/") -> Path:
    """The repository's seeds, templates and content in folder/project, with base_url at
    base_path, built once."""
    root = folder / "project"
    root.mkdir()
    for name in ("seeds", "templates", "content"):
        shutil.copytree(REPO / name, root / name)
    settings = yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))
    settings["base_url"] = f"http://127.0.0.1:8000{base_path}"
    (root / "site.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    assert main(["--root", str(root), "build"]) == 0
    return root


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
