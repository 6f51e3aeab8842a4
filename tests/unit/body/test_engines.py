"""Both Markdown engines give a reader the same body, through one pipeline, and nothing
an article or an extension writes gets past the sanitiser."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.body.annotations import Target
from generator.body.body_markup import ArticleMarkup, NoteSpec, QuoteSpec, plain_text, render_body
from generator.body.engines import COMMONMARK, PYTHON_MARKDOWN, MarkdownEngine, sanitise
from generator.content.actors import Actor, ActorType, build_matcher
from generator.content.frontmatter import body_of
from tests.support import REPO
from tests.support.limits import no_hang

PM = MarkdownEngine(PYTHON_MARKDOWN)
CM = MarkdownEngine(COMMONMARK)
ACTORS = (
    Actor("vladimir-putin", "Vladimir Putin", ActorType.PERSON, short=("Putin",)),
    Actor("russia", "Russia", ActorType.COUNTRY, aliases=("Moscow",)),
)
GOLDEN_BODIES = sorted((REPO / "tests" / "fixtures" / "golden" / "content").rglob("*.md"))

SAMPLES = {
    "emphasis": "Some *em*, **strong**, ***both***, _under_ and __double__ and a\\*star.",
    "lists": "- one\n- two\n\n1. first\n2. second\n\nText.\n\n7. seven\n8. eight",
    "loose list": "- one\n\n- two\n\n- three",
    "nested list": "- outer\n    - inner\n    - inner two\n- outer two",
    "table": "| A | B | C |\n|:--|:-:|--:|\n| 1 | *2* | `3` |\n| x | y | z |",
    "footnotes": "Text[^a] more[^b] again[^a].\n\n[^a]: First note.\n[^b]: Second *note*.",
    "links": '[a](https://e.org/a "T") <https://e.org/auto> <me@e.org> [rel](/x/) [q](?a=1&b=2)',
    "images": '![alt *text*](/i.png "title") and ![plain](/j.png)',
    "code": "Inline `a < b & c` code.\n\n```python\nif a < b and c > d:\n    x = '&amp;'\n```\n\n"
    "    indented <code>\n    block",
    "headings": "# One\n\n## Two *em*\n\n### Three\n\nSetext\n======\n\nAnd\n---",
    "blockquote": "> quoted *text*\n> more\n>\n> second para\n\nafter",
    "entities": "AT&amp;T, &copy; 2024, &#169; &#x263A; & a lone &, &nosuch; and \\&copy;",
    "breaks": "line one  \nline two\nline three\n\n***\n\nafter the rule",
    "hostile": '<script>alert(1)</script> <img src=x onerror="alert(1)"> <!-- c -->\n\n'
    "&lt;b&gt; [x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) ![z](data:text/html,x)",
    # Python-Markdown marks its placeholders with these; an article's own are kept.
    "control characters": "0\x03 text \x02wzxhzdk:0\x03 and *a\x02* \ue000\ue001",
    "html block after a paragraph": "Text here.\n<!-- x -->\n\nNext.\n<div>\nblock\n</div>\n\nEnd.",
    "escapes": "\\# not \\- a \\> heading \\[x\\](y) \\<b\\> 1\\. \\| \\~ \\=",
}


def render(text: str, engine: MarkdownEngine, **markup: object) -> str:
    return render_body(
        text,
        ArticleMarkup(
            build_matcher(ACTORS), href=lambda i: f"/actors/{i}/", engine=engine, **markup
        ),  # type: ignore[arg-type]
    )


def reader_view(html: str) -> tuple[object, ...]:
    """What a reader sees and can follow: the elements in order, the text, the links."""
    soup = BeautifulSoup(html, "html.parser")
    tags = [tag.name for tag in soup.find_all(True)]
    text = " ".join(soup.get_text().split())
    links = [(a.get("href"), " ".join(a.get_text().split())) for a in soup.find_all("a")]
    images = [(img.get("src"), img.get("alt"), img.get("title")) for img in soup.find_all("img")]
    ids = [tag.get("id") for tag in soup.find_all(id=True)]
    return tags, text, links, images, ids


@pytest.mark.parametrize("text", SAMPLES.values(), ids=SAMPLES.keys())
def test_both_engines_show_a_reader_the_same_body(text: str) -> None:
    assert reader_view(render(text, PM)) == reader_view(render(text, CM))


@pytest.mark.parametrize("path", GOLDEN_BODIES, ids=[p.stem for p in GOLDEN_BODIES])
def test_the_golden_articles_render_to_the_same_html_in_both_engines(path: Path) -> None:
    body = body_of(path.read_text(encoding="utf-8"), path=path)
    assert render(body, PM) == render(body, CM)


@pytest.mark.parametrize("engine", [PM, CM], ids=[PYTHON_MARKDOWN, COMMONMARK])
def test_raw_html_is_text_and_only_safe_urls_survive_in_either_engine(
    engine: MarkdownEngine,
) -> None:
    html = render(
        '<script>alert(1)</script>\n\n<div class="x">block</div>\n\n<!-- comment -->\n\n'
        'Text <img src=x onerror="alert(1)"> <b onclick="x()">b</b> &lt;i&gt; &amp;lt;\n\n'
        "[a](javascript:alert(1)) [b](vbscript:x) ![c](data:image/png;base64,xx) "
        "<javascript:alert(1)>",
        engine,
    )
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(["script", "div", "b", "i"]) is None, html
    assert [img["src"] for img in soup.find_all("img")] == ["#"]  # the data: image
    assert not [attr for tag in soup.find_all(True) for attr in tag.attrs if attr.startswith("on")]
    assert "<!--" not in html.replace("&lt;!--", "")
    text = soup.get_text()
    for shown in ('<script>alert(1)</script>', '<div class="x">block</div>', "<!-- comment -->",
                  '<img src=x onerror="alert(1)">', "<i>", "&lt;"):  # fmt: skip
        assert shown in text, (shown, html)
    assert {a.get("href") for a in soup.find_all("a")} <= {"#", None}


def annotated(engine: MarkdownEngine) -> str:
    """A body with actor links, a margin note and a quote."""
    return render(
        "Vladimir Putin spoke in **Moscow**.\n\nRussia said \u201cwe will build it\u201d today.",
        engine,
        actor_ids=frozenset({"vladimir-putin", "russia"}),
        notes=(
            NoteSpec(Target("annotation 1", "spoke in Moscow"), "context", "Context", "A *note*."),
        ),
        quotes=(QuoteSpec(Target("quote 1", "we will build it"), 1, "Russia", "/actors/russia/"),),
    )


def test_actor_links_notes_and_quotes_are_the_same_in_both_engines() -> None:
    assert annotated(PM) == annotated(CM)


@pytest.mark.parametrize("engine", [PM, CM], ids=[PYTHON_MARKDOWN, COMMONMARK])
def test_actor_links_notes_and_quotes_are_marked_in_either_engine(engine: MarkdownEngine) -> None:
    soup = BeautifulSoup(annotated(engine), "html.parser")
    assert [a["href"] for a in soup.select("a.actor")] == [
        "/actors/vladimir-putin/",
        "/actors/russia/",
    ]
    assert soup.select_one("#note-1 .note-body em").get_text() == "note"
    assert soup.select_one("mark#quote-1").get_text() == "we will build it"


def test_plain_text_is_the_same_in_both_engines() -> None:
    for text in SAMPLES.values():
        assert plain_text(text, PM) == plain_text(text, CM)


def test_a_python_markdown_extension_changes_the_body_and_commonmark_has_none() -> None:
    text = "[TOC]\n\n# First\n\n## Second\n\n*[HTML]: Hyper Text\n\nSome HTML here."
    engine = MarkdownEngine(
        PYTHON_MARKDOWN, ("toc", "abbr"), json.dumps({"toc": {"permalink": True}})
    )
    soup = BeautifulSoup(render(text, engine), "html.parser")
    assert [a["href"] for a in soup.select("div.toc a")] == ["#first", "#second"]
    assert soup.find("h1")["id"] == "first"
    assert soup.select_one("h1 a.headerlink")["href"] == "#first"
    assert soup.find("abbr")["title"] == "Hyper Text"
    plain = BeautifulSoup(render(text, CM), "html.parser")
    assert plain.find("div", class_="toc") is None and plain.find("abbr") is None


def test_a_third_party_extension_loads_by_its_dotted_name() -> None:
    engine = MarkdownEngine(PYTHON_MARKDOWN, ("pymdownx.tilde", "pymdownx.mark"))
    soup = BeautifulSoup(render("~~gone~~ and ==marked== text", engine), "html.parser")
    assert soup.find("del").get_text() == "gone"
    assert soup.find("mark").get_text() == "marked"


HOSTILE_EXTENSION = '''
"""A Markdown extension that emits what no page may hold."""
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor


class Elements(Treeprocessor):
    def run(self, root):
        script = etree.SubElement(root, "script")
        script.text = "alert('tree')"
        etree.SubElement(root, "img", {"src": "x.png", "onerror": "alert('img')"})
        link = etree.SubElement(root, "a", {"href": "javascript:alert('a')", "onclick": "x()"})
        link.text = "click"
        etree.SubElement(root, "iframe", {"src": "https://evil.example/"})
        styled = etree.SubElement(root, "p", {"style": "position:fixed", "onmouseover": "x()"})
        styled.text = "kept text"


class Stashed(Preprocessor):
    def run(self, lines):
        raw = "<script>alert('stash')</script><img src=y onerror=alert('stash')>"
        return [*lines, "", self.md.htmlStash.store(raw)]


class Inline(InlineProcessor):
    def handleMatch(self, m, data):
        return self.md.htmlStash.store('<b onclick="alert(1)">bold</b>'), m.start(0), m.end(0)


class HostileExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(Elements(md), "hostile", 1)
        md.preprocessors.register(Stashed(md), "hostile", 1)
        md.inlinePatterns.register(Inline(r"@@", md), "hostile", 200)


def makeExtension(**kwargs):
    return HostileExtension(**kwargs)
'''


def test_what_an_extension_emits_passes_the_sanitiser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "hostile_extension.py").write_text(textwrap.dedent(HOSTILE_EXTENSION))
    monkeypatch.syspath_prepend(str(tmp_path))
    html = render("Text @@ here.", MarkdownEngine(PYTHON_MARKDOWN, ("hostile_extension",)))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(["script", "iframe"]) is None, html
    assert "alert(" not in html, html
    assert not [a for tag in soup.find_all(True) for a in tag.attrs if a.startswith("on")], html
    assert soup.find("p", style=True) is None, html
    assert "click" in soup.get_text() and "kept text" in soup.get_text()
    assert soup.find("b").get_text() == "bold"  # allowed markup stays, without its handler
    assert [a.get("href") for a in soup.find_all("a")] in ([None], ["#"])


def test_the_sanitiser_keeps_what_the_pipeline_writes() -> None:
    html = render(
        "Vladimir Putin said it.[^1]\n\n| a |\n|:-|\n| b |\n\n[^1]: A note.",
        PM,
        actor_ids=frozenset({"vladimir-putin"}),
        notes=(NoteSpec(Target("annotation 1", "said it"), "fact-check", "Fact-check", "N."),),
    )
    assert sanitise(html) == html  # nothing of ours is dropped: sanitising is stable
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("a.actor")["href"] == "/actors/vladimir-putin/"
    assert soup.select_one("mark.note-anchor")["data-for"] == "anchor-1"
    assert soup.select_one("span.margin-note")["role"] == "note"
    assert soup.select_one("a.footnote-back")["aria-label"] == "Back to reference 1"
    assert soup.select_one("th")["style"] == "text-align:left"


def test_rendering_is_byte_identical_run_to_run() -> None:
    engine = MarkdownEngine(PYTHON_MARKDOWN, ("toc", "abbr", "def_list"))
    text = "\n\n".join(SAMPLES.values())
    assert len({render(text, engine) for _ in range(3)}) == 1


@pytest.mark.parametrize(
    "text",
    [
        "[a](" * 20000,
        "![" * 20000,
        "[^" * 20000,
        "".join("  " * i + "- item\n" for i in range(3000)),
    ],
    ids=["links", "images", "footnotes", "nested list"],
)
def test_hostile_markdown_does_not_stall_python_markdown(text: str) -> None:
    with no_hang(10):
        html = render(text + " Russia", PM, actor_ids=frozenset({"russia"}))
    assert BeautifulSoup(html, "html.parser").select_one("a.actor").get_text() == "Russia"


def test_a_parse_cut_short_leaves_the_next_one_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # An error or a test's alarm in the middle of the block parser leaves its state (in
    # a list, say) behind in the instance kept for the next article.
    from markdown.blockprocessors import ParagraphProcessor

    from generator.body.engines import ExtensionFailed

    original = ParagraphProcessor.run

    def interrupted(self: ParagraphProcessor, parent: object, blocks: list[str]) -> None:
        if self.parser.state.isstate("list"):
            raise AssertionError("no answer within 10 s: a hang")
        original(self, parent, blocks)  # type: ignore[arg-type]

    monkeypatch.setattr(ParagraphProcessor, "run", interrupted)
    with pytest.raises(ExtensionFailed):
        render("- an item\n- another", PM)
    monkeypatch.setattr(ParagraphProcessor, "run", original)
    assert render("word", PM) == "<p>word</p>"
