"""The fixture site builds to exactly the checked-in bytes (regenerate with `make golden`)."""

from __future__ import annotations

import difflib
from pathlib import Path

from golden_site import EXPECTED, build_golden


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_golden_site_matches_checked_in_output(tmp_path: Path) -> None:
    built = tmp_path / "site"
    build_golden(built)
    expected, actual = _tree(EXPECTED), _tree(built)
    assert sorted(actual) == sorted(expected), "the set of files differs; run `make golden`"
    for name, data in expected.items():
        if actual[name] != data:
            diff = "\n".join(
                difflib.unified_diff(
                    data.decode(errors="replace").splitlines(),
                    actual[name].decode(errors="replace").splitlines(),
                    f"expected/{name}",
                    f"built/{name}",
                    lineterm="",
                )
            )
            raise AssertionError(f"{name} differs (run `make golden` if intended):\n{diff}")
