"""Add actors to content/actors.yaml, keeping every byte already there.

The new entries are written by ruamel.yaml in the file's own style (where the dash
stands, flow or block lists, blank lines between entries) and appended: the comments,
order, blank lines and quoting of what is there are the file's bytes, untouched. The
result is checked by the registry's own loader before it replaces the file, in one
rename.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from generator.content.actors import Actor, ActorType
from generator.content.loading import load_actors
from generator.content.types import ACTORS_FILE
from generator.errors import ContentError, MarginaliaError
from generator.ingest.ingest import write_text_atomically
from generator.urls import slugify

TYPES = tuple(kind.value for kind in ActorType)
_ENTRY_START = re.compile(r"^( *)- ", re.MULTILINE)
_BLANK_BEFORE_ENTRY = re.compile(r"\n[ \t]*\n(?:#[^\n]*\n|[ \t]*\n)*( *)- ")


@dataclass(frozen=True, slots=True)
class NewActor:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    short: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Style:
    offset: int  # spaces before each entry's dash
    flow_lists: bool  # aliases: [A, B] rather than one "- A" a line
    blank_lines: bool  # a blank line between entries


def new_actors(
    names: Sequence[str],
    *,
    kind: str,
    aliases: Sequence[str] = (),
    short: Sequence[str] = (),
    path: Path,
) -> tuple[NewActor, ...]:
    """The entries to add, one a name; a ContentError when they cannot be. Pure."""
    if kind not in TYPES:
        raise ContentError(
            f"'{kind}' is not an actor type",
            path=path,
            fix=f"use --type with one of: {', '.join(TYPES)}",
        )
    if len(names) > 1 and (aliases or short):
        raise MarginaliaError(
            "--alias and --short belong to one actor, and several names were given",
            fix="add the actors one at a time when they have aliases or short names, e.g. "
            "marginalia actors add 'Denis Manturov' --short Manturov",
        )
    found: list[NewActor] = []
    for raw in names:
        name = " ".join(raw.split())
        if not name:
            raise ContentError(
                "an empty name cannot be an actor", path=path, fix="give the actor's name"
            )
        actor_id = slugify(name)
        if not actor_id:
            raise ContentError(
                f"no id can be made from the name '{name}' (an id is Latin letters, digits "
                "and hyphens)",
                path=path,
                fix="add the actor by hand in the file, with an id such as 'first-last'",
            )
        found.append(
            NewActor(
                actor_id,
                name,
                kind,
                tuple(dict.fromkeys(" ".join(a.split()) for a in aliases)),
                tuple(dict.fromkeys(" ".join(s.split()) for s in short)),
            )
        )
    return tuple(found)


def check_new(adding: Sequence[NewActor], registered: Sequence[Actor], *, path: Path) -> None:
    """A ContentError naming the actor that already has an id, name or alias given. Pure."""
    ids = {actor.id: actor for actor in registered}
    surfaces: dict[str, str] = {}
    for actor in registered:
        for surface in (actor.name, *actor.aliases):
            surfaces.setdefault(surface, f"'{actor.name}' ({actor.id})")
    for new in adding:
        if new.id in ids:
            other = ids[new.id]
            raise ContentError(
                f"the id '{new.id}' (from the name '{new.name}') is already registered, "
                f"for '{other.name}'",
                path=path,
                fix="it is there already; to add another spelling, add it to that actor's "
                "aliases in the file",
            )
        for surface in (new.name, *new.aliases):
            if surface in surfaces:
                raise ContentError(
                    f"'{surface}' is already the name or an alias of {surfaces[surface]}",
                    path=path,
                    fix="it is there already: leave it out, or edit that actor in the file",
                )
        ids[new.id] = Actor(new.id, new.name, ActorType(new.type))
        for surface in (new.name, *new.aliases):
            surfaces[surface] = f"'{new.name}' ({new.id}), given twice"


def add_actors(content_dir: Path, adding: Sequence[NewActor]) -> Path:
    """Append the entries to content/actors.yaml (made if absent), or raise and change
    nothing. Returns the file's path."""
    path = content_dir / ACTORS_FILE
    before = _read(path)
    registered = load_actors(content_dir)  # a registry that does not load: say so first
    check_new(adding, registered, path=path)
    text = appended(before, adding, path=path)
    _check_loads(text, path)
    if _read(path) != before:
        raise ContentError(
            "the actor registry changed while the actors were being added",
            path=path,
            fix="run the command again",
        )
    write_text_atomically(path, text, what="the actor registry")
    return path


def appended(text: str, adding: Sequence[NewActor], *, path: Path) -> str:
    """The registry's text with the entries added at its end in its style. Pure."""
    style = _style_of(text, path=path)
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=style.offset + 2, offset=style.offset)
    yaml.width = 4096  # a name is never folded over lines
    yaml.allow_unicode = True
    pieces: list[str] = []
    for new in adding:
        out = io.StringIO()
        yaml.dump(CommentedSeq([_entry(new, style)]), out)
        pieces.append(out.getvalue())
    separator = "\n" if style.blank_lines else ""
    lead = text
    if lead and not lead.endswith("\n"):
        lead += "\n"
    if lead.strip() and style.blank_lines and not lead.endswith("\n\n"):
        lead += "\n"
    return lead + separator.join(pieces)


def _entry(new: NewActor, style: _Style) -> CommentedMap:
    entry = CommentedMap()
    entry["id"] = new.id
    entry["name"] = new.name
    entry["type"] = new.type
    for key, values in (("aliases", new.aliases), ("short", new.short)):
        if values:
            seq = CommentedSeq(values)
            if style.flow_lists:
                seq.fa.set_flow_style()
            entry[key] = seq
    return entry


def _style_of(text: str, *, path: Path) -> _Style:
    """How the file writes its entries, read with ruamel.yaml's round-trip loader."""
    try:
        data = YAML(typ="rt").load(text) if text.strip() else None
    except (MarkedYAMLError, YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        raise ContentError(
            f"the actor registry does not parse: {getattr(error, 'problem', None) or error}",
            path=path,
            line=mark.line + 1 if mark is not None else None,
            fix="correct the YAML at that line, then add the actors again",
        ) from None
    start = _ENTRY_START.search(text)
    offset = len(start.group(1)) if start else 0
    flow = True  # the shipped registry's style, for a file with no lists yet
    if isinstance(data, CommentedSeq):
        for entry in data:
            lists = (
                [v for v in entry.values() if isinstance(v, CommentedSeq)]
                if isinstance(entry, CommentedMap)
                else []
            )
            if lists:
                flow = bool(lists[0].fa.flow_style())
                break
    blank = bool(_BLANK_BEFORE_ENTRY.search(text)) or not (data and len(data) > 1)
    return _Style(offset, flow, blank)


def _check_loads(text: str, path: Path) -> None:
    """The new text through the registry's loader, as the build will read it."""
    with tempfile.TemporaryDirectory(prefix="marginalia-actors-") as folder:
        trial = Path(folder, ACTORS_FILE)
        trial.write_text(text, encoding="utf-8")
        try:
            load_actors(Path(folder))
        except MarginaliaError as error:
            raise ContentError(
                f"with the new actors the registry would not load: {error.what}",
                path=path,
                line=error.line,
                fix="nothing was changed; correct the file or the names given, then try again",
            ) from None


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError:
        raise ContentError(
            "the actor registry is not UTF-8 text",
            path=path,
            fix="save it as UTF-8, then add the actors again",
        ) from None
    except OSError as error:
        raise ContentError(
            f"cannot read the actor registry: {error.strerror or error}",
            path=path,
            fix="check that it is a file you may read and write",
        ) from None
