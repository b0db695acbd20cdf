"""JSON under ``/api/``, mirroring the CLI's ``--json`` output for scripts. Each route
reuses the context of the matching HTML page."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from tracker.render import diff_json

from ..db import get_db
from . import browse
from .diff import diff_context

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/")
def index() -> ResponseReturnValue:
    return jsonify(
        {
            "documents": "/api/documents",
            "document": "/api/d/<doc>",
            "versions": "/api/d/<doc>/versions",
            "version": "/api/d/<doc>/v/<label>",
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
    return jsonify(
        {"doc": doc, "versions": [dataclasses.asdict(v) for v in get_db().versions(doc)]}
    )


@bp.get("/d/<doc>/v/<label>")
def version(doc: str, label: str) -> ResponseReturnValue:
    """``tracker show DOC LABEL --json``."""
    return jsonify(browse.version_json(browse.version_context(doc, label)))


@bp.get("/d/<doc>/diff/<spec>")
def diff(doc: str, spec: str) -> ResponseReturnValue:
    """``tracker diff DOC FROM TO --format json``."""
    return jsonify(diff_json(diff_context(doc, spec)["cmp"]))


@bp.get("/d/<doc>/p/<path:path>")
def provision(doc: str, path: str) -> ResponseReturnValue:
    ctx = browse.provision_context(doc, path, request.args.get("at") or None)
    return jsonify(browse.provision_json(ctx))


@bp.get("/d/<doc>/figures")
def figures(doc: str) -> ResponseReturnValue:
    return jsonify(browse.figures_json(browse.figures_context(doc)))


@bp.get("/search")
def search() -> ResponseReturnValue:
    ctx = browse.search_context(request.args.get("q", ""), request.args.get("doc") or None)
    return jsonify(browse.search_json(ctx)), ctx["status"]
