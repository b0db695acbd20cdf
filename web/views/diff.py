"""The diff page: ``/d/<doc>/diff/<from>..<to>`` (labels may be ``DOC:LABEL``)."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from tracker import diffjson
from tracker.compare import Comparison, compare, parse_ref
from tracker.diff import ENGINE_VERSION, Diff
from tracker.errors import InputError, NotFound
from tracker.render import diff_json, iter_diff_json, typed_terms
from tracker.serialize import change_json
from tracker.termdiff import FIGURE_TYPES

from ..auth import can_write, read_only
from ..db import get_db
from ..present import Block, diff_blocks, is_change, wants_json

bp = Blueprint("diff", __name__)


def split_spec(spec: str) -> tuple[str, str]:
    """``from..to`` -> (from, to). Labels never contain ``..``."""
    old, sep, new = spec.partition("..")
    if not sep or not old or not new:
        raise NotFound(f"not a comparison: {spec!r} (expected FROM..TO, e.g. us-28..framework-20)")
    return old, new


# A diff with more rows than this is big: in the changes-only view, folded runs longer than
# LAZY_RUN are sent empty and fetched from the JSON twin when opened, and the figures
# summary lists the first MAX_CHIPS terms. At 20,000 provisions this keeps the page to
# the changes (see bench/page_bench.py).
BIG_DIFF = 1500
LAZY_RUN = 2
MAX_CHIPS = 60
# Changes per page of a big diff: the browser lays out a few hundred rows at once.
PAGE_CHANGES = 400


def rows_slice(spec: str | None, n: int) -> tuple[int, int] | None:
    """``?rows=START-END`` -> (start, end) within ``n`` rows, or None when absent."""
    if not spec:
        return None
    start, sep, end = spec.partition("-")
    if not sep or not start.isdigit() or not end.isdigit():
        raise InputError(f"bad rows {spec!r}: expected START-END, e.g. rows=10-40")
    a, b = int(start), int(end)
    if not 0 <= a <= b <= n:
        raise InputError(f"rows {spec!r} out of range: the diff has {n} rows")
    return a, b


# Comparisons kept per process: stored versions never change, so a comparison of two of
# them (named by database, ids and content hashes) stays right. Opening a folded run of a
# big diff, paging it or downloading its redline then costs no new diff (~4 s at 20,000
# provisions). A few entries: a big comparison holds its provisions and word ops (~50 MB
# at 20,000 provisions).
CACHE_SIZE = 4


def _lru(name: str) -> tuple[OrderedDict, threading.Lock]:
    cache = current_app.extensions.setdefault(name, OrderedDict())
    return cache, current_app.extensions.setdefault(f"{name}.lock", threading.Lock())


def _cached(key: tuple[Any, ...], make: Any, name: str = "tracker.comparisons",
            size: int = CACHE_SIZE) -> Any:  # fmt: skip
    cache, lock = _lru(name)
    with lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = make()
    with lock:
        cache[key] = value
        while len(cache) > size:
            cache.popitem(last=False)
    return value


def _sides(doc: str, spec: str) -> tuple[Any, list[Any], tuple[Any, ...]]:
    """(the document, its two stored versions, the key naming their comparison)."""
    store = get_db()
    document = store.document(doc)
    old, new = split_spec(spec)
    sides = [store.version(*parse_ref(ref, doc)) for ref in (old, new)]
    key = (current_app.config["DATABASE"], *((v.id, v.sha256) for v in sides), ENGINE_VERSION)
    return document, sides, key


def comparison(doc: str, spec: str) -> tuple[Any, Any]:
    document, _, key = _sides(doc, spec)
    old, new = split_spec(spec)
    return document, _cached(key, lambda: compare(get_db(), doc, old, new))


def diff_json_response(doc: str, spec: str) -> Response:
    """The diff's JSON (``tracker diff --format json``, byte for byte): the bytes the
    database keeps for the two versions when there are any (tracker.diffjson), else
    rendered from the comparison; kept in this process either way. Rendered by Flask's
    encoder when the app indents JSON (debug), where the kept bytes would not match."""
    json_provider = current_app.json
    indented = getattr(json_provider, "compact", None) is False or (
        getattr(json_provider, "compact", None) is None and current_app.debug
    )
    if indented:
        return jsonify(diff_json(comparison(doc, spec)[1]))
    _, sides, key = _sides(doc, spec)

    def make() -> bytes:
        kept = diffjson.stored(get_db(), sides[0].id, sides[1].id)
        if kept is not None:
            return b"".join(kept)
        return "".join(iter_diff_json(comparison(doc, spec)[1])).encode("utf-8")

    data = _cached((*key, "json"), make, "tracker.diff_json")
    response = Response(data, mimetype=json_provider.mimetype)  # type: ignore[attr-defined]
    response.kept_as = (*key, "json")  # type: ignore[attr-defined]  # its gzip is kept too
    return response


# Rendered diff pages kept per process (a page of 400 changes takes ~0.1 s to render):
# named by the comparison and everything else the page shows (the address, the
# document's versions in the picker, who is asking), never kept with a flash message.
PAGES_KEPT = 8
PAGE_KEPT_MAX = 16 * 1024 * 1024


def diff_page(doc: str, spec: str) -> Response | str:
    document, _, key = _sides(doc, spec)
    if session.get("_flashes"):
        return render_template("diff.html", **diff_context(doc, spec))
    page_key = (
        *key, document, tuple(get_db().versions(doc)), request.script_root,
        request.full_path, read_only(), can_write(), bool(session.get("writer")),
    )  # fmt: skip

    cache, lock = _lru("tracker.pages")
    with lock:
        html = cache.get(page_key)
        if html is not None:
            cache.move_to_end(page_key)
    if html is None:
        html = render_template("diff.html", **diff_context(doc, spec))
        if len(html) > PAGE_KEPT_MAX:  # every row of a huge diff is rendered each time
            return html
        with lock:
            cache[page_key] = html
            while len(cache) > PAGES_KEPT:
                cache.popitem(last=False)
    response = Response(html, mimetype="text/html")
    response.kept_as = page_key  # type: ignore[attr-defined]  # its gzip is kept too
    return response


def page_of(blocks: list[Block], page: int, per_page: int) -> list[Block]:
    """The blocks of one page of changes: change rows ``(page-1)*per_page+1 ..
    page*per_page``, with the runs and markers that come before each of them (and, on the
    last page, those after the last change)."""
    lo, hi = (page - 1) * per_page, page * per_page
    out: list[Block] = []
    pending: list[Block] = []
    for b in blocks:
        if b.kind == "row" and b.n:
            if lo < b.n <= hi:
                out += pending
                out.append(b)
            elif b.n > hi:
                return out
            pending = []
        else:
            pending.append(b)
    return out + pending


def find_row(blocks: list[Block], row: str) -> tuple[int, str] | None:
    """(the change number that places ``row`` on a page, the id of the run holding it or
    "") for a row id, or None. A row in a run is on the page of the next change."""
    pending_run = ""
    for b in blocks:
        if b.kind == "row" and b.n:
            if b.id == row or pending_run:
                return b.n, pending_run
        elif b.kind == "run" and any(r.id == row for r in b.rows):
            pending_run = b.id
    return (10**9, pending_run) if pending_run else None


def diff_context(doc: str, spec: str) -> dict[str, Any]:
    document, cmp = comparison(doc, spec)
    changes = cmp.diff.changes
    changes_only = request.args.get("changes") != "0"
    big = changes_only and len(changes) > BIG_DIFF
    # Figures, deadlines and dates first; changed modals and negations after them.
    figures = sorted(typed_terms(cmp), key=lambda ct: ct[1].type not in FIGURE_TYPES)
    n_changes = sum(1 for c in changes if is_change(c))
    blocks = diff_blocks(changes)
    pages = max(1, -(-n_changes // PAGE_CHANGES)) if big else 1
    asked = request.args.get("page", "1")
    page = min(int(asked), pages) if asked.isdigit() and int(asked) >= 1 else 1
    open_run = ""
    if big and (wanted := request.args.get("row")):
        # A link to one row (?row=new-1234, asked for by the page when its #anchor is
        # not on it): the page that holds it, with its folded run sent full.
        found = find_row(blocks, wanted)
        if found is not None:
            n, open_run = found
            page = min(pages, max(1, -(-n // PAGE_CHANGES)))
    if pages > 1:
        blocks = page_of(blocks, page, PAGE_CHANGES)
    return {
        "document": document,
        "cmp": cmp,
        "versions": get_db().versions(doc),
        "summary": cmp.diff.summary(),
        "headline": cmp.diff.headline(),
        # Figures, dates and deadlines first, then modals and negations; reading order within.
        "figures": figures[:MAX_CHIPS],
        "more_figures": max(0, len(figures) - MAX_CHIPS),
        "n_changes": n_changes,
        "blocks": blocks,
        "page": page,
        "pages": pages,
        "per_page": PAGE_CHANGES,
        # Changes first: every row only when asked for (?changes=0).
        "changes_only": changes_only,
        "lazy_run": LAZY_RUN if big else 0,
        "open_run": open_run,
        "view": "inline" if request.args.get("view") == "inline" else "side",
    }


@bp.get("/d/<doc>/diff/<spec>")
def diff(doc: str, spec: str) -> ResponseReturnValue:
    if not wants_json():
        return diff_page(doc, spec)
    if not request.args.get("rows"):
        return diff_json_response(doc, spec)
    _, cmp = comparison(doc, spec)
    rows = rows_slice(request.args.get("rows"), len(cmp.diff.changes))
    if rows is None:
        return jsonify(diff_json(cmp))
    # A stretch of rows (the page fetches folded runs this way): the same shape, with only
    # those changes, and where they start.
    data = diff_json(Comparison(cmp.old, cmp.new, Diff(())))
    data.update(summary=cmp.diff.summary(), headline=cmp.diff.headline(), rows=list(rows))
    data["changes"] = [change_json(c) for c in cmp.diff.changes[rows[0] : rows[1]]]
    return jsonify(data)


@bp.get("/d/<doc>/diff/<spec>/redline.docx")
def redline(doc: str, spec: str) -> ResponseReturnValue:
    """The comparison as a Word document with tracked changes (see tracker.redline)."""
    from tracker.redline import diff_docx

    _, cmp = comparison(doc, spec)
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{doc}-{cmp.old.label}-{cmp.new.label}")
    return Response(
        diff_docx(cmp),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f'attachment; filename="{name}.docx"'},
    )


@bp.get("/d/<doc>/compare")
def compare_form(doc: str) -> ResponseReturnValue:
    """The document page's compare form (GET) -> the diff's canonical address."""
    old = request.args.get("from", "").strip()
    new = request.args.get("to", "").strip()
    if not old or not new:
        raise InputError("choose two versions to compare")
    # Any: url_for's own keywords (_external, _anchor...) take other types than these strings.
    args: dict[str, Any] = {
        k: v for k, v in request.args.items() if k in ("changes", "view", "format")
    }
    return redirect(url_for("diff.diff", doc=doc, spec=f"{old}..{new}", **args))
