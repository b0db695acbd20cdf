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

from ..errors import InputError
from .base import BLOCK_KINDS, FORMATS, Block, Reading, blocks_text

# Other names a user may give a format by (--format txt, md, htm).
FORMAT_ALIASES = {"txt": "text", "plain": "text", "md": "markdown", "htm": "html"}

__all__ = [
    "BLOCK_KINDS",
    "FORMATS",
    "Block",
    "Reading",
    "blocks_text",
    "detect_format",
    "read",
    "sniff",
]


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
    fmt = FORMAT_ALIASES.get(fmt, fmt)
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
