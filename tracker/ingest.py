"""Adding versions: a :class:`~tracker.sources.Source` plus options -> a stored version,
with its source bytes; and reading stored sources again (:func:`reparse`).

All checks run before the write transaction opens; the write itself is one transaction,
so a failure at any point leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from . import dates
from .errors import Conflict, InputError, TrackerError
from .links import link_missing, link_version, plan_links
from .parallel import BYTES_PER_PROVISION
from .provisions import BUILDER, VERSION_KINDS, Provision
from .sources import DEFAULT_MAX_BYTES, Source, kind_of, provisions_of, read_path
from .store import Original, Store, Version

# Both are checked with fullmatch: ``$`` would also match before a final newline, and
# "doc\n" stored that way could never be named again. Neither allows a control character.
SLUG = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
# Labels appear in URLs (``/d/doc/diff/a..b``) and in ``DOC:LABEL``: no spaces, ``:``,
# ``/`` or ``..``.
LABEL = re.compile(r"(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._+-]{0,99}")


@dataclass(frozen=True)
class Added:
    """What :func:`add_version` did: ``stored`` is False when the text was identical to an
    existing version (``version`` is then that one)."""

    version: Version
    stored: bool
    document_created: bool = False


def check_slug(slug: str) -> str:
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise InputError(
            f"bad document name {slug!r}: use lower-case letters, digits, '-', '_' or '.', "
            "starting with a letter or digit"
        )
    return slug


def check_label(label: str) -> str:
    if not isinstance(label, str) or not LABEL.fullmatch(label):
        raise InputError(
            f"bad label {label!r}: use letters, digits, '.', '_', '+' or '-' (no spaces, "
            "':', '/' or '..')"
        )
    return label


def next_label(taken: set[str]) -> str:
    n = 1
    while f"v{n}" in taken:
        n += 1
    return f"v{n}"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def original_of(source: Source) -> Original:
    """What is stored as a version's source: the bytes read, or for a Source made from
    text alone, that text as UTF-8 (format ``text``, reader ``text/0``)."""
    if not source.data:
        return Original(source.text.encode("utf-8"))
    name = Path(source.name).name
    return Original(
        data=source.data,
        format=source.format,
        reader=source.reader,
        media_type=source.media_type,
        # The file's own name (for downloads), never the directory it was read from; not
        # a stand-in such as "<stdin>" or "pasted text" (no extension).
        name=name if Path(name).suffix and not name.startswith("<") else "",
        options=json.dumps(source.options, sort_keys=True),
    )


def add_version(
    store: Store,
    doc: str,
    source: Source,
    *,
    at: str | None = None,
    label: str | None = None,
    title: str | None = None,
    kind: str | None = None,
    url: str | None = None,
    notes: str | None = None,
    tz: str = "UTC",
    reverts: bool = False,
    link: bool = True,
    built: Built | None = None,
) -> Added:
    """Store ``source`` as a new version of ``doc`` (created if new).

    A text identical to a stored version of ``doc`` is not stored again; with ``reverts``,
    only a text identical to the *latest* version is skipped, and a return to an earlier
    text (a page or file put back as it was) is stored as the event it is (capture and
    ``import-git`` record what happened, in order).

    With ``link`` False the version is stored without its links: only for a caller that
    links the document in the same transaction (:func:`~tracker.links.link_missing`, as
    :func:`import_dir` does for many versions at once). ``built``: what a worker process
    made of ``source`` (:class:`Built`); its provisions are used when the version's kind
    is the kind they were built for.

    Explicit arguments win over the source's front matter. Raises :class:`DateError`,
    :class:`InputError` or :class:`Conflict` (duplicate label) without writing anything.
    """
    check_slug(doc)
    meta = source.meta
    when_text = at or meta.get("date")
    if not when_text:
        raise InputError(f"{source.name}: no date: give --at WHEN (or 'date:' in front matter)")
    when = dates.parse_when(when_text, tz)
    kind = (kind or meta.get("kind") or (built.kind if built else kind_of(source))).lower()
    if kind not in VERSION_KINDS:
        raise InputError(f"unknown kind {kind!r} (one of: {', '.join(VERSION_KINDS)})")
    if built is not None and built.kind == kind:
        provisions = built.provisions
    else:
        provisions = provisions_of(source, kind)
    if not provisions:
        raise InputError(f"{source.name}: no text to store")
    digest = sha256(source.text)
    label = label or meta.get("label")
    if label:
        check_label(label)
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    # The diffs with the future neighbours, before the write lock: other writers queue
    # only for the inserts (the plan is dropped if a neighbour changed meanwhile).
    plan = (
        None
        if store.conn.in_transaction or not link
        else plan_links(store, doc, dates.iso(when), provisions)
    )

    with store.transaction():
        created = not store.has_document(doc)
        if not created:
            same = store.version_by_sha(doc, digest)
            if same is not None and reverts:
                latest = store.latest_version(doc)
                same = latest if latest is not None and latest.sha256 == digest else None
            if same is not None:
                return Added(same, stored=False)
        else:
            store.insert_document(doc, title or meta.get("title") or doc, kind, now)
        taken = store.labels(doc)
        if label in taken:
            raise Conflict(f"{doc} already has a version labelled {label!r}")
        row = {
            "document": doc,
            "label": label or next_label(taken),
            "at": dates.iso(when),
            "at_text": when_text,
            "kind": kind,
            "source": url or meta.get("source") or "",
            "notes": notes or meta.get("notes") or "",
            "sha256": digest,
            "text": source.text,
            "added_at": now,
        }
        original = built.original if built is not None else original_of(source)
        version = store.insert_version(row, provisions, original, BUILDER)
        # Same transaction: a version is never stored without its links to its neighbours.
        if link:
            link_version(store, version, plan)
    return Added(version, stored=True, document_created=created)


@dataclass(frozen=True)
class ImportResult:
    added: list[Added]
    skipped: list[Added]
    # With keep_going: (file, reason) for each file left out; otherwise always empty.
    failed: list[tuple[str, str]] = field(default_factory=list)


def import_format(path: Path) -> str:
    """The format a file of an imported directory is read as: by its extension (``.md``,
    ``.html``, ``.docx``, ``.pdf``...), plain text when it has no known one (as ever)."""
    from .readers import EXTENSIONS

    return EXTENSIONS.get(path.suffix.lower(), "text")


def import_dir(
    store: Store,
    root: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    keep_going: bool = False,
    progress: bool = False,
    jobs: int | None = None,
) -> ImportResult:
    """Load ``root/<doc>/*`` in name order, each file read by its extension's format
    (:func:`import_format`); the front matter gives each file's date, label and kind.
    Idempotent: files already stored (same text) are skipped. Every file is read and
    checked before anything is written (on ``jobs`` processes, default: every core); the
    whole import is then one transaction: the versions are stored, then every new pair of
    consecutive versions is diffed on ``jobs`` processes
    (:func:`~tracker.links.link_missing`, the parallel path of ``tracker relink``) and
    linked.

    With ``keep_going``, a file that cannot be read or stored is left out with its reason
    (in ``failed``) and each good file is stored in its own savepoint, so one bad file
    costs only itself. With ``progress``, bars on stderr when it is a terminal."""
    from .parallel import map_pairs, progress_bar

    root = Path(root)
    if not root.is_dir():
        raise InputError(f"{root}: not a directory")
    files: list[tuple[str, Path]] = []
    failed: list[tuple[str, str]] = []
    for doc_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            check_slug(doc_dir.name)
        except TrackerError as exc:
            if not keep_going:
                raise
            failed.append((str(doc_dir), str(exc)))
            continue
        for f in sorted(p for p in doc_dir.iterdir() if p.is_file() and not p.name.startswith(".")):
            files.append((doc_dir.name, f))
    if not files and not failed:
        raise InputError(f"{root}: no versions found (expected {root}/<document>/<file>)")
    plan: list[tuple[str, Source, Built | None]] = []
    # Reading (parsing PDFs, DOCX, HTML) is CPU work like diffing: on ``jobs`` processes.
    tasks = [(f, max_bytes) for _, f in files]
    work = [f.stat().st_size // BYTES_PER_PROVISION for _, f in files]
    read = map_pairs(_read_file, tasks, jobs, "reading" if progress else None, unit="file",
                     work=work)  # fmt: skip
    for (doc, f), (source, built, error) in zip(files, read, strict=True):
        if source is None:
            assert error is not None  # a worker returns a source or the error instead
            if not keep_going:
                raise error
            failed.append((str(f), _reason(error, str(f))))
        else:
            plan.append((doc, source, built))
    added: list[Added] = []
    skipped: list[Added] = []
    bar = progress_bar("storing" if progress else None, len(plan), unit="file")
    try:
        with store.transaction():
            for doc, source, built in plan:
                try:
                    # A savepoint: with keep_going, a file that fails costs only itself.
                    with store.transaction():
                        result = add_version(store, doc, source, link=False, built=built)
                except TrackerError as exc:
                    if not keep_going:
                        raise type(exc)(f"{source.name}: {exc}") from None
                    failed.append((source.name, _reason(exc, source.name)))
                else:
                    (added if result.stored else skipped).append(result)
                bar.update(1)
            bar.close()
            docs = sorted({a.version.document for a in added})
            link_missing(store, docs, jobs, progress)
    finally:
        bar.close()
    return ImportResult(added, skipped, failed)


@dataclass(frozen=True)
class Built:
    """What a worker process makes of a file it read, so that the one process that writes
    only writes: its kind, its provisions (building them was about a fifth of that
    process's CPU in a bulk import), and its source as stored, compressed (another
    tenth)."""

    kind: str
    provisions: list[Provision]
    original: Original


def _read_file(task: tuple[Path, int]) -> tuple[Source | None, Built | None, TrackerError | None]:
    """Worker side of :func:`import_dir`: one file read by its extension's format, with
    what is stored of it made here too (:func:`prepared`), or the error that refused it
    (sent back, raised or listed by the caller)."""
    path, max_bytes = task
    return prepared(lambda: read_path(path, max_bytes, format=import_format(path)))


def prepared(
    read: Callable[[], Source],
) -> tuple[Source | None, Built | None, TrackerError | None]:
    """What a worker process makes of the source ``read()`` gives, for :func:`add_version`
    in the process that writes: the source and :class:`Built` (None when the kind is
    unknown or the provisions cannot be built: add_version then builds them and reports
    it, as for any file), or the error that refused the source. The source keeps its
    reader's blocks: a version whose document has another kind than its own text suggests
    (a git history's error page in a plan) has its provisions built again from them by
    add_version."""
    try:
        source = read()
    except TrackerError as exc:
        return None, None, exc
    kind = (source.meta.get("kind") or kind_of(source)).lower()
    if kind not in VERSION_KINDS:
        return source, None, None
    try:
        provisions = provisions_of(source, kind)
    except TrackerError:
        return source, None, None
    original = original_of(source)
    packed = replace(original, packed=zlib.compress(original.data))
    return source, Built(kind, provisions, packed), None


def _reason(exc: TrackerError, name: str) -> str:
    """The error without the file name it may already start with (the summary shows it)."""
    text = str(exc)
    return text[len(name) + 2 :] if text.startswith(f"{name}: ") else text
