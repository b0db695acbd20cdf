"""Two documents compared both ways: `tracker diff DOC1:LABEL DOC2:LABEL` and
`tracker diff DOC FROM TO` with DOC:LABEL in FROM or TO; the same diff, the same JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import Outcome


def as_json(r: Outcome) -> dict:
    assert r.code == 0, r.stderr
    return json.loads(r.stdout)


def test_two_references_without_doc(invoke: Callable[..., Outcome], sample_db: Path) -> None:
    two = as_json(invoke("diff", "peace-plan:us-28", "wire-report:first", "--json"))
    three = as_json(invoke("diff", "peace-plan", "us-28", "wire-report:first", "--json"))
    assert two == three
    assert two["from"]["doc"] == "peace-plan" and two["to"]["doc"] == "wire-report"
    assert two["from"]["label"] == "us-28" and two["to"]["label"] == "first"


def test_doc_label_in_from_and_to(invoke: Callable[..., Outcome], sample_db: Path) -> None:
    a = as_json(invoke("diff", "x", "wire-report:first", "peace-plan:us-28", "--json"))
    b = as_json(invoke("diff", "wire-report:first", "peace-plan:us-28", "--json"))
    assert a == b and a["from"]["doc"] == "wire-report"


def test_the_same_document_both_ways(invoke: Callable[..., Outcome], sample_db: Path) -> None:
    labels = as_json(invoke("diff", "peace-plan", "us-28", "framework-20", "--json"))
    refs = as_json(invoke("diff", "peace-plan:us-28", "peace-plan:framework-20", "--json"))
    assert labels == refs


def test_text_output_of_the_two_reference_form(
    invoke: Callable[..., Outcome], sample_db: Path
) -> None:
    r = invoke("diff", "wire-report:first", "wire-report:update", "--changes-only")
    assert r.code == 0, r.stderr
    assert r.stdout.strip()


def test_two_labels_without_doc_is_a_usage_error(
    invoke: Callable[..., Outcome], sample_db: Path
) -> None:
    r = invoke("diff", "us-28", "framework-20")
    assert r.code == 2 and "DOC1:LABEL DOC2:LABEL" in r.stderr


def test_an_unknown_reference_is_one_error_line(
    invoke: Callable[..., Outcome], sample_db: Path
) -> None:
    r = invoke("diff", "peace-plan:us-28", "nowhere:v1")
    assert r.code == 1 and r.stderr.startswith("error: ") and "nowhere" in r.stderr
