"""The web API speaks the CLI's JSON: for every command with ``--json``, the matching
``/api/`` endpoint returns the same document (the CLI's shape is the documented contract;
the API may add keys, never drop, rename or change one). Both go through
:mod:`tracker.serialize`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from web import create_app


def contains(api: Any, cli: Any, where: str = "") -> None:
    """Every key and value of ``cli`` is in ``api`` (dicts may have more keys)."""
    if isinstance(cli, dict):
        assert isinstance(api, dict), where
        for k, v in cli.items():
            assert k in api, f"{where}.{k} missing from the API"
            contains(api[k], v, f"{where}.{k}")
    elif isinstance(cli, list):
        assert isinstance(api, list) and len(api) == len(cli), where
        for i, (a, c) in enumerate(zip(api, cli, strict=True)):
            contains(a, c, f"{where}[{i}]")
    else:
        assert api == cli, f"{where}: API {api!r} != CLI {cli!r}"


ENDPOINTS = [
    (["list"], "/api/documents"),
    (["list", "peace-plan"], "/api/d/peace-plan/versions"),
    (["show", "peace-plan", "framework-20"], "/api/d/peace-plan/v/framework-20"),
    (["diff", "peace-plan", "us-28", "framework-20", "--format", "json"],
     "/api/d/peace-plan/diff/us-28..framework-20"),
    (["history", "peace-plan", "4", "--at", "framework-20"],
     "/api/d/peace-plan/p/4?at=framework-20"),
    (["figures", "peace-plan"], "/api/d/peace-plan/figures"),
    (["search", "600,000"], "/api/search?q=600,000"),
    (["search", "Zapor*", "--doc", "peace-plan"], "/api/search?q=Zapor*&doc=peace-plan"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "url"), ENDPOINTS, ids=[u for _, u in ENDPOINTS])
def test_api_is_the_cli_json(invoke, sample_db: Path, argv: list[str], url: str) -> None:
    if argv[0] != "diff":
        argv = [*argv, "--json"]
    out = invoke(*argv)
    assert out.code == 0, out.stderr
    cli = json.loads(out.stdout)
    api = create_app({"DATABASE": str(sample_db)}).test_client().get(url)
    assert api.status_code == 200
    contains(api.get_json(), cli)


def test_blame_in_the_provision_api_is_the_cli_blame(invoke, sample_db: Path) -> None:
    cli = json.loads(invoke("blame", "peace-plan", "4", "--at", "framework-20", "--json").stdout)
    client = create_app({"DATABASE": str(sample_db)}).test_client()
    api = client.get("/api/d/peace-plan/p/4?at=framework-20").get_json()
    contains(api["blame"], cli)


def test_compact_diff_json_is_the_encoders_bytes(tmp_path: Path) -> None:
    """``diff --format json`` writes most changes without the encoder (a provision kept as
    it was); its bytes are still exactly the encoder's for the same document: kept,
    renumbered, moved and reworded provisions, quotes, backslashes, non-ASCII, a heading."""
    from click.testing import CliRunner

    from tracker.cli import cli

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(
        'Terms\n\n1. The "parties" agree \\ on 5% — über alles.\n2. A\ttabbed\u00a0point.\n'
        "3. Control codes \x01 stay escaped.\n4. Funds of $100 billion.\n5. Moved down.\n"
    )
    b.write_text(
        'Terms\n\n1. The "parties" agree \\ on 5% — über alles.\n2. A\ttabbed\u00a0point.\n'
        "4. Control codes \x01 stay escaped.\n5. Funds of $200 billion.\n6. Moved down.\n"
    )
    runner = CliRunner()
    compact = runner.invoke(cli, ["diff", "--files", str(a), str(b), "--format", "json"])
    pretty = runner.invoke(cli, ["diff", "--files", str(a), str(b), "--json", "--pretty"])
    assert compact.exit_code == 0 and pretty.exit_code == 0, compact.output + pretty.output
    doc = json.loads(pretty.output)
    assert {c["kind"] for c in doc["changes"]} >= {"unchanged", "modified"}
    assert any(c["renumbered"] for c in doc["changes"] if c["kind"] == "unchanged")
    expected = json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert compact.output == expected
