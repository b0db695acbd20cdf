"""The database schema, described from the database itself: the tables, views and
columns SQLite reports for a real file (:meth:`tracker.store.Store.schema`), with a
one-line note for each kept here, next to the code. ``tracker schema`` prints it (as SQL,
JSON or a Markdown table), and the README's schema table is that Markdown, regenerated
and checked by ``docs/readme_examples.py``, so the documentation cannot drift from the
migrations.

A table or column without a note is still listed (``tests/test_schema.py`` asks for one
for every column of every table).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import Store

# table -> (what a row is, {column: note}). Columns without a note here are listed bare.
NOTES: dict[str, tuple[str, dict[str, str]]] = {
    "documents": (
        "one per tracked document",
        {
            "slug": "its name in commands and addresses",
            "title": "",
            "kind": "`plan`, `reporting`, `statement` or `other`",
            "created": "when it was first stored, UTC",
        },
    ),
    "versions": (
        "one per stored version; immutable",
        {
            "id": "",
            "document": "",
            "label": "unique per document",
            "at": "UTC ISO-8601",
            "at_text": "as given",
            "kind": "",
            "source": "where the text came from, a URL or reference",
            "notes": "",
            "sha256": "of the text",
            "text": "verbatim",
            "added_at": "",
            "n_provisions": "when stored; the CLI and API count the current provisions",
        },
    ),
    "sources": (
        "one per version, the file it was read from; immutable",
        {
            "version": "the version, its key",
            "format": "",
            "reader": "the reader and version that first read it, `text/1`",
            "media_type": "",
            "name": 'the file\'s name, `""` when unknown',
            "options": "JSON reader options",
            "size": "of the original bytes",
            "sha256": "of the original bytes",
            "data": "the bytes, zlib-compressed",
        },
    ),
    "provisions": (
        "the provisions of each version, rebuilt by `tracker reparse`",
        {
            "id": "",
            "version": "",
            "ordinal": "reading order",
            "number": "as written",
            "path": "`10.b`, `p3` for a paragraph",
            "marker": "`Article 6.`",
            "depth": "",
            "text_id": "",
            "heading": 'the enclosing heading, `""` at the top',
            "reader": "the reader that built the row",
            "builder": 'the provision builder that made it, `provisions/1`; `""` when not known',
        },
    ),
    "texts": (
        "each distinct provision text once, indexed by `texts_fts`; immutable",
        {
            "id": "",
            "sha256": "",
            "text": "verbatim",
            "norm": "normalised for matching",
        },
    ),
    "texts_fts": (
        "FTS5 full-text index of `texts.text` (porter stemming, diacritics "
        "folded); its rowid is the text's id",
        {"text": ""},
    ),  # fmt: skip
    "steps": (
        "one per consecutive pair of a timeline, rebuilt by `tracker relink`",
        {
            "id": "",
            "document": "",
            "from_version": "",
            "to_version": "",
            "summary": "JSON counts",
            "headline": "",
            "engine": "the diff engine that built it and its links",
        },
    ),
    "links": (
        "one per provision pairing of a step",
        {
            "id": "",
            "document": "",
            "from_version": "",
            "to_version": "",
            "change": "split and merged rows share it",
            "old_provision": "NULL for an added provision",
            "new_provision": "NULL for a removed one",
            "kind": "",
            "renumbered": "",
            "moved": "",
            "similarity": "",
            "terms": "JSON list of `{old, new, type}`",
        },
    ),
    "diff_cache": (
        "the computed diff of two versions: filled for each step when versions are linked "
        "and on the first comparison of any other pair, dropped by `relink`",
        {
            "from_version": "",
            "to_version": "",
            "engine": "never read by another engine version",
            "data": "zlib-compressed compact JSON",
            "json": "the diff's `--format json` output, zlib-compressed, kept the first "
            "time it is asked for",
            "json_key": "a fingerprint of the code that wrote it; other code never reads it",
        },
    ),  # fmt: skip
    "watches": (
        "one per watched URL or feed",
        {
            "id": "",
            "url": "",
            "doc": "empty for a feed",
            "kind": "`url` or `feed`",
            "every": "seconds",
            "selector": "CSS selector of the part compared",
            "format": 'reader to use, `""` to detect',
            "webhook": "",
            "feed": "the feed a watch came from",
            "next_due": "",
            "claimed_until": "a runner's lease",
            "claimed_by": "",
            "last_checked": "",
            "last_status": "",
            "last_error": "",
            "failures": "consecutive",
            "last_version": "",
            "notify_error": "",
            "created": "",
        },
    ),
    "http_validators": (
        "per (`url`, `doc`): the validators last answered, for conditional GETs",
        {"url": "", "doc": "", "etag": "", "last_modified": "", "checked": ""},
    ),
    "provision_texts": ("every provision of every version with its version and text", {}),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    notnull: bool
    default: str | None
    pk: int
    note: str | None  # None: no note in NOTES


@dataclass(frozen=True)
class Table:
    name: str
    type: str  # table | view | virtual table
    sql: str
    note: str | None
    columns: tuple[Column, ...]
    indexes: tuple[str, ...]
    triggers: tuple[str, ...]


def describe(store: Store) -> list[Table]:
    """The database's tables and views (as :meth:`Store.schema` reports them), with
    their notes."""
    out = []
    for t in store.schema():
        note, columns = NOTES.get(t["name"], (None, {}))
        out.append(
            Table(
                t["name"], t["type"], t["sql"], note,
                tuple(Column(c["name"], c["type"], c["notnull"], c["default"], c["pk"],
                             columns.get(c["name"])) for c in t["columns"]),
                tuple(t["indexes"]), tuple(t["triggers"]),
            )
        )  # fmt: skip
    return out


def schema_json(tables: list[Table], version: int) -> dict[str, Any]:
    """``tracker schema --format json``."""
    return {
        "schema_version": version,
        "tables": [
            {
                "name": t.name,
                "type": t.type,
                "description": t.note or None,
                "columns": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "notnull": c.notnull,
                        "default": c.default,
                        "pk": c.pk,
                        "description": c.note or None,
                    }
                    for c in t.columns
                ],  # fmt: skip
                "indexes": list(t.indexes),
                "triggers": list(t.triggers),
                "sql": t.sql,
            }
            for t in tables
        ],
    }


def schema_sql(tables: list[Table]) -> str:
    """The statements that make the schema, table by table (as ``sqlite-utils schema``)."""
    return "\n".join(f"{sql};" for t in tables for sql in (t.sql, *t.indexes, *t.triggers))


def schema_markdown(tables: list[Table]) -> str:
    """One row per table and view: what a row is, then every column with its note (the
    README's schema table)."""
    lines = ["| table | rows |", "|---|---|"]
    for t in tables:
        name = {"view": f"view `{t.name}`", "virtual table": f"`{t.name}` (FTS5)"}.get(
            t.type, f"`{t.name}`"
        )
        columns = ", ".join(f"`{c.name}`" + (f" ({c.note})" if c.note else "") for c in t.columns)
        cell = (f"{t.note}: {columns}" if t.note else columns).replace("|", "\\|")
        lines.append(f"| {name} | {cell} |")
    return "\n".join(lines)
