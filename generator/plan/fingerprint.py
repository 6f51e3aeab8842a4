"""What each page depends on, as one digest: its context, its templates, the settings."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import operator
import pickle
from collections.abc import Callable

import jinja2
from jinja2 import meta

from generator.content.actors import Actor
from generator.content.types import Article
from generator.plan.contexts import ArticleSummary, EditionSummary, GeneratedText

_SHARED_TYPES = frozenset({ArticleSummary, EditionSummary, Actor})


FieldValues = Callable[[object], tuple[object, ...]]
# How the pickler writes a dataclass: the name that stands for its type and the getter
# of its field values; None for other types, which pickle writes its own way.
Reduction = tuple[str, FieldValues] | None


def _field_values(kind: type) -> FieldValues | None:
    if not dataclasses.is_dataclass(kind):
        return None
    names = [field.name for field in dataclasses.fields(kind)]
    if len(names) == 1:
        only = operator.attrgetter(names[0])
        return lambda obj: (only(obj),)
    return operator.attrgetter(*names) if names else (lambda obj: ())  # type: ignore[return-value]


def _reduction(kind: type) -> Reduction:
    getter = _field_values(kind)
    return None if getter is None else (f"{kind.__module__}.{kind.__qualname__}", getter)


def _fields(kind: str, values: tuple[object, ...]) -> None:
    """Stands for every dataclass in a pickle that is only digested, never read back."""
    raise AssertionError("a fingerprint's pickle is never loaded")


class _ContextPickler(pickle.Pickler):
    """Pickles a page context for its digest only: it is never read back."""

    def __init__(
        self,
        file: io.BytesIO,
        shared: dict[int, str],
        reductions: dict[type, Reduction],
        articles: list[str],
    ) -> None:
        super().__init__(file, protocol=5)
        self._shared = shared
        self._reductions = reductions
        self._articles = articles

    def reducer_override(self, obj: object) -> object:
        kind = type(obj)
        # An article stands for its file's digest: the whole article, body included, is
        # in it, and pickling the digest is far cheaper than pickling the body.
        if kind is Article:
            self._articles.append(str(obj.path))  # type: ignore[attr-defined]
            return (str, (f"article:{obj.path}:{obj.digest}",))  # type: ignore[attr-defined]
        # A generated file stands for its inputs: its text is made only when it is written.
        if kind is GeneratedText:
            inputs = Fingerprinter()
            digest = inputs.digest(obj.inputs)  # type: ignore[attr-defined]
            self._articles.extend(inputs.articles)
            return (str, (f"generated:{digest}",))
        reduction = self._reductions.get(kind, False)
        if reduction is False:
            reduction = self._reduce(kind)
        if reduction is None:
            return NotImplemented
        name, values = reduction
        # Summaries and actors recur on many pages: each is digested once per build.
        if kind in _SHARED_TYPES:
            digest = self._shared.get(id(obj))
            if digest is None:
                plain = pickle.dumps((name, values(obj)), protocol=5)  # holds no articles
                digest = self._shared[id(obj)] = hashlib.blake2b(plain, digest_size=16).hexdigest()
            return (str, (digest,))
        # Other dataclasses as (type name, field values), all through one global: pickle's
        # own route runs Python code for every object, and writes every class it meets.
        return (_fields, (name, values(obj)))

    def _reduce(self, kind: type) -> Reduction:
        reduction = self._reductions[kind] = _reduction(kind)
        return reduction


class Fingerprinter:
    """Digests of page contexts, sharing the digests of parts many pages show.

    Keep it no longer than the objects it has seen: it remembers them by identity.
    """

    def __init__(self, *, by_value: bool = False) -> None:
        self._shared: dict[int, str] = {}
        self._reductions: dict[type, Reduction] = {}
        # The path of every article the last value digested holds, in its own files'
        # digests: whatever else is in the value, their text is not.
        self.articles: list[str] = []
        # One pickler for every digest, its memo cleared each time, so each pickle is
        # the same as a new pickler's; making one costs as much as a small page's dump.
        self._buffer = io.BytesIO()
        self._pickler = _ContextPickler(self._buffer, self._shared, self._reductions, self.articles)
        # By value, no object is written as a reference to one written before, so equal
        # values give one digest however they share objects: articles parsed together
        # share strings that articles loaded from the cache one by one do not.
        self._pickler.fast = by_value

    def digest(self, value: object) -> str:
        buffer = self._buffer
        buffer.seek(0)
        buffer.truncate()
        self.articles.clear()
        self._pickler.clear_memo()
        self._pickler.dump(value)
        return hashlib.blake2b(buffer.getbuffer(), digest_size=16).hexdigest()


def digest_of(value: object, *, by_value: bool = False) -> str:
    """A stable digest of plain data: frozen dataclasses, tuples, dates, enums, text.

    by_value: the same digest for equal values whatever objects they share (slower for
    values that hold many dataclasses; never for values that hold themselves).
    """
    return Fingerprinter(by_value=by_value).digest(value)


def template_digests(env: jinja2.Environment) -> dict[str, str]:
    """Template name -> digest of its source and of every template it extends or includes."""
    loader = env.loader
    assert loader is not None
    names = sorted(env.list_templates())
    sources = {name: loader.get_source(env, name)[0] for name in names}
    references: dict[str, set[str | None]] = {}
    for name, source in sources.items():
        try:
            references[name] = set(meta.find_referenced_templates(env.parse(source)))
        except jinja2.TemplateSyntaxError:
            references[name] = {None}  # the render will report it
    every_template = "\n".join(f"{name}\n{sources[name]}" for name in names)

    def closure(name: str) -> str:
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen or current not in sources:
                continue
            seen.add(current)
            referenced = references[current]
            if None in referenced:  # a computed name: it may use any template
                return every_template
            todo.extend(ref for ref in referenced if ref is not None)
        return "\n".join(f"{item}\n{sources[item]}" for item in sorted(seen))

    return {
        name: hashlib.blake2b(closure(name).encode("utf-8"), digest_size=16).hexdigest()
        for name in names
    }


def registry_surfaces_digest(actors: tuple[Actor, ...]) -> str:
    """What actor linking in a body depends on: every id and every name it can match."""
    return digest_of(tuple((a.id, a.name, a.aliases, a.short, a.type) for a in actors))


def body_key(
    article: Article, *, surfaces: str, base_path: str, generator: str, markdown: str
) -> str:
    """Names a rendered body by everything its HTML depends on.

    The file's digest stands for the body and the actors it links; an edit elsewhere in
    the front matter only costs that one body a render. markdown: the site's markdown
    settings (engine, extensions), which every body depends on.
    """
    key = f"{generator}\n{markdown}\n{surfaces}\n{base_path}\n{article.digest}"
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest()
