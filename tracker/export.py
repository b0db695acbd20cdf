"""A document's whole history out (versions verbatim with their provisions, steps with
their changes) and back in, in this or another database."""

from __future__ import annotations

import base64
import binascii
import json
from itertools import groupby, pairwise
from typing import Any

from .errors import Conflict, InputError
from .lineage import _groups, provisions_by_id, stored_change
from .links import _terms_json, ensure_links, relink
from .provisions import Provision, normalise
from .serialize import change_json
from .store import Original, Store, Version
from .termdiff import Term

# --- export and re-import -----------------------------------------------------------------

EXPORT_FORMAT = "tracker-export"


EXPORT_VERSION = 1


def _provision_json(p: Provision) -> dict[str, Any]:
    return {"path": p.path, "number": p.number, "marker": p.marker, "depth": p.depth,
            "text": p.text, "heading": p.heading}  # fmt: skip


def _version_json(store: Store, v: Version) -> dict[str, Any]:
    full = store.version(v.document, v.label, with_text=True)
    return {
        "label": v.label,
        "at": v.at,
        "at_text": v.at_text,
        "kind": v.kind,
        "source": v.source,
        "notes": v.notes,
        "added_at": v.added_at,
        "sha256": v.sha256,
        "text": full.text,
        "provisions": [_provision_json(p) for p in store.provisions(v.id)],
        "original": _original_json(store, v),
    }


def _original_json(store: Store, v: Version) -> dict[str, Any]:
    """The version's original file, base64 (a third bigger than the file): an export
    carries everything a reparse needs in the database it is imported into."""
    o = store.source(v.id)
    return {"format": o.format, "reader": o.reader, "media_type": o.media_type,
            "name": o.name, "options": json.loads(o.options), "size": o.size,
            "sha256": o.sha256, "base64": base64.b64encode(o.data).decode("ascii")}  # fmt: skip


def _original_of(label: str, data: dict[str, Any] | None) -> Original | None:
    """An export's ``original`` back as an :class:`Original` (None for an export made
    before originals were kept: the version's text is then stored as its source)."""
    if data is None:
        return None
    try:
        raw = base64.b64decode(data["base64"], validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"version {label!r}: original is not valid base64") from None
    original = Original(raw, data["format"], data["reader"], data["media_type"], data["name"],
                        json.dumps(data["options"], sort_keys=True))  # fmt: skip
    if original.sha256 != data["sha256"]:
        raise InputError(f"version {label!r}: original file does not match its sha256")
    return original


def _steps_json(store: Store, doc: str, versions: list[Version]) -> list[dict[str, Any]]:
    rows = store.links(doc)
    ids = {r[c] for r in rows for c in ("old_provision", "new_provision")} - {None}
    by_id = provisions_by_id(store, ids)
    by_step = {k: list(g) for k, g in groupby(rows, key=lambda r: r["from_version"])}
    out = []
    for s in store.steps(doc):
        groups = _groups(by_step.get(s["from_version"], []))
        changes = [stored_change(c, by_id, ops=False) for c in groups]
        out.append(
            {
                "from": s["from_label"],
                "to": s["to_label"],
                "summary": json.loads(s["summary"]),
                "headline": s["headline"],
                "engine": s["engine"],
                # The slim form of the one change shape: the versions above carry every
                # provision's text and the word ops follow from those texts (a history
                # computes them when it shows a change), while texts and ops repeated
                # here would make an export ~60% bigger (173 -> 274 MB for 12 documents
                # of the real corpus, 458 versions, originals included).
                "changes": [change_json(c, texts=False) for c in changes],
            }
        )
    return out


def export(store: Store, doc: str) -> dict[str, Any]:
    """The whole timeline of ``doc``: every version verbatim with its provisions and its
    original file, and every step with its changes (provisions named by path).
    :func:`import_export` rebuilds the same history from it, in this or another database."""
    d = store.document(doc)
    versions = store.versions(doc)
    ensure_links(store, doc, versions)
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_VERSION,
        "document": {"slug": d.slug, "title": d.title, "kind": d.kind, "created": d.created},
        "versions": [_version_json(store, v) for v in versions],
        "steps": _steps_json(store, doc, versions),
    }


def _check_export(data: Any) -> None:
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise InputError(f'not a tracker export (no "format": "{EXPORT_FORMAT}")')
    if data.get("format_version") != EXPORT_VERSION:
        raise InputError(
            f"export format version {data.get('format_version')!r} is not supported "
            f"(this tracker reads {EXPORT_VERSION})"
        )


def _insert_versions(store: Store, slug: str, versions: list[dict]) -> dict[str, Version]:
    from .ingest import check_label, sha256  # ingest imports this module: import at call time

    out = {}
    for v in versions:
        check_label(v["label"])
        if sha256(v["text"]) != v["sha256"]:
            raise InputError(f"version {v['label']!r}: text does not match its sha256")
        provisions = [
            Provision(i, p["number"], p["path"], p["marker"], p["depth"], p["text"],
                      normalise(p["text"]), p.get("heading", ""))
            for i, p in enumerate(v["provisions"])
        ]  # fmt: skip
        row = {k: v[k] for k in ("label", "at", "at_text", "kind", "source", "notes")}
        row |= {"document": slug, "sha256": v["sha256"], "text": v["text"]}
        row["added_at"] = v["added_at"]
        original = _original_of(v["label"], v.get("original"))
        out[v["label"]] = store.insert_version(row, provisions, original)
    return out


def _insert_steps(store: Store, slug: str, steps: list[dict], stored: dict[str, Version]) -> None:
    timeline = store.versions(slug)
    expected = [(a.label, b.label) for a, b in pairwise(timeline)]
    if [(s["from"], s["to"]) for s in steps] != expected:
        raise InputError("the export's steps do not follow its timeline: re-import with --relink")
    for s in steps:
        old, new = stored[s["from"]], stored[s["to"]]
        old_ids, new_ids = store.provision_paths(old.id), store.provision_paths(new.id)
        links = []
        for n, c in enumerate(s["changes"]):
            olds: list[int | None] = [old_ids[p["path"]] for p in c["old"]] or [None]
            news: list[int | None] = [new_ids[p["path"]] for p in c["new"]] or [None]
            terms = _terms_json(Term(t["old"], t["new"], t["type"]) for t in c["terms"])
            links += [
                {"document": slug, "from_version": old.id, "to_version": new.id, "change": n,
                 "old_provision": o, "new_provision": w, "kind": c["kind"],
                 "renumbered": int(c["renumbered"]), "moved": int(c["moved"]),
                 "similarity": c["similarity"], "terms": terms}
                for o in olds
                for w in news
            ]  # fmt: skip
        step = {"document": slug, "from_version": old.id, "to_version": new.id,
                "summary": json.dumps(s["summary"]), "headline": s["headline"],
                "engine": s["engine"]}  # fmt: skip
        store.insert_step(step, links)


def import_export(
    store: Store, data: Any, *, slug: str | None = None, recompute: bool = False
) -> str:
    """Load an :func:`export` as a new document (``slug``, default the exported one), with
    its links as exported, or rebuilt by this engine when ``recompute``. One transaction.
    Returns the slug."""
    from .ingest import check_slug

    _check_export(data)
    try:
        meta = data["document"]
        slug = check_slug(slug or meta["slug"])
        with store.transaction():
            if store.has_document(slug):
                raise Conflict(f"document {slug!r} already exists: import it --as another name")
            store.insert_document(slug, meta["title"], meta["kind"], meta["created"])
            stored = _insert_versions(store, slug, data["versions"])
            if recompute:
                relink(store, slug)
            else:
                _insert_steps(store, slug, data["steps"], stored)
    except (KeyError, TypeError, IndexError) as exc:
        raise InputError(f"malformed export: missing or bad field {exc}") from None
    return slug
