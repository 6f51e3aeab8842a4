"""Spread work over the CPU cores with forked worker processes.

Workers are forked, so the state they work on (pages, articles, templates) is inherited,
not pickled; only each batch's indices go out and its results come back.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

State = TypeVar("State")
Result = TypeVar("Result")

# A worker's inherited state, set once per worker process by the pool initializer.
_worker_state: object = None


def cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _start_worker(state: object) -> None:
    global _worker_state
    _worker_state = state


class _Task(Generic[State, Result]):
    def __init__(self, function: Callable[[State, Sequence[int]], Result]) -> None:
        self.function = function

    def __call__(self, batch: Sequence[int]) -> Result:
        return self.function(_worker_state, batch)  # type: ignore[arg-type]


def map_batches(
    function: Callable[[State, Sequence[int]], Result],
    state: State,
    indices: Sequence[int],
    *,
    batch_size: int,
    workers: int,
    on_batch: Callable[[int], None] | None = None,
) -> list[Result]:
    """function(state, batch) for each batch of indices, in batch order.

    function must be a module-level function. With one worker it runs here, in process.
    on_batch(done) is told how many indices are done after each batch.
    """
    batches = [indices[start : start + batch_size] for start in range(0, len(indices), batch_size)]
    results: list[Result | None] = [None] * len(batches)
    done = 0
    if workers <= 1 or len(batches) <= 1:
        for number, batch in enumerate(batches):
            results[number] = function(state, batch)
            done += len(batch)
            if on_batch:
                on_batch(done)
        return results  # type: ignore[return-value]
    # Imported when first needed: an edit's rebuild has too little work for a pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("fork")
    task = _Task(function)
    with ProcessPoolExecutor(
        workers, context, initializer=_start_worker, initargs=(state,)
    ) as pool:
        futures = {pool.submit(task, batch): number for number, batch in enumerate(batches)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            done += len(batches[futures[future]])
            if on_batch:
                on_batch(done)
    return results  # type: ignore[return-value]
