"""Python-Markdown set up for untrusted article text, with links to actor pages."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from bisect import bisect_right
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor, Treeprocessor

from generator.actors import ActorMatcher, find_mentions

_SAFE_SCHEMES = {"", "http", "https", "mailto"}
_BLOCK_TAGS = {
    "p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "td", "th", "dt", "dd", "pre", "div", "ol", "ul", "table", "tr",
}  # fmt: skip
_UNLINKABLE_TAGS = {"a", "code", "pre"}


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


@dataclass(slots=True)
class ActorLinker:
    """What the actor-link treeprocessor needs for the article being converted."""

    matcher: ActorMatcher
    href: Callable[[str], str]  # actor id -> link
    actor_ids: Collection[str] = field(default_factory=frozenset)


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

    def __init__(self, md: markdown.Markdown, linker: ActorLinker) -> None:
        super().__init__(md)
        self.linker = linker

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
        links = []
        for number, (start, end, actor_id) in enumerate(spans):
            link = etree.Element("a", {"class": "actor", "href": self.linker.href(actor_id)})
            link.text = text[start:end]
            following = spans[number + 1][0] if number + 1 < len(spans) else len(text)
            link.tail = text[end:following]
            links.append(link)
        setattr(segment.element, segment.attribute, text[: spans[0][0]])
        if segment.attribute == "text":
            container, position = segment.element, 0
        else:
            assert segment.parent is not None
            container = segment.parent
            position = list(container).index(segment.element) + 1
        for offset, link in enumerate(links):
            container.insert(position + offset, link)


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
    def __init__(self, linker: ActorLinker) -> None:
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
        md.treeprocessors.register(SafeUrlTreeprocessor(md), "safe_urls", -20)


def make_markdown(linker: ActorLinker) -> markdown.Markdown:
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
