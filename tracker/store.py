"""The history database: schema, migrations and I/O. The only importer of sqlite_utils.

Tables (see the README for the full schema):

- ``documents``  one row per tracked document (slug, title, kind, created)
- ``versions``   one row per stored version; immutable once written (triggers refuse
  UPDATE and DELETE), ordered in a document's timeline by ``at`` (UTC ISO-8601)
- ``sources``    the original bytes of each version (zlib-compressed), with the format and
  the reader that read them; immutable like ``versions``
- ``provisions`` the provisions of each version (number, path, heading, position), each
  pointing at its verbatim text in ``texts`` (stored once per distinct text, with its
  normalised form and an FTS5 index ``texts_fts``); the view ``provision_texts`` joins
  them. Derived from the source bytes: ``tracker reparse`` rebuilds them

``PRAGMA user_version`` is the schema version; :data:`MIGRATIONS` brings any older file
up to date inside one transaction.
"""

from __future__ import annotations

import hashlib
import random
import re
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import Conflict, NotFound, QueryError, TrackerError

if TYPE_CHECKING:
    import sqlite_utils

    from .provisions import Provision

# A quoted word that ended in * (a prefix search typed as-is).
_PREFIX = re.compile(r'"([^"*]+)\*+"')

BUSY_TIMEOUT_MS = 10_000
# How long a writer keeps queueing for the write lock before giving up. SQLite's own busy
# handler polls and is not fair: with 8 processes adding at once, some waited past 10 s
# and failed while others got in again and again. Retrying BEGIN IMMEDIATE with jittered
# backoff up to this total lets every writer land; a stuck lock still ends in an error.
WRITE_WAIT_S = 300.0
# Checked every N virtual-machine instructions (~1 ms of work) by a time limit.
PROGRESS_EVERY = 10_000
# The reader recorded for text stored before readers existed (and for a version given as
# text alone): the text itself, split by the plain-text splitter. Same value as
# tracker.sources.TEXT_READER_0 (not imported: the store stays below the readers).
TEXT_READER_0 = "text/0"


@dataclass(frozen=True)
class Document:
    slug: str
    title: str
    kind: str
    created: str
    n_versions: int = 0
    first_at: str | None = None
    last_at: str | None = None


@dataclass(frozen=True)
class Version:
    id: int
    document: str
    label: str
    at: str
    at_text: str
    kind: str
    source: str
    notes: str
    sha256: str
    added_at: str
    n_provisions: int
    text: str = ""


@dataclass(frozen=True)
class Original:
    """A version's source as stored: the original bytes (``data``, decompressed), their
    ``format``, the ``reader`` that first read them (``"docx/1"``), ``media_type``, the
    file ``name`` it came from (``""`` when unknown) and the reader ``options`` it was read
    with (JSON object text, e.g. ``{"tracked": "original"}``)."""

    data: bytes
    format: str = "text"
    reader: str = TEXT_READER_0
    media_type: str = "text/plain"
    name: str = ""
    options: str = "{}"
    # ``data`` zlib-compressed as stored, when already made (by the worker process that read
    # the file, in a bulk import): the one writing process then only writes it.
    packed: bytes = field(default=b"", repr=False, compare=False)

    def compressed(self) -> bytes:
        """``data`` as the sources table stores it."""
        return self.packed or zlib.compress(self.data)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _migration_1(db: sqlite_utils.Database) -> None:
    db.table("documents").create(
        {"slug": str, "title": str, "kind": str, "created": str},
        pk="slug",
        not_null={"slug", "title", "created"},
    )
    db.table("versions").create(
        {
            "id": int,
            "document": str,
            "label": str,
            "at": str,
            "at_text": str,
            "kind": str,
            "source": str,
            "notes": str,
            "sha256": str,
            "text": str,
            "added_at": str,
            "n_provisions": int,
        },
        pk="id",
        foreign_keys=[("document", "documents", "slug")],
        not_null={"document", "label", "at", "kind", "sha256", "text", "added_at"},
    )
    db.table("versions").create_index(["document", "label"], unique=True)
    db.table("versions").create_index(["document", "at"])
    db.table("versions").create_index(["document", "sha256"])
    # Provision text is stored once per distinct text: a redraft repeats most provisions
    # verbatim, so a timeline of 20 versions holds each unchanged text once, not 20 times
    # (on the history benchmark: 4.3x the raw text without this, ~2x with it).
    db.table("texts").create(
        {"id": int, "sha256": str, "text": str, "norm": str},
        pk="id",
        not_null={"sha256", "text", "norm"},
    )
    db.table("texts").create_index(["sha256"], unique=True)
    db.table("provisions").create(
        {
            "id": int,
            "version": int,
            "ordinal": int,
            "number": str,
            "path": str,
            "marker": str,
            "depth": int,
            "text_id": int,
        },
        pk="id",
        foreign_keys=[("version", "versions", "id"), ("text_id", "texts", "id")],
        not_null={"version", "ordinal", "path", "text_id"},
    )
    db.table("provisions").create_index(["version", "ordinal"], unique=True)
    db.table("provisions").create_index(["version", "path"], unique=True)
    db.table("provisions").create_index(["text_id"])
    db.table("texts").enable_fts(
        ["text"], tokenize="porter unicode61 remove_diacritics 2", create_triggers=True
    )
    # The convenient shape for SQL users and other tools (Datasette): one row per
    # provision of every version, with its text and where it stands.
    db.create_view(
        "provision_texts",
        """
        SELECT p.id, v.document, v.label, v.at, p.version, p.ordinal, p.number, p.path,
               p.marker, p.depth, t.text, t.norm, p.text_id
        FROM provisions p JOIN texts t ON t.id = p.text_id JOIN versions v ON v.id = p.version
        """,
    )
    for table in ("versions", "provisions", "texts"):
        db.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'stored versions are immutable'); END"
        )
        db.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'stored versions are immutable'); END"
        )


def _migration_2(db: sqlite_utils.Database) -> None:
    """Stored lineage: ``steps`` (one row per consecutive pair of a document's timeline)
    and ``links`` (one row per provision pairing of a step). Both are derived from the
    immutable versions and rebuilt by ``tracker relink``, so they carry no triggers.
    A database migrated from version 1 has versions without links: they are built the
    first time a document's history is asked for (or by ``tracker relink``)."""
    db.table("steps").create(
        {
            "id": int,
            "document": str,
            "from_version": int,
            "to_version": int,
            "summary": str,  # JSON object of counts, as Diff.summary()
            "headline": str,  # one-line summary, as Diff.headline()
            "engine": str,  # which diff engine built this step and its links
        },
        pk="id",
        foreign_keys=[
            ("document", "documents", "slug"),
            ("from_version", "versions", "id"),
            ("to_version", "versions", "id"),
        ],
        not_null={"document", "from_version", "to_version", "summary", "headline", "engine"},
    )
    # A version has at most one successor and one predecessor in its timeline.
    db.table("steps").create_index(["from_version"], unique=True)
    db.table("steps").create_index(["to_version"], unique=True)
    db.table("steps").create_index(["document"])
    db.table("links").create(
        {
            "id": int,
            "document": str,
            "from_version": int,
            "to_version": int,
            "change": int,  # position of the change in the step; split/merged rows share it
            "old_provision": int,  # NULL for an added provision
            "new_provision": int,  # NULL for a removed provision
            "kind": str,  # unchanged|modified|added|removed|split|merged
            "renumbered": int,
            "moved": int,
            "similarity": float,
            "terms": str,  # JSON list of {old, new, type}; NULL when nothing changed
        },
        pk="id",
        foreign_keys=[
            ("document", "documents", "slug"),
            ("from_version", "versions", "id"),
            ("to_version", "versions", "id"),
            ("old_provision", "provisions", "id"),
            ("new_provision", "provisions", "id"),
        ],
        not_null={"document", "from_version", "to_version", "change", "kind"},
    )
    db.table("links").create_index(["old_provision"])
    db.table("links").create_index(["new_provision"])
    # Serves "all links of a document", "of one step" and "the rows of one change".
    db.table("links").create_index(["document", "from_version", "change"])


def _immutable(db: sqlite_utils.Database, table: str) -> None:
    for op in ("update", "delete"):
        db.execute(
            f"CREATE TRIGGER {table}_no_{op} BEFORE {op.upper()} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'stored versions are immutable'); END"
        )


def _migration_sources(db: sqlite_utils.Database) -> None:
    """Keep each version's original bytes; make provisions derived data.

    - ``sources``: one row per version (``version`` is its primary key and points at
      ``versions.id``): ``format``, ``reader`` (the reader and its version that first read
      the bytes, ``"html/1"``), ``media_type``, ``name`` (the file name, ``""`` when
      unknown), ``options`` (the reader options as a JSON object, e.g. DOCX tracked
      changes read as the original), ``size`` and ``sha256`` of the raw bytes, and
      ``data``, the bytes compressed with zlib. zlib and not zstd: it is in the standard
      library (no new dependency), and text-like sources (HTML, the XML inside a DOCX
      is already deflated) compress 3-5x with it; zstd would gain little on top. Immutable
      by triggers, like ``versions``.
    - Backfill: a version stored before this migration gets a source row made of its
      stored text (UTF-8), format ``text``, reader ``text/0``, its original file being
      gone. Cost: one compression per version, inside the migrating transaction.
    - ``provisions.heading`` (the nearest enclosing heading, ``""`` by default) and
      ``provisions.reader`` (which reader built the row; ``text/0`` for the rows already
      there), and the view ``provision_texts`` recreated with ``heading``.
    - Provisions are now *derived* data, like ``steps`` and ``links``: rebuilt from the
      source bytes by ``tracker reparse`` when a reader improves. So the triggers refusing
      UPDATE and DELETE are dropped from ``provisions`` only; ``versions``, ``texts`` and
      ``sources`` stay immutable, so no reparse can change or lose what was stored.
      ``versions.n_provisions`` stays as it was when the version was stored (the row is
      immutable); the store reports the current count from ``provisions``.
    """
    db.table("sources").create(
        {
            "version": int,
            "format": str,
            "reader": str,
            "media_type": str,
            "name": str,
            "options": str,
            "size": int,
            "sha256": str,
            "data": bytes,
        },
        pk="version",
        foreign_keys=[("version", "versions", "id")],
        not_null={"version", "format", "reader", "media_type", "name", "options", "size",
                  "sha256", "data"},
    )  # fmt: skip
    conn = db.conn
    rows = conn.execute("SELECT id, text FROM versions ORDER BY id")
    while batch := rows.fetchmany(200):
        conn.executemany(
            "INSERT INTO sources (version, format, reader, media_type, name, options, size, "
            "sha256, data) VALUES (?, 'text', ?, 'text/plain', '', '{}', ?, ?, ?)",
            (
                (vid, TEXT_READER_0, len(raw), hashlib.sha256(raw).hexdigest(), zlib.compress(raw))
                for vid, raw in ((vid, text.encode("utf-8")) for vid, text in batch)
            ),
        )
    _immutable(db, "sources")
    db.execute("DROP TRIGGER IF EXISTS provisions_no_update")
    db.execute("DROP TRIGGER IF EXISTS provisions_no_delete")
    db.table("provisions").add_column("heading", str, not_null_default="")
    db.table("provisions").add_column("reader", str, not_null_default="")
    db.execute("UPDATE provisions SET reader = ?", [TEXT_READER_0])
    db.execute("DROP VIEW IF EXISTS provision_texts")
    # Same columns as before, in the same order; heading appended so that positional
    # readers of the view keep working.
    db.create_view(
        "provision_texts",
        """
        SELECT p.id, v.document, v.label, v.at, p.version, p.ordinal, p.number, p.path,
               p.marker, p.depth, t.text, t.norm, p.text_id, p.heading
        FROM provisions p JOIN texts t ON t.id = p.text_id JOIN versions v ON v.id = p.version
        """,
    )


def _migration_diff_cache(db: sqlite_utils.Database) -> None:
    """``diff_cache``: the computed diff between two stored versions, keyed by both and by
    the engine that computed it (a newer engine never reads an older engine's rows).
    Derived data like links: filled when a version is linked, and when two versions are
    compared for the first time; dropped by relink (and by anything that re-reads
    provisions) through :meth:`Store.drop_diff_cache`."""
    db.table("diff_cache").create(
        {"from_version": int, "to_version": int, "engine": str, "data": bytes},
        pk=("from_version", "to_version", "engine"),
        foreign_keys=[("from_version", "versions", "id"), ("to_version", "versions", "id")],
        not_null={"data"},
    )
    db.table("diff_cache").create_index(["to_version"])


def _migration_watches(db: sqlite_utils.Database) -> None:
    """Capture: ``watches`` (URLs and feeds that ``tracker watch run`` captures on a
    schedule, with their last result) and ``http_validators`` (the ETag and Last-Modified
    a URL last answered with, per document, for conditional GETs by ``tracker capture``
    and the watch runner alike). Both are bookkeeping, not history: they carry no
    triggers and may be updated and deleted. Idempotent (``IF NOT EXISTS``): running it on
    a file that has the tables already changes nothing."""
    db.table("watches").create(
        {
            "id": int,
            "url": str,
            "doc": str,  # "" for a feed: each entry becomes a document of its own
            "kind": str,  # url | feed
            "every": int,  # seconds between captures
            "selector": str,  # CSS selector of the part of the page that is compared
            "format": str,  # reader to use ("" = detect)
            "webhook": str,  # URL POSTed a change summary when a new version is stored
            "feed": int,  # for a watch created from a feed entry: the feed's watch id
            "next_due": str,  # UTC ISO-8601
            "claimed_until": str,  # lease of the runner capturing it now (NULL = free)
            "claimed_by": str,
            "last_checked": str,
            "last_status": str,  # stored | unchanged | not-modified | error | blocked
            "last_error": str,
            "failures": int,  # consecutive failures (0 after a success)
            "last_version": str,  # label of the last version this watch stored
            "notify_error": str,  # last webhook failure (the version is stored anyway)
            "created": str,
        },
        pk="id",
        not_null={"url", "doc", "kind", "every", "next_due", "failures", "created"},
        defaults={"failures": 0, "doc": "", "selector": "", "format": "", "webhook": ""},
        if_not_exists=True,
    )
    db.table("watches").create_index(["url", "doc"], unique=True, if_not_exists=True)
    db.table("watches").create_index(["next_due"], if_not_exists=True)
    db.table("http_validators").create(
        {"url": str, "doc": str, "etag": str, "last_modified": str, "checked": str},
        pk=("url", "doc"),
        if_not_exists=True,
    )


def _migration_diff_json(db: sqlite_utils.Database) -> None:
    """``diff_cache.json``: the diff's JSON as ``tracker diff --format json`` writes it
    (zlib over the exact UTF-8 bytes), and ``diff_cache.json_key``, the fingerprint of the
    code that rendered it (see :mod:`tracker.diffjson`). Filled on demand, the first time
    a diff is asked for as JSON (never when linking: ~10x the packed diff's size, ~550 kB
    for 5,000 provisions), so asking again streams stored bytes instead of loading both
    versions' provisions, unpacking and serialising (0.45 s -> under 0.1 s). It lives on
    the packed diff's row, so whatever drops or replaces that row (relink, reparse, a new
    engine) drops it too. Both columns are NULL until then."""
    db.execute("ALTER TABLE diff_cache ADD COLUMN json BLOB")
    db.execute("ALTER TABLE diff_cache ADD COLUMN json_key TEXT")


def _migration_provisions_builder(db: sqlite_utils.Database) -> None:
    """``provisions.builder``: which version of the provision builder
    (``tracker.provisions.BUILDER``, e.g. ``provisions/1``) made the row, beside
    ``provisions.reader`` (which reader read the bytes). ``""`` for the rows already there
    and for provisions that came from elsewhere (an export file): built by a builder not
    known, so ``tracker reparse`` rebuilds them once."""
    db.execute("ALTER TABLE provisions ADD COLUMN builder TEXT NOT NULL DEFAULT ''")


def _migration_links_to_version(db: sqlite_utils.Database) -> None:
    """An index on ``links.to_version``: the documented queries (what a version dropped,
    when a figure changed) join links to the version they lead to; without it each such
    query reads every link of the database."""
    db.table("links").create_index(["to_version"], if_not_exists=True)


# Append-only: migration N brings user_version N-1 to N. Never edit a released one.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _migration_1,
    _migration_2,
    _migration_sources,
    _migration_diff_cache,
    _migration_watches,
    _migration_diff_json,
    _migration_provisions_builder,
    _migration_links_to_version,
]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class Watch:
    """A watched URL or feed and its last result (see ``_migration_watches``)."""

    id: int
    url: str
    doc: str
    kind: str
    every: int
    selector: str
    format: str
    webhook: str
    feed: int | None
    next_due: str
    claimed_until: str | None
    claimed_by: str | None
    last_checked: str | None
    last_status: str | None
    last_error: str | None
    failures: int
    last_version: str | None
    notify_error: str | None
    created: str


WATCH_FIELDS = frozenset(Watch.__dataclass_fields__)


class Store:
    """A connection to one history database file. Cheap to open; not shared between
    threads (the web layer opens one per request)."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = str(path)
        if readonly:
            if not Path(self.path).exists():
                raise NotFound(f"no database at {self.path}")
            conn = sqlite3.connect(f"file:{Path(self.path).resolve()}?mode=ro", uri=True)
        else:
            parent = Path(self.path).resolve().parent
            if not parent.is_dir():
                raise TrackerError(f"cannot create database {self.path}: no directory {parent}")
            conn = sqlite3.connect(self.path)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise TrackerError(f"{self.path}: not a tracker database ({exc})") from None
        # Diffs computed inside a read transaction, to cache after it (try_put_diff), and
        # the JSON rendered of them (try_put_diff_json).
        self.pending_diffs: list[tuple[int, int, str, bytes]] = []
        self.pending_json: list[tuple[int, int, str, str, bytes]] = []
        self.conn = conn
        self._db: sqlite_utils.Database | None = None
        self.readonly = readonly
        try:
            if not readonly:
                self._migrate()
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise TrackerError(f"{self.path}: not a tracker database ({exc})") from None

    @property
    def db(self) -> sqlite_utils.Database:
        """The sqlite_utils view of the connection, made on first use: importing
        sqlite_utils costs ~90 ms of CPU, more than a whole cached ``tracker diff --json``
        may take, so the reads on that path (:meth:`version`, :meth:`cached_diff_json`)
        use the plain connection and never load it."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[dict]:
        """Rows as dicts, like ``db.query``, straight from the connection."""
        cursor = self.conn.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions and schema -----------------------------------------------------

    @contextmanager
    def transaction(self, wait: float = WRITE_WAIT_S) -> Iterator[sqlite_utils.Database]:
        """One write transaction. ``BEGIN IMMEDIATE`` takes the write lock up front, so two
        concurrent writers queue (up to ``wait`` seconds) instead of failing half-way;
        any exception rolls everything back. Nested calls become savepoints."""
        conn = self.db.conn
        if conn.in_transaction:
            # Nested: a savepoint inside the outer transaction (import = many adds).
            with self.db.atomic():
                yield self.db
            return
        self._begin_immediate(wait)
        try:
            yield self.db
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def _begin_immediate(self, wait: float = WRITE_WAIT_S) -> None:
        """Take the write lock, queueing behind other writers for up to ``wait`` s."""
        conn = self.db.conn
        deadline = time.monotonic() + wait
        pause = 0.002
        # Our own polling instead of SQLite's busy handler, whose sleeps grow to 100 ms:
        # with adds holding the lock ~30 ms, the lock sat idle while waiters slept (8
        # writers: 100 ms per add instead of 36). Jittered, capped at 50 ms.
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    busy = "locked" in str(exc) or "busy" in str(exc)
                    if not busy or time.monotonic() + pause > deadline:
                        raise TrackerError(
                            f"database {self.path} is busy ({exc}); try again"
                        ) from None
                time.sleep(random.uniform(pause / 2, pause))
                pause = min(pause * 1.5, 0.05)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """One read transaction: every read inside sees the same state of the database,
        whatever writers commit meanwhile (WAL mode). Inside a write transaction, a no-op."""
        conn = self.db.conn
        if conn.in_transaction:
            yield self
            return
        conn.execute("BEGIN DEFERRED")
        try:
            yield self
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")

    def flush_diffs(self) -> None:
        """End the read transaction and cache the diffs computed during it (best effort,
        never waiting for the write lock)."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        pending, self.pending_diffs = self.pending_diffs, []
        for row in pending:
            self.try_put_diff(*row)
        pending_json, self.pending_json = self.pending_json, []
        for item in pending_json:
            self.try_put_diff_json(*item)

    def begin_read(self) -> None:
        """Start a read transaction held until :meth:`close` (one per request or command:
        a page or a command reading several tables sees one state of the database)."""
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN DEFERRED")

    @contextmanager
    def time_limit(self, seconds: float, what: str = "query") -> Iterator[None]:
        """Stop any statement run inside after ``seconds`` with a QueryError ("too
        expensive"), through SQLite's progress handler (per connection, so other requests
        are not affected; checking costs well under 1%)."""
        deadline = time.monotonic() + seconds
        fired: list[bool] = []

        def check() -> int:
            if time.monotonic() > deadline:
                fired.append(True)
                return 1
            return 0

        conn = self.db.conn
        conn.set_progress_handler(check, PROGRESS_EVERY)
        try:
            yield
        except sqlite3.OperationalError:
            if fired:
                raise QueryError(
                    f"{what} too expensive: stopped after the {seconds:g} s limit"
                ) from None
            raise
        finally:
            conn.set_progress_handler(None, 0)

    def _migrate(self) -> None:
        current = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if current > SCHEMA_VERSION:
            raise TrackerError(
                f"{self.path} has schema version {current}, newer than this tracker "
                f"({SCHEMA_VERSION}); upgrade tracker"
            )
        if current == SCHEMA_VERSION:
            return
        if current == 0:
            # WAL lets readers (the web UI) read while a writer adds a version.
            self.db.execute("PRAGMA journal_mode = WAL")
        with self.transaction():
            # Re-read under the write lock: another process may have migrated meanwhile.
            current = self.db.execute("PRAGMA user_version").fetchone()[0]
            for number in range(current, SCHEMA_VERSION):
                MIGRATIONS[number](self.db)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def schema(self) -> list[dict]:
        """Every table and view as SQLite itself describes them (``sqlite_master`` and
        ``PRAGMA table_info``), in the order they were made: ``name``, ``type`` (``table``,
        ``view`` or ``virtual table``), ``sql``, ``columns`` (``name``, ``type``,
        ``notnull``, ``default``, ``pk``) and the ``indexes`` and ``triggers`` on it (SQL).
        The shadow tables a virtual table keeps for itself (``texts_fts_data``...) are
        left out."""
        objects = self.conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "ORDER BY rowid"
        ).fetchall()
        virtual = {
            name for kind, name, _, sql in objects
            if kind == "table" and sql.upper().startswith("CREATE VIRTUAL TABLE")
        }  # fmt: skip
        shadow = {
            name for kind, name, _, _ in objects
            if kind == "table" and any(name.startswith(f"{v}_") for v in virtual)
        }  # fmt: skip
        out: list[dict] = []
        by_name: dict[str, dict] = {}
        for kind, name, table, sql in objects:
            if kind in ("table", "view") and name not in shadow:
                columns = [
                    {"name": c[1], "type": c[2], "notnull": bool(c[3]), "default": c[4],
                     "pk": c[5]}
                    for c in self.conn.execute(f'PRAGMA table_info("{name}")')
                ]  # fmt: skip
                entry = {
                    "name": name,
                    "type": "virtual table" if name in virtual else kind,
                    "sql": sql,
                    "columns": columns,
                    "indexes": [],
                    "triggers": [],
                }
                out.append(entry)
                by_name[name] = entry
            elif kind in ("index", "trigger") and table in by_name:
                by_name[table][f"{kind}es" if kind == "index" else "triggers"].append(sql)
        return out

    # --- reading ------------------------------------------------------------------------

    def documents(self) -> list[Document]:
        rows = self.db.query(
            """
            SELECT d.slug, d.title, d.kind, d.created, count(v.id) AS n_versions,
                   min(v.at) AS first_at, max(v.at) AS last_at
            FROM documents d LEFT JOIN versions v ON v.document = d.slug
            GROUP BY d.slug ORDER BY d.slug
            """
        )
        return [Document(**r) for r in rows]

    def document(self, slug: str) -> Document:
        # One indexed lookup: every read of a document goes through here, so it must not
        # aggregate over all documents (~10 ms at 10,000 versions, paid on every call).
        rows = self._query(
            """
            SELECT d.slug, d.title, d.kind, d.created, count(v.id) AS n_versions,
                   min(v.at) AS first_at, max(v.at) AS last_at
            FROM documents d LEFT JOIN versions v ON v.document = d.slug
            WHERE d.slug = ? GROUP BY d.slug
            """,
            [slug],
        )
        if rows:
            return Document(**rows[0])
        known = ", ".join(d.slug for d in self.documents()) or "none yet"
        raise NotFound(f"unknown document {slug!r} (known: {known})")

    def has_document(self, slug: str) -> bool:
        return self.db.table("documents").count_where("slug = ?", [slug]) > 0

    # n_provisions is counted (one index range per version): provisions are rebuilt by
    # reparse, while the count in the immutable versions row is the one at storing time.
    _VERSION_COLS = (
        "id, document, label, at, at_text, kind, source, notes, sha256, added_at, "
        "(SELECT count(*) FROM provisions p WHERE p.version = versions.id) AS n_provisions"
    )

    def versions(self, slug: str) -> list[Version]:
        """A document's timeline, oldest first (ties broken by insertion order)."""
        self.document(slug)
        rows = self.db.query(
            f"SELECT {self._VERSION_COLS} FROM versions WHERE document = ? ORDER BY at, id",
            [slug],
        )
        return [Version(**r) for r in rows]

    def version(self, slug: str, label: str, *, with_text: bool = False) -> Version:
        self.document(slug)
        cols = self._VERSION_COLS + (", text" if with_text else "")
        rows = self._query(
            f"SELECT {cols} FROM versions WHERE document = ? AND label = ?", [slug, label]
        )
        if not rows:
            labels = ", ".join(v.label for v in self.versions(slug)) or "none yet"
            raise NotFound(f"unknown version {label!r} of {slug!r} (versions: {labels})")
        return Version(**rows[0])

    def version_by_sha(self, slug: str, sha256: str) -> Version | None:
        rows = list(
            self.db.query(
                f"SELECT {self._VERSION_COLS} FROM versions WHERE document = ? AND sha256 = ?",
                [slug, sha256],
            )
        )
        return Version(**rows[0]) if rows else None

    def provisions(self, version_id: int) -> list[Provision]:
        # Rows as tuples, straight into Provision: a dict per row first (db.query) was
        # more than half of reading a cached 5,000-provision diff.
        from .provisions import Provision

        rows = self.db.execute(
            "SELECT p.ordinal, p.number, p.path, p.marker, p.depth, t.text, t.norm, p.heading "
            "FROM provisions p JOIN texts t ON t.id = p.text_id "
            "WHERE p.version = ? ORDER BY p.ordinal",
            [version_id],
        )
        return [Provision(*r) for r in rows.fetchall()]

    def labels(self, slug: str) -> set[str]:
        return {
            r["label"]
            for r in self.db.query("SELECT label FROM versions WHERE document = ?", [slug])
        }

    # --- writing (call inside :meth:`transaction`) ----------------------------------------

    def insert_document(self, slug: str, title: str, kind: str, created: str) -> None:
        self.db.table("documents").insert(
            {"slug": slug, "title": title, "kind": kind, "created": created}
        )

    def insert_version(
        self,
        row: dict,
        provisions: list[Provision],
        original: Original | None = None,
        builder: str = "",
    ) -> Version:
        """Store a version, its provisions and its source (``original``; without one, the
        version's text as UTF-8, format ``text``, reader ``text/0``). ``builder``: the
        provision builder that made ``provisions`` (``""``: not known)."""
        if self.db.table("versions").count_where(
            "document = ? AND label = ?", [row["document"], row["label"]]
        ):
            raise Conflict(f"{row['document']} already has a version labelled {row['label']!r}")
        if original is None:
            original = Original(row["text"].encode("utf-8"))
        table = self.db.table("versions")
        table.insert({**row, "n_provisions": len(provisions)})
        version_id = table.last_pk
        assert version_id is not None  # insert() has just set it
        self.db.execute(
            "INSERT INTO sources (version, format, reader, media_type, name, options, size, "
            "sha256, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [version_id, original.format, original.reader, original.media_type, original.name,
             original.options, original.size, original.sha256, original.compressed()],
        )  # fmt: skip
        self._insert_provisions(version_id, provisions, original.reader, builder)
        return self.version(row["document"], row["label"])

    def _insert_provisions(
        self, version_id: int, provisions: list[Provision], reader: str, builder: str
    ) -> None:
        text_ids = self._text_ids(provisions)
        # executemany of tuples, not sqlite_utils' insert_all of dicts: a third of the
        # time of storing a 1,000-provision version went to building and checking dicts.
        self.conn.executemany(
            "INSERT INTO provisions (version, ordinal, number, path, marker, depth, text_id, "
            "heading, reader, builder) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (version_id, p.ordinal, p.number, p.path, p.marker, p.depth, text_ids[p.text],
                 p.heading, reader, builder)
                for p in provisions
            ],
        )  # fmt: skip

    def replace_provisions(
        self, version_id: int, provisions: list[Provision], reader: str, builder: str = ""
    ) -> None:
        """Rebuild a version's provisions (derived data): the document's links must be
        dropped first (they point at the old rows) and rebuilt after. Texts no longer
        used stay in ``texts`` (immutable, and cheap: one row per distinct text)."""
        self.db.execute("DELETE FROM provisions WHERE version = ?", [version_id])
        self._insert_provisions(version_id, provisions, reader, builder)

    def set_provisions_reader(
        self, version_id: int, reader: str, builder: str | None = None
    ) -> None:
        """Record that ``reader`` (and ``builder``, when given) read a version again and
        built the same provisions."""
        if builder is None:
            self.db.execute(
                "UPDATE provisions SET reader = ? WHERE version = ?", [reader, version_id]
            )
        else:
            self.db.execute(
                "UPDATE provisions SET reader = ?, builder = ? WHERE version = ?",
                [reader, builder, version_id],
            )

    def provisions_stamp(self, version_id: int) -> tuple[str, str]:
        """(reader, builder) that made a version's stored provisions (``("", "")`` when
        it has none; builder ``""`` when not known)."""
        row = self.db.execute(
            "SELECT reader, builder FROM provisions WHERE version = ? ORDER BY ordinal LIMIT 1",
            [version_id],
        ).fetchone()
        return (row[0], row[1]) if row else ("", "")

    def provisions_reader(self, version_id: int) -> str:
        """The reader that built a version's stored provisions (``""`` if it has none)."""
        row = self.db.execute(
            "SELECT reader FROM provisions WHERE version = ? ORDER BY ordinal LIMIT 1",
            [version_id],
        ).fetchone()
        return row[0] if row else ""

    def source(self, version_id: int) -> Original:
        """A version's original bytes (decompressed) and how they were read."""
        row = self.db.execute(
            "SELECT data, format, reader, media_type, name, options FROM sources WHERE version = ?",
            [version_id],
        ).fetchone()
        if row is None:
            raise NotFound(f"no stored source for version {version_id}")
        data, *rest = row
        return Original(zlib.decompress(data), *rest)

    def source_info(self, version_id: int) -> dict:
        """A version's source metadata without its bytes: format, reader, media_type,
        name, options, size, sha256."""
        rows = list(
            self.db.query(
                "SELECT format, reader, media_type, name, options, size, sha256 FROM sources "
                "WHERE version = ?",
                [version_id],
            )
        )
        if not rows:
            raise NotFound(f"no stored source for version {version_id}")
        return rows[0]

    def _text_ids(self, provisions: list[Provision]) -> dict[str, int]:
        """text -> id in ``texts``, inserting the texts not stored yet (one lookup by
        sha256 per distinct text, unique index)."""
        by_sha = {hashlib.sha256(p.text.encode("utf-8")).hexdigest(): p for p in provisions}
        conn = self.db.conn
        conn.executemany(
            "INSERT OR IGNORE INTO texts (sha256, text, norm) VALUES (?, ?, ?)",
            ((sha, p.text, p.norm) for sha, p in by_sha.items()),
        )
        out: dict[str, int] = {}
        shas = list(by_sha)
        for chunk in _chunks(shas):
            marks = ",".join("?" * len(chunk))
            for sha, text_id in conn.execute(
                f"SELECT sha256, id FROM texts WHERE sha256 IN ({marks})", chunk
            ):
                out[by_sha[sha].text] = text_id
        return out

    # --- lineage: steps and links (derived data, migration 2) ------------------------------
    # Rebuilt by tracker.history; every method here is one or two indexed statements.

    def provision_ids(self, version_id: int) -> dict[int, int]:
        """ordinal -> provision id, for one version."""
        rows = self.db.execute("SELECT ordinal, id FROM provisions WHERE version = ?", [version_id])
        return dict(rows.fetchall())

    def provision_rows(self, ids: Iterable[int]) -> dict[int, dict]:
        """id -> provision row (id, version, ordinal, number, path, marker, depth, text,
        norm, heading)."""
        ids = sorted(set(ids))
        out: dict[int, dict] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for r in self.db.query(
                "SELECT p.id, p.version, p.ordinal, p.number, p.path, p.marker, p.depth, t.text, "
                "t.norm, p.heading "
                f"FROM provisions p JOIN texts t ON t.id = p.text_id WHERE p.id IN ({marks})",
                chunk,
            ):
                out[r["id"]] = r
        return out

    def find_provision(self, version_id: int, ref: str) -> int | None:
        """The id of the provision that ``ref`` names in a version: its path (``10.b``),
        else its number as written (``10``), else its reader label (``¶3``)."""
        from .provisions import path_of

        path = path_of(ref)
        row = self.db.execute(
            "SELECT id FROM provisions WHERE version = ? AND (path = ? OR number = ?) "
            "ORDER BY path = ? DESC, ordinal LIMIT 1",
            [version_id, path, ref, path],
        ).fetchone()
        return row[0] if row else None

    def provision_paths(self, version_id: int) -> dict[str, int]:
        """path -> provision id, for one version, in reading order."""
        rows = self.db.execute(
            "SELECT path, id FROM provisions WHERE version = ? ORDER BY ordinal", [version_id]
        )
        return dict(rows.fetchall())

    def delete_lineage(self, doc: str, from_version: int | None = None) -> None:
        """Drop a document's steps and links (or only the step leaving ``from_version``)."""
        where = "document = ?"
        args: list[str | int] = [doc]
        if from_version is not None:
            where, args = where + " AND from_version = ?", [doc, from_version]
        self.db.execute(f"DELETE FROM links WHERE {where}", args)
        self.db.execute(f"DELETE FROM steps WHERE {where}", args)

    def insert_step(self, step: dict, links: list[dict]) -> None:
        self.db.table("steps").insert(step)
        if not links:
            return
        # Tuples through executemany (see _insert_provisions): every row has the keys of
        # the first.
        columns = list(links[0])
        self.conn.executemany(
            f"INSERT INTO links ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [tuple(row[c] for c in columns) for row in links],
        )

    def steps(self, doc: str) -> list[dict]:
        """A document's steps in timeline order, with both versions' labels."""
        return list(
            self.db.query(
                """
                SELECT s.from_version, s.to_version, a.label AS from_label,
                       b.label AS to_label, s.summary, s.headline, s.engine
                FROM steps s JOIN versions a ON a.id = s.from_version
                JOIN versions b ON b.id = s.to_version
                WHERE s.document = ? ORDER BY b.at, b.id
                """,
                [doc],
            )
        )

    def step_count(self, doc: str) -> int:
        return self.db.table("steps").count_where("document = ?", [doc])

    _LINK_COLS = (
        "l.from_version, l.to_version, l.change, l.old_provision, l.new_provision, l.kind, "
        "l.renumbered, l.moved, l.similarity, l.terms"
    )

    def changes_touching(self, doc: str, ids: Iterable[int], side: str) -> list[dict]:
        """Every link row of the changes that have one of ``ids`` on ``side`` (``old`` or
        ``new``), so a split or merge comes back whole. Two index lookups."""
        column = {"old": "old_provision", "new": "new_provision"}[side]
        ids = list(ids)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return list(
            self.db.query(
                f"""
                SELECT {self._LINK_COLS} FROM links l
                WHERE l.document = ? AND (l.from_version, l.change) IN (
                    SELECT from_version, change FROM links WHERE {column} IN ({marks}))
                ORDER BY l.from_version, l.change, l.rowid
                """,
                [doc, *ids],
            )
        )

    def links(self, doc: str, *, changed: bool = False) -> list[dict]:
        """A document's link rows in timeline then reading order; with ``changed``, only
        those with changed terms or an added or struck-out provision."""
        extra = " AND (l.terms IS NOT NULL OR l.kind IN ('added', 'removed'))" if changed else ""
        return list(
            self.db.query(
                f"""
                SELECT {self._LINK_COLS} FROM links l JOIN versions v ON v.id = l.to_version
                WHERE l.document = ?{extra} ORDER BY v.at, v.id, l.change, l.rowid
                """,
                [doc],
            )
        )

    def link_pairs(self, doc: str) -> list[tuple[int, int]]:
        """(old, new) provision ids of every pairing link of a document, as plain tuples
        (a thousand dicts cost more than the query)."""
        rows = self.db.execute(
            "SELECT old_provision, new_provision FROM links WHERE document = ? "
            "AND old_provision IS NOT NULL AND new_provision IS NOT NULL",
            [doc],
        )
        return rows.fetchall()

    # --- the diff cache (migration _migration_diff_cache) ----------------------------------

    def cached_diff(self, from_version: int, to_version: int, engine: str) -> bytes | None:
        """The packed diff stored for two versions by ``engine``, or None."""
        row = self.db.execute(
            "SELECT data FROM diff_cache WHERE from_version = ? AND to_version = ? AND engine = ?",
            [from_version, to_version, engine],
        ).fetchone()
        return row[0] if row else None

    def put_diff(self, from_version: int, to_version: int, engine: str, data: bytes) -> None:
        """Store a packed diff (call inside :meth:`transaction`)."""
        self.db.execute(
            "INSERT OR REPLACE INTO diff_cache (from_version, to_version, engine, data) "
            "VALUES (?, ?, ?, ?)",
            [from_version, to_version, engine, data],
        )

    def try_put_diff(self, from_version: int, to_version: int, engine: str, data: bytes) -> bool:
        """Store a packed diff if the database can take it right now; never raises. A
        read must not fail, nor wait for the write lock, because a cache write could not
        be made (read-only file, another writer, no space): it just stays uncached.

        Inside a read transaction nothing is written (reads are snapshots and never write):
        the diff is kept until :meth:`flush_diffs`, which a command that may write calls
        once its reading is done; a web request never does."""
        if self.readonly:
            return False
        if self.conn.in_transaction:
            if len(self.pending_diffs) < 16:
                self.pending_diffs.append((from_version, to_version, engine, data))
            return False
        return self._try_write(lambda: self.put_diff(from_version, to_version, engine, data))

    def _try_write(self, write: Callable[[], object]) -> bool:
        """Run ``write`` in its own transaction if the write lock is free now; False
        (and nothing written) on any database error."""
        conn = self.conn
        try:
            conn.execute("PRAGMA busy_timeout = 0")
            with self.transaction(wait=0):
                write()
            return True
        except (TrackerError, sqlite3.Error):
            return False
        finally:
            try:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            except sqlite3.Error:
                pass

    def cached_diff_json(self, from_version: int, to_version: int, key: str) -> bytes | None:
        """The diff's JSON stored for two versions (zlib-compressed) by the renderer whose
        fingerprint is ``key``, or None. One primary-key lookup on the plain connection."""
        row = self.conn.execute(
            "SELECT json FROM diff_cache WHERE from_version = ? AND to_version = ? "
            "AND json_key = ? AND json IS NOT NULL",
            [from_version, to_version, key],
        ).fetchone()
        return row[0] if row else None

    def try_put_diff_json(
        self, from_version: int, to_version: int, engine: str, key: str, data: bytes
    ) -> bool:
        """Keep a diff's compressed JSON beside its packed diff (the row of ``engine``;
        nothing is stored when that row is missing). Best effort and deferred inside a
        read transaction, like :meth:`try_put_diff`."""
        if self.readonly:
            return False
        if self.conn.in_transaction:
            if len(self.pending_json) < 4:
                self.pending_json.append((from_version, to_version, engine, key, data))
            return False

        def write() -> None:
            self.conn.execute(
                "UPDATE diff_cache SET json = ?, json_key = ? "
                "WHERE from_version = ? AND to_version = ? AND engine = ?",
                [data, key, from_version, to_version, engine],
            )

        return self._try_write(write)

    def drop_diff_cache(self, doc: str) -> None:
        """Forget every cached diff with a version of ``doc`` on either side. Called by
        relink; anything that changes how a document's versions are split into
        provisions must call it too."""
        self.db.execute(
            "DELETE FROM diff_cache WHERE from_version IN "
            "(SELECT id FROM versions WHERE document = ?) "
            "OR to_version IN (SELECT id FROM versions WHERE document = ?)",
            [doc, doc],
        )

    def plain_match(self, query: str) -> str:
        """A query as typed -> an FTS5 match expression that finds it: each word (or
        "quoted phrase") becomes a quoted phrase, so ``600,000``, ``50%``, ``U.S.`` and
        ``non-aggression`` are searched for, not parsed as syntax. A trailing ``*`` still
        asks for a prefix (``Zapor*``)."""
        quoted = self.db.quote_fts(query)
        # quote_fts turns Zapor* into "Zapor*"; FTS5 spells a prefix phrase "Zapor" *.
        return _PREFIX.sub(r'"\1" *', quoted)

    def search(
        self, match: str, doc: str | None, limit: int, mark: tuple[str, str], candidates: int
    ) -> list[dict]:
        """FTS5 ``match`` over provision text: the best ``limit`` hits by bm25 among the
        newest ``candidates`` matches (by rowid), then snippets for those hits only.

        Why the cap: ranking reads every match, ~360 ms for a word in 60,000 of 500,000
        provisions, while FTS5 walks a doclist newest-first and stops at the cap in ~1 ms
        (ranking 2,000 then costs ~4 ms). With ``doc``, the walk is narrowed to the rowid
        range of the document's provisions and filtered by a join.
        """
        # Texts are shared between versions: rank matching texts, then expand each to
        # the provisions (versions) that carry it.
        doc_filter = (
            " AND EXISTS (SELECT 1 FROM provisions p JOIN versions v ON v.id = p.version "
            "WHERE p.text_id = texts_fts.rowid AND v.document = ?)"
            if doc is not None
            # A text no provision uses any more (left by a reparse: texts are immutable)
            # is not a hit. One index lookup per candidate.
            else " AND EXISTS (SELECT 1 FROM provisions p WHERE p.text_id = texts_fts.rowid)"
        )
        ranked = self.db.execute(
            "SELECT rowid FROM (SELECT rowid, rank FROM texts_fts "
            f"WHERE texts_fts MATCH ?{doc_filter} ORDER BY rowid DESC LIMIT ?) "
            "ORDER BY rank, rowid DESC LIMIT ?",
            [match, *([doc] if doc is not None else []), candidates, limit],
        )
        text_ids = [r[0] for r in ranked]
        if not text_ids:
            return []
        marks = ",".join("?" * len(text_ids))
        snippets = dict(
            self.db.execute(
                f"SELECT rowid, snippet(texts_fts, 0, ?, ?, '…', 16) FROM texts_fts "
                f"WHERE texts_fts MATCH ? AND rowid IN ({marks})",
                [mark[0], mark[1], match, *text_ids],
            ).fetchall()
        )
        rows = self.db.query(
            f"""
            SELECT p.id, p.text_id, v.document, v.label, v.at, p.path, p.number
            FROM provisions p JOIN versions v ON v.id = p.version
            WHERE p.text_id IN ({marks}){" AND v.document = ?" if doc is not None else ""}
            """,
            [*text_ids, *([doc] if doc is not None else [])],
        )
        order = {tid: i for i, tid in enumerate(text_ids)}
        hits = sorted(rows, key=lambda r: (order[r["text_id"]], r["at"], r["id"]))
        out = []
        for r in hits[:limit]:
            r["snippet"] = snippets.get(r.pop("text_id"), "")
            out.append(r)
        return out

    # --- capture: watches and HTTP validators (migration watches) ----------------------------

    def latest_version(self, slug: str, *, with_text: bool = False) -> Version | None:
        """The last version of a document's timeline, or None (also for an unknown one)."""
        cols = self._VERSION_COLS + (", text" if with_text else "")
        rows = list(
            self.db.query(
                f"SELECT {cols} FROM versions WHERE document = ? ORDER BY at DESC, id DESC LIMIT 1",
                [slug],
            )
        )
        return Version(**rows[0]) if rows else None

    def version_keys(self, docs: Iterable[str] | None = None) -> set[tuple[str, str]]:
        """(document, label) of every stored version (of ``docs`` when given): one query
        that lets a bulk import skip what it already stored."""
        if docs is None:
            return {tuple(r) for r in self.db.execute("SELECT document, label FROM versions")}
        out: set[tuple[str, str]] = set()
        for chunk in _chunks(sorted(set(docs))):
            marks = ",".join("?" * len(chunk))
            out.update(
                tuple(r)
                for r in self.db.execute(
                    f"SELECT document, label FROM versions WHERE document IN ({marks})", chunk
                )
            )
        return out

    def watches(self) -> list[Watch]:
        return [Watch(**r) for r in self.db.query("SELECT * FROM watches ORDER BY id")]

    def watch(self, watch_id: int) -> Watch:
        rows = list(self.db.query("SELECT * FROM watches WHERE id = ?", [watch_id]))
        if not rows:
            raise NotFound(f"no watch with id {watch_id}")
        return Watch(**rows[0])

    def find_watch(self, url: str, doc: str = "") -> Watch | None:
        rows = list(self.db.query("SELECT * FROM watches WHERE url = ? AND doc = ?", [url, doc]))
        return Watch(**rows[0]) if rows else None

    def is_watched(self, url: str) -> bool:
        """Whether any watch (of any document) fetches ``url``."""
        return (
            self.db.execute("SELECT 1 FROM watches WHERE url = ? LIMIT 1", [url]).fetchone()
            is not None
        )

    def insert_watch(self, row: dict) -> Watch:
        """Insert a watch; Conflict when the URL is already watched for that document."""
        if self.find_watch(row["url"], row.get("doc", "")) is not None:
            raise Conflict(
                f"{row['url']} is already watched"
                + (f" as {row['doc']!r}" if row.get("doc") else "")
            )
        cols = ", ".join(row)
        marks = ", ".join("?" * len(row))
        with self.transaction():
            cursor = self.db.execute(
                f"INSERT INTO watches ({cols}) VALUES ({marks})", list(row.values())
            )
            watch_id = cursor.lastrowid
        assert watch_id is not None  # set by the INSERT just executed
        return self.watch(watch_id)

    def delete_watches(self, ids: Iterable[int]) -> int:
        ids = list(ids)
        marks = ",".join("?" * len(ids))
        with self.transaction():
            return self.db.execute(f"DELETE FROM watches WHERE id IN ({marks})", ids).rowcount

    def claim_watches(self, now: str, lease_until: str, runner: str, limit: int) -> list[Watch]:
        """Claim up to ``limit`` due watches that no other runner holds, in one
        ``BEGIN IMMEDIATE`` transaction: the write lock is taken before the due watches are
        read, so two runners sharing the database never claim the same watch (the second
        waits for the first's commit and then sees its lease)."""
        with self.transaction():
            rows = list(
                self.db.query(
                    "SELECT id FROM watches WHERE next_due <= ? AND (claimed_until IS NULL "
                    "OR claimed_until < ?) ORDER BY next_due, id LIMIT ?",
                    [now, now, limit],
                )
            )
            ids = [r["id"] for r in rows]
            if not ids:
                return []
            marks = ",".join("?" * len(ids))
            self.db.execute(
                f"UPDATE watches SET claimed_until = ?, claimed_by = ? WHERE id IN ({marks})",
                [lease_until, runner, *ids],
            )
        return [self.watch(i) for i in ids]

    def release_watches(self, runner: str) -> None:
        """Drop every lease ``runner`` still holds (it is stopping)."""
        with self.transaction():
            self.db.execute(
                "UPDATE watches SET claimed_until = NULL, claimed_by = NULL WHERE claimed_by = ?",
                [runner],
            )

    def update_watch(self, watch_id: int, **fields: object) -> None:
        unknown = set(fields) - WATCH_FIELDS
        if unknown:
            raise TrackerError(f"unknown watch fields: {', '.join(sorted(unknown))}")
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self.transaction():
            self.db.execute(f"UPDATE watches SET {sets} WHERE id = ?", [*fields.values(), watch_id])

    def next_due(self) -> str | None:
        """When the next watch falls due (None when nothing is watched)."""
        return self.db.execute("SELECT min(next_due) FROM watches").fetchone()[0]

    def validators(self, url: str, doc: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) that ``url`` last answered with for ``doc``."""
        row = self.db.execute(
            "SELECT etag, last_modified FROM http_validators WHERE url = ? AND doc = ?",
            [url, doc],
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def set_validators(
        self, url: str, doc: str, etag: str | None, last_modified: str | None, checked: str
    ) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO http_validators (url, doc, etag, last_modified, checked) "
                "VALUES (?, ?, ?, ?, ?)",
                [url, doc, etag, last_modified, checked],
            )

    def all_steps(self, limit: int) -> list[dict]:
        """The newest ``limit`` steps of every document (site-wide feed), newest first,
        with both versions' labels and the new version's metadata."""
        return list(
            self.db.query(
                """
                SELECT b.document, a.label AS from_label, b.label AS to_label, b.at,
                       b.added_at, b.kind, b.source, b.n_provisions, s.summary, s.headline
                FROM versions b LEFT JOIN steps s ON s.to_version = b.id
                LEFT JOIN versions a ON a.id = s.from_version
                ORDER BY b.added_at DESC, b.id DESC LIMIT ?
                """,
                [limit],
            )
        )


_T = TypeVar("_T")


def _chunks(ids: list[_T], size: int = 900) -> Iterator[list[_T]]:
    """Keep ``IN (...)`` lists under SQLite's bound-parameter limit."""
    for i in range(0, len(ids), size):
        yield ids[i : i + size]
