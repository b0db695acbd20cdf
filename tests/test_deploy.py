"""Safe to deploy: read-only mode, a token for adding versions (form sign-in and the write
API), security headers, and ``tracker serve`` refusing a public address without either."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from web import create_app

TOKEN = "s3cret-token-for-tests"
NEW_TEXT = "1. The ceasefire holds.\n2. Talks resume.\n"


def client_for(db: Path, **config: object) -> FlaskClient:
    return create_app({"DATABASE": str(db), "TESTING": True, **config}).test_client()


def csrf(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def post_version(client: FlaskClient, token: str | None = None, **body: str):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"text": NEW_TEXT, "at": "2026-01-05", "label": "api-1", **body}
    return client.post("/api/d/peace-plan/versions", json=body, headers=headers)


# --- the write API ------------------------------------------------------------------------------


def test_write_api_adds_a_version(sample_db: Path) -> None:
    client = client_for(sample_db)
    response = post_version(client)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["stored"] is True and data["version"]["label"] == "api-1"
    assert data["url"] == "/d/peace-plan/v/api-1"
    assert client.get("/api/d/peace-plan/v/api-1").get_json()["text"] == NEW_TEXT.strip()
    # The same text again is not stored twice.
    again = post_version(client, label="api-2")
    assert again.status_code == 200 and again.get_json()["stored"] is False


@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        ({"at": "03.04.2026"}, 400, "ambiguous date"),
        ({"label": "us-28"}, 409, "already has"),
        ({"text": "   "}, 400, "no text"),
        ({"colour": "red"}, 400, "unknown field"),
    ],
)
def test_write_api_errors_are_json(sample_db: Path, kwargs: dict, status: int, words: str) -> None:
    response = post_version(client_for(sample_db), **kwargs)
    assert response.status_code == status
    assert words in response.get_json()["error"]


def test_write_api_takes_json_only(sample_db: Path) -> None:
    # A cross-site form can post urlencoded data without a preflight: never accepted.
    response = client_for(sample_db).post(
        "/api/d/peace-plan/versions", data={"text": NEW_TEXT, "at": "2026-01-05"}
    )
    assert response.status_code == 400 and "JSON" in response.get_json()["error"]


def test_write_api_needs_the_token_when_one_is_set(sample_db: Path) -> None:
    client = client_for(sample_db, TOKEN=TOKEN)
    assert post_version(client).status_code == 401
    assert post_version(client, token="wrong-token-wrong-token").status_code == 401
    assert "Bearer" in post_version(client).get_json()["error"]
    assert post_version(client, token=TOKEN).status_code == 201
    # Reading stays open.
    assert client.get("/api/d/peace-plan/versions").status_code == 200


# --- read-only ------------------------------------------------------------------------------


def test_read_only_refuses_every_write(sample_db: Path) -> None:
    client = client_for(sample_db, READ_ONLY=True, TOKEN=TOKEN)
    assert post_version(client, token=TOKEN).status_code == 403
    page = client.get("/add")
    assert page.status_code == 403 and "read-only" in page.get_data(as_text=True)
    assert client.post("/add", data={"text": NEW_TEXT}).status_code in (400, 403)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/add"' not in home  # no way in is offered
    assert client.get("/d/peace-plan/diff/us-28..framework-20").status_code == 200


# --- the form behind the token ----------------------------------------------------------------


def test_form_needs_sign_in_with_the_token(sample_db: Path) -> None:
    client = client_for(sample_db, TOKEN=TOKEN)
    response = client.get("/add?doc=peace-plan")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    # A wrong token: the error is tied to the field.
    bad = client.post("/login", data={"token": "nope", "csrf_token": csrf(client, "/login")})
    assert bad.status_code == 401
    assert 'aria-describedby="login-error"' in bad.get_data(as_text=True)
    assert client.get("/add").status_code == 302
    # The right token: the session may add versions.
    ok = client.post(
        "/login",
        data={"token": TOKEN, "next": "/add?doc=peace-plan", "csrf_token": csrf(client, "/login")},
    )
    assert ok.status_code == 302 and ok.headers["Location"] == "/add?doc=peace-plan"
    token = csrf(client, "/add")
    added = client.post(
        "/add",
        data={"doc": "peace-plan", "label": "form-1", "date": "2026-01-06", "text": NEW_TEXT,
              "csrf_token": token},
    )  # fmt: skip
    assert added.status_code == 302
    assert client.get("/api/d/peace-plan/v/form-1").status_code == 200


def test_sign_in_never_redirects_off_site(sample_db: Path) -> None:
    client = client_for(sample_db, TOKEN=TOKEN)
    for target in ("https://evil.example/", "//evil.example/x"):
        ok = client.post(
            "/login", data={"token": TOKEN, "next": target, "csrf_token": csrf(client, "/login")}
        )
        assert ok.headers["Location"] == "/add"


# --- headers and serve ------------------------------------------------------------------------


def test_security_headers_on_every_response(sample_db: Path) -> None:
    client = client_for(sample_db)
    for path in ("/", "/d/peace-plan/diff/us-28..framework-20", "/api/documents", "/nope"):
        h = client.get(path).headers
        csp = h["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "example.org", "::"])
def test_serve_refuses_a_public_address_without_read_only_or_token(invoke, host: str) -> None:
    out = invoke("serve", "--host", host, "--port", "1")
    assert out.code == 1
    assert "refusing to serve" in out.stderr and "--read-only" in out.stderr


def test_serve_refuses_a_short_token(invoke) -> None:
    out = invoke("serve", "--host", "0.0.0.0", "--token", "short")
    assert out.code == 1 and "too short" in out.stderr
