"""`tracker schema` describes the database from the database itself (sqlite_master and
PRAGMA table_info, through the Store): every table, view and column, each with a note;
the SQL it prints makes the same tables again; the README's table is its Markdown
(checked by tests/test_readme_examples.py)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tracker import store as store_module
from tracker.schema import NOTES
from tracker.store import Store


def columns(con: sqlite3.Connection, table: str) -> list[tuple]:
    return [tuple(r[1:]) for r in con.execute(f'PRAGMA table_info("{table}")')]


def test_every_table_and_column_is_listed_with_a_note(sample_db: Path, invoke) -> None:
    out = invoke("schema", "--format", "json")
    assert out.code == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["schema_version"] == store_module.SCHEMA_VERSION
    con = sqlite3.connect(sample_db)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN "
                                           "('table', 'view')")}  # fmt: skip
        listed = {t["name"]: t for t in data["tables"]}
        # Everything but the full-text index's shadow tables.
        assert set(listed) == {n for n in names if not n.startswith("texts_fts_")}
        for name, table in listed.items():
            assert [c["name"] for c in table["columns"]] == [c[0] for c in columns(con, name)]
            assert name in NOTES, f"no note for table {name}"
            if table["type"] != "view":
                missing = [c["name"] for c in table["columns"] if c["name"] not in NOTES[name][1]]
                assert not missing, f"no note for {name}.{missing}"
    finally:
        con.close()
    assert listed["provision_texts"]["type"] == "view"
    assert listed["texts_fts"]["type"] == "virtual table"
    builder = next(c for c in listed["provisions"]["columns"] if c["name"] == "builder")
    assert builder["notnull"] and builder["default"] == "''" and "builder" in builder["description"]


def test_the_sql_makes_the_same_tables(sample_db: Path, invoke, tmp_path: Path) -> None:
    out = invoke("schema")
    assert out.code == 0, out.stderr
    assert out.stdout.startswith('CREATE TABLE "documents"')
    again = sqlite3.connect(tmp_path / "again.db")
    original = sqlite3.connect(sample_db)
    try:
        again.executescript(out.stdout)
        query = "SELECT type, name FROM sqlite_master ORDER BY type, name"
        assert again.execute(query).fetchall() == original.execute(query).fetchall()
        for (name,) in original.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            assert columns(again, name) == columns(original, name)
    finally:
        again.close()
        original.close()


def test_markdown_has_a_row_per_table(sample_db: Path, invoke) -> None:
    out = invoke("schema", "--format", "markdown")
    lines = out.stdout.splitlines()
    assert lines[:2] == ["| table | rows |", "|---|---|"]
    with Store(sample_db) as store:
        assert len(lines) == 2 + len(store.schema())
    assert any(line.startswith("| view `provision_texts` |") for line in lines)


def test_schema_refuses_a_missing_database(invoke, db: Path) -> None:
    out = invoke("schema")
    assert out.code == 1 and out.stderr.startswith("error: no database at")
    assert not db.exists()
