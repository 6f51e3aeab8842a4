"""The two Markdown engines behind one parse, and the sanitiser every body passes.

python-markdown (the default): Python-Markdown, with the extensions MkDocs and Pelican
users know. commonmark: pulldown-cmark through pyromark, about three times faster, with
no extensions. Both give the same tree shapes (markdown_tree's), so actor links and
anchoring are one pipeline; both show raw HTML as text; and both bodies pass the nh3
allowlist below before they are written, so nothing an extension emits gets past it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import nh3

from generator.body import markdown_tree, python_markdown

PYTHON_MARKDOWN = "python-markdown"
COMMONMARK = "commonmark"
ExtensionFailed = python_markdown.ExtensionFailed


@dataclass(frozen=True, slots=True)
class MarkdownEngine:
    """How article Markdown is read: the engine, and Python-Markdown's extensions."""

    name: str = PYTHON_MARKDOWN
    # Extensions beyond the base ones (python_markdown.BASE_EXTENSIONS), as site.yaml
    # names them: 'toc', 'markdown.extensions.abbr', 'pymdownx.tilde'.
    extensions: tuple[str, ...] = ()
    # {extension name: {option: value}} as canonical JSON text: hashable and stable.
    extension_configs: str = "{}"


DEFAULT_ENGINE = MarkdownEngine()


def parse(text: str, engine: MarkdownEngine = DEFAULT_ENGINE) -> etree.Element:
    """The Markdown as the children of a <div>, in the same shapes for either engine.

    Python-Markdown's block parser recurses once per level of nesting and slows with
    each (a list 3,000 levels deep took minutes): text nested past what any reader
    needs is read by pulldown-cmark, which flattens it, so no article stalls a build.
    """
    if engine.name == COMMONMARK or _hostile(text):
        return markdown_tree.parse(text)
    try:
        root = python_markdown.parse(text, engine.extensions, engine.extension_configs)
    except RecursionError:
        return markdown_tree.parse(text)
    # The later stages walk the tree recursively; pulldown-cmark's builder flattens what
    # is nested deeper than MAX_DEPTH ('- ' 10,000 times on a line is as many lists).
    return markdown_tree.parse(text) if _deeper_than(root, markdown_tree.MAX_DEPTH) else root


def _deeper_than(root: etree.Element, limit: int) -> bool:
    level = [root]
    for _ in range(limit):
        level = [child for element in level for child in element]
        if not level:
            return False
    return True


# A line that starts with more indentation and quote markers than MAX_DEPTH levels.
_HOSTILE_NESTING = re.compile(rf"^[ \t>]{{{4 * markdown_tree.MAX_DEPTH},}}", re.MULTILINE)
# Python-Markdown's link and image patterns rescan a paragraph's text from each '[':
# 5,000 unclosed '![' in one paragraph took 15 s. No paragraph a reader sees has this
# many brackets.
_MAX_BRACKETS = 256
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _hostile(text: str) -> bool:
    """Text that would cost Python-Markdown far more than its length."""
    if text.count("[") > _MAX_BRACKETS and any(
        block.count("[") > _MAX_BRACKETS for block in _BLANK_LINE.split(text)
    ):
        return True
    return _HOSTILE_NESTING.search(text) is not None


# The allowlist: what the pipeline itself writes (Markdown's elements, footnotes, actor
# links, note markers, quote and event marks, the margin notes) and what the common
# extensions write (toc, abbr, def_list, attr_list, admonition, pymdownx's tilde, caret,
# mark, keys, details, tasklist, highlight). Anything else is dropped, its text kept;
# <script> and <style> go with their content.
_TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
     "dd", "del", "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2",
     "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark", "ol",
     "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table",
     "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
)  # fmt: skip
_EVERYWHERE = {"class", "id", "title", "role", "lang", "dir", "aria-label", "aria-hidden"}
_ATTRIBUTES = {
    "*": _EVERYWHERE,
    "a": _EVERYWHERE | {"href", "tabindex"},
    "img": _EVERYWHERE | {"src", "alt", "width", "height"},
    "ol": _EVERYWHERE | {"start", "type", "reversed"},
    "td": _EVERYWHERE | {"style", "colspan", "rowspan", "align"},
    "th": _EVERYWHERE | {"style", "colspan", "rowspan", "align", "scope"},
    "mark": _EVERYWHERE | {"data-for"},
    "input": _EVERYWHERE | {"type", "checked", "disabled"},
    "details": _EVERYWHERE | {"open"},
}
# Built once: nh3 builds its sanitiser from these on each nh3.clean call, which cost as
# much again as the cleaning itself.
_CLEANER = nh3.Cleaner(
    tags=set(_TAGS),
    attributes=_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel=None,
    strip_comments=True,
    filter_style_properties={"text-align"},
)


def sanitise(body_html: str) -> str:
    """The HTML with only allowed elements, attributes and URL schemes left.

    nh3 (ammonia) parses it as a browser would and writes it again; its one change to
    what the pipeline writes is a no-break space as an entity, put back as the
    character so the bytes stay as they were.
    """
    return _CLEANER.clean(body_html).replace("&nbsp;", "\u00a0")
