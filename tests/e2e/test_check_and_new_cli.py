"""`marginalia check` and `marginalia new` through the real command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support import REPO, golden_project


def marginalia(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_check_finds_a_broken_link_a_broken_anchor_and_a_content_error(tmp_path: Path) -> None:
    root = golden_project(tmp_path / "project")
    assert marginalia(root, "build").returncode == 0
    articles = root / "content" / "articles"
    (articles / "2024/01/river-levels-fall.md").write_text(
        (articles / "2024/01/river-levels-fall.md").read_text(encoding="utf-8")
        + "\n[gone](/gazette/no/such/)\n",
        encoding="utf-8",
    )
    anchored = articles / "2024/03/authority-publishes-study.md"
    anchored.write_text(
        anchored.read_text(encoding="utf-8") + "\n[x](/gazette/editions/#nope)\n",
        encoding="utf-8",
    )
    bad = articles / "2024/02/minister-visits-site.md"
    bad.write_text(bad.read_text(encoding="utf-8").replace("date:", "colour: red\ndate:", 1))
    result = marginalia(root, "check")
    assert result.returncode == 1
    out = result.stderr
    assert "content/articles/2024/01/river-levels-fall.md:" in out and "/gazette/no/such/" in out
    assert "content/articles/2024/03/authority-publishes-study.md:" in out and "'nope'" in out
    assert "content/articles/2024/02/minister-visits-site.md:" in out and "'colour'" in out
    assert "Traceback" not in out


def test_check_passes_the_shipped_project_and_strict_fails_on_warnings(tmp_path: Path) -> None:
    root = golden_project(tmp_path / "project")
    assert marginalia(root, "check").returncode == 0
    registry = root / "content" / "actors.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8") + "- id: nobody\n  name: Nobody Here\n  type: person\n"
    )
    assert marginalia(root, "check").returncode == 0
    strict = marginalia(root, "check", "--strict")
    assert strict.returncode == 1 and "nobody" in strict.stderr


def test_new_prints_the_path_builds_and_never_overwrites(tmp_path: Path) -> None:
    root = golden_project(tmp_path / "project")
    made = marginalia(root, "new", 'Minister: "yes" - #1', "--date", "2024-02-29")
    assert made.returncode == 0, made.stderr
    path = made.stdout.strip()
    assert path == "content/articles/2024/02/minister-yes-1.md"
    assert marginalia(root, "build").returncode == 0
    again = marginalia(root, "new", "Minister: yes #1", "--date", "2024-02-29")
    assert again.returncode == 1 and path in again.stderr and "--slug" in again.stderr
    assert marginalia(root, "new", "x", "--date", "2024-02-30").returncode == 2


def test_new_is_dated_today_and_takes_the_source_and_authors(tmp_path: Path) -> None:
    import datetime as dt

    from generator.content.frontmatter import split_front_matter

    root = golden_project(tmp_path / "project")
    today = dt.date.today()
    made = marginalia(
        root, "new", "Rains return", "--source", "Reuters", "--author", "Ana Lima",
        "--author", "Ben Okafor",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    days = {today, dt.date.today()}  # the same day unless the run crossed midnight
    path = root / made.stdout.strip()
    data = split_front_matter(path.read_text(encoding="utf-8"), path=path).data
    [day] = [day for day in days if data["date"] == day]
    assert path.parent == root / "content" / "articles" / f"{day:%Y}" / f"{day:%m}"
    assert data["source"] == "Reuters" and data["authors"] == ["Ana Lima", "Ben Okafor"]
