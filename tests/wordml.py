"""WordprocessingML for test documents written with python-docx: a numbering part's levels
and paragraphs tied to a list, written by hand since python-docx has no API for automatic
numbering. Shared by the tests that build DOCX fixtures."""

from __future__ import annotations

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

W = nsdecls("w")


def lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    """One ``w:lvl`` of an abstract numbering: its format (``decimal``, ``lowerLetter``,
    ``bullet``...) and the text Word prints (``%1.``, ``(%2)``)."""
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'{extra}<w:lvlText w:val="{text}"/></w:lvl>'
    )


def style_numbering(doc, style_name: str, num_id: int) -> None:
    """Tie a paragraph style to a list (its level is found through the level's pStyle)."""
    ppr = doc.styles[style_name].element.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {W}><w:numId w:val="{num_id}"/></w:numPr>'))


def item(doc, text: str, num_id: int, ilvl: int) -> None:
    """A paragraph numbered by Word: list ``num_id`` at level ``ilvl``."""
    p = doc.add_paragraph(text)
    p._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )
