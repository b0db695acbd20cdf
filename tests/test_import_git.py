"""``tracker import-git``: a small git repository made by the test; every commit that
changed a file becomes a version at its committer date, labelled DATE-SHORTHASH with the
message as notes; a second run imports only the new commits; a third changes nothing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tracker.store import Store


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = {
        "GIT_AUTHOR_NAME": "Drafting Office",
        "GIT_AUTHOR_EMAIL": "drafts@example.org",
        "GIT_COMMITTER_NAME": "Capture Bot",
        "GIT_COMMITTER_EMAIL": "bot@example.org",
        "HOME": str(repo),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    if date:
        # The author wrote it a year earlier (as a rebased patch would say); the commit
        # entered the history at ``date``.
        env["GIT_AUTHOR_DATE"] = date.replace("2026", "2025")
        env["GIT_COMMITTER_DATE"] = date
    out = subprocess.run(["git", "-C", str(repo), *args], env=env, check=True,
                         capture_output=True, text=True)  # fmt: skip
    return out.stdout.strip()


def commit(repo: Path, files: dict[str, str | None], message: str, date: str) -> str:
    for name, text in files.items():
        path = repo / name
        if text is None:
            git(repo, "rm", "-q", name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "drafts"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    commit(r, {
        "Council/Terms of Reference.md": "# Terms\n\n1. The council meets monthly.\n\n"
                                          "2. Decisions need a two-thirds majority.\n",
        "Council/logo.png": "not a document",
        "README": "about this repository",
    }, "Start tracking the terms of reference", "2026-01-05T10:00:00+01:00")  # fmt: skip
    commit(r, {"Council/Terms of Reference.md": "# Terms\n\n1. The council meets weekly.\n\n"
                                                 "2. Decisions need a two-thirds majority.\n"},
           "Meetings become weekly\n\nAgreed at the January session.",
           "2026-01-20T09:30:00+00:00")  # fmt: skip
    commit(r, {"Board/Terms of Reference.md": "1. The board advises the council.\n"},
           "Start tracking the board", "2026-02-01T08:00:00+00:00")  # fmt: skip
    return r


def test_import_incremental_and_idempotent(repo: Path, invoke, db: Path) -> None:
    out = invoke("import-git", repo, "-q")
    assert out.code == 0, out.stderr
    assert "imported 3 versions of 2 documents from 3 commits" in out.stdout
    head = git(repo, "rev-parse", "HEAD")
    with Store(db) as store:
        versions = store.versions("council-terms-of-reference")
        assert [v.label[:10] for v in versions] == ["2026-01-05", "2026-01-20"]
        second = store.version("council-terms-of-reference", versions[1].label, with_text=True)
        # Committer date, not the (earlier) author date.
        assert second.at == "2026-01-20T09:30:00+00:00"
        assert second.notes == "Meetings become weekly\n\nAgreed at the January session."
        assert second.source.endswith(":Council/Terms of Reference.md")
        assert store.document("council-terms-of-reference").title == ("Council/Terms of Reference")
        board = store.versions("board-terms-of-reference")[0]
        assert board.label == f"2026-02-01-{head[:7]}"

    again = invoke("import-git", repo, "-q")
    assert "imported 0 versions" in again.stdout and "3 already stored" in again.stdout

    new = commit(repo, {"Board/Terms of Reference.md": "1. The board advises the council.\n\n"
                                                        "2. It reports once a year.\n",
                        "Council/Terms of Reference.md": None},
                 "Board reports yearly; council terms withdrawn",
                 "2026-03-01T12:00:00+00:00")  # fmt: skip
    third = invoke("import-git", repo, "-q")
    assert "imported 1 versions of 1 documents from 4 commits" in third.stdout
    assert "3 already stored" in third.stdout
    listed = json.loads(invoke("list", "board-terms-of-reference", "--json").stdout)
    assert [v["label"] for v in listed["versions"]][-1] == f"2026-03-01-{new[:7]}"
    assert listed["versions"][-1]["changes"]["added"] == 1
    with Store(db) as store:
        assert store.db.execute("SELECT count(*) FROM versions").fetchone()[0] == 4


def test_a_return_to_an_earlier_text_is_a_version(repo: Path, invoke, db: Path) -> None:
    first = "# Terms\n\n1. The council meets monthly.\n\n2. Decisions need a two-thirds majority.\n"
    commit(repo, {"Council/Terms of Reference.md": first}, "Back to monthly meetings",
           "2026-02-10T10:00:00+00:00")  # fmt: skip
    out = invoke("import-git", repo, "Council", "-q")
    assert "imported 3 versions of 1 documents" in out.stdout, out.stdout
    listed = json.loads(invoke("list", "council-terms-of-reference", "--json").stdout)
    labels = [v["label"][:10] for v in listed["versions"]]
    assert labels == ["2026-01-05", "2026-01-20", "2026-02-10"]
    assert listed["versions"][-1]["changes"]["modified"] == 1


def test_paths_and_doc_from_name(repo: Path, invoke, db: Path) -> None:
    out = invoke("import-git", repo, "Board", "--doc-from", "name", "-q")
    assert "imported 1 versions of 1 documents" in out.stdout
    with Store(db) as store:
        assert [d.slug for d in store.documents()] == ["terms-of-reference"]


def test_not_a_repository(tmp_path: Path, invoke) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    out = invoke("import-git", plain)
    assert out.code == 1 and "not a git repository" in out.stderr


def test_any_number_of_jobs_stores_what_tracker_add_stores(repo: Path, invoke, tmp_path: Path):
    # A later version that reads as prose (an error page captured in place of the plan)
    # keeps its document's kind, and its provisions are built from its reader's blocks,
    # whichever process read it; the steps are the same too.
    page = "Something went wrong\n====================\n\nPlease try again in a minute.\n"
    commit(repo, {"Council/Terms of Reference.md": page}, "Capture failed",
           "2026-02-10T10:00:00+00:00")  # fmt: skip
    shown = []
    for jobs in ("1", "2"):
        db = tmp_path / f"git{jobs}.db"
        out = invoke("--db", db, "import-git", repo, "Council", "-q", "--jobs", jobs,
                     use_db=False)  # fmt: skip
        assert "imported 3 versions of 1 documents" in out.stdout, out.stdout + out.stderr
        listed = json.loads(invoke("--db", db, "list", "council-terms-of-reference", "--json",
                                   use_db=False).stdout)  # fmt: skip
        last = listed["versions"][-1]
        show = invoke("--db", db, "show", "council-terms-of-reference", last["label"], "--json",
                      use_db=False)  # fmt: skip
        shown.append(
            (json.loads(show.stdout)["provisions"], [v["changes"] for v in listed["versions"]])
        )
    assert shown[0] == shown[1]
    added = tmp_path / "added.db"
    error_page = tmp_path / "page.md"
    error_page.write_text(page, encoding="utf-8")
    out = invoke("--db", added, "add", "terms", error_page, "--at", "2026-02-10", "--kind", "plan",
                 use_db=False)  # fmt: skip
    assert out.code == 0, out.stderr
    by_add = json.loads(invoke("--db", added, "show", "terms", "v1", "--json", use_db=False).stdout)
    assert shown[0][0] == by_add["provisions"]
    assert [p["text"] for p in by_add["provisions"]][0] == "Something went wrong"
