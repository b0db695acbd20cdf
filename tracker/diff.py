"""The change format: provisions of two versions -> a :class:`Diff` of :class:`Change` records.

Computed once, consumed by every renderer (text, JSON, Markdown, HTML, feeds), like difflib
opcodes but per provision. Alignment is :mod:`tracker.align`; the word-level operations
and changed terms inside each aligned pair are :mod:`tracker.termdiff`. Cost: alignment is
near-linear in the number of provisions and each pair's word diff depends on that pair
only; for two 5,000-provision versions (~1 MB each, 10% reworded) this module takes
~0.2 s on the project's 2-core machine, about 0.09 s aligning, 0.06 s diffing words and
0.02 s typing terms (parsing the two texts, ~0.05 s, is extra).
"""

from __future__ import annotations

import gc
import json
import re
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tracker.align import Pair, align, moved_flags
from tracker.provisions import Provision, citation, split
from tracker.termdiff import FIGURE_TYPES, TYPES, Term, gist, terms, word_ops

# Bumped whenever the same input can give different changes (stored links record it, and
# cached diffs are keyed by it). 2: heavily changed and huge pairs take the LCS and
# anchored routes in termdiff. 3: terms typed by their changed words only. 4: a text
# reworded throughout is paired by position again (its candidates keep their order), and
# a huge pair's word ops come from chunks cut at probes.
ENGINE_VERSION = "4"
ENGINE = f"tracker.diff/{ENGINE_VERSION}"

KINDS = ("unchanged", "modified", "added", "removed", "split", "merged")


@dataclass(frozen=True)
class Change:
    """One aligned group of provisions and what changed between them."""

    kind: str  # unchanged | modified | added | removed | split | merged
    old: tuple[Provision, ...]
    new: tuple[Provision, ...]
    renumbered: bool
    moved: bool
    similarity: float  # 1.0 for unchanged, 0.0 for added/removed, rounded to 2 places
    ops: tuple[tuple[str, str], ...]  # word ops of the joined old texts vs the joined new
    terms: tuple[Term, ...]

    def __init__(
        self,
        kind: str,
        old: tuple[Provision, ...],
        new: tuple[Provision, ...],
        renumbered: bool,
        moved: bool,
        similarity: float,
        ops: tuple[tuple[str, str], ...],
        terms: tuple[Term, ...],
    ) -> None:
        # Like Provision's: one call instead of a frozen dataclass's setattr per field.
        self.__dict__.update(
            kind=kind, old=old, new=new, renumbered=renumbered, moved=moved,
            similarity=similarity, ops=ops, terms=terms,
        )  # fmt: skip


# A typed term is shown in the headline only when each side reads at a glance: this many
# words at most ("$100 billion", "within 100 days of"); a longer one is a passage.
_HEADLINE_WORDS = 4
_HEADLINE_ORDER = ("removed", "added", "modified", "split", "merged", "renumbered", "moved")


def _telling(t: Term) -> tuple[int, str, str] | None:
    """(rank, old, new) of a typed term for the headline, most telling first, or None
    when it is too long to read at a glance. Figures are picked out of rewritten passages
    first (:func:`~tracker.termdiff.gist`). Rank: a figure or deadline that changed
    ("600,000 -> 800,000"), a changed number word or date, one added or dropped, then
    negations and modals."""
    old, new = gist(t) if t.type in FIGURE_TYPES else (t.old, t.new)
    if len(old.split()) > _HEADLINE_WORDS or len(new.split()) > _HEADLINE_WORDS:
        return None
    both = bool(old and new)
    digits = any(ch.isdigit() for ch in old + new) or t.type == "deadline"
    if t.type in FIGURE_TYPES:
        rank = (0 if digits else 1) if both else (2 if digits else 3)
    else:
        rank = 4
    return rank, old, new


def _short(s: str, limit: int = 40) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _where(p: Provision) -> str:
    label = p.label
    return label if "¶" in label else f"point {label}"


@dataclass(frozen=True)
class Diff:
    changes: tuple[Change, ...]

    def summary(self) -> dict[str, int]:
        """Number of changes of each kind, and of moved and renumbered ones."""
        out = dict.fromkeys((*KINDS, "moved", "renumbered"), 0)
        for c in self.changes:
            out[c.kind] += 1
            out["moved"] += c.moved
            out["renumbered"] += c.renumbered
        return out

    def headline(self) -> str:
        """One line: the counts that are not zero, then up to three of the most telling
        typed terms with the new provision's label; ``no changes`` when identical."""
        s = self.summary()
        counts = [f"{s[k]} {k}" for k in _HEADLINE_ORDER if s[k]]
        if not counts:
            return "no changes"
        typed = []
        for n, c in enumerate(self.changes):
            for t in c.terms:
                if t.type in TYPES and c.new and (told := _telling(t)) is not None:
                    typed.append((told[0], n, told[1], told[2], c.new[0]))
        typed.sort(key=lambda x: x[:2])
        shown = []
        for _, _, old, new, p in typed[:3]:
            if old and new:
                what = f"{_short(old)} → {_short(new)}"
            else:
                what = f"{_short(old)} dropped" if old else f"{_short(new)} added"
            shown.append(f"{what} ({_where(p)})")
        return ", ".join(counts) + ("; " + ", ".join(shown) if shown else "")


def _renumbered(old: tuple[Provision, ...], new: tuple[Provision, ...], moved: bool) -> bool:
    if moved or not old or not new:
        return False
    return _cited_apart(old[0], new[0])


# The path of a numbered point at the top: one component, not positional ("p3").
_TOP = re.compile(r"(?!p\d)[^.]+")


def _cited_apart(a: Provision, b: Provision) -> bool:
    """Whether two paired provisions are cited differently: point 6 that became 4, or a
    paragraph of section L that now stands in section K. Positions of unnumbered paragraphs
    are not numbers (a paragraph inserted above one does not renumber it)."""
    if a.path == b.path:
        return False
    if a.number and b.number and _TOP.fullmatch(a.path) and _TOP.fullmatch(b.path):
        return True  # two numbered points: the citation is the path (most pairs, renumbered)
    ca, cb = citation(a), citation(b)
    return bool(ca and cb) and ca != cb


def _change(pair: Pair, old: list[Provision], new: list[Provision], moved: bool) -> Change:
    po, pn = pair.old, pair.new
    if len(po) == 1 and len(pn) == 1:
        # One to one: most pairs of a long document, most of them unchanged, take this
        # short path.
        a, b = old[po[0]], new[pn[0]]
        renum = not moved and _cited_apart(a, b)
        if a.norm == b.norm:
            # Whitespace, case, quote or dash style alone are not changes: the ops may
            # still show them, but there is no changed term.
            text = a.text
            ops = (("=", text),) if text == b.text else tuple(word_ops(text, b.text))
            return Change("unchanged", (a,), (b,), renum, moved, 1.0, ops, ())
        ops = tuple(word_ops(a.text, b.text))
        similarity = min(round(pair.similarity, 2), 0.99)
        return Change("modified", (a,), (b,), renum, moved, similarity, ops, tuple(terms(ops)))
    o = (old[po[0]],) if len(po) == 1 else tuple(old[i] for i in po)
    n = (new[pn[0]],) if len(pn) == 1 else tuple(new[j] for j in pn)
    if not n:
        return Change("removed", o, n, False, False, 0.0, (("-", o[0].text),), ())
    if not o:
        return Change("added", o, n, False, False, 0.0, (("+", n[0].text),), ())
    renum = _renumbered(o, n, moved)
    ops = tuple(word_ops("\n".join(p.text for p in o), "\n".join(p.text for p in n)))
    kind = "split" if len(n) > 1 else "merged" if len(o) > 1 else "modified"
    # A changed provision never reads as 100% similar.
    similarity = min(round(pair.similarity, 2), 0.99)
    return Change(kind, o, n, renum, moved, similarity, ops, tuple(terms(ops)))


def group_ops(
    old: tuple[Provision, ...], new: tuple[Provision, ...]
) -> tuple[tuple[str, str], ...]:
    """The word ops of an aligned group as :func:`diff_provisions` gives them (the joined
    old texts against the joined new), for a :class:`Change` rebuilt from stored links,
    which keep no ops: one word diff per changed group, none for an identical one."""
    a, b = "\n".join(p.text for p in old), "\n".join(p.text for p in new)
    if not new:
        return (("-", a),)
    if not old:
        return (("+", b),)
    return (("=", a),) if a == b else tuple(word_ops(a, b))


def diff_provisions(old: list[Provision], new: list[Provision]) -> Diff:
    """Align two versions' provisions and describe every change.

    Changes come in the new version's reading order; a removed provision is placed after
    the change holding the nearest earlier old provision that stayed in place (moved ones
    would drag it elsewhere), or first if there is none.
    """
    with gc_paused():
        return _diff_provisions(old, new)


def _diff_provisions(old: list[Provision], new: list[Provision]) -> Diff:
    pairs = align(old, new)
    moved = moved_flags(pairs)
    changes = [_change(p, old, new, m) for p, m in zip(pairs, moved, strict=True)]
    # One pass over the pairs: each change's sort key, and where each old provision went
    # when its change stayed in place (the new position; None if moved or removed).
    stayed: list[int | None] = [None] * len(old)
    keys: list[tuple[int, int, int]] = [(-1, 1, 0)] * len(pairs)
    removed_at: dict[int, int] = {}
    for k, (p, m) in enumerate(zip(pairs, moved, strict=True)):
        if p.new:
            at = min(p.new)
            keys[k] = (at, 0, 0)
            if not m:
                for i in p.old:
                    stayed[i] = at
        else:
            removed_at[p.old[0]] = k
    anchor = -1
    for i, went in enumerate(stayed):
        if i in removed_at:
            keys[removed_at[i]] = (anchor, 1, i)
        elif went is not None:
            anchor = went
    order = sorted(range(len(changes)), key=keys.__getitem__)
    return Diff(tuple(map(changes.__getitem__, order)))


def diff_texts(old_text: str, new_text: str, kind: str | None = None) -> Diff:
    """Split both texts into provisions (``kind`` detected per text when not given), then
    :func:`diff_provisions`."""
    with gc_paused():  # parsing allocates as much
        return diff_provisions(split(old_text, kind), split(new_text, kind))


# Cyclic garbage collection is paused while a diff is computed. The engine allocates
# millions of small tuples, lists and sets (word sets, pairs, ops) and makes no reference
# cycles, yet each collection walks every live object, both versions' provisions included:
# ~25% of the CPU time of a 50,000-provision diff. Reference counting still frees all of
# it; a cycle made meanwhile waits for the next collection. Several threads of a server
# may diff at once: the last one to finish turns collection back on, and only if it was on.
_gc_lock = threading.Lock()
_gc_diffs = 0  # diffs running
_gc_was_on = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause cyclic garbage collection for a diff's allocations (see above); also for
    whatever a caller allocates in bulk around a diff (parsing both versions)."""
    global _gc_diffs, _gc_was_on
    with _gc_lock:
        if _gc_diffs == 0:
            _gc_was_on = gc.isenabled()
            gc.disable()
        _gc_diffs += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_diffs -= 1
            if _gc_diffs == 0 and _gc_was_on:
                gc.enable()


# --- packed form (the diff cache) ---------------------------------------------------------
# A Diff between two stored versions, compactly: provisions by ordinal and ops by length
# (the versions hold the texts, and the ops are slices of them), zlib over compact JSON,
# behind a format byte. ~15 bytes per unchanged provision; unpacking 5,000 changes takes
# ~30 ms, checking that every op fits the texts it claims to cut.

_PACK_FORMAT = b"\x01"


def pack(d: Diff) -> bytes:
    """``d`` as bytes for :func:`unpack`."""
    rows = []
    for c in d.changes:
        ops = c.ops
        if len(c.old) == 1 and ops == (("=", c.old[0].text),):
            runs = None  # the usual unchanged provision
        else:
            runs = [x for op, text in ops for x in (op, len(text))]
        rows.append(
            [c.kind, [p.ordinal for p in c.old], [p.ordinal for p in c.new], int(c.renumbered),
             int(c.moved), c.similarity, runs, [[t.old, t.new, t.type] for t in c.terms]]
        )  # fmt: skip
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return _PACK_FORMAT + zlib.compress(text.encode("utf-8"), 6)


def _ops(runs: list, old: str, new: str) -> tuple[tuple[str, str], ...] | None:
    """Ops from (op, length) runs cut out of the two texts; None if they do not fit."""
    out = []
    a = b = 0
    for k in range(0, len(runs), 2):
        op, n = runs[k], runs[k + 1]
        if op == "+":
            out.append((op, new[b : b + n]))
            b += n
            continue
        piece = old[a : a + n]
        if op == "=":
            if new[b : b + n] != piece:
                return None
            b += n
        a += n
        out.append((op, piece))
    return tuple(out) if a == len(old) and b == len(new) else None


def unpack(data: bytes, old: list[Provision], new: list[Provision]) -> Diff | None:
    """The Diff that :func:`pack` stored, on the two versions' provisions; None when it
    does not fit them (never a wrong diff: the caller computes it again)."""
    if not data.startswith(_PACK_FORMAT):
        return None
    try:
        rows = json.loads(zlib.decompress(data[len(_PACK_FORMAT) :]))
        changes = []
        for kind, o, n, renum, moved, sim, runs, ts in rows:
            po = tuple(old[i] for i in o)
            pn = tuple(new[j] for j in n)
            if runs is None:
                ops: tuple[tuple[str, str], ...] = (("=", po[0].text),)
            else:
                cut = _ops(runs, "\n".join(p.text for p in po), "\n".join(p.text for p in pn))
                if cut is None:
                    return None
                ops = cut
            terms_ = tuple(Term(a, b, t) for a, b, t in ts)
            changes.append(Change(kind, po, pn, bool(renum), bool(moved), sim, ops, terms_))
    except (ValueError, TypeError, IndexError, zlib.error):
        return None
    if sum(len(c.old) for c in changes) != len(old) or sum(len(c.new) for c in changes) != len(new):
        return None
    return Diff(tuple(changes))
