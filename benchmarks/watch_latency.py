"""Save-to-reloaded-page latency of `marginalia serve`, measured as a browser sees it.

The server is started on a content folder; a client listens to its build events, as
the live-reload script in every page does. Each repetition edits one article in place
(as an editor saves), and the clock runs from the write to the moment the page, fetched
again after the build event that names it, holds the edit.

    python benchmarks/watch_latency.py --root ROOT --content CORPUS [--reps 9]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from queue import Empty, Queue


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_server(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer on port {port} within {timeout:.0f} s")


def listen(port: int, events: Queue[dict]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", "/__marginalia/events")
    for raw in connection.getresponse():
        line = raw.decode("utf-8").strip()
        if line.startswith("data: "):
            events.put(json.loads(line[6:]))


def fetch(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    return connection.getresponse().read().decode("utf-8")


def page_url(article: Path) -> str:
    text = article.read_text(encoding="utf-8")
    date = re.search(r"^date:\s*'?(\d{4})-(\d{2})-(\d{2})", text, re.MULTILINE)
    assert date, f"no date in {article}"
    return f"/{date[1]}/{date[2]}/{date[3]}/{article.stem}/"


def edit_first_paragraph(article: Path, marker: str) -> None:
    text = article.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    paragraphs = body.lstrip("\n").split("\n\n")
    paragraphs[0] = paragraphs[0].rstrip() + f" {marker}."
    with open(article, "w", encoding="utf-8") as file:  # in place, as an editor saves
        file.write(head + "\n---\n" + "\n\n".join(paragraphs))


def edit_title(article: Path, marker: str) -> None:
    text = article.read_text(encoding="utf-8")
    text = re.sub(r"^title: (.*)$", lambda m: f"title: {marker} {m[1]}", text, 1, re.MULTILINE)
    with open(article, "w", encoding="utf-8") as file:
        file.write(text)


def measure(
    port: int, events: Queue[dict], article: Path, url: str, edit, marker: str, listing: str
) -> float:
    """Seconds from saving the edit to fetching a page that shows it."""
    while not events.empty():
        events.get_nowait()
    started = time.monotonic()
    edit(article, marker)
    deadline = started + 60
    while True:
        try:
            event = events.get(timeout=max(0.1, deadline - time.monotonic()))
        except Empty:
            raise SystemExit(f"no build event for {url} within 60 s") from None
        if event.get("error"):
            raise SystemExit(f"the build failed: {event['error']}")
        if url in event["changed"] and marker in fetch(port, url):
            elapsed = time.monotonic() - started
            break
    # Every listing that shows the edit is updated too (for a title: the edition page).
    if listing:
        while marker not in fetch(port, listing):
            event = events.get(timeout=60)
        elapsed = time.monotonic() - started
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True, help="project folder (templates/)")
    parser.add_argument("--content", type=Path, required=True, help="content folder")
    parser.add_argument("--reps", type=int, default=9)
    parser.add_argument("--marginalia", default=str(Path(sys.executable).parent / "marginalia"))
    args = parser.parse_args()

    articles = sorted((args.content / "articles").rglob("*.md"))
    article = articles[len(articles) // 2]
    url = page_url(article)
    original = article.read_bytes()
    port = free_port()
    server = subprocess.Popen(
        [args.marginalia, "--root", str(args.root), "serve", "--port", str(port)]
        + ["--content", str(args.content)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_server(port, timeout=600)
        events: Queue[dict] = Queue()
        threading.Thread(target=listen, args=(port, events), daemon=True).start()
        time.sleep(1.0)
        body_times, title_times = [], []
        for rep in range(args.reps):
            time.sleep(1.0)
            body_times.append(
                measure(port, events, article, url, edit_first_paragraph, f"EDIT{rep}X", "")
            )
        edition = "/editions/" + url[1:11].replace("/", "-") + "/"
        for rep in range(max(3, args.reps // 3)):
            time.sleep(1.0)
            title_times.append(
                measure(port, events, article, url, edit_title, f"TITLE{rep}X", edition)
            )
    finally:
        article.write_bytes(original)
        server.terminate()
        server.wait(timeout=30)
    print(
        json.dumps(
            {
                "articles": len(articles),
                "body_edit_median_s": statistics.median(body_times),
                "body_edit_all_s": body_times,
                "title_edit_median_s": statistics.median(title_times),
                "title_edit_all_s": title_times,
            }
        )
    )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
