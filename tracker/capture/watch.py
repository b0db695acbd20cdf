"""Watches: URLs and feeds captured on a schedule by ``tracker watch run``.

A watch is a row in the ``watches`` table (see :mod:`tracker.store`). A runner claims the
watches that are due in one ``BEGIN IMMEDIATE`` transaction, setting a lease
(``claimed_until``), so several runners sharing one database never capture the same watch
at once; a runner that dies leaves a lease that simply expires. Each claimed watch is
captured (:func:`.page.capture`) by a small pool of threads; :class:`~.fetch.Fetcher`
keeps one request at a time per host with a minimum delay between them, and respects
robots.txt. A failure doubles the watch's interval (up to a day) and is recorded
(``failures``, ``last_error``); a watch that keeps failing is shown as failing, never
dropped. A feed watch adds a watch for every entry's link, so each article becomes a
document of its own, captured from then on.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

from ..errors import InputError, NotFound, TrackerError
from ..ingest import check_slug
from ..store import Store, Watch
from . import notify
from .fetch import FEED_TYPES, Blocked, Fetcher, FetchError, Policy, stamp_after
from .page import Captured, capture, slug_for_url

FAILING_AFTER = 3  # consecutive failures before a watch is shown as failing
MAX_BACKOFF = 24 * 3600  # a failing watch is retried at least once a day
LEASE = 600  # seconds a claimed watch stays claimed (a dead runner's claim expires)
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_every(text: str) -> int:
    """``90``, ``30s``, ``15m``, ``1h``, ``1d`` -> seconds."""
    m = re.fullmatch(r"\s*(\d+)\s*([smhdw]?)\s*", (text or "").lower())
    if not m or int(m.group(1)) == 0:
        raise InputError(f"bad interval {text!r}: use a number with s, m, h, d or w (15m, 1h)")
    return int(m.group(1)) * UNITS[m.group(2)]


def show_every(seconds: int) -> str:
    for unit in ("w", "d", "h", "m"):
        if seconds % UNITS[unit] == 0:
            return f"{seconds // UNITS[unit]}{unit}"
    return f"{seconds}s"


def now_stamp() -> str:
    return stamp_after(0)


def _check_url(url: str) -> str:
    if not re.match(r"^https?://[^/\s]+", url or ""):
        raise InputError(f"bad URL {url!r}: give an http:// or https:// address")
    return url


def add(
    store: Store,
    url: str,
    *,
    doc: str | None = None,
    every: int,
    selector: str = "",
    format: str = "",
    webhook: str = "",
    kind: str = "url",
    feed: int | None = None,
) -> Watch:
    """Watch ``url`` (as document ``doc``, derived from the URL when not given), first
    capture due now. Conflict when it is already watched."""
    _check_url(url)
    if webhook:
        _check_url(webhook)
    if kind == "feed":
        doc = ""
    else:
        doc = check_slug(doc) if doc else slug_for_url(url)
    return store.insert_watch(
        {
            "url": url,
            "doc": doc,
            "kind": kind,
            "every": every,
            "selector": selector or "",
            "format": format or "",
            "webhook": webhook or "",
            "feed": feed,
            "next_due": now_stamp(),
            "failures": 0,
            "created": now_stamp(),
        }
    )


def find(store: Store, ref: str) -> list[Watch]:
    """The watches ``ref`` names: an id, or every watch of a URL."""
    if ref.isdigit():
        return [store.watch(int(ref))]
    found = [w for w in store.watches() if w.url == ref]
    if not found:
        raise NotFound(f"no watch of {ref!r} (see 'tracker watch list')")
    return found


def remove(store: Store, ref: str) -> list[Watch]:
    """Stop watching (by id or URL). The documents and versions captured stay."""
    found = find(store, ref)
    store.delete_watches(w.id for w in found)
    return found


def state(w: Watch) -> str:
    """``new``, ``ok`` or ``failing``: what ``watch list`` and the web page show."""
    if w.last_checked is None:
        return "new"
    if w.failures >= FAILING_AFTER:
        return "failing"
    if w.failures:
        return "retrying"
    return "ok"


def watch_json(w: Watch) -> dict:
    from dataclasses import asdict

    return {**asdict(w), "every_text": show_every(w.every), "state": state(w)}


def backoff(every: int, failures: int) -> int:
    """Seconds until the next try after ``failures`` consecutive failures: the interval,
    doubled for each failure after the first, capped at a day (or the interval, if
    longer)."""
    return min(every * 2 ** max(failures - 1, 0), max(every, MAX_BACKOFF))


@dataclass
class RunStats:
    """What a run did (counts by result; ``requests`` sent, robots.txt included)."""

    captures: int = 0
    stored: int = 0
    unchanged: int = 0
    not_modified: int = 0
    identical: int = 0
    errors: int = 0
    feeds: int = 0
    new_entries: int = 0
    notify_errors: int = 0
    requests: int = 0
    seconds: float = 0.0
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.captures} captures in {self.seconds:.1f}s: {self.stored} stored, "
            f"{self.unchanged} unchanged, {self.not_modified} not modified (304), "
            f"{self.errors} errors; {self.feeds} feeds read, {self.new_entries} new entries; "
            f"{self.requests} requests"
        )


class Runner:
    """Captures due watches until told to stop. One per process; any number of processes
    may share a database."""

    def __init__(
        self,
        db_path: str,
        policy: Policy | None = None,
        *,
        workers: int = 4,
        webhook: str | None = None,
        notify_backoff: float = 1.0,
        log: Callable[[str], None] | None = None,
        poll: float = 5.0,
    ) -> None:
        self.db_path = db_path
        self.policy = policy or Policy()
        self.workers = workers
        self.webhook = webhook
        self.notify_backoff = notify_backoff
        self.log = log or (lambda line: None)
        self.poll = poll
        self.id = f"{uuid.uuid4().hex[:8]}"
        self._lock = threading.Lock()
        self.stats = RunStats()

    def run(self, *, once: bool = False, max_seconds: float | None = None) -> RunStats:
        """Capture what is due; with ``once``, stop when nothing is due any more (for
        cron); else wait for the next due watch, until ``max_seconds`` have passed."""
        start = time.monotonic()
        deadline = start + max_seconds if max_seconds is not None else None
        store = Store(self.db_path)
        with store, Fetcher(self.policy) as fetcher:
            try:
                with ThreadPoolExecutor(self.workers) as pool:
                    self._loop(store, fetcher, pool, once, deadline)
            finally:
                # Stopped (Ctrl-C included), after the captures in flight have finished:
                # what this runner still holds is free again at once, not when the lease
                # runs out.
                store.release_watches(self.id)
            self.stats.requests = fetcher.requests
        self.stats.seconds = time.monotonic() - start
        return self.stats

    def _loop(
        self,
        store: Store,
        fetcher: Fetcher,
        pool: ThreadPoolExecutor,
        once: bool,
        deadline: float | None,
    ) -> None:
        while deadline is None or time.monotonic() < deadline:
            now = now_stamp()
            claimed = store.claim_watches(
                now, stamp_after(LEASE), self.id, max(self.workers * 2, 1)
            )
            if claimed:
                list(pool.map(lambda w: self._one(fetcher, w), claimed))
                continue
            if once:
                break
            nxt = store.next_due()
            wait = self.poll
            if nxt is not None:
                due_in = (datetime.fromisoformat(nxt) - datetime.now(UTC)).total_seconds()
                wait = min(wait, max(due_in, 0.05))
            if deadline is not None:
                wait = min(wait, max(deadline - time.monotonic(), 0))
            time.sleep(wait)

    # --- one watch -------------------------------------------------------------------------

    def _one(self, fetcher: Fetcher, w: Watch) -> None:
        # One Store per capture: a Store is not shared between threads, and opening one
        # costs well under a millisecond next to an HTTP request.
        with Store(self.db_path) as store:
            self._capture(store, fetcher, w)

    def _capture(self, store: Store, fetcher: Fetcher, w: Watch) -> None:
        checked = now_stamp()
        try:
            if w.kind == "feed":
                line, fields = self._feed(store, fetcher, w)
            else:
                line, fields = self._page(store, fetcher, w)
        except Exception as exc:  # noqa: BLE001 - one bad watch must not stop the runner
            failures = w.failures + 1
            message = str(exc) if isinstance(exc, TrackerError) else f"{type(exc).__name__}: {exc}"
            line = f"#{w.id} {w.doc or w.url}: error: {message}"
            fields = {
                "last_status": "blocked" if isinstance(exc, Blocked) else "error",
                "last_error": message,
                "failures": failures,
                "next_due": stamp_after(backoff(w.every, failures)),
            }
            with self._lock:
                self.stats.errors += 1
        else:
            fields.update(failures=0, last_error=None, next_due=stamp_after(w.every))
        store.update_watch(
            w.id, last_checked=checked, claimed_until=None, claimed_by=None, **fields
        )
        with self._lock:
            self.stats.captures += 1
            self.stats.lines.append(line)
        self.log(line)

    def _page(self, store: Store, fetcher: Fetcher, w: Watch) -> tuple[str, dict]:
        cap = capture(
            store, fetcher, w.url, doc=w.doc, format=w.format or None,
            selector=w.selector or None,
        )  # fmt: skip
        fields: dict = {"last_status": cap.status}
        with self._lock:
            key = cap.status.replace("-", "_")
            setattr(self.stats, key, getattr(self.stats, key) + 1)
        line = f"#{w.id} {cap.line()}"
        if cap.stored and cap.version is not None:
            fields["last_version"] = cap.version.label
            hook = w.webhook or self.webhook
            if hook:
                error = self._notify(store, hook, cap)
                fields["notify_error"] = error
                if error:
                    line += f" (webhook failed: {error})"
        return line, fields

    def _notify(self, store: Store, hook: str, cap: Captured) -> str | None:
        try:
            payload = notify.change_payload(store, cap)
        except TrackerError as exc:
            return f"cannot build the change summary: {exc}"
        error = notify.post(hook, payload, backoff=self.notify_backoff)
        if error:
            with self._lock:
                self.stats.notify_errors += 1
        return error

    def _feed(self, store: Store, fetcher: Fetcher, w: Watch) -> tuple[str, dict]:
        import feedparser

        etag, last_modified = store.validators(w.url, "")
        got = fetcher.get(w.url, etag=etag, last_modified=last_modified, accept=FEED_TYPES)
        with self._lock:
            self.stats.feeds += 1
        if got.not_modified:
            return f"#{w.id} feed {w.url}: not modified (HTTP 304)", {"last_status": "not-modified"}
        parsed = feedparser.parse(got.data)
        if parsed.bozo and not parsed.entries:
            raise FetchError(f"{w.url}: not an RSS or Atom feed ({parsed.bozo_exception})")
        new = 0
        for entry in parsed.entries:
            link = entry.get("link")
            if not link:
                continue
            link = urljoin(got.url, link)
            if not link.startswith(("http://", "https://")):
                continue
            if store.is_watched(link):  # already watched, as this or any document
                continue
            add(store, link, doc=slug_for_url(link), every=w.every, webhook=w.webhook, feed=w.id)
            new += 1
        store.set_validators(w.url, "", got.etag, got.last_modified, now_stamp())
        with self._lock:
            self.stats.new_entries += new
        line = f"#{w.id} feed {w.url}: {len(parsed.entries)} entries, {new} new watched"
        return line, {"last_status": f"{new} new" if new else "unchanged"}
