"""One change type, one JSON shape: a change rebuilt from stored links (a provision's
history, an export) is the change a diff of the same two versions computes, and serializes
to the same JSON; the export holds its slim form, and an export made before the change
provisions carried labels still imports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from web import create_app


def slim(change: dict[str, Any]) -> dict[str, Any]:
    """A diff change as an export holds it: provisions without texts, no ops."""
    out = {k: v for k, v in change.items() if k != "ops"}
    for side in ("old", "new"):
        out[side] = [{k: v for k, v in p.items() if k != "text"} for p in change[side]]
    return out


# A point split in two (one piece reworded) and joined again (our own words).
WHOLE = (
    "Each party keeps 40 observers at the crossing. Observers report to the joint "
    "commission every week."
)
PIECES = [
    "Each party keeps 40 observers at the crossing.",
    "Observers report to the joint commission every month.",
]
OTHER = ["Trade across the line resumes within 30 days.", "Disputes go to arbitration."]
ROUNDS = {
    "r1": [OTHER[0], WHOLE, OTHER[1]],
    "r2": [OTHER[0], *PIECES, OTHER[1]],
    "r3": [OTHER[0], " ".join(PIECES), OTHER[1]],
}


def add_rounds(invoke, tmp_path: Path) -> None:
    for n, (label, points) in enumerate(ROUNDS.items(), 1):
        path = tmp_path / f"{label}.txt"
        body = "\n".join(f"{i}. {p}" for i, p in enumerate(points, 1))
        path.write_text(f"Crossing terms\n\n{body}\n", encoding="utf-8")
        out = invoke("add", "crossing", path, "--label", label, "--at", f"2025-10-0{n}",
                     "--kind", "plan")  # fmt: skip
        assert out.code == 0, out.stderr


def test_history_changes_are_the_diff_changes_of_the_same_pair(
    invoke, sample_db: Path, tmp_path: Path
) -> None:
    add_rounds(invoke, tmp_path)
    diffs: dict[tuple[str, str, str], list[dict]] = {}
    kinds: set[str] = set()
    flags: set[str] = set()
    compared = 0
    for doc in ("peace-plan", "wire-report", "crossing"):
        versions = json.loads(invoke("list", doc, "--json").stdout)["versions"]
        for v in versions:
            shown = json.loads(invoke("show", doc, v["label"], "--json").stdout)
            for p in shown["provisions"]:
                out = invoke("history", doc, p["path"], "--at", v["label"], "--json")
                assert out.code == 0, out.stderr
                entries = json.loads(out.stdout)["versions"]
                for before, entry in zip(entries, entries[1:], strict=False):
                    key = (doc, before["label"], entry["label"])
                    if key not in diffs:
                        d = invoke("diff", doc, key[1], key[2], "--format", "json").stdout
                        diffs[key] = json.loads(d)["changes"]
                    for change in entry["changes"]:
                        assert change in diffs[key], (key, change)
                        kinds.add(change["kind"])
                        flags |= {f for f in ("renumbered", "moved") if change[f]}
                        compared += 1
    # The sample history holds every kind of change a lineage can take.
    assert {"unchanged", "modified", "added", "removed", "split", "merged"} <= kinds, kinds
    assert {"renumbered", "moved"} <= flags, flags
    assert compared > 100


def test_the_api_history_has_the_same_changes(invoke, sample_db: Path) -> None:
    cli = json.loads(invoke("history", "peace-plan", "4", "--at", "framework-20", "--json").stdout)
    client = create_app({"DATABASE": str(sample_db)}).test_client()
    api = client.get("/api/d/peace-plan/p/4?at=framework-20").get_json()
    changes = [c for e in cli["versions"] for c in e["changes"]]
    assert changes and all("ops" in c and c["old"] is not None for c in changes)
    assert [e["changes"] for e in api["versions"]] == [e["changes"] for e in cli["versions"]]
    # The start provision keeps its row id next to its stored fields.
    assert {"id", "path", "number", "text", "heading", "label"} <= set(api["start"])


def test_export_holds_the_slim_diff_changes(invoke, sample_db: Path) -> None:
    data = json.loads(invoke("export", "peace-plan").stdout)
    for step in data["steps"]:
        d = invoke("diff", "peace-plan", step["from"], step["to"], "--format", "json").stdout
        assert step["changes"] == [slim(c) for c in json.loads(d)["changes"]]


def test_an_export_from_before_labels_still_imports(
    invoke, sample_db: Path, tmp_path: Path
) -> None:
    data = json.loads(invoke("export", "peace-plan").stdout)
    old = json.loads(json.dumps(data))
    for step in old["steps"]:
        for change in step["changes"]:
            for side in ("old", "new"):
                change[side] = [
                    {k: p[k] for k in ("path", "number", "heading")} for p in change[side]
                ]
    path = tmp_path / "old-export.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    out = invoke("import-export", str(path), "--as", "plan-copy")
    assert out.code == 0, out.stderr
    again = json.loads(invoke("export", "plan-copy").stdout)
    assert again["steps"] == data["steps"]
