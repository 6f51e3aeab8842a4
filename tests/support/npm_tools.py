"""Test tools from the npm registry: the current Nu HTML Checker and axe-core.

`make test` installs them into .venv/npm from tests/support/npm/package.json (scripts
off: vnu-jar's postinstall would download a JDK; Java comes from Debian instead).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import REPO

NPM_PREFIX = REPO / ".venv" / "npm"
VNU_JAR = NPM_PREFIX / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NPM_PREFIX / "node_modules" / "axe-core" / "axe.min.js"


def npm_tool(path: Path) -> Path:
    """The installed tool's file, or a failure saying how to install it (never a skip)."""
    if not path.is_file():
        pytest.fail(
            f"{path.relative_to(REPO)} is missing; install the test tools with `make test` "
            "(or only them: make .venv/.installed-npm)"
        )
    return path


def axe_violations(page, *, include: str | None = None, serious_only: bool = True) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's violations on a playwright page as "id: help (nodes)" lines: the serious
    and critical ones, or all with serious_only=False; `include`: a CSS selector to check."""
    page.add_script_tag(path=str(npm_tool(AXE_JS)))
    context = f"{{include: [[{include!r}]]}}" if include else "document"
    violations = page.evaluate(f"async () => (await axe.run({context})).violations")
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in violations
        if not serious_only or v["impact"] in ("serious", "critical")
    ]
