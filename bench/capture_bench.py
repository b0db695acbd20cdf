"""Capture at scale, on 127.0.0.1 only, and the real corpus through ``import-git``.

1. Watched pages: a local HTTP server with 200 pages, half of which change between
   rounds (a paragraph added); every page answers conditional GETs (ETag). A runner
   captures all 200 watches per round (4 worker threads, no politeness delay: one local
   host). Three rounds: the first capture, then two rounds where half the pages changed.
   Baseline in the same run: the same rounds with the validators dropped before each
   round, so every request is a full GET.
   Reports captures per second, full answers vs 304s, bytes not sent.
2. ``import-git`` of the corpus bundle (``../shared/corpora/ota-pga-versions.bundle``,
   cloned into a temp dir; skipped when absent): time, versions per second, then a second
   run (nothing new: the incremental path) and the database size against the raw text.

Prints figures; asserts nothing.

    .venv/bin/python bench/capture_bench.py [--pages 200] [--skip-git] [--git-paths P ...]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from werkzeug import Request, Response
from werkzeug.serving import WSGIRequestHandler, make_server

from tracker.capture import watch
from tracker.capture.fetch import Policy
from tracker.capture.gitimport import import_git
from tracker.store import Store

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT.parent / "shared" / "corpora" / "ota-pga-versions.bundle"
if not BUNDLE.exists():
    BUNDLE = Path("/work/shared/corpora/ota-pga-versions.bundle")

SENTENCES = [
    "The parties agree to a phased withdrawal of heavy equipment from the contact line.",
    "A joint commission of six members will verify each phase within ten days.",
    "Humanitarian corridors shall remain open from dawn until dusk on every day.",
    "Prisoners held by either side will be exchanged on an all-for-all basis.",
    "Local elections will follow within nine months under international observation.",
    "A reconstruction fund will be financed by frozen assets and donor pledges.",
]


class Quiet(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        pass


class Site:
    """200 pages; ``round`` moves on between capture rounds, changing the even pages."""

    def __init__(self, pages: int) -> None:
        self.pages = pages
        self.round = 0
        self.full = 0
        self.not_modified = 0
        self.bytes_sent = 0
        self.bytes_saved = 0
        self.lock = threading.Lock()

    def body(self, i: int) -> bytes:
        rounds = self.round if i % 2 == 0 else 0
        paras = [f"Page {i}: draft on the {i % 7 + 1}th chapter of the settlement."]
        paras += [SENTENCES[(i + k) % len(SENTENCES)] for k in range(8)]
        paras += [f"Addendum {r}: the committee met again and noted {r + 2} objections."
                  for r in range(1, rounds + 1)]  # fmt: skip
        stamp = time.strftime("%H:%M:%S")
        html = (
            f"<!doctype html><html><head><title>Page {i}</title></head><body><nav>Menu</nav>"
            "<article>" + "".join(f"<p>{p}</p>" for p in paras) + "</article>"
            f"<footer>Rendered {stamp}</footer></body></html>"
        )
        return html.encode()

    def __call__(self, environ, start_response):  # noqa: ANN001
        request = Request(environ)
        if request.path == "/robots.txt":
            return Response("User-agent: *\nAllow: /\n")(environ, start_response)
        i = int(request.path.rsplit("/", 1)[-1])
        body = self.body(i)
        # The ETag covers the page's text, not its render time, as a CMS would.
        etag = '"' + hashlib.sha1(body.split(b"<footer>")[0]).hexdigest()[:16] + '"'
        with self.lock:
            if request.headers.get("If-None-Match") == etag:
                self.not_modified += 1
                self.bytes_saved += len(body)
                return Response(status=304, headers={"ETag": etag})(environ, start_response)
            self.full += 1
            self.bytes_sent += len(body)
        resp = Response(body, content_type="text/html; charset=utf-8", headers={"ETag": etag})
        return resp(environ, start_response)


def run_rounds(pages: int, conditional: bool, rounds: int = 3) -> list[dict]:
    site = Site(pages)
    server = make_server("127.0.0.1", 0, site, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "capture.db")
        with Store(db) as store:
            for i in range(pages):
                watch.add(store, f"{base}/page/{i}", doc=f"page-{i}", every=3600)
        policy = Policy(min_delay=0.0, read_timeout=10)
        for r in range(rounds):
            site.round = r
            with Store(db) as store:
                for w in store.watches():
                    store.update_watch(w.id, next_due="2000-01-01T00:00:00+00:00")
                if not conditional:
                    store.db.execute("DELETE FROM http_validators")
            before = (site.full, site.not_modified, site.bytes_sent, site.bytes_saved)
            stats = watch.Runner(db, policy, workers=4).run(once=True)
            out.append(
                {
                    "round": r,
                    "captures": stats.captures,
                    "seconds": stats.seconds,
                    "stored": stats.stored,
                    "unchanged": stats.unchanged,
                    "not_modified": stats.not_modified,
                    "errors": stats.errors,
                    "full": site.full - before[0],
                    "304": site.not_modified - before[1],
                    "sent": site.bytes_sent - before[2],
                    "saved": site.bytes_saved - before[3],
                }
            )
    server.shutdown()
    return out


def pages_bench(pages: int) -> None:
    print(f"\n## {pages} watched pages, half changing per round (4 workers, 127.0.0.1)\n")
    print("| mode | round | captures/s | stored | unchanged | 304 | full GETs | KiB sent |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    totals = {}
    for conditional in (False, True):
        mode = "conditional GET" if conditional else "baseline: full GET"
        rows = run_rounds(pages, conditional)
        for r in rows:
            print(
                f"| {mode} | {r['round'] + 1} | {r['captures'] / r['seconds']:.0f} | "
                f"{r['stored']} | {r['unchanged']} | {r['304']} | {r['full']} | "
                f"{r['sent'] / 1024:.0f} |"
            )
        later = rows[1:]
        totals[mode] = (
            sum(r["captures"] for r in later) / sum(r["seconds"] for r in later),
            sum(r["full"] for r in later),
            sum(r["304"] for r in later),
            sum(r["saved"] for r in later),
        )
    cond = totals["conditional GET"]
    base = totals["baseline: full GET"]
    print(
        f"\nRounds 2-3: {cond[2]} of {cond[1] + cond[2]} requests answered 304 "
        f"({cond[3] / 1024:.0f} KiB not sent); {cond[0]:.0f} captures/s with conditional GET "
        f"against {base[0]:.0f} captures/s with full GETs."
    )


def git_bench(paths: list[str]) -> None:
    if not BUNDLE.exists():
        print(f"\n(import-git: {BUNDLE} not found, skipped)")
        return
    print(f"\n## import-git of {BUNDLE.name}" + (f" ({' '.join(paths)})" if paths else ""))
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "repo")
        subprocess.run(["git", "clone", "-q", "--bare", str(BUNDLE), repo], check=True)
        db = os.path.join(tmp, "git.db")
        cpu = time.process_time()
        with Store(db) as store:
            first = import_git(store, repo, tuple(paths))
        cpu = time.process_time() - cpu
        with Store(db) as store:
            again = import_git(store, repo, tuple(paths))
            n_versions = store.db.execute("SELECT count(*) FROM versions").fetchone()[0]
            text = store.db.execute("SELECT sum(length(CAST(text AS BLOB))) FROM versions")
            text_bytes = text.fetchone()[0] or 0
            store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = os.path.getsize(db)
        print(f"\n{first.summary()}")
        print(f"second run: {again.summary()}")
        for change, error in first.failed[:5]:
            print(f"  unreadable: {change.commit[:7]} {change.path}: {error}")
        print(
            f"\n| versions | documents | seconds | versions/s | raw files | version text | "
            f"database | db / raw |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n"
            f"| {n_versions} | {len(first.documents)} | {first.seconds:.1f} | "
            f"{first.stored / first.seconds:.1f} | {first.raw_bytes / 2**20:.1f} MiB | "
            f"{text_bytes / 2**20:.1f} MiB | {size / 2**20:.1f} MiB | "
            f"{size / max(first.raw_bytes, 1):.2f} |"
        )
        print(f"\nsecond (incremental) run: {again.seconds:.2f}s, {again.already} skipped")
        print(
            f"CPU time of the first run: {cpu:.0f}s ({first.stored / cpu:.1f} versions per "
            "CPU second; wall time includes waiting for the CPU on a shared machine)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-git", action="store_true")
    parser.add_argument("--git-paths", nargs="*", default=[])
    args = parser.parse_args()
    if not args.skip_pages:
        pages_bench(args.pages)
    if not args.skip_git:
        git_bench(args.git_paths)


if __name__ == "__main__":
    main()
