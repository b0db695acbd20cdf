"""Who may add versions.

Reading is open to anyone who can reach the server. Writing (the add form and
``POST /api/d/<doc>/versions``) follows the app's configuration:

- ``READ_ONLY``: nobody; the form and the write API answer 403.
- ``TOKEN`` set: only a token holder: the API wants ``Authorization: Bearer <token>``,
  the form wants a browser session that signed in with the token at ``/login``.
- neither: anyone (``tracker serve`` allows this only on a loopback address).

Tokens are compared in constant time; the session cookie is signed with ``SECRET_KEY``,
HttpOnly and SameSite=Lax, and sign-in is a CSRF-protected form.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from tracker.errors import TrackerError

bp = Blueprint("auth", __name__)


class Forbidden(TrackerError):
    """Writing is not allowed here (read-only server)."""

    status = 403


class Unauthorized(TrackerError):
    """Writing needs the token."""

    status = 401


def read_only() -> bool:
    return bool(current_app.config.get("READ_ONLY"))


def _token() -> str:
    return str(current_app.config.get("TOKEN") or "")


def token_ok(given: str) -> bool:
    token = _token()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


def can_write() -> bool:
    """Whether this request may add versions through the form."""
    if read_only():
        return False
    return not _token() or bool(session.get("writer"))


def require_form_write() -> ResponseReturnValue | None:
    """None when the form may be used; else a redirect to sign in (or a 403)."""
    if read_only():
        raise Forbidden("this server is read-only: versions cannot be added here")
    if not can_write():
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return None


def require_api_write() -> None:
    """Raise unless this API request may write (bearer token when one is configured)."""
    if read_only():
        raise Forbidden("this server is read-only: versions cannot be added here")
    if not _token():
        return
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token_ok(given.strip()):
        raise Unauthorized(
            "adding versions needs the server's token: Authorization: Bearer <token>"
        )


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme or host), so sign-in cannot redirect away."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/"):
        return url_for("add.add_form")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if read_only():
        raise Forbidden("this server is read-only: there is nothing to sign in for")
    if not _token():
        return redirect(url_for("add.add_form"))
    target = _safe_next(request.values.get("next"))
    if request.method == "POST":
        if token_ok(request.form.get("token", "")):
            session.clear()
            session["writer"] = True
            return redirect(target)
        error = "That token is not the one this server was started with."
        return render_template("login.html", next=target, error=error), 401
    return render_template("login.html", next=target, error=None)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    session.pop("writer", None)
    return redirect(url_for("browse.home"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def writing() -> dict[str, object]:
        return {
            "can_write": can_write(),
            "read_only": read_only(),
            "signed_in": bool(session.get("writer")),
        }
