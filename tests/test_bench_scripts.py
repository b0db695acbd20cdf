"""The stored-diff and bulk-work part of bench/diff_bench.py runs, on small inputs: every
row it prints is measured (how fast is the benchmark's business, never a test's)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import BENCH, tracker_executable

pytestmark = [pytest.mark.bench, pytest.mark.slow]


def test_stored_cases_run_on_small_inputs(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        diff_bench = pytest.importorskip("diff_bench")
        rows, throughput = diff_bench.stored_cases(
            str(tmp_path), 1, [tracker_executable()], n=200, docs=2, bulk_n=100
        )
    finally:
        sys.path.remove(str(BENCH))
    assert [r[0] for r in rows][:3] == [
        "`tracker diff plan a b --json`, 200 provisions",
        "the same, bytecode compiled",
        "`tracker --help` (start-up alone)",
    ]
    assert all(cached > 0 for _, cached, _ in rows)
    assert [t[0] for t in throughput] == [
        "baseline: one busy loop",
        "baseline: two busy loops at once",
        "relink --all --jobs 1",
        "relink --all --jobs 2",
        "import FOLDER --jobs 1",
        "import FOLDER --jobs 2",
        "reparse --all --force --jobs 1",
        "reparse --all --force --jobs 2",
    ]
    # One process does it all with one job; with two, the workers take the diffs.
    for what, wall, rate, writer, workers in throughput[2:]:
        assert wall > 0 and rate > 0 and writer > 0
        assert (workers > 0) == what.endswith("--jobs 2"), what
