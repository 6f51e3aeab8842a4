"""The actor network page in Chromium, served over real HTTP under the base path: axe
finds no serious violation, nothing goes to the console or leaves the site, and a dot
opens its actor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.integration.test_pictures_build import project
from tests.support.archive_server import BASE, build_and_serve, site_only_tab
from tests.support.npm_tools import axe_violations

pytestmark = pytest.mark.usefixtures("browser")


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from build_and_serve(project(tmp_path_factory.mktemp("network") / "project"))


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A tab that fails the test on a script error, an error in the console or a request
    that leaves the site."""
    with site_only_tab(browser, console_errors=True) as tab:
        yield tab


def test_network_page_has_no_serious_accessibility_violation(page: Page, origin: str) -> None:
    page.goto(f"{origin}{BASE}actors/network/")
    assert page.get_by_role("img", name="Actor network: who appears with whom").is_visible()
    serious = axe_violations(page)
    assert not serious, serious


def test_a_dot_opens_its_actor_and_the_table_links_for_keyboards(page: Page, origin: str) -> None:
    page.goto(f"{origin}{BASE}actors/network/")
    page.locator(f"svg.network-links a[href='{BASE}actors/ada-okafor/'] circle").click()
    page.wait_for_url(f"{origin}{BASE}actors/ada-okafor/")
    page.goto(f"{origin}{BASE}actors/network/")
    page.get_by_role("table").get_by_role("link", name="Ada Okafor").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{origin}{BASE}actors/ada-okafor/")


def test_actor_page_with_events_has_no_serious_accessibility_violation(
    page: Page, origin: str
) -> None:
    page.goto(f"{origin}{BASE}actors/ada-okafor/")
    assert page.locator("section.timeline svg[role=img]").count() == 2
    serious = axe_violations(page)
    assert not serious, serious
