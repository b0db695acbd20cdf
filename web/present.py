"""Presentation helpers: JSON twins of page contexts, Jinja filters, and layout choices
(which rows read better as before/after, where a version sits on the time axis). Nothing
here compares texts: the diffs come from :mod:`tracker.compare` and :mod:`tracker.history`.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from tracker import dates
from tracker.provisions import path_of
from tracker.render import change_labels, labels
from tracker.termdiff import CURRENCY_SIGNS, FIGURE_TYPES, TYPES, gist

# A pair keeping less than this share of its words reads better as before/after blocks
# than as a confetti of word marks.
REWRITTEN_BELOW = 0.4


# --- JSON twins -------------------------------------------------------------------------


def wants_json() -> bool:
    """JSON for ``/api/...`` and for any page asked for ``?format=json``."""
    try:
        return request.path.startswith("/api/") or request.args.get("format") == "json"
    except RuntimeError:  # outside a request
        return False


def jsonable(obj: Any) -> Any:
    """Dataclasses, tuples and mappings -> plain JSON values (a provision also gets its
    ``label``)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        label = getattr(type(obj), "label", None)
        if isinstance(label, property) and "label" not in out:
            out["label"] = label.__get__(obj)
        return out
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [jsonable(v) for v in obj]
    if isinstance(obj, str | int | float | bool) or obj is None:
        return obj
    return str(obj)


def respond(
    template: str, context: Mapping[str, Any], data: Any = None, status: int = 200
) -> ResponseReturnValue:
    """The page, or its JSON twin (``data`` when given, else the whole context)."""
    if wants_json():
        return jsonify(jsonable(context) if data is None else data), status
    return render_template(template, **context), status


# --- dates --------------------------------------------------------------------------------


def _parse(at: str | None) -> datetime | None:
    if not at:
        return None
    when = datetime.fromisoformat(at)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def day(at: str | None) -> str:
    """``20 Nov 2025``, with the time when it is not midnight UTC (``20 Nov 2025, 14:05``)."""
    when = _parse(at)
    if when is None:
        return "—"
    when = when.astimezone(UTC)
    text = f"{when.day} {when:%b %Y}"
    if (when.hour, when.minute) != (0, 0):
        text += f", {when:%H:%M} UTC"
    return text


def stamp(at: str | None) -> str:
    """The full stored time as the CLI shows it (``2025-11-20 14:05 UTC``)."""
    return dates.show(at) if at else "—"


# --- diff rows ----------------------------------------------------------------------------


def is_change(change: Any) -> bool:
    """Whether a row counts as a change for the changes-only view and n/p. A provision
    whose only change is its number is not one: after an insertion near the top of a long
    text nearly every point is renumbered, and showing them all buries the real changes.
    A moved provision is one, since its place in the text changed."""
    return change.kind != "unchanged" or bool(change.moved)


def row_id(change: Any) -> str:
    """A stable anchor: ``new-4`` for a row with a provision in the new version, else
    ``old-3``."""
    if change.new:
        return "new-" + change.new[0].path
    if change.old:
        return "old-" + change.old[0].path
    return "row"


@dataclasses.dataclass(frozen=True)
class Block:
    """One item of the diff page, in reading order.

    ``row``: a change (``n`` is its place among the changes, 1-based, or 0 for a row that
    is not a change); ``run``: consecutive rows that are not changes, folded in the
    changes-only view into one "N unchanged provisions" row; ``moved``: the thin marker
    left at the old place of a moved provision, linked to its new place."""

    kind: str  # row | run | moved
    change: Any = None
    n: int = 0
    rows: tuple[Block, ...] = ()
    id: str = ""
    index: int = 0  # a row's place in the diff's changes

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def span(self) -> str:
        """A run's rows as ``start-end`` indices into the changes (end excluded): what
        the page asks the JSON twin for (``?format=json&rows=start-end``)."""
        return f"{self.rows[0].index}-{self.rows[-1].index + 1}" if self.rows else ""


def moved_id(change: Any) -> str:
    """The anchor of the marker at a moved provision's old place."""
    return "was-" + change.old[0].path if change.old else "was"


def diff_blocks(changes: Iterable[Any]) -> list[Block]:
    """The diff page's items: change rows, folded runs of rows that did not change, and a
    marker at the old place of each moved provision. The old place is just before the
    first row, in the page's order, that keeps its relative order and stood after the
    moved provision in the old version (those rows are in old order: a move is exactly a
    pair off that chain). Linear, apart from sorting the moves."""
    changes = list(changes)
    moves = sorted((c.old[0].ordinal, i) for i, c in enumerate(changes) if c.moved and c.old)
    items: list[Block] = []
    k = 0  # next move to place
    n = 0
    for i, c in enumerate(changes):
        if c.old and not c.moved:
            while k < len(moves) and moves[k][0] < c.old[0].ordinal:
                m = changes[moves[k][1]]
                items.append(Block("moved", m, id=moved_id(m)))
                k += 1
        if is_change(c):
            n += 1
            items.append(Block("row", c, n, id=row_id(c), index=i))
        else:
            items.append(Block("row", c, 0, id=row_id(c), index=i))
    for _, i in moves[k:]:
        items.append(Block("moved", changes[i], id=moved_id(changes[i])))
    # Fold each run of rows that are not changes.
    out: list[Block] = []
    run: list[Block] = []

    def flush() -> None:
        if run:
            out.append(Block("run", rows=tuple(run), id=f"run-{run[0].id}"))
            run.clear()

    for b in items:
        if b.kind == "row" and not b.n:
            run.append(b)
        else:
            flush()
            out.append(b)
    flush()
    return out


def term_gist(term: Any) -> tuple[str, str]:
    """A typed term as the summary shows it: for a figure, date or deadline just the
    values that changed (``600,000`` -> ``800,000``), never the clause around them."""
    old, new = gist(term) if term.type in FIGURE_TYPES else (term.old, term.new)
    return short(old), short(new)


def short(text: str, limit: int = 60) -> str:
    """Whitespace folded, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _words(ops: Iterable[tuple[str, str]], keep: str) -> int:
    return sum(len(text.split()) for op, text in ops if op in keep)


def kept_share(change: Any) -> float:
    """Share of the pair's words left as they were (1.0 for an identical pair)."""
    old = _words(change.ops, "=-")
    new = _words(change.ops, "=+")
    if not old + new:
        return 1.0
    return 2 * _words(change.ops, "=") / (old + new)


def rewritten(change: Any) -> bool:
    """A pair rewritten beyond recognition: shown as before/after blocks."""
    if change.kind not in ("modified", "split", "merged"):
        return False
    return kept_share(change) < REWRITTEN_BELOW


SHORT_TERM = 60


def row_terms(change: Any) -> list[Any]:
    """The typed terms shown under a row. A rewritten row already shows both texts whole,
    so only its short terms (a figure, a deadline) are repeated there."""
    terms = [t for t in change.terms if t.type in TYPES]
    if rewritten(change):
        terms = [t for t in terms if max(len(t.old), len(t.new)) <= SHORT_TERM]
    return terms


def headline_terms(headline: str) -> str:
    """The part of a one-line summary after its counts (``600,000 → 800,000 (point 4)``)."""
    return headline.partition("; ")[2]


def magnitude(summary: Mapping[str, int] | None) -> int:
    """How much changed in one step of a timeline (renumbering alone is not a change)."""
    if not summary:
        return 0
    return sum(
        int(summary.get(k, 0)) for k in ("modified", "added", "removed", "split", "merged", "moved")
    )


# --- time axis ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Mark:
    x: float
    r: float
    row: int
    label: str
    title: str
    href: str
    first: bool
    magnitude: int

    @property
    def label_y(self) -> int:
        return AXIS_Y + 34 + LABEL_ROW_HEIGHT * self.row


@dataclasses.dataclass(frozen=True)
class Tick:
    x: float
    text: str


@dataclasses.dataclass(frozen=True)
class Axis:
    marks: list[Mark]
    ticks: list[Tick]
    height: int
    width: int = 1000
    y: int = 0


AXIS_WIDTH = 1000
AXIS_PAD = 70
AXIS_Y = 44
LABEL_ROW_HEIGHT = 17
CHAR_WIDTH = 7.2  # label characters at the axis's font size, in viewBox units


def _ticks(t0: datetime, t1: datetime, x_of: Any) -> list[Tick]:
    """Day, week or month boundaries between t0 and t1 (at most ~10)."""
    days = (t1 - t0).total_seconds() / 86400
    start = t0.replace(hour=0, minute=0, second=0, microsecond=0)
    out: list[Tick] = []
    if days <= 12:
        step = 1 if days <= 8 else 2
        when = start
        while when <= t1:
            if when >= t0:
                out.append(Tick(x_of(when), f"{when.day} {when:%b}"))
            when += timedelta(days=step)
    elif days <= 120:
        when = start + timedelta(days=(7 - start.weekday()) % 7)  # Mondays
        step = 7 if days <= 70 else 14
        while when <= t1:
            out.append(Tick(x_of(when), f"{when.day} {when:%b}"))
            when += timedelta(days=step)
    else:
        when = start.replace(day=1)
        months = max(1, round(days / 30 / 9))
        while when <= t1:
            if when >= t0:
                out.append(Tick(x_of(when), f"{when:%b %Y}"))
            month = when.month - 1 + months
            when = when.replace(year=when.year + month // 12, month=month % 12 + 1)
    return out


# Above this many versions, one mark per version is an unreadable pile of labels: versions
# are grouped by day, week, month or year, whichever first gives at most this many marks.
MAX_MARKS = 24


def _bucket(when: datetime, unit: str) -> datetime:
    day0 = when.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day0
    if unit == "week":
        return day0 - timedelta(days=day0.weekday())
    if unit == "month":
        return day0.replace(day=1)
    return day0.replace(month=1, day=1)


_BUCKET_NAME = {
    "day": lambda d: f"{d.day} {d:%b}",
    "week": lambda d: f"wk {d.day} {d:%b}",
    "month": lambda d: f"{d:%b %Y}",
    "year": lambda d: f"{d:%Y}",
}


def group_points(
    points: list[tuple[str, str, int, str, str, bool]],
) -> list[tuple[str, str, int, str, str, bool]]:
    """Many versions -> one point per day, week, month or year (the finest unit giving at
    most :data:`MAX_MARKS` groups): at the group's first version, labelled with the period
    and the number of versions, sized by everything that changed in it, linking to the
    group's first row in the versions table (``#v-<label>``)."""
    if len(points) <= MAX_MARKS:
        return points
    times = [(_parse(p[0]) or datetime.now(UTC)).astimezone(UTC) for p in points]
    for unit in ("day", "week", "month", "year"):
        groups: dict[datetime, list[int]] = {}
        for i, when in enumerate(times):
            groups.setdefault(_bucket(when, unit), []).append(i)
        if len(groups) <= MAX_MARKS or unit == "year":
            break
    out = []
    for start, members in groups.items():
        first = points[members[0]]
        n = len(members)
        mag = sum(points[i][2] for i in members)
        name = _BUCKET_NAME[unit](start)
        title = f"{name}: {n} version{'s' if n > 1 else ''}, {first[1]} to {points[members[-1]][1]}"
        out.append((first[0], f"{name} ({n})", mag, title, f"#v-{first[1]}", members[0] == 0))
    return out


def axis(points: list[tuple[str, str, int, str, str, bool]]) -> Axis:
    """Lay out a timeline on a time axis. ``points`` are ``(at, label, magnitude, title,
    href, first)``, oldest first. Marks get an x in a 1000-wide viewBox, a radius growing
    with how much changed, and a label row chosen so that labels do not overlap. More than
    :data:`MAX_MARKS` versions are grouped by period first (:func:`group_points`)."""
    if not points:
        return Axis([], [], AXIS_Y + 40)
    points = group_points(points)
    times = [(_parse(p[0]) or datetime.now(UTC)).astimezone(UTC) for p in points]
    t0, t1 = min(times), max(times)
    span = (t1 - t0).total_seconds()
    inner = AXIS_WIDTH - 2 * AXIS_PAD

    def x_of(when: datetime) -> float:
        if not span:
            return AXIS_WIDTH / 2
        return round(AXIS_PAD + inner * (when - t0).total_seconds() / span, 1)

    marks: list[Mark] = []
    row_ends: list[float] = []
    for when, (_, label, mag, title, href, first) in zip(times, points, strict=True):
        x = x_of(when)
        shown = label if len(label) <= 22 else label[:21] + "…"
        half = CHAR_WIDTH * len(shown) / 2 + 8
        row = next((i for i, end in enumerate(row_ends) if x - half > end), len(row_ends))
        if row == len(row_ends):
            row_ends.append(x + half)
        else:
            row_ends[row] = x + half
        r = 6.0 if first else min(5.0 + 2.6 * math.sqrt(mag), 24.0)
        marks.append(Mark(x, round(r, 1), row, shown, title, href, first, mag))
    height = AXIS_Y + 34 + LABEL_ROW_HEIGHT * len(row_ends) + 4
    return Axis(marks, _ticks(t0, t1, x_of) if span else [], height, y=AXIS_Y)


# --- search snippets and figures ---------------------------------------------------------

# Private-use characters the search library wraps matches in; the template turns them into
# <mark> elements, so the snippet itself is never trusted as markup.
MARK = ("\ue000", "\ue001")


def snippet_parts(snippet: str) -> list[tuple[bool, str]]:
    """``a \ue000b\ue001 c`` -> ``[(False, "a "), (True, "b"), (False, " c")]``."""
    parts: list[tuple[bool, str]] = []
    rest = snippet
    while rest:
        start = rest.find(MARK[0])
        if start == -1:
            parts.append((False, rest))
            break
        end = rest.find(MARK[1], start + 1)
        if end == -1:
            parts.append((False, rest.replace(MARK[0], "")))
            break
        if start:
            parts.append((False, rest[:start]))
        parts.append((True, rest[start + 1 : end]))
        rest = rest[end + 1 :]
    return [(m, t.replace(MARK[0], "").replace(MARK[1], "")) for m, t in parts if t]


def ref_path(ref: str) -> str:
    """A provision's reader label -> its path (``¶3`` -> ``p3``)."""
    return path_of(ref)


def track_ref(track: str) -> tuple[str, str]:
    """A figure's ``track`` (``"framework-20 4"``) -> (version label, provision path)."""
    label, _, ref = track.partition(" ")
    return label, ref_path(ref)


_VALUE = re.compile(
    rf"^\s*(?P<cur>US\$|[{re.escape(CURRENCY_SIGNS)}])?\s*(?P<n>\d[\d,]*(?:\.\d+)?)\s*"
    r"(?P<scale>%|percent|per cent|billion|million|thousand|bn|mn|trillion)?\s*$",
    re.IGNORECASE,
)
_SCALES = {"billion": 1e9, "bn": 1e9, "million": 1e6, "mn": 1e6, "thousand": 1e3, "trillion": 1e12}


def figure_value(text: str) -> float | None:
    """A figure that is just an amount (``600,000``, ``$100 billion``, ``50%``) as a
    number for plotting; None for anything wordier."""
    m = _VALUE.match(text or "")
    if not m:
        return None
    value = float(m.group("n").replace(",", ""))
    return value * _SCALES.get((m.group("scale") or "").lower(), 1.0)


@dataclasses.dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    text: str
    label: str


@dataclasses.dataclass(frozen=True)
class StepChart:
    points: list[ChartPoint]
    path: str
    width: int = 480
    height: int = 150


def step_charts(figures: list[Any]) -> list[StepChart]:
    """Small step charts of the figures of one provision that changed at least twice: a
    chain is a run of changes each starting from the previous one's value (``600,000`` ->
    ``800,000``, then ``800,000`` -> ``850,000``), charted when every value is a plain
    amount. One step per change, evenly spaced, so close dates stay readable."""
    chains: list[list[Any]] = []
    for f in figures:
        chain = next((c for c in chains if c[-1].new == f.old and f.old), None)
        if chain is None:
            chains.append([f])
        else:
            chain.append(f)
    return [c for c in (_chart(chain) for chain in chains if len(chain) >= 2) if c]


def _chart(chain: list[Any]) -> StepChart | None:
    values = [(chain[0].from_label, chain[0].old)] + [(f.to_label, f.new) for f in chain]
    maybe = [figure_value(text) for _, text in values]
    nums = [n for n in maybe if n is not None]
    if len(nums) < len(maybe):
        return None
    lo, hi = min(nums), max(nums)
    span_v = (hi - lo) or 1.0
    w, h, pad_x, top, bottom = 480, 150, 60, 24, 30
    pts = []
    for i, ((label, text), n) in enumerate(zip(values, nums, strict=True)):
        x = pad_x + (w - 2 * pad_x) * i / (len(values) - 1)
        y = top + (h - top - bottom) * (1 - (n - lo) / span_v)
        pts.append(ChartPoint(round(x, 1), round(y, 1), text, label))
    path = f"M {pts[0].x} {pts[0].y}"
    for p in pts[1:]:
        path += f" H {p.x} V {p.y}"
    return StepChart(pts, path, w, h)


# --- registration -------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        day=day,
        stamp=stamp,
        change_labels=change_labels,
        row_id=row_id,
        snippet_parts=snippet_parts,
        row_terms=row_terms,
        headline_terms=headline_terms,
        short=short,
        term_gist=term_gist,
        moved_id=moved_id,
    )
    app.jinja_env.tests.update(change=is_change, rewritten=rewritten)
    app.jinja_env.globals.update(
        diff_blocks=diff_blocks,
        magnitude=magnitude,
        labels=labels,
        ref_path=ref_path,
        track_ref=track_ref,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
