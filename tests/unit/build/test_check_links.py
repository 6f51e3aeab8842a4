"""How check reads a page's links and anchors: as a browser tokenizes the HTML."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build.links import LinkResolver, PageLinks, find_broken_links, read_page_links

RESOLVER = LinkResolver("https://example.org/gazette/")
PAGE = "a/index.html"


def read(html: str) -> PageLinks:
    return read_page_links(html, PAGE, LinkResolver("https://example.org/gazette/"))


def hrefs(html: str) -> list[tuple[str, int]]:
    return [(href, line) for href, line, _, _ in read(html).links]


def test_text_elements_comments_and_declarations_hold_no_links() -> None:
    html = (
        "<!DOCTYPE html>\n<title>a <a href='/t/'>b</a></title>\n"
        "<script>document.write('<a href=\"/s/\">')</script>\n"
        "<style>a[href='/c/'] {}</style>\n<textarea><a href=/x/></textarea>\n"
        "<!-- <a href='/comment/'> -->\n<a href='/gazette/real/'>real</a>\n"
    )
    assert hrefs(html) == [("/gazette/real/", 7)]


def test_a_script_with_a_src_is_a_link_and_its_body_is_not() -> None:
    html = '<script src="/gazette/s.js">var a = "<img src=/no.png>";</script><img src="/i.png">'
    assert hrefs(html) == [("/gazette/s.js", 1), ("/i.png", 1)]


def test_attributes_as_a_browser_reads_them() -> None:
    html = (
        '<a title="1 > 0" href="/gazette/q/?a=1&amp;b=2#x">\n'
        "<A HREF=/gazette/upper/>\n<img\n  alt='x'\n  src='/gazette/i.png'>\n"
        '<a name="old-anchor"></a><h2 id="new">t</h2><base href="/elsewhere/">'
        '<div data-id="not-an-anchor" id=bare></div>'
    )
    page = read(html)
    assert [(h, line) for h, line, _, _ in page.links] == [
        ("/gazette/q/?a=1&b=2#x", 1),
        ("/gazette/upper/", 2),
        ("/gazette/i.png", 3),
    ]
    assert page.anchors == {"old-anchor", "new", "bare"}


def test_broken_links_are_found_once_per_place_and_line() -> None:
    pages = {
        "index.html": read_page_links(
            '<a href="/gazette/b/">b</a>\n<a href="/gazette/b/#nope">x</a>\n'
            '<a href="/gazette/gone/">g</a>\n<a href="/gazette/gone/">g</a>',
            "index.html",
            RESOLVER,
        ),
        "b/index.html": read_page_links('<p id="here">', "b/index.html", RESOLVER),
    }
    broken = find_broken_links(pages, set(pages), base_path="/gazette/")
    assert [(b.link.href, b.link.line) for b in broken] == [
        ("/gazette/b/#nope", 2),
        ("/gazette/gone/", 3),
        ("/gazette/gone/", 4),
    ]


class _Reference(HTMLParser):
    """Python's HTMLParser, which check used before: the same answers on HTML that
    has no raw-text element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, int]] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.anchors.add(value)
            elif (name == "href" and tag != "base") or name == "src":
                self.links.append((value, self.getpos()[0]))

    handle_startendtag = handle_starttag


_NAMES = st.sampled_from(["id", "href", "src", "name", "class", "title", "data-id", "HREF"])
_VALUES = st.text(alphabet="/ab#>&<=' \n;x", max_size=12)
_TAGS = st.sampled_from(["a", "img", "div", "p", "link", "base", "A", "h2"])


@st.composite
def _tag(draw: st.DrawFn) -> str:
    attributes = []
    for name, value in draw(st.lists(st.tuples(_NAMES, _VALUES), max_size=4)):
        quote = '"' if "'" in value else draw(st.sampled_from(['"', "'"]))
        attributes.append(f"{name}={quote}{value.replace(quote, '')}{quote}")
    space = draw(st.sampled_from([" ", "\n", "  "]))
    return f"<{draw(_TAGS)}{space}{space.join(attributes)}>"


_TEXT = st.text(alphabet="ab \n.,", max_size=10)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_TEXT, _tag(), st.sampled_from(["", "</a>", "<!-- c -->"]))))
def test_the_same_links_and_anchors_as_htmlparser(parts: list[tuple[str, str, str]]) -> None:
    html = "".join(text + tag + after for text, tag, after in parts)
    reference = _Reference()
    reference.feed(html)
    reference.close()
    page = read(html)
    assert page.anchors == reference.anchors
    expected = [
        (href, line) for href, line in reference.links if RESOLVER.resolve(href, PAGE) is not None
    ]
    assert hrefs(html) == expected
