"""The write side of the history: linking each version to its neighbours.

When a version is added, :func:`link_version` aligns it with the versions before and after
it in the timeline and stores the result (``steps`` and ``links``, see
:mod:`tracker.store`), in the adding transaction. :func:`relink` rebuilds a document's
links after the engine changes. :func:`timeline` reads the steps back. Everything on the
read side (:mod:`tracker.lineage`, :mod:`tracker.figures`, :mod:`tracker.export`) reads
these rows and never re-runs the alignment (the changes they show get their word ops
from the stored texts, :func:`tracker.diff.group_ops`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from . import diff as diff_engine
from .diff import Diff, diff_provisions
from .errors import TrackerError
from .parallel import progress_bar
from .provisions import Provision
from .store import Store, Version
from .termdiff import Term

# Which engine built a step's links; `tracker relink` rebuilds them after it changes.
ENGINE = diff_engine.ENGINE


# --- linking ------------------------------------------------------------------------------


def _terms_json(terms: Iterable[Term]) -> str | None:
    rows = [{"old": t.old, "new": t.new, "type": t.type} for t in terms]
    return json.dumps(rows, ensure_ascii=False) if rows else None


# One change as the links table needs it: the ordinals of its old and new provisions,
# kind, renumbered, moved, similarity (rounded as stored) and its terms as JSON.
ChangeRow = tuple[tuple[int, ...], tuple[int, ...], str, int, int, float, str | None]


@dataclass(frozen=True)
class StepRows:
    """What storing a step needs of its diff, made where the diff is computed: a worker
    process sends this back (builtins and bytes: quick to pickle), and the writer, one
    process under the write lock, only writes. Unpacking a 1,000-provision diff back into
    objects in the writer cost it about as much CPU as the diff itself."""

    summary: str  # JSON
    headline: str
    packed: bytes  # :func:`tracker.diff.pack` of the diff: the cache of `tracker diff`
    changes: tuple[ChangeRow, ...]
    # The provision ids of both versions, in ordinal order, when the worker read the
    # provisions itself: the writer checks them under the write lock (a reparse may have
    # rebuilt a version's provisions since). None when the writer sent the provisions.
    ids: tuple[tuple[int, ...], tuple[int, ...]] | None = None


def step_rows(d: Diff, ids: tuple[tuple[int, ...], tuple[int, ...]] | None = None) -> StepRows:
    """The :class:`StepRows` of ``d``."""
    changes = tuple(
        (
            tuple(p.ordinal for p in ch.old),
            tuple(p.ordinal for p in ch.new),
            ch.kind,
            int(ch.renumbered),
            int(ch.moved),
            round(float(ch.similarity), 4),
            _terms_json(ch.terms),
        )
        for ch in d.changes
    )
    summary = json.dumps(d.summary())
    return StepRows(summary, d.headline(), diff_engine.pack(d), changes, ids)


def _link_rows(
    doc: str, old: Version, new: Version, n: int, ch: ChangeRow, old_ids: dict, new_ids: dict
) -> list[dict]:
    """The rows of one change: one per (old, new) provision pair, so a split is one row per
    piece and a merge one row per source; ``change`` = ``n`` ties them together."""
    olds = [old_ids[o] for o in ch[0]] or [None]
    news = [new_ids[w] for w in ch[1]] or [None]
    kind, renumbered, moved, similarity, terms = ch[2:]
    return [
        {
            "document": doc,
            "from_version": old.id,
            "to_version": new.id,
            "change": n,
            "old_provision": o,
            "new_provision": w,
            "kind": kind,
            "renumbered": renumbered,
            "moved": moved,
            "similarity": similarity,
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
    _store_step(store, old, new, step_rows(d))
    return d


def _store_step(store: Store, old: Version, new: Version, rows: StepRows) -> None:
    """Write the step and links of a diff between two consecutive versions, and cache
    it. Rows a worker made from provisions that have been rebuilt since are not written:
    the pair is diffed again here."""
    old_ids, new_ids = store.provision_ids(old.id), store.provision_ids(new.id)
    if rows.ids is not None and rows.ids != (_in_order(old_ids), _in_order(new_ids)):
        rows = step_rows(diff_provisions(store.provisions(old.id), store.provisions(new.id)))
    links: list[dict] = []
    for n, ch in enumerate(rows.changes):
        links.extend(_link_rows(old.document, old, new, n, ch, old_ids, new_ids))
    step = {
        "document": old.document,
        "from_version": old.id,
        "to_version": new.id,
        "summary": rows.summary,
        "headline": rows.headline,
        "engine": ENGINE,
    }
    store.insert_step(step, links)
    # The step's diff is what `tracker diff DOC OLD NEW` and the web diff page show for
    # these two versions: cached now, on the write path, so reads never compute it.
    store.put_diff(old.id, new.id, ENGINE, rows.packed)


def _in_order(ids: dict[int, int]) -> tuple[int, ...]:
    """Provision ids by ordinal (ordinal -> id, as :meth:`Store.provision_ids` gives)."""
    return tuple(ids[k] for k in sorted(ids))


def relink(store: Store, doc: str, jobs: int | None = 1) -> int:
    """Rebuild all steps and links of ``doc`` (one transaction). Returns the step count."""
    return relink_many(store, [doc], jobs)[doc]


def _step_of_ids(task: tuple[str, int, int]) -> StepRows:
    """Worker side of :func:`relink_many`: one pair of committed versions, read on the
    worker's own connection and diffed."""
    path, old_id, new_id = task
    with Store(path, readonly=True) as store, store.snapshot():
        d = diff_provisions(store.provisions(old_id), store.provisions(new_id))
        ids = (_in_order(store.provision_ids(old_id)), _in_order(store.provision_ids(new_id)))
    return step_rows(d, ids)


def relink_many(
    store: Store, docs: list[str], jobs: int | None = None, progress: bool = False
) -> dict[str, int]:
    """Rebuild the steps and links of several documents: the pairs are diffed on ``jobs``
    processes (default: every core; 1 in this process), then everything is written here
    in one transaction (or in the caller's, when one is open: then the provisions are sent
    to the workers). Returns each document's step count. The result does not depend on
    ``jobs``. Meant for anything that re-diffs in bulk (relink, reparse, imports)."""
    from .parallel import map_pairs

    plan = [(doc, list(pairwise(store.versions(doc)))) for doc in docs]
    pairs = [(old, new) for _, steps in plan for old, new in steps]
    computed: list[StepRows] | None = None
    if jobs != 1 and len(pairs) > 1:
        if store.db.conn.in_transaction:
            # Inside a caller's transaction (reparse), the workers could not see what it
            # has not committed: the provisions go with the pairs.
            computed = list(_steps_sent(store, pairs, jobs, "relink" if progress else None))
        else:
            # Workers read the committed versions on their own connections: only ids are
            # sent.
            tasks = [(store.path, o.id, n.id) for o, n in pairs]
            work = [o.n_provisions + n.n_provisions for o, n in pairs]
            computed = list(
                map_pairs(_step_of_ids, tasks, jobs, "relink" if progress else None, work=work)
            )
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
        # Diffed here (one process, or inside a caller's transaction): the bar is drawn
        # here; the workers' bar was drawn by map_pairs.
        bar = progress_bar("relink" if progress and computed is None else None, len(pairs),
                           unit="pair")  # fmt: skip
        try:
            for k, (old, new) in enumerate(pairs):
                if computed is not None:
                    rows = computed[k]
                else:
                    d = diff_provisions(store.provisions(old.id), store.provisions(new.id))
                    rows = step_rows(d)
                _store_step(store, old, new, rows)
                bar.update(1)
        finally:
            bar.close()
    return {doc: len(steps) for doc, steps in plan}


def _step_of_provisions(task: tuple[list[Provision], list[Provision]]) -> StepRows:
    """Worker side of :func:`_steps_sent`: one pair's diff from the provisions sent with
    it (the versions may not be committed yet, so the worker cannot read them)."""
    old, new = task
    return step_rows(diff_provisions(old, new))


# Pairs sent to the workers at once by link_missing: each batch's provisions are pickled
# up front (Executor.map submits everything), so a bulk import of thousands of versions is
# sent a batch at a time, not held whole. A new pool per batch costs ~50 ms.
LINK_BATCH = 256


def link_missing(
    store: Store, docs: Iterable[str], jobs: int | None = None, progress: bool = False
) -> int:
    """Give every consecutive pair of ``docs``' timelines that has no step yet its step
    and links, and drop the steps of pairs that are no longer consecutive (a version was
    stored between them). Call inside the transaction that stored the versions (a bulk
    import stores them with ``link=False``, then links once): the pairs are diffed on
    ``jobs`` processes (default: every core) from their provisions, sent to the workers,
    so versions not committed yet are linked in the same transaction. Steps already
    stored are kept as they are. Returns the number of steps made."""
    todo: list[tuple[Version, Version]] = []
    for doc in docs:
        have = {(s["from_version"], s["to_version"]) for s in store.steps(doc)}
        want = list(pairwise(store.versions(doc)))
        wanted = {(o.id, n.id) for o, n in want}
        for from_version, _to_version in have - wanted:
            store.delete_lineage(doc, from_version)
        todo += [(o, n) for o, n in want if (o.id, n.id) not in have]
    sent = _steps_sent(store, todo, jobs, "linking" if progress else None)
    for (old, new), rows in zip(todo, sent, strict=True):
        _store_step(store, old, new, rows)
    return len(todo)


def _steps_sent(
    store: Store, pairs: list[tuple[Version, Version]], jobs: int | None, progress: str | None
) -> Iterator[StepRows]:
    """The step rows of each pair, in order, diffed on ``jobs`` processes from the pairs'
    provisions, which are sent to the workers: the versions may not be committed yet (a
    bulk import, a reparse), so a worker could not read them. Sent a batch at a time."""
    from .parallel import map_pairs

    bar = progress_bar(progress, len(pairs), unit="pair")
    try:
        for start in range(0, len(pairs), LINK_BATCH):
            batch = pairs[start : start + LINK_BATCH]
            loaded: dict[int, list[Provision]] = {}

            def provisions(version_id: int, loaded: dict = loaded) -> list[Provision]:
                if version_id not in loaded:
                    loaded[version_id] = store.provisions(version_id)
                return loaded[version_id]

            tasks = [(provisions(o.id), provisions(n.id)) for o, n in batch]
            work = [len(po) + len(pn) for po, pn in tasks]
            for rows in map_pairs(_step_of_provisions, tasks, jobs, work=work):
                bar.update(1)
                yield rows
    finally:
        bar.close()


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


# --- timeline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One version in its timeline, with what changed since the previous one (``previous``
    is None, ``summary`` empty and ``headline`` "" for the first version). A step is the
    pair of consecutive versions (the ``steps`` table), never one version."""

    label: str
    at: str
    kind: str
    n_provisions: int
    previous: str | None
    summary: dict[str, int] = field(default_factory=dict)
    headline: str = ""


def timeline(store: Store, doc: str) -> list[TimelineEntry]:
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
            TimelineEntry(
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
