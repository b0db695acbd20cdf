"""Full-text search (FTS5) and the read-only SQL guard, on the sample versions."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker import history
from tracker.cli import cli
from tracker.errors import QueryError
from tracker.ingest import import_dir
from tracker.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("samples") / "samples.db"
    with Store(path) as store:
        import_dir(store, ROOT / "versions")
    return path


@pytest.fixture
def run(samples: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("TRACKER_DB", raising=False)
    runner = CliRunner()

    def go(*args: str):
        return runner.invoke(cli, ["--db", str(samples), *args], catch_exceptions=False)

    return go


def search(
    samples: Path, query: str, doc: str | None = None, advanced: bool = False
) -> list[history.Hit]:
    with Store(samples) as store:
        return history.search(store, query, doc=doc, limit=200, advanced=advanced)


# --- search -------------------------------------------------------------------------------


def test_prefix_query_finds_every_version_that_mentions_it(samples: Path) -> None:
    hits = search(samples, "Zapor*")
    labels = {(h.doc, h.label) for h in hits}
    assert {
        ("peace-plan", v) for v in ("us-28", "us-28-alt", "eu-counter", "framework-20")
    } <= labels
    assert all("[Zaporizhzhia]" in h.snippet for h in hits)
    fw = next(h for h in hits if h.label == "framework-20" and "nuclear" in h.snippet)
    assert fw.provision == "12" and fw.at.startswith("2025-12-24")


def test_phrase_and_boolean_queries(samples: Path) -> None:
    phrase = search(samples, '"nuclear power plant"')
    assert phrase and all("[nuclear power plant]" in h.snippet for h in phrase)
    both = search(samples, "elections AND possible", advanced=True)
    assert both and all("possible" in h.snippet.lower() for h in both)
    either = {
        h.label for h in search(samples, "amnesty OR ceasefire", doc="peace-plan", advanced=True)
    }
    assert {"us-28", "framework-20"} <= either  # amnesty was dropped, ceasefire stayed
    without = search(samples, "Zaporizhzhia NOT IAEA", advanced=True)
    assert without and not any("IAEA" in h.snippet for h in without)
    assert len(without) < len(search(samples, "Zaporizhzhia"))


def test_doc_filter(samples: Path) -> None:
    assert {h.doc for h in search(samples, "Zaporizhzhia", doc="wire-report")} == {"wire-report"}


def test_search_cli(run) -> None:
    out = run("search", "Zapor*", "--doc", "peace-plan")
    assert out.exit_code == 0
    first = out.stdout.splitlines()[0].split()
    assert first[0] == "peace-plan" and "[Zaporizhzhia]" in out.stdout
    assert out.stdout.rstrip().endswith("matches")
    data = json.loads(run("search", '"line of contact"', "--json").stdout)
    assert data["hits"] and set(data["hits"][0]) >= {"doc", "label", "at", "provision", "snippet"}


@pytest.mark.parametrize("bad", ['"unbalanced', "AND AND", "NEAR(", "nosuchcolumn:word"])
def test_bad_search_syntax_is_a_clear_error(run, bad: str) -> None:
    out = run("search", bad, "--advanced")
    assert out.exit_code == 1
    assert out.stderr.startswith("error: bad search query") and "Traceback" not in out.stderr
    # Without --advanced the same text is searched for as typed: never a syntax error.
    assert run("search", bad).exit_code == 0


@pytest.mark.parametrize(
    ("query", "found"),
    [("600,000", True), ("50%", True), ("$100 billion", True), ("U.S.", False),
     ("non-aggression", True), ("Zapor*", True), ('"nuclear power plant"', True)],
)  # fmt: skip
def test_search_as_typed(run, samples: Path, query: str, found: bool) -> None:
    out = run("search", query, "--json")
    assert out.exit_code == 0, out.stderr
    hits = json.loads(out.stdout)["hits"]
    assert bool(hits) == found
    # A figure is found as a figure: 600,000 matches the army cap, not any 600.
    if query == "600,000":
        assert all("600,000" in h["snippet"].replace("[", "").replace("]", "") for h in hits)


def test_search_unknown_doc(run) -> None:
    out = run("search", "peace", "--doc", "nope")
    assert out.exit_code == 1 and "unknown document 'nope'" in out.stderr


# --- read-only SQL ------------------------------------------------------------------------


def test_select_text_json_csv(run) -> None:
    sql = "SELECT label, n_provisions FROM versions WHERE document = 'peace-plan' ORDER BY at"
    text = run("query", sql).stdout
    assert text.splitlines()[0].split() == ["label", "n_provisions"]
    assert "4 rows" in text
    data = json.loads(run("query", sql, "--json").stdout)
    assert data["columns"] == ["label", "n_provisions"] and data["truncated"] is False
    assert [r[0] for r in data["rows"]] == ["us-28", "us-28-alt", "eu-counter", "framework-20"]
    csv = run("query", sql, "--csv").stdout.splitlines()
    assert csv[0] == "label,n_provisions" and len(csv) == 5


def test_reads_that_are_allowed(run) -> None:
    for sql in (
        "EXPLAIN QUERY PLAN SELECT * FROM links WHERE old_provision = 1",
        "SELECT name FROM pragma_table_info('links')",
        "WITH v AS (SELECT * FROM versions) SELECT count(*) FROM v",
        "SELECT rowid FROM texts_fts WHERE texts_fts MATCH 'ceasefire'",
        "-- a comment first\nSELECT 1;",
    ):
        out = run("query", "--", sql)  # "--": the SQL may start with a comment
        assert out.exit_code == 0, (sql, out.stderr)


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO documents (slug, title, created) VALUES ('x', 'x', 'now')",
        "UPDATE versions SET label = 'x'",
        "DELETE FROM links",
        "DROP TABLE links",
        "ATTACH DATABASE 'other.db' AS other",
        "PRAGMA user_version = 5",
        "PRAGMA user_version",  # even reading pragmas go through SELECT ... pragma_*()
        "WITH x AS (SELECT 1) DELETE FROM links",
        "SELECT 1; DELETE FROM links",
        "CREATE TEMP TABLE t AS SELECT 1",
        "/* hide */ DELETE FROM steps",
        "EXPLAIN DELETE FROM links",
    ],
)
def test_writes_are_refused(run, samples: Path, snapshot, sql: str) -> None:
    before = snapshot(samples)
    out = run("query", sql)
    assert out.exit_code == 1, sql
    assert out.stderr.startswith("error: refused") and "Traceback" not in out.stderr
    assert snapshot(samples) == before


def test_runaway_query_is_stopped(run) -> None:
    sql = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"
    start = time.monotonic()
    out = run("query", sql, "--timeout", "0.3")
    assert time.monotonic() - start < 3
    assert out.exit_code == 1
    assert "query stopped: it ran past the 0.3 s time limit" in out.stderr


def test_row_limit_reports_truncation(run, samples: Path) -> None:
    out = run("query", "SELECT id FROM provisions", "--limit", "5")
    assert out.exit_code == 0 and "stopped at the row limit 5" in out.stdout
    data = json.loads(run("query", "SELECT id FROM provisions", "--limit", "5", "--json").stdout)
    assert len(data["rows"]) == 5 and data["truncated"] is True
    res = history.run_query(samples, "SELECT id FROM provisions", limit=10_000)
    assert not res.truncated and len(res.rows) > 5


def test_bad_sql_and_missing_database(samples: Path, tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="bad query: no such table: nope"):
        history.run_query(samples, "SELECT * FROM nope")
    with pytest.raises(QueryError, match="empty query"):
        history.run_query(samples, "  -- nothing\n")
    out = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "query", "SELECT 1"])
    assert out.exit_code == 1 and "no database at" in out.stderr
