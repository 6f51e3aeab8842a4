"""What many tests share, in one place: the repository's paths, projects made from its
fixtures, a built site read back as bytes, and a built page as a reader sees it."""

from __future__ import annotations

import shutil
from pathlib import Path

from bs4 import BeautifulSoup, Tag

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"
GOLDEN_FIXTURE = REPO / "tests" / "fixtures" / "golden"


def golden_project(folder: Path) -> Path:
    """The golden fixture's settings and content with the real templates; no cache, no site."""
    folder.mkdir(parents=True)
    shutil.copy2(GOLDEN_FIXTURE / "site.yaml", folder / "site.yaml")
    shutil.copytree(GOLDEN_FIXTURE / "content", folder / "content")
    shutil.copytree(TEMPLATES, folder / "templates")
    return folder


def site_tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder (a built site, say) by relative posix path, in path order."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def parse_page(page: Path | bytes) -> BeautifulSoup:
    """A built page (its file, or its bytes), parsed with BeautifulSoup's html.parser."""
    text = page.read_text(encoding="utf-8") if isinstance(page, Path) else page
    return BeautifulSoup(text, "html.parser")


def visible_text(element: Tag) -> str:
    """The text a reader sees, with runs of whitespace collapsed (nothing is inserted)."""
    return " ".join(element.get_text().split())
