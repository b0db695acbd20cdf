"""A format's bytes -> structured blocks. One module per format, one job each.

Every reader turns the bytes of a published document into a flat sequence of
:class:`Block` records in reading order: headings, paragraphs, list items, table rows,
quotes. The structure that the format itself carries (a heading's level, an ordered list's
start and nesting, Word's automatic numbering) is read from the format and put on the
block; numbers that are only printed in the text (``**3.4**``, ``Article 5.``, ``(ii)``) stay
in the text, and :mod:`tracker.provisions` reads them when it builds the provision tree.

The source bytes are never lost: :func:`read` returns a :class:`Reading` that names the
format and the reader's version, and the caller stores the bytes beside the version so that
``tracker reparse`` can read them again when a reader improves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError

FORMATS = ("text", "markdown", "html", "docx", "pdf")
BLOCK_KINDS = ("heading", "paragraph", "item", "row", "quote")

EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}

MEDIA_TYPES = {
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/pdf": "pdf",
}


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


def detect_format(data: bytes, name: str = "<input>", media_type: str | None = None) -> str:
    """The format of ``data``: from the file name's extension, else the media type, else
    the content (ZIP with a Word part, ``%PDF-``, an HTML tag near the top, Markdown syntax),
    else plain text."""
    lower = name.lower()
    for ext, fmt in EXTENSIONS.items():
        if lower.endswith(ext):
            return fmt
    if media_type:
        base = media_type.split(";", 1)[0].strip().lower()
        if base in MEDIA_TYPES:
            return MEDIA_TYPES[base]
    return sniff(data)


def sniff(data: bytes) -> str:
    """The format from the content alone."""
    head = data[:4096]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        # A ZIP container: a Word document has a ``word/`` part; anything else is refused
        # by the DOCX reader with a clear message.
        return "docx"
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    # Pages often open with a comment (a generator's stamp, IE conditional comments)
    # before <!doctype> or <html>, and a long <head> can push <body> past the probe.
    while probe.startswith(b"<!--") and b"-->" in probe:
        probe = probe[probe.index(b"-->") + 3 :].lstrip(b" \t\r\n")
    if probe.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")) or (
        probe.startswith(b"<") and (b"<body" in head.lower() or b"<p>" in head.lower())
    ):
        return "html"
    return _sniff_text(head)


def _sniff_text(head: bytes) -> str:
    """Markdown when the text uses its block syntax (ATX headings, setext underlines,
    escaped or bold list numbers, pipe tables); plain text otherwise. Plain text read as
    Markdown would lose nothing, but a ``# `` or ``*`` in a plain draft is rare enough
    that guessing Markdown only on clear signs keeps text files on the text reader."""
    import re

    text = head.decode("utf-8", "replace")
    signs = 0
    signs += len(re.findall(r"(?m)^#{1,6} \S", text))
    signs += len(re.findall(r"(?m)^(?:=+|-{3,})\s*$", text)) if "\n---\n" not in text[:4] else 0
    signs += len(re.findall(r"(?m)^\s*\*\*[^*\n]+\*\*", text))
    signs += len(re.findall(r"(?m)^\s*\d+\\\.", text))
    signs += len(re.findall(r"(?m)^\|.*\|\s*$", text))
    signs += len(re.findall(r"\[[^\]\n]+\]\([^)\s]+\)", text))
    return "markdown" if signs >= 2 else "text"


def read(
    data: bytes,
    format: str | None = None,
    name: str = "<input>",
    media_type: str | None = None,
    **options: str,
) -> Reading:
    """Read ``data`` with the reader for ``format`` (detected when not given).

    ``options`` go to the reader as keyword arguments (the DOCX reader's
    ``tracked="original"``, the HTML reader's ``selector``); a reader refuses ones it does
    not know with :class:`~tracker.errors.InputError`.

    Raises :class:`~tracker.errors.InputError` naming the format and what failed when the
    bytes cannot be read as that format; nothing is stored by a reader.
    """
    fmt = (format or detect_format(data, name, media_type)).lower()
    if fmt in ("txt", "plain"):
        fmt = "text"
    if fmt == "md":
        fmt = "markdown"
    if fmt not in FORMATS:
        raise InputError(f"{name}: unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
    if fmt == "text":
        from . import text as reader
    elif fmt == "markdown":
        from . import markdown as reader  # type: ignore[no-redef]
    elif fmt == "html":
        from . import html as reader  # type: ignore[no-redef]
    elif fmt == "docx":
        from . import docx as reader  # type: ignore[no-redef]
    else:
        from . import pdf as reader  # type: ignore[no-redef]
    return reader.read(data, name, **options)


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
