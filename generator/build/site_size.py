"""How big the built site is, as GitHub Pages counts it. Pure.

actions/upload-pages-artifact packs the site into one tar file, and actions/deploy-pages
warns that a deployment "might fail" once that artifact is over 1 GB (2**30 bytes); a
site published from a branch has the same 1 GB limit. The tar's size is known from
the files' sizes and names alone, so the build reports it without packing anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

PAGES_LIMIT_BYTES = 2**30
_BLOCK = 512
_RECORD = 20 * _BLOCK  # tar writes whole records of 20 blocks
_NAME_FIELD = 100  # longer names take a GNU long-name entry of their own


@dataclass(frozen=True, slots=True)
class SiteSize:
    files: int
    content_bytes: int  # the files' bytes
    archive_bytes: int  # the tar GitHub Pages is sent: headers, padding and all

    @property
    def over_pages_limit(self) -> bool:
        return self.archive_bytes > PAGES_LIMIT_BYTES

    def summary(self) -> str:
        """'site 23.4 MB, 2% of GitHub Pages' 1 GB'"""
        share = self.archive_bytes / PAGES_LIMIT_BYTES
        part = "under 1%" if share < 0.01 else f"{share:.0%}"
        return f"site {human_bytes(self.archive_bytes)}, {part} of GitHub Pages' 1 GB"

    def warning(self) -> str | None:
        if not self.over_pages_limit:
            return None
        over = self.archive_bytes - PAGES_LIMIT_BYTES
        return (
            f"the site is {human_bytes(self.archive_bytes)} as GitHub Pages packs it, "
            f"{human_bytes(over)} over its limit of 1 GB: a deploy to GitHub Pages will "
            "likely fail; publish it elsewhere, or split the archive into several sites"
        )


def measure(files: Iterable[tuple[str, int]]) -> SiteSize:
    """The size of a site given (site-relative path with '/', bytes) for every file."""
    count = content = archive = 0
    folders: set[str] = set()
    for path, size in files:
        count += 1
        content += size
        archive += _entry(f"./{path}") + _blocks(size)
        parent, _, _ = path.rpartition("/")
        while parent and parent not in folders:
            folders.add(parent)
            parent, _, _ = parent.rpartition("/")
    archive += _entry("./") + sum(_entry(f"./{folder}/") for folder in folders)
    archive += 2 * _BLOCK  # two empty blocks end the archive
    archive = -(-archive // _RECORD) * _RECORD
    return SiteSize(files=count, content_bytes=content, archive_bytes=archive)


def human_bytes(count: int) -> str:
    """Binary units, as the 1 GB limit is counted: 1 GB = 2**30 bytes."""
    value = float(count)
    for unit in ("bytes", "KB", "MB"):
        if value < 1024:
            return f"{count} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.2f} GB"


def _entry(name: str) -> int:
    """A header block, and a long-name entry (header and the name) before it if needed."""
    encoded = len(name.encode("utf-8"))
    if encoded < _NAME_FIELD:
        return _BLOCK
    return _BLOCK + _BLOCK + _blocks(encoded + 1)


def _blocks(size: int) -> int:
    return -(-size // _BLOCK) * _BLOCK
