"""One build at a time: builds of one project started together, interleaved with edits,
or run while `marginalia serve` rebuilds, leave exactly the site a clean build makes."""

from __future__ import annotations

import os
import random
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.faults.conftest import (
    SITE,
    WAITING,
    WORK,
    BigProject,
    Started,
    article_path,
    assert_no_traceback,
    assert_same_tree,
    change_inputs,
    clean_site,
    copy_project,
    free_port,
    marginalia,
    set_revision,
    start,
    tree_bytes,
    write_article,
    written,
)

pytestmark = pytest.mark.faults


def test_two_builds_at_once_wait_for_each_other(
    big_project: BigProject, fast_tmp: Path, tmp_path: Path
) -> None:
    root = copy_project(big_project.pristine, fast_tmp / tmp_path.name / "project")
    change_inputs(root)
    builds: list[Started] = []
    try:
        builds = [start(root, "build", logs=tmp_path / "logs") for _ in range(2)]
        codes = [build.wait() for build in builds]
    finally:
        for build in builds:
            build.stop()
    errors = [build.err() for build in builds]
    assert codes == [0, 0], f"exit codes {codes}:\n" + "\n---\n".join(errors)
    for build in builds:
        assert_no_traceback(build, "a build run beside another")
    assert any(WAITING.search(text) for text in errors), (
        "neither build said it waits for the other:\n" + "\n---\n".join(errors)
    )
    assert_same_tree(tree_bytes(root / SITE), big_project.new, "the site after two builds at once")


@pytest.mark.parametrize("seed", [1, 2])
def test_many_builds_interleaved_with_edits_end_as_a_clean_build(
    big_project: BigProject, fast_tmp: Path, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    root = copy_project(big_project.pristine, fast_tmp / tmp_path.name / "project")
    edits = [
        lambda: set_revision(root, f"{seed}-a"),
        lambda: write_article(root, 10, title=f"Edited while building {seed}"),
        lambda: (article_path(root, 11).unlink(), write_article(root, 2000 + seed)),
        lambda: set_revision(root, f"{seed}-b"),
        lambda: write_article(root, 12, title=f"Edited last {seed}"),
    ]
    builds: list[Started] = []
    try:
        for edit in edits[:4]:
            builds.append(start(root, "build", logs=tmp_path / "logs"))
            time.sleep(rng.uniform(0.0, 0.4))
            edit()
        time.sleep(rng.uniform(0.0, 0.4))
        edits[4]()
        codes = [build.wait() for build in builds]
    finally:
        for build in builds:
            build.stop()
    for build, code in zip(builds, codes, strict=True):
        # A build that read an article while it was saved may stop and say so; none crashes.
        assert code in (0, 1), f"a build exited {code}:\n{build.err()}"
        assert_no_traceback(build, "a build among several")
        if code == 1:
            assert "error" in build.err().lower(), build.err()
    result = marginalia(root, "build")
    assert result.returncode == 0, result.stderr
    assert_same_tree(
        tree_bytes(root / SITE), clean_site(root), "the plain build after the concurrent builds"
    )
    again = marginalia(root, "build")
    assert again.returncode == 0, again.stderr
    assert written(again.stderr + again.stdout) == 0, f"the repeated build wrote:\n{again.stderr}"


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until(test, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if test():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}", pytrace=False)


def answers(url: str) -> bool:
    try:
        return get(url)[0] == 200
    except OSError:
        return False


def site_signature(root: Path) -> tuple[object, ...]:
    """Changes whenever a file of the site, or the work folder beside it, changes."""
    found = []
    for folder in (root / SITE, root / WORK):
        for directory, _, filenames in os.walk(folder):
            for name in filenames:
                try:
                    status = os.stat(os.path.join(directory, name))
                except OSError:
                    continue
                found.append((directory, name, status.st_size, status.st_mtime_ns))
    return tuple(sorted(found))


def wait_for_quiet(root: Path, *, quiet: float = 2.0, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last, since = site_signature(root), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = site_signature(root)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
    pytest.fail(f"the site kept changing for {timeout} s", pytrace=False)


def test_a_build_while_serve_runs_leaves_a_clean_site_and_serve_working(
    big_project: BigProject, fast_tmp: Path, tmp_path: Path
) -> None:
    root = copy_project(big_project.pristine, fast_tmp / tmp_path.name / "project")
    port = free_port()
    home = f"http://127.0.0.1:{port}/"
    server = start(root, "serve", "--port", str(port), logs=tmp_path / "logs")
    try:
        wait_until(lambda: answers(home), timeout=90, what=f"serve to answer on {home}")
        wait_for_quiet(root)
        # A template (every page) and an article's words (serve's instant path), and at
        # once a build from the command line.
        set_revision(root, "during-serve")
        body = article_path(root, 20)
        body.write_text(
            body.read_text(encoding="utf-8") + "\nA sentence added while serve runs.\n",
            encoding="utf-8",
        )
        result = marginalia(root, "build")
        assert result.returncode == 0, result.stderr
        assert_no_traceback(result, "the build beside serve")
        wait_for_quiet(root)

        result = marginalia(root, "build")
        assert result.returncode == 0, result.stderr
        assert_same_tree(
            tree_bytes(root / SITE), clean_site(root), "the plain build after build-during-serve"
        )
        status, _ = get(home)
        assert status == 200, f"serve answers {status} after the builds:\n{server.err()}"

        # And serve still rebuilds on the next change.
        set_revision(root, "after-the-race")
        wait_until(
            lambda: b'content="after-the-race"' in get(home)[1],
            timeout=30,
            what="serve to rebuild after the next change",
        )
        assert server.process.poll() is None, f"serve stopped:\n{server.err()}"
        assert "Traceback" not in server.err(), server.err()
    finally:
        server.stop()
