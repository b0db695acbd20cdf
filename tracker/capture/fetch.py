"""HTTP for capture: one GET with limits, conditional requests, robots.txt and per-host
politeness. Every failure becomes a :class:`FetchError` with a one-line message that
names the URL and what went wrong.

Limits, and why: a connect timeout (a dead host fails fast) and a read timeout (a server
that stalls mid-body does not hold a runner forever); a size limit checked against
Content-Length and again while streaming (a huge or endless body is cut off, never held
in memory whole); a redirect limit (a loop ends with a clear error); a User-Agent that
names the tool and where to read about it, so site owners can tell what is calling.
"""

from __future__ import annotations

import codecs
import re
import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .. import __version__
from ..errors import TooLarge, TrackerError
from ..sources import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    import httpx


def user_agent(contact: str | None = None) -> str:
    """``tracker/<version> (...)``: names the tool and its version; ``contact`` (a URL or
    an e-mail address of whoever runs the captures, ``--contact`` or ``TRACKER_CONTACT``)
    tells a site owner whom to ask."""
    about = "version tracker for published texts; see README 'Capturing versions'"
    return f"tracker/{__version__} ({about}" + (f"; +{contact})" if contact else ")")


USER_AGENT = user_agent()
ROBOTS_AGENT = "tracker"

# Media types a reader can read (documents) or the feed parser can (feeds). Anything else
# (images, archives, application/octet-stream) is refused before it is read.
DOCUMENT_TYPES = {
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/markdown",
    "text/x-markdown",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
FEED_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
}
TEXT_TYPES = {"text/html", "application/xhtml+xml", "text/plain", "text/markdown",
              "text/x-markdown"}  # fmt: skip


class FetchError(TrackerError):
    """A URL that could not be fetched: HTTP error, timeout, too large, redirect loop,
    bad charset, a content type no reader reads, or refused by robots.txt."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = status


class Blocked(FetchError):
    """robots.txt disallows the URL for this user agent."""


@dataclass(frozen=True)
class Policy:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    min_delay: float = 1.0  # seconds between two requests to the same host
    robots: bool = True


@dataclass(frozen=True)
class Fetched:
    """One answer. ``not_modified``: a 304 to a conditional GET (``data`` is empty)."""

    url: str  # after redirects
    status: int
    data: bytes = b""
    media_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    headers: dict[str, str] = field(default_factory=dict)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


class Fetcher:
    """An HTTP client with the limits of a :class:`Policy`, a robots.txt cache and one
    lock per host. Safe to share between threads; close it when done."""

    def __init__(self, policy: Policy | None = None) -> None:
        import httpx

        self.policy = policy or Policy()
        p = self.policy
        self.client = httpx.Client(
            follow_redirects=True,
            max_redirects=p.max_redirects,
            timeout=httpx.Timeout(p.read_timeout, connect=p.connect_timeout),
            headers={"User-Agent": p.user_agent},
        )
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._hosts: dict[str, threading.Lock] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._guard = threading.Lock()
        self.requests = 0  # requests sent (robots.txt included), for figures

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- politeness ----------------------------------------------------------------------

    def _host_lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._hosts.setdefault(host, threading.Lock())

    def _polite(self, host: str) -> None:
        """Wait until ``min_delay`` has passed since the last request to ``host`` (call
        with the host's lock held)."""
        wait = self._last.get(host, 0.0) + self.policy.min_delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this user agent fetch ``url`` (fetched once per host,
        cached for the life of this fetcher). Per RFC 9309: a missing robots.txt (4xx)
        allows everything; an unreachable one (5xx, network error) disallows for now."""
        if not self.policy.robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._guard:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:  # one robots.txt request per origin, even with many threads
            if origin not in self._robots:
                self._robots[origin] = self._load_robots(origin)
        rules = self._robots[origin]
        return True if rules is None else rules.can_fetch(ROBOTS_AGENT, url)

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        import httpx

        rules = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        host = urlsplit(origin).netloc
        try:
            with self._host_lock(host):
                self._polite(host)
                try:
                    self.requests += 1
                    r = self.client.get(origin + "/robots.txt")
                finally:
                    self._last[host] = time.monotonic()
        except httpx.HTTPError:
            # disallow_all is the attribute read() sets on a 401/403; typeshed's stub of
            # RobotFileParser leaves it out (the stub is wrong, hence these two ignores).
            rules.disallow_all = True  # type: ignore[attr-defined]
            return rules
        if r.status_code >= 500:
            rules.disallow_all = True  # type: ignore[attr-defined]
            return rules
        if r.status_code >= 400:
            return None
        rules.parse(r.text[: 512 * 1024].splitlines())
        return rules

    # --- fetching ------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: set[str] = DOCUMENT_TYPES,
    ) -> Fetched:
        """GET ``url`` with the policy's limits; a conditional GET when validators are
        given. Raises :class:`FetchError` (or :class:`Blocked`, :class:`TooLarge`)."""
        import httpx

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchError(f"{url}: not an http(s) URL")
        if not self.allowed(url):
            raise Blocked(f"{url}: disallowed by {parts.scheme}://{parts.netloc}/robots.txt")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        p = self.policy
        host = parts.netloc
        with self._host_lock(host):
            self._polite(host)
            try:
                self.requests += 1
                with self.client.stream("GET", url, headers=headers) as r:
                    return self._answer(url, r, accept)
            except httpx.TooManyRedirects:
                raise FetchError(
                    f"{url}: too many redirects (more than {p.max_redirects}; a redirect loop?)"
                ) from None
            except httpx.ConnectTimeout:
                raise FetchError(
                    f"{url}: timed out connecting after {p.connect_timeout:g}s"
                ) from None
            except httpx.TimeoutException:
                raise FetchError(
                    f"{url}: timed out waiting for the server (read timeout {p.read_timeout:g}s)"
                ) from None
            except httpx.ConnectError as exc:
                raise FetchError(f"{url}: cannot connect ({_reason(exc)})") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"{url}: {type(exc).__name__}: {_reason(exc)}") from None
            finally:
                self._last[host] = time.monotonic()

    def _answer(self, url: str, r: httpx.Response, accept: set[str]) -> Fetched:
        p = self.policy
        final = str(r.url)
        etag = r.headers.get("etag")
        last_modified = r.headers.get("last-modified")
        if r.status_code == 304:
            return Fetched(final, 304, etag=etag, last_modified=last_modified, not_modified=True)
        if r.status_code >= 400:
            reason = r.reason_phrase or ""
            raise FetchError(f"{url}: HTTP {r.status_code} {reason}".rstrip(), r.status_code)
        content_type = r.headers.get("content-type", "")
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type and media_type not in accept:
            kinds = (
                "an RSS or Atom feed"
                if accept is FEED_TYPES
                else "HTML, text, Markdown, PDF or DOCX"
            )
            raise FetchError(
                f"{url}: content type {media_type!r} is not a document this reads "
                f"(expected {kinds})",
                r.status_code,
            )
        length = r.headers.get("content-length")
        if length and length.isdigit() and int(length) > p.max_bytes:
            raise TooLarge(
                f"{url}: {int(length):,} bytes is over the limit of {p.max_bytes:,} bytes "
                "(raise it with --max-bytes)"
            )
        chunks = []
        size = 0
        for chunk in r.iter_bytes():
            size += len(chunk)
            if size > p.max_bytes:
                raise TooLarge(
                    f"{url}: response is over the limit of {p.max_bytes:,} bytes "
                    "(raise it with --max-bytes)"
                )
            chunks.append(chunk)
        data = b"".join(chunks)
        charset = _charset(content_type)
        if media_type in TEXT_TYPES or (not media_type and accept is DOCUMENT_TYPES):
            data = to_utf8(data, url, charset, media_type)
        return Fetched(
            final, r.status_code, data, media_type, charset, etag, last_modified,
            headers=dict(r.headers),
        )  # fmt: skip


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0]


def _charset(content_type: str) -> str | None:
    m = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_.:-]+)", content_type, re.I)
    return m.group(1) if m else None


def to_utf8(data: bytes, url: str, charset: str | None, media_type: str) -> bytes:
    """A text body as UTF-8, decoded with the charset the server declared (header, else an
    HTML ``<meta charset>``, else UTF-8). Readers read UTF-8, and the body kept as the
    version's source must read again the same way, so a body in another charset is
    transcoded once here. A body that is not in its declared charset is an error, never
    silently mangled."""
    declared = charset
    if declared is None and media_type in ("text/html", "application/xhtml+xml", ""):
        m = _META_CHARSET.search(data[:4096])
        if m:
            declared = m.group(1).decode("ascii", "replace")
    name = declared or "utf-8"
    try:
        codec = codecs.lookup(name)
    except LookupError:
        raise FetchError(f"{url}: unknown charset {name!r} declared by the server") from None
    if codec.name in ("utf-8", "utf-8-sig") or codec.name == "ascii":
        codec = codecs.lookup("utf-8")
    try:
        text = data.decode(codec.name)
    except UnicodeDecodeError as exc:
        where = "declared" if declared else "assumed (none declared)"
        raise FetchError(
            f"{url}: not in its {where} charset {name} "
            f"(byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    if codec.name == "utf-8":
        return data
    out = text.encode("utf-8")
    if media_type in ("text/html", "application/xhtml+xml", "") and declared:
        # The page's own <meta charset> would now be wrong for the transcoded bytes.
        out = _META_CHARSET.sub(lambda m: m.group(0).replace(m.group(1), b"utf-8"), out, 1)
    return out


def stamp_after(seconds: float, now: float | None = None) -> str:
    """UTC ISO-8601 of ``now + seconds`` (seconds precision)."""
    from datetime import UTC, datetime

    t = (time.time() if now is None else now) + seconds
    return datetime.fromtimestamp(t, UTC).replace(microsecond=0).isoformat()
