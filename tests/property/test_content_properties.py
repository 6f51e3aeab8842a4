"""Any article file, however hostile its front matter, loads or is reported.

Property-based: hypothesis writes the files. Whatever it writes, loading an article
(validation.parse_article, and loading.load_articles from a real file) gives an article or
content errors that name the file and say what is wrong in words, never a Python repr;
nothing else escapes, and no example takes long (a deadline per example, and an alarm
that turns a hang into a failure).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.actors import Actor, ActorType
from generator.content.loading import load_actors, load_articles
from generator.content.validation import parse_article
from generator.errors import BuildErrors, ContentError, MarginaliaError
from tests.support.limits import EXAMPLES, no_hang

ACTORS = {
    actor.id: actor
    for actor in (
        Actor("vladimir-putin", "Vladimir Putin", ActorType.PERSON, short=("Putin",)),
        Actor("russia", "Russia", ActorType.COUNTRY),
    )
}
PATH = Path("content/articles/2024/01/an-article.md")

# What a Python repr of a value that is not text looks like inside a message (a b' that
# closes a quoted text, as in 'a b', is not the opening of a bytes repr).
REPR = re.compile(
    r"datetime\.|(?<![\w'])[bu]'(?![\s,.;:)]|$)|\{'|\['|\[\[|\[\]|\{\}|\(\)|\bNone\b|\bset\(|"
    r"<[\w.]+ object at|\\x[0-9a-f]{2}|\\u[0-9a-f]{4}"
)


def flatten(errors: list[MarginaliaError]) -> list[MarginaliaError]:
    flat: list[MarginaliaError] = []
    for error in errors:
        flat.extend(error.errors if isinstance(error, BuildErrors) else (error,))
    return flat


def check_errors(errors: list[MarginaliaError], *, reprs: bool = True) -> None:
    """Content errors only, each naming its file, with a message and a fix."""
    for error in flatten(errors):
        assert isinstance(error, ContentError), f"{type(error).__name__}: {error}"
        assert error.path is not None, error.message()
        assert error.what and error.fix, error.message()
        if reprs:  # the fixes are written by hand; what is wrong may quote the input
            assert not REPR.search(error.what), error.message()


def parse(text: str) -> list[MarginaliaError]:
    with no_hang():
        article, errors = parse_article(text, path=PATH, known_actors=ACTORS)
    assert (article is None) == bool(errors)
    return errors


# Arbitrary text


@EXAMPLES
@given(st.text())
def test_any_text_as_a_whole_file_loads_or_is_reported(text: str) -> None:
    check_errors(parse(text), reprs=False)


@EXAMPLES
@given(st.text(), st.text())
def test_any_text_as_front_matter_loads_or_is_reported(front: str, body: str) -> None:
    check_errors(parse(f"---\n{front}\n---\n{body}"), reprs=False)


@settings(EXAMPLES, max_examples=60)
@given(st.binary(max_size=2000))
def test_any_bytes_in_a_file_load_or_are_reported(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        path = content / "articles" / "2024" / "01" / "an-article.md"
        path.parent.mkdir(parents=True)
        path.write_bytes(b"---\ntitle: A\ndate: 2024-01-02\n" + data)
        try:
            with no_hang():
                load_articles(content, tuple(ACTORS.values()))
        except MarginaliaError as error:
            check_errors([error], reprs=False)


# Structured, hostile front matter: the fields an article has, with wrong values.

# Text that cannot itself look like a repr, so any repr in a message is the code's.
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12)
PLAIN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABCXYZ.,-", min_size=1, max_size=40)

# fmt: off
HOSTILE_SCALARS = [
    "null", "~", "yes", "No", "true", "0x1F", "0o17", "1_000", "1e400", "-1e400", "1e3",
    ".nan", ".inf", "99999999999999999999999999999999", "1" * 5000, "-0", "1.5", "0",
    "2023-09-11", "0000-01-01", "9999-12-31", "2023-02-30", "2023-13-01", "10000-01-01",
    "2023-09-11T25:61:00", "2001-12-14 21:59:43.10 +99:00", "2023-09-11 12:00:00",
    "2023-09-11T12:00:00Z", "!!binary aGVsbG8=", "!!set {a, b}",
    "!!python/object:os.system ls", "!!python/name:os.system", "!foo bar",
    "!!omap [{a: 1}, {b: 2}]", "!!pairs [{a: 1}, {a: 2}]", "!!str 12", "!!int 12",
    "!!float 1", "!!timestamp 2023-09-11", "'quoted'", '"dq \\x41 \\u00e9"', "|-\n  a\n  b",
    "*undefined", "&anchor value", "[]", "{}", "[[[[[[]]]]]]", "{a: {b: {c: []}}}",
    "[1, [2, [3]], {x: y}]", "? [a]\n  : b", "'" + "a" * 5000 + "'",
]
# fmt: on
SCALARS = st.one_of(PLAIN, WORD, st.sampled_from(HOSTILE_SCALARS))


def flow(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A YAML flow list or mapping of values."""
    return st.one_of(
        st.lists(values, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(WORD, values), max_size=4).map(
            lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
        ),
    )


VALUES = st.one_of(SCALARS, flow(SCALARS), flow(flow(SCALARS)))
FIELDS = st.sampled_from(
    [
        "title", "date", "source", "authors", "dek", "dateline", "image", "actors", "tags",
        "quotes", "annotations", "events", "seed", "ingest_digest", "titel", "1", "null",
        "2023-09-11", "[a, b]", "? {a: b}",
    ]
)  # fmt: skip
ENTRY_FIELDS = st.sampled_from(
    [
        "quote", "kind", "note", "prefix", "suffix", "claim", "rating", "text", "speaker",
        "speaker_name", "verb", "subject", "object", "action", "code", "bogus", "1",
    ]
)  # fmt: skip


@st.composite
def block_list(draw: st.DrawFn) -> str:
    """A block list of entries such as quotes or annotations, with hostile fields."""
    lines = []
    for _ in range(draw(st.integers(0, 3))):
        fields = draw(st.lists(st.tuples(ENTRY_FIELDS, VALUES), min_size=1, max_size=4))
        first, *rest = fields
        lines.append(f"- {first[0]}: {first[1]}")
        lines.extend(f"  {name}: {value}" for name, value in rest)
    return "\n" + "\n".join(lines) if lines else " []"


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    lines = ["title: A headline", "date: 2024-01-02"]
    for _ in range(draw(st.integers(0, 6))):
        name = draw(FIELDS)
        value = draw(st.one_of(VALUES, block_list()))
        if draw(st.booleans()):
            anchor = draw(WORD)
            value = f"&{anchor} {value}" if not value.startswith("\n") else value
            lines.append(f"{name}: {value}")
            lines.append(f"{draw(FIELDS)}: *{anchor}")  # an alias, maybe a duplicate key
        else:
            lines.append(f"{name}: {value}")
    order = draw(st.permutations(lines))
    return "\n".join(order)


@EXAMPLES
@given(front_matter(), st.sampled_from(["Body.", "", "---", "Vladimir Putin spoke."]))
def test_hostile_front_matter_loads_or_is_reported_in_words(front: str, body: str) -> None:
    check_errors(parse(f"---\n{front}\n---\n{body}\n"))


@st.composite
def laughs(draw: st.DrawFn) -> str:
    """Aliases that expand to billions of items (the "billion laughs")."""
    levels = draw(st.integers(6, 12))
    width = draw(st.integers(6, 10))
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    field = draw(st.sampled_from(["authors", "tags", "actors", "date", "title", "image"]))
    return "\n".join([*lines, "title: A", "date: 2024-01-02", f"{field}: *l{levels - 1}"])


@settings(EXAMPLES, max_examples=20)
@given(laughs())
def test_aliases_that_expand_to_billions_are_reported_quickly(front: str) -> None:
    errors = parse(f"---\n{front}\n---\nBody.\n")
    check_errors(errors)
    assert errors
    assert all(len(error.message()) < 2000 for error in flatten(errors))


# The actor registry, the other content file a build reads.

REGISTRY_KEYS = st.sampled_from(
    ["id", "name", "type", "aliases", "short", "role", "country", "wikidata", "bogus", "1"]
)


@st.composite
def registry(draw: st.DrawFn) -> str:
    entries = []
    for _ in range(draw(st.integers(0, 4))):
        fields = draw(st.lists(st.tuples(REGISTRY_KEYS, VALUES), min_size=1, max_size=5))
        first, *rest = fields
        entries.append("\n".join([f"- {first[0]}: {first[1]}"] + [f"  {k}: {v}" for k, v in rest]))
    return "\n".join(entries)


@EXAMPLES
@given(st.one_of(registry(), VALUES))
def test_any_actor_registry_loads_or_is_reported_in_words(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder)
        (content / "actors.yaml").write_text(text, encoding="utf-8")
        try:
            with no_hang():
                load_actors(content)
        except MarginaliaError as error:
            check_errors([error])
