#!/usr/bin/env python3
"""Ingest at archive scale: a fresh ingest of N seeds, and ingest again with none changed.

The seeds are made from the shared bench corpus (../shared/bench/make_corpus.py, seed 1,
cached in .bench/): each article becomes a seed in the seed format (headline, caption
for every third, "Published in <outlet>, on <date>, By <authors>", dek, a dateline
for every other, the body's paragraphs), so the outlets, dates, authors, names and
quotes vary as an archive's do; the corpus's 500-actor registry is the registry. Each
run is `python -m generator --root R ingest` in a separate process, timed with a
monotonic clock: fresh runs each get a new project (no content, no cache); the
no-change runs re-run ingest on the project the last fresh run made. Each run's CPU
time (the ingest process and its workers) is shown too: on a machine others are using,
the wall time says little, and CPU time divided by the cores is what a quiet machine's
wall time comes near.

    .venv/bin/python benchmarks/ingest_bench.py                  # 10,000 seeds, 3 runs
    .venv/bin/python benchmarks/ingest_bench.py --n 1000 --runs 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"fresh": 20.0, "no-change": 1.0}  # seconds, at 10,000 seeds (issue 12)
_CITIES = ("MOSCOW", "BEIRUT", "GENEVA", "Kyiv", "WASHINGTON", "NAIROBI", "SEOUL")
_AGENCIES = ("Reuters", "AP", "AFP", "Yonhap")


def corpus_dir(work: Path, n: int) -> Path:
    """The shared neutral corpus of n articles, made once (as bench.py makes it)."""
    final = work / f"corpus-{n}-neutral"
    if final.is_dir():
        return final
    script = REPO.parent / "shared" / "bench" / "make_corpus.py"
    if not script.is_file():
        raise SystemExit(f"corpus generator not found: {script}")
    partial = work / f".corpus-{n}-neutral.partial"
    shutil.rmtree(partial, ignore_errors=True)
    cmd = [sys.executable, str(script), "--n", str(n), "--seed", "1"]
    subprocess.run(
        [*cmd, "--flavor", "neutral", "--out", str(partial)], check=True, stdout=subprocess.DEVNULL
    )
    os.replace(partial, final)
    return final


def seed_text(article: Path, number: int) -> str:
    """One corpus article as a seed, as copied from a news site."""
    text = article.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    front = yaml.safe_load(head)
    date = dt.datetime.fromisoformat(str(front["date"]).replace("Z", "+00:00")).date()
    authors = " and ".join(front.get("authors") or ["Staff"])
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    blocks = ["Previous Editions", front["title"]]
    if number % 3 == 0:
        blocks.append(f"Officials meet in the capital [File: {authors.split(' and ')[0]}/AP]")
    blocks.append(
        f"Published in {front.get('source') or 'Reuters'}, on {date:%B %-d, %Y}, By {authors}"
    )
    if front.get("dek"):
        blocks.append(front["dek"])
    if number % 2 == 0 and paragraphs:
        city = _CITIES[number % len(_CITIES)]
        agency = _AGENCIES[number % len(_AGENCIES)]
        paragraphs[0] = f"{city} ({agency}) - {paragraphs[0]}"
    return "\n\n".join([*blocks, *paragraphs]) + "\n"


def make_seeds(work: Path, n: int) -> tuple[Path, Path]:
    """(seeds folder, registry) for n seeds, made once into work/ingest-seeds-<n>/."""
    corpus = corpus_dir(work, n)
    folder = work / f"ingest-seeds-{n}"
    if not folder.is_dir():
        partial = work / f".ingest-seeds-{n}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        articles = sorted(corpus.glob("articles/*/*/*.md"))
        for number, article in enumerate(articles):
            (partial / f"{number:05}_{article.stem[:40]}.txt").write_text(
                seed_text(article, number), encoding="utf-8"
            )
        os.replace(partial, folder)
    return folder, corpus / "actors.yaml"


def new_project(root: Path, seeds: Path, registry: Path) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    (root / "content").mkdir(parents=True)
    shutil.copy2(registry, root / "content" / "actors.yaml")
    (root / "seeds").symlink_to(seeds)
    return root


def timed_ingest(root: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the ingest and its workers, its last line)."""
    cpu_before = _children_cpu()
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "ingest"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    seconds = time.monotonic() - started
    cpu = _children_cpu() - cpu_before
    last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
    if done.returncode not in (0, 1):
        raise SystemExit(f"ingest failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, cpu, last


def _children_cpu() -> float:
    """CPU seconds of the finished child processes, and of their own (the workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(work: Path, n: int, runs: int, log=print) -> list[str]:
    """The ingest rows as markdown lines: fresh and no-change medians against targets."""
    seeds, registry = make_seeds(work, n)
    fresh: list[float] = []
    again: list[float] = []
    cpu: dict[str, list[float]] = {"fresh": [], "no-change": []}
    root = work / "runs" / f"ingest-{n}"
    for number in range(runs):
        new_project(root, seeds, registry)
        seconds, used, summary = timed_ingest(root)
        log(
            f"ingest fresh     N={n:,} run {number + 1}: {seconds:6.2f} s "
            f"(cpu {used:6.2f} s)  {summary}"
        )
        fresh.append(seconds)
        cpu["fresh"].append(used)
        seconds, used, summary = timed_ingest(root)
        log(
            f"ingest no-change N={n:,} run {number + 1}: {seconds:6.2f} s "
            f"(cpu {used:6.2f} s)  {summary}"
        )
        again.append(seconds)
        cpu["no-change"].append(used)
    shutil.rmtree(root, ignore_errors=True)
    lines = [
        "| measure | N | median s | runs (s) | cpu s, median | target (at 10,000) |",
        "|---|---:|---:|---|---:|---|",
    ]
    for name, samples in (("ingest fresh", fresh), ("ingest no-change", again)):
        target = TARGETS[name.split()[1]]
        median = statistics.median(samples)
        verdict = (
            f"< {target:g} s: {'met' if median < target else 'NOT met'}"
            if n == 10_000
            else f"< {target:g} s"
        )
        shown = ", ".join(f"{s:.2f}" for s in samples)
        used = statistics.median(cpu[name.split()[1]])
        lines.append(f"| {name} | {n:,} | {median:.2f} | {shown} | {used:.2f} | {verdict} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="seeds (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--work", type=Path, default=REPO / ".bench", help="scratch folder")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    print("\n".join(run(args.work.resolve(), args.n, max(1, args.runs))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
