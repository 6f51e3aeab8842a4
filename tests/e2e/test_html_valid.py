"""Every built page passes the current Nu HTML Checker (vnu-jar from npm, installed by
`make test` into .venv/npm), which also reports headings that skip a level."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import REPO
from tests.support.npm_tools import VNU_JAR, npm_tool

GOLDEN_SITE = REPO / "tests" / "golden"


def nu_check(site: Path) -> subprocess.CompletedProcess[str]:
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "java is not on PATH; the Nu HTML Checker needs it (apt-get install default-jre)"
        )
    assert any(site.rglob("*.html")), f"no HTML pages in {site}"
    return subprocess.run(
        [java, "-jar", str(npm_tool(VNU_JAR)), "--errors-only", "--skip-non-html", str(site)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("project", ["built_project", "archive_project", "hostile_project"])
def test_every_page_is_valid_html(project: str, request: pytest.FixtureRequest) -> None:
    site = request.getfixturevalue(project) / "site"
    result = nu_check(site)
    assert result.returncode == 0, (
        f"the Nu HTML Checker found errors in {site}:\n{result.stdout}{result.stderr}"
    )


def test_the_golden_site_is_valid_html() -> None:
    """The golden site has what the seed lacks: several editions, pagers, fact-checks."""
    result = nu_check(GOLDEN_SITE)
    assert result.returncode == 0, (
        f"the Nu HTML Checker found errors in the golden site:\n{result.stdout}{result.stderr}"
    )
