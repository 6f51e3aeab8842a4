"""The actor registry, and finding actor mentions in article text (pure: no I/O)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from generator import urls
from generator.content.frontmatter import describe, yaml_text
from generator.errors import BuildErrors, ContentError, closest, did_you_mean
from generator.urls import slugify


class ActorType(StrEnum):
    PERSON = "person"
    COUNTRY = "country"
    ORGANIZATION = "organization"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class Actor:
    id: str  # slug: lowercase letters, digits, hyphens
    name: str
    type: ActorType
    aliases: tuple[str, ...] = ()
    short: tuple[str, ...] = ()  # count only after the name or an alias appeared in the same text
    role: str | None = None
    country: str | None = None  # actor id of a country
    wikidata: str | None = None  # e.g. "Q7184"


@dataclass(frozen=True, slots=True)
class Mention:
    actor_id: str
    start: int  # offsets into the text given
    end: int
    text: str  # the matched surface text, without a possessive 's


# ---------------------------------------------------------------------------
# Parsing the registry

KEYS = ("id", "name", "type", "aliases", "short", "role", "country", "wikidata")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
WIKIDATA = re.compile(r"Q[1-9][0-9]*")

# The actor pages live at actors/<id>/; this id's address is the actor network page's.
NETWORK_ID = "network"


def reserved_id_problem(actor_id: str) -> tuple[str, str] | None:
    """What is wrong with an actor id that another page's address already has, and the fix."""
    if actor_id != NETWORK_ID:
        return None
    return (
        f"the actor id '{actor_id}' has the address of the actor network page "
        f"(/{urls.actors_path()}{NETWORK_ID}/)",
        f"give this actor another id, for example '{actor_id}-1'",
    )


# problem(what, fix, entry index): records one registry error.
_SUGGESTIONS = 10  # "did you mean"s for unknown countries, each a pass over every id
_Report = Callable[..., None]


def parse_actor_registry(
    data: object, *, path: Path, lines: Mapping[int, int] | None = None
) -> tuple[Actor, ...]:
    """Validate what YAML gave for content/actors.yaml; report every problem at once."""
    lines = lines or {}
    errors: list[ContentError] = []

    def problem(what: str, fix: str, index: int | None = None) -> None:
        line = lines.get(index) if index is not None else None
        errors.append(ContentError(what, path=path, line=line, fix=fix))

    if data is None:
        return ()
    if not isinstance(data, list):
        problem(
            f"the actor registry must be a list of actors, not {describe(data)}",
            "start each actor with '- id: <slug>' at the left margin",
        )
        _raise(errors)

    entries: list[tuple[int, dict[str, object]]] = []
    for index, entry in enumerate(data):
        fields = _parse_entry(index, entry, problem)
        if fields is not None:
            entries.append((index, fields))

    known_ids: dict[str, int] = {}  # id -> index of its first entry
    for index, fields in entries:
        actor_id = fields.get("id")
        if not isinstance(actor_id, str):
            continue
        if actor_id in known_ids:
            first = lines.get(known_ids[actor_id])
            where = f" (first at line {first})" if first else ""
            problem(
                f"actor id '{actor_id}' is used twice{where}",
                "give each actor its own id, or merge the two entries",
                index,
            )
            continue
        known_ids[actor_id] = index
        reserved = reserved_id_problem(actor_id)
        if reserved is not None:
            problem(*reserved, index)

    types = {
        fields["id"]: fields.get("type")
        for _, fields in entries
        if isinstance(fields.get("id"), str)
    }
    suggestions = _SUGGESTIONS
    for index, fields in entries:
        country = fields.get("country")
        if not isinstance(country, str):
            continue
        label = _label(index, fields)
        if country not in known_ids:
            # Each suggestion looks at every id: only the first few, in a big registry.
            suggestions -= 1
            hint = did_you_mean(country, known_ids) if suggestions >= 0 else ""
            problem(
                f"{label} has an unknown country '{yaml_text(country)}'{hint}",
                f"add an actor with id '{country}' and type country, or correct the id",
                index,
            )
        elif types.get(country) not in (ActorType.COUNTRY, None):
            problem(
                f"{label} has country '{country}', which is a {types[country]}, not a country",
                "point 'country' at an actor of type country",
                index,
            )

    _check_unique_wikidata(entries, problem)
    _raise(errors)
    return tuple(_actor(fields) for _, fields in entries)


def _parse_entry(index: int, entry: object, problem: _Report) -> dict[str, object] | None:
    if not isinstance(entry, dict):
        problem(
            f"actor #{index + 1} must be a mapping of keys, not {describe(entry)}",
            "write each actor as '- id: <slug>' followed by indented 'name:' and 'type:' lines",
            index,
        )
        return None
    fields: dict[str, object] = {}
    raw_id = entry.get("id")
    if raw_id is None:
        problem(
            f"actor #{index + 1} has no 'id'",
            "add 'id: <slug>' (lowercase letters, digits and hyphens)",
            index,
        )
    elif not isinstance(raw_id, str) or not SLUG.fullmatch(raw_id):
        suggestion = slugify(yaml_text(raw_id)) or "actor-id"
        problem(
            f"actor #{index + 1} has the id {describe(raw_id)}, which is not a slug",
            f"use lowercase letters, digits and hyphens, e.g. '{suggestion}'",
            index,
        )
    else:
        fields["id"] = raw_id
    label = _label(index, fields)

    for key in entry:
        if key not in KEYS:
            close = closest(yaml_text(key), KEYS)
            hint = f"did you mean '{close}'? " if close else ""
            problem(
                f"{label} has an unknown key '{yaml_text(key)}'",
                f"{hint}the keys are: {', '.join(KEYS)}",
                index,
            )

    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        problem(f"{label} has no 'name'", "add 'name: <Full Name>'", index)
    else:
        fields["name"] = name.strip()

    raw_type = entry.get("type")
    types = [kind.value for kind in ActorType]
    if raw_type in types:
        fields["type"] = ActorType(raw_type)
    else:
        close = closest(yaml_text(raw_type), types)
        hint = f"did you mean '{close}'? " if close else ""
        what = (
            "no 'type'"
            if raw_type is None
            else f"the type {describe(raw_type)}, which is not known"
        )
        problem(f"{label} has {what}", f"{hint}use one of: {', '.join(types)}", index)

    for key in ("aliases", "short"):
        value = entry.get(key)
        if value is None:
            fields[key] = ()
        elif isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
            fields[key] = tuple(dict.fromkeys(v.strip() for v in value))
        else:
            problem(
                f"{label} has '{key}' that is not a list of names",
                f"write it as a list of text: {key}: [First Name, Other Name]",
                index,
            )

    for key in ("role", "country"):
        value = entry.get(key)
        if value is None:
            continue
        if isinstance(value, str) and value.strip():
            fields[key] = value.strip()
        else:
            problem(f"{label} has '{key}' that is not text", f"write '{key}: <text>'", index)

    wikidata = entry.get("wikidata")
    if wikidata is not None:
        if isinstance(wikidata, str) and WIKIDATA.fullmatch(wikidata.strip()):
            fields["wikidata"] = wikidata.strip()
        else:
            problem(
                f"{label} has the wikidata {describe(wikidata)}, which is not a Wikidata id",
                "use the item id from wikidata.org, e.g. 'Q7184', or leave 'wikidata' out",
                index,
            )
    return fields


@dataclass(frozen=True, slots=True)
class SharedName:
    """A name or alias several actors claim: it is linked to none of them."""

    surface: str
    owners: tuple[str, ...]  # actor ids, in registry order

    @property
    def what(self) -> str:
        owners = ", ".join(repr(i) for i in self.owners)
        return (
            f"'{self.surface}' is the name or an alias of {owners}, "
            "so it is not linked to any of them"
        )

    fix = "give each actor a name of its own"


def shared_names(actors: Sequence[Actor]) -> tuple[SharedName, ...]:
    """The names or aliases claimed by several actors, by name."""
    return tuple(
        SharedName(surface, tuple(ids))
        for surface, ids in sorted(_surface_owners(actors).items())
        if len(ids) > 1
    )


def ambiguous_surfaces(actors: Sequence[Actor]) -> tuple[str, ...]:
    """Warnings for names or aliases claimed by several actors: they are not matched.

    Large registries have namesakes ("T. Wang"), so this is a warning, not an error.
    """
    return tuple(f"{shared.what}; {shared.fix}" for shared in shared_names(actors))


def _surface_owners(actors: Sequence[Actor]) -> dict[str, list[str]]:
    """Each normalised name and alias -> the actors that have it, in registry order.
    The matcher links a surface only when it has one owner; the warnings name the rest."""
    owners: dict[str, list[str]] = {}
    for actor in actors:
        for surface in dict.fromkeys(_normalise(s) for s in (actor.name, *actor.aliases)):
            owners.setdefault(surface, []).append(actor.id)
    return owners


def _check_unique_wikidata(entries: list[tuple[int, dict[str, object]]], problem: _Report) -> None:
    seen: dict[object, object] = {}
    for index, fields in entries:
        wikidata = fields.get("wikidata")
        if wikidata is None:
            continue
        owner = seen.setdefault(wikidata, fields.get("id"))
        if owner != fields.get("id"):
            problem(
                f"wikidata {wikidata} is used by both '{owner}' and '{fields.get('id')}'",
                "one Wikidata item is one actor: merge the entries or correct the id",
                index,
            )


def _actor(fields: dict[str, object]) -> Actor:
    name = fields["name"]
    return Actor(
        id=fields["id"],
        name=name,
        type=fields["type"],
        aliases=tuple(a for a in fields["aliases"] if a != name),
        short=fields["short"],
        role=fields.get("role"),
        country=fields.get("country"),
        wikidata=fields.get("wikidata"),
    )


def _raise(errors: list[ContentError]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise BuildErrors(errors)


def _label(index: int, fields: Mapping[str, object]) -> str:
    actor_id = fields.get("id")
    return f"actor '{actor_id}'" if isinstance(actor_id, str) else f"actor #{index + 1}"


# ---------------------------------------------------------------------------
# Finding mentions


@dataclass(frozen=True, slots=True, eq=False)
class ActorMatcher:
    """Every name, alias and short name of a registry, compiled into one regex."""

    pattern: re.Pattern[str]  # whole words on the right; find_mentions checks the left
    names: Mapping[str, str]  # normalised name or alias -> actor id
    shorts: Mapping[str, tuple[str, ...]]  # normalised short name -> actor ids
    types: Mapping[str, ActorType]

    def type_of(self, actor_id: str) -> ActorType | None:
        return self.types.get(actor_id)

    def knows(self, surface: str) -> bool:
        """Whether a surface is any actor's name, alias or short name, as written."""
        key = _normalise(surface)
        return key in self.names or key in self.shorts


# Typographic and straight apostrophes, and no-break spaces, are the same to matching.
_NORMALISE = str.maketrans({"’": "'", "\u00a0": " "})
_EMIT = {"'": "['’]", " ": "[ \u00a0]"}


def _normalise(text: str) -> str:
    return text.translate(_NORMALISE)


def build_matcher(actors: Sequence[Actor]) -> ActorMatcher:
    owners = _surface_owners(actors)
    # A name two actors share cannot say which one is meant, so it links to neither.
    names = {key: ids[0] for key, ids in owners.items() if len(ids) == 1}
    shorts: dict[str, list[str]] = {}
    for actor in actors:
        for surface in actor.short:
            key = _normalise(surface)
            if key not in owners:
                shorts.setdefault(key, []).append(actor.id)
    surfaces = sorted({*names, *shorts}, key=lambda s: (-len(s), s))
    body = _trie_pattern(surfaces) if surfaces else "(?!)"
    return ActorMatcher(
        # No lookbehind before the names: a pattern that starts with them lets the regex
        # engine skip to the letters a name can start with (four times as fast), so
        # find_mentions checks the word boundary on the left itself.
        pattern=re.compile(rf"(?:{body})(?!\w)"),
        names=MappingProxyType(names),
        shorts=MappingProxyType({key: tuple(ids) for key, ids in shorts.items()}),
        types=MappingProxyType({actor.id: actor.type for actor in actors}),
    )


def _trie_pattern(surfaces: Sequence[str]) -> str:
    """One alternation shaped as a trie, so the regex engine does not try 10,000 branches
    at every capital letter. Greedy optional groups make the longest surface win."""
    root: dict[str, dict] = {}
    for surface in surfaces:
        node = root
        for char in surface:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(root)


def _emit(node: dict[str, dict]) -> str:
    branches: list[str] = []
    for char in sorted(c for c in node if c):
        literal = _EMIT.get(char) or re.escape(char)
        child = node[char]
        # Fold single-child chains into one literal run to keep the pattern shallow.
        while len(child) == 1 and "" not in child:
            (char, child), *_ = child.items()
            literal += _EMIT.get(char) or re.escape(char)
        branches.append(literal + _emit(child))
    if not branches:
        return ""
    group = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    if "" in node:
        return f"(?:{group})?"
    return group


_WORD_CHAR = re.compile(r"\w")
# "Washington, DC" is the place, not the US government.
_PLACE_AFTER = re.compile(r",?[ \u00a0]?D\.?[ \u00a0]?C\.?(?!\w)")
_PLACE_WORD = r"[A-Z][\w.'’]*(?:-[\w.'’]+)*"
_PARTICLE = r"(?:of|de|del|la|le|al|el|du|da|do|am|upon)"
# "Washington, DC – ", "MOSCOW (Reuters) - ", "Kyiv, Ukraine, Sept 11 (AP) — "
_DATELINE = re.compile(
    rf"\A\s*{_PLACE_WORD}(?:[ \u00a0](?:{_PLACE_WORD}|{_PARTICLE})){{0,3}}"
    r"(?:,[ \u00a0]?[A-Z][\w.'’ \u00a0]{0,30}?){0,2}[ \u00a0]*"
    r"(?:\([^()\n]{1,40}\)[ \u00a0]*)?[–—-][ \u00a0]"
)


def find_mentions(text: str, matcher: ActorMatcher) -> tuple[Mention, ...]:
    """Actor mentions in text order: longest match, whole words, case as registered."""
    return tuple(iter_mentions(text, matcher))


def iter_mentions(text: str, matcher: ActorMatcher) -> Iterator[Mention]:
    """find_mentions one at a time, for a reader who may stop early."""
    dateline = _DATELINE.match(text)
    dateline_end = dateline.end() if dateline else 0
    introduced: dict[str, int] = {}  # actor id -> order of its latest full mention
    count = 0
    position = 0
    while match := matcher.pattern.search(text, position):
        start, end = match.span()
        if start and _WORD_CHAR.match(text, start - 1):
            position = start + 1  # inside a word: a name may still start further in
            continue
        position = end
        surface = match.group()
        key = _normalise(surface)
        if _PLACE_AFTER.match(text, end):
            continue
        actor_id = matcher.names.get(key)
        if actor_id is not None:
            if end <= dateline_end and matcher.types[actor_id] is not ActorType.PERSON:
                continue
            introduced[actor_id] = count
        else:
            # A short name shared by several actors goes to the one named most recently.
            named = [a for a in matcher.shorts[key] if a in introduced]
            if not named:
                continue
            actor_id = max(named, key=introduced.__getitem__)
        count += 1
        yield Mention(actor_id=actor_id, start=start, end=end, text=surface)
