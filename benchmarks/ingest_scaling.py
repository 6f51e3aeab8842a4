#!/usr/bin/env python3
"""How ingest's time for one seed grows with the size of its one paragraph (a script,
not a test).

Each row writes one seed whose body is a single paragraph of the given size, then times
generator.ingest.ingest.ingest on it with the shipped actor registry: reading the seed, parsing
it, finding actors, quotes and candidate actors, anchoring the suggested quotes as the
build does, escaping the body and writing the article. The last column is the time per
MiB of input, which stays flat when the cost is linear.

Shapes of paragraph (--shape, repeatable):
  prose   the shipped seed's paragraphs run together, repeated: names, titles, quotes
          with speakers, so actor and quote finding and anchoring all have work to do
  names   capitalised runs only ("Anna Berg Carl Dahl ..."): the worst case for
          candidate-actor detection
  quotes  the same attributed quote over and over: every suggestion is ambiguous

    .venv/bin/python benchmarks/ingest_scaling.py              # prose, 100 KB to 5 MiB
    .venv/bin/python benchmarks/ingest_scaling.py --shape prose --shape names --shape quotes
    .venv/bin/python benchmarks/ingest_scaling.py --quick      # 100 KB to 1 MiB
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.config import SiteConfig
from generator.content.loading import load_actors
from generator.ingest.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
KB = 1000
MIB = 1024 * 1024
SIZES = (100 * KB, 500 * KB, 1 * MIB, 2 * MIB, 5 * MIB)
QUICK_SIZES = (100 * KB, 250 * KB, 500 * KB, 1 * MIB)

HEADER = (
    "Talks on arms sales stall\n\n"
    "Published in AlJazeera, on Sep 11th, 2023, By Jane Doe\n\n"
    "Washington, DC – "
)


def _shipped_prose() -> str:
    seed = (ROOT / "seeds" / "000_fb03fb027bc92a78.txt").read_text(encoding="utf-8")
    blocks = [block.strip() for block in seed.split("\n\n") if block.strip()]
    return " ".join(blocks[5:]) + " "  # the body paragraphs, without the header


def _names_unit() -> str:
    return "Anna Berg Carl Dahl Erik Fors Gunnar Holm Ivar Jarl Karin Lund Maria Nord. "


def _quotes_unit() -> str:
    return "“We will not accept these terms at all,” Matthew Miller told reporters. "


SHAPES: dict[str, Callable[[], str]] = {
    "prose": _shipped_prose,
    "names": _names_unit,
    "quotes": _quotes_unit,
}


def seed_text(unit: str, size: int) -> str:
    """A seed whose one body paragraph is `size` bytes of `unit` repeated (in UTF-8)."""
    encoded = len(unit.encode("utf-8"))
    body = unit * (size // encoded + 1)
    body = body.encode("utf-8")[:size].decode("utf-8", errors="ignore").rsplit(" ", 1)[0]
    return HEADER + body + "\n"


def time_ingest(text: str, folder: Path, actors: tuple) -> float:
    seeds, content = folder / "seeds", folder / "content"
    seeds.mkdir(parents=True)
    (seeds / "big.txt").write_text(text, encoding="utf-8")
    sources = SiteConfig().source_table
    start = time.perf_counter()
    (result,) = ingest([seeds], content_dir=content, actors=actors, sources=sources)
    elapsed = time.perf_counter() - start
    if result.error is not None:
        raise SystemExit(f"ingest failed: {result.error.message()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES))
    parser.add_argument("--quick", action="store_true", help="sizes up to 1 MiB only")
    parser.add_argument("--runs", type=int, default=1, help="runs per size; the best is shown")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the notes on quotes left out, once per row
    actors = load_actors(ROOT / "content")
    sizes = QUICK_SIZES if args.quick else SIZES
    for shape in args.shape or ["prose"]:
        unit = SHAPES[shape]()
        print(f"\nshape: {shape}")
        print(f"{'paragraph':>12}  {'seconds':>8}  {'s per MiB':>9}")
        for size in sizes:
            text = seed_text(unit, size)
            best = float("inf")
            for _ in range(args.runs):
                with tempfile.TemporaryDirectory() as folder:
                    best = min(best, time_ingest(text, Path(folder), actors))
            label = f"{size / MIB:.2f} MiB" if size >= MIB else f"{size // KB} KB"
            print(f"{label:>12}  {best:8.2f}  {best / (len(text.encode()) / MIB):9.2f}", flush=True)


if __name__ == "__main__":
    main()
