"""Building an article takes time linear in its size, and bounded on any input.

Each test times the build's own steps (loading an article file, rendering its body
with actor links and anchored notes) at one size and at four times that size: linear
work takes about four times as long, quadratic work sixteen. The bound allowed is
ten, the best of a few runs each in this process's CPU time, so a busy machine does
not fail it but a quadratic step does. Inputs no reader writes but anyone can (a quote
of 20,000 characters, a text with the same word a million times) must be answered at
once, with an alarm that turns a hang into a failure.
"""

from __future__ import annotations

import gc
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from generator.body.annotations import MOST_PLACES, Target, anchor_all
from generator.body.body_markup import ArticleMarkup, NoteSpec, render_body
from generator.build.render import BodyRenderer
from generator.content.actors import Actor, ActorType, build_matcher
from generator.content.loading import load_articles
from generator.urls import Linker
from tests.support.limits import no_hang

FACTOR = 4
ALLOWED = 10  # times longer for FACTOR times the input: linear is 4, quadratic 16


def seconds(run: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        started = time.process_time()
        with no_hang(30):
            run()
        best = min(best, time.process_time() - started)
    return best


def assert_linear(make: Callable[[int], Callable[[], object]], size: int) -> None:
    small = seconds(make(size))
    large = seconds(make(size * FACTOR), runs=2)
    assert large < ALLOWED * max(small, 0.01), (
        f"{size:,} took {small:.3f} s, {size * FACTOR:,} took {large:.3f} s "
        f"({large / small:.1f} times): not linear"
    )


def notes_markup(count: int) -> ArticleMarkup:
    notes = tuple(
        NoteSpec(Target(f"annotation {n + 1}", f"Sentence {n} has"), "note", "Note", "A note.")
        for n in range(count)
    )
    return ArticleMarkup(build_matcher(()), href=lambda actor_id: actor_id, notes=notes)


def test_notes_in_one_paragraph_render_in_time_linear_in_their_number() -> None:
    def make(count: int) -> Callable[[], object]:
        body = " ".join(f"Sentence {n} has words." for n in range(count))
        return lambda: render_body(body, notes_markup(count))

    assert_linear(make, 1500)


def test_notes_in_many_paragraphs_render_in_time_linear_in_their_number() -> None:
    def make(count: int) -> Callable[[], object]:
        body = "\n\n".join(f"Sentence {n} has words, *some* in [links](/x)." for n in range(count))
        return lambda: render_body(body, notes_markup(count))

    assert_linear(make, 1500)


ACTORS = (
    Actor("vladimir-putin", "Vladimir Putin", ActorType.PERSON, short=("Putin",)),
    Actor("russia", "Russia", ActorType.COUNTRY),
)
SENTENCE = "Officials said on Tuesday that the talks would go on, “nothing agreed” yet. "


def build_article(front: str, body: str, actors: tuple[Actor, ...] = ACTORS) -> Callable[[], str]:
    """Loading and rendering one article file, as the build does it."""

    def run() -> str:
        with tempfile.TemporaryDirectory() as folder:
            content = Path(folder) / "content"
            path = content / "articles" / "2024" / "01" / "an-article.md"
            path.parent.mkdir(parents=True)
            path.write_text(f"---\ntitle: T\ndate: 2024-01-02\n{front}---\n{body}\n", "utf-8")
            (article,) = load_articles(content, actors)
            renderer = BodyRenderer(
                build_matcher(actors),
                Linker(base_path="/", base_url="http://127.0.0.1:8000/"),
                {actor.id: actor for actor in actors},
            )
            rendered = renderer.render(article)
            assert not rendered.problems, rendered.problems
            return rendered.html

    return run


def test_one_long_paragraph_builds_in_time_linear_in_its_length() -> None:
    def make(size: int) -> Callable[[], object]:
        body = "Vladimir Putin spoke. " + SENTENCE * (size // len(SENTENCE)) + "Russia closed."
        front = (
            "actors: [vladimir-putin, russia]\nannotations:\n- quote: Russia closed\n  note: N\n"
        )
        return build_article(front, body)

    assert_linear(make, 256 * 1024)


def test_one_long_hard_wrapped_paragraph_builds_in_time_linear_in_its_length() -> None:
    def make(size: int) -> Callable[[], object]:
        line = "Officials said on Tuesday that the talks would go on and on.\n"
        return build_article("", line * (size // len(line)))

    assert_linear(make, 256 * 1024)


def test_many_actors_in_one_paragraph_build_in_time_linear_in_their_number() -> None:
    def make(count: int) -> Callable[[], object]:
        actors = tuple(
            Actor(f"a-{n}", f"Person Number{n} Smith", ActorType.PERSON, short=(f"Number{n}",))
            for n in range(count)
        )
        body = " ".join(f"Person Number{n} Smith met Number{n}." for n in range(count))
        front = f"actors: [{', '.join(actor.id for actor in actors)}]\n"
        return build_article(front, body, actors)

    assert_linear(make, 250)


def test_a_long_front_matter_loads_in_time_linear_in_its_lines() -> None:
    def make(lines: int) -> Callable[[], object]:
        front = "tags:\n" + "".join(f"- tag-{n}\n" for n in range(lines))
        return build_article(front, "Body.")

    assert_linear(make, 10_000)


def test_many_quotes_on_a_long_text_anchor_in_time_linear_in_their_number() -> None:
    def make(count: int) -> Callable[[], object]:
        text = "\n\n".join(f"“We will meet on day {n},” Putin said." for n in range(count))
        targets = [Target(f"quote {n + 1}", f"We will meet on day {n},") for n in range(count)]
        return lambda: anchor_all(text, targets)

    assert_linear(make, 2500)


def test_many_two_word_quotes_on_a_long_text_anchor_in_time_linear_in_their_number() -> None:
    def make(count: int) -> Callable[[], object]:
        text = "\n\n".join(f"Officials said zq{n}x today." for n in range(count))
        targets = [Target(f"quote {n + 1}", f"said zq{n}x") for n in range(count)]
        return lambda: anchor_all(text, targets)

    assert_linear(make, 2500)


# Bounded: hostile anchors are answered at once


def test_a_long_quote_that_matches_nothing_is_reported_at_once_and_shortened() -> None:
    words = (SENTENCE * 2000).split()
    text = " ".join(words)
    shuffled = words[:3000]
    random.Random(1).shuffle(shuffled)
    quote = " ".join(shuffled)  # about 20,000 characters, in no order the text has
    with no_hang(20):
        _, (problem,) = anchor_all(text, [Target("annotation 1", quote)])
    assert "matches nothing in the text" in problem.what
    assert len(problem.what) < 2000


def test_a_long_quote_with_a_wrong_prefix_is_reported_at_once() -> None:
    passage = " ".join(f"word{n}" for n in range(3000))
    text = f"First we read {passage} and then. Later we read {passage} and more."
    with no_hang(20):
        _, (problem,) = anchor_all(text, [Target("annotation 1", passage, prefix="Never")])
    assert "matches nothing in the text" in problem.what
    assert problem.what.endswith("the closest passage is “read …”")


def test_words_found_a_million_times_are_counted_to_a_bound() -> None:
    text = "the cat " * 500_000
    with no_hang(20):
        _, (problem,) = anchor_all(text, [Target("annotation 1", "the cat")])
    assert problem.what == f"the quote “the cat” matches more than {MOST_PLACES:,} places"


def test_a_prefix_that_fits_none_of_a_million_matches_is_one_search() -> None:
    text = "a " * 1_000_000
    with no_hang(20):
        _, (problem,) = anchor_all(text, [Target("annotation 1", "a", prefix="zebra")])
    assert "matches nothing in the text" in problem.what


def test_a_quote_repeated_over_itself_is_counted_to_a_bound() -> None:
    text = "a" * 2_000_000
    with no_hang(20):
        _, (problem,) = anchor_all(text, [Target("annotation 1", "a" * 5000)])
    assert f"more than {MOST_PLACES:,} places" in problem.what


def test_markdown_nested_ten_thousand_deep_renders_at_once() -> None:
    for opener in (">", "- ", "*", "[", "1. "):
        body = opener * 10_000 + "Russia" + opener * 10_000
        markup = ArticleMarkup(build_matcher(ACTORS), href=str, actor_ids={"russia"})
        with no_hang(20):
            html = render_body(body, markup)
        assert "Russia" in html
