"""Benchmark: weight and time of the diff page on big documents.

Generates pairs of numbered documents (3,000 and 20,000 provisions, the same generator as
``bench/diff_bench.py``: 10% reworded, 5% moved, 3% added and removed, all renumbered),
stores them, and measures the diff page in the same run:

- ``changes first``: the default page (changes only; on a big diff, long runs of
  unchanged provisions are sent empty and fetched when opened);
- ``every row`` (the baseline, what the page sent before): ``?changes=0``.

For each: server time in process (cold: a fresh app computing the comparison; warm: the
same page again, the comparison kept; medians of --repeat), HTML
size, gzipped size (what a browser that accepts gzip receives), elements in the HTML, and,
when /usr/bin/chromium is there, the time to the load event and the DOM size in Chromium
over a real ``tracker serve``. Prints a Markdown table; asserts nothing.

    python bench/page_bench.py [--sizes 3000,20000] [--repeat 3] [--no-browser]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tracker import ingest
from tracker.sources import read_bytes
from tracker.store import Store
from web import create_app

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def _make_pair():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("diff_bench", ROOT / "bench" / "diff_bench.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.make_pair


def build(db: Path, n: int) -> None:
    old, new, _, _ = _make_pair()(n)
    with Store(db) as store:
        for label, text, at in (("a", old, "2026-01-01"), ("b", new, "2026-01-02")):
            source = read_bytes(text.encode(), f"{label}.txt", 50_000_000)
            ingest.add_version(store, "big", source, at=at, label=label, kind="plan")


def measure(db: Path, query: str, repeat: int) -> dict[str, float]:
    """Cold: the first request of a fresh app (the comparison computed); warm: the same
    page again (the app keeps recent comparisons). Medians of ``repeat`` fresh apps."""
    url = "/d/big/diff/a..b" + query
    cold, warm = [], []
    body = b""
    for _ in range(repeat):
        client = create_app({"DATABASE": str(db), "MAX_BYTES": 50_000_000}).test_client()
        for times in (cold, warm):
            t = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t)
            assert response.status_code == 200, response.status_code
        body = response.get_data()
    return {
        "cold": statistics.median(cold),
        "warm": statistics.median(warm),
        "bytes": len(body),
        "gzip": len(gzip.compress(body, 6)),
        "elements": len(re.findall(rb"<[a-zA-Z]", body)),
        "rows": body.count(b'<section class="row'),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser_times(db: Path, queries: list[str]) -> dict[str, tuple[float, int]]:
    """Load event time and DOM size in Chromium, per query, over a real server."""
    from playwright.sync_api import sync_playwright

    exe = shutil.which("tracker", path=str(Path(sys.executable).parent)) or "tracker"
    port = _free_port()
    proc = subprocess.Popen(
        [exe, "--db", str(db), "--max-bytes", "50000000", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    out: dict[str, tuple[float, int]] = {}
    try:
        time.sleep(1.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            for q in queries:
                t = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/d/big/diff/a..b{q}", timeout=120_000)
                seconds = time.perf_counter() - t
                out[q] = (seconds, page.evaluate("document.getElementsByTagName('*').length"))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="3000,20000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    use_browser = not args.no_browser and Path(CHROMIUM).exists()
    views = [("changes first", ""), ("every row (baseline)", "?changes=0")]
    print(
        "| provisions | page | server, cold | server, warm | HTML | gzipped | elements "
        "| rows sent |" + (" Chromium load | DOM nodes |" if use_browser else "")
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if use_browser else ""))
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "big.db"
            build(db, n)
            chrome = browser_times(db, [q for _, q in views]) if use_browser else {}
            for name, q in views:
                m = measure(db, q, args.repeat)
                line = (
                    f"| {n:,} | {name} | {m['cold']:.2f} s | {m['warm']:.2f} s | "
                    f"{m['bytes'] / 1e6:.2f} MB | "
                    f"{m['gzip'] / 1e3:,.0f} kB | {m['elements']:,.0f} | {m['rows']:,.0f} |"
                )
                if q in chrome:
                    line += f" {chrome[q][0]:.2f} s | {chrome[q][1]:,} |"
                print(line, flush=True)


if __name__ == "__main__":
    main()
