#!/usr/bin/env python3
"""Save a note in the in-browser editor of `marginalia serve` on a big archive: the time
from the save request to a reloaded page that shows the note.

    .venv/bin/python benchmarks/annotate_bench.py                     # 10,000 articles
    .venv/bin/python benchmarks/annotate_bench.py --pause 6       # while a full build runs
    .venv/bin/python benchmarks/annotate_bench.py --corpus .bench/corpus-2000-neutral --runs 3

The corpus (a content folder: articles/ and actors.yaml, as benchmarks/bench.py makes
them) is copied into a temporary project with this checkout's templates and built once;
then the real server is started (a separate process, `python -m generator serve`) and,
each round, the article page is read as a browser reads it (its editor secret and the
file's digest), a note is saved on a passage of its text through the editor's API, as
the page's script does, and the page is read again until it holds the note. The note is
deleted again after each round (that save is timed too). Each round's figures are
printed; the summary gives the median and the worst. Nothing outside the temporary
folder is written.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.body.selection import anchor_text  # noqa: E402
from generator.content.frontmatter import split_front_matter  # noqa: E402

DEFAULT_CORPUS = REPO / ".bench" / "corpus-10000-neutral"
EDITOR = re.compile(
    r'<script src="/__marginalia/editor\.js" defer data-secret="([^"]+)" '
    r'data-article="([^"]+)" data-digest="([0-9a-f]+)"'
)
TIMEOUT_S = 600.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(
    port: int, method: str, path: str, body: object = None, secret: str = ""
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"X-Marginalia-Secret": secret} if secret else {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def make_project(corpus: Path, folder: Path) -> Path:
    root = folder / "project"
    root.mkdir()
    shutil.copytree(corpus, root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "site.yaml").write_text(
        "title: Annotate bench\nbase_url: http://127.0.0.1:8000/\n", encoding="utf-8"
    )
    return root


def passage(article: Path) -> dict[str, str]:
    """Five words of the article's text that occur once: the selection to annotate."""
    text = anchor_text(split_front_matter(article.read_text(encoding="utf-8"), path=article).body)
    words = list(re.finditer(r"\S+", text))
    for first in range(len(words) // 3, len(words) - 5):
        start, end = words[first].start(), words[first + 4].end()
        exact = text[start:end]
        if text.count(exact) == 1 and "\n" not in exact:
            return {"exact": exact, "before": text[max(0, start - 300) : start],
                    "after": text[end : end + 300]}  # fmt: skip
    raise SystemExit(f"no passage of five words occurs once in {article}")


def page_url(article: Path) -> str:
    """The article's page address, from its date and slug."""
    data = split_front_matter(article.read_text(encoding="utf-8"), path=article).data
    date = str(data["date"])[:10]
    return f"/{date[:4]}/{date[5:7]}/{date[8:10]}/{article.stem}/"


def editor_of(port: int, url: str) -> tuple[str, str, str]:
    status, page = request(port, "GET", url)
    found = EDITOR.search(page.decode("utf-8"))
    if status != 200 or found is None:
        raise SystemExit(f"{url}: no editor on the page (status {status})")
    return found.group(1), found.group(2), found.group(3)


def until_page_shows(port: int, url: str, words: str, present: bool) -> float:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        _, page = request(port, "GET", url)
        if (words.encode() in page) == present:
            return time.monotonic()
        time.sleep(0.005)
    raise SystemExit(f"{url}: the page did not {'show' if present else 'drop'} the note in 60 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=5, help="counted rounds (after one warm-up)")
    parser.add_argument("--article", type=int, default=0, help="which article (sorted), from 0")
    parser.add_argument(
        "--pause",
        type=float,
        default=2.0,
        help="seconds between one round's delete and the next save (default 2: saves in a "
        "row; 6 or more: the save meets the full build the last one started)",
    )
    args = parser.parse_args()
    articles = sorted((args.corpus / "articles").rglob("*.md"))
    if not articles:
        raise SystemExit(f"{args.corpus}: no articles (make them with benchmarks/bench.py)")
    with tempfile.TemporaryDirectory(prefix="annotate-bench-") as temporary:
        root = make_project(args.corpus, Path(temporary))
        article = root / "content" / articles[args.article].relative_to(args.corpus)
        selection = passage(article)
        url = page_url(article)
        print(f"{len(articles):,} articles; annotating {url}", flush=True)
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(root), "build"],
            check=True, cwd=REPO, stdout=subprocess.DEVNULL, timeout=TIMEOUT_S,
        )  # fmt: skip
        print(f"built in {time.monotonic() - started:.1f} s", flush=True)
        port = free_port()
        log = (Path(temporary) / "serve.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "--root", str(root), "serve", "--port", str(port)],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + TIMEOUT_S
            while b"serving " not in (Path(temporary) / "serve.log").read_bytes():
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("marginalia serve did not start")
                time.sleep(0.1)
            saves: list[float] = []
            shown: list[float] = []
            deletes: list[float] = []
            for round_number in range(args.runs + 1):
                # Saves in a row (the full build after a save waits a few seconds), or
                # with --during-build a save made while that full build runs.
                time.sleep(args.pause)
                secret, path, digest = editor_of(port, url)
                note = f"Bench note {round_number} {time.time_ns()}"
                began = time.monotonic()
                status, answer = request(
                    port, "POST", "/__marginalia/api/save",
                    {"path": path, "digest": digest, "op": "add", "collection": "annotations",
                     "entry": {"kind": "note", "note": note}, "selection": selection},
                    secret,
                )  # fmt: skip
                answered = time.monotonic()
                if status != 200:
                    raise SystemExit(f"save refused: {status} {answer.decode()}")
                seen = until_page_shows(port, url, note, present=True)
                time.sleep(min(args.pause, 2.0))
                secret, path, digest = editor_of(port, url)
                status, body = request(port, "GET", f"/__marginalia/api/article?path={path}", None,
                                       secret)  # fmt: skip
                index = len(json.loads(body)["annotations"]) - 1
                removing = time.monotonic()
                status, answer = request(
                    port, "POST", "/__marginalia/api/save",
                    {"path": path, "digest": digest, "op": "delete",
                     "collection": "annotations", "index": index},
                    secret,
                )  # fmt: skip
                if status != 200:
                    raise SystemExit(f"delete refused: {status} {answer.decode()}")
                gone = until_page_shows(port, url, note, present=False)
                label = "warm-up" if round_number == 0 else f"run {round_number}"
                print(
                    f"  {label:8} save answered {answered - began:.3f} s, page shows the note "
                    f"{seen - began:.3f} s; delete to page without it {gone - removing:.3f} s",
                    flush=True,
                )
                if round_number:
                    saves.append(answered - began)
                    shown.append(seen - began)
                    deletes.append(gone - removing)
            print(
                f"save -> page with the note: median {statistics.median(shown):.3f} s, "
                f"worst {max(shown):.3f} s ({args.runs} runs, {len(articles):,} articles, "
                f"{args.pause:g} s between saves); "
                f"save answered: median {statistics.median(saves):.3f} s; delete -> page "
                f"without it: median {statistics.median(deletes):.3f} s"
            )
        finally:
            if server.poll() is None:  # only the server this bench started, by its pid
                server.send_signal(signal.SIGINT)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            log.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
