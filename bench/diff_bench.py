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
import os
import random
import re
import resource
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
    """Median CPU time of ``fn()`` in this process. CPU time, not cpu time: the machine
    is shared, and other processes' load would otherwise be counted as ours."""
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def _run(cmd: list[str], check: bool = True, env: dict | None = None) -> tuple[float, float]:
    """CPU time (user + system) and peak RSS (MB) of one child process, from its own
    resource usage; its output is thrown away."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = proc.stderr.read().decode() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if check and proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed: {err}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _busy(n: int) -> float:
    """A pure-Python loop of ``n`` steps; its wall time."""
    t0 = time.perf_counter()
    total = 0
    for k in range(n):
        total += k
    return time.perf_counter() - t0


def _busy_wall(processes: int, n: int = 10_000_000) -> float:
    """Wall time of ``processes`` busy loops run at once (one: in this process)."""
    if processes == 1:
        return _busy(n)
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(processes) as pool:
        pool.submit(_busy, 1).result()  # the pool started before the clock
        t0 = time.perf_counter()
        list(pool.map(_busy, [n] * processes))
        return time.perf_counter() - t0


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _cmd_time(cmd: list[str], repeat: int, check: bool = True) -> tuple[float, float]:
    """Median CPU time and largest peak RSS of ``repeat`` runs of a command."""
    runs = [_run(cmd, check) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


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
    """Run ``target(*args)`` in a child process; its cpu time, or None past ``timeout``."""
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


# --- hard cases ---------------------------------------------------------------------------
# Inputs that defeat the easy path: no exact anchors, one enormous provision, documents
# large enough for memory to matter, look-alike provisions, nothing in common, nesting.


def _reword(rng: random.Random, vocab: list[str], body: str, share: float) -> str:
    words = body.split()
    for k in rng.sample(range(len(words)), max(1, round(len(words) * share))):
        words[k] = rng.choice(vocab)
    return " ".join(words)


def make_reworded(n: int, share: float = 0.4, seed: int = 2) -> tuple[str, str, set]:
    """Every provision reworded by ``share`` of its words, all renumbered: no exact
    anchor anywhere."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    old = [_sentence(rng, vocab) for _ in range(n)]
    new = [_reword(rng, vocab, b, share) for b in old]
    return (
        "\n".join(f"{i + 1}. {b}" for i, b in enumerate(old)),
        "\n".join(f"{i + 3}. {b}" for i, b in enumerate(new)),
        {(i, i) for i in range(n)},
    )


def make_huge(size: int = 1_000_000, share: float = 0.1, seed: int = 3) -> tuple[str, str, int]:
    """One provision of ``size`` characters (sentences of ~200 characters, no line
    breaks) and the same with ``share`` of its words replaced; the number replaced."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    sentences = []
    total = 0
    while total < size:
        s = _sentence(rng, vocab)
        sentences.append(s)
        total += len(s) + 1
    words = " ".join(sentences).split(" ")
    changed = rng.sample(range(len(words)), round(len(words) * share))
    new = list(words)
    for k in changed:
        new[k] = rng.choice(vocab) + "x"  # never equal to the word it replaces
    return "1. " + " ".join(words), "1. " + " ".join(new), len(changed)


def make_fees(n: int = 2000, seed: int = 4) -> tuple[str, str, set]:
    """A fee schedule: look-alike provisions (a few services, a few payment terms), every
    fee changed."""
    rng = random.Random(seed)
    services = [f"{a} {b}" for a in ("filing", "renewal", "appeal", "transfer", "licence")
                for b in ("application", "certificate", "registration", "permit")]  # fmt: skip
    terms = ("within 30 days of invoice", "on submission", "before the hearing")
    rows = [
        (rng.choice(services), rng.choice(("individuals", "companies", "public bodies")),
         rng.choice(terms), rng.randint(1, 400) * 5)
        for _ in range(n)
    ]  # fmt: skip

    def line(k: int, row: tuple, fee: int) -> str:
        svc, who, when, _ = row
        return f"{k}. The fee for a {svc} by {who} shall be ${fee:,}, payable {when}."

    old = "\n".join(line(i + 1, r, r[3]) for i, r in enumerate(rows))
    new = "\n".join(line(i + 1, r, r[3] + 5 * rng.randint(1, 20)) for i, r in enumerate(rows))
    return old, new, {(i, i) for i in range(n)}


def make_unrelated(n: int) -> tuple[str, str, set]:
    """Two documents with nothing in common but the domain's common words."""
    a, _, _, _ = make_pair(n, seed=11)
    _, b, _, _ = make_pair(n, seed=12)
    return a, b, set()


def make_nested(points: int = 1000, seed: int = 5) -> tuple[str, str, set]:
    """Points with lettered sub-points with bullets under them (~5 provisions a point),
    10% reworded, one new point at the top: every number and path shifts."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    tree = []
    for _ in range(points):
        subs = [
            (_sentence(rng, vocab, 120),
             [_sentence(rng, vocab, 80) for _ in range(rng.randint(0, 2))])
            for _ in range(rng.randint(1, 3))
        ]  # fmt: skip
        tree.append((_sentence(rng, vocab, 150), subs))

    def render(tree: list, first: int, edit: bool) -> list[str]:
        out = []

        def text(t: str) -> str:
            return _reword(rng, vocab, t, 0.2) if edit and rng.random() < 0.1 else t

        for k, (body, subs) in enumerate(tree):
            out.append(f"{first + k}. {text(body)}")
            for s, (sub, bullets) in enumerate(subs):
                out.append(f"{'abcdefghijklmnopqrstuvwxyz'[s]}) {text(sub)}")
                out += [f"- {text(b)}" for b in bullets]
        return out

    old = render(tree, 1, False)
    extra = [(_sentence(rng, vocab, 150), [(_sentence(rng, vocab, 120), [])])]
    new = render(extra, 1, False) + render(tree, 2, True)
    shift = 2
    return "\n".join(old), "\n".join(new), {(i, i + shift) for i in range(len(old))}


def _git_time(git: str | None, a: Path, b: Path, repeat: int) -> float | None:
    if not git:
        return None
    return _cmd_time([git, "diff", "--no-index", "--word-diff", str(a), str(b)], repeat, False)[0]


def _quality(diff, truth: set) -> str:
    found = _found_pairs(diff)
    if not truth:
        return f"{len(found)} pairs found (none exist)"
    hits = len(found & truth)
    p = hits / len(found) if found else 1.0
    return f"P {p:.3f}, R {hits / len(truth):.3f}"


def hard_cases(tmp: str, repeat: int, tracker: list[str], git: str | None, big: list[int]):
    """Rows of the hard-case table."""
    rows = []

    def case(name: str, old: str, new: str, truth, quality=None, command: bool = True) -> None:
        slug = re.sub(r"\W+", "-", name)
        a, b = Path(tmp, f"{slug}-a.txt"), Path(tmp, f"{slug}-b.txt")
        a.write_text(old)
        b.write_text(new)
        engine = _time(lambda: diff_texts(old, new, "plan"), repeat)
        d = diff_texts(old, new, "plan")
        q = quality(d) if quality else _quality(d, truth)
        cpu = rss = None
        if command:
            cpu, rss = _cmd_time(
                [*tracker, "diff", "--files", str(a), str(b), "--format", "json"], repeat
            )
        g = _git_time(git, a, b, repeat)
        rows.append((name, len(old), engine, cpu, rss, g, q))
        print(f"done {name}", file=sys.stderr)

    old, new, truth = make_reworded(5000)
    case("every provision reworded ~40%, 5,000", old, new, truth)

    old, new, n_changed = make_huge()
    # Replaced words next to each other make one change: the terms to expect are the runs
    # of replaced words (the texts have as many words, one space between each).
    ow, nw = old.split(" "), new.split(" ")
    runs = sum(1 for k, w in enumerate(ow) if w != nw[k] and (k == 0 or ow[k - 1] == nw[k - 1]))

    def highlighted(d) -> str:
        kept = sum(len(s) for c in d.changes for op, s in c.ops if op == "=")
        terms = sum(len(c.terms) for c in d.changes)
        return (
            f"{kept / len(old):.0%} kept as equal, {terms:,} terms for {runs:,} runs of "
            f"changed words ({n_changed:,} words)"
        )

    case("one 1 MB provision, 10% of words changed", old, new, None, highlighted)
    old, new, truth = make_fees()
    case("fee schedule, 2,000 look-alikes, every fee changed", old, new, truth)
    old, new, truth = make_unrelated(5000)
    case("two unrelated documents, 5,000", old, new, truth)
    old, new, truth = make_nested()
    case(f"nested points, sub-points, bullets ({old.count(chr(10)) + 1:,})", old, new, truth)
    for n in big:
        old, new, truth, _ = make_pair(n)
        case(f"typical, {n:,} provisions", old, new, truth)
    return rows


def print_hard(rows, cap: float) -> None:
    print(
        "\n| hard case | size | tracker engine | `tracker diff --files` | peak RSS "
        "| git --word-diff | engine / git | command / git | quality |"
    )
    print("|" + "---|" * 9)
    for name, size, engine, cpu, rss, g, q in rows:
        eg = f"{engine / g:.0f}×" if g else "n/a"
        cg = f"{cpu / g:.0f}×" if g and cpu else "n/a"
        print(
            f"| {name} | {size / 1024:,.0f} kB | {_fmt(engine, cap)} | "
            f"{_fmt(cpu, cap) if cpu else 'n/a'} | {f'{rss:,.0f} MB' if rss else 'n/a'} "
            f"| {_fmt(g, cap)} | {eg} | {cg} | {q} |"
        )


# --- stored diffs and bulk relinking --------------------------------------------------------


def stored_cases(
    tmp: str, repeat: int, tracker: list[str], n: int = 5000, docs: int = 12, bulk_n: int = 1000
):
    """Rows: reading a stored diff of ``n`` provisions (cached vs recomputed), and the
    throughput of relink, import and reparse over ``docs`` pairs of ``bulk_n`` provisions."""
    from tracker.compare import compare
    from tracker.ingest import add_version
    from tracker.sources import parse_text
    from tracker.store import Store
    from web import create_app

    rows = []
    db = Path(tmp, "stored.db")
    old, new, _, _ = make_pair(n)
    with Store(db) as store:
        for label, text, at in (("a", old, "2025-01-01"), ("b", new, "2025-02-01")):
            add_version(store, "plan", parse_text(text), at=at, label=label, kind="plan")
    cmd = [*tracker, "--db", str(db), "diff", "plan", "a", "b", "--json"]

    def dropped() -> None:
        with Store(db) as store, store.transaction():
            store.drop_diff_cache("plan")

    _run(cmd)  # the first read renders the JSON and keeps it
    cached, _ = _cmd_time(cmd, repeat)
    recomputed = statistics.median(
        (dropped(), _run(cmd)[0])[1] for _ in range(repeat)
    )  # each run computes, then caches
    rows.append((f"`tracker diff plan a b --json`, {n:,} provisions", cached, recomputed))
    # The same with the modules' bytecode written and read back (an installed tracker):
    # without it, as under PYTHONDONTWRITEBYTECODE=1, every run compiles tracker's sources.
    compiled = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    _run(cmd, env=compiled)
    cached = statistics.median(_run(cmd, env=compiled)[0] for _ in range(repeat))
    recomputed = statistics.median(
        (dropped(), _run(cmd, env=compiled)[0])[1] for _ in range(repeat)
    )
    rows.append(("the same, bytecode compiled", cached, recomputed))
    startup = [*tracker, "--help"]
    rows.append(("`tracker --help` (start-up alone)", _cmd_time(startup, repeat)[0], None))
    with Store(db) as store:
        cached = _time(lambda: compare(store, "plan", "a", "b"), repeat)
    recomputed = statistics.median(
        (dropped(), _time(lambda: compare(Store(db), "plan", "a", "b"), 1))[1]
        for _ in range(repeat)
    )
    rows.append(("compare() in process (load or compute the Diff)", cached, recomputed))
    pages = (
        ("web diff page (HTML)", "/d/plan/diff/a..b"),
        ("web diff page (?format=json)", "/d/plan/diff/a..b?format=json"),
    )
    _run(cmd)  # the JSON kept again (dropped above)

    def server():  # a restarted server: nothing kept in the process, templates compiled
        client = create_app({"DATABASE": str(db)}).test_client()
        client.get("/d/plan/diff/b..a")
        return client

    for what, url in pages:
        client = server()
        client.get(url)
        cached = _time(lambda url=url, client=client: client.get(url), repeat)
        cold, recomputed = [], []
        for _ in range(repeat):
            fresh = server()
            cold.append(_time(lambda url=url, fresh=fresh: fresh.get(url), 1))
            fresh = server()
            dropped()
            recomputed.append(_time(lambda url=url, fresh=fresh: fresh.get(url), 1))
            _run(cmd)  # the JSON kept again
        cold, recomputed = statistics.median(cold), statistics.median(recomputed)
        rows.append((f"{what}, same server", cached, None))
        rows.append((f"{what}, new server", cold, recomputed))

    # Bulk work: wall time, since using more cores is the point, and the CPU of the one
    # process that writes (it holds the write lock, so nothing else can take its share)
    # next to the CPU of its worker processes: on a machine whose cores are free, a run
    # takes about max(writer, workers / jobs). Run in this process (no start-up), with
    # the same library calls as the commands.
    from tracker.ingest import import_dir
    from tracker.links import relink_many
    from tracker.reparse import reparse_all

    bulk = Path(tmp, "bulk.db")
    with Store(bulk) as store:
        for k in range(docs):
            a, b, _, _ = make_pair(bulk_n, seed=100 + k)
            for label, text, at in (("a", a, "2025-01-01"), ("b", b, "2025-02-01")):
                add_version(store, f"d{k}", parse_text(text), at=at, label=label, kind="plan")
    throughput = []

    def bulk_row(what: str, jobs: int, work) -> None:  # noqa: ANN001
        self0, kids0 = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        work()
        wall = time.perf_counter() - t0
        writer = _cpu(resource.RUSAGE_SELF) - self0
        workers = _cpu(resource.RUSAGE_CHILDREN) - kids0
        throughput.append((f"{what} --jobs {jobs}", wall, docs / wall, writer, workers))

    # The baseline: what this machine gives two processes at once. A busy loop of pure
    # Python, alone and then twice side by side on a pool of two: on two free cores the
    # pair takes as long as one; on a shared machine, up to twice as long.
    alone = _busy_wall(1)
    throughput.append(("baseline: one busy loop", alone, 0.0, alone, 0.0))
    two = _busy_wall(2)
    throughput.append(("baseline: two busy loops at once", two, 0.0, 0.0, 2 * two))
    for jobs in (1, 2):
        with Store(bulk) as store:
            slugs = [d.slug for d in store.documents()]
            bulk_row("relink --all", jobs, lambda store=store, jobs=jobs, slugs=slugs: (
                relink_many(store, slugs, jobs)))  # fmt: skip
    # The same pairs as files: a folder imported (read on --jobs processes, then stored,
    # and the 12 new pairs diffed on --jobs processes and linked, in one transaction),
    # then read again from the stored files.
    folder = Path(tmp, "folder")
    for k in range(docs):
        a, b, _, _ = make_pair(bulk_n, seed=100 + k)
        (folder / f"d{k}").mkdir(parents=True)
        for label, text, at in (("a", a, "2025-01-01"), ("b", b, "2025-02-01")):
            front = f"---\ndate: {at}\nlabel: {label}\nkind: plan\n---\n"
            Path(folder, f"d{k}", f"{label}.txt").write_text(front + text)
    for jobs in (1, 2):
        with Store(Path(tmp, f"import{jobs}.db")) as store:
            bulk_row("import FOLDER", jobs, lambda store=store, jobs=jobs: import_dir(
                store, folder, jobs=jobs))  # fmt: skip
    for jobs in (1, 2):
        with Store(Path(tmp, "import2.db")) as store:
            bulk_row("reparse --all --force", jobs, lambda store=store, jobs=jobs: list(
                reparse_all(store, force=True, jobs=jobs)))  # fmt: skip
    return rows, throughput


def print_stored(rows, throughput, repeat: int) -> None:
    print("\n| stored diff | cached | recomputed (cache dropped) | speed-up |")
    print("|---|---:|---:|---:|")
    for what, cached, recomputed in rows:
        if recomputed is None:
            print(f"| {what} | {cached:.3f} s | | |")
        else:
            print(f"| {what} | {cached:.3f} s | {recomputed:.3f} s | {recomputed / cached:.0f}× |")
    print(f"\nCPU seconds, median of {repeat}.")
    print("\n| 12 documents, 1,000-provision pairs | wall | pairs/s | writer CPU | workers CPU |")
    print("|---|---:|---:|---:|---:|")
    for what, wall, rate, writer, workers in throughput:
        if what.startswith("baseline"):
            print(f"| {what} | {wall:.2f} s | | | |")
        else:
            print(f"| `{what}` | {wall:.2f} s | {rate:.1f} | {writer:.2f} s | {workers:.2f} s |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,5000")
    ap.add_argument("--timeout", type=float, default=20.0, help="cap for slow baselines, s")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--hard-repeat", type=int, default=3, help="runs of each hard case")
    ap.add_argument("--big", default="50000,100000", help="typical sizes run as hard cases")
    ap.add_argument("--only", choices=["typical", "hard", "stored"], help="one table only")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.only in (None, "typical") else []
    tracker_cmd = [
        shutil.which("tracker") or str(Path(sys.executable).parent / "tracker"),
        "--max-bytes",
        str(1 << 30),  # the big cases are over the default 5 MB limit
    ]
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
            command, _ = _cmd_time(
                [*tracker_cmd, "diff", "--files", str(a), str(b), "--format", "json"],
                args.repeat,
            )
            gitwd = None
            if git:
                gitwd, _ = _cmd_time(
                    [git, "diff", "--no-index", "--word-diff", str(a), str(b)], args.repeat, False
                )
            html = _capped(_htmldiff, (old, new), args.timeout)
            dmp1 = _capped(_dmp, (old, new, 1.0), args.timeout)
            dmp0 = _capped(_dmp, (old, new, 0.0), args.timeout)
            rows.append(
                (n, len(old), engine, command, gitwd, html, dmp1, dmp0, precision, recall,
                 moves, n_moves)
            )  # fmt: skip
            print(f"done {n}", file=sys.stderr)
        hard = []
        if args.only in (None, "hard"):
            big = [int(s) for s in args.big.split(",") if s]
            hard = hard_cases(tmp, args.hard_repeat, tracker_cmd, git, big)
        stored = None
        if args.only in (None, "stored"):
            stored = stored_cases(tmp, args.repeat, tracker_cmd)

    cap = args.timeout
    if rows:
        print_typical(rows, args.repeat, cap)
    if hard:
        print_hard(hard, cap)
        print(
            f"\nmedian of {args.hard_repeat}; the command writes JSON to /dev/null; peak RSS "
            "is the command's (getrusage of the child)."
        )
    if stored:
        print_stored(*stored, args.repeat)


def print_typical(rows: list, repeat: int, cap: float) -> None:
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
        f"{repeat}; baselines past {cap:g} s were stopped. dmp on whole texts with "
        "its default 1 s timeout returns quickly but degrades to delete-all/insert-all."
    )


if __name__ == "__main__":
    main()
