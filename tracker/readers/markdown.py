"""Markdown -> blocks, through a real CommonMark parser (markdown-it-py).

Hand-written Markdown parsing gets the hard parts wrong: setext headings, list items that
continue over several paragraphs, lazy continuation lines, escapes (``1\\.``), emphasis that
spans lines. markdown-it-py follows the CommonMark spec and its test suite, and gives a flat
token stream that is cheap to walk (about 10 MB/s here, so the parse is never the slow
part of adding a version). Tables (GFM pipe tables) and strikethrough are enabled.

What each token becomes:

- ATX and setext headings -> ``heading`` blocks with their level; a paragraph that is all
  bold (``**A. Privacy**``) or all italic, short and without closing punctuation, is a
  heading too, one level below the real ones (level 7 and 8): policy texts often mark
  their sections that way;
- ordered and bulleted lists -> ``item`` blocks with their nesting depth and, for ordered
  lists, the number as a browser shows it (``start`` plus the item's place); the further
  paragraphs of an item -> ``paragraph`` blocks one level deeper, which continue the item;
- table rows -> ``row`` blocks (cells joined with `` | ``), header rows too;
- block quotes -> ``quote`` blocks; code -> ``paragraph`` blocks, verbatim;
- inline markup is dropped: emphasis markers, link targets (the link text stays), images
  (their alt text stays), inline HTML; a soft line break stays a line break, so that a
  numbered line inside a paragraph (a tight list written without list syntax) is still
  found by the provision tree.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .base import Block, Reading, read_text_file

if TYPE_CHECKING:
    from markdown_it.token import Token

READER = "markdown/2"

_BR = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"<[^<>\n]{0,500}>")  # bounded: linear on any input
_PSEUDO_HEADING_MAX = 120


MAX_NESTING = 40  # lists in lists and quotes in quotes; deeper text is kept by _recover
LONG_LINE = 50_000  # characters: past this, inline parsing is no longer linear


def _parser():  # noqa: ANN202 - markdown_it is imported lazily (start-up time)
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    return md.enable(["table", "strikethrough"])


def _inline(token: Token) -> str:
    """An inline token's text without markup; line breaks kept."""
    out: list[str] = []
    for child in token.children or ():
        t = child.type
        if t == "text" or t == "code_inline":
            out.append(child.content)
        elif t in ("softbreak", "hardbreak"):
            out.append("\n")
        elif t == "image":
            out.append(child.content or "")
        elif t == "html_inline":
            if _BR.fullmatch(child.content.strip()):
                out.append("\n")
    text = "".join(out)
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _emphasis_only(token: Token) -> int:
    """7 when the inline is all bold, 8 when all italic, else 0."""
    kids = [c for c in token.children or () if not (c.type == "text" and not c.content.strip())]
    if len(kids) < 3:
        return 0
    first, last = kids[0].type, kids[-1].type
    if first == "strong_open" and last == "strong_close":
        inner = kids[1:-1]
        level = 7
    elif first == "em_open" and last == "em_close":
        inner = kids[1:-1]
        level = 8
    else:
        return 0
    depth = 0
    for c in inner:
        # The closing marker must be the opening one's: "**a** and **b**" is not all bold.
        if c.type.endswith("_open"):
            depth += 1
        elif c.type.endswith("_close"):
            depth -= 1
            if depth < 0:
                return 0
    return level


def _pseudo_heading(token: Token, text: str) -> int:
    level = _emphasis_only(token)
    if not level or "\n" in text or len(text) > _PSEUDO_HEADING_MAX:
        return 0
    if text[-1] in ".;,!?" and not re.fullmatch(r"\S{1,12}\.", text):
        return 0  # a bold sentence is emphasis, not a heading ("1." alone is a heading)
    if level == 8 and (":" in text or any(c.isdigit() for c in text)):
        return 0  # "_Last updated: July 2026_" is a note; italic headings are plain titles
    return level


def _item_heading(token: Token, text: str) -> bool:
    """A list item that is all bold, with a number of its own or in capitals."""
    if _emphasis_only(token) != 7 or "\n" in text or len(text) > _PSEUDO_HEADING_MAX:
        return False
    from ..markers import parse

    letters = [c for c in text if c.isalpha()]
    return parse(text) is not None or (bool(letters) and all(c.isupper() for c in letters))


class _List:
    __slots__ = ("ordered", "start", "index", "markup")

    def __init__(self, ordered: bool, start: int, markup: str) -> None:
        self.ordered = ordered
        self.start = start
        self.index = -1
        self.markup = markup


_GLUED_HEADING = re.compile(r"(?m)^(#{1,6})(\d)")
_REF_DEF = re.compile(r"\s{0,3}\[[^\]\n]{1,999}\]:\s*\S")


def markdown_blocks(text: str) -> list[Block]:
    """The blocks of a Markdown body (front matter already removed).

    Two limits of the parser are covered here. Past MAX_NESTING levels markdown-it stops
    reading and drops what is deeper; those lines are put back as paragraphs where they
    stood (:func:`_recover`), since text is never lost. And its inline parser is not
    linear on hostile lines (100,000 brackets take seconds, ten times more take minutes):
    a text with a line longer than LONG_LINE characters is read by the plain-text reader.
    """
    if any(len(line) > LONG_LINE for line in text.split("\n")):
        from .text import text_blocks

        return text_blocks(text)
    # "####1. Privacy" (no space after the hashes) is not a heading to CommonMark, but it is
    # what the writer meant, and what a later version fixes: read it as one. Only before a
    # number, so that a hashtag opening a line stays text.
    text = _GLUED_HEADING.sub(r"\1 \2", text)
    tokens = _parser().parse(text)
    blocks, starts = _walk(tokens)
    if any(t.level >= MAX_NESTING - 2 for t in tokens):
        return _recover(text, tokens, blocks, starts)
    return blocks


def _recover(text: str, tokens: list[Token], blocks: list[Block], starts: list[int]) -> list[Block]:
    """Blocks with the lines the parser dropped put back, in reading order."""
    lines = text.split("\n")
    covered = bytearray(len(lines) + 1)
    for t in tokens:
        if t.map and (t.type == "inline" or t.nesting == 0 or t.type in ("table_open", "hr")):
            covered[t.map[0] : t.map[1]] = b"\x01" * (t.map[1] - t.map[0])
    lost: list[tuple[int, Block]] = []
    for k, line in enumerate(lines):
        if covered[k] or not re.search(r"\w", line) or _REF_DEF.match(line):
            continue
        if lost and lost[-1][0] == k - 1 - lost[-1][1].text.count("\n"):
            start, block = lost[-1]
            lost[-1] = (start, Block("paragraph", block.text + "\n" + line.strip()))
        else:
            lost.append((k, Block("paragraph", line.strip())))
    merged = sorted([*zip(starts, blocks, strict=True), *lost], key=lambda x: x[0])
    return [b for _, b in merged]


def _walk(tokens: list[Token]) -> tuple[list[Block], list[int]]:
    """Blocks from the token stream, with the source line each starts on."""
    blocks: list[Block] = []
    starts: list[int] = []
    line = 0
    lists: list[_List] = []
    item_open: list[bool] = []  # per open list item: its first paragraph is still due
    quote = 0
    row: list[str] | None = None
    heading_level = 0
    for tok in tokens:
        t = tok.type
        if tok.map:
            line = tok.map[0]
        if t == "heading_open":
            heading_level = int(tok.tag[1:])
        elif t == "heading_close":
            heading_level = 0
        elif t in ("bullet_list_open", "ordered_list_open"):
            start = int(tok.attrs.get("start", 1) or 1) if t == "ordered_list_open" else 0
            lists.append(_List(t == "ordered_list_open", start, tok.markup))
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t == "list_item_open":
            lists[-1].index += 1
            lists[-1].markup = tok.markup or lists[-1].markup
            item_open.append(True)
        elif t == "list_item_close":
            if item_open.pop():
                _item(blocks, lists, "")  # an empty item still holds its place
        elif t == "blockquote_open":
            quote += 1
        elif t == "blockquote_close":
            quote -= 1
        elif t == "tr_open":
            row = []
        elif t == "tr_close":
            if row is not None and any(row):
                blocks.append(Block("row", " | ".join(row)))
            row = None
        elif t == "inline":
            content = _inline(tok)
            if row is not None:
                row.append(" ".join(content.split()))
            elif heading_level:
                if content:
                    blocks.append(Block("heading", " ".join(content.split()), heading_level))
            elif item_open and item_open[-1]:
                item_open[-1] = False
                if _item_heading(tok, content):
                    # "19. **5\. HOW WE USE YOUR DATA**": a section heading set as a list
                    # item; the number in the bold text is the section's.
                    blocks.append(Block("heading", content, 7))
                else:
                    _item(blocks, lists, content)
            elif not content:
                continue
            elif item_open:
                blocks.append(Block("paragraph", content, level=len(lists)))
            elif quote:
                blocks.append(Block("quote", content))
            elif level := _pseudo_heading(tok, content):
                blocks.append(Block("heading", content, level))
            else:
                blocks.append(Block("paragraph", content))
        elif t in ("fence", "code_block"):
            code = tok.content.rstrip("\n")
            if code.strip():
                level = len(lists) if item_open else 0
                blocks.append(Block("paragraph", code, level=level))
        elif t == "html_block":
            html = _TAG.sub("", _BR.sub("\n", tok.content)).strip()
            if html:
                blocks.append(Block("paragraph", html))
        starts += [line] * (len(blocks) - len(starts))
    return blocks, starts


def _item(blocks: list[Block], lists: list[_List], text: str) -> None:
    lst = lists[-1]
    level = len(lists) - 1
    if lst.ordered:
        number = f"{lst.start + lst.index}{lst.markup or '.'}"
        if text or number:
            blocks.append(Block("item", text, level, number, True))
    elif text:
        blocks.append(Block("item", text, level, "", False))


def read(data: bytes, name: str = "<input>") -> Reading:
    return read_text_file(data, name, "markdown", READER, markdown_blocks)
