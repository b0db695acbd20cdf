"""The diff page: ``/d/<doc>/diff/<from>..<to>`` (labels may be ``DOC:LABEL``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, request, url_for
from flask.typing import ResponseReturnValue

from tracker.compare import compare
from tracker.errors import InputError, NotFound
from tracker.render import diff_json, typed_terms

from ..db import get_db
from ..present import diff_blocks, is_change, respond

bp = Blueprint("diff", __name__)


def split_spec(spec: str) -> tuple[str, str]:
    """``from..to`` -> (from, to). Labels never contain ``..``."""
    old, sep, new = spec.partition("..")
    if not sep or not old or not new:
        raise NotFound(f"not a comparison: {spec!r} (expected FROM..TO, e.g. us-28..framework-20)")
    return old, new


def diff_context(doc: str, spec: str) -> dict[str, Any]:
    store = get_db()
    document = store.document(doc)
    old, new = split_spec(spec)
    cmp = compare(store, doc, old, new)
    changes = cmp.diff.changes
    return {
        "document": document,
        "cmp": cmp,
        "versions": store.versions(doc),
        "summary": cmp.diff.summary(),
        "headline": cmp.diff.headline(),
        # Figures, dates and deadlines first, then modals and negations; reading order within.
        "figures": sorted(typed_terms(cmp), key=lambda ct: ct[1].type in ("modal", "negation")),
        "n_changes": sum(1 for c in changes if is_change(c)),
        "blocks": diff_blocks(changes),
        # Changes first: every row only when asked for (?changes=0).
        "changes_only": request.args.get("changes") != "0",
        "view": "inline" if request.args.get("view") == "inline" else "side",
    }


@bp.get("/d/<doc>/diff/<spec>")
def diff(doc: str, spec: str) -> ResponseReturnValue:
    ctx = diff_context(doc, spec)
    return respond("diff.html", ctx, diff_json(ctx["cmp"]))


@bp.get("/d/<doc>/compare")
def compare_form(doc: str) -> ResponseReturnValue:
    """The document page's compare form (GET) -> the diff's canonical address."""
    old = request.args.get("from", "").strip()
    new = request.args.get("to", "").strip()
    if not old or not new:
        raise InputError("choose two versions to compare")
    args = {k: v for k, v in request.args.items() if k in ("changes", "view", "format")}
    return redirect(url_for("diff.diff", doc=doc, spec=f"{old}..{new}", **args))
