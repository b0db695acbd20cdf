"""Adding a version through the form: same validation and errors as ``tracker add``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import FileStorage

from tracker import ingest
from tracker.errors import Conflict, DateError, InputError, TrackerError
from tracker.readers import MEDIA_TYPES, sniff
from tracker.sources import Source, read_document

from ..auth import require_form_write
from ..db import get_db
from ..forms import undecodable
from ..present import jsonable, wants_json

bp = Blueprint("add", __name__)

NEW = "__new__"
FIELDS = (
    "doc", "new_doc", "title", "label", "date", "tz", "kind", "source", "notes", "text", "format",
)  # fmt: skip
# What the format select offers: an uploaded file may be any of them; pasted text is text
# or Markdown (the others are files, not something one pastes).
FORMATS = ("auto", "text", "markdown", "html", "docx", "pdf")
PASTE_FORMATS = ("auto", "text", "markdown")


def read_source(form: dict[str, str], upload: FileStorage | None) -> Source:
    """The pasted text or the uploaded file, read exactly as the CLI reads a file: the
    format chosen, else (``auto``) the file's extension, then its content."""
    limit = int(current_app.config["MAX_BYTES"])
    has_file = upload is not None and bool(upload.filename)
    has_text = bool(form["text"].strip())
    fmt = form.get("format") or "auto"
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
    if has_file and has_text:
        raise InputError("give either pasted text or a file, not both")
    if has_file:
        assert upload is not None
        data = upload.read(limit + 1)
        # The browser's media type only when it names a format (it often says
        # application/octet-stream); the extension is tried first anyway.
        media_type = upload.mimetype if upload.mimetype in MEDIA_TYPES else None
        return read_document(
            data, upload.filename or "upload", format=fmt, media_type=media_type, max_bytes=limit
        )
    if has_text:
        if fmt not in PASTE_FORMATS:
            raise InputError(
                f"pasted text is read as text or Markdown, not {fmt}: upload a {fmt} file instead"
            )
        # Back to the bytes as sent (bad bytes were kept as surrogates, see web.forms), so
        # undecodable text is refused exactly as `tracker add` refuses such a file.
        data = form["text"].encode("utf-8", "surrogateescape")
        if fmt == "auto":
            # Text unless it plainly uses Markdown's block syntax.
            fmt = "markdown" if sniff(data) == "markdown" else "text"
        return read_document(data, "pasted text", format=fmt, max_bytes=limit)
    raise InputError("paste the text of the version, or choose a file to upload")


def error_field(exc: TrackerError, form: dict[str, str]) -> str:
    """The form field an error is about (its input gets ``aria-describedby`` pointing at
    the message), or "" for the form as a whole. Read from the exception's type and
    message: the library's errors name what was wrong."""
    message = str(exc)
    if isinstance(exc, DateError):
        return "tz" if "time zone" in message and "unknown time zone in" not in message else "date"
    if isinstance(exc, Conflict):
        return "label"
    if "no date" in message:
        return "date"
    if "unknown kind" in message:
        return "kind"
    if "document" in message and form.get("doc") == NEW:
        return "new_doc"
    if "label" in message:
        return "label"
    return "text"


def form_context(form: dict[str, str], error: str | None = None, field: str = "") -> dict[str, Any]:
    return {
        "error_field": field,
        "documents": get_db().documents(),
        "kinds": ingest.VERSION_KINDS,
        "form": form,
        "error": error,
        "NEW": NEW,
        "max_bytes": int(current_app.config["MAX_BYTES"]),
        "formats": FORMATS,
    }


@bp.get("/add")
def add_form() -> ResponseReturnValue:
    if (gate := require_form_write()) is not None:
        return gate
    documents = get_db().documents()
    form = dict.fromkeys(FIELDS, "")
    wanted = request.args.get("doc", "")
    known = {d.slug for d in documents}
    form["doc"] = wanted if wanted in known else (documents[0].slug if documents else NEW)
    form["tz"] = "UTC"
    form["format"] = "auto"
    ctx = form_context(form)
    if wants_json():
        return {
            "documents": [d.slug for d in documents],
            "kinds": list(ingest.VERSION_KINDS),
            "max_bytes": ctx["max_bytes"],
            "formats": list(FORMATS),
            "fields": list(FIELDS) + ["file"],
        }
    return render_template("add.html", **ctx)


@bp.post("/add")
def add_submit() -> ResponseReturnValue:
    if (gate := require_form_write()) is not None:
        return gate
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
        ctx = form_context(form, message, error_field(exc, form))
        return render_template("add.html", **ctx), exc.status
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
