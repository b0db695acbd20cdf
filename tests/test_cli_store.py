"""The ``tracker`` CLI end to end on real SQLite files: add, import, list, show, the
database options, and what the history database guarantees (FTS, schema version,
immutability, identical texts stored once)."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tracker.store import SCHEMA_VERSION

ARTICLE = (
    "Leaked plan would cap Ukraine's army\n"
    "\n"
    "KYIV, Nov 20 (Northline) - A peace plan drafted in Washington would require Ukraine\n"
    "to give up land in Zaporizhzhia and Kherson.\n"
    "\n"
    "The sources said the draft has 28 points.\n"
)
PLAN = (
    "Framework\n"
    "\n"
    "1. Ukraine's sovereignty is confirmed.\n"
    "2. The United States will give a guarantee on these terms:\n"
    "a) compensation;\n"
    "b) it lapses on an invasion.\n"
    "3. Elections within 100 days.\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def labels_in_order(invoke: Callable, doc: str) -> list[str]:
    out = invoke("list", doc, "--json")
    assert out.code == 0, out.stderr
    return [v["label"] for v in json.loads(out.stdout)["versions"]]


# --- add --------------------------------------------------------------------------------


def test_add_from_a_file_prints_one_line(invoke, tmp_path, db) -> None:
    f = write(tmp_path / "article.txt", ARTICLE)
    out = invoke("add", "wire", f, "--at", "2025-11-20 15:05 CET")
    assert out.code == 0, out.stderr
    assert out.stdout == "wire v1 2025-11-20T14:05:00+00:00 3 provisions\n"
    assert out.stderr == ""
    [(doc, label, at, at_text, kind, text, n)] = rows(
        db, "SELECT document, label, at, at_text, kind, text, n_provisions FROM versions"
    )
    assert (doc, label, at, at_text, kind, n) == (
        "wire",
        "v1",
        "2025-11-20T14:05:00+00:00",
        "2025-11-20 15:05 CET",
        "reporting",
        3,
    )
    assert text == ARTICLE.strip("\n")
    assert rows(db, "SELECT slug, title, kind FROM documents") == [("wire", "wire", "reporting")]


def test_add_from_stdin(invoke, db) -> None:
    out = invoke("add", "plan", "-", "--at", "2025-11-20", input=PLAN.encode("utf-8"))
    assert out.code == 0, out.stderr
    assert out.stdout == "plan v1 2025-11-20T00:00:00+00:00 6 provisions\n"
    assert rows(db, "SELECT path FROM provisions ORDER BY ordinal") == [
        ("p1",),
        ("1",),
        ("2",),
        ("2.a",),
        ("2.b",),
        ("3",),
    ]
    assert rows(db, "SELECT text FROM versions") == [(PLAN.strip("\n"),)]


def test_add_records_the_parsed_provisions(invoke, tmp_path, db) -> None:
    f = write(tmp_path / "plan.txt", PLAN)
    assert invoke("add", "plan", f, "--at", "2025-11-20").code == 0
    assert rows(
        db,
        "SELECT ordinal, number, path, marker, depth, text FROM provision_texts ORDER BY ordinal",
    ) == [
        (0, "", "p1", "", 0, "Framework"),
        (1, "1", "1", "1.", 0, "Ukraine's sovereignty is confirmed."),
        (2, "2", "2", "2.", 0, "The United States will give a guarantee on these terms:"),
        (3, "a", "2.a", "a)", 1, "compensation;"),
        (4, "b", "2.b", "b)", 1, "it lapses on an invasion."),
        (5, "3", "3", "3.", 0, "Elections within 100 days."),
    ]
    [(norm,)] = rows(db, "SELECT norm FROM provision_texts WHERE path = '1'")
    assert norm == "ukraine's sovereignty is confirmed."
    [(sha, text)] = rows(db, "SELECT sha256, text FROM versions")
    assert sha == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_auto_label_is_the_next_free_vn(invoke, tmp_path) -> None:
    texts = [write(tmp_path / f"t{i}.txt", f"Paragraph number {i}.\n") for i in range(4)]
    assert invoke("add", "doc", texts[0], "--at", "2025-11-20").stdout.split()[1] == "v1"
    assert invoke("add", "doc", texts[1], "--at", "2025-11-21", "--label", "v3").code == 0
    assert invoke("add", "doc", texts[2], "--at", "2025-11-22").stdout.split()[1] == "v2"
    assert invoke("add", "doc", texts[3], "--at", "2025-11-23").stdout.split()[1] == "v4"
    assert labels_in_order(invoke, "doc") == ["v1", "v3", "v2", "v4"]


def test_labels_are_per_document(invoke, tmp_path, db) -> None:
    a = write(tmp_path / "a.txt", "Text of the first document.\n")
    b = write(tmp_path / "b.txt", "Text of the second document.\n")
    assert invoke("add", "first-doc", a, "--at", "2025-11-20").stdout.startswith("first-doc v1 ")
    assert invoke("add", "second-doc", b, "--at", "2025-11-20").stdout.startswith("second-doc v1 ")
    assert invoke("add", "other", a, "--at", "2025-11-20", "--label", "v1").code == 0
    assert rows(db, "SELECT document, label FROM versions ORDER BY document") == [
        ("first-doc", "v1"),
        ("other", "v1"),
        ("second-doc", "v1"),
    ]


def test_front_matter_gives_date_label_kind_title_source_notes(invoke, tmp_path) -> None:
    f = write(
        tmp_path / "fm.txt",
        "---\n"
        "title: US-brokered peace plan\n"
        'date: "2025-11-20 18:30 CET"\n'
        "kind: reporting\n"
        "label: leaked\n"
        "source: https://example.org/plan\n"
        "notes: >\n"
        "  A paraphrase,\n"
        "  not an official text.\n"
        "---\n" + PLAN,
    )
    out = invoke("add", "plan", f)
    assert out.code == 0, out.stderr
    # kind: reporting in the front matter wins over detection (the text is a numbered plan).
    assert out.stdout == "plan leaked 2025-11-20T17:30:00+00:00 2 provisions\n"
    shown = json.loads(invoke("show", "plan", "leaked", "--json").stdout)
    assert shown["at"] == "2025-11-20T17:30:00+00:00"
    assert shown["at_text"] == "2025-11-20 18:30 CET"
    assert shown["kind"] == "reporting"
    assert shown["source"] == "https://example.org/plan"
    assert shown["notes"] == "A paraphrase, not an official text."
    assert shown["text"] == PLAN.strip("\n")  # the front matter is not part of the text
    assert [p["path"] for p in shown["provisions"]] == ["p1", "p2"]
    docs = json.loads(invoke("list", "--json").stdout)["documents"]
    assert [(d["slug"], d["title"]) for d in docs] == [("plan", "US-brokered peace plan")]


def test_options_override_the_front_matter(invoke, tmp_path) -> None:
    f = write(
        tmp_path / "fm.txt",
        "---\ntitle: From front matter\ndate: 2025-11-20\nkind: reporting\nlabel: fm\n---\n" + PLAN,
    )
    out = invoke(
        "add", "plan", f, "--at", "2025-11-23 09:00 EST", "--label", "cli", "--kind", "plan",
        "--title", "From the option", "--source", "ref-1",
    )  # fmt: skip
    assert out.code == 0, out.stderr
    assert out.stdout == "plan cli 2025-11-23T14:00:00+00:00 6 provisions\n"
    shown = json.loads(invoke("show", "plan", "cli", "--json").stdout)
    assert (shown["at_text"], shown["kind"], shown["source"]) == (
        "2025-11-23 09:00 EST",
        "plan",
        "ref-1",
    )
    assert json.loads(invoke("list", "--json").stdout)["documents"][0]["title"] == (
        "From the option"
    )


def test_kind_is_detected_and_can_be_forced(invoke, tmp_path) -> None:
    f = write(tmp_path / "plan.txt", PLAN)
    assert invoke("add", "a", f, "--at", "2025-11-20").stdout.endswith(" 6 provisions\n")
    out = invoke("add", "b", f, "--at", "2025-11-20", "--kind", "reporting")
    assert out.stdout.endswith(" 2 provisions\n")  # two blank-line separated paragraphs
    kinds = {d["slug"]: d["kind"] for d in json.loads(invoke("list", "--json").stdout)["documents"]}
    assert kinds == {"a": "plan", "b": "reporting"}


def test_tz_option_for_a_time_without_zone(invoke, tmp_path) -> None:
    f = write(tmp_path / "t.txt", ARTICLE)
    out = invoke("add", "wire", f, "--at", "2025-11-20 12:00", "--tz", "Europe/Kyiv")
    assert out.stdout == "wire v1 2025-11-20T10:00:00+00:00 3 provisions\n"
    listing = invoke("list", "wire", "--tz", "Europe/Kyiv").stdout
    assert "2025-11-20 12:00 EET" in listing
    assert "2025-11-20 10:00 UTC" in invoke("list", "wire").stdout


def test_versions_are_ordered_by_at_not_by_insertion(invoke, tmp_path) -> None:
    later = write(tmp_path / "later.txt", "Text as of the 22nd.\n")
    earlier = write(tmp_path / "earlier.txt", "Text as of the 20th.\n")
    middle = write(tmp_path / "middle.txt", "Text as of the 21st.\n")
    assert invoke("add", "doc", later, "--at", "2025-11-22").code == 0
    assert invoke("add", "doc", earlier, "--at", "2025-11-20 09:00 EST").code == 0
    assert invoke("add", "doc", middle, "--at", "21.11.2025 23:00").code == 0
    assert labels_in_order(invoke, "doc") == ["v2", "v3", "v1"]
    lines = invoke("list", "doc").stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["v2", "v3", "v1"]
    doc = json.loads(invoke("list", "--json").stdout)["documents"][0]
    assert (doc["first_at"], doc["last_at"], doc["n_versions"]) == (
        "2025-11-20T14:00:00+00:00",
        "2025-11-22T00:00:00+00:00",
        3,
    )


# --- identical texts --------------------------------------------------------------------


def test_identical_text_is_reported_and_not_stored_twice(invoke, tmp_path, db, counts) -> None:
    f = write(tmp_path / "a.txt", ARTICLE)
    assert invoke("add", "wire", f, "--at", "2025-11-20").code == 0
    before = counts(db)
    out = invoke("add", "wire", f, "--at", "2025-11-21", "--label", "again")
    assert out.code == 0, out.stderr
    assert out.stdout == "wire: identical to v1 (2025-11-20T00:00:00+00:00), not stored again\n"
    assert counts(db) == before
    # The same text with CRLF line endings and a front matter is still the same text.
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(("---\ndate: 2025-11-22\n---\n" + ARTICLE).replace("\n", "\r\n").encode())
    assert invoke("add", "wire", crlf).stdout.startswith("wire: identical to v1 ")
    assert counts(db) == before
    # Another document may hold the same text.
    assert invoke("add", "other", f, "--at", "2025-11-20").stdout.startswith("other v1 ")


# --- list / show --------------------------------------------------------------------------


@pytest.fixture
def imported(sample_db) -> Path:
    """The test's database holds the sample versions (as ``tracker import versions``)."""
    return sample_db


def test_list_documents(invoke, imported) -> None:
    lines = invoke("list").stdout.splitlines()
    assert [line.split()[:3] for line in lines] == [
        ["geneva-talks", "reporting", "1"],
        ["peace-plan", "plan", "4"],
        ["wire-report", "reporting", "3"],
    ]
    assert "2025-11-20 .. 2025-12-24" in lines[1]
    assert lines[1].endswith("US-brokered peace plan for Ukraine")


def test_list_json_shape(invoke, imported) -> None:
    data = json.loads(invoke("list", "--json").stdout)
    assert list(data) == ["documents"]
    plan = {d["slug"]: d for d in data["documents"]}["peace-plan"]
    assert set(plan) == {"slug", "title", "kind", "created", "n_versions", "first_at", "last_at"}
    assert (plan["n_versions"], plan["first_at"], plan["last_at"]) == (
        4,
        "2025-11-20T00:00:00+00:00",
        "2025-12-24T00:00:00+00:00",
    )
    assert json.loads(invoke("list", "--format", "json").stdout) == data


def test_list_versions_of_a_document(invoke, imported) -> None:
    lines = invoke("list", "peace-plan").stdout.splitlines()
    assert [line.split()[0] for line in lines] == [
        "us-28",
        "us-28-alt",
        "eu-counter",
        "framework-20",
    ]
    assert lines[0].split() == [
        "us-28", "2025-11-20", "00:00", "UTC", "plan", "41", "provisions", "first", "version"
    ]  # fmt: skip
    # Each later version says what changed from the one before.
    assert "removed" in lines[2] and "600,000 → 800,000" in lines[2]
    data = json.loads(invoke("list", "wire-report", "--json").stdout)
    assert data["doc"] == "wire-report"
    assert [(v["label"], v["at"], v["n_provisions"]) for v in data["versions"]] == [
        ("first", "2025-11-20T14:05:00+00:00", 9),
        ("update", "2025-11-20T17:30:00+00:00", 9),
        ("corrected", "2025-11-21T14:00:00+00:00", 10),
    ]
    assert set(data["versions"][0]) == {
        "id", "document", "label", "at", "at_text", "kind", "source", "notes", "sha256",
        "added_at", "n_provisions", "previous", "changes", "headline",
    }  # fmt: skip
    assert data["versions"][0]["previous"] is None and data["versions"][0]["changes"] == {}
    assert data["versions"][1]["previous"] == "first"
    assert data["versions"][1]["changes"]["modified"] >= 1


def test_show_text(invoke, imported, versions_dir) -> None:
    out = invoke("show", "wire-report", "corrected")
    assert out.code == 0, out.stderr
    head, _, body = out.stdout.partition("\n\n")
    fields = {k: v.strip() for k, v in (line.split(":", 1) for line in head.splitlines())}
    assert len(fields.pop("sha256")) == 64
    assert fields.pop("notes").startswith("A paraphrase reconstructed from public reporting")
    assert fields == {
        "document": "wire-report",
        "label": "corrected",
        "at": "2025-11-21 14:00 UTC",
        "as given": "Nov 21, 2025 9am EST",
        "kind": "reporting",
        "source": "paraphrase reconstructed from public reporting",
        "provisions": "10",
    }
    file_text = (versions_dir / "wire-report/03-corrected.txt").read_text(encoding="utf-8")
    assert body.rstrip("\n") == file_text.split("---\n", 2)[2].strip("\n")
    assert (
        "2025-11-21 16:00 EET"
        in invoke("show", "wire-report", "corrected", "--tz", "Europe/Kyiv").stdout
    )


def test_show_provisions(invoke, imported) -> None:
    out = invoke("show", "peace-plan", "us-28", "--provisions")
    assert out.code == 0, out.stderr
    listing = out.stdout.split("\n\n", 1)[1].splitlines()
    assert len(listing) == 41
    assert listing[0].split(None, 1) == ["¶1", "Framework for ending the war in Ukraine"]
    by_label = {line.split(None, 1)[0]: line for line in listing}
    assert by_label["10.b"].startswith("    10.b  the guarantee lapses")  # indented one level
    assert by_label["12.4"].endswith("financing provided by the World Bank.")
    # Wrapped lines are joined into one line.
    assert by_label["2"].endswith(
        "The parties will treat every open question left over from the last 30 years as settled."
    )


def test_show_json_shape(invoke, imported) -> None:
    data = json.loads(invoke("show", "peace-plan", "eu-counter", "--json").stdout)
    assert set(data) == {
        "doc", "id", "document", "label", "at", "at_text", "kind", "source", "notes",
        "sha256", "added_at", "n_provisions", "text", "provisions", "format", "reader",
    }  # fmt: skip
    assert (data["doc"], data["label"], data["kind"], data["n_provisions"]) == (
        "peace-plan",
        "eu-counter",
        "plan",
        36,
    )
    assert len(data["provisions"]) == 36
    # Keys are only ever added: the reader's label ("¶2", "12.1") and the heading.
    assert set(data["provisions"][0]) == {
        "path", "number", "marker", "depth", "text", "label", "heading",
    }  # fmt: skip
    paths = [p["path"] for p in data["provisions"]]
    assert "3" not in paths and "4" in paths
    assert data["sha256"] == hashlib.sha256(data["text"].encode("utf-8")).hexdigest()
    twelve_one = next(p for p in data["provisions"] if p["path"] == "12.1")
    assert (twelve_one["marker"], twelve_one["depth"], twelve_one["number"]) == ("→", 1, "")


# --- the database file --------------------------------------------------------------------


def test_db_option_env_var_and_default(invoke, tmp_path) -> None:
    f = write(tmp_path / "t.txt", ARTICLE)
    env_db = tmp_path / "from-env.db"
    opt_db = tmp_path / "from-option.db"
    out = invoke(
        "add", "wire", f, "--at", "2025-11-20", env={"TRACKER_DB": str(env_db)}, use_db=False
    )
    assert out.code == 0, out.stderr
    assert rows(env_db, "SELECT document FROM versions") == [("wire",)]
    # --db wins over TRACKER_DB.
    out = invoke(
        "--db", opt_db, "add", "wire2", f, "--at", "2025-11-20",
        env={"TRACKER_DB": str(env_db)}, use_db=False,
    )  # fmt: skip
    assert out.code == 0, out.stderr
    assert rows(opt_db, "SELECT document FROM versions") == [("wire2",)]
    assert rows(env_db, "SELECT document FROM versions") == [("wire",)]
    # Without either: ./tracker.db in the working directory.
    assert invoke("add", "wire3", f, "--at", "2025-11-20", use_db=False).code == 0
    assert rows(tmp_path / "tracker.db", "SELECT document FROM versions") == [("wire3",)]


def test_import_is_idempotent(invoke, versions_dir, db, counts) -> None:
    first = invoke("import", versions_dir)
    assert first.code == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[-1] == "imported 8 versions, 0 already stored"
    assert "peace-plan us-28 2025-11-20T00:00:00+00:00 41 provisions" in lines
    assert "wire-report corrected 2025-11-21T14:00:00+00:00 10 provisions" in lines
    after_first = counts(db)
    assert after_first == {
        "documents": 3,
        "versions": 8,
        "provisions": 7 + 41 + 41 + 36 + 22 + 9 + 9 + 10,
        "texts": after_first["texts"],
        "texts_fts": after_first["texts_fts"],
    }
    # Each distinct provision text is stored (and indexed) once.
    assert (
        after_first["texts"]
        == after_first["texts_fts"]
        == rows(db, "SELECT count(DISTINCT text) FROM provision_texts")[0][0]
    )
    assert after_first["texts"] < after_first["provisions"]
    second = invoke("import", versions_dir)
    assert second.code == 0, second.stderr
    assert second.stdout == "imported 0 versions, 8 already stored\n"
    assert counts(db) == after_first


def test_import_adds_only_new_files(invoke, versions_dir, tmp_path, db, counts) -> None:
    copy = tmp_path / "versions"
    shutil.copytree(versions_dir, copy)
    assert invoke("import", copy).code == 0
    before = counts(db)
    write(copy / "wire-report" / "04-later.txt", "---\ndate: 2025-11-22\n---\nA later capture.\n")
    out = invoke("import", copy)
    assert out.stdout.splitlines() == [
        "wire-report v1 2025-11-22T00:00:00+00:00 1 provisions",
        "imported 1 versions, 8 already stored",
    ]
    assert counts(db)["versions"] == before["versions"] + 1


def test_fts_index_finds_provisions(invoke, imported, db) -> None:
    found = rows(
        db,
        "SELECT v.document, v.label, p.path FROM texts_fts f "
        "JOIN provisions p ON p.text_id = f.rowid JOIN versions v ON v.id = p.version "
        "WHERE texts_fts MATCH ? ORDER BY v.document, v.at, p.ordinal",
        ("Zaporizhzhia",),
    )
    assert ("peace-plan", "us-28", "19") in found
    assert ("peace-plan", "us-28", "21") in found
    assert ("peace-plan", "framework-20", "12") in found
    assert [r for r in found if r[0] == "wire-report"] == [
        ("wire-report", "first", "p3"),
        ("wire-report", "update", "p3"),
        ("wire-report", "corrected", "p3"),
    ]
    assert len(found) == 9
    # Case and diacritics are folded by the tokenizer.
    assert (
        len(
            rows(
                db,
                "SELECT p.id FROM texts_fts f JOIN provisions p ON p.text_id = f.rowid "
                "WHERE texts_fts MATCH 'zaporizhzhia'",
            )
        )
        == 9
    )


def test_schema_version_is_set_and_stable(invoke, imported, db) -> None:
    assert SCHEMA_VERSION >= 1
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    tables = {r[0] for r in rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"documents", "versions", "provisions", "texts", "texts_fts"} <= tables
    # Opening it again does not migrate again.
    assert invoke("list").code == 0
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_stored_versions_are_immutable(invoke, imported, db, snapshot) -> None:
    before = snapshot(db)
    con = sqlite3.connect(db)
    try:
        for sql in (
            "UPDATE versions SET text = 'rewritten' WHERE label = 'us-28'",
            "UPDATE versions SET at = '2020-01-01T00:00:00+00:00'",
            "DELETE FROM versions WHERE label = 'first'",
            "UPDATE texts SET text = 'rewritten'",
            "DELETE FROM texts",
            # The original files; provisions are derived from them (tracker reparse).
            "UPDATE sources SET data = zeroblob(3)",
            "DELETE FROM sources",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="immutable"):
                with con:
                    con.execute(sql)
    finally:
        con.close()
    assert snapshot(db) == before


# --- through the console script ---------------------------------------------------------


def test_console_script_end_to_end(script, versions_dir, db) -> None:
    out = script("import", versions_dir)
    assert out.code == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "imported 8 versions, 0 already stored"
    assert script("import", versions_dir).stdout == "imported 0 versions, 8 already stored\n"

    out = script("add", "wire-report", "-", "--at", "Nov 20, 2025 4pm EST", input=ARTICLE)
    assert out.code == 0, out.stderr
    assert out.stdout == "wire-report v1 2025-11-20T21:00:00+00:00 3 provisions\n"

    lines = script("list", "wire-report").stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["first", "update", "v1", "corrected"]

    out = script("show", "peace-plan", "framework-20", "--json")
    assert out.code == 0, out.stderr
    data = json.loads(out.stdout)
    assert [p["path"] for p in data["provisions"] if p["number"]] == [str(n) for n in range(1, 21)]

    out = script("list", use_db=False, env={"TRACKER_DB": str(db)})
    assert [line.split()[0] for line in out.stdout.splitlines()] == [
        "geneva-talks",
        "peace-plan",
        "wire-report",
    ]
