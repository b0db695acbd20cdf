"""Every changed number, amount, percentage, date and deadline of a document's timeline,
read from the typed terms of its stored links."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .lineage import _groups, provision_of
from .links import ensure_links
from .provisions import Provision
from .store import Store, Version
from .termdiff import FIGURE_TYPES, Term, gist
from .termdiff import figures as figures_in

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


def _typed_terms(rows: list[dict], provisions: dict[int, Provision]) -> list[tuple[str, str, str]]:
    """(type, old, new) of one change: its stored typed terms, or for an added or struck-out
    provision the figures in its text."""
    first = rows[0]
    if first["terms"]:
        terms = json.loads(first["terms"])
        return [(t["type"], t["old"], t["new"]) for t in terms if t["type"] in FIGURE_TYPES]
    if first["kind"] not in ("added", "removed"):
        return []
    text = provisions[first["new_provision"] or first["old_provision"]].text
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
    provisions = {i: provision_of(r) for i, r in prow.items()}
    out = []
    for change in wanted:
        terms = _typed_terms(change, provisions)
        if terms:
            out.extend(_figures_of(change, terms, by_id, provisions, ends, prow))
    return out


def _figures_of(
    rows: list[dict],
    terms: list[tuple[str, str, str]],
    by_id: dict[int, Version],
    provisions: dict[int, Provision],
    ends: dict[int, int],
    prow: dict[int, dict],
) -> list[Figure]:
    first = rows[0]
    a, b = by_id[first["from_version"]], by_id[first["to_version"]]
    olds = [provisions[i].label for i in dict.fromkeys(r["old_provision"] for r in rows) if i]
    news = [provisions[i].label for i in dict.fromkeys(r["new_provision"] for r in rows) if i]
    anchor = first["new_provision"] or first["old_provision"]
    end = ends.get(anchor, anchor)
    track = f"{by_id[prow[end]['version']].label} {provisions[end].label}"
    out = []
    for kind, old, new in terms:
        fig_old, fig_new = gist(Term(old, new, kind))
        out.append(
            Figure("+".join(news or olds), "+".join(olds), a.label, b.label, a.at, b.at, kind,
                   fig_old, fig_new, first["kind"], track, old, new)
        )  # fmt: skip
    return out
