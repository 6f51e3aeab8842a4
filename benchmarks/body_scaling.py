#!/usr/bin/env python3
"""How the build's time for one article grows with its size (a script, not a test).

Each case writes one article file, then times what the build does with it: loading
(content.loading.load_articles: read, split the front matter, parse and check every field) and
rendering its body (render.BodyRenderer: Markdown, actor links, anchoring every note,
quote and event). Sizes double, so a linear cost doubles from row to row; the last
column is the time per unit of input, which stays flat when it is linear.

    .venv/bin/python benchmarks/body_scaling.py            # every case, ~1 minute
    .venv/bin/python benchmarks/body_scaling.py --quick    # smaller sizes, seconds
    .venv/bin/python benchmarks/body_scaling.py --case paragraph --case annotations
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.build.render import BodyRenderer
from generator.content.actors import Actor, ActorType, build_matcher
from generator.content.loading import load_articles
from generator.errors import MarginaliaError
from generator.urls import Linker

KIB = 1024
MIB = 1024 * KIB

# A sentence of news prose, with a capital-letter run or two: what actor finding sees.
SENTENCE = (
    "Officials in the capital said on Tuesday that the talks would go on, and the "
    "minister told reporters that “nothing has been agreed” before the summit. "
)

BASE_ACTORS = (
    Actor("vladimir-putin", "Vladimir Putin", ActorType.PERSON, short=("Putin",)),
    Actor("russia", "Russia", ActorType.COUNTRY, aliases=("Moscow",)),
    Actor("united-nations", "United Nations", ActorType.ORGANIZATION),
)


@dataclass(frozen=True, slots=True)
class Article:
    front: str  # YAML lines, without the fences
    body: str
    actors: tuple[Actor, ...] = BASE_ACTORS


def _paragraph(size: int) -> Article:
    """One paragraph of `size` bytes, two actors and a note on its last words."""
    body = (SENTENCE * (size // len(SENTENCE) + 1))[:size].rsplit(" ", 1)[0]
    body = "Vladimir Putin arrived. " + body + " Russia closed the meeting."
    front = (
        "actors: [vladimir-putin, russia]\n"
        "annotations:\n- quote: Russia closed the meeting\n  kind: context\n  note: A note.\n"
    )
    return Article(front, body)


def _wrapped(size: int) -> Article:
    """One paragraph of `size` bytes in lines of 80 characters, as editors hard-wrap."""
    line = SENTENCE[:79] + "\n"
    return Article("actors: [russia]\n", "Russia spoke.\n" + line * (size // len(line)))


def _annotations(count: int) -> Article:
    """`count` notes, each on a sentence of its own (numbered, so each matches once)."""
    body = "\n\n".join(f"Paragraph {n} says the talks went on for {n} days." for n in range(count))
    notes = "".join(
        f"- quote: talks went on for {n} days\n  kind: note\n  note: Note {n}.\n"
        for n in range(count)
    )
    return Article(f"annotations:\n{notes}", body)


def _quotes(count: int) -> Article:
    body = "\n\n".join(f"“We will meet on day {n},” Putin said." for n in range(count))
    quotes = "".join(
        f"- speaker: vladimir-putin\n  text: We will meet on day {n},\n" for n in range(count)
    )
    return Article(
        f"actors: [vladimir-putin]\nquotes:\n{quotes}", "Vladimir Putin spoke.\n\n" + body
    )


def _missing(count: int) -> Article:
    """`count` paragraphs, and one note whose words are in none: the 'closest passage'."""
    body = "\n\n".join(f"Paragraph {n} says the talks went on for {n} days." for n in range(count))
    front = "annotations:\n- quote: the talks were abandoned at dawn\n  kind: note\n  note: N.\n"
    return Article(front, body)


def _ambiguous(count: int) -> Article:
    """The same words `count` times, and a note on them: 'add a prefix' suggestions."""
    body = "\n\n".join("The talks went on." for _ in range(count))
    front = "annotations:\n- quote: The talks went on\n  kind: note\n  note: N.\n"
    return Article(front, body)


def _front_lines(lines: int) -> Article:
    tags = "".join(f"- tag-{n}\n" for n in range(lines))
    return Article(f"tags:\n{tags}", "A short body.")


def _actors(count: int) -> Article:
    """`count` registered actors, all mentioned in one paragraph."""
    actors = tuple(
        Actor(f"actor-{n}", f"Person Number{n} Smith", ActorType.PERSON, short=(f"Number{n}",))
        for n in range(count)
    )
    body = " ".join(f"Person Number{n} Smith met Number{n} again." for n in range(count))
    front = f"actors: [{', '.join(actor.id for actor in actors)}]\n"
    return Article(front, body, actors)


def _nesting(depth: int) -> Article:
    """Block quotes, then lists, then emphasis, each `depth` deep."""
    body = ">" * depth + " " + "- " * depth + "*" * depth + "deep" + "*" * depth
    return Article("", body)


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    unit: str
    make: Callable[[int], Article]
    sizes: tuple[int, ...]
    quick: tuple[int, ...]
    label: Callable[[int], str]


def _bytes(size: int) -> str:
    return f"{size // MIB} MiB" if size >= MIB else f"{size // KIB} KiB"


CASES = (
    Case(
        "paragraph",
        "MiB",
        _paragraph,
        (100 * KIB, 320 * KIB, 640 * KIB, 1280 * KIB, 2560 * KIB, 5 * MIB),
        (100 * KIB, 200 * KIB, 400 * KIB),
        _bytes,
    ),
    Case(
        "wrapped",
        "MiB",
        _wrapped,
        (100 * KIB, 320 * KIB, 640 * KIB, 1280 * KIB, 2560 * KIB, 5 * MIB),
        (100 * KIB, 200 * KIB, 400 * KIB),
        _bytes,
    ),
    Case(
        "annotations",
        "1,000 notes",
        _annotations,
        (100, 1250, 2500, 5000, 10000),
        (100, 500, 1000),
        str,
    ),
    Case("quotes", "1,000 quotes", _quotes, (100, 1250, 2500, 5000, 10000), (100, 500, 1000), str),
    Case(
        "not-found",
        "1,000 paragraphs",
        _missing,
        (1250, 2500, 5000, 10000, 20000),
        (500, 1000, 2000),
        str,
    ),
    Case(
        "ambiguous",
        "1,000 paragraphs",
        _ambiguous,
        (1250, 2500, 5000, 10000, 20000),
        (500, 1000, 2000),
        str,
    ),
    Case(
        "front-matter",
        "100,000 lines",
        _front_lines,
        (12500, 25000, 50000, 100000),
        (5000, 10000, 20000),
        str,
    ),
    Case("actors", "1,000 actors", _actors, (125, 250, 500, 1000, 2000), (100, 200, 400), str),
    Case("nesting", "1,000 levels", _nesting, (250, 500, 1000, 2000, 4000), (100, 200), str),
)


def _units(case: Case, size: int) -> float:
    if case.unit == "MiB":
        return size / MIB
    per = {"1,000": 1000, "100,000": 100000}[case.unit.split()[0]]
    return size / per


def measure(article: Article, folder: Path) -> tuple[float, float, int, int]:
    """Seconds to load and to render, the file's size, and the problems reported."""
    content = folder / "content"
    path = content / "articles" / "2024" / "01" / "the-article.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f"---\ntitle: An article\ndate: 2024-01-02\n{article.front}---\n{article.body}\n"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    try:
        (loaded,) = load_articles(content, article.actors)
    except MarginaliaError as error:
        raise SystemExit(f"the benchmark's article does not load: {error}") from None
    loading = time.perf_counter() - started
    linker = Linker(base_path="/", base_url="http://127.0.0.1:8000/")
    started = time.perf_counter()
    renderer = BodyRenderer(
        build_matcher(article.actors), linker, {actor.id: actor for actor in article.actors}
    )
    rendered = renderer.render(loaded)
    rendering = time.perf_counter() - started
    return loading, rendering, len(text.encode("utf-8")), len(rendered.problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--case", action="append", choices=[c.name for c in CASES])
    args = parser.parse_args()
    print("| case | size | file | load (s) | render (s) | total (s) | s per unit | problems |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for case in CASES:
        if args.case and case.name not in args.case:
            continue
        for size in case.quick if args.quick else case.sizes:
            with tempfile.TemporaryDirectory() as folder:
                loading, rendering, file_size, problems = measure(case.make(size), Path(folder))
            total = loading + rendering
            per_unit = total / _units(case, size)
            print(
                f"| {case.name} | {case.label(size)} | {_bytes(file_size)} | {loading:.3f} | "
                f"{rendering:.3f} | {total:.3f} | {per_unit:.3f} / {case.unit} | {problems} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
