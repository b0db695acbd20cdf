"""The diff engine against the fact sheet (shared/domain/peace-plan-facts.md), on the sample
versions in versions/: the US 28-point draft, its alternative translation, the European
counter-proposal, the 20-point framework, and three captures of a wire report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker.diff import Change, Diff, diff_provisions
from tracker.provisions import Provision, split

VERSIONS = Path(__file__).resolve().parent.parent / "versions"
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def load(name: str) -> list[Provision]:
    text = (VERSIONS / name).read_text(encoding="utf-8")
    meta = _FRONT.match(text)
    kind = None
    if meta:
        found = re.search(r"^kind:\s*(\w+)", meta.group(1), re.MULTILINE)
        kind = found.group(1) if found else None
        text = text[meta.end() :]
    return split(text, kind)


def diff(old: str, new: str) -> Diff:
    return diff_provisions(load(old), load(new))


def by_new(d: Diff, label: str) -> Change:
    found = [c for c in d.changes if any(p.label == label for p in c.new)]
    assert len(found) == 1, label
    return found[0]


def by_old(d: Diff, label: str) -> Change:
    found = [c for c in d.changes if any(p.label == label for p in c.old)]
    assert len(found) == 1, label
    return found[0]


def term_list(c: Change) -> list[tuple[str, str, str | None]]:
    return [(t.old, t.new, t.type) for t in c.terms]


US28 = "peace-plan/01-us-28.txt"
ALT = "peace-plan/02-us-28-alt.txt"
EU = "peace-plan/03-eu-counter.txt"
FW20 = "peace-plan/04-framework-20.txt"

# Framework point -> the US point it came from (fact sheet, "from US n").
FW_FROM = {
    1: 1, 2: 2, 3: 5, 4: 6, 5: 10, 6: 16, 7: 11, 8: 12, 9: 14, 11: 18,
    12: 19, 13: 20, 14: 21, 15: 22, 16: 23, 17: 24, 18: 25, 19: 27, 20: 28,
}  # fmt: skip
DROPPED = (3, 4, 7, 8, 9, 13, 15, 17, 26)


# --- US 28 points -> 20-point framework ---------------------------------------------------


@pytest.fixture(scope="module")
def us_fw() -> Diff:
    return diff(US28, FW20)


@pytest.mark.parametrize("fw, us", sorted(FW_FROM.items()))
def test_framework_point_aligned_to_its_us_point(us_fw: Diff, fw: int, us: int) -> None:
    c = by_new(us_fw, str(fw))
    assert str(us) in [p.label for p in c.old]
    assert c.kind in ("modified", "merged", "unchanged")


def test_army_cap_renumbered_with_its_figure(us_fw: Diff) -> None:
    c = by_new(us_fw, "4")
    assert [p.label for p in c.old] == ["6"]
    assert c.kind == "modified" and c.renumbered and not c.moved
    assert ("600,000", "800,000", "number") in term_list(c)


@pytest.mark.parametrize("us", DROPPED)
def test_dropped_points_removed_with_their_sub_points(us_fw: Diff, us: int) -> None:
    c = by_old(us_fw, str(us))
    assert c.kind == "removed"
    for sub in (c2 for c2 in us_fw.changes if any(p.path.startswith(f"{us}.") for p in c2.old)):
        assert sub.kind == "removed"


def test_sub_points_13_removed(us_fw: Diff) -> None:
    for label in ("13.1", "13.2", "13.3"):
        assert by_old(us_fw, label).kind == "removed"


def test_free_trade_point_added(us_fw: Diff) -> None:
    c = by_new(us_fw, "10")
    assert c.kind == "added" and not c.old


def test_framework_order_and_moves(us_fw: Diff) -> None:
    # Russia's non-aggression law moved up from 16 to 6; everything else keeps its order.
    assert [c.new[0].label for c in us_fw.changes if c.moved] == ["6"]
    assert us_fw.summary()["added"] == 1
    assert "600,000 → 800,000 (point 4)" in us_fw.headline()


def test_framework_elections_deadline(us_fw: Diff) -> None:
    c = by_new(us_fw, "18")
    assert any(t.type == "deadline" and "within 100 days" in t.old for t in c.terms)


# --- US 28 points -> European counter-proposal --------------------------------------------


@pytest.fixture(scope="module")
def us_eu() -> Diff:
    return diff(US28, EU)


def test_point_3_struck_out(us_eu: Diff) -> None:
    assert by_old(us_eu, "3").kind == "removed"
    s = us_eu.summary()
    assert s["renumbered"] == 0 and s["moved"] == 0 and s["added"] == 0


@pytest.mark.parametrize("point", [2, 4, 6, 7, 8, 9, 10, 14, 16, 21, 23, 25])
def test_edited_points_modified_with_terms(us_eu: Diff, point: int) -> None:
    c = by_new(us_eu, str(point))
    assert [p.label for p in c.old] == [str(point)]
    assert c.kind == "modified" and c.terms


def test_counter_proposal_terms(us_eu: Diff) -> None:
    assert ("Europe", "NATO", None) in term_list(by_new(us_eu, "2"))
    assert ("600,000", "800,000", "number") in term_list(by_new(us_eu, "6"))
    elections = term_list(by_new(us_eu, "25"))
    assert any(
        old == "within 100 days" and new.startswith("as soon as possible") and kind == "deadline"
        for old, new, kind in elections
    )
    # The assets clause was rewritten as a whole: its figures went with it, but no figure
    # was replaced, so it is a plain rewording, not a changed number.
    assets = term_list(by_new(us_eu, "14"))
    assert any("50%" in old and kind is None for old, _, kind in assets)


@pytest.mark.parametrize("point", [1, 5, 11, 12, 13, 15, 17, 18, 19, 20, 22, 24, 27, 28])
def test_untouched_points_unchanged(us_eu: Diff, point: int) -> None:
    c = by_new(us_eu, str(point))
    assert c.kind == "unchanged" and not c.terms and c.similarity == 1.0


def test_us_guarantee_conditions_removed(us_eu: Diff) -> None:
    for label in ("10.a", "10.b", "10.c", "10.d"):
        assert by_old(us_eu, label).kind == "removed"


# --- US 28 points -> another translation --------------------------------------------------


def test_translation_aligned_one_to_one_in_order() -> None:
    old, new = load(US28), load(ALT)
    d = diff_provisions(old, new)
    s = d.summary()
    assert s["added"] == s["removed"] == s["split"] == s["merged"] == 0
    assert s["moved"] == 0 and s["renumbered"] == 0
    top = [
        (c.old[0].label, c.new[0].label)
        for c in d.changes
        if c.new[0].depth == 0 and c.new[0].number
    ]
    assert top == [(str(k), str(k)) for k in range(1, 29)]
    # Sub-points too.
    assert all(c.old[0].path == c.new[0].path for c in d.changes)


# --- wire report captures -----------------------------------------------------------------


@pytest.fixture(scope="module")
def first_update() -> Diff:
    return diff("wire-report/01-first.txt", "wire-report/02-update.txt")


def test_wire_update(first_update: Diff) -> None:
    d = first_update
    kinds = {
        (tuple(p.label for p in c.old), tuple(p.label for p in c.new)): c.kind for c in d.changes
    }
    assert kinds[(("¶1",), ("¶1",))] == "modified"  # new headline
    assert kinds[(("¶2",), ("¶2",))] == "modified"  # two -> three people
    assert kinds[(("¶4",), ("¶4",))] == "modified"  # 400,000 -> 600,000
    assert kinds[(("¶5",), ("¶5",))] == "modified"  # the guarantee sentence added
    assert kinds[((), ("¶6",))] == "added"  # reaction from Kyiv
    assert kinds[(("¶7",), ())] == "removed"  # the no-comment paragraph
    assert ("400,000", "600,000", "number") in term_list(by_new(d, "¶4"))
    assert ("two", "three", "number") in term_list(by_new(d, "¶2"))
    s = d.summary()
    assert s["renumbered"] == 0 and s["moved"] == 0


def test_wire_correction() -> None:
    d = diff("wire-report/02-update.txt", "wire-report/03-corrected.txt")
    elections = by_new(d, "¶8")
    assert elections.kind == "modified"
    assert any(t.type == "deadline" and "ceasefire" in t.old for t in elections.terms)
    correction = by_new(d, "¶10")
    assert correction.kind == "added" and correction.new[0].text.startswith("Correction:")
    s = d.summary()
    assert s == {**s, "added": 1, "modified": 1, "removed": 0}


def test_wire_first_to_corrected() -> None:
    d = diff("wire-report/01-first.txt", "wire-report/03-corrected.txt")
    s = d.summary()
    assert s["added"] == 2 and s["removed"] == 1 and s["moved"] == 0
    assert by_old(d, "¶7").kind == "removed"
