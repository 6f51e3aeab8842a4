"""The golden site: a small fixture built with the real templates, checked in byte for byte.

Run `make golden` to regenerate tests/golden/ after an intended change, and read the diff.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "golden"
EXPECTED = REPO / "tests" / "golden"


def build_golden(out_dir: Path) -> None:
    sys.path.insert(0, str(REPO))
    from generator.build.build import build
    from generator.config import load_config

    config = replace(
        load_config(FIXTURE), templates_dir=str(REPO / "templates"), output_dir=str(out_dir)
    )
    build(FIXTURE, config)


if __name__ == "__main__":
    if EXPECTED.exists():
        shutil.rmtree(EXPECTED)
    build_golden(EXPECTED)
    print(f"wrote {EXPECTED}")
