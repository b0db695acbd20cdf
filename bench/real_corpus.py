"""Benchmark: import every version of every real document and diff every consecutive pair.

The corpus is the git bundle of published policy documents at
``../shared/corpora/ota-pga-versions.bundle`` from the repository root (cloned at run time
into a temporary directory, or ``--repo`` names an existing clone); each commit records one
new version of one Markdown document. Skips cleanly when the corpus is absent.

Two timed phases, in one run:

1. **import**: every version, oldest first, through :func:`tracker.ingest.add_version` into a
   fresh SQLite file in a temporary directory (each version is one transaction that also
   stores its links to the previous version, so this phase diffs every stored pair too).
   A version whose text equals one already stored is not stored again (counted apart).
2. **diff**: every consecutive pair of distinct versions read with the document reader
   (Markdown when ``tracker.readers.markdown`` exists, else plain text), built into
   provisions and diffed with :func:`tracker.diff.diff_provisions`; the distribution of
   change kinds and flags is counted.

Both phases run document by document, with progress on stderr; Ctrl-C (or SIGTERM) stops
the run and reports the documents done. A failure in either phase is caught and listed
(document, commits, exception): it is a bug to report, never a reason to stop. Prints a
Markdown report; ``--json`` prints the figures as JSON. Asserts nothing.

    python bench/real_corpus.py [--repo CLONE] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # real_align, when imported

from real_align import BUNDLE, corpus, markdown_format  # noqa: E402

from tracker.diff import KINDS, diff_provisions  # noqa: E402
from tracker.ingest import add_version  # noqa: E402
from tracker.provisions import build  # noqa: E402
from tracker.readers import read  # noqa: E402
from tracker.sources import read_bytes  # noqa: E402
from tracker.store import Store  # noqa: E402


@dataclass
class Report:
    documents: int = 0
    versions: int = 0
    stored: int = 0
    duplicates: int = 0
    raw_bytes: int = 0
    db_bytes: int = 0
    import_seconds: float = 0.0
    pairs: int = 0
    diff_seconds: float = 0.0
    provisions: int = 0
    changes: collections.Counter[str] = field(default_factory=collections.Counter)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    partial: bool = False  # interrupted (Ctrl-C): figures cover the documents done


def history(repo: Path) -> dict[str, list[tuple[str, str]]]:
    """Each document's versions, oldest first: path -> [(commit, ISO date), ...]."""
    log = subprocess.run(
        ["git", "-C", str(repo), "log", "--reverse", "--format=@%H %aI", "--name-only"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    out: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    commit = ("", "")
    for line in log.splitlines():
        if line.startswith("@"):
            h, when = line[1:].split()
            commit = (h, when)
        elif line.strip().endswith(".md") and "/" in line:
            out[line.strip()].append(commit)
    return dict(sorted(out.items()))


class Blobs:
    """``git cat-file --batch``: one process for every file version (a ``git show`` per
    version would cost more than tracker's own work on small documents)."""

    def __init__(self, repo: Path) -> None:
        self.proc = subprocess.Popen(
            ["git", "-C", str(repo), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def get(self, commit: str, path: str) -> bytes | None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{commit}:{path}\n".encode())
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        if header[-1] == b"missing":
            return None  # deleted in that commit
        data = self.proc.stdout.read(int(header[2]))
        self.proc.stdout.read(1)
        return data

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait()


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower().removesuffix(".md")).strip("-")


def run(repo: Path, limit: int | None, fmt: str, db_path: Path, rep: Report) -> None:
    """Fill ``rep`` document by document (both phases for one document, then the next), so
    that an interrupted run still reports consistent figures for the documents done."""
    docs = history(repo)
    if limit is not None:
        docs = dict(list(docs.items())[:limit])
    blobs = Blobs(repo)
    store = Store(db_path)
    started = time.perf_counter()
    try:
        for n, (path, commits) in enumerate(docs.items(), start=1):
            versions = [(c, w, d) for c, w in commits if (d := blobs.get(c, path)) is not None]
            _import(store, path, versions, rep)
            _diff(path, [(c, d) for c, _, d in versions], fmt, rep)
            rep.documents += 1
            rep.versions += len(versions)
            rep.raw_bytes += sum(len(d) for _, _, d in versions)
            print(
                f"[{n}/{len(docs)}] {path}: {len(versions)} versions, "
                f"{time.perf_counter() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    except KeyboardInterrupt:
        rep.partial = True
    finally:
        blobs.close()
        store.close()
    rep.db_bytes = sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*"))
    rep.slowest = sorted(rep.slowest, reverse=True)[:5]


def _import(store: Store, path: str, versions: list[tuple[str, str, bytes]], rep: Report) -> None:
    """Phase 1: every version, oldest first (storing links = diffing each stored pair)."""
    name = slug(path)
    start = time.perf_counter()
    for commit, when, data in versions:
        label = f"{when[:10]}-{commit[:8]}"
        try:
            added = add_version(store, name, read_bytes(data, path), at=when, label=label)
        except Exception as exc:  # noqa: BLE001 - every failure is listed, none stops
            rep.failures.append(f"import {path} {commit[:8]}: {_what(exc)}")
            continue
        rep.stored += added.stored
        rep.duplicates += not added.stored
    rep.import_seconds += time.perf_counter() - start


def _diff(path: str, versions: list[tuple[str, bytes]], fmt: str, rep: Report) -> None:
    """Phase 2: every consecutive pair of distinct versions, through the reader."""
    start = time.perf_counter()
    previous = None
    for commit, data in versions:
        if previous is not None and previous[1] == data:
            continue
        try:
            provs = build(read(data, format=fmt, name=Path(path).name).blocks, kind="plan")
        except Exception as exc:  # noqa: BLE001
            rep.failures.append(f"read {path} {commit[:8]}: {_what(exc)}")
            previous = None
            continue
        rep.provisions += len(provs)
        if previous is not None:
            t0 = time.perf_counter()
            try:
                diff = diff_provisions(previous[2], provs)
            except Exception as exc:  # noqa: BLE001
                rep.failures.append(f"diff {path} {previous[0][:8]}..{commit[:8]}: {_what(exc)}")
            else:
                rep.pairs += 1
                rep.slowest.append(
                    (time.perf_counter() - t0, f"{path} {previous[0][:8]}..{commit[:8]}")
                )
                for c in diff.changes:
                    rep.changes[c.kind] += 1
                    rep.changes["renumbered"] += c.renumbered
                    rep.changes["moved"] += c.moved
        previous = (commit, data, provs)
    rep.diff_seconds += time.perf_counter() - start


def _what(exc: Exception) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def print_report(rep: Report, fmt: str) -> None:
    if rep.partial:
        print("interrupted: the figures cover the documents done\n")
    print(f"{rep.documents} documents, {rep.versions} versions ({_mb(rep.raw_bytes)} of text)")
    print(f"tracker reads with the {fmt} reader\n")
    rate = rep.versions / rep.import_seconds if rep.import_seconds else 0.0
    pair_rate = rep.pairs / rep.diff_seconds if rep.diff_seconds else 0.0
    print("| phase | work | time | rate |")
    print("|---|---|---|---|")
    print(
        f"| import (add_version, links included) | {rep.versions} versions: {rep.stored} stored, "
        f"{rep.duplicates} identical to a stored one | {rep.import_seconds:.1f} s "
        f"| {rate:.1f} versions/s |"
    )
    print(
        f"| read + build + diff | {rep.pairs} consecutive pairs, {rep.provisions} provisions "
        f"| {rep.diff_seconds:.1f} s | {pair_rate:.1f} pairs/s |"
    )
    ratio = rep.db_bytes / rep.raw_bytes if rep.raw_bytes else 0.0
    print(f"\nDB size: {_mb(rep.db_bytes)} for {_mb(rep.raw_bytes)} of raw text ({ratio:.2f}x)")
    total = sum(rep.changes[k] for k in KINDS)
    print(f"\nChanges over all pairs ({total}):\n")
    print("| " + " | ".join((*KINDS, "renumbered", "moved")) + " |")
    print("|" + "---|" * (len(KINDS) + 2))
    print("| " + " | ".join(str(rep.changes[k]) for k in (*KINDS, "renumbered", "moved")) + " |")
    print("\nSlowest diffs: " + "; ".join(f"{s:.2f} s {w}" for s, w in rep.slowest))
    print(f"\nFailures: {len(rep.failures)}")
    for f in rep.failures:
        print(f"- {f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", help="an existing clone of the corpus (default: clone the bundle)")
    ap.add_argument("--limit", type=int, help="only the first N documents (by path)")
    ap.add_argument("--format", choices=("text", "markdown"), help="reader for the diff phase")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    fmt = args.format or markdown_format()
    # SIGTERM stops the run like Ctrl-C: the documents done are reported.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with corpus(args.repo) as repo, tempfile.TemporaryDirectory(prefix="real-corpus-") as tmp:
        if repo is None:
            print(f"real_corpus: corpus not found ({args.repo or BUNDLE}); skipped")
            return 0
        rep = Report()
        run(repo, args.limit, fmt, Path(tmp) / "corpus.db", rep)
    if args.json:
        out = {k: v for k, v in rep.__dict__.items() if k not in ("changes", "slowest")}
        out["changes"] = dict(rep.changes)
        out["slowest"] = [{"seconds": round(s, 3), "pair": w} for s, w in rep.slowest]
        out["reader"] = fmt
        out["import_seconds"] = round(rep.import_seconds, 2)
        out["diff_seconds"] = round(rep.diff_seconds, 2)
        print(json.dumps(out, indent=2))
    else:
        print_report(rep, fmt)
    return 0


if __name__ == "__main__":
    sys.exit(main())
