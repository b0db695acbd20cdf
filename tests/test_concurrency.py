"""Concurrent readers and writers: reads are snapshots and never write; writers queue for
the write lock instead of failing, so every version lands."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tracker import history, store
from tracker.ingest import add_version
from tracker.sources import parse_text
from tracker.store import Store
from web import create_app
from web.db import get_db


def _unlink(path: Path, doc: str) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute("DELETE FROM links WHERE document = ?", [doc])
        con.execute("DELETE FROM steps WHERE document = ?", [doc])
    con.close()


READ_PAGES = [
    "/",
    "/d/peace-plan",
    "/d/peace-plan?format=json",
    "/d/peace-plan/figures",
    "/d/peace-plan/p/4",
    "/d/peace-plan/v/us-28",
    "/d/peace-plan/diff/us-28..framework-20",
    "/d/peace-plan/feed.atom",
    "/search?q=Zaporizhzhia",
    "/api/d/peace-plan/figures",
    "/api/d/peace-plan/p/4",
]


def test_get_never_writes_even_when_links_are_missing(sample_db, snapshot) -> None:
    _unlink(sample_db, "peace-plan")
    before = snapshot(sample_db)
    client = create_app({"DATABASE": str(sample_db)}).test_client()
    for url in READ_PAGES:
        response = client.get(url)
        body = response.get_data(as_text=True)
        # Every page answers: in full, or asking for a relink; never a 500.
        assert response.status_code < 500, url
        if response.status_code >= 400:
            assert "tracker relink peace-plan" in body, url
    assert snapshot(sample_db) == before  # was: page views relinked the document


def test_read_commands_never_write_even_when_links_are_missing(invoke, sample_db, snapshot) -> None:
    _unlink(sample_db, "peace-plan")
    before = snapshot(sample_db)
    out = invoke("list", "peace-plan")
    assert out.code == 0 and "not linked yet: run 'tracker relink peace-plan'" in out.stdout
    for args in (("history", "peace-plan", "4"), ("figures", "peace-plan"),
                 ("blame", "peace-plan", "4"), ("export", "peace-plan")):  # fmt: skip
        out = invoke(*args)
        assert out.code == 1 and "run 'tracker relink peace-plan'" in out.stderr, args
    assert snapshot(sample_db) == before
    assert invoke("relink", "peace-plan").code == 0
    assert invoke("figures", "peace-plan").code == 0


def test_an_add_rebuilds_missing_links_on_the_write_path(invoke, sample_db) -> None:
    _unlink(sample_db, "peace-plan")
    out = invoke("add", "peace-plan", "-", "--at", "2026-02-01", input="1. A point of ours.\n")
    assert out.code == 0, out.stderr
    assert "not linked" not in invoke("list", "peace-plan").stdout


def test_an_unlinked_older_database_is_linked_by_relink_all(invoke, sample_db) -> None:
    # Opening it migrates the schema and writes nothing else; the repair is a write
    # command of its own, and the reads say which one until it runs.
    _unlink(sample_db, "peace-plan")
    with Store(sample_db) as s:
        assert not history.is_linked(s, "peace-plan")
        assert s.schema_version == store.SCHEMA_VERSION
    assert invoke("relink", "--all").code == 0
    with Store(sample_db) as s:
        assert history.is_linked(s, "peace-plan")


def _version(n: int) -> str:
    return f"1. Point one, version {n}.\n2. A figure of {n * 1000:,} troops.\n"


def test_a_request_reads_one_snapshot_while_a_writer_commits(sample_db) -> None:
    app = create_app({"DATABASE": str(sample_db)})
    with app.test_request_context("/d/wire-report"):
        reader = get_db()
        before = [v.label for v in reader.versions("wire-report")]
        with Store(sample_db) as writer:
            add_version(writer, "wire-report", parse_text(_version(1)), at="2026-01-01")
        # Same request: still the state it started with, in every table.
        assert [v.label for v in reader.versions("wire-report")] == before
        assert len(reader.steps("wire-report")) == len(before) - 1
    with app.test_request_context("/d/wire-report"):
        assert len(get_db().versions("wire-report")) == len(before) + 1


def test_a_writer_waits_for_a_long_held_lock(sample_db, monkeypatch) -> None:
    # SQLite's busy timeout made short so the lock outlasts it (10 s in production):
    # the writer must keep queueing, not fail.
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(sample_db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(1.0, holder.execute, ["COMMIT"])
    timer.start()
    try:
        with Store(sample_db) as writer:
            start = time.monotonic()
            added = add_version(writer, "wire-report", parse_text(_version(2)), at="2026-01-02")
            assert added.stored and time.monotonic() - start >= 0.9
    finally:
        timer.join()
        holder.close()


# A capture service: one process, one open store, many adds.
WRITER = r"""
import sys
from tracker.errors import TrackerError
from tracker.ingest import add_version
from tracker.sources import parse_text
from tracker.store import Store
db, w, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
failed = 0
with Store(db) as store:
    for i in range(n):
        text = f"1. Point one of writer {w}, draft {i}.\n2. A cap of {i * 1000 + w:,} troops.\n"
        at = f"2026-01-{w + 1:02d}T00:{i:02d}"
        try:
            add_version(store, f"doc{w % 2}", parse_text(text), at=at, label=f"w{w}-{i}")
        except TrackerError as exc:
            failed += 1
            print("failed:", exc, file=sys.stderr)
print(failed)
"""


@pytest.mark.slow
def test_eight_writer_processes_all_land(tmp_path: Path) -> None:
    # Four writers per document, interleaving their versions in time: every add lands
    # between others' and relinks around itself.
    db = tmp_path / "busy.db"
    Store(db).close()
    procs, n = 8, 25  # 8 x 50 (and timings) in bench/load_bench.py
    children = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(w), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for w in range(procs)
    ]
    failures = 0
    errors = []
    for child in children:
        out, err = child.communicate(timeout=240)
        failures += int(out.split()[-1])
        errors.append(err)
    assert failures == 0, errors
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM versions").fetchone()[0] == procs * n
    # Every timeline fully linked: one step per consecutive pair.
    for doc in ("doc0", "doc1"):
        versions = con.execute("SELECT count(*) FROM versions WHERE document = ?", [doc])
        steps = con.execute("SELECT count(*) FROM steps WHERE document = ?", [doc])
        assert steps.fetchone()[0] == versions.fetchone()[0] - 1
    con.close()


@pytest.fixture(autouse=True)
def _no_stray_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_DB", raising=False)
