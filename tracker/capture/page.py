"""Capture one URL once: fetch it, read it with the matching reader, and store a new
version of its document only when its provisions changed (see :mod:`.noise`).

The version's time is the capture time (UTC); what the page says about itself (its
published and modified dates, canonical URL) goes into the version's notes. The body as
received (transcoded to UTF-8 when the server declared another charset) is the version's
source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from ..ingest import add_version, check_label, check_slug
from ..sources import read_document
from . import noise
from .fetch import Fetcher

if TYPE_CHECKING:
    from ..store import Store, Version


@dataclass(frozen=True)
class Captured:
    """What one capture did. ``status``: ``stored`` (a new version), ``unchanged`` (read,
    same provisions once noise is masked), ``identical`` (same text as an older version),
    ``not-modified`` (the server answered 304 to a conditional GET)."""

    url: str
    doc: str
    status: str
    version: Version | None = None  # the stored version (stored), or the latest one
    previous: str | None = None  # label of the version before the stored one
    http_status: int = 200
    size: int = 0
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def stored(self) -> bool:
        return self.status == "stored"

    def line(self) -> str:
        """One line for the CLI and the watch log."""
        v = self.version
        if self.status == "stored" and v is not None:
            since = f" (after {self.previous})" if self.previous else " (first version)"
            return f"{self.doc} {v.label} {v.at} {v.n_provisions} provisions{since}"
        if self.status == "not-modified":
            return f"{self.doc}: not modified (HTTP 304), nothing stored"
        if self.status == "identical" and v is not None:
            return f"{self.doc}: identical to {v.label}, not stored again"
        last = f" as {v.label}" if v is not None else ""
        return (
            f"{self.doc}: unchanged{last} (differences only in dates, times or tokens), not stored"
        )


def slug_for_url(url: str) -> str:
    """A document name from a URL: host (without ``www.``) and path, slugified
    (``https://www.example.org/news/2026/peace-plan.html`` ->
    ``example.org-news-2026-peace-plan``)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port:
        host += f"-{parts.port}"
    path = unquote(parts.path).lower()
    path = re.sub(r"\.(html?|php|aspx?|jsp)$", "", path)
    if parts.query:
        path += "-" + parts.query.lower()
    slug = re.sub(r"[^a-z0-9.]+", "-", f"{host}/{path}").strip("-.")
    slug = re.sub(r"-{2,}", "-", slug)
    if len(slug) > 100:
        import hashlib

        slug = slug[:91].rstrip("-.") + "-" + hashlib.sha1(url.encode()).hexdigest()[:8]
    return check_slug(slug or "page")


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def capture_label(when: datetime, taken: set[str]) -> str:
    """``2026-11-27-0815``, with seconds and then a counter when that is taken."""
    for label in (when.strftime("%Y-%m-%d-%H%M"), when.strftime("%Y-%m-%d-%H%M%S")):
        if label not in taken:
            return check_label(label)
    n = 2
    while f"{when:%Y-%m-%d-%H%M%S}-{n}" in taken:
        n += 1
    return f"{when:%Y-%m-%d-%H%M%S}-{n}"


def capture(
    store: Store,
    fetcher: Fetcher,
    url: str,
    *,
    doc: str | None = None,
    format: str | None = None,
    selector: str | None = None,
    when: datetime | None = None,
) -> Captured:
    """Fetch ``url`` and store a new version of ``doc`` when its provisions changed.
    Raises :class:`~.fetch.FetchError` or a reader's InputError; nothing is stored then."""
    doc = check_slug(doc) if doc else slug_for_url(url)
    latest = store.latest_version(doc, with_text=True)
    # Validators only when the document has a version to be "not modified" from.
    etag, last_modified = store.validators(url, doc) if latest else (None, None)
    got = fetcher.get(url, etag=etag, last_modified=last_modified)
    when = when or now_utc()
    stamp = when.isoformat()

    def remember(new_etag: str | None, new_modified: str | None) -> None:
        # A write (a commit, an fsync) only when the validators changed.
        if (new_etag, new_modified) != (etag, last_modified):
            store.set_validators(url, doc, new_etag, new_modified, stamp)

    if got.not_modified:
        remember(got.etag or etag, got.last_modified or last_modified)
        return Captured(url, doc, "not-modified", latest, http_status=304)
    source = read_document(
        got.data,
        _name_for(got.url, got.media_type),
        format=format,
        media_type=got.media_type or None,
        max_bytes=fetcher.policy.max_bytes,
        **({"selector": selector} if selector else {}),
    )
    meta = {k: v for k, v in source.meta.items() if k in ("title", "published", "modified", "url")}
    if latest is not None and noise.same_provisions(latest.text, source.text, latest.kind):
        remember(got.etag, got.last_modified)
        return Captured(url, doc, "unchanged", latest, http_status=got.status, size=len(got.data),
                        meta=meta)  # fmt: skip
    notes = [f"captured from {got.url} (HTTP {got.status})"]
    for key in ("published", "modified"):
        if meta.get(key):
            notes.append(f"page {key}: {meta[key]}")
    if meta.get("url") and meta["url"] != got.url:
        notes.append(f"canonical URL: {meta['url']}")
    label = capture_label(when, store.labels(doc) if latest else set())
    with store.transaction():  # the version and its validators: one commit
        added = add_version(
            store, doc, source, at=stamp, label=label, url=got.url, notes="; ".join(notes),
            title=meta.get("title"), kind=latest.kind if latest else None, reverts=True,
        )  # fmt: skip
        store.set_validators(url, doc, got.etag, got.last_modified, stamp)
    if not added.stored:
        return Captured(url, doc, "identical", added.version, http_status=got.status,
                        size=len(got.data), meta=meta)  # fmt: skip
    return Captured(
        url, doc, "stored", added.version, latest.label if latest else None, got.status,
        len(got.data), meta,
    )  # fmt: skip


def _name_for(url: str, media_type: str) -> str:
    """The name the reader sees: the URL, unless its path ends in an extension that
    contradicts what the server said (``/feed.php`` serving HTML)."""
    if not media_type:
        return url
    path = urlsplit(url).path.lower()
    if re.search(r"\.(md|markdown|txt|html?|docx|pdf)$", path):
        return path.rsplit("/", 1)[-1]
    if media_type not in ("text/html", "application/xhtml+xml"):
        return "page"
    return "page.html"
