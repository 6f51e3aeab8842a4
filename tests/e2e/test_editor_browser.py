"""The in-browser editor, driven in Chromium against a real `marginalia serve` process on
a copy of the repository's project: select words on the served article, save, and find
the result in the reloaded page and as exactly one change in the article's file."""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import pytest
import yaml

from tests.support import REPO
from tests.support.npm_tools import axe_violations
from tests.support.serving import ServeProcess, copy_project

BASE = "/archive/"
SLUG = "us-threatens-sanctions-if-north-korea-sells-arms-to-russia"
ARTICLE_FILE = f"content/articles/2023/09/{SLUG}.md"
ARTICLE_URL = f"{BASE}2023/09/11/{SLUG}/"
PANEL = "#marginalia-editor-panel"
SHORTCUT = "Alt+Shift+A"


class Served(ServeProcess):
    """`marginalia serve` on a copy of the repository's project, and its article's file."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.article = root / ARTICLE_FILE


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = Served(copy_project(tmp_path / "project", base_path=BASE))
    yield server
    server.stop()
    assert "Traceback" not in server.stderr(), server.stderr()


class Tab:
    """A page of the served article in Chromium, and every error its console shows."""

    def __init__(self, browser, served: Served, **context_options) -> None:
        self.context = browser.new_context(**context_options)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.expected: list[str] = []  # console errors a test provokes on purpose
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(served.origin + ARTICLE_URL)
        self.page.wait_for_selector(".mge-launcher", state="attached")

    def _console(self, message) -> None:
        # Chromium asks for /favicon.ico whatever the page links; its 404 is not the page's.
        if message.type == "error" and not message.location.get("url", "").endswith("favicon.ico"):
            self.errors.append(message.text)

    def close(self) -> None:
        self.context.close()
        unexpected = [e for e in self.errors if not any(x in e for x in self.expected)]
        assert unexpected == [], unexpected


@pytest.fixture
def tab(browser, served) -> Iterator[Tab]:
    opened = Tab(browser, served)
    yield opened
    opened.close()


# The range of the nth occurrence of words in the article's text, as the reader sees it
# (the build's margin notes beside the text are not part of it).
FIND_RANGE = """([words, nth]) => {
  const body = document.querySelector('.story-body');
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => node.parentElement.closest('.margin-note, .note-ref, .margin-quote')
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const nodes = [];
  let text = '';
  while (walker.nextNode()) {
    nodes.push([walker.currentNode, text.length]);
    text += walker.currentNode.data;
  }
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(words, at + 1);
    if (at === -1) throw new Error('not in the text: ' + words);
  }
  const place = (offset, isEnd) => {
    for (const [node, start] of nodes) {
      const end = start + node.data.length;
      if (offset >= start && (offset < end || (isEnd && offset === end))) {
        return [node, offset - start];
      }
    }
  };
  const range = document.createRange();
  range.setStart(...place(at, false));
  range.setEnd(...place(at + words.length, true));
  return range;
}"""


def select_with_mouse(page, words: str, nth: int = 0) -> None:
    """Drag the mouse across the words, as a reader selects them."""
    page.evaluate(
        f"([w, n]) => ({FIND_RANGE})([w, n]).startContainer.parentElement"
        ".scrollIntoView({block: 'center'})",
        [words, nth],
    )
    rects = page.evaluate(
        f"([w, n]) => Array.from(({FIND_RANGE})([w, n]).getClientRects())"
        ".filter(r => r.width > 0).map(r => [r.left, r.top, r.right, r.bottom])",
        [words, nth],
    )
    left, top, _, bottom = rects[0]
    _, last_top, right, last_bottom = rects[-1]
    page.mouse.move(left + 1, (top + bottom) / 2)
    page.mouse.down()
    page.mouse.move((left + right) / 2, (top + last_bottom) / 2, steps=4)
    page.mouse.move(right - 1, (last_top + last_bottom) / 2, steps=4)
    page.mouse.up()
    assert page.evaluate("() => window.getSelection().toString()") == words


def select_with_script(page, words: str, nth: int = 0) -> None:
    page.evaluate(
        f"([w, n]) => {{ const r = ({FIND_RANGE})([w, n]); const s = window.getSelection();"
        " s.removeAllRanges(); s.addRange(r); }",
        [words, nth],
    )


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])


def changed_lines(before: str, after: str) -> list[tuple[str, list[str], list[str]]]:
    """The changes between two versions of a file, line by line: (tag, old, new)."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return [
        (tag, old[i1:i2], new[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def wait_for_reload(page, action) -> None:
    """Do action (a save), and wait until the page has loaded again."""
    with page.expect_event("load", timeout=15_000):
        action()
    page.wait_for_selector(".mge-launcher", state="attached")


def note_bodies(page) -> list[str]:
    return page.eval_on_selector_all(
        ".story-body .margin-note .note-body", "els => els.map(e => e.textContent)"
    )


def test_a_selected_passage_becomes_one_new_note_and_nothing_else_changes(tab, served):
    page = tab.page
    before = served.article.read_text(encoding="utf-8")
    select_with_mouse(page, "urged Pyongyang against selling arms")
    button = page.locator(".mge-annotate")
    button.wait_for(state="visible")
    button.click()
    panel = page.locator(PANEL)
    panel.wait_for(state="visible")
    assert panel.locator(".mge-passage").inner_text() == "“urged Pyongyang against selling arms”"
    page.get_by_label("Kind").select_option("context")
    page.get_by_label("Note (Markdown)").fill("Pyongyang is *North Korea's* capital.")
    wait_for_reload(page, lambda: panel.get_by_role("button", name="Save").click())

    assert "Pyongyang is North Korea's capital." in note_bodies(page)
    anchor = page.locator("mark.note-context", has_text="urged Pyongyang").first
    assert anchor.is_visible()
    after = served.article.read_text(encoding="utf-8")
    changes = changed_lines(before, after)
    assert [tag for tag, _, _ in changes] == ["insert"], changes
    old, new = front_matter_pair(before, after)
    assert new["annotations"][:-1] == old["annotations"]
    assert new["annotations"][-1] == {
        "quote": "urged Pyongyang against selling arms",
        "kind": "context",
        "note": "Pyongyang is *North Korea's* capital.",
    }
    assert {k: v for k, v in new.items() if k != "annotations"} == {
        k: v for k, v in old.items() if k != "annotations"
    }


def front_matter_pair(before: str, after: str) -> tuple[dict, dict]:
    return (
        yaml.safe_load(before.split("---\n", 2)[1]),
        yaml.safe_load(after.split("---\n", 2)[1]),
    )


def test_words_that_occur_twice_are_saved_with_a_prefix_or_suffix_that_picks_the_one_selected(
    tab, served
):
    page = tab.page
    before = served.article.read_text(encoding="utf-8")
    select_with_mouse(page, "Moscow and Pyongyang", nth=1)  # "denied by both Moscow and ..."
    page.keyboard.press(SHORTCUT)
    panel = page.locator(PANEL)
    panel.wait_for(state="visible")
    # The panel says, before saving, that the words need their context to be found.
    page.wait_for_function(
        "() => /more than once/.test(document.querySelector('.mge-passage-note').textContent)"
    )
    page.get_by_label("Note (Markdown)").fill("Both capitals denied it.")
    wait_for_reload(page, lambda: panel.get_by_role("button", name="Save").click())

    old, new = front_matter_pair(before, served.article.read_text(encoding="utf-8"))
    entry = new["annotations"][-1]
    assert len(new["annotations"]) == len(old["annotations"]) + 1
    assert entry["quote"] == "Moscow and Pyongyang" and entry["note"] == "Both capitals denied it."
    assert entry.get("prefix") or entry.get("suffix"), entry
    # The build anchors it at the second place, the one that was selected.
    marked = page.locator("mark.note-anchor", has_text="Moscow and Pyongyang")
    assert marked.count() == 1
    paragraph = marked.locator("xpath=ancestor::p[1]").inner_text()
    assert "denied by both Moscow and Pyongyang" in paragraph
    assert "Both capitals denied it." in note_bodies(page)


def test_an_existing_note_is_edited_and_another_deleted_from_the_page(tab, served):
    page = tab.page
    original = served.article.read_text(encoding="utf-8")
    page.get_by_role("button", name="Edit annotations").click()
    panel = page.locator(PANEL)
    panel.wait_for(state="visible")
    panel.get_by_role("tab", name="In this article").wait_for()
    panel.get_by_role("button", name="Edit note 3").click()
    note = page.get_by_label("Note (Markdown)")
    assert note.input_value().startswith("US sanctions on North Korea are administered")
    note.fill("Administered by OFAC, the Treasury's sanctions office.")
    wait_for_reload(page, lambda: panel.get_by_role("button", name="Save").click())

    edited = served.article.read_text(encoding="utf-8")
    changes = changed_lines(original, edited)
    assert len(changes) == 1 and changes[0][0] == "replace", changes
    assert changes[0][1] == [
        line for line in original.splitlines(True) if "Office of Foreign" in line
    ]
    old, new = front_matter_pair(original, edited)
    assert new["annotations"][2]["note"] == "Administered by OFAC, the Treasury's sanctions office."
    assert new["annotations"][2]["quote"] == old["annotations"][2]["quote"]
    assert new["annotations"][:2] == old["annotations"][:2]
    assert new["annotations"][3:] == old["annotations"][3:]
    assert "Administered by OFAC, the Treasury's sanctions office." in note_bodies(page)

    page.get_by_role("button", name="Edit annotations").click()
    panel.get_by_role("button", name="Delete note 1").click()
    wait_for_reload(page, lambda: panel.get_by_role("button", name="Yes, delete").click())

    deleted = served.article.read_text(encoding="utf-8")
    changes = changed_lines(edited, deleted)
    assert [tag for tag, _, _ in changes] == ["delete"], changes
    assert any("Vostochny Cosmodrome" in line for line in changes[0][1])
    old, new = front_matter_pair(edited, deleted)
    assert new["annotations"] == old["annotations"][1:]
    assert not any("Vostochny" in body for body in note_bodies(page))
    assert page.locator("mark.note-anchor", has_text="prepares to meet").count() == 0


def test_a_quote_is_attributed_by_searching_the_registry_and_an_unknown_speaker_by_name(
    tab, served
):
    page = tab.page
    select_with_mouse(page, "the situation and will")
    page.locator(".mge-annotate").click()
    panel = page.locator(PANEL)
    panel.get_by_role("tab", name="Quote").click()
    speaker = panel.get_by_role("combobox", name="Speaker")
    speaker.press_sequentially("mill")
    panel.get_by_role("option", name=re.compile("Matthew Miller")).click()
    assert "In the registry: Matthew Miller (matthew-miller)" in panel.inner_text()
    page.get_by_label("Verb (optional)").fill("said")
    wait_for_reload(page, lambda: panel.get_by_role("button", name="Save").click())
    quotes = front_matter(served.article)["quotes"]
    assert quotes[-1] == {
        "speaker": "matthew-miller",
        "verb": "said",
        "text": "the situation and will",
    } | {key: quotes[-1][key] for key in ("prefix", "suffix") if key in quotes[-1]}

    select_with_mouse(page, "social gathering")
    page.keyboard.press(SHORTCUT)
    panel.get_by_role("tab", name="Quote").click()
    panel.get_by_role("combobox", name="Speaker").fill("An unnamed official")
    assert "Not in the registry" in panel.inner_text()
    wait_for_reload(page, lambda: panel.get_by_role("button", name="Save").click())
    entry = front_matter(served.article)["quotes"][-1]
    assert entry["speaker_name"] == "An unnamed official" and "speaker" not in entry
    assert entry["text"] == "social gathering"
    assert page.locator(".story-quotes figcaption", has_text="An unnamed official").count() == 1


def test_an_event_is_recorded_with_actors_found_by_their_aliases(tab, served):
    page = tab.page
    select_with_mouse(page, "urged Pyongyang against selling arms to Moscow")
    page.locator(".mge-annotate").click()
    panel = page.locator(PANEL)
    panel.get_by_role("tab", name="Event").click()
    subject = panel.get_by_role("combobox", name="Subject")
    subject.press_sequentially("Washington")
    panel.get_by_role("option", name=re.compile("United States")).click()
    page.get_by_label("Action").fill("urges")
    obj = panel.get_by_role("combobox", name="Object")
    obj.press_sequentially("dprk")
    obj.press("ArrowDown")
    obj.press("Enter")
    assert obj.input_value() == "North Korea"
    page.get_by_label("CAMEO code (optional)").fill("10")
    wait_for_reload(page, lambda: panel.get_by_role("button", name="Save").click())
    event = front_matter(served.article)["events"][-1]
    assert {key: event[key] for key in ("subject", "action", "object", "code", "quote")} == {
        "subject": "united-states",
        "action": "urges",
        "object": "north-korea",
        "code": "10",
        "quote": "urged Pyongyang against selling arms to Moscow",
    }
    assert page.locator(".story-events .action", has_text="urges").count() == 1


def test_the_keyboard_alone_selects_opens_saves_and_closes(tab, served):
    page = tab.page
    # A keyboard user's selection (caret browsing): a caret before the words, then
    # Shift+Arrow keys to take them in.
    select_with_script(page, "Kim and Putin also")
    page.evaluate("() => window.getSelection().collapseToStart()")
    page.evaluate("() => window.getSelection().modify('extend', 'forward', 'word')")
    for _ in range(len(" and Putin also")):
        page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("() => window.getSelection().toString()") == "Kim and Putin also"
    page.keyboard.press(SHORTCUT)
    panel = page.locator(PANEL)
    panel.wait_for(state="visible")
    assert page.evaluate(
        "() => document.activeElement.closest('#marginalia-editor-panel') !== null"
    )
    assert page.evaluate("() => document.activeElement.name") == "kind"
    page.keyboard.press("Escape")
    panel.wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.className") == "mge-launcher"

    select_with_script(page, "Kim and Putin also")
    page.keyboard.press(SHORTCUT)
    panel.wait_for(state="visible")
    page.keyboard.press("ArrowDown")  # the kind: context
    page.keyboard.press("Tab")
    page.keyboard.type("The letters were reported by KCNA.")
    page.keyboard.press("Tab")  # to Save
    assert page.evaluate("() => document.activeElement.textContent") == "Save"
    wait_for_reload(page, lambda: page.keyboard.press("Enter"))
    entry = front_matter(served.article)["annotations"][-1]
    assert entry == {
        "quote": "Kim and Putin also",
        "kind": "context",
        "note": "The letters were reported by KCNA.",
    }
    assert "The letters were reported by KCNA." in note_bodies(page)


def test_on_a_narrow_screen_the_panel_is_a_bottom_sheet_without_sideways_scrolling(browser, served):
    narrow = Tab(browser, served, viewport={"width": 375, "height": 667}, has_touch=True)
    page = narrow.page
    try:
        select_with_mouse(page, "urged Pyongyang against selling arms")
        page.locator(".mge-annotate").click()
        panel = page.locator(PANEL)
        panel.wait_for(state="visible")
        box = panel.bounding_box()
        assert box["x"] == 0 and box["width"] == 375
        assert abs(box["y"] + box["height"] - 667) < 1  # along the bottom
        assert box["height"] <= 667 * 0.75 + 1
        for name in ("Quote", "Event", "In this article", "Note"):
            panel.get_by_role("tab", name=name).click()
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
            assert (
                page.evaluate(
                    "() => document.querySelector('#marginalia-editor-panel').scrollWidth"
                )
                <= 375
            )
        page.get_by_label("Note (Markdown)").fill("Seen on a phone.")
        wait_for_reload(page, lambda: panel.get_by_role("button", name="Save").click())
        assert "Seen on a phone." in note_bodies(page)
    finally:
        narrow.close()


def test_a_file_changed_on_disk_since_the_page_loaded_is_not_overwritten(tab, served):
    page = tab.page
    tab.expected.append("409 (Conflict)")  # Chromium logs the refused save
    select_with_mouse(page, "urged Pyongyang against selling arms")
    page.locator(".mge-annotate").click()
    panel = page.locator(PANEL)
    page.get_by_label("Note (Markdown)").fill("Written while someone else edited the file.")
    # Someone else edits the file. Live reload tries to show it; the unsaved note holds
    # the page (the browser asks; the editor stays).
    text = served.article.read_text(encoding="utf-8")
    changed = text.replace("Kim and Putin also", "Kim and Putin, the desk says, also", 1)
    with page.expect_event("dialog", timeout=15_000) as asked:
        served.article.write_text(changed, encoding="utf-8")
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()
    panel.get_by_role("button", name="Save").click()
    status = panel.get_by_role("status")
    status.filter(has_text="changed on disk").wait_for()
    reload = panel.get_by_role("button", name="Reload the page")
    assert reload.is_visible()
    assert page.evaluate("() => document.activeElement.textContent") == "Reload the page"
    assert served.article.read_text(encoding="utf-8") == changed
    # What was typed is still there to copy.
    assert page.get_by_label("Note (Markdown)").input_value().startswith("Written while")
    wait_for_reload(page, reload.click)
    assert "Kim and Putin, the desk says, also" in page.locator(".story-body").inner_text()
    # The reloaded page gives back what was typed, on the same words, ready to save again.
    panel.wait_for(state="visible")
    assert "is back" in panel.get_by_role("status").inner_text()
    assert page.get_by_label("Note (Markdown)").input_value() == (
        "Written while someone else edited the file."
    )
    wait_for_reload(page, lambda: panel.get_by_role("button", name="Save").click())
    saved = served.article.read_text(encoding="utf-8")
    assert [tag for tag, _, _ in changed_lines(changed, saved)] == ["insert"]
    assert front_matter(served.article)["annotations"][-1]["quote"] == (
        "urged Pyongyang against selling arms"
    )
    assert "Written while someone else edited the file." in note_bodies(page)
    assert page.locator(PANEL).is_hidden()


def test_refusals_are_shown_in_the_panel_and_change_nothing(tab, served):
    page = tab.page
    tab.expected += ["422 (Unprocessable Entity)", "403 (Forbidden)"]
    original = served.article.read_text(encoding="utf-8")
    select_with_mouse(page, "urged Pyongyang against selling arms")
    page.locator(".mge-annotate").click()
    panel = page.locator(PANEL)
    page.get_by_label("Kind").select_option("fact-check")
    claim = page.get_by_label("Claim checked")
    assert claim.is_visible()
    page.get_by_label("Note (Markdown)").fill("Checked against the State Department's briefing.")
    page.get_by_label("Rating").fill("True")
    panel.get_by_role("button", name="Save").click()
    # The build's own reason (422), with the field to fix marked and focused.
    panel.get_by_role("status").filter(has_text="without a 'claim'").wait_for()
    assert claim.get_attribute("aria-invalid") == "true"
    assert page.evaluate("() => document.activeElement.name") == "claim"

    # A request without the server's secret (as a page from elsewhere would send) is
    # refused, and the panel says so.
    page.route(
        "**/__marginalia/api/save",
        lambda route: route.continue_(
            headers={**route.request.headers, "x-marginalia-secret": "not-the-secret"}
        ),
    )
    claim.fill("Washington urged Pyongyang not to sell arms.")
    panel.get_by_role("button", name="Save").click()
    panel.get_by_role("status").filter(has_text="Refused by the server (403)").wait_for()
    assert served.article.read_text(encoding="utf-8") == original


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 375, "height": 667}]
)
def test_the_panel_passes_axe_on_every_tab(browser, served, viewport):
    checked = Tab(browser, served, viewport=viewport)
    page = checked.page
    try:
        select_with_script(page, "urged Pyongyang against selling arms")
        page.keyboard.press(SHORTCUT)
        panel = page.locator(PANEL)
        panel.wait_for(state="visible")
        page.get_by_label("Kind").select_option("fact-check")
        for name in ("Note", "Quote", "Event", "In this article"):
            panel.get_by_role("tab", name=name).click()
            if name == "In this article":
                panel.get_by_role("button", name="Edit note 1").wait_for()
            violations = axe_violations(
                page, include="#marginalia-editor-panel", serious_only=False
            )
            assert violations == [], (name, violations)
    finally:
        checked.close()


def test_markup_in_the_entries_is_shown_as_text_in_the_panel(browser, served):
    hostile = '<img src=x onerror="window.pwned = 1">'
    lines = served.article.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("  note: US sanctions"))
    lines[at] = "  note: '" + hostile + " is in the note.'\n"
    text = "".join(lines)
    served.article.write_text(text, encoding="utf-8")
    deadline = time.monotonic() + 15  # the server rebuilds the page from the edited file
    while b"is in the note." not in urlopen(served.origin + ARTICLE_URL, timeout=10).read():
        assert time.monotonic() < deadline, "the edited article was not rebuilt"
        time.sleep(0.1)
    checked = Tab(browser, served)
    page = checked.page
    try:
        page.get_by_role("button", name="Edit annotations").click()
        entry = page.locator(".mge-entry", has_text="onerror")
        entry.wait_for()
        assert hostile in entry.inner_text()
        assert entry.locator("img").count() == 0
        assert page.evaluate("() => window.pwned") is None
    finally:
        checked.close()


def test_the_client_never_writes_html_from_strings():
    script = (REPO / "generator/dev/editor_assets/editor.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, sink
