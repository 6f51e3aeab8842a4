"""The search index's on-disk caches in .cache/: the words of every article, and the
index itself so an edit updates it in place. Either is ignored when it cannot be read
back or was written by other code."""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from pathlib import Path

from generator.build.writer import atomic_file
from generator.plan.search import ArticleWords, IndexState

WORD_CACHE_FILE = "search-words.pickle"  # in the build cache's folder
STATE_CACHE_FILE = "search-index.pickle"


# The words of every article, kept between builds: finding them is most of the work.


def read_word_cache(path: Path, *, code: str) -> dict[str, ArticleWords]:
    """The cached words by article digest; empty when missing, unreadable or from other code.

    The file is one pickle of (code, entries), then any appended by later builds.
    """
    entries: dict[str, tuple[str, str, str]] = {}
    try:
        with path.open("rb") as file:
            while file.peek(1):
                stored_code, part = pickle.load(file)
                if stored_code != code or not isinstance(part, dict):
                    return {}
                entries.update(part)
    except Exception:
        return {}
    return {digest: ArticleWords(*fields) for digest, fields in entries.items()}


# Past this share of entries that no article has any more, the word cache is written
# afresh rather than appended to.
UNUSED_SHARE = 0.1


def write_word_cache(
    path: Path,
    entries: Mapping[str, ArticleWords],
    *,
    code: str,
    stored: Mapping[str, ArticleWords] | None = None,
) -> None:
    """Store the words. Given `stored`, what read_word_cache found in the file, only the
    new entries are appended, as an edit adds one to ten thousand; the file is rewritten
    whole, then moved into place, once it holds too many that are no longer used."""
    if stored and path.is_file():
        unused = len(stored.keys() - entries.keys())
        if unused <= UNUSED_SHARE * len(entries):
            new = {d: (w.title, w.dek, w.text) for d, w in entries.items() if d not in stored}
            if new:
                with path.open("ab") as file:
                    pickle.dump((code, new), file, protocol=pickle.HIGHEST_PROTOCOL)
            return
    data = {digest: (w.title, w.dek, w.text) for digest, w in entries.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path) as file:
        pickle.dump((code, data), file, protocol=pickle.HIGHEST_PROTOCOL)


# The index itself, kept between builds so an edit updates it in place.


def read_index_state(path: Path, *, code: str) -> IndexState | None:
    try:
        with path.open("rb") as file:
            stored_code, state = pickle.load(file)
    except Exception:
        return None
    return state if stored_code == code and isinstance(state, IndexState) else None


def write_index_state(path: Path, state: IndexState, *, code: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path) as file:
        pickle.dump((code, state), file, protocol=pickle.HIGHEST_PROTOCOL)
