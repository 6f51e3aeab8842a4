"""One build of a project at a time: a lock on the project folder itself.

An flock, not a lock file with a process id in it: the kernel lets it go when its
holder dies, even by `kill -9`, so a crashed build never leaves a stale lock to delete
by hand. It is taken on the project folder, which a build cannot delete, rather than
on a file in .cache/, which a user may delete at any time.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.errors import BuildLocked

WAITING = "waiting for another build of this project to finish"


@contextmanager
def project_lock(
    root: Path, *, waiting: Callable[[str], None] | None = None, wait: bool = True
) -> Iterator[None]:
    """Hold the project's build lock; waiting(message) is told once if it must wait.
    With wait=False, BuildLocked is raised instead of waiting."""
    descriptor = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise BuildLocked(WAITING.replace("waiting for", "busy:"), path=root) from None
            if waiting is not None:
                waiting(WAITING)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
