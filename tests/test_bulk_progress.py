"""Bulk work on the cores: `tracker import` stores a folder and links the new pairs of
versions in one transaction, diffed on --jobs processes (the parallel path of relink),
with the same links whatever the number of jobs and the same as relinking from scratch;
`reparse --all` and `relink --all` draw a progress bar on a terminal, never into a pipe."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from conftest import run_on_terminal


def link_signature(db: Path) -> list[tuple]:
    """Every step and link, named by document, labels and provision paths (ids differ
    between databases)."""
    con = sqlite3.connect(db)
    try:
        steps = con.execute(
            "SELECT s.document, a.label, b.label, s.summary, s.headline FROM steps s "
            "JOIN versions a ON a.id = s.from_version JOIN versions b ON b.id = s.to_version "
            "ORDER BY 1, 2, 3"
        ).fetchall()
        links = con.execute(
            "SELECT l.document, a.label, b.label, l.change, po.path, pn.path, l.kind, "
            "l.renumbered, l.moved, l.similarity, l.terms FROM links l "
            "JOIN versions a ON a.id = l.from_version JOIN versions b ON b.id = l.to_version "
            "LEFT JOIN provisions po ON po.id = l.old_provision "
            "LEFT JOIN provisions pn ON pn.id = l.new_provision ORDER BY 1, 2, 3, 4, 5, 6"
        ).fetchall()
        return steps + links
    finally:
        con.close()


def stored_rows(db: Path) -> list[tuple]:
    """Every version's stored source (the compressed bytes included) and provisions."""
    con = sqlite3.connect(db)
    try:
        sources = con.execute(
            "SELECT v.document, v.label, s.format, s.reader, s.media_type, s.name, s.options, "
            "s.size, s.sha256, s.data FROM sources s JOIN versions v ON v.id = s.version "
            "ORDER BY 1, 2"
        ).fetchall()
        provisions = con.execute(
            "SELECT v.document, v.label, p.ordinal, p.number, p.path, p.marker, p.depth, "
            "p.heading, p.reader, p.builder, t.text FROM provisions p "
            "JOIN versions v ON v.id = p.version JOIN texts t ON t.id = p.text_id "
            "ORDER BY 1, 2, 3"
        ).fetchall()
        return sources + provisions
    finally:
        con.close()


def test_import_links_alike_on_any_number_of_jobs(invoke, versions_dir: Path, tmp_path: Path):
    # With two jobs the workers build the provisions and compress the sources: the same
    # rows as one process writes.
    signatures, rows = [], []
    for jobs in (1, 2):
        db = tmp_path / f"jobs{jobs}.db"
        out = invoke("--db", db, "import", versions_dir, "--jobs", jobs, use_db=False)
        assert out.code == 0, out.stderr
        assert out.stdout.endswith("imported 8 versions, 0 already stored\n")
        signatures.append(link_signature(db))
        rows.append(stored_rows(db))
    assert signatures[0] == signatures[1]
    assert rows[0] == rows[1] and len(rows[0]) > 8
    # Relinking from scratch gives the links the import made.
    db = tmp_path / "jobs2.db"
    assert invoke("--db", db, "relink", "--all", "--jobs", 1, use_db=False).code == 0
    assert link_signature(db) == signatures[0]
    assert len([s for s in signatures[0] if len(s) == 5]) == 5  # steps: 3 + 0 + 2


def test_import_between_stored_versions_replaces_their_step(invoke, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "plan").mkdir(parents=True)
    texts = {
        "a": "1. Troops withdraw within 30 days.\n2. Elections are held.\n",
        "c": "1. Troops withdraw within 90 days.\n2. Elections are held next year.\n",
    }
    for label, at in (("a", "2026-01-01"), ("c", "2026-03-01")):
        (folder / "plan" / f"{label}.txt").write_text(
            f"---\ndate: {at}\nlabel: {label}\n---\n{texts[label]}"
        )
    assert invoke("import", folder).code == 0
    (folder / "plan" / "b.txt").write_text(
        "---\ndate: 2026-02-01\nlabel: b\n---\n1. Troops withdraw within 60 days.\n"
        "2. Elections are held.\n"
    )
    out = invoke("import", folder, "--jobs", 2)
    assert out.code == 0, out.stderr
    assert "imported 1 versions, 2 already stored" in out.stdout
    listed = invoke("list", "plan").stdout.splitlines()
    assert [line.split()[0] for line in listed] == ["a", "b", "c"]
    assert "30 → 60" in listed[1] and "60 → 90" in listed[2]
    db = tmp_path / "history.db"
    before = link_signature(db)
    assert {(s[1], s[2]) for s in before if len(s) == 5} == {("a", "b"), ("b", "c")}
    assert invoke("relink", "plan").code == 0
    assert link_signature(db) == before


def test_bulk_commands_draw_a_bar_only_on_a_terminal(
    tracker_exe: str, sample_db: Path, tmp_path: Path
) -> None:
    for args, label, unit in (
        (["reparse", "--all", "--force"], "reparse", "document"),
        (["reparse", "--all", "--force", "--jobs", "2"], "reading", "version"),
        (["relink", "--all", "--jobs", "1"], "relink", "pair"),
        (["relink", "--all", "--jobs", "2"], "relink", "pair"),
    ):
        db = tmp_path / f"{label}.db"
        shutil.copyfile(sample_db, db)
        piped = run_on_terminal([tracker_exe, "--db", str(db), *args], stderr_tty=False)
        assert "\r" not in piped and unit not in piped
        drawn = run_on_terminal([tracker_exe, "--db", str(db), *args], stderr_tty=True)
        assert label in drawn and unit in drawn, drawn
