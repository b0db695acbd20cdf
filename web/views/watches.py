"""Capture pages: the watches (``/watches``: read-only, what ``tracker watch list``
shows, with a JSON twin) and the site-wide Atom feed of every new version
(``/feed.atom``). Watches are managed with the CLI; the page only shows them."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template
from flask.typing import ResponseReturnValue

from tracker.capture.watch import show_every, state, watch_json

from ..db import get_db
from ..present import respond

bp = Blueprint("watches", __name__)

FEED_ENTRIES = 50  # newest versions in the site-wide feed


def watches_context() -> dict[str, Any]:
    rows = []
    for w in get_db().watches():
        rows.append({"watch": w, "state": state(w), "every": show_every(w.every)})
    return {"rows": rows, "failing": sum(r["state"] == "failing" for r in rows)}


def watches_json(ctx: dict[str, Any]) -> dict[str, Any]:
    """``tracker watch list --json``."""
    return {"watches": [watch_json(r["watch"]) for r in ctx["rows"]]}


@bp.get("/watches")
def watches() -> ResponseReturnValue:
    ctx = watches_context()
    return respond("watches.html", ctx, watches_json(ctx))


@bp.get("/feed.atom")
def site_feed() -> Response:
    """The newest versions of every document, each with what changed from the one before."""
    entries = []
    for row in get_db().all_steps(FEED_ENTRIES):
        row["summary"] = json.loads(row["summary"]) if row["summary"] else {}
        entries.append(row)
    updated = max((e["added_at"] for e in entries), default="1970-01-01T00:00:00+00:00")
    body = render_template("site_feed.xml", entries=entries, updated=updated)
    return Response(body, mimetype="application/atom+xml")
