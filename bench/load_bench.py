"""Load and hostile-client benchmark of ``tracker serve`` on 127.0.0.1.

One run, three phases against a real server (waitress, 8 threads) over the sample
versions, each bounded in time:

1. readers: 50 concurrent clients reading pages and API routes (timeline, diff, figures,
   provision history, search, version text) for ``--seconds``;
2. readers + writers: the same, while 8 writer processes each add ``--adds`` versions
   (the library's add path, one open store per process, as a capture service would);
3. hostile: 300 slow sockets (one header line every 5 s) and 8 clients sending expensive
   searches without pause, while a probe asks for a page every 0.25 s.

Prints requests/s and latency percentiles per phase, the writers' throughput and
failures, and the probes' latencies. Asserts nothing. The client threads share the
machine (and Python's GIL) with the server, so absolute figures are a floor.

    python bench/load_bench.py [--seconds 10] [--adds 50]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
READERS = 50
WRITERS = 8
SLOW_SOCKETS = 300
HOSTILE_CLIENTS = 8
PAGES = [
    "/",
    "/d/peace-plan",
    "/d/peace-plan/diff/us-28..framework-20",
    "/d/peace-plan/figures",
    "/d/peace-plan/p/4",
    "/d/wire-report",
    "/d/wire-report/v/update",
    "/api/d/peace-plan/figures",
    "/api/d/peace-plan/p/4",
    "/search?q=Zaporizhzhia",
    "/api/search?q=ceasefire",
    # The documents the writers add to in phase 2 (seeded with one version each).
    "/d/desk-0",
    "/d/desk-1/figures",
    "/api/d/desk-2/p/4",
    "/d/desk-3/feed.atom",
]
HOSTILE_QUERIES = [
    "a* " * 1000,
    " OR ".join(["ukraine"] * 2000),
    "NEAR(" + "a* " * 150 + ", 100)",
    "NEAR(" + "s* " * 160 + ", 50)",
]


def tracker_exe() -> str:
    found = shutil.which("tracker", path=str(Path(sys.executable).parent))
    if not found:
        sys.exit("no tracker console script next to this Python: pip install -e . first")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [tracker_exe(), "--db", str(db), "serve", "--host", HOST, "--port", str(port),
             "--threads", "8"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _ = get(port, "/", timeout=2)
            if status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit(f"server did not start:\n{log.read_text()}")


def get(port: int, path: str, timeout: float = 10.0) -> tuple[int, float]:
    """One GET on a fresh connection: (status, seconds). Status 0 on a socket error."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - start
    except OSError:
        return 0, time.perf_counter() - start
    finally:
        conn.close()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def readers(port: int, seconds: float) -> dict:
    """READERS threads reading random pages until ``seconds`` pass."""
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        local = []
        while time.monotonic() < stop:
            local.append(get(port, rng.choice(PAGES)))
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    ok = [s for code, s in results if code == 200]
    errors: dict[int, int] = {}
    for code, _ in results:
        if code != 200:
            errors[code] = errors.get(code, 0) + 1
    return {
        "requests": len(results),
        "rps": len(results) / elapsed,
        "p50": pct(ok, 0.50),
        "p95": pct(ok, 0.95),
        "p99": pct(ok, 0.99),
        "errors": errors,
    }


WRITER = r"""
import sys, time
from tracker.errors import TrackerError
from tracker.ingest import add_version
from tracker.sources import parse_text
from tracker.store import Store
db, w, n, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
text = open(base, encoding="utf-8").read()
failed, times = 0, []
with Store(db) as store:
    for i in range(n):
        body = text.replace("800,000", f"{800 + w * 100 + i},000")
        body += f"\n\n21. Writer {w} adds draft {i} of its own point."
        start = time.perf_counter()
        try:
            at = f"2026-02-{w + 1:02d}T{i // 60:02d}:{i % 60:02d}"
            add_version(store, f"desk-{w}", parse_text(body), at=at, label=f"d{i}")
        except TrackerError as exc:
            failed += 1
            print("failed:", exc, file=sys.stderr)
        times.append(time.perf_counter() - start)
print(failed, " ".join(f"{t:.4f}" for t in times))
"""


def start_writers(db: Path, adds: int, base: Path) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(w), str(adds), str(base)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for w in range(WRITERS)
    ]


def finish_writers(procs: list[subprocess.Popen], started: float) -> dict:
    failed, times, messages = 0, [], set()
    for p in procs:
        out, err = p.communicate(timeout=900)
        fields = out.split()
        failed += int(fields[0]) if fields else len(times)
        times += [float(x) for x in fields[1:]]
        messages |= {line[:100] for line in err.splitlines() if line.startswith("failed")}
    elapsed = time.monotonic() - started
    return {
        "adds": len(times),
        "failed": failed,
        "seconds": elapsed,
        "per_s": (len(times) - failed) / elapsed,
        "p50": pct(times, 0.5),
        "p99": pct(times, 0.99),
        "messages": sorted(messages)[:3],
    }


def hostile(port: int, seconds: float) -> dict:
    """Slow sockets and expensive searches open while a probe reads a page every 0.25 s."""
    socks: list[socket.socket] = []
    for _ in range(SLOW_SOCKETS):
        try:
            s = socket.create_connection((HOST, port), timeout=5)
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            socks.append(s)
        except OSError:
            break
    stop = threading.Event()
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def trickle() -> None:  # one header line every 5 s on each slow socket
        n = 0
        while not stop.wait(5):
            n += 1
            for s in socks:
                try:
                    s.sendall(f"X-Slow-{n}: 1\r\n".encode())
                except OSError:
                    pass

    def attacker(seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            q = urllib.parse.quote(rng.choice(HOSTILE_QUERIES))
            # FTS5 syntax, as an attacker would send it: only advanced mode parses it.
            code, _ = get(port, f"/api/search?q={q}&advanced=1", timeout=30)
            with lock:
                statuses[code] = statuses.get(code, 0) + 1

    threads = [threading.Thread(target=trickle)]
    threads += [threading.Thread(target=attacker, args=(i,)) for i in range(HOSTILE_CLIENTS)]
    for t in threads:
        t.start()
    probes: list[tuple[int, float]] = []
    time.sleep(0.5)
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            probes.append(get(port, "/api/documents", timeout=5))
            time.sleep(0.25)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=40)
        for s in socks:
            s.close()
    answered = [s for code, s in probes if code == 200]
    return {
        "slow_sockets": len(socks),
        "probes": len(probes),
        "answered": len(answered),
        "under_1s": sum(1 for code, s in probes if code == 200 and s < 1.0),
        "p50": pct(answered, 0.5),
        "max": max((s for _, s in probes), default=float("nan")),
        "search_statuses": statuses,
    }


def ms(x: float) -> str:
    return f"{x * 1000:.0f} ms" if x == x else "—"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    ap.add_argument("--adds", type=int, default=50, help="versions per writer")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tracker-load-"))
    db, log = tmp / "load.db", tmp / "serve.log"
    subprocess.run([tracker_exe(), "--db", str(db), "import", str(ROOT / "versions")],
                   check=True, capture_output=True)  # fmt: skip
    base = ROOT / "versions" / "peace-plan" / "04-framework-20.txt"
    for w in range(WRITERS):
        subprocess.run([tracker_exe(), "--db", str(db), "add", f"desk-{w}", str(base),
                        "--at", "2026-01-31", "--label", "seed"],
                       check=True, capture_output=True)  # fmt: skip
    port = free_port()
    server = start_server(db, port, log)
    try:
        print(f"server: tracker serve --threads 8 on {HOST}:{port}, {os.cpu_count()} cores")
        read_only = readers(port, args.seconds)
        started = time.monotonic()
        procs = start_writers(db, args.adds, base)
        while_writing = readers(port, args.seconds)
        writers = finish_writers(procs, started)
        attack = hostile(port, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)

    print()
    print("| phase | requests | requests/s | p50 | p95 | p99 | errors |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, r in ((f"{READERS} readers", read_only),
                    (f"{READERS} readers + {WRITERS} writers", while_writing)):  # fmt: skip
        errors = ", ".join(f"{n} × {c or 'no answer'}" for c, n in sorted(r["errors"].items()))
        print(f"| {name} | {r['requests']:,} | {r['rps']:.0f} | {ms(r['p50'])} | "
              f"{ms(r['p95'])} | {ms(r['p99'])} | {errors or 'none'} |")  # fmt: skip
    print()
    w = writers
    print("| writers | versions added | failed | time | versions/s | add p50 | add p99 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(f"| {WRITERS} processes × {args.adds} | {w['adds'] - w['failed']} / {w['adds']} | "
          f"{w['failed']} | {w['seconds']:.1f} s | {w['per_s']:.1f} | {ms(w['p50'])} | "
          f"{ms(w['p99'])} |")  # fmt: skip
    for m in w["messages"]:
        print(f"    {m}")
    print()
    a = attack
    statuses = ", ".join(
        f"{n} × {c or 'no answer'}" for c, n in sorted(a["search_statuses"].items())
    )
    print("| hostile load | probes | answered | under 1 s | probe p50 | probe max | "
          "expensive searches |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---|")
    print(f"| {a['slow_sockets']} slow sockets + {HOSTILE_CLIENTS} clients of expensive "
          f"searches, {args.seconds:g} s | {a['probes']} | {a['answered']} | {a['under_1s']} | "
          f"{ms(a['p50'])} | {ms(a['max'])} | {statuses} |")  # fmt: skip


if __name__ == "__main__":
    main()
