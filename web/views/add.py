"""Adding a version through the form: same validation and errors as ``tracker add``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import FileStorage

from tracker import ingest
from tracker.errors import InputError, TrackerError
from tracker.sources import Source, read_bytes

from ..db import get_db
from ..forms import undecodable
from ..present import jsonable, wants_json

bp = Blueprint("add", __name__)

NEW = "__new__"
FIELDS = ("doc", "new_doc", "title", "label", "date", "tz", "kind", "source", "notes", "text")


def read_source(form: dict[str, str], upload: FileStorage | None) -> Source:
    """The pasted text or the uploaded file, read exactly as the CLI reads a file."""
    limit = int(current_app.config["MAX_BYTES"])
    has_file = upload is not None and bool(upload.filename)
    has_text = bool(form["text"].strip())
    if has_file and has_text:
        raise InputError("give either pasted text or a file, not both")
    if has_file:
        assert upload is not None
        data = upload.read(limit + 1)
        return read_bytes(data, upload.filename or "upload", limit)
    if has_text:
        # Back to the bytes as sent (bad bytes were kept as surrogates, see web.forms), so
        # undecodable text is refused exactly as `tracker add` refuses such a file.
        return read_bytes(form["text"].encode("utf-8", "surrogateescape"), "pasted text", limit)
    raise InputError("paste the text of the version, or choose a file to upload")


def form_context(form: dict[str, str], error: str | None = None) -> dict[str, Any]:
    return {
        "documents": get_db().documents(),
        "kinds": ingest.VERSION_KINDS,
        "form": form,
        "error": error,
        "NEW": NEW,
        "max_bytes": int(current_app.config["MAX_BYTES"]),
    }


@bp.get("/add")
def add_form() -> ResponseReturnValue:
    documents = get_db().documents()
    form = dict.fromkeys(FIELDS, "")
    wanted = request.args.get("doc", "")
    known = {d.slug for d in documents}
    form["doc"] = wanted if wanted in known else (documents[0].slug if documents else NEW)
    form["tz"] = "UTC"
    ctx = form_context(form)
    if wants_json():
        return {
            "documents": [d.slug for d in documents],
            "kinds": list(ingest.VERSION_KINDS),
            "max_bytes": ctx["max_bytes"],
            "fields": list(FIELDS) + ["file"],
        }
    return render_template("add.html", **ctx)


@bp.post("/add")
def add_submit() -> ResponseReturnValue:
    form = {k: request.form.get(k, "") for k in FIELDS}
    store = get_db()
    try:
        for name, value in form.items():
            bad = undecodable(value)
            if bad is not None and name != "text":
                raise InputError(f"{name}: not UTF-8 (bad byte at offset {bad})")
        source = read_source(form, request.files.get("file"))
        doc = form["new_doc"].strip() if form["doc"] == NEW else form["doc"].strip()
        if not doc:
            raise InputError("choose a document, or give the new document a name")
        result = ingest.add_version(
            store,
            doc,
            source,
            at=form["date"].strip() or None,
            label=form["label"].strip() or None,
            title=form["title"].strip() or None,
            kind=form["kind"].strip() or None,
            url=form["source"].strip() or None,
            notes=form["notes"].strip() or None,
            tz=form["tz"].strip() or "UTC",
        )
    except TrackerError as exc:
        # Shown again in the form: bad bytes as U+FFFD (they cannot be sent as UTF-8).
        form = {k: v.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                for k, v in form.items()}  # fmt: skip
        message = str(exc)
        if request.files.get("file") and request.files["file"].filename:
            message += " (choose the file again: browsers do not keep it)"
        if wants_json():
            return {"error": str(exc), "status": exc.status, "form": jsonable(form)}, exc.status
        return render_template("add.html", **form_context(form, message)), exc.status
    version = result.version
    if not result.stored:
        flash(f"That text is identical to {version.label}, already stored: nothing was added.")
        return redirect(url_for("browse.version", doc=version.document, label=version.label))
    timeline = store.versions(version.document)
    i = next(k for k, v in enumerate(timeline) if v.id == version.id)
    flash(f"Added {version.label} to {version.document} ({version.n_provisions} provisions).")
    if i == 0:
        return redirect(url_for("browse.version", doc=version.document, label=version.label))
    spec = f"{timeline[i - 1].label}..{version.label}"
    return redirect(url_for("diff.diff", doc=version.document, spec=spec))
