"""The real-text alignment benchmark runs, and its truth is well formed and resolves.

Quality figures are the benchmark's business (``bench/real_align.py`` prints them); these
tests only check that the script runs on one small real pair and that every key phrase of
that pair's truth names exactly one line of each version, so a truth entry never scores
against the wrong provision. Skipped when the corpus bundle is absent.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))
real_align = pytest.importorskip("real_align", reason=f"no benchmark scripts at {BENCH}")

pytestmark = pytest.mark.bench

KINDS = {"unchanged", "modified", "added", "removed", "split", "merged"}
SMALL_PAIR = "telegram-devterms-2026"  # an 18-line document


def test_truth_is_well_formed() -> None:
    pairs = real_align.load_truth()
    assert len({p["id"] for p in pairs}) == len(pairs)
    for pair in pairs:
        assert {"id", "platform", "path", "old", "new", "why", "entries"} <= pair.keys()
        for entry in pair["entries"]:
            assert entry["kind"] in KINDS, entry
            assert entry["old"] is not None or entry["new"] is not None, entry
            assert (entry["old"] is None) == (entry["kind"] == "added"), entry
            assert (entry["new"] is None) == (entry["kind"] == "removed"), entry
            assert entry.get("renumbered") in (True, False, None), entry
            assert entry.get("moved", False) in (True, False, None), entry
            for phrase in real_align.phrases(entry["old"]) + real_align.phrases(entry["new"]):
                # Key phrases, never sentences: the corpus text is not ours to copy.
                assert len(phrase.split()) <= 10, phrase


needs_corpus = pytest.mark.skipif(
    not real_align.BUNDLE.exists(), reason=f"corpus bundle absent ({real_align.BUNDLE})"
)


@pytest.mark.slow
@needs_corpus
def test_small_pair_runs_and_its_phrases_resolve(tmp_path: Path) -> None:
    clone = tmp_path / "pga.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(real_align.BUNDLE), str(clone)], check=True)
    pair = next(p for p in real_align.load_truth() if p["id"] == SMALL_PAIR)
    scores = real_align.evaluate(clone, pair, real_align.markdown_format())
    # Every phrase names exactly one non-empty line of its version (the line baseline's
    # units): the truth is unambiguous whatever a reader makes of the text.
    assert scores["lines"].problems == []
    assert scores["tracker"].truth_pairs == scores["lines"].truth_pairs > 0

    out = subprocess.run(
        [sys.executable, str(BENCH / "real_align.py"), "--repo", str(clone)]
        + ["--pair", SMALL_PAIR, "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    summary = json.loads(out)
    assert [p["id"] for p in summary["pairs"]] == [SMALL_PAIR]
    assert set(summary["overall"]) == {"tracker", "lines"}
