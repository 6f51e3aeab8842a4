#!/usr/bin/env python3
"""Two versions of Marginalia on one corpus, run by run in turn: cold, edit, no-change.

    git worktree add ../before <commit>
    .venv/bin/python benchmarks/compare_versions.py ../before . --corpus .bench/corpus-10000-neutral

Each version runs from its own tree (PYTHONPATH) with this venv's packages. Nothing is
deleted until the end: this disk is mounted with `discard`, and deleting a big tree
slows the writes that follow. The corpus is made by `make bench` (or
../shared/bench/make_corpus.py --n 10000 --seed 1 --flavor neutral).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def build(tree: Path, root: Path, content: Path) -> float:
    started = time.perf_counter()
    command = ["--root", str(root), "build", "--content", str(content), "--output"]
    subprocess.run(
        [sys.executable, "-m", "generator", *command, str(root / "out")],
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    work = Path(tempfile.mkdtemp(prefix="compare-", dir=Path.cwd()))
    try:
        content = work / "content"
        shutil.copytree(args.corpus, content)
        times: dict[str, dict[str, list[float]]] = {
            name: {"cold": [], "edit": [], "no-change": []} for name in trees
        }
        for run in range(args.runs):
            for name, tree in trees.items():
                root = work / f"{name}-{run}"
                root.mkdir()
                shutil.copytree(tree / "templates", root / "templates")
                (root / "site.yaml").write_text("base_url: http://127.0.0.1:8000/\n")
                times[name]["cold"].append(build(tree, root, content))
        # Edits: one article's body each round; each version sees that one change.
        article = sorted(content.glob("articles/*/*/*.md"))[5000]
        for name, tree in trees.items():
            build(tree, work / f"{name}-0", content)
        for run in range(args.runs):
            article.write_text(article.read_text() + f"\nMarker {run} edit.\n")
            for name, tree in trees.items():
                root = work / f"{name}-0"
                times[name]["edit"].append(build(tree, root, content))
                times[name]["no-change"].append(build(tree, root, content))
        for name, measures in times.items():
            shown = ", ".join(
                f"{measure} {statistics.median(values):.2f} s "
                f"({' '.join(f'{value:.2f}' for value in values)})"
                for measure, values in measures.items()
            )
            print(f"{name}: {shown}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
