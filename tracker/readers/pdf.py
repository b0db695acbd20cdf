"""PDF -> blocks: lines rebuilt from positioned characters, joined into paragraphs.

Which library. A PDF has no paragraphs, only glyphs at positions, so this reader needs
every character's box and font: positions for lines, gaps and indents, sizes and weights
for headings, page geometry for running headers and footers. Measured by
``bench/pdf_bench.py`` (best of 3) on a generated 40-page PDF and on two real manuals
(36 and 17 pages); all three give the same words in the same order on these files, so the
choice is about the geometry and its cost:

- pypdf's ``extract_text`` is the fastest (18, 68, 103 ms/page) but gives text only; its
  ``visitor_text`` gives runs with an origin and a size but no widths, puts the origin in
  the text matrix or in the CTM depending on the producer, and reports empty and
  newline-only runs carrying the next run's font: too weak to find indents, line ends and
  headings reliably.
- pdfplumber gives exactly the needed data (it is pdfminer.six's character layout, made
  into dicts), but building a dict of ~25 resolved attributes per character costs 603,
  327 and 310 ms/page.
- pdfminer.six itself, the engine under pdfplumber, gives the same characters (``LTChar``:
  box, size, font name, upright flag) in 141, 195 and 100 ms/page (1.7-4.3x faster), with
  one pure-Python dependency instead of pdfplumber + pypdfium2 + Pillow.

So this reader uses pdfminer.six directly, with ``laparams=None`` (no pdfminer layout
analysis: the line and paragraph grouping below is ours, tuned to legal text); lines,
paragraphs and headings add ~20-40% on top. A 300-page treaty reads in about a minute.

What is read, page by page, in reading order (top to bottom; two-column pages left column
first):

- lines: characters on one baseline, spaces inserted where the gap between glyphs is
  wider than a fraction of the font size (many producers draw no space glyphs); rotated
  text (diagonal watermarks) is dropped; a line with wide gaps between its parts is a
  table row (``row`` block, parts joined with `` | ``), unless the first part is a
  number, as in ``1.<tab>Text``;
- running headers and footers: lines no larger than the body text in the top or bottom
  three of most pages (40%, at least 2) at the same height, compared with digits masked
  so that ``Page 3 of 10`` and ``Page 4 of 10`` are the same line; page numbers (``3``,
  ``Page 3 of 10``, ``- 3 -``, ``iii``) at the top or bottom of a page, and a page's first
  or last line when it is set out like a table row with a page number at one end
  (``Chapter 2: Scope      4``);
- paragraphs: a line continues the paragraph above unless the vertical gap is wider than
  the document's line spacing, the font size or weight changes, or the line above ends a
  sentence (or a point, with ``; and`` / ``; or``) and this one starts with a printed
  marker (``1.``, ``(a)``, ``Article 5``) or is indented differently, or the line above
  ends a sentence well short of the right
  margin; a paragraph runs on across a page or column break when it did not end a
  sentence;
- hyphenation at line ends undone (``negoti-`` + ``ations`` -> ``negotiations``) when a
  letter precedes the hyphen and a lower-case letter starts the next line; a hyphen inside
  a line (``non-aggression``) is kept, as is one before a capital or a digit;
- headings: lines in a larger font than the body text, or bold when the body is not, and
  short; levels by size (the largest is 1, then smaller sizes, then bold body-size lines);
- bullet paragraphs (``•``, ``▪``, ``–``) become bulleted ``item`` blocks; paragraphs with a
  printed number stay ``paragraph`` blocks with the number in the text, for the provision
  tree to read.

Document information (``/Title``, ``/Author``, ``/CreationDate``, ``/ModDate``) goes to
``meta`` as ``title``, ``author``, ``created``, ``modified`` (dates in ISO 8601).
"""

from __future__ import annotations

import functools
import io
import logging
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, TooLarge
from .base import Block, Reading

# 2: line spacing from the smallest recurring distance between lines (see _line_spacing);
# a marker after "; and" / "; or" starts a point.
READER = "pdf/2"

# Bounds on work: the caller limits the bytes, but a small PDF can still hold thousands of
# pages or a page drawing millions of glyphs (~0.1 s per page, ~2 us per glyph).
MAX_PAGES = 1000
MAX_CHARS = 5_000_000

# pdfminer reports recoverable oddities of real-world files as warnings on its loggers;
# without a handler Python would print them to stderr in the middle of CLI output.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

_BOLD = re.compile(r"bold|black|heavy|semibold|demi|,b$|-b$", re.I)
_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
)
# A printed marker that starts a provision: "1.", "1.2", "2)", "(a)", "(iv)", "a.",
# "Article 5", "Art. 5", "Section 4", "§ 12", "Annex II", "Chapter 3", "Part 2".
_MARKER = re.compile(
    r"^(?:\d{1,6}(?:\.\d{1,4})+\.?(?=\s|$)|\d{1,6}[.)](?=\s|$)|\(\d{1,4}\)|\([a-z]{1,3}\)|\([A-Z]\)"
    r"|[a-z][.)](?=\s)|[A-Z][.)](?=\s)|[ivxlcdm]{1,6}[.)](?=\s)|[IVXLCDM]{1,6}[.)](?=\s)"
    r"|(?:Article|Art\.|Section|Sec\.|Chapter|Part|Annex|Appendix|Schedule|Point|Rule)\s+"
    r"[0-9IVXLCDM]+[A-Za-z]?\b|§+\s*\d+)"
)
_BULLET = re.compile(r"^[•▪◦‣●○■□–\-\*](?:\s+|$)")
# A bullet glyph always starts an item; a dash or asterisk only after a sentence end or a
# lead-in (a line may start with a dash inside a sentence).
_BULLET_GLYPH = re.compile(r"^[•▪◦‣●○■□](?:\s+|$)")
_SENTENCE_END = re.compile(r"[.;:!?][\"'”’)\]]*$")
# A point of a list that ends "...; and" or "...; or" before the last point: the next line
# that opens with a marker ("(c)") starts that point, as after a full stop.
_POINT_END = re.compile(r";\s*(?:and|or|and/or)$", re.I)
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.|pg\.?)\s*)?[-–—(\[]?\s*(?:\d{1,5}|[ivxlcdm]{1,7})\s*[-–—)\]]?"
    r"(?:\s*(?:of|/|from)\s*\d{1,5})?$",
    re.I,
)


def read(data: bytes, name: str = "<input>", **options: str) -> Reading:
    """Read a PDF's bytes into blocks (see the module docstring for what is read).

    Raises :class:`~tracker.errors.InputError` naming what failed: not a PDF, corrupt,
    encrypted, no text layer, an unknown option; :class:`~tracker.errors.TooLarge` past
    :data:`MAX_PAGES` pages or :data:`MAX_CHARS` characters."""
    if options:
        raise InputError(
            f"{name}: unknown PDF reader option(s): {', '.join(sorted(options))} "
            "(the PDF reader takes none)"
        )
    if not data.lstrip()[:1024].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise InputError(f"{name}: not a PDF (no %PDF- header)")
    pages, meta = _extract(data, name)
    if not pages:
        raise InputError(f"{name}: PDF has no pages")
    if not any(p.lines for p in pages):
        raise InputError(f"{name}: no text layer (a scanned PDF? run OCR first)")
    _drop_running_lines(pages)
    if not any(p.lines for p in pages):
        # Only page numbers or a stamped running line: the pages themselves are images.
        raise InputError(f"{name}: no text layer (a scanned PDF? run OCR first)")
    blocks = _Assembler(pages).blocks()
    return Reading.of_blocks(blocks, "pdf", READER, meta, name)


# ---------------------------------------------------------------------------- extraction


@dataclass(slots=True)
class _Line:
    page: int
    x0: float
    x1: float
    top: float  # distance from the top of the page to the top of the line
    bottom: float  # ... to the line's lowest glyph box (the descender line)
    size: float
    bold: bool
    text: str
    cells: list[str] = field(default_factory=list)  # a table row's parts, else empty
    start: float = 0.0  # the left and right edges of the text column the line is in
    edge: float = 0.0


@dataclass(slots=True)
class _Page:
    width: float
    height: float
    lines: list[_Line]


def _extract(data: bytes, name: str) -> tuple[list[_Page], dict[str, str]]:
    """Pages with their lines, and the document information, from pdfminer."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(f"{name}: encrypted PDF (it needs a password)") from None
    except Exception as e:  # noqa: BLE001 - pdfminer raises many kinds on bad input
        raise InputError(f"{name}: corrupt PDF ({_why(e)})") from None
    try:
        count = resolve1(resolve1(document.catalog.get("Pages")).get("Count"))
    except Exception:  # noqa: BLE001 - a broken page tree is found again below
        count = None
    if isinstance(count, int) and count > MAX_PAGES:
        raise TooLarge(f"{name}: PDF has {count} pages (limit {MAX_PAGES})")
    meta = _meta(document)

    class Device(PDFPageAggregator):
        """Counts glyphs as they are drawn and stops past the limit, before a hostile page
        has built millions of glyph objects (about a kilobyte each)."""

        drawn = 0

        def render_char(self, *args: Any, **kwargs: Any) -> float:
            Device.drawn += 1
            if Device.drawn > MAX_CHARS:
                raise TooLarge(f"{name}: PDF has more than {MAX_CHARS} characters")
            return super().render_char(*args, **kwargs)

    manager = PDFResourceManager(caching=True)
    device = Device(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    pages: list[_Page] = []
    unmapped, mapped = [0], 0
    try:
        for number, page in enumerate(PDFPage.create_pages(document)):
            if number >= MAX_PAGES:
                raise TooLarge(f"{name}: PDF has more than {MAX_PAGES} pages")
            interpreter.process_page(page)
            layout = device.get_result()
            glyphs = list(_chars(layout, layout.x0, layout.x1, layout.y0, layout.y1, unmapped))
            mapped += len(glyphs)
            height = layout.y1 - layout.y0
            pages.append(_Page(layout.width, height, _lines(glyphs, number, layout.y1, layout.x0)))
    except InputError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(f"{name}: encrypted PDF (it needs a password)") from None
    except RecursionError:
        raise InputError(f"{name}: corrupt PDF (objects nested too deep)") from None
    except Exception as e:  # noqa: BLE001
        raise InputError(f"{name}: corrupt PDF ({_why(e)})") from None
    if unmapped[0] > 100 and unmapped[0] > mapped:
        # Fonts without a Unicode map: the glyphs are drawn but say nothing about what
        # characters they are, so the text is as lost as in a scan.
        raise InputError(
            f"{name}: no readable text layer ({unmapped[0]} glyphs in fonts that map to no "
            "characters; run OCR first)"
        )
    return pages, meta


def _why(e: Exception) -> str:
    msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{type(e).__name__}: {msg}"[:200] if msg else type(e).__name__


def _chars(container, left: float, right: float, bottom: float, top: float, unmapped: list[int]):
    """``(x0, x1, y0, y1, text, size, bold)`` of the upright glyphs on the page, looking
    inside form XObjects (``LTFigure``). A glyph whose font maps it to no character
    (pdfminer writes ``(cid:13)``) is left out and counted in ``unmapped[0]``."""
    from pdfminer.layout import LTChar, LTContainer

    for obj in container:
        if isinstance(obj, LTChar):
            if not obj.upright or obj.x1 < left or obj.x0 > right:
                continue
            if obj.y1 < bottom or obj.y0 > top:
                continue
            text = obj.get_text()
            if not text or text.isspace() and text != " ":
                continue
            if text.startswith("(cid:"):
                unmapped[0] += 1
                continue
            yield (
                obj.x0,
                obj.x1,
                obj.y0,
                obj.y1,
                text.translate(_LIGATURES),
                round(obj.size, 1),
                _bold(obj.fontname or ""),
            )
        elif isinstance(obj, LTContainer):
            yield from _chars(obj, left, right, bottom, top, unmapped)


@functools.lru_cache(maxsize=256)
def _bold(fontname: str) -> bool:
    """A bold face, from its name (``Helvetica-Bold``, ``ABCDEF+Arial,Bold``, ``...Black``)."""
    return bool(_BOLD.search(fontname))


def _lines(glyphs: list[tuple], page: int, page_top: float, page_left: float) -> list[_Line]:
    """Glyphs grouped into lines (by vertical centre), each split into parts at wide gaps,
    in reading order: a two-column page is read column by column, elsewhere the parts of
    one line are the cells of a table row."""
    if not glyphs:
        return []
    glyphs.sort(key=lambda g: -(g[2] + g[3]) / 2)
    rows: list[list[tuple]] = []
    current: list[tuple] = []
    centre = 0.0
    line_size = 1.0
    for g in glyphs:
        c = (g[2] + g[3]) / 2
        # Against the larger of the glyph and the line so far: a raised footnote mark in a
        # small size stays on its line.
        if current and abs(centre - c) <= 0.45 * max(g[5], line_size, 1.0):
            current.append(g)
            line_size = max(line_size, g[5])
            continue
        if current:
            rows.append(current)
        current, centre, line_size = [g], c, g[5]
    rows.append(current)
    split = []
    for row in rows:
        row.sort(key=lambda g: g[0])
        split.append(_split(row))
    gutter = _gutter(split)
    lines: list[_Line] = []
    if gutter is None:
        for parts in split:
            line = _line(parts, page, page_top, page_left)
            if line is not None:
                lines.append(line)
        lines.sort(key=lambda ln: (ln.top, ln.x0))
        _edges(lines)
        return lines
    # Two columns: each side of the gutter is its own line; the columns are read one after
    # the other between the lines that cross the gutter (a title, a full-width table).
    out: list[_Line] = []
    run_left: list[_Line] = []
    run_right: list[_Line] = []
    for i, parts in enumerate(split):
        left = [p for p in parts if p[-1][1] <= gutter]
        right = [p for p in parts if p[0][0] >= gutter]
        # A part crosses the gutter, or this is a running head or foot with the page
        # number at one end: the row stays whole.
        if len(left) + len(right) < len(parts) or (
            i in (0, len(split) - 1)
            and len(parts) >= 2
            and (_PAGE_NUMBER.match(_text(parts[0])) or _PAGE_NUMBER.match(_text(parts[-1])))
        ):
            _edges(run_left)
            _edges(run_right)
            out += run_left + run_right
            run_left, run_right = [], []
            line = _line(parts, page, page_top, page_left)
            if line is not None:
                out.append(line)
            continue
        for side, run in ((left, run_left), (right, run_right)):
            if side:
                line = _line(side, page, page_top, page_left)
                if line is not None:
                    run.append(line)
    for run in (run_left, run_right):
        _edges(run)
    _edges([ln for ln in out if not ln.edge])
    return out + run_left + run_right


def _edges(lines: list[_Line]) -> None:
    """Set the column edges of lines that share a column (table rows aside)."""
    text = [ln for ln in lines if not ln.cells] or lines
    if not text:
        return
    start, edge = min(ln.x0 for ln in text), max(ln.x1 for ln in text)
    for ln in lines:
        ln.start, ln.edge = start, edge


def _split(row: list[tuple]) -> list[list[tuple]]:
    """A row of glyphs (in x order) cut into parts at gaps wider than two font sizes:
    table cells, columns, a number and its tab-aligned text."""
    parts: list[list[tuple]] = [[row[0]]]
    for prev, g in zip(row, row[1:], strict=False):
        size = max(g[5], prev[5], 1.0)
        if g[0] - prev[1] > 2.0 * size:
            parts.append([g])
        else:
            parts[-1].append(g)
    return parts


def _gutter(rows: list[list[list[tuple]]]) -> float | None:
    """The x of a two-column page's gutter, or None: an x in the middle third of the text
    width that no part of more than a few glyphs crosses (at most 1 row in 10), with at
    least 8 rows of running text (parts of 15+ glyphs filling most of their column) on
    each side. A table's narrow cells do not count as columns."""
    boxes = [(p[0][0], p[-1][1], len(p)) for parts in rows for p in parts]
    if len(rows) < 16:
        return None
    left = min(b[0] for b in boxes)
    right = max(b[1] for b in boxes)
    width = right - left
    if width <= 0:
        return None
    wide = [b for b in boxes if b[2] > 3]
    steps = 60
    xs = [left + width / 3 + i * (width / 3) / steps for i in range(steps + 1)]
    crossings = [sum(1 for b in wide if b[0] < x < b[1]) for x in xs]
    fewest = min(crossings)
    if fewest > len(rows) * 0.1:
        return None
    # The middle of the widest band of x where the fewest parts cross.
    runs: list[list[float]] = []
    for x, c in zip(xs, crossings, strict=True):
        if c == fewest:
            if runs and runs[-1][-1] == xs[xs.index(x) - 1]:
                runs[-1].append(x)
            else:
                runs.append([x])
    band = max(runs, key=len)
    gutter = (band[0] + band[-1]) / 2
    lefts = sum(
        1 for b in boxes if b[1] <= gutter and b[2] >= 15 and b[1] - b[0] >= 0.6 * (gutter - left)
    )
    rights = sum(
        1 for b in boxes if b[0] >= gutter and b[2] >= 15 and b[1] - b[0] >= 0.6 * (right - gutter)
    )
    return gutter if lefts >= 8 and rights >= 8 else None


def _text(glyphs: list[tuple]) -> str:
    """Glyphs in x order as text: a space where the gap is wider than a fifth of the font
    size, unless a space glyph is there already; a glyph drawn twice (fake bold) once."""
    out: list[str] = []
    prev = None
    for g in glyphs:
        if prev is not None:
            if g[4] == prev[4] and abs(g[0] - prev[0]) < 0.15 * max(g[5], 1.0):
                continue
            gap = g[0] - prev[1]
            if gap > 0.2 * max(g[5], prev[5], 1.0) and out and out[-1] != " " and g[4] != " ":
                out.append(" ")
        if g[4] == " " and (not out or out[-1] == " "):
            prev = g
            continue
        out.append(g[4])
        prev = g
    return "".join(out).strip()


def _line(parts: list[list[tuple]], page: int, page_top: float, page_left: float):
    texts = [_text(p) for p in parts]
    kept = [(p, t) for p, t in zip(parts, texts, strict=True) if t]
    if not kept:
        return None
    cells = [t for _, t in kept]
    # "1.<tab>Text": a number set apart by a tab is one line with its text, not a row.
    if (
        len(cells) >= 2
        and (lead := _MARKER.match(cells[0])) is not None
        and lead.end() == len(cells[0])
    ):
        cells = [f"{cells[0]} {cells[1]}", *cells[2:]]
    glyphs = [g for p, _ in kept for g in p if g[4] != " "] or [g for p, _ in kept for g in p]
    sizes = Counter(g[5] for g in glyphs)
    size = sizes.most_common(1)[0][0]
    bold = sum(1 for g in glyphs if g[6]) >= 0.9 * len(glyphs)
    return _Line(
        page=page,
        x0=min(g[0] for g in glyphs) - page_left,
        x1=max(g[1] for g in glyphs) - page_left,
        top=page_top - max(g[3] for g in glyphs),
        bottom=page_top - min(g[2] for g in glyphs),
        size=size,
        bold=bold,
        text=" ".join(cells),
        cells=cells if len(cells) >= 2 else [],
    )


def _meta(document) -> dict[str, str]:
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    meta: dict[str, str] = {}
    try:
        infos = document.info
    except Exception:  # noqa: BLE001 - no information dictionary, no meta
        return meta
    for info in infos:
        try:
            info = resolve1(info)
            if not isinstance(info, dict):
                continue
            for key, pdf_key in (
                ("title", "Title"),
                ("author", "Author"),
                ("created", "CreationDate"),
                ("modified", "ModDate"),
            ):
                value = resolve1(info.get(pdf_key))
                if isinstance(value, bytes):
                    value = decode_text(value)
                if not isinstance(value, str) or not value.strip():
                    continue
                value = value.strip().replace("\x00", "")
                if key in ("created", "modified"):
                    value = _pdf_date(value)
                    if value is None:
                        continue
                meta.setdefault(key, value)
        except Exception:  # noqa: BLE001 - a broken information entry is left out
            continue
    return meta


_PDF_DATE = re.compile(
    r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([Zz])|([+-])(\d{2})'?(\d{2})?'?)?"
)


def _pdf_date(value: str) -> str | None:
    """``D:20260301093000+01'00'`` -> ``2026-03-01T09:30:00+01:00`` (None if unreadable)."""
    from datetime import UTC, datetime, timedelta, timezone

    m = _PDF_DATE.match(value)
    if not m:
        return None
    year, month, day, hour, minute, second, zulu, sign, oh, om = m.groups()
    try:
        tz = None
        if zulu:
            tz = UTC
        elif sign:
            offset = timedelta(hours=int(oh), minutes=int(om or 0))
            tz = timezone(offset if sign == "+" else -offset)
        dt = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None
    return dt.isoformat()


# ---------------------------------------------------------------------------- running lines


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _drop_running_lines(pages: list[_Page]) -> None:
    """Remove running headers and footers and page numbers, in place."""
    n = len(pages)
    zone = 3
    # Running lines are set no larger than the body text: a larger line at the same place
    # on several pages ("Part 1", "Part 2" opening each page) is a heading.
    weights: Counter[float] = Counter()
    for page in pages:
        for ln in page.lines:
            weights[ln.size] += len(ln.text)
    body = weights.most_common(1)[0][0] if weights else 0.0
    if n >= 2:
        threshold = max(2, int(0.4 * n + 0.999))
        for end in ("top", "bottom"):
            seen: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
            for pi, page in enumerate(pages):
                candidates = page.lines[:zone] if end == "top" else page.lines[-zone:]
                for ln in candidates:
                    if ln.size > body * 1.05:
                        continue
                    y = ln.top if end == "top" else page.height - ln.bottom
                    seen[_mask(ln.text)][round(y / 6)].add(pi)
            running: set[tuple[str, int]] = set()
            for text, by_y in seen.items():
                for bucket, on in by_y.items():
                    # A line at a height that wobbles by a point across pages falls in
                    # two neighbouring buckets: count them together.
                    pages_here = on | by_y.get(bucket - 1, set()) | by_y.get(bucket + 1, set())
                    if len(pages_here) >= threshold:
                        running.add((text, bucket))
            for page in pages:
                candidates = page.lines[:zone] if end == "top" else page.lines[-zone:]
                drop = set()
                for ln in candidates:
                    y = ln.top if end == "top" else page.height - ln.bottom
                    if ln.size <= body * 1.05 and (_mask(ln.text), round(y / 6)) in running:
                        drop.add(id(ln))
                page.lines = [ln for ln in page.lines if id(ln) not in drop]
    for page in pages:
        edge = page.lines[:2] + page.lines[-2:]
        numbers = {id(ln) for ln in edge if _PAGE_NUMBER.match(ln.text.strip())}
        # A running head that changes with the chapter but carries the page number at one
        # end ("Chapter 2: Handling      4"): the first or last line of a page, set apart
        # as a row whose first or last part is a page number.
        for ln in page.lines[:1] + page.lines[-1:]:
            if ln.cells and (_PAGE_NUMBER.match(ln.cells[0]) or _PAGE_NUMBER.match(ln.cells[-1])):
                numbers.add(id(ln))
        page.lines = [ln for ln in page.lines if id(ln) not in numbers]


# ---------------------------------------------------------------------------- blocks


class _Assembler:
    """Lines of all pages -> blocks: paragraphs joined, headings ranked."""

    def __init__(self, pages: list[_Page]) -> None:
        self.pages = pages
        self.lines = [ln for p in pages for ln in p.lines]
        weights: Counter[float] = Counter()
        for ln in self.lines:
            weights[ln.size] += len(ln.text)
        self.body_size = weights.most_common(1)[0][0] if weights else 10.0
        body_chars = sum(len(ln.text) for ln in self.lines if ln.size == self.body_size)
        bold_chars = sum(len(ln.text) for ln in self.lines if ln.size == self.body_size and ln.bold)
        self.body_bold = bold_chars > 0.5 * body_chars
        # Line spacing: baseline-to-baseline distance between consecutive body lines,
        # in font sizes. Lines of one paragraph are never closer than that, and paragraph
        # gaps only add to it, so it is the smallest distance that recurs, not the median:
        # in a text of one-line points (most of a treaty's lettered points) most distances
        # are paragraph gaps, and their median would join every point to the next.
        ratios = []
        for a, b in zip(self.lines, self.lines[1:], strict=False):
            if a.page == b.page and a.size == b.size == self.body_size:
                d = b.bottom - a.bottom
                if 0 < d < 2.5 * a.size:
                    ratios.append(d / a.size)
        self.spacing = _line_spacing(ratios)

    def _heading_style(self, ln: _Line) -> tuple[float, bool] | None:
        if ln.cells or len(ln.text) > 200:
            return None
        # Sizes to the half point: 13.9 and 14.0 (a scaled page) are one heading level.
        size = round(ln.size * 2) / 2
        if ln.size > self.body_size * 1.12:
            return (size, ln.bold)
        if ln.bold and not self.body_bold and ln.size >= self.body_size * 0.95:
            return (size, True)
        return None

    def blocks(self) -> list[Block]:
        # Paragraph groups: (kind, lines) with kind "heading", "row" or "paragraph".
        groups: list[tuple[str, list[_Line]]] = []
        for ln in self.lines:
            kind = "row" if ln.cells else ("heading" if self._heading_style(ln) else "paragraph")
            if groups and kind != "row" and self._continues(groups[-1], kind, ln):
                groups[-1][1].append(ln)
            else:
                groups.append((kind, [ln]))
        # Every heading group's first line has a style (that is what made it a heading).
        found = {self._heading_style(g[1][0]) for g in groups if g[0] == "heading"}
        styles = sorted((s for s in found if s is not None), key=lambda s: (-s[0], not s[1]))
        rank = {s: i + 1 for i, s in enumerate(styles)}
        out: list[Block] = []
        for kind, lines in groups:
            text = _join(lines)
            if not text:
                continue
            if kind == "row":
                out.append(Block("row", " | ".join(lines[0].cells)))
            elif kind == "heading":
                style = self._heading_style(lines[0])
                assert style is not None  # its first line's style made this group a heading
                out.append(Block("heading", text, level=rank[style]))
            elif _BULLET.match(text) and not _MARKER.match(text):
                out.append(Block("item", _BULLET.sub("", text, count=1), ordered=False))
            else:
                out.append(Block("paragraph", text))
        return out

    def _continues(self, group: tuple[str, list[_Line]], kind: str, ln: _Line) -> bool:
        """Whether line ``ln`` continues the paragraph (or heading) ``group``."""
        gkind, lines = group
        prev = lines[-1]
        if gkind != kind or gkind == "row":
            return False
        if abs(prev.size - ln.size) > 0.1 * ln.size or prev.bold != ln.bold:
            return False
        ended = bool(_SENTENCE_END.search(prev.text))
        if _BULLET_GLYPH.match(ln.text) or (
            (ended or _POINT_END.search(prev.text))
            and (_MARKER.match(ln.text) or _BULLET.match(ln.text))
        ):
            return False
        if kind == "heading":
            # A heading continues onto a second line only when it is close below.
            return prev.page == ln.page and ln.bottom - prev.bottom <= 1.6 * ln.size
        gap = ln.bottom - prev.bottom
        if prev.page != ln.page or (gap <= 0 and ln.x0 >= prev.x1):
            # Across a page break or to the top of the next column: a paragraph that did
            # not end a sentence runs on.
            return not ended and not _MARKER.match(ln.text)
        if gap <= 0 or gap > (self.spacing * 1.25 + 0.1) * ln.size:
            return False
        if ended:
            if abs(ln.x0 - prev.x0) > 0.8 * ln.size:
                return False  # an indented first line, or back from a hanging indent
            width = prev.edge - prev.start
            if width > 0 and prev.x1 < prev.edge - 0.2 * width:
                return False  # a short last line ending a sentence
        return True


def _line_spacing(ratios: list[float]) -> float:
    """The body's line spacing from the distances between consecutive lines (in font
    sizes): the smallest distance, to a twentieth, shared by at least a tenth of them (and
    by two); the median when none is (a page too short to tell)."""
    if not ratios:
        return 1.25
    buckets = Counter(round(r * 20) for r in ratios)
    need = max(2, len(ratios) // 10)
    for bucket in sorted(buckets):
        if buckets[bucket] >= need:
            # The mean of the distances in that bucket and the next (rounding splits them).
            near = [r for r in ratios if bucket <= round(r * 20) <= bucket + 1]
            return statistics.fmean(near)
    return statistics.median(ratios)


def _join(lines: list[_Line]) -> str:
    """Lines of one paragraph as one string, hyphenation at line ends undone."""
    text = ""
    for ln in lines:
        part = ln.text.strip()
        if not text:
            text = part
        elif text.endswith("\u00ad"):  # a soft hyphen: always a line-end break
            text = text[:-1] + part
        elif (
            text.endswith("-")
            and len(text) >= 2
            and text[-2].isalpha()
            and part[:1].islower()
            and part[:1].isalpha()
        ):
            text = text[:-1] + part
        elif text.endswith(("-", "\u2010", "/")):
            text += part  # "pre-" + "2020": a real hyphen, no space added
        else:
            text += " " + part
    return text
