"""Timestamps as people paste them: every accepted format to its exact UTC instant, zone
abbreviations and IANA names, the default zone, and clear errors instead of guesses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.dates import iso, parse_when, resolve_zone, show
from tracker.errors import DateError, TrackerError


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-11-20", utc(2025, 11, 20, 0, 0)),
        ("2026-03-02T09:00:00+00:00", utc(2026, 3, 2, 9, 0)),
        ("2026-03-09 10:30 CET", utc(2026, 3, 9, 9, 30)),
        ("20 March 2026 14:00 UTC", utc(2026, 3, 20, 14, 0)),
        ("Nov 23, 2025 5pm EST", utc(2025, 11, 23, 22, 0)),
        ("23.11.2025 18:00", utc(2025, 11, 23, 18, 0)),
        # Variants of the same shapes.
        ("2026-03-02T11:00:00+02:00", utc(2026, 3, 2, 9, 0)),
        ("2025-11-20T14:05:00Z", utc(2025, 11, 20, 14, 5)),
        ("2025-11-20 12:00 +0200", utc(2025, 11, 20, 10, 0)),
        ("2025-11-20 12:00 -05:00", utc(2025, 11, 20, 17, 0)),
        ("23.11.2025 18:00 CET", utc(2025, 11, 23, 17, 0)),
        ("13.04.2025", utc(2025, 4, 13, 0, 0)),  # day > 12: not ambiguous
        ("12.12.2025", utc(2025, 12, 12, 0, 0)),  # day == month: not ambiguous
        ("November 24, 2025 9:15am", utc(2025, 11, 24, 9, 15)),
    ],
)
def test_accepted_formats(text: str, expected: datetime) -> None:
    when = parse_when(text)
    assert when == expected
    assert when.utcoffset() == timedelta(0)


def test_results_are_utc_and_iso_has_seconds_precision() -> None:
    when = parse_when("2026-03-09 10:30 CET")
    assert when.tzinfo is not None and when.utcoffset() == timedelta(0)
    assert iso(when) == "2026-03-09T09:30:00+00:00"
    assert iso(parse_when("2026-03-02T09:00:00.789+00:00")) == "2026-03-02T09:00:00+00:00"


@pytest.mark.parametrize(
    ("abbreviation", "offset_hours"),
    [
        ("UTC", 0),
        ("GMT", 0),
        ("CET", 1),
        ("CEST", 2),
        ("EET", 2),
        ("EEST", 3),
        ("MSK", 3),
        ("BST", 1),
        ("EST", -5),
        ("EDT", -4),
        ("CST", -6),
        ("CDT", -5),
        ("PST", -8),
        ("PDT", -7),
    ],
)
def test_zone_abbreviations(abbreviation: str, offset_hours: int) -> None:
    # 12:00 local at offset +h is 12:00 - h in UTC.
    expected = utc(2025, 6, 1, 12, 0) - timedelta(hours=offset_hours)
    assert parse_when(f"2025-06-01 12:00 {abbreviation}") == expected
    assert parse_when(f"1 June 2025 12:00 {abbreviation}") == expected
    # And as the default zone for a time given without one.
    assert parse_when("2025-06-01 12:00", abbreviation) == expected
    assert resolve_zone(abbreviation).utcoffset(None) == timedelta(hours=offset_hours)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-15 12:00 Europe/Kyiv", utc(2025, 1, 15, 10, 0)),  # winter: EET, +02:00
        ("2025-07-15 12:00 Europe/Kyiv", utc(2025, 7, 15, 9, 0)),  # summer: EEST, +03:00
        # Across the 2025 switch to summer time (30 March, 01:00 UTC).
        ("2025-03-29 12:00 Europe/Kyiv", utc(2025, 3, 29, 10, 0)),
        ("2025-03-31 12:00 Europe/Kyiv", utc(2025, 3, 31, 9, 0)),
        ("2025-11-20 12:00 America/New_York", utc(2025, 11, 20, 17, 0)),
        ("2025-07-20 12:00 Europe/London", utc(2025, 7, 20, 11, 0)),
    ],
)
def test_iana_zone_names(text: str, expected: datetime) -> None:
    assert parse_when(text) == expected


def test_no_zone_means_utc() -> None:
    assert parse_when("2025-11-20 12:00") == utc(2025, 11, 20, 12, 0)
    assert parse_when("23.11.2025 18:00") == utc(2025, 11, 23, 18, 0)


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        ("2025-11-20 12:00", "Europe/Kyiv", utc(2025, 11, 20, 10, 0)),
        ("2025-07-20 12:00", "Europe/Kyiv", utc(2025, 7, 20, 9, 0)),
        ("2025-11-20", "Europe/Kyiv", utc(2025, 11, 19, 22, 0)),  # midnight in Kyiv
        ("Nov 23, 2025 5pm", "America/New_York", utc(2025, 11, 23, 22, 0)),
        ("2025-11-20 12:00", "CET", utc(2025, 11, 20, 11, 0)),
        ("2025-11-20 12:00", "+05:30", utc(2025, 11, 20, 6, 30)),
        # A zone in the text wins over the default zone.
        ("2025-11-20 12:00 UTC", "Europe/Kyiv", utc(2025, 11, 20, 12, 0)),
        ("2025-11-20T12:00:00+01:00", "Europe/Kyiv", utc(2025, 11, 20, 11, 0)),
    ],
)
def test_default_zone_applies_only_without_a_zone(text: str, zone: str, expected: datetime) -> None:
    assert parse_when(text, zone) == expected


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "not a date 2025",
        "2025-13-45",
        "2025-02-30",
        "32.13.2025",
        "2025-11-20 25:00",
        "2025-11-20 noon",
    ],
)
def test_unparseable_dates_are_errors(text: str) -> None:
    with pytest.raises(DateError) as info:
        parse_when(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_date_is_an_error(text: str) -> None:
    with pytest.raises(DateError, match="empty"):
        parse_when(text)


@pytest.mark.parametrize("text", ["March 20", "20 March", "Nov 23 5pm EST", "5pm EST", "23.11."])
def test_year_less_dates_are_errors(text: str) -> None:
    with pytest.raises(DateError, match="year") as info:
        parse_when(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "2025",
        "2025-11",
        "November 2025",
        "Nov 2025",
    ],
)
def test_dates_without_a_day_are_errors_not_filled_in_from_today(text: str) -> None:
    with pytest.raises(DateError) as info:
        parse_when(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize(
    "text", ["03.04.2025", "04/03/2025", "1.2.2025", "11-12-2025", "03.04.2025 18:00"]
)
def test_ambiguous_day_month_is_an_error(text: str) -> None:
    with pytest.raises(DateError, match="ambiguous") as info:
        parse_when(text)
    assert repr(text) in str(info.value)
    assert "YYYY-MM-DD" in str(info.value)


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("2025-11-20 12:00 XYZ", "XYZ"),
        ("2025-11-20 12:00 Mars/Olympus", "Mars/Olympus"),
        ("20 March 2026 14:00 QQQ", "QQQ"),
    ],
)
def test_unknown_zone_in_text_is_an_error(text: str, bad: str) -> None:
    with pytest.raises(DateError, match="time zone") as info:
        parse_when(text)
    assert bad in str(info.value)


def test_out_of_range_offset_in_text_is_an_error() -> None:
    with pytest.raises(DateError) as info:
        parse_when("2025-11-20 12:00 +25:00")
    assert "2025-11-20 12:00 +25:00" in str(info.value)


@pytest.mark.parametrize("zone", ["Nowhere/Zone", "XYZ", "+25:00", "-24:00"])
def test_unknown_default_zone_is_an_error(zone: str) -> None:
    with pytest.raises(DateError) as info:
        parse_when("2025-11-20 12:00", zone)
    assert zone in str(info.value)


def test_date_error_is_a_tracker_error() -> None:
    # The CLI turns TrackerError into "error: ..."; a DateError must be one.
    assert issubclass(DateError, TrackerError)


@pytest.mark.parametrize(
    ("stored", "zone", "shown"),
    [
        ("2025-11-20T12:00:00+00:00", None, "2025-11-20 12:00 UTC"),
        ("2025-11-20T12:00:00+00:00", "Europe/Kyiv", "2025-11-20 14:00 EET"),
        ("2025-07-20T12:00:00+00:00", "Europe/Kyiv", "2025-07-20 15:00 EEST"),
        ("2025-11-20T23:30:00+00:00", "Europe/Kyiv", "2025-11-21 01:30 EET"),
        ("2025-11-20T12:00:00+00:00", "EST", "2025-11-20 07:00 EST"),
    ],
)
def test_show_in_the_users_zone(stored: str, zone: str | None, shown: str) -> None:
    assert show(stored, zone) == shown
