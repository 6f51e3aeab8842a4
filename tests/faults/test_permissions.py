"""Permission errors, met as a user who is not root meets them: the build either succeeds
or exits 1 naming the file or folder (no traceback); site/ is the old site or the new,
byte for byte; and once the permissions are back, the next plain build is a clean one."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.conftest import (
    PYTHON,
    SITE,
    TIMEOUT,
    article_path,
    assert_same_tree,
    clean_site,
    copy_project,
    environment,
    make_project,
    make_writable,
    marginalia,
    remove_tree,
    set_revision,
    tree_bytes,
    which_site,
)

pytestmark = pytest.mark.faults

NOBODY = 65534
ARTICLES = 30
AS_NOBODY = (
    ("setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"),
    ("runuser", "-u", "nobody", "--"),
)


@pytest.fixture(scope="module")
def as_nobody() -> tuple[str, ...]:
    """The command prefix that runs the build as nobody, or a skip that says why not."""
    if os.geteuid() != 0:
        pytest.skip("running the build as another user needs root (CI runs as root)")
    reasons = []
    for prefix in AS_NOBODY:
        if shutil.which(prefix[0]) is None:
            reasons.append(f"{prefix[0]} is not installed")
            continue
        probe = subprocess.run(
            [*prefix, PYTHON, "-c", "import generator.cli"],
            cwd="/",
            env=environment(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        if probe.returncode == 0:
            return prefix
        reasons.append(
            f"{prefix[0]}: nobody cannot run {PYTHON} -m generator: {probe.stderr.strip()[-200:]}"
        )
    pytest.skip("; ".join(reasons))


def chown_to_nobody(root: Path) -> None:
    subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(root)], check=True, timeout=TIMEOUT)


# Each takes away a permission in the built project and returns what a failure's message
# must name (a path, or part of one).
Fault = Callable[[Path], str]


def read_only_folder_in_site(root: Path) -> str:
    """site/2023/01 and every folder in it: the pages there cannot be replaced in place."""
    top = root / SITE / "2023" / "01"
    for directory, _, _ in os.walk(top):
        Path(directory).chmod(0o555)
    return "2023/01"


def read_only_site(root: Path) -> str:
    (root / SITE).chmod(0o555)
    return str(root / SITE)


def read_only_page(root: Path) -> str:
    (root / SITE / "index.html").chmod(0o444)
    return str(root / SITE)


def read_only_output_parent(root: Path) -> str:
    root.chmod(0o555)
    return str(root)


def read_only_cache(root: Path) -> str:
    for path in (root / ".cache").iterdir():
        path.chmod(0o444)
    (root / ".cache").chmod(0o555)
    return ".cache"


def unreadable_article(root: Path) -> str:
    path = article_path(root, 3)
    path.chmod(0o000)
    return path.name


def unreadable_template(root: Path) -> str:
    path = root / "templates" / "partials" / "footer.html"
    path.chmod(0o000)
    return "footer.html"


FAULTS: dict[str, Fault] = {
    "a read-only folder in site": read_only_folder_in_site,
    "site itself read-only": read_only_site,
    "a read-only page": read_only_page,
    "the output's parent read-only": read_only_output_parent,
    ".cache read-only": read_only_cache,
    "an unreadable article": unreadable_article,
    "an unreadable template": unreadable_template,
}


REVISIONS = ("perm-1", "perm-2")


@dataclass(frozen=True)
class Built:
    """A project owned by nobody and built by nobody, and the site a clean build makes
    after each revision of the base template."""

    root: Path
    sites: dict[str, dict[str, bytes]]


@pytest.fixture(scope="module")
def built(as_nobody: tuple[str, ...]) -> Iterator[Built]:
    folder = Path(tempfile.mkdtemp(prefix="marginalia-faults-", dir="/tmp"))
    folder.chmod(0o755)
    try:
        root = make_project(folder / "project", articles=ARTICLES)
        chown_to_nobody(root)
        result = marginalia(root, "build", user=as_nobody)
        assert result.returncode == 0, result.stderr
        sites = {}
        revised = copy_project(root, folder / "revised")
        for revision in REVISIONS:
            set_revision(revised, revision)
            sites[revision] = clean_site(revised)
        yield Built(root, sites)
    finally:
        remove_tree(folder)


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_a_permission_error_leaves_the_old_site_or_the_new(
    name: str, as_nobody: tuple[str, ...], built: Built, scratch_root: Path
) -> None:
    # cp -a, as root: the copy is nobody's too.
    root = copy_project(built.root, scratch_root / "project")
    named = FAULTS[name](root)

    outcomes = []
    # Two builds in turn, each changing every page: the second meets whatever the first
    # left (the fault may have moved into the folder beside site/).
    for revision in REVISIONS:
        old = tree_bytes(root / SITE)
        set_revision(root, revision)
        new = built.sites[revision]
        result = marginalia(root, "build", user=as_nobody)
        site = which_site(tree_bytes(root / SITE), old, new)
        outcomes.append(f"{name}, {revision}: exit {result.returncode}, site {site}")
        summary = "\n".join(outcomes)
        assert result.returncode in (0, 1), f"{summary}\n{result.stderr}"
        assert "Traceback" not in result.stderr, f"{summary}\n{result.stderr}"
        assert site in ("old", "new"), summary
        if result.returncode == 0:
            assert site == "new", summary
        else:
            assert named in result.stderr, (
                f"{summary}\nthe message does not name {named}:\n{result.stderr}"
            )
    print("\n" + summary)

    make_writable(root)
    chown_to_nobody(root)
    result = marginalia(root, "build", user=as_nobody)
    assert result.returncode == 0, (
        f"{summary}\nthe build once permissions are back:\n{result.stderr}"
    )
    assert_same_tree(
        tree_bytes(root / SITE), built.sites[REVISIONS[-1]], f"{summary}\nthe build after"
    )
