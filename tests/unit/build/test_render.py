"""Template errors name the template file where the error is, its line, the error in words
and a fix: in a partial as on a page, in one process and in forked workers."""

from __future__ import annotations

import pickle
import re
import shutil
from pathlib import Path

import pytest

from generator.build import build as build_module
from generator.build.build import build
from generator.config import load_config
from generator.errors import TemplateError
from tests.support import REPO

PARTIAL = "partials/article_header.html"
# Inserted as the partial's third line: each breaks only when it renders.
BROKEN = {
    "unknown filter": ("{{ article.title | no_such_filter }}", "no_such_filter"),
    "unknown filter inside an if": (
        "{% if article.title %}{{ article.title | no_such_filter }}{% endif %}",
        "no_such_filter",
    ),
    "division by zero": ("{{ 1 / 0 }}", "division by zero"),
    "undefined name": ("{{ no_such_name }}", "'no_such_name' is undefined"),
    "undefined attribute called": ("{{ article.no_such_method() }}", "no_such_method"),
    "missing include": ('{% include "partials/no_such_partial.html" %}', "no_such_partial.html"),
    "syntax": ("{% if %}", "syntax error"),
}
REPR = re.compile(r"\w+(Error|Exception|Found)\(")


def project(root: Path, *, broken: str) -> Path:
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    partial = root / "templates" / PARTIAL
    lines = partial.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(2, broken + "\n")
    partial.write_text("".join(lines), encoding="utf-8")
    return root


def build_error(root: Path) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        build(root, load_config(root))
    return caught.value


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_an_error_in_a_partial_names_the_partial_and_its_line(tmp_path: Path, case: str) -> None:
    source, words = BROKEN[case]
    root = project(tmp_path, broken=source)

    error = build_error(root)

    assert error.path is not None and error.path.as_posix().endswith(f"templates/{PARTIAL}")
    assert error.line == 3
    assert words in error.what
    assert error.fix
    message = error.message()
    assert f"{PARTIAL}:3: " in message
    assert not REPR.search(message), message
    assert "article.html" not in message


def test_a_runtime_error_in_a_page_template_names_that_template(tmp_path: Path) -> None:
    root = project(tmp_path, broken="")
    page = root / "templates" / "article.html"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(4, "{{ 1 / 0 }}\n")  # inside its content block
    page.write_text("".join(lines), encoding="utf-8")

    error = build_error(root)

    assert error.path is not None and error.path.name == "article.html"
    assert error.line == 5
    assert error.what == "template error: division by zero"


def test_an_error_rendered_in_a_worker_process_keeps_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build renders in forked workers when there are many pages: the error comes back
    pickled, and still names the partial, its line and the fix."""
    monkeypatch.setattr(build_module, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(build_module, "cpu_count", lambda: 2)
    monkeypatch.setattr(build_module, "BATCH_SIZE", 5)  # many batches: the pool is used
    root = project(tmp_path, broken="{{ 1 / 0 }}")

    error = build_error(root)

    assert error.path is not None and error.path.as_posix().endswith(f"templates/{PARTIAL}")
    assert error.line == 3
    assert "division by zero" in error.what
    copy = pickle.loads(pickle.dumps(error))
    assert copy.message() == error.message()
