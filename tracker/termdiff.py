"""One aligned pair of texts -> word operations -> changed terms.

This is the only module that talks to diff-match-patch. It is only ever handed one aligned
pair (a provision, or a split/merge group), never a whole document: that is what makes
``Diff_Timeout = 0`` safe here. With the default 1 s timeout the library silently degrades
to "delete everything, insert everything"; without a timeout on a whole document it is
quadratic. Per pair it costs ~0.1-0.2 ms for 200 characters on the project's 2-core
machine; heavily changed and huge pairs take cheaper exact routes (see _diff_tokens).

diff-match-patch has no word mode, so each distinct token is mapped to one character (the
same trick as its lines-to-chars helper), the character strings are diffed and cleaned up,
and the result is mapped back. Figures like ``600,000`` or ``$100`` are single tokens, so a
changed figure can never be cut in half (a character diff would give ``6`` -> ``8``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from diff_match_patch import diff_match_patch
from rapidfuzz.distance import LCSseq

from tracker.provisions import normalise

Op = tuple[str, str]

# --- figures and tokens -------------------------------------------------------------------

# The signs a figure may start with ($100, €5, ₴300), and a figure: digits with separators,
# a percent sign. The one definition, here for the word diff and its typed terms, imported
# by the aligner's word index and the web's figure plots, so all read the same figures.
CURRENCY_SIGNS = "$€£¥₴₽"
_SIGN = f"[{re.escape(CURRENCY_SIGNS)}]"
FIGURE = _SIGN + r"?\d+(?:[.,:/]\d+)*%?"

_TOKEN = re.compile(
    _SIGN
    + r"""?\d+(?:[.,:/\-]\d+)*[^\W\d_]*%?  # figures: 600,000 $100 50% 50:50 1.5 10A 2024-04-12
    | [^\W_]+(?:['’\-‐‑][^\W_]+)*        # words: two-thirds  Ukraine's  non-aggression  G8
    | \s+                                # runs of whitespace
    | .                                  # any other single character (punctuation, emoji)
    """,
    re.VERBOSE | re.DOTALL,
)


# The same tokens for ASCII text (nearly every provision), about a third faster: explicit
# ASCII classes instead of Unicode ones, a word tried first (one starting with a letter can
# be nothing else), and possessive quantifiers, since no alternative ever needs to give
# characters back. The whitespace class is Unicode ``\s`` restricted to ASCII, which
# includes the separators \x1c-\x1f.
_TOKEN_ASCII = re.compile(
    r"""
      [a-zA-Z][a-zA-Z0-9]*+(?:['\-][a-zA-Z0-9]++)*+
    | \$?+[0-9]++(?:[.,:/\-][0-9]++)*+[a-zA-Z]*+%?+
    | [\t-\r\x1c-\x20]++
    | .
    """,
    re.VERBOSE | re.DOTALL,
)


_PIECES: dict[str, tuple[str, ...]] = {}  # an ASCII piece between spaces -> its tokens
_PIECE_CACHE = 100_000


def tokens(text: str) -> list[str]:
    """Split ``text`` into tokens whose concatenation is exactly ``text``."""
    if not text.isascii():
        return _TOKEN.findall(text)
    # No token runs across the edge of a whitespace run, so a text whose words are set
    # apart by single spaces is tokenised piece by piece: a word of letters is its own
    # token, and the other pieces (figures, punctuation) are split by the regex once and
    # then looked up, since a regex match costs several times a dict lookup.
    out: list[str] = []
    for piece in text.split(" "):
        if piece.isalpha():
            out.append(piece)
        elif (split := _PIECES.get(piece)) is not None:
            out += split
        elif piece and not piece[0].isspace() and not piece[-1].isspace():
            if len(_PIECES) > _PIECE_CACHE:  # a long-running server sees many documents
                _PIECES.clear()
            out += _PIECES.setdefault(piece, tuple(_TOKEN_ASCII.findall(piece)))
        else:  # a longer run of whitespace, or one at either end
            return _TOKEN_ASCII.findall(text)
        out.append(" ")
    out.pop()
    return out


# Token -> character. Code points start at 1 and jump over the surrogate block D800-DFFF
# (not encodable, and the notes measured trouble past ~55,000 distinct tokens); the map is
# rebuilt for every pair, so only a single pair's vocabulary has to fit in ~1.1M code points.
_SURROGATES = 0xD800
_SURROGATE_SPAN = 0x800
_MAX_TOKENS = 0x10FFFF - _SURROGATE_SPAN
# The first 55,295 codes, prebuilt: mapping a pair's tokens is then one C-level zip.
_LOW_CODES = "".join(map(chr, range(1, _SURROGATES)))


def _codes(n: int) -> str:
    if n <= len(_LOW_CODES):
        return _LOW_CODES[:n]
    start = _SURROGATES + _SURROGATE_SPAN
    return _LOW_CODES + "".join(map(chr, range(start, start + n - len(_LOW_CODES))))


_DMP = diff_match_patch()
# No timeout: a timed-out diff is silently wrong, and per pair the diff is cheap.
_DMP.Diff_Timeout = 0

# diff-match-patch's bisection costs about n + m + d^2 steps for n and m tokens and d
# edits (~1 us a step in Python): a 200-word paragraph rewritten from scratch takes 0.1 s,
# and a provision of 35 words with 40% of them replaced ~2 ms, which over 5,000 such pairs
# is most of a diff. So the routes are:
#
# - any pair that is not huge (n * m <= _LCS_CELLS, every provision of a redraft): the
#   same longest-common-subsequence diff, computed by rapidfuzz in C++ (bit-parallel,
#   n * m / 64 word operations and as many bytes / 8 of memory), then diff-match-patch's
#   own clean-ups: ~30x faster than its Python bisection on a 40% reworded provision, and
#   faster on a word or two changed too (the same ops on every benchmark pair);
# - huge (a provision of a megabyte) with few edits: diff-match-patch's bisection, whose
#   n + m + d^2 steps are then few (since d >= n + m - 2 * (tokens in common), that bound
#   tells in O(n) whether d^2 <= _DMP_COST);
# - huge with many edits: cut into chunks at probes (_chunked), or else anchored, patience
#   style, on word trigrams that occur once in each text, in order (O(n log n)); the gaps
#   between anchors are small and go through the routes above. A gap that finds no anchor
#   and is still too big for both stays one deletion and one insertion.
_DMP_COST = 400
_LCS_CELLS = 20_000_000  # ~2.5 MB of bit matrix, ~30 ms
_ANCHOR_GRAM = 3  # words per anchor: one word is rarely unique, three mostly are
_ANCHOR_DEPTH = 4  # anchoring inside gaps, at most this deep
# Huge pairs are first cut at probes (_chunked): a run of this many tokens (~6 words and
# the spaces between them: rarely repeated nearby, and still whole in 10% reworded text
# about half the time) tried every _PROBE_EVERY tokens, so chunks of a few hundred tokens
# come out, each a cheap LCS.
_PROBE_TOKENS = 12
_PROBE_EVERY = 100


def _edit_floor(ta: list[str], tb: list[str]) -> int:
    """A lower bound on the number of token edits between ``ta`` and ``tb``. O(n)."""
    return len(ta) + len(tb) - 2 * sum((Counter(ta) & Counter(tb)).values())


def _diff_units(ta: list[str], tb: list[str], fast: bool = True) -> list[Op]:
    """Diff two unit lists (tokens) via one character per distinct unit: the longest
    common subsequence from rapidfuzz, or with ``fast=False`` from diff-match-patch's
    bisection (the same kind of minimal diff; ties may be broken differently). The runs
    are in _tidy's normal form already."""
    vocab = dict.fromkeys(ta + tb)  # distinct units in order of first appearance
    table = dict(zip(vocab, _codes(len(vocab)), strict=True)).__getitem__
    ca, cb = "".join(map(table, ta)), "".join(map(table, tb))
    if fast:
        diffs = _joined(LCSseq.opcodes(ca, cb), ca, cb, table(" ") if " " in vocab else "")
    else:
        diffs = _DMP.diff_main(ca, cb, False)
    # Semantic cleanup in unit space merges a run of small edits separated by single
    # spaces ("within 100 days" -> "as soon as possible") into one readable change; run in
    # character space it would also split figures again (common suffix "00,000").
    _DMP.diff_cleanupSemantic(diffs)
    # Back to units: the "=" and "-" runs spell the old code string in order, the "=" and
    # "+" runs the new one, so each run is the next slice of units on its side(s). Cheaper
    # than a reverse table looked up once per character. Between two equalities the
    # deletions are one slice of ``ta`` and the insertions one of ``tb``: each is joined
    # once, and the runs come out as _tidy would put them (one join per run, not two).
    out: list[Op] = []
    at_a = at_b = 0
    seg_a = seg_b = 0  # where the changes since the last equality start
    for op, s in diffs:
        n = len(s)
        if op == 1:
            at_b += n
        elif op == -1:
            at_a += n
        elif n:
            if at_a > seg_a:
                out.append(("-", "".join(ta[seg_a:at_a])))
            if at_b > seg_b:
                out.append(("+", "".join(tb[seg_b:at_b])))
            text = "".join(ta[at_a : at_a + n])
            if out and out[-1][0] == "=":
                out[-1] = ("=", out[-1][1] + text)
            else:
                out.append(("=", text))
            at_a += n
            at_b += n
            seg_a, seg_b = at_a, at_b
    if at_a > seg_a:
        out.append(("-", "".join(ta[seg_a:at_a])))
    if at_b > seg_b:
        out.append(("+", "".join(tb[seg_b:at_b])))
    return out


def _joined(opcodes: Any, ca: str, cb: str, space: str) -> list[tuple[int, str]]:
    """diff-match-patch runs from rapidfuzz opcodes, with each single space left equal
    between two changes folded into them (as the semantic clean-up would do: a one-unit
    equality is never longer than the edits around it), in one pass. Heavily reworded
    pairs come out of the LCS as dozens of runs split by spaces, and the clean-up's time
    grows with the number of runs. The opcodes are read as tuples (``as_list``): reading
    the attributes of rapidfuzz's opcode objects cost more than the rest of this loop."""
    out: list[tuple[int, str]] = []
    dels: list[str] = []
    ins: list[str] = []
    ops = opcodes.as_list()
    last = len(ops) - 1
    for k, (tag, a0, a1, b0, b1) in enumerate(ops):
        if tag == "delete":
            dels.append(ca[a0:a1])
        elif tag == "insert":
            ins.append(cb[b0:b1])
        else:
            text = ca[a0:a1]
            if text == space and (dels or ins) and k < last:
                dels.append(text)
                ins.append(text)
                continue
            if dels:
                out.append((-1, "".join(dels)))
            if ins:
                out.append((1, "".join(ins)))
            dels, ins = [], []
            out.append((0, text))
    if dels:
        out.append((-1, "".join(dels)))
    if ins:
        out.append((1, "".join(ins)))
    return out


_LCS_TAGS = {"equal": "=", "delete": "-", "insert": "+"}
_GAP_CELLS = 400  # a gap between anchors this small (tokens x tokens) skips the clean-up


def _anchors(ta: list[str], tb: list[str]) -> list[tuple[int, int, int]]:
    """(start in ta, start in tb, length) of token runs equal in both, in order on both
    sides: word trigrams that occur once in each text, kept along a longest increasing
    chain (patience diff), overlapping ones on one diagonal merged into one run."""
    wa = [k for k, t in enumerate(ta) if not t.isspace()]
    wb = [k for k, t in enumerate(tb) if not t.isspace()]
    g = _ANCHOR_GRAM
    # Each word as one character (as in _diff_units), a trigram as a 3-character slice:
    # a string's hash is computed once and cached, a tuple's on every lookup.
    words_a, words_b = [ta[k] for k in wa], [tb[k] for k in wb]
    vocab = dict.fromkeys(words_a + words_b)
    if len(vocab) > _MAX_TOKENS:
        return []
    table = dict(zip(vocab, _codes(len(vocab)), strict=True)).__getitem__

    def grams(words: list[str]) -> dict[str, int]:
        # Trigram -> the word position where it occurs once.
        code = "".join(map(table, words))
        keys = [code[x : x + g] for x in range(len(code) - g + 1)]
        where = dict(zip(keys, range(len(keys)), strict=True))  # each key's last position
        return {key: where[key] for key, c in Counter(keys).items() if c == 1}

    ga, gb = grams(words_a), grams(words_b)
    hits = sorted((x, gb[key]) for key, x in ga.items() if key in gb)
    chain = longest_increasing([y for _, y in hits])
    out: list[tuple[int, int, int]] = []
    end_a = end_b = 0
    for k in chain:
        x, y = hits[k]
        a0, a1, b0, b1 = wa[x], wa[x + g - 1] + 1, wb[y], wb[y + g - 1] + 1
        if ta[a0:a1] != tb[b0:b1]:
            continue  # equal words, different spacing between them
        if out and a0 - out[-1][0] == b0 - out[-1][1] and a0 <= end_a:
            s0, t0, _ = out[-1]
            out[-1] = (s0, t0, a1 - s0)  # the next trigram on the same diagonal: extend
        elif a0 >= end_a and b0 >= end_b:
            out.append((a0, b0, a1 - a0))
        else:
            continue
        end_a, end_b = a1, b1
    return out


def longest_increasing(seq: list[int]) -> list[int]:
    """Positions in ``seq`` of one longest strictly increasing subsequence. O(n log n).
    (Here, the lowest module that needs it: the aligner's chains of in-order pairs use it
    too.)"""
    tails: list[int] = []  # smallest tail value of an increasing run of each length
    tail_at: list[int] = []  # position of that tail
    prev = [-1] * len(seq)
    for k, v in enumerate(seq):
        if not tails or v > tails[-1]:
            # Extends the longest run, as most values do in a redraft (positions mostly
            # keep their order): no search needed.
            p = len(tails)
            tails.append(v)
            tail_at.append(k)
        else:
            p = bisect_left(tails, v)
            tails[p] = v
            tail_at[p] = k
        prev[k] = tail_at[p - 1] if p else -1
    out = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        out.append(k)
        k = prev[k]
    return out[::-1]


def _diff_tokens(ta: list[str], tb: list[str], depth: int = 0) -> list[Op]:
    """Word-level runs for two token lists, by the cheapest route that stays exact (see
    above). The runs rebuild both texts; _tidy puts them in normal form."""
    if not ta or not tb:
        return [("-", "".join(ta)), ("+", "".join(tb))]
    n, m = len(ta), len(tb)
    if n * m <= _LCS_CELLS and n + m <= _MAX_TOKENS:
        return _diff_units(ta, tb)
    d = _edit_floor(ta, tb)
    if d == n + m:
        return [("-", "".join(ta)), ("+", "".join(tb))]  # nothing in common
    if d * d <= _DMP_COST and n + m <= _MAX_TOKENS:
        return _diff_units(ta, tb, fast=False)
    if depth == 0 and (chunked := _chunked(ta, tb)) is not None:
        return chunked
    if depth < _ANCHOR_DEPTH and (runs := _anchors(ta, tb)):
        out: list[Op] = []
        at_a = at_b = 0
        for a0, b0, length in runs:
            if a0 > at_a or b0 > at_b:
                out += _gap(ta[at_a:a0], tb[at_b:b0], depth + 1)
            out.append(("=", "".join(ta[a0 : a0 + length])))
            at_a, at_b = a0 + length, b0 + length
        if at_a < n or at_b < m:
            out += _gap(ta[at_a:], tb[at_b:], depth + 1)
        return out
    return [("-", "".join(ta)), ("+", "".join(tb))]


def _chunked(ta: list[str], tb: list[str]) -> list[Op] | None:
    """A huge pair cut into chunks of a few hundred tokens at probes: every _PROBE_EVERY
    tokens of ``ta``, its next _PROBE_TOKENS tokens are looked for, with str.find on the
    pair's code strings (C speed), in ``tb`` after the last probe found, up to three times
    as far as in ``ta`` (plus one probe step). A probe found once there, and once in as
    much of ``ta`` around it, is kept equal; each chunk between two probes is diffed on
    its own (rapidfuzz's LCS, in C++). Python then works per change, not per token as in
    _anchors: ~3x faster on a megabyte with 10% of its words replaced. None when no
    probe is found (a text reshuffled or rewritten throughout), for _anchors to try."""
    vocab = dict.fromkeys(ta + tb)
    if len(vocab) > _MAX_TOKENS:
        return None
    table = dict(zip(vocab, _codes(len(vocab)), strict=True)).__getitem__
    ca, cb = "".join(map(table, ta)), "".join(map(table, tb))
    n, m = len(ca), len(cb)
    cuts: list[tuple[int, int]] = []  # (start in ta, start in tb) of probes kept
    a = b = 0  # where the last probe found ends
    x = _PROBE_EVERY
    while x + _PROBE_TOKENS <= n:
        probe = ca[x : x + _PROBE_TOKENS]
        reach = 3 * (x - a) + _PROBE_EVERY + _PROBE_TOKENS
        y = cb.find(probe, b, b + reach)
        if (
            y >= 0
            and cb.find(probe, y + 1, b + reach) < 0
            and ca.find(probe, a, x) < 0
            and ca.find(probe, x + 1, x + reach) < 0
        ):
            cuts.append((x, y))
            a, b = x + _PROBE_TOKENS, y + _PROBE_TOKENS
            x = a + _PROBE_EVERY
        else:
            x += _PROBE_EVERY
    if not cuts:
        return None
    out: list[Op] = []
    a = b = 0
    for x, y in [*cuts, (n, m)]:
        if x > a or y > b:
            if ca[a:x] == cb[b:y]:
                out.append(("=", "".join(ta[a:x])))
            elif (x - a) * (y - b) <= _LCS_CELLS:
                seg_a, seg_b = ta[a:x], tb[b:y]
                for o in LCSseq.opcodes(ca[a:x], cb[b:y]):
                    if o.tag == "insert":
                        out.append(("+", "".join(seg_b[o.dest_start : o.dest_end])))
                    else:
                        out.append((_LCS_TAGS[o.tag], "".join(seg_a[o.src_start : o.src_end])))
            else:
                out += _diff_tokens(ta[a:x], tb[b:y], 1)
        if x < n:
            out.append(("=", "".join(ta[x : x + _PROBE_TOKENS])))
        a, b = x + _PROBE_TOKENS, y + _PROBE_TOKENS
    return out


def _gap(ta: list[str], tb: list[str], depth: int) -> list[Op]:
    """A gap between two anchors, most often one word replaced between two spaces: a
    common head and tail are kept, and a middle with no token in common is replaced
    whole without a diff (what the diff would find); the rest goes to _diff_tokens."""
    n, m = len(ta), len(tb)
    head = 0
    top = min(n, m)
    while head < top and ta[head] == tb[head]:
        head += 1
    tail = 0
    while tail < top - head and ta[n - 1 - tail] == tb[m - 1 - tail]:
        tail += 1
    mid_a, mid_b = ta[head : n - tail], tb[head : m - tail]
    if not mid_a or not mid_b or set(mid_a).isdisjoint(mid_b):
        mid = [("-", "".join(mid_a)), ("+", "".join(mid_b))]
    elif len(mid_a) * len(mid_b) <= _GAP_CELLS:
        # A few words: their longest common subsequence as it is, without the semantic
        # clean-up (two diff-match-patch calls per gap were most of a megabyte's cost);
        # terms() reads a change broken by single spaces as one change anyway.
        mid = [
            (_LCS_TAGS[o.tag], "".join(mid_b[o.dest_start : o.dest_end] if o.tag == "insert"
                                     else mid_a[o.src_start : o.src_end]))
            for o in LCSseq.opcodes(mid_a, mid_b)
        ]  # fmt: skip
    elif len(mid_a) * len(mid_b) <= _LCS_CELLS:
        mid = _diff_units(mid_a, mid_b)
    else:
        mid = _diff_tokens(mid_a, mid_b, depth)
    return [("=", "".join(ta[:head])), *mid, ("=", "".join(ta[n - tail :]))]


def _tidy(raw: list[Op]) -> list[Op]:
    """Drop empty runs; between two equalities put all deletions first, then all
    insertions, each as one run (both texts still rebuild exactly)."""
    out: list[Op] = []
    dels: list[str] = []
    ins: list[str] = []

    def flush() -> None:
        if dels:
            out.append(("-", "".join(dels)))
        if ins:
            out.append(("+", "".join(ins)))
        dels.clear()
        ins.clear()

    for op, s in raw:
        if not s:
            continue
        if op == "-":
            dels.append(s)
        elif op == "+":
            ins.append(s)
        else:
            flush()
            if out and out[-1][0] == "=":
                out[-1] = ("=", out[-1][1] + s)
            else:
                out.append(("=", s))
    flush()
    return out


def word_ops(old: str, new: str) -> list[Op]:
    """Word-level edit runs turning ``old`` into ``new``.

    Returns ``("=", s)``, ``("-", s)`` and ``("+", s)`` runs; the ``=`` and ``-`` runs join
    to ``old``, the ``=`` and ``+`` runs to ``new``. Adjacent runs never share an op, and
    between two equalities deletions come before insertions.
    """
    if old == new:
        return [("=", old)] if old else []
    if not old or not new:
        return [("+", new)] if new else [("-", old)]
    ta, tb = tokens(old), tokens(new)
    if len(ta) * len(tb) <= _LCS_CELLS and len(ta) + len(tb) <= _MAX_TOKENS:
        return _diff_units(ta, tb)  # _diff_tokens' first route, already tidy
    return _tidy(_diff_tokens(ta, tb))


# --- terms --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One changed term: ``old`` -> ``new`` ("" for a pure insertion or deletion)."""

    old: str
    new: str
    type: str | None  # number | deadline | date | negation | modal | None


_MONTHS = (
    r"January|February|March|April|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\."
)
_WEEKDAYS = r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_UNIT = r"(?:days?|weeks?|months?|years?|hours?)"
_NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty"
    r"|ninety|hundred|thousand|million|billion|trillion|half|halves|thirds?|quarters?"
    r"|fifths?|tenths?|dozen|twice|double|triple|percent|per\s+cent|bn|mn"
)
# Deadlines and dates are phrases matched where a word that can start one appears.
# Month names are case-sensitive ("March" the month, "march" the verb); "May" is a month
# only next to a day number or a year, otherwise it is a modal verb.
_DEADLINE = re.compile(
    rf"""
      within\s+(?:\S+\s+){{0,2}}?{_UNIT}\b(?:\s+(?:after|of|from|following|before)\b)?
    | as\s+soon\s+as\s+(?:possible|practicable|feasible)\b
    | (?:by|before|until)\s+the\s+end\s+of\b
    | (?:no|not)\s+later\s+than\b
    | (?:immediately|forthwith|promptly)\b
    | without\s+delay\b
    | deadlines?\b
    | (?:\d+|a|one|{_NUMBER_WORDS})(?:-|\s+){_UNIT}\s+(?:after|of|from|following|before)\b
    """,
    re.VERBOSE | re.IGNORECASE,
)
_DATE = re.compile(
    rf"""
      \d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS}|May)(?:,?\s+\d{{4}})?
    | (?:{_MONTHS}|May)\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?
    | (?:{_MONTHS}|May)\s+\d{{4}}\b
    | (?:{_MONTHS})(?!\w)
    | (?:{_WEEKDAYS})\b
    | (?:1[89]|20)\d\d(?![\w,.]?\d)
    """,
    re.VERBOSE,
)
# The same number words as plain words: "thirds?" gives "third" and "thirds".
_NUMBER_WORD_SET = frozenset(
    w
    for alt in _NUMBER_WORDS.split("|")
    for w in ((alt[:-2], alt[:-1]) if alt.endswith("s?") else (alt,))
    if "\\" not in w
)
_NUMBER_PARTS = _NUMBER_WORD_SET | {"one"}  # "one" alone is mostly a pronoun; "one-third" not
_DEADLINE_START = (
    frozenset(
        "within as by before until no not immediately forthwith promptly without deadline "
        "deadlines a one".split()
    )
    | _NUMBER_WORD_SET
)
_DATE_START = frozenset(
    _MONTHS.replace("\\", "").replace("?", "").split("|") + ["Sep.", "May"] + _WEEKDAYS.split("|")
)
_DATE_START_WORDS = frozenset(w.rstrip(".") for w in _DATE_START)
_NEGATORS = frozenset("not no never without neither nor none".split())
_MODALS = frozenset("shall may will could must should can would might".split())
# "Article 5", "point 12", "§ 3": the figure is a reference, not a quantity.
_REFERENCES = frozenset(
    "article articles art point points section sections paragraph paragraphs chapter "
    "chapters clause clauses resolution no §".split()
)
_WORDISH = re.compile(FIGURE + r"|\w+(?:['’\-]\w+)*|§")
# A number right after one of these continues a figure ("$20 May" is no date).
_INSIDE_FIGURE = ",." + CURRENCY_SIGNS
# Deadlines and dates may reach into the unchanged context; the rest must lie in the term.
_REACHING = ("deadline", "date")


# Words that can neither start a phrase nor be typed themselves, lowercased: the scan only
# needs to remember them as the previous word. Most words of a text are such, and one
# lookup replaces the eight tests below that rule them out.
_INERT: dict[str, str] = {}
_INERT_CACHE = 100_000


def _wordish(text: str) -> list[tuple[int, str]]:
    """(start, word) of each _WORDISH match in ``text``. No match holds a space, so the
    text is taken piece by piece between spaces, and a piece of letters (most of them) is
    a match as it is: the regex runs only on the rest, as a match costs several times a
    list append. (A list, not a generator: resuming a generator once per word cost more
    than the list.)"""
    out = []
    at = 0
    for piece in text.split(" "):
        if piece.isalpha():
            out.append((at, piece))
        elif piece:
            out += [(at + m.start(), m.group(0)) for m in _WORDISH.finditer(piece)]
        at += len(piece) + 1
    return out


def _scan(text: str, stop: int | None = None) -> list[tuple[str, int, int, str]]:
    """(kind, start, end, text) of everything in ``text`` a term can be typed by. One pass
    over the words; the phrase patterns are only tried where a word can start one, which
    keeps this ~10x cheaper than one big alternation tried at every position. With
    ``stop``, only what starts before it (a phrase may still end after it)."""
    if stop is None:
        stop = len(text) + 1
    out = []
    taken = 0
    prev = ""
    inert = _INERT
    at = 0
    # _wordish's pieces, read here directly: an inert word of letters (most words) is
    # then dealt with without building its (start, word) pair.
    for piece in text.split(" "):
        start = at
        if start >= stop:
            break
        at += len(piece) + 1
        if piece.isalpha():
            if start < taken:
                continue
            lw = inert.get(piece)
            if lw is not None:
                prev = lw
                continue
            found: Iterable[tuple[int, str]] = ((start, piece),)
        elif piece:
            found = [(start + m.start(), m.group(0)) for m in _WORDISH.finditer(piece)]
        else:
            continue
        for s, w in found:
            if s < taken:
                continue
            if s >= stop:
                break
            lw = inert.get(w)
            if lw is not None:
                prev = lw
                continue
            lw = w.lower()
            digit = w[0].isdigit() or (len(w) > 1 and w[1].isdigit())
            if lw in _DEADLINE_START or digit:
                if p := _DEADLINE.match(text, s):
                    out.append(("deadline", s, p.end(), p.group(0)))
                    taken, prev = p.end(), ""
                    continue
            if digit or w in _DATE_START_WORDS:
                if p := _DATE.match(text, s):
                    if s == 0 or not (text[s - 1].isalnum() or text[s - 1] in _INSIDE_FIGURE):
                        out.append(("date", s, p.end(), p.group(0)))
                        taken, prev = p.end(), ""
                        continue
            if digit:
                # A figure glued to letters (G8) or after a reference word is no quantity.
                if w[0].isdigit() and s and text[s - 1].isalpha() or prev in _REFERENCES:
                    pass
                elif not any(map(str.isalpha, w)):
                    out.append(("number", s, s + len(w), w))
            elif lw in _NUMBER_WORD_SET or (
                "-" in lw and all(x in _NUMBER_PARTS for x in lw.split("-"))
            ):
                out.append(("number", s, s + len(w), w))
            elif lw in _NEGATORS or lw.endswith(("n't", "n’t")):
                out.append(("negation", s, s + len(w), w))
            elif lw in _MODALS:
                out.append(("modal", s, s + len(w), w))
            elif lw not in _DEADLINE_START and w not in _DATE_START_WORDS:
                if len(inert) > _INERT_CACHE:  # a long-running server sees many documents
                    inert.clear()
                inert[w] = lw
            prev = lw
    return out


# A figure cut off from its scale or currency by the diff ("$100" changed, " billion"
# equal) is widened to the whole amount so it reads "$100 billion -> $800 billion".
_SCALE_AFTER = re.compile(
    r"\s*(?:billion|million|trillion|thousand|bn|mn|percent|per\s+cent|pct"
    r"|dollars|euros|pounds|hryvnias?|roubles?|rubles?|USD|EUR|GBP)\b",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(r"(?:US\$|" + _SIGN + r"|\b(?:USD|EUR|GBP|US))\s*$")
_CONTEXT = 40  # characters of unchanged text either side used to recognise deadlines and dates
_FIGURE = re.compile(FIGURE)
# Pure insertions or deletions longer than this are sentences, not a changed modal or
# negation, even when they contain "would" or "not".
_SHORT_WORDS = 4


# The types a term can have (the one table of them: renderers and headlines read it).
# Most telling first: a deadline containing a number is a deadline; a number next to a
# date ("20 November") is a date; negation outranks a modal ("shall not" -> "may"). A
# term of none of them is "changed", "added" or "removed".
TYPES = ("deadline", "number", "date", "negation", "modal")


# Most changed terms are plain words. A set test on their words (C speed) rules them out
# before the word-by-word scan: a term can only be typed if it holds a figure or one of
# these words, or if a deadline or date phrase reaches into it from the text around it.
_UNITS = frozenset("day days week weeks month months year years hour hours".split())
_DEADLINE_WORDS = (
    frozenset("within soon end later immediately forthwith promptly delay deadline".split())
    | _UNITS
)
_REACH_WORDS = _DEADLINE_WORDS | frozenset(w.lower() for w in _DATE_START_WORDS)
# Date words as _DATE matches them (case-sensitive: "March" the month, "march" the verb),
# but for "May", which starts a date only next to a figure.
_DATE_WORDS = _DATE_START_WORDS - {"May"}
_TERM_WORDS = (
    _REACH_WORDS
    | _NUMBER_WORD_SET
    | _NEGATORS
    | _MODALS
    | frozenset(("t", "deadlines"))  # can't, won't
)
_PLAIN = re.compile(r"\w+")
_HAS_DIGIT = re.compile(r"\d")


def _may_reach(text: str) -> bool:
    """Whether a deadline or date phrase may lie in ``text``: set tests on its words (C
    speed). A key word of a deadline (any case), a month or weekday (as written), or "May"
    with a figure in the text; "may" alone is the modal, in nearly every text."""
    low = _PLAIN.findall(text.lower())
    if _REACH_WORDS.isdisjoint(low):
        return False
    if not _DEADLINE_WORDS.isdisjoint(low):
        return True
    words = _PLAIN.findall(text)
    return not _DATE_WORDS.isdisjoint(words) or ("May" in words and bool(_HAS_DIGIT.search(text)))


# Characters of unchanged context either side looked at for a word of a deadline or date
# phrase that may reach into a plain-word term. The phrases are short ("within 100 days
# of", "no later than", "20 November 2025"): when one touches the term, one of its key
# words ("within", "days", "later", a month) lies this close to it. Fewer characters than
# _CONTEXT, which the scan itself reads, because this test runs on every changed stretch.
_REACH_NEAR = 25


def _plain(old: str, new: str) -> bool:
    """Whether a changed stretch holds neither a figure nor a word a term can be typed by:
    then only a deadline or date in its context can type it, and it holds no figure or
    phrase to cut it at. Most stretches."""
    term = old + " " + new
    return not _HAS_DIGIT.search(term) and _TERM_WORDS.isdisjoint(_PLAIN.findall(term.lower()))


def _same_normalised(old: str, new: str) -> bool:
    """``normalise(old) == normalise(new)``, told without normalising when both are ASCII
    and their first characters, letters or digits (or nothing), differ in lower case:
    normalise then keeps that first character as it is, lowered (most stretches of a
    rewording: "will be given" -> "shall be provided")."""
    a, b = old[:1].lower(), new[:1].lower()
    if (
        a != b
        and (a.isalnum() or not a)
        and (b.isalnum() or not b)
        and old.isascii()
        and new.isascii()
    ):
        return False
    return normalise(old) == normalise(new)


def _may_be_typed(
    ctx_old: tuple[str, str], old: str, new: str, ctx_new: tuple[str, str], plain: bool
) -> bool:
    if not plain:
        return True
    # A whole stretch has the same context on both sides: looked at once.
    for ctx in (ctx_old,) if ctx_new == ctx_old else (ctx_old, ctx_new):
        if _may_reach(ctx[0][-_REACH_NEAR:] + " " + ctx[1][:_REACH_NEAR]):
            return True
    return False


# Words that carry no meaning of their own in a changed stretch: a term whose other
# changed words are all typed or in this list is still a clean swap of its typed words.
_FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for from with into and or as is are be been being was were "
    "it its this that these those any all each after".split()
)
# How many changed words may be neither typed nor function words: one in a swap ("is
# eligible to" -> "will"), none in a pure insertion or deletion, two for deadlines and
# dates either way, whose phrases come with an anchor ("within 100 days of a ceasefire").
_LEEWAY = {"deadline": 2, "date": 2}


def _typed_spans(before: str, term: str, after: str) -> list[tuple[str, int, int, str]]:
    """(kind, start, end, text) of what ``term`` holds, spans relative to the term:
    deadlines and dates that reach into it from the context count, clipped to it."""
    lo, hi = len(before), len(before) + len(term)
    out = []
    # What starts after the term is never kept (but at an empty term's place): the scan
    # stops there, and the words of ``after`` are only read by phrases reaching into it.
    for kind, s, e, t in _scan(before + term + after, hi if hi > lo else hi + 1):
        if kind in _REACHING:
            if not (s < hi and e > lo or (lo == hi and s <= lo <= e)):
                continue
        elif s < lo or e > hi:
            continue
        out.append((kind, max(s, lo) - lo, min(e, hi) - lo, t))
    return out


def _changed_words(old: str, new: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(start, folded word) of the words of each side not matched by a word of the other
    (multiset difference): "Ukraine will be given" -> "shall be provided to Ukraine" has
    changed words will, given | shall, provided, to. Each side's words read once."""
    words_a, words_b = _wordish(old), _wordish(new)
    fold_a = [w.casefold() for _, w in words_a]
    fold_b = [w.casefold() for _, w in words_b]
    return _unmatched(words_a, fold_a, fold_b), _unmatched(words_b, fold_b, fold_a)


def _unmatched(
    words: list[tuple[int, str]], folded: list[str], other: list[str]
) -> list[tuple[int, str]]:
    left = Counter(other)
    get = left.get  # dict's own lookup: Counter's [] calls __missing__ for a word not there
    out = []
    for (s, _), f in zip(words, folded, strict=True):
        if c := get(f):
            left[f] = c - 1
        else:
            out.append((s, f))
    return out


def _kind_counts(spans: list[tuple[str, int, int, str]]) -> dict[str, dict[str, int]]:
    """Kind -> how often each (folded) text of that kind occurs in ``spans``; kinds not
    found have no entry."""
    out: dict[str, dict[str, int]] = {}
    for k, _, _, t in spans:
        counts = out.setdefault(k, {})
        key = " ".join(t.lower().split())
        counts[key] = counts.get(key, 0) + 1
    return out


def _type(
    ctx_old: tuple[str, str], old: str, new: str, ctx_new: tuple[str, str], plain: bool
) -> str | None:
    """The type of a changed stretch, or None for a plain rewording.

    A stretch is typed by kind K only when its changed words themselves are of kind K: a
    figure replaced, a modal swapped, a negation added or dropped, a deadline or date
    changed. The K-things on the two sides must differ, at least one changed word must be
    one of them, and every other changed word must be typed too, a function word, or
    within a small leeway (none for a pure insertion or deletion). So "will" -> "shall" is
    a modal, but a sentence rewritten around a "will" is a rewording."""
    if not _may_be_typed(ctx_old, old, new, ctx_new, plain):
        return None
    spans_a = _typed_spans(ctx_old[0], old, ctx_old[1])
    spans_b = _typed_spans(ctx_new[0], new, ctx_new[1])
    if not spans_a and not spans_b:
        return None
    # The kinds whose texts differ between the sides, first: most reworded stretches that
    # hold a typed word hold the same ones on both sides ("will" kept), and then the
    # changed words need not be read at all.
    counts_a, counts_b = _kind_counts(spans_a), _kind_counts(spans_b)
    differ = [kind for kind in TYPES if counts_a.get(kind) != counts_b.get(kind)]
    if not differ:
        return None
    changed_a, changed_b = _changed_words(old, new)
    covered: set[str] = set()  # the kinds some changed word lies in
    residual = 0  # changed words neither typed nor function words
    for spans, changed in ((spans_a, changed_a), (spans_b, changed_b)):
        for at, w in changed:
            hit = False
            for k, s, e, _ in spans:
                if s <= at < e:
                    covered.add(k)
                    hit = True
            if not hit and w not in _FUNCTION_WORDS:
                residual += 1
    swap = bool(old.strip() and new.strip())
    for kind in differ:
        if kind not in covered:
            continue
        if residual <= (1 if swap else 0) or residual <= _LEEWAY.get(kind, 0):
            return kind
    return None


def _widen(old: str, new: str, head: str, tail: str) -> tuple[str, str]:
    """Add unchanged ``head``/``tail`` text to the non-empty sides of a term."""
    return (head + old + tail if old else old), (head + new + tail if new else new)


def _term(
    ctx_old: tuple[str, str],
    old: str,
    new: str,
    ctx_new: tuple[str, str],
    widen: bool,
    plain: bool | None = None,
) -> Term | None:
    """The term of one changed stretch, None if it only changes what normalise folds.
    ``plain``: :func:`_plain` of the stretch when already known."""
    if _same_normalised(old, new):
        return None
    kind = _type(ctx_old, old, new, ctx_new, _plain(old, new) if plain is None else plain)
    old, new = old.strip(), new.strip()
    if kind == "number" and widen:
        # The diff may have cut a figure from its scale or currency ("$100" changed,
        # " billion" unchanged): widen the term to the whole amount.
        if m := _SCALE_AFTER.match(ctx_old[1]):
            old, new = _widen(old, new, "", m.group(0).rstrip())
        if m := _CURRENCY_BEFORE.search(ctx_old[0]):
            old, new = _widen(old, new, m.group(0).lstrip(), "")
    return Term(old, new, kind)


def _figure_pieces(old: str, new: str) -> list[tuple[str, str]] | None:
    """Cut a changed stretch at its figures when both sides hold as many figures:
    "600,000 personnel" -> "800,000 in peacetime" gives the figure pair on its own, with
    a scale word kept on the figure ("$100 billion"). None when figures do not pair up."""
    if not (_HAS_DIGIT.search(old) and _HAS_DIGIT.search(new)):
        return None  # most stretches: no figure on one side
    # A figure glued to letters (G8, A4) is part of a name, not an amount.
    fo = [m for m in _FIGURE.finditer(old) if not (m.start() and old[m.start() - 1].isalpha())]
    fn = [m for m in _FIGURE.finditer(new) if not (m.start() and new[m.start() - 1].isalpha())]
    if not fo or len(fo) != len(fn) or [m.group(0) for m in fo] == [m.group(0) for m in fn]:
        return None

    def cuts(text: str, figs: list[re.Match[str]]) -> list[str]:
        out, at = [], 0
        for m in figs:
            end = m.end()
            if scale := _SCALE_AFTER.match(text, end):
                end = scale.end()
            out += [text[at : m.start()], text[m.start() : end]]
            at = end
        return out + [text[at:]]

    return list(zip(cuts(old, fo), cuts(new, fn), strict=True))


def _phrase_pieces(old: str, new: str) -> list[tuple[str, str]] | None:
    """Cut a reworded stretch at its deadline (or date) phrases when both sides hold as
    many and they differ: "Within 100 days, elections shall be held" -> "elections will be
    held as soon as possible" gives "Within 100 days" -> "as soon as possible" on its own.
    None when they do not pair up."""
    # Most reworded stretches hold no such phrase on one side or the other: a set test on
    # their words (C speed) rules them out before scanning.
    for text in (old, new):
        if not _HAS_DIGIT.search(text) and not _may_reach(text):
            return None
    scan_o, scan_n = _scan(old), _scan(new)
    for kind in ("deadline", "date"):
        fo = [(s, e) for k, s, e, _ in scan_o if k == kind]
        fn = [(s, e) for k, s, e, _ in scan_n if k == kind]
        if not fo or len(fo) != len(fn):
            continue
        if [normalise(old[s:e]) for s, e in fo] == [normalise(new[s:e]) for s, e in fn]:
            continue

        def cuts(text: str, spans: list[tuple[int, int]]) -> list[str]:
            out, at = [], 0
            for s, e in spans:
                out += [text[at:s], text[s:e]]
                at = e
            return out + [text[at:]]

        return list(zip(cuts(old, fo), cuts(new, fn), strict=True))
    return None


def terms(ops: list[Op] | tuple[Op, ...]) -> list[Term]:
    """The changed terms of ``ops``: one per maximal stretch of ``-``/``+`` runs (a
    whitespace-only ``=`` run between two changes does not end a stretch), except that a
    stretch whose figures pair up is cut so that each figure is a term of its own. Changes
    that only touch whitespace, case, quote or dash style give no term."""
    out: list[Term] = []
    n = len(ops)
    i = 0
    while i < n:
        if ops[i][0] == "=":
            i += 1
            continue
        j = i  # ops[i:j] is the stretch
        last_change = i
        while j < n and (ops[j][0] != "=" or ops[j][1].isspace()):
            if ops[j][0] != "=":
                last_change = j
            j += 1
        j = last_change + 1
        if j - i == 1:  # one run (a pure deletion or insertion): nothing to join
            old, new = ("", ops[i][1]) if ops[i][0] == "+" else (ops[i][1], "")
        elif j - i == 2 and ops[i][0] == "-" and ops[i + 1][0] == "+":  # most stretches
            old, new = ops[i][1], ops[i + 1][1]
        else:
            old = "".join(s for op, s in ops[i:j] if op != "+")
            new = "".join(s for op, s in ops[i:j] if op != "-")
        before = (ops[i - 1][1] if i > 0 else "")[-_CONTEXT:]
        after = (ops[j][1] if j < n else "")[:_CONTEXT]
        i = j
        if _plain(old, new):
            # No figure or phrase to cut it at, and only a deadline or date reaching in
            # from the context can type it (_may_be_typed): most stretches are told here,
            # without the calls through _term and _type.
            if _same_normalised(old, new):
                continue
            if not _may_reach(before[-_REACH_NEAR:] + " " + after[:_REACH_NEAR]):
                out.append(Term(old.strip(), new.strip(), None))
            elif (t := _term((before, after), old, new, (before, after), True, True)) is not None:
                out.append(t)
            continue
        whole = _term((before, after), old, new, (before, after), True, False)
        if whole is None:
            continue
        # A stretch whose figures pair up is cut at them even when it is a rewording as a
        # whole: "600,000 personnel" -> "800,000 in peacetime" still holds a figure swap.
        pieces = _figure_pieces(old, new) if whole.type in ("number", None) else None
        if pieces is None and whole.type is None:
            pieces = _phrase_pieces(old, new)
        if not pieces:
            out.append(whole)
            continue
        done_o, done_n = before, before
        rest_o, rest_n = old, new
        for k, (po, pn) in enumerate(pieces):
            rest_o, rest_n = rest_o[len(po) :], rest_n[len(pn) :]
            t = _term((done_o, rest_o + after), po, pn, (done_n, rest_n + after), k % 2 == 1)
            if t is not None:
                out.append(t)
            done_o, done_n = (done_o + po)[-_CONTEXT:], (done_n + pn)[-_CONTEXT:]
    return out


# --- figures: the quantity inside a typed term --------------------------------------------

FIGURE_TYPES = ("number", "date", "deadline")  # of TYPES, those that carry a quantity
_SCALES = frozenset("billion million trillion thousand bn mn percent".split())


def figures(text: str) -> list[tuple[str, str]]:
    """(type, figure) of every deadline, date and number in ``text``, in reading order,
    each once, whitespace folded: the 100 of "within 100 days" is part of the deadline,
    and the 5 of "Article 5" is a reference, not a figure."""
    found: list[tuple[str, int, int, str]] = []
    for k, start, end, t in _scan(text):
        if k not in FIGURE_TYPES:
            continue
        if (
            found
            and k == "number" == found[-1][0]
            and t.lower() in _SCALES
            and not text[found[-1][2] : start].strip()
        ):
            # "$100 billion": the scale word belongs to the amount before it.
            k0, s0, _, _ = found.pop()
            t, start = text[s0:end], s0
        found.append((k, start, end, t))
    return list(dict.fromkeys((k, " ".join(t.split())) for k, _, _, t in found))


def gist(term: Term) -> tuple[str, str]:
    """What a reader scans for in a typed term: the figures of its type that differ
    between its two sides ("within 100 days" -> "as soon as possible" out of two rewritten
    sentences); the term itself when there is none to pick out."""
    a = [f for k, f in figures(term.old) if k == term.type]
    b = [f for k, f in figures(term.new) if k == term.type]
    fold_a, fold_b = {f.casefold() for f in a}, {f.casefold() for f in b}
    a_only = [f for f in a if f.casefold() not in fold_b]
    b_only = [f for f in b if f.casefold() not in fold_a]
    if not a_only and not b_only:
        return " ".join(term.old.split()), " ".join(term.new.split())
    return ", ".join(a_only), ", ".join(b_only)
