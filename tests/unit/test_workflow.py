"""The GitHub Pages workflow: valid for actionlint, and it builds and deploys the site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import REPO

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"


def find_actionlint() -> str | None:
    # The test extra installs it next to the interpreter; PATH may not include the venv.
    beside = Path(sys.executable).parent / "actionlint"
    return str(beside) if beside.is_file() else shutil.which("actionlint")


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if str(step.get("uses", "")).startswith(action + "@")]


def test_actionlint_finds_no_problem() -> None:
    actionlint = find_actionlint()
    if actionlint is None:
        pytest.skip("actionlint is not installed (pip install -e '.[test]')")
    run = subprocess.run(
        [actionlint, "-no-color", str(WORKFLOW)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_runs_on_push_to_main_and_by_hand(workflow: dict[Any, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare 'on' as true
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"


def test_the_build_job_lints_the_code_and_its_import_layers(workflow: dict[Any, Any]) -> None:
    runs = [step.get("run", "").strip() for step in workflow["jobs"]["build"]["steps"]]
    assert "make lint" in runs
    assert runs.index("make lint") < runs.index("make test")
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "lint-imports" in lint


def test_build_tests_then_builds_with_the_pages_base_url(workflow: dict[Any, Any]) -> None:
    build = workflow["jobs"]["build"]
    runs = [step.get("run", "") for step in build["steps"]]
    tests = [index for index, run in enumerate(runs) if run.strip() == "make test"]
    assert tests, "the build job runs 'make test'"
    (configure,) = steps_using(build, "actions/configure-pages")
    builds = [step for step in build["steps"] if "marginalia build" in step.get("run", "")]
    assert len(builds) == 1
    step = builds[0]
    assert "--base-url" in step["run"]
    text = step["run"] + " ".join(str(value) for value in step.get("env", {}).values())
    assert f"steps.{configure['id']}.outputs.base_url" in text
    order = build["steps"].index
    assert order(configure) < order(step)
    assert tests[0] < order(step)
    (upload,) = steps_using(build, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "site"
    assert order(step) < order(upload)


def test_deploy_job_publishes_the_artifact_with_deploy_pages(workflow: dict[Any, Any]) -> None:
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    (step,) = steps_using(deploy, "actions/deploy-pages")
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == f"${{{{ steps.{step['id']}.outputs.page_url }}}}"


def size_check_script(workflow: dict[Any, Any]) -> str:
    steps = workflow["jobs"]["build"]["steps"]
    [step] = [step for step in steps if "GitHub Pages" in step.get("name", "")]
    names = [step.get("name") or step.get("uses") for step in steps]
    assert names.index(step["name"]) < names.index("actions/upload-pages-artifact@v3")
    return step["run"]


def run_size_check(script: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=folder, capture_output=True, text=True, check=False
    )


def test_a_site_under_the_pages_limit_passes_the_size_check(
    workflow: dict[Any, Any], tmp_path: Path
) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<p>hello</p>", encoding="utf-8")
    run = run_size_check(size_check_script(workflow), tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "site: 10240 bytes" in run.stdout


def test_a_site_over_the_pages_limit_stops_the_workflow_before_upload(
    workflow: dict[Any, Any], tmp_path: Path
) -> None:
    (tmp_path / "site").mkdir()
    # A sparse file: a real 1 GiB of content to pack, without a 1 GiB write.
    with (tmp_path / "site" / "big.json").open("wb") as big:
        big.truncate(2**30)
    run = run_size_check(size_check_script(workflow), tmp_path)
    assert run.returncode == 1
    assert "::error title=Site too big for GitHub Pages::" in run.stdout
    assert "over its limit of 1 GB" in run.stdout
