"""``tracker capture URL``: a real HTTP server on 127.0.0.1 whose pages change between
requests. New versions only when the provisions change; noise (dates, times, tokens,
counters) is not a change; every way a fetch can fail gives one clear error line and
stores nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tracker.capture import noise
from tracker.capture.page import slug_for_url
from tracker.store import Store

FAST = ["--connect-timeout", "2", "--read-timeout", "0.5"]


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    srv.no_handler_status_code = 404  # robots.txt and anything else unknown: not found
    yield srv
    srv.clear()
    srv.stop()


def page(title: str, paragraphs: list[str], *, extra: str = "", published: str = "") -> str:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title}</title>{meta}</head><body>"
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{body}{extra}</article>"
        f"<footer>Copyright the Example Gazette</footer></body></html>"
    )


ARTICLE = [
    "Negotiators from both delegations met in Geneva on Tuesday to discuss the draft.",
    "The draft would withdraw 12 battalions from the eastern line within 60 days.",
    "Observers from three neutral states would monitor the withdrawal.",
]


class Article:
    """A news article edited twice between requests: a figure changed, then a paragraph
    added and a correction appended. Every answer carries a fresh render time."""

    def __init__(self) -> None:
        self.edition = 0
        self.hits = 0

    def __call__(self, request: Request) -> Response:
        self.hits += 1
        paras = list(ARTICLE)
        if self.edition >= 1:
            paras[1] = paras[1].replace("12 battalions", "15 battalions")
        if self.edition >= 2:
            paras.insert(2, "Both sides agreed to exchange prisoners before the winter.")
            paras.append("Correction: an earlier version misstated the number of observers.")
        stamp = time.strftime("%H:%M:%S")
        html = page(
            "Talks resume on the withdrawal plan",
            paras,
            extra=f"<p class='updated'>Last updated {stamp} GMT</p>",
            published="2026-03-02T09:00:00Z",
        )
        return Response(html, content_type="text/html; charset=utf-8")


def test_article_edited_twice_then_put_back(server, invoke, db: Path) -> None:
    article = Article()
    server.expect_request("/news/talks.html").respond_with_handler(article)
    url = server.url_for("/news/talks.html")

    first = invoke("capture", url, "--doc", "talks", *FAST)
    assert first.code == 0, first.stderr
    assert "(first version)" in first.stdout

    again = invoke("capture", url, "--doc", "talks", *FAST)
    assert "unchanged" in again.stdout and "not stored" in again.stdout

    article.edition = 1
    figure = invoke("capture", url, "--doc", "talks", *FAST, "--json")
    data = json.loads(figure.stdout)
    assert data["status"] == "stored" and data["previous"]

    article.edition = 2
    assert "after" in invoke("capture", url, "--doc", "talks", *FAST).stdout
    # The correction is withdrawn: back to an earlier text, which is an event too.
    article.edition = 1
    assert "after" in invoke("capture", url, "--doc", "talks", *FAST).stdout

    with Store(db) as store:
        versions = store.versions("talks")
        assert len(versions) == 4
        assert store.document("talks").title == "Talks resume on the withdrawal plan"
        back = store.version("talks", versions[3].label, with_text=True).text
        assert "15 battalions" in back and "Correction:" not in back
        last = store.version("talks", versions[2].label, with_text=True)
        assert "Correction:" in last.text and "exchange prisoners" in last.text
        assert "Home" not in last.text and "Copyright" not in last.text  # nav, footer dropped
        assert "page published: 2026-03-02T09:00:00Z" in last.notes
        assert last.source == url
        # The response body is the version's source, read again by `tracker reparse`.
        original = store.source(versions[0].id)
        assert original.format == "html" and b"<nav>" in original.data
        assert b"12 battalions" in original.data
        # The version's time is the capture time, not the page's date.
        assert versions[0].at.startswith(time.strftime("%Y-", time.gmtime()))
    diff = json.loads(
        invoke("diff", "talks", versions[0].label, versions[1].label, "--json").stdout
    )
    terms = [t for c in diff["changes"] for t in c["terms"]]
    assert {"old": "12", "new": "15", "type": "number"} in terms or any(
        t["old"].startswith("12") and t["new"].startswith("15") for t in terms
    )


def test_page_whose_only_change_is_a_timestamp_is_not_stored(server, invoke, db: Path) -> None:
    n = {"i": 0}

    def handler(request: Request) -> Response:
        n["i"] += 1
        i = n["i"]
        html = page(
            "Ceasefire text",
            [
                "1. The parties shall cease all hostilities.",
                "2. Heavy weapons shall be withdrawn 30 km from the line.",
                f"Last updated: 2026-04-0{i}T1{i}:0{i}:00Z",
                f"Rendered {1700000000 + i * 977} session a{i}f3c9e07d2b64{i}18a7c0d9e1f2b3c4",
                f"{1200 + i * 37} views, page generated {i + 1} minutes ago",
            ],
        )
        return Response(html, content_type="text/html")

    server.expect_request("/ceasefire").respond_with_handler(handler)
    url = server.url_for("/ceasefire")
    for _ in range(3):
        out = invoke("capture", url, "--doc", "ceasefire", *FAST)
        assert out.code == 0, out.stderr
    assert "unchanged" in out.stdout
    with Store(db) as store:
        assert len(store.versions("ceasefire")) == 1


def test_conditional_get_304_stores_nothing(server, invoke, db: Path) -> None:
    seen: list[dict] = []

    def handler(request: Request) -> Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        html = page("Statement", ["The ministers welcomed the agreement in principle."])
        return Response(
            html,
            content_type="text/html",
            headers={"ETag": '"v1"', "Last-Modified": "Mon, 02 Mar 2026 09:00:00 GMT"},
        )

    server.expect_request("/statement").respond_with_handler(handler)
    url = server.url_for("/statement")
    assert invoke("capture", url, *FAST).code == 0
    out = invoke("capture", url, *FAST)
    assert "not modified (HTTP 304)" in out.stdout
    assert seen[1]["If-None-Match"] == '"v1"'
    assert seen[1]["If-Modified-Since"] == "Mon, 02 Mar 2026 09:00:00 GMT"
    assert seen[0]["User-Agent"].startswith("tracker/")
    with Store(db) as store:
        assert len(store.versions(slug_for_url(url))) == 1


@pytest.mark.parametrize(
    ("path", "respond", "message"),
    [
        ("/gone", lambda r: Response("no", status=404), "HTTP 404 NOT FOUND"),
        ("/broken", lambda r: Response("oops", status=500), "HTTP 500 INTERNAL SERVER ERROR"),
        (
            "/loop",
            lambda r: Response("", status=302, headers={"Location": "/loop"}),
            "too many redirects",
        ),
        (
            "/latin",
            lambda r: Response(
                "<html><body><p>Caf\u00e9 d\u00e9claration</p></body></html>".encode("latin-1"),
                content_type="text/html; charset=utf-8",
            ),
            "not in its declared charset utf-8 (byte 0xe9",
        ),
        (
            "/logo.png",
            lambda r: Response(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png"),
            "content type 'image/png' is not a document",
        ),
        (
            "/huge",
            lambda r: Response("<p>" + "word " * 20_000 + "</p>", content_type="text/html"),
            "over the limit of 10,000 bytes",
        ),
        (
            "/endless",
            lambda r: Response(
                (b"<p>" + b"x" * 1000 + b"</p>" for _ in range(100)), content_type="text/html"
            ),
            "response is over the limit of 10,000 bytes",
        ),
    ],
    ids=["404", "500", "redirect-loop", "wrong-charset", "not-a-document", "huge", "endless"],
)
def test_fetch_errors_are_one_line_and_store_nothing(
    server, invoke, db: Path, path, respond, message
) -> None:
    server.expect_request(path).respond_with_handler(respond)
    out = invoke("--max-bytes", "10000", "capture", server.url_for(path), "--doc", "x", *FAST)
    assert out.code == 1
    assert out.stderr.startswith("error: ") and out.stderr.count("\n") == 1
    assert message in out.stderr
    with Store(db) as store:
        assert not store.has_document("x")


def test_slow_server_times_out(server, invoke) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("<p>late</p>", content_type="text/html")

    server.expect_request("/slow").respond_with_handler(slow)
    out = invoke("capture", server.url_for("/slow"), "--read-timeout", "0.2")
    assert out.code == 1
    assert "timed out waiting for the server (read timeout 0.2s)" in out.stderr


def test_declared_charset_is_honoured(server, invoke, db: Path) -> None:
    html = "<html><body><p>D\u00e9claration commune des ministres.</p></body></html>"
    server.expect_request("/fr").respond_with_data(
        html.encode("latin-1"), content_type="text/html; charset=iso-8859-1"
    )
    assert invoke("capture", server.url_for("/fr"), "--doc", "fr", *FAST).code == 0
    with Store(db) as store:
        v = store.latest_version("fr", with_text=True)
        assert v is not None and "D\u00e9claration commune" in v.text


def test_selector_and_plain_text(server, invoke, db: Path) -> None:
    html = page("Mixed", ["Kept paragraph about the border."], extra="<div id='ad'><p>Ad</p></div>")
    server.expect_request("/sel").respond_with_data(html, content_type="text/html")
    server.expect_request("/plan.txt").respond_with_data(
        "1. First point.\n\n2. Second point.\n", content_type="text/plain"
    )
    out = invoke("capture", server.url_for("/sel"), "--doc", "sel", "--selector", "article p")
    assert out.code == 0, out.stderr
    out = invoke("capture", server.url_for("/plan.txt"), *FAST)
    assert out.code == 0, out.stderr
    with Store(db) as store:
        text = store.latest_version("sel", with_text=True).text
        assert "Kept paragraph" in text and "Mixed" not in text
        slug = slug_for_url(server.url_for("/plan.txt"))
        assert store.latest_version(slug).n_provisions == 2


def test_robots_txt_is_respected(server, invoke) -> None:
    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private\n", content_type="text/plain"
    )
    server.expect_request("/private/memo").respond_with_data(
        "<p>memo</p>", content_type="text/html"
    )
    out = invoke("capture", server.url_for("/private/memo"), *FAST)
    assert out.code == 1 and "disallowed by" in out.stderr and "robots.txt" in out.stderr
    assert invoke("capture", server.url_for("/private/memo"), "--ignore-robots").code == 0


def test_slug_for_url() -> None:
    assert (
        slug_for_url("https://www.example.org/news/2026/Peace-Plan.html?id=7")
        == "example.org-news-2026-peace-plan-id-7"
    )
    assert slug_for_url("http://127.0.0.1:8080/") == "127.0.0.1-8080"


def test_noise_masks_dates_times_tokens_and_counters_but_not_figures() -> None:
    assert noise.mask("Updated 27 November 2026, 08:15 CET") == noise.mask(
        "Updated 28 November 2026, 09:40 CET"
    )
    assert noise.mask("token 9f8e7d6c5b4a39281716") == noise.mask("token 0a1b2c3d4e5f60718293")
    assert noise.mask("1,204 views") == noise.mask("1,377 views")
    assert noise.mask("12 battalions") != noise.mask("15 battalions")
    assert noise.mask("a $4.5bn fund") != noise.mask("a $5.5bn fund")
    assert noise.same_provisions("A.\n\nUpdated 10:00", "A.\n\nUpdated 11:30", "reporting")
    assert not noise.same_provisions("A.", "A.\n\nB.", "reporting")
