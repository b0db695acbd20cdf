"""History database at scale: 500 documents x 20 versions x 50 provisions (500,000
provisions), built through the normal ingest path (parse, store, link each version to its
neighbours), then timed:

- adding one more version (at the end, and in the middle of a timeline) against rebuilding
  the document's links from scratch, which is what adding would cost without incremental
  linking;
- a provision's history and a document's figures from the stored links, against
  recomputing them with the diff engine over every consecutive pair;
- full-text search with FTS5 against a full scan with LIKE;
- the database size against the raw text size.

Prints a table; asserts nothing. ``--docs 50`` for a quick run.

    .venv/bin/python bench/history_bench.py [--docs N] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

from tracker import history
from tracker.diff import diff_provisions
from tracker.ingest import add_version
from tracker.sources import Source
from tracker.store import Store
from tracker.termdiff import FIGURE_TYPES

SEED = 20251120
VERSIONS = 20
PROVISIONS = 50
RARE = "Zaporizhzhia"  # in ~5% of documents: a selective search
SYLLABLES = "ka ro mi tu sen dor vel an ist por lak nem ur zu bel ga ti".split()
COMMON = (
    "the of and to in a shall will be for on by with parties agreement Ukraine Russia "
    "security forces territory guarantees sanctions committee line contact ceasefire "
    "elections reconstruction fund assets NATO European Union United States council "
    "monitor within after before all any each state states international"
).split()


# --- text generation ------------------------------------------------------------------


def vocabulary(rng: random.Random, n: int = 4000) -> tuple[list[str], list[float]]:
    """Common words plus a long tail of made-up words, Zipf-weighted like real prose."""
    tail = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(n)}
    words = COMMON + sorted(tail)
    return words, [1 / (rank + 1) ** 0.9 for rank in range(len(words))]


class Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words, self.weights = vocabulary(rng)

    def figure(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"{r.randrange(100, 999) * 1000:,} personnel",
                f"${r.randrange(10, 900)} billion",
                f"within {r.randrange(10, 200)} days",
                f"{r.randrange(5, 95)}%",
            ]
        )

    def provision(self, rare: bool = False) -> str:
        """~200 characters: a sentence or two, sometimes with a figure."""
        words = self.rng.choices(self.words, self.weights, k=self.rng.randint(26, 34))
        if self.rng.random() < 0.3:
            words.insert(self.rng.randrange(len(words)), self.figure())
        if rare:
            words.insert(self.rng.randrange(len(words)), RARE)
        return (" ".join(words) + ".").capitalize()

    def reword(self, text: str) -> str:
        words = text.split(" ")
        for _ in range(self.rng.randint(1, 3)):
            words[self.rng.randrange(len(words))] = self.rng.choice(self.words)
        return " ".join(words)

    def refigure(self, text: str) -> str:
        """Change the first figure of the text (or reword it when it has none)."""
        words = text.split(" ")
        for i, w in enumerate(words):
            if any(c.isdigit() for c in w):
                words[i] = self.figure().split(" ")[0]
                return " ".join(words)
        return self.reword(text)

    def next_version(self, points: list[str]) -> list[str]:
        """Reword a few points, change a figure, and sometimes insert, strike out or move
        a point (every later point renumbered)."""
        r = self.rng
        points = list(points)
        for i in r.sample(range(len(points)), 3):
            points[i] = self.reword(points[i])
        i = r.randrange(len(points))
        points[i] = self.refigure(points[i])
        if r.random() < 0.5:
            points.insert(r.randrange(len(points) + 1), self.provision())
        if r.random() < 0.3 and len(points) > PROVISIONS // 2:
            points.pop(r.randrange(len(points)))
        if r.random() < 0.3:
            points.insert(r.randrange(len(points)), points.pop(r.randrange(len(points))))
        return points


def render(title: str, points: list[str]) -> str:
    return title + "\n\n" + "\n".join(f"{n}. {p}" for n, p in enumerate(points, 1)) + "\n"


def timeline(writer: Writer, doc: int) -> list[str]:
    rare = doc % 20 == 0
    points = [writer.provision(rare and i == 7) for i in range(PROVISIONS)]
    texts = [render(f"Draft agreement {doc}", points)]
    for _ in range(VERSIONS - 1):
        points = writer.next_version(points)
        texts.append(render(f"Draft agreement {doc}", points))
    return texts


def day(n: int, hour: int = 0) -> str:
    return f"2025-{1 + n // 28:02d}-{1 + n % 28:02d}T{hour:02d}:00:00+00:00"


def add(store: Store, doc: str, text: str, at: str, label: str) -> None:
    add_version(store, doc, Source(text=text, name=label), at=at, label=label, kind="plan")


def build(store: Store, docs: int, writer: Writer) -> int:
    """Every version through ``add_version`` (parse, store, link), one transaction per
    document like ``tracker import``. Returns the raw text size in bytes."""
    raw = 0
    start = time.perf_counter()
    for d in range(docs):
        texts = timeline(writer, d)
        with store.transaction():
            for v, text in enumerate(texts):
                add(store, f"doc-{d:04d}", text, day(v), f"v{v + 1}")
                raw += len(text.encode("utf-8"))
        if (d + 1) % 50 == 0 or d + 1 == docs:
            rate = (d + 1) / (time.perf_counter() - start)
            print(f"  built {d + 1}/{docs} documents ({rate:.1f}/s)", file=sys.stderr)
    return raw


# --- baselines: recompute with the engine ---------------------------------------------


def recomputed_history(store: Store, doc: str, path: str) -> list[str | None]:
    """The provision's path in every version, found by diffing every consecutive pair."""
    provs = [store.provisions(v.id) for v in store.versions(doc)]
    cur = [p.ordinal for p in provs[-1] if p.path == path]
    paths: list[str | None] = [path]
    for k in range(len(provs) - 1, 0, -1):
        back = {}
        for ch in diff_provisions(provs[k - 1], provs[k]).changes:
            for n in ch.new:
                back[n.ordinal] = [o.ordinal for o in ch.old]
        cur = [o for c in cur for o in back.get(c, [])]
        paths.append(provs[k - 1][cur[0]].path if cur else None)
    return paths[::-1]


def recomputed_figures(store: Store, doc: str) -> list[tuple[str, str]]:
    provs = [store.provisions(v.id) for v in store.versions(doc)]
    out = []
    for a, b in zip(provs, provs[1:], strict=False):
        for ch in diff_provisions(a, b).changes:
            out += [(t.old, t.new) for t in ch.terms if t.type in FIGURE_TYPES]
    return out


def like_scan(path: str, word: str, limit: int = 50) -> list[tuple]:
    """The newest ``limit`` provisions containing ``word``: without an index every row is
    read (a LIMIT alone would stop early on a common word and time nothing)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(
            "SELECT id, document, label FROM provision_texts "
            "WHERE text LIKE ? ORDER BY at DESC, id LIMIT ?",
            [f"%{word}%", limit],
        ).fetchall()
    finally:
        con.close()


# --- timing ---------------------------------------------------------------------------


def timed(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def timed_each(fns: list[Callable[[], object]]) -> float:
    """Median of calls that each change the database (no warm-up: each runs once)."""
    times = []
    for fn in fns:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def table_sizes(path: str) -> tuple[list[tuple[str, int]], int]:
    """Bytes per table and index (dbstat), and the bytes of distinct provision texts (what
    a table storing each provision text once would hold)."""
    con = sqlite3.connect(path)
    try:
        distinct = con.execute(
            "SELECT sum(length(CAST(text AS BLOB))) FROM (SELECT DISTINCT text FROM texts)"
        ).fetchone()[0]
        try:
            rows = con.execute(
                "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
            ).fetchall()
        except sqlite3.OperationalError:  # SQLite built without dbstat
            rows = []
    finally:
        con.close()
    return rows, distinct or 0


def measure(store: Store, path: str, docs: int, writer: Writer, rng: random.Random) -> list:
    """(operation, tracker time, baseline name, baseline time, target) rows."""
    picks = rng.sample(range(docs), min(docs, 10))
    names = [f"doc-{d:04d}" for d in picks]
    # Adding: a new last version, then one between v10 and v11 (two diffs, a step replaced).
    extra = {n: writer.next_version([p.text for p in store.provisions(
        store.versions(n)[-1].id)]) for n in names}  # fmt: skip
    run = f"{time.time_ns() % 10**9:09d}"  # unique labels: a re-run adds more versions
    add_end = timed_each(
        [lambda n=n: add(store, n, render("x", extra[n]), day(40), f"e{run}") for n in names]
    )
    add_mid = timed_each(
        [lambda n=n: add(store, n, render("y", extra[n]), day(9, 12), f"m{run}") for n in names]
    )
    relink = timed_each([lambda n=n: history.relink(store, n) for n in names[:5]])

    def latest_path(n: str) -> str:
        return rng.choice(list(store.provision_paths(store.versions(n)[-1].id)))

    probes = [(n, latest_path(n)) for n in names]
    hist = statistics.median(timed(lambda p=p: history.lineage(store, *p), 5) for p in probes)
    hist_base = statistics.median(
        timed(lambda p=p: recomputed_history(store, *p), 1) for p in probes[:3]
    )
    figs = statistics.median(timed(lambda n=n: history.figures(store, n), 5) for n in names)
    figs_base = statistics.median(
        timed(lambda n=n: recomputed_figures(store, n), 1) for n in names[:3]
    )
    rows = [
        ("add a version (at the end)", add_end, "relink the whole document", relink, 0.5),
        ("add a version (in the middle)", add_mid, "relink the whole document", relink, 0.5),
        ("history of one provision", hist, "recompute 20 diffs", hist_base, 0.05),
        ("figures of one document", figs, "recompute 20 diffs", figs_base, 0.05),
    ]
    for label, query, word in (
        (f"search '{RARE}' (rare)", RARE, RARE),
        ("search 'ceasefire' (common)", "ceasefire", "ceasefire"),
        ("search phrase '\"line contact\"'", '"line contact"', "line contact"),
        ("search prefix 'Zapor*' --doc", "Zapor*", "Zapor"),
    ):
        doc = "doc-0000" if "--doc" in label else None
        t = timed(lambda q=query, d=doc: history.search(store, q, doc=d), 5)
        base = timed(lambda w=word: like_scan(path, w), 1)
        rows.append((label, t, "LIKE full scan", base, 0.05))
    return rows


def existing(path: str) -> tuple[int, int]:
    """(documents, raw text bytes) of a database built by an earlier run."""
    con = sqlite3.connect(path)
    try:
        docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        raw = con.execute("SELECT sum(length(CAST(text AS BLOB))) FROM versions").fetchone()[0]
    finally:
        con.close()
    return docs, raw


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=500, help="documents (default 500)")
    ap.add_argument(
        "--db",
        help="keep the database in this file; if it exists, measure it without rebuilding "
        "(default: a temporary file, removed after)",
    )
    args = ap.parse_args()
    writer = Writer(random.Random(SEED))
    tmp = None
    if args.db:
        path = args.db
    else:
        tmp = tempfile.TemporaryDirectory()
        path = os.path.join(tmp.name, "bench.db")
    store = Store(path)
    built = None
    if store.documents():
        docs, raw = existing(path)
    else:
        docs = args.docs
        n = docs * VERSIONS * PROVISIONS
        print(f"building {docs} documents x {VERSIONS} versions x ~{PROVISIONS} provisions "
              f"(~{n:,} provisions)", file=sys.stderr)  # fmt: skip
        t = time.perf_counter()
        raw = build(store, docs, writer)
        built = time.perf_counter() - t
    # Fresh randomness for what is added while measuring, so a re-run adds new texts.
    rng = random.Random(time.time_ns())
    rows = measure(store, path, docs, Writer(rng), rng)
    store.close()  # the last connection checkpoints the WAL into the file
    report(docs, built, raw, os.path.getsize(path), rows, table_sizes(path))
    if tmp:
        tmp.cleanup()


def report(
    docs: int, built: float, raw: int, size: int, rows: list, sizes: tuple[list, int]
) -> None:
    tables, distinct = sizes
    how = f"built in {built:,.0f} s" if built is not None else "built by an earlier run"
    print(f"\n{docs} documents x {VERSIONS} versions x ~{PROVISIONS} provisions, {how} "
          "through add_version (parse, store, link)\n")  # fmt: skip
    print("| operation | tracker | baseline | baseline time | speed-up | target |")
    print("|---|---:|---|---:|---:|---:|")
    for label, t, base_name, base, target in rows:
        ok = "ok" if t < target else "MISSED"
        print(f"| {label} | {fmt(t)} | {base_name} | {fmt(base)} | {base / t:,.0f}x | "
              f"< {fmt(target)} {ok} |")  # fmt: skip
    ratio = size / raw
    print(f"| database size | {size / 1e6:,.0f} MB | raw text | {raw / 1e6:,.0f} MB | "
          f"{ratio:.2f}x the text | < 3x {'ok' if ratio < 3 else 'MISSED'} |")  # fmt: skip
    if tables:
        print("\nlargest tables and indexes (x = share of the raw text size):")
        for name, b in tables[:10]:
            print(f"  {name:<40} {b / 1e6:8,.1f} MB  {b / raw:5.2f}x")
    print(f"  distinct provision texts: {distinct / 1e6:,.1f} MB ({distinct / raw:.2f}x): "
          "most provisions repeat verbatim from version to version")  # fmt: skip


if __name__ == "__main__":
    main()
