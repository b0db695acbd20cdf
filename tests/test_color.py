"""--color auto|always|never and NO_COLOR (no-color.org: any non-empty value turns colour
off; an explicit --color always overrides it). auto colours only on a terminal, which is
checked on a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TRACKER_ENV, Outcome

ESC = "\x1b["
DIFF = ("diff", "peace-plan", "us-28", "framework-20", "--changes-only")


def test_always_colours_a_pipe(script: Callable[..., Outcome], sample_db: Path) -> None:
    r = script("--color", "always", *DIFF)
    assert r.code == 0 and ESC in r.stdout


def test_auto_and_never_do_not_colour_a_pipe(
    script: Callable[..., Outcome], sample_db: Path
) -> None:
    for choice in ("auto", "never"):
        r = script("--color", choice, *DIFF)
        assert r.code == 0 and r.stdout and ESC not in r.stdout


def test_always_overrides_no_color(invoke: Callable[..., Outcome], sample_db: Path) -> None:
    assert ESC in invoke("--color", "always", *DIFF, env={"NO_COLOR": "1"}).stdout


def test_every_colouring_command_follows_the_switch(
    invoke: Callable[..., Outcome], sample_db: Path
) -> None:
    commands = [
        DIFF,
        ("history", "peace-plan", "1"),
        ("figures", "peace-plan"),
        ("search", "ceasefire"),
    ]
    for args in commands:
        on = invoke("--color", "always", *args)
        off = invoke("--color", "never", *args)
        assert on.code == 0 and off.code == 0, (args, on.stderr, off.stderr)
        assert ESC in on.stdout, args
        assert ESC not in off.stdout, args
    # Search marks matches with brackets when not colouring, so a pipe still shows them.
    assert "[" in invoke("--color", "never", "search", "ceasefire").stdout


def test_a_bad_choice_is_a_usage_error(invoke: Callable[..., Outcome], sample_db: Path) -> None:
    assert invoke("--color", "sometimes", "list").code == 2


def on_terminal(exe: str, db: Path, no_color: str | None) -> str:
    """stdout of ``tracker --db DB diff ...`` run with a pseudo-terminal as stdout."""
    env = {k: v for k, v in os.environ.items() if k not in TRACKER_ENV and k != "NO_COLOR"}
    if no_color is not None:
        env["NO_COLOR"] = no_color
    main, child = pty.openpty()
    try:
        proc = subprocess.Popen(
            [exe, "--db", str(db), *DIFF], stdout=child, stderr=subprocess.PIPE, env=env
        )
        os.close(child)
        chunks = []
        while True:
            try:
                data = os.read(main, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
    finally:
        os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("no_color", "coloured"), [(None, True), ("", True), ("1", False), ("false", False)]
)
def test_auto_on_a_terminal_follows_no_color(
    tracker_exe: str, sample_db: Path, no_color: str | None, coloured: bool
) -> None:
    out = on_terminal(tracker_exe, sample_db, no_color)
    assert out.strip()
    assert (ESC in out) is coloured
