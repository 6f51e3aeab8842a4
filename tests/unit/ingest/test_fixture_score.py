"""The real ingest pipeline against the held-out outlet fixtures (tests/fixtures/seeds/outlets).

The thresholds are those issue 12 sets for real articles: 95% of fields right, 9 of 10
attributed quotations found with the right speaker, with the shipped actor registry and
with none, and hardly any false quotes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import seed_score

MIN_FIXTURES = 25
MIN_OUTLET_STYLES = 12
MIN_FIELDS = 0.95
MIN_QUOTES = 0.90
MAX_FALSE = 0.05  # false quotes per expected quote


def test_every_seed_has_its_expectation() -> None:
    seeds = seed_score.fixture_seeds()
    missing = [s.name for s in seeds if not seed_score.expected_path(s).is_file()]
    assert not missing, f"seeds without an .expected.yaml: {missing}"
    orphans = [
        p.name
        for p in seed_score.FIXTURES.glob(f"*{seed_score.EXPECTED_SUFFIX}")
        if not p.with_name(p.name.removesuffix(seed_score.EXPECTED_SUFFIX) + ".txt").is_file()
    ]
    assert not orphans, f"expectations without a seed: {orphans}"


def test_enough_fixtures_from_enough_outlets() -> None:
    fixtures = seed_score.load_fixtures()  # strict: a malformed expectation fails here
    styles = {f.outlet_style for f in fixtures}
    assert len(fixtures) >= MIN_FIXTURES, f"only {len(fixtures)} fixture pairs"
    assert len(styles) >= MIN_OUTLET_STYLES, f"only {len(styles)} outlet styles: {sorted(styles)}"


@pytest.mark.parametrize("registry", seed_score.REGISTRIES)
def test_ingest_reads_real_articles(registry: str) -> None:
    scores = seed_score.score_all(registry)
    totals = seed_score.totals(scores, registry)
    report = "\n".join(seed_score.report(scores, registry, verbose=False))
    assert totals.fields_ratio >= MIN_FIELDS, report
    assert totals.quotes_ratio >= MIN_QUOTES, report
    assert totals.false_ratio <= MAX_FALSE, report


# The scorer itself: a wrong count would pass or fail ingest for nothing.


def _got(speaker: str | None, text: str, aliases: tuple[str, ...] = ()) -> seed_score.GotQuote:
    return seed_score.GotQuote(speaker, aliases, text)


def test_a_quote_counts_with_the_same_words_and_the_same_speaker() -> None:
    expected = [
        seed_score.ExpectedQuote("Ana Lima", "We will  not back down"),
        seed_score.ExpectedQuote("Kim Jong-un", "Second quote of four words."),
        seed_score.ExpectedQuote("Ben Okafor", "Third quote, said twice here"),
    ]
    got = [
        _got("Ana Lima", "We will not back down,"),  # trailing comma, other spacing
        _got("Kim Jong Un", "Second quote of four words.", aliases=("Kim Jong-un",)),
        _got("Okafor", "Third quote, said twice here"),  # right words, wrong speaker
        _got("an official", "Words nobody expected here"),
    ]
    found, missed, false, wrong = seed_score.match_quotes(expected, got)
    assert (found, wrong) == (2, 1)
    assert missed == [(expected[2], "Okafor")]
    assert [q.text for q in false] == ["Words nobody expected here"]


def test_quote_text_must_match_exactly_but_for_spacing_and_a_trailing_comma() -> None:
    expected = [seed_score.ExpectedQuote("Ana Lima", "We don’t back down.")]
    got = [_got("Ana Lima", "We don't back down."), _got("Ana Lima", "We don’t back down")]
    found, missed, false, _ = seed_score.match_quotes(expected, got)
    assert found == 0 and len(missed) == 1 and len(false) == 2


def test_a_seed_that_fails_to_parse_scores_nothing(tmp_path: Path) -> None:
    good = seed_score.FIXTURES / "a_reuters_opec_cuts"
    (tmp_path / "x.txt").write_text("A headline only\n", encoding="utf-8")
    (tmp_path / "x.expected.yaml").write_text(
        good.with_suffix(".expected.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    totals = seed_score.score("empty", tmp_path)
    assert (totals.seeds, totals.fields_right, totals.quotes_found) == (1, 0, 0)
    assert totals.quotes_expected == 5 and totals.fields_total == len(seed_score.FIELDS)


def test_the_scorer_runs_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert seed_score.main(["--registry", "empty"]) == 0
    out = capsys.readouterr().out
    assert "TOTAL [empty]" in out and "fields" in out and "false quotes" in out
