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
