"""A comparison as a Word redline: the new version's text with real tracked changes.

Every provision is one paragraph; words the diff deleted are ``w:del`` runs and words it
inserted are ``w:ins`` runs, so Word and LibreOffice show them as tracked changes that can
be accepted or rejected one by one or all at once: accepting all gives the new version's
text, rejecting all gives the old one's (a moved provision is edited in its new place). A
provision added or struck out whole has its paragraph mark tracked too, so accepting or
rejecting leaves no empty paragraph behind.

python-docx writes the package (parts, styles, relationships); it has no API for tracked
changes, so those are built as OOXML elements (ECMA-376 Part 1, 17.13.5).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from .compare import Comparison
from .diff import Change

AUTHOR = "tracker"


def _when(at: str | None) -> str:
    """A tracked change's w:date: the new version's time, in UTC, to the second."""
    if not at:
        return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    when = datetime.fromisoformat(at)
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Redline:
    def __init__(self, date: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        self.el, self.qn = OxmlElement, qn
        self.date = date
        self.next_id = 1

    def _mark(self, tag: str) -> Any:
        e = self.el(tag)
        e.set(self.qn("w:id"), str(self.next_id))
        e.set(self.qn("w:author"), AUTHOR)
        e.set(self.qn("w:date"), self.date)
        self.next_id += 1
        return e

    def run(self, text: str, deleted: bool = False, bold: bool = False) -> Any:
        """A w:r with ``text`` (w:delText inside a deletion); newlines become w:br."""
        r = self.el("w:r")
        if bold:
            rpr = self.el("w:rPr")
            rpr.append(self.el("w:b"))
            r.append(rpr)
        for i, line in enumerate(text.split("\n")):
            if i:
                r.append(self.el("w:br"))
            if line:
                t = self.el("w:delText" if deleted else "w:t")
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                t.text = line
                r.append(t)
        return r

    def inserted(self, text: str) -> Any:
        ins = self._mark("w:ins")
        ins.append(self.run(text))
        return ins

    def deleted(self, text: str) -> Any:
        d = self._mark("w:del")
        d.append(self.run(text, deleted=True))
        return d

    def track_mark(self, paragraph: Any, tag: str) -> None:
        """Track the paragraph mark itself (a paragraph added or struck out whole)."""
        ppr = paragraph._p.get_or_add_pPr()
        rpr = self.el("w:rPr")
        rpr.append(self._mark(tag))
        ppr.append(rpr)


def _paragraph(doc: Any, red: _Redline, c: Change) -> None:
    p = doc.add_paragraph()
    # The numbering as written ("6.", "Article 6."), tracked when it changed, so that
    # accepting every change gives the new numbering and rejecting gives the old.
    old_m = " ".join(x.marker for x in c.old if x.marker)
    new_m = " ".join(x.marker for x in c.new if x.marker)
    if old_m == new_m:
        if new_m:
            p._p.append(red.run(new_m + " ", bold=True))
    else:
        if old_m:
            p._p.append(red.deleted(old_m + " "))
        if new_m:
            p._p.append(red.inserted(new_m + " "))
    for op, text in c.ops:
        if op == "=":
            p._p.append(red.run(text))
        elif op == "-":
            p._p.append(red.deleted(text))
        else:
            p._p.append(red.inserted(text))
    if c.kind == "added":
        red.track_mark(p, "w:ins")
    elif c.kind == "removed":
        red.track_mark(p, "w:del")


def diff_docx(cmp: Comparison) -> bytes:
    """The redline of ``cmp`` as the bytes of a .docx file."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = f"{cmp.old.doc}: {cmp.old.label} → {cmp.new.label}"
    doc.core_properties.author = AUTHOR
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(f"{cmp.old.doc}: {cmp.old.label} → {cmp.new.label}", level=1)
    doc.add_paragraph(
        f"Changes from {cmp.old.label} ({cmp.old.at or cmp.old.doc}) to {cmp.new.label} "
        f"({cmp.new.at or cmp.new.doc}), as tracked changes: {cmp.diff.headline()}."
    )
    red = _Redline(_when(cmp.new.at))
    for c in cmp.diff.changes:
        _paragraph(doc, red, c)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
