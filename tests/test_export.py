"""Export a document's whole timeline and load it into another database: same history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import cli

ROOT = Path(__file__).resolve().parent.parent
# Provisions whose lineage covers renumbering, figures, a struck-out point and prose.
PROBES = [
    ("peace-plan", "4", None),
    ("peace-plan", "12", None),
    ("peace-plan", "3", "us-28"),
    ("peace-plan", "25", "eu-counter"),
    ("wire-report", "¶2", None),
]


def cli_run(db: Path, *args: str, input: str | None = None) -> tuple[int, str, str]:
    out = CliRunner().invoke(cli, ["--db", str(db), *args], input=input, catch_exceptions=False)
    return out.exit_code, out.stdout, out.stderr


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("source") / "source.db"
    assert cli_run(db, "import", str(ROOT / "versions"))[0] == 0
    return db


def views(db: Path, doc: str, rename: str | None = None) -> list[str]:
    """What a user sees of a document's history, through the CLI."""
    out = []
    target = rename or doc
    for d, ref, at in PROBES:
        if d != doc:
            continue
        extra = ["--at", at] if at else []
        out.append(cli_run(db, "history", target, ref, *extra)[1].replace(target, doc, 1))
        out.append(cli_run(db, "history", target, ref, "--json", *extra)[1].replace(target, doc, 1))
        out.append(cli_run(db, "blame", target, ref, *extra)[1].replace(target, doc, 1))
    out.append(cli_run(db, "figures", target, "--json")[1].replace(f'"{target}"', f'"{doc}"', 1))
    out.append(cli_run(db, "list", target)[1])
    return out


@pytest.mark.parametrize("doc", ["peace-plan", "wire-report"])
def test_export_then_import_gives_the_same_history(source: Path, tmp_path: Path, doc: str) -> None:
    code, exported, _ = cli_run(source, "export", doc)
    assert code == 0
    data = json.loads(exported)
    assert data["format"] == "tracker-export" and data["document"]["slug"] == doc
    assert len(data["steps"]) == len(data["versions"]) - 1
    path = tmp_path / "export.json"
    path.write_text(exported, encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    code, out, err = cli_run(fresh, "import-export", str(path))
    assert code == 0, err
    assert out.strip() == f"{doc}: imported {len(data['versions'])} versions"
    assert views(fresh, doc) == views(source, doc)
    # And the export of the copy is the export of the original.
    assert json.loads(cli_run(fresh, "export", doc)[1]) == data


def test_import_under_another_name_and_recomputed(source: Path, tmp_path: Path) -> None:
    exported = cli_run(source, "export", "peace-plan")[1]
    code, _, err = cli_run(source, "import-export", "-", "--as", "plan-copy", input=exported)
    assert code == 0, err
    assert views(source, "peace-plan", rename="plan-copy") == views(source, "peace-plan")
    fresh = tmp_path / "relinked.db"
    assert cli_run(fresh, "import-export", "-", "--relink", input=exported)[0] == 0
    assert views(fresh, "peace-plan") == views(source, "peace-plan")


def test_import_refuses_an_existing_document_and_bad_files(source: Path, tmp_path: Path) -> None:
    exported = cli_run(source, "export", "wire-report")[1]
    code, _, err = cli_run(source, "import-export", "-", input=exported)
    assert code == 1 and "document 'wire-report' already exists" in err
    fresh = tmp_path / "bad.db"
    bad_inputs = {
        "not json {": "not a JSON export",
        '{"format": "other"}': "not a tracker export",
        json.dumps({"format": "tracker-export", "format_version": 99}): "version 99",
    }
    for text, says in bad_inputs.items():
        code, _, err = cli_run(fresh, "import-export", "-", input=text)
        assert code == 1 and says in err and err.startswith("error: ")
    data = json.loads(exported)
    data["versions"][0]["text"] += " tampered"
    code, _, err = cli_run(fresh, "import-export", "-", input=json.dumps(data))
    assert code == 1 and "does not match its sha256" in err
    data["versions"][0]["text"] = data["versions"][0]["text"].removesuffix(" tampered")
    del data["versions"][0]["provisions"]
    code, _, err = cli_run(fresh, "import-export", "-", input=json.dumps(data))
    assert code == 1 and "malformed export" in err
    assert cli_run(fresh, "list")[1].startswith("no documents yet")  # nothing half-loaded


def test_csv_and_markdown_exports(source: Path) -> None:
    code, csv_text, _ = cli_run(source, "export", "peace-plan", "--format", "csv")
    assert code == 0
    lines = csv_text.splitlines()
    assert lines[0].startswith("doc,version,at,path,number,text,change,from_paths")
    assert any(",framework-20," in ln and ",modified,6," in ln for ln in lines)  # 6 -> 4
    assert any(",eu-counter," in ln and ",removed,3," in ln for ln in lines)  # point 3 struck
    code, md, _ = cli_run(source, "export", "peace-plan", "--format", "markdown")
    assert code == 0
    assert md.startswith("# ") and "| version | date | provisions | changes |" in md
    assert "## us-28-alt → eu-counter" in md and "~~600,000~~ → **800,000**" in md
