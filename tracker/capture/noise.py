"""What is not a change between two captures of the same page.

Pages carry text that changes on every request without the document changing: a "Last
updated 10:42" line, the time the page was rendered, a session or CSRF token, a view
counter, "3 minutes ago". Two captures are compared provision by provision after
*masking* those spans (each becomes one placeholder), so a capture whose only
differences fall inside masked spans is "unchanged" and not stored. What is stored is
always the page as captured, noise included; masking only decides *whether* to store.

The cost: a real change that falls entirely inside a masked span (a date in a provision
moved by a day, a long reference number edited) does not make a new version on its own;
it is stored with the next real change. Short numbers (figures: "12 soldiers", "$4.5bn",
"article 7") are never masked.
"""

from __future__ import annotations

import re

from ..provisions import KINDS, split

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAYS = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?"

# Order matters: longer shapes first, so "2026-11-27T08:15:03Z" is one span.
_PATTERNS = [
    # ISO dates and timestamps: 2026-11-27, 2026-11-27T08:15:03.123+01:00, 2026/11/27
    r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:\s?(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT))?)?",
    # 27/11/2026, 11.27.26
    r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b",
    # (Friday,) 27 November 2026 / November 27, 2026 / Nov. 27
    rf"\b(?:{_DAYS}\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}(?:,?\s+\d{{4}})?",
    rf"\b(?:{_DAYS}\s+)?{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?",
    # times: 08:15, 8:15:03, 8:15 pm, 08:15 CET
    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?(?:\s?[A-Z]{2,4}\b)?",
    r"\b\d{1,2}\s?[ap]\.?m\.?(?=\W|$)",
    # relative times: 3 minutes ago, an hour ago, yesterday
    r"\b(?:\d+|an?|one)\s+(?:second|minute|min|hour|hr|day|week|month|year)s?\s+ago\b",
    # tokens: long hex (session ids, hashes), base64-ish runs mixing letters and digits
    r"\b[0-9a-f]{16,}\b",
    r"\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{24,}\b",
    # long digit runs: Unix timestamps, cache busters, request ids (8+ digits)
    r"\b\d{8,}\b",
    # counters: "12,345 views", "1.2k reads", "87 comments"
    r"\b\d[\d,.\s]*[kKmM]?\s+(?:views?|reads?|readers|comments?|shares?|likes?|visits?|"
    r"visitors?|online)\b",
]
_NOISE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
MASK = "\u2400"  # one placeholder per masked span


def mask(text: str) -> str:
    """``text`` with every noise span replaced by one placeholder, whitespace folded."""
    return " ".join(_NOISE.sub(MASK, text).split())


def masked_provisions(text: str, kind: str) -> list[str]:
    """The provisions of ``text`` (split as ``kind``), each masked."""
    return [mask(p.text) for p in split(text, kind if kind in KINDS else "reporting")]


def same_provisions(old_text: str, new_text: str, kind: str) -> bool:
    """Whether two captures differ only in noise: same provisions, in the same order,
    with the same text once dates, times, tokens, long numbers and counters are masked."""
    if old_text == new_text:
        return True
    return masked_provisions(old_text, kind) == masked_provisions(new_text, kind)
