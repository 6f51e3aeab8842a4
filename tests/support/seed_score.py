"""Score the real ingest pipeline on the held-out outlet fixtures.

Each fixture is a seed `<name>.txt` in tests/fixtures/seeds/outlets/ with what a careful
editor reads in it, `<name>.expected.yaml` (the format is in that folder's README.md).
The seed goes through parse_seed and plan_article exactly as `ingest` runs them, with
the shipped actor registry (content/actors.yaml) or an empty one, and the planned front
matter is compared field by field, and its suggested quotes with the expected ones.

    python -m tests.support.seed_score [--registry shipped|empty|both] [-v]
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.content.actors import Actor, build_matcher
from generator.content.loading import load_actors
from generator.errors import MarginaliaError
from generator.ingest.ingest import PlannedArticle, plan_article, read_seed
from generator.ingest.seedtext import SeedArticle, parse_seed
from generator.sources import DEFAULT_SOURCES

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "seeds" / "outlets"
EXPECTED_SUFFIX = ".expected.yaml"
REGISTRIES = ("shipped", "empty")

# The scalar fields, one point each, in the order the report lists them.
FIELDS = (
    "title", "date", "source", "authors", "dateline", "agency", "dek", "caption", "credit",
    "credits", "paragraphs", "first_words",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ExpectedQuote:
    speaker: str
    text: str


@dataclass(frozen=True, slots=True)
class Fixture:
    name: str  # the seed's file name
    seed: Path
    outlet_style: str
    fields: Mapping[str, object]  # FIELDS -> expected value
    quotes: tuple[ExpectedQuote, ...]


@dataclass(frozen=True, slots=True)
class GotQuote:
    speaker: str | None  # the registry actor's name, or the suggested speaker_name
    aliases: tuple[str, ...]  # the registry actor's other names: the same person
    text: str


@dataclass(frozen=True, slots=True)
class SeedScore:
    name: str
    outlet_style: str
    error: str | None  # the parse or plan error, when the seed could not be ingested
    field_misses: tuple[tuple[str, object, object], ...]  # (field, expected, got)
    fields_right: int
    quotes_expected: int
    quotes_found: int  # right text and right speaker
    missed_quotes: tuple[tuple[ExpectedQuote, str | None], ...]  # (expected, speaker got)
    false_quotes: tuple[GotQuote, ...]  # text matching no expected quote
    wrong_speaker: int  # right text, wrong speaker (counted in missed_quotes too)


@dataclass(frozen=True, slots=True)
class Totals:
    registry: str
    seeds: int
    fields_right: int
    fields_total: int
    quotes_expected: int
    quotes_found: int
    false_quotes: int
    wrong_speaker: int
    field_misses: Mapping[str, int] = field(default_factory=dict)  # field -> seeds missing it

    @property
    def fields_ratio(self) -> float:
        return self.fields_right / self.fields_total if self.fields_total else 0.0

    @property
    def quotes_ratio(self) -> float:
        return self.quotes_found / self.quotes_expected if self.quotes_expected else 0.0

    @property
    def false_ratio(self) -> float:
        """False quotes per expected quote."""
        return self.false_quotes / self.quotes_expected if self.quotes_expected else 0.0


# ---------------------------------------------------------------------------
# Loading the fixtures


class FixtureError(Exception):
    """A fixture pair that is missing its half or does not follow the format."""


def fixture_seeds(folder: Path = FIXTURES) -> list[Path]:
    return sorted(folder.glob("*.txt"))


def expected_path(seed: Path) -> Path:
    return seed.with_name(seed.stem + EXPECTED_SUFFIX)


def load_fixture(seed: Path) -> Fixture:
    path = expected_path(seed)
    if not path.is_file():
        raise FixtureError(f"{seed.name}: no {path.name} beside it")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise FixtureError(f"{path.name}: expected a mapping of fields")
    missing = [name for name in ("outlet_style", *FIELDS) if name not in data]
    if missing:
        raise FixtureError(f"{path.name}: missing {', '.join(missing)}")
    quotes = data.get("quotes") or []
    if not isinstance(quotes, list) or not all(
        isinstance(q, dict) and {"speaker", "text"} <= q.keys() for q in quotes
    ):
        raise FixtureError(f"{path.name}: quotes must be a list of {{speaker, text}}")
    date = data["date"]
    if not isinstance(date, datetime.date):
        raise FixtureError(f"{path.name}: date must be written YYYY-MM-DD")
    return Fixture(
        name=seed.name,
        seed=seed,
        outlet_style=str(data["outlet_style"]),
        fields={name: data[name] for name in FIELDS},
        quotes=tuple(ExpectedQuote(str(q["speaker"]), str(q["text"])) for q in quotes),
    )


def load_fixtures(folder: Path = FIXTURES, *, strict: bool = True) -> list[Fixture]:
    """Every fixture pair; not strict, a broken one is told on stderr and left out."""
    fixtures = []
    for seed in fixture_seeds(folder):
        try:
            fixtures.append(load_fixture(seed))
        except (FixtureError, yaml.YAMLError) as error:
            if strict:
                raise
            print(f"skipped: {error}", file=sys.stderr)
    return fixtures


# ---------------------------------------------------------------------------
# Comparing


def collapse(text: str) -> str:
    return " ".join(text.split())


def quote_key(text: str) -> str:
    """Quote text as compared: whitespace collapsed, a trailing comma (and spaces) dropped."""
    return collapse(text).rstrip(", ")


def _norm_value(value: object) -> object:
    if isinstance(value, str):
        return collapse(value)
    if isinstance(value, list | tuple):
        return [_norm_value(item) for item in value]
    return value


def got_fields(seed: SeedArticle, planned: PlannedArticle) -> dict[str, object]:
    """The fields as ingest would write them (the front matter), plus the body's shape."""
    front = planned.front_matter
    image = front.get("image")
    image = image if isinstance(image, Mapping) else {}
    first = collapse(seed.paragraphs[0]) if seed.paragraphs else ""
    return {
        "title": front.get("title"),
        "date": front.get("date"),
        "source": front.get("source"),
        "authors": list(front.get("authors") or []),  # type: ignore[call-overload]
        "dateline": front.get("dateline"),
        "agency": front.get("agency"),
        "dek": front.get("dek"),
        "caption": image.get("caption"),
        "credit": image.get("credit"),
        "credits": list(front.get("credits") or []),  # type: ignore[call-overload]
        "paragraphs": len(seed.paragraphs),
        "first_words": first,
    }


def field_right(name: str, expected: object, got: object) -> bool:
    if name == "first_words":
        return isinstance(got, str) and got.startswith(collapse(str(expected)))
    if name in ("authors", "credits"):
        return _norm_value(list(expected or [])) == _norm_value(got)  # type: ignore[call-overload]
    return _norm_value(expected) == _norm_value(got)


def got_quotes(planned: PlannedArticle, actors: Mapping[str, Actor]) -> list[GotQuote]:
    quotes = []
    for entry in planned.front_matter.get("quotes") or []:  # type: ignore[attr-defined]
        speaker_id = entry.get("speaker")
        actor = actors.get(speaker_id) if speaker_id else None
        if actor is not None:
            speaker, aliases = actor.name, actor.aliases
        else:
            speaker, aliases = entry.get("speaker_name") or speaker_id, ()
        quotes.append(GotQuote(speaker, tuple(aliases), str(entry.get("text", ""))))
    return quotes


def _same_speaker(expected: str, got: GotQuote) -> bool:
    names = {collapse(n) for n in (got.speaker or "", *got.aliases) if n}
    return collapse(expected) in names


def match_quotes(
    expected: Sequence[ExpectedQuote], got: Sequence[GotQuote]
) -> tuple[int, list[tuple[ExpectedQuote, str | None]], list[GotQuote], int]:
    """(found, missed with the speaker got if the text was found, false, wrong speaker)."""
    unused = list(got)
    found, wrong = 0, 0
    missed: list[tuple[ExpectedQuote, str | None]] = []
    for quote in expected:
        key = quote_key(quote.text)
        same_text = [g for g in unused if quote_key(g.text) == key]
        right = next((g for g in same_text if _same_speaker(quote.speaker, g)), None)
        if right is not None:
            unused.remove(right)
            found += 1
        elif same_text:
            unused.remove(same_text[0])
            wrong += 1
            missed.append((quote, same_text[0].speaker))
        else:
            missed.append((quote, None))
    expected_keys = {quote_key(q.text) for q in expected}
    false = [g for g in unused if quote_key(g.text) not in expected_keys]
    return found, missed, false, wrong


# ---------------------------------------------------------------------------
# Scoring


def matcher_for(registry: str) -> tuple[Mapping[str, Actor], object]:
    if registry not in REGISTRIES:
        raise ValueError(f"registry must be one of {', '.join(REGISTRIES)}")
    actors = load_actors(REPO / "content") if registry == "shipped" else ()
    return {actor.id: actor for actor in actors}, build_matcher(actors)


def score_fixture(fixture: Fixture, *, actors: Mapping[str, Actor], matcher: object) -> SeedScore:
    try:
        seed = parse_seed(read_seed(fixture.seed), name=fixture.name)
        planned = plan_article(seed, matcher=matcher, sources=DEFAULT_SOURCES)  # type: ignore[arg-type]
    except MarginaliaError as error:
        return SeedScore(
            name=fixture.name,
            outlet_style=fixture.outlet_style,
            error=str(error),
            field_misses=tuple((n, v, None) for n, v in fixture.fields.items()),
            fields_right=0,
            quotes_expected=len(fixture.quotes),
            quotes_found=0,
            missed_quotes=tuple((q, None) for q in fixture.quotes),
            false_quotes=(),
            wrong_speaker=0,
        )
    got = got_fields(seed, planned)
    misses = tuple(
        (name, expected, got[name])
        for name, expected in fixture.fields.items()
        if not field_right(name, expected, got[name])
    )
    found, missed, false, wrong = match_quotes(fixture.quotes, got_quotes(planned, actors))
    return SeedScore(
        name=fixture.name,
        outlet_style=fixture.outlet_style,
        error=None,
        field_misses=misses,
        fields_right=len(FIELDS) - len(misses),
        quotes_expected=len(fixture.quotes),
        quotes_found=found,
        missed_quotes=tuple(missed),
        false_quotes=tuple(false),
        wrong_speaker=wrong,
    )


def score_all(registry: str = "shipped", folder: Path = FIXTURES) -> list[SeedScore]:
    actors, matcher = matcher_for(registry)
    fixtures = load_fixtures(folder, strict=False)
    return [score_fixture(f, actors=actors, matcher=matcher) for f in fixtures]


def totals(scores: Sequence[SeedScore], registry: str) -> Totals:
    misses = Counter(name for s in scores for name, _, _ in s.field_misses)
    return Totals(
        registry=registry,
        seeds=len(scores),
        fields_right=sum(s.fields_right for s in scores),
        fields_total=len(FIELDS) * len(scores),
        quotes_expected=sum(s.quotes_expected for s in scores),
        quotes_found=sum(s.quotes_found for s in scores),
        false_quotes=sum(len(s.false_quotes) for s in scores),
        wrong_speaker=sum(s.wrong_speaker for s in scores),
        field_misses={name: misses[name] for name in FIELDS if misses[name]},
    )


def score(registry: str = "shipped", folder: Path = FIXTURES) -> Totals:
    """The totals over every fixture with one registry ("shipped" or "empty")."""
    return totals(score_all(registry, folder), registry)


# ---------------------------------------------------------------------------
# Report


def _show(value: object) -> str:
    if isinstance(value, str):
        text = collapse(value)
        return repr(text if len(text) <= 100 else text[:99] + "…")
    return repr(value)


def report(scores: Sequence[SeedScore], registry: str, *, verbose: bool) -> list[str]:
    lines = [f"== registry: {registry}"]
    for s in scores:
        clean = not (s.error or s.field_misses or s.missed_quotes or s.false_quotes)
        if clean and not verbose:
            continue
        lines.append(
            f"-- {s.name} [{s.outlet_style}] fields {s.fields_right}/{len(FIELDS)}, "
            f"quotes {s.quotes_found}/{s.quotes_expected}, false {len(s.false_quotes)}"
        )
        if s.error:
            lines.append(f"   FAILED: {collapse(s.error)}")
            continue
        for name, expected, got in s.field_misses:
            lines.append(f"   {name}: expected {_show(expected)}")
            lines.append(f"   {' ' * len(name)}       got {_show(got)}")
        for quote, speaker in s.missed_quotes:
            why = f"speaker {speaker!r}" if speaker else "not found"
            lines.append(f"   quote missed ({why}): {quote.speaker}: {_show(quote.text)}")
        for quote in s.false_quotes:
            lines.append(f"   false quote: {quote.speaker}: {_show(quote.text)}")
    t = totals(scores, registry)
    lines.append(
        f"TOTAL [{registry}] seeds {t.seeds}: fields {t.fields_right}/{t.fields_total} "
        f"= {t.fields_ratio:.1%}; quotes found with the right speaker "
        f"{t.quotes_found}/{t.quotes_expected} = {t.quotes_ratio:.1%} "
        f"({t.wrong_speaker} with a wrong speaker); false quotes {t.false_quotes} "
        f"= {t.false_ratio:.1%} of expected"
    )
    if t.field_misses:
        per_field = ", ".join(f"{name} {count}" for name, count in t.field_misses.items())
        lines.append(f"   seeds missing each field: {per_field}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.seed_score")
    parser.add_argument("--registry", choices=(*REGISTRIES, "both"), default="both")
    parser.add_argument("-v", "--verbose", action="store_true", help="every seed, not only misses")
    args = parser.parse_args(argv)
    registries = REGISTRIES if args.registry == "both" else (args.registry,)
    for registry in registries:
        print("\n".join(report(score_all(registry), registry, verbose=args.verbose)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
