"""Word (.docx) -> blocks, with Word's automatic numbering computed as Word prints it.

python-docx opens the package (ZIP, content types, relationships, the styles and numbering
parts); the body, the numbering definitions and the tracked changes are read from the raw
WordprocessingML, because python-docx exposes neither computed list numbers nor revision
marks.

What is read:

- paragraphs and tables in body order (content controls and custom XML wrappers are looked
  through); a table gives one ``row`` block per row, cells joined with `` | `` (a cell's
  paragraphs joined with a space, nested tables flattened into the cell);
- headings by style: ``Title`` is level 1, ``Heading N`` level N + 1 (the block convention:
  1 for the title, 2 for a section); a custom style with an outline level counts as a
  heading of that level (stored 0-based: outline level k is block level k + 2, like
  ``Heading k+1``). A numbered heading gets its number prepended to its text
  (``"2. Definitions"``), since a heading block has no separate number;
- list paragraphs (``w:numPr`` on the paragraph or inherited through its style chain) become
  ``item`` blocks with ``level`` = ``ilvl`` and ``number`` = the number Word prints, computed
  from the numbering part (see :class:`_Numbering`); bullets get ``number=""`` and
  ``ordered=False``;
- tracked changes: ``tracked="accept"`` (default) reads the document as if every change
  were accepted (``w:ins``/``w:moveTo`` kept, ``w:del``/``w:moveFrom`` dropped, deleted
  paragraph marks join paragraphs, deleted table rows dropped); ``tracked="original"`` reads
  it as before the changes (the reverse, and formatting changes read from ``w:pPrChange``);
- core properties: ``title``, ``author``, ``created``, ``modified`` (ISO 8601) in ``meta``.

Left out, on purpose: footnotes, endnotes and comments (they are not part of the provision
text; their reference marks are dropped), headers and footers, text boxes and drawings
(Word stores a text box twice, as DrawingML and as a VML fallback, and it is rarely
provision text), equations (Office Math), symbol-font characters (``w:sym``), hidden text
(``w:vanish``) and field instructions (the field's displayed result is kept).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from .. import markers
from ..errors import InputError, TooLarge
from .base import Block, Reading

# 2: Word's computed numbers outside the text ("1.2", "Annex 01") are read as numbers
# when the provision tree is built, so versions read by 1 are read again; an empty
# paragraph numbered "Article 5" (or as a heading) is kept, with its number as its text.
READER = "docx/2"

# The uncompressed size of the package, all parts together. The caller limits the bytes of
# the file; this limits what a small hostile ZIP (a "zip bomb") inflates to in memory.
MAX_UNZIPPED = 256 * 1024 * 1024

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

P, TBL, TR, TC = W + "p", W + "tbl", W + "tr", W + "tc"
SDT, SDT_CONTENT, CUSTOM_XML = W + "sdt", W + "sdtContent", W + "customXml"
INS, DEL, MOVE_TO, MOVE_FROM = W + "ins", W + "del", W + "moveTo", W + "moveFrom"
VAL, ILVL, NUM_ID = W + "val", W + "ilvl", W + "numId"

# Elements whose content is never printed text: properties, drawings and text boxes,
# field instructions, footnote/endnote/comment reference marks.
_SKIP = frozenset(
    W + t
    for t in (
        "pPr",
        "rPr",
        "tblPr",
        "trPr",
        "tcPr",
        "drawing",
        "pict",
        "object",
        "instrText",
        "delInstrText",
        "footnoteReference",
        "endnoteReference",
        "commentReference",
        "annotationRef",
        "footnoteRef",
        "endnoteRef",
        "sym",
        "lastRenderedPageBreak",
    )
) | {MC + "AlternateContent"}

TRACKED = ("accept", "original")


def read(data: bytes, name: str = "<input>", tracked: str = "accept", **options: str) -> Reading:
    """Read a .docx file's bytes into blocks (see the module docstring for what is read).

    Raises :class:`~tracker.errors.InputError` when the bytes are not a Word document, the
    package is corrupt, or an option is unknown."""
    if options:
        raise InputError(
            f"{name}: unknown DOCX reader option(s): {', '.join(sorted(options))} (known: tracked)"
        )
    if tracked not in TRACKED:
        raise InputError(
            f"{name}: tracked={tracked!r} is not one of: {', '.join(TRACKED)} "
            "(read tracked changes as accepted, or the original text)"
        )
    _check_package(data, name)
    try:
        import docx as python_docx  # the package, not this module

        document = python_docx.Document(io.BytesIO(data))
        body = document.element.body
        styles = _Styles(document.styles.element)
        numbering = _Numbering(_numbering_element(document), styles)
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 - python-docx and lxml raise many kinds on bad input
        raise InputError(f"{name}: corrupt Word document ({_why(e)})") from None
    try:
        blocks = _Body(styles, numbering, tracked).read(body)
    except RecursionError:
        raise InputError(f"{name}: corrupt Word document (nesting too deep)") from None
    return Reading.of_blocks(blocks, "docx", READER, _core_properties(data), name)


def _why(e: Exception) -> str:
    msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{type(e).__name__}: {msg}"[:200] if msg else type(e).__name__


def _check_package(data: bytes, name: str) -> None:
    """A ZIP with a ``word/document.xml`` that inflates to a sane size, else InputError."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as e:
        raise InputError(f"{name}: not a Word document (not a ZIP file: {e})") from None
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        raise InputError(f"{name}: not a Word document (no word/document.xml in the ZIP)")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED:
        raise TooLarge(
            f"{name}: Word document inflates to {total} bytes (limit {MAX_UNZIPPED} bytes)"
        )


def _numbering_element(document):  # -> lxml element | None
    """The numbering part's root, or None when the document has no numbering part (python-
    docx's ``numbering_part`` would create an empty one; a lookup by relationship does not)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for rel in document.part.rels.values():
        if rel.reltype == RT.NUMBERING and not rel.is_external:
            return rel.target_part.element
    return None


def _core_properties(data: bytes) -> dict[str, str]:
    """``title``, ``author``, ``created``, ``modified`` from ``docProps/core.xml``, where the
    file says them. Read from the part itself: python-docx invents default properties
    (a title, a modified date of today) for a package that has none."""
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            raw = z.read("docProps/core.xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(raw, parser)
    except Exception:  # noqa: BLE001 - a missing or broken core part just means no meta
        return {}
    ns = {
        "dc": "http://purl.org/dc/elements/1.1/",
        "dcterms": "http://purl.org/dc/terms/",
    }
    meta: dict[str, str] = {}
    for key, path in (
        ("title", "dc:title"),
        ("author", "dc:creator"),
        ("created", "dcterms:created"),
        ("modified", "dcterms:modified"),
    ):
        el = root.find(path, ns)
        value = (el.text or "").strip() if el is not None else ""
        if not value:
            continue
        if key in ("created", "modified"):
            try:
                value = datetime.fromisoformat(value).isoformat()
            except ValueError:
                continue  # a date the file does not say clearly is not said
        meta[key] = value
    return meta


# ---------------------------------------------------------------------------- styles


@dataclass
class _Style:
    name: str = ""
    based_on: str | None = None
    num_id: str | None = None
    ilvl: int | None = None
    outline: int | None = None


class _Styles:
    """Paragraph styles: name, base style, numbering and outline level, resolved through
    the ``w:basedOn`` chain."""

    def __init__(self, root) -> None:
        self.styles: dict[str, _Style] = {}
        self.default: str | None = None
        if root is None:
            return
        for el in root.iter(W + "style"):
            if el.get(W + "type", "paragraph") != "paragraph":
                continue
            sid = el.get(W + "styleId") or ""
            st = _Style()
            name = el.find(W + "name")
            st.name = (name.get(VAL) or "") if name is not None else ""
            based = el.find(W + "basedOn")
            st.based_on = based.get(VAL) if based is not None else None
            ppr = el.find(W + "pPr")
            if ppr is not None:
                num_id, ilvl = _num_pr(ppr)
                st.num_id, st.ilvl = num_id, ilvl
                outline = ppr.find(W + "outlineLvl")
                st.outline = _int(outline.get(VAL)) if outline is not None else None
            self.styles[sid] = st
            if el.get(W + "default") in ("1", "true", "on"):
                self.default = sid

    def chain(self, sid: str | None):
        """The style and its bases, nearest first (cycles cut)."""
        seen = set()
        sid = sid if sid in self.styles else self.default
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            yield sid, self.styles[sid]
            sid = self.styles[sid].based_on

    def numbering(self, sid: str | None) -> tuple[str | None, int | None]:
        """The ``(numId, ilvl)`` a style gives its paragraphs (either may be None)."""
        num_id = ilvl = None
        for _, st in self.chain(sid):
            if num_id is None and st.num_id is not None:
                num_id = st.num_id
            if ilvl is None and st.ilvl is not None:
                ilvl = st.ilvl
        return num_id, ilvl

    def heading_level(self, sid: str | None, outline: int | None) -> int | None:
        """The block level of a heading style (Title 1, Heading N N+1, outline level k
        k+2), or None for body text."""
        for _, st in self.chain(sid):
            name = st.name.strip().lower()
            if name == "title":
                return 1
            if name.startswith("heading "):
                n = _int(name[8:])
                if n is not None and 1 <= n <= 9:
                    return n + 1
        if outline is None:
            for _, st in self.chain(sid):
                if st.outline is not None:
                    outline = st.outline
                    break
        # Outline level 9 is "body text".
        if outline is not None and 0 <= outline <= 8:
            return outline + 2
        return None


def _int(s: str | None) -> int | None:
    try:
        return int(s) if s is not None else None
    except ValueError:
        return None


def _num_pr(ppr) -> tuple[str | None, int | None]:
    """``(numId, ilvl)`` of a ``w:pPr``'s ``w:numPr``, either None when absent."""
    num_pr = ppr.find(W + "numPr")
    if num_pr is None:
        return None, None
    num_el, ilvl_el = num_pr.find(NUM_ID), num_pr.find(ILVL)
    num_id = num_el.get(VAL) if num_el is not None else None
    ilvl = _int(ilvl_el.get(VAL)) if ilvl_el is not None else None
    return num_id, ilvl


# ---------------------------------------------------------------------------- numbering


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart: 1-based level whose use restarts this one
    legal: bool = False  # w:isLgl: every number in this level's text in decimal
    style: str | None = None  # w:pStyle: the paragraph style linked to this level


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # lvlOverride/startOverride
    levels: dict[int, _Level] = field(default_factory=dict)  # lvlOverride/lvl


def _level(el) -> _Level:
    lv = _Level()
    start = el.find(W + "start")
    if start is not None:
        lv.start = _int(start.get(VAL)) or 0
    fmt = el.find(W + "numFmt")
    if fmt is None:
        # Word 2010+ may wrap a custom format in mc:AlternateContent; the fallback holds
        # the plain format every reader understands.
        fmt = el.find(f"{MC}AlternateContent/{MC}Fallback/{W}numFmt")
    if fmt is not None:
        lv.fmt = fmt.get(VAL) or "decimal"
    if el.find(W + "lvlPicBulletId") is not None:
        lv.fmt = "bullet"
    text = el.find(W + "lvlText")
    lv.text = (text.get(VAL) or "") if text is not None else ""
    restart = el.find(W + "lvlRestart")
    if restart is not None:
        lv.restart = _int(restart.get(VAL))
    legal = el.find(W + "isLgl")
    lv.legal = legal is not None and legal.get(VAL, "1") not in ("0", "false", "off")
    style = el.find(W + "pStyle")
    lv.style = style.get(VAL) if style is not None else None
    return lv


class _Numbering:
    """Word's automatic numbering, computed paragraph by paragraph in document order.

    Covered: abstract numbering levels with ``w:start``, ``w:numFmt`` (decimal,
    decimalZero, lowerLetter, upperLetter, lowerRoman, upperRoman, ordinal, bullet, none;
    other formats print as decimal), ``w:lvlText`` patterns (``%1.``, ``%1.%2``, ``(%3)``,
    ``Article %1``), ``w:lvlRestart``, ``w:isLgl``, ``w:lvlPicBulletId`` (a bullet),
    ``w:num`` instances with ``w:lvlOverride`` (``w:startOverride`` restarts the level at
    the instance's first paragraph; an overriding ``w:lvl`` replaces the level's format),
    ``w:numStyleLink`` (a list defined by a numbering style), levels tied to a paragraph
    style by ``w:pStyle``.

    Counters live on the abstract definition, as in Word: paragraphs of different
    ``w:num`` instances of one abstract list continue one sequence unless an instance
    restarts it. A level restarts when a shallower level (or the one its ``lvlRestart``
    names) is used. Every numbered paragraph advances its counter, even an empty one,
    because Word prints a number for it.
    """

    def __init__(self, root, styles: _Styles) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.links: dict[str, str] = {}  # abstractNumId -> numbering style it links to
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.applied: set[str] = set()  # nums whose start overrides have been applied
        self.styles = styles
        if root is None:
            return
        for el in root.iter(W + "abstractNum"):
            aid = el.get(W + "abstractNumId") or ""
            levels = {}
            for lvl in el.findall(W + "lvl"):
                ilvl = _int(lvl.get(ILVL))
                if ilvl is not None and 0 <= ilvl <= 8:
                    levels[ilvl] = _level(lvl)
            self.abstracts[aid] = levels
            link = el.find(W + "numStyleLink")
            if link is not None and link.get(VAL):
                self.links[aid] = link.get(VAL)
        for el in root.iter(W + "num"):
            nid = el.get(W + "numId")
            ref = el.find(W + "abstractNumId")
            if nid is None or ref is None:
                continue
            num = _Num(abstract=ref.get(VAL) or "")
            for ov in el.findall(W + "lvlOverride"):
                ilvl = _int(ov.get(ILVL))
                if ilvl is None or not 0 <= ilvl <= 8:
                    continue
                so = ov.find(W + "startOverride")
                if so is not None and _int(so.get(VAL)) is not None:
                    num.starts[ilvl] = _int(so.get(VAL)) or 0
                lvl = ov.find(W + "lvl")
                if lvl is not None:
                    num.levels[ilvl] = _level(lvl)
            self.nums[nid] = num

    def _abstract_id(self, nid: str) -> str | None:
        """The abstract definition a num instance uses, following a numbering style link
        (abstract -> style -> num -> abstract) at most a few steps."""
        num = self.nums.get(nid)
        if num is None:
            return None
        aid = num.abstract
        for _ in range(4):
            style = self.links.get(aid)
            if style is None:
                break
            linked, _ = self.styles.numbering(style)
            if linked is None or linked not in self.nums:
                break
            aid = self.nums[linked].abstract
        return aid if aid in self.abstracts else None

    def level_for_style(self, nid: str, sid: str | None) -> int | None:
        """The level of list ``nid`` tied to paragraph style ``sid`` (``w:pStyle``)."""
        aid = self._abstract_id(nid)
        if aid is None or sid is None:
            return None
        for style_id, _style in self.styles.chain(sid):
            for ilvl, lv in self.abstracts[aid].items():
                if lv.style == style_id:
                    return ilvl
        return None

    def next(self, nid: str, ilvl: int) -> tuple[str, bool] | None:
        """Advance list ``nid`` at level ``ilvl``; the printed number and whether the level
        is ordered, or None when the paragraph is not numbered after all."""
        aid = self._abstract_id(nid)
        if aid is None:
            return None
        num = self.nums[nid]
        ilvl = max(0, min(ilvl, 8))
        levels = {**self.abstracts[aid], **num.levels}
        if ilvl not in levels:
            return None
        counters = self.counters.setdefault(aid, [None] * 9)
        if nid not in self.applied:
            self.applied.add(nid)
            for lvl in num.starts:
                counters[lvl] = None  # restart: the next use prints the override's start

        def start(lvl: int) -> int:
            if lvl in num.starts:
                return num.starts[lvl]
            return levels[lvl].start if lvl in levels else 1

        current = counters[ilvl]
        counters[ilvl] = start(ilvl) if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            lv = levels.get(deeper)
            restart = lv.restart if lv is not None and lv.restart is not None else deeper
            if restart > deeper:  # names a level that is not shallower: ignored
                restart = deeper
            if ilvl < restart:  # lvlRestart 0 never restarts
                counters[deeper] = None
        level = levels[ilvl]
        if level.fmt == "bullet":
            return "", False
        out = []
        text = level.text
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "%" and i + 1 < len(text) and text[i + 1] in "123456789":
                ref = int(text[i + 1]) - 1
                count = counters[ref]
                value = count if count is not None else start(ref)
                fmt = levels[ref].fmt if ref in levels else "decimal"
                if level.legal and fmt not in ("bullet", "none"):
                    fmt = "decimal"
                out.append(_format(value, fmt))
                i += 2
            else:
                out.append(ch)
                i += 1
        return "".join(out).strip(), True


def _roman(n: int) -> str:
    return markers.to_roman(n) or str(n)


def _letter(n: int) -> str:
    """Word's letters: a..z, then aa..zz, then aaa.. (the letter repeated). A start value
    in the millions would make a megabyte of letters: past 780 (zzzzzz...) print digits."""
    if n <= 0 or n > 780:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _format(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letter(n)
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}" if 0 <= n < 10 else str(n)
    if fmt == "ordinal":
        return _ordinal(n)
    if fmt in ("none", "bullet"):
        return ""
    return str(n)  # decimal, and the formats not covered (cardinalText, Asian scripts...)


# ---------------------------------------------------------------------------- body


@dataclass
class _Para:
    text: str
    style: str | None
    num_id: str | None
    ilvl: int | None
    outline: int | None


class _Body:
    """Walks the body in order and turns paragraphs and tables into blocks."""

    def __init__(self, styles: _Styles, numbering: _Numbering, tracked: str) -> None:
        self.styles = styles
        self.numbering = numbering
        self.original = tracked == "original"
        # Text of a paragraph whose mark is removed in the view being read: it runs on
        # into the next paragraph (Word joins the two when the change is accepted).
        self.carry = ""

    def read(self, body) -> list[Block]:
        blocks: list[Block] = []
        for el in _body_elements(body):
            if el.tag == P:
                para = self._para(el)
                if para is None:
                    continue
                block = self._block(para)
                if block is not None:
                    blocks.append(block)
            else:
                self._flush(blocks)
                blocks.extend(self._table(el))
        self._flush(blocks)
        return blocks

    def _flush(self, blocks: list[Block]) -> None:
        """A paragraph whose mark was removed but that nothing follows stands alone."""
        if self.carry.strip():
            blocks.append(Block("paragraph", self.carry.strip()))
        self.carry = ""

    def _para(self, p) -> _Para | None:
        """The paragraph's text and properties in the view being read, or None when its
        mark is removed (its text is carried into the next paragraph)."""
        ppr = p.find(W + "pPr")
        text = self.carry + _text(p, self.original)
        self.carry = ""
        if ppr is not None and self._mark_removed(ppr):
            self.carry = text
            return None
        props = ppr
        if self.original and ppr is not None:
            change = ppr.find(f"{W}pPrChange/{W}pPr")
            if change is not None:
                props = change  # the properties before a tracked formatting change
        style = num_id = ilvl = outline = None
        if props is not None:
            ps = props.find(W + "pStyle")
            style = ps.get(VAL) if ps is not None else None
            num_id, ilvl = _num_pr(props)
            ol = props.find(W + "outlineLvl")
            outline = _int(ol.get(VAL)) if ol is not None else None
        return _Para(text, style, num_id, ilvl, outline)

    def _mark_removed(self, ppr) -> bool:
        rpr = ppr.find(W + "rPr")
        if rpr is None:
            return False
        removed = (INS, MOVE_TO) if self.original else (DEL, MOVE_FROM)
        return any(rpr.find(tag) is not None for tag in removed)

    def _number(self, para: _Para) -> tuple[str, bool, int] | None:
        """``(number, ordered, ilvl)`` for a numbered paragraph, else None."""
        style_num, style_ilvl = self.styles.numbering(para.style)
        num_id = para.num_id if para.num_id is not None else style_num
        if num_id is None or num_id == "0":  # numId 0: numbering removed explicitly
            return None
        ilvl = para.ilvl
        if ilvl is None:
            ilvl = style_ilvl
        if ilvl is None:
            ilvl = self.numbering.level_for_style(num_id, para.style)
        ilvl = 0 if ilvl is None else max(0, min(ilvl, 8))  # Word has levels 0..8
        got = self.numbering.next(num_id, ilvl)
        if got is None:
            return None
        return got[0], got[1], ilvl

    def _block(self, para: _Para) -> Block | None:
        numbered = self._number(para)
        text = para.text.strip()
        level = self.styles.heading_level(para.style, para.outline)
        if not text:
            # An empty paragraph prints nothing, unless Word numbers it as a heading or
            # with a keyword ("Article 5" on a line of its own, its title in the next
            # paragraph, as drafts set articles): then its number is what it prints.
            number = numbered[0] if numbered else ""
            if not number or not (level is not None or _keyword_number(number)):
                return None
            if level is not None:
                return Block("heading", number, level=level)
            return Block("paragraph", number)
        if level is not None:
            if numbered and numbered[0]:
                text = f"{numbered[0]} {text}"
            return Block("heading", text, level=level)
        if numbered is not None:
            number, ordered, ilvl = numbered
            return Block("item", text, level=ilvl, number=number, ordered=ordered)
        return Block("paragraph", text)

    def _table(self, tbl) -> list[Block]:
        rows = []
        for tr in tbl.iter(TR):
            if _enclosing_table(tr) is not tbl:
                continue  # a nested table's row: read inside its cell
            trpr = tr.find(W + "trPr")
            if trpr is not None:
                removed = INS if self.original else DEL
                if trpr.find(removed) is not None:
                    continue
            cells = []
            for tc in tr:
                if tc.tag == TC:
                    cells.append(self._cell(tc))
                elif tc.tag in (SDT, CUSTOM_XML):
                    cells.extend(self._cell(c) for c in tc.iter(TC) if _enclosing_row(c) is tr)
            if any(c for c in cells):
                rows.append(Block("row", " | ".join(cells)))
        return rows

    def _cell(self, tc) -> str:
        parts = []
        for el in _body_elements(tc):
            if el.tag == P:
                para = self._para(el)
                if para is None:
                    continue
                numbered = self._number(para)
                text = para.text.strip()
                if text and numbered and numbered[0]:
                    text = f"{numbered[0]} {text}"
                if text:
                    parts.append(text)
            else:
                parts.extend(b.text for b in self._table(el))
        if self.carry.strip():
            parts.append(self.carry.strip())
        self.carry = ""
        return " ".join(" ".join(parts).split("\n"))


def _keyword_number(number: str) -> bool:
    """Whether Word's computed ``number`` names a provision (``Article 5``, ``Annex II``)."""
    m = markers.parse(number)
    return m is not None and bool(m.keyword) and m.end >= len(number.rstrip())


def _enclosing_table(el):
    parent = el.getparent()
    while parent is not None and parent.tag != TBL:
        parent = parent.getparent()
    return parent


def _enclosing_row(el):
    parent = el.getparent()
    while parent is not None and parent.tag != TR:
        parent = parent.getparent()
    return parent


def _body_elements(container):
    """Paragraphs and tables of a body or cell in order, looking through content controls
    (``w:sdt``) and custom XML wrappers."""
    for child in container:
        tag = child.tag
        if tag in (P, TBL):
            yield child
        elif tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from _body_elements(content)
        elif tag == CUSTOM_XML:
            yield from _body_elements(child)


def _text(p, original: bool) -> str:
    """A paragraph's printed text in the view being read."""
    out: list[str] = []
    dropped = (INS, MOVE_TO) if original else (DEL, MOVE_FROM)
    _walk(p, dropped, original, out)
    return "".join(out)


_T, _DEL_TEXT, _TAB, _BR, _CR = W + "t", W + "delText", W + "tab", W + "br", W + "cr"
_NB_HYPHEN, _SOFT_HYPHEN, _R, _VANISH = W + "noBreakHyphen", W + "softHyphen", W + "r", W + "vanish"


def _walk(el, dropped: tuple[str, str], original: bool, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP or tag in dropped:
            continue
        if tag == _T:
            out.append(child.text or "")
        elif tag == _DEL_TEXT:
            if original:
                out.append(child.text or "")
        elif tag == _TAB:
            out.append("\t")
        elif tag in (_BR, _CR):
            if child.get(W + "type") not in ("page", "column"):
                out.append("\n")
        elif tag == _NB_HYPHEN:
            out.append("-")
        elif tag == _SOFT_HYPHEN:
            pass
        elif tag == P:
            # A paragraph inside a paragraph (text box content that escaped _SKIP): its
            # text runs on with a space rather than being glued to ours.
            out.append(" ")
            _walk(child, dropped, original, out)
        else:
            if tag == _R:
                rpr = child.find(W + "rPr")
                if rpr is not None:
                    vanish = rpr.find(_VANISH)
                    if vanish is not None and vanish.get(VAL, "1") not in ("0", "false", "off"):
                        continue  # hidden text is not printed
            _walk(child, dropped, original, out)
