"""Batches over forked workers, with work for the parent alongside."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from generator.parallel import map_batches


def _squares(numbers: Sequence[int], batch: Sequence[int]) -> list[int]:
    return [numbers[index] ** 2 for index in batch]


def _fail_on_seven(numbers: Sequence[int], batch: Sequence[int]) -> list[int]:
    if 7 in batch:
        raise ValueError("seven")
    return list(batch)


@pytest.mark.parametrize("workers", [1, 2])
def test_batches_come_back_in_order_and_the_parent_works_alongside(workers: int) -> None:
    numbers = list(range(50))
    beside: list[int] = []
    results = map_batches(
        _squares,
        numbers,
        range(50),
        batch_size=7,
        workers=workers,
        alongside=lambda: beside.append(sum(numbers)),
    )
    assert [n for batch in results for n in batch] == [n * n for n in numbers]
    assert beside == [sum(numbers)]


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_alongside_is_raised_to_the_caller(workers: int) -> None:
    def broken() -> None:
        raise RuntimeError("alongside")

    with pytest.raises(RuntimeError, match="alongside"):
        map_batches(
            _squares, list(range(20)), range(20), batch_size=5, workers=workers, alongside=broken
        )


def test_a_workers_error_wins_over_one_alongside() -> None:
    def broken() -> None:
        raise RuntimeError("alongside")

    with pytest.raises(ValueError, match="seven"):
        map_batches(_fail_on_seven, None, range(20), batch_size=5, workers=2, alongside=broken)
