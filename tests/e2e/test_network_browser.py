"""The actor network page in Chromium, served over real HTTP under the base path: axe
finds no serious violation, nothing goes to the console, and a dot opens its actor."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, Page

from tests.integration.test_pictures_build import build_project, project
from tests.support.npm_tools import AXE_JS, npm_tool

pytestmark = pytest.mark.usefixtures("browser")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = project(tmp_path_factory.mktemp("network") / "project")
    build_project(root)
    served = root.parent / "served"
    served.mkdir()
    shutil.copytree(root / "site", served / "gazette")  # the golden site's base path
    handler = functools.partial(_Quiet, directory=str(served))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_network_page_has_no_serious_accessibility_violation(page: Page, origin: str) -> None:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{origin}/gazette/actors/network/")
    assert page.get_by_role("img", name="Actor network: who appears with whom").is_visible()
    page.add_script_tag(path=str(npm_tool(AXE_JS)))
    violations = page.evaluate("async () => (await axe.run()).violations")
    serious = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, serious
    assert not errors, errors


def test_a_dot_opens_its_actor_and_the_table_links_for_keyboards(page: Page, origin: str) -> None:
    page.goto(f"{origin}/gazette/actors/network/")
    page.locator("svg.network-links a[href='/gazette/actors/ada-okafor/'] circle").click()
    page.wait_for_url(f"{origin}/gazette/actors/ada-okafor/")
    page.goto(f"{origin}/gazette/actors/network/")
    page.get_by_role("table").get_by_role("link", name="Ada Okafor").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{origin}/gazette/actors/ada-okafor/")


def test_actor_page_with_events_has_no_serious_accessibility_violation(
    page: Page, origin: str
) -> None:
    page.goto(f"{origin}/gazette/actors/ada-okafor/")
    assert page.locator("section.timeline svg[role=img]").count() == 2
    page.add_script_tag(path=str(npm_tool(AXE_JS)))
    violations = page.evaluate("async () => (await axe.run()).violations")
    serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, serious
