"""Atom feeds: the whole archive, and one per actor. Pure."""

from __future__ import annotations

from generator.model import Site
from generator.pages import Page
from generator.structured import Absolute


def plan_feeds(
    site: Site, *, absolute: Absolute, title: str, description: str
) -> tuple[Page, ...]:
    """feed.xml and actors/<id>/feed.xml."""
    del site, absolute, title, description
    return ()
