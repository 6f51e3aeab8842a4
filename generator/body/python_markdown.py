"""Markdown to an ElementTree through Python-Markdown and its extensions.

Python-Markdown builds an ElementTree itself; it is taken before serialisation (the
preprocessors, the block parser and the treeprocessors run, the postprocessors do not)
and brought to the shapes markdown_tree's pulldown-cmark builder makes, so the later
stages (actor links, anchoring, notes) are the same for both engines. Article text is
untrusted: the raw HTML processors are removed, so raw HTML stays text. What extensions
put in the HTML stash is parsed into elements here and, like everything else, passes
the allowlist sanitiser (engines.sanitise) before it is written.
"""

from __future__ import annotations

import copy
import html
import json
import re
import string
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping
from functools import lru_cache
from html.parser import HTMLParser

import markdown
from markdown import inlinepatterns, util
from markdown.blockprocessors import BlockProcessor
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.extensions.footnotes import FN_BACKLINK_TEXT, NBSP_PLACEHOLDER
from markdown.preprocessors import NormalizeWhitespace, Preprocessor
from markdown.treeprocessors import InlineProcessor, UnescapeTreeprocessor

from generator.body.markdown_tree import VOID, add_back_link

# Always on in Python-Markdown, so both engines read the same Markdown: CommonMark's
# fenced code, tables and footnotes (as pyromark is run), and list numbers and markers
# as CommonMark reads them (sane_lists).
BASE_EXTENSIONS = ("fenced_code", "footnotes", "sane_lists", "tables")
# Footnotes numbered in the order a reader meets them, as the other engine does.
BASE_CONFIGS: Mapping[str, Mapping[str, object]] = {"footnotes": {"USE_DEFINITION_ORDER": False}}


class ExtensionFailed(Exception):
    """An extension raised an error while it read an article's Markdown: which one, when
    its code raised it, and the 1-based line of the text it failed on, when one block
    (a paragraph, a list, ...) fails alone."""

    def __init__(self, what: str, *, extension: str | None = None, line: int | None = None) -> None:
        super().__init__(what)
        self.what, self.extension, self.line = what, extension, line


def load_markdown(extensions: tuple[str, ...], configs: Mapping[str, object]) -> markdown.Markdown:
    """A Python-Markdown instance that leaves raw HTML as text; raises what the
    extensions raise when one is unknown, fails to load or rejects its options."""
    names = list(dict.fromkeys((*BASE_EXTENSIONS, *extensions)))
    merged: dict[str, object] = {name: dict(value) for name, value in BASE_CONFIGS.items()}
    for name, options in configs.items():
        base = merged.get(name)
        merged[name] = {**base, **options} if isinstance(base, dict) else options  # type: ignore[dict-item]
    md = markdown.Markdown(extensions=names, extension_configs=merged)
    # Raw HTML is shown as the text it is: no block of it, no inline tag, no comment.
    # (A block's lines are then read as Markdown, where CommonMark keeps them verbatim.)
    for registry, name in ((md.preprocessors, "html_block"), (md.inlinePatterns, "html")):
        if name in registry:
            registry.deregister(name)
    # Entities stay in the text, to become their characters in _decoded (stashed, they
    # would be hidden from the text that actors and anchors are found in); e-mail links
    # are written plainly; an escaped '&' is kept apart from one that starts an entity.
    if "entity" in md.inlinePatterns:
        md.inlinePatterns.deregister("entity")
    md.inlinePatterns.register(_Automail(inlinepatterns.AUTOMAIL_RE, md), "automail", 110)
    # After fenced code (25) has taken its blocks, before the block parser.
    md.preprocessors.register(_HtmlBlockBreaks(md), "html_block_breaks", 19)
    md.treeprocessors.register(_Unescape(md), "unescape", 0)
    # The same work as Python-Markdown's, skipped where it would change nothing.
    if type(md.preprocessors["normalize_whitespace"]) is NormalizeWhitespace:
        md.preprocessors.register(_NormalizeWhitespace(md), "normalize_whitespace", 30)
    if "fenced_code_block" in md.preprocessors:
        fences = md.preprocessors["fenced_code_block"]
        if type(fences) is FencedBlockPreprocessor:
            md.preprocessors.register(_OnlyWith(fences, ("```", "~~~")), "fenced_code_block", 25)
    if not extensions and hasattr(InlineProcessor, "_InlineProcessor__handleInline"):
        md.treeprocessors.register(_PlainTextSkipped(md), "inline", 20)
        md.parser.blockprocessors.register(_PlainParagraph(md.parser), "plain_paragraph", 101)
    # Any ASCII punctuation may be escaped with a backslash, as in CommonMark, so text
    # escaped for one engine (ingest's escape_markdown) reads the same in the other.
    md.ESCAPED_CHARS = sorted(set(md.ESCAPED_CHARS) | set(string.punctuation))
    return md


@lru_cache(maxsize=8)
def _instance(extensions: tuple[str, ...], configs: str) -> markdown.Markdown:
    # One per process and settings: making one costs more than reading an article.
    return load_markdown(extensions, json.loads(configs))


def parse(text: str, extensions: tuple[str, ...], configs: str) -> etree.Element:
    """The Markdown as the children of a <div>, in markdown_tree's shapes.

    configs: the extensions' options as JSON text (hashable: the instance is cached).
    Raises ExtensionFailed, with the line it failed on when that can be found."""
    try:
        return _parse(text, extensions, configs)
    except ExtensionFailed as failed:
        failed.line = _failing_line(text, extensions, configs)
        raise


def _failing_line(text: str, extensions: tuple[str, ...], configs: str) -> int | None:
    """The first line of the first block of text that an extension fails on by itself:
    the error's place in the article, found only once it has failed."""
    lines = text.split("\n")
    start = 0
    while start < len(lines):
        if not lines[start].strip():
            start += 1
            continue
        end = start
        while end < len(lines) and lines[end].strip():
            end += 1
        try:
            _parse("\n".join(lines[start:end]), extensions, configs)
        except ExtensionFailed:
            return start + 1
        except RecursionError:
            pass
        start = end
    return None


def _culprit(error: BaseException, extensions: tuple[str, ...]) -> str | None:
    """The configured extension whose code raised the error (the innermost one on its
    traceback), or None."""
    modules = {_module_of(name): name for name in extensions}
    culprit = None
    traceback = error.__traceback__
    while traceback is not None:
        module = str(traceback.tb_frame.f_globals.get("__name__", ""))
        for prefix, name in modules.items():
            if module == prefix or module.startswith(f"{prefix}."):
                culprit = name
        traceback = traceback.tb_next
    return culprit


def _module_of(extension: str) -> str:
    """The module an extension's name in site.yaml loads, as Python-Markdown finds it."""
    module = extension.partition(":")[0]
    return module if "." in module else f"markdown.extensions.{module}"


def _parse(text: str, extensions: tuple[str, ...], configs: str) -> etree.Element:
    md = _instance(extensions, configs)
    # Python-Markdown drops the two control characters it marks its placeholders with;
    # text that holds them keeps them, as the other engine does, hidden in pairs of a
    # private-use character that the tree gives back.
    hidden = util.STX in text or util.ETX in text
    if hidden:
        text = text.translate(_HIDE)
    md.reset()
    finished = False
    try:
        root = _tree(md, text)
        stash = list(md.htmlStash.rawHtmlBlocks)
        finished = True
    except RecursionError:
        raise
    except Exception as error:  # an extension's own code: named by the caller
        raise ExtensionFailed(
            str(error) or type(error).__name__, extension=_culprit(error, extensions)
        ) from error
    finally:
        if finished:
            md.reset()
        else:
            # Cut short (an error, a recursion, an alarm), the parser may keep its state
            # (inside a list, say), which reset() does not clear: the next article gets
            # a new instance.
            _instance.cache_clear()
    if hidden:
        _change_texts(root, _shown)
    # Every text and attribute as the characters it stands for, as a tree from the other
    # engine holds them (to_html escapes them again); before the stash goes in: its HTML
    # is decoded when it is parsed.
    _change_texts(root, _decoded)
    if stash:
        _unstash(root, stash)
    _normalise(root)
    for image in root.iter("img"):
        alt = image.get("alt", "")
        if _INLINE_MARKUP.search(alt):  # its Markdown read, as text (no extensions)
            image.set("alt", "".join(_parse(alt, (), "{}").itertext()).strip())
    return root


_INLINE_MARKUP = re.compile(r"[*_`\[\\<&]")


def _tree(md: markdown.Markdown, text: str) -> etree.Element:
    """Markdown.convert up to the tree: its serialiser and postprocessors are not run."""
    lines = text.split("\n")
    for preprocessor in md.preprocessors:
        lines = preprocessor.run(lines)
    root = md.parser.parseDocument(lines).getroot()
    for treeprocessor in md.treeprocessors:
        new_root = treeprocessor.run(root)
        if new_root is not None:
            root = new_root
    return root


_HIDE = str.maketrans(
    {"\ue000": "\ue000\ue000", util.STX: "\ue000\ue001", util.ETX: "\ue000\ue002"}
)
_HIDDEN = re.compile("\ue000([\ue000-\ue002])")
_SHOWN = {"\ue000": "\ue000", "\ue001": util.STX, "\ue002": util.ETX}


def _shown(value: str) -> str:
    return _HIDDEN.sub(lambda m: _SHOWN[m[1]], value) if "\ue000" in value else value


def _change_texts(root: etree.Element, change: Callable[[str], str]) -> None:
    """Every text, tail and attribute value of the tree passed through change."""
    for element in root.iter():
        if element.text:
            element.text = change(element.text)
        if element.tail:
            element.tail = change(element.tail)
        for name, value in element.attrib.items():
            element.set(name, change(value))


class _NormalizeWhitespace(NormalizeWhitespace):
    """Python-Markdown's first step, each change made only to text that needs it: the
    regular expression over every character cost more than the block parser."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if util.STX in source or util.ETX in source:
            source = source.replace(util.STX, "").replace(util.ETX, "")
        if "\r" in source:
            source = source.replace("\r\n", "\n").replace("\r", "\n")
        source += "\n\n"
        if "\t" in source:
            source = source.expandtabs(self.md.tab_length)
        if " \n" in source:  # a line of spaces, emptied
            source = _SPACES_LINE.sub("\n", source)
        return source.split("\n")


_SPACES_LINE = re.compile(r"(?<=\n) +\n")


class _OnlyWith(Preprocessor):
    """A preprocessor run only on text that holds one of its marks: it can change no
    other (fenced code needs a fence, ``` or ~~~)."""

    def __init__(self, inner: Preprocessor, marks: tuple[str, ...]) -> None:
        super().__init__(inner.md)
        self._inner, self._marks = inner, marks

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if any(mark in text for mark in self._marks):
            return self._inner.run(lines)
        return lines


class _PlainParagraph(BlockProcessor):
    """A block that can only be a paragraph, made one at once.

    Python-Markdown asks a dozen block processors about every block; most of an
    article's blocks are prose. A block whose every line starts with a letter or an
    opening quote and that has no '|' cannot be a heading, rule, list, quote, code,
    table, footnote or reference definition (each needs a line to start with one of
    '#', '-', '*', '_', '=', '+', '>', '[', a digit or spaces, or a '|'). Only for the
    base extensions, whose block syntax is known; not inside a list, where a paragraph
    is lazy text.
    """

    def test(self, parent: etree.Element, block: str) -> bool:
        return not self.parser.state.isstate("list") and _PLAIN_BLOCK.fullmatch(block) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        etree.SubElement(parent, "p").text = blocks.pop(0)


_PLAIN_LINE = "(?:[^\\W\\d_]|[\u201c\u2018\"'(])[^\\n|]*"
_PLAIN_BLOCK = re.compile(f"{_PLAIN_LINE}(?:\\n{_PLAIN_LINE})*")


class _PlainTextSkipped(InlineProcessor):
    """The inline stage, with text that no base pattern can match passed over.

    Python-Markdown tries each of its dozen inline patterns on every run of text, most
    of a body's cost: a run with none of the characters they start with (emphasis,
    code, links, images, footnotes, autolinks, escapes, a hard break) is left as it is
    at once. Only for the base extensions, whose patterns are known: another extension
    may match anything (abbr matches words).
    """

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        # Each base pattern by identity, with the texts one of which a match holds.
        self._triggers = {
            id(md.inlinePatterns[name]): _PATTERN_TRIGGERS[name]
            for name in (item.name for item in md.inlinePatterns._priority)
            if name in _PATTERN_TRIGGERS
        }
        self._references = {
            id(md.inlinePatterns[name]) for name in _REFERENCE_PATTERNS if name in md.inlinePatterns
        }
        self._inline_links = {
            id(md.inlinePatterns[name])
            for name in ("link", "image_link")
            if name in md.inlinePatterns
        }
        # A tuple, not the registry, which sorts itself on every lookup by index; the
        # patterns are all registered by now.
        self.inlinePatterns = tuple(md.inlinePatterns)  # type: ignore[assignment]

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if patternIndex == 0 and not _INLINE_TRIGGER.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)  # type: ignore[misc]

    def _InlineProcessor__applyPattern(
        self, pattern: object, data: str, patternIndex: int, startIndex: int = 0
    ) -> tuple[str, bool, int]:
        # A pattern whose characters are not in the text cannot match it: each would
        # search the whole paragraph again.
        triggers = self._triggers.get(id(pattern))
        if triggers is not None:
            for trigger in triggers:
                if trigger in data:
                    break
            else:
                return data, False, 0
            # A reference leads nowhere without a definition: with none in the article,
            # each '[' would be read, and left as it was.
            if id(pattern) in self._references and not self.md.references:
                return data, False, 0
            # An inline link or image is '[text](' at least.
            if id(pattern) in self._inline_links and "](" not in data:
                return data, False, 0
        return super()._InlineProcessor__applyPattern(pattern, data, patternIndex, startIndex)  # type: ignore[misc]


# What a match of each base inline pattern holds (at least one of them).
_PATTERN_TRIGGERS: Mapping[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "footnote": ("[^",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "em_strong": ("*", "_"),
    "em_strong2": ("*", "_"),
    "not_strong": ("*", "_"),
}
# The patterns that read '[text][id]' and '[id]': they change nothing without a definition.
_REFERENCE_PATTERNS = ("reference", "image_reference", "short_reference", "short_image_ref")
_INLINE_TRIGGER = re.compile(r"[*_`\[\]!<>\\&]|  \n")


class _HtmlBlockBreaks(Preprocessor):
    """A blank line before each line that starts an HTML block in CommonMark (kinds 1 to
    6, the ones that may interrupt a paragraph), so its text is a paragraph of its own
    here too: pulldown-cmark shows such a block as its text, apart from the paragraph
    above it. (Its lines are still read as Markdown here.)"""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        in_block = False  # a block runs on to a blank line (its end, for the most part)
        for line in lines:
            if not line.strip():
                in_block = False
            elif not in_block and _HTML_BLOCK_START.match(line):
                if out and out[-1].strip():
                    out.append("")
                in_block = True
            out.append(line)
        return out


_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    "h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|"
    "noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
    "thead|title|tr|track|ul"
)
_HTML_BLOCK_START = re.compile(
    rf" {{0,3}}(?:<(?:script|pre|style|textarea)(?:[\s>]|$)|<!--|<\?|<![A-Za-z]|<!\[CDATA\["
    rf"|</?(?:{_BLOCK_TAGS})(?:[\s>]|/>|$))",
    re.IGNORECASE,
)


class _Unescape(UnescapeTreeprocessor):
    """Backslash escapes back to their characters, an escaped '&' as AMP_SUBSTITUTE:
    the text of '\\&copy;' is '&copy;' to read, not the entity _decoded would see."""

    def _unescape(self, m: re.Match[str]) -> str:
        code = int(m.group(1))
        return util.AMP_SUBSTITUTE if code == 38 else chr(code)

    def unescape(self, text: str) -> str:
        # Most texts hold no escape: no substitution to run.
        return self.RE.sub(self._unescape, text) if util.STX in text else text


# In Python-Markdown's tree, text may hold entities its serialiser writes as they are:
# an extension's ('&para;'), code escaped by code_escape ('a &lt; b'), the article's own.
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[0-9a-zA-Z]+);")


def _decoded(text: str) -> str:
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m[0]), text)
    return text.replace(util.AMP_SUBSTITUTE, "&") if util.STX in text else text


class _Automail(inlinepatterns.InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:
        email = self.unescape(m.group(1)).removeprefix("mailto:")
        link = etree.Element("a", {"href": f"mailto:{email}"})
        link.text = util.AtomicString(email)
        return link, m.start(0), m.end(0)


# Stash placeholders, as Python-Markdown writes them.
_PLACEHOLDER = re.compile(re.escape(util.STX) + r"wzxhzdk:(\d+)" + re.escape(util.ETX))


def _unstash(root: etree.Element, stash: list[object]) -> None:
    """Put what extensions stashed (HTML text or elements) in the tree as elements."""
    fragments: dict[int, etree.Element] = {}

    def fragment(index: int) -> etree.Element:
        if index not in fragments:
            item = stash[index] if index < len(stash) else ""
            source = item if isinstance(item, str) else etree.tostring(item, encoding="unicode")  # type: ignore[arg-type]
            fragments[index] = parse_html(str(source))
        return fragments[index]

    for parent in list(root.iter()):
        for name, value in parent.attrib.items():
            if util.STX in value:
                parent.set(
                    name,
                    _PLACEHOLDER.sub(lambda m: "".join(fragment(int(m[1])).itertext()), value),
                )
        for child in list(parent):
            # A block stashed alone in a paragraph takes the paragraph's place.
            whole = _PLACEHOLDER.fullmatch((child.text or "").strip())
            if child.tag == "p" and whole and not len(child):
                _splice(parent, child, fragment(int(whole[1])))
        _expand_text(parent, fragment)


def _splice(parent: etree.Element, old: etree.Element, new: etree.Element) -> None:
    position = list(parent).index(old)
    parent.remove(old)
    _insert_fragment(parent, position, new, tail=old.tail)


def _insert_fragment(
    parent: etree.Element, position: int, new: etree.Element, *, tail: str | None
) -> None:
    """Put a fragment's text and elements at a place among parent's children."""
    children = [copy.deepcopy(child) for child in new]  # a fragment may be used twice
    _insert_text(parent, position, new.text or "")
    parent[position:position] = children
    if tail and children:
        children[-1].tail = (children[-1].tail or "") + tail
    elif tail:
        _insert_text(parent, position, tail)


def _expand_text(parent: etree.Element, fragment: Callable[[int], etree.Element]) -> None:
    """Replace inline placeholders in parent's text and its children's tails."""
    if parent.text and util.STX in parent.text:
        text, parent.text = parent.text, None
        _fill(parent, 0, text, fragment)
    position = 0
    while position < len(parent):
        child = parent[position]
        if child.tail and util.STX in child.tail:
            text, child.tail = child.tail, None
            position = _fill(parent, position + 1, text, fragment)
        else:
            position += 1


def _fill(
    parent: etree.Element, position: int, text: str, fragment: Callable[[int], etree.Element]
) -> int:
    """Insert text with placeholders at position; the position after what was added."""
    last = 0
    for match in _PLACEHOLDER.finditer(text):
        _insert_text(parent, position, text[last : match.start()])
        new = fragment(int(match[1]))
        before = len(parent)
        _insert_fragment(parent, position, new, tail=None)
        position += len(parent) - before
        last = match.end()
    _insert_text(parent, position, text[last:])
    return position


def _insert_text(parent: etree.Element, position: int, text: str) -> None:
    if not text:
        return
    if position == 0:
        parent.text = (parent.text or "") + text
    else:
        before = parent[position - 1]
        before.tail = (before.tail or "") + text


class _FragmentParser(HTMLParser):
    """HTML text (an extension's, never the article's) to elements under a <div>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = etree.Element("div")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = etree.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        etree.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def parse_html(source: str) -> etree.Element:
    parser = _FragmentParser()
    parser.feed(source)
    parser.close()
    return parser.root


# Normalising: Python-Markdown's shapes -> markdown_tree's.


def _normalise(root: etree.Element) -> None:
    footnotes = None
    for element in root.iter():
        tag = element.tag
        if tag == "img":
            # pulldown-cmark's order: src, alt, title.
            attributes = dict(element.attrib)
            element.attrib.clear()
            for name in ("src", "alt", "title"):
                if name in attributes:
                    element.set(name, attributes.pop(name))
            element.attrib.update(attributes)
        elif tag == "tr":
            element.text = None  # a row's cells on one line
            for cell in element:
                cell.tail = None
                style = cell.get("style")
                if style is not None:
                    cell.set("style", style.rstrip("; "))
        elif tag == "strong" and not element.text and len(element) == 1:
            inner = element[0]
            if inner.tag == "em" and not inner.tail:  # ***x***: <em><strong> as CommonMark
                element.tag, inner.tag = "em", "strong"
        elif tag == "div" and element.get("class") == "footnote":
            footnotes = element
    if footnotes is not None:
        _normalise_footnotes(root, footnotes)


def _normalise_footnotes(root: etree.Element, section: etree.Element) -> None:
    """Python-Markdown's footnotes with the ids, classes and back link of the other engine."""
    section.set("class", "footnotes")
    listing = next((child for child in section if child.tag == "ol"), None)
    if listing is None:
        return
    numbers = {f"#{item.get('id')}": number for number, item in enumerate(listing, 1)}
    references: dict[int, int] = {}
    for sup in root.iter("sup"):
        link = sup[0] if len(sup) else None
        if link is None or link.get("class") != "footnote-ref":
            continue
        number = numbers.get(link.get("href", ""))
        if number is None:
            continue
        references[number] = references.get(number, 0) + 1
        count = references[number]
        sup.attrib.clear()
        sup.set("id", f"fnref-{number}" if count == 1 else f"fnref-{number}-{count}")
        link.attrib.clear()
        link.attrib.update(
            {"class": "footnote-ref", "href": f"#fn-{number}", "role": "doc-noteref"}
        )
    for number, item in enumerate(listing, 1):
        for holder in list(item.iter()):
            for back in [c for c in holder if c.get("class") == "footnote-backref"]:
                _drop(holder, back)
            if holder.text:
                holder.text = holder.text.replace(NBSP_PLACEHOLDER, "")
            if holder.tail:
                holder.tail = holder.tail.replace(NBSP_PLACEHOLDER, "")
        item.attrib.clear()
        if number in references:
            item.set("id", f"fn-{number}")
            add_back_link(item, number)


def _drop(parent: etree.Element, child: etree.Element) -> None:
    """Remove a child, keeping its tail text."""
    tail = (child.tail or "").replace(FN_BACKLINK_TEXT, "")
    position = list(parent).index(child)
    parent.remove(child)
    _insert_text(parent, position, tail)
