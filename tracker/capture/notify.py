"""Telling someone that a capture stored a new version: a webhook POST of the change in
the shape of ``tracker diff --format json``, with an ``event`` block saying what was
captured. Retried with exponential backoff; a webhook that keeps failing is reported
(and logged on the watch), never a reason to lose or roll back the stored version: the
notification is sent only after the version is committed."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from .. import __version__

if TYPE_CHECKING:
    from ..store import Store
    from .page import Captured


def change_payload(store: Store, captured: Captured) -> dict[str, Any]:
    """The ``tracker diff DOC PREVIOUS NEW --format json`` document of a stored capture
    (for a first version: the same shape, ``from`` null and every provision added)."""
    from ..compare import compare
    from ..render import diff_json

    v = captured.version
    assert v is not None and captured.stored
    if captured.previous:
        body = diff_json(compare(store, captured.doc, captured.previous, v.label))
    else:
        body = {
            "doc": captured.doc,
            "from": None,
            "to": {"label": v.label, "at": v.at, "doc": captured.doc},
            "summary": {"added": v.n_provisions},
            "headline": f"first version, {v.n_provisions} provisions",
            "changes": [],
        }
    body["event"] = {
        "type": "version.stored",
        "doc": captured.doc,
        "label": v.label,
        "at": v.at,
        "url": captured.url,
        "page": captured.meta,
    }
    return body


def post(
    url: str,
    payload: dict[str, Any],
    *,
    attempts: int = 4,
    backoff: float = 1.0,
    timeout: float = 10.0,
) -> str | None:
    """POST ``payload`` as JSON to ``url``; retry on a network error or a 5xx/429 after
    ``backoff``, 2x``backoff``, ... seconds. None on success (any 2xx), else the last
    error as one line."""
    import httpx

    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"tracker/{__version__} webhook",
    }
    error = None
    for attempt in range(attempts):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            r = httpx.post(url, content=body, headers=headers, timeout=timeout)
        except httpx.HTTPError as exc:
            reason = str(exc).splitlines()[0] if str(exc) else ""
            error = f"webhook {url}: {type(exc).__name__}: {reason}"
            continue
        if 200 <= r.status_code < 300:
            return None
        error = f"webhook {url}: HTTP {r.status_code} after {attempt + 1} attempts"
        if r.status_code < 500 and r.status_code != 429:
            return error  # the receiver refused it: retrying will not help
    return error
