"""The provision builder has a version stamp: each version's provisions record the
builder that made them beside the reader, and `tracker reparse` (without --force) makes
again the provisions of another builder, or of a builder not known (provisions from an
export file, or stored before the stamp existed)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tracker.provisions import BUILDER


def builders(db: Path) -> dict[str, set[str]]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT v.document, p.builder FROM provisions p JOIN versions v ON v.id = p.version"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, set[str]] = {}
    for doc, builder in rows:
        out.setdefault(doc, set()).add(builder)
    return out


def reparse_all(invoke) -> dict[str, dict]:
    out = invoke("reparse", "--all", "--json")
    assert out.code == 0, out.stderr
    return {d["doc"]: d for d in json.loads(out.stdout)["documents"]}


def test_added_versions_record_this_builder(sample_db: Path, invoke) -> None:
    assert set().union(*builders(sample_db).values()) == {BUILDER}
    assert all(d["reread"] == 0 for d in reparse_all(invoke).values())


def test_reparse_redoes_what_an_older_builder_made(sample_db: Path, invoke) -> None:
    shown = invoke("show", "peace-plan", "us-28", "--json").stdout
    con = sqlite3.connect(sample_db)
    with con:
        con.execute(
            "UPDATE provisions SET builder = 'provisions/0' WHERE version IN "
            "(SELECT id FROM versions WHERE document = 'peace-plan')"
        )
    con.close()
    done = reparse_all(invoke)
    plan = done["peace-plan"]
    assert plan["reread"] == plan["versions"] == 4
    assert {(c["builder_before"], c["builder_after"]) for c in plan["changes"]} == {
        ("provisions/0", BUILDER)
    }
    # The same reader and the same provisions: only the stamp is new.
    assert {c["reader_before"] == c["reader_after"] for c in plan["changes"]} == {True}
    assert plan["provisions_changed"] == 0 and not plan["links_changed"]
    assert done["wire-report"]["reread"] == 0 and done["geneva-talks"]["reread"] == 0
    assert builders(sample_db)["peace-plan"] == {BUILDER}
    assert all(d["reread"] == 0 for d in reparse_all(invoke).values())
    assert invoke("show", "peace-plan", "us-28", "--json").stdout == shown


def test_provisions_from_an_export_file_are_made_again(
    sample_db: Path, invoke, tmp_path: Path
) -> None:
    exported = invoke("export", "wire-report", "--format", "json").stdout
    fresh = tmp_path / "fresh.db"
    out = invoke("--db", fresh, "import-export", "-", input=exported, use_db=False)
    assert out.code == 0, out.stderr
    assert builders(fresh) == {"wire-report": {""}}
    out = invoke("--db", fresh, "reparse", "--all", use_db=False)
    assert out.code == 0, out.stderr
    assert out.stdout.startswith("wire-report: 3 of 3 versions read again")
    assert builders(fresh) == {"wire-report": {BUILDER}}
