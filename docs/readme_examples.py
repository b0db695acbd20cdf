"""Regenerate, or check, the console examples of README.md from real runs.

Every fenced ``console`` block of the README holds commands (lines starting with ``$ ``)
each followed by its output. This script replays all the commands in README order, through
bash (so a pipe such as ``| head -5`` is real), in a fresh temporary directory that holds a
link to the repository's ``versions/`` and a new database (``TRACKER_DB``), with the
``tracker`` of the running Python on the PATH. A command that starts with a space-free
``NAME=value`` prefix is run as written. Files an example needs are made by commands shown
in the README too (``printf ... > rev.txt``), so a reader can replay every block.

    python docs/readme_examples.py --write   # rewrite the outputs in README.md
    python docs/readme_examples.py --check   # exit 1 and show the first difference

The README's schema table (between ``<!-- schema -->`` and ``<!-- /schema -->``) is
regenerated the same way: ``tracker schema --format markdown`` on a new database, so the
table cannot drift from the migrations either.

The test suite runs ``--check``, so an example cannot drift from what the tool prints.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"(```console\n)(.*?)(```)", re.S)
SCHEMA = re.compile(r"(<!-- schema -->\n)(.*?)(<!-- /schema -->)", re.S)


def _chunks(block: str) -> list[tuple[str, str]]:
    """(command, output) pairs of one console block."""
    out: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
    return [(cmd, "\n".join(lines).strip("\n")) for cmd, lines in out]


def _run(command: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return (done.stdout + done.stderr).rstrip("\n")


def replay(text: str) -> str:
    """README text with every console block's outputs replaced by real ones."""
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        (cwd / "versions").symlink_to(ROOT / "versions")
        env = {
            **os.environ,
            "TRACKER_DB": str(cwd / "tracker.db"),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "NO_COLOR": "1",
            "COLUMNS": "100",
            "TZ": "UTC",
            "LC_ALL": "C.UTF-8",
        }
        env.pop("TRACKER_MAX_BYTES", None)

        def block(m: re.Match[str]) -> str:
            parts = []
            for cmd, _ in _chunks(m.group(2)):
                output = _run(cmd, cwd, env)
                parts.append(f"$ {cmd}\n{output}\n" if output else f"$ {cmd}\n")
            return m.group(1) + "\n".join(parts) + m.group(3)

        text = BLOCK.sub(block, text)
        db = cwd / "schema.db"
        # A new database, made and migrated by the Store as any command would.
        _run(f"{sys.executable} -c 'from tracker.store import Store; Store(\"{db}\").close()'",
             cwd, env)  # fmt: skip
        table = _run(f"tracker --db {db} schema --format markdown", cwd, env)
        return SCHEMA.sub(lambda m: m.group(1) + table + "\n" + m.group(3), text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="rewrite README.md")
    mode.add_argument("--check", action="store_true", help="fail if README.md differs")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    real = replay(text)
    if args.write:
        README.write_text(real, encoding="utf-8")
        return 0
    if real != text:
        diff = difflib.unified_diff(
            text.splitlines(), real.splitlines(), "README.md", "real output", lineterm="", n=2
        )
        print("\n".join(list(diff)[:60]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
