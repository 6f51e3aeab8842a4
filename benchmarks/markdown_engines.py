#!/usr/bin/env python3
"""The body renderer's time per article in each Markdown engine (a script, not a test).

Loads a bench corpus (benchmarks/bench.py makes and caches them under .bench/), then
renders every article's body with render.BodyRenderer once per engine, in one process:
Markdown to a tree, actor links, anchoring, the nh3 sanitiser. Prints ms per article,
the median of --runs passes, and the share of it spent parsing (the engine's own part).

    .venv/bin/python benchmarks/markdown_engines.py                      # corpus-10000
    .venv/bin/python benchmarks/markdown_engines.py --limit 1000 --runs 3
    .venv/bin/python benchmarks/markdown_engines.py --extensions toc,abbr
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.body.engines import COMMONMARK, PYTHON_MARKDOWN, MarkdownEngine, parse  # noqa: E402
from generator.build.render import BodyRenderer  # noqa: E402
from generator.content.actors import build_matcher  # noqa: E402
from generator.content.loading import load_actors, load_articles, read_body  # noqa: E402
from generator.urls import Linker  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO / ".bench" / "corpus-10000-neutral")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--extensions", default="", help="python-markdown extras, a,b,c")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"no corpus at {args.corpus}: run benchmarks/bench.py once to make it")
    actors = load_actors(args.corpus)
    articles = load_articles(args.corpus, actors)
    if args.limit:
        articles = articles[: args.limit]
    bodies = [article.body or read_body(article) for article in articles]
    extras = tuple(name for name in args.extensions.split(",") if name)
    engines = [
        MarkdownEngine(COMMONMARK),
        MarkdownEngine(PYTHON_MARKDOWN, extras, json.dumps({})),
    ]
    matcher = build_matcher(actors)
    linker = Linker(base_path="/", base_url="http://127.0.0.1:8000/")
    by_id = {actor.id: actor for actor in actors}
    print(f"{len(articles)} articles, {sum(map(len, bodies)) / len(bodies):,.0f} chars a body")
    print(f"{'engine':<18} {'render ms/article':>18} {'of which parse':>15}")
    for engine in engines:
        renderer = BodyRenderer(matcher, linker, by_id, engine)
        renderer.render(articles[0])  # the engine's one-off set-up is not an article's
        totals, parses = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            for article in articles:
                renderer.render(article)
            totals.append(time.perf_counter() - start)
            start = time.perf_counter()
            for body in bodies:
                parse(body, engine)
            parses.append(time.perf_counter() - start)
        per = statistics.median(totals) / len(articles) * 1000
        per_parse = statistics.median(parses) / len(articles) * 1000
        label = engine.name + (f"+{','.join(extras)}" if engine.extensions else "")
        print(f"{label:<18} {per:>18.3f} {per_parse:>15.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
