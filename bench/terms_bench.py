"""Benchmark: how well changed terms are typed, against hand labels.

``tests/data/typed_terms.json`` lists, for each step of the sample timelines in
``versions/`` (and the long step us-28 -> framework-20), every changed term that is typed:
a figure replaced, a modal verb swapped, a negation added or dropped, a deadline or date
changed. Every other term is a plain rewording. This script diffs each pair and reports the
precision and recall of the typed terms (a term counts when its provision, its old and new
text and its type all match), overall and per type, next to a baseline measured in the same
run: the former rule, which typed a term whenever the typed things on its two sides differed,
wherever they sat in a rewritten clause. Prints a Markdown table; asserts nothing.

    python bench/terms_bench.py [--show]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from tracker import termdiff
from tracker.compare import compare_files

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "typed_terms.json"
TYPES = ("number", "deadline", "date", "modal", "negation")

Key = tuple[str, str, str, str, str]  # pair, path, old, new, type


def labelled() -> tuple[list[dict[str, object]], set[Key]]:
    data = json.loads(LABELS.read_text(encoding="utf-8"))
    truth = {
        (f"{p['old']}→{p['new']}", t["path"], t["old"], t["new"], t["type"])
        for p in data["pairs"]
        for t in p["typed"]
    }
    return data["pairs"], truth


def _baseline_type(ctx: tuple[str, str], old: str, new: str) -> str | None:
    """The former rule: the first kind whose typed things differ between the sides,
    anywhere in the stretch (deadlines and dates reaching in from the context)."""
    a = termdiff._typed_spans(ctx[0], old, ctx[1])
    b = termdiff._typed_spans(ctx[0], new, ctx[1])
    for kind in termdiff._TYPE_ORDER:
        if Counter(t.lower() for k, *_, t in a if k == kind) != Counter(
            t.lower() for k, *_, t in b if k == kind
        ):
            return kind
    return None


def found(pairs: list[dict[str, object]], baseline: bool) -> set[Key]:
    out: set[Key] = set()
    for p in pairs:
        cmp = compare_files(ROOT / "versions" / str(p["old"]), ROOT / "versions" / str(p["new"]))
        name = f"{p['old']}→{p['new']}"
        for c in cmp.diff.changes:
            path = (c.new or c.old)[0].path
            if baseline:
                out |= _baseline_terms(name, path, c.ops)
            else:
                out |= {(name, path, t.old, t.new, t.type) for t in c.terms if t.type}
    return out


def _baseline_terms(name: str, path: str, ops: tuple[tuple[str, str], ...]) -> set[Key]:
    # The same stretches as the engine (its terms), typed by the former rule.
    out: set[Key] = set()
    text = "".join(s for _, s in ops)
    for t in termdiff.terms(list(ops)):
        at = text.find(t.old or t.new)
        ctx = (text[max(0, at - 40) : at], text[at + len(t.old or t.new) : at + 40 + len(t.old)])
        kind = _baseline_type(ctx, t.old, t.new)
        if kind:
            out.add((name, path, t.old, t.new, kind))
    return out


def score(got: set[Key], truth: set[Key], kind: str | None = None) -> tuple[int, int, int]:
    if kind:
        got = {k for k in got if k[4] == kind}
        truth = {k for k in truth if k[4] == kind}
    return len(got & truth), len(got), len(truth)


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "—"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="list false positives and misses")
    args = ap.parse_args()
    pairs, truth = labelled()
    runs = {"tracker": found(pairs, False), "baseline (former rule)": found(pairs, True)}
    print(f"{len(pairs)} sample diffs, {len(truth)} hand-labelled typed terms\n")
    print("| rule | type | typed | correct | labelled | precision | recall |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, got in runs.items():
        for kind in (None, *TYPES):
            ok, n_got, n_truth = score(got, truth, kind)
            if kind and not (n_got or n_truth):
                continue
            print(
                f"| {name} | {kind or 'all'} | {n_got} | {ok} | {n_truth} | "
                f"{ratio(ok, n_got)} | {ratio(ok, n_truth)} |"
            )
    if args.show:
        got = runs["tracker"]
        for k in sorted(got - truth):
            print("false positive:", k)
        for k in sorted(truth - got):
            print("missed:", k)


if __name__ == "__main__":
    main()
