"""The build cache under .cache/: parsed articles, rendered bodies, the page manifest.

Safe to delete at any time. Anything that cannot be read back (another generator
version, a corrupt file, a stale entry) is ignored, never trusted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import pickle
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import generator
from generator import __version__
from generator.content.loading import FileStamp

log = logging.getLogger(__name__)

CACHE_DIR = ".cache"
CACHE_FILE = "marginalia.sqlite"


PACKAGE_DIR = Path(generator.__file__).resolve().parent


def code_digest(package_dir: Path = PACKAGE_DIR) -> str:
    """A digest of the generator's own source: what it parses and renders depends on it.

    Every module of every subpackage counts, each named by its path in the package: a
    glob of the top folder alone would miss an edit to generator/plan/pages.py.
    """
    digest = hashlib.blake2b(digest_size=16)
    sources = (p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts)
    for source in sorted(sources, key=lambda p: p.relative_to(package_dir).as_posix()):
        name = source.relative_to(package_dir).as_posix()
        digest.update(name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


# Any change to the generator's code, or to Python, makes every cached entry stale.
CODE_DIGEST = code_digest()
CACHE_VERSION = f"{__version__}/py{sys.version_info.major}.{sys.version_info.minor}/{CODE_DIGEST}"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER, scope TEXT, article BLOB
);
CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, html TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outputs (
    site TEXT, path TEXT, fingerprint TEXT, size INTEGER, mtime_ns INTEGER,
    PRIMARY KEY (site, path)
);
CREATE TABLE IF NOT EXISTS plans (site TEXT PRIMARY KEY, plan BLOB);
"""


class _PathsAsText(pickle.Pickler):
    """Pickles each Path as its text, for parsed_articles to give back the caller's, and
    each plain dataclass as a call of its class with its field values: loading it back
    through __init__ is twice as fast as through dataclasses' __setstate__."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=5)

    def persistent_id(self, obj: object) -> str | None:
        return str(obj) if isinstance(obj, Path) else None

    def reducer_override(self, obj: object) -> object:
        kind = type(obj)
        getter = _PLAIN_FIELDS.get(kind, False)
        if getter is False:
            getter = _PLAIN_FIELDS[kind] = _plain_fields(kind)
        return NotImplemented if getter is None else (kind, getter(obj))


# Type -> the getter of its field values, for dataclasses that __init__ rebuilds from
# them as they were (every field an argument, nothing done after): None for others.
_PLAIN_FIELDS: dict[type, Callable[[object], tuple[object, ...]] | None] = {}


def _plain_fields(kind: type) -> Callable[[object], tuple[object, ...]] | None:
    if not dataclasses.is_dataclass(kind) or hasattr(kind, "__post_init__"):
        return None
    fields = dataclasses.fields(kind)
    if not fields or not all(field.init and not field.kw_only for field in fields):
        return None
    names = [field.name for field in fields]
    return lambda obj: tuple(getattr(obj, name) for name in names)


def _pickled_with_paths(value: object) -> bytes:
    buffer = io.BytesIO()
    _PathsAsText(buffer).dump(value)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class PagePlan:
    """What the fingerprints of the manifest beside it were made from, so a build whose
    only changes are in articles' text can fingerprint just the pages that hold them."""

    structure: str  # a digest of every input of the pages but the articles' text
    digests: Mapping[str, str]  # article path -> its file's digest
    uses: Mapping[str, tuple[str, ...]]  # article path -> outputs whose pages hold it


@dataclass(frozen=True, slots=True)
class OutputRecord:
    """What the last build wrote at one output path."""

    fingerprint: str
    size: int
    mtime_ns: int


class BuildCache:
    """One SQLite file; every method swallows a broken cache and acts as if empty."""

    def __init__(self, path: Path) -> None:
        self._db: sqlite3.Connection | None = self._open(path)  # None: unusable

    @staticmethod
    def in_folder(root: Path) -> BuildCache:
        return BuildCache(root / CACHE_DIR / CACHE_FILE)

    @staticmethod
    def exists_in(root: Path) -> bool:
        return (root / CACHE_DIR / CACHE_FILE).is_file()

    @staticmethod
    def recorded_outputs(root: Path, site: Path) -> set[str]:
        """The outputs any version's manifest records for a site, read before opening
        the cache drops another version's tables: what an older Marginalia wrote, so
        that the first build after an upgrade knows the site for its own."""
        path = root / CACHE_DIR / CACHE_FILE
        if not path.is_file():
            return set()
        try:
            db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
            try:
                rows = db.execute("SELECT site, path FROM outputs").fetchall()
            finally:
                db.close()
        except sqlite3.Error:
            return set()
        sites = {key for key, _ in rows}
        mine = {key for key in sites if Path(key).resolve() == site}
        return {output for key, output in rows if key in mine}

    def _open(self, path: Path) -> sqlite3.Connection | None:
        for attempt in range(2):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=OFF")
                db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                row = db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
                if row is None or row[0] != CACHE_VERSION:
                    # Another version's tables may have other columns: start afresh.
                    db.executescript(
                        "DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS articles;"
                        "DROP TABLE IF EXISTS bodies; DROP TABLE IF EXISTS outputs;"
                        "DROP TABLE IF EXISTS plans;"
                    )
                    db.executescript(_SCHEMA)
                    db.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('version', ?)", (CACHE_VERSION,)
                    )
                return db
            except (sqlite3.DatabaseError, OSError) as error:
                log.warning("ignoring the build cache %s: %s", path, error)
                if attempt == 0:
                    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                        with suppress(OSError):
                            leftover.unlink()
        return None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _rows(self, sql: str, args: tuple[object, ...] = ()) -> Iterator[tuple]:
        if self._db is None:
            return iter(())
        try:
            return iter(self._db.execute(sql, args).fetchall())
        except sqlite3.DatabaseError as error:
            log.warning("ignoring the build cache: %s", error)
            return iter(())

    def _write(self, sql: str, rows: Iterable[tuple]) -> None:
        self._write_all([(sql, rows)])

    def _write_all(self, steps: Iterable[tuple[str, Iterable[tuple]]]) -> None:
        """Run each statement over its rows, all in one transaction."""
        if self._db is None:
            return
        try:
            self._db.execute("BEGIN")
            for sql, rows in steps:
                self._db.executemany(sql, rows)
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            log.warning("could not update the build cache: %s", error)
            with suppress(sqlite3.DatabaseError):
                self._db.execute("ROLLBACK")

    # The snapshot of every input of the last build of a site, to skip a build that
    # would change nothing.

    def input_snapshot(self, site: Path) -> str | None:
        rows = list(self._rows("SELECT value FROM meta WHERE key = ?", (f"inputs:{site}",)))
        return rows[0][0] if rows else None

    def snapshot_articles(self, site: Path) -> int:
        """How many articles the build that left the snapshot had."""
        rows = list(self._rows("SELECT value FROM meta WHERE key = ?", (f"articles:{site}",)))
        return int(rows[0][0]) if rows else 0

    def store_input_snapshot(self, site: Path, snapshot: str | None, *, articles: int = 0) -> None:
        if snapshot is None:
            self._write("DELETE FROM meta WHERE key = ?", [(f"inputs:{site}",)])
            return
        self._write(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [(f"inputs:{site}", snapshot), (f"articles:{site}", str(articles))],
        )

    # Parsed articles, valid while the file's stamp and the scope (what else the parse
    # depended on, such as the actor ids) are the same.

    def parsed_articles(
        self, scope: str, paths: Mapping[str, Path]
    ) -> dict[str, tuple[FileStamp, object]]:
        """The cached parses; a path in `paths` comes back as that very Path, as making
        10,000 of them again from their parts costs more than the rest of the loading."""

        def path_of(text: str) -> Path:
            return paths.get(text) or Path(text)

        found: dict[str, tuple[FileStamp, object]] = {}
        for path, mtime_ns, size, blob in self._rows(
            "SELECT path, mtime_ns, size, article FROM articles WHERE scope = ?", (scope,)
        ):
            try:
                unpickler = pickle.Unpickler(io.BytesIO(blob))
                unpickler.persistent_load = path_of  # type: ignore[method-assign]
                found[path] = (FileStamp(mtime_ns, size), unpickler.load())
            except Exception:
                continue
        return found

    def store_articles(self, scope: str, entries: Mapping[str, tuple[FileStamp, object]]) -> None:
        self._write(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?)",
            (
                (path, stamp.mtime_ns, stamp.size, scope, _pickled_with_paths(article))
                for path, (stamp, article) in entries.items()
            ),
        )

    def forget_articles_except(self, paths: Iterable[str]) -> None:
        keep = set(paths)
        gone = [(path,) for (path,) in self._rows("SELECT path FROM articles") if path not in keep]
        self._write("DELETE FROM articles WHERE path = ?", gone)

    # Rendered article bodies, by a key of everything the HTML depends on.

    def bodies(self, keys: Iterable[str]) -> dict[str, str]:
        wanted = list(keys)
        found: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                self._rows(f"SELECT key, html FROM bodies WHERE key IN ({marks})", tuple(chunk))
            )
        return found

    def store_bodies(self, bodies: Mapping[str, str]) -> None:
        self._write("INSERT OR REPLACE INTO bodies VALUES (?, ?)", bodies.items())

    def forget_bodies_except(self, keys: Iterable[str]) -> None:
        keep = set(keys)
        gone = [(key,) for (key,) in self._rows("SELECT key FROM bodies") if key not in keep]
        self._write("DELETE FROM bodies WHERE key = ?", gone)

    # The manifest: what each output file was built from.

    def outputs(self, site: Path) -> dict[str, OutputRecord]:
        rows = self._rows(
            "SELECT path, fingerprint, size, mtime_ns FROM outputs WHERE site = ?", (str(site),)
        )
        return {
            path: OutputRecord(fingerprint, size, mtime_ns)
            for path, fingerprint, size, mtime_ns in rows
        }

    def page_plan(self, site: Path) -> PagePlan | None:
        for (blob,) in self._rows("SELECT plan FROM plans WHERE site = ?", (str(site),)):
            try:
                plan = pickle.loads(blob)
            except Exception:
                return None
            return plan if isinstance(plan, PagePlan) else None
        return None

    def replace_outputs(
        self,
        site: Path,
        records: Mapping[str, OutputRecord],
        *,
        previous: Mapping[str, OutputRecord],
        plan: PagePlan,
    ) -> None:
        """The manifest, and the plan of its fingerprints, written together: a plan must
        never describe fingerprints other than those beside it."""
        key = str(site)
        steps: list[tuple[str, Iterable[tuple]]] = []
        if records != previous:
            # Only the rows that changed, as an edit changes a few of 15,000; a full
            # build read none of the table, so every row of the site goes first.
            if not previous:
                steps.append(("DELETE FROM outputs WHERE site = ?", [(key,)]))
            gone = previous.keys() - records.keys()
            steps.append(
                ("DELETE FROM outputs WHERE site = ? AND path = ?", ((key, p) for p in gone))
            )
            steps.append(
                (
                    "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?)",
                    (
                        (key, path, r.fingerprint, r.size, r.mtime_ns)
                        for path, r in sorted(records.items())
                        if previous.get(path) != r
                    ),
                )
            )
        blob = pickle.dumps(plan, protocol=5)
        steps.append(("INSERT OR REPLACE INTO plans VALUES (?, ?)", [(key, blob)]))
        self._write_all(steps)
