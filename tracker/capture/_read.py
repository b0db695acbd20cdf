"""Bytes -> a :class:`~tracker.sources.Source` through the readers, in one place.

``tracker.sources.read_document`` reads any format with its reader and keeps the bytes
for the version's source. Where it is not available yet, this falls back to the readers
that are (plain text), and to a small lxml extraction for HTML, so that capture works on
its own; the fallback goes away once every reader is in.
"""

from __future__ import annotations

from typing import Any

from ..sources import DEFAULT_MAX_BYTES, Source

try:  # pragma: no cover - depends on what is installed
    from ..sources import read_document as _read_document  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _read_document = None


def read_document(
    data: bytes,
    name: str,
    *,
    format: str | None = None,
    media_type: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    **options: Any,
) -> Source:
    """Read ``data`` (named ``name``) with the reader for ``format`` (detected from the
    name, the media type, else the content). ``options`` go to the reader (``selector``)."""
    options = {k: v for k, v in options.items() if v}
    if _read_document is not None:
        return _read_document(
            data, name, format=format, media_type=media_type, max_bytes=max_bytes, **options
        )
    from .. import readers
    from ..sources import read_bytes

    fmt = format or readers.detect_format(data, name, media_type)
    if fmt == "html":
        from ._html import read_html

        return read_html(data, name, max_bytes=max_bytes, **options)
    try:
        reading = readers.read(data, fmt, name, media_type, **options)
    except ImportError:
        return read_bytes(data, name, max_bytes)
    return Source(text=reading.text, meta=dict(reading.meta), name=name)
