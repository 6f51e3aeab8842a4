"""sitemap.xml and robots.txt, from every planned page. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from generator.pages import Page
from generator.structured import Absolute


def plan_sitemap(pages: Sequence[Page], *, absolute: Absolute) -> tuple[Page, ...]:
    """sitemap.xml listing every HTML page but the 404 page, and robots.txt pointing to it."""
    del pages, absolute
    return ()
