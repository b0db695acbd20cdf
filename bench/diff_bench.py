"""Benchmark: tracker's provision-level diff against whole-text baselines.

Generates pairs of numbered documents (100, 1,000, 5,000 provisions of ~200 characters;
10% reworded, 5% moved, 3% added, 3% removed, 1% split, 1% merged, everything renumbered)
and times, in the same run:

- tracker engine: parse + align + word-level term diff, in process
- ``tracker diff --files`` as a command (start-up included)
- ``git diff --no-index --word-diff`` (no alignment at all: the fast floor)
- difflib.HtmlDiff and diff-match-patch on the whole texts (slow: run in a child process
  and capped by --timeout, reported as "> T s")

It also scores the alignment against the generator's ground truth (precision and recall
of old→new provision pairs, moves found). Prints a Markdown table; asserts nothing.

    python bench/diff_bench.py [--sizes 100,1000,5000] [--timeout 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tracker.diff import diff_texts

WORDS = (
    "agreement parties security guarantee territory ceasefire sanctions reconstruction "
    "fund assets elections humanitarian exchange prisoners council monitoring line contact "
    "forces personnel troops nuclear plant electricity shipping grain river treaty "
    "membership market access investment development infrastructure gas financing "
    "commission committee dialogue mediation sovereignty referendum zone buffer withdrawal "
    "amnesty education tolerance minorities language church law parliament ratification "
    "binding violation response coordinated restored recognition revoked lapse void "
    "compensation profit vehicle cooperation economy reintegration invitation stages"
).split()
FILLER = "the of and to in a for on with by shall will may be is are as at from".split()


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Pseudo-words from syllables, plus the domain words: a vocabulary big enough that,
    drawn with a Zipf-like law, provisions differ the way real clauses do."""
    syllables = "ka ro mi te su na lo vi de ra po li ne to ma se gu fa zi ba".split()
    words = set(WORDS)
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _sentence(rng: random.Random, vocab: list[str], n_chars: int = 200) -> str:
    out: list[str] = []
    while sum(len(w) + 1 for w in out) < n_chars:
        r = rng.random()
        if r < 0.45:
            # Zipf-like: low ranks far more often than high ones.
            out.append(vocab[min(int(rng.paretovariate(0.8)) - 1, len(vocab) - 1)])
        elif r < 0.95:
            out.append(rng.choice(FILLER))
        else:
            out.append(f"{rng.randint(1, 999) * 1000:,}")
    return " ".join(out).capitalize() + "."


def make_pair(n: int, seed: int = 1) -> tuple[str, str, set[tuple[int, int]], int]:
    """Old text, new text, the true (old ordinal, new ordinal) pairs, number of moves."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    rng.shuffle(vocab)
    old = [_sentence(rng, vocab) for _ in range(n)]
    # Each new item: (old ids it came from, body)
    items: list[tuple[tuple[int, ...], str]] = [((i,), body) for i, body in enumerate(old)]
    ops = ["keep"] * n
    for i in rng.sample(range(n), max(1, n * 10 // 100)):
        ops[i] = "reword"
    k = 0
    for op_name, share in (("remove", 3), ("split", 1), ("merge", 1), ("move", 5)):
        for i in rng.sample(range(n), max(1, n * share // 100)):
            if ops[i] == "keep":
                ops[i] = op_name
                k += 1
    new: list[tuple[tuple[int, ...], str]] = []
    moved: list[tuple[tuple[int, ...], str]] = []
    skip = False
    for idx, ((ids, body), op) in enumerate(zip(items, ops, strict=True)):
        if skip:
            skip = False
            continue
        if op == "reword":
            words = body.split()
            for _ in range(rng.randint(1, 3)):
                words[rng.randrange(len(words))] = rng.choice(vocab)
            new.append((ids, " ".join(words)))
        elif op == "remove":
            continue
        elif op == "split":
            words = body.split()
            half = len(words) // 2
            new.append((ids, " ".join(words[:half]) + "."))
            new.append((ids, " ".join(words[half:]).capitalize()))
        elif op == "merge" and idx + 1 < len(items) and ops[idx + 1] == "keep":
            new.append((ids + items[idx + 1][0], body + " " + items[idx + 1][1]))
            skip = True
        elif op == "move":
            moved.append((ids, body))
        else:
            new.append((ids, body))
    for m in moved:
        new.insert(rng.randrange(len(new) + 1), m)
    for _ in range(max(1, n * 3 // 100)):
        new.insert(rng.randrange(len(new) + 1), ((), _sentence(rng, vocab)))
    truth = {(i, j) for j, (ids, _) in enumerate(new) for i in ids}
    old_text = "\n".join(f"{i + 1}. {body}" for i, body in enumerate(old))
    # Numbering starts at 3 in the new text so that every provision is renumbered.
    new_text = "\n".join(f"{j + 3}. {body}" for j, (_, body) in enumerate(new))
    return old_text, new_text, truth, len(moved)


def _found_pairs(diff) -> set[tuple[int, int]]:
    return {(o.ordinal, n.ordinal) for c in diff.changes for o in c.old for n in c.new}


def _time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _htmldiff(a: str, b: str) -> None:
    import difflib

    difflib.HtmlDiff().make_file(a.splitlines(), b.splitlines())


def _dmp(a: str, b: str, timeout: float) -> None:
    from diff_match_patch import diff_match_patch

    d = diff_match_patch()
    d.Diff_Timeout = timeout
    diffs = d.diff_main(a, b)
    d.diff_cleanupSemantic(diffs)


def _capped(target, args: tuple, timeout: float) -> float | None:
    """Run ``target(*args)`` in a child process; its wall time, or None past ``timeout``."""
    proc = mp.get_context("fork").Process(target=target, args=args)
    t0 = time.perf_counter()
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return time.perf_counter() - t0


def _fmt(seconds: float | None, cap: float) -> str:
    if seconds is None:
        return f"> {cap:g} s"
    return f"{seconds:.3f} s" if seconds >= 0.001 else "< 0.001 s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,5000")
    ap.add_argument("--timeout", type=float, default=20.0, help="cap for slow baselines, s")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    tracker_cmd = shutil.which("tracker") or str(Path(sys.executable).parent / "tracker")
    git = shutil.which("git")

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            old, new, truth, n_moves = make_pair(n)
            a, b = Path(tmp, f"a{n}.txt"), Path(tmp, f"b{n}.txt")
            a.write_text(old)
            b.write_text(new)
            engine = _time(lambda old=old, new=new: diff_texts(old, new, "plan"), args.repeat)
            diff = diff_texts(old, new, "plan")
            found = _found_pairs(diff)
            hits = len(found & truth)
            precision = hits / len(found) if found else 1.0
            recall = hits / len(truth) if truth else 1.0
            moves = sum(1 for c in diff.changes if c.moved)
            command = _time(
                lambda a=a, b=b: subprocess.run(
                    [tracker_cmd, "diff", "--files", str(a), str(b), "--format", "json"],
                    check=True,
                    capture_output=True,
                ),
                args.repeat,
            )
            gitwd = None
            if git:
                gitwd = _time(
                    lambda a=a, b=b: subprocess.run(
                        [git, "diff", "--no-index", "--word-diff", str(a), str(b)],
                        capture_output=True,
                    ),
                    args.repeat,
                )
            html = _capped(_htmldiff, (old, new), args.timeout)
            dmp1 = _capped(_dmp, (old, new, 1.0), args.timeout)
            dmp0 = _capped(_dmp, (old, new, 0.0), args.timeout)
            rows.append(
                (n, len(old), engine, command, gitwd, html, dmp1, dmp0, precision, recall,
                 moves, n_moves)
            )  # fmt: skip
            print(f"done {n}", file=sys.stderr)

    cap = args.timeout
    print(
        "| provisions | size | tracker engine | `tracker diff --files` | git --word-diff "
        "| engine / git | difflib.HtmlDiff | dmp, 1 s timeout | dmp, no timeout "
        "| pairs precision | pairs recall | moves found |"
    )
    print("|" + "---|" * 12)
    for n, size, engine, command, gitwd, html, dmp1, dmp0, p, r, moves, n_moves in rows:
        ratio = f"{engine / gitwd:.1f}×" if gitwd else "n/a"
        print(
            f"| {n:,} | {size / 1024:,.0f} kB | {_fmt(engine, cap)} | {_fmt(command, cap)} "
            f"| {_fmt(gitwd, cap)} | {ratio} | {_fmt(html, cap)} | {_fmt(dmp1, cap)} "
            f"| {_fmt(dmp0, cap)} | {p:.3f} | {r:.3f} | {moves} flagged / {n_moves} moved |"
        )
    print(
        "\nengine = parse + align + word-level term diff, in process, median of "
        f"{args.repeat}; baselines past {cap:g} s were stopped. dmp on whole texts with "
        "its default 1 s timeout returns quickly but degrades to delete-all/insert-all."
    )


if __name__ == "__main__":
    main()
