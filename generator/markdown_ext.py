"""Python-Markdown set up for untrusted article text, with links to actor pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from bisect import bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from urllib.parse import urlsplit

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor, Treeprocessor

from generator.actors import ActorMatcher, find_mentions
from generator.annotations import Anchor, AnchorReport, Target, anchor_all

_SAFE_SCHEMES = {"", "http", "https", "mailto"}
_BLOCK_TAGS = {
    "p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "td", "th", "dt", "dd", "pre", "div", "ol", "ul", "table", "tr",
}  # fmt: skip
_UNLINKABLE_TAGS = {"a", "code", "pre"}
_BLOCK_HTML = re.compile(r"<(?:ul|ol|li|blockquote|h[1-6]|pre|table|hr|div|dl)\b")


class SafeUrlTreeprocessor(Treeprocessor):
    """Drop link and image targets with schemes such as javascript: or data:."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not _is_safe_url(value):
                    element.set(attribute, "#")


def _is_safe_url(value: str) -> bool:
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
    """What the treeprocessors need of the article being converted; set per article."""

    matcher: ActorMatcher
    href: Callable[[str], str]  # actor id -> link
    note_html: Callable[[str], str]  # a note's Markdown -> inline HTML
    actor_ids: Collection[str] = field(default_factory=frozenset)
    notes: Sequence[NoteSpec] = ()
    quotes: Sequence[QuoteSpec] = ()
    events: Sequence[EventSpec] = ()
    problems: list[AnchorReport] = field(default_factory=list)

    def reset(self) -> None:
        self.actor_ids, self.notes, self.quotes, self.events = frozenset(), (), (), ()
        self.problems = []


@dataclass(slots=True)
class _TextFlow:
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


class ActorLinkTreeprocessor(Treeprocessor):
    """Link the first mention of each of the article's actors to the actor's page."""

    def __init__(self, md: markdown.Markdown, markup: ArticleMarkup) -> None:
        super().__init__(md)
        self.linker = markup

    def run(self, root: etree.Element) -> None:
        if not self.linker.actor_ids:
            return
        flow = _TextFlow()
        flow.collect(root, None, linkable=True)
        segments = flow.segments
        text = "".join(flow.pieces)
        seen: set[str] = set()
        chosen: dict[int, list[tuple[int, int, str]]] = {}
        starts = [segment.start for segment in segments]
        for mention in find_mentions(text, self.linker.matcher):
            if mention.actor_id in seen or mention.actor_id not in self.linker.actor_ids:
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
        for index, spans in chosen.items():
            self._wrap(segments[index], spans)

    def _wrap(self, segment: _Segment, spans: list[tuple[int, int, str]]) -> None:
        text = getattr(segment.element, segment.attribute)
        pieces: list[_Piece] = []
        position = 0
        for start, end, actor_id in spans:
            pieces.append((text[position:start], None))
            pieces.append(
                (text[start:end], ("a", {"class": "actor", "href": self.linker.href(actor_id)}))
            )
            position = end
        pieces.append((text[position:], None))
        _rewrite_segment(segment, pieces)


# A run of a segment's text, and the element to wrap it in (None: plain text).
_Piece = tuple[str, tuple[str, dict[str, str]] | None]


def _rewrite_segment(segment: _Segment, pieces: Sequence[_Piece]) -> list[etree.Element]:
    """Replace a segment's text by the pieces, wrapping some in new elements."""
    if segment.attribute == "text":
        container, position = segment.element, 0
    else:
        assert segment.parent is not None
        container = segment.parent
        position = list(container).index(segment.element) + 1
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


class AnnotationTreeprocessor(Treeprocessor):
    """Highlight the passages that notes, quotes and events are anchored to, and put
    each note in the margin right after its passage.

    A note is a numbered link after the passage and a note element that follows it in
    the text, so it reads in place without JavaScript and with a screen reader; the
    stylesheet floats it into the margin on wide screens.
    """

    def __init__(self, md: markdown.Markdown, markup: ArticleMarkup) -> None:
        super().__init__(md)
        self.markup = markup

    def run(self, root: etree.Element) -> None:
        markup = self.markup
        targets = [
            *(spec.target for spec in markup.notes),
            *(spec.target for spec in markup.quotes),
            *(spec.target for spec in markup.events),
        ]
        if not targets:
            return
        flow = _TextFlow()
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
                marks.append(_Mark(anchors[notes + offset], f"quote-{spec.number}", "quote-anchor"))  # type: ignore[arg-type]
        for offset, event in enumerate(markup.events):
            anchor = anchors[notes + quotes + offset]
            if anchor is not None:
                marks.append(_Mark(anchor, f"event-{event.number}", "event-anchor"))
        last_marks = _mark_passages(flow, marks)

        parents = {child: parent for parent in root.iter() for child in parent}
        for number, index in enumerate(note_order, start=1):
            spec = markup.notes[index]
            self._insert_after(last_marks[f"anchor-{number}"], parents, self._note(number, spec))
        for spec in markup.quotes:
            last = last_marks.get(f"quote-{spec.number}")
            if last is not None:
                self._insert_after(last, parents, [self._speaker(spec)])

    def _note(self, number: int, spec: NoteSpec) -> list[etree.Element]:
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
        label = etree.SubElement(note, "span", {"class": "note-label"})
        label.text = f"{number} · {spec.label}"
        body = etree.SubElement(note, "span", {"class": "note-body"})
        html = self.markup.note_html(spec.note)
        if _BLOCK_HTML.search(html):
            self.markup.problems.append(
                AnchorReport(
                    spec.target.label,
                    "the note has a list, heading, quote, table or code block, which "
                    "cannot stand in the margin",
                    "write it as paragraphs of text, with links and emphasis",
                )
            )
        body.text = self.md.htmlStash.store(html)
        back = etree.SubElement(note, "a", {"class": "note-back", "href": f"#anchor-{number}"})
        back.text = "Back to the text"
        return [reference, note]

    def _speaker(self, spec: QuoteSpec) -> etree.Element:
        label = etree.Element("span", {"class": "margin-quote", "aria-hidden": "true"})
        label.text = "Quote: "
        if spec.speaker_href:
            link = etree.SubElement(label, "a", {"href": spec.speaker_href, "tabindex": "-1"})
            link.text = spec.speaker
        else:
            label.text += spec.speaker
        return label

    @staticmethod
    def _insert_after(
        mark: etree.Element, parents: dict[etree.Element, etree.Element], new: list[etree.Element]
    ) -> None:
        # Not inside a link or emphasis: climb to the child of the paragraph.
        anchor = mark
        while parents[anchor].tag not in _BLOCK_TAGS and parents[anchor] in parents:
            anchor = parents[anchor]
        container = parents[anchor]
        position = list(container).index(anchor) + 1
        new[-1].tail, anchor.tail = anchor.tail, None
        for offset, element in enumerate(new):
            container.insert(position + offset, element)
            parents[element] = container


@dataclass(frozen=True, slots=True)
class _Mark:
    anchor: Anchor
    id: str
    css: str


def _mark_passages(flow: _TextFlow, marks: Sequence[_Mark]) -> dict[str, etree.Element]:
    """Wrap each mark's passage in <mark> elements, one per run of text it covers.

    Passages may cross formatting or overlap one another. Returns the last <mark> of
    each passage, by id.
    """
    last: dict[str, etree.Element] = {}
    for segment in flow.segments:
        text = getattr(segment.element, segment.attribute) or ""
        start, end = segment.start, segment.start + len(text)
        inside = [m for m in marks if m.anchor.start < end and m.anchor.end > start]
        if not inside:
            continue
        cuts = sorted(
            {0, len(text)}
            | {max(0, m.anchor.start - start) for m in inside}
            | {min(len(text), m.anchor.end - start) for m in inside}
        )
        pieces: list[_Piece] = []
        owners: list[list[_Mark]] = []
        for left, right in pairwise(cuts):
            covering = [
                m
                for m in inside
                if m.anchor.start <= start + left and m.anchor.end >= start + right
            ]
            if not covering:
                pieces.append((text[left:right], None))
                continue
            attributes = {
                "class": " ".join(dict.fromkeys(m.css for m in covering)),
                "data-for": " ".join(m.id for m in covering),  # the passages it is part of
            }
            first = next((m for m in covering if m.anchor.start == start + left), None)
            if first is not None:
                attributes["id"] = first.id
            pieces.append((text[left:right], ("mark", attributes)))
            owners.append(covering)
        for element, covering in zip(_rewrite_segment(segment, pieces), owners, strict=True):
            for mark in covering:
                last[mark.id] = element
    return last


# The characters without which an inline pattern cannot match. Python-Markdown tries
# every pattern on every run of text; skipping the ones that cannot match makes whole
# bodies about a third faster, with the same output.
_PATTERN_TRIGGERS = {
    "backtick": "`",
    "escape": "\\",
    "footnote": "[",
    "reference": "[",
    "link": "[",
    "short_reference": "[",
    "image_link": "!",
    "image_reference": "!",
    "short_image_ref": "!",
    "autolink": "<",
    "automail": "<",
    "html": "<",
    "linebreak": "\n",
    "entity": "&",
    "em_strong": "*_",
    "em_strong2": "*_",
    "not_strong": "*_",
}


class PrefilteredInlineProcessor(InlineProcessor):
    """Python-Markdown's inline stage, skipping patterns whose trigger is not in the text."""

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        self._triggers = {
            id(self.inlinePatterns[name]): chars
            for name, chars in _PATTERN_TRIGGERS.items()
            if name in self.inlinePatterns
        }
        return super().run(tree, ancestors)

    # Overrides InlineProcessor.__handleInline (name-mangled), same loop plus the filter.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        start = 0
        patterns = self.inlinePatterns
        while patternIndex < len(patterns):
            pattern = patterns[patternIndex]
            triggers = self._triggers.get(id(pattern))
            if triggers is not None and not any(char in data for char in triggers):
                patternIndex, start = patternIndex + 1, 0  # as after a pattern that missed
                continue
            data, matched, start = self._InlineProcessor__applyPattern(  # type: ignore[attr-defined]
                pattern, data, patternIndex, start
            )
            if not matched:
                patternIndex += 1
        return data


_CAN_PREFILTER = hasattr(InlineProcessor, "_InlineProcessor__applyPattern") and hasattr(
    InlineProcessor, "_InlineProcessor__handleInline"
)


class MarginaliaExtension(Extension):
    def __init__(self, linker: ArticleMarkup) -> None:
        super().__init__()
        self.linker = linker

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Article text is untrusted: raw HTML is shown as text, never passed through.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        if _CAN_PREFILTER:  # a later Python-Markdown may rename its internals: then skip
            md.treeprocessors.register(PrefilteredInlineProcessor(md), "inline", 20)
        # After "unescape" (priority 0), so the text nodes hold the final characters.
        md.treeprocessors.register(ActorLinkTreeprocessor(md, self.linker), "actor_links", -10)
        md.treeprocessors.register(AnnotationTreeprocessor(md, self.linker), "annotations", -15)
        md.treeprocessors.register(SafeUrlTreeprocessor(md), "safe_urls", -20)


def inline_note_html(md: markdown.Markdown, text: str) -> str:
    """A note's Markdown as HTML that can stand inside a paragraph."""
    html = md.reset().convert(text).strip()
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return html.replace("</p>\n<p>", "<br><br>")


def make_markdown(linker: ArticleMarkup) -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "footnotes",
            "tables",
            "sane_lists",
            "fenced_code",
            MarginaliaExtension(linker),
        ],
        output_format="html",
    )
