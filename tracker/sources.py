"""Reading a version from bytes: size limit, empty files, the format's reader; for text,
encoding checks and YAML front matter.

Everything that can be wrong with an input file is found here, before the database is
touched, so a bad file never leaves anything behind. A :class:`Source` keeps the bytes it
was read from, so they are stored beside the version and can be read again
(``tracker reparse``) when a reader improves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, TooLarge

if TYPE_CHECKING:
    from .provisions import Provision
    from .readers import Block

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
FRONT_MATTER_KEYS = ("title", "date", "kind", "label", "source", "notes")


# The media type stored for a format when the input did not say (a file on disk, stdin).
FORMAT_MEDIA_TYPES = {
    "text": "text/plain",
    "markdown": "text/markdown",
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
# What stored text was read with before readers existed (and what a Source built from text
# alone, with no bytes, is stored as): the text itself, split by the plain-text splitter.
TEXT_READER_0 = "text/0"


@dataclass(frozen=True)
class Source:
    """A version as read: its ``text`` (what is stored as the version's text), what the
    document said about itself (``meta``: front matter, an HTML title...), and where it
    came from: the original bytes (``data``), the ``format``, the ``reader`` that read them
    (``"text/1"``), the ``media_type``, the reader ``options`` and the structured
    ``blocks``. A Source built from text alone (:func:`parse_text`) has no bytes and no
    blocks: it is stored as its UTF-8 text, format ``text``."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)
    name: str = "<text>"
    data: bytes = b""
    format: str = "text"
    reader: str = TEXT_READER_0
    media_type: str = "text/plain"
    blocks: tuple[Block, ...] = ()
    options: dict[str, str] = field(default_factory=dict)


def parse_text(text: str, name: str = "<text>") -> Source:
    """A Source from text: optional YAML front matter (between ``---`` lines at the very
    top) split from the body."""
    from .readers.base import front_matter

    body, meta = front_matter(text, name)
    return Source(text=body, meta=meta, name=name)


def _check_size(data: bytes, name: str, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise TooLarge(
            f"{name}: {len(data):,} bytes is over the limit of {max_bytes:,} bytes "
            "(raise it with --max-bytes or TRACKER_MAX_BYTES)"
        )
    if not data.strip():
        raise InputError(f"{name}: is empty")


def resolve_format(
    data: bytes, name: str = "<input>", format: str | None = None, media_type: str | None = None
) -> str:
    """The format ``data`` is read as: ``format`` when given (``auto`` or None: detected
    from the name's extension, else the media type, else the content), aliases folded
    (``txt`` is ``text``, ``md`` is ``markdown``)."""
    from . import readers

    fmt = (format or "auto").strip().lower()
    if fmt == "auto":
        fmt = readers.detect_format(data, name, media_type)
    fmt = readers.FORMAT_ALIASES.get(fmt, fmt)
    if fmt not in readers.FORMATS:
        known = ", ".join(("auto", *readers.FORMATS))
        raise InputError(f"{name}: unknown format {fmt!r} (one of: {known})")
    return fmt


def read_document(
    data: bytes,
    name: str,
    *,
    format: str | None = None,
    media_type: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    **options: str,
) -> Source:
    """Read a document's bytes with the reader for its format -> a :class:`Source` that
    keeps ``data``.

    ``format`` is one of :data:`tracker.readers.FORMATS`, or ``auto``/None to detect it
    (extension of ``name``, then ``media_type``, then the content). ``options`` go to the
    reader (the DOCX reader's ``tracked="original"``). Raises :class:`TooLarge` or
    :class:`InputError` (empty, unknown format, no reader for the format in this build,
    bytes the reader cannot read) naming ``name``; nothing is stored by reading.
    """
    from . import readers

    _check_size(data, name, max_bytes)
    fmt = resolve_format(data, name, format, media_type)
    try:
        reading = readers.read(data, fmt, name, media_type, **options)
    except ImportError as exc:
        # A reader module that is not in this build, or one whose library is missing:
        # the same answer for the user, who can install or pick another format.
        module = f"{readers.__name__}.{fmt}"
        ours = (None, module, readers.__name__)  # `from . import html` names the package
        missing = "" if exc.name in ours else f" (needs the {exc.name} package)"
        raise InputError(f"{name}: no reader for {fmt} in this build{missing}") from None
    except TypeError as exc:
        if options and "unexpected keyword argument" in str(exc):
            given = ", ".join(sorted(options))
            raise InputError(f"{name}: the {fmt} reader takes no option {given}") from None
        raise
    if not reading.text.strip():
        raise InputError(f"{name}: no text found in this {fmt} file")
    return Source(
        text=reading.text,
        meta=dict(reading.meta),
        name=name,
        data=data,
        format=reading.format,
        reader=reading.reader,
        media_type=(media_type or FORMAT_MEDIA_TYPES[reading.format]).strip(),
        blocks=tuple(reading.blocks),
        options={k: str(v) for k, v in options.items()},
    )


def read_bytes(data: bytes, name: str = "<input>", max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Plain text bytes -> a Source (the text reader; kept for callers that read text)."""
    return read_document(data, name, format="text", max_bytes=max_bytes)


def read_path(
    path: str | Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    format: str | None = None,
    **options: str,
) -> Source:
    """Read a file: ``format`` when given (``--format``), else from its extension, else
    from its content (see :func:`read_document`)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not a file")
    size = p.stat().st_size
    if size > max_bytes:
        # Refuse before reading a huge file into memory.
        raise TooLarge(
            f"{p}: {size:,} bytes is over the limit of {max_bytes:,} bytes "
            "(raise it with --max-bytes or TRACKER_MAX_BYTES)"
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    return read_document(data, str(p), format=format, max_bytes=max_bytes, **options)


def kind_of(source: Source) -> str:
    """``plan`` or ``reporting``, detected: from the structure a reader found (headings,
    lists) for Markdown, HTML, DOCX and PDF; from numbered lines for plain text."""
    from .provisions import detect_kind, detect_kind_blocks

    if source.blocks and source.format != "text":
        return detect_kind_blocks(source.blocks)
    return detect_kind(source.text)


def provisions_of(source: Source, kind: str) -> list[Provision]:
    """The provisions of a read source (``kind``: ``plan`` splits into numbered points,
    anything else into paragraphs): built from the reader's blocks when it gave any, else
    split from the text (a Source made from text alone)."""
    from .provisions import build, split

    split_as = "plan" if kind == "plan" else "reporting"
    if source.blocks:
        return build(source.blocks, split_as)
    return split(source.text, split_as)
