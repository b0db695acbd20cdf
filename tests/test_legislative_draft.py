"""A legislative draft against its negotiating text: articles with numbered paragraphs,
lettered points and numbered definitions, where inserted paragraphs and definitions
renumber the ones after them and reworded points stay under their letter."""

from __future__ import annotations

from tracker.diff import diff_texts

PROPOSAL = """Proposal for a Regulation on ceasefire monitoring

Article 1
Subject matter

1. This Regulation lays down rules for monitoring a ceasefire along an agreed line of contact.
2. It applies to all parties that signed the framework agreement.

Article 3
Definitions

For the purposes of this Regulation, the following definitions apply:
(1) 'line of contact' means the line where the forces stood on the day of signature;
(2) 'monitor' means a person accredited by the mission;
(3) 'incident' means any exchange of fire reported by a monitor;
(4) 'zone' means the area within 15 kilometres of the line of contact.

Article 6
Reporting

1. Monitors shall report each incident within 24 hours.
2. Reports shall be sent to both parties and to the guarantors.
3. The mission shall publish a summary every month, which shall include:
(a) the number of incidents;
(b) the places where heavy weapons were seen;
(c) any obstruction of the monitors.
4. Reports shall not name civilians.
"""

NEGOTIATING_TEXT = """Regulation on ceasefire monitoring (negotiating text)

Article 1
Subject matter

1. This Regulation lays down rules for monitoring a ceasefire along an agreed line of contact.
2. It applies to all parties that signed the framework agreement.

Article 3
Definitions

For the purposes of this Regulation, the following definitions apply:
(1) 'line of contact' means the line where the forces stood on the day of signature;
(2) 'monitor' means a person accredited by the mission;
(3) 'drone' means an unmanned aircraft used by the mission;
(4) 'incident' means any exchange of fire reported by a monitor;
(5) 'zone' means the area within 30 kilometres of the line of contact.

Article 6
Reporting

1. Monitors shall report each incident within 12 hours.
2. Monitors may use drones to confirm an incident.
3. Reports shall be sent to both parties and to the guarantors.
4. The mission shall publish a summary every month, which shall include:
(a) the number of incidents;
(b) the locations at which heavy weapons were observed, with coordinates;
(c) any obstruction of the monitors.
5. Reports shall not name civilians.
"""


def changes() -> dict[tuple[str, str], tuple[str, bool, bool]]:
    diff = diff_texts(PROPOSAL, NEGOTIATING_TEXT)
    return {
        (",".join(p.path for p in c.old), ",".join(p.path for p in c.new)): (
            c.kind, c.renumbered, c.moved,
        )
        for c in diff.changes
    }  # fmt: skip


def test_articles_paragraphs_points_and_definitions_are_cited() -> None:
    got = changes()
    assert got[("1.2", "1.2")] == ("unchanged", False, False)
    assert got[("3.p1", "3.p1")] == ("unchanged", False, False)  # the definitions' lead-in
    assert got[("3.2", "3.2")] == ("unchanged", False, False)


def test_an_inserted_paragraph_renumbers_article_6_paragraph_2_to_3() -> None:
    got = changes()
    assert got[("", "6.2")] == ("added", False, False)
    assert got[("6.2", "6.3")] == ("unchanged", True, False)
    assert got[("6.3.a", "6.4.a")] == ("unchanged", True, False)
    assert got[("6.4", "6.5")] == ("unchanged", True, False)


def test_a_reworded_point_stays_under_its_letter() -> None:
    got = changes()
    assert got[("6.3.b", "6.4.b")] == ("modified", True, False)
    assert got[("6.1", "6.1")] == ("modified", False, False)


def test_an_inserted_definition_renumbers_the_later_ones() -> None:
    got = changes()
    assert got[("", "3.3")] == ("added", False, False)
    assert got[("3.3", "3.4")] == ("unchanged", True, False)
    assert got[("3.4", "3.5")] == ("modified", True, False)
    diff = diff_texts(PROPOSAL, NEGOTIATING_TEXT)
    zone = next(c for c in diff.changes if c.new and c.new[0].path == "3.5")
    assert [(t.old, t.new) for t in zone.terms] == [("15", "30")]
