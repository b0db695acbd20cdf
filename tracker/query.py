"""Search and SQL over the history database: FTS5 full-text search of every provision of
every version, and read-only SQL with a time, row and memory limit."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import NotFound, QueryError
from .provisions import label_of
from .store import Store

# --- search -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    doc: str
    label: str
    at: str
    path: str
    number: str
    snippet: str  # the matching stretch, matches wrapped in the ``mark`` pair

    @property
    def provision(self) -> str:
        return label_of(self.path)


# Matches ranked per search: the newest this many (by storage order). Ranking is linear in
# the matches; with the cap a word found in most provisions still answers in ~15 ms.
SEARCH_CANDIDATES = 2000


# FTS5 cost grows with the query: 1,000 prefix terms (3 kB) ran 100 s on the samples. A
# search is a few words or a phrase; the time limit stops what the length limit lets by.
SEARCH_MAX_CHARS = 500


SEARCH_SECONDS = 2.0


def search(
    store: Store,
    query: str,
    doc: str | None = None,
    limit: int = 50,
    mark: tuple[str, str] = ("[", "]"),
    advanced: bool = False,
    timeout: float = SEARCH_SECONDS,
) -> list[Hit]:
    """FTS5 full-text search over every provision of every version, best match (bm25)
    first among the newest :data:`SEARCH_CANDIDATES` matches. ``query`` is taken as typed
    (words, "phrases", prefix*; figures and punctuation are searched for as they are);
    with ``advanced`` it is FTS5 syntax: AND/OR/NOT, NEAR(...), column filters. Matches
    are wrapped in ``mark``. Queries over :data:`SEARCH_MAX_CHARS` characters, or running
    past ``timeout`` seconds, are refused as too expensive."""
    if not query.strip():
        raise QueryError("empty search query")
    if len(query) > SEARCH_MAX_CHARS:
        raise QueryError(
            f"search query too expensive: {len(query):,} characters, the limit is "
            f"{SEARCH_MAX_CHARS}; search for fewer words"
        )
    if doc is not None:
        store.document(doc)
    match = query if advanced else store.plain_match(query)
    if not match.strip():
        raise QueryError(f"nothing to search for in {query!r}")
    try:
        with store.time_limit(timeout, "search query"):
            rows = store.search(match, doc, limit, mark, max(SEARCH_CANDIDATES, limit))
    except sqlite3.OperationalError as exc:
        hint = "" if advanced else " (without advanced mode, the query is searched as typed)"
        raise QueryError(f"bad search query {query!r}: {exc}{hint}") from None
    return [
        Hit(r["document"], r["label"], r["at"], r["path"], r["number"], r["snippet"]) for r in rows
    ]


# --- read-only SQL ------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    truncated: bool  # more rows than the limit: the rest were not read
    seconds: float


_READ_STATEMENTS = ("SELECT", "WITH", "EXPLAIN")


# Authorizer actions a read needs. Everything else (writes, schema changes, ATTACH,
# transactions, PRAGMA with a value) is denied while the statement is prepared.
_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}


_ALLOWED.add(getattr(sqlite3, "SQLITE_RECURSIVE", 33))


# Pragmas that only read. FTS5 itself asks for data_version; the table ones serve
# ``SELECT * FROM pragma_table_info('links')`` (table-valued pragmas never write).
_READ_PRAGMAS = {
    "data_version", "user_version", "schema_version", "page_count", "page_size",
    "freelist_count", "encoding", "compile_options", "function_list", "module_list",
    "pragma_list", "collation_list", "database_list", "table_list",
}  # fmt: skip


_TABLE_PRAGMAS = {
    "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list",
}  # fmt: skip


# Names for the refusal message. (sqlite3 also exports result codes under SQLITE_*, whose
# values collide with action codes, so the action names are listed, not scanned.)
_ACTIONS = {
    getattr(sqlite3, f"SQLITE_{name}"): name.replace("_", " ")
    for name in (
        "CREATE_INDEX CREATE_TABLE CREATE_TEMP_INDEX CREATE_TEMP_TABLE CREATE_TEMP_TRIGGER "
        "CREATE_TEMP_VIEW CREATE_TRIGGER CREATE_VIEW DELETE DROP_INDEX DROP_TABLE "
        "DROP_TEMP_INDEX DROP_TEMP_TABLE DROP_TEMP_TRIGGER DROP_TEMP_VIEW DROP_TRIGGER "
        "DROP_VIEW INSERT PRAGMA TRANSACTION UPDATE ATTACH DETACH ALTER_TABLE REINDEX ANALYZE "
        "CREATE_VTABLE DROP_VTABLE SAVEPOINT"
    ).split()
    if hasattr(sqlite3, f"SQLITE_{name}")
}


def _allowed(action: int, arg1: str | None, arg2: str | None) -> bool:
    if action in _ALLOWED:
        return True
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        return name in _TABLE_PRAGMAS or (name in _READ_PRAGMAS and arg2 is None)
    # SQLite's own bookkeeping when a table-valued pragma is first prepared reports an
    # UPDATE of sqlite_master; nothing is written (and the connection is read-only).
    return action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master"


# Checked every N virtual-machine instructions: ~1 ms of work, so the limit is kept to
# within milliseconds at a negligible cost.
_PROGRESS_EVERY = 10_000


def _strip_comments(sql: str) -> str:
    s = sql.lstrip()
    while s.startswith(("--", "/*")):
        if s.startswith("--"):
            s = s.partition("\n")[2].lstrip()
        else:
            end = s.find("*/")
            s = s[end + 2 :].lstrip() if end >= 0 else ""
    return s


def _check_single_read(sql: str) -> str:
    body = _strip_comments(sql)
    if not body:
        raise QueryError("empty query")
    first = body.split(None, 1)[0].upper().rstrip("(;")
    if first not in _READ_STATEMENTS:
        raise QueryError(
            f"refused: {first} is not a read; only one SELECT, WITH or EXPLAIN statement "
            "is allowed (the connection is read-only)"
        )
    # A ';' that completes a statement with more text after it starts a second statement
    # (complete_statement ignores ';' inside strings and comments).
    for i, ch in enumerate(sql):
        if ch == ";" and sqlite3.complete_statement(sql[: i + 1]):
            if _strip_comments(sql[i + 1 :]).strip(" \t\r\n;"):
                raise QueryError("refused: only one statement at a time")
            return sql[:i]
    return sql


def _authorizer(denied: list[str]) -> Any:
    def check(action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
        if _allowed(action, arg1, arg2):
            return sqlite3.SQLITE_OK
        what = _ACTIONS.get(action, f"action {action}")
        denied.append(f"{what} on {arg1}" if arg1 else what)
        return sqlite3.SQLITE_DENY

    return check


def _ro_connect(db_path: str | Path) -> sqlite3.Connection:
    path = Path(db_path)
    if not path.is_file():
        raise NotFound(f"no database at {db_path}")
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise QueryError(f"cannot open {db_path} read-only: {exc}") from None


# Memory limits of a query. One value (string or blob) may not exceed QUERY_MAX_VALUE
# (per connection: randomblob(1e9) stops at once instead of allocating 1 GB); the rows
# handed back may not exceed QUERY_MAX_RESULT bytes in all; and `tracker query` caps
# SQLite's heap at QUERY_HEAP_LIMIT for its process (sorts, group_concat...).
QUERY_MAX_VALUE = 64 * 1024 * 1024


QUERY_HEAP_LIMIT = 256 * 1024 * 1024


QUERY_MAX_RESULT = 128 * 1024 * 1024


MAX_TIMEOUT = 600.0


def lower_heap_limit(nbytes: int = QUERY_HEAP_LIMIT) -> None:
    """Cap SQLite's heap for the whole process (PRAGMA hard_heap_limit). The pragma can only
    lower the limit, never raise or lift it again, so this is for a process that only
    runs queries (``tracker query``), not for a library call inside a longer-lived one."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(f"PRAGMA hard_heap_limit = {int(nbytes)}")
    finally:
        conn.close()


def check_timeout(timeout: Any) -> float:
    """A finite number of seconds in (0, MAX_TIMEOUT]: nan or inf would disable the limit."""
    import math

    try:
        value = float(timeout)
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_TIMEOUT):
        raise QueryError(f"bad timeout {timeout!r}: give seconds between 0 and {MAX_TIMEOUT:g}")
    return value


def _fetch(cur: sqlite3.Cursor, limit: int, timeout: float, deadline: float) -> list[Any]:
    """Up to ``limit + 1`` rows, one at a time (a batch of 256 rows of 60 MB values was
    15 GB before any check), stopping past QUERY_MAX_RESULT bytes or the deadline."""
    rows: list[Any] = []
    size = 0
    for row in cur:
        size += sum(len(v) if isinstance(v, str | bytes) else 8 for v in row)
        if size > QUERY_MAX_RESULT:
            raise QueryError(
                f"query stopped: its result is over {QUERY_MAX_RESULT // 2**20} MB; "
                "select fewer rows or columns"
            )
        if time.monotonic() > deadline:
            raise QueryError(f"query stopped: it ran past the {timeout:g} s time limit")
        rows.append(row)
        if len(rows) > limit:
            break
    return rows


def run_query(
    db_path: str | Path, sql: str, limit: int = 1000, timeout: float = 5.0
) -> QueryResult:
    """Run one reading statement on a separate read-only connection (``mode=ro``), with
    an authorizer that denies anything but reads, a time limit, a row limit and memory
    limits (see QUERY_MAX_VALUE; :func:`lower_heap_limit` adds a process-wide one)."""
    timeout = check_timeout(timeout)
    sql = _check_single_read(sql)
    conn = _ro_connect(db_path)
    denied: list[str] = []
    start = time.monotonic()
    deadline = start + timeout
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), _PROGRESS_EVERY)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, QUERY_MAX_VALUE)
    try:
        conn.set_authorizer(_authorizer(denied))
        cur = conn.execute(sql)
        rows = _fetch(cur, limit, timeout, deadline)
        columns = tuple(d[0] for d in cur.description or ())
    except (sqlite3.Error, MemoryError) as exc:
        raise _query_error(exc, denied, timeout, deadline) from None
    finally:
        conn.close()
    return QueryResult(columns, rows[:limit], len(rows) > limit, time.monotonic() - start)


def _query_error(
    exc: BaseException, denied: list[str], timeout: float, deadline: float
) -> QueryError:
    if denied:
        return QueryError(f"refused: {denied[0]} is not allowed (read-only queries only)")
    if "interrupted" in str(exc) and time.monotonic() > deadline:
        return QueryError(f"query stopped: it ran past the {timeout:g} s time limit")
    if isinstance(exc, MemoryError) or "too big" in str(exc):
        return QueryError(
            f"query stopped: it needed more memory than allowed (values up to "
            f"{QUERY_MAX_VALUE // 2**20} MB, {QUERY_HEAP_LIMIT // 2**20} MB in all)"
        )
    return QueryError(f"bad query: {exc}")
