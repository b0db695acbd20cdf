"""Word operations and changed terms of one aligned pair (tracker.termdiff)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import termdiff
from tracker.termdiff import Term, terms, tokens, word_ops


def rebuild(ops: list[tuple[str, str]]) -> tuple[str, str]:
    old = "".join(s for op, s in ops if op != "+")
    new = "".join(s for op, s in ops if op != "-")
    return old, new


def assert_well_formed(ops: list[tuple[str, str]], old: str, new: str) -> None:
    assert rebuild(ops) == (old, new)
    assert all(op in "=-+" and s for op, s in ops)
    assert all(a[0] != b[0] for a, b in zip(ops, ops[1:], strict=False)), "same op twice in a row"


def typed(old: str, new: str) -> list[tuple[str, str, str | None]]:
    return [(t.old, t.new, t.type) for t in terms(word_ops(old, new))]


# --- tokens -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("two-thirds", ["two-thirds"]),
        ("Ukraine's army", ["Ukraine's", " ", "army"]),
        ("600,000 troops", ["600,000", " ", "troops"]),
        ("$100 and 50% or 50:50, 50/50, 1.5.", None),
        ("a  \n b", ["a", "  \n ", "b"]),
    ],
)
def test_tokens_keep_words_and_figures_whole(text: str, expected: list[str] | None) -> None:
    toks = tokens(text)
    assert "".join(toks) == text
    if expected is not None:
        assert toks == expected
    else:
        for figure in ("$100", "50%", "50:50", "50/50", "1.5"):
            assert figure in toks


# --- figures read as one change -----------------------------------------------------------


def test_changed_figure_is_one_change() -> None:
    ops = word_ops("capped at 600,000 personnel", "capped at 800,000 personnel")
    assert ops == [("=", "capped at "), ("-", "600,000"), ("+", "800,000"), ("=", " personnel")]
    assert terms(ops) == [Term("600,000", "800,000", "number")]


def test_deadline_rewrite_reads_as_one_change() -> None:
    ops = word_ops(
        "Ukraine will hold elections within 100 days.",
        "Ukraine will hold elections as soon as possible.",
    )
    assert ("-", "within 100 days") in ops and ("+", "as soon as possible") in ops
    assert terms(ops) == [Term("within 100 days", "as soon as possible", "deadline")]


def test_deadline_with_more_after_it() -> None:
    got = typed(
        "Ukraine will hold elections within 100 days.",
        "Ukraine will hold elections as soon as possible after the signing of this agreement.",
    )
    assert got == [
        ("within 100 days", "as soon as possible after the signing of this agreement", "deadline")
    ]


def test_currency_amount_is_widened_to_its_scale() -> None:
    assert typed(
        "A sum of $100 billion goes into reconstruction.",
        "A sum of $800 billion goes into reconstruction.",
    ) == [("$100 billion", "$800 billion", "number")]


def test_percentage_dropped() -> None:
    got = typed(
        "the United States receives 50% of the profit", "the United States receives the profit"
    )
    assert len(got) == 1
    old, new, kind = got[0]
    assert "50%" in old and new == "" and kind == "number"


def test_percent_word_kept_with_its_figure() -> None:
    assert typed("a share of 15 percent", "a share of 20 percent") == [
        ("15 percent", "20 percent", "number")
    ]


def test_number_words() -> None:
    assert typed("two-thirds of the seats", "half of the seats") == [
        ("two-thirds", "half", "number")
    ]


def test_ratio() -> None:
    assert typed("split 50:50 between them", "split 60:40 between them") == [
        ("50:50", "60:40", "number")
    ]


def test_figure_cut_out_of_a_longer_rewrite() -> None:
    got = typed(
        "The Armed Forces of Ukraine will be capped at a strength of 600,000 personnel.",
        "The armed forces of Ukraine will be maintained at a strength of 800,000 in peacetime.",
    )
    assert ("600,000", "800,000", "number") in got
    assert ("personnel", "in peacetime", None) in got


def test_deadline_containing_a_number_is_a_deadline() -> None:
    assert typed("elections within 100 days", "elections within 200 days") == [
        ("100", "200", "deadline")
    ]
    assert typed("within 100 days of a ceasefire and", "within 100 days and") == [
        ("of a ceasefire", "", "deadline")
    ]


def test_dates() -> None:
    assert typed("signed on 20 November 2025", "signed on 23 November 2025") == [
        ("20", "23", "date")
    ]
    assert typed("talks in 2025", "talks in 2026") == [("2025", "2026", "date")]
    assert typed("talks on Monday", "talks on Tuesday") == [("Monday", "Tuesday", "date")]


def test_reference_numbers_are_not_quantities() -> None:
    assert typed("a guarantee on conditions", "a guarantee mirroring Article 5") == [
        ("on conditions", "mirroring Article 5", None)
    ]
    assert typed("return to the G8", "return to the G7") == [("G8", "G7", None)]


def test_modal() -> None:
    assert typed("The parties shall agree.", "The parties may agree.") == [
        ("shall", "may", "modal")
    ]


def test_negation() -> None:
    assert typed("Ukraine will not join NATO.", "Ukraine will join NATO.") == [
        ("not", "", "negation")
    ]
    assert typed("NATO can't station troops.", "NATO can station troops.") == [
        ("can't", "can", "negation")
    ]


def test_a_whole_added_sentence_is_not_a_modal_change() -> None:
    got = typed(
        "Ukraine would receive a guarantee.",
        "Ukraine would receive a guarantee. It would lapse if Ukraine invaded Russia.",
    )
    assert got == [("", "It would lapse if Ukraine invaded Russia.", None)]


def test_month_needs_its_capital() -> None:
    assert typed("troops march on", "troops walk on") == [("march", "walk", None)]


@pytest.mark.parametrize(
    "old, new",
    [
        ("The parties\n   will treat it as settled.", "The parties will treat it as settled."),
        ("He said \u201cpeace now\u201d today.", 'He said "peace now" today.'),
        ("a non\u2013aggression pact", "a non-aggression pact"),
        ("Armed Forces", "armed forces"),
    ],
)
def test_whitespace_quote_dash_or_case_only_gives_no_terms(old: str, new: str) -> None:
    ops = word_ops(old, new)
    assert_well_formed(ops, old, new)
    assert terms(ops) == []


def test_runs_are_merged_and_deletions_come_first() -> None:
    ops = word_ops("one two three four", "one five six four")
    assert_well_formed(ops, "one two three four", "one five six four")
    assert ops == [("=", "one "), ("-", "two three"), ("+", "five six"), ("=", " four")]


def test_trivial_inputs() -> None:
    assert word_ops("", "") == []
    assert word_ops("same", "same") == [("=", "same")]
    assert word_ops("", "new") == [("+", "new")]
    assert word_ops("old", "") == [("-", "old")]
    assert terms([]) == []


# --- rebuild property ---------------------------------------------------------------------

WORDS = ["peace", "600,000", "$100", "50%", "shall", "not", "Kyiv's", "two-thirds", "—", "🇺🇦", "é"]


@given(st.text(), st.text())
@settings(max_examples=300, deadline=None)
def test_rebuild_on_any_text(old: str, new: str) -> None:
    assert_well_formed(word_ops(old, new), old, new)


@given(
    st.lists(st.sampled_from(WORDS + [" ", "\n", ", ", ". "]), max_size=60),
    st.lists(st.sampled_from(WORDS + [" ", "\n", ", ", ". "]), max_size=60),
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_rebuild_on_wordy_text(a: list[str], b: list[str]) -> None:
    old, new = "".join(a), "".join(b)
    ops = word_ops(old, new)
    assert_well_formed(ops, old, new)
    for t in terms(ops):
        assert t.old or t.new
        assert t.type in (None, "number", "deadline", "date", "modal", "negation")


def test_codes_skip_the_surrogate_block() -> None:
    codes = termdiff._codes(70_000)
    assert len(set(codes)) == 70_000
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in codes)


def test_more_distinct_tokens_than_the_low_code_range() -> None:
    # 61,000 distinct words: the per-pair token map runs past the surrogate block.
    old_words = [f"w{k}" for k in range(61_000)]
    new_words = list(old_words)
    new_words[60_500] = "changed"
    old, new = " ".join(old_words), " ".join(new_words)
    ops = word_ops(old, new)
    assert_well_formed(ops, old, new)
    assert [t for t in terms(ops)] == [Term("w60500", "changed", None)]


def test_long_unrelated_pair_is_one_deletion_and_one_insertion() -> None:
    # A pair with nothing in common (which would cost the bisection seconds; the time is
    # measured in bench/diff_bench.py) comes out whole: no word of it is "kept".
    old = " ".join(f"alpha{k % 997}." if k % 9 == 0 else f"alpha{k % 997}" for k in range(4000))
    new = " ".join(f"beta{k % 991}." if k % 7 == 0 else f"beta{k % 991}" for k in range(4000))
    ops = word_ops(old, new)
    assert_well_formed(ops, old, new)
    assert list(ops) == [("-", old), ("+", new)]


def test_long_similar_pair_keeps_word_detail() -> None:
    words = [f"word{k % 500}" + ("." if k % 12 == 11 else "") for k in range(6000)]
    changed = list(words)
    for k in (100, 2500, 5900):
        changed[k] = "CHANGED"
    old, new = " ".join(words), " ".join(changed)
    ops = word_ops(old, new)
    assert_well_formed(ops, old, new)
    assert sum(1 for op, _ in ops if op == "+") == 3


# --- the routes for heavily changed and huge pairs -----------------------------------------


def _reworded(seed: int, n_words: int, share: float) -> tuple[str, str]:
    import random

    rng = random.Random(seed)
    vocab = [f"w{k}" for k in range(300)] + ["the", "of", "shall", "600,000", "days."]
    old = [rng.choice(vocab) for _ in range(n_words)]
    new = list(old)
    for k in rng.sample(range(n_words), int(n_words * share)):
        new[k] = rng.choice(vocab) + "x"
    return " ".join(old), " ".join(new)


@pytest.mark.parametrize("seed", range(20))
def test_heavily_reworded_pairs_rebuild_both_texts(seed: int) -> None:
    # 40% of the words replaced: past diff-match-patch's cheap range, the LCS route.
    old, new = _reworded(seed, 40 + seed * 7, 0.4)
    ops = word_ops(old, new)
    assert_well_formed(ops, old, new)
    assert any(op == "=" and s.strip() for op, s in ops)  # common words stay common


@pytest.mark.parametrize("seed", range(2))
def test_huge_pair_is_anchored_and_highlighted(seed: int) -> None:
    # ~60,000 words with 10% replaced: too big for an LCS table, anchored on trigrams;
    # most of the text stays equal, and each replaced word is inside a change.
    old, new = _reworded(seed, 60_000, 0.1)
    ops = word_ops(old, new)
    assert_well_formed(ops, old, new)
    kept = sum(len(s) for op, s in ops if op == "=")
    assert kept > 0.6 * len(old)
    inserted = " ".join(s for op, s in ops if op == "+")
    assert inserted.count("x") >= 0.1 * 60_000 * 0.9


def test_huge_pair_with_blocks_added_and_removed_keeps_the_rest_equal() -> None:
    # Probes are looked for where the text would be if it kept its length: a block of
    # 5,000 words added early and one of 3,000 removed later must not lose the rest.
    old, new = _reworded(7, 60_000, 0.05)
    words = new.split(" ")
    added = " ".join(f"n{k}" for k in range(5_000))
    new = (
        " ".join(words[:10_000])
        + " "
        + added
        + " "
        + " ".join(words[10_000:40_000] + words[43_000:])
    )
    ops = word_ops(old, new)
    assert_well_formed(ops, old, new)
    inserted = " ".join(s for op, s in ops if op == "+")
    assert added in inserted
    kept = sum(len(s) for op, s in ops if op == "=")
    assert kept > 0.85 * len(old)
