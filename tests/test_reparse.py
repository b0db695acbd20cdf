"""`tracker reparse`: stored sources read again, provisions and links rebuilt, and never a
stored version, text or source changed."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import sqlite_utils

from tracker import links
from tracker import store as store_module
from tracker.provisions import normalise
from tracker.readers.text import READER as TEXT_READER
from tracker.store import Store

# A tight list: the numbered points sit on consecutive lines. The tracker before readers
# existed read each blank-line paragraph as one provision, as below; this one reads one
# provision per point.
TIGHT = {
    "v1": "Harbour rules\n\n1. Ships may enter at any hour.\n2. Each ship pays 40 coins.\n"
    "3. Disputes go to the board.\n",
    "v2": "Harbour rules\n\n1. Ships may enter from dawn to dusk.\n2. Each ship pays 40 coins.\n"
    "3. Disputes go to the harbour board.\n4. Fishing boats pay nothing.\n",
}
# Prose, read the same way then and now.
PROSE = {
    "a": "The talks opened on Monday.\n\nBoth sides met in the old customs house.\n",
    "b": "The talks opened on Monday.\n\nBoth sides met in the new customs house.\n",
}


def rows(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# A third document of three versions: reparsed, its two pairs are diffed again in the
# reparse's own transaction.
DOCK = {
    "d1": "Dock rules\n\n1. Cranes work by day.\n2. Each crane has one driver.\n",
    "d2": "Dock rules\n\n1. Cranes work by day and night.\n2. Each crane has one driver.\n",
    "d3": "Dock rules\n\n1. Cranes work by day and night.\n2. Each crane has two drivers.\n"
    "3. Drivers rest every four hours.\n",
}


def old_database(path: Path, dock: bool = False) -> None:
    """A schema-2 database (from before sources were kept) holding the two documents with
    the provisions that tracker stored: one per blank-line paragraph (and, with ``dock``,
    a third document of three versions)."""
    con = sqlite3.connect(path)
    db = sqlite_utils.Database(con)
    for migration in store_module.MIGRATIONS[:2]:
        migration(db)
    con.execute("PRAGMA user_version = 2")
    day = 1
    docs = [("harbour", "plan", TIGHT), ("talks", "reporting", PROSE)]
    for doc, kind, texts in docs + ([("dock", "plan", DOCK)] if dock else []):
        db["documents"].insert({"slug": doc, "title": doc, "kind": kind,
                                "created": "2026-01-01T00:00:00+00:00"})  # fmt: skip
        for label, text in texts.items():
            at = f"2026-01-{day:02d}T00:00:00+00:00"
            day += 1
            paras = [p.strip() for p in text.split("\n\n") if p.strip()]
            version_id = con.execute(
                "INSERT INTO versions (document, label, at, at_text, kind, source, notes, "
                "sha256, text, added_at, n_provisions) VALUES (?, ?, ?, ?, ?, '', '', ?, ?, ?, ?)",
                [doc, label, at, at[:10], kind, hashlib.sha256(text.encode()).hexdigest(),
                 text.strip("\n"), at, len(paras)],
            ).lastrowid  # fmt: skip
            for i, para in enumerate(paras):
                con.execute(
                    "INSERT OR IGNORE INTO texts (sha256, text, norm) VALUES (?, ?, ?)",
                    [hashlib.sha256(para.encode()).hexdigest(), para, normalise(para)],
                )
                (text_id,) = con.execute(
                    "SELECT id FROM texts WHERE sha256 = ?",
                    [hashlib.sha256(para.encode()).hexdigest()],
                ).fetchone()
                number = "1" if para.startswith("1.") else ""
                con.execute(
                    "INSERT INTO provisions (version, ordinal, number, path, marker, depth, "
                    "text_id) VALUES (?, ?, ?, ?, ?, 0, ?)",
                    [version_id, i, number, number or f"p{i + 1}", "1." if number else "", text_id],
                )
    con.commit()
    con.close()


def stored(db: Path) -> list[list[tuple]]:
    """Every row that reparse must never change."""
    return [rows(db, f"SELECT * FROM {t} ORDER BY 1") for t in ("documents", "versions", "sources")]


def texts(db: Path) -> list[tuple]:
    return rows(db, "SELECT id, sha256, text, norm FROM texts ORDER BY id")


def exported(invoke, doc: str) -> dict:  # type: ignore[no-untyped-def]
    out = invoke("export", doc)
    assert out.code == 0, out.stderr
    return json.loads(out.stdout)


def test_reparse_keeps_every_version_and_the_same_links(invoke, sample_db) -> None:
    docs = ["geneva-talks", "peace-plan", "wire-report"]
    before = stored(sample_db) + [texts(sample_db)]
    exports = {d: exported(invoke, d) for d in docs}
    provision_rows = rows(sample_db, "SELECT * FROM provisions ORDER BY id")

    out = invoke("reparse", "--all", "--force", "--json")
    assert out.code == 0, out.stderr
    report = json.loads(out.stdout)
    assert [d["doc"] for d in report["documents"]] == docs
    for d in report["documents"]:
        # Every version read again; nothing differed, so nothing was rewritten.
        assert d["reread"] == d["versions"] == len(d["changes"]) > 0
        assert (d["provisions_changed"], d["links_changed"]) == (0, False)

    assert stored(sample_db) + [texts(sample_db)] == before
    assert rows(sample_db, "SELECT * FROM provisions ORDER BY id") == provision_rows
    assert {d: exported(invoke, d) for d in docs} == exports
    # Without --force the current reader's provisions are not read again.
    assert invoke("reparse", "peace-plan").stdout == (
        "peace-plan: 0 of 4 versions read again, 0 provisions changed, links unchanged\n"
    )


def test_reparse_rebuilds_what_an_older_reader_stored(invoke, db, tmp_path, snapshot) -> None:
    old_database(db)
    assert invoke("list").code == 0  # migrate: sources backfilled from the stored text
    # A database from before links existed is linked by the write-path repair.
    assert invoke("relink", "--all").code == 0
    before, texts_before = stored(db), texts(db)
    assert rows(db, "SELECT count(*) FROM provisions") == [(8,)]

    # A dry run reports what would change and changes nothing.
    migrated = snapshot(db)
    dry = invoke("reparse", "harbour", "--dry-run")
    assert dry.code == 0, dry.stderr
    assert dry.stdout.startswith("harbour: 2 of 2 versions would be read again")
    assert snapshot(db) == migrated

    talks_before = exported(invoke, "talks")
    out = invoke("reparse", "--all", "--json")
    assert out.code == 0, out.stderr
    harbour, talks = json.loads(out.stdout)["documents"]
    assert harbour["reread"] == 2 and harbour["provisions_changed"] > 0
    assert harbour["links_changed"]
    assert [(c["reader_before"], c["provisions_before"], c["provisions_after"])
            for c in harbour["changes"]] == [("text/0", 2, 4), ("text/0", 2, 5)]  # fmt: skip
    # The prose reads the same: read again (a new reader), the same provisions and links.
    assert (talks["reread"], talks["provisions_changed"], talks["links_changed"]) == (2, 0, False)
    assert exported(invoke, "talks") == talks_before

    assert stored(db) == before  # no version or source changed
    assert texts(db)[: len(texts_before)] == texts_before  # texts only added
    # The provisions are now what adding the same texts today gives.
    fresh = tmp_path / "fresh.db"
    for label, text in TIGHT.items():
        f = tmp_path / f"{label}.txt"
        f.write_text(text, encoding="utf-8")
        at = "2026-01-01" if label == "v1" else "2026-01-02"
        assert invoke("--db", fresh, "add", "harbour", f, "--at", at, "--label", label,
                      use_db=False).code == 0  # fmt: skip
    for label in TIGHT:
        again = json.loads(invoke("show", "harbour", label, "--json").stdout)
        new = json.loads(invoke("--db", fresh, "show", "harbour", label, "--json",
                                use_db=False).stdout)  # fmt: skip
        assert again["provisions"] == new["provisions"]
        assert again["n_provisions"] == len(new["provisions"])
        assert again["reader"] == new["reader"] != "text/0"
    assert exported(invoke, "harbour")["steps"] == exported_at(invoke, fresh, "harbour")["steps"]
    # The history of point 4 is found: it was added in v2.
    history = json.loads(invoke("history", "harbour", "4", "--json").stdout)
    assert history["added_in"] == "v2"


def exported_at(invoke, db: Path, doc: str) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(invoke("--db", db, "export", doc, use_db=False).stdout)


def test_force_rebuilds_provisions_edited_by_hand(invoke, sample_db) -> None:
    # Provisions are derived data: a SQL user may change them (no trigger refuses it).
    original = json.loads(invoke("show", "peace-plan", "eu-counter", "--json").stdout)
    con = sqlite3.connect(sample_db)
    with con:
        con.execute(
            "UPDATE provisions SET heading = 'edited' WHERE version = "
            "(SELECT id FROM versions WHERE label = 'eu-counter')"
        )
    con.close()
    assert "0 of 4 versions read again" in invoke("reparse", "peace-plan").stdout
    out = invoke("reparse", "peace-plan", "--force")
    assert out.stdout == (
        f"peace-plan: 4 of 4 versions read again by {TEXT_READER}, 36 provisions changed, "
        "links unchanged\n"
    )
    assert json.loads(invoke("show", "peace-plan", "eu-counter", "--json").stdout) == original


def test_reparse_errors(invoke, sample_db, snapshot) -> None:
    before = snapshot(sample_db)
    out = invoke("reparse", "nodoc")
    assert out.code == 1 and out.stderr.startswith("error: unknown document 'nodoc'")
    for args in ((), ("peace-plan", "--all")):
        out = invoke("reparse", *args)
        assert out.code == 2 and "give DOC or --all" in out.stderr
    assert snapshot(sample_db) == before


def test_reparse_on_several_processes_gives_what_one_gives(invoke, tmp_path) -> None:
    # Sources read on worker processes, pairs diffed on them with the provisions sent
    # (the reparse's transaction is not committed yet): the same provisions, links and
    # report as in one process.
    results = {}
    for jobs in ("1", "2"):
        path = tmp_path / f"jobs{jobs}.db"
        old_database(path, dock=True)
        assert invoke("--db", path, "relink", "--all", use_db=False).code == 0
        out = invoke("--db", path, "reparse", "--all", "--json", "--jobs", jobs, use_db=False)
        assert out.code == 0, out.stderr
        exports = {d: exported_at(invoke, path, d) for d in ("dock", "harbour", "talks")}
        results[jobs] = (json.loads(out.stdout), exports)
    assert results["1"] == results["2"]
    report, exports = results["2"]
    dock = next(d for d in report["documents"] if d["doc"] == "dock")
    assert (dock["reread"], dock["links_changed"]) == (3, True)
    # The three points of d3 are provisions of their own now, linked to d2's.
    steps = exports["dock"]["steps"]
    assert len(steps) == 2 and any(c["kind"] == "added" for c in steps[1]["changes"])


def test_a_source_that_cannot_be_read_stops_at_its_document(invoke, sample_db) -> None:
    # A stored source this build cannot read (here: text bytes said to be a PDF). The
    # documents before it are rebuilt and committed; its own is left as it was, with
    # several processes as with one.
    con = sqlite3.connect(sample_db)
    with con:
        con.execute("DROP TRIGGER sources_no_update")
        con.execute(
            "UPDATE sources SET format = 'pdf' WHERE version = (SELECT min(id) FROM versions "
            "WHERE document = 'wire-report')"
        )
    con.close()
    wire = (
        "SELECT * FROM provisions WHERE version IN "
        "(SELECT id FROM versions WHERE document = 'wire-report') ORDER BY id"
    )
    before = rows(sample_db, wire)
    for jobs in ("1", "2"):
        out = invoke("reparse", "--all", "--force", "--jobs", jobs)
        assert out.code == 1
        assert out.stderr.startswith("error: wire-report ") and "pdf" in out.stderr.lower()
        assert [line.split(":")[0] for line in out.stdout.splitlines()] == [
            "geneva-talks", "peace-plan"
        ]  # fmt: skip
    assert rows(sample_db, wire) == before


def test_links_diffed_on_provisions_rebuilt_meanwhile_are_diffed_again(invoke, db) -> None:
    # relink --jobs diffs committed versions on worker processes before it takes the
    # write lock, and a reparse may rebuild their provisions in between: the rows the
    # worker made from the old provisions are not written, the pair is diffed again.
    old_database(db)
    assert invoke("relink", "--all").code == 0
    with Store(db) as s:
        old, new = s.versions("harbour")
        stale = links._step_of_ids((str(db), old.id, new.id))  # on 2 + 2 paragraphs
    assert invoke("reparse", "harbour").code == 0  # now 4 + 5 provisions
    with Store(db) as s, s.transaction():
        s.delete_lineage("harbour", old.id)
        links._store_step(s, old, new, stale)
        rows = [r for r in s.links("harbour") if r["from_version"] == old.id]
        ids = [set(s.provision_ids(v.id).values()) for v in (old, new)]
    for side, column in enumerate(("old_provision", "new_provision")):
        assert {r[column] for r in rows} - {None} == ids[side]
