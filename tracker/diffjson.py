"""The JSON of a stored diff, kept: ``tracker diff --format json`` and the web's JSON
twin of a diff page write the same bytes for the same two stored versions, so the first
time they are asked for they are rendered and kept (compressed, beside the packed diff:
see ``_migration_diff_json`` in :mod:`tracker.store`), and every later time they are
streamed as stored.

Why: at 5,000 provisions a cached diff still cost 0.45 s of CPU as a command, most of it
loading 10,000 provisions into objects, unpacking the diff and serialising 4.4 MB of
JSON; streaming the stored bytes costs a decompression (~10 ms). This module imports
neither the diff engine nor the renderers until it has to render.

Stored JSON is keyed by the two version ids (stored versions never change) and by a
fingerprint of the code that renders it (:func:`renderer_key`): a new build with any
change to the diff engine, the change format, labels or the JSON shape never serves
what an older build wrote.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .compare import versions

if TYPE_CHECKING:
    from .compare import Comparison
    from .store import Store

# zlib level 1: 4.4 MB of JSON -> 550 kB in ~20 ms while it is written (level 6 saves
# another 20% for 5x the time); decompressing takes ~10 ms either way.
LEVEL = 1
# A rendering larger than this (compressed) is not kept: its compressed form is held in
# memory until the command ends (~12 MB for 100,000 provisions).
MAX_KEPT = 64 * 1024 * 1024
CHUNK = 1 << 16


@functools.cache
def renderer_key() -> str | None:
    """A fingerprint of the code the JSON comes out of: SHA-256 over every module of the
    ``tracker`` package (not its readers or capture subpackages, which never see a
    stored diff). Hashing the sources rather than a hand-bumped constant means that a
    change anywhere in the engine, the change format, provision labels or the
    serialiser is never served stale; ~0.5 ms per process. Any change, even to a
    comment, renders each diff once more. None (nothing is kept or served) when the
    sources are not there to hash (an install without ``.py`` files)."""
    paths = sorted(Path(__file__).resolve().parent.glob("*.py"))
    if not paths:
        return None
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return "tracker.diffjson/1:" + digest.hexdigest()[:32]


def stored(store: Store, old_id: int, new_id: int) -> Iterator[bytes] | None:
    """The stored JSON of two versions' diff, as UTF-8 pieces, or None when it was not
    kept (or was kept by other code)."""
    key = renderer_key()
    data = None if key is None else store.cached_diff_json(old_id, new_id, key)
    if data is None:
        return None
    return _inflate(data)


def _inflate(data: bytes) -> Iterator[bytes]:
    inflate = zlib.decompressobj()
    for start in range(0, len(data), CHUNK):
        yield inflate.decompress(data[start : start + CHUNK])
    yield inflate.flush()


def rendered(store: Store, cmp: Comparison, old_id: int, new_id: int) -> Iterator[str]:
    """The JSON of ``cmp`` (the comparison of stored versions ``old_id`` and ``new_id``)
    as :func:`tracker.render.iter_diff_json` writes it, piece by piece; once every piece
    is out, it is kept for next time (after the read transaction, never failing)."""
    from .diff import ENGINE
    from .render import iter_diff_json

    deflate = zlib.compressobj(LEVEL)
    kept: list[bytes] | None = []
    size = 0
    for piece in iter_diff_json(cmp):
        yield piece
        if kept is not None:
            chunk = deflate.compress(piece.encode("utf-8"))
            size += len(chunk)
            kept.append(chunk)
            if size > MAX_KEPT:
                kept = None
    key = renderer_key()
    if kept is not None and key is not None:
        kept.append(deflate.flush())
        store.try_put_diff_json(old_id, new_id, ENGINE, key, b"".join(kept))


def diff_json(
    store: Store, doc: str, from_label: str, to_label: str, to_doc: str | None = None
) -> Iterator[bytes]:
    """``tracker diff DOC FROM TO --format json`` of two stored versions (same arguments
    as :func:`tracker.compare.compare`) as UTF-8 pieces: stored bytes when kept, else
    rendered now and kept. Raises NotFound for an unknown document or label."""
    from .compare import compare

    old, new = versions(store, doc, from_label, to_label, to_doc)
    kept = stored(store, old.id, new.id)
    if kept is not None:
        return kept
    cmp = compare(store, doc, from_label, to_label, to_doc)
    return (piece.encode("utf-8") for piece in rendered(store, cmp, old.id, new.id))
