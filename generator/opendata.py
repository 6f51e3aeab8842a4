"""The archive as open data: data/archive.json and data/annotations.jsonld. Pure."""

from __future__ import annotations

from generator.model import Site
from generator.pages import Page
from generator.structured import Absolute


def plan_open_data(site: Site, *, absolute: Absolute, title: str) -> tuple[Page, ...]:
    """data/archive.json and data/annotations.jsonld."""
    del site, absolute, title
    return ()
