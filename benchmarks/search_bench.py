#!/usr/bin/env python3
"""Search in the browser: Marginalia's own index against Pagefind, on the same built site.

Run with the project venv's python (Chromium at /usr/bin/chromium; never `playwright
install`):

    .venv/bin/python benchmarks/search_bench.py                      # 10,000 articles
    .venv/bin/python benchmarks/search_bench.py --sizes 10000 100000 --runs 3

For each size, one corpus from ../shared/bench/make_corpus.py (seed 1; 10,000 is copied
from .bench/corpus-10000-neutral, others are made in .bench/search-corpus-N), then:
  build      `marginalia build` under the base path /archive/ (wall time, index size)
  pagefind   `python -m pagefind --site SITE --output-subdir _pagefind --glob ...` over the
             article pages only, the documents Marginalia's index holds (wall time, size)
  queries    each in a new browser context (a cold cache), loading /archive/search/?q=...
             for Marginalia and a page calling Pagefind's JS API for Pagefind:
             first results = first result's title on screen, for Marginalia; Pagefind's
             API gives a title with its excerpt, so its figure is the first result drawn,
             and `excerpts` the time the page's first excerpt is drawn, for both.
             Bytes: every response body (after HTTP compression) until the network is idle.

The server is Python's, over real HTTP, with gzip for text as GitHub Pages serves it;
--no-gzip serves files as they are (Pagefind's own files are compressed on disk).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import ClassVar

REPO = Path(__file__).resolve().parent.parent
MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
BASE = "/archive/"
TEXT_TYPES = (".html", ".json", ".js", ".css", ".xml", ".svg")
# A common word, a phrase, and the word narrowed by an actor and a year.
QUERIES = {
    "word": "?q=ceasefire",
    "phrase": '?q="ceasefire talks"',
    "narrowed": "?q=ceasefire&actor={actor}&from=2023-01-01&to=2023-12-31",
}
PAGEFIND_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Pagefind</title></head><body><main><ol id="results"></ol></main>
<script type="module">
const query = new URLSearchParams(location.search).get("q");
const pagefind = await import("./_pagefind/pagefind.js");
const search = await pagefind.search(query);
const list = document.getElementById("results");
const shown = search.results.slice(0, 20);
window.__count = search.results.length;
for (const result of shown) {
  const data = await result.data();
  const item = document.createElement("li");
  item.className = "pf-result";
  const title = document.createElement("h2");
  title.textContent = data.meta.title || data.url;
  const excerpt = document.createElement("p");
  excerpt.className = "pf-excerpt";
  excerpt.innerHTML = data.excerpt;  // Pagefind's own marked excerpt (its UI does the same)
  item.append(title, excerpt);
  list.append(item);
}
window.__done = performance.now();
</script></body></html>
"""
# Timestamps from navigation start, taken in the page as the first result and excerpt appear.
WATCH = """
window.__marks = {};
new MutationObserver(() => {
  const now = performance.now();
  if (!window.__marks.first && document.querySelector(".search-result, .pf-result"))
    window.__marks.first = now;
  if (!window.__marks.excerpt && document.querySelector(".search-excerpt:not(:empty), .pf-excerpt"))
    window.__marks.excerpt = now;
}).observe(document, { childList: true, subtree: true });
"""


class Handler(http.server.SimpleHTTPRequestHandler):
    """The site under /archive/, text gzipped once and kept, as a static host would."""

    gzip_text = True
    cache: ClassVar[dict[str, bytes]] = {}

    def translate_path(self, path: str) -> str:
        if not path.startswith(BASE):
            return str(Path(self.directory) / ".outside")
        return super().translate_path("/" + path[len(BASE) :])

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path.split("?", 1)[0]))
        if path.is_dir():
            path = path / "index.html"
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.gzip_text and wants and path.suffix in TEXT_TYPES and path.is_file()):
            return super().send_head()
        key = str(path)
        if key not in self.cache:
            self.cache[key] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        body = self.cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class Load:
    first_ms: float
    excerpt_ms: float
    wire_bytes: int
    body_bytes: int
    requests: int
    results: int


def corpus(size: int, work: Path) -> Path:
    """The corpus's content folder (articles/ and actors.yaml), made when missing."""
    made = work / f"corpus-{size}-neutral"  # bench.py's, copied: a build must not touch it
    if made.is_dir():
        copy = work / f"search-corpus-{size}"
        if not copy.is_dir():
            shutil.copytree(made, copy)
        return copy
    out = work / f"search-corpus-{size}"
    if not (out / "actors.yaml").is_file():
        subprocess.run(
            [sys.executable, str(MAKE_CORPUS), "--n", str(size), "--seed", "1", "--out", str(out)],
            check=True,
        )
    return out


def du(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def timed(argv: list[str], **kwargs: object) -> float:
    start = time.monotonic()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]
    return time.monotonic() - start


def busiest_actor(site: Path) -> str:
    """The actor in the most articles, from the built index, for the narrowed query."""
    values = json.loads((site / "search" / "data" / "facets" / "actor.json").read_text("utf-8"))
    return max(values, key=lambda value: (len(value[2]), value[0]))[0]


def measure(browser, url: str) -> Load:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(WATCH)
    page.goto(url)
    page.wait_for_function(
        "window.__marks.excerpt || /^No /.test(document.querySelector('.search-status')"
        "?.textContent || '') || window.__done",
        timeout=60_000,
    )
    page.wait_for_load_state("networkidle")
    marks = page.evaluate("window.__marks")
    results = page.locator(".search-result, .pf-result").count()
    wire = body = 0
    for request in responses:
        sizes = request.sizes()
        wire += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        response = request.response()
        body += len(response.body()) if response else 0
    context.close()
    if errors:
        raise SystemExit(f"{url}: {errors}")
    nothing = float("nan")
    return Load(
        marks.get("first", nothing),
        marks.get("excerpt", nothing),
        wire,
        body,
        len(responses),
        results,
    )


def median_load(loads: list[Load]) -> Load:
    return Load(
        statistics.median(x.first_ms for x in loads),
        statistics.median(x.excerpt_ms for x in loads),
        int(statistics.median(x.wire_bytes for x in loads)),
        int(statistics.median(x.body_bytes for x in loads)),
        loads[0].requests,
        loads[0].results,
    )


def bench_size(size: int, args: argparse.Namespace, browser) -> list[str]:  # type: ignore[no-untyped-def]
    content = corpus(size, args.work)
    root = args.work / f"search-root-{size}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "site.yaml").write_text("title: Bench\n", encoding="utf-8")
    site = root / "site"
    handler = functools.partial(Handler, directory=str(site))
    Handler.gzip_text = not args.no_gzip
    Handler.cache = {}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    load = os.getloadavg()[0]
    build_s = timed(
        [
            sys.executable,
            "-m",
            "generator",
            "--root",
            str(root),
            "build",
            "--content",
            str(content),
            "--base-url",
            origin + BASE,
        ],
        cwd=root,
    )
    index_bytes, index_files = du(site / "search" / "data")
    pagefind = not args.skip_pagefind
    if pagefind:
        pagefind_lines = _pagefind(site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    actor = busiest_actor(site)
    lines = [
        f"### {size:,} articles (load average {load:.1f} at the start)",
        "",
        f"- Marginalia build (whole site, index included): {build_s:.1f} s; search index "
        f"{index_bytes / 1e6:.1f} MB in {index_files:,} files",
        *(pagefind_lines if pagefind else ["- Pagefind: not run (--skip-pagefind)"]),
        "",
        "| engine | query | results | first results ms | first excerpt ms | bytes (wire) "
        "| bytes (bodies) | requests |",
        "|---|---|---|---|---|---|---|---|",
    ]
    try:
        for name, query in QUERIES.items():
            query = query.format(actor=actor)
            targets = [("Marginalia", f"{origin}{BASE}search/{query}")]
            if pagefind and name != "narrowed":  # Pagefind has no facets over this data
                q = query.split("&", 1)[0]
                targets.append(("Pagefind", f"{origin}{BASE}pagefind-search/{q}"))
            for engine, url in targets:
                runs = [measure(browser, url) for _ in range(args.runs)]
                m = median_load(runs)
                lines.append(
                    f"| {engine} | {name} `{query}` | {m.results} | {m.first_ms:.0f} | "
                    f"{m.excerpt_ms:.0f} | {m.wire_bytes / 1e3:,.0f} KB | "
                    f"{m.body_bytes / 1e3:,.0f} KB | {m.requests} |"
                )
                print(lines[-1], flush=True)
    finally:
        server.shutdown()
        server.server_close()
    lines.append("")
    return lines


def _pagefind(site: Path) -> list[str]:
    """Index the article pages with Pagefind and give it a search page; its summary line."""
    pagefind_s = timed(
        [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(site),
            "--output-subdir",
            "_pagefind",
            "--glob",
            "20[0-9][0-9]/**/*.html",
        ],
        cwd=site.parent,
    )
    pf_bytes, pf_files = du(site / "_pagefind")
    (site / "pagefind-search").mkdir()
    (site / "pagefind-search" / "index.html").write_text(
        PAGEFIND_PAGE.replace("./_pagefind/", BASE + "_pagefind/"), encoding="utf-8"
    )
    return [
        f"- Pagefind over the article pages: {pagefind_s:.1f} s; index "
        f"{pf_bytes / 1e6:.1f} MB in {pf_files:,} files"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--runs", type=int, default=3, help="loads per query (median)")
    parser.add_argument("--work", type=Path, default=REPO / ".bench")
    parser.add_argument("--no-gzip", action="store_true", help="serve files uncompressed")
    parser.add_argument(
        "--skip-pagefind",
        action="store_true",
        help="Marginalia only (Pagefind needs about 2.3 GB of memory per 10,000 articles)",
    )
    parser.add_argument("--out", type=Path, help="also write the markdown here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    lines = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for size in args.sizes:
                lines += bench_size(size, args, browser)
        finally:
            browser.close()
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
