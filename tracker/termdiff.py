"""One aligned pair of texts -> word operations -> changed terms.

This is the only module that talks to diff-match-patch. It is only ever handed one aligned
pair (a provision, or a split/merge group), never a whole document: that is what makes
``Diff_Timeout = 0`` safe here. With the default 1 s timeout the library silently degrades
to "delete everything, insert everything"; without a timeout on a whole document it is
quadratic. Per pair it costs ~0.1-0.2 ms for 200 characters on the project's 2-core
machine, and pairs that could cost seconds are cut by sentences first (see _affordable).

diff-match-patch has no word mode, so each distinct token is mapped to one character (the
same trick as its lines-to-chars helper), the character strings are diffed and cleaned up,
and the result is mapped back. Figures like ``600,000`` or ``$100`` are single tokens, so a
changed figure can never be cut in half (a character diff would give ``6`` -> ``8``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

from tracker.provisions import normalise

Op = tuple[str, str]

# --- tokens -------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
      [$€£¥₴₽]?\d+(?:[.,:/\-]\d+)*[^\W\d_]*%?   # figures: 600,000 $100 50% 50:50 1.5 10A 2024-04-12
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
_OPS = {0: "=", -1: "-", 1: "+"}

# diff-match-patch's bisection costs about n + m + d^2 steps for n and m tokens and d
# edits (~1 us a step in Python): a 200-word paragraph rewritten from scratch takes 0.1 s,
# 3,000 words 17 s, while 3,000 words with 2% changed take 14 ms. Since
# d >= n + m - 2 * (tokens in common), that bound tells in O(n) when a pair could be
# slow. Such a pair is diffed by sentences first, and only the changed blocks that are
# cheap enough are then diffed by words; the rest stay whole. So no pair costs more than
# ~0.1 s, whatever the parser hands over.
_COST_BUDGET = 100_000
_CHECK_ABOVE = 300  # tokens; below this no diff can be slow
_SENTENCE = re.compile(r"[^\n.!?;]*(?:[.!?;]+[\"')\]\u201d\u2019]*|\n)?\s*")


def _affordable(ta: list[str], tb: list[str]) -> bool:
    n = len(ta) + len(tb)
    if n <= _CHECK_ABOVE:
        return True
    d = n - 2 * sum((Counter(ta) & Counter(tb)).values())
    return d * d <= _COST_BUDGET


def _diff_units(ta: list[str], tb: list[str]) -> list[Op]:
    """Diff two unit lists (tokens or sentences) via one character per distinct unit."""
    vocab = dict.fromkeys(ta + tb)  # distinct units in order of first appearance
    table = dict(zip(vocab, _codes(len(vocab)), strict=True)).__getitem__
    diffs = _DMP.diff_main("".join(map(table, ta)), "".join(map(table, tb)), False)
    # Semantic cleanup in unit space merges a run of small edits separated by single
    # spaces ("within 100 days" -> "as soon as possible") into one readable change; run in
    # character space it would also split figures again (common suffix "00,000").
    _DMP.diff_cleanupSemantic(diffs)
    # Back to units: the "=" and "-" runs spell the old code string in order, the "=" and
    # "+" runs the new one, so each run is the next slice of units on its side(s). Cheaper
    # than a reverse table looked up once per character.
    out: list[Op] = []
    at_a = at_b = 0
    for op, s in diffs:
        n = len(s)
        if op == 1:
            out.append(("+", "".join(tb[at_b : at_b + n])))
            at_b += n
        else:
            out.append((_OPS[op], "".join(ta[at_a : at_a + n])))
            at_a += n
            if op == 0:
                at_b += n
    return out


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


def _words_or_whole(old: str, new: str) -> list[Op]:
    ta, tb = tokens(old), tokens(new)
    if _affordable(ta, tb):
        return _diff_units(ta, tb)
    return [("-", old), ("+", new)]


def _by_sentences(old: str, new: str) -> list[Op]:
    sa = [x for x in _SENTENCE.findall(old) if x]
    sb = [x for x in _SENTENCE.findall(new) if x]
    if not _affordable(sa, sb):
        return [("-", old), ("+", new)]
    out: list[Op] = []
    for op, s in _tidy(_diff_units(sa, sb)) + [("=", "")]:
        if op == "=":
            if out and out[-1][0] == "-" or out and out[-1][0] == "+":
                # Refine the changed block just closed: one "-" and/or one "+" run.
                k = len(out) - 1
                if k > 0 and out[k - 1][0] == "-":
                    k -= 1
                block = out[k:]
                del out[k:]
                if len(block) == 2:
                    out += _words_or_whole(block[0][1], block[1][1])
                else:
                    out += block
            out.append((op, s))
        else:
            out.append((op, s))
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
    if len(ta) + len(tb) > _MAX_TOKENS:
        return _tidy(_by_sentences(old, new))
    if _affordable(ta, tb):
        return _tidy(_diff_units(ta, tb))
    return _tidy(_by_sentences(old, new))


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
_WORDISH = re.compile(r"[$€£¥₴₽]?\d+(?:[.,:/]\d+)*%?|\w+(?:['’\-]\w+)*|§")
# Deadlines and dates may reach into the unchanged context; the rest must lie in the term.
_REACHING = ("deadline", "date")


# Words that can neither start a phrase nor be typed themselves, lowercased: the scan only
# needs to remember them as the previous word. Most words of a text are such, and one
# lookup replaces the eight tests below that rule them out.
_INERT: dict[str, str] = {}
_INERT_CACHE = 100_000


def _wordish(text: str) -> Iterator[tuple[int, str]]:
    """(start, word) of each _WORDISH match in ``text``. No match holds a space, so the
    text is taken piece by piece between spaces, and a piece of letters (most of them) is
    a match as it is: the regex runs only on the rest, as a match costs several times a
    generator step."""
    at = 0
    for piece in text.split(" "):
        if piece.isalpha():
            yield at, piece
        elif piece:
            for m in _WORDISH.finditer(piece):
                yield at + m.start(), m.group(0)
        at += len(piece) + 1


def _scan(text: str) -> list[tuple[str, int, int, str]]:
    """(kind, start, end, text) of everything in ``text`` a term can be typed by. One pass
    over the words; the phrase patterns are only tried where a word can start one, which
    keeps this ~10x cheaper than one big alternation tried at every position."""
    out = []
    taken = 0
    prev = ""
    inert = _INERT
    for s, w in _wordish(text):
        if s < taken:
            continue
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
                if s == 0 or not (text[s - 1].isalnum() or text[s - 1] in ",.$€£"):
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


def _features(before: str, term: str, after: str) -> dict[str, dict[str, int]]:
    """For each kind found in the term, how often each (folded) text of that kind occurs;
    kinds not found have no entry. Plain dicts, made only for kinds found: five Counters
    per call, most left empty, were about a quarter of this function's time; with only
    positive counts, dict equality is Counter equality."""
    lo, hi = len(before), len(before) + len(term)
    out: dict[str, dict[str, int]] = {}
    for kind, s, e, t in _scan(before + term + after):
        if kind in _REACHING:
            if not (s < hi and e > lo or (lo == hi and s <= lo <= e)):
                continue
        elif s < lo or e > hi:
            continue
        counts = out.setdefault(kind, {})
        key = " ".join(t.lower().split())
        counts[key] = counts.get(key, 0) + 1
    return out


# A figure cut off from its scale or currency by the diff ("$100" changed, " billion"
# equal) is widened to the whole amount so it reads "$100 billion -> $800 billion".
_SCALE_AFTER = re.compile(
    r"\s*(?:billion|million|trillion|thousand|bn|mn|percent|per\s+cent|pct"
    r"|dollars|euros|pounds|hryvnias?|roubles?|rubles?|USD|EUR|GBP)\b",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(r"(?:US\$|\$|€|£|¥|\b(?:USD|EUR|GBP|US))\s*$")
_CONTEXT = 40  # characters of unchanged text either side used to recognise deadlines and dates
_FIGURE = re.compile(r"[$€£¥₴₽]?\d+(?:[.,:/]\d+)*%?")
# Pure insertions or deletions longer than this are sentences, not a changed modal or
# negation, even when they contain "would" or "not".
_SHORT_WORDS = 4


# Most telling first: a deadline containing a number is a deadline; a number next to a
# date ("20 November") is a date; negation outranks a modal ("shall not" -> "may").
_TYPE_ORDER = ("deadline", "number", "date", "negation", "modal")


# Most changed terms are plain words. A set test on their words (C speed) rules them out
# before the word-by-word scan: a term can only be typed if it holds a figure or one of
# these words, or if a deadline or date phrase reaches into it from the text around it.
_UNITS = frozenset("day days week weeks month months year years hour hours".split())
_REACH_WORDS = (
    frozenset("within soon end later immediately forthwith promptly delay deadline".split())
    | _UNITS
    | frozenset(w.lower() for w in _DATE_START_WORDS)
)
_TERM_WORDS = (
    _REACH_WORDS
    | _NUMBER_WORD_SET
    | _NEGATORS
    | _MODALS
    | frozenset(("t", "deadlines"))  # can't, won't
)
_PLAIN = re.compile(r"\w+")
_HAS_DIGIT = re.compile(r"\d")


def _may_be_typed(ctx_old: tuple[str, str], old: str, new: str, ctx_new: tuple[str, str]) -> bool:
    term = old + " " + new
    if _HAS_DIGIT.search(term) or not _TERM_WORDS.isdisjoint(_PLAIN.findall(term.lower())):
        return True
    # A whole stretch has the same context on both sides: looked at once.
    for ctx in (ctx_old,) if ctx_new == ctx_old else (ctx_old, ctx_new):
        near = (ctx[0][-25:] + " " + ctx[1][:25]).lower()
        if not _REACH_WORDS.isdisjoint(_PLAIN.findall(near)):
            return True
    return False


def _type(ctx_old: tuple[str, str], old: str, new: str, ctx_new: tuple[str, str]) -> str | None:
    if not _may_be_typed(ctx_old, old, new, ctx_new):
        return None
    a = _features(ctx_old[0], old, ctx_old[1])
    b = _features(ctx_new[0], new, ctx_new[1])
    short = bool(old.strip() and new.strip()) or len((old + new).split()) <= _SHORT_WORDS
    for kind in _TYPE_ORDER:
        if a.get(kind) != b.get(kind) and (short or kind not in ("negation", "modal")):
            return kind
    return None


def _widen(old: str, new: str, head: str, tail: str) -> tuple[str, str]:
    """Add unchanged ``head``/``tail`` text to the non-empty sides of a term."""
    return (head + old + tail if old else old), (head + new + tail if new else new)


def _term(
    ctx_old: tuple[str, str], old: str, new: str, ctx_new: tuple[str, str], widen: bool
) -> Term | None:
    if normalise(old) == normalise(new):
        return None
    kind = _type(ctx_old, old, new, ctx_new)
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
    fo, fn = list(_FIGURE.finditer(old)), list(_FIGURE.finditer(new))
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
        old = "".join(s for op, s in ops[i:j] if op != "+")
        new = "".join(s for op, s in ops[i:j] if op != "-")
        before = (ops[i - 1][1] if i > 0 else "")[-_CONTEXT:]
        after = (ops[j][1] if j < n else "")[:_CONTEXT]
        i = j
        whole = _term((before, after), old, new, (before, after), True)
        if whole is None:
            continue
        pieces = _figure_pieces(old, new) if whole.type == "number" else None
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

FIGURE_TYPES = ("number", "date", "deadline")
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
