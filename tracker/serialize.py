"""JSON shapes of the library's results: one function per result type, used by the CLI's
``--json`` output and by the web API alike, so the two cannot drift apart.

These shapes are public contracts (see the README): keys may be added, never changed or
removed. The API may add keys of its own around them, never drop or rename one. A change
(:func:`change_json`) has one shape wherever it appears: in a diff
(:func:`tracker.render.diff_json`), a provision's history and an export.

This module imports the library's types for their annotations only, so that any module
may serialize with it (the export, below the history, does) without an import circle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .diff import Change
    from .history import Blame, Figure, Hit, Lineage, TimelineEntry
    from .provisions import Provision
    from .store import Document, Version

FIGURE_FIELDS = (
    "provision", "old_provision", "from", "to", "from_at", "to_at", "type", "old", "new",
    "kind", "track", "old_term", "new_term",
)  # fmt: skip


def documents_json(docs: Iterable[Document]) -> dict[str, Any]:
    """``tracker list --json``."""
    return {"documents": [asdict(d) for d in docs]}


def version_meta(v: Version) -> dict[str, Any]:
    """A version's metadata (listings leave the full text to ``show``)."""
    row = asdict(v)
    del row["text"]
    return row


def versions_json(
    doc: str, versions: Iterable[Version], timeline: Iterable[TimelineEntry]
) -> dict[str, Any]:
    """``tracker list DOC --json``: each version with what changed from the previous one,
    read from the stored steps."""
    by_label = {e.label: e for e in timeline}
    rows = []
    for v in versions:
        entry = by_label[v.label]
        rows.append(
            {**version_meta(v), "previous": entry.previous, "changes": entry.summary,
             "headline": entry.headline}
        )  # fmt: skip
    return {"doc": doc, "versions": rows}


def provision_json(p: Provision) -> dict[str, Any]:
    """One stored provision, as ``show --json`` lists it."""
    return {"path": p.path, "number": p.number, "marker": p.marker, "depth": p.depth,
            "text": p.text, "label": p.label, "heading": p.heading}  # fmt: skip


def change_provision_json(p: Provision, text: bool = True) -> dict[str, Any]:
    """A provision as a change names it (and as a history lists it)."""
    if text:
        return {"number": p.number, "path": p.path, "label": p.label, "text": p.text,
                "heading": p.heading}  # fmt: skip
    return {"number": p.number, "path": p.path, "label": p.label, "heading": p.heading}


def change_json(c: Change, texts: bool = True) -> dict[str, Any]:
    """One change, computed by a diff or rebuilt from stored links alike. Without
    ``texts``, its provisions are named without their texts and the word ``ops`` are left
    out: the one slim form, for an export, whose versions carry every text already."""
    out: dict[str, Any] = {
        "kind": c.kind,
        "old": [change_provision_json(p, texts) for p in c.old],
        "new": [change_provision_json(p, texts) for p in c.new],
        "renumbered": c.renumbered,
        "moved": c.moved,
        "similarity": c.similarity,
    }
    if texts:
        out["ops"] = [[op, text] for op, text in c.ops]
    out["terms"] = [{"old": t.old, "new": t.new, "type": t.type} for t in c.terms]
    return out


def version_json(
    doc: str, v: Version, provisions: Iterable[Provision], format: str = "", reader: str = ""
) -> dict[str, Any]:
    """``tracker show DOC LABEL --json``: metadata, the verbatim text, the format it was
    read from and by which reader, and the provisions."""
    return {
        "doc": doc,
        **asdict(v),
        "format": format,
        "reader": reader,
        "provisions": [provision_json(p) for p in provisions],
    }


def history_json(lin: Lineage) -> dict[str, Any]:
    """``tracker history DOC NUMBER --json``."""
    return {
        "doc": lin.doc,
        "provision": lin.ref,
        "at": lin.at_label,
        "added_in": lin.added_in,
        "dropped_in": lin.dropped_in,
        "versions": [
            {
                "label": e.label,
                "at": e.at,
                "present": e.present,
                "provisions": [change_provision_json(p) for p in e.provisions],
                "changes": [change_json(c) for c in e.changes],
            }
            for e in lin.entries
        ],
    }


def blame_json(b: Blame) -> dict[str, Any]:
    """``tracker blame DOC NUMBER --json``."""
    return {
        "doc": b.doc,
        "provision": b.start.label,
        "at": b.at_label,
        "versions": list(b.versions),
        "runs": [{"text": r.text, "label": r.label, "at": r.at} for r in b.runs],
    }


def figure_row(f: Figure) -> list[Any]:
    """One figure in :data:`FIGURE_FIELDS` order (the CSV row)."""
    return [f.provision, f.old_provision, f.from_label, f.to_label, f.from_at, f.to_at,
            f.type, f.old, f.new, f.kind, f.track, f.old_term, f.new_term]  # fmt: skip


def figures_json(doc: str, figs: Iterable[Figure]) -> dict[str, Any]:
    """``tracker figures DOC --json``."""
    return {
        "doc": doc,
        "figures": [dict(zip(FIGURE_FIELDS, figure_row(f), strict=True)) for f in figs],
    }


def search_json(query: str, doc: str | None, hits: Iterable[Hit]) -> dict[str, Any]:
    """``tracker search QUERY --json``; snippets mark matches as ``[`` ``]``."""
    return {
        "query": query,
        "doc": doc,
        "hits": [
            {"doc": h.doc, "label": h.label, "at": h.at, "provision": h.provision,
             "path": h.path, "number": h.number, "snippet": h.snippet}
            for h in hits
        ],
    }  # fmt: skip
