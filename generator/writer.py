"""Write the built site: into a folder aside, then swap it in whole."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path


def write_site(files: Mapping[str, bytes], out_dir: Path) -> None:
    """Replace out_dir with exactly these files; a failure leaves the old site in place."""
    staging = out_dir.with_name(f".{out_dir.name}.building")
    retired = out_dir.with_name(f".{out_dir.name}.old")
    for leftover in (staging, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    staging.mkdir(parents=True)
    for relative, data in sorted(files.items()):
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    if out_dir.exists():
        os.replace(out_dir, retired)
    os.replace(staging, out_dir)
    if retired.exists():
        shutil.rmtree(retired)
