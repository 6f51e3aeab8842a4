"""Split a content file into YAML front matter and body, keeping line numbers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.errors import ContentError, MarginaliaError

# libyaml is eight times the pure-Python loader; every PyYAML wheel ships it.
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class YamlLoader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """Safe loading, where a date that cannot exist (2023-02-30) stays text.

    PyYAML raises a bare ValueError for those; as text, the field's own check names
    the file, the line and the fix.
    """


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


class DuplicateKey(yaml.constructor.ConstructorError):
    """A mapping names one key twice: YAML would keep the last value and drop the other."""

    def __init__(self, key: str, first: int, mark: yaml.Mark) -> None:
        super().__init__(None, None, f"the key '{key}' is written twice", mark)
        self.key = key
        self.first = first  # 0-based line of its first use, in the YAML given


class StrictLoader(YamlLoader):
    """YamlLoader, where a key written twice in one mapping is an error: YAML would
    silently keep the last value and lose the first."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[object, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # '<<: *defaults' merges; keys written after it override
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:
                continue  # unhashable: the base constructor says so
            if first is not key_node:
                raise DuplicateKey(yaml_text(key), first.start_mark.line, key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


class ContentLoader(StrictLoader):
    """The loader for content files: front matter and the actor registry.

    Numbers stay the text the editor wrote: no content field is a number, and as
    numbers '1e3' became '1000.0', '0312' became '202', and an integer of 5,000 digits
    could not be turned back into text at all.
    """


def _number_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


ContentLoader.add_constructor("tag:yaml.org,2002:int", _number_as_text)
ContentLoader.add_constructor("tag:yaml.org,2002:float", _number_as_text)

_SHOWN = 60  # characters of a value quoted in a message


def yaml_text(value: object) -> str:
    """A scalar as YAML spells it: for messages, never a Python repr."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, int):
        try:
            value = str(value)
        except ValueError:  # Python refuses integers of over 4,300 digits
            return "(too long to show)"
    text = " ".join(str(value).split()) if isinstance(value, (str, float)) else ""
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def describe(value: object) -> str:
    """What a YAML value is, in words, for a message: 'a list', 'the text 'abc''.

    Short whatever the value: a Python repr of aliases that expand to a billion items
    would take minutes and gigabytes.
    """
    if isinstance(value, str):
        return f"the text '{yaml_text(value)}'"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a yes/no value ({yaml_text(value)})"
    if isinstance(value, (int, float)):
        return f"the number {yaml_text(value)}"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"the date {yaml_text(value)}"
    if isinstance(value, (bytes, bytearray)):
        return "binary data"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (set, frozenset)):
        return "a set"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "a value of another kind"


_FENCE = re.compile(r"^---[ \t]*$")
_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:")
_LIST_ITEM = re.compile(r"^[ \t]*-[ \t]")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    data: Mapping[str, object]
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    key_lines: Mapping[str, int]  # top-level key -> 1-based line
    item_lines: Mapping[str, tuple[int, ...]]  # list key -> 1-based line of each item

    def line_of(self, key: str, index: int | None = None) -> int | None:
        if index is not None:
            items = self.item_lines.get(key, ())
            if index < len(items):
                return items[index]
        return self.key_lines.get(key)


def normalise_newlines(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_yaml(
    text: str,
    *,
    path: Path | None,
    first_line: int = 1,
    error: type[MarginaliaError] = ContentError,
    loader: type[YamlLoader] = YamlLoader,
) -> object:
    """Load YAML; a syntax error names the line in the file, not in the snippet."""
    try:
        return yaml.load(text, Loader=loader)
    except DuplicateKey as exc:
        raise error(
            f"the key '{exc.key}' is written twice (first on line {first_line + exc.first})",
            path=path,
            line=first_line + exc.problem_mark.line,
            fix="keep one of the two: YAML would silently drop the first value",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        # "while parsing a flow sequence" that starts on another line: say where.
        if (
            context
            and context_mark is not None
            and mark is not None
            and context_mark.line != mark.line
        ):
            problem += f" ({context} that starts on line {first_line + context_mark.line})"
        raise error(
            f"invalid YAML: {problem}",
            path=path,
            line=first_line + mark.line if mark else first_line,
            fix="check the indentation, and put quotes around values that contain ': ' or "
            "start with a special character such as '[', '{', '&', '*' or '#'",
        ) from None


def split_front_matter(text: str, *, path: Path) -> FrontMatter:
    """Split '---\\n<yaml>\\n---\\n<body>'. Errors name the file and line."""
    lines, closing = _fenced_lines(text, path=path)
    yaml_lines = lines[1:closing]
    data = parse_yaml("\n".join(yaml_lines), path=path, first_line=2, loader=ContentLoader)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ContentError(
            "the front matter must be a mapping of fields",
            path=path,
            line=2,
            fix="write one 'field: value' per line, e.g. 'title: ...'",
        )
    key_lines, item_lines = _index_lines(yaml_lines, first_line=2)
    return FrontMatter(
        data=data,
        body="\n".join(lines[closing + 1 :]),
        body_line=closing + 2,
        key_lines=key_lines,
        item_lines=item_lines,
    )


def body_of(text: str, *, path: Path) -> str:
    """The body of a content file, its front matter skipped unread: for a file whose
    front matter was already checked (its digest says it is the same file)."""
    lines, closing = _fenced_lines(text, path=path)
    return "\n".join(lines[closing + 1 :])


def _fenced_lines(text: str, *, path: Path) -> tuple[list[str], int]:
    """The file's lines and the index of the line that closes the front matter."""
    lines = normalise_newlines(text).split("\n")
    if not lines or not _FENCE.match(lines[0]):
        raise ContentError(
            "the file does not start with front matter",
            path=path,
            line=1,
            fix="start the file with a line '---', the YAML fields, then another '---'",
        )
    closing = next((i for i in range(1, len(lines)) if _CLOSING_FENCE.match(lines[i])), None)
    if closing is None:
        raise ContentError(
            "the front matter is never closed",
            path=path,
            line=1,
            fix="add a line '---' after the last front matter field",
        )
    return lines, closing


def _index_lines(
    yaml_lines: list[str], *, first_line: int
) -> tuple[dict[str, int], dict[str, tuple[int, ...]]]:
    """Where each top-level key and each item of a block list starts."""
    key_lines: dict[str, int] = {}
    items: dict[str, list[int]] = {}
    current: str | None = None
    for offset, line in enumerate(yaml_lines):
        number = first_line + offset
        key = _TOP_LEVEL_KEY.match(line)
        if key:
            current = key.group(1)
            key_lines[current] = number
            items[current] = []
        elif current is not None and _LIST_ITEM.match(line):
            indent = len(line) - len(line.lstrip())
            first_items = items[current]
            if not first_items or indent <= _indent_of(yaml_lines[first_items[0] - first_line]):
                first_items.append(number)
    return key_lines, {key: tuple(lines) for key, lines in items.items()}


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip())


class _FrontMatterDumper(YAML_DUMPER):  # type: ignore[misc, valid-type]
    """Lists of names on one line, as editors write them; mappings as blocks."""

    def represent_list(self, data: list[object]) -> yaml.Node:
        scalars = all(isinstance(item, (str, int, float, bool)) for item in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=scalars)


_FrontMatterDumper.add_representer(list, _FrontMatterDumper.represent_list)


def render_front_matter(data: Mapping[str, object], body: str) -> str:
    """The text of a content file; key order as given, Unicode kept readable."""
    dumped = yaml.dump(
        dict(data),
        Dumper=_FrontMatterDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
    )
    return f"---\n{dumped}---\n{body.rstrip()}\n"
