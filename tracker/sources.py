"""Reading a version from bytes: encoding checks, size limit, YAML front matter.

Everything that can be wrong with an input file is found here, before the database is
touched, so a bad file never leaves anything behind.
"""

from __future__ import annotations

import codecs
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import InputError, TooLarge

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
FRONT_MATTER_KEYS = ("title", "date", "kind", "label", "source", "notes")


@dataclass(frozen=True)
class Source:
    """A version's text with what its front matter said (``meta``)."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)
    name: str = "<text>"


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


def parse_text(text: str, name: str = "<text>") -> Source:
    """Split optional YAML front matter (between ``---`` lines at the very top) from the body."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta: dict[str, str] = {}
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end == -1:
            raise InputError(f"{name}: front matter opened with '---' but never closed")
        close = text.find("\n", end + 4)
        header, text = text[4:end], ("" if close == -1 else text[close + 1 :])
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
    return Source(text=text.strip("\n"), meta=meta, name=name)


def read_bytes(data: bytes, name: str = "<input>", max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    if len(data) > max_bytes:
        raise TooLarge(
            f"{name}: {len(data):,} bytes is over the limit of {max_bytes:,} bytes "
            "(raise it with --max-bytes or TRACKER_MAX_BYTES)"
        )
    if not data.strip():
        raise InputError(f"{name}: is empty")
    return parse_text(decode(data, name), name)


def read_path(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
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
    return read_bytes(data, str(p), max_bytes)
