"""The DOCX reader: Word's automatic numbering, headings, tables and tracked changes, on a
document the test writes itself with python-docx (the numbering part's XML written by hand)."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import UTC, datetime

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from wordml import W
from wordml import item as _item
from wordml import lvl as _lvl
from wordml import style_numbering as _style_numbering

from tracker import readers
from tracker.errors import InputError
from tracker.readers import Block
from tracker.readers import docx as docx_reader

BULLET = "\u2022"


# abstract 10: the agreement's points 1. / 1.1 / (a) / (i)
# abstract 20: bullets
# abstract 30: headings "Article I", sub-headings in legal numbering "1.1" (isLgl)
# abstract 40: annexes "Annex 01" (decimalZero), starting at 1 and restarting never
# num 1, 5 -> 10 (5 continues 1's sequence); num 2 -> 10 restarted at 1; num 6 -> 10
# restarted at 7; num 3 -> 20; num 4 -> 30 (through the Heading styles); num 7 -> 40
NUMBERING = f"""<w:numbering {W}>
<w:abstractNum w:abstractNumId="10">
  {_lvl(0, "decimal", "%1.")}
  {_lvl(1, "decimal", "%1.%2")}
  {_lvl(2, "lowerLetter", "(%3)")}
  {_lvl(3, "lowerRoman", "(%4)")}
</w:abstractNum>
<w:abstractNum w:abstractNumId="20">
  {_lvl(0, "bullet", BULLET)}
  {_lvl(1, "bullet", "o")}
</w:abstractNum>
<w:abstractNum w:abstractNumId="30">
  {_lvl(0, "upperRoman", "Article %1", extra='<w:pStyle w:val="Heading1"/>')}
  {_lvl(1, "decimal", "%1.%2", extra='<w:pStyle w:val="Heading2"/><w:isLgl/>')}
</w:abstractNum>
<w:abstractNum w:abstractNumId="40">
  {_lvl(0, "decimalZero", "Annex %1")}
  {_lvl(1, "upperLetter", "%2)", extra='<w:lvlRestart w:val="0"/>')}
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="10"/>
  <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="20"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="30"/></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="10"/></w:num>
<w:num w:numId="6"><w:abstractNumId w:val="10"/>
  <w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>
<w:num w:numId="7"><w:abstractNumId w:val="40"/></w:num>
</w:numbering>"""


def _raw(doc, xml: str) -> None:
    """Append a paragraph written as raw WordprocessingML (tracked changes)."""
    body = doc.element.body
    body.find(qn("w:sectPr")).addprevious(parse_xml(xml))


INS = 'w:id="{}" w:author="Drafting Committee" w:date="2026-03-02T10:00:00Z"'


def agreement() -> bytes:
    doc = Document()
    doc.part.numbering_part._element = parse_xml(NUMBERING)
    _style_numbering(doc, "Heading 1", 4)
    _style_numbering(doc, "Heading 2", 4)
    props = doc.core_properties
    props.title = "Ceasefire Agreement"
    props.author = "Drafting Committee"
    props.created = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    props.modified = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)

    doc.add_paragraph("Ceasefire Agreement", style="Title")
    doc.add_paragraph("The parties sign this agreement in good faith.")
    doc.add_paragraph("Cessation of hostilities", style="Heading 1")
    _item(doc, "The parties stop all firing at dawn on the first day.", 1, 0)
    _item(doc, "Artillery withdraws twenty kilometres from the line.", 1, 1)
    _item(doc, "Observers are admitted within three days.", 1, 1)
    _item(doc, "observers travel unarmed;", 1, 2)
    _item(doc, "observers report every week:", 1, 2)
    _item(doc, "in writing;", 1, 3)
    _item(doc, "in both languages.", 1, 3)
    _item(doc, "Prisoners are exchanged through the river crossing.", 1, 0)
    _item(doc, "Lists of names are exchanged first.", 1, 1)
    _item(doc, "the lists give ages;", 1, 2)
    doc.add_paragraph("Monitoring", style="Heading 1")
    doc.add_paragraph("Joint commission", style="Heading 2")
    _item(doc, "A joint commission of six members is formed.", 2, 0)
    # A numbered point inserted as a tracked change, paragraph mark included.
    _raw(
        doc,
        f'<w:p {W}><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr>'
        f"<w:rPr><w:ins {INS.format(1)}/></w:rPr></w:pPr>"
        f"<w:ins {INS.format(2)}><w:r><w:t>Mines are marked and fenced.</w:t></w:r></w:ins></w:p>",
    )
    _item(doc, "The commission meets weekly.", 2, 0)
    _item(doc, "Its decisions are unanimous.", 5, 0)
    _item(doc, "Violations are reported to both capitals.", 6, 0)
    doc.add_paragraph("Zones", style="Heading 2")
    _item(doc, "the northern zone", 3, 0)
    _item(doc, "the river villages", 3, 1)
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [("Zone", "Withdrawal", "Deadline"), ("North", "20 km", "3 days"), ("River", "", "")]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    # A tracked replacement inside a paragraph.
    _raw(
        doc,
        f'<w:p {W}><w:r><w:t xml:space="preserve">The ceasefire enters into force </w:t></w:r>'
        f"<w:del {INS.format(3)}><w:r><w:delText>on signature</w:delText></w:r></w:del>"
        f"<w:ins {INS.format(4)}><w:r><w:t>at midnight after signature</w:t></w:r></w:ins>"
        f"<w:r><w:t>.</w:t></w:r></w:p>",
    )
    # A paragraph mark deleted: the two paragraphs become one when accepted.
    _raw(
        doc,
        f"<w:p {W}><w:pPr><w:rPr><w:del {INS.format(5)}/></w:rPr></w:pPr>"
        f'<w:r><w:t xml:space="preserve">Either party may </w:t></w:r></w:p>',
    )
    doc.add_paragraph("request one extension of seven days.")
    # A sentence moved from here...
    _raw(
        doc,
        f'<w:p {W}><w:r><w:t xml:space="preserve">Convoys pass freely. </w:t></w:r>'
        f'<w:moveFrom {INS.format(6)} w:name="move1"><w:r><w:t>Heavy weapons stay in depots.'
        f"</w:t></w:r></w:moveFrom></w:p>",
    )
    # ... to here.
    _raw(
        doc,
        f'<w:p {W}><w:moveTo {INS.format(7)} w:name="move1"><w:r><w:t xml:space="preserve">'
        f"Heavy weapons stay in depots. </w:t></w:r></w:moveTo>"
        f"<w:r><w:t>Depots are sealed.</w:t></w:r></w:p>",
    )
    _item(doc, "Maps of the line", 7, 0)
    _item(doc, "Northern sector", 7, 1)
    _item(doc, "Timetable", 7, 0)
    _item(doc, "River sector", 7, 1)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def data() -> bytes:
    return agreement()


def test_blocks_with_word_numbering_accepted(data):
    reading = docx_reader.read(data, "agreement.docx")
    assert reading.format == "docx" and reading.reader == "docx/2"
    assert list(reading.blocks) == [
        Block("heading", "Ceasefire Agreement", level=1),
        Block("paragraph", "The parties sign this agreement in good faith."),
        Block("heading", "Article I Cessation of hostilities", level=2),
        Block("item", "The parties stop all firing at dawn on the first day.", 0, "1.", True),
        Block("item", "Artillery withdraws twenty kilometres from the line.", 1, "1.1", True),
        Block("item", "Observers are admitted within three days.", 1, "1.2", True),
        Block("item", "observers travel unarmed;", 2, "(a)", True),
        Block("item", "observers report every week:", 2, "(b)", True),
        Block("item", "in writing;", 3, "(i)", True),
        Block("item", "in both languages.", 3, "(ii)", True),
        # A shallower level advancing resets the deeper ones.
        Block("item", "Prisoners are exchanged through the river crossing.", 0, "2.", True),
        Block("item", "Lists of names are exchanged first.", 1, "2.1", True),
        Block("item", "the lists give ages;", 2, "(a)", True),
        Block("heading", "Article II Monitoring", level=2),
        # isLgl: the upper-roman article number prints in decimal in "%1.%2".
        Block("heading", "2.1 Joint commission", level=3),
        # num 2 restarts the list (lvlOverride/startOverride 1)...
        Block("item", "A joint commission of six members is formed.", 0, "1.", True),
        Block("item", "Mines are marked and fenced.", 0, "2.", True),
        Block("item", "The commission meets weekly.", 0, "3.", True),
        # ... num 5 has no override and continues the same abstract list ...
        Block("item", "Its decisions are unanimous.", 0, "4.", True),
        # ... num 6 restarts it at 7.
        Block("item", "Violations are reported to both capitals.", 0, "7.", True),
        Block("heading", "2.2 Zones", level=3),
        Block("item", "the northern zone", 0, "", False),
        Block("item", "the river villages", 1, "", False),
        Block("row", "Zone | Withdrawal | Deadline"),
        Block("row", "North | 20 km | 3 days"),
        Block("row", "River |  | "),
        Block("paragraph", "The ceasefire enters into force at midnight after signature."),
        Block("paragraph", "Either party may request one extension of seven days."),
        Block("paragraph", "Convoys pass freely."),
        Block("paragraph", "Heavy weapons stay in depots. Depots are sealed."),
        # decimalZero with a text pattern; lvlRestart 0: level 1 never restarts.
        Block("item", "Maps of the line", 0, "Annex 01", True),
        Block("item", "Northern sector", 1, "A)", True),
        Block("item", "Timetable", 0, "Annex 02", True),
        Block("item", "River sector", 1, "B)", True),
    ]
    assert reading.meta == {
        "title": "Ceasefire Agreement",
        "author": "Drafting Committee",
        "created": "2026-03-01T09:30:00+00:00",
        "modified": "2026-03-02T17:00:00+00:00",
    }
    text = reading.text
    assert text == readers.blocks_text(reading.blocks)
    assert "\n\n   1.1 Artillery withdraws" in text
    assert "\n\n         (i) in writing;" in text
    assert "\n\n- the northern zone" in text


def test_tracked_original(data):
    reading = docx_reader.read(data, "agreement.docx", tracked="original")
    texts = [(b.number, b.text) for b in reading.blocks]
    # The inserted point is gone and the later points are numbered without it.
    assert ("2.", "Mines are marked and fenced.") not in texts
    assert ("2.", "The commission meets weekly.") in texts
    assert ("3.", "Its decisions are unanimous.") in texts
    assert ("", "The ceasefire enters into force on signature.") in texts
    assert ("", "Either party may") in texts
    assert ("", "request one extension of seven days.") in texts
    assert ("", "Convoys pass freely. Heavy weapons stay in depots.") in texts
    assert ("", "Depots are sealed.") in texts
    assert "at midnight" not in reading.text


def test_dispatch_by_name_and_content(data):
    reading = readers.read(data, name="x.docx")
    assert reading.reader == "docx/2" and reading.name == "x.docx"
    assert readers.read(data).format == "docx"  # sniffed from the ZIP signature
    assert readers.read(data, name="x.docx", tracked="original").blocks != reading.blocks


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in files.items():
            z.writestr(name, content)
    return out.getvalue()


def test_errors_name_the_format_and_the_failure(data):
    with pytest.raises(InputError, match=r"^x\.docx: tracked='rejected' is not one of"):
        docx_reader.read(data, "x.docx", tracked="rejected")
    with pytest.raises(InputError, match=r"^x\.docx: unknown DOCX reader option\(s\): selector"):
        readers.read(data, name="x.docx", selector="main")
    with pytest.raises(
        InputError, match=r"^report\.docx: not a Word document \(no word/document\.xml"
    ):
        docx_reader.read(_zip({"content.xml": b"<office/>"}), "report.docx")
    with pytest.raises(InputError, match=r"^x\.docx: not a Word document \(not a ZIP file"):
        docx_reader.read(b"plain words, not a package", "x.docx")
    broken = _zip({"word/document.xml": b"<w:document", "[Content_Types].xml": b"<Types/>"})
    with pytest.raises(InputError, match=r"^x\.docx: corrupt Word document"):
        docx_reader.read(broken, "x.docx")


def test_garbage_never_crashes(data):
    rng = random.Random(9)
    samples = [b"", b"PK\x03\x04", data[: len(data) // 2], data[:-30]]
    samples += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000))) for _ in range(20)]
    # Flipped bytes inside a real document.
    for _ in range(20):
        mutated = bytearray(data)
        for _ in range(5):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        samples.append(bytes(mutated))
    for sample in samples:
        try:
            reading = docx_reader.read(sample, "fuzz.docx")
        except InputError as e:
            assert str(e).startswith("fuzz.docx: ")
        else:
            assert reading.format == "docx"


NUMBERING_2 = f"""<w:numbering {W}>
<w:abstractNum w:abstractNumId="50">
  {_lvl(0, "decimal", "%1.")}
  {_lvl(1, "decimal", "%1.%2")}
  {_lvl(2, "lowerLetter", "%3)", extra='<w:lvlRestart w:val="1"/>')}
</w:abstractNum>
<w:abstractNum w:abstractNumId="60">
  {_lvl(0, "none", "")}
  {_lvl(1, "decimal", "%2.")}
</w:abstractNum>
<w:num w:numId="8"><w:abstractNumId w:val="50"/></w:num>
<w:num w:numId="9"><w:abstractNumId w:val="60"/></w:num>
<w:num w:numId="10"><w:abstractNumId w:val="50"/>
  <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>
    {_lvl(0, "upperRoman", "%1.")}</w:lvlOverride></w:num>
</w:numbering>"""


def details() -> bytes:
    """Less common numbering and markup: lvlRestart naming level 1, a level printed with no
    number, a num that overrides a level's format, a deleted numbered point, a numbered
    paragraph in a table cell, an outline-level heading style, a content control, a field,
    hidden text, a non-breaking hyphen and a footnote mark."""
    from docx.enum.style import WD_STYLE_TYPE

    doc = Document()
    doc.part.numbering_part._element = parse_xml(NUMBERING_2)
    clause = doc.styles.add_style("Clause Title", WD_STYLE_TYPE.PARAGRAPH)
    clause.element.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {W} w:val="1"/>'))
    doc.add_paragraph("Exchange of prisoners", style="Clause Title")
    _item(doc, "Lists are exchanged.", 8, 0)
    _item(doc, "The lists give names.", 8, 1)
    _item(doc, "full names", 8, 2)
    _item(doc, "The lists give places of detention.", 8, 1)
    _item(doc, "and the date of capture", 8, 2)  # lvlRestart 1: level 1 does not restart it
    _raw(
        doc,
        f'<w:p {W}><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="8"/></w:numPr>'
        f"<w:rPr><w:del {INS.format(11)}/></w:rPr></w:pPr>"
        f"<w:del {INS.format(12)}><w:r><w:delText>Exchanges are public.</w:delText></w:r>"
        f"</w:del></w:p>",
    )
    _item(doc, "Exchanges take place at the crossing.", 8, 0)
    _item(doc, "with observers present", 8, 2)  # level 0 restarts it
    _item(doc, "Unnumbered lead-in:", 9, 0)
    _item(doc, "first sub-point", 9, 1)
    _item(doc, "Roman from the override.", 10, 0)
    _item(doc, "Second roman point.", 10, 0)
    _raw(
        doc,
        f'<w:sdt {W}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t xml:space="preserve">'
        f"Signed on page </w:t></w:r>"
        f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f"<w:r><w:instrText> PAGE </w:instrText></w:r>"
        f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>4</w:t></w:r>'
        f'<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        f"<w:r><w:rPr><w:vanish/></w:rPr><w:t>draft note</w:t></w:r>"
        f'<w:r><w:t xml:space="preserve"> under a non</w:t><w:noBreakHyphen/>'
        f"<w:t>aggression pledge.</w:t></w:r>"
        f'<w:r><w:footnoteReference w:id="1"/></w:r></w:p></w:sdtContent></w:sdt>',
    )
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Crossing"
    cell = table.cell(0, 1).paragraphs[0]
    cell.add_run("Opens at dawn.")
    cell._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W}><w:ilvl w:val="0"/><w:numId w:val="8"/></w:numPr>')
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_less_common_numbering_and_markup():
    data = details()
    accepted = docx_reader.read(data, "details.docx")
    assert list(accepted.blocks) == [
        Block("heading", "Exchange of prisoners", level=3),
        Block("item", "Lists are exchanged.", 0, "1.", True),
        Block("item", "The lists give names.", 1, "1.1", True),
        Block("item", "full names", 2, "a)", True),
        Block("item", "The lists give places of detention.", 1, "1.2", True),
        Block("item", "and the date of capture", 2, "b)", True),
        Block("item", "Exchanges take place at the crossing.", 0, "2.", True),
        Block("item", "with observers present", 2, "a)", True),
        Block("item", "Unnumbered lead-in:", 0, "", True),
        Block("item", "first sub-point", 1, "1.", True),
        Block("item", "Roman from the override.", 0, "I.", True),
        Block("item", "Second roman point.", 0, "II.", True),
        Block("paragraph", "Signed on page 4 under a non-aggression pledge."),
        # The cell's list shares its abstract definition, so its counter, with num 10,
        # which restarted it at I: it continues after II.
        Block("row", "Crossing | 3. Opens at dawn."),
    ]
    original = docx_reader.read(data, "details.docx", tracked="original")
    numbered = [(b.number, b.text) for b in original.blocks if b.kind == "item"]
    assert ("2.", "Exchanges are public.") in numbered
    assert ("3.", "Exchanges take place at the crossing.") in numbered
    assert original.blocks[-1] == Block("row", "Crossing | 3. Opens at dawn.")
