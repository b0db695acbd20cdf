"""Big documents: a diff of more than 1,500 provisions sends the changes first (long runs
of unchanged provisions empty, fetched from the JSON twin when opened), pages its changes,
and every text response is gzipped for a client that accepts it."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tracker import ingest
from tracker.sources import read_bytes
from tracker.store import Store
from web import create_app
from web.views.diff import PAGE_CHANGES

N = 1700  # provisions: above the big-diff threshold
EVERY = 4  # one point in EVERY is reworded: 425 changes, more than one page


def text(changed: bool) -> str:
    lines = []
    for i in range(1, N + 1):
        word = "amended" if changed and i % EVERY == 0 else "original"
        lines.append(f"{i}. Clause {i} on subject {i * 7 % 101} keeps its {word} wording here.")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("big") / "big.db"
    with Store(db) as store:
        for label, changed, at in (("a", False, "2026-01-01"), ("b", True, "2026-01-02")):
            source = read_bytes(text(changed).encode(), f"{label}.txt")
            ingest.add_version(store, "big", source, at=at, label=label, kind="plan")
    return db


@pytest.fixture
def client(big_db: Path) -> FlaskClient:
    return create_app({"DATABASE": str(big_db)}).test_client()


def test_big_diff_sends_the_changes_first(client: FlaskClient) -> None:
    page = client.get("/d/big/diff/a..b").get_data(as_text=True)
    n = N // EVERY
    assert f'data-changes="{n}"' in page
    # Page 1: the first PAGE_CHANGES changes, and the runs between them sent empty.
    assert page.count('data-changed="1"') == PAGE_CHANGES
    assert page.count('data-changed="0"') == 0
    lazy = re.findall(
        r'<div class="run lazy" id="[^"]+" data-count="(\d+)" data-rows="(\d+)-(\d+)"', page
    )
    assert lazy and all(int(count) == int(b) - int(a) for count, a, b in lazy)
    assert 'rel="next"' in page and f"of {n}" in page
    # The last page has the rest.
    last = client.get("/d/big/diff/a..b?page=2").get_data(as_text=True)
    assert last.count('data-changed="1"') == n - PAGE_CHANGES and 'rel="prev"' in last
    assert 'data-n="401"' in last


def test_folded_rows_come_from_the_json_twin(client: FlaskClient) -> None:
    page = client.get("/d/big/diff/a..b").get_data(as_text=True)
    _, a, b = re.findall(r'data-count="(\d+)" data-rows="(\d+)-(\d+)"', page)[0]
    data = client.get(f"/d/big/diff/a..b?format=json&rows={a}-{b}").get_json()
    assert data["rows"] == [int(a), int(b)]
    assert len(data["changes"]) == int(b) - int(a)
    assert all(c["kind"] == "unchanged" for c in data["changes"])
    assert data["summary"]["modified"] == N // EVERY  # the whole diff's summary
    assert client.get("/d/big/diff/a..b?format=json&rows=5-1").status_code == 400


def test_every_row_on_request(client: FlaskClient) -> None:
    page = client.get("/d/big/diff/a..b?changes=0").get_data(as_text=True)
    assert page.count('<section class="row') == N and "run lazy" not in page


def test_responses_are_gzipped(client: FlaskClient) -> None:
    plain = client.get("/d/big/diff/a..b")
    zipped = client.get("/d/big/diff/a..b", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.vary
    body = gzip.decompress(zipped.get_data())
    assert body == plain.get_data()
    assert len(zipped.get_data()) * 5 < len(body)
    assert "Content-Encoding" not in plain.headers
    api = client.get("/api/documents", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in api.headers  # small: not worth it


def test_a_comparison_is_computed_once_per_process(big_db: Path) -> None:
    app = create_app({"DATABASE": str(big_db)})
    client = app.test_client()
    client.get("/d/big/diff/a..b")
    cache = app.extensions["tracker.comparisons"]
    assert len(cache) == 1
    ((key, first),) = cache.items()
    client.get("/d/big/diff/a..b?format=json&rows=0-3")
    client.get("/d/big/diff/a..b?page=2")
    assert len(cache) == 1 and cache[key] is first
    client.get("/d/big/diff/b..a")  # another pair: another entry
    assert len(cache) == 2


def test_a_link_to_any_row_finds_its_page_and_run(client: FlaskClient) -> None:
    # Points 1, 2 and 3 sit in the first folded run; point 1700 after the last change.
    page = client.get("/d/big/diff/a..b?row=new-2").get_data(as_text=True)
    assert 'id="new-2"' in page and "run lazy" in page  # that run full, the others not
    assert 'data-n="1"' in page
    # A change on the second page, and a row folded after the last change.
    second = client.get("/d/big/diff/a..b?row=new-1680").get_data(as_text=True)
    assert 'id="new-1680"' in second and 'rel="prev"' in second
    last = client.get("/d/big/diff/a..b?row=new-1699").get_data(as_text=True)
    assert 'id="new-1699"' in last and 'rel="prev"' in last
    # An unknown row is no error: the first page.
    assert client.get("/d/big/diff/a..b?row=new-99999").status_code == 200
