"""Bad input never changes the database: each case gives one ``error: ...`` line on stderr
and exit status 1 (usage errors: Click's usage message and status 2), and every row of
every table is as it was before. Every case runs in-process (Click's CliRunner); a
representative set of them runs again through the installed console script.
"""

from __future__ import annotations

import codecs
import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from tracker.sources import DEFAULT_MAX_BYTES

NEW_TEXT = "Headline of a new capture\n\nKYIV, Nov 25 (Northline) - A new paragraph.\n"


@pytest.fixture
def run(invoke):
    return invoke


@pytest.fixture
def populated(sample_db, snapshot):
    """The test's database holding the sample versions; returns its snapshot."""
    before = snapshot(sample_db)
    assert before is not None and len(before[1]) > 100
    return before


def assert_error(out, *fragments: str) -> str:
    """One ``error: `` line on stderr containing every fragment, exit 1, nothing on stdout."""
    assert out.code == 1, (out.code, out.stdout, out.stderr)
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert "Traceback" not in out.stderr
    assert out.stdout == ""
    return lines[0]


def assert_usage_error(out, *fragments: str) -> None:
    assert out.code == 2, (out.code, out.stdout, out.stderr)
    assert "Usage: " in out.stderr
    assert "Traceback" not in out.stderr
    for fragment in fragments:
        assert fragment in out.stderr
    assert out.stdout == ""


def versions_of(db: Path) -> list[tuple[str, str]]:
    if not db.exists():
        return []
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT document, label FROM versions ORDER BY id").fetchall()
    finally:
        con.close()


# --- files that cannot be read as a version ------------------------------------------------


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (b"", ("bad.txt", "is empty")),
        (b"   \n\t\n  \r\n", ("bad.txt", "is empty")),
        (b"---\ntitle: Only front matter\ndate: 2025-11-25\n---\n\n", ("bad.txt", "empty")),
        (b"---\ndate: 2025-11-25\nno closing line\n", ("bad.txt", "never closed")),
        (b"---\ndate: [unclosed\n---\nText.\n", ("bad.txt", "front matter")),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", ("bad.txt", "binary", "NUL")),
        (b"Plain text with one\x00NUL byte.\n", ("bad.txt", "binary")),
        ("UTF-16 without a BOM.\n".encode("utf-16-le"), ("bad.txt", "binary")),
        (
            "Caf\u00e9 talks in Gen\u00e8ve.\n".encode("latin-1"),
            ("bad.txt", "not UTF-8", "0xe9", "UTF-8 with BOM", "UTF-16 with BOM"),
        ),
        (b"---\ndate: 2025-13-45\n---\nText.\n", ("bad.txt",)),
        (codecs.BOM_UTF16_LE + b"A\x00B", ("bad.txt", "UTF-16")),
        (codecs.BOM_UTF8, ("bad.txt", "is empty")),
        (codecs.BOM_UTF16_LE + "  \n".encode("utf-16-le"), ("bad.txt", "is empty")),
    ],
    ids=[
        "empty",
        "whitespace-only",
        "front-matter-only",
        "front-matter-unclosed",
        "front-matter-not-yaml",
        "binary",
        "nul-byte",
        "utf16-without-bom",
        "latin-1",
        "front-matter-impossible-date",
        "utf16-bom-truncated",
        "bom-only",
        "utf16-whitespace-only",
    ],
)
def test_unreadable_file(run, populated, db, snapshot, tmp_path, content, fragments) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out = run("add", "peace-plan", bad, "--at", "2025-11-25")
    assert_error(out, *fragments)
    assert snapshot(db) == populated


def test_missing_file(run, populated, db, snapshot, tmp_path) -> None:
    out = run("add", "peace-plan", tmp_path / "nope.txt", "--at", "2025-11-25")
    assert_error(out, "nope.txt", "no such file")
    assert snapshot(db) == populated


def test_directory_as_file(run, populated, db, snapshot, tmp_path) -> None:
    out = run("add", "peace-plan", tmp_path, "--at", "2025-11-25")
    assert_error(out, "is a directory")
    assert snapshot(db) == populated


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_stdin(run, populated, db, snapshot, content) -> None:
    out = run("add", "peace-plan", "-", "--at", "2025-11-25", input=content)
    assert_error(out, "<stdin>", "is empty")
    assert snapshot(db) == populated


def test_missing_file_on_a_fresh_database_stores_nothing(run, db, tmp_path) -> None:
    out = run("add", "doc", tmp_path / "nope.txt", "--at", "2025-11-25")
    assert_error(out, "no such file")
    assert versions_of(db) == []


# --- encodings that are accepted -----------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
        lambda s: s.encode("utf-16"),  # native order, with BOM
        lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
        lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
        lambda s: s.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf8-bom", "utf16", "utf16-le-bom", "utf16-be-bom", "crlf"],
)
def test_accepted_encodings(run, db, tmp_path, encode) -> None:
    body = "Zaporizhzhia \u2014 \u00ab\u0422\u0435\u043a\u0441\u0442\u00bb.\n\nSecond.\n"
    text = "---\ndate: 2025-11-25 10:00 EET\nlabel: kyiv\n---\n" + body
    f = tmp_path / "encoded.txt"
    f.write_bytes(encode(text))
    out = run("add", "doc", f)
    assert out.code == 0, out.stderr
    assert out.stdout == "doc kyiv 2025-11-25T08:00:00+00:00 2 provisions\n"
    con = sqlite3.connect(db)
    try:
        [(stored,)] = con.execute("SELECT text FROM versions").fetchall()
    finally:
        con.close()
    assert stored == body.rstrip("\n")


def test_utf16_with_bom_on_stdin(run, db) -> None:
    out = run("add", "doc", "-", "--at", "2025-11-25", input="Text on stdin.\n".encode("utf-16"))
    assert out.code == 0, out.stderr
    assert out.stdout == "doc v1 2025-11-25T00:00:00+00:00 1 provisions\n"


# --- size limit ---------------------------------------------------------------------------


def test_file_over_max_bytes_option(run, populated, db, snapshot, tmp_path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 1001)
    out = run("--max-bytes", "1000", "add", "peace-plan", big, "--at", "2025-11-25")
    assert_error(out, "big.txt", "1,001 bytes", "limit of 1,000 bytes")
    assert snapshot(db) == populated


def test_file_over_max_bytes_env(run, populated, db, snapshot, tmp_path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"y" * 1500)
    out = run("add", "peace-plan", big, "--at", "2025-11-25", env={"TRACKER_MAX_BYTES": "1000"})
    assert_error(out, "1,500 bytes", "limit of 1,000 bytes")
    assert snapshot(db) == populated


def test_stdin_over_max_bytes(run, populated, db, snapshot) -> None:
    out = run(
        "--max-bytes", "1000", "add", "peace-plan", "-", "--at", "2025-11-25", input=b"z" * 5000
    )
    assert_error(out, "<stdin>", "limit of 1,000 bytes")
    assert snapshot(db) == populated


def test_import_respects_max_bytes(run, populated, db, snapshot, versions_dir) -> None:
    out = run("--max-bytes", "1000", "import", versions_dir)
    assert_error(out, "limit of 1,000 bytes")
    assert snapshot(db) == populated


def test_file_of_exactly_max_bytes_is_accepted(run, db, tmp_path) -> None:
    f = tmp_path / "exact.txt"
    f.write_bytes(b"w" * 999 + b"\n")
    out = run("--max-bytes", "1000", "add", "doc", f, "--at", "2025-11-25")
    assert out.code == 0, out.stderr
    assert versions_of(db) == [("doc", "v1")]


def test_default_limit_is_5_mb(invoke, populated, db, snapshot, tmp_path) -> None:
    assert DEFAULT_MAX_BYTES == 5 * 1024 * 1024
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (DEFAULT_MAX_BYTES + 1))
    out = invoke("add", "peace-plan", big, "--at", "2025-11-25")
    assert_error(out, "5,242,881 bytes", "limit of 5,242,880 bytes")
    assert snapshot(db) == populated


# --- unknown names, duplicate labels, bad names --------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("show", "nodoc", "v1"), ("unknown document 'nodoc'", "peace-plan")),
        (("list", "nodoc"), ("unknown document 'nodoc'",)),
        (("show", "peace-plan", "v9"), ("unknown version 'v9'", "us-28", "framework-20")),
        (("show", "wire-report", "us-28"), ("unknown version 'us-28'", "corrected")),
        (("show", "peace-plan", "us-28", "--tz", "Nowhere/Zone"), ("Nowhere/Zone",)),
        (("list", "peace-plan", "--tz", "+25:00"), ("+25:00",)),
    ],
    ids=[
        "show-unknown-doc",
        "list-unknown-doc",
        "unknown-label",
        "label-of-other-doc",
        "bad-show-tz",
        "bad-list-tz",
    ],
)
def test_unknown_names(run, populated, db, snapshot, args, fragments) -> None:
    assert_error(run(*args), *fragments)
    assert snapshot(db) == populated


def test_duplicate_label_option(run, populated, db, snapshot, tmp_path) -> None:
    f = tmp_path / "new.txt"
    f.write_text(NEW_TEXT, encoding="utf-8")
    out = run("add", "peace-plan", f, "--at", "2025-11-25", "--label", "us-28")
    assert_error(out, "peace-plan", "'us-28'", "already")
    assert snapshot(db) == populated


def test_duplicate_label_from_front_matter(run, populated, db, snapshot, tmp_path) -> None:
    f = tmp_path / "new.txt"
    f.write_text("---\ndate: 2025-11-25\nlabel: first\n---\n" + NEW_TEXT, encoding="utf-8")
    out = run("add", "wire-report", f)
    assert_error(out, "wire-report", "'first'", "already")
    assert snapshot(db) == populated


@pytest.mark.parametrize("doc", ["Peace Plan", "PEACE", "../etc", "a/b", "_private", "", "x" * 101])
def test_bad_document_name(run, populated, db, snapshot, tmp_path, doc) -> None:
    f = tmp_path / "new.txt"
    f.write_text(NEW_TEXT, encoding="utf-8")
    out = run("add", doc, f, "--at", "2025-11-25")
    assert_error(out, "bad document name", repr(doc))
    assert snapshot(db) == populated


@pytest.mark.parametrize("label", ["bad label", "a:b", "a/b", "x..y", "-v1"])
def test_bad_label(run, populated, db, snapshot, tmp_path, label) -> None:
    f = tmp_path / "new.txt"
    f.write_text(NEW_TEXT, encoding="utf-8")
    out = run("add", "peace-plan", f, "--at", "2025-11-25", f"--label={label}")
    assert_error(out, "bad label", repr(label))
    assert snapshot(db) == populated


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "fragments"),
    [
        (("--at", "03.04.2025"), ("ambiguous", "'03.04.2025'")),
        (("--at", "yesterday"), ("'yesterday'",)),
        (("--at", "20 March"), ("'20 March'", "year")),
        (("--at", "2025-02-30"), ("'2025-02-30'",)),
        (("--at", "2025-11-25 12:00 XYZ"), ("time zone", "XYZ")),
        (("--at", "2025-11-25 12:00 +25:00"), ("+25:00",)),
        (("--at", "2025-11-25 12:00", "--tz", "Nowhere/Zone"), ("Nowhere/Zone",)),
        (("--at", "2025-11-25 12:00", "--tz", "+25:00"), ("+25:00",)),
        (("--at", "   "), ("date",)),
    ],
    ids=[
        "ambiguous",
        "words",
        "no-year",
        "no-such-day",
        "unknown-zone",
        "offset-out-of-range",
        "unknown-tz",
        "tz-out-of-range",
        "blank",
    ],
)
def test_bad_date(run, populated, db, snapshot, tmp_path, extra, fragments) -> None:
    f = tmp_path / "new.txt"
    f.write_text(NEW_TEXT, encoding="utf-8")
    assert_error(run("add", "peace-plan", f, *extra), *fragments)
    assert snapshot(db) == populated


def test_bad_date_in_front_matter(run, populated, db, snapshot, tmp_path) -> None:
    f = tmp_path / "new.txt"
    f.write_text('---\ndate: "03.04.2025 10:00"\n---\n' + NEW_TEXT, encoding="utf-8")
    assert_error(run("add", "peace-plan", f), "ambiguous", "03.04.2025")
    assert snapshot(db) == populated


def test_missing_date(run, populated, db, snapshot, tmp_path) -> None:
    f = tmp_path / "undated.txt"
    f.write_text("---\ntitle: No date here\n---\n" + NEW_TEXT, encoding="utf-8")
    assert_error(run("add", "peace-plan", f), "undated.txt", "no date", "--at")
    assert_error(run("add", "peace-plan", "-", input=NEW_TEXT), "no date", "--at")
    assert snapshot(db) == populated


# --- usage errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("add", "peace-plan"), "Missing argument 'FILE'"),
        (("show", "peace-plan"), "Missing argument 'LABEL'"),
        (("add", "peace-plan", "-", "--bogus"), "No such option"),
        (("add", "peace-plan", "-", "--kind", "treaty"), "'treaty' is not one of"),
        (("--max-bytes", "0", "list"), "--max-bytes"),
        (("--max-bytes", "lots", "list"), "--max-bytes"),
        (("frobnicate",), "No such command"),
    ],
)
def test_usage_errors_exit_2(run, populated, db, snapshot, args, fragment) -> None:
    assert_usage_error(run(*args, input=NEW_TEXT), fragment)
    assert snapshot(db) == populated


# --- the database file itself -------------------------------------------------------------


def test_not_a_database(run, tmp_path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"These are my notes, not a database.\n" * 10)
    before = notes.read_bytes()
    out = run("--db", notes, "list", use_db=False)
    assert_error(out, "notes.db", "not a tracker database")
    assert notes.read_bytes() == before


def test_database_in_a_missing_directory(run, tmp_path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    # A write command would create the file: it says the directory is missing...
    add = run("--db", missing, "add", "d", "-", "--at", "2025-01-01", use_db=False, input="1. A.")
    assert_error(add, "no directory")
    # ...and a read command that there is no database there.
    assert_error(run("--db", missing, "list", use_db=False), "no database at")
    assert not missing.parent.exists()


# --- import -------------------------------------------------------------------------------


@pytest.fixture
def samples_copy(versions_dir, tmp_path) -> Path:
    copy = tmp_path / "incoming"
    shutil.copytree(versions_dir, copy)
    return copy


@pytest.mark.parametrize(
    ("name", "content", "fragments"),
    [
        ("05-binary.txt", b"\x00\x01\x02binary", ("05-binary.txt", "binary")),
        ("05-empty.txt", b"", ("05-empty.txt", "is empty")),
        (
            "05-latin1.txt",
            "---\ndate: 2025-12-25\n---\nD\u00e9j\u00e0.\n".encode("latin-1"),
            ("not UTF-8",),
        ),
        # Fails only at write time, after the earlier files went in: all must roll back.
        (
            "05-bad-date.txt",
            b"---\ndate: 03.04.2025\n---\nText.\n",
            ("05-bad-date.txt", "ambiguous"),
        ),
        ("05-no-date.txt", b"A new text without any date.\n", ("05-no-date.txt", "no date")),
        (
            "05-dup-label.txt",
            b"---\ndate: 2025-12-25\nlabel: us-28\n---\nNew.\n",
            ("05-dup-label.txt", "us-28"),
        ),
    ],
    ids=["binary", "empty", "latin-1", "bad-date", "no-date", "duplicate-label"],
)
def test_import_with_one_bad_file_stores_nothing(
    run, populated, db, snapshot, samples_copy, tmp_path, name, content, fragments
) -> None:
    (samples_copy / "peace-plan" / name).write_bytes(content)
    # Into a fresh database: none of the good files may be stored either.
    fresh = tmp_path / "fresh.db"
    assert_error(run("--db", fresh, "import", samples_copy, use_db=False), *fragments)
    assert versions_of(fresh) == []
    # Into the database holding the samples, with a new good file next to the bad one.
    (samples_copy / "geneva-talks" / "02-new.txt").write_text(
        "---\ndate: 2025-11-26\n---\nA new Geneva report.\n", encoding="utf-8"
    )
    assert_error(run("import", samples_copy), *fragments)
    assert snapshot(db) == populated
    assert ("geneva-talks", "v1") not in versions_of(db)


def test_import_with_a_bad_document_directory(run, populated, db, snapshot, samples_copy) -> None:
    bad = samples_copy / "Bad Name"
    bad.mkdir()
    (bad / "01.txt").write_text("---\ndate: 2025-11-25\n---\nText.\n", encoding="utf-8")
    assert_error(run("import", samples_copy), "bad document name", "Bad Name")
    assert snapshot(db) == populated


@pytest.mark.parametrize("what", ["missing", "empty", "file"])
def test_import_of_a_non_directory_or_empty_one(
    run, populated, db, snapshot, tmp_path, what
) -> None:
    target = tmp_path / "target"
    if what == "empty":
        target.mkdir()
    elif what == "file":
        target.write_text("not a directory\n", encoding="utf-8")
    out = run("import", target)
    if what == "file":
        assert_usage_error(out, "is a file")
    else:
        assert_error(out, "target")
    assert snapshot(db) == populated


# --- concurrent writers -------------------------------------------------------------------


def start(exe: str, db: Path, *args: object, stdin: bytes = b"") -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_DB", "TRACKER_MAX_BYTES")}
    feed = db.parent / f"stdin-{uuid.uuid4().hex}.txt"
    feed.write_bytes(stdin)
    with feed.open("rb") as f:
        return subprocess.Popen(
            [exe, "--db", str(db), *map(str, args)],
            stdin=f,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )


def finish(procs: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    results = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        results.append((p.returncode, out.decode(), err.decode()))
    return results


def check_consistent(db: Path) -> None:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        n_prov = con.execute("SELECT count(*) FROM provisions").fetchone()[0]
        assert (
            con.execute("SELECT coalesce(sum(n_provisions), 0) FROM versions").fetchone()[0]
            == n_prov
        )
        n_texts = con.execute("SELECT count(*) FROM texts").fetchone()[0]
        assert con.execute("SELECT count(*) FROM texts_fts").fetchone()[0] == n_texts
        distinct = con.execute("SELECT count(DISTINCT text_id) FROM provisions").fetchone()[0]
        assert n_texts == distinct
        orphans = con.execute(
            "SELECT count(*) FROM provisions WHERE version NOT IN (SELECT id FROM versions)"
        ).fetchone()[0]
        assert orphans == 0
        assert con.execute("PRAGMA user_version").fetchone()[0] >= 1
    finally:
        con.close()


def test_concurrent_writers_on_a_new_database(tracker_exe, db) -> None:
    procs = [
        start(
            tracker_exe,
            db,
            "add",
            f"doc-{i % 2}",
            "-",
            "--at",
            f"2025-11-2{i}",
            stdin=f"Writer {i} paragraph one.\n\nWriter {i} paragraph two.\n".encode(),
        )  # fmt: skip
        for i in range(4)
    ]
    results = finish(procs)
    stored = 0
    for code, out, err in results:
        if code == 0:
            stored += 1
            assert out.endswith(" 2 provisions\n"), out
        else:
            # A writer that could not get the lock must say so clearly.
            assert code == 1 and err.startswith("error: ") and len(err.splitlines()) == 1, err
    assert stored >= 1
    check_consistent(db)
    found = versions_of(db)
    assert len(found) == stored
    for doc in ("doc-0", "doc-1"):
        labels = sorted(label for d, label in found if d == doc)
        assert labels == [f"v{n}" for n in range(1, len(labels) + 1)]
    assert stored == 4, results  # with a 10 s busy timeout all four get through


def test_concurrent_identical_texts_are_stored_once(tracker_exe, db) -> None:
    text = b"The same capture, sent three times.\n\nSecond paragraph.\n"
    procs = [
        start(tracker_exe, db, "add", "wire", "-", "--at", "2025-11-20", stdin=text)
        for _ in range(3)
    ]
    results = finish(procs)
    assert [r[0] for r in results] == [0, 0, 0], results
    outs = sorted(r[1] for r in results)
    assert outs[0] == "wire v1 2025-11-20T00:00:00+00:00 2 provisions\n"
    assert outs[1:] == ["wire: identical to v1 (2025-11-20T00:00:00+00:00), not stored again\n"] * 2
    assert versions_of(db) == [("wire", "v1")]
    check_consistent(db)


def test_concurrent_writers_with_the_same_label(tracker_exe, db) -> None:
    procs = [
        start(
            tracker_exe,
            db,
            "add",
            "wire",
            "-",
            "--at",
            "2025-11-20",
            "--label",
            "final",
            stdin=f"Capture number {i}.\n".encode(),
        )  # fmt: skip
        for i in range(3)
    ]
    results = finish(procs)
    assert sorted(r[0] for r in results) == [0, 1, 1], results
    for code, _, err in results:
        if code == 1:
            assert err.startswith("error: wire already has a version labelled 'final'"), err
            assert len(err.splitlines()) == 1
    assert versions_of(db) == [("wire", "final")]
    check_consistent(db)


# --- the same contract through the console script ------------------------------------------
# (a representative subset: every case above already runs in-process)

SCRIPT_CASES = {
    # name: (content of FILE or None, args with FILE standing for it, fragment, exit code)
    "binary": (b"\x00\x01", ("add", "peace-plan", "FILE", "--at", "2025-11-25"), "binary", 1),
    "latin-1": (b"caf\xe9\n", ("add", "peace-plan", "FILE", "--at", "2025-11-25"), "UTF-16", 1),
    "too-big": (b"x" * 2000, ("--max-bytes", "1000", "add", "peace-plan", "FILE"), "limit", 1),
    "unknown-doc": (None, ("show", "nodoc", "v1"), "unknown document", 1),
    "bad-date": (
        NEW_TEXT.encode(),
        ("add", "peace-plan", "FILE", "--at", "03.04.2025"),
        "ambiguous",
        1,
    ),
    "usage": (None, ("add", "peace-plan"), "Missing argument", 2),
}


@pytest.mark.parametrize("case", list(SCRIPT_CASES))
def test_console_script_errors(script, populated, db, snapshot, tmp_path, case) -> None:
    content, args, fragment, code = SCRIPT_CASES[case]
    f = tmp_path / "input.txt"
    if content is not None:
        f.write_bytes(content)
    args = tuple(str(f) if a == "FILE" else a for a in args)
    out = script(*args)
    if code == 1:
        assert_error(out, fragment)
    else:
        assert_usage_error(out, fragment)
    assert snapshot(db) == populated


def test_console_script_import_with_a_bad_file(script, populated, db, snapshot, samples_copy):
    (samples_copy / "geneva-talks" / "02-new.txt").write_text(
        "---\ndate: 2025-11-26\n---\nA new Geneva report.\n", encoding="utf-8"
    )
    (samples_copy / "wire-report" / "09-bad.txt").write_bytes(b"---\ndate: 2025-13-45\n---\nX.\n")
    assert_error(script("import", samples_copy), "09-bad.txt")
    assert snapshot(db) == populated
