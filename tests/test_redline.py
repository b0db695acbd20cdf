"""The Word redline: real tracked changes (w:ins / w:del) that accept to the new version
and reject to the old one, read back with python-docx; served by the web UI."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from tracker.compare import compare
from tracker.redline import diff_docx
from tracker.store import Store
from web import create_app

W_T, W_DEL_TEXT, W_BR = qn("w:t"), qn("w:delText"), qn("w:br")


def body_text(doc, keep: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Each body paragraph's text with every change accepted (keep="ins") or rejected
    (keep="del"), as Word would leave it; paragraphs whose mark is deleted go away."""
    drop = qn("w:del") if keep == "ins" else qn("w:ins")
    out = []
    for p in doc.element.body.iter(qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        rpr = ppr.find(qn("w:rPr")) if ppr is not None else None
        if rpr is not None and rpr.find(drop) is not None:
            continue  # the paragraph itself was tracked as added/struck out
        parts = []
        for e in p.iter():
            if any(a.tag == drop for a in e.iterancestors()):
                continue
            if e.tag in (W_T, W_DEL_TEXT):
                parts.append(e.text or "")
            elif e.tag == W_BR:
                parts.append("\n")
        out.append("".join(parts))
    return out


@pytest.fixture
def docx_bytes(sample_db: Path) -> bytes:
    with Store(sample_db) as store:
        return diff_docx(compare(store, "peace-plan", "us-28", "framework-20"))


def test_redline_has_tracked_insertions_and_deletions(docx_bytes: bytes) -> None:
    doc = Document(io.BytesIO(docx_bytes))
    body = doc.element.body
    dels = ["".join(t.text for t in d.iter(W_DEL_TEXT)) for d in body.iter(qn("w:del"))]
    ins = ["".join(t.text for t in i.iter(W_T)) for i in body.iter(qn("w:ins"))]
    assert "600,000 personnel" in dels and "800,000 in peacetime" in ins
    assert "6. " in dels and "4. " in ins  # the renumbering is tracked too
    for mark in [*body.iter(qn("w:ins")), *body.iter(qn("w:del"))]:
        assert mark.get(qn("w:author")) == "tracker"
        assert mark.get(qn("w:date")) == "2025-12-24T00:00:00Z"
    ids = [m.get(qn("w:id")) for m in body.iter() if m.tag in (qn("w:ins"), qn("w:del"))]
    assert len(ids) == len(set(ids))  # every tracked change has its own id


def test_accept_all_gives_the_new_text_and_reject_all_the_old(
    docx_bytes: bytes, sample_db: Path
) -> None:
    doc = Document(io.BytesIO(docx_bytes))
    accepted = "\n".join(body_text(doc, "ins"))
    rejected = "\n".join(body_text(doc, "del"))
    with Store(sample_db) as store:
        old = store.provisions(store.version("peace-plan", "us-28").id)
        new = store.provisions(store.version("peace-plan", "framework-20").id)
    for p in new:
        assert f"{p.marker} {p.text}".strip() in accepted, p.path
    for p in old:
        assert f"{p.marker} {p.text}".strip() in rejected, p.path
    # Struck-out provisions leave the accepted text, added ones the rejected text.
    assert "full amnesty" in rejected and "full amnesty" not in accepted
    assert "free-trade agreement" in accepted and "free-trade agreement" not in rejected


def test_web_serves_the_redline(sample_db: Path) -> None:
    client = create_app({"DATABASE": str(sample_db)}).test_client()
    response = client.get("/d/peace-plan/diff/us-28..framework-20/redline.docx")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "us-28-framework-20" in response.headers["Content-Disposition"]
    Document(io.BytesIO(response.get_data()))  # a valid package
    page = client.get("/d/peace-plan/diff/us-28..framework-20").get_data(as_text=True)
    assert 'href="/d/peace-plan/diff/us-28..framework-20/redline.docx"' in page
