"""JSON under ``/api/``, mirroring the CLI's ``--json`` output for scripts. Each route
reuses the context of the matching HTML page."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue

from tracker import history, ingest, serialize
from tracker.errors import InputError
from tracker.sources import read_bytes

from ..auth import require_api_write
from ..db import get_db
from . import browse
from .diff import diff_json_response

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/")
def index() -> ResponseReturnValue:
    return jsonify(
        {
            "documents": "/api/documents",
            "document": "/api/d/<doc>",
            "versions": "/api/d/<doc>/versions",
            "add a version": "POST /api/d/<doc>/versions (JSON; bearer token if configured)",
            "version": "/api/d/<doc>/v/<label>",
            "source": "/d/<doc>/v/<label>/source",
            "diff": "/api/d/<doc>/diff/<from>..<to>",
            "provision": "/api/d/<doc>/p/<path>?at=<label>",
            "figures": "/api/d/<doc>/figures",
            "search": "/api/search?q=<query>&doc=<doc>",
        }
    )


@bp.get("/documents")
def documents() -> ResponseReturnValue:
    """``tracker list --json``."""
    return jsonify(browse.home_json(browse.home_context()))


@bp.get("/d/<doc>")
def document(doc: str) -> ResponseReturnValue:
    return jsonify(browse.document_json(browse.document_context(doc)))


@bp.get("/d/<doc>/versions")
def versions(doc: str) -> ResponseReturnValue:
    """``tracker list DOC --json``."""
    store = get_db()
    versions = store.versions(doc)
    return jsonify(serialize.versions_json(doc, versions, history.timeline(store, doc)))


@bp.get("/d/<doc>/v/<label>")
def version(doc: str, label: str) -> ResponseReturnValue:
    """``tracker show DOC LABEL --json``."""
    return jsonify(browse.version_json(browse.version_context(doc, label)))


@bp.get("/d/<doc>/diff/<spec>")
def diff(doc: str, spec: str) -> ResponseReturnValue:
    """``tracker diff DOC FROM TO --format json``."""
    return diff_json_response(doc, spec)


@bp.get("/d/<doc>/p/<path:path>")
def provision(doc: str, path: str) -> ResponseReturnValue:
    ctx = browse.provision_context(doc, path, request.args.get("at") or None)
    return jsonify(browse.provision_json(ctx))


@bp.get("/d/<doc>/figures")
def figures(doc: str) -> ResponseReturnValue:
    return jsonify(browse.figures_json(browse.figures_context(doc)))


@bp.get("/search")
def search() -> ResponseReturnValue:
    ctx = browse.search_context(
        request.args.get("q", ""),
        request.args.get("doc") or None,
        request.args.get("advanced") == "1",
    )
    return jsonify(browse.search_json(ctx)), ctx["status"]


# Fields of the write API's JSON body, as ``tracker add`` options.
WRITE_FIELDS = ("text", "at", "label", "title", "kind", "source", "notes", "tz")


@bp.post("/d/<doc>/versions")
def add_version(doc: str) -> ResponseReturnValue:
    """Add a version: ``{"text": ..., "at": ..., "label": ...}`` as JSON, the same checks
    and errors as ``tracker add``. 201 with the version (in ``tracker list DOC --json``'s
    row shape) when stored, 200 with ``"stored": false`` when identical to a stored one.

    Only JSON is accepted: a page on another site cannot send it without a CORS preflight,
    which this server never grants, so a browser cannot be made to write here by a
    cross-site form even where no token is configured (loopback only)."""
    require_api_write()
    if not request.is_json:
        raise InputError("send the version as JSON (Content-Type: application/json)")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InputError('the body must be a JSON object, e.g. {"text": ..., "at": ...}')
    unknown = sorted(set(body) - set(WRITE_FIELDS))
    if unknown:
        raise InputError(
            f"unknown field(s) {', '.join(unknown)} (known: {', '.join(WRITE_FIELDS)})"
        )
    if not all(isinstance(v, str) for v in body.values()):
        raise InputError("every field must be a string")
    text = body.get("text", "")
    if not text.strip():
        raise InputError('no text: give the version\'s text as "text"')
    limit = int(current_app.config["MAX_BYTES"])
    source = read_bytes(text.encode("utf-8"), "request", limit)
    store = get_db()
    result = ingest.add_version(
        store,
        doc,
        source,
        at=body.get("at") or None,
        label=body.get("label") or None,
        title=body.get("title") or None,
        kind=body.get("kind") or None,
        url=body.get("source") or None,
        notes=body.get("notes") or None,
        tz=body.get("tz") or "UTC",
    )
    v = result.version
    out = {
        "doc": v.document,
        "stored": result.stored,
        "version": serialize.version_meta(v),
        "url": url_for("browse.version", doc=v.document, label=v.label),
    }
    return jsonify(out), 201 if result.stored else 200
