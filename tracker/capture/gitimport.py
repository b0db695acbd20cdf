"""A git history -> versions: every commit that changed a file becomes a version of that
file's document.

- time: the *committer* date. It is when the change entered the history; the author date
  is when it was first written, which a rebase, cherry-pick or applied patch keeps from
  long before, so author dates can run backwards along the history. (For repositories
  written by a capture bot, such as Open Terms Archive's, the two are the same.)
- label: the committer date (UTC) and the short hash, ``2024-05-03-ab12cd3``: unique per
  document and stable, which makes the import idempotent and incremental: labels already
  stored are skipped in one query before any file is read.
- notes: the commit message; source: ``git COMMIT:PATH``.
- document: the file's path (``Facebook/Terms of Service.md`` ->
  ``facebook-terms-of-service``) or, with ``doc_from="name"``, its name alone.

git runs as two subprocesses: ``git log --name-only`` lists the commits and the files each
changed, and one ``git cat-file --batch`` reads every file version (one process for the
whole import, not one ``git show`` per version). Versions are written in batches of
commits, one transaction each, so an interrupted import keeps whole batches and the next
run carries on from there. A batch's files are read, and their provisions built, on
``jobs`` processes before its transaction; in it the versions are stored, then the new
pairs of consecutive versions diffed on ``jobs`` processes and linked, as
``tracker import`` does.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from ..errors import InputError, TrackerError
from ..ingest import Built, check_slug, prepared
from ..sources import Source, read_document
from ..store import Store

# Files a reader reads; others (images, LICENSE, .gitignore) are not documents.
DOCUMENT_EXTENSIONS = (".md", ".markdown", ".mdown", ".txt", ".text", ".html", ".htm",
                       ".xhtml", ".docx", ".pdf")  # fmt: skip
BATCH = 200  # commits per transaction


@dataclass(frozen=True)
class Change:
    """One file as one commit left it."""

    commit: str
    at: str  # committer date, ISO-8601 with its offset
    message: str
    path: str
    doc: str
    label: str


@dataclass
class GitImport:
    commits: int = 0  # commits that changed a document
    stored: int = 0
    already: int = 0  # labels already in the database (skipped without reading)
    identical: int = 0  # same text as the document's latest version (nothing to store)
    failed: list[tuple[Change, str]] = field(default_factory=list)
    documents: set[str] = field(default_factory=set)
    raw_bytes: int = 0  # bytes of the file versions stored
    seconds: float = 0.0

    def summary(self) -> str:
        rate = self.stored / self.seconds if self.seconds else 0.0
        return (
            f"imported {self.stored} versions of {len(self.documents)} documents from "
            f"{self.commits} commits in {self.seconds:.1f}s ({rate:.0f} versions/s); "
            f"{self.already} already stored, {self.identical} with the text of the version before, "
            f"{len(self.failed)} unreadable"
        )


def slug_for_path(path: str, doc_from: str = "path") -> str:
    """``Facebook/Terms of Service.md`` -> ``facebook-terms-of-service`` (``path``) or
    ``terms-of-service`` (``name``)."""
    p = PurePosixPath(path)
    stem = str(p.with_suffix("")) if doc_from == "path" else p.stem
    slug = re.sub(r"[^a-z0-9.]+", "-", stem.lower()).strip("-.")
    return check_slug(slug[:100].rstrip("-.") or "document")


def _git(repo: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["git", "-C", repo, "-c", "core.quotepath=off", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def changes(
    repo: str, paths: tuple[str, ...] = (), doc_from: str = "path"
) -> Iterator[list[Change]]:
    """The changes of ``repo`` (restricted to ``paths``), oldest commit first, grouped by
    commit."""
    if not (Path(repo) / ".git").exists() and not (Path(repo) / "HEAD").exists():
        raise InputError(f"{repo}: not a git repository")
    fmt = "%x1e%H%x1f%cI%x1f%B%x1f"
    proc = _git(repo, "log", "--reverse", "--no-renames", "--diff-filter=d", "--name-only",
                f"--format={fmt}", "--", *paths)  # fmt: skip
    out, err = proc.communicate()
    if proc.returncode != 0:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"{repo}: git log failed: {lines[0] if lines else proc.returncode}")
    for record in out.decode("utf-8", "replace").split("\x1e")[1:]:
        commit, at, message, names = record.split("\x1f", 3)
        when = datetime.fromisoformat(at).astimezone(UTC)
        group = []
        for path in names.strip("\n").splitlines():
            if not path or not path.lower().endswith(DOCUMENT_EXTENSIONS):
                continue
            group.append(
                Change(
                    commit,
                    at,
                    message.strip(),
                    path,
                    slug_for_path(path, doc_from),
                    f"{when:%Y-%m-%d}-{commit[:7]}",
                )  # fmt: skip
            )
        if group:
            yield group


class Blobs:
    """``git cat-file --batch``: one process reading any number of ``COMMIT:PATH``."""

    def __init__(self, repo: str) -> None:
        self.proc = subprocess.Popen(
            ["git", "-C", repo, "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def read(self, commit: str, path: str) -> bytes | None:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(f"{commit}:{path}\n".encode())
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            return None
        size = int(header[2])
        data = self.proc.stdout.read(size)
        self.proc.stdout.read(1)  # the newline after the contents
        return data

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()


def import_git(
    store: Store,
    repo: str,
    paths: tuple[str, ...] = (),
    *,
    doc_from: str = "path",
    format: str | None = None,
    max_bytes: int | None = None,
    batch: int = BATCH,
    progress: Callable[[GitImport], None] | None = None,
    jobs: int | None = None,
) -> GitImport:
    """Import every change of ``repo`` not stored yet. Unreadable file versions (empty,
    binary, too large) are listed in the result and skipped; everything else is stored.
    Files are read and pairs diffed on ``jobs`` processes (None: every core, when there is
    enough work); the result does not depend on it."""
    from ..ingest import add_version
    from ..links import link_missing
    from ..parallel import BYTES_PER_PROVISION, map_pairs
    from ..sources import DEFAULT_MAX_BYTES

    if doc_from not in ("path", "name"):
        raise InputError(f"bad --doc-from {doc_from!r}: path or name")
    start = time.monotonic()
    result = GitImport()
    groups = list(changes(repo, paths, doc_from))
    result.commits = len(groups)
    docs = {c.doc for g in groups for c in g}
    stored = store.version_keys(docs)  # one query: what a previous run already imported
    kinds = {d.slug: d.kind for d in store.documents() if d.slug in docs}
    blobs = Blobs(repo)
    try:
        for i in range(0, len(groups), batch):
            todo = [c for g in groups[i : i + batch] for c in g]
            fresh = [c for c in todo if (c.doc, c.label) not in stored]
            result.already += len(todo) - len(fresh)
            if not fresh:
                continue
            found: list[tuple[Change, bytes]] = []
            for c in fresh:
                data = blobs.read(c.commit, c.path)
                if data is None:
                    result.failed.append((c, "not a file in this commit"))
                else:
                    found.append((c, data))
            # Read before the write lock is taken: readers are CPU work, like diffs.
            tasks = [(data, c.path, format, max_bytes or DEFAULT_MAX_BYTES) for c, data in found]
            work = [len(data) // BYTES_PER_PROVISION for _, data in found]
            read = list(map_pairs(_read_blob, tasks, jobs, unit="file", work=work))
            with store.transaction():
                for (c, data), (source, built, error) in zip(found, read, strict=True):
                    if source is None:
                        result.failed.append((c, str(error)))
                        continue
                    try:
                        added = add_version(
                            store, c.doc, source, at=c.at, label=c.label,
                            title=str(PurePosixPath(c.path).with_suffix("")),
                            kind=kinds.get(c.doc), url=f"git {c.commit[:12]}:{c.path}",
                            notes=c.message, reverts=True, link=False, built=built,
                        )  # fmt: skip
                    except TrackerError as exc:
                        result.failed.append((c, str(exc)))
                        continue
                    if added.stored:
                        kinds.setdefault(c.doc, added.version.kind)
                        result.stored += 1
                        result.raw_bytes += len(data)
                        result.documents.add(c.doc)
                    else:
                        result.identical += 1
                # The batch's versions linked to their neighbours in the same transaction.
                link_missing(store, sorted({c.doc for c, _ in found}), jobs)
            if progress:
                result.seconds = time.monotonic() - start
                progress(result)
    finally:
        blobs.close()
    result.seconds = time.monotonic() - start
    return result


def _read_blob(
    task: tuple[bytes, str, str | None, int],
) -> tuple[Source | None, Built | None, TrackerError | None]:
    """Worker side of :func:`import_git`: one file version read, with what is stored of
    it made here too (:func:`tracker.ingest.prepared`), or the error that refused it."""
    data, path, fmt, max_bytes = task
    return prepared(lambda: read_document(data, path, format=fmt, max_bytes=max_bytes))
