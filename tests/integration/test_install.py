"""An install from a built wheel: every subpackage is in it, and the installed command
builds the seed project. Slow-ish (a wheel build and a fresh venv: about 15 s)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

from tests.support import REPO, site_tree


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )


def test_a_wheel_installs_every_subpackage_and_its_command_builds_the_seed(
    tmp_path: Path,
) -> None:
    # Built from a copy, so the build leaves nothing in the repository.
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy2(REPO / "pyproject.toml", source)
    shutil.copy2(REPO / "README.md", source)
    shutil.copytree(
        REPO / "generator", source / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, source, cwd=tmp_path)
    (wheel,) = dist.glob("marginalia-*.whl")

    modules = sorted(
        p.relative_to(REPO).as_posix()
        for p in (REPO / "generator").rglob("*.py")
        if "__pycache__" not in p.parts
    )
    packed = sorted(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".py"))
    assert packed == modules

    # A fresh venv holding the wheel; the dependencies come from this venv's
    # site-packages, added after the fresh one's own (a .pth adds no editable finder).
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)  # pip from ensurepip: offline
    python = target / "bin" / "python"
    purelib = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path
        ).stdout.strip()
    )
    (purelib / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=tmp_path)

    where = run(python, "-c", "import generator.plan.pages as m; print(m.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(purelib)

    marginalia = target / "bin" / "marginalia"
    assert run(marginalia, "--version", cwd=tmp_path).stdout.strip().endswith("0.1.0")

    project = tmp_path / "project"
    project.mkdir()
    for name in ("seeds", "templates", "content"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy2(REPO / "site.yaml", project)
    run(marginalia, "--root", project, "ingest", cwd=tmp_path)
    run(marginalia, "--root", project, "build", cwd=tmp_path)
    built = site_tree(project / "site")
    assert "index.html" in built
    assert any(name.startswith("actors/") for name in built)
    assert any(name.startswith("search/data/") for name in built)
