"""The README's console examples are what the tool prints: every command of its
``console`` blocks is run again, in order, on a fresh database, and must print exactly
what the README shows (``docs/readme_examples.py --write`` regenerates them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_console_examples_are_real_output() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "readme_examples.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
