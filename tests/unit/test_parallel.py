"""Batches over forked workers, with work for the parent alongside."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from generator.parallel import for_each_batch, map_batches
from tests.support import REPO


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


def _write_slowly(folder: Path, batch: Sequence[int]) -> None:
    time.sleep(0.2)
    for index in batch:
        (folder / f"{index}.txt").write_text("done", encoding="utf-8")


class Interrupted(BaseException):
    """Stands for Ctrl-C in the parent while its workers run."""


def test_when_the_parent_stops_no_worker_writes_after(tmp_path: Path) -> None:
    # The build removes its staging folder once rendering stops: a worker still writing
    # into it would make that fail, or leave files behind.
    def stop(number: int, size: int, result: None) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        for_each_batch(_write_slowly, tmp_path, range(40), batch_size=2, workers=2, on_result=stop)
    written = sorted(path.name for path in tmp_path.iterdir())
    time.sleep(0.6)
    assert sorted(path.name for path in tmp_path.iterdir()) == written
    assert len(written) < 40  # the batches not started were dropped


def test_workers_die_with_their_parent(tmp_path: Path) -> None:
    # A parent killed by kill -9 cannot stop its pool: the kernel must end the workers.
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, time\n"
        "from generator.parallel import for_each_batch\n"
        "def work(state, batch):\n"
        "    print(os.getpid(), flush=True)\n"
        "    time.sleep(60)\n"
        "for_each_batch(work, None, range(4), batch_size=1, workers=2, on_result=print)\n",
        encoding="utf-8",
    )
    parent = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        assert parent.stdout is not None
        workers = [int(parent.stdout.readline()) for _ in range(2)]
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers)
    finally:
        parent.kill()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
