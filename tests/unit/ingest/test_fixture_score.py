"""The real ingest pipeline against the held-out outlet fixtures (tests/fixtures/seeds/outlets).

The thresholds are those issue 12 sets for real articles: 95% of fields right, 9 of 10
attributed quotations found with the right speaker, with the shipped actor registry and
with none, and hardly any false quotes.
"""

from __future__ import annotations

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
