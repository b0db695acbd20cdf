"""The web UI: a thin Flask layer over the ``tracker`` library.

``create_app`` builds the application; ``tracker serve`` runs it under waitress. Every
page reads one request-scoped :class:`~tracker.store.Store` (see :mod:`web.db`), and every
HTML page has a JSON twin built from the same context (``?format=json`` or ``/api/...``).
"""

from __future__ import annotations

import gzip
import os
import secrets
import threading
from typing import Any

from flask import Flask, Response
from flask_wtf.csrf import CSRFProtect

from tracker.sources import DEFAULT_MAX_BYTES

from . import auth, db, errors, forms, present

csrf = CSRFProtect()

# Room for the form's other fields and multipart framing on top of the largest text.
FORM_OVERHEAD = 64 * 1024

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


# Text responses above this size are gzipped for clients that accept it: a diff page is
# mostly repeated markup, ~10x smaller compressed (level 6: ~20 ms per MB on this machine).
COMPRESS_ABOVE = 1024
COMPRESSIBLE = (
    "text/html", "text/css", "text/plain", "application/json", "application/javascript",
    "text/javascript", "image/svg+xml", "application/atom+xml", "text/csv",
)  # fmt: skip


def compress(response: Response) -> Response:
    """Gzip a buffered text response when the request accepts gzip. A few lines instead
    of a dependency: the server sends only small static files and rendered pages, never
    streams, and needs no other encoding."""
    from flask import request

    response.vary.add("Accept-Encoding")
    if (
        response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSIBLE
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
    ):
        return response
    data = response.get_data()
    if len(data) < COMPRESS_ABOVE:
        return response
    key = getattr(response, "kept_as", None)
    response.set_data(_gzip(data) if key is None else _kept_gzip(key, data))
    response.headers["Content-Encoding"] = "gzip"
    return response


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


# Gzipped bodies of responses a view keeps between requests (it names them with a
# ``kept_as`` key: the diff pages and their JSON): compressing a 4.4 MB diff's JSON takes
# ~90 ms, more than serving it from memory.
GZIP_KEPT = 8


def _kept_gzip(key: object, data: bytes) -> bytes:
    from collections import OrderedDict

    from flask import current_app

    cache = current_app.extensions.setdefault("tracker.gzip", OrderedDict())
    lock = current_app.extensions.setdefault("tracker.gzip.lock", threading.Lock())
    with lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    packed = _gzip(data)
    with lock:
        cache[key] = packed
        while len(cache) > GZIP_KEPT:
            cache.popitem(last=False)
    return packed


def create_app(config: dict[str, Any] | str | None = None) -> Flask:
    """Build the app. ``config`` is a mapping (``DATABASE``, ``MAX_BYTES``, any Flask
    setting), a database path, or None (``TRACKER_DB`` or ``tracker.db``)."""
    if isinstance(config, str | os.PathLike):
        config = {"DATABASE": os.fspath(config)}
    config = dict(config or {})
    app = Flask(__name__)
    app.config.update(
        DATABASE=os.environ.get("TRACKER_DB", "tracker.db"),
        MAX_BYTES=DEFAULT_MAX_BYTES,
        SECRET_KEY=os.environ.get("TRACKER_SECRET_KEY") or secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        # Who may add versions (see web.auth): nobody when READ_ONLY, a token holder when
        # TOKEN is set, anyone otherwise.
        READ_ONLY=False,
        TOKEN=None,
        # Searches: each stopped after SEARCH_TIMEOUT seconds, at most SEARCH_SLOTS at
        # once; another waits up to SEARCH_WAIT seconds for a slot, then gets a 503.
        SEARCH_TIMEOUT=1.0,
        SEARCH_SLOTS=2,
        SEARCH_WAIT=0.1,
    )
    app.config.update(config)
    limit = int(app.config["MAX_BYTES"]) + FORM_OVERHEAD
    if config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = limit
    if config.get("MAX_FORM_MEMORY_SIZE") is None:
        # Werkzeug caps a non-file form field at 500 kB; pasted text may be larger.
        app.config["MAX_FORM_MEMORY_SIZE"] = limit
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    app.extensions["tracker_search_slots"] = threading.BoundedSemaphore(
        int(app.config["SEARCH_SLOTS"])
    )
    # Form fields keep undecodable bytes (as surrogates) so the add form can refuse them
    # as the CLI refuses such a file, instead of storing U+FFFD.
    app.request_class = forms.RawFormRequest

    csrf.init_app(app)
    db.init_app(app)
    errors.init_app(app)
    present.init_app(app)
    auth.init_app(app)

    from .views import add, api, browse, diff, watches

    app.register_blueprint(browse.bp)
    app.register_blueprint(diff.bp)
    app.register_blueprint(add.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(watches.bp)
    # The API's one write is authorised by a bearer token and accepts JSON only; the
    # forms keep their CSRF tokens.
    csrf.exempt(api.bp)

    @app.after_request
    def headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return compress(response)

    return app
