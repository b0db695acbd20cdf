"""Questions across a document's whole timeline, answered from stored links.

When a version is added, :func:`link_version` aligns it with its neighbours in the timeline
and stores the result (``steps`` and ``links``, see :mod:`tracker.store`). Everything else
here reads those rows: a provision's lineage is a walk along indexed links (one query per
step), never a re-run of the diff engine. Only :func:`blame` diffs again, and only the few
consecutive texts of one lineage (~50 us per pair of 200 characters).

Used by the CLI (:mod:`tracker.cli_history`) and the web UI alike; every result is a frozen
dataclass. Errors are :mod:`tracker.errors` exceptions carrying the bad value.
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby, pairwise
from pathlib import Path
from typing import Any

from . import diff as diff_engine
from .diff import Change, Diff, diff_provisions
from .errors import Conflict, InputError, NotFound, QueryError, TrackerError
from .provisions import Provision, label_of, normalise
from .store import Original, Store, Version
from .termdiff import FIGURE_TYPES, Term, gist, tokens, word_ops
from .termdiff import figures as figures_in

# Which engine built a step's links; `tracker relink` rebuilds them after it changes.
ENGINE = diff_engine.ENGINE


# --- linking ------------------------------------------------------------------------------


def _terms_json(terms: Iterable[Term]) -> str | None:
    rows = [{"old": t.old, "new": t.new, "type": t.type} for t in terms]
    return json.dumps(rows, ensure_ascii=False) if rows else None


def _link_rows(
    doc: str, old: Version, new: Version, n: int, ch: Change, old_ids: dict, new_ids: dict
) -> list[dict]:
    """The rows of one change: one per (old, new) provision pair, so a split is one row per
    piece and a merge one row per source; ``change`` = ``n`` ties them together."""
    olds = [old_ids[p.ordinal] for p in ch.old] or [None]
    news = [new_ids[p.ordinal] for p in ch.new] or [None]
    terms = _terms_json(ch.terms)
    return [
        {
            "document": doc,
            "from_version": old.id,
            "to_version": new.id,
            "change": n,
            "old_provision": o,
            "new_provision": w,
            "kind": ch.kind,
            "renumbered": int(ch.renumbered),
            "moved": int(ch.moved),
            "similarity": round(float(ch.similarity), 4),
            "terms": terms,
        }
        for o in olds
        for w in news
    ]


def _link_pair(store: Store, old: Version, new: Version, d: Diff | None = None) -> Diff:
    """Diff two consecutive versions (unless ``d``, their diff, is given) and store the
    step and its links."""
    if d is None:
        d = diff_provisions(store.provisions(old.id), store.provisions(new.id))
    _store_step(store, old, new, d)
    return d


def _store_step(store: Store, old: Version, new: Version, d: Diff) -> None:
    """Write the step and links of ``d`` between two consecutive versions, and cache it."""
    old_ids, new_ids = store.provision_ids(old.id), store.provision_ids(new.id)
    links: list[dict] = []
    for n, ch in enumerate(d.changes):
        links.extend(_link_rows(old.document, old, new, n, ch, old_ids, new_ids))
    step = {
        "document": old.document,
        "from_version": old.id,
        "to_version": new.id,
        "summary": json.dumps(d.summary()),
        "headline": d.headline(),
        "engine": ENGINE,
    }
    store.insert_step(step, links)
    # The step's diff is what `tracker diff DOC OLD NEW` and the web diff page show for
    # these two versions: cached now, on the write path, so reads never compute it.
    store.put_diff(old.id, new.id, ENGINE, diff_engine.pack(d))


def relink(store: Store, doc: str, jobs: int | None = 1) -> int:
    """Rebuild all steps and links of ``doc`` (one transaction). Returns the step count."""
    return relink_many(store, [doc], jobs)[doc]


def _packed_diff(task: tuple[str, int, int]) -> bytes:
    """Worker side of :func:`relink_many`: one pair's diff, packed (compact to send)."""
    path, old_id, new_id = task
    with Store(path, readonly=True) as store:
        d = diff_provisions(store.provisions(old_id), store.provisions(new_id))
    return diff_engine.pack(d)


def relink_many(
    store: Store, docs: list[str], jobs: int | None = None, progress: bool = False
) -> dict[str, int]:
    """Rebuild the steps and links of several documents: the pairs are diffed on ``jobs``
    processes (default: every core; 1 in this process), then everything is written here
    in one transaction. Returns each document's step count. The result does not depend
    on ``jobs``. Meant for anything that re-diffs in bulk (relink, reparse, imports)."""
    from .parallel import map_pairs

    plan = [(doc, list(pairwise(store.versions(doc)))) for doc in docs]
    pairs = [(old, new) for _, steps in plan for old, new in steps]
    computed: list[Diff] | None = None
    # Workers read the database file on their own connections, so they cannot see what
    # an open transaction of ours has not committed: inside one, the work stays here.
    if jobs != 1 and len(pairs) > 1 and not store.db.conn.in_transaction:
        tasks = [(store.path, o.id, n.id) for o, n in pairs]
        packed = map_pairs(_packed_diff, tasks, jobs, "relink" if progress else None)
        computed = [
            _unpacked(store, o, n, data) for (o, n), data in zip(pairs, packed, strict=True)
        ]
    with store.transaction():
        # Under the write lock, the timelines again: a version added since the diffs were
        # computed would make them stale, and then they are computed here.
        now = [(doc, list(pairwise(store.versions(doc)))) for doc in docs]
        if [(o.id, n.id) for _, st in now for o, n in st] != [(o.id, n.id) for o, n in pairs]:
            plan, computed = now, None
            pairs = [(old, new) for _, steps in plan for old, new in steps]
        for doc, _ in plan:
            store.delete_lineage(doc)
            store.drop_diff_cache(doc)
        for k, (old, new) in enumerate(pairs):
            if computed is not None:
                d = computed[k]
            else:
                d = diff_provisions(store.provisions(old.id), store.provisions(new.id))
            _store_step(store, old, new, d)
    return {doc: len(steps) for doc, steps in plan}


def _unpacked(store: Store, old: Version, new: Version, data: bytes) -> Diff:
    d = diff_engine.unpack(data, store.provisions(old.id), store.provisions(new.id))
    if d is None:  # cannot happen unless a version changed under us: compute it here
        d = diff_provisions(store.provisions(old.id), store.provisions(new.id))
    return d


@dataclass(frozen=True)
class LinkPlan:
    """The diffs of a version about to be added with the neighbours it will have, computed
    before the write lock is taken (the diffs are most of the cost of an add). Used only
    if the neighbours are still the same under the lock."""

    prev_id: int | None
    next_id: int | None
    with_prev: Diff | None
    with_next: Diff | None


def plan_links(store: Store, doc: str, at: str, provisions: list[Provision]) -> LinkPlan | None:
    """Diff ``provisions`` (a version of ``doc`` at ``at``, not stored yet) with the
    versions that will be its neighbours, from one snapshot. None for a new document."""
    with store.snapshot():
        if not store.has_document(doc):
            return None
        timeline = store.versions(doc)
        # A new version sorts after every version with the same time (ties by id).
        i = sum(1 for v in timeline if v.at <= at)
        prev = timeline[i - 1] if i > 0 else None
        nxt = timeline[i] if i < len(timeline) else None
        old_p = store.provisions(prev.id) if prev else None
        new_p = store.provisions(nxt.id) if nxt else None
    return LinkPlan(
        prev.id if prev else None,
        nxt.id if nxt else None,
        diff_provisions(old_p, provisions) if old_p is not None else None,
        diff_provisions(provisions, new_p) if new_p is not None else None,
    )


def link_version(store: Store, version: Version, plan: LinkPlan | None = None) -> None:
    """Link a just-stored version with its timeline neighbours. Inserted between two
    versions, it replaces their step with two. Call inside the adding transaction.

    Cost: at most two diffs with the neighbouring versions (~10 ms each for 50 provisions),
    none when ``plan`` computed them for the same neighbours before the lock was taken."""
    timeline = store.versions(version.document)
    ids = [v.id for v in timeline]
    i = ids.index(version.id)
    prev = timeline[i - 1] if i > 0 else None
    nxt = timeline[i + 1] if i + 1 < len(timeline) else None
    fresh = plan is not None and (plan.prev_id, plan.next_id) == (
        prev.id if prev else None,
        nxt.id if nxt else None,
    )
    with store.transaction():
        if store.step_count(version.document) != max(len(timeline) - 2, 0):
            # Links missing or stale (a database from before links existed): build all.
            relink(store, version.document)
            return
        if prev is not None:
            store.delete_lineage(version.document, from_version=prev.id)
            _link_pair(store, prev, version, plan.with_prev if fresh and plan else None)
        if nxt is not None:
            _link_pair(store, version, nxt, plan.with_next if fresh and plan else None)


def is_linked(store: Store, doc: str, versions: list[Version] | None = None) -> bool:
    """Whether every step of ``doc``'s timeline has its stored links (one count query)."""
    versions = store.versions(doc) if versions is None else versions
    return store.step_count(doc) == max(len(versions) - 1, 0)


def ensure_links(store: Store, doc: str, versions: list[Version] | None = None) -> None:
    """Refuse to answer from missing or partial links. Reads never write: links are
    built when versions are added, by a migration, or by ``tracker relink``."""
    if not is_linked(store, doc, versions):
        raise TrackerError(f"the history of {doc!r} is not linked yet: run 'tracker relink {doc}'")


def link_unlinked(store: Store) -> list[str]:
    """Relink every document whose links are missing or partial; returns their names.
    The write-path repair (migrations call it)."""
    docs = [d.slug for d in store.documents() if not is_linked(store, d.slug)]
    for doc in docs:
        relink(store, doc)
    return docs


# --- timeline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One version in its timeline, with what changed since the previous one (``previous``
    is None, ``summary`` empty and ``headline`` "" for the first version)."""

    label: str
    at: str
    kind: str
    n_provisions: int
    previous: str | None
    summary: dict[str, int] = field(default_factory=dict)
    headline: str = ""


def timeline(store: Store, doc: str) -> list[Step]:
    """A document's versions with what changed at each step, from the stored steps. A step
    whose links are missing still answers (with a note to run ``tracker relink``): a
    read never builds them."""
    versions = store.versions(doc)
    steps = {s["to_version"]: s for s in store.steps(doc)}
    out = []
    for i, v in enumerate(versions):
        s = steps.get(v.id)
        previous = s["from_label"] if s else (versions[i - 1].label if i else None)
        headline = s["headline"] if s else ""
        if previous and not s:
            headline = f"not linked yet: run 'tracker relink {doc}'"
        out.append(
            Step(
                v.label,
                v.at,
                v.kind,
                v.n_provisions,
                previous,
                json.loads(s["summary"]) if s else {},
                headline,
            )
        )
    return out


# --- lineage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """One provision of one version."""

    id: int
    path: str
    number: str
    text: str
    heading: str = ""

    @property
    def label(self) -> str:
        """As a reader cites it: ``10.b``, or ``¶3`` for an unnumbered paragraph."""
        return label_of(self.path)


@dataclass(frozen=True)
class LinkedChange:
    """A stored change of one step that touches the lineage."""

    kind: str
    old: tuple[Ref, ...]
    new: tuple[Ref, ...]
    renumbered: bool
    moved: bool
    similarity: float
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Entry:
    """The lineage in one version: its provisions there (empty when absent) and the
    changes that led to them from the previous version (empty for the first version)."""

    label: str
    at: str
    provisions: tuple[Ref, ...]
    changes: tuple[LinkedChange, ...]

    @property
    def present(self) -> bool:
        return bool(self.provisions)


@dataclass(frozen=True)
class Lineage:
    doc: str
    ref: str  # the provision as asked for
    at_label: str  # in this version
    start: Ref
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


def _change(rows: list[dict], refs: dict[int, Ref]) -> LinkedChange:
    first = rows[0]
    olds = dict.fromkeys(r["old_provision"] for r in rows if r["old_provision"] is not None)
    news = dict.fromkeys(r["new_provision"] for r in rows if r["new_provision"] is not None)
    terms = json.loads(first["terms"]) if first["terms"] else []
    return LinkedChange(
        first["kind"],
        tuple(refs[i] for i in olds),
        tuple(refs[i] for i in news),
        bool(first["renumbered"]),
        bool(first["moved"]),
        first["similarity"] or 0.0,
        tuple(Term(t["old"], t["new"], t["type"]) for t in terms),
    )


def _refs(store: Store, ids: Iterable[int]) -> dict[int, Ref]:
    rows = store.provision_rows(ids)
    ordered = sorted(rows.values(), key=lambda r: (r["version"], r["ordinal"]))
    return {r["id"]: Ref(r["id"], r["path"], r["number"], r["text"], r["heading"]) for r in ordered}


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
    refs = _refs(store, ids)
    entries = []
    for k, v in enumerate(versions):
        here = tuple(refs[i] for i in refs if i in present.get(k, ()))
        entries.append(
            Entry(v.label, v.at, here, tuple(_change(c, refs) for c in changes.get(k, [])))
        )
    return Lineage(doc, ref, versions[at].label, refs[start_id], tuple(entries))


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
    start: Ref
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


# --- figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A changed number, amount, percentage, date or deadline at one step.

    ``old``/``new`` are the figures themselves ("600,000" -> "800,000"; "" when there is
    none on that side), picked out of the changed term, whose full wording is kept in
    ``old_term``/``new_term``. The figures of a provision that was added or struck out
    count too (kind ``added``/``removed``). ``provision`` is its label in the newer
    version (the older one when struck out); ``track`` names its lineage by where it ends
    up (``"framework-20 4"``), so one provision's figures across steps read as a trail."""

    provision: str
    old_provision: str
    from_label: str
    to_label: str
    from_at: str
    to_at: str
    type: str
    old: str
    new: str
    kind: str
    track: str
    old_term: str
    new_term: str


def _track_ends(pairs: list[tuple[int, int]]) -> dict[int, int]:
    """provision id -> id of the last provision its lineage reaches (the first piece of a
    split), from a document's (old, new) link pairs: ~1,000 for 20 versions of 50."""
    forward: dict[int, int] = {}
    for old, new in pairs:
        forward.setdefault(old, new)
    ends: dict[int, int] = {}

    def end(pid: int) -> int:
        seen = []
        while pid in forward and pid not in ends:
            seen.append(pid)
            pid = forward[pid]
        last = ends.get(pid, pid)
        for s in seen:
            ends[s] = last
        return last

    for pid in list(forward):
        end(pid)
    return ends


def _typed_terms(rows: list[dict], refs: dict[int, Ref]) -> list[tuple[str, str, str]]:
    """(type, old, new) of one change: its stored typed terms, or for an added or struck-out
    provision the figures in its text."""
    first = rows[0]
    if first["terms"]:
        terms = json.loads(first["terms"])
        return [(t["type"], t["old"], t["new"]) for t in terms if t["type"] in FIGURE_TYPES]
    if first["kind"] not in ("added", "removed"):
        return []
    text = refs[first["new_provision"] or first["old_provision"]].text
    added = first["kind"] == "added"
    return [(k, "", f) if added else (k, f, "") for k, f in figures_in(text)]


def figures(store: Store, doc: str) -> list[Figure]:
    """Every changed number, amount, percentage, date and deadline across consecutive
    versions of ``doc``, in timeline then reading order. Three indexed queries: the
    document's link pairs (to name each lineage), its changed links, and the provisions
    they name."""
    versions = store.versions(doc)
    ensure_links(store, doc, versions)
    by_id = {v.id: v for v in versions}
    ends = _track_ends(store.link_pairs(doc))
    wanted = _groups(store.links(doc, changed=True))
    ids = {r[c] for ch in wanted for r in ch for c in ("old_provision", "new_provision")}
    ids |= {ends.get(i, i) for i in ids if i is not None}
    ids.discard(None)
    prow = store.provision_rows(ids)
    refs = {i: Ref(i, r["path"], r["number"], r["text"], r["heading"]) for i, r in prow.items()}
    out = []
    for change in wanted:
        terms = _typed_terms(change, refs)
        if terms:
            out.extend(_figures_of(change, terms, by_id, refs, ends, prow))
    return out


def _figures_of(
    rows: list[dict],
    terms: list[tuple[str, str, str]],
    by_id: dict[int, Version],
    refs: dict[int, Ref],
    ends: dict[int, int],
    prow: dict[int, dict],
) -> list[Figure]:
    first = rows[0]
    a, b = by_id[first["from_version"]], by_id[first["to_version"]]
    olds = [refs[i].label for i in dict.fromkeys(r["old_provision"] for r in rows) if i]
    news = [refs[i].label for i in dict.fromkeys(r["new_provision"] for r in rows) if i]
    anchor = first["new_provision"] or first["old_provision"]
    end = ends.get(anchor, anchor)
    track = f"{by_id[prow[end]['version']].label} {refs[end].label}"
    out = []
    for kind, old, new in terms:
        fig_old, fig_new = gist(Term(old, new, kind))
        out.append(
            Figure("+".join(news or olds), "+".join(olds), a.label, b.label, a.at, b.at, kind,
                   fig_old, fig_new, first["kind"], track, old, new)
        )  # fmt: skip
    return out


# --- search -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    doc: str
    label: str
    at: str
    path: str
    number: str
    snippet: str  # the matching stretch, matches wrapped in the ``mark`` pair

    @property
    def provision(self) -> str:
        return Ref(0, self.path, self.number, "").label


# Matches ranked per search: the newest this many (by storage order). Ranking is linear in
# the matches; with the cap a word found in most provisions still answers in ~15 ms.
SEARCH_CANDIDATES = 2000
# FTS5 cost grows with the query: 1,000 prefix terms (3 kB) ran 100 s on the samples. A
# search is a few words or a phrase; the time limit stops what the length limit lets by.
SEARCH_MAX_CHARS = 500
SEARCH_SECONDS = 2.0


def search(
    store: Store,
    query: str,
    doc: str | None = None,
    limit: int = 50,
    mark: tuple[str, str] = ("[", "]"),
    advanced: bool = False,
    timeout: float = SEARCH_SECONDS,
) -> list[Hit]:
    """FTS5 full-text search over every provision of every version, best match (bm25)
    first among the newest :data:`SEARCH_CANDIDATES` matches. ``query`` is taken as typed
    (words, "phrases", prefix*; figures and punctuation are searched for as they are);
    with ``advanced`` it is FTS5 syntax: AND/OR/NOT, NEAR(...), column filters. Matches
    are wrapped in ``mark``. Queries over :data:`SEARCH_MAX_CHARS` characters, or running
    past ``timeout`` seconds, are refused as too expensive."""
    if not query.strip():
        raise QueryError("empty search query")
    if len(query) > SEARCH_MAX_CHARS:
        raise QueryError(
            f"search query too expensive: {len(query):,} characters, the limit is "
            f"{SEARCH_MAX_CHARS}; search for fewer words"
        )
    if doc is not None:
        store.document(doc)
    match = query if advanced else store.plain_match(query)
    if not match.strip():
        raise QueryError(f"nothing to search for in {query!r}")
    try:
        with store.time_limit(timeout, "search query"):
            rows = store.search(match, doc, limit, mark, max(SEARCH_CANDIDATES, limit))
    except sqlite3.OperationalError as exc:
        hint = "" if advanced else " (without advanced mode, the query is searched as typed)"
        raise QueryError(f"bad search query {query!r}: {exc}{hint}") from None
    return [
        Hit(r["document"], r["label"], r["at"], r["path"], r["number"], r["snippet"]) for r in rows
    ]


# --- read-only SQL ------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    truncated: bool  # more rows than the limit: the rest were not read
    seconds: float


_READ_STATEMENTS = ("SELECT", "WITH", "EXPLAIN")
# Authorizer actions a read needs. Everything else (writes, schema changes, ATTACH,
# transactions, PRAGMA with a value) is denied while the statement is prepared.
_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
_ALLOWED.add(getattr(sqlite3, "SQLITE_RECURSIVE", 33))
# Pragmas that only read. FTS5 itself asks for data_version; the table ones serve
# ``SELECT * FROM pragma_table_info('links')`` (table-valued pragmas never write).
_READ_PRAGMAS = {
    "data_version", "user_version", "schema_version", "page_count", "page_size",
    "freelist_count", "encoding", "compile_options", "function_list", "module_list",
    "pragma_list", "collation_list", "database_list", "table_list",
}  # fmt: skip
_TABLE_PRAGMAS = {
    "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list",
}  # fmt: skip
# Names for the refusal message. (sqlite3 also exports result codes under SQLITE_*, whose
# values collide with action codes, so the action names are listed, not scanned.)
_ACTIONS = {
    getattr(sqlite3, f"SQLITE_{name}"): name.replace("_", " ")
    for name in (
        "CREATE_INDEX CREATE_TABLE CREATE_TEMP_INDEX CREATE_TEMP_TABLE CREATE_TEMP_TRIGGER "
        "CREATE_TEMP_VIEW CREATE_TRIGGER CREATE_VIEW DELETE DROP_INDEX DROP_TABLE "
        "DROP_TEMP_INDEX DROP_TEMP_TABLE DROP_TEMP_TRIGGER DROP_TEMP_VIEW DROP_TRIGGER "
        "DROP_VIEW INSERT PRAGMA TRANSACTION UPDATE ATTACH DETACH ALTER_TABLE REINDEX ANALYZE "
        "CREATE_VTABLE DROP_VTABLE SAVEPOINT"
    ).split()
    if hasattr(sqlite3, f"SQLITE_{name}")
}


def _allowed(action: int, arg1: str | None, arg2: str | None) -> bool:
    if action in _ALLOWED:
        return True
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        return name in _TABLE_PRAGMAS or (name in _READ_PRAGMAS and arg2 is None)
    # SQLite's own bookkeeping when a table-valued pragma is first prepared reports an
    # UPDATE of sqlite_master; nothing is written (and the connection is read-only).
    return action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master"


# Checked every N virtual-machine instructions: ~1 ms of work, so the limit is kept to
# within milliseconds at a negligible cost.
_PROGRESS_EVERY = 10_000


def _strip_comments(sql: str) -> str:
    s = sql.lstrip()
    while s.startswith(("--", "/*")):
        if s.startswith("--"):
            s = s.partition("\n")[2].lstrip()
        else:
            end = s.find("*/")
            s = s[end + 2 :].lstrip() if end >= 0 else ""
    return s


def _check_single_read(sql: str) -> str:
    body = _strip_comments(sql)
    if not body:
        raise QueryError("empty query")
    first = body.split(None, 1)[0].upper().rstrip("(;")
    if first not in _READ_STATEMENTS:
        raise QueryError(
            f"refused: {first} is not a read; only one SELECT, WITH or EXPLAIN statement "
            "is allowed (the connection is read-only)"
        )
    # A ';' that completes a statement with more text after it starts a second statement
    # (complete_statement ignores ';' inside strings and comments).
    for i, ch in enumerate(sql):
        if ch == ";" and sqlite3.complete_statement(sql[: i + 1]):
            if _strip_comments(sql[i + 1 :]).strip(" \t\r\n;"):
                raise QueryError("refused: only one statement at a time")
            return sql[:i]
    return sql


def _authorizer(denied: list[str]) -> Any:
    def check(action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
        if _allowed(action, arg1, arg2):
            return sqlite3.SQLITE_OK
        what = _ACTIONS.get(action, f"action {action}")
        denied.append(f"{what} on {arg1}" if arg1 else what)
        return sqlite3.SQLITE_DENY

    return check


def _ro_connect(db_path: str | Path) -> sqlite3.Connection:
    path = Path(db_path)
    if not path.is_file():
        raise NotFound(f"no database at {db_path}")
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise QueryError(f"cannot open {db_path} read-only: {exc}") from None


# Memory limits of a query. One value (string or blob) may not exceed QUERY_MAX_VALUE
# (per connection: randomblob(1e9) stops at once instead of allocating 1 GB); the rows
# handed back may not exceed QUERY_MAX_RESULT bytes in all; and `tracker query` caps
# SQLite's heap at QUERY_HEAP_LIMIT for its process (sorts, group_concat...).
QUERY_MAX_VALUE = 64 * 1024 * 1024
QUERY_HEAP_LIMIT = 256 * 1024 * 1024
QUERY_MAX_RESULT = 128 * 1024 * 1024
MAX_TIMEOUT = 600.0


def lower_heap_limit(nbytes: int = QUERY_HEAP_LIMIT) -> None:
    """Cap SQLite's heap for the whole process (PRAGMA hard_heap_limit). The pragma can only
    lower the limit, never raise or lift it again, so this is for a process that only
    runs queries (``tracker query``), not for a library call inside a longer-lived one."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(f"PRAGMA hard_heap_limit = {int(nbytes)}")
    finally:
        conn.close()


def check_timeout(timeout: Any) -> float:
    """A finite number of seconds in (0, MAX_TIMEOUT]: nan or inf would disable the limit."""
    import math

    try:
        value = float(timeout)
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_TIMEOUT):
        raise QueryError(f"bad timeout {timeout!r}: give seconds between 0 and {MAX_TIMEOUT:g}")
    return value


def _fetch(cur: sqlite3.Cursor, limit: int, timeout: float, deadline: float) -> list[Any]:
    """Up to ``limit + 1`` rows, one at a time (a batch of 256 rows of 60 MB values was
    15 GB before any check), stopping past QUERY_MAX_RESULT bytes or the deadline."""
    rows: list[Any] = []
    size = 0
    for row in cur:
        size += sum(len(v) if isinstance(v, str | bytes) else 8 for v in row)
        if size > QUERY_MAX_RESULT:
            raise QueryError(
                f"query stopped: its result is over {QUERY_MAX_RESULT // 2**20} MB; "
                "select fewer rows or columns"
            )
        if time.monotonic() > deadline:
            raise QueryError(f"query stopped: it ran past the {timeout:g} s time limit")
        rows.append(row)
        if len(rows) > limit:
            break
    return rows


def run_query(
    db_path: str | Path, sql: str, limit: int = 1000, timeout: float = 5.0
) -> QueryResult:
    """Run one reading statement on a separate read-only connection (``mode=ro``), with
    an authorizer that denies anything but reads, a time limit, a row limit and memory
    limits (see QUERY_MAX_VALUE; :func:`lower_heap_limit` adds a process-wide one)."""
    timeout = check_timeout(timeout)
    sql = _check_single_read(sql)
    conn = _ro_connect(db_path)
    denied: list[str] = []
    start = time.monotonic()
    deadline = start + timeout
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), _PROGRESS_EVERY)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, QUERY_MAX_VALUE)
    try:
        conn.set_authorizer(_authorizer(denied))
        cur = conn.execute(sql)
        rows = _fetch(cur, limit, timeout, deadline)
        columns = tuple(d[0] for d in cur.description or ())
    except (sqlite3.Error, MemoryError) as exc:
        raise _query_error(exc, denied, timeout, deadline) from None
    finally:
        conn.close()
    return QueryResult(columns, rows[:limit], len(rows) > limit, time.monotonic() - start)


def _query_error(
    exc: BaseException, denied: list[str], timeout: float, deadline: float
) -> QueryError:
    if denied:
        return QueryError(f"refused: {denied[0]} is not allowed (read-only queries only)")
    if "interrupted" in str(exc) and time.monotonic() > deadline:
        return QueryError(f"query stopped: it ran past the {timeout:g} s time limit")
    if isinstance(exc, MemoryError) or "too big" in str(exc):
        return QueryError(
            f"query stopped: it needed more memory than allowed (values up to "
            f"{QUERY_MAX_VALUE // 2**20} MB, {QUERY_HEAP_LIMIT // 2**20} MB in all)"
        )
    return QueryError(f"bad query: {exc}")


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
    refs = _refs(store, {r[c] for r in rows for c in ("old_provision", "new_provision")} - {None})
    by_step = {k: list(g) for k, g in groupby(rows, key=lambda r: r["from_version"])}
    out = []
    for s in store.steps(doc):
        changes = [_change(c, refs) for c in _groups(by_step.get(s["from_version"], []))]
        out.append(
            {
                "from": s["from_label"],
                "to": s["to_label"],
                "summary": json.loads(s["summary"]),
                "headline": s["headline"],
                "engine": s["engine"],
                "changes": [change_json(c) for c in changes],
            }
        )
    return out


def change_json(c: LinkedChange) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "old": [{"path": p.path, "number": p.number, "heading": p.heading} for p in c.old],
        "new": [{"path": p.path, "number": p.number, "heading": p.heading} for p in c.new],
        "renumbered": c.renumbered,
        "moved": c.moved,
        "similarity": c.similarity,
        "terms": [{"old": t.old, "new": t.new, "type": t.type} for t in c.terms],
    }


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
            olds = [old_ids[p["path"]] for p in c["old"]] or [None]
            news = [new_ids[p["path"]] for p in c["new"]] or [None]
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
