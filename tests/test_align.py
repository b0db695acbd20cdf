"""Alignment of provisions (tracker.align) and the change list built on it (tracker.diff).

Each synthetic case states the exact pairs expected, as provision paths; precision and
recall of the pairs found are computed against them and must be 1.0.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.align import Pair, align, moved_flags
from tracker.diff import diff_provisions, diff_texts
from tracker.provisions import Provision, split

BASE = [
    "Ukraine's sovereignty is confirmed by all parties.",
    "Russia, Ukraine and Europe will conclude a comprehensive non-aggression agreement.",
    "Ukraine will be given reliable security guarantees by its partners.",
    "The armed forces of Ukraine will be capped at 600,000 personnel.",
    "Ukraine will hold elections within 100 days of the signing.",
    "A humanitarian committee will oversee an all-for-all exchange of prisoners and the "
    "return of detained children.",
    "Frozen Russian assets will be invested in the reconstruction of Ukraine.",
    "The Zaporizhzhia nuclear plant will be restarted under IAEA supervision.",
    "Grain shipping through the Black Sea will be guaranteed by both sides.",
    "A Peace Council chaired by the US president will monitor the agreement.",
]


def plan(bodies: list[str], start: int = 1) -> list[Provision]:
    return split("\n".join(f"{k}. {b}" for k, b in enumerate(bodies, start)), "plan")


def found_pairs(old: list[Provision], new: list[Provision], pairs: list[Pair]) -> set:
    """Pairs as (old paths, new paths); added and removed ones included."""
    return {(tuple(old[i].path for i in p.old), tuple(new[j].path for j in p.new)) for p in pairs}


def links(pairs: set) -> set[tuple[str, str]]:
    """Old -> new provision links of a pair set (what precision and recall count)."""
    return {(o, n) for olds, news in pairs for o in olds for n in news}


def precision_recall(found: set, expected: set) -> tuple[float, float]:
    got, want = links(found), links(expected)
    hits = len(got & want)
    return (hits / len(got) if got else 1.0), (hits / len(want) if want else 1.0)


def check(old: list[Provision], new: list[Provision], expected: set) -> list[Pair]:
    pairs = align(old, new)
    assert_partition(old, new, pairs)
    found = found_pairs(old, new, pairs)
    assert precision_recall(found, expected) == (1.0, 1.0), sorted(found ^ expected)
    assert found == expected
    return pairs


def assert_partition(old: list[Provision], new: list[Provision], pairs: list[Pair]) -> None:
    olds = sorted(i for p in pairs for i in p.old)
    news = sorted(j for p in pairs for j in p.new)
    assert olds == list(range(len(old))) and news == list(range(len(new)))
    for p in pairs:
        assert p.old or p.new
        assert list(p.old) == list(range(p.old[0], p.old[0] + len(p.old))) if p.old else True
        assert list(p.new) == list(range(p.new[0], p.new[0] + len(p.new))) if p.new else True
        assert len(p.old) == 1 or len(p.new) == 1


def same(n: int, shift: int = 0, skip: tuple[int, ...] = ()) -> set:
    """Point k -> point k + shift for k in 1..n, except those in ``skip``."""
    return {((str(k),), (str(k + shift),)) for k in range(1, n + 1) if k not in skip}


# --- synthetic cases ----------------------------------------------------------------------


def test_identical() -> None:
    old = plan(BASE)
    check(old, plan(BASE), same(10))
    assert diff_provisions(old, plan(BASE)).headline() == "no changes"


def test_renumbered_by_an_insert_at_the_top() -> None:
    old = plan(BASE)
    new = plan(["The parties agree on an immediate exchange of liaison officers."] + BASE)
    check(old, new, same(10, shift=1) | {((), ("1",))})
    d = diff_provisions(old, new)
    assert d.summary()["renumbered"] == 10 and d.summary()["moved"] == 0
    assert d.summary()["added"] == 1 and d.summary()["unchanged"] == 10


def test_moved_to_the_end() -> None:
    old = plan(BASE)
    bodies = BASE[:2] + BASE[3:] + [BASE[2]]
    pairs = check(old, plan(bodies), {
        (("1",), ("1",)), (("2",), ("2",)), (("3",), ("10",)),
        *{((str(k),), (str(k - 1),)) for k in range(4, 11)},
    })  # fmt: skip
    moved = [(old[p.old[0]].path) for p, m in zip(pairs, moved_flags(pairs), strict=True) if m]
    assert moved == ["3"]
    d = diff_provisions(old, plan(bodies))
    assert d.summary()["moved"] == 1 and d.summary()["renumbered"] == 7


def test_moved_and_edited() -> None:
    old = plan(BASE)
    edited = BASE[2].replace("reliable", "binding")
    bodies = BASE[:2] + BASE[3:] + [edited]
    check(old, plan(bodies), {
        (("1",), ("1",)), (("2",), ("2",)), (("3",), ("10",)),
        *{((str(k),), (str(k - 1),)) for k in range(4, 11)},
    })  # fmt: skip
    change = next(
        c for c in diff_provisions(old, plan(bodies)).changes if c.old and c.old[0].path == "3"
    )
    assert change.kind == "modified" and change.moved and not change.renumbered
    assert [(t.old, t.new) for t in change.terms] == [("reliable", "binding")]


def test_split_into_two_consecutive_points() -> None:
    old = plan(BASE)
    bodies = BASE[:5] + [
        "A humanitarian committee will oversee an all-for-all exchange of prisoners.",
        "It will also oversee the return of detained children.",
    ] + BASE[6:]  # fmt: skip
    expected = same(5) | {(("6",), ("6", "7"))} | {((str(k),), (str(k + 1),)) for k in range(7, 11)}
    check(old, plan(bodies), expected)
    change = next(c for c in diff_provisions(old, plan(bodies)).changes if c.kind == "split")
    assert [p.path for p in change.new] == ["6", "7"]


def test_merged_from_two_consecutive_points() -> None:
    old = plan(BASE)
    bodies = BASE[:6] + [
        "Frozen Russian assets will be invested in the reconstruction of Ukraine, and the "
        "Zaporizhzhia nuclear plant will be restarted under IAEA supervision."
    ] + BASE[8:]  # fmt: skip
    expected = same(6) | {(("7", "8"), ("7",))} | {((str(k),), (str(k - 1),)) for k in (9, 10)}
    check(old, plan(bodies), expected)
    kinds = [c.kind for c in diff_provisions(old, plan(bodies)).changes]
    assert kinds.count("merged") == 1


def test_added_and_removed() -> None:
    old = plan(BASE)
    bodies = (
        BASE[:4]
        + ["Ukraine will speed up a free-trade agreement with the United States."]
        + BASE[4:7]
        + BASE[8:]
    )
    expected = (
        same(4)
        | {((), ("5",))}
        | {((str(k),), (str(k + 1),)) for k in (5, 6, 7)}
        | {(("8",), ())}
        | {((str(k),), (str(k),)) for k in (9, 10)}
    )
    check(old, plan(bodies), expected)
    d = diff_provisions(old, plan(bodies))
    kinds = [(c.kind, [p.path for p in c.old], [p.path for p in c.new]) for c in d.changes]
    # Reading order of the new version; the removed point where it stood.
    assert kinds[4] == ("added", [], ["5"])
    assert kinds[8] == ("removed", ["8"], [])


def test_heavily_reworded_in_place_stays_modified() -> None:
    old = plan(BASE)
    bodies = list(BASE)
    bodies[4] = (
        "No more than a hundred days after signing, the elections of Ukraine are to be held."
    )
    check(old, plan(bodies), same(10))
    change = diff_provisions(old, plan(bodies)).changes[4]
    assert change.kind == "modified" and change.similarity < 0.5


def prose(bodies: list[str]) -> list[Provision]:
    return split("\n\n".join(bodies), "reporting")


def test_unrelated_paragraphs_sharing_common_words_are_not_paired() -> None:
    # Prose: no number to go by; sharing "Ukraine", "will", "the" is no evidence.
    old = prose(BASE)
    bodies = list(BASE)
    bodies[4] = "Ukraine will be invited to join the European Union and its single market."
    paras = {((f"p{k}",), (f"p{k}",)) for k in range(1, 11) if k != 5}
    check(old, prose(bodies), paras | {(("p5",), ()), ((), ("p5",))})


def test_point_rewritten_in_place_keeps_its_number() -> None:
    # A numbered point replaced in its slot and under its number is that point rewritten
    # (the European draft's point 7), however little wording survives.
    old = plan(BASE)
    bodies = list(BASE)
    bodies[4] = "Ukraine will be invited to join the European Union and its single market."
    check(old, plan(bodies), same(10))
    (five,) = [c for c in diff_provisions(old, plan(bodies)).changes if c.new[0].path == "5"]
    assert five.kind == "modified" and five.similarity < 0.3


REPLACEMENTS = [
    "Ukraine will be invited to join the European Union and its single market.",
    "The parties will set up a joint commission on energy prices.",
    "All sides will publish the text of the agreement in their official journals.",
]


def test_unrelated_replacement_in_a_wide_gap() -> None:
    # Three paragraphs replaced by three unrelated ones: nothing in the gap is paired.
    old = prose(BASE)
    new = prose(BASE[:3] + REPLACEMENTS + BASE[6:])
    expected = {((f"p{k}",), (f"p{k}",)) for k in range(1, 11) if k not in (4, 5, 6)}
    expected |= {((f"p{k}",), ()) for k in (4, 5, 6)} | {((), (f"p{k}",)) for k in (4, 5, 6)}
    check(old, new, expected)


def test_unrelated_points_with_new_numbers_in_a_wide_gap() -> None:
    # Three points struck and three unrelated ones inserted under other numbers.
    old = plan(BASE)
    new = split(
        "\n".join(
            [f"{k}. {b}" for k, b in enumerate(BASE[:3], 1)]
            + [f"{k}. {b}" for k, b in enumerate(REPLACEMENTS, 11)]
            + [f"{k}. {b}" for k, b in enumerate(BASE[6:], 14)]
        ),
        "plan",
    )
    expected = same(3) | {((str(k),), (str(k + 7),)) for k in range(7, 11)}
    expected |= {((str(k),), ()) for k in (4, 5, 6)} | {((), (str(k),)) for k in (11, 12, 13)}
    check(old, new, expected)


def test_points_rewritten_in_place_in_a_wide_gap() -> None:
    old = plan(BASE)
    check(old, plan(BASE[:3] + REPLACEMENTS + BASE[6:]), same(10))


def test_reordered_and_reworded_points_follow_their_content() -> None:
    old = plan(BASE)
    bodies = [
        BASE[0],
        "The armed forces of Ukraine will be kept at 800,000 personnel in peacetime.",
        "Russia and Ukraine will conclude a non-aggression agreement.",
        "Ukraine will be given strong security guarantees by its partners.",
    ] + BASE[4:]  # fmt: skip
    expected = {(("1",), ("1",)), (("4",), ("2",)), (("2",), ("3",)), (("3",), ("4",))}
    expected |= same(10, skip=(1, 2, 3, 4))
    pairs = check(old, plan(bodies), expected)
    assert sum(moved_flags(pairs)) == 1


def test_prose_paragraphs() -> None:
    old_text = "\n\n".join([
        "Leaked US plan would cap Ukraine's army, sources say",
        "KYIV (Northline) - A peace plan drafted in Washington would require Ukraine to "
        "give up land in the east.",
        "The document would limit Ukraine's military to 400,000 personnel, the sources said.",
        "The White House did not immediately respond to a request for comment.",
        "Analysts said the terms would be hard for Kyiv to accept.",
    ])  # fmt: skip
    new_text = "\n\n".join([
        "US peace draft would cap Ukraine's army at 600,000",
        "KYIV (Northline) - A peace plan drafted in Washington would require Ukraine to "
        "give up land in the east, three people said.",
        "The document would limit Ukraine's military to 600,000 personnel, the sources said.",
        "A senior official in Kyiv said the government would not sign anything that "
        "amounted to giving up territory.",
        "Analysts said the terms would be hard for Kyiv to accept.",
    ])  # fmt: skip
    old, new = split(old_text, "reporting"), split(new_text, "reporting")
    expected = {(("p1",), ("p1",)), (("p2",), ("p2",)), (("p3",), ("p3",)), (("p5",), ("p5",))}
    expected |= {(("p4",), ()), ((), ("p4",))}
    check(old, new, expected)
    d = diff_texts(old_text, new_text)
    assert d.summary()["renumbered"] == 0
    assert any(
        t.old == "400,000" and t.new == "600,000" and t.type == "number"
        for c in d.changes
        for t in c.terms
    )


# --- sub-points ---------------------------------------------------------------------------

SUBS = """1. Ukraine's sovereignty is confirmed by all parties.
2. The United States will give Ukraine a security guarantee, subject to conditions:
a) the United States is compensated for extending the guarantee;
b) the guarantee lapses if Ukraine launches an invasion of Russia;
c) the guarantee is void if Ukraine fires a missile at Moscow without cause.
3. Russia will be brought back into the world economy through these steps:
\u2192 sanctions are lifted in stages;
\u2192 Russia is invited to return to the G8.
4. Ukraine will hold elections within 100 days of the signing.
5. A Peace Council chaired by the US president will monitor the agreement."""


def test_sub_points_align_to_sub_points() -> None:
    old = split(SUBS, "plan")
    new_text = SUBS.replace(
        "b) the guarantee lapses if Ukraine launches an invasion of Russia;",
        "b) should Ukraine launch an invasion of Russia, the guarantee ceases to apply;",
    ).replace("\u2192 sanctions are lifted in stages;", "\u2192 a gradual removal of sanctions;")
    new = split(new_text, "plan")
    expected = {((p.path,), (p.path,)) for p in old}
    check(old, new, expected)


def test_point_removed_with_its_sub_points() -> None:
    old = split(SUBS, "plan")
    new_text = (
        "\n".join(line for line in SUBS.splitlines() if not line.startswith(("3.", "\u2192")))
        .replace("4. ", "3. ")
        .replace("5. ", "4. ")
    )
    new = split(new_text, "plan")
    expected = {((p,), (p,)) for p in ("1", "2", "2.a", "2.b", "2.c")}
    expected |= {(("4",), ("3",)), (("5",), ("4",))}
    expected |= {((p,), ()) for p in ("3", "3.1", "3.2")}
    check(old, new, expected)


def test_point_with_sub_points_folded_into_one_point() -> None:
    # The conditions of point 2 are folded into the point itself: the point pairs with
    # the new point 2 and its sub-points go.
    old = split(SUBS, "plan")
    new_text = SUBS.replace(
        "2. The United States will give Ukraine a security guarantee, subject to conditions:\n"
        "a) the United States is compensated for extending the guarantee;\n"
        "b) the guarantee lapses if Ukraine launches an invasion of Russia;\n"
        "c) the guarantee is void if Ukraine fires a missile at Moscow without cause.",
        "2. The United States, NATO and European signatories will provide Ukraine with "
        "guarantees that lapse if Ukraine fires on Russian territory without provocation.",
    )
    new = split(new_text, "plan")
    pairs = align(old, new)
    assert_partition(old, new, pairs)
    found = found_pairs(old, new, pairs)
    assert any("2" in olds and "2" in news for olds, news in found)
    assert (("1",), ("1",)) in found and (("5",), ("5",)) in found


# --- precision and recall over all synthetic cases ----------------------------------------


def test_precision_recall_helper() -> None:
    expected = {(("1",), ("1",)), (("2",), ("2", "3"))}
    assert precision_recall(expected, expected) == (1.0, 1.0)
    assert precision_recall({(("1",), ("2",))}, expected) == (0.0, 0.0)
    assert precision_recall({(("1",), ("1",)), (("2",), ("2",))}, expected) == (1.0, 2 / 3)


def test_a_long_list_reworded_throughout_stays_paired_in_order() -> None:
    # Forty points, every one with eleven words in fifteen replaced and all renumbered, one
    # struck in the middle: no identical provision and few pairs clear enough to pair on
    # content alone, so most are paired by position inside a wide gap (scored on a band
    # around its diagonal and at the index candidates), on the few rare words they share.
    rng = random.Random(11)
    syllables = ["ka", "ro", "mi", "tel", "va", "sun", "dor", "pe", "lis", "gra", "nu", "bo"]
    vocab = sorted({"".join(rng.sample(syllables, 3)) for _ in range(600)})
    old_bodies = [" ".join(rng.choice(vocab) for _ in range(15)) + "." for _ in range(40)]
    new_bodies = []
    for body in old_bodies:
        words = body[:-1].split()
        for k in rng.sample(range(len(words)), 11):
            words[k] = rng.choice(vocab)
        new_bodies.append(" ".join(words) + ".")
    del new_bodies[20]
    old = plan(old_bodies)
    new = plan(new_bodies, start=3)
    expected = {((str(k),), (str(k + 2 if k < 21 else k + 1),)) for k in range(1, 41) if k != 21}
    check(old, new, expected | {(("21",), ())})


# --- property: every provision once, ops rebuild ------------------------------------------

VOCAB = (
    "ceasefire sanctions guarantee territory elections reconstruction prisoners council "
    "monitoring withdrawal amnesty referendum corridor grain pipeline observers treaty "
    "sovereignty membership parliament"
).split()
FILLER = "the of and to in shall will may be by with for".split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(VOCAB if rng.random() < 0.5 else FILLER) for _ in range(rng.randint(4, 18))]
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), f"{rng.randint(1, 999) * 1000:,}")
    return " ".join(words).capitalize() + "."


def edited(rng: random.Random, bodies: list[str], n_edits: int) -> list[str]:
    out = list(bodies)
    for _ in range(n_edits):
        op = rng.choice(["insert", "delete", "move", "split", "merge", "reword"])
        k = rng.randrange(len(out)) if out else 0
        if op == "insert" or not out:
            out.insert(k, sentence(rng))
        elif op == "delete" and len(out) > 1:
            del out[k]
        elif op == "move":
            out.insert(rng.randrange(len(out)), out.pop(k))
        elif op == "split":
            words = out[k].split()
            if len(words) > 3:
                cut = len(words) // 2
                out[k : k + 1] = [" ".join(words[:cut]) + ".", " ".join(words[cut:]).capitalize()]
        elif op == "merge" and k + 1 < len(out):
            out[k : k + 2] = [out[k] + " " + out[k + 1]]
        elif op == "reword":
            words = out[k].split()
            for _ in range(rng.randint(1, 3)):
                words[rng.randrange(len(words))] = rng.choice(VOCAB)
            out[k] = " ".join(words)
    return out


@given(
    seed=st.integers(0, 2**32 - 1),
    size=st.integers(5, 40),
    n_edits=st.integers(0, 12),
    start=st.integers(1, 5),
    kind=st.sampled_from(["plan", "reporting"]),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_provision_once_and_ops_rebuild(
    seed: int, size: int, n_edits: int, start: int, kind: str
) -> None:
    rng = random.Random(seed)
    old_bodies = [sentence(rng) for _ in range(size)]
    new_bodies = edited(rng, old_bodies, n_edits)
    if kind == "plan":
        old_text = "\n".join(f"{k}. {b}" for k, b in enumerate(old_bodies, 1))
        new_text = "\n".join(f"{k}. {b}" for k, b in enumerate(new_bodies, start))
    else:
        old_text, new_text = "\n\n".join(old_bodies), "\n\n".join(new_bodies)
    old, new = split(old_text, kind), split(new_text, kind)
    d = diff_provisions(old, new)
    seen_old = sorted(p.ordinal for c in d.changes for p in c.old)
    seen_new = sorted(p.ordinal for c in d.changes for p in c.new)
    assert seen_old == list(range(len(old))) and seen_new == list(range(len(new)))
    for c in d.changes:
        old_joined = "\n".join(p.text for p in c.old)
        new_joined = "\n".join(p.text for p in c.new)
        assert "".join(s for op, s in c.ops if op != "+") == old_joined
        assert "".join(s for op, s in c.ops if op != "-") == new_joined
        if c.kind == "unchanged":
            assert c.similarity == 1.0 and not c.terms
        if c.kind in ("added", "removed"):
            assert c.similarity == 0.0
    # Reading order of the new version.
    order = [c.new[0].ordinal for c in d.changes if c.new]
    assert order == sorted(order)
    if n_edits == 0 and start == 1:
        assert d.headline() == "no changes"


def test_empty_sides() -> None:
    old = plan(BASE[:3])
    assert found_pairs(old, [], align(old, [])) == {((p.path,), ()) for p in old}
    assert found_pairs([], old, align([], old)) == {((), (p.path,)) for p in old}
    assert align([], []) == []


@pytest.mark.parametrize("n", [1, 2])
def test_tiny_documents(n: int) -> None:
    old = plan(BASE[:n])
    new = plan([b.replace("will", "shall") for b in BASE[:n]])
    check(old, new, same(n))
