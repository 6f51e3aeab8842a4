"""Site settings: every key typed, defaulted and documented here, and nowhere else."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

import yaml

from generator.content.frontmatter import YamlLoader, normalise_newlines, parse_yaml
from generator.errors import ConfigError, did_you_mean
from generator.sources import DEFAULT_SOURCES

SETTINGS_FILE = "site.yaml"

MARKDOWN_ENGINES = ("python-markdown", "commonmark")
# Python-Markdown's extensions that are always on (generator.body.python_markdown's
# BASE_EXTENSIONS: config and body are siblings, neither imports the other).
ALWAYS_ON_EXTENSIONS = ("fenced_code", "footnotes", "sane_lists", "tables")


@dataclass(frozen=True, slots=True)
class MarkdownSettings:
    """`markdown:` in site.yaml: how article bodies are read."""

    # python-markdown (the default: Python-Markdown, with extensions) or commonmark
    # (pulldown-cmark: faster, no extensions). Both have tables and footnotes.
    engine: str = "python-markdown"
    # Python-Markdown extensions beyond the ones always on (fenced_code, footnotes,
    # sane_lists, tables), as MkDocs names them: toc, abbr, def_list, pymdownx.tilde...
    extensions: tuple[str, ...] = ()
    # Their options, {extension: {option: value}}, kept as canonical JSON text.
    extension_configs: str = "{}"


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
    # How article Markdown is read (see MarkdownSettings).
    markdown: MarkdownSettings = field(default_factory=MarkdownSettings)

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

# A key's place in the settings: ("page_size",) or ("sources", "AlJazeera").
KeyPath = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SettingsLines:
    """Where each key of site.yaml is, so an error can name its line."""

    keys: Mapping[KeyPath, int] = field(default_factory=dict)  # 1-based line of each key
    repeated: tuple[tuple[KeyPath, int], ...] = ()  # a key given again, and that line

    def of(self, *key: str) -> int | None:
        return self.keys.get(key)


def settings_lines(text: str) -> SettingsLines:
    """The line of every key of the mappings in a YAML text that parses.

    PyYAML's nodes carry their marks; the loaded values do not, so the text is composed
    (parsed to nodes, without building values) to find them.
    """
    try:
        root = yaml.compose(text, Loader=YamlLoader)
    except yaml.YAMLError:
        return SettingsLines()  # parse_yaml reports it, with its line
    keys: dict[KeyPath, int] = {}
    repeated: list[tuple[KeyPath, int]] = []

    def walk(node: yaml.Node | None, prefix: KeyPath) -> None:
        if not isinstance(node, yaml.MappingNode):
            return
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = (*prefix, str(key_node.value))
            line = key_node.start_mark.line + 1
            if key in keys:
                repeated.append((key, line))
            else:
                keys[key] = line
            walk(value_node, key)

    walk(root, ())
    return SettingsLines(keys, tuple(repeated))


def parse_config(
    data: object, *, path: Path | None, lines: SettingsLines | None = None
) -> SiteConfig:
    """Check the loaded YAML of `site.yaml` and turn it into a SiteConfig; errors name
    the line of the key when `lines` knows it."""
    lines = lines or SettingsLines()
    if data is None:
        return SiteConfig()
    if not isinstance(data, dict):
        raise ConfigError(
            f"the settings must be a mapping of keys to values, not {_kind(data)}",
            path=path,
            line=1,
            fix="write one 'key: value' per line, e.g. 'title: My Archive'",
        )
    if lines.repeated:
        key, line = lines.repeated[0]
        raise ConfigError(
            f"'{'.'.join(key)}' is set twice (first on line {lines.of(*key)})",
            path=path,
            line=line,
            fix="keep one of the two lines: YAML would silently use the last",
        )
    unknown = [key for key in data if key not in _FIELDS]
    if unknown:
        problems = [
            f"unknown key '{key}'{did_you_mean(str(key), sorted(_FIELDS))}" for key in unknown
        ]
        later = [
            f"line {lines.of(str(key))}: {problem}" if lines.of(str(key)) else problem
            for key, problem in zip(unknown[1:], problems[1:], strict=True)
        ]
        raise ConfigError(
            "; ".join([problems[0], *later]),
            path=path,
            line=lines.of(str(unknown[0])),
            fix=f"the known keys are: {', '.join(sorted(_FIELDS))}",
        )
    values: dict[str, object] = {}
    defaults = SiteConfig()
    for key, value in data.items():
        expected = type(getattr(defaults, key))
        line = lines.of(key)
        if key == "sources":
            values[key] = MappingProxyType(_checked_sources(value, path=path, lines=lines))
        elif key == "markdown":
            values[key] = _checked_markdown(value, path=path, lines=lines)
        elif key == "base_url":
            values[key] = _checked_base_url(value, path=path, line=line)
        elif expected is bool:
            if not isinstance(value, bool):
                raise ConfigError(
                    f"'{key}' must be true or false, got {_shown(value)}",
                    path=path,
                    line=line,
                    fix=f"e.g. '{key}: {str(getattr(defaults, key)).lower()}'",
                )
            values[key] = value
        elif expected is int:
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(
                    f"'{key}' must be a whole number of at least 1, got {_shown(value)}",
                    path=path,
                    line=line,
                    fix=f"e.g. '{key}: {getattr(defaults, key)}'",
                )
            values[key] = value
        else:
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(
                    f"'{key}' must be a non-empty text, got {_shown(value)}",
                    path=path,
                    line=line,
                    fix=f"e.g. '{key}: {getattr(defaults, key)}'",
                )
            values[key] = value.strip()
    return SiteConfig(**values)  # type: ignore[arg-type]


def _checked_sources(value: object, *, path: Path | None, lines: SettingsLines) -> dict[str, str]:
    fix = "e.g.\nsources:\n  AlJazeera: Al Jazeera"
    if not isinstance(value, dict):
        raise ConfigError(
            f"'sources' must map a raw source spelling to the name to show, got {_shown(value)}",
            path=path,
            line=lines.of("sources"),
            fix=fix,
        )
    for spelling, name in value.items():
        if not isinstance(spelling, str) or not isinstance(name, str):
            raise ConfigError(
                f"'sources' must map a raw source spelling to the name to show, "
                f"got {_shown(spelling)}: {_shown(name)}",
                path=path,
                line=lines.of("sources", str(spelling)) or lines.of("sources"),
                fix=fix,
            )
    return dict(value)


def _checked_markdown(
    value: object, *, path: Path | None, lines: SettingsLines
) -> MarkdownSettings:
    """The markdown settings, each extension loaded once to prove it loads."""
    example = "e.g.\nmarkdown:\n  engine: python-markdown\n  extensions: [toc, abbr]"
    if value is None:
        return MarkdownSettings()
    if not isinstance(value, dict):
        raise ConfigError(
            f"'markdown' must be a mapping of settings, got {_shown(value)}",
            path=path,
            line=lines.of("markdown"),
            fix=example,
        )
    known = ("engine", "extensions", "extension_configs")
    for key in value:
        if key not in known:
            raise ConfigError(
                f"unknown key 'markdown.{key}'{did_you_mean(str(key), list(known))}",
                path=path,
                line=lines.of("markdown", str(key)),
                fix=f"the keys of 'markdown' are: {', '.join(known)}",
            )
    engine = value.get("engine", MarkdownSettings().engine)
    if engine not in MARKDOWN_ENGINES:
        raise ConfigError(
            f"'markdown.engine' must be python-markdown or commonmark, got {_shown(engine)}"
            f"{did_you_mean(str(engine), list(MARKDOWN_ENGINES))}",
            path=path,
            line=lines.of("markdown", "engine"),
            fix="'engine: python-markdown' (the default, with extensions) or "
            "'engine: commonmark' (faster, no extensions)",
        )
    extensions, configs = _checked_extensions(value, path=path, lines=lines)
    if engine == "commonmark" and (extensions or configs):
        raise ConfigError(
            "'markdown.extensions' and 'markdown.extension_configs' are Python-Markdown's: "
            "the commonmark engine has none, and would ignore them",
            path=path,
            line=lines.of("markdown", "extensions") or lines.of("markdown", "extension_configs"),
            fix="set 'engine: python-markdown', or remove the extensions",
        )
    if engine == "python-markdown":
        _load_extensions(extensions, configs, path=path, lines=lines)
    return MarkdownSettings(engine, extensions, json.dumps(configs, sort_keys=True))


def _checked_extensions(
    value: dict[object, object], *, path: Path | None, lines: SettingsLines
) -> tuple[tuple[str, ...], dict[str, dict[str, object]]]:
    """The extension names and their options; as MkDocs, an item of the list may be a
    name, or a name mapped to its options."""
    line = lines.of("markdown", "extensions")
    listed = value.get("extensions") or []
    if not isinstance(listed, list):
        raise ConfigError(
            f"'markdown.extensions' must be a list of extension names, got {_shown(listed)}",
            path=path,
            line=line,
            fix="e.g. 'extensions: [toc, abbr, def_list]'",
        )
    names: list[str] = []
    configs: dict[str, dict[str, object]] = {}
    for item in listed:
        if isinstance(item, dict) and len(item) == 1:
            ((name, options),) = item.items()
            options = {} if options is None else options
        else:
            name, options = item, {}
        if not isinstance(name, str) or not name.strip() or not isinstance(options, dict):
            raise ConfigError(
                f"'markdown.extensions' has {_shown(item)}, which is not an extension name",
                path=path,
                line=line,
                fix="give each extension by its name ('- toc'), or its name and options "
                "('- toc: {permalink: true}')",
            )
        names.append(name.strip())
        if options:
            configs[name.strip()] = _plain(options, path=path, line=line)
    given = value.get("extension_configs") or {}
    configs_line = lines.of("markdown", "extension_configs")
    if not isinstance(given, dict):
        raise ConfigError(
            f"'markdown.extension_configs' must map an extension to its options, "
            f"got {_shown(given)}",
            path=path,
            line=configs_line,
            fix="e.g.\nextension_configs:\n  toc:\n    permalink: true",
        )
    for name, options in given.items():
        where = lines.of("markdown", "extension_configs", str(name)) or configs_line
        if str(name) not in names and str(name) not in ALWAYS_ON_EXTENSIONS:
            raise ConfigError(
                f"'markdown.extension_configs' has options for '{name}', which is not in "
                "'markdown.extensions'",
                path=path,
                line=where,
                fix=f"add '{name}' to 'extensions', spelled the same in both places",
            )
        if not isinstance(options, dict):
            raise ConfigError(
                f"the options of '{name}' must be a mapping, got {_shown(options)}",
                path=path,
                line=where,
                fix=f"e.g.\nextension_configs:\n  {name}:\n    option: value",
            )
        configs[str(name)] = {
            **configs.get(str(name), {}),
            **_plain(options, path=path, line=where),
        }
    return tuple(dict.fromkeys(names)), configs


def _plain(
    options: dict[object, object], *, path: Path | None, line: int | None
) -> dict[str, object]:
    """Options as JSON can hold them (the settings' digest and the cache key are JSON)."""
    try:
        return json.loads(json.dumps(options, sort_keys=True))  # type: ignore[no-any-return]
    except (TypeError, ValueError):
        raise ConfigError(
            "an extension's options must be text, numbers, true/false, lists or mappings",
            path=path,
            line=line,
            fix="write dates and other values as quoted text",
        ) from None


def _load_extensions(
    names: tuple[str, ...],
    configs: dict[str, dict[str, object]],
    *,
    path: Path | None,
    lines: SettingsLines,
) -> None:
    """Load every extension with its options once, so a bad one is named here, with its
    line, and not by a failed render."""
    # Imported here: only a site with markdown settings pays for it, not every command.
    import markdown

    for name in (*ALWAYS_ON_EXTENSIONS, *names):
        where = (
            lines.of("markdown", "extension_configs", name)
            if name in configs and lines.of("markdown", "extension_configs", name)
            else lines.of("markdown", "extensions")
        )
        try:
            markdown.Markdown(extensions=[name], extension_configs={name: configs.get(name, {})})
        except ModuleNotFoundError as error:
            raise ConfigError(
                f"Markdown extension '{name}' cannot be found"
                + (f" (no module '{error.name}')" if error.name else ""),
                path=path,
                line=where,
                fix="check its spelling (Python-Markdown's own are toc, abbr, def_list, "
                "attr_list, admonition, md_in_html, ...), or install the package that "
                "provides it in the environment Marginalia runs in",
            ) from None
        except KeyError as error:
            option = error.args[0] if error.args else ""
            raise ConfigError(
                f"Markdown extension '{name}' has no option '{option}'"
                f"{did_you_mean(str(option), _options(name))}",
                path=path,
                line=where,
                fix=f"use the options listed in the documentation of '{name}': "
                f"{', '.join(_options(name)) or 'it takes none'}",
            ) from None
        except Exception as error:  # an extension's own code: any error, named
            raise ConfigError(
                f"Markdown extension '{name}' failed to load: "
                f"{str(error).strip() or type(error).__name__}",
                path=path,
                line=where,
                fix=f"check the name and the options of '{name}' against its documentation",
            ) from None


def _options(extension: str) -> list[str]:
    """The option names an extension takes, as it declares them."""
    import markdown

    try:
        return sorted(markdown.Markdown().build_extension(extension, {}).getConfigs())
    except Exception:  # it loaded once already; a second failure leaves the list out
        return []


def _checked_base_url(value: object, *, path: Path | None, line: int | None = None) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"'base_url' must be an absolute http(s) URL, got {_shown(value)}",
            path=path,
            line=line,
            fix="e.g. 'base_url: https://<user>.github.io/<repo>/'",
        )
    assert isinstance(value, str)
    return value if value.endswith("/") else value + "/"


def _shown(value: object) -> str:
    """A value as it is written in YAML, never a Python repr."""
    if isinstance(value, str):
        return f"'{value}'"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return _kind(value)


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def load_config(root: Path) -> SiteConfig:
    """Read `site.yaml` under root; a missing file means every default."""
    path = root / SETTINGS_FILE
    if not path.exists():
        return SiteConfig()
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"the settings are not UTF-8 text (byte {error.start} cannot be read)",
            path=path,
            fix="save site.yaml as UTF-8",
        ) from None
    except OSError as error:
        raise ConfigError(
            f"the settings cannot be read: {error.strerror or error}",
            path=path,
            fix="check that site.yaml is a file you can read",
        ) from None
    text = normalise_newlines(raw)
    data = parse_yaml(text, path=path, error=ConfigError)
    return parse_config(data, path=path, lines=settings_lines(text))
