"""A provision across the whole timeline, read from stored links: its lineage (every
version, what changed at each step) and its blame (which version wrote each phrase).

A lineage is a walk along indexed links, one query per step, never a re-run of the
alignment. Its changes are the diff's own :class:`~tracker.diff.Change` records, rebuilt
from the links: only their word ops are computed again, from the stored texts of the few
changed groups of one lineage, as :func:`blame` diffs its consecutive texts (~50 us per
pair of 200 characters).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

from .diff import Change, group_ops
from .errors import NotFound
from .links import ensure_links
from .provisions import Provision
from .store import Store, Version
from .termdiff import Term, tokens, word_ops

# --- lineage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """The lineage in one version: its provisions there (empty when absent) and the
    changes that led to them from the previous version (empty for the first version),
    the same :class:`~tracker.diff.Change` records a diff of the two versions holds."""

    label: str
    at: str
    provisions: tuple[Provision, ...]
    changes: tuple[Change, ...]

    @property
    def present(self) -> bool:
        return bool(self.provisions)


@dataclass(frozen=True)
class Lineage:
    doc: str
    ref: str  # the provision as asked for
    at_label: str  # in this version
    start: Provision
    start_id: int  # the start provision's row in the store
    entries: tuple[Entry, ...]  # every version of the document, oldest first

    @property
    def added_in(self) -> str | None:
        """The version where the lineage first appears, if not the document's first."""
        first = next(i for i, e in enumerate(self.entries) if e.present)
        return self.entries[first].label if first > 0 else None

    @property
    def dropped_in(self) -> str | None:
        """The version where the lineage is gone (struck out), if it is."""
        last = max(i for i, e in enumerate(self.entries) if e.present)
        return self.entries[last + 1].label if last + 1 < len(self.entries) else None


def _version_for(store: Store, doc: str, at_label: str | None) -> tuple[list[Version], int]:
    versions = store.versions(doc)
    if not versions:
        raise NotFound(f"document {doc!r} has no versions")
    if at_label is None:
        return versions, len(versions) - 1
    for i, v in enumerate(versions):
        if v.label == at_label:
            return versions, i
    labels = ", ".join(v.label for v in versions)
    raise NotFound(f"unknown version {at_label!r} of {doc!r} (versions: {labels})")


def _start(store: Store, doc: str, version: Version, ref: str) -> int:
    pid = store.find_provision(version.id, ref)
    if pid is None:
        paths = list(store.provision_paths(version.id))
        shown = ", ".join(paths[:40]) + (", ..." if len(paths) > 40 else "")
        raise NotFound(
            f"no provision {ref!r} in {doc} {version.label} (provisions: {shown or 'none'})"
        )
    return pid


def _groups(rows: list[dict]) -> list[list[dict]]:
    """Link rows -> one list per change (rows come ordered by step and change)."""
    key = lambda r: (r["from_version"], r["change"])  # noqa: E731
    return [list(g) for _, g in groupby(rows, key=key)]


def _walk(
    store: Store, doc: str, start_id: int, steps: Iterable[int], side: str
) -> Iterator[tuple[int, list[list[dict]], set[int]]]:
    """Follow links step by step from ``start_id``: backwards (``side="new"``: which
    changes produced these provisions) or forwards (``side="old"``). Yields, per version
    index, the changes taken and the lineage's provision ids on the far side. One indexed
    query per step; stops when the lineage runs out (added, or struck out)."""
    far = "old_provision" if side == "new" else "new_provision"
    frontier = {start_id}
    for k in steps:
        if not frontier:
            return
        changes = _groups(store.changes_touching(doc, frontier, side))
        frontier = {r[far] for c in changes for r in c if r[far] is not None}
        yield k, changes, frontier


def stored_change(
    rows: list[dict], provisions: dict[int, Provision], *, ops: bool = True
) -> Change:
    """One change rebuilt from its stored link rows (see :func:`_groups`) and the
    provisions they name: kind, flags, similarity and terms as stored, ops from the
    provisions' texts as the diff computes them (:func:`~tracker.diff.group_ops`). Without
    ``ops`` they are left empty, for a caller that serializes the slim form only (the
    word diffs are ~15% of exporting a long history)."""
    first = rows[0]
    olds = dict.fromkeys(r["old_provision"] for r in rows if r["old_provision"] is not None)
    news = dict.fromkeys(r["new_provision"] for r in rows if r["new_provision"] is not None)
    old = tuple(provisions[i] for i in olds)
    new = tuple(provisions[i] for i in news)
    terms = json.loads(first["terms"]) if first["terms"] else []
    return Change(
        first["kind"],
        old,
        new,
        bool(first["renumbered"]),
        bool(first["moved"]),
        first["similarity"] or 0.0,
        group_ops(old, new) if ops else (),
        tuple(Term(t["old"], t["new"], t["type"]) for t in terms),
    )


def provision_of(row: dict) -> Provision:
    """A :meth:`~tracker.store.Store.provision_rows` row as the provision it stores."""
    return Provision(row["ordinal"], row["number"], row["path"], row["marker"], row["depth"],
                     row["text"], row["norm"], row["heading"])  # fmt: skip


def provisions_by_id(store: Store, ids: Iterable[int]) -> dict[int, Provision]:
    """Stored provisions by row id, in timeline then reading order."""
    rows = store.provision_rows(ids)
    ordered = sorted(rows.values(), key=lambda r: (r["version"], r["ordinal"]))
    return {r["id"]: provision_of(r) for r in ordered}


def _collect(
    store: Store, doc: str, versions: list[Version], at: int, start_id: int, forward: bool
) -> tuple[dict[int, set[int]], dict[int, list[list[dict]]]]:
    """Per version index: the lineage's provision ids and the changes into that version."""
    present: dict[int, set[int]] = {at: {start_id}}
    changes: dict[int, list[list[dict]]] = {}
    for k, taken, far in _walk(store, doc, start_id, range(at, 0, -1), "new"):
        changes[k] = taken
        present[k - 1] = far
    if forward:
        for k, taken, far in _walk(store, doc, start_id, range(at + 1, len(versions)), "old"):
            changes[k] = taken
            present[k] = far
    return present, changes


def _lineage(store: Store, doc: str, ref: str, at_label: str | None, forward: bool) -> Lineage:
    versions, at = _version_for(store, doc, at_label)
    ensure_links(store, doc, versions)
    start_id = _start(store, doc, versions[at], ref)
    present, changes = _collect(store, doc, versions, at, start_id, forward)
    ids = {start_id} | {i for s in present.values() for i in s}
    ids |= {
        r[c]
        for cs in changes.values()
        for ch in cs
        for r in ch
        for c in ("old_provision", "new_provision")
        if r[c] is not None
    }
    by_id = provisions_by_id(store, ids)
    entries = []
    for k, v in enumerate(versions):
        here = tuple(p for i, p in by_id.items() if i in present.get(k, ()))
        taken = tuple(stored_change(c, by_id) for c in changes.get(k, []))
        entries.append(Entry(v.label, v.at, here, taken))
    return Lineage(doc, ref, versions[at].label, by_id[start_id], start_id, tuple(entries))


def lineage(store: Store, doc: str, ref: str, at_label: str | None = None) -> Lineage:
    """One provision across every version of ``doc``, oldest first. ``ref`` is its path or
    number in version ``at_label`` (default: the latest). Splits and merges are followed
    along every branch that leads to or from it: back through all the sources of a merge,
    forward through all the pieces of a split."""
    return _lineage(store, doc, ref, at_label, forward=True)


# --- blame --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A stretch of the provision's text and the version where it first appeared."""

    text: str
    label: str
    at: str


@dataclass(frozen=True)
class Blame:
    doc: str
    at_label: str
    start: Provision
    runs: tuple[Run, ...]  # their texts join to start.text exactly
    versions: tuple[str, ...]  # the labels the lineage goes through, oldest first


def _owners(chain: list[tuple[str, str]]) -> list[str]:
    """Per character of the last text of ``chain`` ((label, text) oldest first), the label
    of the earliest text that has it in the same place: word_ops of each earlier text
    against the last one, earliest first, and a character kept (``=``) by an earlier text
    is owned by it. So wording that a round changed and a later round restored is credited
    to where it was first written. Cost: one word diff per version of the lineage."""
    text = chain[-1][1]
    owner: list[str | None] = [None] * len(text)
    for label, old in chain[:-1]:
        pos = 0
        for op, s in word_ops(old, text):
            if op == "-":
                continue
            if op == "=":
                for i in range(pos, pos + len(s)):
                    owner[i] = owner[i] or label
            pos += len(s)
    last = chain[-1][0]
    return [o or last for o in owner]


def _runs(text: str, owner: list[str], at: dict[str, str]) -> tuple[Run, ...]:
    """Group the text's tokens (the diff's own units, so ``$800`` stays whole) by owner.
    Whitespace and punctuation go with the words before them, so a re-wrapped line or a
    moved full stop does not show as a run of its own."""
    runs: list[list[str]] = []  # [label, text]
    pos = 0
    for tok in tokens(text):
        label = owner[pos]
        pos += len(tok)
        if runs and (runs[-1][0] == label or not any(c.isalnum() for c in tok)):
            runs[-1][1] += tok
        elif runs and not any(c.isalnum() for c in runs[-1][1]):
            runs[-1] = [label, runs[-1][1] + tok]  # leading punctuation joins the first word
        else:
            runs.append([label, tok])
    return tuple(Run(t, lbl, at[lbl]) for lbl, t in runs)


def blame(store: Store, doc: str, ref: str, at_label: str | None = None) -> Blame:
    """``ref``'s text in ``at_label`` (default latest), each run of words annotated with the
    earliest version of its lineage where that wording appears. Where the lineage merged,
    the sources' texts are joined in reading order; where it split, the piece is compared
    with the whole it came from."""
    lin = _lineage(store, doc, ref, at_label, forward=False)
    # Without the forward walk, only versions up to the asked one hold the lineage.
    chain = [(e.label, "\n".join(p.text for p in e.provisions)) for e in lin.entries if e.present]
    at = {e.label: e.at for e in lin.entries}
    runs = _runs(lin.start.text, _owners(chain), at)
    return Blame(doc, lin.at_label, lin.start, runs, tuple(lbl for lbl, _ in chain))
