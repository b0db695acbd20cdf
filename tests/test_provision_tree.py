"""The provision tree: markers of every series, nesting by context, citation paths,
headings, tight lists, tables of contents and renumbering through sections."""

from __future__ import annotations

from collections import Counter

import pytest

from tracker import markers
from tracker.diff import diff_provisions
from tracker.provisions import Provision, build, citation, split
from tracker.readers import Block


def paths(provisions: list[Provision]) -> list[str]:
    return [p.path for p in provisions]


def by_path(provisions: list[Provision]) -> dict[str, Provision]:
    return {p.path: p for p in provisions}


# --- the marker grammar ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "number", "style", "value"),
    [
        ("1. The parties agree.", "1", "1.", 1),
        ("123456. A long list.", "123456", "1.", 123456),
        ("(3) Each party shall.", "3", "(1)", 3),
        ("3.4 Monitoring", "3.4", "1.1", 4),
        ("1.1.1. Scope", "1.1.1", "1.1", 1),
        ("b) the second condition", "b", "a)", 2),
        ("(ii) the second case", "ii", "(i)", 2),
        ("iv. the fourth case", "iv", "i.", 4),
        ("K. Amendments", "K", "A.", 11),
        ("Article 12. Entry into force", "12", "Article", 12),
        ("Art. 5 Scope", "5", "Article", 5),
        ("§ 7 Definitions", "7", "§", 7),
        ("Section 4. Monitoring", "4", "Section", 4),
        ("Annex II", "II", "Annex", 2),
    ],
)
def test_markers_are_read(line: str, number: str, style: str, value: int) -> None:
    m = markers.parse(line)
    assert m is not None
    assert (m.number, m.style, m.value) == (number, style, value)


@pytest.mark.parametrize(
    "line",
    [
        "1.5 million people were displaced.",  # a figure, not point 1.5
        "Section 4 of the agreement applies.",  # a sentence citing a section
        "so. the sentence goes on",
        "(US) and its allies",
        "e.g. the monitors",
    ],
)
def test_what_is_not_a_marker(line: str) -> None:
    assert markers.parse(line) is None


def test_marker_reading_is_linear_on_hostile_lines() -> None:
    # Bounded probes: a 200,000-character line of digits and dots is read at once.
    assert markers.parse("1." * 100_000) is None  # no space after any number in reach
    assert markers.parse("(" * 200_000) is None
    assert markers.parse("Article " + "9" * 200_000) is None


# --- nesting ----------------------------------------------------------------------------


def test_tight_multi_level_lines_are_one_provision_each() -> None:
    text = (
        "6. Monitoring\n"
        "6.1 A joint commission monitors the line of contact.\n"
        "6.2 The commission reports every month.\n"
        "6.2.1 Reports are public.\n"
        "6.3 Disputes go to the guarantors.\n"
        "7. Final clauses\n"
    )
    provisions = split(text, "plan")
    assert paths(provisions) == ["6", "6.1", "6.2", "6.2.1", "6.3", "7"]
    assert [p.depth for p in provisions] == [0, 1, 1, 2, 1, 0]
    assert by_path(provisions)["6.2.1"].text == "Reports are public."


def test_roman_numerals_are_told_from_letters_by_context() -> None:
    text = (
        "1. The guarantees apply when:\n"
        "(a) a party attacks;\n"
        "(b) a party withdraws, in which case:\n"
        "(i) the guarantors meet;\n"
        "(ii) sanctions resume;\n"
        "(c) the commission so decides.\n"
        "(h) an eighth condition;\n"
        "(i) a ninth condition.\n"
    )
    provisions = split(text, "plan")
    assert paths(provisions) == ["1", "1.a", "1.b", "1.b.i", "1.b.ii", "1.c", "1.h", "1.i"]
    assert by_path(provisions)["1.i"].depth == 1  # the letter i, after h
    assert by_path(provisions)["1.b.i"].depth == 2  # the numeral i, under b


def test_articles_with_paragraphs_and_points_give_citation_paths() -> None:
    text = (
        "Article 5\n\n"
        "1. Each party shall withdraw heavy weapons.\n"
        "2. The withdrawal shall be verified:\n"
        "(a) by the monitors;\n"
        "(b) by satellite imagery.\n\n"
        "Article 6\n\n"
        "1. The commission shall meet monthly.\n"
    )
    provisions = split(text, "plan")
    assert paths(provisions) == ["5", "5.1", "5.2", "5.2.a", "5.2.b", "6", "6.1"]
    assert by_path(provisions)["5.2.b"].heading == "Article 5"


def test_lettered_sections_with_points_that_restart() -> None:
    blocks = [
        Block("heading", "Ceasefire terms", 1),
        Block("heading", "K. Monitoring", 2),
        Block("paragraph", "The monitors are neutral."),
        Block("item", "Monitors report weekly.", 0, "1.", True),
        Block("item", "Reports are published.", 0, "2.", True),
        Block("heading", "L. Amendments", 2),
        Block("item", "Amendments need both parties.", 0, "1.", True),
    ]
    provisions = build(blocks, "plan")
    assert paths(provisions) == ["p1", "K", "K.p1", "K.1", "K.2", "L", "L.1"]
    assert by_path(provisions)["K.2"].heading == "K. Monitoring"
    assert by_path(provisions)["p1"].depth == 0  # the title is not a section


def test_a_relettered_section_renumbers_everything_in_it() -> None:
    def doc(letter: str) -> list[Block]:
        return [
            Block("heading", f"{letter}. Monitoring", 2),
            Block("paragraph", "The monitors are neutral and report to both parties."),
            Block("item", "Monitors report weekly on the line of contact.", 0, "1.", True),
            Block("heading", "Z. Final", 2),
            Block("paragraph", "This text enters into force on signature."),
        ]

    diff = diff_provisions(build(doc("L"), "plan"), build(doc("K"), "plan"))
    flags = {c.old[0].path: c.renumbered for c in diff.changes}
    assert flags == {"L": True, "L.p1": True, "L.1": True, "Z": False, "Z.p1": False}


def test_an_inserted_paragraph_does_not_renumber_the_ones_after_it() -> None:
    old = build([Block("paragraph", "First paragraph of the report."),
                 Block("paragraph", "Second paragraph, about the talks.")], "plan")  # fmt: skip
    new = build([Block("paragraph", "A new opening paragraph on the talks."),
                 Block("paragraph", "First paragraph of the report."),
                 Block("paragraph", "Second paragraph, about the talks.")], "plan")  # fmt: skip
    diff = diff_provisions(old, new)
    assert not any(c.renumbered for c in diff.changes)
    assert citation(new[2]) == ""


def test_unnumbered_headings_keep_points_cited_by_their_numbers() -> None:
    text = (
        "Security\n\n1. Ukraine keeps its army.\n2. Guarantees are given.\n\n"
        "Territory\n\n3. The line of contact is frozen.\n"
    )
    provisions = split(text, "plan")
    assert [p.path for p in provisions if p.number] == ["1", "2", "3"]


def test_points_that_restart_under_unnumbered_headings_stay_unique() -> None:
    text = "Security\n\n1. One.\n2. Two.\n\nTerritory\n\n1. Uno.\n2. Dos.\n"
    provisions = split(text, "plan")
    numbered = [p.path for p in provisions if p.number]
    assert len(set(numbered)) == 4
    assert [citation(p) for p in provisions if p.number] == ["1", "2", "1", "2"]


def test_table_of_contents_entries_are_not_points() -> None:
    blocks = [
        Block("item", "Who we are", 0, "1.", True),
        Block("item", "Your rights", 0, "2.", True),
        Block("heading", "1. Who we are", 2),
        Block("paragraph", "We are a fictional monitoring body."),
        Block("heading", "2. Your rights", 2),
        Block("paragraph", "You may ask for your data."),
    ]
    provisions = build(blocks, "plan")
    # Entries are cited apart from the sections they name, so an inserted section
    # renumbers both the entry and the section, and neither is taken for the other.
    assert paths(provisions) == ["contents.1", "contents.2", "1", "1.p1", "2", "2.p1"]
    assert [p.text for p in provisions if p.number] == ["Who we are", "Your rights"] * 2


def test_a_section_set_as_a_bold_list_item_and_its_lettered_sub_headings() -> None:
    blocks = [
        Block("heading", "4. WHAT WE COLLECT", 7),
        Block("heading", "A. From you", 7),
        Block("paragraph", "Your account details."),
        Block("heading", "B. From others", 7),
        Block("heading", "5. HOW WE USE IT", 7),
        Block("heading", "A. To run the service", 7),
    ]
    assert paths(build(blocks, "plan")) == ["4", "4.A", "4.A.p1", "4.B", "5", "5.A"]


def test_repeated_letters_are_linear_and_unique() -> None:
    text = "1. A point with many sub-points:\n" + "a) again\n" * 4000
    provisions = split(text, "plan")
    assert len(provisions) == 4001
    assert len({p.path for p in provisions}) == 4001
    assert max(len(p.path) for p in provisions) < 20


# --- any blocks at all -----------------------------------------------------------------

_LINES = [
    "1. One.", "2. Two.", "10A. Inserted.", "3.4 Title", "3.4.1 Deep", "a) letter", "(b) letter",
    "(i) numeral", "(ii) numeral", "iv. numeral", "K. Section", "Article 5", "Annex II",
    "§ 7 Scope", "- bullet", "• bullet", "Plain words here.", "  indented words", "",
]  # fmt: skip


def _blocks(draw_lines: list[tuple[str, int, int]]) -> list[Block]:
    kinds = ("heading", "paragraph", "item", "row", "quote")
    out = []
    for text, kind, level in draw_lines:
        k = kinds[kind]
        number = f"{level + 1}." if k == "item" and level % 2 else ""
        out.append(Block(k, text, level if k in ("heading", "item") else 0, number, bool(number)))
    return out


def test_every_block_sequence_gives_unique_paths_and_keeps_every_word() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    line = st.sampled_from(_LINES)
    text = st.lists(line, min_size=1, max_size=4).map("\n".join)
    block = st.tuples(text, st.integers(0, 4), st.integers(0, 7))

    @settings(max_examples=200, deadline=None)
    @given(st.lists(block, max_size=30), st.sampled_from(["plan", "reporting"]))
    def check(spec: list[tuple[str, int, int]], kind: str) -> None:
        blocks = _blocks(spec)
        provisions = build(blocks, kind)
        assert len({p.path for p in provisions}) == len(provisions)
        assert [p.ordinal for p in provisions] == list(range(len(provisions)))
        words = sorted(w for b in blocks for w in b.text.split() if w.isalpha())
        # A bare "Article 5" is its own text (matched on its keyword alone): its marker is
        # not counted twice.
        shown = [
            p.text if p.text == p.marker and p.norm == p.marker.split()[0].lower() else
            f"{p.marker} {p.text}" for p in provisions
        ]  # fmt: skip
        kept = sorted(w for s in shown for w in s.split() if w.isalpha())
        assert not Counter(words) - Counter(kept)  # no word lost
        assert set(kept) <= set(words)  # none invented

    check()
