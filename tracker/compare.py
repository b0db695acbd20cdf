"""Two versions (stored, or files) -> a :class:`Comparison` that every renderer consumes.

The diff is computed once here; text, JSON, Markdown and HTML output, the web pages and
the feeds all read the same :class:`~tracker.diff.Diff`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .sources import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from .diff import Diff
    from .store import Store, Version

# The diff engine is imported where a diff is made, not here: a cached diff read as JSON
# (tracker.diffjson) names its two versions through this module and never needs it.


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a stored version, or a file (``at`` then None)."""

    doc: str
    label: str
    at: str | None
    kind: str


@dataclass(frozen=True)
class Comparison:
    old: Side
    new: Side
    diff: Diff

    @property
    def old_doc(self) -> str:
        return self.old.doc

    @property
    def new_doc(self) -> str:
        return self.new.doc


def parse_ref(ref: str, default_doc: str) -> tuple[str, str]:
    """``LABEL`` or ``DOC:LABEL`` -> (doc, label)."""
    if ":" in ref:
        doc, label = ref.split(":", 1)
        return doc or default_doc, label
    return default_doc, ref


def compare(
    store: Store, doc: str, from_label: str, to_label: str, to_doc: str | None = None
) -> Comparison:
    """Compare two stored versions. Labels may be ``DOC:LABEL`` to cross documents.
    Raises NotFound for an unknown document or label."""
    old, new = versions(store, doc, from_label, to_label, to_doc)
    return Comparison(
        Side(old.document, old.label, old.at, old.kind),
        Side(new.document, new.label, new.at, new.kind),
        stored_diff(store, old.id, new.id),
    )


def versions(
    store: Store, doc: str, from_label: str, to_label: str, to_doc: str | None = None
) -> tuple[Version, Version]:
    """The two stored versions :func:`compare` compares (same arguments). Raises NotFound
    for an unknown document or label."""
    old_doc, old_label = parse_ref(from_label, doc)
    new_doc, new_label = parse_ref(to_label, to_doc or doc)
    return store.version(old_doc, old_label), store.version(new_doc, new_label)


def stored_diff(store: Store, old_id: int, new_id: int) -> Diff:
    """The diff of two stored versions: from the cache when this engine stored it (every
    consecutive pair is stored when linked), else computed and then cached if the
    database takes the write at once (never failing the read)."""
    from .diff import ENGINE, diff_provisions, pack, unpack

    old, new = store.provisions(old_id), store.provisions(new_id)
    data = store.cached_diff(old_id, new_id, ENGINE)
    diff = unpack(data, old, new) if data is not None else None
    if diff is None:
        diff = diff_provisions(old, new)
        store.try_put_diff(old_id, new_id, ENGINE, pack(diff))
    return diff


def compare_files(
    old_path: str | Path,
    new_path: str | Path,
    kind: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Comparison:
    """Compare two files without storing them, each read by its format (extension, else
    content), as ``tracker add`` reads it; front matter is read and set aside."""
    from .diff import diff_provisions
    from .sources import kind_of, provisions_of, read_path

    sides = []
    provisions = []
    from .diff import gc_paused

    with gc_paused():  # parsing both versions allocates as much as diffing them
        for path in (old_path, new_path):
            source = read_path(path, max_bytes)
            k = kind or source.meta.get("kind") or kind_of(source)
            sides.append(Side(str(path), source.meta.get("label") or Path(path).name, None, k))
            provisions.append(provisions_of(source, k))
        diff = diff_provisions(provisions[0], provisions[1])
    return Comparison(sides[0], sides[1], diff)
