"""One document, five formats: a ceasefire monitoring agreement written by the test as plain
text, Markdown, HTML, DOCX (Word's automatic numbering) and PDF reads as the same provision
tree whichever format it comes in, diffs as unchanged across formats, and a second version
in another format gives the changes it really has."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from fpdf import FPDF
from pdfminer.high_level import extract_text
from pdfminer.pdfpage import PDFPage
from wordml import W, item, lvl

from tracker import readers
from tracker.diff import diff_provisions
from tracker.provisions import build
from tracker.sources import kind_of, provisions_of, read_document

# The agreement as a list of (kind, text): "title", "para" (unnumbered), "h" (an article
# heading), "p" (a numbered paragraph), "a" (a lettered point), "i" (a roman sub-point),
# "b" (a bullet under the paragraph above), "row" (a table row, cells joined by " | "),
# "ht" (an article's title below its number, in a variant).
# Numbers are not written: each format prints them its own way.
V1: list[tuple[str, str]] = [
    ("title", "Ceasefire Monitoring Agreement"),
    (
        "para",
        "The parties to this agreement, wishing to end the fighting along the river valley "
        "and to protect the people living there, agree as follows.",
    ),
    ("h", "Article 1 Scope"),
    ("p", "This agreement covers the line of contact and ten kilometres on either side of it."),
    ("p", "It applies to all armed units of both parties, including:"),
    ("a", "regular army units;"),
    ("a", "police units stationed in the zone; and"),
    ("a", "volunteer units under either command."),
    ("p", "Nothing in this agreement affects the civilian administration of the towns."),
    ("h", "Article 2 Monitoring mission"),
    ("p", "A monitoring mission of 40 unarmed observers is established by the parties."),
    ("p", "The mission reports to the joint commission every week."),
    ("p", "The observers have free access to:"),
    ("a", "all positions within the zone;"),
    ("a", "the following records of each party:"),
    ("i", "lists of heavy weapons;"),
    ("i", "logs of troop movements."),
    ("h", "Article 3 Withdrawal"),
    ("p", "Heavy weapons are withdrawn 15 kilometres from the line within 21 days."),
    ("p", "Withdrawal follows the schedule below:"),
    ("row", "Weapon | Distance | Deadline"),
    ("row", "Artillery | 15 km | 21 days"),
    ("row", "Mortars | 10 km | 14 days"),
    ("p", "Each withdrawal is notified to the mission in advance, stating:"),
    ("b", "the type and number of weapons;"),
    ("b", "the place they are moved to."),
    ("h", "Article 4 Final provisions"),
    ("p", "This agreement enters into force on the day of its signature."),
    ("p", "Disputes about its meaning are settled by the joint commission."),
    ("p", "Either party may ask for a review meeting after six months."),
    (
        "para",
        "Done at Lakeside on 3 March, in two copies, both texts being equally authentic.",
    ),
]


def _titles_apart(doc: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each article's title set below its number ("Article 1" / "Scope"), as a heading
    of its own (kind "ht"), as many drafts print it."""
    out = []
    for kind, text in doc:
        if kind == "h":
            word, number, title = text.split(" ", 2)
            out += [("h", f"{word} {number}"), ("ht", title)]
        else:
            out.append((kind, text))
    return out


def _v2() -> list[tuple[str, str]]:
    """A paragraph inserted in Article 2 (2(2) becomes 2(3)), a figure changed in Article 3,
    a point reworded under its letter in Article 1."""
    out = []
    for kind, text in V1:
        if text.startswith("The mission reports"):
            out.append(("p", "The observers wear the insignia of the mission at all times."))
        text = text.replace("within 21 days", "within 30 days")
        text = text.replace(
            "police units stationed in the zone", "border guard units posted in the zone"
        )
        out.append((kind, text))
    return out


def _numbered(doc: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(kind, printed number, text): paragraphs restart at 1 in each article, letters and
    numerals under each paragraph and point."""
    out = []
    p = a = i = 0
    for kind, text in doc:
        if kind == "h":
            p = 0
        if kind == "p":
            p, a = p + 1, 0
            out.append((kind, f"{p}.", text))
        elif kind == "a":
            a, i = a + 1, 0
            out.append((kind, f"({'abcdefgh'[a - 1]})", text))
        elif kind == "i":
            i += 1
            out.append((kind, f"({['i', 'ii', 'iii', 'iv'][i - 1]})", text))
        else:
            out.append((kind, "", text))
    return out


# --- the formats ---------------------------------------------------------------------------


def as_text(doc: list[tuple[str, str]]) -> bytes:
    """As a drafter types it: points indented under their paragraph, one per line; the
    table as pipe-separated lines."""
    out: list[str] = []
    for kind, number, text in _numbered(doc):
        if kind in ("a", "i", "b"):
            indent = "    " if kind == "a" else "        "
            lead = number or "-"
            out[-1] += f"\n{indent}{lead} {text}"
        elif kind == "row":
            if out and "|" in out[-1].split("\n")[-1]:
                out[-1] += "\n" + text
            else:
                out.append(text)
        else:
            out.append(f"{number} {text}".strip())
    return ("\n\n".join(out) + "\n").encode()


def as_markdown(doc: list[tuple[str, str]]) -> bytes:
    """Headings, ordered lists for the numbered paragraphs (escaped numbers in the last
    article, as a converter writes paragraphs that are not a list), lettered points as lines
    of the item, bullets as a nested list, a pipe table."""
    out: list[str] = []
    article = 0
    for kind, number, text in _numbered(doc):
        if kind == "title":
            out.append(f"# {text}")
        elif kind == "h":
            article += 1
            out.append(f"## {text}")
        elif kind == "ht":
            out.append(f"### {text}")
        elif kind == "p":
            if article == 4:
                out.append(f"{number[:-1]}\\. {text}")
            else:
                out.append(f"{number} {text}")
        elif kind in ("a", "i"):
            indent = "   " if kind == "a" else "       "
            out[-1] += f"\n{indent}{number} {text}"
        elif kind == "b":
            out[-1] += f"\n\n   - {text}"
        elif kind == "row":
            if out and out[-1].startswith("|"):
                out[-1] += f"\n| {text} |"
                if out[-1].count("\n") == 0:
                    pass
            else:
                cells = text.count("|") + 1
                out.append(f"| {text} |\n|" + "---|" * cells)
        else:
            out.append(text)
    # Consecutive numbered paragraphs are one tight list; anything else separates lists.
    joined: list[str] = []
    for block in out:
        if joined and block[:1].isdigit() and joined[-1][:1].isdigit() and "\\." not in block:
            joined[-1] += "\n" + block
        else:
            joined.append(block)
    return ("\n\n".join(joined) + "\n").encode()


def as_markdown_loose(doc: list[tuple[str, str]], indent: str) -> bytes:
    """Every point a paragraph of its own: ``indent`` "   " sets the lettered points as
    paragraphs of the list item above (a loose list); "" sets them between the list's
    items, interrupting it, so that "3." resumes the list where it stopped. Article
    headings in bold, as many converters write them."""
    out: list[str] = []
    for kind, number, text in _numbered(doc):
        if kind == "title":
            out.append(f"# {text}")
        elif kind == "h":
            out.append(f"**{text}**")
        elif kind in ("a", "i"):
            out.append(f"{indent}{number} {text}")
        elif kind == "b":
            out.append(f"   - {text}")
        elif kind == "row":
            if out[-1].startswith("|"):
                out[-1] += f"\n| {text} |"
            else:
                out.append(f"| {text} |\n|---|---|---|")
        else:
            out.append(f"{number} {text}".strip())
    return ("\n\n".join(out) + "\n").encode()


def as_html(doc: list[tuple[str, str]], printed: str | None = None) -> bytes:
    """h1/h2, ``ol`` for paragraphs, ``ol type="a"`` and ``type="i"`` nested for points and
    sub-points, ``ul`` for bullets, a table; no numbers in the text. ``printed``: the
    numbers typed in the items' text instead, every ``ol`` with these attributes (``""``:
    the browser's own numbers beside them, as when a stylesheet that hides them is not
    read; ``' style="list-style: none"'``: hidden)."""
    out = ["<!doctype html><html><head><title>Agreement</title></head><body><main>"]
    depth = 0  # open lists: 1 paragraphs, 2 points, 3 sub-points / bullets
    inner = ""

    def close(to: int) -> None:
        nonlocal depth
        while depth > to:
            out.append("</li></ol>" if depth < 3 else f"</li></{inner}>")
            depth -= 1

    for kind, number, text in _numbered(doc):
        if kind == "p":
            if depth == 0:
                # A list broken by a table goes on where it stopped, as HTML spells it.
                start = int(number[:-1])
                out.append("<ol>" if start == 1 else f'<ol start="{start}">')
                if printed is not None:
                    out[-1] = f"<ol{printed}>"
            else:
                close(1)
                out.append("</li>")
            out.append(f"<li>{number} {text}" if printed is not None and number else f"<li>{text}")
            depth = 1
        elif kind == "a":
            if depth == 1:
                out.append('<ol type="a">' if printed is None else f"<ol{printed}>")
            else:
                close(2)
                out.append("</li>")
            out.append(f"<li>{number} {text}" if printed is not None and number else f"<li>{text}")
            depth = 2
        elif kind in ("i", "b"):
            if depth < 3:
                inner = "ol" if kind == "i" else "ul"
                out.append(
                    "<ul>"
                    if kind == "b"
                    else '<ol type="i">'
                    if printed is None
                    else f"<ol{printed}>"
                )
            else:
                out.append("</li>")
            out.append(f"<li>{number} {text}" if printed is not None and number else f"<li>{text}")
            depth = 3
        else:
            close(0)
            if kind == "title":
                out.append(f"<h1>{text}</h1>")
            elif kind == "h":
                out.append(f"<h2>{text}</h2>")
            elif kind == "ht":
                out.append(f"<h3>{text}</h3>")
            elif kind == "row":
                cells = "".join(f"<td>{c}</td>" for c in text.split(" | "))
                if not out[-1].endswith("</table>"):
                    out.append(f"<table><tr>{cells}</tr></table>")
                else:
                    out[-1] = out[-1].replace("</table>", f"<tr>{cells}</tr></table>")
            else:
                out.append(f"<p>{text}</p>")
    close(0)
    out.append("</main></body></html>")
    return "\n".join(out).encode()


BULLET = "\u2022"
# Lists of one abstract numbering continue each other in Word; "Restart numbering" is a
# start override on the list's first level.
_RESTART = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
_NUMS = "".join(
    f'<w:num w:numId="{n}"><w:abstractNumId w:val="1"/>{_RESTART if n > 1 else ""}</w:num>'
    for n in range(1, 5)
)

# abstract 1: paragraphs "1." / points "(a)" / sub-points "(i)"; abstract 2: bullets.
# One list per article (numIds 1-4), so that paragraphs restart at 1 in each; 9: bullets.
NUMBERING = f"""<w:numbering {W}>
<w:abstractNum w:abstractNumId="1">
  {lvl(0, "decimal", "%1.")}
  {lvl(1, "lowerLetter", "(%2)")}
  {lvl(2, "lowerRoman", "(%3)")}
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">
  {lvl(0, "bullet", BULLET)}
  {lvl(1, "bullet", BULLET)}
</w:abstractNum>
{_NUMS}
<w:num w:numId="9"><w:abstractNumId w:val="2"/></w:num>
<w:abstractNum w:abstractNumId="3">{lvl(0, "decimal", "Article %1")}</w:abstractNum>
<w:num w:numId="8"><w:abstractNumId w:val="3"/></w:num>
</w:numbering>"""


def as_docx(doc: list[tuple[str, str]], title_style: str = "Title", articles: str = "") -> bytes:
    """Word's automatic numbering: no number is in the text. ``articles`` "heading" or
    "paragraph": articles numbered by Word too ("Article %1" on an empty paragraph, in a
    heading style or not), the title in the paragraph below, as drafts set them."""
    d = Document()
    d.part.numbering_part._element = parse_xml(NUMBERING)
    article = 0
    rows: list[list[str]] = []
    for k, (kind, _, text) in enumerate(_numbered(doc)):
        if kind == "row":
            rows.append(text.split(" | "))
            if k + 1 < len(doc) and doc[k + 1][0] == "row":
                continue
            table = d.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
            rows = []
        elif kind == "title":
            d.add_paragraph(text, style=title_style)
        elif kind == "h" and articles:
            article += 1
            number = d.add_paragraph("", style="Heading 1" if articles == "heading" else None)
            number._p.get_or_add_pPr().append(
                parse_xml(f'<w:numPr {W}><w:ilvl w:val="0"/><w:numId w:val="8"/></w:numPr>')
            )
            d.add_paragraph(text.split(" ", 2)[2], style="Heading 2")
        elif kind == "h":
            article += 1
            d.add_paragraph(text, style="Heading 1")
        elif kind == "ht":
            d.add_paragraph(text, style="Heading 2")
        elif kind in ("p", "a", "i"):
            item(d, text, article, "pai".index(kind))
        elif kind == "b":
            item(d, text, 9, 1)
        else:
            d.add_paragraph(text)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


class _Pdf(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, "Ceasefire Monitoring Agreement - text for signature", align="C")
        self.ln(12)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, f"Page {self.page_no()}", align="C")


def as_pdf(doc: list[tuple[str, str]], gap: float = 2, hang: bool = False) -> bytes:
    """Headings bold and larger, numbers printed, points indented, a table of cells, a
    running header and a page-number footer, on A6 pages (three or more of them).
    ``gap``: the space between paragraphs (0: none, as in many drafts); ``hang``: numbers
    in a column of their own, the text indented after them."""
    pdf = _Pdf(format=(105, 148))
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(10, 10, 10)
    pdf.add_page()
    width = pdf.epw
    for kind, number, text in _numbered(doc):
        if kind == "title":
            pdf.set_font("Helvetica", "B", 14)
            pdf.multi_cell(width, 7, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
            continue
        if kind in ("h", "ht"):
            pdf.ln(2 if kind == "h" else 0)
            pdf.set_font("Helvetica", "B", 11 if kind == "h" else 9)
            pdf.multi_cell(width, 6, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
            continue
        pdf.set_font("Helvetica", size=9)
        if kind == "row":
            for cell in text.split(" | "):
                pdf.cell(width / 3, 5, cell)
            pdf.ln(5)
            continue
        indent = {"a": 6, "i": 12, "b": 6}.get(kind, 0)
        lead = number or ("-" if kind == "b" else "")
        pdf.set_x(10 + indent)
        if hang and lead:
            pdf.cell(7, 4.5, lead)
            pdf.multi_cell(width - indent - 7, 4.5, text, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(
                width - indent, 4.5, f"{lead} {text}".strip(), new_x="LMARGIN", new_y="NEXT"
            )
        pdf.ln(gap)
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


WRITERS = {"txt": as_text, "md": as_markdown, "html": as_html, "docx": as_docx, "pdf": as_pdf}


def _provisions(fmt: str, doc: list[tuple[str, str]]):
    reading = readers.read(WRITERS[fmt](doc), name=f"agreement.{fmt}")
    return build(reading.blocks)


@pytest.fixture(scope="module")
def v1() -> dict[str, list]:
    return {fmt: _provisions(fmt, V1) for fmt in WRITERS}


def _shape(provisions) -> list[tuple[str, str, str]]:
    return [(p.path, p.number, p.norm) for p in provisions]


def test_fixture_is_what_it_claims():
    """The PDF runs over pages with a header and page numbers that the reader drops; the
    DOCX holds no number in its text; the HTML none either."""
    pdf = as_pdf(V1)
    printed = extract_text(io.BytesIO(pdf))
    assert len(list(PDFPage.get_pages(io.BytesIO(pdf)))) >= 2
    assert printed.count("text for signature") >= 2 and "Page 2" in printed
    read = readers.read(pdf, name="a.pdf").text
    assert "text for signature" not in read and "Page 2" not in read
    word = Document(io.BytesIO(as_docx(V1)))
    assert not any(p.text[:1].isdigit() or p.text.startswith("(") for p in word.paragraphs)
    assert ">1.<" not in as_html(V1).decode() and "(a)" not in as_html(V1).decode()


def test_text_version_reads_as_intended(v1):
    got = {p.path: p.text for p in v1["txt"]}
    assert got["1.2.b"] == "police units stationed in the zone; and"
    assert got["2.3.b.ii"] == "logs of troop movements."
    assert [p.number for p in v1["txt"] if p.path.startswith("3.3.")] == ["", ""]
    assert got["4.3"].startswith("Either party")
    assert v1["txt"][-1].text.startswith("Done at Lakeside")
    assert len(v1["txt"]) == len(V1)  # one provision per heading, paragraph, point, row


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_every_format_reads_the_same_tree(v1, fmt):
    assert _shape(v1[fmt]) == _shape(v1["txt"])
    assert [p.depth for p in v1[fmt]] == [p.depth for p in v1["txt"]]


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_article_titles_below_their_numbers_read_as_on_one_line(v1, fmt):
    apart = _provisions(fmt, _titles_apart(V1))
    assert _shape(apart) == _shape(v1["txt"])
    assert [p.depth for p in apart] == [p.depth for p in v1["txt"]]
    assert {p.heading for p in apart if p.path.startswith("2.")} == {"Article 2 Monitoring mission"}


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(lambda: as_docx(V1, title_style="Heading 1"), id="docx"),
        pytest.param(lambda: as_markdown(V1).replace(b"\n## ", b"\n# "), id="md"),
        pytest.param(lambda: as_html(V1).replace(b"h2>", b"h1>"), id="html"),
    ],
)
def test_a_title_styled_as_the_sections_is_the_title(v1, data):
    """Every heading in one style, the title too: the unnumbered first one is the title,
    not a section holding the preamble."""
    blocks = readers.read(data()).blocks
    assert len({b.level for b in blocks if b.kind == "heading"}) == 1
    assert _shape(build(blocks)) == _shape(v1["txt"])


@pytest.mark.parametrize("printed", ["", ' style="list-style: none"'])
def test_html_items_that_print_their_own_numbers(v1, printed):
    """``<li>(a) ...`` in a plain ``ol``, or in one that shows no numbers: the number in
    the text is the one readers cite."""
    reading = readers.read(as_html(V1, printed), name="agreement.html")
    assert "(a) regular army units;" in reading.text
    assert _shape(build(reading.blocks)) == _shape(v1["txt"])


@pytest.mark.parametrize("articles", ["heading", "paragraph"])
def test_word_numbered_articles_on_empty_paragraphs(v1, articles):
    """ "Article 1" printed by Word's numbering on an otherwise empty paragraph."""
    reading = readers.read(as_docx(V1, articles=articles), name="agreement.docx")
    assert _shape(build(reading.blocks)) == _shape(v1["txt"])


@pytest.mark.parametrize("indent", ["   ", ""])
def test_markdown_points_as_paragraphs_read_the_same_tree(v1, indent):
    reading = readers.read(as_markdown_loose(V1, indent), name="agreement.md")
    assert _shape(build(reading.blocks)) == _shape(v1["txt"])


@pytest.mark.parametrize(("gap", "hang"), [(0, False), (0, True), (2, True)])
def test_pdf_layouts_read_the_same_tree(v1, gap, hang):
    """Points set without space between them (a line ending "; and" before "(c)"), and
    numbers hanging in a column of their own."""
    reading = readers.read(as_pdf(V1, gap, hang), name="agreement.pdf")
    assert _shape(build(reading.blocks)) == _shape(v1["txt"])


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_the_stored_text_reads_back_as_the_same_tree(v1, fmt):
    """A version's text (what ``show`` prints and a text-only copy keeps) holds the
    numbers, rows and bullets the format gave, and reads back as the same provisions."""
    reading = readers.read(WRITERS[fmt](V1), name=f"agreement.{fmt}")
    back = readers.read(reading.text.encode(), format="text")
    assert _shape(build(back.blocks)) == _shape(v1[fmt])


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_every_format_diffs_unchanged_against_text(v1, fmt):
    diff = diff_provisions(v1["txt"], v1[fmt])
    assert {c.kind for c in diff.changes} == {"unchanged"}
    assert not [c for c in diff.changes if c.renumbered or c.moved]


@pytest.fixture(scope="module")
def v2() -> dict[str, list]:
    return {fmt: _provisions(fmt, _v2()) for fmt in WRITERS}


# Every pair of formats, the PDF against the DOCX and the Markdown against the HTML first.
PAIRS = [("pdf", "docx"), ("md", "html")] + [
    (a, b) for a in WRITERS for b in WRITERS if (a, b) not in (("pdf", "docx"), ("md", "html"))
]


@pytest.mark.parametrize(("old_fmt", "new_fmt"), PAIRS)
def test_second_version_across_formats(v1, v2, old_fmt, new_fmt):
    diff = diff_provisions(v1[old_fmt], v2[new_fmt])
    changed = [
        (c.kind, [p.path for p in c.old], [p.path for p in c.new], c.renumbered, c.moved)
        for c in diff.changes
        if c.kind != "unchanged" or c.renumbered or c.moved
    ]
    # Paragraph 2(2) and everything after it in Article 2 moved down one number, unchanged.
    shifted = [
        ("unchanged", [old], [new], True, False)
        for old, new in (
            ("2.2", "2.3"),
            ("2.3", "2.4"),
            ("2.3.a", "2.4.a"),
            ("2.3.b", "2.4.b"),
            ("2.3.b.i", "2.4.b.i"),
            ("2.3.b.ii", "2.4.b.ii"),
        )
    ]
    assert changed == [
        ("modified", ["1.2.b"], ["1.2.b"], False, False),
        ("added", [], ["2.2"], False, False),
        *shifted,
        ("modified", ["3.1"], ["3.1"], False, False),
    ]
    figure = next(c for c in diff.changes if c.old and c.old[0].path == "3.1")
    assert [(t.type, t.old, t.new) for t in figure.terms] == [("deadline", "21", "30")]
    point = next(c for c in diff.changes if c.old and c.old[0].path == "1.2.b")
    assert point.new[0].text == "border guard units posted in the zone; and"


def test_cli_versions_in_three_formats(invoke, tmp_path: Path):
    for k, (fmt, date) in enumerate(
        (("docx", "2026-03-01"), ("pdf", "2026-03-02"), ("html", "2026-03-03")), start=1
    ):
        path = tmp_path / f"agreement.{fmt}"
        path.write_bytes(WRITERS[fmt](V1))
        out = invoke("add", "ceasefire", str(path), "--label", f"v{k}", "--at", date)
        assert out.code == 0, out.stderr
    listed = invoke("list", "ceasefire", "--json")
    assert listed.code == 0, listed.stderr
    steps = json.loads(listed.stdout)["versions"]
    assert [(v["label"], v["kind"], v["n_provisions"]) for v in steps] == [
        (f"v{k}", "plan", len(V1)) for k in (1, 2, 3)
    ]
    for step in steps[1:]:
        assert step["changes"]["unchanged"] == len(V1)
        assert not any(n for kind, n in step["changes"].items() if kind != "unchanged")
        assert step["headline"] == "no changes"
    diff = invoke("diff", "ceasefire", "v1", "v3", "--json")
    assert diff.code == 0, diff.stderr
    changes = json.loads(diff.stdout)["changes"]
    assert changes and {c["kind"] for c in changes} == {"unchanged"}
    assert not any(c["renumbered"] or c["moved"] for c in changes)


LEGAL = f"""<w:numbering {W}>
<w:abstractNum w:abstractNumId="1">
  {lvl(0, "decimal", "%1.")}
  {lvl(1, "decimal", "%1.%2")}
  {lvl(2, "lowerLetter", "(%3)")}
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">{lvl(0, "decimalZero", "Annex %1")}</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>
</w:numbering>"""


def test_word_multilevel_and_keyword_numbers_read_as_printed():
    """Word's ``%1.%2`` and ``Annex %1`` numbers, which are not in the text, give the
    provisions that the same numbers typed in a text give."""
    points = [
        (0, 1, "The parties stop all firing at dawn."),
        (1, 1, "Artillery is withdrawn twenty kilometres."),
        (1, 1, "Observers are admitted:"),
        (2, 1, "within three days;"),
        (2, 1, "without weapons."),
        (0, 1, "Prisoners are exchanged at the crossing."),
        (1, 1, "Lists of names are exchanged first."),
        (0, 2, "Maps of the line of contact."),
        (0, 2, "Timetable of the withdrawal."),
    ]
    d = Document()
    d.part.numbering_part._element = parse_xml(LEGAL)
    d.add_paragraph("Ceasefire Terms", style="Title")
    for ilvl, num, text in points:
        item(d, text, num, ilvl)
    out = io.BytesIO()
    d.save(out)
    typed = (
        "Ceasefire Terms\n\n1. The parties stop all firing at dawn.\n\n"
        "1.1 Artillery is withdrawn twenty kilometres.\n\n1.2 Observers are admitted:\n"
        "    (a) within three days;\n    (b) without weapons.\n\n"
        "2. Prisoners are exchanged at the crossing.\n\n2.1 Lists of names are exchanged first.\n\n"
        "Annex 01 Maps of the line of contact.\n\nAnnex 02 Timetable of the withdrawal.\n"
    )
    word = build(readers.read(out.getvalue(), name="terms.docx").blocks)
    text = build(readers.read(typed.encode(), name="terms.txt").blocks)
    assert _shape(word) == _shape(text)
    assert [p.path for p in word if p.number] == [
        "1", "1.1", "1.2", "1.2.a", "1.2.b", "2", "2.1", "Annex 01", "Annex 02",
    ]  # fmt: skip


# A news report on the agreement: prose, no structure. Two pages as a PDF, so that its
# running header and page numbers are told from the text.
NEWS: list[tuple[str, str]] = [
    ("title", "Monitors arrive in the river valley as the ceasefire holds"),
    (
        "para",
        "LAKESIDE, 4 March - The first 40 observers of the monitoring mission reached the "
        "river valley on Tuesday, two days after the ceasefire came into force.",
    ),
    (
        "para",
        "Local officials said the night had been quiet for the first time in weeks. Shops "
        "in the market reopened in the morning.",
    ),
    (
        "para",
        "The head of the mission said 1.5 million people live in the zone and that its "
        "reports would be published every week.",
    ),
    (
        "para",
        "Both parties have promised to withdraw heavy weapons within 21 days. Some "
        "residents said they would wait before returning home.",
    ),
    (
        "para",
        "Farmers on both banks asked the mission to check the fields for mines before the "
        "spring sowing begins next month.",
    ),
    (
        "para",
        "A spokesman for the northern delegation said the first weekly report would show "
        "whether the withdrawal had started on time.",
    ),
    (
        "para",
        "Aid convoys are expected to cross the bridge at Millford later this week, carrying "
        "food, medicine and building materials.",
    ),
    ("para", "The joint commission meets again on Friday."),
]


@pytest.mark.parametrize(("doc", "kind"), [(V1, "plan"), (NEWS, "reporting")])
def test_every_format_is_split_the_same_way(doc, kind):
    """The kind a version is stored as (``plan`` or ``reporting``) and its provisions, as
    ``tracker add`` reads them, whatever the format."""
    shapes = {}
    for fmt, write in WRITERS.items():
        source = read_document(write(doc), f"doc.{fmt}")
        assert kind_of(source) == kind, fmt
        shapes[fmt] = _shape(provisions_of(source, kind))
    assert len(shapes["txt"]) == len(doc)
    assert all(shape == shapes["txt"] for shape in shapes.values())
