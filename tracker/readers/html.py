"""HTML -> blocks: web pages as published (news articles, official texts on the web).

The page is parsed with lxml's HTML parser (libxml2: fast, forgiving of the tag soup that
real pages are made of, and the same tree the rest of the pipeline can query with XPath or
CSS). Reading goes in four steps:

1. **Decode.** A byte-order mark wins; then bytes beyond ASCII that are valid UTF-8 are
   UTF-8 (a stale declaration is far more common than legacy text that happens to be valid
   UTF-8); then a charset given by the caller (an HTTP ``Content-Type`` header ranks above
   the page's own declaration, as in browsers); then ``<meta charset>``,
   ``<meta http-equiv="Content-Type">`` or the XML declaration near the top; else UTF-8.
   Bytes that fit none of these are an :class:`InputError` naming the encoding and the
   offset, as for text files: a wrong guess would store mojibake that every later version
   then "changes".
2. **Meta.** What the page says about itself (title, published and modified dates,
   canonical URL, author) is read from ``<head>``, JSON-LD and microdata before anything is
   dropped. Values are kept as the page gives them: dates are parsed later, by the caller,
   with :mod:`tracker.dates`.
3. **Drop page furniture** (see :func:`_clean`): scripts, navigation, the page's header and
   footer, asides, forms, hidden elements and banners recognised by a short list of
   id/class words.
4. **Choose what to read** (``main``) and walk it into blocks (see :class:`_Walker`).

``main`` and what each choice costs (CPU times from ``bench/html_reader_bench.py`` on a
generated 1 MB page: parse alone 6-10 ms, structural reading 150-250 ms, with
trafilatura 1.3-1.6 s; the first trafilatura call of a process adds 0.3 s of imports):

- ``"auto"`` (default): a ``selector``, when given, wins: only the matched elements are
  read. Otherwise the page's own markup is trusted first: ``<main>``, ``role="main"`` or a
  single top-level ``<article>`` (among several, the one holding most of the page's text)
  is read as the main text (a tree search, no real cost). Only when the page looks like
  a news article (``og:type=article``, JSON-LD ``NewsArticle``/``Article``, an
  ``<article>``) and that reading yields little prose (see
  :func:`_thin`) is trafilatura asked to find the main text, and its pick replaces the
  marked element only when it holds more text (an ``<article>`` around the headline
  alone). Pages with no such mark are read whole unless they look like news and the whole
  body is mostly menus and teasers. Trafilatura is kept to those cases because it costs
  five to ten times the structural reading and, being a heuristic, may leave out a short
  paragraph that matters in a negotiated text.
- ``"all"``: the whole body (after dropping furniture); the cheapest, and the most
  predictable for official pages whose every paragraph matters.
- ``"trafilatura"``: always trafilatura (for sites whose markup misleads the rules above).

When trafilatura is used, its output says *which* paragraphs are the main text, but the
blocks still come from our own walk of the page, keeping only those paragraphs: numbers of
ordered lists as printed (trafilatura's XML drops ``start``, ``value`` and ``type``) and the
same text normalisation as the structural reading, so a page read one way in one version
and the other way in the next still compares paragraph by paragraph. When that matching
keeps too little of trafilatura's text (it rewrote the text in a way we cannot match), its
XML is turned into blocks directly.
"""

from __future__ import annotations

import codecs
import copy
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import lxml.etree
import lxml.html

from ..errors import InputError
from ..markers import to_roman
from .base import Block, Reading

# 2: items of an ordered list that prints no number (list-style: none) are unmarked.
READER = "html/2"
MAIN_CHOICES = ("auto", "all", "trafilatura")

# --- decoding -------------------------------------------------------------------------

# The HTML standard's prescan looks at the first 1024 bytes; real pages put a long
# comment or inline script before <meta charset>, so look a little further. Cost: one regex
# over 8 KiB.
_PRESCAN = 8192
_META_CHARSET = re.compile(
    rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_XML_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
# Labels that browsers decode as windows-1252 (WHATWG Encoding): a page that says latin-1
# really means cp1252 (curly quotes in 0x80-0x9F), and Python's latin-1 would give C1
# control characters instead.
_WINDOWS_1252_LABELS = frozenset(
    "iso-8859-1 iso8859-1 latin1 latin-1 l1 ascii us-ascii cp819 ibm819 iso-ir-100 x-cp1252".split()
)


# Other labels that browsers read as a superset (WHATWG Encoding), so bytes that the
# named codec would refuse still read as they show on screen.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
}


def _decode(data: bytes, name: str, charset: str | None) -> str:
    for bom, enc, label in (
        (codecs.BOM_UTF8, "utf-8", "UTF-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc)
            except UnicodeDecodeError as exc:
                at = exc.start + len(bom)
                raise InputError(
                    f"{name}: has a {label} byte-order mark but is not {label} "
                    f"(byte 0x{data[at]:02x} at offset {at})"
                ) from None
    if b"\x00" in data:
        raise InputError(f"{name}: looks like a binary file, not HTML (contains NUL bytes)")
    if not data.isascii():
        # Bytes beyond ASCII that form valid UTF-8 are UTF-8, whatever is declared: text
        # in a legacy charset practically never forms valid UTF-8 sequences, while a
        # stale declaration is common (a CMS that says latin-1 and writes UTF-8, a page
        # transcoded to UTF-8 that keeps its <meta charset>). Pure ASCII goes on to the
        # declaration, so 7-bit charsets (ISO-2022-JP) still read as declared.
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    declared, how = charset, "was served as"
    if not declared:
        m = _XML_ENCODING.match(data) or _META_CHARSET.search(data[:_PRESCAN])
        declared, how = (m.group(1).decode("ascii") if m else None), "declares its charset as"
    codec = "utf-8"
    if declared:
        label = declared.strip().lower()
        codec = "cp1252" if label in _WINDOWS_1252_LABELS else _SUPERSETS.get(label, label)
        # A UTF-16 declaration in bytes that had no UTF-16 byte-order mark is a lie (the
        # standard says to read such a page as UTF-8).
        if codec.replace("-", "").replace("_", "").startswith("utf16"):
            codec = "utf-8"
        try:
            codec = codecs.lookup(codec).name  # "windows-1252" -> "cp1252"
        except LookupError:
            codec = ""
    try:
        return data.decode(codec or "utf-8")
    except UnicodeDecodeError as exc:
        bad = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
    if codec == "cp1252":
        # The five bytes windows-1252 leaves undefined are invisible control characters
        # in browsers: drop them, as the page shows.
        return data.decode("cp1252", errors="ignore")
    if not declared:
        why = "declares no charset (no byte-order mark, no <meta charset>) and is not UTF-8"
    elif not codec:
        why = f"{how} {declared!r}, which is not a known charset, and is not UTF-8"
    elif codec == "utf-8":
        why = f"{how} {declared!r} but is not UTF-8"
    else:
        why = f"{how} {declared!r} but is not {declared}, nor UTF-8"
    raise InputError(f"{name}: {why} ({bad}) - save the page in UTF-8 or declare its real charset")


# --- text normalisation ---------------------------------------------------------------

# Characters a browser does not show: soft hyphen, zero-width space, word joiner, BOM.
# Zero-width (non-)joiners are kept: they change how some scripts are written.
# C0 control characters other than whitespace are not shown either.
_INVISIBLE = dict.fromkeys(
    [*map(ord, "\u00ad\u200b\u2060\ufeff\x7f"), *range(0x01, 0x09), *range(0x0E, 0x20)], None
)


class _Break:
    """A ``<br>`` in a block's text: a line break that whitespace collapsing keeps."""


_BR = _Break()


def _lines(parts: list[str | _Break]) -> list[str]:
    """Inline text pieces -> lines: whitespace collapsed as a browser does (any run of
    spaces, tabs and newlines is one space, none at a line's ends); ``&nbsp;`` and the
    other Unicode spaces count as spaces too, so a page that swaps a space for ``&nbsp;``
    does not show a change."""
    lines: list[str] = []
    cur: list[str] = []
    for p in parts:
        if isinstance(p, _Break):  # _BR, the only one
            lines.append("".join(cur))
            cur = []
        else:
            cur.append(p)
    lines.append("".join(cur))
    # str.split() splits on exactly the characters that \s matches, ten times faster.
    return [" ".join(line.translate(_INVISIBLE).split()) for line in lines]


def _collapse(text: str) -> str:
    return " ".join(text.translate(_INVISIBLE).split())


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines -> paragraphs: an empty line (``<br><br>``, a blank line in ``<pre>``) ends a
    paragraph, as in plain text, so that :func:`blocks_text` read back by the text reader
    gives the same blocks."""
    out, cur = [], []
    for line in lines:
        if line.strip():
            cur.append(line)
        elif cur:
            out.append("\n".join(cur))
            cur = []
    if cur:
        out.append("\n".join(cur))
    return out


# --- list numbers ---------------------------------------------------------------------

_STYLE_TYPES = {
    "decimal": "1",
    "lower-alpha": "a",
    "lower-latin": "a",
    "upper-alpha": "A",
    "upper-latin": "A",
    "lower-roman": "i",
    "upper-roman": "I",
    "none": "",
}
_LIST_STYLE = re.compile(r"list-style(?:-type)?\s*:\s*([a-z-]+)", re.IGNORECASE)


def _list_type(el: lxml.html.HtmlElement, default: str) -> str:
    """The marker type an ``ol`` or ``li`` prints: CSS ``list-style-type`` in its style
    attribute wins over the ``type`` attribute (as in browsers); ``""`` for none."""
    m = _LIST_STYLE.search(el.get("style") or "")
    if m and m.group(1).lower() in _STYLE_TYPES:
        return _STYLE_TYPES[m.group(1).lower()]
    t = (el.get("type") or "").strip()
    return t if t in ("1", "a", "A", "i", "I") else default


def _marker(n: int, kind: str) -> str:
    """An ordinal as a browser prints it: ``4.``, ``d.``, ``iv.``. Alphabetic and roman
    markers fall back to decimal where they cannot count (0, negatives, past 3999), as
    browsers do."""
    if kind == "":
        return ""
    if kind in ("a", "A") and n > 0:
        s = ""
        while n > 0:
            n, r = divmod(n - 1, 26)
            s = chr(ord("a") + r) + s
        return (s if kind == "a" else s.upper()) + "."
    if kind in ("i", "I") and 0 < n < 4000:
        s = to_roman(n)
        return (s if kind == "i" else s.upper()) + "."
    return f"{n}."


def _int_attr(el: lxml.html.HtmlElement, attr: str) -> int | None:
    try:
        return int((el.get(attr) or "").strip())
    except ValueError:
        return None


@dataclass
class _List:
    """The state of one list being walked: the next ordinal, its direction, its type."""

    ordered: bool
    kind: str
    next: int
    step: int


# --- the walk -------------------------------------------------------------------------

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Elements that start a new block (the CSS display of their default style is block, list
# item or table). Everything else is inline: its text joins the surrounding paragraph.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend "
    "li listing main menu nav ol p plaintext pre section summary table tbody td tfoot th "
    "thead tr ul xmp".split()
)
_LISTS = frozenset(("ol", "ul", "menu", "dir"))


@dataclass
class _Sink:
    """Where the text of the current block goes: its kind, and for a list item its
    level, pending number (given to the first block only) and whether it is ordered."""

    kind: str
    level: int = 0
    number: str = ""
    ordered: bool = False


class _Walker:
    """Walks an element tree into blocks, like a browser lays out boxes: inline text
    gathers into the current block; a block-level element ends it. So a ``div`` with text
    of its own, or text between two ``p`` inside a ``div``, is a paragraph of its own.

    - ``h1``..``h6`` (and ``role="heading"`` with ``aria-level``): a heading;
    - ``p``, ``div`` and other blocks with text, ``pre``, ``dt``, ``dd``: paragraphs;
    - ``li``: items, ``level`` = list nesting (0 at the top), ``number`` as printed. An item
      with several paragraphs gives several ``item`` blocks at the same level, the first
      with the number, the others with ``number=""``: they stay inside the item (an
      ``item`` after the numbered one belongs to it), where a ``paragraph`` would read as
      text after the list and end it;
    - ``table``: one ``row`` per ``tr``, cells joined with `` | `` (header rows too); a
      layout table (``role="presentation"``, or cells holding headings, lists or tables)
      is read as the blocks in its cells; a list printed as a table (each row a marker
      cell such as ``(a)`` and a text cell, as official journals print points) gives
      ``item`` blocks numbered by the marker, nested tables one level down;
    - ``blockquote``: its paragraphs are ``quote`` blocks;
    - ``br``: a line break in the block (two in a row end the paragraph).
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str | _Break] = []
        self.sinks: list[_Sink] = [_Sink("paragraph")]
        self.lists: list[_List] = []
        self.pre = 0
        self.layout = 0

    # Output

    def flush(self) -> None:
        parts, self.parts = self.parts, []
        if not parts:
            return
        if self.pre:
            text = "".join(p if isinstance(p, str) else "\n" for p in parts)
            lines = [line.translate(_INVISIBLE).rstrip() for line in text.split("\n")]
            lines = _dedent(lines)
        else:
            lines = _lines(parts)
        for para in _paragraphs(lines):
            self.emit(para)

    def emit(self, text: str) -> None:
        # NFC: a page that switches between composed and decomposed accents (é as one
        # character or as e + accent) looks the same and must compare the same.
        text = unicodedata.normalize("NFC", text)
        sink = self.sinks[-1]
        if sink.kind == "item":
            self.blocks.append(Block("item", text, sink.level, sink.number, sink.ordered))
            sink.number = ""
        elif sink.kind == "heading":
            self.blocks.append(Block("heading", text.replace("\n", " "), sink.level))
        else:
            self.blocks.append(Block(sink.kind, text))

    # Walk

    def walk(self, el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # comment, processing instruction
            return
        tag = tag.lower()
        if tag == "br":
            self.parts.append(_BR)
            return
        if tag not in _BLOCK_TAGS and el.get("role") != "heading":
            self.inline(el)
            return
        self.flush()
        if tag in _HEADINGS or el.get("role") == "heading":
            level = _HEADINGS.get(tag) or _int_attr(el, "aria-level") or 2
            self.sinks.append(_Sink("heading", level=max(1, min(level, 6))))
            self.inline(el)
            self.flush()
            self.sinks.pop()
        elif tag in _LISTS:
            self.list(el, tag)
        elif tag == "li":
            self.item(el)
        elif tag == "table" and (marked := _marker_rows(el)) is not None:
            self.marker_table(marked)
        elif tag == "table" and not _is_layout_table(el):
            self.table(el)
        elif tag == "table":
            self.layout += 1
            self.inline(el)
            self.flush()
            self.layout -= 1
        elif tag == "tr" and not self.layout:
            # A row met outside its table: a selector picked it, or tag soup.
            self.table(el)
        elif tag == "blockquote":
            top = self.sinks[-1]
            # A quote inside a list item stays in the item.
            self.sinks.append(top if top.kind == "item" else _Sink("quote"))
            self.inline(el)
            self.flush()
            self.sinks.pop()
        elif tag in ("pre", "listing", "plaintext", "xmp"):
            self.pre += 1
            self.inline(el)
            self.flush()
            self.pre -= 1
        else:
            self.inline(el)
            self.flush()

    def inline(self, el: lxml.html.HtmlElement) -> None:
        """The element's own text and children, in order (children may be blocks)."""
        if el.text:
            self.parts.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.parts.append(child.tail)

    def list(self, el: lxml.html.HtmlElement, tag: str) -> None:
        ordered = tag == "ol"
        kind = _list_type(el, "1") if ordered else ""
        items = [c for c in el if c.tag == "li"]
        reversed_ = ordered and el.get("reversed") is not None
        start = _int_attr(el, "start")
        if start is None:
            start = len(items) if reversed_ else 1
        self.lists.append(_List(ordered, kind, start, -1 if reversed_ else 1))
        self.inline(el)
        self.flush()
        self.lists.pop()

    def item(self, el: lxml.html.HtmlElement) -> None:
        lst = self.lists[-1] if self.lists else None
        number, ordered = "", False
        if lst is not None and lst.ordered:
            value = _int_attr(el, "value")
            if value is not None:
                lst.next = value
            number = _marker(lst.next, _list_type(el, lst.kind))
            # "list-style: none" prints no number: its items are unmarked, each one a
            # provision (an ordered item without a number is another paragraph of one).
            ordered = bool(number)
            lst.next += lst.step
        level = max(len(self.lists) - 1, 0)
        self.sinks.append(_Sink("item", level=level, number=number, ordered=ordered))
        self.inline(el)
        self.flush()
        self.sinks.pop()

    def marker_table(self, rows: Sequence[tuple[str, lxml.html.HtmlElement]]) -> None:
        """A list printed as a table, one item per row: the marker cell is the item's
        number, the other cell its text (which may hold further such tables: the next
        level down)."""
        self.lists.append(_List(True, "", 0, 0))
        level = len(self.lists) - 1
        for marker, cell in rows:
            bullet = marker in _BULLETS
            self.sinks.append(_Sink("item", level, "" if bullet else marker, not bullet))
            self.inline(cell)
            self.flush()
            self.sinks.pop()
        self.lists.pop()

    def table(self, el: lxml.html.HtmlElement) -> None:
        """Rows of a data table. Tag soup is read as browsers read it: cells outside any
        ``tr`` make a row of their own; other content inside the table (a ``div``, a
        ``p``, text) is read as the blocks it holds, in order."""
        loose: list[lxml.html.HtmlElement] = []  # cells met outside a tr

        def end_loose() -> None:
            if loose:
                self.row(loose)
                loose.clear()

        def text(t: str | None) -> None:
            if t and t.strip():
                end_loose()
                self.parts.append(t)
                self.flush()

        def rows(parent: lxml.html.HtmlElement) -> None:
            text(parent.text)
            for child in parent:
                tag = child.tag.lower() if isinstance(child.tag, str) else ""
                if tag in ("td", "th"):
                    loose.append(child)
                    text(child.tail)
                    continue
                end_loose()
                if tag in ("tr", "thead", "tbody", "tfoot"):
                    rows(child)
                    end_loose()
                elif tag and tag not in ("colgroup", "col"):
                    self.walk(child)
                    self.flush()
                text(child.tail)

        rows(el)
        end_loose()

    def row(self, cells: Sequence[lxml.html.HtmlElement]) -> None:
        texts = []
        for cell in cells:
            if not isinstance(cell.tag, str):
                continue
            sub = _Walker()
            sub.inline(cell)
            sub.flush()
            texts.append(" ".join(_collapse(b.text) for b in sub.blocks))
        if any(texts):
            row = " | ".join(texts).strip()  # no stray space where an end cell is empty
            self.blocks.append(Block("row", unicodedata.normalize("NFC", row)))


def _dedent(lines: list[str]) -> list[str]:
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return [line[cut:] for line in lines]


# A list marker printed in a cell of its own: 1 1. 4.2 (3) a) (b) iv. (xii) A. and bullets.
# Letters need their dot or brackets, so that a two-column table of codes (EU | ...) stays
# a table.
_MARKER = re.compile(
    r"\(?\d{1,3}(?:\.\d{1,3})*[.)]?\)?"
    r"|\(?(?:[a-z]{1,2}|[A-Z]|[ivxlcdm]{2,7}|[IVXLCDM]{2,7})[.)]"
    r"|[\u2014\u2013\u2022\u00b7\u25aa\u25e6*-]"
)
_BULLETS = frozenset("\u2014\u2013\u2022\u00b7\u25aa\u25e6*-")


def _marker_rows(table: lxml.html.HtmlElement) -> list[tuple[str, lxml.html.HtmlElement]] | None:
    """The rows of a table that prints a list (every row: a cell holding only a list
    marker, then a cell with the text), as (marker, text cell); None for any other table.
    Official journals lay out points and sub-points this way, with the sub-points as
    such tables inside the text cell; read as rows they would give "(a) | text"."""
    rows = []
    for part in [table, *(c for c in table if c.tag in ("thead", "tbody", "tfoot"))]:
        for tr in part:
            if tr.tag != "tr":
                continue
            cells = [c for c in tr if c.tag in ("td", "th")]
            if len(cells) != 2:
                return None
            marker = _collapse(cells[0].text_content())
            if len(marker) > 8 or not _MARKER.fullmatch(marker):
                return None
            rows.append((marker, cells[1]))
    return rows or None


def _is_layout_table(table: lxml.html.HtmlElement) -> bool:
    """A table used for layout, not data: its rows would be whole pages of text."""
    if (table.get("role") or "").lower() in ("presentation", "none"):
        return True
    for el in table.iterdescendants():
        if isinstance(el.tag, str) and el.tag.lower() in (
            "table",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "ul",
            "ol",
        ):
            return True
    return False


def _walk(roots: Iterable[lxml.html.HtmlElement]) -> list[Block]:
    w = _Walker()
    for root in roots:
        w.walk(root)
        w.flush()
    return w.blocks


# --- dropping page furniture ----------------------------------------------------------

# Never text: always dropped.
_ALWAYS_DROP = frozenset(
    "script style noscript template svg math iframe frame frameset object embed canvas "
    "video audio map button select datalist textarea input head title link meta base".split()
)
# Page furniture by element or role (nav, aside, a closed dialog, the page's header and
# footer): always dropped. A form or a hidden element is dropped unless it holds most of
# the page's text (see _clean): some sites wrap the whole page in one <form> (ASP.NET
# WebForms does), or mark it aria-hidden or display:none until a script or a cookie
# dialog is done.
_FURNITURE_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "search"))
# Page furniture by id/class word. Conservative on purpose, because the same words name
# sections of the texts we track: a privacy policy has a <section id="cookies">, a "How we
# share information" part with id="sharing", a finance page a class="share-prices" table.
# So a word only counts as a whole word of an id or class (``share-bar`` has ``share``;
# ``shareholders`` has not), only on containers (div, section, ul...: never a paragraph,
# list item, heading or table), and the element is dropped only when
#
# - its id/class also names a widget (``cookie-banner``, ``share-bar``, ``newsletter-signup``),
#   or it is a modal dialog (role=dialog, aria-modal), or most of its text is links (share
#   bars, lists of related stories);
# - or, for the words that never name a part of a text (FURNITURE_WORDS), it holds no
#   heading (a section of a text has one; a banner rarely does);
#
# and never when it holds most of the page's text (``<body class="cookie-banner-open">``).
# The words of WEAK_FURNITURE_WORDS (``social``, ``related``...) count only with a widget
# word, a dialog or links. Left out on purpose: ``ad``/``ads``/``promo`` (short words that
# name real content too), ``sidebar`` (aside and role=complementary cover it), ``hidden``
# (only a hint; the hidden attribute, aria-hidden and display:none are the real signals).
FURNITURE_WORDS = frozenset(
    "cookie cookies consent gdpr newsletter subscribe paywall breadcrumb breadcrumbs comments "
    "disqus".split()
)
WEAK_FURNITURE_WORDS = frozenset(
    "share sharing sharebar social related recommended trending subscription".split()
)
WIDGET_WORDS = frozenset(
    "banner bar notice popup modal dialog overlay prompt toast widget box buttons button "
    "icons tools toolbar links signup cta stories articles posts teaser teasers".split()
)
_WORD_TAGS = frozenset("div section aside ul ol menu span form dialog figure header footer".split())
_HEADING_XPATH = "boolean(self::h1|self::h2|self::h3|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6)"
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# A <header>/<footer> inside these is the header of that part, not of the page (the
# HTML standard gives the banner/contentinfo roles only outside them).
_SECTIONING = frozenset(("article", "main", "section", "aside", "nav"))


def _words(el: lxml.html.HtmlElement) -> set[str]:
    raw = f"{el.get('id') or ''} {el.get('class') or ''}"
    if not raw.strip():
        return set()
    return {w.lower() for w in _WORD_SPLIT.split(raw) if w}


def _furniture(el: lxml.html.HtmlElement, tag: str) -> str:
    """``"hard"`` for what is page furniture by its very element or role (dropped always),
    ``"soft"`` for what only may be (dropped unless it holds most of the text), else ``""``."""
    if tag in ("nav", "aside") or (tag == "dialog" and el.get("open") is None):
        return "hard"
    if (el.get("role") or "").strip().lower() in _FURNITURE_ROLES:
        return "hard"
    if tag in ("header", "footer") and not any(
        isinstance(a.tag, str) and a.tag.lower() in _SECTIONING for a in el.iterancestors()
    ):
        return "hard"
    if tag == "form":
        return "soft"
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return "soft"
    style = el.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return "soft"
    return "soft" if tag in _WORD_TAGS and _named_furniture(el) else ""


def _named_furniture(el: lxml.html.HtmlElement) -> bool:
    """Whether the id/class words name a banner or widget (see FURNITURE_WORDS)."""
    words = _words(el)
    strong, weak = words & FURNITURE_WORDS, words & WEAK_FURNITURE_WORDS
    if not strong and not weak:
        return False
    if words & WIDGET_WORDS:
        return True
    role = (el.get("role") or "").strip().lower()
    if role in ("dialog", "alertdialog") or (el.get("aria-modal") or "").lower() == "true":
        return True
    if _link_share(el) >= 0.5:
        return True
    return bool(strong) and not el.xpath(_HEADING_XPATH)


def _link_share(el: lxml.html.HtmlElement) -> float:
    total = _text_size(el)
    if not total:
        return 1.0
    return sum(_text_size(a) for a in el.iter("a")) / total


def _text_size(el: lxml.html.HtmlElement) -> int:
    return len("".join(el.text_content().split()))


def _drop(el: lxml.html.HtmlElement) -> None:
    """Remove ``el`` but keep its tail text (which belongs to the parent)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _clean(root: lxml.html.HtmlElement) -> None:
    """Drop, in place, everything under ``root`` that is not the page's text (``root``
    itself is kept): what is never text, then page furniture (see :func:`_furniture`);
    what is only maybe furniture stays when it holds more than half of the text under
    ``root``. Cost: one pass over the elements, one text count per candidate."""
    for el in list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        _drop(el)
    for el in list(root.iterdescendants()):
        if isinstance(el.tag, str) and el.tag.lower() in _ALWAYS_DROP:
            _drop(el)
    total = _text_size(root)
    candidates = []
    for el in root.iterdescendants():
        if isinstance(el.tag, str):
            how = _furniture(el, el.tag.lower())
            if how:
                candidates.append((el, how))
    dropped: set[lxml.html.HtmlElement] = set()
    for el, how in candidates:
        if any(a in dropped for a in el.iterancestors()):
            continue
        if how == "soft" and total and _text_size(el) * 2 > total:
            continue
        if el.tag == "header":
            # A page header that holds the page's <h1> (the headline above the text, not
            # inside an <article>): the headline stays, the rest of the header goes.
            for h1 in el.iter("h1"):
                if not any(a.tag == "nav" for a in h1.iterancestors()):
                    h1.tail = None
                    el.addprevious(copy.deepcopy(h1))
                    break
        _drop(el)
        dropped.add(el)


# --- meta -----------------------------------------------------------------------------

# schema.org types of a news or blog article (Article and its subtypes that pages use).
_ARTICLE_TYPES = frozenset(
    "article newsarticle reportagenewsarticle analysisnewsarticle backgroundnewsarticle "
    "opinionnewsarticle reviewnewsarticle blogposting liveblogposting report "
    "scholarlyarticle".split()
)


def _json_ld(doc: lxml.html.HtmlElement) -> list[dict]:
    """Every JSON-LD object on the page (``@graph`` flattened); broken JSON is skipped,
    as browsers and search engines do."""
    out: list[dict] = []

    def add(obj: object) -> None:
        if isinstance(obj, list):
            for o in obj:
                add(o)
        elif isinstance(obj, dict):
            out.append(obj)
            if "@graph" in obj:
                add(obj["@graph"])

    for script in doc.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            add(json.loads(script.text or "", strict=False))
        except ValueError:
            continue
    return out


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    names = t if isinstance(t, list) else [t]
    return {str(n).rsplit("/", 1)[-1].lower() for n in names if n}


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _meta_tags(doc: lxml.html.HtmlElement) -> dict[str, str]:
    """``<meta>`` by property, name or itemprop (lowercased), first one wins."""
    out: dict[str, str] = {}
    for m in doc.iter("meta"):
        content = m.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop"):
            key = (m.get(attr) or "").strip().lower()
            if key and key not in out:
                out[key] = content.strip()
    return out


def _first(*values: object) -> str:
    for v in values:
        if isinstance(v, str) and v.strip():
            return _collapse(v)
    return ""


def _read_meta(doc: lxml.html.HtmlElement) -> tuple[dict[str, str], bool]:
    """The page's meta, and whether it looks like a news article."""
    tags = _meta_tags(doc)
    objects = _json_ld(doc)
    articles = [o for o in objects if _types(o) & _ARTICLE_TYPES]
    # Article objects first: a page's JSON-LD also describes the site and its publisher.
    ld_pick = articles + [o for o in objects if o not in articles]

    def ld(key: str) -> str:
        return _first(*(o.get(key) for o in ld_pick))

    def itemprop(prop: str) -> str:
        for el in doc.xpath(f'//*[@itemprop="{prop}"]'):
            v = el.get("content") or el.get("datetime")
            if v and v.strip():
                return v.strip()
        return ""

    # The head's title; an SVG's <title> in the body only when the head has none.
    title_el = doc.find("head/title")
    if title_el is None:
        title_el = doc.find(".//title")
    h1 = doc.find(".//h1")
    header_time = doc.xpath("//article//header//time[@datetime]/@datetime")
    canonical = doc.xpath(
        '//link[contains(concat(" ", normalize-space(@rel), " "), " canonical ")]'
    )
    authors: list[str] = []
    for o in ld_pick:
        authors = _names(o.get("author"))
        if authors:
            break
    meta = {
        "title": _first(
            tags.get("og:title"),
            title_el.text_content() if title_el is not None else None,
            h1.text_content() if h1 is not None else None,
        ),
        "published": _first(
            tags.get("article:published_time"),
            ld("datePublished"),
            itemprop("datePublished"),
            tags.get("og:published_time"),
            tags.get("dcterms.issued"),
            tags.get("dc.date.issued"),
            tags.get("dc.date"),
            tags.get("date"),
            header_time[0] if header_time else None,
        ),
        "modified": _first(
            tags.get("article:modified_time"),
            ld("dateModified"),
            itemprop("dateModified"),
            tags.get("og:updated_time"),
            tags.get("dcterms.modified"),
        ),
        "url": _first(canonical[0].get("href") if canonical else None, tags.get("og:url")),
        "author": _first(
            tags.get("author"),
            ", ".join(dict.fromkeys(a.strip() for a in authors if a.strip())),
            tags.get("article:author"),
        ),
    }
    news = (
        tags.get("og:type", "").lower() == "article"
        or bool(articles)
        or doc.find(".//article") is not None
    )
    return {k: v for k, v in meta.items() if v}, news


# --- choosing what to read ------------------------------------------------------------


def _select(doc: lxml.html.HtmlElement, selector: str, name: str) -> list:
    from cssselect import SelectorError

    try:
        found = doc.cssselect(selector)
    except SelectorError as exc:
        raise InputError(f"{name}: bad CSS selector {selector!r} ({exc})") from None
    found_set = set(found)
    # An element inside another matched one is read as part of it, once.
    roots = [el for el in found if not any(a in found_set for a in el.iterancestors())]
    if not roots:
        raise InputError(f"{name}: CSS selector {selector!r} matches nothing in the page")
    return roots


def _marked_main(body: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The element the page marks as its main text: ``<main>``, ``role="main"``, the
    only top-level ``<article>``, or among several (a story and teasers marked up as
    articles too) the one that holds most of the page's text."""
    for el in body.iter("main"):
        return el
    for el in body.xpath('.//*[@role="main"]'):
        return el
    articles = [
        a for a in body.iter("article") if not any(p.tag == "article" for p in a.iterancestors())
    ]
    if len(articles) <= 1:
        return articles[0] if articles else None
    sizes = [_text_size(a) for a in articles]
    biggest = max(range(len(articles)), key=sizes.__getitem__)
    return articles[biggest] if sizes[biggest] * 2 > _text_size(body) else None


def _thin(blocks: list[Block]) -> bool:
    """Whether a structural reading "yields little": less than 200 characters of prose
    (paragraphs, quotes and list items of 12 words or more), or prose under half of all
    the text (the rest being menus, teasers and link lists that the rules did not catch).
    List items count as prose so that an official text made of numbered points is not
    taken for a menu."""
    total = sum(len(b.text) for b in blocks)
    prose = sum(
        len(b.text)
        for b in blocks
        if b.kind in ("paragraph", "quote", "item") and len(b.text.split()) >= 12
    )
    return prose < 200 or prose * 2 < total


def _size(blocks: list[Block] | None) -> int:
    return sum(len(b.text) for b in blocks or ())


def _key(text: str) -> str:
    return "".join(text.split()).casefold()


_TF_BLOCKS = frozenset(("head", "p", "item", "quote", "cell", "list", "table", "row"))


def _trafilatura_xml(doc: lxml.html.HtmlElement, precision: bool) -> lxml.etree._Element | None:
    import trafilatura

    # The parsed tree itself (trafilatura copies it before pruning): no second parse, and
    # it sees the page without the furniture already dropped.
    out = trafilatura.extract(
        doc,
        output_format="xml",
        include_tables=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        favor_precision=precision,
        deduplicate=False,
        with_metadata=False,
    )
    if not out:
        return None
    main = lxml.etree.fromstring(out.encode("utf-8")).find("main")
    return main


def _tf_keys(main: lxml.etree._Element) -> tuple[set[str], str]:
    """Trafilatura's paragraphs as match keys (whitespace removed, case folded): each
    element's whole text, its own text (before a nested list), and each table row as our
    row text; plus all of its text in one string."""
    keys: set[str] = set()
    for el in main.iter():
        if el.tag in ("p", "head", "item", "cell", "quote"):
            keys.add(_key("".join(el.itertext())))
            own = [el.text or ""]
            for child in el:
                if child.tag not in _TF_BLOCKS:
                    own.append("".join(child.itertext()))
                own.append(child.tail or "")
            keys.add(_key("".join(own)))
        elif el.tag == "row":
            cells = [_collapse("".join(c.itertext())) for c in el if c.tag == "cell"]
            keys.add(_key(" | ".join(cells)))
    keys.discard("")
    return keys, _key("".join(main.itertext()))


def _match_trafilatura(blocks: list[Block], main: lxml.etree._Element) -> list[Block] | None:
    """Our blocks that trafilatura kept as the main text, or None when too little of its
    text is found among them. A block is kept when its text is one of trafilatura's
    paragraphs, or a long one (40 characters or more, so that "Home" or "World" never
    match a word in a sentence) is found inside its text."""
    keys, whole = _tf_keys(main)
    kept = []
    for b in blocks:
        k = _key(b.text)
        if k in keys or (len(k) >= 40 and k in whole):
            kept.append(b)
    covered = sum(len(_key(b.text)) for b in kept)
    return kept if whole and covered * 10 >= len(whole) * 6 else None


def _blocks_from_xml(main: lxml.etree._Element) -> list[Block]:
    """Trafilatura's XML straight into blocks (numbers counted from 1: it keeps no
    ``start`` or ``type``)."""
    out: list[Block] = []

    def text_of(el: lxml.etree._Element, skip: frozenset = frozenset()) -> str:
        parts: list[str | _Break] = [el.text or ""]
        for child in el:
            if child.tag == "lb":
                parts.append(_BR)
            elif child.tag not in skip:
                parts.append("".join(child.itertext()))
            parts.append(child.tail or "")
        return "\n".join(_paragraphs(_lines(parts)))

    def walk(el: lxml.etree._Element, kind: str, level: int) -> None:
        for child in el:
            tag = child.tag
            if tag == "head":
                rend = child.get("rend") or "h2"
                lvl = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
                t = text_of(child)
                if t:
                    out.append(Block("heading", t.replace("\n", " "), lvl))
            elif tag == "list":
                ordered = child.get("rend") == "ol"
                n = 0
                for item in child:
                    if item.tag != "item":
                        continue
                    n += 1
                    t = text_of(item, _TF_BLOCKS)
                    if t:
                        out.append(Block("item", t, level, f"{n}." if ordered else "", ordered))
                    walk(item, kind, level + 1)
            elif tag == "table":
                for row in child.iter("row"):
                    cells = [_collapse("".join(c.itertext())) for c in row if c.tag == "cell"]
                    if any(cells):
                        out.append(Block("row", " | ".join(cells)))
            elif tag == "quote":
                t = text_of(child, _TF_BLOCKS)
                if t:
                    out.append(Block("quote", t))
                walk(child, "quote", level)
            elif tag in ("p", "code"):
                t = text_of(child)
                if t:
                    out.append(Block(kind, t))

    walk(main, "paragraph", 0)
    return out


# --- the reader -----------------------------------------------------------------------


def _parse(text: str, name: str) -> lxml.html.HtmlElement:
    # lxml refuses a str that still carries an XML encoding declaration; the text is
    # decoded already, so the declaration says nothing any more.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    # libxml2 stops parsing at 256 levels of nesting, silently for us: the rest of the page
    # would be lost. That is refused rather than read in part. Lifting the limit
    # (huge_tree) would hand hostile pages nested 100,000 deep to recursive code in
    # libxml2 and in the walk; real pages nest a few dozen levels.
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        doc = lxml.html.document_fromstring(text, parser=parser)
    except lxml.etree.ParserError as exc:  # "Document is empty": only end tags, say
        raise InputError(f"{name}: HTML page has no text ({exc})") from None
    except ValueError as exc:
        raise InputError(f"{name}: cannot be read as HTML ({exc})") from None
    for err in parser.error_log:
        if err.type_name == "ERR_RESOURCE_LIMIT" or err.level_name == "FATAL":
            raise InputError(
                f"{name}: cannot be read as HTML: line {err.line}: {err.message} "
                "(elements nested too deep; the rest of the page would be lost)"
            )
    return doc


def read(
    data: bytes,
    name: str = "<input>",
    *,
    selector: str | None = None,
    main: str = "auto",
    charset: str | None = None,
    **options: object,
) -> Reading:
    """Read an HTML page into blocks.

    ``selector``: a CSS selector; only the matched elements are read. ``main``: ``"auto"``,
    ``"all"`` or ``"trafilatura"`` (see the module's docstring). ``charset``: the charset
    an HTTP ``Content-Type`` header gave, which outranks the page's own declaration.

    Raises :class:`InputError` for an empty page, bytes that are not text in the page's
    encoding, a page with no text, a bad or unmatched selector, or an unknown option.
    """
    if options:
        raise InputError(
            f"{name}: the HTML reader has no option {sorted(options)[0]!r} "
            "(it takes selector, main and charset)"
        )
    if main not in MAIN_CHOICES:
        raise InputError(f"{name}: main={main!r} is not one of {', '.join(MAIN_CHOICES)}")
    if not data.strip():
        raise InputError(f"{name}: is empty (an HTML page with no content)")
    text = _decode(data, name, charset)
    if not text.strip():
        raise InputError(f"{name}: is empty (an HTML page with only whitespace)")
    doc = _parse(text, name)
    meta, news = _read_meta(doc)
    body = doc.find("body")
    if body is None:
        body = doc

    blocks: list[Block]
    if selector:
        roots = _select(doc, selector, name)
        for r in roots:
            _clean(r)
        blocks = _walk(roots)
    else:
        _clean(body)
        blocks = []
        if main == "auto":
            marked = _marked_main(body)
            blocks = _walk([marked]) if marked is not None else []
            if not blocks or (news and _thin(blocks)):
                whole = _walk([body])
                picked = None
                if news and _thin(blocks or whole):
                    picked = _from_trafilatura(doc, whole)
                # The marked element stays unless trafilatura found more text outside it
                # (an <article> that holds only the headline): trafilatura's pick of a
                # page that marks its main text is a subset of it, never better.
                if picked and (not blocks or _size(picked) > _size(blocks)):
                    blocks = picked
                blocks = blocks or whole
        elif main == "all":
            blocks = _walk([body])
        else:
            blocks = _from_trafilatura(doc, _walk([body])) or []
            if not blocks:
                raise InputError(f"{name}: trafilatura found no main text in this HTML page")
    if not blocks:
        where = f" matched by {selector!r}" if selector else ""
        raise InputError(
            f"{name}: HTML page has no text{where} (after dropping scripts, navigation, "
            "headers, footers and hidden elements)"
        )
    return Reading.of_blocks(blocks, "html", READER, meta, name)


def _from_trafilatura(doc: lxml.html.HtmlElement, whole: list[Block]) -> list[Block] | None:
    """The main text as trafilatura finds it, as our blocks where they can be matched.
    Precision first (news pages are full of teasers); recall when precision finds
    nothing."""
    for precision in (True, False):
        main = _trafilatura_xml(doc, precision)
        if main is None or not "".join(main.itertext()).strip():
            continue
        return _match_trafilatura(whole, main) or _blocks_from_xml(main) or None
    return None
