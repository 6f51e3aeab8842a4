"""Old site or new site, never a mix: a build killed (kill -9) or interrupted (Ctrl-C) at any
moment leaves site/ exactly as it was or exactly as the finished build makes it, and the
next plain build (no --full) gives the new site."""

from __future__ import annotations

import os
import random
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.conftest import (
    SITE,
    WORK,
    BigProject,
    Started,
    change_inputs,
    children_of,
    copy_project,
    is_gone,
    marginalia,
    start,
    tree_bytes,
    tree_difference,
    which_site,
)

pytestmark = pytest.mark.faults

KILL_RUNS = 20
INTERRUPT_RUNS = 6
DOUBLE_KILL_RUNS = 4
# How a kill point is chosen: anywhere in the run; in its last 30% (where files move into
# place); just after the n-th change of the work folder beside site/ (the first is the
# build setting up, the next dozen or so moving files into place); or, for Ctrl-C, once
# the build is under way (past Python's start-up), anywhere in the rest of its usual run.
ANYWHERE, LATE, AT_A_STEP, UNDER_WAY = "anywhere", "late", "at a step", "under way"
STRATEGIES = (ANYWHERE, LATE, AT_A_STEP)


@dataclass(frozen=True)
class Outcome:
    run: int
    how: str
    at: float
    site: str
    recovered: str

    def line(self) -> str:
        return (
            f"run {self.run:2d} ({self.how}, {self.at:.3f} s): site {self.site}; {self.recovered}"
        )


@pytest.fixture(scope="module")
def project(big_project: BigProject, fast_tmp: Path) -> Path:
    # One path for every run: the cache and the work folder may record where they are.
    return fast_tmp / "interrupted" / "project"


def reset(big_project: BigProject, project: Path) -> None:
    """Back to the old site (site/, .cache/ and the work folder as that build left them),
    with the inputs changed so that nearly every page changes."""
    copy_project(big_project.pristine, project)
    change_inputs(project)


def work_signature(project: Path) -> tuple[tuple[int, int] | None, ...]:
    """Changes whenever a step of the build adds, removes or swaps an entry in the work
    folder beside site/, or swaps site/ itself."""
    found = []
    for path in (project / WORK, project / SITE, project / WORK / "spare"):
        try:
            status = os.stat(path)
        except OSError:
            found.append(None)
        else:
            found.append((status.st_ino, status.st_mtime_ns))
    return tuple(found)


def wait_for_steps(build: Started, project: Path, steps: int, deadline: float) -> None:
    """Return once the work folder has changed `steps` times, or the build has ended."""
    last = work_signature(project)
    seen = 0
    while build.process.poll() is None and time.monotonic() < deadline:
        now = work_signature(project)
        if now != last:
            seen, last = seen + 1, now
            if seen >= steps:
                return
        time.sleep(0.0002)


def wait_for_moment(
    build: Started, project: Path, how: str, rng: random.Random, duration: float
) -> None:
    """Return at the moment to kill or interrupt the build, chosen by `how` and rng."""
    deadline = build.started + 3 * duration + 10
    if how == ANYWHERE:
        moment = rng.uniform(0.0, duration)
    elif how == LATE:
        moment = rng.uniform(0.7 * duration, duration)
    elif how == AT_A_STEP:
        wait_for_steps(build, project, rng.randint(2, 14), deadline)
        time.sleep(rng.uniform(0.0, 0.003))
        return
    else:
        before = work_signature(project)
        while build.process.poll() is None and time.monotonic() < deadline:
            if work_signature(project) != before or children_of(build.pid):
                break
            time.sleep(0.001)
        moment = rng.uniform(time.monotonic() - build.started, duration)
    time.sleep(max(0.0, build.started + moment - time.monotonic()))


@pytest.fixture(scope="module")
def duration(
    big_project: BigProject, project: Path, tmp_path_factory: pytest.TempPathFactory
) -> float:
    """How long the changed build takes uninterrupted (and that it gives the new site)."""
    reset(big_project, project)
    build = start(project, "build", logs=tmp_path_factory.mktemp("logs"))
    try:
        code = build.wait()
        took = time.monotonic() - build.started
    finally:
        build.stop()
    assert code == 0, build.err()
    site = tree_bytes(project / SITE)
    assert site == big_project.new, (
        f"the uninterrupted incremental build: {tree_difference(site, big_project.new)}"
    )
    return took


def kill_a_build(
    project: Path, how: str, rng: random.Random, duration: float, logs: Path
) -> tuple[float, bool]:
    """Start a build and kill -9 it at a moment chosen by `how`: when, and whether it had
    finished first."""
    build = start(project, "build", logs=logs)
    try:
        wait_for_moment(build, project, how, rng, duration)
        at = time.monotonic() - build.started
        finished_first = build.process.poll() is not None
        if not finished_first:
            os.kill(build.pid, signal.SIGKILL)
        build.wait()
    finally:
        # Only the build was killed; its workers go with their group, for the next run.
        build.stop()
    return at, finished_first


def recover(project: Path, big_project: BigProject) -> str | None:
    """The next plain build: None when it exits 0 with the new site, else what is wrong."""
    result = marginalia(project, "build")
    if result.returncode != 0 or "Traceback" in result.stderr:
        return f"the next build exited {result.returncode}:\n{result.stderr}"
    site = tree_bytes(project / SITE)
    if site != big_project.new:
        return f"the next build is not the new site: {tree_difference(site, big_project.new)}"
    return None


def test_kill_9_at_random_moments_leaves_the_old_site_or_the_new(
    big_project: BigProject, project: Path, duration: float, tmp_path: Path
) -> None:
    outcomes: list[Outcome] = []
    failures: list[str] = []
    for run in range(KILL_RUNS):
        rng = random.Random(run)
        how = STRATEGIES[run % len(STRATEGIES)]
        reset(big_project, project)
        at, finished_first = kill_a_build(project, how, rng, duration, tmp_path / "logs")
        site = which_site(tree_bytes(project / SITE), big_project.old, big_project.new)
        problem = recover(project, big_project)
        outcome = Outcome(
            run,
            how + (", finished before the kill" if finished_first else ""),
            at,
            site,
            problem or "the next build gave the new site",
        )
        outcomes.append(outcome)
        if site not in ("old", "new") or problem:
            failures.append(outcome.line())
    summary = "\n".join(outcome.line() for outcome in outcomes)
    print(f"\nkill -9 during a build of {duration:.2f} s:\n{summary}")
    assert not failures, "after kill -9:\n" + "\n".join(failures)
    killed = [outcome for outcome in outcomes if "finished" not in outcome.how]
    assert len(killed) >= KILL_RUNS // 2, f"too few builds were killed while running:\n{summary}"


def test_a_build_killed_after_a_killed_build_still_leaves_old_or_new(
    big_project: BigProject, project: Path, duration: float, tmp_path: Path
) -> None:
    """Power lost twice: the build that would clean up after a killed one is killed too."""
    outcomes: list[str] = []
    failures: list[str] = []
    for run in range(DOUBLE_KILL_RUNS):
        rng = random.Random(3000 + run)
        reset(big_project, project)
        sites = []
        for how in (LATE, STRATEGIES[run % len(STRATEGIES)]):
            at, finished_first = kill_a_build(project, how, rng, duration, tmp_path / "logs")
            site = which_site(tree_bytes(project / SITE), big_project.old, big_project.new)
            ended = "finished" if finished_first else "killed"
            sites.append(f"{how}, {ended} at {at:.3f} s: site {site}")
        problem = recover(project, big_project)
        line = f"run {run}: " + "; then ".join(sites)
        outcomes.append(line)
        if problem or any("site a mix" in text for text in sites):
            failures.append(f"{line}; {problem or 'recovered'}")
    summary = "\n".join(outcomes)
    print(f"\nkill -9 twice in a row, builds of {duration:.2f} s:\n{summary}")
    assert not failures, "after two kills:\n" + "\n".join(failures)


def test_ctrl_c_leaves_the_old_site_or_the_new_and_exits_130(
    big_project: BigProject, project: Path, duration: float, tmp_path: Path
) -> None:
    outcomes: list[str] = []
    failures: list[str] = []
    for run in range(INTERRUPT_RUNS):
        rng = random.Random(1000 + run)
        how = (UNDER_WAY, AT_A_STEP)[run % 2]
        reset(big_project, project)
        build = start(project, "build", logs=tmp_path / "logs")
        try:
            wait_for_moment(build, project, how, rng, duration)
            at = time.monotonic() - build.started
            if build.process.poll() is not None:
                outcomes.append(f"run {run} ({how}): finished before Ctrl-C at {at:.3f} s")
                continue
            # A terminal sends Ctrl-C to the whole foreground group: the build and its workers.
            os.killpg(build.pid, signal.SIGINT)
            code = build.wait()
        finally:
            build.stop()
        site = which_site(tree_bytes(project / SITE), big_project.old, big_project.new)
        problem = recover(project, big_project)
        line = f"run {run} ({how}, Ctrl-C at {at:.3f} s): exit {code}, site {site}"
        outcomes.append(line)
        # 130, or killed by SIGINT itself: Python's way when Ctrl-C comes after the
        # command has returned, which a shell shows as 130 too.
        # Or 0 with the new site: Ctrl-C came once the new site was in place, too late
        # to stop the build, and was lost in its last tidying (seen once in CI).
        interrupted = code in (130, -signal.SIGINT) or (code == 0 and site == "new")
        if not interrupted or "Traceback" in build.err() or site not in ("old", "new") or problem:
            failures.append(f"{line}; {problem or 'recovered'}; stderr:\n{build.err()}")
    summary = "\n".join(outcomes)
    print(f"\nCtrl-C during a build of {duration:.2f} s:\n{summary}")
    assert not failures, "after Ctrl-C:\n" + "\n".join(failures)
    interrupted = [line for line in outcomes if "finished before" not in line]
    assert len(interrupted) >= INTERRUPT_RUNS // 2, f"too few builds interrupted:\n{summary}"


def test_workers_exit_when_the_build_is_killed(
    big_project: BigProject, project: Path, duration: float, tmp_path: Path
) -> None:
    """No orphans: kill -9 of a build leaves none of its worker processes running."""
    for run in range(3):
        rng = random.Random(2000 + run)
        reset(big_project, project)
        build = start(project, "build", "--full", logs=tmp_path / "logs")
        try:
            deadline = build.started + 3 * duration + 10
            workers = set()
            while build.process.poll() is None and time.monotonic() < deadline:
                workers = children_of(build.pid)
                if workers:
                    break
                time.sleep(0.001)
            assert workers, f"run {run}: the build ended without worker processes:\n{build.err()}"
            time.sleep(rng.uniform(0.0, 0.1))
            workers |= children_of(build.pid)
            os.kill(build.pid, signal.SIGKILL)
            build.process.wait(timeout=10)
            give_up = time.monotonic() + 5
            while time.monotonic() < give_up and not all(map(is_gone, workers)):
                time.sleep(0.05)
            left = sorted(worker.pid for worker in workers if not is_gone(worker))
            assert not left, f"run {run}: workers {left} still run 5 s after the build was killed"
        finally:
            build.stop()
