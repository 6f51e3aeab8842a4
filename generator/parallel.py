"""Spread work over the CPU cores with forked worker processes.

Workers are forked, so the state they work on (pages, articles, templates) is inherited,
not pickled; only each batch's indices go out and its results come back.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
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


def _start_worker(state: object, parent: int) -> None:
    global _worker_state
    _worker_state = state
    _die_with(parent)
    # Ctrl-C reaches the whole process group: the parent stops the pool, and a worker
    # waiting for work must not print a KeyboardInterrupt of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker when its parent dies, even by kill -9: a pool
    left without its parent would otherwise wait for work for ever (and keep holding
    the build lock the parent took, which it inherited)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


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
    alongside: Callable[[], None] | None = None,
) -> list[Result]:
    """function(state, batch) for each batch of indices, in batch order.

    on_batch(done) is told how many indices are done after each batch; the rest is as
    for_each_batch.
    """
    results: dict[int, Result] = {}
    done = 0

    def keep(number: int, size: int, result: Result) -> None:
        nonlocal done
        results[number] = result
        done += size
        if on_batch:
            on_batch(done)

    for_each_batch(
        function,
        state,
        indices,
        batch_size=batch_size,
        workers=workers,
        on_result=keep,
        alongside=alongside,
    )
    return [results[number] for number in range(len(results))]


def for_each_batch(
    function: Callable[[State, Sequence[int]], Result],
    state: State,
    indices: Sequence[int],
    *,
    batch_size: int,
    workers: int,
    on_result: Callable[[int, int, Result], None],
    alongside: Callable[[], None] | None = None,
) -> None:
    """function(state, batch) for each batch of indices; on_result(batch number, batch
    size, result) here, as each comes back, so a caller need not keep them all.

    function must be a module-level function. With one worker it runs here, in process.
    alongside() runs in this process, on a thread of its own, while the workers work
    (after the batches when there is one worker); an exception it raises is raised here.
    """
    batches = [indices[start : start + batch_size] for start in range(0, len(indices), batch_size)]
    if workers <= 1 or len(batches) <= 1:
        for number, batch in enumerate(batches):
            on_result(number, len(batch), function(state, batch))
        if alongside is not None:
            alongside()
        return
    # Imported when first needed: an edit's rebuild has too little work for a pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("fork")
    task = _Task(function)
    with ProcessPoolExecutor(
        workers, context, initializer=_start_worker, initargs=(state, os.getpid())
    ) as pool:
        futures = {pool.submit(task, batch): number for number, batch in enumerate(batches)}
        # Started once the workers are forked, so no fork copies a thread in mid-step.
        beside = _Alongside(alongside) if alongside is not None else None
        try:
            for future in as_completed(futures):
                number = futures.pop(future)
                on_result(number, len(batches[number]), future.result())
        except BaseException:
            # Batches not started yet are dropped, and the running ones are waited for
            # here (a second shutdown, on leaving the pool, would not wait): the caller
            # may remove what they write into once this returns.
            pool.shutdown(wait=True, cancel_futures=True)
            if beside is not None:
                beside.join(reraise=False)  # the workers' error is the one to report
            raise
        if beside is not None:
            beside.join()


class _Alongside:
    """Work for this process while its workers render: a thread, and its exception."""

    def __init__(self, work: Callable[[], None]) -> None:
        self._work = work
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="alongside", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._work()
        except BaseException as error:  # raised again in the thread that waits
            self._error = error

    def join(self, *, reraise: bool = True) -> None:
        self._thread.join()
        if self._error is not None and reraise:
            raise self._error
