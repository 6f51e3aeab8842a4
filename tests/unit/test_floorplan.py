"""The floor plan: every module in a layer the import contracts name, the contracts kept,
each subpackage saying what it owns, and the code digest covering every module."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from generator.build.cache import PACKAGE_DIR, code_digest
from tests.support import REPO

PACKAGE = REPO / "generator"


def module_names(package: Path = PACKAGE) -> list[str]:
    """The dotted name of every module under generator/, a package by its __init__."""
    names = []
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = path.relative_to(package.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def contract_layers() -> list[str]:
    """Every module or package a layers contract in pyproject.toml names."""
    settings = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = settings["tool"]["importlinter"]["contracts"]
    named: list[str] = []
    for contract in contracts:
        for layer in contract.get("layers", []):
            named += [name.strip() for name in layer.replace(":", "|").split("|")]
    return named


def covered(module: str, layers: list[str]) -> bool:
    return any(module == layer or module.startswith(f"{layer}.") for layer in layers)


def test_every_module_is_in_a_layer_the_contracts_name() -> None:
    layers = contract_layers()
    assert layers, "pyproject.toml names no layers"
    outside = [m for m in module_names() if m != "generator" and not covered(m, layers)]
    assert outside == [], (
        f"modules in no layer of [tool.importlinter]: {outside}; "
        "put each in a subpackage the layers name, or name it in the layers"
    )


def test_a_module_added_outside_the_layers_is_caught(tmp_path: Path) -> None:
    copy = tmp_path / "generator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "stray.py").write_text('"""A module nobody placed."""\n', encoding="utf-8")
    (copy / "extra").mkdir()
    (copy / "extra" / "__init__.py").write_text('"""A new stage."""\n', encoding="utf-8")
    layers = contract_layers()
    outside = [m for m in module_names(copy) if m != "generator" and not covered(m, layers)]
    assert outside == ["generator.extra", "generator.stray"]


def test_the_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    "package", sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
)
def test_each_subpackage_says_what_it_owns_and_what_it_may_import(package: str) -> None:
    source = (PACKAGE / package / "__init__.py").read_text(encoding="utf-8")
    docstring = ast.get_docstring(ast.parse(source)) or ""
    assert "owns" in docstring, f"generator/{package}/__init__.py does not say what it owns"
    assert "may import" in docstring, f"generator/{package}/__init__.py says not what it imports"
    for module in sorted((PACKAGE / package).glob("*.py")):
        if module.name != "__init__.py":
            assert module.stem in docstring, f"{package}'s docstring leaves out {module.stem}"


# --------------------------------------------------------------------------- code digest


def test_the_build_digests_the_package_it_runs_from() -> None:
    assert PACKAGE.resolve() == PACKAGE_DIR


def every_module(package: Path) -> list[Path]:
    return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)


def test_editing_any_module_of_any_subpackage_changes_the_code_digest(tmp_path: Path) -> None:
    copy = tmp_path / "generator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_digest(copy)
    modules = every_module(copy)
    assert any(len(m.relative_to(copy).parts) > 1 for m in modules)
    for module in modules:
        original = module.read_bytes()
        module.write_bytes(original + b"\n# an edit\n")
        assert code_digest(copy) != before, f"editing {module.relative_to(copy)} went unseen"
        module.write_bytes(original)
    assert code_digest(copy) == before


def test_moving_a_module_between_subpackages_changes_the_code_digest(tmp_path: Path) -> None:
    copy = tmp_path / "generator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_digest(copy)
    (copy / "plan" / "charts.py").rename(copy / "body" / "charts.py")
    assert code_digest(copy) != before


def test_an_edit_deep_in_a_subpackage_changes_the_digest_a_build_uses(tmp_path: Path) -> None:
    shutil.copytree(PACKAGE, tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    probe = (
        "import generator, generator.build.cache as c; "
        "print(generator.__file__); print(c.CODE_DIGEST)"
    )

    def digest() -> str:
        out = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
        assert out[0] == str(tmp_path / "generator" / "__init__.py")  # the copy, not the repo
        return out[1]

    before = digest()
    pages = tmp_path / "generator" / "plan" / "pages.py"
    pages.write_text(pages.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert digest() != before


def test_the_readme_layout_lists_every_package_and_module() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :].split("\n## ")[0]
    lines = [line.strip() for line in layout.splitlines()]
    listed = [line.split()[0] for line in lines if line and line.split()[0].endswith((".py", "/"))]
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts or path.name == "__init__.py":
            continue
        if path.name not in listed:
            missing.append(path.relative_to(REPO).as_posix())
    for package in sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()):
        if f"{package.name}/" not in listed:
            missing.append(f"{package.relative_to(REPO).as_posix()}/")
    assert missing == [], f"README 'Layout' leaves out {missing}"


def test_unit_tests_mirror_the_packages_and_every_test_file_is_collected() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    folders = {p.name for p in (REPO / "tests" / "unit").iterdir() if p.is_dir()} - {"__pycache__"}
    assert folders <= packages, f"tests/unit folders that name no package: {folders - packages}"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    collected = {line.split("::")[0] for line in result.stdout.splitlines() if "::" in line}
    files = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "tests").rglob("test_*.py")
        if "__pycache__" not in p.parts
    }
    assert files - collected == set(), f"never collected: {sorted(files - collected)}"


def test_no_module_imports_a_private_name_of_another() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
                found += [
                    f"{path.relative_to(REPO).as_posix()}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
    assert found == [], f"private names used across modules (make them public): {found}"
