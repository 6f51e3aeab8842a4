"""Editing one entry of an article's front matter changes that entry's lines and no other
byte: comments, quoting, key order, the other lists, the body and the line endings."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content.frontmatter import split_front_matter
from generator.content.frontmatter_edit import (
    COLLECTIONS,
    add_entry,
    delete_entry,
    entries_of,
    update_entry,
)
from generator.errors import ContentError, MarginaliaError
from generator.ingest.ingest import write_text_atomically
from tests.support import GOLDEN_FIXTURE, REPO

SHIPPED = sorted(
    [
        *(REPO / "content" / "articles").rglob("*.md"),
        *(GOLDEN_FIXTURE / "content" / "articles").rglob("*.md"),
    ]
)

HAND_WRITTEN = [
    # Comments everywhere, every quoting style, flow and block lists, a key indented
    # list, blank lines between entries, a body that looks like YAML.
    """---
# the headline, as printed
title: "A headline: with a colon"   # trailing comment
date: 2023-09-11
source: 'Al Jazeera'
authors: [One, "Two"]
tags:
  - Sanctions
  - 'North Korea'
annotations:
  # first note
  - quote: the words
    kind: note   # a kind
    note: >-
      folded
      note

  - quote: "other words"
    kind: context
    note: |
      literal
      note
# between the lists
quotes: [{speaker_name: A Person, text: said this}]
events: []
seed: x.txt
---
Body text with the words and other words.
said this
kind: not yaml
---
""",
    # No lists at all, CRLF line endings and a BOM.
    "\ufeff---\r\ntitle: T\r\ndate: 2024-01-02\r\n---\r\nthe words, and the words\r\n",
    # Lists indented under their key, an entry whose dash stands alone.
    """---
title: T
date: 2024-01-02
annotations:
    -
      quote: the words
      kind: note
      note: n
    - quote: more
      note: m
events:
---
the words more
""",
]

SAMPLES = [*(path.read_text(encoding="utf-8") for path in SHIPPED), *HAND_WRITTEN]
IDS = [*(path.name for path in SHIPPED), *(f"hand-written-{n}" for n in range(len(HAND_WRITTEN)))]

ENTRIES = {
    "annotations": {"quote": "the words", "kind": "note", "note": "A note."},
    "quotes": {"speaker_name": "A Person", "text": "the words", "verb": "said"},
    "events": {"subject": "a", "action": "meets", "object": "b"},
}

# Text an editor may type in a field: YAML's special words and characters, any script.
field_text = st.one_of(
    st.sampled_from(
        [
            "yes",
            "No",
            "null",
            "~",
            "2023-09-11",
            "0312",
            "1e3",
            "- dash",
            "# hash",
            "a: b",
            "'quoted'",
            '"double"',
            "[x]",
            "{y}",
            "&anchor",
            "*alias",
            "!tag",
            "%",
            "@",
            "`",
            "trailing   ",
            "  leading",
            "line\nbreak",
            "a\n\n  indented\n",
            "tab\there",
            "…’“",
        ]
    ),
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
        min_size=1,
        max_size=40,
    ),
    st.text(st.sampled_from("ab :#-'\"\n\t\\"), min_size=1, max_size=20),
)


def _lines_outside(before: str, after: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """The common head and tail of two texts' lines, and what lies between in each."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(old), len(new)) - head
        and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]
    ):
        tail += 1
    return (
        old[:head],
        old[head : len(old) - tail],
        new[head : len(new) - tail],
        old[len(old) - tail :],
    )


def _body(text: str) -> str:
    fence = text.index("\n---", 3)
    return text[fence:]


def _entry_lines(text: str, collection: str) -> set[int]:
    """0-based file lines inside the collection (its key line and its entries)."""
    front = split_front_matter(text, path=Path("a.md"))
    start = front.key_lines.get(collection)
    if start is None:
        return set()
    later = [line for line in front.key_lines.values() if line > start]
    end = min(later) if later else front.body_line - 1
    return set(range(start - 1, end - 1))


@pytest.mark.parametrize("text", SAMPLES, ids=IDS)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_add_then_delete_gives_back_every_byte(text: str, collection: str) -> None:
    added = add_entry(text, collection, ENTRIES[collection])
    assert entries_of(added, collection)[-1] == ENTRIES[collection]
    assert entries_of(added, collection)[:-1] == entries_of(text, collection)
    assert _body(added) == _body(text)
    last = len(entries_of(added, collection)) - 1
    removed = delete_entry(added, collection, last)
    front = split_front_matter(text, path=Path("a.md")).data
    if f"{collection}: [" in text or (collection in front and not front[collection]):
        # A flow list or an empty key is written again as a block list.
        assert entries_of(removed, collection) == entries_of(text, collection)
    else:
        assert removed == text


@pytest.mark.parametrize("text", SAMPLES, ids=IDS)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_only_the_touched_list_changes(text: str, collection: str) -> None:
    edited = add_entry(text, collection, ENTRIES[collection])
    head, old, new, _ = _lines_outside(text, edited)
    assert old == [] or _entry_lines(text, collection).issuperset(
        range(len(head), len(head) + len(old))
    )
    assert new, "the new entry is written"
    newline = "\r\n" if "\r\n" in text else "\n"
    assert all(line.endswith(newline) for line in new)
    for index in range(len(entries_of(text, collection))):
        changed = update_entry(text, collection, index, ENTRIES[collection])
        head, old, _, _ = _lines_outside(text, changed)
        touched = _entry_lines(text, collection)
        assert touched.issuperset(range(len(head), len(head) + len(old)))
        assert entries_of(changed, collection)[index] == ENTRIES[collection]
        others = entries_of(changed, collection)
        del others[index]
        expected = entries_of(text, collection)
        del expected[index]
        assert others == expected
        removed = delete_entry(text, collection, index)
        head, old, _, _ = _lines_outside(text, removed)
        assert touched.issuperset(range(len(head), len(head) + len(old)))
        assert _body(removed) == _body(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sample=st.sampled_from(SAMPLES),
    note=field_text,
    claim=field_text,
    quote=field_text,
)
def test_any_text_reads_back_as_written(sample: str, note: str, claim: str, quote: str) -> None:
    entry = {"quote": quote, "kind": "fact-check", "claim": claim, "rating": "True", "note": note}
    try:
        edited = add_entry(sample, "annotations", entry)
    except MarginaliaError as error:
        # Only an entry the build refuses (a field left empty once stripped).
        assert not (quote.strip() and note.strip() and claim.strip()), error
        return
    written = entries_of(edited, "annotations")[-1]
    assert written == {name: value.strip() for name, value in entry.items()}
    head, old, _, _ = _lines_outside(sample, edited)
    assert _entry_lines(sample, "annotations").issuperset(range(len(head), len(head) + len(old)))
    assert _body(edited) == _body(sample)
    assert delete_entry(edited, "annotations", len(entries_of(edited, "annotations")) - 1) == sample


def test_an_entry_the_build_refuses_is_refused_with_what_and_fix() -> None:
    text = HAND_WRITTEN[1]
    with pytest.raises(MarginaliaError) as raised:
        add_entry(text, "annotations", {"quote": "the words", "kind": "opinion", "note": "n"})
    assert "unknown kind 'opinion'" in raised.value.what
    assert "context, fact-check, correction, note" in (raised.value.fix or "")
    with pytest.raises(MarginaliaError) as raised:
        add_entry(text, "quotes", {"speaker": "nobody", "text": "x"}, known_actors={})
    assert "unknown speaker 'nobody'" in raised.value.what
    with pytest.raises(MarginaliaError, match="no entry 7"):
        delete_entry(text, "annotations", 7)
    with pytest.raises(MarginaliaError, match="not a list of entries"):
        add_entry(text, "actors", {"x": "y"})
    with pytest.raises(MarginaliaError, match="must be text"):
        add_entry(text, "annotations", {"quote": ["x"], "note": "n"})


def test_a_flow_list_becomes_a_block_list_and_the_rest_stays() -> None:
    text = HAND_WRITTEN[0]
    edited = add_entry(text, "quotes", ENTRIES["quotes"])
    assert "quotes:\n- speaker_name: A Person\n  text: said this\n- speaker_name: A Person\n" in (
        edited
    )
    assert (
        edited.replace(
            "quotes:\n- speaker_name: A Person\n  text: said this\n"
            "- speaker_name: A Person\n  text: the words\n  verb: said\n",
            "quotes: [{speaker_name: A Person, text: said this}]\n",
        )
        == text
    )


def test_an_entry_follows_the_indentation_and_spacing_of_its_list() -> None:
    text = HAND_WRITTEN[0]
    edited = add_entry(text, "annotations", ENTRIES["annotations"])
    assert (
        "    note: |\n      literal\n      note\n\n  - quote: the words\n    kind: note\n"
        "    note: A note.\n# between the lists\n"
    ) in edited


def test_write_keeps_the_bytes_and_the_permissions(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    path.chmod(0o640)
    write_text_atomically(path, HAND_WRITTEN[1])
    assert path.read_bytes() == HAND_WRITTEN[1].encode("utf-8")
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_entries_of_refuses_a_list_that_is_not_one_naming_its_line() -> None:
    text = "---\ntitle: T\ndate: 2023-09-11\nannotations: 5\n---\nBody.\n"
    with pytest.raises(ContentError, match="'annotations' is not a list") as raised:
        entries_of(text, "annotations")
    assert raised.value.line == 4
