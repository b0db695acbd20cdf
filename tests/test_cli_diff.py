"""`tracker diff`: the public contract (JSON shape), every format, --files, DOC:LABEL,
--changes-only and its errors. The engine's quality is tested in test_diff_samples.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SUMMARY_KEYS = {"unchanged", "modified", "added", "removed", "split", "merged", "moved",
                "renumbered"}  # fmt: skip
CHANGE_KEYS = {"kind", "old", "new", "renumbered", "moved", "similarity", "ops", "terms"}


def rebuild(ops: list[list[str]], side: str) -> str:
    skip = "+" if side == "old" else "-"
    return "".join(text for op, text in ops if op != skip)


def test_json_contract_on_the_samples(invoke, sample_db: Path) -> None:
    out = invoke("diff", "peace-plan", "us-28", "framework-20", "--format", "json")
    assert out.code == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["doc"] == "peace-plan"
    assert data["from"] == {"label": "us-28", "at": "2025-11-20T00:00:00+00:00",
                            "doc": "peace-plan"}  # fmt: skip
    assert data["to"]["label"] == "framework-20"
    assert data["to"]["at"] == "2025-12-24T00:00:00+00:00"
    assert set(data["summary"]) >= SUMMARY_KEYS
    assert all(isinstance(v, int) for v in data["summary"].values())
    assert isinstance(data["headline"], str) and data["headline"]
    for change in data["changes"]:
        assert set(change) >= CHANGE_KEYS
        assert change["kind"] in SUMMARY_KEYS - {"moved", "renumbered"}
        old_text = "\n".join(p["text"] for p in change["old"])
        new_text = "\n".join(p["text"] for p in change["new"])
        assert rebuild(change["ops"], "old") == old_text
        assert rebuild(change["ops"], "new") == new_text
        assert 0.0 <= change["similarity"] <= 1.0
        for term in change["terms"]:
            assert set(term) >= {"old", "new", "type"}
    # The army cap: old point 6 is framework point 4, with the figure as a typed term.
    (cap,) = [c for c in data["changes"] if [p["number"] for p in c["new"]] == ["4"]]
    assert [p["number"] for p in cap["old"]] == ["6"]
    assert cap["kind"] == "modified" and cap["renumbered"] and not cap["moved"]
    numbers = [t for t in cap["terms"] if t["type"] == "number"]
    assert any("600,000" in t["old"] and "800,000" in t["new"] for t in numbers)
    # Counts in the summary are the counts of the changes.
    for kind in ("unchanged", "modified", "added", "removed", "split", "merged"):
        assert data["summary"][kind] == sum(1 for c in data["changes"] if c["kind"] == kind)
    assert data["summary"]["moved"] == sum(1 for c in data["changes"] if c["moved"])
    assert data["summary"]["renumbered"] == sum(1 for c in data["changes"] if c["renumbered"])


def test_json_flag_is_the_same_as_format_json(invoke, sample_db: Path) -> None:
    a = invoke("diff", "wire-report", "first", "update", "--json")
    b = invoke("diff", "wire-report", "first", "update", "--format", "json")
    assert a.code == b.code == 0
    assert json.loads(a.stdout) == json.loads(b.stdout)


def test_text_format_marks_changed_terms(invoke, sample_db: Path) -> None:
    out = invoke("diff", "peace-plan", "us-28", "eu-counter")
    assert out.code == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "peace-plan:us-28 → peace-plan:eu-counter"
    (six,) = [ln for ln in lines if ln.startswith("modified") and " 6 " in ln]
    assert "[-600,000-]{+800,000+}" in six
    assert any(ln.startswith("removed") and " 3 " in ln for ln in lines)
    assert any(ln.startswith("unchanged") for ln in lines)
    assert "\x1b[" not in out.stdout  # no colour when not on a terminal


def test_changes_only_hides_unchanged(invoke, sample_db: Path) -> None:
    full = invoke("diff", "peace-plan", "us-28", "eu-counter").stdout
    short = invoke("diff", "peace-plan", "us-28", "eu-counter", "--changes-only").stdout
    assert "unchanged" in full
    assert not any(ln.startswith("unchanged") for ln in short.splitlines())
    assert len(short.splitlines()) < len(full.splitlines())


def test_markdown_report(invoke, sample_db: Path) -> None:
    out = invoke("diff", "peace-plan", "us-28", "framework-20", "--format", "markdown")
    assert out.code == 0
    md = out.stdout
    assert md.startswith("# peace-plan: us-28 → framework-20")
    assert "## Changed terms" in md
    assert "~~600,000" in md and "**800,000" in md
    assert "### 6 → 4 (modified, renumbered)" in md


def test_html_is_a_standalone_escaped_page(invoke, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("1. Keep <script>alert(1)</script> & this.\n2. Cap at 600,000.\n")
    b.write_text("1. Keep <script>alert(1)</script> & this.\n2. Cap at 800,000.\n")
    out = invoke("diff", "--files", a, b, "--format", "html")
    assert out.code == 0, out.stderr
    assert out.stdout.startswith("<!doctype html>")
    assert "<script>" not in out.stdout
    assert "&lt;script&gt;" in out.stdout and "&amp; this" in out.stdout
    assert "<del>600,000</del>" in out.stdout and "<ins>800,000</ins>" in out.stdout


def test_files_are_compared_without_storing(invoke, db: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("1. Alpha point stays.\n2. Beta point goes.\n3. Gamma point stays.\n")
    b.write_text("1. Alpha point stays.\n2. Gamma point stays.\n3. Delta is new here.\n")
    out = invoke("diff", "--files", a, b, "--json")
    assert out.code == 0, out.stderr
    data = json.loads(out.stdout)
    kinds = [(c["kind"], c["renumbered"]) for c in data["changes"]]
    assert kinds == [("unchanged", False), ("removed", False), ("unchanged", True),
                     ("added", False)]  # fmt: skip
    assert data["from"]["at"] is None
    assert not db.exists()


def test_whitespace_and_quote_style_alone_are_not_changes(invoke, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text('1. The "parties" agree - in full.\n2. Second   point,\n   wrapped here.\n')
    b.write_text(
        "1. The \u201cparties\u201d agree \u2013 in full.\n2. Second point, wrapped here.\n"
    )
    data = json.loads(invoke("diff", "--files", a, b, "--json").stdout)
    assert [c["kind"] for c in data["changes"]] == ["unchanged", "unchanged"]
    assert all(c["terms"] == [] for c in data["changes"])


def test_cross_document_refs(invoke, sample_db: Path) -> None:
    out = invoke("diff", "wire-report", "first", "geneva-talks:report", "--json")
    assert out.code == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["from"]["doc"] == "wire-report" and data["to"]["doc"] == "geneva-talks"
    assert data["to"]["label"] == "report"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("diff", "nope", "a", "b"), 1, "unknown document 'nope'"),
        (("diff", "peace-plan", "us-28", "v9"), 1, "unknown version 'v9'"),
        (("diff", "peace-plan", "us-28"), 2, "expected DOC FROM TO"),
        (("diff", "--files", "only-one.txt"), 2, "exactly two files"),
        (("diff", "--files", "missing-a.txt", "missing-b.txt"), 1, "no such file"),
        (("diff", "peace-plan", "us-28", "framework-20", "--format", "pdf"), 2, "pdf"),
    ],
)
def test_errors(invoke, sample_db: Path, args, code: int, message: str) -> None:
    out = invoke(*args)
    assert out.code == code
    assert message in out.stderr
    if code == 1:
        assert out.stderr.startswith("error: ") and out.stderr.count("\n") == 1


def test_console_script_diff(script, sample_db: Path) -> None:
    out = script("diff", "peace-plan", "us-28", "framework-20", "--changes-only")
    assert out.code == 0, out.stderr
    assert "[-600,000" in out.stdout and "{+800,000" in out.stdout


# --- compact, streamed JSON and --pretty ---------------------------------------------------


def test_json_is_compact_unless_pretty(invoke, sample_db: Path) -> None:
    args = ("diff", "peace-plan", "us-28", "framework-20", "--json")
    compact, pretty = invoke(*args), invoke(*args, "--pretty")
    assert compact.code == pretty.code == 0
    assert compact.stdout.count("\n") == 1 and compact.stdout.endswith("}\n")
    assert pretty.stdout.startswith('{\n  "doc": ')
    # The same document, keys in the same order.
    a, b = json.loads(compact.stdout), json.loads(pretty.stdout)
    assert a == b and list(a) == list(b)
    assert list(a["changes"][0]) == list(b["changes"][0])


def test_streamed_output_equals_the_whole_document(sample_db: Path) -> None:
    from tracker.compare import compare
    from tracker.render import diff_json, diff_text, iter_diff_json, iter_diff_text
    from tracker.store import Store

    with Store(sample_db) as store:
        for doc, a, b in (("peace-plan", "us-28", "framework-20"),
                          ("wire-report", "first", "corrected")):  # fmt: skip
            cmp = compare(store, doc, a, b)
            assert json.loads("".join(iter_diff_json(cmp))) == diff_json(cmp)
            assert "\n".join(iter_diff_text(cmp)) == diff_text(cmp)


def test_streamed_text_through_the_console_script(script, sample_db: Path) -> None:
    out = script("diff", "peace-plan", "us-28", "framework-20")
    assert out.code == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "peace-plan:us-28 → peace-plan:framework-20"
    assert "\x1b[" not in out.stdout  # no colour codes into a pipe
    compact = script("diff", "peace-plan", "us-28", "framework-20", "--json")
    pretty = script("diff", "peace-plan", "us-28", "framework-20", "--json", "--pretty")
    assert json.loads(compact.stdout) == json.loads(pretty.stdout)
