"""The history database: schema, migrations and I/O. The only importer of sqlite_utils.

Tables (see the README for the full schema):

- ``documents``  one row per tracked document (slug, title, kind, created)
- ``versions``   one row per stored version; immutable once written (triggers refuse
  UPDATE and DELETE), ordered in a document's timeline by ``at`` (UTC ISO-8601)
- ``provisions`` the provisions of each version, verbatim and normalised, with an FTS5
  index (``provisions_fts``) over their text

``PRAGMA user_version`` is the schema version; :data:`MIGRATIONS` brings any older file
up to date inside one transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from .errors import Conflict, NotFound, TrackerError
from .provisions import Provision

BUSY_TIMEOUT_MS = 10_000


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


def _migration_1(db: sqlite_utils.Database) -> None:
    db["documents"].create(
        {"slug": str, "title": str, "kind": str, "created": str},
        pk="slug",
        not_null={"slug", "title", "created"},
    )
    db["versions"].create(
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
    db["versions"].create_index(["document", "label"], unique=True)
    db["versions"].create_index(["document", "at"])
    db["versions"].create_index(["document", "sha256"])
    db["provisions"].create(
        {
            "id": int,
            "version": int,
            "ordinal": int,
            "number": str,
            "path": str,
            "marker": str,
            "depth": int,
            "text": str,
            "norm": str,
        },
        pk="id",
        foreign_keys=[("version", "versions", "id")],
        not_null={"version", "ordinal", "path", "text"},
    )
    db["provisions"].create_index(["version", "ordinal"], unique=True)
    db["provisions"].create_index(["version", "path"], unique=True)
    db["provisions"].enable_fts(
        ["text"], tokenize="porter unicode61 remove_diacritics 2", create_triggers=True
    )
    for table in ("versions", "provisions"):
        db.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'stored versions are immutable'); END"
        )
        db.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'stored versions are immutable'); END"
        )


# Append-only: migration N brings user_version N-1 to N. Never edit a released one.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_migration_1]
SCHEMA_VERSION = len(MIGRATIONS)


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
        self.db = sqlite_utils.Database(conn)
        self.readonly = readonly
        try:
            if not readonly:
                self._migrate()
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise TrackerError(f"{self.path}: not a tracker database ({exc})") from None

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions and schema -----------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction. ``BEGIN IMMEDIATE`` takes the write lock up front, so two
        concurrent writers queue (up to the busy timeout) instead of failing half-way;
        any exception rolls everything back. Nested calls become savepoints."""
        conn = self.db.conn
        if conn.in_transaction:
            # Nested: a savepoint inside the outer transaction (import = many adds).
            with self.db.atomic():
                yield self.db
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TrackerError(f"database {self.path} is busy ({exc}); try again") from None
        try:
            yield self.db
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def _migrate(self) -> None:
        current = self.db.execute("PRAGMA user_version").fetchone()[0]
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
        return self.db.execute("PRAGMA user_version").fetchone()[0]

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
        for doc in self.documents():
            if doc.slug == slug:
                return doc
        known = ", ".join(d.slug for d in self.documents()) or "none yet"
        raise NotFound(f"unknown document {slug!r} (known: {known})")

    def has_document(self, slug: str) -> bool:
        return self.db["documents"].count_where("slug = ?", [slug]) > 0

    _VERSION_COLS = (
        "id, document, label, at, at_text, kind, source, notes, sha256, added_at, n_provisions"
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
        rows = list(
            self.db.query(
                f"SELECT {cols} FROM versions WHERE document = ? AND label = ?", [slug, label]
            )
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
        rows = self.db.query(
            "SELECT ordinal, number, path, marker, depth, text, norm FROM provisions "
            "WHERE version = ? ORDER BY ordinal",
            [version_id],
        )
        return [Provision(**r) for r in rows]

    def labels(self, slug: str) -> set[str]:
        return {
            r["label"] for r in self.db.query("SELECT label FROM versions WHERE document = ?", [slug])
        }

    # --- writing (call inside :meth:`transaction`) ----------------------------------------

    def insert_document(self, slug: str, title: str, kind: str, created: str) -> None:
        self.db["documents"].insert(
            {"slug": slug, "title": title, "kind": kind, "created": created}
        )

    def insert_version(self, row: dict, provisions: list[Provision]) -> Version:
        if self.db["versions"].count_where(
            "document = ? AND label = ?", [row["document"], row["label"]]
        ):
            raise Conflict(f"{row['document']} already has a version labelled {row['label']!r}")
        table = self.db["versions"]
        table.insert({**row, "n_provisions": len(provisions)})
        version_id = table.last_pk
        self.db["provisions"].insert_all(
            (
                {
                    "version": version_id,
                    "ordinal": p.ordinal,
                    "number": p.number,
                    "path": p.path,
                    "marker": p.marker,
                    "depth": p.depth,
                    "text": p.text,
                    "norm": p.norm,
                }
                for p in provisions
            ),
            batch_size=500,
        )
        return self.version(row["document"], row["label"])
