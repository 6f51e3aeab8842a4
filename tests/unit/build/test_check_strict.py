"""marginalia check --strict: every kind of warning a build gives is an error with it, and
a warning without it, each as file:line: what — fix (when it has a line)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build.build import build
from generator.build.site_size import PAGES_LIMIT_BYTES
from generator.config import load_config
from tests.support import REPO, golden_project
from tests.unit.build.test_check import append, run_check

REGISTRY = Path("content/actors.yaml")


def cli_check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "check", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def first_actor_name(root: Path) -> tuple[str, str]:
    """(id, name) of the registry's first actor that some article is about."""
    lines = (root / REGISTRY).read_text(encoding="utf-8").splitlines()
    ids = [line.split(":", 1)[1].strip() for line in lines if line.startswith("- id:")]
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("  name:")]
    return ids[0], names[0]


def shared_alias(root: Path) -> tuple[int, str]:
    """A new actor whose alias is an existing actor's name: (its line, the name)."""
    _, name = first_actor_name(root)
    line = append(
        root / REGISTRY,
        f"- id: namesake-of-first\n  name: Quite Another Person\n  type: person\n"
        f"  aliases: [{name}]\n",
    )
    return line, name


def no_articles(root: Path) -> None:
    shutil.rmtree(root / "content" / "articles")
    (root / "content" / "articles").mkdir()


def only_unused_actors(root: Path) -> None:
    """No article at all: the site's feed is empty, and so is every actor's."""
    no_articles(root)


def over_pages_limit(root: Path) -> None:
    """A site the build's manifest records as past GitHub Pages' 1 GB."""
    build(root, load_config(root))
    db = sqlite3.connect(root / ".cache" / "marginalia.sqlite")
    try:
        db.execute("UPDATE outputs SET size = ? WHERE path = 'index.html'", (PAGES_LIMIT_BYTES,))
        db.commit()
    finally:
        db.close()


def test_a_shared_name_is_a_warning_at_its_registry_line_with_its_fix(tmp_path: Path) -> None:
    root = golden_project(tmp_path / "project")
    line, name = shared_alias(root)
    report = run_check(root)
    assert report.errors == ()
    shared = [p for p in report.warnings if f"'{name}'" in p.what]
    assert len(shared) == 1, report.warnings
    text = shared[0].text()
    assert text.startswith(f"content/actors.yaml:{line}: '{name}' is the name or an alias of ")
    assert text.endswith(" — give each actor a name of its own"), text
    assert report.exit_code() == 0 and report.exit_code(strict=True) == 1
    assert f"error: {text}" in report.lines(strict=True)
    assert f"warning: {text}" in report.lines()


# Each kind of warning a build or a check gives, made in a fresh golden project, and
# a text its message holds.
WARNINGS = {
    "a name several actors share": (shared_alias, "is the name or an alias of"),
    "an actor no article is about": (
        lambda root: append(
            root / REGISTRY, "- id: nobody-here\n  name: Nobody Here\n  type: person\n"
        ),
        "no article is about 'nobody-here'",
    ),
    "an empty site feed": (only_unused_actors, "the site's feed is empty"),
    "a site over GitHub Pages' limit": (over_pages_limit, "GitHub Pages"),
}


@pytest.mark.parametrize("kind", list(WARNINGS))
def test_each_warning_fails_only_a_strict_check(tmp_path: Path, kind: str) -> None:
    make, message = WARNINGS[kind]
    root = golden_project(tmp_path / "project")
    make(root)
    report = run_check(root)
    assert report.errors == ()
    assert any(message in p.what for p in report.warnings), report.warnings
    # Every warning says where, and what to do unless its text is the remedy.
    for problem in report.warnings:
        assert problem.path and not problem.path.startswith("/"), problem
    relaxed = cli_check(root)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "warning: " in relaxed.stderr and message in relaxed.stderr
    strict = cli_check(root, "--strict")
    assert strict.returncode == 1, strict.stderr
    failing = [line for line in strict.stderr.splitlines() if message in line]
    assert failing and all(line.startswith("error: ") for line in failing), strict.stderr
    assert "check failed" in strict.stderr and "Traceback" not in strict.stderr
