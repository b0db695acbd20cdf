"""Read commands refuse a database that does not exist (a mistyped --db must not answer
"no documents" and leave an empty file behind); write commands still create it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Outcome

READS = [
    ("list",),
    ("list", "peace-plan"),
    ("show", "peace-plan", "us-28"),
    ("diff", "peace-plan", "us-28", "framework-20"),
    ("diff", "peace-plan:us-28", "peace-plan:framework-20"),
    ("history", "peace-plan", "1"),
    ("blame", "peace-plan", "1"),
    ("figures", "peace-plan"),
    ("search", "ceasefire"),
    ("query", "SELECT 1"),
    ("export", "peace-plan"),
    ("watch", "list"),
]


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a))
def test_a_read_command_refuses_a_missing_database(
    invoke: Callable[..., Outcome], db: Path, args: tuple[str, ...]
) -> None:
    r = invoke(*args)
    assert r.code == 1
    assert r.stderr == (
        f"error: no database at {db} (add a version first, or check --db / TRACKER_DB)\n"
    )
    assert r.stdout == ""
    assert not db.exists()


def test_the_environment_variable_is_named_too(
    invoke: Callable[..., Outcome], tmp_path: Path
) -> None:
    missing = tmp_path / "typo.db"
    r = invoke("list", use_db=False, env={"TRACKER_DB": str(missing)})
    assert r.code == 1 and f"no database at {missing}" in r.stderr
    assert not missing.exists()


def test_a_read_command_on_an_existing_database_works(
    invoke: Callable[..., Outcome], sample_db: Path
) -> None:
    r = invoke("list")
    assert r.code == 0 and "peace-plan" in r.stdout


def test_write_commands_still_create_the_database(
    invoke: Callable[..., Outcome], db: Path, versions_dir: Path
) -> None:
    r = invoke("add", "note", "-", "--at", "2025-01-02", input="1. One point.\n2. Another point.\n")
    assert r.code == 0, r.stderr
    assert db.exists()
    assert invoke("list").code == 0


def test_import_creates_the_database(
    invoke: Callable[..., Outcome], db: Path, versions_dir: Path
) -> None:
    assert invoke("import", versions_dir).code == 0
    assert db.exists()


def test_the_console_script_refuses_too(script: Callable[..., Outcome], db: Path) -> None:
    r = script("list")
    assert r.code == 1 and r.stderr.startswith(f"error: no database at {db}")
    assert "Traceback" not in r.stderr and not db.exists()


def test_a_read_only_server_refuses_a_missing_database(
    invoke: Callable[..., Outcome], db: Path
) -> None:
    r = invoke("serve", "--read-only", "--port", "0")
    assert r.code == 1 and r.stderr.startswith(f"error: no database at {db}")
    assert not db.exists()
