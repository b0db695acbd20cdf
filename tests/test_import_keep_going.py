"""`tracker import DIR --keep-going`: files that cannot be read or stored are skipped with
their reason, the rest imported, a summary at the end, exit 1. Without the flag one bad
file still imports nothing. A progress bar only when stderr is a terminal."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Outcome, run_on_terminal

GOOD = "---\ndate: 2025-03-0{n}\nlabel: v{n}\n---\n1. Point one, take {n}.\n2. Point two.\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two documents: three good versions, a text with no date, a file that is no PDF."""
    root = tmp_path / "in"
    (root / "plan").mkdir(parents=True)
    (root / "memo").mkdir()
    for n in (1, 2):
        (root / "plan" / f"0{n}.txt").write_text(GOOD.format(n=n), encoding="utf-8")
    (root / "plan" / "03-undated.txt").write_text("1. No date anywhere.\n", encoding="utf-8")
    (root / "memo" / "01.txt").write_text(GOOD.format(n=5), encoding="utf-8")
    (root / "memo" / "02-broken.pdf").write_bytes(b"%PDF-1.4\nthis is not a PDF at all\n")
    return root


def test_without_the_flag_nothing_is_imported(
    invoke: Callable[..., Outcome], folder: Path, db: Path, counts: Callable
) -> None:
    r = invoke("import", folder)
    assert r.code == 1 and r.stderr.startswith("error: ")
    assert not db.exists() or counts(db)["versions"] == 0


def test_keep_going_imports_the_rest_and_says_what_was_skipped(
    invoke: Callable[..., Outcome], folder: Path, db: Path, counts: Callable
) -> None:
    r = invoke("import", folder, "--keep-going")
    assert r.code == 1, r.stderr
    lines = r.stdout.splitlines()
    summary = lines.index("imported 3 versions, 0 already stored, 2 skipped:")
    skipped = lines[summary + 1 :]
    assert len(skipped) == 2
    assert skipped[0].startswith(f"  {folder / 'memo' / '02-broken.pdf'}: ")
    assert skipped[1].startswith(f"  {folder / 'plan' / '03-undated.txt'}: ")
    assert "no date" in skipped[1]
    assert counts(db)["versions"] == 3
    # Idempotent: a second run stores nothing new and skips the same two.
    again = invoke("import", folder, "--keep-going")
    assert again.code == 1
    assert "imported 0 versions, 3 already stored, 2 skipped:" in again.stdout


def test_keep_going_with_nothing_bad_exits_0(
    invoke: Callable[..., Outcome], folder: Path, db: Path
) -> None:
    (folder / "plan" / "03-undated.txt").unlink()
    (folder / "memo" / "02-broken.pdf").unlink()
    r = invoke("import", folder, "--keep-going")
    assert r.code == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "imported 3 versions, 0 already stored"


def test_a_bad_document_name_is_skipped_too(
    invoke: Callable[..., Outcome], folder: Path, db: Path
) -> None:
    shutil.copytree(folder / "memo", folder / "Not A Slug")
    r = invoke("import", folder, "--keep-going")
    assert r.code == 1
    assert f"  {folder / 'Not A Slug'}: " in r.stdout


def run_import(exe: str, db: Path, folder: Path, stderr_tty: bool) -> str:
    """stderr of the console script's import, stderr a pseudo-terminal or a pipe."""
    return run_on_terminal([exe, "--db", str(db), "import", str(folder)], stderr_tty)


def test_progress_bar_only_on_a_terminal(
    tracker_exe: str, versions_dir: Path, tmp_path: Path
) -> None:
    assert run_import(tracker_exe, tmp_path / "a.db", versions_dir, stderr_tty=False) == ""
    drawn = run_import(tracker_exe, tmp_path / "b.db", versions_dir, stderr_tty=True)
    assert "storing" in drawn and "file" in drawn
