"""What the property tests share: how much time an example may take, and an alarm that
turns a hang (code that never returns, which a deadline cannot stop) into a failure."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from datetime import timedelta

from hypothesis import HealthCheck, settings

HANG = 20  # seconds: far beyond any example's deadline, so only a hang reaches it
EXAMPLES = settings(
    max_examples=150,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextlib.contextmanager
def no_hang(seconds: int = HANG) -> Iterator[None]:
    """Fail, instead of waiting forever, when the code under test does not return."""

    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"no answer within {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
