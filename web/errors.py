"""Friendly error pages (and JSON errors for the API). Never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from tracker.errors import TrackerError

from .db import get_db
from .present import wants_json

log = logging.getLogger(__name__)

TITLES = {
    400: "That request could not be handled",
    401: "Sign in needed",
    403: "Not allowed here",
    404: "Not found",
    405: "Method not allowed",
    409: "Already there",
    413: "Too large",
    500: "Something went wrong",
}


def _known_document() -> str | None:
    """The document named in the address, if it exists (a way back from a 404)."""
    doc = (request.view_args or {}).get("doc")
    if not doc:
        return None
    try:
        return doc if get_db().has_document(doc) else None
    except Exception:
        return None


def error_response(status: int, message: str, hint: str = "") -> tuple[Response | str, int]:
    title = TITLES.get(status, "Error")
    if wants_json():
        return jsonify({"error": message, "status": status}), status
    try:
        doc = _known_document() if status == 404 else None
        page = render_template(
            "error.html", status=status, title=title, message=message, hint=hint, doc=doc
        )
    except Exception:  # the error page itself must never fail
        log.exception("error page failed")
        page = f"<!doctype html><title>{status}</title><h1>{status} {title}</h1>"
    return page, status


def init_app(app: Flask) -> None:
    @app.errorhandler(TrackerError)
    def tracker_error(exc: TrackerError) -> ResponseReturnValue:
        hint = ""
        if exc.status == 404:
            hint = "Check the address, or start again from the list of documents."
        return error_response(exc.status, str(exc), hint)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> ResponseReturnValue:
        return error_response(
            400,
            "The form could not be accepted: its security token is missing or has expired.",
            "Go back, reload the form and send it again.",
        )

    @app.errorhandler(413)
    def too_large(exc: HTTPException) -> ResponseReturnValue:
        limit = app.config["MAX_BYTES"]
        return error_response(
            413,
            f"That upload is too large: the limit is {limit:,} bytes per version.",
            "Split the text, or ask whoever runs this server to raise the limit "
            "(tracker --max-bytes).",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        if status == 404:
            return error_response(
                404,
                "There is no page at this address.",
                "Check the address, or start again from the list of documents.",
            )
        if status >= 500:
            return error_response(500, "The server could not complete this request.")
        return error_response(status, exc.description or TITLES.get(status, "Error"))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.error("unhandled error on %s", request.path, exc_info=exc)
        return error_response(
            500,
            "The server hit an unexpected problem and could not show this page.",
            "Try again in a moment; if it keeps happening, tell whoever runs this server.",
        )

    @app.errorhandler(InternalServerError)
    def internal(exc: InternalServerError) -> ResponseReturnValue:
        original = getattr(exc, "original_exception", None)
        if original is not None:
            log.error("unhandled error on %s", request.path, exc_info=original)
        return error_response(
            500,
            "The server hit an unexpected problem and could not show this page.",
            "Try again in a moment; if it keeps happening, tell whoever runs this server.",
        )
