"""Bytes -> a :class:`~tracker.sources.Source` through the readers, in one place.

``tracker.sources.read_document`` reads any format with its reader and keeps the bytes
for the version's source. Where it is not available, this reads with
:func:`tracker.readers.read` and keeps the reader's text and meta.
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError, TooLarge
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

    if len(data) > max_bytes:
        raise TooLarge(f"{name}: {len(data):,} bytes is over the limit of {max_bytes:,} bytes")
    try:
        reading = readers.read(data, format, name, media_type, **options)
    except ImportError:  # a format whose reader is not installed
        fmt = format or readers.detect_format(data, name, media_type)
        raise InputError(f"{name}: no reader for {fmt} documents yet") from None
    return Source(text=reading.text, meta=dict(reading.meta), name=name)
