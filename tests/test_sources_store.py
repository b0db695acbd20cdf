"""Storing each version's original bytes: `add` and `import` keep them byte for byte,
`show --source` and the web UI give them back, the migration backfills them for versions
stored before, and bad input stores nothing."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import zlib
from pathlib import Path

import pytest
import sqlite_utils

from tracker import store as store_module
from tracker.provisions import normalise, split
from web import create_app

DRAFT = (
    b"---\ntitle: Harbour access terms\ndate: 2026-02-01\nlabel: first\nkind: plan\n---\n"
    b"Harbour access terms\n\n1. Ships may enter the harbour at any hour.\n"
    b"2. Each ship pays a fee of 40 coins.\n3. Disputes go to the harbour board.\n"
)


def rows(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def one_line_error(out, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert out.code == 1, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "harbour-terms.txt"
    path.write_bytes(DRAFT)
    return path


# --- add, show --source --------------------------------------------------------------------


def test_add_keeps_the_file_byte_for_byte(invoke, db, draft, tmp_path) -> None:
    assert invoke("add", "harbour", draft).code == 0
    # Front matter and all: the source is the file, the version's text is what was read.
    out = invoke("show", "harbour", "first", "--source")
    assert out.code == 0 and out.stdout.encode("utf-8") == DRAFT
    copy = tmp_path / "copy.txt"
    assert invoke("show", "harbour", "first", "--source", "-o", copy).stdout == ""
    assert copy.read_bytes() == DRAFT

    ((fmt, reader, media_type, name, options, size, sha, data),) = rows(
        db, "SELECT format, reader, media_type, name, options, size, sha256, data FROM sources"
    )
    assert (fmt, media_type, name, options, size) == (
        "text", "text/plain", "harbour-terms.txt", "{}", len(DRAFT),
    )  # fmt: skip
    assert reader.startswith("text/") and reader != store_module.TEXT_READER_0
    assert sha == hashlib.sha256(DRAFT).hexdigest()
    assert zlib.decompress(data) == DRAFT and len(data) < len(DRAFT)

    shown = json.loads(invoke("show", "harbour", "first", "--json").stdout)
    assert (shown["format"], shown["reader"]) == ("text", reader)
    assert not shown["text"].startswith("---")
    assert all(p["heading"] == "" for p in shown["provisions"])


def test_stdin_is_kept_without_a_file_name(invoke, db) -> None:
    body = "1. One point.\n2. Another point.\n"
    assert invoke("add", "d", "-", "--at", "2026-01-01", input=body).code == 0
    assert invoke("show", "d", "v1", "--source").stdout == body
    assert rows(db, "SELECT format, name FROM sources") == [("text", "")]


def test_output_without_source_is_a_usage_error(invoke, draft, tmp_path) -> None:
    invoke("add", "harbour", draft)
    out = invoke("show", "harbour", "first", "-o", tmp_path / "x.txt")
    assert out.code == 2 and "--source" in out.stderr
    assert not (tmp_path / "x.txt").exists()


def test_every_imported_version_has_its_source(invoke, versions_dir, db) -> None:
    assert invoke("import", versions_dir).code == 0
    stored = rows(
        db,
        "SELECT v.document, s.name, s.format, s.data FROM versions v "
        "JOIN sources s ON s.version = v.id ORDER BY v.id",
    )
    assert len(stored) == rows(db, "SELECT count(*) FROM versions")[0][0] == 8
    for doc, name, fmt, data in stored:
        assert fmt == "text"
        assert zlib.decompress(data) == (versions_dir / doc / name).read_bytes()


# --- bad input stores nothing ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "args", "fragments"),
    [
        ("a.txt", b"1. A point.\n", ("--format", "rtf"), ("a.txt", "unknown format 'rtf'")),
        ("a.docx", b"this is not a zip archive", (), ("a.docx", "docx")),
        ("a.pdf", b"plain words, no PDF", (), ("a.pdf", "pdf")),
        ("a.txt", b"1. A point.\n", ("--format", "pdf"), ("a.txt", "not a PDF")),
        ("a.docx", b"", (), ("a.docx", "is empty")),
        ("a.pdf", b"  \n", (), ("a.pdf", "is empty")),
        ("a.html", b"", (), ("a.html", "is empty")),
        ("a.txt", b"1. A point.\n", ("--tracked-changes", "original"), ("a.txt", "tracked")),
    ],
    ids=[
        "unknown-format",
        "docx-not-a-zip",
        "pdf-not-a-pdf",
        "text-read-as-pdf",
        "empty-docx",
        "blank-pdf",
        "empty-html",
        "tracked-changes-on-text",
    ],
)
def test_unreadable_input_stores_nothing(
    invoke, sample_db, snapshot, tmp_path, name, content, args, fragments
) -> None:
    before = snapshot(sample_db)
    path = tmp_path / name
    path.write_bytes(content)
    out = invoke("add", "peace-plan", path, "--at", "2026-01-01", *args)
    one_line_error(out, *fragments)
    assert snapshot(sample_db) == before


def test_an_unreadable_file_fails_the_whole_import(invoke, sample_db, snapshot, tmp_path) -> None:
    before = snapshot(sample_db)
    (tmp_path / "in" / "terms").mkdir(parents=True)
    (tmp_path / "in" / "terms" / "01.txt").write_bytes(DRAFT)
    (tmp_path / "in" / "terms" / "02.docx").write_bytes(b"not a zip")
    one_line_error(invoke("import", tmp_path / "in"), "02.docx", "docx")
    assert snapshot(sample_db) == before


# --- the migration ----------------------------------------------------------------------------

OLD_TEXT = "1. Ships may enter at any hour.\n2. Each ship pays 40 coins.\n"


def old_database(path: Path) -> None:
    """A database as the tracker before this migration wrote it: schema 2, one version."""
    con = sqlite3.connect(path)
    db = sqlite_utils.Database(con)
    for migration in store_module.MIGRATIONS[:2]:
        migration(db)
    con.execute("PRAGMA user_version = 2")
    db["documents"].insert({"slug": "harbour", "title": "Harbour", "kind": "plan",
                            "created": "2026-01-01T00:00:00+00:00"})  # fmt: skip
    sha = hashlib.sha256(OLD_TEXT.encode("utf-8")).hexdigest()
    db["versions"].insert(
        {"id": 1, "document": "harbour", "label": "old", "at": "2026-01-01T00:00:00+00:00",
         "at_text": "2026-01-01", "kind": "plan", "source": "", "notes": "", "sha256": sha,
         "text": OLD_TEXT, "added_at": "2026-01-01T00:00:00+00:00", "n_provisions": 2}
    )  # fmt: skip
    for p in split(OLD_TEXT, "plan"):
        text_sha = hashlib.sha256(p.text.encode("utf-8")).hexdigest()
        text_id = con.execute(
            "INSERT INTO texts (sha256, text, norm) VALUES (?, ?, ?)",
            [text_sha, p.text, normalise(p.text)],
        ).lastrowid
        db["provisions"].insert(
            {"version": 1, "ordinal": p.ordinal, "number": p.number, "path": p.path,
             "marker": p.marker, "depth": p.depth, "text_id": text_id}
        )  # fmt: skip
    con.commit()
    con.close()


def test_migration_backfills_sources_and_adds_heading(invoke, db) -> None:
    old_database(db)
    assert invoke("list", "harbour").code == 0  # opening it migrates
    assert rows(db, "PRAGMA user_version") == [(store_module.SCHEMA_VERSION,)]
    ((fmt, reader, media_type, name, size, sha, data),) = rows(
        db, "SELECT format, reader, media_type, name, size, sha256, data FROM sources"
    )
    raw = OLD_TEXT.encode("utf-8")
    assert (fmt, reader, media_type, name, size) == ("text", "text/0", "text/plain", "", len(raw))
    assert sha == hashlib.sha256(raw).hexdigest() and zlib.decompress(data) == raw
    assert invoke("show", "harbour", "old", "--source").stdout == OLD_TEXT
    assert rows(db, "SELECT DISTINCT heading, reader FROM provisions") == [("", "text/0")]
    assert rows(db, "SELECT path, heading FROM provision_texts ORDER BY ordinal") == [
        ("1", ""), ("2", ""),
    ]  # fmt: skip
    con = sqlite3.connect(db)
    try:
        for sql in ("UPDATE sources SET format = 'pdf'", "DELETE FROM sources"):
            with pytest.raises(sqlite3.IntegrityError, match="immutable"):
                with con:
                    con.execute(sql)
    finally:
        con.close()


# --- the web UI ---------------------------------------------------------------------------------


@pytest.fixture
def client(sample_db: Path):  # type: ignore[no-untyped-def]
    app = create_app({"DATABASE": str(sample_db), "TESTING": True, "WTF_CSRF_ENABLED": False})
    return app.test_client()


def post(client, **fields: object):  # type: ignore[no-untyped-def]
    data = {"doc": "__new__", "new_doc": "harbour", "tz": "UTC", "kind": "", **fields}
    return client.post("/add", data=data, content_type="multipart/form-data")


def test_upload_then_download_the_original(client, sample_db) -> None:
    response = post(client, format="auto", file=(io.BytesIO(DRAFT), "harbour-terms.txt"))
    assert response.status_code == 302
    page = client.get("/d/harbour/v/first").get_data(as_text=True)
    assert 'href="/d/harbour/v/first/source"' in page and "harbour-terms.txt" in page

    shown = client.get("/api/d/harbour/v/first").get_json()
    assert shown["format"] == "text" and shown["reader"].startswith("text/")
    got = client.get("/d/harbour/v/first/source")
    assert got.status_code == 200 and got.data == DRAFT
    assert got.mimetype == "text/plain"
    assert got.headers["Content-Disposition"] == "attachment; filename=harbour-terms.txt"
    assert got.headers["X-Content-Type-Options"] == "nosniff"


def test_a_version_stored_from_text_downloads_under_a_made_up_name(client) -> None:
    got = client.get("/d/peace-plan/v/us-28/source")
    assert got.status_code == 200
    assert got.headers["Content-Disposition"] == "attachment; filename=01-us-28.txt"
    assert client.get("/d/peace-plan/v/nope/source").status_code == 404
    assert post(client, date="2026-01-01", text="1. Pasted point.\n").status_code == 302
    got = client.get("/d/harbour/v/v1/source")
    assert got.data == b"1. Pasted point.\n"
    assert got.headers["Content-Disposition"] == "attachment; filename=harbour-v1.txt"


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"format": "rtf", "text": "1. A."}, "unknown format 'rtf'"),
        ({"format": "pdf", "text": "1. A."}, "pasted text is read as text or Markdown"),
        ({"file": (io.BytesIO(b"not a zip"), "terms.docx")}, "terms.docx"),
        ({"file": (io.BytesIO(b""), "terms.pdf")}, "is empty"),
    ],
    ids=["unknown-format", "paste-as-pdf", "docx-not-a-zip", "empty-pdf"],
)
def test_unreadable_uploads_are_form_errors(client, sample_db, snapshot, fields, words) -> None:
    before = snapshot(sample_db)
    response = post(client, date="2026-01-01", **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The version was not added." in page and words in page.replace("&#39;", "'")
    assert snapshot(sample_db) == before


def test_add_form_json_lists_the_formats(client) -> None:
    data = client.get("/add?format=json").get_json()
    assert data["formats"] == ["auto", "text", "markdown", "html", "docx", "pdf"]
    assert "format" in data["fields"]


# --- export and import-export carry the original -------------------------------------------


def test_export_carries_the_original_file(invoke, db, draft, tmp_path) -> None:
    assert invoke("add", "harbour", draft).code == 0
    data = json.loads(invoke("export", "harbour").stdout)
    (version,) = data["versions"]
    original = version["original"]
    assert (original["format"], original["name"], original["size"]) == (
        "text", "harbour-terms.txt", len(DRAFT),
    )  # fmt: skip
    dump = tmp_path / "harbour.json"
    dump.write_text(json.dumps(data), encoding="utf-8")
    assert invoke("import-export", dump, "--as", "copy").code == 0
    assert invoke("show", "copy", "first", "--source").stdout.encode("utf-8") == DRAFT

    # An export from before originals were kept: the text becomes the source.
    del version["original"]
    dump.write_text(json.dumps(data), encoding="utf-8")
    assert invoke("import-export", dump, "--as", "older").code == 0
    assert invoke("show", "older", "first", "--source").stdout == version["text"]

    # A tampered original is refused, and nothing is stored.
    version["original"] = {**original, "base64": original["base64"][:-8] + "AAAAAAA="}
    dump.write_text(json.dumps(data), encoding="utf-8")
    out = invoke("import-export", dump, "--as", "tampered")
    one_line_error(out, "first", "does not match its sha256")
    assert invoke("show", "tampered", "first").code == 1
