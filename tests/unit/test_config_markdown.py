"""`markdown:` in site.yaml: the engine and Python-Markdown's extensions, checked when
the settings are read, every error naming site.yaml, its line and a fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.body.python_markdown import BASE_EXTENSIONS
from generator.build.render import markdown_engine
from generator.config import ALWAYS_ON_EXTENSIONS, MarkdownSettings, SiteConfig, load_config
from generator.errors import ConfigError


def settings(root: Path, text: str) -> SiteConfig:
    (root / "site.yaml").write_text(text, encoding="utf-8")
    return load_config(root)


def error(root: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        settings(root, text)
    return caught.value


def test_the_default_engine_is_python_markdown_with_no_extra_extensions(tmp_path: Path) -> None:
    assert SiteConfig().markdown == MarkdownSettings("python-markdown", (), "{}")
    assert settings(tmp_path, "title: T\n").markdown == MarkdownSettings()


def test_the_always_on_extensions_are_the_body_stages_own() -> None:
    assert ALWAYS_ON_EXTENSIONS == BASE_EXTENSIONS


def test_extensions_and_their_options_as_mkdocs_users_write_them(tmp_path: Path) -> None:
    config = settings(
        tmp_path,
        "markdown:\n"
        "  engine: python-markdown\n"
        "  extensions:\n"
        "    - toc:\n"
        "        permalink: true\n"
        "    - markdown.extensions.abbr\n"
        "    - pymdownx.tilde\n"
        "  extension_configs:\n"
        "    toc:\n"
        "      toc_depth: 3\n"
        "    footnotes:\n"
        "      BACKLINK_TITLE: Back\n",
    )
    assert config.markdown.extensions == ("toc", "markdown.extensions.abbr", "pymdownx.tilde")
    assert json.loads(config.markdown.extension_configs) == {
        "toc": {"permalink": True, "toc_depth": 3},
        "footnotes": {"BACKLINK_TITLE": "Back"},
    }
    engine = markdown_engine(config)
    assert (engine.name, engine.extensions) == ("python-markdown", config.markdown.extensions)


def test_commonmark_is_chosen_by_name(tmp_path: Path) -> None:
    assert settings(tmp_path, "markdown:\n  engine: commonmark\n").markdown.engine == "commonmark"


@pytest.mark.parametrize(
    ("text", "line", "what", "fix"),
    [
        (
            "title: T\nmarkdown:\n  engine: pulldown\n",
            3,
            "'markdown.engine' must be python-markdown or commonmark, got 'pulldown'",
            "engine: commonmark",
        ),
        (
            "markdown:\n  extensions: [toc]\n  engin: commonmark\n",
            3,
            "unknown key 'markdown.engin'",
            "engine, extensions, extension_configs",
        ),
        (
            "markdown:\n  engine: python-markdown\n  extensions: [toc, no_such_extension]\n",
            3,
            "Markdown extension 'no_such_extension' cannot be found",
            "install the package",
        ),
        (
            "markdown:\n  extensions: [pymdownx.no_such_thing]\n",
            2,
            "Markdown extension 'pymdownx.no_such_thing' cannot be found",
            "check its spelling",
        ),
        (
            "markdown:\n  extensions: [toc]\n  extension_configs:\n    toc:\n      no_option: 1\n",
            4,
            "Markdown extension 'toc' has no option",
            "options listed in the documentation of 'toc'",
        ),
        (
            "markdown:\n  extensions: [toc]\n  extension_configs:\n    abbr: {}\n",
            4,
            "options for 'abbr', which is not in 'markdown.extensions'",
            "add 'abbr' to 'extensions'",
        ),
        (
            "markdown:\n  engine: commonmark\n  extensions: [toc]\n",
            3,
            "the commonmark engine has none",
            "set 'engine: python-markdown'",
        ),
        ("markdown: fast\n", 1, "'markdown' must be a mapping", "engine: python-markdown"),
        (
            "markdown:\n  extensions: toc\n",
            2,
            "'markdown.extensions' must be a list",
            "extensions: [toc, abbr, def_list]",
        ),
        (
            "markdown:\n  extensions: [[toc]]\n",
            2,
            "which is not an extension name",
            "- toc: {permalink: true}",
        ),
        (
            "markdown:\n  extensions: [toc]\n  extension_configs:\n    toc: [1]\n",
            4,
            "the options of 'toc' must be a mapping",
            "option: value",
        ),
    ],
)
def test_a_wrong_markdown_setting_names_site_yaml_its_line_and_a_fix(
    tmp_path: Path, text: str, line: int, what: str, fix: str
) -> None:
    caught = error(tmp_path, text)
    assert caught.path == tmp_path / "site.yaml"
    assert caught.line == line
    assert what in caught.what
    assert caught.fix is not None and fix in caught.fix
    assert "Error(" not in caught.message() and "Traceback" not in caught.message()


def test_an_extension_that_fails_to_load_is_named_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken_extension.py").write_text(
        "def makeExtension(**kwargs):\n    raise RuntimeError('needs a licence key')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    caught = error(tmp_path, "title: T\nmarkdown:\n  extensions:\n    - broken_extension\n")
    assert (caught.line, caught.path) == (3, tmp_path / "site.yaml")
    assert caught.what == (
        "Markdown extension 'broken_extension' failed to load: needs a licence key"
    )
