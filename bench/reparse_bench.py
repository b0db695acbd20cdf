"""Keeping original files and reading them again, at scale: the history benchmark's
documents (``--docs`` x 20 versions x ~50 provisions, built through ``add_version``), then:

- the ``sources`` table against the raw text it keeps (zlib level 6);
- the migration's backfill: compressing every stored text, per 1,000 versions;
- ``reparse --all`` with nothing to do (every version's reader current), ``--force`` with
  identical results (read again, compared, nothing written), and a full rebuild (provisions
  damaged by hand first, so every version is rewritten and every document relinked),
  against relinking every document, which is the diff engine's share of a rebuild.

Prints a table of CPU times (this process); asserts nothing.

    .venv/bin/python bench/reparse_bench.py [--docs N] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from history_bench import SEED, VERSIONS, Writer, build  # noqa: E402

from tracker import history  # noqa: E402
from tracker.reparse import reparse_all  # noqa: E402
from tracker.store import Store  # noqa: E402


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    """CPU seconds of this process: on a shared machine, wall time measures the others."""
    t = time.process_time()
    fn()
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=50, help="documents (default 50)")
    ap.add_argument("--db", help="reuse (or keep) the database in this file")
    args = ap.parse_args()
    tmp = None
    if args.db:
        path = args.db
    else:
        tmp = tempfile.TemporaryDirectory()
        path = os.path.join(tmp.name, "bench.db")
    store = Store(path)
    if not store.documents():
        print(f"building {args.docs} documents x {VERSIONS} versions", file=sys.stderr)
        build(store, args.docs, Writer(random.Random(SEED)))
    docs = len(store.documents())
    con = sqlite3.connect(path)
    (versions,) = con.execute("SELECT count(*) FROM versions").fetchone()
    (raw,) = con.execute("SELECT sum(size) FROM sources").fetchone()
    (packed,) = con.execute("SELECT sum(length(data)) FROM sources").fetchone()
    texts = [t.encode("utf-8") for (t,) in con.execute("SELECT text FROM versions")]
    con.close()

    backfill = timed(lambda: [zlib.compress(t) for t in texts])
    list(reparse_all(store))  # warm up: imports, page cache; first-run readers re-read here
    nothing = timed(lambda: list(reparse_all(store)))
    force = timed(lambda: list(reparse_all(store, force=True)))
    with store.transaction():
        store.db.execute("UPDATE provisions SET heading = 'stale'")
    rebuild = timed(lambda: list(reparse_all(store, force=True)))
    relink = timed(lambda: [history.relink(store, d.slug) for d in store.documents()])
    store.close()

    print(f"\n{docs} documents, {versions:,} versions, {raw / 1e6:.1f} MB of original files\n")
    print("| measure | value | baseline | baseline value |")
    print("|---|---:|---|---:|")
    print(f"| sources table (zlib) | {packed / 1e6:.1f} MB | original bytes | {raw / 1e6:.1f} MB "
          f"({raw / packed:.1f}x) |")  # fmt: skip
    per_k = backfill / versions * 1000
    print(f"| migration backfill, compressing | {per_k * 1000:.1f} ms per 1,000 versions | | |")
    base = f"| relink every document | {relink:.2f} s |"
    print(f"| reparse --all, nothing to read | {nothing:.2f} s " + base)
    print(f"| reparse --all --force, same result | {force:.2f} s " + base)
    print(f"| reparse --all --force, every version rebuilt | {rebuild:.2f} s " + base)
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
