"""Site settings: every key typed, defaulted and documented here, and nowhere else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

from generator.errors import ConfigError, did_you_mean
from generator.frontmatter import normalise_newlines, parse_yaml
from generator.sources import DEFAULT_SOURCES

SETTINGS_FILE = "site.yaml"


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The settings of one site. Field comments are the documentation of `site.yaml`."""

    # The site's name, shown in the masthead and the page titles.
    title: str = "Marginalia"
    # One line under the title on the home page, and the description of the feeds.
    description: str = "An annotated news archive"
    # Where the site is published. Its path is the base path of every internal link:
    # a GitHub Pages project site is https://<user>.github.io/<repo>/.
    base_url: str = "http://127.0.0.1:8000/"
    # The language of the pages (the html lang attribute).
    language: str = "en"
    # How many entries a listing page shows before it goes on to /page/N/.
    page_size: int = 20
    # How many editions the home page lists under the latest one.
    home_editions: int = 10
    # Build the search index and the /search/ page, with a Search link in the masthead
    # (about 3 s more on a cold build of 10,000 articles; false leaves all three out).
    search: bool = True
    # Raw source spelling -> the name shown; merged over the built-in table of outlets.
    sources: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # Folders, relative to the project root.
    content_dir: str = "content"
    templates_dir: str = "templates"
    seeds_dir: str = "seeds"
    output_dir: str = "site"

    @property
    def base_path(self) -> str:
        """The URL path every internal link starts with: '/' or '/<repo>/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def source_table(self) -> Mapping[str, str]:
        # The site's own spellings first: normalise_source takes the first match.
        return {
            **self.sources,
            **{k: v for k, v in DEFAULT_SOURCES.items() if k not in self.sources},
        }

    def with_base_url(self, base_url: str) -> SiteConfig:
        return replace(self, base_url=_checked_base_url(base_url, path=None))


_FIELDS = {name for name in SiteConfig.__dataclass_fields__}


def parse_config(data: object, *, path: Path | None) -> SiteConfig:
    """Check the loaded YAML of `site.yaml` and turn it into a SiteConfig."""
    if data is None:
        return SiteConfig()
    if not isinstance(data, dict):
        raise ConfigError(
            f"the settings must be a mapping of keys to values, not {type(data).__name__}",
            path=path,
            fix="write one 'key: value' per line, e.g. 'title: My Archive'",
        )
    problems: list[str] = []
    for key in data:
        if key not in _FIELDS:
            problems.append(f"unknown key '{key}'{did_you_mean(str(key), sorted(_FIELDS))}")
    if problems:
        raise ConfigError(
            "; ".join(problems),
            path=path,
            fix=f"the known keys are: {', '.join(sorted(_FIELDS))}",
        )
    values: dict[str, object] = {}
    defaults = SiteConfig()
    for key, value in data.items():
        expected = type(getattr(defaults, key))
        if key == "sources":
            values[key] = MappingProxyType(_checked_sources(value, path=path))
        elif key == "base_url":
            values[key] = _checked_base_url(value, path=path)
        elif expected is bool:
            if not isinstance(value, bool):
                raise ConfigError(
                    f"'{key}' must be true or false, got {value!r}",
                    path=path,
                    fix=f"e.g. '{key}: {str(getattr(defaults, key)).lower()}'",
                )
            values[key] = value
        elif expected is int:
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(
                    f"'{key}' must be a whole number of at least 1, got {value!r}",
                    path=path,
                    fix=f"e.g. '{key}: {getattr(defaults, key)}'",
                )
            values[key] = value
        else:
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(
                    f"'{key}' must be a non-empty text, got {value!r}",
                    path=path,
                    fix=f"e.g. '{key}: {getattr(defaults, key)}'",
                )
            values[key] = value.strip()
    return SiteConfig(**values)  # type: ignore[arg-type]


def _checked_sources(value: object, *, path: Path | None) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ConfigError(
            "'sources' must map a raw source spelling to the name to show",
            path=path,
            fix="e.g.\nsources:\n  AlJazeera: Al Jazeera",
        )
    return dict(value)


def _checked_base_url(value: object, *, path: Path | None) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"'base_url' must be an absolute http(s) URL, got {value!r}",
            path=path,
            fix="e.g. 'base_url: https://<user>.github.io/<repo>/'",
        )
    assert isinstance(value, str)
    return value if value.endswith("/") else value + "/"


def load_config(root: Path) -> SiteConfig:
    """Read `site.yaml` under root; a missing file means every default."""
    path = root / SETTINGS_FILE
    if not path.exists():
        return SiteConfig()
    text = normalise_newlines(path.read_text(encoding="utf-8"))
    return parse_config(parse_yaml(text, path=path, error=ConfigError), path=path)
