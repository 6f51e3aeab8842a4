"""Ingest does each piece of work once, and only when its result is needed (issue 12:
a fresh ingest of 10,000 seeds in under 20 s on two cores). Each test pins one waste
that was there: what an article needs still comes out as before."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import generator.ingest.ingest as ingest_module
from generator.content.actors import build_matcher
from generator.ingest import attribution, seedtext
from generator.ingest.attribution import find_quotes, find_quotes_and_candidates
from generator.ingest.ingest import IngestStatus, ingest

NO_ACTORS = build_matcher(())


def seed_text(number: int) -> str:
    return "\n\n".join(
        [
            f"Talks on the northern corridor stall, round {number}",
            "Published in Reuters, on September 12, 2023, By Jane Doe",
            "GENEVA (Reuters) - Talks on the corridor stalled on Tuesday.",
            f"“We will not accept these terms in round {number},” said Ingrid Halvorsen.",
            "The talks are expected to resume next week.",
        ]
    )


def write_seeds(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for number in range(count):
        path = folder / f"{number:03}.txt"
        path.write_text(seed_text(number), encoding="utf-8")
        paths.append(path)
    return paths


def test_articles_are_written_while_later_seeds_are_still_being_planned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = write_seeds(tmp_path / "seeds", ingest_module._PLAN_BATCH * 2 + 1)
    content = tmp_path / "content"
    written_when_planned: list[int] = []
    plan_batch = ingest_module._plan_batch

    def planning(job: object, batch: list[int]) -> object:
        written_when_planned.append(len(list(content.rglob("*.md"))))
        return plan_batch(job, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_module, "_plan_batch", planning)
    results = ingest([tmp_path / "seeds"], content_dir=content, actors=(), sources={}, workers=1)

    assert [r.status for r in results] == [IngestStatus.CREATED] * len(seeds)
    # Each batch's articles are on disk before the next batch is planned.
    batch = ingest_module._PLAN_BATCH
    assert written_when_planned == [0, batch, 2 * batch]


def test_an_ingest_with_nothing_to_plan_builds_no_actor_matcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_seeds(tmp_path / "seeds", 3)
    content = tmp_path / "content"

    def again() -> tuple[IngestStatus, ...]:
        results = ingest(
            [tmp_path / "seeds"], content_dir=content, actors=(), sources={}, cache_root=tmp_path
        )
        return tuple(result.status for result in results)

    assert again() == (IngestStatus.CREATED,) * 3

    def refuse(_actors: object) -> None:
        raise AssertionError("the matcher was built, with no seed to plan")

    monkeypatch.setattr(ingest_module, "build_matcher", refuse)
    assert again() == (IngestStatus.UNCHANGED,) * 3


def count_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    calls: list[int] = []
    method = getattr(attribution._Finder, name)

    def counted(self: object, *args: object) -> object:
        calls.append(1)
        return method(self, *args)

    monkeypatch.setattr(attribution._Finder, name, counted)
    return calls


NAMED_ONLY = [
    f"The talks in Geneva went on for a day{number}. Ingrid Halvorsen met the envoys. "
    f"“We will not accept these terms, not in round {number},” Halvorsen said."
    for number in range(40)
]


def test_an_article_whose_quotes_name_their_speaker_reads_no_paragraph_for_a_pronoun(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = count_calls(monkeypatch, "_sentence_people")
    quotes, _ = find_quotes_and_candidates(NAMED_ONLY, NO_ACTORS)
    assert {quote.speaker_name for quote in quotes} == {"Ingrid Halvorsen"}
    assert len(quotes) == 40
    assert calls == []  # was once a paragraph: most of the time spent on an article


def test_a_quote_less_paragraph_is_read_for_its_speaker_only_when_a_lone_quote_follows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = count_calls(monkeypatch, "_subject")
    reported = [f"Ingrid Halvorsen said the talks would go on, round {n}." for n in range(30)]
    assert find_quotes(reported, NO_ACTORS) == ()
    assert calls == []  # was once a paragraph
    quotes = find_quotes([*reported, "“We will not accept these terms at all.”"], NO_ACTORS)
    assert [(q.speaker_name, q.paragraph) for q in quotes] == [("Ingrid Halvorsen", 30)]
    assert calls == [1]


@pytest.mark.parametrize(
    ("paragraphs", "speaker"),
    [
        # The last person named, in an earlier paragraph's closing sentence.
        (
            [
                "Ingrid Halvorsen arrived in Geneva on Monday.",
                "The talks began late. Then Marcus Webb spoke.",
                "Later, she said: “We will not accept these terms under any circumstances.”",
            ],
            "Marcus Webb",
        ),
        # A person named by a quote's attribution after that sentence is the last.
        (
            [
                "Marcus Webb arrived in Geneva on Monday.",
                "“The talks have barely begun, and they are already stalling,” said Ingrid "
                "Halvorsen, the envoy.",
                "Later, she said: “We will not accept these terms under any circumstances.”",
            ],
            "Ingrid Halvorsen",
        ),
        # A lone quotation after a paragraph that reports someone's words: theirs.
        (
            [
                "Marcus Webb arrived in Geneva on Monday.",
                "Ingrid Halvorsen said the talks would go on.",
                "“We will not accept these terms under any circumstances.”",
            ],
            "Ingrid Halvorsen",
        ),
    ],
)
def test_speakers_worked_out_when_asked_for_are_those_named_before(
    paragraphs: list[str], speaker: str
) -> None:
    quotes = find_quotes(paragraphs, NO_ACTORS)
    assert [quote.speaker_name for quote in quotes][-1] == speaker


def test_lazily_read_speakers_match_reading_every_paragraph_in_order() -> None:
    """The last person named, read only when a pronoun needs it, is the one an eager
    reading of every paragraph in order finds (random articles of names and pronouns)."""
    rng = random.Random(12)
    names = ["Ingrid Halvorsen", "Halvorsen", "Marcus Webb", "Webb", "Mr Webb", "Officials"]
    subjects = [*names, "He", "She", "Later, he", "Then she", "But she"]
    quotes = ["“We will not accept these terms at all,”", "“The talks can go on as before”"]
    for _ in range(300):
        paragraphs = []
        for _ in range(rng.randint(1, 6)):
            kind = rng.random()
            if kind < 0.2:
                paragraphs.append(rng.choice(quotes).rstrip(","))
            elif kind < 0.4:
                paragraphs.append(f"{rng.choice(subjects)} said the talks would go on.")
            else:
                paragraphs.append(
                    " ".join(
                        f"{rng.choice(subjects)} {rng.choice(['said', 'added', 'met Webb'])} "
                        f"{rng.choice(quotes)}"
                        for _ in range(rng.randint(1, 3))
                    )
                )
        lazy = find_quotes(paragraphs, NO_ACTORS)
        eager = tuple(_EagerFinder(paragraphs, NO_ACTORS, ()).run())
        assert lazy == eager, paragraphs


class _EagerFinder(attribution._Finder):
    """The finder as it was: each paragraph's closing sentences read as soon as they
    are reached, and a quote-less paragraph's reported speaker worked out at once."""

    def __init__(self, *args) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args)
        self._unread = _ReadAtOnce(self)

    def _later(self, work):  # type: ignore[no-untyped-def]
        speaker = work()
        return lambda: speaker

    @property
    def last_person(self):  # type: ignore[no-untyped-def]
        person = attribution._Finder.last_person.fget(self)  # type: ignore[attr-defined]
        self._unread = _ReadAtOnce(self)
        return person

    @last_person.setter
    def last_person(self, person):  # type: ignore[no-untyped-def]
        attribution._Finder.last_person.fset(self, person)  # type: ignore[attr-defined]
        self._unread = _ReadAtOnce(self)


class _ReadAtOnce(list):  # type: ignore[type-arg]
    def __init__(self, finder: _EagerFinder) -> None:
        super().__init__()
        self.finder = finder

    def append(self, item) -> None:  # type: ignore[no-untyped-def]
        super().append(item)
        _ = self.finder.last_person  # read now, as it was


# -- regexes that do the work of many --------------------------------------------------

_FRAGMENTS = st.sampled_from(
    [
        "al-", "el-", "ash-", "ad-", "Mr. ", "Dr ", "J. ", "U.S. ", "21st ", "Jong-un", "O’Brien",
        "’s", "'s", "Łukasz ", "Олена ", "of the ", "and ", "for ", " ", "\u00a0", ", ", ". ",
        "Minister ", "Sergei Lavrov", "ministry", "a ", "e", "x-Ray", "(AP)", "3", "—",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=30).map("".join), st.integers(0, 200), st.integers(0, 200))
def test_name_runs_are_those_the_run_pattern_finds_anywhere(
    text: str, start: int, length: int
) -> None:
    start = min(start, len(text))
    end = min(len(text), start + length)
    expected = [m.span() for m in attribution._NAME_RUN.finditer(text, start, end)]
    assert [m.span() for m in attribution._name_runs(text, start, end)] == expected


_LINES = st.sampled_from(
    [
        "(end)", "-- end --", "(Adds quote)", "Our standards: The Thomson Reuters Trust.",
        "© 2023 Reuters. All rights reserved.", "all rights reserved", "Sign up here today",
        "Follow us on Twitter", "Read more: the story", "Related: more", "bur-jm/rsc",
        "-- AFP", "Reporting by Jane Doe; Editing by John Roe", "Jane Doe contributed reporting",
        "please contact us", "x", "Previous Editions", "Share", "Loading...", "Advertisement",
        "The talks said", " ", "ALL RIGHTS RESERVED", "list of 3 items", "Skip to content",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=3).map(" ".join))
def test_one_pattern_of_many_matches_what_any_of_them_matches(line: str) -> None:
    for one, many in (
        (seedtext._ANY_FURNITURE, seedtext._FURNITURE),
        (seedtext._ANY_CREDIT_LINE, seedtext._CREDIT_LINES),
        (seedtext._ANY_ARTEFACT, seedtext.ARTEFACTS),
    ):
        assert (one.fullmatch(line) is not None) == any(p.fullmatch(line) for p in many)


def test_mid_sentence_capitals_are_those_after_a_word_and_a_space() -> None:
    text = "Talks in Geneva, Ingrid Halvorsen said. Then\u00a0Webb (AP) Olena met x Łukasz."
    old = re.compile(
        rf"(?<=[\w,;)’'] )[{attribution._UPPER}][\w’'-]*"
        rf"|(?<=[\w,;)’']\u00a0)[{attribution._UPPER}][\w’'-]*"
    )
    assert attribution._mid_sentence_words(text) == set(old.findall(text))
    assert attribution._mid_sentence_words(text) == {
        "Geneva", "Ingrid", "Halvorsen", "Webb", "Olena", "Łukasz"
    }  # fmt: skip
