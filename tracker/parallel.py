"""Bulk work on every core: :func:`map_pairs` runs one function over many items in worker
processes and hands the results back in order.

Diffing is CPU-bound pure Python, so threads would take turns on one core; processes do
not. Workers only compute (each opens what it reads itself); the caller writes the results
in its own single transaction, so a failure anywhere leaves the database as it was.
Used by ``tracker relink`` (:func:`tracker.links.relink_many`), by ``tracker import``
to read its files and to link the new pairs (:func:`tracker.links.link_missing`), and
meant for anything that re-diffs many stored pairs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# Work (in provisions, or their equivalent) below which a pool is not started: a worker
# starts in ~50 ms and warms its caches on its first items, so a pool of two cost small
# jobs 0.05-0.2 s more than one process (importing the 8 sample versions: 0.35-0.49 s in
# one process, 0.53-0.57 s on two). Diffing runs at ~40 us per provision, so 10,000 are
# ~0.4 s of work, which two free cores halve.
POOL_MIN_WORK = 10_000
# A file's work before it is read: about a provision per 200 bytes of text.
BYTES_PER_PROVISION = 200


def processes(jobs: int | None, items: int, work: Sequence[int] | None = None) -> int:
    """How many processes :func:`map_pairs` uses for ``items`` items of ``work``: 1 (this
    process) for fewer than two items, or, when ``jobs`` is not given, less work than
    :data:`POOL_MIN_WORK`; else ``jobs``, by default the core count."""
    if items < 2:
        return 1
    if jobs is None:
        if work is not None and sum(work) < POOL_MIN_WORK:
            return 1
        return default_jobs()
    return max(1, jobs)


def map_pairs(
    func: Callable[[T], R],
    items: Sequence[T],
    jobs: int | None = None,
    progress: str | None = None,
    unit: str = "pair",
    work: Sequence[int] | None = None,
) -> Iterator[R]:
    """``func(item)`` for each item, in order, on ``jobs`` processes (default: the core
    count; 1 runs in this process, with exactly the same results). ``func`` must be a
    module-level function and items and results picklable. With ``progress`` (a label), a
    progress bar is drawn on stderr when stderr is a terminal, never into a pipe or log.
    ``work``: each item's size in provisions (or their equivalent), when known.

    Cost: a worker process starts in ~50 ms (fork) and each item and result is pickled,
    so one process is used when there are fewer than two items, or, when ``jobs`` is not
    given, less ``work`` in all than :data:`POOL_MIN_WORK`. A number of jobs asked for is
    always used."""
    jobs = processes(jobs, len(items), work)
    bar = progress_bar(progress, len(items), unit=unit)
    try:
        if jobs == 1:
            for item in items:
                yield func(item)
                bar.update(1)
            return
        with ProcessPoolExecutor(max_workers=min(jobs, len(items))) as pool:
            for result in pool.map(func, items, chunksize=1):
                yield result
                bar.update(1)
    finally:
        bar.close()


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(label: str | None, total: int, unit: str = "item"):  # noqa: ANN201
    """A tqdm bar on stderr when ``label`` is given and stderr is a terminal; otherwise
    an object with the same ``update``/``close`` that draws nothing (no bar in a pipe or
    a log)."""
    if not label or not sys.stderr.isatty():
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit=unit, file=sys.stderr, leave=False)
