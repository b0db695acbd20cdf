"""Reading stored sources again: ``tracker reparse``.

Every version keeps its original bytes (``sources``). When a reader improves, its
provisions, and the links between versions built on them, are derived data to rebuild:
each version's bytes are read again with the current reader for their format and the
document relinked. ``versions``, ``texts`` and ``sources`` rows are never changed (their
triggers refuse it): a version's stored text stays as it was first read.

One transaction per document. A document's provisions and links change together (links
point at provisions), so that is the smallest consistent unit; documents do not depend on
each other, so ``--all`` commits them one by one: the write lock is held for one document
at a time (the web UI and ``tracker add`` wait for one document, not the whole database),
and a reader that fails on one stored version stops the run without undoing the documents
already rebuilt, each of which is consistent.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import zip_longest

from . import links
from .errors import InputError, TrackerError
from .provisions import BUILDER, Provision
from .sources import provisions_of, read_document
from .store import Store, Version


@dataclass(frozen=True)
class VersionReparse:
    """One version read again: the reader that read it, and the provision builder that
    built its provisions, before and after,
    how many provisions there were, and how many differ position by position (number,
    path, marker, depth, heading or text)."""

    label: str
    format: str
    reader_before: str
    reader_after: str
    provisions_before: int
    provisions_after: int
    changed: int
    builder_before: str = ""  # the provision builder ("provisions/1"; "" when not known)
    builder_after: str = BUILDER


@dataclass(frozen=True)
class DocumentReparse:
    """What reparsing one document did (or, with ``dry_run``, would do)."""

    doc: str
    versions: int  # in the timeline
    reread: tuple[VersionReparse, ...]  # the versions read again
    links_changed: bool  # whether any stored link between versions differs afterwards
    dry_run: bool = False

    @property
    def provisions_changed(self) -> int:
        return sum(r.changed for r in self.reread)


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back, carrying its result."""

    def __init__(self, result: DocumentReparse) -> None:
        self.result = result


def current_reader(fmt: str) -> str | None:
    """The version of this build's reader for ``fmt`` (its module's ``READER``), or None
    when it does not say (the bytes are then read to find out) or is not in this build."""
    try:
        module = importlib.import_module(f"{__package__}.readers.{fmt}")
    except ImportError:
        return None
    reader = getattr(module, "READER", None)
    return reader if isinstance(reader, str) else None


def _link_signature(store: Store, doc: str) -> list[tuple]:
    """A document's links with provisions named by path (ids change when provisions are
    rebuilt; what they say does not)."""
    rows = store.links(doc)
    ids = {r[c] for r in rows for c in ("old_provision", "new_provision")} - {None}
    paths = {i: r["path"] for i, r in store.provision_rows(ids).items()}
    return [
        (r["from_version"], r["to_version"], r["change"], paths.get(r["old_provision"]),
         paths.get(r["new_provision"]), r["kind"], r["renumbered"], r["moved"],
         r["similarity"], r["terms"])
        for r in rows
    ]  # fmt: skip


# A version's stored source read again: (format, reader, provisions), provisions None when
# the reader is the one that built them (nothing to rebuild), or the error that refused it
# (raised when its document's turn comes, so the documents before it are still rebuilt).
_Read = tuple[str, str, list[Provision] | None]


def _needs_reading(store: Store, version_id: int, force: bool) -> tuple[str, str, bool]:
    """(reader, builder) of the version's stored provisions, and whether its source must
    be read: always with ``force``; else when another builder made them, or the reader
    that read them is not this build's for the format (or does not say which it is)."""
    before, built = store.provisions_stamp(version_id)
    # Provisions made by another builder are made again even when the reader is the
    # same: the blocks are the same, what the builder makes of them is not.
    needed = (
        force
        or not before
        or built != BUILDER
        or current_reader(store.source_info(version_id)["format"]) != before
    )
    return before, built, needed


def _read(store: Store, doc: str, v: Version, unchanged_reader: str | None) -> _Read:
    """Read a version's stored source with this build's reader for its format. Raises
    InputError when it cannot be read or gives no provisions."""
    original = store.source(v.id)
    name = f"{doc} {v.label}" + (f" ({original.name})" if original.name else "")
    source = read_document(
        original.data,
        name,
        format=original.format,
        media_type=original.media_type,
        max_bytes=max(original.size, 1),
        **json.loads(original.options or "{}"),
    )
    if source.reader == unchanged_reader:
        return original.format, source.reader, None
    new = provisions_of(source, v.kind)
    if not new:
        raise InputError(f"{name}: the {original.format} reader found no provisions")
    return original.format, source.reader, new


def _read_task(task: tuple[str, str, Version, str | None]) -> _Read | TrackerError:
    """Worker side of :func:`_readings`: one version read on the worker's own read-only
    connection (sources are never changed, so any connection reads the same bytes)."""
    path, doc, v, unchanged_reader = task
    try:
        with Store(path, readonly=True) as store:
            return _read(store, doc, v, unchanged_reader)
    except TrackerError as exc:
        return exc


def _readings(
    store: Store, docs: list[str], force: bool, jobs: int | None, progress: str | None = None
) -> dict[int, _Read | TrackerError]:
    """The versions of ``docs`` that :func:`_reparse` will read, read on ``jobs`` processes
    (readers are most of a reparse: PDF and Word files especially), by version id."""
    from .parallel import map_pairs, processes

    tasks = []
    work = []  # for map_pairs, in provisions diffed (~40 us each)
    for doc in docs:
        for v in store.versions(doc):
            before, built, needed = _needs_reading(store, v.id, force)
            if needed:
                keep = before if not force and built == BUILDER else None
                tasks.append((store.path, doc, v, keep))
                # Plain text and Markdown read at ~13 us a provision, a third of a diff's
                # cost; Word, HTML and PDF files cost as much or (PDF) far more.
                cheap = store.source_info(v.id)["format"] in ("text", "markdown")
                work.append(v.n_provisions // 3 if cheap else v.n_provisions)
    if processes(jobs, len(tasks), work) == 1:
        return {}  # read in turn by _reparse, on the caller's connection
    done = map_pairs(_read_task, tasks, jobs, progress, unit="version", work=work)
    return {v.id: r for (_, _, v, _), r in zip(tasks, done, strict=True)}


def _reparse(
    store: Store,
    doc: str,
    force: bool,
    dry_run: bool,
    readings: dict[int, _Read | TrackerError] | None = None,
    jobs: int | None = 1,
) -> DocumentReparse:
    versions = store.versions(doc)
    reports: list[VersionReparse] = []
    pending = []
    for v in versions:
        before, built, needed = _needs_reading(store, v.id, force)
        if not needed:
            continue  # without reading (and decompressing) the bytes
        same_builder = built == BUILDER
        got = readings.get(v.id) if readings else None
        if got is None:  # not read ahead (or added since): read here
            got = _read(store, doc, v, before if not force and same_builder else None)
        elif isinstance(got, TrackerError):
            raise got
        fmt, reader, new = got
        if new is None or not force and reader == before and same_builder:
            continue
        old = store.provisions(v.id)
        changed = sum(1 for a, b in zip_longest(old, new) if a != b)
        reports.append(
            VersionReparse(v.label, fmt, before, reader, len(old), len(new), changed, built,
                           BUILDER)
        )  # fmt: skip
        pending.append((v.id, new, reader, changed))
    links_changed = False
    if any(changed for *_, changed in pending):
        links_before = _link_signature(store, doc)
        # Links point at the provisions about to be rebuilt: drop them first, relink after.
        store.delete_lineage(doc)
        for version_id, new, reader, changed in pending:
            if changed:
                store.replace_provisions(version_id, new, reader, BUILDER)
            else:
                store.set_provisions_reader(version_id, reader, BUILDER)
        links.relink(store, doc, jobs)
        links_changed = _link_signature(store, doc) != links_before
    else:
        for version_id, _, reader, _ in pending:
            store.set_provisions_reader(version_id, reader, BUILDER)
    return DocumentReparse(doc, len(versions), tuple(reports), links_changed, dry_run)


def reparse(
    store: Store, doc: str, *, force: bool = False, dry_run: bool = False, jobs: int | None = 1
) -> DocumentReparse:
    """Read ``doc``'s stored sources again and rebuild its provisions and links, in one
    transaction. A version is read again when the provision builder that made its
    provisions is not this build's (:data:`~tracker.provisions.BUILDER`), or when the
    reader that read them is not this build's reader for its format (or always, with
    ``force``). With ``dry_run`` everything is done and then rolled back: the result says
    what would change. The sources are read, and the new pairs diffed, on ``jobs``
    processes (None: every core); the result does not depend on it.

    Raises :class:`~tracker.errors.NotFound` for an unknown document and
    :class:`~tracker.errors.InputError` when a stored source cannot be read (no reader for
    its format in this build, or the reader refuses it); nothing is changed then."""
    store.document(doc)
    # Read before the write lock is taken (sources never change): the lock is then held
    # for the writes and the diffs only.
    readings = _readings(store, [doc], force, jobs) if jobs != 1 else None
    return _reparse_locked(store, doc, force, dry_run, readings, jobs)


def _reparse_locked(
    store: Store,
    doc: str,
    force: bool,
    dry_run: bool,
    readings: dict[int, _Read | TrackerError] | None,
    jobs: int | None,
) -> DocumentReparse:
    try:
        with store.transaction():
            result = _reparse(store, doc, force, dry_run, readings, jobs)
            if dry_run:
                raise _DryRun(result)
    except _DryRun as done:
        return done.result
    return result


# Versions read ahead at once by reparse_all: their provisions are held until their
# documents are rebuilt, so a database of thousands of versions is read a batch at a time.
READ_BATCH = 256


def reparse_all(
    store: Store,
    *,
    force: bool = False,
    dry_run: bool = False,
    progress: bool = False,
    jobs: int | None = 1,
) -> Iterator[DocumentReparse]:
    """:func:`reparse` every document, one transaction each (see the module docstring),
    yielding each result once it is committed. The sources of a batch of documents are
    read on ``jobs`` processes (None: every core) before their documents are rebuilt in
    turn, each document's pairs diffed on as many; a source that cannot be read stops the
    run when its document's turn comes, as with one process. With ``progress``, a bar on
    stderr when it is a terminal."""
    from .parallel import progress_bar

    documents = [d.slug for d in store.documents()]
    bar = progress_bar("reparse" if progress else None, len(documents), unit="document")
    try:
        at = 0
        while at < len(documents):
            batch: list[str] = []
            size = 0
            while at < len(documents) and (not batch or size < READ_BATCH):
                batch.append(documents[at])
                size += len(store.versions(documents[at]))
                at += 1
            reading = "reading" if progress else None  # its own bar: PDFs read slowly
            readings = _readings(store, batch, force, jobs, reading) if jobs != 1 else None
            for doc in batch:
                result = _reparse_locked(store, doc, force, dry_run, readings, jobs)
                bar.update(1)
                yield result
    finally:
        bar.close()
