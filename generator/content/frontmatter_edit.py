"""Add, change or remove one entry of an article's annotations, quotes or events, in place.

Only the lines of the touched entry change: the file is not dumped again. Where each
entry starts and ends is read from the YAML parser's own marks, and the new entry is
written by ruamel.yaml in the list's style (where its dash stands, how its keys are
indented) and spliced in. Comments, key order, quoting, the other lists and the body
keep their bytes, and the file's own line endings (LF or CRLF) and BOM are kept.

The result is read back as a build reads it: it must give the entries intended and
leave every other field as it was, and it must pass the build's validation, else a
MarginaliaError says what and nothing is to be written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from generator.content.actors import Actor
from generator.content.frontmatter import ContentLoader, split_front_matter
from generator.content.validation import parse_article
from generator.errors import ContentError, MarginaliaError

COLLECTIONS = ("annotations", "quotes", "events")

# The order a new entry's fields are written in: the order ingest and the shipped
# articles use, so a new entry reads like its neighbours.
FIELD_ORDER: Mapping[str, tuple[str, ...]] = {
    "annotations": ("quote", "prefix", "suffix", "kind", "claim", "rating", "note"),
    "quotes": ("speaker", "speaker_name", "text", "prefix", "suffix", "verb"),
    "events": ("subject", "action", "object", "code", "quote"),
}

_NEWLINE = re.compile(r"\r\n|\r|\n")
_FENCE = re.compile(r"^---[ \t]*$")
_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_DEFAULT_PATH = Path("article.md")


@dataclass(frozen=True, slots=True)
class _Line:
    text: str  # without its line ending
    end: str  # "\n", "\r\n", "\r" or "" (the last line of a file without one)


@dataclass(frozen=True, slots=True)
class _File:
    """A content file cut into lines, with where its front matter is."""

    bom: str
    lines: tuple[_Line, ...]
    closing: int  # index of the line that closes the front matter
    newline: str  # the file's own line ending, for new lines

    def yaml_text(self) -> str:
        # As split_front_matter gives it to the parser: yaml line k is file line k + 1.
        return "\n".join(line.text for line in self.lines[1 : self.closing])

    def join(self, lines: Sequence[_Line]) -> str:
        return self.bom + "".join(line.text + line.end for line in lines)


@dataclass(frozen=True, slots=True)
class _Item:
    first: int  # file line index of the entry's dash
    last: int  # file line index of the entry's last line
    dash: int  # column of the dash
    key: int  # column of the entry's keys


@dataclass(frozen=True, slots=True)
class _Collection:
    key_line: int  # file line index of 'annotations:'
    key_column: int
    last: int  # file line index of the value's last line
    block: bool  # a block list of entries ('- ...' lines), not [] or a flow list
    items: tuple[_Item, ...]
    values: list  # the entries as the build reads them


def add_entry(
    text: str,
    collection: str,
    entry: Mapping[str, object],
    *,
    path: Path = _DEFAULT_PATH,
    known_actors: Mapping[str, Actor] | None = None,
) -> str:
    """The article's text with `entry` added at the end of `collection`. Pure.

    known_actors: the registry, to check actor ids as a build does; None leaves ids
    unchecked (everything else is checked).
    """
    file, data, found = _read(text, collection, path)
    values = list(found.values) if found else []
    fields = _entry_fields(collection, entry, path=path)
    values.append(fields)
    if found is None:
        lines = list(file.lines)
        block = [_Line(f"{collection}:", file.newline), *_rendered(fields, 0, 2, file.newline)]
        lines[file.closing : file.closing] = block
    elif not found.block:
        lines = _rewritten_as_block(file, found, collection, values)
    else:
        last = found.items[-1]
        new = _rendered(fields, last.dash, last.key, file.newline)
        if _spaced(file, found):
            new = [_Line("", file.newline), *new]
        lines = list(file.lines)
        lines[last.last + 1 : last.last + 1] = new
    return _checked(file.join(lines), data, collection, values, path, known_actors)


def update_entry(
    text: str,
    collection: str,
    index: int,
    entry: Mapping[str, object],
    *,
    path: Path = _DEFAULT_PATH,
    known_actors: Mapping[str, Actor] | None = None,
) -> str:
    """The article's text with entry `index` (from 0) of `collection` replaced. Pure.

    The entry keeps the order of its fields; fields it did not have come after them.
    """
    file, data, found = _read(text, collection, path)
    _check_index(found, collection, index, path)
    assert found is not None
    old = found.values[index]
    fields = _entry_fields(
        collection, entry, path=path, order=list(old) if isinstance(old, dict) else ()
    )
    values = list(found.values)
    values[index] = fields
    if not found.block:
        lines = _rewritten_as_block(file, found, collection, values)
    else:
        item = found.items[index]
        lines = list(file.lines)
        new = _rendered(fields, item.dash, item.key, file.newline)
        lines[item.first : item.last + 1] = new
    return _checked(file.join(lines), data, collection, values, path, known_actors)


def delete_entry(
    text: str,
    collection: str,
    index: int,
    *,
    path: Path = _DEFAULT_PATH,
    known_actors: Mapping[str, Actor] | None = None,
) -> str:
    """The article's text without entry `index` (from 0) of `collection`. Pure.

    Removing the last entry removes the key too, so adding an entry and removing it
    again gives back the file's bytes.
    """
    file, data, found = _read(text, collection, path)
    _check_index(found, collection, index, path)
    assert found is not None
    values = list(found.values)
    del values[index]
    lines = list(file.lines)
    if not values:
        del lines[found.key_line : found.last + 1]
    elif not found.block:
        lines = _rewritten_as_block(file, found, collection, values)
    else:
        item = found.items[index]
        first, last = item.first, item.last
        if _spaced(file, found):
            # The blank lines that set it apart go with it: after it, or before the last.
            if index == len(found.items) - 1:
                first = found.items[index - 1].last + 1
            else:
                while last + 1 < found.items[index + 1].first and not lines[last + 1].text.strip():
                    last += 1
        del lines[first : last + 1]
    return _checked(file.join(lines), data, collection, values, path, known_actors)


def entries_of(text: str, collection: str, *, path: Path = _DEFAULT_PATH) -> list:
    """The entries of `collection` as the build reads them (an empty list when none)."""
    _check_collection(collection, path)
    values = split_front_matter(text, path=path).data.get(collection)
    if values is not None and not isinstance(values, list):
        _read(text, collection, path)  # refuses it, naming its line
    return list(values or [])


# Reading


def _check_collection(collection: str, path: Path) -> None:
    if collection not in COLLECTIONS:
        raise ContentError(
            f"'{collection}' is not a list of entries an article has",
            path=path,
            fix=f"use one of: {', '.join(COLLECTIONS)}",
        )


def _read(text: str, collection: str, path: Path) -> tuple[_File, dict, _Collection | None]:
    _check_collection(collection, path)
    data = dict(split_front_matter(text, path=path).data)  # its errors, as a build's
    file = _cut(text)
    root = yaml.compose(file.yaml_text(), Loader=ContentLoader)
    if not isinstance(root, yaml.MappingNode):  # split_front_matter refused all else
        raise ContentError("the front matter is not a mapping", path=path, line=2)
    for key_node, value_node in root.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == collection:
            return file, data, _collection(file, key_node, value_node, data.get(collection), path)
    return file, data, None


def _cut(text: str) -> _File:
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    lines: list[_Line] = []
    position = 0
    for match in _NEWLINE.finditer(body):
        lines.append(_Line(body[position : match.start()], match.group()))
        position = match.end()
    lines.append(_Line(body[position:], ""))
    closing = next(i for i in range(1, len(lines)) if _CLOSING_FENCE.match(lines[i].text))
    ends = [line.end for line in lines if line.end]
    newline = max(set(ends), key=ends.count) if ends else "\n"
    return _File(bom, tuple(lines), closing, newline)


def _collection(
    file: _File, key_node: yaml.Node, value_node: yaml.Node, values: object, path: Path
) -> _Collection:
    if values is not None and not isinstance(values, list):
        raise ContentError(
            f"'{key_node.value}' is not a list, so no entry can be added to it",
            path=path,
            line=key_node.start_mark.line + 2,
            fix=f"write each entry of '{key_node.value}' on its own line starting with '- '",
        )
    key_line = key_node.start_mark.line + 1
    last = _trimmed(file, key_line, _last_line(value_node), key_node.start_mark.column)
    block = isinstance(value_node, yaml.SequenceNode) and not value_node.flow_style
    items: list[_Item] = []
    if block and isinstance(value_node, yaml.SequenceNode):
        items = [_item(file, node) for node in value_node.value]
        for index, item in enumerate(items):
            end = items[index + 1].first - 1 if index + 1 < len(items) else item.last
            items[index] = replace(item, last=_trimmed(file, item.first, end, item.dash))
    if block and not items:
        block = False
    return _Collection(
        key_line, key_node.start_mark.column, last, block, tuple(items), list(values or [])
    )


def _last_line(node: yaml.Node) -> int:
    """File line index of a node's last character: an end mark at a line's start (after
    a block scalar's last newline) belongs to the line before."""
    end = node.end_mark
    line = end.line if end.column > 0 else end.line - 1
    return max(line, node.start_mark.line) + 1


def _trimmed(file: _File, first: int, last: int, column: int) -> int:
    """The last line of a node, without the blank lines and the comments at or left of
    `column` that the parser reads past (after a block scalar): they are not its own."""
    while last > first:
        text = file.lines[last].text
        stripped = text.lstrip()
        if stripped and not (stripped.startswith("#") and len(text) - len(stripped) <= column):
            break
        last -= 1
    return last


def _item(file: _File, node: yaml.Node) -> _Item:
    line = node.start_mark.line + 1
    column = node.start_mark.column
    before = file.lines[line].text[:column].rstrip()
    first = line
    if not before.endswith("-"):
        # The dash stands alone on a line before the entry.
        first = line - 1
        while first > 0 and file.lines[first].text.strip() != "-":
            first -= 1
        before = file.lines[first].text.rstrip()
    dash = len(before) - 1
    key = column if first == line else dash + 2
    return _Item(first, _last_line(node), dash, key)


def _spaced(file: _File, found: _Collection) -> bool:
    """Whether the list's entries are set apart by blank lines."""
    items = found.items
    return len(items) > 1 and not file.lines[items[1].first - 1].text.strip()


def _check_index(found: _Collection | None, collection: str, index: object, path: Path) -> None:
    count = len(found.values) if found else 0
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < count:
        raise ContentError(
            f"the article has no entry {index} in '{collection}' (it has {count})",
            path=path,
            fix="reload the page: the article may have changed since",
        )


# Writing


def _entry_fields(
    collection: str, entry: Mapping[str, object], *, path: Path, order: Sequence[object] = ()
) -> dict[str, str]:
    """The entry's fields that have a value, in the order to write them."""
    if not isinstance(entry, Mapping):
        raise ContentError(
            f"an entry of '{collection}' must be a mapping of fields",
            path=path,
            fix=f"give the fields: {', '.join(FIELD_ORDER[collection])}",
        )
    fields: dict[str, str] = {}
    for name, value in entry.items():
        if not isinstance(name, str) or (value is not None and not isinstance(value, str)):
            raise ContentError(
                f"the field '{name}' of an entry of '{collection}' must be text",
                path=path,
                fix="give every field as text, or leave it out",
            )
        # The build strips every value: what is written is what it reads.
        if value is not None and value.strip():
            fields[name] = value.strip()
    known = FIELD_ORDER[collection]
    ranked = [*(str(name) for name in order), *known]
    return dict(
        sorted(
            fields.items(),
            key=lambda item: ranked.index(item[0]) if item[0] in ranked else len(ranked),
        )
    )


def _dump(fields: Mapping[str, str], *, quoted: frozenset[str] = frozenset()) -> str:
    writer = YAML(typ="rt")
    writer.width = 4096  # a long quote stays on one line, as ingest writes it
    writer.allow_unicode = True
    writer.indent(mapping=2, sequence=2, offset=0)
    mapping = CommentedMap()
    for name, value in fields.items():
        if name in quoted:
            mapping[name] = DoubleQuotedScalarString(value)
        elif "\n" in value:
            mapping[name] = LiteralScalarString(value)
        else:
            mapping[name] = value
    out = io.StringIO()
    writer.dump(mapping, out)
    return out.getvalue()


def _rendered(fields: Mapping[str, str], dash: int, key: int, newline: str) -> list[_Line]:
    """The entry as list lines: its dash at column `dash`, its keys at column `key`.

    ruamel.yaml writes YAML 1.2, where 'yes' or '2023-09-11' are text; the build reads
    1.1. The entry is read back as the build reads it, and a value that reads otherwise
    is written in double quotes, which both read alike.
    """
    dumped = _dump(fields)
    read = yaml.load(dumped, Loader=ContentLoader)
    if read != dict(fields):
        misread = read if isinstance(read, dict) else {}
        wrong = frozenset(name for name, value in fields.items() if misread.get(name) != value)
        dumped = _dump(fields, quoted=wrong or frozenset(fields))
        if yaml.load(dumped, Loader=ContentLoader) != dict(fields):
            dumped = _dump(fields, quoted=frozenset(fields))
    lines = dumped.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    first = " " * dash + "-" + " " * (key - dash - 1) + lines[0]
    rest = [(" " * key + line) if line else "" for line in lines[1:]]
    return [_Line(text, newline) for text in (first, *rest)]


def _rewritten_as_block(
    file: _File, found: _Collection, collection: str, values: Sequence[object]
) -> list[_Line]:
    """A flow list ('[]', '[{...}]') or an empty key written again as a block list."""
    entries: list[_Line] = [_Line(" " * found.key_column + f"{collection}:", file.newline)]
    for value in values:
        fields = value if isinstance(value, dict) else {}
        entries.extend(_rendered(fields, found.key_column, found.key_column + 2, file.newline))
    lines = list(file.lines)
    lines[found.key_line : found.last + 1] = entries
    return lines


def _checked(
    text: str,
    before: Mapping[str, object],
    collection: str,
    values: Sequence[object],
    path: Path,
    known_actors: Mapping[str, Actor] | None,
) -> str:
    """The new text, once it reads back as intended and passes the build's checks."""
    after = dict(split_front_matter(text, path=path).data)
    expected = {**before, collection: list(values)}
    if not values:
        expected.pop(collection, None)
    if after != expected:
        raise MarginaliaError(
            f"the edited front matter of '{collection}' would not read back as written",
            path=path,
            fix="nothing was changed; edit this entry by hand in the file, and report it",
        )
    article, problems = parse_article(text, path=path, known_actors=known_actors)
    if problems or article is None:
        first = problems[0] if problems else None
        raise ContentError(
            first.what if first else "the article would not build",
            path=path,
            line=first.line if first else None,
            fix=(first.fix if first and first.fix else "correct the entry")
            + "; nothing was changed",
        )
    return text
