"""The real server on a free port: edits are rebuilt and served, errors keep the last good site."""

from __future__ import annotations

import shutil
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from rich.console import Console

from generator.cli import main
from generator.config import load_config
from generator.serve import serve

REPO = Path(__file__).resolve().parents[2]
ARTICLE_URL = "2023/09/11/us-threatens-sanctions-if-north-korea-sells-arms-to-russia/"
ARTICLE_FILE = (
    "content/articles/2023/09/us-threatens-sanctions-if-north-korea-sells-arms-to-russia.md"
)


class RunningServer:
    def __init__(self, root: Path, base_url: str) -> None:
        self.root = root
        self.base_url = base_url

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def wait_for(self, path: str, predicate, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, body = self.get(path)
            if predicate(status, body):
                return body
            time.sleep(0.1)
        raise AssertionError(f"{path} did not change as expected within {timeout} s")


def _text_of(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text(" ", strip=True)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    root = tmp_path / "project"
    root.mkdir()
    for folder in ("seeds", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "content").mkdir()
    shutil.copy(REPO / "content" / "actors.yaml", root / "content" / "actors.yaml")
    assert main(["--root", str(root), "ingest"]) == 0

    started = threading.Event()
    stop = threading.Event()
    urls: list[str] = []

    def ready(url: str) -> None:
        urls.append(url)
        started.set()

    console = Console(file=open(root / "serve.log", "w"), force_terminal=False)  # noqa: SIM115
    thread = threading.Thread(
        target=serve,
        args=(root, load_config(root)),
        kwargs={
            "host": "127.0.0.1",
            "port": 0,
            "console": console,
            "on_ready": ready,
            "stop": stop,
        },
        daemon=True,
    )
    thread.start()
    assert started.wait(30), "the server did not start"
    yield RunningServer(root, urls[0])
    stop.set()
    thread.join(10)
    assert not thread.is_alive(), "the server did not stop"


def test_serves_the_built_article(server: RunningServer) -> None:
    status, body = server.get(ARTICLE_URL)
    assert status == 200
    heading = BeautifulSoup(body, "html.parser").find("h1")
    assert heading is not None
    assert (
        heading.get_text(strip=True) == "US threatens sanctions if North Korea sells arms to Russia"
    )


def test_edit_to_an_article_is_rebuilt_and_served(server: RunningServer) -> None:
    article = server.root / ARTICLE_FILE
    text = article.read_text(encoding="utf-8")
    article.write_text(text + "\nA sentence added by the editor.\n", encoding="utf-8")
    server.wait_for(
        ARTICLE_URL, lambda _, body: "A sentence added by the editor." in _text_of(body)
    )


def test_broken_yaml_keeps_the_last_good_site_and_a_fix_recovers(server: RunningServer) -> None:
    article = server.root / ARTICLE_FILE
    good = article.read_text(encoding="utf-8")
    article.write_text(good.replace("title: US", "title: [US", 1), encoding="utf-8")
    time.sleep(1.0)  # long enough for a rebuild to have been tried and failed
    status, body = server.get(ARTICLE_URL)
    assert status == 200
    assert "US threatens sanctions" in _text_of(body)
    log = (server.root / "serve.log").read_text(encoding="utf-8")
    assert "build failed" in log
    assert ARTICLE_FILE.rsplit("/", 1)[-1] in log

    article.write_text(good.replace("title: US threatens", "title: Washington threatens", 1))
    server.wait_for(ARTICLE_URL, lambda _, body: "Washington threatens sanctions" in _text_of(body))


def test_deleting_an_article_removes_its_page_and_listing(server: RunningServer) -> None:
    (server.root / ARTICLE_FILE).unlink()
    server.wait_for(ARTICLE_URL, lambda status, _: status == 404)
    home = server.wait_for("", lambda status, body: "US threatens" not in _text_of(body))
    assert "The archive is empty" in _text_of(home)


@pytest.mark.parametrize(
    "path", ["../serve.log", "%2e%2e/serve.log", "..%2fserve.log", "static/../../serve.log"]
)
def test_path_traversal_gets_404(server: RunningServer, path: str) -> None:
    status, _ = server.get(path)
    assert status == 404


def test_missing_page_gets_the_404_page(server: RunningServer) -> None:
    status, body = server.get("no/such/page/")
    assert status == 404
    assert "Page not found" in _text_of(body)
