"""The JSON of a stored diff is kept beside the packed diff: `tracker diff DOC A B --json`
renders it once, then streams the kept bytes, byte for byte what a fresh rendering
writes; the web's JSON twin serves the same bytes; relink drops them; bytes kept by
other code are never served; and a cached read starts without loading the diff engine,
sqlite_utils or the readers."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

from click.testing import CliRunner
from flask import jsonify

from tracker import diffjson
from tracker.cli import cli
from tracker.compare import compare
from tracker.render import diff_json, iter_diff_json
from tracker.store import Store
from web import create_app

PAIRS = (("us-28", "us-28-alt"), ("us-28", "framework-20"), ("framework-20", "us-28"))


def run_json(db: Path, *args: str) -> bytes:
    """``tracker --db DB diff ... --json`` in process, its stdout as bytes."""
    result = CliRunner().invoke(
        cli, ["--db", str(db), "diff", *args, "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def fresh_json(db: Path, doc: str, a: str, b: str) -> bytes:
    """The JSON rendered now from the comparison (no kept bytes involved)."""
    with Store(db) as store:
        return "".join(iter_diff_json(compare(store, doc, a, b))).encode("utf-8")


def kept(db: Path) -> dict[tuple[int, int], tuple[bytes | None, str | None]]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT from_version, to_version, json, json_key FROM diff_cache")
        return {(a, b): (data, key) for a, b, data, key in rows}
    finally:
        con.close()


def version_ids(db: Path, a: str, b: str) -> tuple[int, int]:
    with Store(db) as store:
        return store.version("peace-plan", a).id, store.version("peace-plan", b).id


def test_kept_json_is_byte_identical_to_a_fresh_rendering(sample_db: Path) -> None:
    for a, b in PAIRS:
        expected = fresh_json(sample_db, "peace-plan", a, b)
        first = run_json(sample_db, "peace-plan", a, b)
        pair = version_ids(sample_db, a, b)
        data, key = kept(sample_db)[pair]
        assert key == diffjson.renderer_key() and data is not None
        assert zlib.decompress(data) == expected
        again = run_json(sample_db, "peace-plan", a, b)
        assert first == again == expected
        assert json.loads(again)["from"]["label"] == a


def test_the_kept_bytes_are_what_is_served(sample_db: Path) -> None:
    """Tampered kept bytes come back as they are: the second read really streams them
    (and does not render again)."""
    run_json(sample_db, "peace-plan", "us-28", "us-28-alt")
    old, new = version_ids(sample_db, "us-28", "us-28-alt")
    con = sqlite3.connect(sample_db)
    with con:
        con.execute(
            "UPDATE diff_cache SET json = ? WHERE from_version = ? AND to_version = ?",
            [zlib.compress(b'{"kept":true}\n'), old, new],
        )
    con.close()
    assert run_json(sample_db, "peace-plan", "us-28", "us-28-alt") == b'{"kept":true}\n'


def test_bytes_kept_by_other_code_are_never_served(sample_db: Path) -> None:
    run_json(sample_db, "peace-plan", "us-28", "eu-counter")
    old, new = version_ids(sample_db, "us-28", "eu-counter")
    con = sqlite3.connect(sample_db)
    with con:
        con.execute(
            "UPDATE diff_cache SET json = ?, json_key = 'an older build' "
            "WHERE from_version = ? AND to_version = ?",
            [zlib.compress(b'{"stale":true}\n'), old, new],
        )
    con.close()
    out = run_json(sample_db, "peace-plan", "us-28", "eu-counter")
    assert out == fresh_json(sample_db, "peace-plan", "us-28", "eu-counter")
    assert kept(sample_db)[(old, new)][1] == diffjson.renderer_key()


def test_relink_drops_the_kept_json(sample_db: Path, invoke) -> None:
    run_json(sample_db, "peace-plan", "us-28", "us-28-alt")
    pair = version_ids(sample_db, "us-28", "us-28-alt")
    assert kept(sample_db)[pair][0] is not None
    assert invoke("relink", "peace-plan").code == 0
    assert kept(sample_db)[pair] == (None, None)  # the packed diff is back, its JSON not yet


def test_a_locked_database_answers_without_keeping(sample_db: Path) -> None:
    # Another writer holds the lock: the JSON is written all the same, and not kept.
    pair = version_ids(sample_db, "us-28", "eu-counter")
    other = sqlite3.connect(sample_db)
    other.execute("BEGIN IMMEDIATE")
    try:
        out = run_json(sample_db, "peace-plan", "us-28", "eu-counter")
    finally:
        other.rollback()
        other.close()
    assert out == fresh_json(sample_db, "peace-plan", "us-28", "eu-counter")
    assert kept(sample_db).get(pair, (None, None))[0] is None
    run_json(sample_db, "peace-plan", "us-28", "eu-counter")  # the lock is free now
    assert kept(sample_db)[pair][0] is not None


def test_web_json_is_the_same_bytes_kept_or_not(sample_db: Path) -> None:
    url = "/d/peace-plan/diff/us-28..framework-20?format=json"
    api = "/api/d/peace-plan/diff/us-28..framework-20"
    expected = fresh_json(sample_db, "peace-plan", "us-28", "framework-20")
    app = create_app({"DATABASE": str(sample_db)})
    with app.test_request_context():
        with Store(sample_db) as store:
            flask_bytes = jsonify(diff_json(compare(store, "peace-plan", "us-28", "framework-20")))
            assert flask_bytes.get_data() == expected
    # Nothing kept yet: rendered by this process, then kept in it.
    client = app.test_client()
    for path in (url, url, api):
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert response.get_data() == expected
    # Kept by the command: a new process serves the kept bytes.
    assert run_json(sample_db, "peace-plan", "us-28", "framework-20") == expected
    response = create_app({"DATABASE": str(sample_db)}).test_client().get(api)
    assert response.get_data() == expected


def test_a_kept_diff_page_shows_a_version_added_since(sample_db: Path) -> None:
    from tracker.ingest import add_version
    from tracker.sources import parse_text

    client = create_app({"DATABASE": str(sample_db)}).test_client()
    url = "/d/peace-plan/diff/us-28..framework-20"
    first = client.get(url).get_data(as_text=True)
    assert client.get(url).get_data(as_text=True) == first
    assert "late-rev" not in first
    with Store(sample_db) as store:
        add_version(store, "peace-plan", parse_text("1. A new point.\n"), at="2026-01-10",
                    label="late-rev", kind="plan")  # fmt: skip
    assert "late-rev" in client.get(url).get_data(as_text=True)  # in the version picker


def test_a_kept_diff_starts_without_the_engine(sample_db: Path) -> None:
    """What a cached `tracker diff --json` loads: neither the diff engine, nor
    sqlite_utils, nor the readers or PyYAML (each would cost its import on every run)."""
    run_json(sample_db, "peace-plan", "us-28", "framework-20")  # kept now
    heavy = ("sqlite_utils", "tracker.diff", "tracker.provisions", "tracker.render",
             "tracker.readers", "yaml", "tracker.cli_history")  # fmt: skip
    code = (
        "import sys, io\n"
        "from tracker.cli import cli\n"
        "sys.stdout = io.TextIOWrapper(io.BytesIO(), encoding='utf-8')\n"
        f"cli.main(['--db', {str(sample_db)!r}, 'diff', 'peace-plan', 'us-28', "
        "'framework-20', '--json'], standalone_mode=False)\n"
        "sys.stdout.flush(); n = len(sys.stdout.buffer.getvalue())\n"
        f"print(n, sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    size, loaded = proc.stderr.strip().split(" ", 1)
    assert int(size) > 10_000
    assert loaded == "[]"


def test_the_cli_names_the_version_kinds_of_the_provision_builder() -> None:
    from tracker import cli as cli_module
    from tracker.provisions import VERSION_KINDS

    assert cli_module.VERSION_KINDS == VERSION_KINDS
    kind = next(p for p in cli.commands["add"].params if p.name == "kind")
    assert tuple(kind.type.choices) == VERSION_KINDS


def test_kept_pages_and_json_are_gzipped_once_and_alike(sample_db: Path) -> None:
    import gzip

    client = create_app({"DATABASE": str(sample_db)}).test_client()
    for url in ("/d/peace-plan/diff/us-28..framework-20",
                "/d/peace-plan/diff/us-28..framework-20?format=json"):  # fmt: skip
        plain = client.get(url)
        zipped = [client.get(url, headers={"Accept-Encoding": "gzip"}) for _ in range(2)]
        assert plain.headers.get("Content-Encoding") is None
        for z in zipped:
            assert z.headers["Content-Encoding"] == "gzip"
            assert z.headers["Content-Type"] == plain.headers["Content-Type"]
            assert "Accept-Encoding" in z.headers["Vary"]
            assert gzip.decompress(z.get_data()) == plain.get_data()
        assert zipped[0].get_data() == zipped[1].get_data()
    assert len(client.application.extensions["tracker.gzip"]) == 2
