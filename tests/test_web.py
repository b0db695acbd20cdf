"""The web UI through Flask's test client: every route, its JSON twin, and every error."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tracker.compare import compare
from tracker.render import diff_json
from tracker.store import Store
from web import create_app
from web.db import get_db

DIFF = "/d/peace-plan/diff/us-28..framework-20"
ATOM = "{http://www.w3.org/2005/Atom}"
NEW = "__new__"
HOSTILE = "1. Keep <script>alert('x')</script> & <b>bold</b> as text.\n2. A second point.\n"


def make_app(db: Path, **config: object) -> Flask:
    return create_app({"DATABASE": str(db), "TESTING": True, **config})


@pytest.fixture
def app(sample_db: Path) -> Flask:
    return make_app(sample_db, WTF_CSRF_ENABLED=False)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def html(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def text(response) -> str:  # type: ignore[no-untyped-def]
    """The page with entities decoded, for checking messages."""
    return unescape(response.get_data(as_text=True))


def row(page: str, row_id: str) -> str:
    """The markup of one diff row."""
    start = page.index(f'id="{row_id}"')
    end = page.find('<section class="row', start)
    return page[start : end if end != -1 else len(page)]


def add(client: FlaskClient, **fields: object):  # type: ignore[no-untyped-def]
    data = {"doc": "peace-plan", "tz": "UTC", "kind": "", **fields}
    return client.post("/add", data=data, content_type="multipart/form-data")


# --- the app itself -----------------------------------------------------------------------


def test_create_app_takes_a_database_path(sample_db: Path) -> None:
    app = create_app(str(sample_db))
    assert app.config["DATABASE"] == str(sample_db)
    assert app.test_client().get("/").status_code == 200


def test_upload_limit_follows_max_bytes(sample_db: Path) -> None:
    app = make_app(sample_db, MAX_BYTES=1000)
    assert 1000 <= app.config["MAX_CONTENT_LENGTH"] < 1000 + 100_000


def test_one_store_per_request_closed_on_teardown(app: Flask) -> None:
    with app.app_context():
        store = get_db()
        assert get_db() is store
        assert isinstance(store, Store)
    with pytest.raises(Exception, match="closed"):
        store.db.execute("SELECT 1")


def test_security_headers_and_static_files(client: FlaskClient) -> None:
    page = client.get("/")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    for name in ("style.css", "app.js", "favicon.svg"):
        assert client.get(f"/static/{name}").status_code == 200
    # No inline script or style anywhere (the policy would block it).
    assert "<script>" not in html(page) and "style=" not in html(page)


# --- home, document, version ------------------------------------------------------------------


def test_home_lists_documents_with_search_box(client: FlaskClient) -> None:
    page = html(client.get("/"))
    for slug in ("peace-plan", "wire-report", "geneva-talks"):
        assert f'href="/d/{slug}"' in page
    assert "4 versions" in page
    assert re.search(r">20 Nov 2025</time> – <time [^>]*>24 Dec 2025<", page)
    assert 'name="q"' in page


def test_home_json_twin_is_the_cli_list(client: FlaskClient, sample_db: Path) -> None:
    twin = client.get("/?format=json").get_json()
    api = client.get("/api/documents").get_json()
    assert twin == api
    peace = next(d for d in api["documents"] if d["slug"] == "peace-plan")
    assert peace["n_versions"] == 4 and peace["kind"] == "plan"
    assert set(peace) >= {"slug", "title", "kind", "created", "n_versions", "first_at", "last_at"}


def test_document_page_timeline_and_compare_form(client: FlaskClient) -> None:
    page = html(client.get("/d/peace-plan"))
    assert page.count('class="axis-mark') == 4
    assert page.count("<circle") == 4
    for label in ("us-28", "us-28-alt", "eu-counter", "framework-20"):
        assert f'href="/d/peace-plan/v/{label}"' in page
    assert 'href="/d/peace-plan/diff/eu-counter..framework-20"' in page
    assert "removed" in page and "first version" in page
    assert 'action="/d/peace-plan/compare"' in page
    assert 'href="/d/peace-plan/feed.atom"' in page


def test_document_marks_grow_with_the_change(client: FlaskClient) -> None:
    page = html(client.get("/d/peace-plan"))
    radii = [float(r) for r in re.findall(r'<circle cx="[\d.]+" cy="\d+" r="([\d.]+)"', page)]
    assert len(radii) == 4
    assert radii[0] == min(radii)  # the first version is a plain ring
    assert max(radii[1:]) > radii[0]


def test_document_json_twin(client: FlaskClient) -> None:
    data = client.get("/d/peace-plan?format=json").get_json()
    assert data == client.get("/api/d/peace-plan").get_json()
    steps = data["timeline"]
    assert [s["label"] for s in steps] == ["us-28", "us-28-alt", "eu-counter", "framework-20"]
    assert steps[0]["previous"] is None
    assert steps[3]["previous"] == "eu-counter" and steps[3]["summary"]["removed"] >= 1


def test_versions_api_mirrors_cli_list(client: FlaskClient) -> None:
    data = client.get("/api/d/peace-plan/versions").get_json()
    assert data["doc"] == "peace-plan"
    assert [v["label"] for v in data["versions"]][0] == "us-28"
    assert {"label", "at", "at_text", "kind", "n_provisions"} <= set(data["versions"][0])


def test_version_page_shows_provisions_and_links(client: FlaskClient) -> None:
    page = html(client.get("/d/peace-plan/v/framework-20"))
    assert 'id="p-4"' in page
    assert "800,000" in page
    assert 'href="/d/peace-plan/p/4?at=framework-20"' in page
    assert 'href="/d/peace-plan/diff/eu-counter..framework-20"' in page
    assert "2025-12-24 00:00 UTC" in page


def test_version_json_twin_is_the_cli_show(client: FlaskClient) -> None:
    data = client.get("/d/peace-plan/v/us-28?format=json").get_json()
    assert data == client.get("/api/d/peace-plan/v/us-28").get_json()
    assert data["doc"] == "peace-plan" and data["label"] == "us-28"
    assert "600,000" in data["text"]
    assert any(p["path"] == "6" and "600,000" in p["text"] for p in data["provisions"])


# --- diff -----------------------------------------------------------------------------------


def test_diff_page_rows_badges_and_marks(client: FlaskClient) -> None:
    page = html(client.get(DIFF))
    point4 = row(page, "new-4")
    assert re.search(r"<del>[^<]*600,000[^<]*</del>", point4)
    assert re.search(r"<ins>[^<]*800,000[^<]*</ins>", point4)
    assert "6 → 4" in point4 and 'data-changed="1"' in point4
    assert 'href="/d/peace-plan/p/4?at=framework-20"' in point4
    assert 'href="/d/peace-plan/p/6?at=us-28"' in point4
    # Struck-out points are rows too, anchored by their old number.
    assert 'id="old-3"' in page and "struck out in framework-20" in row(page, "old-3")
    # Summary bar, figures table, toolbar.
    assert 'class="count k-removed' in page and 'class="count k-added' in page
    assert "Changed figures and terms" in page
    assert 'data-view="inline"' in page and 'id="changes-only"' in page


def test_diff_rewritten_pair_reads_as_before_and_after(client: FlaskClient) -> None:
    page = html(client.get(DIFF))
    rewritten = [m.start() for m in re.finditer(r'class="row k-modified rewritten', page)]
    assert rewritten, "a heavily rewritten point shows as before/after"
    first = page[rewritten[0] : page.find('<section class="row', rewritten[0] + 10)]
    assert 'class="whole"' in first and "before" in first and "after" in first


def test_diff_server_side_view_and_filter(client: FlaskClient) -> None:
    # Changes first: "changes only" is the default, every row on ?changes=0.
    page = html(client.get(DIFF + "?view=inline"))
    assert 'class="diff view-inline changes-only"' in page
    assert 'class="diff view-side"' in html(client.get(DIFF + "?changes=0"))


def test_diff_changes_first(client: FlaskClient) -> None:
    page = html(client.get("/d/peace-plan/diff/eu-counter..framework-20"))
    # Renumber-only rows are not changes: they fold into runs of unchanged provisions.
    runs = re.findall(r'<div class="run" id="run-([^"]+)" data-count="(\d+)"', page)
    assert runs, "no folded runs"
    assert re.search(r'aria-expanded="false"[^>]*>\d+ unchanged provisions?', page)
    n = int(re.search(r'data-changes="(\d+)"', page).group(1))
    assert page.count('data-changed="1"') == n
    assert re.search(rf'<span id="pos-n">–</span> of {n}<', page)
    # Every provision row has a heading and a copy-link button.
    assert page.count('<h2 class="row-h"') == page.count('<section class="row')
    assert page.count('class="copy-link') == page.count('<section class="row')
    # The figures summary lists the changed values, never whole clauses.
    chips = re.findall(r'<li class="fig-chip">(.*?)</li>', page, re.S)
    assert chips and all(len(re.sub(r"<[^>]+>", "", c)) < 160 for c in chips)
    assert any("50:50" in c and "50/50" in c for c in chips)


def test_moves_are_marked_at_both_ends(client: FlaskClient) -> None:
    page = html(client.get(DIFF))
    # Point 16 of us-28 moved to point 6: a badge at the new place, a marker at the old.
    assert re.search(r'<a class="badge flag moved" href="#was-16">moved from 16</a>', page)
    marker = re.search(r'<p class="moved-mark" id="was-16">.*?</p>', page, re.S).group(0)
    assert 'href="#new-6"' in marker and "moved to 6" in marker
    # The marker stands where 16 stood: after the row of old 15, before the row of old 17.
    at = page.index('id="was-16"')
    assert page.rfind("history of us-28 15<", 0, at) > page.rfind("history of us-28 17<", 0, at)


def test_diff_json_twin_is_the_cli_contract(client: FlaskClient, sample_db: Path) -> None:
    api = client.get("/api/d/peace-plan/diff/us-28..framework-20").get_json()
    assert api == client.get(DIFF + "?format=json").get_json()
    with Store(sample_db) as store:
        expected = json.loads(
            json.dumps(diff_json(compare(store, "peace-plan", "us-28", "framework-20")))
        )
    assert api == expected
    assert api["from"]["label"] == "us-28" and api["to"]["label"] == "framework-20"
    assert set(api["summary"]) >= {"unchanged", "modified", "added", "removed", "split", "merged"}
    change = next(c for c in api["changes"] if [p["number"] for p in c["new"]] == ["4"])
    assert change["old"][0]["number"] == "6" and change["renumbered"] is True
    assert any(t["old"] == "600,000" and t["new"] == "800,000" for t in change["terms"])


def test_compare_form_redirects_to_the_diff(client: FlaskClient) -> None:
    response = client.get("/d/peace-plan/compare?from=us-28&to=eu-counter&changes=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/d/peace-plan/diff/us-28..eu-counter?changes=1"
    assert client.get("/d/peace-plan/compare?from=us-28").status_code == 400


def test_diff_across_documents(client: FlaskClient) -> None:
    response = client.get("/d/peace-plan/diff/us-28..wire-report:first")
    assert response.status_code == 200
    assert "wire-report:first" in html(response)


@pytest.mark.parametrize(
    "url, words",
    [
        ("/d/peace-plan/diff/us-28..nope", "nope"),
        ("/d/peace-plan/diff/nope..us-28", "nope"),
        ("/d/peace-plan/diff/us-28", "FROM..TO"),
        ("/d/nope/diff/a..b", "nope"),
    ],
)
def test_diff_unknown_labels_are_friendly_404s(client: FlaskClient, url: str, words: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert words in html(response) and "Traceback" not in html(response)
    api = client.get("/api" + url)
    assert api.status_code == 404 and words in api.get_json()["error"]


# --- provision history, figures, search, feed ------------------------------------------------


def test_provision_history(client: FlaskClient) -> None:
    page = html(client.get("/d/peace-plan/p/4?at=framework-20"))
    assert page.count('class="step') >= 4
    assert page.index("600,000") < page.index("800,000")  # oldest first
    assert 'href="/d/peace-plan/diff/eu-counter..framework-20#new-4"' in page
    assert "6 → 4" in page


def test_provision_history_defaults_to_the_latest_and_has_blame(client: FlaskClient) -> None:
    assert client.get("/d/peace-plan/p/4").status_code == 200
    page = html(client.get("/d/peace-plan/p/4?at=framework-20&view=blame"))
    assert 'class="blame-run' in page and "since us-28" in page


def test_provision_json_twin(client: FlaskClient) -> None:
    data = client.get("/d/peace-plan/p/4?at=framework-20&format=json").get_json()
    assert data == client.get("/api/d/peace-plan/p/4?at=framework-20").get_json()
    assert [e["label"] for e in data["versions"]][0] == "us-28"
    assert "600,000" in data["versions"][0]["provisions"][0]["text"]
    assert data["dropped_in"] is None
    assert "".join(r["text"] for r in data["blame"]["runs"]) == data["start"]["text"]


def test_struck_out_provision_says_where(client: FlaskClient) -> None:
    page = html(client.get("/d/peace-plan/p/3?at=us-28"))
    assert "struck out in" in page


@pytest.mark.parametrize("url", ["/d/peace-plan/p/99", "/d/peace-plan/p/4?at=nope", "/d/nope/p/1"])
def test_unknown_provisions_are_friendly_404s(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404 and "Traceback" not in html(response)
    assert "Not found" in html(response)


def test_figures_page_and_json(client: FlaskClient) -> None:
    page = html(client.get("/d/peace-plan/figures"))
    assert "600,000" in page and "800,000" in page and "deadline" in page
    data = client.get("/d/peace-plan/figures?format=json").get_json()
    assert data == client.get("/api/d/peace-plan/figures").get_json()
    assert any("800,000" in f["new"] for f in data["figures"])
    assert client.get("/d/nope/figures").status_code == 404


def test_search_highlights_matches(client: FlaskClient) -> None:
    page = html(client.get("/search?q=Zaporizhzhia"))
    assert page.count("<mark>Zaporizhzhia</mark>") >= 3
    assert 'href="/d/peace-plan/v/us-28#p-19"' in page
    data = client.get("/search?q=Zaporizhzhia&format=json").get_json()
    assert data == client.get("/api/search?q=Zaporizhzhia").get_json()
    assert "[Zaporizhzhia]" in data["hits"][0]["snippet"]


def test_search_within_one_document_and_empty_query(client: FlaskClient) -> None:
    data = client.get("/api/search?q=Zaporizhzhia&doc=wire-report").get_json()
    assert data["hits"] and {h["doc"] for h in data["hits"]} == {"wire-report"}
    page = client.get("/search")
    assert page.status_code == 200 and "match" not in html(page)
    assert client.get("/search?q=x&doc=nope").status_code == 404


def test_bad_search_syntax_is_a_clear_400(client: FlaskClient) -> None:
    response = client.get('/search?q="unterminated&advanced=1')
    assert response.status_code == 400
    assert "bad search query" in html(response) and "Traceback" not in html(response)
    assert 'value="&#34;unterminated"' in html(response)  # the query is kept, escaped
    # The error is tied to the field it is about.
    assert 'aria-invalid="true" aria-describedby="search-error"' in html(response)
    assert 'id="search-error"' in html(response)
    assert client.get('/api/search?q="unterminated&advanced=1').status_code == 400
    # As typed (the default), it is searched for, not parsed.
    assert client.get('/search?q="unterminated').status_code == 200


@pytest.mark.parametrize("query", ["600,000", "50%", "$100 billion", "U.S.", "non-aggression"])
def test_search_figures_and_punctuation_as_typed(client: FlaskClient, query: str) -> None:
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    data = client.get("/api/search", query_string={"q": query}).get_json()
    assert data["error"] is None and (data["hits"] or query == "U.S.")


def test_atom_feed(client: FlaskClient) -> None:
    response = client.get("/d/peace-plan/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 4
    newest = entries[0]
    assert newest.find(f"{ATOM}title").text.startswith("framework-20")
    assert "removed" in newest.find(f"{ATOM}summary").text
    link = newest.find(f"{ATOM}link").get("href")
    assert link.endswith("/d/peace-plan/diff/eu-counter..framework-20")
    assert client.get("/d/nope/feed.atom").status_code == 404


# --- adding versions ----------------------------------------------------------------------------


def test_add_form_lists_documents_and_kinds(client: FlaskClient) -> None:
    page = html(client.get("/add?doc=wire-report"))
    assert '<option value="wire-report" selected>' in page
    assert 'enctype="multipart/form-data"' in page and 'name="file"' in page
    assert client.get("/add?format=json").get_json()["kinds"][:2] == ["plan", "reporting"]


def test_add_pasted_text_redirects_to_its_diff(client: FlaskClient) -> None:
    text = "1. The sovereignty of Ukraine is reaffirmed.\n2. Armed forces at 900,000.\n"
    response = add(client, label="draft-x", date="Dec 30, 2025 5pm EST", text=text)
    assert response.status_code == 302
    assert response.headers["Location"] == "/d/peace-plan/diff/framework-20..draft-x"
    page = html(client.get(response.headers["Location"]))
    assert "Added draft-x" in page and "900,000" in page
    version = client.get("/api/d/peace-plan/v/draft-x").get_json()
    assert version["at"] == "2025-12-30T22:00:00+00:00" and version["kind"] == "plan"


def test_add_inserted_in_the_middle_diffs_against_its_predecessor(client: FlaskClient) -> None:
    response = add(client, label="mid", date="2025-11-22", text="1. Something else.\n")
    assert response.headers["Location"] == "/d/peace-plan/diff/us-28-alt..mid"


def test_add_uploaded_file_to_a_new_document(client: FlaskClient) -> None:
    body = b"---\ntitle: Ceasefire terms\ndate: 2026-01-05\nlabel: first\n---\nA paragraph.\n"
    response = add(client, doc="__new__", new_doc="ceasefire", file=(io.BytesIO(body), "terms.txt"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/d/ceasefire/v/first"  # first version: no diff
    assert "Ceasefire terms" in html(client.get("/"))


def test_add_identical_text_is_not_stored_twice(client: FlaskClient) -> None:
    text = "1. Only one point.\n"
    add(client, label="one", date="2026-01-01", text=text)
    again = add(client, label="two", date="2026-01-02", text=text)
    assert again.status_code == 302 and again.headers["Location"] == "/d/peace-plan/v/one"
    assert "identical to one" in html(client.get("/d/peace-plan/v/one"))


@pytest.mark.parametrize(
    "fields, status, words, field",
    [
        ({"label": "x1", "date": "03.04.2025", "text": "1. A.\n"}, 400, "ambiguous date", "date"),
        ({"label": "x1", "date": "", "text": "1. A.\n"}, 400, "no date", "date"),
        ({"label": "us-28", "date": "2026-01-01", "text": "1. A.\n"}, 409, "already has", "label"),
        ({"label": "bad label", "date": "2026-01-01", "text": "1. A.\n"}, 400, "bad label",
         "label"),
        ({"label": "x1", "date": "2026-01-01", "text": "   "}, 400, "paste the text", "text"),
        ({"label": "x1", "date": "2026-01-01", "text": "A.", "kind": "poem"}, 400, "unknown kind",
         "kind"),
        ({"label": "x1", "date": "2026-01-01", "tz": "Mars/Base", "text": "1. A.\n"}, 400,
         "unknown time zone", "tz"),
        ({"doc": NEW, "new_doc": "Bad Name", "date": "2026-01-01", "text": "A."}, 400, "bad docu",
         "new_doc"),
        ({"doc": NEW, "new_doc": "", "date": "2026-01-01", "text": "A."}, 400, "give the new",
         "new_doc"),
    ],
)  # fmt: skip
def test_add_errors_rerender_the_form_with_input_kept(
    client: FlaskClient, fields: dict, status: int, words: str, field: str
) -> None:
    response = add(client, **fields)
    assert response.status_code == status
    page = html(response)
    assert "The version was not added." in page and words in page
    # The message is tied to the field it is about, and only to that one.
    assert re.search(rf'id="{field}" aria-invalid="true" aria-describedby="form-error"', page)
    assert page.count('aria-invalid="true"') == 1
    if fields.get("label"):
        assert f'value="{fields["label"]}"' in page
    if fields.get("date"):
        assert f'value="{fields["date"]}"' in page
    if fields.get("new_doc"):
        assert f'value="{fields["new_doc"]}"' in page
    assert "Traceback" not in page


def test_add_refuses_text_and_file_together_and_binary_files(client: FlaskClient) -> None:
    both = add(client, date="2026-01-01", text="A.", file=(io.BytesIO(b"B."), "b.txt"))
    assert both.status_code == 400 and "not both" in html(both)
    binary = add(client, date="2026-01-01", file=(io.BytesIO(b"\x00\x01\x02"), "x.bin"))
    assert binary.status_code == 400 and "binary" in html(binary)
    assert "choose the file again" in html(binary)


def test_add_over_the_size_limit_is_a_friendly_413(sample_db: Path) -> None:
    client = make_app(sample_db, WTF_CSRF_ENABLED=False, MAX_BYTES=2000).test_client()
    # Within the request limit but over the version limit: the form, with the reason.
    near = add(client, label="big", date="2026-01-01", text="word " * 500)
    assert near.status_code == 413 and "over the limit" in html(near)
    assert 'value="big"' in html(near)
    # Far over: refused before the form is read, with a friendly page.
    far = add(client, label="big", date="2026-01-01", file=(io.BytesIO(b"x" * 200_000), "a.txt"))
    assert far.status_code == 413
    assert "too large" in html(far) and "2,000 bytes" in html(far)


def test_add_without_csrf_token_is_refused(sample_db: Path) -> None:
    client = make_app(sample_db).test_client()  # CSRF on, as served
    refused = add(client, label="sneaky", date="2026-01-01", text="1. A.\n")
    assert refused.status_code == 400 and "security token" in html(refused)
    assert client.get("/api/d/peace-plan/v/sneaky").status_code == 404
    form = html(client.get("/add"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    accepted = add(client, label="honest", date="2026-01-01", text="1. A.\n", csrf_token=token)
    assert accepted.status_code == 302
    assert client.get("/api/d/peace-plan/v/honest").status_code == 200


# --- escaping -----------------------------------------------------------------------------------


def test_script_and_ampersand_render_as_text(client: FlaskClient) -> None:
    assert add(client, label="hostile", date="2026-01-01", text=HOSTILE).status_code == 302
    for url in [
        "/d/peace-plan/v/hostile",
        "/d/peace-plan/diff/framework-20..hostile",
        "/d/peace-plan/diff/framework-20..hostile?view=inline",
        "/d/peace-plan/p/1?at=hostile",
        "/d/peace-plan/p/1?at=hostile&view=blame",
        "/search?q=alert",
    ]:
        page = html(client.get(url))
        assert "<script>alert" not in page and "<b>bold</b>" not in page, url
        text = re.sub(r"</?(?:del|ins|mark|span)\b[^>]*>", "", page)
        assert "&lt;script&gt;alert(" in text and "&amp; &lt;b&gt;bold" in text, url
    ET.fromstring(client.get("/d/peace-plan/feed.atom").data)  # still well-formed XML


def test_hostile_labels_in_errors_are_escaped(client: FlaskClient) -> None:
    page = html(client.get("/d/peace-plan/v/%3Cscript%3Ex"))
    assert "<script>x" not in page and "&lt;script&gt;x" in page


# --- errors -------------------------------------------------------------------------------------


def test_unknown_pages_documents_and_labels(client: FlaskClient) -> None:
    for url, words in [
        ("/no/such/page", "There is no page at this address."),
        ("/d/nope", "unknown document 'nope'"),
        ("/d/peace-plan/v/nope", "unknown version 'nope'"),
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert words in text(response) and 'href="/"' in html(response)
    # A way back to the document when only the label is wrong.
    assert 'href="/d/peace-plan"' in html(client.get("/d/peace-plan/v/nope"))
    assert client.get("/api/nope").get_json()["status"] == 404


def test_method_not_allowed_is_friendly(client: FlaskClient) -> None:
    response = client.post("/d/peace-plan")
    assert response.status_code == 405 and "Method not allowed" in html(response)


def test_unexpected_errors_show_no_stack_trace(sample_db: Path) -> None:
    app = create_app({"DATABASE": str(sample_db)})  # as served: not in testing mode

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = html(response)
    assert "Something went wrong" in page
    assert "secret internals" not in page and "Traceback" not in page


# --- presentation helpers ----------------------------------------------------------------------


def test_figure_changed_twice_gets_a_step_chart(client: FlaskClient) -> None:
    assert 'class="chart"' not in html(client.get("/d/peace-plan/figures"))
    text = "1. The armed forces of Ukraine will be maintained at a strength of 850,000.\n"
    assert add(client, label="cap-again", date="2026-01-10", text=text).status_code == 302
    page = html(client.get("/d/peace-plan/figures"))
    assert 'class="chart"' in page and ">850,000</text>" in page


def test_snippet_parts_and_values() -> None:
    from web.present import MARK, figure_value, snippet_parts

    a, b = MARK
    assert snippet_parts(f"x {a}Kyiv{b} y {a}<b>{b}") == [
        (False, "x "),
        (True, "Kyiv"),
        (False, " y "),
        (True, "<b>"),
    ]
    assert snippet_parts(f"broken {a}mark") == [(False, "broken mark")]
    assert figure_value("600,000") == 600_000
    assert figure_value("$100 billion") == 100e9
    assert figure_value("50%") == 50
    assert figure_value("within 100 days") is None


def test_time_axis_keeps_labels_apart() -> None:
    from web.present import axis

    points = [
        ("2025-11-20T00:00:00+00:00", "us-28", 0, "", "", True),
        ("2025-11-21T00:00:00+00:00", "us-28-alt", 40, "", "", False),
        ("2025-11-23T00:00:00+00:00", "eu-counter", 40, "", "", False),
        ("2025-12-24T00:00:00+00:00", "framework-20", 5, "", "", False),
    ]
    ax = axis(points)
    xs = [m.x for m in ax.marks]
    assert xs == sorted(xs) and xs[0] < xs[1] < xs[-1]
    assert ax.marks[1].r > ax.marks[3].r > ax.marks[0].r - 1
    by_row: dict[int, list] = {}
    for m in ax.marks:
        by_row.setdefault(m.row, []).append(m)
    for marks in by_row.values():
        for left, right in zip(marks, marks[1:], strict=False):
            assert right.x - left.x > 3.6 * (len(left.label) + len(right.label))
    assert ax.ticks and all(0 < t.x < 1000 for t in ax.ticks)


def test_time_axis_groups_hundreds_of_versions() -> None:
    from datetime import UTC, datetime, timedelta

    from web.present import axis

    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    for days, unit in ((10, "day"), (60, "wk "), (400, " 2025 (")):
        points = [
            ((t0 + timedelta(days=days * i / 500)).isoformat(), f"v{i}", i % 5, "", "/", i == 0)
            for i in range(500)
        ]
        ax = axis(points)
        assert 1 < len(ax.marks) <= 24, days
        assert ax.height < 200  # a few label rows, not hundreds
        assert sum(int(m.label.rsplit("(", 1)[1].rstrip(")")) for m in ax.marks) == 500
        assert ax.marks[0].href == "#v-v0" and ax.marks[0].first
        if unit != "day":
            assert any(unit in m.label for m in ax.marks), [m.label for m in ax.marks]
    # A handful of versions keep one mark each.
    assert [m.label for m in axis(points[:5]).marks] == ["v0", "v1", "v2", "v3", "v4"]
