"""Stored diffs are cached in the database: filled when versions are linked, used by
`tracker diff DOC A B` and the web diff page, keyed by the engine version, dropped by
relink, and never a reason for a read to fail."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

from tracker import diff as diff_engine
from tracker.compare import compare
from tracker.diff import diff_provisions
from tracker.render import diff_json
from tracker.store import Store


def cache_rows(db: Path) -> list[tuple[int, int, str]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT from_version, to_version, engine FROM diff_cache ORDER BY 1, 2"
        ).fetchall()
    finally:
        con.close()


def ids(store: Store, a: str, b: str) -> tuple[int, int]:
    return store.version("peace-plan", a).id, store.version("peace-plan", b).id


def fresh(store: Store, doc: str, a: str, b: str) -> dict:
    """The diff computed now, without the cache, as JSON."""
    cmp = compare(store, doc, a, b)
    old, new = store.version(doc, a), store.version(doc, b)
    again = diff_provisions(store.provisions(old.id), store.provisions(new.id))
    return diff_json(type(cmp)(cmp.old, cmp.new, again))


def test_linking_fills_the_cache_for_each_step(sample_db: Path) -> None:
    with Store(sample_db) as store:
        ids = {v.label: v.id for v in store.versions("peace-plan")}
    rows = cache_rows(sample_db)
    steps = list(zip(list(ids.values()), list(ids.values())[1:], strict=False))
    assert {(a, b) for a, b, _ in rows} >= set(steps)
    assert {e for _, _, e in rows} == {diff_engine.ENGINE}


def test_cached_diff_is_the_computed_diff(sample_db: Path, invoke) -> None:
    with Store(sample_db) as store:
        for a, b in (("us-28", "us-28-alt"), ("us-28", "framework-20")):
            expected = fresh(store, "peace-plan", a, b)
            for _ in range(2):  # a consecutive pair; a pair cached on first read
                out = invoke("diff", "peace-plan", a, b, "--json")
                assert out.code == 0, out.stderr
                assert json.loads(out.stdout) == expected


def test_first_read_of_a_new_pair_caches_it(sample_db: Path, invoke) -> None:
    with Store(sample_db) as store:
        a, b = (
            store.version("peace-plan", "us-28").id,
            store.version("peace-plan", "framework-20").id,
        )
    assert (a, b) not in {(x, y) for x, y, _ in cache_rows(sample_db)}
    assert invoke("diff", "peace-plan", "us-28", "framework-20").code == 0
    assert (a, b, diff_engine.ENGINE) in cache_rows(sample_db)


def test_another_engine_never_reads_the_rows(sample_db: Path, invoke) -> None:
    # A row written by another engine version (or garbage) is not served.
    with Store(sample_db) as store:
        old, new = store.version("peace-plan", "us-28"), store.version("peace-plan", "us-28-alt")
        expected = fresh(store, "peace-plan", "us-28", "us-28-alt")
        with store.transaction():
            store.put_diff(old.id, new.id, "tracker.diff/0", b"not a diff")
            store.put_diff(old.id, new.id, diff_engine.ENGINE, b"not a diff either")
    out = invoke("diff", "peace-plan", "us-28", "us-28-alt", "--json")
    assert out.code == 0 and json.loads(out.stdout) == expected


def test_relink_drops_and_rebuilds_the_cache(sample_db: Path, invoke) -> None:
    assert invoke("diff", "peace-plan", "us-28", "framework-20").code == 0
    with Store(sample_db) as store:
        a, b = (
            store.version("peace-plan", "us-28").id,
            store.version("peace-plan", "framework-20").id,
        )
        with store.transaction():
            store.put_diff(a, b, diff_engine.ENGINE, b"stale")
    assert invoke("relink", "peace-plan").code == 0
    rows = {(x, y) for x, y, _ in cache_rows(sample_db)}
    assert (a, b) not in rows  # the non-consecutive pair is gone ...
    with Store(sample_db) as store:
        n_steps = len(store.versions("peace-plan")) - 1
        ids = [v.id for v in store.versions("peace-plan")]
    assert set(zip(ids, ids[1:], strict=False)) <= rows  # ... the steps are back
    assert len(rows & set(zip(ids, ids[1:], strict=False))) == n_steps


def test_drop_diff_cache_is_per_document(sample_db: Path, invoke) -> None:
    before = len(cache_rows(sample_db))
    with Store(sample_db) as store:
        plan = {v.id for v in store.versions("peace-plan")}
        with store.transaction():
            store.drop_diff_cache("peace-plan")
    rows = cache_rows(sample_db)
    assert rows and len(rows) < before
    assert not any(a in plan or b in plan for a, b, _ in rows)


def test_a_read_only_database_still_answers(sample_db: Path, invoke) -> None:
    # The cache write of a first read fails on a read-only file: the read does not.
    with Store(sample_db) as store:
        with store.transaction():
            store.drop_diff_cache("peace-plan")
    os.chmod(sample_db, stat.S_IRUSR)
    try:
        with Store(sample_db, readonly=True) as store:
            cmp = compare(store, "peace-plan", "us-28", "framework-20")
        assert cmp.diff.changes
    finally:
        os.chmod(sample_db, stat.S_IRUSR | stat.S_IWUSR)
    assert cache_rows(sample_db) == [] or all(
        e == diff_engine.ENGINE for _, _, e in cache_rows(sample_db)
    )


def test_a_locked_database_still_answers(sample_db: Path) -> None:
    # Another writer holds the lock: the read answers at once, uncached.
    other = sqlite3.connect(sample_db)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Store(sample_db) as store:
            cmp = compare(store, "peace-plan", "us-28", "framework-20")
        assert cmp.diff.changes
    finally:
        other.rollback()
        other.close()


def test_web_diff_page_uses_the_cache(sample_db: Path) -> None:
    from web import create_app

    app = create_app({"DATABASE": str(sample_db), "TESTING": True})
    client = app.test_client()
    first = client.get("/d/peace-plan/diff/us-28..framework-20?format=json")
    assert first.status_code == 200
    with Store(sample_db) as store:
        a, b = (
            store.version("peace-plan", "us-28").id,
            store.version("peace-plan", "framework-20").id,
        )
        expected = fresh(store, "peace-plan", "us-28", "framework-20")
    assert (a, b, diff_engine.ENGINE) in cache_rows(sample_db)
    again = client.get("/d/peace-plan/diff/us-28..framework-20?format=json")
    assert again.get_json() == first.get_json()
    assert first.get_json()["changes"] == expected["changes"]
