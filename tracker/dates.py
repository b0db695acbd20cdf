"""Timestamps as people paste them -> aware UTC datetimes (python-dateutil).

Accepted: ``2025-11-20``, ``2026-03-02T09:00:00+00:00``, ``2026-03-09 10:30 CET``,
``20 March 2026 14:00 UTC``, ``Nov 23, 2025 5pm EST``, ``23.11.2025 18:00``,
``2025-11-24 10:00 Europe/Kyiv``. A time without a zone is taken in the default zone (UTC
unless the caller says otherwise). Anything dateutil would have to guess at is refused.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as du_parser

from .errors import DateError

# Common abbreviations with their fixed offsets. Abbreviations are ambiguous world-wide
# (CST is also China Standard Time), so we pick the reading our users mean and document it.
ABBREVIATIONS: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "WEST": 1,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "EET": 2,
    "EEST": 3,
    "MSK": 3,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
}
_TZINFOS = {name: hours * 3600 for name, hours in ABBREVIATIONS.items()}
# An IANA zone name as the last word (``Europe/Kyiv``). Matched with fullmatch on that one
# word: searched for over the whole text, ``\s+...\s*$`` backtracks quadratically on a
# long run of spaces (60,000 spaces took 43 s, holding the GIL).
_IANA = re.compile(r"[A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+")
# No date people write is longer; refusing longer input before any regex or dateutil
# runs keeps every step bounded whatever is pasted.
MAX_CHARS = 100
_NUMERIC_DMY = re.compile(r"^\s*(\d{1,2})([./-])(\d{1,2})\2(\d{2,4})\b")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


def resolve_zone(name: str) -> tzinfo:
    """A zone name: an abbreviation above, an IANA name (``Europe/Kyiv``) or ``+02:00``."""
    key = name.strip()
    if key.upper() in ABBREVIATIONS:
        return timezone(timedelta(hours=ABBREVIATIONS[key.upper()]), key.upper())
    m = re.fullmatch(r"([+-])(0?\d|1\d|2[0-3]):?([0-5]\d)?", key)
    if m:
        sign = -1 if m.group(1) == "-" else 1
        return timezone(sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0)))
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        raise DateError(f"unknown time zone {name!r}") from None


def parse_when(text: str, default_tz: str | tzinfo = "UTC") -> datetime:
    """Parse ``text`` into an aware datetime in UTC.

    Raises :class:`DateError` for empty, unparseable, year-less or ambiguous input
    (``03.04.2025`` could be 3 April or 4 March: write ``2025-04-03``).
    """
    raw = text
    text = (text or "").strip()
    if not text:
        raise DateError("empty date")
    if len(text) > MAX_CHARS:
        raise DateError(f"cannot read date {_clip(raw)}: longer than {MAX_CHARS} characters")
    zone = resolve_zone(default_tz) if isinstance(default_tz, str) else default_tz
    words = text.rsplit(None, 1)
    iana = len(words) == 2 and _IANA.fullmatch(words[1]) is not None
    if iana:
        zone = resolve_zone(words[1])
        text = words[0]
    if not _YEAR.search(text):
        raise DateError(f"cannot read date {raw!r}: give the year in four digits")
    dayfirst = False
    m = _NUMERIC_DMY.match(text)
    if m:
        first, second = int(m.group(1)), int(m.group(3))
        if first <= 12 and second <= 12 and first != second:
            raise DateError(
                f"ambiguous date {raw!r}: day and month could be either way; write it as YYYY-MM-DD"
            )
        dayfirst = first > 12 or m.group(2) == "."
    # Trailing abbreviations in any case: "utc", "Cet".
    tail = re.search(r"\b([A-Za-z]{1,5})$", text)
    if tail and tail.group(1).upper() in ABBREVIATIONS:
        text = text[: tail.start(1)] + tail.group(1).upper()
    try:
        with warnings.catch_warnings():
            # dateutil warns on an unknown zone name and returns a naive time; we refuse it.
            warnings.simplefilter("ignore")
            # dateutil fills a missing day or month from its default: parse against two
            # different defaults and refuse the input if they disagree ("Nov 2025").
            parsed = [
                du_parser.parse(text, dayfirst=dayfirst, tzinfos=_TZINFOS, default=default)
                for default in (datetime(2000, 1, 1), datetime(2001, 2, 2))
            ]
            when = parsed[0]
            when.utcoffset()
    except (ValueError, OverflowError) as exc:
        raise DateError(f"cannot read date {raw!r}: {exc}") from None
    if parsed[0].date() != parsed[1].date():
        raise DateError(f"incomplete date {raw!r}: give the day, month and year")
    if when.tzinfo is None:
        if not iana and re.search(r"\b[A-Z]{3,5}$", text):
            raise DateError(f"unknown time zone in {raw!r}")
        when = when.replace(tzinfo=zone)
    try:
        return when.astimezone(UTC)
    except (OverflowError, ValueError):
        # 9999-12-31 23:59 PST is in year 10000 in UTC; 0001-01-01 at +05:00 in year 0.
        raise DateError(f"date {raw!r} is out of range (years 1 to 9999 in UTC)") from None


def _clip(text: str, n: int = 40) -> str:
    """A long bad value, shortened for the error message."""
    return repr(text) if len(text) <= n else repr(text[:n]) + f"... ({len(text):,} characters)"


def iso(when: datetime) -> str:
    """The stored form: UTC, ISO-8601, seconds precision."""
    return when.astimezone(UTC).replace(microsecond=0).isoformat()


def show(at_iso: str, tz: str | None = None) -> str:
    """A stored UTC timestamp shown in the user's zone (UTC when none is given)."""
    when = datetime.fromisoformat(at_iso)
    zone = resolve_zone(tz) if tz else UTC
    local = when.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or "")
