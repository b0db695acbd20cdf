"""Watches: ``tracker watch add|add-feed|list|remove|run`` against a real HTTP server on
127.0.0.1, webhooks received by a second local server, two runner processes sharing one
database, and the watches page and site-wide feed of the web UI."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import tracker_executable
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tracker.capture import watch
from tracker.capture.watch import backoff, parse_every
from tracker.store import Store
from web import create_app

RUN = ["watch", "run", "--once", "--min-delay", "0", "--read-timeout", "2"]


def _server() -> HTTPServer:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    srv.no_handler_status_code = 404
    return srv


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    srv = _server()
    yield srv
    srv.clear()
    srv.stop()


@pytest.fixture
def receiver() -> Iterator[HTTPServer]:
    """A second server: the webhook's receiving end."""
    srv = _server()
    yield srv
    srv.clear()
    srv.stop()


def html(*paras: str) -> str:
    return (
        "<html><body><article>" + "".join(f"<p>{p}</p>" for p in paras) + "</article></body></html>"
    )


def make_due(db: Path) -> None:
    with Store(db) as store:
        for w in store.watches():
            store.update_watch(w.id, next_due="2000-01-01T00:00:00+00:00")


def test_add_list_remove(invoke) -> None:
    out = invoke("watch", "add", "http://127.0.0.1:9/a", "--doc", "a", "--every", "1h")
    assert out.code == 0 and "watch #1" in out.stdout and "every 1h" in out.stdout
    assert invoke("watch", "add", "http://127.0.0.1:9/a", "--doc", "a").code == 1
    assert invoke("watch", "add", "ftp://x/y", "--doc", "b").code == 1
    assert "bad interval" in invoke("watch", "add", "http://x/", "--every", "soon").stderr
    assert invoke("watch", "add-feed", "http://127.0.0.1:9/feed.xml", "--every", "15m").code == 0
    listed = json.loads(invoke("watch", "list", "--json").stdout)["watches"]
    assert [(w["kind"], w["doc"], w["every_text"], w["state"]) for w in listed] == [
        ("url", "a", "1h", "new"),
        ("feed", "", "15m", "new"),
    ]
    assert "removed watch #1" in invoke("watch", "remove", "1").stdout
    assert "removed watch #2" in invoke("watch", "remove", "http://127.0.0.1:9/feed.xml").stdout
    assert invoke("watch", "remove", "7").code == 1
    assert "no watches yet" in invoke("watch", "list").stdout


def test_every_and_backoff() -> None:
    assert parse_every("15m") == 900 and parse_every("1h") == 3600 and parse_every("90") == 90
    assert [backoff(60, n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff(3600, 30) == 86400  # capped at a day


def test_run_captures_due_watches_and_marks_failing_ones(server, invoke, db: Path) -> None:
    edition = {"n": 0}

    def article(request: Request) -> Response:
        paras = ["The summit will open on the first day of spring.", "Ten states have replied."]
        if edition["n"]:
            paras.append("Two more states have since replied.")
        return Response(html(*paras), content_type="text/html")

    server.expect_request("/summit").respond_with_handler(article)
    server.expect_request("/down").respond_with_data("no", status=503)
    invoke("watch", "add", server.url_for("/summit"), "--doc", "summit", "--every", "1h")
    invoke("watch", "add", server.url_for("/down"), "--doc", "down", "--every", "1m")

    out = invoke(*RUN)
    assert out.code == 0, out.stderr
    assert "summit" in out.stdout and "(first version)" in out.stdout
    assert "HTTP 503" in out.stdout
    assert "2 captures" in out.stdout and "1 stored" in out.stdout and "1 errors" in out.stdout
    # Nothing is due any more: a second run does nothing.
    assert "0 captures" in invoke(*RUN).stdout

    for _ in range(3):  # keeps failing: counted, backed off, shown, never dropped
        make_due(db)
        invoke(*RUN)
    edition["n"] = 1
    make_due(db)
    invoke(*RUN)
    listed = {w["doc"]: w for w in json.loads(invoke("watch", "list", "--json").stdout)["watches"]}
    assert listed["down"]["state"] == "failing" and listed["down"]["failures"] == 5
    assert "HTTP 503" in listed["down"]["last_error"]
    assert listed["summit"]["state"] == "ok" and listed["summit"]["last_status"] == "stored"
    text = invoke("watch", "list").stdout
    assert "failing" in text and "5 failures" in text
    with Store(db) as store:
        assert len(store.versions("summit")) == 2
        assert listed["summit"]["last_version"] == store.versions("summit")[-1].label


@pytest.mark.slow
def test_long_running_loop_captures_again_when_due(server, invoke, db: Path) -> None:
    hits = []

    def page(request: Request) -> Response:
        hits.append(time.monotonic())
        return Response(html("A page read on a schedule."), content_type="text/html")

    server.expect_request("/often").respond_with_handler(page)
    invoke("watch", "add", server.url_for("/often"), "--doc", "often", "--every", "1s")
    out = invoke("watch", "run", "--max-seconds", "2.5", "--min-delay", "0")
    assert out.code == 0, out.stderr
    assert len(hits) >= 2 and "1 stored" in out.stdout
    with Store(db) as store:
        (w,) = store.watches()
        assert w.claimed_until is None and w.last_status == "unchanged"


def test_feed_entries_become_documents(server, invoke, db: Path) -> None:
    entries = ["one", "two"]

    def feed(request: Request) -> Response:
        items = "".join(
            f"<item><title>Story {e}</title><link>{server.url_for('/story/' + e)}</link>"
            f"<guid>{e}</guid></item>"
            for e in entries
        )
        rss = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
            f"<link>{server.url_for('/')}</link><description>d</description>{items}"
            "</channel></rss>"
        )
        return Response(rss, content_type="application/rss+xml")

    def story(request: Request) -> Response:
        name = request.path.rsplit("/", 1)[-1]
        return Response(html(f"Story {name}: the delegations met again."), content_type="text/html")

    server.expect_request("/feed.xml").respond_with_handler(feed)
    for e in ("one", "two", "three"):
        server.expect_request(f"/story/{e}").respond_with_handler(story)
    invoke("watch", "add-feed", server.url_for("/feed.xml"), "--every", "15m")
    out = invoke(*RUN)
    assert "2 new watched" in out.stdout and "3 captures" in out.stdout
    entries.append("three")
    make_due(db)
    out = invoke(*RUN)
    assert "1 new watched" in out.stdout
    with Store(db) as store:
        docs = [d.slug for d in store.documents()]
        assert len(docs) == 3 and all(d.startswith("127.0.0.1-") for d in docs)
        kids = [w for w in store.watches() if w.feed is not None]
        assert len(kids) == 3 and all(w.every == 900 for w in kids)


def test_webhook_receives_the_change_and_failures_keep_the_version(
    server, receiver, invoke, db: Path
) -> None:
    edition = {"n": 0}
    got: list[dict] = []

    def article(request: Request) -> Response:
        figure = "40" if edition["n"] else "30"
        return Response(
            html(f"The buffer zone would be {figure} km wide."), content_type="text/html"
        )

    def hook(request: Request) -> Response:
        got.append(json.loads(request.get_data()))
        return Response("ok")

    server.expect_request("/zone").respond_with_handler(article)
    server.expect_request("/other").respond_with_data(html("Other text."), content_type="text/html")
    receiver.expect_request("/hook", method="POST").respond_with_handler(hook)
    receiver.expect_request("/broken", method="POST").respond_with_data("no", status=502)
    invoke("watch", "add", server.url_for("/zone"), "--doc", "zone", "--webhook",
           receiver.url_for("/hook"))  # fmt: skip
    invoke("watch", "add", server.url_for("/other"), "--doc", "other", "--webhook",
           receiver.url_for("/broken"))  # fmt: skip
    env = {"TRACKER_WEBHOOK_BACKOFF": "0.01"}
    invoke(*RUN, env=env)
    edition["n"] = 1
    make_due(db)
    invoke(*RUN, env=env)

    assert [g["event"]["doc"] for g in got] == ["zone", "zone"]
    first, change = got
    assert first["from"] is None and first["summary"] == {"added": 1}
    assert change["from"]["label"] == first["to"]["label"]
    assert change["summary"]["modified"] == 1
    terms = change["changes"][0]["terms"]
    assert terms and terms[0]["old"].startswith("30") and terms[0]["new"].startswith("40")
    with Store(db) as store:
        other = store.find_watch(server.url_for("/other"), "other")
        assert other is not None and "HTTP 502 after 4 attempts" in other.notify_error
        assert other.failures == 0 and len(store.versions("other")) == 1  # version kept
    assert len([r for r, _ in receiver.log if r.path == "/broken"]) == 4


@pytest.mark.slow
def test_two_runner_processes_never_capture_the_same_watch(server, invoke, db: Path) -> None:
    hits: Counter[str] = Counter()
    lock = threading.Lock()

    def slow(request: Request) -> Response:
        with lock:
            hits[request.path] += 1
        time.sleep(0.05)
        return Response(html(f"Page {request.path} text."), content_type="text/html")

    n = 16
    with Store(db) as store:
        for i in range(n):
            server.expect_request(f"/p{i}").respond_with_handler(slow)
            watch.add(store, server.url_for(f"/p{i}"), doc=f"p{i}", every=3600)
    argv = [tracker_executable(), "--db", str(db), *RUN, "--workers", "2"]
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in "ab"]
    outs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert hits == Counter({f"/p{i}": 1 for i in range(n)})
    counts = [int(o.decode().strip().splitlines()[-1].split()[0]) for o, _ in outs]
    assert sum(counts) == n
    with Store(db) as store:
        assert sum(len(store.versions(f"p{i}")) for i in range(n)) == n
        assert all(w.claimed_until is None for w in store.watches())


def test_watches_page_and_site_feed(server, invoke, db: Path) -> None:
    server.expect_request("/a").respond_with_data(html("Alpha text."), content_type="text/html")
    server.expect_request("/b").respond_with_data("gone", status=404)
    invoke("watch", "add", server.url_for("/a"), "--doc", "alpha")
    invoke("watch", "add", server.url_for("/b"), "--doc", "beta")
    invoke(*RUN)
    client = create_app({"DATABASE": str(db), "TESTING": True}).test_client()
    page = client.get("/watches")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "alpha" in body and "HTTP 404" in body and 'href="/watches"' in body
    data = client.get("/watches?format=json").get_json()
    states = {w["doc"]: w["last_status"] for w in data["watches"]}
    assert states == {"alpha": "stored", "beta": "error"}
    feed = client.get("/feed.atom")
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
    xml = feed.get_data(as_text=True)
    assert "<entry>" in xml and "alpha" in xml and "first version" in xml
