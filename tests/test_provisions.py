"""Splitting version texts into provisions: every numbering form real drafts use, reporting
prose, kind detection, verbatim and normalised text, and the sample versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.provisions import Provision, detect_kind, normalise, split
from tracker.sources import read_path


def paths(provisions: list[Provision]) -> list[str]:
    return [p.path for p in provisions]


def by_path(provisions: list[Provision]) -> dict[str, Provision]:
    return {p.path: p for p in provisions}


def top_level_numbers(provisions: list[Provision]) -> list[int]:
    return [int(p.number) for p in provisions if p.depth == 0 and p.number]


# --- top-level numbering forms ------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "marker1", "marker2"),
    [
        ("1. Ukraine's sovereignty is confirmed.", "2. Russia will not invade.", "1.", "2."),
        ("1) Ukraine's sovereignty is confirmed.", "2) Russia will not invade.", "1)", "2)"),
        ("(1) Ukraine's sovereignty is confirmed.", "(2) Russia will not invade.", "(1)", "(2)"),
        (
            "Point 1 Ukraine's sovereignty is confirmed.",
            "Point 2 Russia will not invade.",
            "Point 1",
            "Point 2",
        ),
        (
            "Point 1: Ukraine's sovereignty is confirmed.",
            "Point 2: Russia will not invade.",
            "Point 1:",
            "Point 2:",
        ),
        (
            "Article 1. Ukraine's sovereignty is confirmed.",
            "Article 2. Russia will not invade.",
            "Article 1.",
            "Article 2.",
        ),
        (
            "Art. 1 Ukraine's sovereignty is confirmed.",
            "Art. 2 Russia will not invade.",
            "Art. 1",
            "Art. 2",
        ),
        ("§ 1 Ukraine's sovereignty is confirmed.", "§ 2 Russia will not invade.", "§ 1", "§ 2"),
        ("§1 Ukraine's sovereignty is confirmed.", "§2 Russia will not invade.", "§1", "§2"),
    ],
)
def test_top_level_point_forms(first: str, second: str, marker1: str, marker2: str) -> None:
    text = f"{first}\n{second}\n"
    assert detect_kind(text) == "plan"
    provisions = split(text)
    assert paths(provisions) == ["1", "2"]
    one, two = provisions
    assert (one.number, one.marker, one.depth) == ("1", marker1, 0)
    assert (two.number, two.marker, two.depth) == ("2", marker2, 0)
    # The marker is not part of the provision's text.
    assert one.text == "Ukraine's sovereignty is confirmed."
    assert two.text == "Russia will not invade."
    assert [p.ordinal for p in provisions] == [0, 1]


def test_multi_digit_numbers_and_gaps() -> None:
    text = "1. First.\n2. Second.\n4. Fourth, point 3 struck.\n10. Tenth.\n11. Eleventh.\n"
    provisions = split(text)
    assert paths(provisions) == ["1", "2", "4", "10", "11"]
    assert by_path(provisions)["10"].text == "Tenth."


def test_a_smaller_number_inside_a_point_is_not_a_new_point() -> None:
    # Numbers must increase; "1." after point 2 is part of point 2's text, not a restart.
    provisions = split("1. First.\n2. Second, citing\n1. the earlier text.\n")
    assert paths(provisions) == ["1", "2"]
    assert by_path(provisions)["2"].text == "Second, citing\n1. the earlier text."


# --- sub-points ----------------------------------------------------------------------------


def test_lettered_sub_points_in_every_form() -> None:
    text = (
        "1. Preamble point.\n"
        "2. The guarantee applies on these terms:\n"
        "a) the United States is compensated;\n"
        "(b) the guarantee lapses on an invasion;\n"
        "c. sanctions are restored.\n"
        "3. Next point.\n"
    )
    provisions = split(text)
    assert paths(provisions) == ["1", "2", "2.a", "2.b", "2.c", "3"]
    subs = [p for p in provisions if p.path.startswith("2.")]
    assert [(p.number, p.marker, p.depth) for p in subs] == [
        ("a", "a)", 1),
        ("b", "(b)", 1),
        ("c", "c.", 1),
    ]
    assert [p.text for p in subs] == [
        "the United States is compensated;",
        "the guarantee lapses on an invasion;",
        "sanctions are restored.",
    ]
    assert by_path(provisions)["2"].text == "The guarantee applies on these terms:"


@pytest.mark.parametrize("bullet", ["→", "-", "•"])
def test_bulleted_sub_points_under_a_point(bullet: str) -> None:
    text = (
        "11. Ukraine may join the EU.\n"
        "12. A reconstruction package made up of:\n"
        f"{bullet} a development fund;\n"
        f"{bullet} gas infrastructure;\n"
        f"{bullet} World Bank financing.\n"
        "13. Russia returns to the world economy.\n"
    )
    provisions = split(text)
    assert paths(provisions) == ["11", "12", "12.1", "12.2", "12.3", "13"]
    bullets = [p for p in provisions if p.path.startswith("12.")]
    assert {p.marker for p in bullets} == {bullet}
    assert {p.depth for p in bullets} == {1}
    assert {p.number for p in bullets} == {""}
    assert [p.text for p in bullets] == [
        "a development fund;",
        "gas infrastructure;",
        "World Bank financing.",
    ]


def test_mixed_bullets_number_on_under_one_point() -> None:
    provisions = split("1. Package:\n→ fund;\n- gas;\n• bank.\n2. Next.\n")
    assert [(p.path, p.marker) for p in provisions] == [
        ("1", "1."),
        ("1.1", "→"),
        ("1.2", "-"),
        ("1.3", "•"),
        ("2", "2."),
    ]


def test_bullets_under_a_lettered_sub_point_nest_below_it() -> None:
    text = "1. Terms:\na) money\n  - first tranche\n  - second tranche\nb) time\n2. X.\n"
    provisions = split(text)
    assert paths(provisions) == ["1", "1.a", "1.a.1", "1.a.2", "1.b", "2"]
    assert by_path(provisions)["1.a.2"].depth == 2
    assert by_path(provisions)["1.a.2"].text == "second tranche"


def test_bullet_before_any_point_is_not_a_sub_point() -> None:
    provisions = split("Heading\n- a bullet in the preamble\n\n1. One.\n2. Two.\n", "plan")
    assert [p.path for p in provisions if p.depth > 0] == []
    assert provisions[-2:] == [p for p in provisions if p.number in ("1", "2")]


# --- continuation lines, headings and preamble --------------------------------------------


def test_wrapped_continuation_lines_belong_to_their_point() -> None:
    text = (
        "1. First.\n"
        "2. Ukraine is eligible to become a member of the European Union. Until it joins, it\n"
        "will enjoy short-term preferential access to the European market.\n"
        "3. Frozen assets of $100 billion go into reconstruction.\n"
        "   Europe contributes a further $100 billion.\n"
        "4. Last.\n"
    )
    provisions = split(text)
    assert paths(provisions) == ["1", "2", "3", "4"]
    points = by_path(provisions)
    # Verbatim: the line break and the continuation's indentation are kept.
    assert points["2"].text == (
        "Ukraine is eligible to become a member of the European Union. Until it joins, it\n"
        "will enjoy short-term preferential access to the European market."
    )
    assert points["3"].text == (
        "Frozen assets of $100 billion go into reconstruction.\n"
        "   Europe contributes a further $100 billion."
    )
    # ...while the normalised text is one line.
    assert points["3"].norm == (
        "frozen assets of $100 billion go into reconstruction. "
        "europe contributes a further $100 billion."
    )


def test_wrapped_line_of_a_sub_point_belongs_to_the_sub_point() -> None:
    provisions = split("1. Terms:\n→ a fund investing\n  in fast-growing industries;\n2. Next.\n")
    assert by_path(provisions)["1.1"].text == "a fund investing\n  in fast-growing industries;"
    assert by_path(provisions)["1"].text == "Terms:"


def test_heading_and_preamble_before_point_1_are_their_own_provisions() -> None:
    text = (
        "Framework for ending the war in Ukraine\n"
        "\n"
        "The points below describe the terms on which the parties would bring the war to an end.\n"
        "\n"
        "1. Ukraine's sovereignty is confirmed.\n"
        "2. A non-aggression agreement is concluded.\n"
    )
    provisions = split(text)
    assert paths(provisions) == ["p1", "p2", "1", "2"]
    heading, preamble = provisions[:2]
    assert heading.text == "Framework for ending the war in Ukraine"
    assert (heading.number, heading.marker, heading.depth) == ("", "", 0)
    assert preamble.text == (
        "The points below describe the terms on which the parties would bring the war to an end."
    )
    assert heading.label == "¶1"
    assert provisions[2].label == "1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            # A preamble hard-wrapped at 72 columns is one paragraph, so one provision.
            "Framework for ending the war\n"
            "\n"
            "The points below describe the terms on which the parties to this\n"
            "agreement would bring the war to an end and build a durable peace\n"
            "between Russia and Ukraine.\n"
            "\n"
            "1. One.\n"
            "2. Two.\n",
            [
                ("p1", "Framework for ending the war"),
                (
                    "p2",
                    "The points below describe the terms on which the parties to this\n"
                    "agreement would bring the war to an end and build a durable peace\n"
                    "between Russia and Ukraine.",
                ),
                ("1", "One."),
                ("2", "Two."),
            ],
        ),
        (
            # Closing text after the last point, hard-wrapped.
            "1. One.\n2. Two.\n\nDone in Geneva on 23 November 2025 in the English and\n"
            "Ukrainian languages, both texts being equally authentic.\n",
            [
                ("1", "One."),
                ("2", "Two."),
                (
                    "p1",
                    "Done in Geneva on 23 November 2025 in the English and\n"
                    "Ukrainian languages, both texts being equally authentic.",
                ),
            ],
        ),
    ],
)
def test_wrapped_unnumbered_paragraph_is_one_provision(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert [(p.path, p.text) for p in split(text)] == expected


def test_heading_line_directly_above_the_preamble_is_still_separate() -> None:
    provisions = split("Peace framework\nThe parties agree as follows.\n\n1. One.\n2. Two.\n")
    assert [(p.path, p.text) for p in provisions[:2]] == [
        ("p1", "Peace framework"),
        ("p2", "The parties agree as follows."),
    ]


def test_heading_between_points_and_closing_text() -> None:
    text = "1. One.\n\nSection II\n\n2. Two.\n\nDone in Geneva, 23 November 2025.\n"
    provisions = split(text)
    assert [(p.path, p.text) for p in provisions] == [
        ("1", "One."),
        ("p1", "Section II"),
        ("2", "Two."),
        ("p2", "Done in Geneva, 23 November 2025."),
    ]


def test_windows_line_endings_split_the_same() -> None:
    lf = "Title\n\n1. One.\n2. Two,\n   continued.\n"
    crlf = lf.replace("\n", "\r\n")
    assert [(p.path, p.norm) for p in split(crlf)] == [(p.path, p.norm) for p in split(lf)]


# --- kind detection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("1. One.\n2. Two.\n", "plan"),
        ("Heading\n\nArticle 1. One.\nArticle 2. Two.\n", "plan"),
        ("Headline\n\nKYIV, Nov 20 - The 28-point plan was leaked.\n\nMore.\n", "reporting"),
        # A single numbered line is not a list of points.
        ("1. Only one point.\n\nAnd prose after it.\n", "reporting"),
        # Decreasing numbers are not a list of points either.
        ("3. Third.\n\n2. Second.\n\n1. First.\n", "reporting"),
        ("", "reporting"),
    ],
)
def test_detect_kind(text: str, kind: str) -> None:
    assert detect_kind(text) == kind


def test_kind_can_be_forced() -> None:
    text = "Plan\n\n1. One.\n\n2. Two.\n"
    assert paths(split(text)) == ["p1", "1", "2"]
    as_reporting = split(text, "reporting")
    assert [(p.path, p.number, p.text) for p in as_reporting] == [
        ("p1", "", "Plan"),
        ("p2", "", "1. One."),
        ("p3", "", "2. Two."),
    ]
    as_plan = split("Para one.\n\nPara two.\n", "plan")
    assert [(p.path, p.text) for p in as_plan] == [("p1", "Para one."), ("p2", "Para two.")]


# --- reporting ----------------------------------------------------------------------------

ARTICLE = (
    "US peace draft would cap Ukraine's army at 600,000\n"
    "\n"
    "KYIV, Nov 20 (Northline) - A peace plan drafted in Washington would require\n"
    "Ukraine to give up land in the east.\n"
    "\n"
    "The document would also limit Ukraine's military, the sources said.\n"
    "\n"
    "Correction: An earlier version of this article gave a wrong troop figure.\n"
)


def test_reporting_paragraphs_headline_dateline_and_correction() -> None:
    assert detect_kind(ARTICLE) == "reporting"
    provisions = split(ARTICLE)
    assert paths(provisions) == ["p1", "p2", "p3", "p4"]
    headline, dateline, body, correction = provisions
    assert headline.text == "US peace draft would cap Ukraine's army at 600,000"
    assert dateline.text.startswith("KYIV, Nov 20 (Northline) - ")
    assert dateline.text.endswith("\nUkraine to give up land in the east.")
    assert body.text == "The document would also limit Ukraine's military, the sources said."
    assert correction.text == (
        "Correction: An earlier version of this article gave a wrong troop figure."
    )
    assert {p.number for p in provisions} == {""}
    assert [p.label for p in provisions] == ["¶1", "¶2", "¶3", "¶4"]


def test_update_paragraph_is_a_provision() -> None:
    provisions = split(ARTICLE + "\nUpdate: Adds reaction from Kyiv in paragraph 4.\n")
    assert len(provisions) == 5
    assert provisions[-1].text == "Update: Adds reaction from Kyiv in paragraph 4."


def test_reporting_without_blank_lines_is_one_paragraph_per_line() -> None:
    text = "Headline here\nKYIV, Nov 20 (Agency) - Text.\nMore text.\nUpdate: fixed.\n"
    assert [p.text for p in split(text)] == [
        "Headline here",
        "KYIV, Nov 20 (Agency) - Text.",
        "More text.",
        "Update: fixed.",
    ]


def test_correction_appended_without_a_blank_line_is_its_own_provision() -> None:
    # An editor's note is often pasted straight under the last paragraph.
    text = (
        "Headline\n"
        "\n"
        "KYIV, Nov 20 (Agency) - First paragraph.\n"
        "\n"
        "Last paragraph of the story.\n"
        "Correction: An earlier version misstated the troop ceiling.\n"
    )
    provisions = split(text)
    assert [p.text for p in provisions] == [
        "Headline",
        "KYIV, Nov 20 (Agency) - First paragraph.",
        "Last paragraph of the story.",
        "Correction: An earlier version misstated the troop ceiling.",
    ]


def test_headline_directly_above_the_dateline_is_its_own_provision() -> None:
    text = (
        "Leaked US plan would cap Ukraine's army\n"
        "KYIV, Nov 20 (Agency) - A peace plan drafted in Washington would require\n"
        "Ukraine to give up land.\n"
        "\n"
        "Second paragraph.\n"
    )
    provisions = split(text)
    assert [p.text for p in provisions] == [
        "Leaked US plan would cap Ukraine's army",
        "KYIV, Nov 20 (Agency) - A peace plan drafted in Washington would require\n"
        "Ukraine to give up land.",
        "Second paragraph.",
    ]


# --- verbatim and normalised text ---------------------------------------------------------


def test_text_is_verbatim_and_norm_folds_case_whitespace_quotes_dashes() -> None:
    text = (
        "1. The  \u201cPeace Council\u201d \u2014 chaired by the\u00a0US \u2018President\u2019.\n"
        "2. The \"peace council\" - chaired by the us 'president'.\n"
    )
    one, two = split(text)
    assert one.text == (
        "The  \u201cPeace Council\u201d \u2014 chaired by the\u00a0US \u2018President\u2019."
    )
    assert two.text == "The \"peace council\" - chaired by the us 'president'."
    assert one.norm == two.norm == "the \"peace council\" - chaired by the us 'president'."


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("  Mixed CASE  ", "mixed case"),
        ("tabs\tand\nnewlines   here", "tabs and newlines here"),
        ("\u201cdouble\u201d \u201elow\u201c \u00abguill\u00bb", '"double" "low" "guill"'),
        ("\u2018single\u2019 `back`", "'single' 'back'"),
        ("en\u2013dash em\u2014dash minus\u2212sign", "en-dash em-dash minus-sign"),
        ("hyphen\u2010x bar\u2015y", "hyphen-x bar-y"),
        ("non\u00a0breaking\u202fspace", "non breaking space"),
        ("\ufb01nance", "finance"),  # compatibility ligature
        ("STRASSE Stra\u00dfe", "strasse strasse"),
    ],
)
def test_normalise(raw: str, folded: str) -> None:
    assert normalise(raw) == folded


def test_normalise_keeps_words_and_figures() -> None:
    assert normalise("600,000") != normalise("800,000")
    assert normalise("Point 3") != normalise("Point 4")


# --- the sample versions -------------------------------------------------------------------


def sample(versions_dir: Path, name: str) -> list[Provision]:
    source = read_path(versions_dir / name)
    assert detect_kind(source.text) == source.meta["kind"]
    return split(source.text, source.meta["kind"])


def test_sample_us_28(versions_dir: Path) -> None:
    provisions = sample(versions_dir, "peace-plan/01-us-28.txt")
    assert top_level_numbers(provisions) == list(range(1, 29))
    assert paths(provisions)[:2] == ["p1", "p2"]
    assert provisions[0].text == "Framework for ending the war in Ukraine"
    points = by_path(provisions)
    assert [p for p in paths(provisions) if p.startswith("10.")] == [
        "10.a",
        "10.b",
        "10.c",
        "10.d",
    ]
    assert [p for p in paths(provisions) if p.startswith("12.")] == [
        "12.1",
        "12.2",
        "12.3",
        "12.4",
    ]
    assert [points[f"10.{c}"].marker for c in "abcd"] == ["a)", "b)", "c)", "d)"]
    assert {points[f"12.{n}"].marker for n in range(1, 5)} == {"→"}
    assert points["12.4"].text == "financing provided by the World Bank."
    assert "600,000" in points["6"].text
    # Wrapped continuation lines stay with their point.
    assert points["11"].text.endswith("short-term preferential access to the European market.")
    assert "Europe contributes a further $100 billion" in points["14"].text
    assert "Zaporizhzhia" in points["19"].text
    assert len(provisions) == 41


def test_sample_us_28_alt_has_the_same_structure_in_other_words(versions_dir: Path) -> None:
    us28 = sample(versions_dir, "peace-plan/01-us-28.txt")
    alt = sample(versions_dir, "peace-plan/02-us-28-alt.txt")
    assert paths(alt) == paths(us28)
    assert top_level_numbers(alt) == list(range(1, 29))
    points = by_path(alt)
    assert [points[f"10.{c}"].marker for c in "abcd"] == ["(a)", "(b)", "(c)", "(d)"]
    assert points["1"].marker == "1)"
    # Same substance, different wording throughout.
    original = by_path(us28)
    numbered = [p for p in paths(alt) if p[0].isdigit()]
    assert [p for p in numbered if points[p].norm == original[p].norm] == []


def test_sample_eu_counter_strikes_point_3(versions_dir: Path) -> None:
    provisions = sample(versions_dir, "peace-plan/03-eu-counter.txt")
    assert top_level_numbers(provisions) == [1, 2, *range(4, 29)]
    assert "3" not in paths(provisions)
    points = by_path(provisions)
    assert "800,000" in points["6"].text
    assert [p for p in paths(provisions) if p.startswith("12.")] == [
        "12.1",
        "12.2",
        "12.3",
        "12.4",
    ]


def test_sample_framework_20(versions_dir: Path) -> None:
    provisions = sample(versions_dir, "peace-plan/04-framework-20.txt")
    assert top_level_numbers(provisions) == list(range(1, 21))
    assert [p for p in provisions if p.depth > 0] == []
    assert by_path(provisions)["12"].text.endswith(
        "while Ukraine proposes a 50/50 arrangement between the United States and Ukraine."
    )
    assert len(provisions) == 22


@pytest.mark.parametrize(
    ("name", "count", "headline"),
    [
        (
            "wire-report/01-first.txt",
            9,
            "Leaked US plan would cap Ukraine's army and cede territory, sources say",
        ),
        (
            "wire-report/02-update.txt",
            9,
            "US peace draft would cap Ukraine's army at 600,000 and freeze front lines",
        ),
        (
            "wire-report/03-corrected.txt",
            10,
            "US peace draft would cap Ukraine's army at 600,000 and freeze front lines",
        ),
        (
            "geneva-talks/01-report.txt",
            7,
            "Geneva talks trim US peace plan to 19 points, leaving NATO and territory to the "
            "presidents",
        ),
    ],
)
def test_sample_reporting(versions_dir: Path, name: str, count: int, headline: str) -> None:
    provisions = sample(versions_dir, name)
    assert paths(provisions) == [f"p{i}" for i in range(1, count + 1)]
    assert provisions[0].text == headline
    assert provisions[1].text.split(" - ")[0] in (
        "KYIV, Nov 20 (Northline)",
        "GENEVA, Nov 24 (Northline)",
    )


def test_sample_corrected_capture_ends_with_the_correction(versions_dir: Path) -> None:
    first = sample(versions_dir, "wire-report/01-first.txt")
    corrected = sample(versions_dir, "wire-report/03-corrected.txt")
    assert corrected[-1].text.startswith("Correction: An earlier version of this article")
    assert not any(p.text.startswith("Correction:") for p in first)
    assert "400,000" in first[3].text and "600,000" in corrected[3].text
