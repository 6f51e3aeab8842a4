"""Markdown to an ElementTree, and the tree to HTML.

CommonMark with tables and footnotes, parsed by pulldown-cmark (through pyromark) into
a stream of events that is built into a tree here, so the later stages (actor links,
annotations) work on elements and their text. Article text is untrusted: raw HTML in it
becomes text, never markup.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import pyromark

_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_FOOTNOTES

# Start events whose element is made from the tag's name alone.
_SIMPLE_TAGS = {
    "Paragraph": "p",
    "Item": "li",
    "Emphasis": "em",
    "Strong": "strong",
    "Strikethrough": "del",
    "Superscript": "sup",
    "Subscript": "sub",
}
_HEADINGS = {f"H{level}": f"h{level}" for level in range(1, 7)}
# Elements that end a line in the HTML, as Python-Markdown and most renderers write it.
_BLOCKS = frozenset(
    {"p", "blockquote", "ul", "ol", "li", "pre", "table", "thead", "tbody", "tr", "hr", "div",
     "h1", "h2", "h3", "h4", "h5", "h6"}
)  # fmt: skip
# Deeper nesting (a thousand '>' in a row) is flattened into the element at this depth:
# no reader needs it, and the recursive walks over the tree would overflow.
MAX_DEPTH = 48
_ALIGN = {"Left": "left", "Center": "center", "Right": "right"}


def parse(text: str) -> etree.Element:
    """The Markdown as the children of a <div>, footnotes gathered at the end."""
    builder = _TreeBuilder()
    for event in pyromark.events(text, options=_OPTIONS):
        builder.feed(event)
    return builder.finish()


def to_html(root: etree.Element) -> str:
    """The HTML of the root's content (without the root element itself).

    ElementTree's own HTML writer first walks the tree for namespaces these trees never
    have; this one writes the same bytes in half the time.
    """
    out: list[str] = [_text(root.text)] if root.text else []
    for child in root:
        _write(child, out)
    return "".join(out).strip()


# HTML's void elements: no end tag written, none waited for (python_markdown's parser).
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip


def _write(element: etree.Element, out: list[str]) -> None:
    tag = element.tag
    if element.attrib:
        attributes = "".join(f' {k}="{_attribute(v)}"' for k, v in element.attrib.items())
        out.append(f"<{tag}{attributes}>")
    else:
        out.append(f"<{tag}>")
    if element.text:
        out.append(_text(element.text))
    for child in element:
        _write(child, out)
    if tag not in VOID:
        out.append(f"</{tag}>")
    if element.tail:
        out.append(_text(element.tail))


def _text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace(">", "&gt;").replace('"', "&quot;")


def append_text(parent: etree.Element, text: str) -> None:
    """Add text after the parent's last child, or inside it when it has none."""
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


@dataclass(slots=True)
class _Footnote:
    element: etree.Element  # an <li>
    number: int = 0  # in order of first reference; 0 while never referenced
    references: int = 0


@dataclass(slots=True)
class _TreeBuilder:
    root: etree.Element = field(default_factory=lambda: etree.Element("div"))
    stack: list[etree.Element] = field(default_factory=list)
    alt: list[str] | None = None  # an image's text, collected for its alt attribute
    image_depth: int = 0
    footnotes: dict[str, _Footnote] = field(default_factory=dict)
    table_aligns: tuple[str, ...] = ()
    in_head: bool = False
    cell: int = 0
    # Text for one place (an element's text or tail) is gathered and joined once: adding
    # each line to the string there copies it all again, and a hard-wrapped paragraph of
    # 1 MiB (13,000 lines) took seconds. Any other event puts it in place first.
    pending: list[str] = field(default_factory=list)
    pending_at: tuple[etree.Element, str] | None = None

    def __post_init__(self) -> None:
        self.stack.append(self.root)

    def _add_text(self, parent: etree.Element, text: str) -> None:
        at = (parent[-1], "tail") if len(parent) else (parent, "text")
        if at != self.pending_at:
            self._flush()
            self.pending_at = at
        self.pending.append(text)

    def _flush(self) -> None:
        if self.pending_at is not None:
            element, attribute = self.pending_at
            joined = "".join(self.pending)
            setattr(element, attribute, (getattr(element, attribute) or "") + joined)
            self.pending.clear()
            self.pending_at = None

    def feed(self, event: object) -> None:
        if isinstance(event, str):  # SoftBreak, HardBreak, Rule
            self._leaf(event, None)
            return
        ((kind, value),) = event.items()  # type: ignore[attr-defined]
        if kind == "Start":
            self._start(value)
        elif kind == "End":
            self._end()
        else:
            self._leaf(kind, value)

    def finish(self) -> etree.Element:
        self._flush()
        notes = sorted(
            self.footnotes.values(),
            key=lambda note: (note.number == 0, note.number),  # never referenced: last
        )
        if notes:
            section = etree.SubElement(self.root, "div", {"class": "footnotes"})
            section.text = "\n"
            etree.SubElement(section, "hr").tail = "\n"
            listing = etree.SubElement(section, "ol")
            listing.text = "\n"
            for note in notes:
                if note.number:
                    add_back_link(note.element, note.number)
                listing.append(note.element)
                note.element.tail = "\n"
            listing.tail = section.tail = "\n"
        return self.root

    # Elements

    def _open(self, tag: str, attributes: dict[str, str] | None = None) -> etree.Element:
        """A new element in the current one, made current; past the deepest nesting
        kept, the current one again (its text still goes in)."""
        parent = self.stack[-1]
        if len(self.stack) > MAX_DEPTH:
            self.stack.append(parent)
            return parent
        if tag in _BLOCKS and not len(parent) and not parent.text:
            parent.text = "\n"  # a container's first block starts on a line of its own
        element = etree.SubElement(parent, tag, attributes or {})
        self.stack.append(element)
        return element

    def _start(self, tag: object) -> None:
        self._flush()
        if self.alt is not None:
            self.image_depth += 1  # formatting inside an image's text is dropped
            return
        if isinstance(tag, str):
            simple = _SIMPLE_TAGS.get(tag)
            if simple is not None:
                self._open(simple)
            elif tag == "TableHead":
                self.in_head, self.cell = True, 0
                self._open("thead")
                self._open("tr")
            elif tag == "TableRow":
                self.in_head, self.cell = False, 0
                table = self.stack[-1]
                body = table[-1] if len(table) and table[-1].tag == "tbody" else None
                if body is None:
                    body = self._open("tbody")
                else:
                    self.stack.append(body)
                self._open("tr")
            elif tag == "TableCell":
                aligns = self.table_aligns
                align = _ALIGN.get(aligns[self.cell], "") if self.cell < len(aligns) else ""
                self.cell += 1
                attributes = {"style": f"text-align: {align}"} if align else {}
                self._open("th" if self.in_head else "td", attributes)
            elif tag == "HtmlBlock":
                self._open("p")  # raw HTML is shown as the text it is
            else:
                self.stack.append(self.stack[-1])  # a tag this version does not know
            return
        ((name, value),) = tag.items()  # type: ignore[attr-defined]
        if name == "Heading":
            self._open(_HEADINGS.get(value["level"], "p"))
        elif name == "List":
            ordered = value is not None
            self._open(
                "ol" if ordered else "ul",
                {"start": str(value)} if ordered and value != 1 else None,
            )
        elif name == "CodeBlock":
            pre = self._open("pre")
            language = value.get("Fenced", "").split() if isinstance(value, dict) else []
            if pre.tag == "pre":  # its text goes into the <code>, see _leaf
                etree.SubElement(
                    pre, "code", {"class": f"language-{language[0]}"} if language else {}
                )
        elif name == "Link":
            self._open("a", _link_attributes(value))
        elif name == "Image":
            attributes = {"src": value["dest_url"], "alt": ""}
            if value.get("title"):
                attributes["title"] = value["title"]
            image = etree.SubElement(self.stack[-1], "img", attributes)
            self.stack.append(image)
            self.alt, self.image_depth = [], 1
        elif name == "Table":
            self.table_aligns = tuple(value)
            self._open("table")
        elif name == "FootnoteDefinition":
            note = self._footnote(str(value))
            self.stack.append(note.element)
        elif name == "BlockQuote":
            self._open("blockquote")
        else:
            self.stack.append(self.stack[-1])

    def _end(self) -> None:
        self._flush()
        if self.alt is not None:
            self.image_depth -= 1
            if self.image_depth == 0:
                self.stack.pop().set("alt", "".join(self.alt))
                self.alt = None
            return
        element = self.stack.pop()
        if element.tag == "p" and not len(element) and element.text:
            element.text = element.text.rstrip("\n")  # the lines of a block of raw HTML
        elif element.tag == "tr" and self.in_head:
            element.tail = "\n"
            element = self.stack.pop()  # the <thead> around the head row
            self.in_head = False
        elif element.tag == "tr" and self.stack[-1].tag == "tbody":
            element.tail = "\n"
            element = self.stack.pop()  # the <tbody>, opened again by the next row
        if element.tag in _BLOCKS:
            element.tail = "\n"

    def _leaf(self, kind: str, value: object) -> None:
        parent = self.stack[-1]
        if parent.tag == "pre" and len(parent):
            parent = parent[0]  # a code block's <code>
        if self.alt is not None:
            if isinstance(value, str):
                self.alt.append(value)
            elif kind == "SoftBreak":
                self.alt.append(" ")
            return
        if kind == "Text" or kind == "Html" or kind == "InlineHtml":
            self._add_text(parent, str(value))
            return
        if kind == "SoftBreak":
            self._add_text(parent, "\n")
            return
        self._flush()
        if kind == "Code":
            etree.SubElement(parent, "code").text = str(value)
        elif kind == "HardBreak":
            etree.SubElement(parent, "br").tail = "\n"
        elif kind == "Rule":
            if not len(parent) and not parent.text:
                parent.text = "\n"
            etree.SubElement(parent, "hr").tail = "\n"
        elif kind == "FootnoteReference":
            self._reference(parent, str(value))
        elif isinstance(value, str):
            append_text(parent, value)  # an event this version does not know: keep its text

    # Footnotes: numbered as a reader meets them, listed at the end with a way back.

    def _footnote(self, label: str) -> _Footnote:
        note = self.footnotes.get(label)
        if note is None:
            note = self.footnotes[label] = _Footnote(etree.Element("li"))
        return note

    def _reference(self, parent: etree.Element, label: str) -> None:
        note = self._footnote(label)
        if note.number == 0:
            note.number = sum(1 for other in self.footnotes.values() if other.number) + 1
            note.element.set("id", f"fn-{note.number}")
        note.references += 1
        suffix = "" if note.references == 1 else f"-{note.references}"
        sup = etree.SubElement(parent, "sup", {"id": f"fnref-{note.number}{suffix}"})
        link = etree.SubElement(
            sup, "a", {"class": "footnote-ref", "href": f"#fn-{note.number}", "role": "doc-noteref"}
        )
        link.text = str(note.number)


def add_back_link(item: etree.Element, number: int) -> None:
    """A link from the end of the note's last paragraph back to where it is referenced."""
    last = item[-1] if len(item) else None
    holder = last if last is not None and last.tag == "p" else item
    append_text(holder, "\u00a0")
    back = etree.SubElement(
        holder,
        "a",
        {
            "class": "footnote-back",
            "href": f"#fnref-{number}",
            "aria-label": f"Back to reference {number}",
            "role": "doc-backlink",
        },
    )
    back.text = "\u21a9\ufe0e"  # ↩ as text, not as an emoji


def _link_attributes(value: dict[str, str]) -> dict[str, str]:
    href = value["dest_url"]
    if value.get("link_type") == "Email" and not href.lower().startswith("mailto:"):
        href = f"mailto:{href}"
    attributes = {"href": href}
    if value.get("title"):
        attributes["title"] = value["title"]
    return attributes
