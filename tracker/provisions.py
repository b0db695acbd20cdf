"""Text -> provisions.

A *plan* is split into numbered points (``1.``, ``1)``, ``(1)``, ``Point 1``, ``Article 1.``,
``Art. 1``, ``§ 1``), their lettered sub-points (``a)``, ``(a)``, ``a.``) and arrowed or
bulleted sub-points (``→``, ``-``, ``•``). *Reporting* (prose) is split into paragraphs.
The text of each provision is kept verbatim; ``norm`` is a normalised copy used only for
matching (case, whitespace, quotes and dashes folded, numbering stripped).

Parsing is one linear pass over the lines.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .readers import Block

KINDS = ("plan", "reporting")  # how a text is split
VERSION_KINDS = (*KINDS, "statement", "other")  # what a stored version may be labelled


@dataclass(frozen=True)
class Provision:
    """One provision of one version.

    ``number`` is the number or letter as written (``"10"``, ``"b"``, ``""`` for an
    unnumbered paragraph); ``path`` is unique within the version (``"10"``, ``"10.b"``,
    ``"12.2"`` for the second bullet under point 12, ``"p3"`` for the third unnumbered
    paragraph); ``marker`` is the numbering exactly as written (``"Article 6."``);
    ``heading`` is the text of the nearest enclosing heading (``""`` at the top).
    """

    ordinal: int
    number: str
    path: str
    marker: str
    depth: int
    text: str
    norm: str
    heading: str = ""

    def __init__(
        self,
        ordinal: int,
        number: str,
        path: str,
        marker: str,
        depth: int,
        text: str,
        norm: str,
        heading: str = "",
    ) -> None:
        # Written out (the dataclass keeps it) to fill the fields in one call: the generated
        # __init__ of a frozen dataclass sets each through object.__setattr__, which costs
        # about twice as much, and a long document builds tens of thousands of these.
        self.__dict__.update(
            ordinal=ordinal, number=number, path=path, marker=marker, depth=depth, text=text,
            norm=norm, heading=heading,
        )  # fmt: skip

    @property
    def label(self) -> str:
        """How a reader refers to it: ``10.b``, or ``¶3`` for an unnumbered paragraph."""
        if self.path.startswith("p") and not self.number:
            return "¶" + self.path[1:]
        return self.path


# --- normalisation -----------------------------------------------------------------------

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u202f": " ",
    }
)


def normalise(text: str) -> str:
    """Fold what is not a change: case, Unicode forms, quote and dash styles, whitespace."""
    if text.isascii():
        # Most provisions: no Unicode forms, curly quotes or dashes to fold; skipping the
        # table translation halves the cost of parsing a large document.
        text = text.replace("`", "'").lower()
        # Every whitespace character str.split() knows in ASCII but the space, and a double
        # space: without them only the ends can change. Ten memchr-fast searches cost a
        # quarter of splitting into words and joining them again (written out, as `in`
        # tests, they cost half of the same searches through any() and map()).
        if not (
            "  " in text or "\n" in text or "\t" in text or "\r" in text or "\x0b" in text
            or "\x0c" in text or "\x1c" in text or "\x1d" in text or "\x1e" in text
            or "\x1f" in text
        ):  # fmt: skip
            return text.strip()
    else:
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(text.split())  # several times faster than a regex substitution


# --- markers ------------------------------------------------------------------------------

# A top-level number: "1.", "1)", "(1)", "Point 1", "Article 1.", "Art. 1", "§ 1".
# The number itself is group "n"; the whole marker is group 0 (trailing space excluded).
_POINT = re.compile(
    r"""^(?:
        (?:(?:Article|ARTICLE|Art\.?|Point|POINT|Clause|Section|§)\s*(?P<n1>\d{1,5}[A-Za-z]?)
            (?:\s*[.:)\-\u2013\u2014])?)
      | \((?P<n2>\d{1,5})\)
      | (?P<n3>\d{1,5})[.)](?!\d)
    )(?=\s|$)""",
    re.VERBOSE,
)
_LETTER = re.compile(r"^(?:\((?P<l1>[a-z])\)|(?P<l2>[a-z])[.)])(?=\s)")
_BULLET = re.compile(r"^(?P<b>[\u2192\u2022\u25aa\u25cf\u2023\u2043*\-\u2013>])(?=\s)")


# What a marker can start with. A set lookup on the first character rules the regexes out
# for continuation lines and prose at a fraction of the cost of a failed match.
# ``isdecimal`` is exactly the regex's ``\d`` (Unicode category Nd).
_POINT_FIRST = frozenset("APCS§(")
_LETTER_FIRST = frozenset("(abcdefghijklmnopqrstuvwxyz")
_BULLET_FIRST = frozenset("\u2192\u2022\u25aa\u25cf\u2023\u2043*-\u2013>")


def _point_number(line: str) -> tuple[str, str] | None:
    first = line[:1]
    if first.isdecimal():
        # "12. " or "12) ", by far the most common marker, read without the regex (which
        # costs several times more). Anything else starting with a digit goes to it.
        end = line.find(" ")
        head = line if end < 0 else line[:end]
        if 1 < len(head) <= 6 and head[-1] in ".)" and head[:-1].isdecimal():
            return head[:-1], head
    elif first not in _POINT_FIRST:
        return None
    m = _POINT.match(line)
    if not m:
        return None
    n1, n2, n3 = m.groups()  # one call instead of three group() lookups
    return (n1 or n2 or n3), m.group(0)


def _as_int(number: str) -> int:
    if number.isdigit():
        return int(number)
    digits = re.match(r"\d+", number)  # "12a"
    return int(digits.group(0)) if digits else 0


# Numbering goes up, possibly skipping struck-out points; a bigger jump is more likely a
# wrapped line that happens to start with a number ("2025. The parties...").
MAX_SKIP = 20


def _next_point(last: int, number: int) -> bool:
    return number > last and (last == 0 or number - last <= MAX_SKIP)


def detect_kind(text: str) -> str:
    """``plan`` if the text has at least two numbered points in increasing order, else
    ``reporting``."""
    last = 0
    count = 0
    for line in text.splitlines():
        found = _point_number(line.strip())
        if found and _next_point(last, _as_int(found[0])):
            last = _as_int(found[0])
            count += 1
            if count >= 2:
                return "plan"
    return "reporting"


# --- splitting ----------------------------------------------------------------------------


@dataclass(slots=True)  # one per provision: slots make them cheaper to build
class _Block:
    number: str
    path: str
    marker: str
    depth: int
    lines: list[str]


_CONTINUES = frozenset(
    "a an and as at be been being both by for from in into is of on or than that the their "
    "this to was were which who with".split()
)


def _is_heading(line: str) -> bool:
    """A short line without closing punctuation: a title or section heading."""
    s = line.strip()
    if not (0 < len(s) <= 80) or s[-1] in ".;:,!?\"'\u201d)" or s.startswith(("-", "•")):
        return False
    # A line that stops on a function word ("... in the English and") is wrapped prose.
    return s.rsplit(None, 1)[-1].lower() not in _CONTINUES


_NOTE = re.compile(r"^\s*(?:correction|clarification|update|updated|editor's note)\s*:", re.I)


def _paragraphs(text: str) -> list[list[str]]:
    """Blank-line separated paragraphs; a text with no blank line at all but several lines
    is taken as one paragraph per line (a common way pasted articles arrive)."""
    lines = text.splitlines()
    has_blank = any(not ln.strip() for ln in lines)
    paras: list[list[str]] = []
    current: list[str] = []
    for ln in lines:
        if not ln.strip():
            if current:
                paras.append(current)
                current = []
        elif not has_blank:
            paras.append([ln])
        elif current and (
            _NOTE.match(ln) or (len(paras) == 0 and len(current) == 1 and _is_heading(current[0]))
        ):
            # An appended "Correction:" starts its own paragraph even without a blank line,
            # and so does the line after a headline set directly above the dateline.
            paras.append(current)
            current = [ln]
        else:
            current.append(ln)
    if current:
        paras.append(current)
    return paras


def _split_reporting(text: str) -> list[_Block]:
    blocks = []
    for i, para in enumerate(_paragraphs(text), start=1):
        blocks.append(_Block("", f"p{i}", "", 0, [para[0].strip()] + para[1:]))
    return blocks


def _split_plan(text: str) -> Iterator[_Block]:
    """Blocks in reading order, each yielded once the next one starts (only the latest
    block still takes continuation lines). Handed over one at a time, the blocks of a long
    text and their line lists never pile up: kept in a list, the garbage collector walked
    them again and again, about a third of the time of parsing a 5,000-point pair."""
    point: _Block | None = None  # the current top-level point
    letter: _Block | None = None  # the current lettered sub-point under it
    bullets = 0  # bullets seen under the current point (or sub-point)
    last_number = 0
    unnumbered = 0
    blank_before = True
    current: _Block | None = None

    def new_unnumbered(line: str) -> _Block:
        nonlocal unnumbered
        unnumbered += 1
        return _Block("", f"p{unnumbered}", "", 0, [line.strip()])

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            blank_before = True
            continue
        block: _Block | None = None  # the provision this line starts, if any
        found = _point_number(line)
        if found and _next_point(last_number, value := _as_int(found[0])):
            number, marker = found
            last_number = value
            block = point = _Block(number, number, marker, 0, [line[len(marker) :].strip()])
            letter, bullets = None, 0
        elif point is not None and line[0] in _LETTER_FIRST and (m := _LETTER.match(line)):
            number = m.group("l1") or m.group("l2")
            block = letter = _Block(
                number, f"{point.path}.{number}", m.group(0), 1, [line[m.end() :].strip()]
            )
            bullets = 0
        elif point is not None and line[0] in _BULLET_FIRST and (m := _BULLET.match(line)):
            parent = letter or point
            bullets += 1
            block = _Block(
                "", f"{parent.path}.{bullets}", m.group(0), parent.depth + 1,
                [line[m.end() :].strip()],
            )  # fmt: skip
        elif current is None:
            # Preamble before point 1: each paragraph is a provision, and a heading line
            # is one of its own even without a blank line after it.
            block = new_unnumbered(line)
        elif blank_before and not raw[:1].isspace():
            # An unindented paragraph after a blank line is not a continuation: it is a
            # heading between points or closing text.
            block = new_unnumbered(line)
            if point is not None:
                point, letter = None, None
        elif (
            point is None
            and len(current.lines) == 1
            and _is_heading(current.lines[0])
            and line[:1].isupper()
        ):
            # "Title\nFirst sentence of the preamble": a one-line heading is its own
            # provision; a wrapped line (continuing in lower case) is not.
            block = new_unnumbered(line)
        else:
            current.lines.append(raw.rstrip())
        if block is not None:
            if current is not None:
                yield current
            current = block
        blank_before = False
    if current is not None:
        yield current


def split(text: str, kind: str | None = None) -> list[Provision]:
    """Split a version's text into provisions. ``kind`` is detected when not given."""
    kind = kind or detect_kind(text)
    blocks = _split_plan(text) if kind == "plan" else _split_reporting(text)
    out = []
    seen: set[str] = set()
    repeats: dict[str, int] = {}  # path -> primes handed out for it so far
    for b in blocks:
        lines = b.lines
        # A block's first line is stored stripped, so a one-line block (most of them) needs
        # no join and strip.
        body = lines[0] if len(lines) == 1 else "\n".join(lines).strip()
        if not body and not b.number:
            continue
        path = b.path
        # Duplicate numbers (a draft that restarts numbering) keep unique paths: 10.a',
        # 10.a'', 10.a''', then 10.a'4, 10.a'5... A counter per path keeps this linear and
        # the paths short (adding one quote at a time was cubic: 4,000 repeats of "a)"
        # took 7 s and made paths of 4,000 characters).
        if path in seen:
            base, n = path, repeats.get(path, 0)
            while path in seen:
                n += 1
                path = base + ("'" * n if n <= 3 else f"'{n}")
            repeats[base] = n
        seen.add(path)
        out.append(Provision(len(out), b.number, path, b.marker, b.depth, body, normalise(body)))
    return out


def build(blocks: Sequence[Block], kind: str | None = None) -> list[Provision]:
    """Blocks (from any reader) -> the provision tree, in reading order."""
    from .readers import blocks_text

    return split(blocks_text(blocks), kind)
