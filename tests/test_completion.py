"""Shell completion of document names and labels, from the database named by --db or
TRACKER_DB, through the console script as a shell calls it (Click's bash protocol); a
missing or broken database completes nothing and prints no traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import Outcome


def complete(
    script: Callable[..., Outcome], words: str, env: dict[str, str] | None = None
) -> list[str]:
    """What `tracker` offers for the last word of ``words`` (a trailing space: a new word)."""
    parts = words.split(" ")
    r = script(
        use_db=False,
        env={
            "_TRACKER_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
            **(env or {}),
        },
    )
    assert r.code == 0 and "Traceback" not in r.stderr, r.stderr
    return [line.split(",", 1)[1] for line in r.stdout.splitlines() if line]


def test_document_names(script: Callable[..., Outcome], sample_db: Path) -> None:
    db = f"--db {sample_db}"
    assert complete(script, f"tracker {db} show p") == ["peace-plan"]
    assert complete(script, f"tracker {db} list w") == ["wire-report"]
    assert complete(script, f"tracker {db} figures ") == [
        "geneva-talks", "peace-plan", "wire-report",
    ]  # fmt: skip
    assert complete(script, f"tracker {db} search cap --doc g") == ["geneva-talks"]


def test_labels_of_the_document_given(script: Callable[..., Outcome], sample_db: Path) -> None:
    db = f"--db {sample_db}"
    assert complete(script, f"tracker {db} show peace-plan us") == ["us-28", "us-28-alt"]
    assert complete(script, f"tracker {db} show wire-report ") == ["first", "update", "corrected"]
    assert complete(script, f"tracker {db} history peace-plan 4 --at f") == ["framework-20"]
    assert complete(script, f"tracker {db} diff peace-plan e") == ["eu-counter"]
    assert complete(script, f"tracker {db} diff p") == ["peace-plan"]
    assert complete(script, f"tracker {db} diff wire-report:c") == ["wire-report:corrected"]


def test_bash_split_at_the_colon(script: Callable[..., Outcome], sample_db: Path) -> None:
    # bash hands `diff peace-plan:us-28 wire-report:c` over as separate words around ':'.
    words = f"tracker --db {sample_db} diff peace-plan : us-28 wire-report : c"
    assert complete(script, words) == ["corrected"]


def test_the_database_from_the_environment(script: Callable[..., Outcome], sample_db: Path) -> None:
    assert complete(script, "tracker show g", env={"TRACKER_DB": str(sample_db)}) == [
        "geneva-talks"
    ]


def test_a_missing_database_completes_nothing_and_stays_missing(
    script: Callable[..., Outcome], tmp_path: Path
) -> None:
    missing = tmp_path / "typo.db"
    assert complete(script, f"tracker --db {missing} show p") == []
    assert not missing.exists()


def test_a_broken_database_completes_nothing(
    script: Callable[..., Outcome], tmp_path: Path
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database file at all" * 100)
    assert complete(script, f"tracker --db {junk} show p") == []
    assert complete(script, f"tracker --db {junk} show peace-plan ") == []


def test_help_says_how_to_enable_it(script: Callable[..., Outcome]) -> None:
    r = script("--help", use_db=False)
    assert r.code == 0
    assert 'eval "$(_TRACKER_COMPLETE=bash_source tracker)"' in r.stdout
