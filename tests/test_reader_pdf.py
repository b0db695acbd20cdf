"""The PDF reader: paragraphs from lines, headings from fonts, running headers, footers and
page numbers dropped, hyphenation undone, on PDFs the test writes itself with fpdf2."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from io import BytesIO

import pytest
from fpdf import FPDF

from tracker import readers
from tracker.errors import InputError, TooLarge
from tracker.readers import Block
from tracker.readers import pdf as pdf_reader

# The agreement as printed: (style, lines). Paragraph lines are broken by hand so that the
# hyphenated word and the sentence ends fall where the test says.
BODY = [
    ("title", ["Ceasefire Agreement"]),
    (
        "p",
        [
            "The parties to this agreement, meeting under the auspices of the joint",
            "mediation, agree as follows.",
        ],
    ),
    ("h", ["Part I. Cessation of hostilities"]),
    (
        "p",
        [
            "1. The parties stop all firing at dawn on the first day after signature and",
            "hold their positions along the line of contact.",
        ],
    ),
    (
        "p",
        [
            "2. Artillery and mortars withdraw twenty kilometres from the line within",
            "three days. Observers may verify every withdrawal.",
        ],
    ),
    ("sub", ["(a) observers travel unarmed and in marked vehicles;"]),
    ("sub", ["(b) observers report to both parties every week."]),
    (
        "p",
        [
            "3. The parties resume negoti-",
            "ations on a non-aggression pact within ten days of the first exchange",
            "<page>",
            "of prisoners.",
        ],
    ),
    ("h", ["Part II. Monitoring"]),
    (
        "p",
        [
            "Article 5 A joint commission of six members, three named by each party,",
            "meets every week at the river crossing.",
        ],
    ),
    ("h2", ["Reports"]),
    (
        "p",
        [
            "4. The commission publishes a short report after each meeting, in both",
            "languages.",
        ],
    ),
]


class _Agreement(FPDF):
    def header(self):
        self.set_font("Helvetica", size=9)
        self.cell(0, 5, "Ceasefire Agreement - negotiating draft of 2 March", align="C")
        self.ln(14)

    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")


def agreement() -> bytes:
    """Three or more pages: plain paragraphs after each part heading push the points onto
    later pages; point 3 runs across a page break."""
    pdf = _Agreement(format=(148, 210))
    paragraphs = filler()
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=22)
    pdf.set_title("Ceasefire Agreement")
    pdf.set_author("Drafting Committee")
    pdf.set_creation_date(datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    for style, lines in BODY:
        if style == "title":
            pdf.set_font("Helvetica", "B", 16)
            pdf.cell(0, 9, lines[0], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
            continue
        if style in ("h", "h2"):
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 13 if style == "h" else 10)
            pdf.cell(0, 7, lines[0], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
            if style == "h":
                half = len(paragraphs) // 2
                _filler(pdf, paragraphs[:half] if "Part I." in lines[0] else paragraphs[half:])
            continue
        pdf.set_font("Helvetica", size=10)
        indent = 8 if style == "sub" else 0
        for line in lines:
            if line == "<page>":
                pdf.add_page()
                continue
            pdf.set_x(15 + indent)
            pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    out = BytesIO()
    pdf.output(out)
    return out.getvalue()


SUBJECTS = ("The northern delegation", "The river delegation", "The mediators", "Each party")
TOPICS = ("the grain convoys", "the border villages", "the power lines", "the school year")


def filler() -> list[tuple[str, str]]:
    """Plain paragraphs, two lines each, all different (so no body line repeats at the
    top of several pages like a running header would)."""
    return [
        (f"{s} takes note of the situation of {t} and", "asks for a written account soon.")
        for s in SUBJECTS
        for t in TOPICS
    ]


def _filler(pdf: FPDF, paragraphs: list[tuple[str, str]]) -> None:
    pdf.set_font("Helvetica", size=10)
    for lines in paragraphs:
        for line in lines:
            pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)


@pytest.fixture(scope="module")
def data() -> bytes:
    return agreement()


def test_blocks(data):
    reading = pdf_reader.read(data, "agreement.pdf")
    assert reading.format == "pdf" and reading.reader == "pdf/2"
    plain = [" ".join(lines) for lines in filler()]
    assert [b.text for b in reading.blocks if b.text in plain] == plain
    blocks = [b for b in reading.blocks if b.text not in plain]
    assert blocks == [
        Block("heading", "Ceasefire Agreement", level=1),
        Block(
            "paragraph",
            "The parties to this agreement, meeting under the auspices of the joint "
            "mediation, agree as follows.",
        ),
        Block("heading", "Part I. Cessation of hostilities", level=2),
        Block(
            "paragraph",
            "1. The parties stop all firing at dawn on the first day after signature and "
            "hold their positions along the line of contact.",
        ),
        Block(
            "paragraph",
            "2. Artillery and mortars withdraw twenty kilometres from the line within "
            "three days. Observers may verify every withdrawal.",
        ),
        Block("paragraph", "(a) observers travel unarmed and in marked vehicles;"),
        Block("paragraph", "(b) observers report to both parties every week."),
        Block(
            "paragraph",
            "3. The parties resume negotiations on a non-aggression pact within ten days "
            "of the first exchange of prisoners.",
        ),
        Block("heading", "Part II. Monitoring", level=2),
        Block(
            "paragraph",
            "Article 5 A joint commission of six members, three named by each party, "
            "meets every week at the river crossing.",
        ),
        Block("heading", "Reports", level=3),
        Block(
            "paragraph",
            "4. The commission publishes a short report after each meeting, in both languages.",
        ),
    ]
    assert "Page" not in reading.text and "negotiating draft" not in reading.text
    assert reading.text == readers.blocks_text(reading.blocks)
    assert reading.meta["title"] == "Ceasefire Agreement"
    assert reading.meta["author"] == "Drafting Committee"
    assert reading.meta["created"] == "2026-03-01T09:30:00+00:00"


def test_fixture_has_what_the_reader_must_drop(data):
    """The raw PDF does print the header, the footers and the hyphen that the reader drops,
    over at least three pages (so the test above can fail)."""
    from pdfminer.high_level import extract_pages, extract_text

    count = sum(1 for _ in extract_pages(BytesIO(data)))
    pages = [extract_text(BytesIO(data), page_numbers=[i]) for i in range(count)]
    assert len(pages) >= 3
    assert all("negotiating draft of 2 March" in p for p in pages)
    assert all(f"Page {i} of {len(pages)}" in p for i, p in enumerate(pages, 1))
    assert any("negoti-\n" in p for p in pages)
    # Point 3 starts on one page and ends on the next.
    [at] = [i for i, p in enumerate(pages) if "first exchange" in p]
    assert "of prisoners." not in pages[at] and "of prisoners." in pages[at + 1]


def test_dispatch_by_name_and_content(data):
    assert readers.read(data, name="x.pdf").reader == "pdf/2"
    assert readers.read(data).format == "pdf"  # sniffed from %PDF-


def test_page_numbers_and_tables():
    pdf = FPDF(format=(148, 210))
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    pdf.cell(0, 5, "- 1 -", align="C", new_x="LMARGIN", new_y="NEXT")
    for zone, km in (("North", "20 km"), ("River", "5 km")):
        pdf.cell(30, 5, zone)
        pdf.cell(30, 5, km, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)
    pdf.cell(0, 5, "The zones are fixed.", new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.cell(0, 5, "The parties meet again.", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(-20)
    pdf.cell(0, 5, "Page 2", align="C")
    reading = pdf_reader.read(bytes(pdf.output()), "zones.pdf")
    assert list(reading.blocks) == [
        Block("row", "North | 20 km"),
        Block("row", "River | 5 km"),
        Block("paragraph", "The zones are fixed."),
        Block("paragraph", "The parties meet again."),
    ]


def test_errors_name_the_format_and_the_failure(data):
    with pytest.raises(InputError, match=r"^x\.pdf: unknown PDF reader option\(s\): tracked"):
        readers.read(data, name="x.pdf", tracked="original")
    with pytest.raises(InputError, match=r"^x\.pdf: not a PDF \(no %PDF- header\)"):
        pdf_reader.read(b"just words", "x.pdf")
    with pytest.raises(InputError, match=r"^x\.pdf: corrupt PDF"):
        pdf_reader.read(b"%PDF-1.7\n%%EOF\n", "x.pdf")
    with pytest.raises(InputError, match=r"^x\.pdf: corrupt PDF"):
        pdf_reader.read(data[: len(data) // 3], "x.pdf")

    scanned = FPDF()
    scanned.add_page()
    scanned.rect(20, 20, 100, 60, style="F")  # drawn, not written: no text layer
    with pytest.raises(
        InputError, match=r"^scan\.pdf: no text layer \(a scanned PDF\? run OCR first\)"
    ):
        pdf_reader.read(bytes(scanned.output()), "scan.pdf")

    locked = FPDF()
    locked.set_encryption(owner_password="chair", user_password="delegate")
    locked.add_page()
    locked.set_font("Helvetica", size=10)
    locked.cell(0, 5, "Sealed annex.")
    with pytest.raises(InputError, match=r"^x\.pdf: encrypted PDF"):
        pdf_reader.read(bytes(locked.output()), "x.pdf")


def test_limits(monkeypatch, data):
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 2)
    with pytest.raises(TooLarge, match=r"^x\.pdf: PDF has \d+ pages \(limit 2\)"):
        pdf_reader.read(data, "x.pdf")
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 1000)
    monkeypatch.setattr(pdf_reader, "MAX_CHARS", 1000)
    with pytest.raises(TooLarge, match=r"^x\.pdf: PDF has more than 1000 characters"):
        pdf_reader.read(data, "x.pdf")


def test_scan_with_stamped_page_numbers_has_no_text_layer():
    pdf = FPDF()
    pdf.set_font("Helvetica", size=9)
    for page in (1, 2, 3):
        pdf.add_page()
        pdf.rect(20, 20, 150, 200, style="F")  # the scanned page, as a picture would be
        pdf.set_y(-15)
        pdf.cell(0, 5, f"Page {page} of 3", align="C")
    with pytest.raises(InputError, match=r"^scan\.pdf: no text layer"):
        pdf_reader.read(bytes(pdf.output()), "scan.pdf")


def test_garbage_never_crashes(data):
    rng = random.Random(9)
    samples = [b"", b"%PDF-", b"%PDF-1.4\n" + bytes(500)]
    samples += [b"%PDF-1.4\n" + rng.randbytes(rng.randrange(1, 3000)) for _ in range(15)]
    for _ in range(15):
        mutated = bytearray(data)
        for _ in range(8):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        samples.append(bytes(mutated))
    for sample in samples:
        try:
            reading = pdf_reader.read(sample, "fuzz.pdf")
        except InputError as e:
            assert str(e).startswith("fuzz.pdf: ")
        else:
            assert reading.format == "pdf"


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and pdf.get_string_width(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line]


def test_two_columns_and_chapter_heads():
    """Two-column pages are read column by column; a paragraph runs on from the foot of
    the left column to the top of the right one, and on to the next page; a running head
    with the chapter name and the page number is dropped although its text changes from
    page to page."""
    paragraphs = [
        " ".join(f"{s} {verb} {t} to the joint commission." for t in TOPICS)
        for verb in ("reports on", "explains", "writes about")
        for s in SUBJECTS
    ]
    pdf = FPDF(format=(210, 297))
    pdf.set_font("Helvetica", size=10)
    columns = [line for p in paragraphs for line in [*_wrap(pdf, p, 80), ""]]
    half = 24
    chapters = ("Chapter 1: Statement", "Chapter 2: Reports")
    for page, chapter in enumerate(chapters, 1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.text(15, 12, chapter)
        pdf.text(190, 12, str(page + 6))
        if page == 1:
            pdf.set_font("Helvetica", "B", 14)
            pdf.text(15, 25, "Joint statement of the mediators")
        pdf.set_font("Helvetica", size=10)
        text = columns[(page - 1) * 2 * half : page * 2 * half]
        for i, line in enumerate(text[:half]):
            pdf.text(15, 35 + 5 * i, line)
        for i, line in enumerate(text[half:]):
            pdf.text(110, 35 + 5 * i, line)
    reading = pdf_reader.read(bytes(pdf.output()), "statement.pdf")
    assert [b.text for b in reading.blocks if b.kind == "paragraph"] == paragraphs
    assert reading.blocks[0] == Block("heading", "Joint statement of the mediators", level=1)
    assert "Chapter" not in reading.text
    # The layout really is what the test says: paragraphs cross both column and page.
    assert 3 * half < len(columns) <= 4 * half
    assert columns[half - 1] and columns[half] and columns[2 * half - 1] and columns[2 * half]


def test_tight_lines_split_at_markers_after_a_sentence_end():
    """With no gap, indent or short line between them, a line that starts with a printed
    number after a line that ends a sentence starts a paragraph; a capitalised sentence
    after a full stop at full width does not."""
    lines = [
        "6. The parties exchange maps of the minefields within seven days of signing.",
        "7. Each party names two liaison officers who meet at the crossing each day and",
        "report to the commission on every incident along the line, in both languages.",
        "(a) The officers carry no weapons and wear marked armbands during every visit.",
        "Article 8 The commission keeps a register of incidents, open to both parties.",
        "Entries are made on the day of the incident and signed by both liaison officers.",
    ]
    pdf = FPDF(format=(210, 297))
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in lines:
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    reading = pdf_reader.read(bytes(pdf.output()), "tight.pdf")
    assert [b.text for b in reading.blocks] == [
        lines[0],
        f"{lines[1]} {lines[2]}",
        lines[3],
        f"{lines[4]} {lines[5]}",
    ]
    assert {b.kind for b in reading.blocks} == {"paragraph"}


def _unmapped_font_pdf(n_glyphs: int = 150) -> bytes:
    """A page of glyphs in a CID font with no Unicode map (no ToUnicode, Identity
    ordering), written by hand: fpdf2 always maps its fonts."""
    text = "".join(f"{(i % 40) + 3:04X}" for i in range(n_glyphs))
    lines = []
    for row in range(0, n_glyphs * 4, 120):
        lines.append(f"1 0 0 1 20 {280 - row // 120 * 14} Tm <{text[row : row + 120]}> Tj")
    content = ("BT /F1 12 Tf " + " ".join(lines) + " ET").encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Sealed /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Sealed /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R "
        b"/DW 500 >>",
        b"<< /Type /FontDescriptor /FontName /Sealed /Flags 4 /FontBBox [0 -200 1000 800] "
        b"/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_fonts_without_unicode_map_are_no_text_layer():
    with pytest.raises(
        InputError, match=r"^sealed\.pdf: no readable text layer \(150 glyphs in fonts"
    ):
        pdf_reader.read(_unmapped_font_pdf(), "sealed.pdf")
