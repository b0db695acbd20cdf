"""The grammar of printed provision numbers: what a drafter types before a provision.

``1.``, ``1)``, ``(1)``, ``3.4``, ``1.1.1.``, ``a)``, ``(a)``, ``A.``, ``(ii)``, ``iv.``, ``IV.``,
``Article 5.``, ``Art. 5``, ``§ 12``, ``Section 4.``, ``Point 3:``, ``Clause 7``, ``Annex II``,
``Chapter 3``, ``Part IV``. :func:`parse` reads one at the start of a line and says what it
is; whether it really starts a provision there, and where it sits in the tree, is decided by
:mod:`tracker.provisions` from the markers around it (``(i)`` after ``(h)`` is a letter,
after ``(a)`` it opens roman sub-points).

Every pattern here is anchored and bounded (at most :data:`PROBE` characters are looked at),
so reading a marker is linear on any line, however long or hostile.
"""

from __future__ import annotations

import re
from typing import NamedTuple

PROBE = 80  # a marker is short; nothing past this many characters is matched

# Keywords that name a numbered provision. The first group are citation roots: an article
# is cited by its own number ("Art. 5(2)"), whatever chapter or part encloses it. The second
# name a series of their own and stay in the path ("Annex I.3").
ROOT_KEYWORDS = {
    "article": "Article",
    "art": "Article",
    "section": "Section",
    "sec": "Section",
    "§": "§",
    "§§": "§",
    "point": "Point",
    "clause": "Clause",
    "rule": "Rule",
    "paragraph": "Paragraph",
    "para": "Paragraph",
    "recital": "Recital",
}
SERIES_KEYWORDS = {
    "annex": "Annex",
    "schedule": "Schedule",
    "appendix": "Appendix",
    "exhibit": "Exhibit",
    "chapter": "Chapter",
    "part": "Part",
    "title": "Title",
}

ROOT_NAMES = frozenset(ROOT_KEYWORDS.values())
SERIES_NAMES = frozenset(SERIES_KEYWORDS.values())
KEYWORD_NAMES = ROOT_NAMES | SERIES_NAMES
_TITLE_START = frozenset("\"'\u201c\u2018([*_|")

_KEYWORD = re.compile(
    r"""(?P<kw>(?i:article|art|section|sec|point|clause|rule|paragraph|para|recital|annex
        |schedule|appendix|exhibit|chapter|part|title)\b\.?|§§?)
    [ \t\u00a0]?
    (?P<n>\d{1,4}[a-z]?(?:\.\d{1,4})*|[IVXLCDM]{1,7}\b|[A-Z]\b)
    (?P<p>[ \t]*[.:)\u2013\u2014-](?![0-9A-Za-z]))?""",
    re.VERBOSE,
)
# "1.", "1)", "12." (any number of digits, bounded); "(1)".
_DECIMAL = re.compile(r"(?P<n>\d{1,9})(?P<s>[A-Z])?(?P<p>[.)])(?=\s|$)")
_PAREN = re.compile(r"\((?P<n>\d{1,9}|[a-z]{1,2}|[A-Z]{1,2}|[ivxlcdm]{1,7}|[IVXLCDM]{1,7})\)")
# "3.4", "1.1.1", "1.1." (two to six levels).
_MULTI = re.compile(r"(?P<n>\d{1,4}(?:\.\d{1,4}){1,5})(?P<p>\.)?(?=\s|$)")
# "a)", "a.", "ii)", "iv.", "A.", "IV)", "aa)".
_LETTER = re.compile(r"(?P<n>[a-z]{1,2}|[A-Z]{1,2}|[ivxlcdm]{1,7}|[IVXLCDM]{1,7})(?P<p>[.)])(?=\s)")
_ROMAN = re.compile(r"(?i)M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
BULLETS = frozenset("\u2192\u2022\u25aa\u25cf\u2023\u2043\u25e6*-\u2013>")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


class Marker(NamedTuple):
    """A printed number at the start of a line.

    ``text`` is the marker as written (``"Article 6."``, ``"(ii)"``); ``number`` is the
    number alone (``"6"``, ``"ii"``, ``"3.4"``); ``style`` names the series it belongs to,
    punctuation included (``"1."``, ``"(1)"``, ``"a)"``, ``"(i)"``, ``"A."``, ``"I."``,
    ``"1.1"`` for multi-level numbers, ``"Article"``, ``"Annex"``); ``value`` is its place
    in that series (``"c"`` is 3, ``"iv"`` is 4, ``"3.4"`` is 4; ``"10A."`` is 10 with
    ``sub`` 1, inserted after 10). A single letter that is
    also a roman numeral (``i``, ``v``, ``x``...) is read as a letter, with ``roman`` giving
    its value as a numeral, for the tree builder to choose from context. ``end`` is where
    the provision's own text starts.

    A named tuple, immutable like a frozen dataclass: one is made for every numbered line,
    and a tuple is built several times faster.
    """

    text: str
    number: str
    style: str
    value: int
    end: int
    roman: int = 0
    sub: int = 0  # a letter after a number ("10A." is 10 with sub 1)

    @property
    def keyword(self) -> str:
        """``"Article"``, ``"Annex"``, ... for a keyword marker, else ``""``."""
        return self.style if self.style in KEYWORD_NAMES else ""

    @property
    def levels(self) -> int:
        """How many levels a multi-level number spells (``1.1.1`` is 3; others 1)."""
        return self.number.count(".") + 1 if self.style == "1.1" else 1

    def as_roman(self) -> Marker:
        """The same marker read as a roman numeral."""
        style = self.style.replace("a", "i").replace("A", "I")
        return Marker(self.text, self.number, style, self.roman, self.end, self.roman)


def roman_value(s: str) -> int:
    """The value of a roman numeral, or 0 if ``s`` is not one."""
    if not s or not _ROMAN.fullmatch(s):
        return 0
    total = 0
    values = [_ROMAN_VALUES[c] for c in s.lower()]
    for k, v in enumerate(values):
        total += -v if k + 1 < len(values) and values[k + 1] > v else v
    return total


_NUMERALS = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
    (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def to_roman(n: int) -> str:
    """``4`` -> ``"iv"`` (lower case); ``""`` where numerals cannot count (0, negatives,
    past 3999): the readers print such numbers in digits."""
    if not 0 < n < 4000:
        return ""
    out = []
    for value, digits in _NUMERALS:
        while n >= value:
            out.append(digits)
            n -= value
    return "".join(out)


def letter_value(s: str) -> int:
    """``a`` is 1, ``z`` 26, ``aa`` 27 (doubled letters continue the series)."""
    c = s[0].lower()
    if not c.isascii() or not c.isalpha():
        return 0
    if len(s) == 2 and s[0] != s[1]:
        return 0
    return ord(c) - 96 + 26 * (len(s) - 1)


def _series(n: str, open_: str, close: str, end: int, text: str) -> Marker | None:
    """A letter or roman marker: ``n`` in ``open_ ... close`` punctuation."""
    if n.isdigit():
        return Marker(text, n, f"{open_}1{close}", int(n), end)
    lower = n.islower()
    a, i = ("a", "i") if lower else ("A", "I")
    rv = roman_value(n)
    if len(n) > 1 and rv and not (len(n) == 2 and n[0] == n[1] and rv == 0):
        # "ii", "iv", "xii": a numeral ("ii" is never the doubled letter in practice: a
        # list reaching "hh" is rarer than one reaching "ii").
        return Marker(text, n, f"{open_}{i}{close}", rv, end)
    lv = letter_value(n)
    if not lv:
        return None
    return Marker(text, n, f"{open_}{a}{close}", lv, end, rv if len(n) == 1 else 0)


def parse(line: str) -> Marker | None:
    """The marker at the start of ``line`` (already stripped of leading space), or None.

    Only the shapes are read here; :mod:`tracker.provisions` decides from context whether
    a marker really starts a provision (``2025. The parties...`` in a wrapped line does
    not).
    """
    head = line[:PROBE]
    if not head:
        return None
    first = head[0]
    if first.isdigit():
        # "12. " or "12) ", by far the most common marker, read without a regex (which
        # costs several times more). Anything else starting with a digit goes to them.
        end = head.find(" ")
        if 1 < end <= 10 and head[end - 1] in ".)" and head[: end - 1].isdecimal():
            return Marker(
                head[:end], head[: end - 1], "1" + head[end - 1], int(head[: end - 1]), end
            )
        m = _MULTI.match(head)
        if m:
            n = m.group("n")
            end = m.end()
            rest = head[end:].lstrip()
            # "1.5 million" is a figure, not a point: without a closing dot, a multi-level
            # number must be followed by a capital, a quote, a bracket or nothing.
            if m.group("p") or not rest or rest[0].isupper() or rest[0] in _TITLE_START:
                return Marker(m.group(0), n, "1.1", int(n.rsplit(".", 1)[1]), end)
            return None
        m = _DECIMAL.match(head)
        if m:
            n, sub = m.group("n"), m.group("s")
            # "10A." is inserted between 10 and 11: the same series, one step after 10.
            return Marker(m.group(0), n + (sub or ""), f"1{m.group('p')}", int(n), m.end(),
                          sub=ord(sub) - 64 if sub else 0)  # fmt: skip
        return None
    if first == "(":
        m = _PAREN.match(head)
        if m and (m.end() == len(head) or head[m.end()].isspace()):
            return _series(m.group("n"), "(", ")", m.end(), m.group(0))
        return None
    if first.isalpha() or first == "§":
        m = _KEYWORD.match(head)
        if m:
            kw = m.group("kw").rstrip(".").lower()
            name = ROOT_KEYWORDS.get(kw) or SERIES_KEYWORDS.get(kw, "§")
            n = m.group("n")
            end = m.end()
            rest = head[end:].lstrip()
            # "Section 4 of the Act provides" is a sentence: after the number comes
            # punctuation, the end of the line, or a capital (a title: "Article 5 Scope").
            if m.group("p") or not rest or rest[0].isupper() or rest[0] in _TITLE_START:
                if n.isdigit() or n[0].isdigit():
                    value = int(re.match(r"\d+", n).group(0))  # type: ignore[union-attr]
                else:
                    value = roman_value(n) if len(n) > 1 or n in "IVX" else letter_value(n)
                return Marker(m.group(0).rstrip(), n, name, value, end)
            return None
        m = _LETTER.match(head)
        if m:
            return _series(m.group("n"), "", m.group("p"), m.end(), m.group(0))
    return None


def bullet(line: str) -> str | None:
    """The bullet at the start of ``line`` (``-``, ``•``, ``→``...), or None."""
    if len(line) > 1 and line[0] in BULLETS and line[1] in " \t":
        return line[0]
    return None
