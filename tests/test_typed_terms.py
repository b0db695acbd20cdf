"""Typed terms mean what they say: a term is typed only when its changed words themselves
are of that type. Scored against the hand labels in ``tests/data/typed_terms.json`` (the
same figures ``bench/terms_bench.py`` prints), plus small cases of each type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker.compare import compare_files
from tracker.termdiff import CURRENCY_SIGNS, terms, word_ops
from web.present import figure_value

ROOT = Path(__file__).resolve().parent.parent
LABELS = json.loads((ROOT / "tests" / "data" / "typed_terms.json").read_text(encoding="utf-8"))


def typed_found() -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    got, truth = set(), set()
    for p in LABELS["pairs"]:
        name = f"{p['old']}→{p['new']}"
        truth |= {(name, t["path"], t["old"], t["new"], t["type"]) for t in p["typed"]}
        cmp = compare_files(ROOT / "versions" / p["old"], ROOT / "versions" / p["new"])
        for c in cmp.diff.changes:
            path = (c.new or c.old)[0].path
            got |= {(name, path, t.old, t.new, t.type) for t in c.terms if t.type}
    return got, truth


def test_typed_terms_precision_and_recall_on_the_samples() -> None:
    got, truth = typed_found()
    assert truth, "no labels"
    precision = len(got & truth) / len(got)
    recall = len(got & truth) / len(truth)
    assert precision >= 0.9, sorted(got - truth)
    assert recall >= 0.9, sorted(truth - got)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("Troops will be withdrawn.", "Troops will not be withdrawn.", ("", "not", "negation")),
        ("Russia shall not attack.", "Russia shall attack.", ("not", "", "negation")),
        ("The parties may meet.", "The parties must meet.", ("may", "must", "modal")),
        ("Ukraine shall not join.", "Ukraine may join.", ("shall not", "may", "negation")),
        ("The fund holds $100 billion.", "The fund holds $800 billion.",
         ("$100 billion", "$800 billion", "number")),
        ("The council meets on Monday.", "The council meets on Friday.",
         ("Monday", "Friday", "date")),
        ("Forces withdraw immediately.", "Forces withdraw within 90 days.",
         ("immediately", "within 90 days", "deadline")),
        # Rewordings that merely contain a typed word are not typed.
        ("It will not apply.", "It will apply, and the parties will review it each year.",
         ("not apply", "apply, and the parties will review it each year", None)),
        ("The points below describe the terms.", "The following twenty points set out the terms.",
         ("points below describe", "following twenty points set out", None)),
        ("Ukraine will be given reliable guarantees.", "Reliable guarantees shall be provided.",
         None),
    ],
)  # fmt: skip
def test_a_term_is_typed_by_its_changed_words(
    old: str, new: str, expected: tuple[str, str, str | None] | None
) -> None:
    found = [(t.old, t.new, t.type) for t in terms(word_ops(old, new))]
    if expected is None:
        assert all(t[2] is None for t in found), found
    else:
        assert expected in found, found


@pytest.mark.parametrize("sign", list(CURRENCY_SIGNS))
def test_every_currency_sign_reads_as_one_figure_everywhere(sign: str) -> None:
    # One list of signs for the word diff, the aligner and the web's plots: an amount in
    # any of them is one figure, widened to its sign, and plots as a value.
    ops = word_ops(f"The fund pays {sign} 40 per tonne.", f"The fund pays {sign} 50 per tonne.")
    assert [(t.old, t.new, t.type) for t in terms(ops)] == [(f"{sign} 40", f"{sign} 50", "number")]
    ops = word_ops(f"A levy of {sign}300 is paid.", f"A levy of {sign}400 is paid.")
    assert [(t.old, t.new) for t in terms(ops)] == [(f"{sign}300", f"{sign}400")]
    assert figure_value(f"{sign}300 million") == 300e6
