import dataclasses
from pathlib import Path

import pytest

from generator.config import SiteConfig, load_config
from generator.errors import ConfigError
from generator.sources import DEFAULT_SOURCES, normalise_source


def write_settings(root: Path, text: str) -> Path:
    path = root / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def config_error(root: Path, text: str) -> ConfigError:
    write_settings(root, text)
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    return caught.value


# Defaults


def test_no_settings_file_gives_every_default(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == SiteConfig()
    assert config.title == "Marginalia"
    assert config.base_url == "http://127.0.0.1:8000/"
    assert config.base_path == "/"
    assert config.page_size == 20
    assert config.home_editions == 10
    assert config.content_dir == "content"
    assert config.templates_dir == "templates"
    assert config.seeds_dir == "seeds"
    assert config.output_dir == "site"
    assert dict(config.sources) == {}


def test_empty_settings_file_gives_every_default(tmp_path: Path) -> None:
    write_settings(tmp_path, "# nothing set yet\n")
    assert load_config(tmp_path) == SiteConfig()


def test_settings_file_overrides_only_the_keys_it_sets(tmp_path: Path) -> None:
    write_settings(tmp_path, "title: Korea Watch\npage_size: 5\noutput_dir: public\n")
    config = load_config(tmp_path)
    assert config.title == "Korea Watch"
    assert config.page_size == 5
    assert config.output_dir == "public"
    assert config.description == "An annotated news archive"
    assert config.home_editions == 10


def test_text_values_are_stripped(tmp_path: Path) -> None:
    write_settings(tmp_path, "title: '  Korea Watch  '\n")
    assert load_config(tmp_path).title == "Korea Watch"


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        SiteConfig().title = "changed"  # type: ignore[misc]


# Base URL and base path


@pytest.mark.parametrize(
    ("base_url", "base_path"),
    [
        ("https://u.github.io/repo", "/repo/"),
        ("https://u.github.io/repo/", "/repo/"),
        ("https://example.org/", "/"),
        ("https://example.org", "/"),
        ("http://localhost:8000/a/b", "/a/b/"),
    ],
)
def test_base_path_comes_from_base_url(tmp_path: Path, base_url: str, base_path: str) -> None:
    write_settings(tmp_path, f"base_url: {base_url}\n")
    assert load_config(tmp_path).base_path == base_path


def test_base_url_gets_a_trailing_slash(tmp_path: Path) -> None:
    write_settings(tmp_path, "base_url: https://u.github.io/repo\n")
    assert load_config(tmp_path).base_url == "https://u.github.io/repo/"


def test_with_base_url_replaces_only_the_base_url() -> None:
    config = SiteConfig(title="Korea Watch", page_size=7)
    moved = config.with_base_url("https://u.github.io/archive")
    assert moved.base_url == "https://u.github.io/archive/"
    assert moved.base_path == "/archive/"
    assert moved.title == "Korea Watch"
    assert moved.page_size == 7
    assert config.base_url == "http://127.0.0.1:8000/"  # the original is untouched


def test_with_base_url_rejects_a_relative_url() -> None:
    with pytest.raises(ConfigError) as caught:
        SiteConfig().with_base_url("/repo/")
    assert "base_url" in caught.value.what
    assert caught.value.fix is not None and "https://" in caught.value.fix


# Unknown keys


def test_unknown_key_is_reported_with_did_you_mean(tmp_path: Path) -> None:
    error = config_error(tmp_path, "titel: Korea Watch\n")
    assert "unknown key 'titel'" in error.what
    assert "did you mean 'title'?" in error.what
    assert error.path == tmp_path / "site.yaml"
    assert error.fix is not None and "page_size" in error.fix
    assert str(tmp_path / "site.yaml") in error.message()


def test_every_unknown_key_is_reported_at_once(tmp_path: Path) -> None:
    error = config_error(tmp_path, "titel: A\npage_sise: 3\nzzzzzz: 1\n")
    assert "'titel' (did you mean 'title'?)" in error.what
    assert "'page_sise' (did you mean 'page_size'?)" in error.what
    assert "unknown key 'zzzzzz'" in error.what
    assert "zzzzzz' (did you mean" not in error.what


# Wrong types


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("page_size: ten\n", "page_size"),
        ("page_size: 0\n", "page_size"),
        ("page_size: -3\n", "page_size"),
        ("page_size: 2.5\n", "page_size"),
        ("page_size: true\n", "page_size"),
        ("home_editions: '10'\n", "home_editions"),
        ("base_url: ftp://x\n", "base_url"),
        ("base_url: not a url\n", "base_url"),
        ("base_url: 8000\n", "base_url"),
        ("title: ''\n", "title"),
        ("title: [a, b]\n", "title"),
        ("sources: [AlJazeera]\n", "sources"),
        ("sources:\n  AlJazeera: 3\n", "sources"),
    ],
)
def test_wrong_type_names_the_key_and_the_file(tmp_path: Path, text: str, key: str) -> None:
    error = config_error(tmp_path, text)
    assert f"'{key}'" in error.what
    assert error.path == tmp_path / "site.yaml"
    assert str(tmp_path / "site.yaml") in error.message()
    assert error.fix


def test_wrong_type_message_shows_what_was_received(tmp_path: Path) -> None:
    error = config_error(tmp_path, "page_size: ten\n")
    assert error.what == "'page_size' must be a whole number of at least 1, got 'ten'"
    assert error.fix == "e.g. 'page_size: 20'"


def test_bad_base_url_message_shows_the_value(tmp_path: Path) -> None:
    error = config_error(tmp_path, "base_url: ftp://x\n")
    assert "'ftp://x'" in error.what
    assert "http(s)" in error.what


def test_settings_that_are_not_a_mapping_are_an_error(tmp_path: Path) -> None:
    error = config_error(tmp_path, "- title\n- page_size\n")
    assert "mapping" in error.what
    assert error.path == tmp_path / "site.yaml"


# Invalid YAML


def test_invalid_yaml_gives_the_line(tmp_path: Path) -> None:
    error = config_error(tmp_path, "title: Korea Watch\npage_size: 5\nsources: [a, }\n")
    assert error.line == 3
    assert f"{tmp_path / 'site.yaml'}:3" in error.message()
    assert "invalid YAML" in error.what


def test_colon_in_an_unquoted_value_gives_its_line(tmp_path: Path) -> None:
    error = config_error(tmp_path, "title: Korea Watch\ndescription: a: b\n")
    assert error.line == 2


# Sources


def test_sources_default_to_the_built_in_table() -> None:
    table = SiteConfig().source_table
    assert dict(table) == dict(DEFAULT_SOURCES)
    assert table["AlJazeera"] == "Al Jazeera"


def test_custom_sources_are_merged_over_the_default_table(tmp_path: Path) -> None:
    write_settings(
        tmp_path, "sources:\n  AlJazeera: AJ English\n  Korea Herald: The Korea Herald\n"
    )
    table = load_config(tmp_path).source_table
    assert table["AlJazeera"] == "AJ English"  # a custom mapping wins
    assert table["Korea Herald"] == "The Korea Herald"  # a new one is added
    assert table["Reuters"] == "Reuters"  # the rest of the defaults stay
    assert table["NYT"] == "The New York Times"


def test_a_custom_source_is_used_when_normalising_a_new_spelling(tmp_path: Path) -> None:
    write_settings(tmp_path, "sources:\n  Korea Herald: The Korea Herald\n")
    table = load_config(tmp_path).source_table
    assert normalise_source("Korea Herald", table) == "The Korea Herald"
    assert normalise_source("Reuters", table) == "Reuters"


def test_a_custom_mapping_of_a_known_spelling_wins_when_normalising(tmp_path: Path) -> None:
    write_settings(tmp_path, "sources:\n  AlJazeera: AJ English\n")
    table = load_config(tmp_path).source_table
    assert normalise_source("AlJazeera", table) == "AJ English"


# Every error names its line in site.yaml


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("title: A\ndescription: B\npage_size: ten\n", 3, "'page_size' must be a whole number"),
        ("title: A\n\n# a comment\nsearch: maybe\n", 4, "'search' must be true or false"),
        ("title: A\nbase_url: ftp://x\n", 2, "'base_url' must be an absolute"),
        ("title: A\ntitel: B\n", 2, "unknown key 'titel'"),
        ("title: A\ndescription: [a, b]\n", 2, "got a list"),
        ("sources:\n  AlJazeera: Al Jazeera\n  Reuters: 3\n", 3, "got 'Reuters': 3"),
        ("sources: [AlJazeera]\n", 1, "got a list"),
        ("title: A\npage_size: 5\ntitle: B\n", 3, "'title' is set twice (first on line 1)"),
        ("title: A\nsources: [a, }\n", 2, "invalid YAML"),
        ("- title\n", 1, "mapping"),
    ],
)
def test_an_error_in_site_yaml_names_its_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    error = config_error(tmp_path, text)
    assert error.line == line
    assert words in error.what
    assert error.message().startswith(f"{tmp_path / 'site.yaml'}:{line}: ")
    assert error.fix


def test_each_unknown_key_is_named_with_its_line(tmp_path: Path) -> None:
    error = config_error(tmp_path, "titel: A\npage_size: 3\npage_sise: 3\n")
    assert error.line == 1
    assert "line 3: unknown key 'page_sise'" in error.what


@pytest.mark.parametrize(
    "text",
    ["title: [a, b]\n", "title: {a: 1}\n", "search: [1]\n", "sources: {a: [1]}\n", "title:\n"],
)
def test_messages_show_values_as_yaml_not_python(tmp_path: Path, text: str) -> None:
    message = config_error(tmp_path, text).message()
    assert "[" not in message.split("fix:")[0]
    assert "{" not in message.split("fix:")[0]
    assert "None" not in message


def test_settings_that_are_not_utf8_are_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_bytes(b"title: caf\xe9\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.path == tmp_path / "site.yaml"
    assert "UTF-8" in caught.value.what


def test_a_settings_path_that_is_a_folder_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").mkdir()
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.path == tmp_path / "site.yaml"
    assert "cannot be read" in caught.value.what
