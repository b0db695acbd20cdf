"""The Markdown reader: CommonMark structure (headings, tight and loose lists with their
numbers, escapes, bold numbers, tables, quotes) read into blocks and then provisions."""

from __future__ import annotations

from tracker.provisions import build
from tracker.readers import Block, detect_format, read

TERMS = """\
---
title: Monitoring terms
date: 2026-01-05
---
# Monitoring terms

_Last updated: January 2026_

1. [Who we are](#who)
2. [What we monitor](#what)

**1\\. Who we are**
-------------------

We are a fictional monitoring mission, set up by the [parties](https://example.org/parties).

**2\\. What we monitor**
------------------------

**2.1 Scope.** We monitor the line of contact.
**2.2 Reports.** We report every *week*.

3\\. Complaints
---------------

5. Complaints go to the commission.
6. The commission answers within 30 days:
   - by letter;
   - by email.

   A complaint may be withdrawn.

## A. Fees

| Item | Fee |
| --- | --- |
| Filing | $50 |
| Appeal | $80 |

> Fees are waived for residents.
"""


def test_blocks_follow_the_markdown_structure() -> None:
    reading = read(TERMS.encode(), name="terms.md")
    assert reading.format == "markdown"
    assert reading.meta["title"] == "Monitoring terms"
    kinds = [(b.kind, b.text) for b in reading.blocks]
    assert ("heading", "Monitoring terms") in kinds
    assert ("heading", "1. Who we are") in kinds  # setext, escaped number, bold dropped
    # link text kept, link target dropped
    assert ("paragraph", "We are a fictional monitoring mission, set up by the parties.") in kinds
    # a soft line break stays, so the tight numbered lines can be told apart
    assert ("paragraph", "2.1 Scope. We monitor the line of contact.\n"
            "2.2 Reports. We report every week.") in kinds  # fmt: skip
    items = [b for b in reading.blocks if b.kind == "item"]
    assert [(b.number, b.level, b.ordered) for b in items] == [
        ("1.", 0, True), ("2.", 0, True), ("5.", 0, True), ("6.", 0, True),
        ("", 1, False), ("", 1, False),
    ]  # fmt: skip
    assert Block("paragraph", "A complaint may be withdrawn.", 1) in reading.blocks
    assert [b.text for b in reading.blocks if b.kind == "row"] == [
        "Item | Fee", "Filing | $50", "Appeal | $80",
    ]  # fmt: skip
    assert Block("quote", "Fees are waived for residents.") in reading.blocks
    assert ("heading", "Last updated: January 2026") not in kinds  # a note, not a heading


def test_provisions_of_a_markdown_document() -> None:
    provisions = build(read(TERMS.encode(), name="terms.md").blocks)
    got = {p.path: p for p in provisions}
    assert got["1"].text == "Who we are" and got["1"].number == "1"
    assert got["2.1"].text == "Scope. We monitor the line of contact."
    assert got["2.2"].heading == "2. What we monitor"
    assert got["3.5"].text == "Complaints go to the commission."  # list start 5 kept
    assert got["3.6"].text.endswith("A complaint may be withdrawn.")
    assert [got["3.6.1"].text, got["3.6.2"].text] == ["by letter;", "by email."]
    assert got["A.p1"].text == "Item | Fee"
    # The contents list names sections: its entries are not points 1 and 2.
    assert got["contents.1"].text == "Who we are"
    assert sum(1 for p in provisions if p.path == "1") == 1


def test_format_is_detected_from_name_and_content() -> None:
    assert detect_format(b"# Title\n\nText.\n", "a.md") == "markdown"
    assert detect_format(b"## Terms\n\n**1\\. Scope**\n\n1\\. text\n", "stdin") == "markdown"
    assert detect_format(b"1. A plain numbered draft.\n2. Second.\n", "stdin") == "text"


def test_bad_markdown_input_is_refused_with_the_reason() -> None:
    import pytest

    from tracker.errors import InputError

    with pytest.raises(InputError, match="not UTF-8"):
        read(b"# Title\n\xff\xfe bad", format="markdown", name="bad.md")
    with pytest.raises(InputError, match="unknown format 'rtf'"):
        read(b"text", format="rtf", name="x.rtf")


def test_lists_nested_past_the_parser_limit_lose_no_text() -> None:
    text = "".join("  " * i + f"- clause {i}\n" for i in range(60))
    reading = read(text.encode(), format="markdown", name="deep.md")
    words = " ".join(b.text for b in reading.blocks)
    assert all(f"clause {i}" in words for i in range(60))
    provisions = build(reading.blocks)
    assert " ".join(p.text for p in provisions).count("clause") == 60


def test_a_hostile_long_line_is_read_as_plain_text() -> None:
    # markdown-it's inline parser is not linear on runs of brackets: such a text is read
    # by the plain-text reader, whole.
    text = "# Title\n\n" + "[" * 60_000 + "]" * 60_000 + "\n"
    reading = read(text.encode(), format="markdown", name="hostile.md")
    assert sum(b.text.count("[") for b in reading.blocks) == 60_000


def test_a_heading_glued_to_its_number_is_a_heading() -> None:
    # "####1. Scope" is text to CommonMark, but a heading to its writer (and to the next
    # version, which adds the space); a hashtag opening a line stays text.
    reading = read(b"####1. Scope\n\nThe text.\n\n#ceasefire now\n", format="markdown")
    assert reading.blocks[0] == Block("heading", "1. Scope", 4)
    assert reading.blocks[-1] == Block("paragraph", "#ceasefire now")
