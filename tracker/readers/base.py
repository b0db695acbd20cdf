"""What every reader shares: the block and reading records, text decoding and front matter.

The bottom of the readers: the format modules and the dispatcher (:mod:`tracker.readers`)
import from here, never the other way round.
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import InputError

FORMATS = ("text", "markdown", "html", "docx", "pdf")
BLOCK_KINDS = ("heading", "paragraph", "item", "row", "quote")


@dataclass(frozen=True)
class Block:
    """One structural unit of a document, in reading order.

    ``kind``: ``heading``, ``paragraph``, ``item`` (a list item), ``row`` (a table row,
    cells joined with `` | ``) or ``quote`` (a block quote paragraph).

    ``text``: the text as it is compared: inline markup removed (``**``, ``_``, tags),
    link text kept, whitespace inside a line kept as printed. A number that is printed as
    part of the text (``3.4 Title``, ``Article 5.``, ``(a)``) stays at the start of ``text``.

    ``level``: a heading's level (1 for the title, 2 for a section, ...); for an item, its
    nesting depth in the list (0 for a top-level item); 0 for the rest.

    ``number``: a number the *format* prints outside the text: an ordered list item's
    number as rendered (``"3."``, ``"iv)"``, ``"(a)"``), Word's computed automatic numbering
    (``"1.2"``, ``"(a)"``); ``""`` for a bullet item or when the number is in ``text``.

    ``ordered``: for an item, whether its list is ordered (numbered) rather than bulleted.
    """

    kind: str
    text: str
    level: int = 0
    number: str = ""
    ordered: bool = False


@dataclass(frozen=True)
class Reading:
    """What a reader made of one document's bytes.

    ``text`` is the document as plain text (what is stored as the version's text, shown by
    ``tracker show`` and searched): for a text or Markdown file the decoded text itself
    (front matter removed); for HTML, DOCX and PDF the blocks written out one per
    paragraph, with their numbers. ``meta`` holds what the document says about itself
    (front matter keys, an HTML page's title and published date, a DOCX's core properties).
    ``reader`` names the reader and its version (``"markdown/1"``): stored with the source
    bytes, it tells ``tracker reparse`` which versions a newer reader would read again.
    """

    blocks: tuple[Block, ...]
    text: str
    format: str
    reader: str
    meta: dict[str, str] = field(default_factory=dict)
    name: str = "<input>"

    @classmethod
    def of_blocks(
        cls, blocks: list[Block], format: str, reader: str, meta: dict[str, str], name: str
    ) -> Reading:
        """A structured format's reading (HTML, DOCX, PDF): its text is its blocks
        written out (:func:`blocks_text`)."""
        return cls(tuple(blocks), blocks_text(blocks), format, reader, meta, name)


def blocks_text(blocks: tuple[Block, ...] | list[Block]) -> str:
    """Blocks written out as plain text, one paragraph each, with the numbers the format
    printed outside the text, list items indented by their depth. Reading this text back
    with the text reader gives the same structure, so a version stored from HTML, DOCX or
    PDF reads the same when compared as text."""
    out = []
    for b in blocks:
        if b.kind == "item":
            indent = "   " * b.level
            lead = b.number if b.number else ("" if b.ordered else "-")
            out.append(f"{indent}{lead} {b.text}".rstrip() if lead else f"{indent}{b.text}")
        elif b.kind == "quote":
            out.append(f"> {b.text}")
        else:
            out.append(b.text)
    return "\n\n".join(out)


# --- text files ---------------------------------------------------------------------------


def decode(data: bytes, name: str = "<input>") -> str:
    """Bytes -> text: UTF-8 (with or without BOM) or UTF-16 with a BOM; else an error
    saying what was tried. NUL bytes in a non-UTF-16 file mean a binary file."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}: has a UTF-16 byte-order mark but is not UTF-16 ({exc.reason})"
            ) from None
    if b"\x00" in data:
        raise InputError(f"{name}: looks like a binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "tried UTF-8, UTF-8 with BOM and UTF-16 with BOM - convert the file to UTF-8"
        ) from None


def _meta_value(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def front_matter(text: str, name: str = "<text>") -> tuple[str, dict[str, str]]:
    """Split optional YAML front matter (between ``---`` lines at the very top) from the body:
    (body, meta). An empty body is refused."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta: dict[str, str] = {}
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end == -1:
            raise InputError(f"{name}: front matter opened with '---' but never closed")
        close = text.find("\n", end + 4)
        header, text = text[4:end], ("" if close == -1 else text[close + 1 :])
        # Here, not at the top: PyYAML costs ~20 ms to import, and most commands never
        # read front matter.
        import yaml

        try:
            loaded = yaml.safe_load(header) or {}
        except (yaml.YAMLError, ValueError) as exc:  # ValueError: date: 2025-13-45
            raise InputError(f"{name}: bad front matter: {exc}".splitlines()[0]) from None
        if not isinstance(loaded, dict):
            raise InputError(f"{name}: front matter must be 'key: value' lines")
        meta = {str(k).lower(): _meta_value(v) for k, v in loaded.items() if v is not None}
    if not text.strip():
        raise InputError(
            f"{name}: is empty (no text after the front matter)" if meta else f"{name}: is empty"
        )
    return text.strip("\n"), meta


def read_text_file(
    data: bytes, name: str, format: str, reader: str, to_blocks: Callable[[str], list[Block]]
) -> Reading:
    """A text format (plain text, Markdown): decoded, front matter split off, the body
    kept as the version's text and read into blocks by ``to_blocks``."""
    body, meta = front_matter(decode(data, name), name)
    return Reading(
        blocks=tuple(to_blocks(body)),
        text=body,
        format=format,
        reader=reader,
        meta=meta,
        name=name,
    )
