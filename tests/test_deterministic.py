"""The same two texts give the same diff in every process.

Python salts the hash of every string per process (PYTHONHASHSEED), so anything that
iterates a set of words in its own order, and breaks ties by that order, would pair
provisions differently from one run to the next: a stored diff would disagree with the
same diff computed again. The test runs the command under several seeds and compares
the bytes.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path

from conftest import tracker_executable

SYLLABLES = "ka ro mi te su na lo vi de ra po li ne to ma se gu fa zi ba".split()


def _document(seed: int, points: int = 1000) -> str:
    """Numbered points drawn from one invented vocabulary (a few words often, most
    rarely) with amounts among them, each document with its own seed: two documents of
    one domain that share words and figure shapes but no provision, so candidate pairs
    are many and their weights tie often."""
    shared = random.Random(0)
    vocab = sorted({"".join(shared.choice(SYLLABLES) for _ in range(4)) for _ in range(3000)})
    rng = random.Random(seed)
    lines = []
    for k in range(1, points + 1):
        words = []
        for _ in range(25):
            r = rng.random()
            if r < 0.5:
                words.append(vocab[min(int(rng.paretovariate(0.8)) - 1, len(vocab) - 1)])
            elif r < 0.95:
                words.append(rng.choice(("the", "of", "and", "shall", "by", "for")))
            else:
                words.append(f"{rng.randint(1, 999) * 1000:,}")
        lines.append(f"{k}. " + " ".join(words) + ".")
    return "\n".join(lines) + "\n"


def _diff(old: Path, new: Path, seed: int) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    done = subprocess.run(
        [tracker_executable(), "diff", "--files", str(old), str(new), "--format", "json"],
        capture_output=True, env=env, check=True,
    )  # fmt: skip
    return done.stdout


def test_unrelated_documents_diff_the_same_under_every_hash_seed(tmp_path: Path) -> None:
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(_document(11), encoding="utf-8")
    new.write_text(_document(12), encoding="utf-8")
    outputs = {_diff(old, new, seed) for seed in (0, 1, 2, 3)}
    assert len(outputs) == 1
    (out,) = outputs
    assert len(json.loads(out)["changes"]) >= 300
