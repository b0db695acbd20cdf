"""Plain text -> blocks.

Paragraphs are separated by blank lines and kept as written, line breaks and indentation
included: a numbered line inside a paragraph (a tight list, ``6.2`` and ``6.3`` on adjacent
lines) is found by :mod:`tracker.provisions`, which reads markers line by line in every
format. What only plain text needs is decided here:

- a short line standing alone without closing punctuation is a heading (the first block
  of the text is the title, level 1; later ones are sections, level 2);
- a title set directly above the first paragraph, without a blank line, is split from it;
- an appended ``Correction:`` (or ``Update:``, ``Editor's note:``) starts its own paragraph;
- a paragraph whose first line is indented continues the provision above it (a wrapped
  point with a blank line in it), shown by ``level`` 1;
- an article pasted with no blank line at all is one paragraph per line (unless it is
  numbered, when the lines belong to their points);
- a paragraph of lines divided into as many cells by ``|`` is a table: one row per line,
  as the Markdown, HTML, DOCX and PDF readers give them.

One pass over the lines.
"""

from __future__ import annotations

import re

from .. import markers
from .base import Block, Reading, read_text_file

# 3: pipe tables read as rows; indented bullets are points, not continuations.
READER = "text/3"

_CONTINUES = frozenset(
    "a an and as at be been being both by for from in into is of on or than that the their "
    "this to was were which who with".split()
)
_NOTE = re.compile(r"^\s*(?:correction|clarification|update|updated|editor's note)\s*:", re.I)


def is_heading(line: str) -> bool:
    """A short line without closing punctuation: a title or section heading."""
    s = line.strip()
    if not (0 < len(s) <= 80) or s[-1] in ".;:,!?\"'\u201d)" or s.startswith(("-", "•")):
        return False
    # A line that stops on a function word ("... in the English and") is wrapped prose.
    return s.rsplit(None, 1)[-1].lower() not in _CONTINUES


def _numbered(lines: list[str]) -> bool:
    """At least two lines open with increasing numbers: a numbered text."""
    last = count = 0
    for ln in lines:
        m = markers.parse(ln.strip())
        if m and m.style in ("1.", "1)", "(1)", "1.1") or (m and m.keyword):
            if m.value > last and (last == 0 or m.value - last <= 20):
                last = m.value
                count += 1
                if count >= 2:
                    return True
    return False


def text_blocks(text: str) -> list[Block]:
    """The blocks of a plain text body (front matter already removed)."""
    lines = text.splitlines()
    has_blank = not all(map(str.strip, lines))
    if not has_blank and len(lines) > 1 and not _numbered(lines):
        return [_block(ln, first=k == 0) for k, ln in enumerate(lines) if ln.strip()]
    if lines and not has_blank and (":" not in text or not any(map(_NOTE.match, lines))):
        # No blank line and no note (which needs its colon): one paragraph, or two when
        # the first line is a title set above it, as the loop below would split them,
        # without its tests on every line (a sixth of splitting a long numbered text).
        paras = [[ln.rstrip() for ln in lines]]
        if len(lines) > 1 and _title_above(paras[0][0], lines[1]):
            paras = [paras[0][:1], [lines[1], *paras[0][2:]]]
        return _blocks(paras)
    paras = []
    current: list[str] = []
    for ln in lines:
        if not ln.strip():
            if current:
                paras.append(current)
                current = []
        elif current and (
            _NOTE.match(ln) or (not paras and len(current) == 1 and _title_above(current[0], ln))
        ):
            # An appended "Correction:" starts its own paragraph even without a blank line,
            # and so does the line after a title set directly above the first paragraph.
            paras.append(current)
            current = [ln]
        else:
            current.append(ln.rstrip())
    if current:
        paras.append(current)
    return _blocks(paras)


def _title_above(first: str, ln: str) -> bool:
    """Whether ``first``, a text's first line, is a title set directly above the
    paragraph that ``ln`` starts (no blank line between them)."""
    return (
        is_heading(first)
        and not markers.parse(first.strip())
        and ln.strip()[:1].isupper()
        and not ln[:1].isspace()
    )


def _blocks(paras: list[list[str]]) -> list[Block]:
    out: list[Block] = []
    for k, p in enumerate(paras):
        rows = _table(p)
        if rows is not None:
            out += rows
        else:
            out.append(_block("\n".join(p), first=k == 0))
    return out


_RULE = re.compile(r"^[\s|:+=-]*-[\s|:+=-]*$")  # "|---|:--:|", "---+---": a table's rule


def _table(lines: list[str]) -> list[Block] | None:
    """A paragraph whose every line holds cells divided by ``|``, as many on each line (a
    pipe table, as typed or as a Markdown writer sets it): one ``row`` block per line,
    cells joined with `` | `` as every reader writes rows; rules between rows dropped.
    None for anything else (a single line with a ``|`` in it is prose)."""
    if len(lines) < 2:
        return None
    rows = []
    width = 0
    for ln in lines:
        if _RULE.match(ln):
            continue
        body = ln.strip()
        if "|" not in body:
            return None
        if body.startswith("|"):
            body = body[1:]
        if body.endswith("|"):
            body = body[:-1]
        cells = [" ".join(c.split()) for c in body.split("|")]
        if width and len(cells) != width:
            return None
        width = len(cells)
        if any(cells):
            rows.append(Block("row", " | ".join(cells)))
    return rows if len(rows) >= 2 else None


def _block(text: str, first: bool) -> Block:
    stripped = text.strip()
    if not first and "\n" not in stripped and " | " in stripped:
        # A table row standing alone (the rows of a table written out one paragraph
        # each, as blocks_text writes them): a row like the others, never a heading.
        return Block("row", " | ".join(" ".join(c.split()) for c in stripped.strip("|").split("|")))
    m = markers.parse(stripped) if "\n" not in stripped else None
    if m is not None and m.keyword and (not stripped[m.end :].strip() or is_heading(stripped)):
        # "Article 5", "Section 4. Definitions", "Annex I" on a line of their own head what
        # follows; parts and annexes stand above articles.
        series = m.keyword in markers.SERIES_NAMES
        return Block("heading", stripped, level=2 if series else 3)
    if (
        "\n" not in stripped
        and is_heading(stripped)
        and not markers.parse(stripped)
        and not markers.bullet(stripped)
    ):
        return Block("heading", stripped, level=1 if first else 2)
    if (
        text[:1].isspace()
        and not first
        and not markers.parse(stripped)
        and not markers.bullet(stripped)
    ):
        # (An indented bullet is a point of its own, as an indented number is.)
        return Block("paragraph", text.rstrip(), level=1)
    return Block("paragraph", text.strip("\n").rstrip())


def read(data: bytes, name: str = "<input>") -> Reading:
    return read_text_file(data, name, "text", READER, text_blocks)
