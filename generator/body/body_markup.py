"""An article's body as HTML: its Markdown, with links to actor pages, the passages
that notes, quotes and events are anchored to, and the notes in the margin."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from bisect import bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from urllib.parse import urlsplit

from generator.body.annotations import Anchor, AnchorReport, Target, anchor_all
from generator.body.engines import DEFAULT_ENGINE, MarkdownEngine, parse, sanitise
from generator.body.markdown_tree import append_text, to_html
from generator.content.actors import ActorMatcher, iter_mentions
from generator.urls import event_anchor, quote_anchor

_SAFE_SCHEMES = {"", "http", "https", "mailto"}
# Beginnings that leave no room for a scheme: most links, answered without parsing.
_PLAINLY_SAFE = ("/", "#", "?", "http://", "https://")
_BLOCK_TAGS = {
    "p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "td", "th", "dt", "dd", "pre", "div", "ol", "ul", "table", "tr",
}  # fmt: skip
_UNLINKABLE_TAGS = {"a", "code", "pre"}


def render_body(text: str, markup: ArticleMarkup) -> str:
    """The HTML of an article's Markdown; problems with its anchors go to markup.problems.

    Raises engines.ExtensionFailed when a Python-Markdown extension fails on the text.
    """
    root = parse(text, markup.engine)
    neutralise_urls(root)  # before the links added here, which are safe by making
    link_actors(root, markup)
    annotate(root, markup)
    # Last, over everything: what an extension emitted and what was added here.
    return sanitise(to_html(root))


def plain_text(text: str, engine: MarkdownEngine = DEFAULT_ENGINE) -> str:
    """The text a reader sees in rendered Markdown, blocks separated by blank lines."""
    flow = TextFlow()
    flow.collect(parse(text, engine), None, linkable=True)
    # One match per run of white space: a pattern that backtracks over the run, as
    # r"\s*\n\s*\n\s*" does, is quadratic in its length.
    return _SPACES.sub(_block_break, "".join(flow.pieces)).strip()


_SPACES = re.compile(r"\s+")


def _block_break(match: re.Match[str]) -> str:
    run = match.group()
    return "\n\n" if run.count("\n") >= 2 else run


def neutralise_urls(root: etree.Element) -> None:
    """Drop link and image targets with schemes such as javascript: or data:."""
    for element in root.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is not None and not _is_safe_url(value):
                element.set(attribute, "#")


def _is_safe_url(value: str) -> bool:
    if value.startswith(_PLAINLY_SAFE):
        return True
    cleaned = "".join(ch for ch in value if ch > " ").lower()
    try:
        return urlsplit(cleaned).scheme in _SAFE_SCHEMES
    except ValueError:
        return False


@dataclass(slots=True)
class _Segment:
    """A run of text in the tree: element.text or element.tail."""

    element: etree.Element
    parent: etree.Element | None
    attribute: str  # "text" or "tail"
    start: int  # offset in the joined text
    linkable: bool


@dataclass(frozen=True, slots=True)
class NoteSpec:
    """A margin note to anchor in the text."""

    target: Target
    kind: str  # css-friendly: "context", "fact-check", ...
    label: str  # what the reader sees: "Context", "Fact-check: False", ...
    note: str  # Markdown


@dataclass(frozen=True, slots=True)
class QuoteSpec:
    """A quote to highlight, with its speaker."""

    target: Target
    number: int  # as listed in the front matter: the passage's id is quote-<number>
    speaker: str
    speaker_href: str | None


@dataclass(frozen=True, slots=True)
class EventSpec:
    """The passage that supports an event."""

    target: Target
    number: int  # as listed in the front matter: the passage's id is event-<number>


@dataclass(slots=True)
class ArticleMarkup:
    """What the body's HTML needs of its article, and the problems found in it."""

    matcher: ActorMatcher
    href: Callable[[str], str]  # actor id -> link
    actor_ids: Collection[str] = field(default_factory=frozenset)
    notes: Sequence[NoteSpec] = ()  # in front-matter order: the note ids follow it
    quotes: Sequence[QuoteSpec] = ()
    events: Sequence[EventSpec] = ()
    problems: list[AnchorReport] = field(default_factory=list)
    engine: MarkdownEngine = DEFAULT_ENGINE  # the site's markdown settings


@dataclass(slots=True)
class TextFlow:
    """The text of a tree in reading order, and where each run of it lives."""

    segments: list[_Segment] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    length: int = 0

    def add(self, text: str) -> None:
        self.pieces.append(text)
        self.length += len(text)

    def collect(
        self, element: etree.Element, parent: etree.Element | None, *, linkable: bool
    ) -> None:
        # Blocks are kept apart so a name cannot run on from one paragraph into the next.
        if element.tag in _BLOCK_TAGS:
            self.add("\n\n")
        inner_linkable = linkable and element.tag not in _UNLINKABLE_TAGS
        if element.text:
            self.segments.append(_Segment(element, parent, "text", self.length, inner_linkable))
            self.add(element.text)
        for child in element:
            self.collect(child, element, linkable=inner_linkable)
            if child.tail:
                self.segments.append(_Segment(child, element, "tail", self.length, inner_linkable))
                self.add(child.tail)


def link_actors(root: etree.Element, markup: ArticleMarkup) -> None:
    """Link the first mention of each of the article's actors to the actor's page."""
    if not markup.actor_ids:
        return
    flow = TextFlow()
    flow.collect(root, None, linkable=True)
    segments = flow.segments
    text = "".join(flow.pieces)
    seen: set[str] = set()
    chosen: dict[int, list[tuple[int, int, str]]] = {}
    starts = [segment.start for segment in segments]
    for mention in iter_mentions(text, markup.matcher):
        if mention.actor_id in seen or mention.actor_id not in markup.actor_ids:
            continue
        index = bisect_right(starts, mention.start) - 1
        segment = segments[index]
        end_of_segment = segment.start + len(getattr(segment.element, segment.attribute))
        if not segment.linkable or mention.end > end_of_segment:
            continue
        seen.add(mention.actor_id)
        chosen.setdefault(index, []).append(
            (mention.start - segment.start, mention.end - segment.start, mention.actor_id)
        )
        if len(seen) == len(markup.actor_ids):
            break  # every actor is linked: the rest of the text has nothing to add
    positions = _child_positions(root)
    # Last to first: a rewrite inserts elements after its own, so the positions of the
    # segments still to rewrite stay as they were taken.
    for index, spans in sorted(chosen.items(), reverse=True):
        segment = segments[index]
        text_of_segment = getattr(segment.element, segment.attribute)
        pieces: list[_Piece] = []
        position = 0
        for start, end, actor_id in spans:
            pieces.append((text_of_segment[position:start], None))
            link = ("a", {"class": "actor", "href": markup.href(actor_id)})
            pieces.append((text_of_segment[start:end], link))
            position = end
        pieces.append((text_of_segment[position:], None))
        _rewrite_segment(segment, pieces, positions)


# A run of a segment's text, and the element to wrap it in (None: plain text).
_Piece = tuple[str, tuple[str, dict[str, str]] | None]


def _child_positions(root: etree.Element) -> dict[etree.Element, int]:
    """Each element's place among its parent's children: asking a parent for it each
    time (list(parent).index) costs a pass over a paragraph of 10,000 notes per note."""
    return {child: index for parent in root.iter() for index, child in enumerate(parent)}


def _rewrite_segment(
    segment: _Segment, pieces: Sequence[_Piece], positions: dict[etree.Element, int]
) -> list[etree.Element]:
    """Replace a segment's text by the pieces, wrapping some in new elements.

    positions: where each element is among its parent's children; segments are
    rewritten last to first, so those of the segments still to come stay true.
    """
    if segment.attribute == "text":
        container, position = segment.element, 0
    else:
        assert segment.parent is not None
        container = segment.parent
        position = positions[segment.element] + 1
    lead = ""
    created: list[etree.Element] = []
    for text, wrapper in pieces:
        if wrapper is None:
            if created:
                created[-1].tail = (created[-1].tail or "") + text
            else:
                lead += text
            continue
        tag, attributes = wrapper
        element = etree.Element(tag, attributes)
        element.text = text
        container.insert(position, element)
        position += 1
        created.append(element)
    setattr(segment.element, segment.attribute, lead)
    return created


def annotate(root: etree.Element, markup: ArticleMarkup) -> None:
    """Highlight the passages that notes, quotes and events are anchored to, and put
    each note in the margin right after its passage.

    A note is a numbered link after the passage and a note element that follows it in
    the text, so it reads in place without JavaScript and with a screen reader; the
    stylesheet floats it into the margin on wide screens.
    """
    targets = [
        *(spec.target for spec in markup.notes),
        *(spec.target for spec in markup.quotes),
        *(spec.target for spec in markup.events),
    ]
    if not targets:
        return
    flow = TextFlow()
    flow.collect(root, None, linkable=True)
    anchors, problems = anchor_all("".join(flow.pieces), targets)
    markup.problems.extend(problems)

    notes = len(markup.notes)
    quotes = len(markup.quotes)
    # Notes are numbered in the order a reader meets them.
    note_order = sorted(
        (index for index in range(notes) if anchors[index] is not None),
        key=lambda index: (anchors[index].start, index),  # type: ignore[union-attr]
    )
    marks: list[_Mark] = []
    for number, index in enumerate(note_order, start=1):
        spec = markup.notes[index]
        marks.append(_Mark(anchors[index], f"anchor-{number}", f"note-anchor note-{spec.kind}"))  # type: ignore[arg-type]
    for offset, spec in enumerate(markup.quotes):
        if anchors[notes + offset] is not None:
            marks.append(_Mark(anchors[notes + offset], quote_anchor(spec.number), "quote-anchor"))  # type: ignore[arg-type]
    for offset, event in enumerate(markup.events):
        anchor = anchors[notes + quotes + offset]
        if anchor is not None:
            marks.append(_Mark(anchor, event_anchor(event.number), "event-anchor"))
    last_marks = _mark_passages(root, flow, marks)

    insertions: list[tuple[etree.Element, list[etree.Element]]] = []
    for number, index in enumerate(note_order, start=1):
        spec = markup.notes[index]
        insertions.append((last_marks[f"anchor-{number}"], _note(number, spec, markup, index + 1)))
    for spec in markup.quotes:
        last = last_marks.get(quote_anchor(spec.number))
        if last is not None:
            insertions.append((last, [_speaker(spec)]))
    _insert_after(root, insertions)


def annotation_anchor(number: int) -> str:
    """The id of the note listed `number`th (from 1) in its article's front matter: the
    fragment of its Web Annotation's IRI in data/annotations.jsonld."""
    return f"annotation-{number}"


def _note(number: int, spec: NoteSpec, markup: ArticleMarkup, listed: int) -> list[etree.Element]:
    reference = etree.Element(
        "a", {"class": "note-ref", "href": f"#note-{number}", "id": f"ref-{number}"}
    )
    hidden = etree.SubElement(reference, "span", {"class": "visually-hidden"})
    hidden.text = "Note "
    hidden.tail = str(number)
    note = etree.Element(
        "span",
        {"class": f"margin-note note-{spec.kind}", "id": f"note-{number}", "role": "note"},
    )
    # The label begins the note: where its Web Annotation's IRI leads (listed = its
    # place in the front matter, which the page's reading-order number is not).
    label = etree.SubElement(note, "span", {"class": "note-label", "id": annotation_anchor(listed)})
    label.text = f"{number} · {spec.label}"
    body = etree.SubElement(note, "span", {"class": "note-body"})
    if not _fill_inline(body, spec.note, markup.engine):
        markup.problems.append(
            AnchorReport(
                spec.target.label,
                "the note has a list, heading, quote, table or code block, which "
                "cannot stand in the margin",
                "write it as paragraphs of text, with links and emphasis",
            )
        )
    back = etree.SubElement(note, "a", {"class": "note-back", "href": f"#anchor-{number}"})
    back.text = "Back to the text"
    return [reference, note]


def _fill_inline(holder: etree.Element, text: str, engine: MarkdownEngine) -> bool:
    """Put a note's Markdown into an inline element, paragraphs apart by a blank line;
    False when it has blocks that cannot stand inside a paragraph (they go in as text)."""
    note = parse(text, engine)
    neutralise_urls(note)
    fits = all(block.tag == "p" for block in note)
    for number, block in enumerate(note):
        if number:
            etree.SubElement(holder, "br")
            etree.SubElement(holder, "br")
        if block.tag == "p":
            append_text(holder, block.text or "")
            holder.extend(block)
        else:
            append_text(holder, " ".join("".join(block.itertext()).split()))
    return fits


def _speaker(spec: QuoteSpec) -> etree.Element:
    label = etree.Element("span", {"class": "margin-quote", "aria-hidden": "true"})
    label.text = "Quote: "
    if spec.speaker_href:
        link = etree.SubElement(label, "a", {"href": spec.speaker_href, "tabindex": "-1"})
        link.text = spec.speaker
    else:
        label.text += spec.speaker
    return label


def _insert_after(
    root: etree.Element, insertions: Sequence[tuple[etree.Element, list[etree.Element]]]
) -> None:
    """Put each list of new elements right after its mark, or after the inline element
    (link, emphasis) the mark is in, so it never lands inside a link.

    Lists for the same place go in at once, the later one first (as inserting each
    right after the place would leave them); the text after the place follows them all.
    """
    parents = {child: parent for parent in root.iter() for child in parent}
    at: dict[etree.Element, list[list[etree.Element]]] = {}
    for mark, new in insertions:
        anchor = mark
        while parents[anchor].tag not in _BLOCK_TAGS and parents[anchor] in parents:
            anchor = parents[anchor]
        at.setdefault(anchor, []).append(new)
    positions = _child_positions(root)
    # Last place first, so the positions of the places still to fill stay true.
    for anchor in sorted(at, key=positions.__getitem__, reverse=True):
        new = [element for elements in reversed(at[anchor]) for element in elements]
        new[-1].tail, anchor.tail = anchor.tail, None
        position = positions[anchor] + 1
        parents[anchor][position:position] = new


@dataclass(frozen=True, slots=True)
class _Mark:
    anchor: Anchor
    id: str
    css: str


def _mark_passages(
    root: etree.Element, flow: TextFlow, marks: Sequence[_Mark]
) -> dict[str, etree.Element]:
    """Wrap each mark's passage in <mark> elements, one per run of text it covers.

    Passages may cross formatting or overlap one another. Returns the last <mark> of
    each passage, by id. One sweep over the segments and the marks in text order, so
    the time is that of the text and the marks made, not their product.
    """
    by_start = sorted(range(len(marks)), key=lambda index: marks[index].anchor.start)
    following = 0
    active: list[int] = []  # marks that started before the segment's end
    rewrites: list[tuple[_Segment, list[_Piece], list[list[_Mark]]]] = []
    for segment in flow.segments:
        text = getattr(segment.element, segment.attribute) or ""
        start, end = segment.start, segment.start + len(text)
        while following < len(by_start) and marks[by_start[following]].anchor.start < end:
            active.append(by_start[following])
            following += 1
        active = [index for index in active if marks[index].anchor.end > start]
        if active:
            pieces, owners = _marked_pieces(text, start, marks, active)
            rewrites.append((segment, pieces, owners))
    positions = _child_positions(root)
    made = [
        _rewrite_segment(segment, pieces, positions) for segment, pieces, _ in reversed(rewrites)
    ]
    last: dict[str, etree.Element] = {}
    for (_, _, owners), elements in zip(rewrites, reversed(made), strict=True):
        for element, covering in zip(elements, owners, strict=True):
            for mark in covering:
                last[mark.id] = element
    return last


def _marked_pieces(
    text: str, start: int, marks: Sequence[_Mark], inside: list[int]
) -> tuple[list[_Piece], list[list[_Mark]]]:
    """A segment's text cut where marks begin and end, each run with the marks over it
    (in the order given), and the marks over each <mark> made."""
    opening: dict[int, list[int]] = {}
    closing: dict[int, list[int]] = {}
    for index in inside:
        anchor = marks[index].anchor
        opening.setdefault(max(0, anchor.start - start), []).append(index)
        closing.setdefault(min(len(text), anchor.end - start), []).append(index)
    cuts = sorted({0, len(text), *opening, *closing})
    pieces: list[_Piece] = []
    owners: list[list[_Mark]] = []
    over: set[int] = set()
    for left, right in pairwise(cuts):
        over.difference_update(closing.get(left, ()))
        over.update(opening.get(left, ()))
        if not over:
            pieces.append((text[left:right], None))
            continue
        covering = [marks[index] for index in sorted(over)]
        attributes = {
            "class": " ".join(dict.fromkeys(m.css for m in covering)),
            "data-for": " ".join(m.id for m in covering),  # the passages it is part of
        }
        first = next((m for m in covering if m.anchor.start == start + left), None)
        if first is not None:
            attributes["id"] = first.id
        pieces.append((text[left:right], ("mark", attributes)))
        owners.append(covering)
    return pieces, owners
