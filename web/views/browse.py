"""Reading pages: home, document timeline, version text, provision history, figures,
search and the Atom feed. Each builds a context with the ``tracker`` library and renders
it as HTML or, for ``?format=json``, as JSON (see :mod:`web.views.api`)."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue

from tracker import history, serialize
from tracker.errors import NotFound, QueryError

from ..db import get_db
from ..present import MARK, axis, day, jsonable, magnitude, respond, snippet_parts, step_charts

bp = Blueprint("browse", __name__)


# --- contexts (shared with the API) -------------------------------------------------------


def home_context() -> dict[str, Any]:
    return {"documents": get_db().documents()}


def home_json(ctx: dict[str, Any]) -> dict[str, Any]:
    return serialize.documents_json(ctx["documents"])


def document_context(doc: str) -> dict[str, Any]:
    store = get_db()
    document = store.document(doc)
    timeline = history.timeline(store, doc)
    points = []
    for i, entry in enumerate(timeline):
        if entry.previous:
            href = url_for("diff.diff", doc=doc, spec=f"{entry.previous}..{entry.label}")
            title = f"{entry.label} ({day(entry.at)}): {entry.headline or 'no changes'}"
        else:
            href = url_for("browse.version", doc=doc, label=entry.label)
            title = f"{entry.label} ({day(entry.at)}): first version"
        points.append((entry.at, entry.label, magnitude(entry.summary), title, href, i == 0))
    return {"document": document, "timeline": timeline, "axis": axis(points)}


def document_json(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"document": jsonable(ctx["document"]), "timeline": jsonable(ctx["timeline"])}


def version_context(doc: str, label: str) -> dict[str, Any]:
    store = get_db()
    document = store.document(doc)
    version = store.version(doc, label, with_text=True)
    timeline = store.versions(doc)
    i = next(k for k, v in enumerate(timeline) if v.id == version.id)
    return {
        "document": document,
        "version": version,
        "provisions": store.provisions(version.id),
        "previous": timeline[i - 1] if i > 0 else None,
        "next": timeline[i + 1] if i + 1 < len(timeline) else None,
        "latest": timeline[-1],
        "original": store.source_info(version.id),
        "reader": store.provisions_reader(version.id),
    }


def version_json(ctx: dict[str, Any]) -> dict[str, Any]:
    """The shape of ``tracker show DOC LABEL --json``."""
    v = ctx["version"]
    return serialize.version_json(
        v.document, v, ctx["provisions"], ctx["original"]["format"],
        ctx["reader"] or ctx["original"]["reader"],
    )  # fmt: skip


def provision_context(doc: str, path: str, at: str | None, view: str = "") -> dict[str, Any]:
    store = get_db()
    document = store.document(doc)
    lineage = history.lineage(store, doc, path, at_label=at)
    blame = history.blame(store, doc, path, at_label=at)
    return {
        "document": document,
        "path": path,
        "at": at,
        "view": "blame" if view == "blame" else "history",
        "lineage": lineage,
        "blame": blame,
    }


def provision_json(ctx: dict[str, Any]) -> dict[str, Any]:
    """The shape of ``tracker history DOC NUMBER --json``, plus the blame (the shape of
    ``tracker blame --json``) and the start provision."""
    lin = ctx["lineage"]
    return {
        **serialize.history_json(lin),
        # The start provision's row id and its stored fields (``show --json``'s shape).
        "start": {"id": lin.start_id, **serialize.provision_json(lin.start)},
        "blame": serialize.blame_json(ctx["blame"]),
    }


def figures_context(doc: str) -> dict[str, Any]:
    store = get_db()
    document = store.document(doc)
    figures = history.figures(store, doc)
    tracks: dict[str, list[history.Figure]] = {}
    for f in figures:
        tracks.setdefault(f.track, []).append(f)
    groups = [
        {"track": track, "figures": items, "charts": step_charts(items)}
        for track, items in tracks.items()
    ]
    return {"document": document, "figures": figures, "groups": groups}


def figures_json(ctx: dict[str, Any]) -> dict[str, Any]:
    """The shape of ``tracker figures DOC --json``."""
    return serialize.figures_json(ctx["document"].slug, ctx["figures"])


def search_context(query: str, doc: str | None, advanced: bool = False) -> dict[str, Any]:
    store = get_db()
    documents = store.documents()
    if doc:
        store.document(doc)
    hits: list[history.Hit] = []
    error = None
    status = 200
    if query.strip():
        # At most SEARCH_SLOTS searches at once, each stopped after SEARCH_TIMEOUT: a
        # burst of expensive searches cannot take every server thread from other pages.
        slots = current_app.extensions["tracker_search_slots"]
        if not slots.acquire(timeout=current_app.config["SEARCH_WAIT"]):
            error, status = "The server is busy with other searches: try again shortly.", 503
        else:
            try:
                timeout = current_app.config["SEARCH_TIMEOUT"]
                hits = history.search(
                    store, query, doc=doc, mark=MARK, advanced=advanced, timeout=timeout
                )
            except QueryError as exc:
                error, status = str(exc), 400
            finally:
                slots.release()
    return {
        "query": query,
        "doc": doc,
        "advanced": advanced,
        "documents": documents,
        "hits": hits,
        "error": error,
        "status": status,
    }


def search_json(ctx: dict[str, Any]) -> dict[str, Any]:
    """The shape of ``tracker search QUERY --json`` (matches marked ``[`` ``]``), plus the
    error, the mode and each snippet as parts."""
    hits = [
        dataclasses.replace(
            h, snippet="".join(f"[{t}]" if m else t for m, t in snippet_parts(h.snippet))
        )
        for h in ctx["hits"]
    ]
    out = serialize.search_json(ctx["query"], ctx["doc"], hits)
    out["error"] = ctx["error"]
    out["advanced"] = ctx["advanced"]
    for row, h in zip(out["hits"], ctx["hits"], strict=True):
        row["parts"] = [{"match": m, "text": t} for m, t in snippet_parts(h.snippet)]
    return out


# --- pages ----------------------------------------------------------------------------------


@bp.get("/")
def home() -> ResponseReturnValue:
    ctx = home_context()
    return respond("home.html", ctx, home_json(ctx))


@bp.get("/d/<doc>")
def document(doc: str) -> ResponseReturnValue:
    ctx = document_context(doc)
    return respond("document.html", ctx, document_json(ctx))


@bp.get("/d/<doc>/v/<label>")
def version(doc: str, label: str) -> ResponseReturnValue:
    ctx = version_context(doc, label)
    return respond("version.html", ctx, version_json(ctx))


# A download name for a source stored without its file name (stdin, pasted, migrated).
EXTENSION = {"text": ".txt", "markdown": ".md", "html": ".html", "docx": ".docx", "pdf": ".pdf"}


@bp.get("/d/<doc>/v/<label>/source")
def source(doc: str, label: str) -> Response:
    """The original file a version was read from, as a download (never rendered: an
    uploaded HTML page is not served as a page of this site)."""
    store = get_db()
    version = store.version(doc, label)
    original = store.source(version.id)
    name = original.name or f"{doc}-{label}{EXTENSION.get(original.format, '')}"
    response = send_file(
        io.BytesIO(original.data),
        mimetype=original.media_type or "application/octet-stream",
        as_attachment=True,
        download_name=name,
        etag=original.sha256,
        max_age=0,
    )
    return response


@bp.get("/d/<doc>/p/<path:path>")
def provision(doc: str, path: str) -> ResponseReturnValue:
    ctx = provision_context(doc, path, request.args.get("at") or None, request.args.get("view", ""))
    return respond("provision.html", ctx, provision_json(ctx))


@bp.get("/d/<doc>/figures")
def figures(doc: str) -> ResponseReturnValue:
    ctx = figures_context(doc)
    return respond("figures.html", ctx, figures_json(ctx))


@bp.get("/search")
def search() -> ResponseReturnValue:
    query = request.args.get("q", "")
    doc = request.args.get("doc") or None
    ctx = search_context(query, doc, request.args.get("advanced") == "1")
    return respond("search.html", ctx, search_json(ctx), ctx["status"])


@bp.get("/d/<doc>/feed.atom")
def feed(doc: str) -> Response:
    store = get_db()
    document = store.document(doc)
    timeline = history.timeline(store, doc)
    versions = store.versions(doc)
    if not timeline:
        raise NotFound(f"{doc} has no versions yet")
    entries = list(reversed(list(zip(versions, timeline, strict=True))))
    body = render_template(
        "feed.xml",
        document=document,
        entries=entries,
        updated=max(v.added_at for v in versions),
    )
    return Response(body, mimetype="application/atom+xml")
