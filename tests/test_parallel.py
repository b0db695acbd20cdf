"""Bulk work on several processes (tracker.parallel.map_pairs): results in order and the
same as in one process; a pool only when asked for, or when there is enough work."""

from __future__ import annotations

import os

import pytest

from tracker.parallel import POOL_MIN_WORK, default_jobs, map_pairs


def pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def run(jobs: int | None, work: list[int] | None) -> tuple[set[int], list[int]]:
    out = list(map_pairs(pid_and_square, [1, 2, 3, 4], jobs, work=work))
    return {pid for pid, _ in out}, [sq for _, sq in out]


def test_small_work_stays_in_this_process_unless_jobs_are_asked_for() -> None:
    here = os.getpid()
    assert run(None, [10, 10, 10, 10]) == ({here}, [1, 4, 9, 16])
    assert run(1, None) == ({here}, [1, 4, 9, 16])
    pids, squares = run(2, [10, 10, 10, 10])  # asked for: always used
    assert here not in pids and squares == [1, 4, 9, 16]


@pytest.mark.skipif(default_jobs() < 2, reason="one core: the default is one process")
def test_enough_work_goes_to_every_core_by_default() -> None:
    pids, squares = run(None, [POOL_MIN_WORK // 4 + 1] * 4)
    assert os.getpid() not in pids and squares == [1, 4, 9, 16]
    pids, _ = run(None, None)  # work not known: as before, a pool
    assert os.getpid() not in pids
