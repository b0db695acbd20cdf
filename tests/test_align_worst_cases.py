"""Alignment on the worst cases seen in real documents: a schedule whose every fee
changed, two unrelated documents, and a split whose first piece is short."""

from __future__ import annotations

import random

from tracker.diff import diff_texts


def kinds(old: str, new: str) -> list[tuple[str, list[str], list[str]]]:
    diff = diff_texts(old, new, "plan")
    return [(c.kind, [p.path for p in c.old], [p.path for p in c.new]) for c in diff.changes]


def test_a_schedule_where_every_fee_changed_pairs_rows_by_number() -> None:
    old = "\n".join(f"{i}. The filing fee is ${i * 10}." for i in range(1, 9))
    new = "\n".join(f"{i}. The filing fee is ${i * 10 + 10}." for i in range(1, 9))
    # Row 2 of the old schedule reads like row 1 of the new one ($20), but it is row 2
    # with its fee raised: eight modified rows, none removed, added or renumbered.
    assert kinds(old, new) == [("modified", [str(i)], [str(i)]) for i in range(1, 9)]
    diff = diff_texts(old, new, "plan")
    assert [(t.old, t.new) for t in diff.changes[0].terms] == [("$10", "$20")]


def test_identical_schedule_rows_that_moved_still_pair_exactly() -> None:
    # Rows that keep their text but move are not forced to their old number: only rows
    # that differ are paired by number.
    old = "\n".join(f"{i}. The filing fee is ${i * 10}." for i in range(1, 6))
    new = "\n".join(f"{i}. The filing fee is ${i * 10}." for i in range(1, 6))
    assert all(k == "unchanged" for k, _, _ in kinds(old, new))


def test_two_unrelated_documents_share_no_pair() -> None:
    old = (
        "1. The harvest festival opens on 3 May with 500 stalls.\n"
        "2. Parking costs $5 per car.\n"
        "3. Dogs must be kept on a lead.\n"
    )
    new = (
        "1. The ceasefire takes effect on 3 May along the whole front.\n"
        "2. Prisoners are exchanged within 500 hours.\n"
        "3. Monitors report every week.\n"
    )
    got = kinds(old, new)
    assert sorted(k for k, _, _ in got) == ["added"] * 3 + ["removed"] * 3


def test_a_split_whose_first_piece_is_short_is_a_split() -> None:
    old = (
        "1. Purpose of this text.\n"
        "2. The parties shall withdraw all heavy weapons from the line of contact within "
        "thirty days, and the monitoring mission shall verify the withdrawal.\n"
        "3. Entry into force.\n"
    )
    new = (
        "1. Purpose of this text.\n"
        "2. The parties shall withdraw.\n"
        "3. All heavy weapons leave the line of contact within thirty days, and the "
        "monitoring mission shall verify the withdrawal.\n"
        "4. Entry into force.\n"
    )
    assert ("split", ["2"], ["2", "3"]) in kinds(old, new)


def test_a_document_reworded_throughout_still_pairs_by_position() -> None:
    # Each point keeps one of its five rare words, too little to pair it on its content
    # anywhere in the text (a score under 0.2), and no point is identical. The points still
    # share their words in the same order: one text, reworded, and each point is its
    # counterpart rewritten.
    rng = random.Random(7)

    def word() -> str:
        return "".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(4))

    old, new = [], []
    for k in range(1, 13):
        kept = word()
        old.append(f"{k}. " + " ".join([kept, *(word() for _ in range(4))]) + ".")
        new.append(f"{k + 2}. " + " ".join([*(word() for _ in range(4)), kept]) + ".")
    got = kinds("\n".join(old), "\n".join(new))
    assert got == [("modified", [str(k)], [str(k + 2)]) for k in range(1, 13)]
