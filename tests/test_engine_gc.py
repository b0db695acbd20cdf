"""The diff engine pauses cyclic garbage collection while it runs, and leaves it as it
found it: on after a diff when it was on, off when it was off, on again once the last of
several diffs running at once has finished."""

from __future__ import annotations

import gc
import threading

from tracker.diff import diff_texts

OLD = "1. The parties shall withdraw.\n2. Monitors report every week.\n3. Elections follow."
NEW = "1. The parties shall withdraw at once.\n2. Monitors report daily.\n3. Elections follow."


def test_a_diff_leaves_collection_on() -> None:
    assert gc.isenabled()
    diff = diff_texts(OLD, NEW, "plan")
    assert [c.kind for c in diff.changes] == ["modified", "modified", "unchanged"]
    assert gc.isenabled()


def test_a_diff_leaves_collection_off_when_it_was_off() -> None:
    gc.disable()
    try:
        diff_texts(OLD, NEW, "plan")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_diffs_running_at_once_turn_collection_back_on() -> None:
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            for _ in range(20):
                diff_texts(OLD, NEW, "plan")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert gc.isenabled()
