"""Stored lineage: links made when versions are added (also in the middle of a timeline),
history, blame, figures and relink, through the library and the CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tracker import history, links
from tracker.errors import NotFound, TrackerError
from tracker.ingest import add_version, import_dir
from tracker.serialize import history_json
from tracker.sources import parse_text
from tracker.store import Store

# Four versions of a small plan. The army cap (point 3 in v1) is renumbered to 4 when a
# point is inserted before it (v2), then its figure changes (v3), then it moves to the end
# (v4). Point "Delta" is struck out in v3.
ALPHA = "Grain shipping through the Black Sea corridor remains open to commercial vessels."
BETA = "A humanitarian committee organises an exchange of all prisoners for all prisoners."
CAP_OLD = "The armed forces of Ukraine are capped at 600,000 personnel."
CAP_NEW = "The armed forces of Ukraine are capped at 800,000 personnel in peacetime."
DELTA = "Elections are held within 100 days of the signing of the agreement."
EPSILON = "Sanctions on Russia are lifted in stages, subject to review by a joint committee."
CEASEFIRE = "A ceasefire takes effect immediately once both parties accept these terms."

V1 = [ALPHA, BETA, CAP_OLD, DELTA, EPSILON]
V2 = [CEASEFIRE, ALPHA, BETA, CAP_OLD, DELTA, EPSILON]
V3 = [CEASEFIRE, ALPHA, BETA, CAP_NEW, EPSILON]
V4 = [CEASEFIRE, ALPHA, BETA, EPSILON, CAP_NEW]
DATES = {"v1": "2025-11-01", "v2": "2025-11-02", "v3": "2025-11-03", "v4": "2025-11-04"}
TEXTS = {"v1": V1, "v2": V2, "v3": V3, "v4": V4}


def plan(points: list[str]) -> str:
    return "Draft terms\n\n" + "\n".join(f"{i}. {p}" for i, p in enumerate(points, 1)) + "\n"


def add(store: Store, label: str, doc: str = "plan") -> None:
    add_version(
        store, doc, parse_text(plan(TEXTS[label]), label), at=DATES[label], label=label,
        kind="plan",
    )  # fmt: skip


def build(path: Path, order: tuple[str, ...] = ("v1", "v2", "v3", "v4")) -> Store:
    store = Store(path)
    for label in order:
        add(store, label)
    return store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = build(tmp_path / "plan.db")
    yield s
    s.close()


def step_pairs(path: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT a.label, b.label FROM steps s JOIN versions a ON a.id = s.from_version "
            "JOIN versions b ON b.id = s.to_version ORDER BY a.at"
        ).fetchall()
    finally:
        con.close()


# --- lineage ------------------------------------------------------------------------------


def test_lineage_renumbered_then_modified_then_moved(store: Store) -> None:
    lin = history.lineage(store, "plan", "5")  # the cap, point 5 of the latest version
    assert [e.label for e in lin.entries] == ["v1", "v2", "v3", "v4"]
    assert [[p.path for p in e.provisions] for e in lin.entries] == [["3"], ["4"], ["4"], ["5"]]
    assert lin.entries[0].changes == ()
    renumbered, modified, moved = (e.changes[0] for e in lin.entries[1:])
    assert (renumbered.kind, renumbered.renumbered, renumbered.moved) == ("unchanged", True, False)
    assert modified.kind == "modified" and not modified.renumbered
    assert ("600,000", "800,000", "number") in {(t.old, t.new, t.type) for t in modified.terms}
    assert moved.moved and moved.kind == "unchanged"
    assert lin.entries[-1].provisions[0].text == CAP_NEW
    assert lin.added_in is None and lin.dropped_in is None


def test_lineage_from_an_older_version_follows_forwards(store: Store) -> None:
    lin = history.lineage(store, "plan", "3", at_label="v1")
    assert lin.start.text == CAP_OLD
    assert [[p.path for p in e.provisions] for e in lin.entries] == [["3"], ["4"], ["4"], ["5"]]


def test_lineage_added_and_struck_out(store: Store) -> None:
    ceasefire = history.lineage(store, "plan", "1")
    assert ceasefire.added_in == "v2"
    assert not ceasefire.entries[0].present
    assert ceasefire.entries[1].changes[0].kind == "added"
    delta = history.lineage(store, "plan", "4", at_label="v1")
    assert delta.dropped_in == "v3"
    assert [e.present for e in delta.entries] == [True, True, False, False]
    assert delta.entries[2].changes[0].kind == "removed"


def test_timeline_has_a_step_per_version(store: Store) -> None:
    steps = history.timeline(store, "plan")
    assert [(s.label, s.previous) for s in steps] == [
        ("v1", None), ("v2", "v1"), ("v3", "v2"), ("v4", "v3"),
    ]  # fmt: skip
    assert steps[0].summary == {} and steps[0].headline == ""
    assert steps[1].summary["added"] == 1 and steps[1].summary["renumbered"] >= 4
    assert "600,000 → 800,000" in steps[2].headline
    assert steps[3].summary["moved"] >= 1


def test_split_and_merge_are_followed_along_every_branch(tmp_path: Path) -> None:
    whole = (
        "Ukraine receives security guarantees from the United States and European states. "
        "The guarantees lapse if Ukraine invades Russia without provocation."
    )
    piece_a = "Ukraine receives security guarantees from the United States and European states."
    piece_b = "The guarantees lapse if Ukraine invades Russia without provocation."
    texts = {
        "v1": [ALPHA, whole, EPSILON],
        "v2": [ALPHA, piece_a, piece_b, EPSILON],
        "v3": [ALPHA, whole, CEASEFIRE],  # not v1 again: identical texts are not stored
    }
    store = Store(tmp_path / "split.db")
    for n, (label, points) in enumerate(texts.items(), 1):
        add_version(store, "g", parse_text(plan(points)), at=f"2025-11-0{n}", label=label)
    lin = history.lineage(store, "g", "3", at_label="v2")  # piece b
    kinds = [c.kind for e in lin.entries for c in e.changes]
    assert kinds == ["split", "merged"]
    assert [p.path for p in lin.entries[0].provisions] == ["2"]
    assert [p.path for p in lin.entries[1].provisions] == ["3"]
    assert [p.path for p in lin.entries[1].changes[0].new] == ["2", "3"]
    back = history.lineage(store, "g", "2")  # the merged point: both pieces behind it
    assert [p.path for p in back.entries[1].provisions] == ["2", "3"]
    store.close()


# --- linking on add ----------------------------------------------------------------------


def test_inserted_middle_version_relinks_around_it(tmp_path: Path) -> None:
    in_order = build(tmp_path / "a.db")
    late = build(tmp_path / "b.db", order=("v1", "v2", "v4"))
    assert step_pairs(tmp_path / "b.db") == [("v1", "v2"), ("v2", "v4")]
    add(late, "v3")  # an earlier `at` than v4: lands between v2 and v4
    assert step_pairs(tmp_path / "b.db") == [("v1", "v2"), ("v2", "v3"), ("v3", "v4")]
    for ref, at in (("5", None), ("1", None), ("4", "v1")):
        got, want = (history.lineage(s, "plan", ref, at) for s in (late, in_order))
        assert history_json(got) == history_json(want)  # equal but for provision ids
    con = sqlite3.connect(tmp_path / "b.db")
    assert not con.execute(  # no link left from the replaced v2 -> v4 step
        "SELECT count(*) FROM links l JOIN versions v ON v.id = l.to_version "
        "WHERE v.label = 'v4' AND l.from_version != (SELECT id FROM versions WHERE label='v3')"
    ).fetchone()[0]
    con.close()
    in_order.close()
    late.close()


def test_a_failed_link_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snapshot
) -> None:
    path = tmp_path / "plan.db"
    store = build(path, order=("v1", "v2"))
    before = snapshot(path)

    def broken(*args: object) -> None:
        raise RuntimeError("engine failure")

    monkeypatch.setattr(links, "_link_pair", broken)
    with pytest.raises(RuntimeError):
        add(store, "v3")
    assert snapshot(path) == before
    store.close()


def test_missing_links_are_reported_by_reads_and_built_by_relink(tmp_path: Path) -> None:
    path = tmp_path / "plan.db"
    build(path).close()
    con = sqlite3.connect(path)
    con.executescript("DELETE FROM links; DELETE FROM steps;")
    con.close()
    with Store(path) as store:
        steps = history.timeline(store, "plan")
        assert [s.previous for s in steps] == [None, "v1", "v2", "v3"]
        assert "tracker relink plan" in steps[1].headline
        with pytest.raises(TrackerError, match="run 'tracker relink plan'"):
            history.lineage(store, "plan", "5")
    assert step_pairs(path) == []  # a read never writes
    with Store(path) as store:
        history.relink(store, "plan")
    assert len(step_pairs(path)) == 3


def test_relink_rebuilds_the_same_links(tmp_path: Path, invoke, db: Path) -> None:
    build(db).close()
    before = invoke("history", "plan", "5", "--json").stdout
    out = invoke("relink", "plan")
    assert out.code == 0 and "3 steps linked" in out.stdout and history.ENGINE in out.stdout
    assert invoke("history", "plan", "5", "--json").stdout == before
    con = sqlite3.connect(db)
    assert {r[0] for r in con.execute("SELECT engine FROM steps")} == {history.ENGINE}
    con.close()


# --- CLI: history, blame ------------------------------------------------------------------


def test_history_cli_text_and_json(invoke, db: Path) -> None:
    build(db).close()
    out = invoke("history", "plan", "5")
    assert out.code == 0
    assert "600,000 → 800,000" in out.stdout
    assert "renumbered 3 → 4" in out.stdout and "moved" in out.stdout
    data = json.loads(invoke("history", "plan", "5", "--json").stdout)
    assert data["doc"] == "plan" and data["at"] == "v4"
    assert [v["provisions"][0]["path"] for v in data["versions"]] == ["3", "4", "4", "5"]
    assert data["versions"][2]["changes"][0]["terms"][0] == {
        "old": "600,000", "new": "800,000", "type": "number",
    }  # fmt: skip


def test_blame_credits_each_phrase_to_its_first_version(store: Store, invoke, db: Path) -> None:
    b = history.blame(store, "plan", "5")
    assert "".join(r.text for r in b.runs) == CAP_NEW
    owners: dict[str, str] = {}
    for r in b.runs:
        owners[r.label] = owners.get(r.label, "") + r.text
    assert set(owners) == {"v1", "v3"}
    assert "800,000" in owners["v3"] and "peacetime" in owners["v3"]
    assert "armed forces of Ukraine" in owners["v1"]
    assert b.versions == ("v1", "v2", "v3", "v4")
    build(db).close()
    out = invoke("blame", "plan", "5", "--json")
    assert {r["label"] for r in json.loads(out.stdout)["runs"]} == {"v1", "v3"}
    assert "\nv3  800,000\n" in invoke("blame", "plan", "5").stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("history", "nope", "1"), "unknown document 'nope' (known: plan)"),
        (("history", "plan", "99"), "no provision '99' in plan v4 (provisions: p1, 1, 2"),
        (("history", "plan", "1", "--at", "v9"), "unknown version 'v9' of 'plan' (versions: v1"),
        (("blame", "plan", "42"), "no provision '42'"),
        (("figures", "nope"), "unknown document 'nope'"),
        (("relink", "nope"), "unknown document 'nope'"),
    ],
)
def test_unknown_names_are_reported(invoke, db: Path, args: tuple, says: str) -> None:
    build(db).close()
    out = invoke(*args)
    assert out.code == 1
    assert out.stderr.startswith("error: ") and says in out.stderr
    assert "Traceback" not in out.stderr


# --- figures on the sample versions -------------------------------------------------------


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("samples") / "samples.db"
    with Store(path) as store:
        import_dir(store, Path(__file__).resolve().parent.parent / "versions")
    return path


def test_figures_match_the_fact_sheet(samples: Path) -> None:
    with Store(samples) as store:
        figs = history.figures(store, "peace-plan")
    found = {(f.type, f.old, f.new) for f in figs}
    # The army cap: 600,000 -> 800,000, first in the European counter-proposal.
    cap = [f for f in figs if "600,000" in f.old and "800,000" in f.new]
    assert cap and cap[0].type == "number" and cap[0].to_label == "eu-counter"
    assert cap[0].track == "framework-20 4"  # the same provision ends up as point 4
    # Elections: a deadline, "within 100 days" -> "as soon as possible".
    assert ("deadline", "Within 100 days", "as soon as possible") in found
    # Reconstruction money: an $800 billion target in a new point. The $100 billion went
    # with a clause rewritten as a whole, a rewording rather than a replaced figure.
    target = [f for f in figs if "$800 billion" in f.new]
    assert target and target[0].to_label == "framework-20"
    assert not [f for f in figs if "$100 billion" in f.old]
    # Only the changed words count: no whole clause is listed as a figure.
    assert all(len(f.old.split()) <= 6 and len(f.new.split()) <= 6 for f in figs)


def test_figures_cli_formats(samples: Path, script) -> None:
    # The installed console script, once: a real process on a real file.
    out = script("--db", samples, "figures", "peace-plan", use_db=False)
    assert out.code == 0, out.stderr
    assert (
        "600,000 → 800,000" in out.stdout and "Within 100 days → as soon as possible" in out.stdout
    )
    rows = script("--db", samples, "figures", "peace-plan", "--csv", use_db=False).stdout
    assert rows.splitlines()[0].startswith("provision,old_provision,from,to,")
    data = json.loads(
        script("--db", samples, "figures", "peace-plan", "--json", use_db=False).stdout
    )
    assert {"600,000", "800,000"} <= {v for f in data["figures"] for v in (f["old"], f["new"])}


def test_lookup_errors_are_library_errors(store: Store) -> None:
    with pytest.raises(NotFound, match="'x9'"):
        history.lineage(store, "plan", "x9")


# --- relink in bulk, on several processes ---------------------------------------------------


def test_relink_all_with_jobs_equals_one_job(tmp_path: Path, script) -> None:
    db = tmp_path / "bulk.db"
    with Store(db) as s:
        for label in ("v1", "v2", "v3", "v4"):
            add(s, label)
            add(s, label, doc="copy")
    dumps = []
    for jobs in ("1", "2"):
        out = script("--db", db, "relink", "--all", "--jobs", jobs, use_db=False)
        assert out.code == 0, out.stderr
        assert "plan: 3 steps linked" in out.stdout and "copy: 3 steps linked" in out.stdout
        assert "2 documents, 6 steps" in out.stderr
        assert "\r" not in out.stderr  # no progress bar into a pipe
        con = sqlite3.connect(db)
        dumps.append(
            [
                con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("steps", "links", "diff_cache")
            ]
        )
        con.close()
    assert dumps[0] == dumps[1] and dumps[0][2]


def test_relink_needs_a_doc_or_all(invoke, db: Path) -> None:
    build(db).close()
    assert invoke("relink").code == 2
    assert invoke("relink", "plan", "--all").code == 2
    assert invoke("relink", "nope").code == 1


def test_map_pairs_keeps_order_on_processes() -> None:
    from tracker.parallel import map_pairs

    items = list(range(20))
    assert list(map_pairs(abs, [-x for x in items], jobs=2)) == items
    assert list(map_pairs(abs, [-x for x in items], jobs=1)) == items
