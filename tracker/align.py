"""Provisions of two versions -> aligned pairs.

Never an all-pairs comparison over a whole document (quadratic: ~8 s at 5,000 provisions).
Instead, in near-linear time:

1. Exact anchors: identical normalised text, found by hashing; duplicates paired in
   order. O(n). A real redraft keeps most provisions verbatim, so this settles most of it.
2. Leftovers: candidates come from an inverted index of word stems weighted by inverse
   document frequency (IDF), probed with each leftover's rarest words, so a rare word
   shared by two provisions counts and "the", "Ukraine" or "shall" do not. Each leftover
   is scored against its few best candidates only (O(L * K) scores for L leftovers), then
   paired greedily by score. A pair that keeps reading order relative to the identical
   provisions needs FLOOR_GLOBAL; one that would be a move needs FLOOR_MOVE, or to be
   each side's clear best (a moved and reworded provision).
3. Position: the pairs that keep reading order (a max-weight increasing chain, O(n log n),
   where unpaired in-order candidates break ties between equally long chains) cut both
   versions into gaps. Inside a gap, leftovers are paired in order at a low floor: a
   provision reworded beyond recognition but still in its place stays ``modified``. The
   floors are on IDF overlap, which two unrelated provisions sharing only common words do
   not reach. Small gaps are scored in full, bigger ones on a band around their diagonal
   and at the index candidates, within a cell budget that keeps the total linear; beyond
   it only through the index candidates. Position counts only between versions of
   one text: ones that share an identical provision, pair a fifth of their provisions on
   content, or keep their pairs and candidates in order far beyond chance (a text
   reworded throughout); two unrelated texts are not paired by position.
4. Splits and merges: an unpaired provision next to a paired one joins its group when it
   comes mostly from the partner and accounts for a clear share of the partner's words.
5. Sub-points: a point is scored with its sub-points' words; in-place pairing never
   crosses depth and pairs sub-points only under parents paired to each other, so a point
   removed with its sub-points has them all removed.

``moved_flags`` marks as moved the pairs off the longest increasing subsequence of new
positions taken in old order, O(n log n). On the benchmark documents (5,000 provisions,
10% reworded, 5% moved, 3% added and removed, 1% split and merged, all renumbered) pairs
come out with precision 0.999 and recall 0.995 (the misses are mostly split halves the
generator separated with an inserted provision, which a split into consecutive provisions
cannot express).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from itertools import chain, repeat
from operator import attrgetter
from typing import cast

from rapidfuzz import fuzz, process

from tracker.provisions import Provision
from tracker.termdiff import CURRENCY_SIGNS as _SIGNS
from tracker.termdiff import FIGURE, longest_increasing


@dataclass(frozen=True)
class Pair:
    """Indexes into the old and new provision lists: ``(i,) -> (j,)`` one to one,
    ``(i,) -> ()`` removed, ``() -> (j,)`` added, ``(i,) -> (j1, j2)`` split into
    consecutive new provisions, ``(i1, i2) -> (j,)`` merged from consecutive old ones."""

    old: tuple[int, ...]
    new: tuple[int, ...]
    similarity: float

    def __init__(self, old: tuple[int, ...], new: tuple[int, ...], similarity: float) -> None:
        # Like Provision's: one call instead of a frozen dataclass's setattr per field.
        self.__dict__.update(old=old, new=new, similarity=similarity)


# --- scoring ------------------------------------------------------------------------------
# A score is word overlap weighted by inverse document frequency (IDF Dice, in [0, 1]),
# raised to the character ratio when two texts are nearly identical on the surface.
# IDF here is log((N/4 + 1) / df), floored at 0: a word in a quarter or more of all
# provisions ("Ukraine" or "United States" in a peace plan) weighs nothing, and English
# function words are dropped outright (IDF cannot tell they are common in a five-paragraph
# article). Two unrelated provisions that share only such words score 0. Measured on the
# sample plans: true pairs whose wording was fully redone score 0.05-0.5; unrelated pairs
# up to ~0.3, 99% of them under 0.15; position is what tells the two apart (step 3).
# A point's words include its sub-points': "10. a guarantee on these conditions: a) ... d)"
# is recognised in a later draft that folded the conditions into the point.

FLOOR_GLOBAL = 0.5  # pair anywhere, with no help from position
FLOOR_MOVE = 0.75  # ... or this to pair across in-order identical provisions (a move)
FLOOR_CLEAR = 0.35  # pair anywhere when each is the other's best by CLEAR_MARGIN
CLEAR_MARGIN = 0.15
FLOOR_GAP = 0.1  # pair points in order inside a gap between in-order neighbours
FLOOR_SLOT = 0.05  # pair the one point left between two in-order neighbours on each side
FLOOR_SUB = 0.05  # pair sub-points in order under parents paired to each other
SPLIT_GAIN = 0.15  # share of the partner's weight the extra piece must add to the group
SPLIT_CONTAIN = 0.5  # share of the extra piece's weight that must come from the partner
SPLIT_GAIN_SHORT = 0.05  # ... or, for a piece taken almost wholly from the partner,
SPLIT_CONTAIN_SHORT = 0.9  # this little gain is enough
TEMPLATE_MIN = 3  # provisions sharing a text but for their figures: a schedule's rows
RELATED_SHARE = 0.2  # content pairs (of the shorter text) from which two texts are related
# ... or an in-order chain of pairs and candidates this many times the square root of the
# pairs and candidates it was drawn from. Among k points in random order the longest
# increasing run is about 2 * sqrt(k) long (1.2-1.4 * sqrt(k) measured on two unrelated
# generated texts); a text reworded throughout keeps its candidates in order (9-28 *
# sqrt(k) on the benchmark's, from 20 to 5,000 provisions).
ORDER_EXCESS = 3.0
CANDIDATES = 5  # index candidates scored per leftover, at most
CANDIDATE_SHARE = 0.4  # ... and only those sharing this share of the best one's weight
PROBES = 12  # rarest words of a leftover looked up in the index
POSTING_CAP = 64  # stems on more leftovers than this are too common to propose candidates
GAP_CELLS = 4096  # largest gap (old x new leftovers) scored at all, in full or banded
# A gap of up to GAP_FULL cells is scored in full (a redraft's gaps are mostly that small).
# A bigger one only on a band around its diagonal, of half-width GAP_BAND plus the
# difference in size of its two sides, and at the index candidates of its old leftovers:
# a pair far off the diagonal with no word evidence is one that position should not pair
# anyway. A square gap of 64 a side costs 9 cells a row instead of 64; on the benchmark
# reworded throughout, 39,733 cells instead of 125,096 (~0.25 s of CPU), same pairs. The
# cost: a pair off the band that is not among its old provision's index candidates (no
# rare word in common, or five better-sharing ones) is not paired by position, whatever
# its score; in a gap whose numbering ran in parallel, a point that kept its number is
# still scored against its namesake.
GAP_FULL = 256
GAP_BAND = 4
# Cells scored over all gaps, per provision of both versions: keeps the total linear (a
# cell costs ~2-4 us; 20 per provision is ~0.2-0.4 s at 5,000 provisions a side).
GAP_BUDGET_PER_PROVISION = 20
# Weight of an unpaired in-order candidate in the anchor chain, per unit of its score,
# against 1 for a pair: small enough that candidates only break ties between chains with
# as many pairs (a chain would need a hundred more perfect candidates to give up a pair).
CANDIDATE_TIEBREAK = 0.01
# A sub-point scored against a point (or the reverse) has its rank scaled by this: it
# needs a little more evidence than two provisions at the same depth.
CROSS_DEPTH = 0.9
IDF_SAMPLE = 600  # provisions read to estimate document frequencies on big documents
COMMON_SHARE = 0.25  # a word in this share of provisions or more has no weight
# The character ratio (rapidfuzz's, over normalised texts) counts only from RATIO_FLOOR
# up: below it, it is what any two English sentences of similar length share. From there
# it is rescaled to [0, 1], so a ratio of 0.8 scores 0.5. Word overlap of SURFACE_SKIP or
# more already says "nearly identical": the ratio, the costly half of a score, is skipped.
RATIO_FLOOR = 0.6
_RATIO_CUTOFF = round(100 * RATIO_FLOOR)  # rapidfuzz's scale
SURFACE_SKIP = 0.9

# Figures first (the word diff's FIGURE), so that "600,000" or "$100" stay whole; then words.
_TOKEN = re.compile(FIGURE + r"|\w+")
# The same tokens for ASCII text (most provisions), about 40% faster: explicit ASCII classes,
# a word tried first (a token starting with a letter or "_" can only be a word), and
# possessive quantifiers, since neither alternative ever needs to give characters back.
_TOKEN_ASCII = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*+|\$?+[0-9]++(?:[.,:/][0-9]++)*+%?+")
_DIGIT = re.compile(r"\d")
_STEMS: dict[str, str] = {}
_FEATURES: dict[str, tuple[str, ...]] = {}  # ASCII piece -> what it adds to a word set
_STEM_CACHE = 200_000

# English function words carry no evidence that two provisions are related. IDF finds
# that on its own in a long document, but not in a short one (in five paragraphs "not"
# may occur twice), so they are dropped outright.
_STOP = frozenset(
    """a an the and or but nor of to in on at by for with from as into onto upon about over
    under between among through during before after within without against towards toward
    than then so if when while where which who whom whose that this these those it its they
    them their there here be is are was were been being am do does did done have has had
    having will would shall should may might must can could not no any all each every both
    either neither some such other another own same very also only just more most less
    least much many few several i we you he she us our your his her my me him what how why
    whether because although though until unless since per via s t""".split()
)


# Inflectional and common derivational endings, longest first.
_SUFFIXES = ("ations", "ation", "ships", "ship", "ments", "ment", "ings", "ing", "ions", "ion",
             "ians", "ian", "ed", "es", "s", "e")  # fmt: skip
STEM_LENGTH = 7


def _stem(w: str) -> str:
    """Strip one common ending, keep seven characters: "guarantees"/"guarantee",
    "reconstruction"/"reconstructed" and "Ukraine"/"Ukrainian" meet, while "consents" and
    "consensus" stay apart (five characters made them collide). A figure stands for its
    value. Cached per word."""
    if w[0].isdigit() or w[0] in _SIGNS:
        s = w.strip(_SIGNS + "%")
    else:
        s = w
        for suffix in _SUFFIXES:
            if w.endswith(suffix) and len(w) - len(suffix) >= 4 and not w.endswith("ss"):
                s = w[: -len(suffix)]
                break
        s = s[:STEM_LENGTH]
    if len(_STEMS) > _STEM_CACHE:  # a long-running server sees many documents
        _STEMS.clear()
    _STEMS[w] = s
    return s


def _piece_features(piece: str) -> tuple[str, ...]:
    """What one space-separated piece of an ASCII text ("guarantees", "600,000",
    "ukraine's") adds to the text's word set: for each token in it, its stem, and for a
    figure its shape too; nothing for a function word. Cached per piece like the stems."""
    out = []
    for w in (piece,) if piece.isalpha() else _TOKEN_ASCII.findall(piece):
        if w not in _STOP:
            out.append(_stem(w))
            if w[0].isdigit() or w[0] == "$":
                out.append("#" + _DIGIT.sub("0", w))
    f = tuple(out)
    if len(_FEATURES) > _STEM_CACHE:
        _FEATURES.clear()
    _FEATURES[piece] = f
    return f


def _words(norm: str) -> frozenset[str]:
    """Word features of a normalised text: stems, figure values, and each figure's shape
    ($000, 000,000, 00%), so "$100 billion" and "$800 billion" share more than the word
    "billion". Function words are left out."""
    if norm.isascii():
        # Most texts. No token holds a space, so the text is taken piece by piece between
        # spaces, and what each piece adds comes from one cached lookup: running the token
        # regex over every text cost about half of this function. (A figure token implies a
        # digit in the text, so its shape needs no separate test.)
        # All pieces seen before, in one C-level pass; a KeyError (a new piece, or the cache
        # cleared by another thread meanwhile) falls back to the slow path. A pass of
        # lookups, a test for a miss, then the set cost a quarter more.
        pieces = norm.split(" ")
        try:
            return frozenset(chain.from_iterable(map(_FEATURES.__getitem__, pieces)))
        except KeyError:
            get = _FEATURES.get  # (get, not a test then an index: another thread may clear)
            found = [f if (f := get(p)) is not None else _piece_features(p) for p in pieces]
            return frozenset(chain.from_iterable(found))
    words = set(_TOKEN.findall(norm)) - _STOP
    seen = set(map(_STEMS.get, words))  # C-speed for the words seen before
    missing = None in seen
    seen.discard(None)
    out = cast(set[str], seen)  # None discarded
    if missing:
        out.update(_stem(w) for w in words if w not in _STEMS)
    if _DIGIT.search(norm):
        out.update("#" + _DIGIT.sub("0", w) for w in words if w[0].isdigit() or w[0] in _SIGNS)
    return frozenset(out)


# rapidfuzz's ratio is an LCS over characters: bit-parallel, but still n * m / 64 steps, so
# 0.5 s for two 125 kB texts and 29 s for two of a megabyte. Past this many characters
# the ratio is taken on words instead, in one linear pass: the characters of the words
# the two texts have in common (as multisets, order ignored), an upper bound on the LCS
# ratio that is close to it for texts that are mostly the same words in the same order.
_RATIO_CHARS = 4000


def _ratio(a: str, b: str) -> float:
    """Similarity of two normalised texts in [0, 1]: rapidfuzz's ratio, or its linear
    stand-in on long texts; values under RATIO_FLOOR may be returned as 0."""
    total = len(a) + len(b)
    if 2 * min(len(a), len(b)) < RATIO_FLOOR * total:
        return 0.0  # no ratio can reach RATIO_FLOOR at these lengths
    if total <= _RATIO_CHARS:
        return fuzz.ratio(a, b, score_cutoff=_RATIO_CUTOFF) / 100
    common = Counter(a.split()) & Counter(b.split())
    return 2 * sum((len(w) + 1) * c for w, c in common.items()) / (total + 2) if total else 1.0


class _Idf(dict[str, float]):
    """IDF weights; a word the sample did not see is taken as rare."""

    default = 0.0

    def __missing__(self, key: str) -> float:
        return self.default


# For a C-level scan of the depths: most documents have no sub-points, and a generator over
# 5,000 provisions, four times per alignment, cost more than the rest of these helpers.
_DEPTH = attrgetter("depth")


def _subtrees(provs: list[Provision]) -> list[int]:
    """End (exclusive) of each provision's subtree: itself and the sub-points under it."""
    if not any(map(_DEPTH, provs)):
        return list(range(1, len(provs) + 1))
    end = [0] * len(provs)
    stack: list[int] = []
    for k, p in enumerate(provs):
        while stack and provs[stack[-1]].depth >= p.depth:
            end[stack.pop()] = k
        stack.append(k)
    for k in stack:
        end[k] = len(provs)
    return end


class _Scorer:
    """Word sets, IDF weights and pair scores, computed only for provisions that need them."""

    def __init__(self, old: list[Provision], new: list[Provision]) -> None:
        self.provs = (old, new)
        self.own: tuple[dict[int, frozenset[str]], ...] = ({}, {})
        self.tree: tuple[dict[int, frozenset[str]], ...] = ({}, {})
        self.ends = (_subtrees(old), _subtrees(new))
        # Document frequency over both versions; on big documents a regular sample is read
        # (an estimate is enough for weights, and it caps this step at IDF_SAMPLE parses).
        every = len(old) + len(new)
        step = max(1, math.ceil(every / IDF_SAMPLE))
        df: Counter[str] = Counter()
        for k in range(0, every, step):
            # Through the per-provision cache: a sampled leftover is not tokenised again.
            df.update(self._own(0, k) if k < len(old) else self._own(1, k - len(old)))
        top = math.log(max(COMMON_SHARE * every, 2) + 1)
        self.idf = _Idf((w, max(0.0, top - math.log(c * step))) for w, c in df.items())
        self.idf.default = top
        self.weights: dict[frozenset[str], float] = {}
        self.right: dict[int, tuple[frozenset[str], float]] = {}  # new j -> (words, weight)

    def words(self, side: int, k: int) -> frozenset[str]:
        """Words of provision k, with its sub-points' words if it is a point."""
        cache = self.tree[side]
        w = cache.get(k)
        if w is None:
            w = self._own(side, k)
            end = self.ends[side][k]
            if end > k + 1 and self.provs[side][k].depth == 0:
                w = w.union(*(self._own(side, x) for x in range(k + 1, end)))
            cache[k] = w
        return w

    def flat(self, side: int, k: int) -> bool:
        """Whether provision k is scored on its own text (no sub-points folded in)."""
        return self.ends[side][k] == k + 1 or self.provs[side][k].depth > 0

    def _own(self, side: int, k: int) -> frozenset[str]:
        cache = self.own[side]
        w = cache.get(k)
        if w is None:
            w = cache[k] = _words(self.provs[side][k].norm)
        return w

    def weight(self, words: frozenset[str]) -> float:
        # dict.get with the default: the same values as idf[w], without a Python-level
        # __missing__ call for every word the sample did not see.
        idf = self.idf
        return sum(map(idf.get, words, repeat(idf.default)))

    def _total(self, words: frozenset[str]) -> float:
        # A provision's word set is reused across candidates: its weight is cached.
        w = self.weights.get(words)
        if w is None:
            w = self.weights[words] = self.weight(words)
        return w

    def _dice(self, a: frozenset[str], b: frozenset[str]) -> float:
        wab = self._total(a) + self._total(b)
        return 2 * self.weight(a & b) / wab if wab else 0.0

    @staticmethod
    def _surface(a_norm: str, b_norm: str, dice: float) -> float:
        # Character ratio only counts when high (RATIO_FLOOR). It rescues small edits that
        # hit the only rare words.
        if dice >= SURFACE_SKIP:
            return dice
        r = _ratio(a_norm, b_norm)
        return max(dice, (r - RATIO_FLOOR) / (1 - RATIO_FLOOR)) if r >= RATIO_FLOOR else dice

    def score(self, i: int, j: int) -> float:
        """Score for deciding a pair (points compared with their sub-points)."""
        dice = self._dice(self.words(0, i), self.words(1, j))
        return self._surface(self.provs[0][i].norm, self.provs[1][j].norm, dice)

    def block(self, olds: list[int], news: list[int]) -> list[tuple[int, int, float]]:
        """(i, j, score(i, j)) for every old i and new j given, in that order: the same
        values as :meth:`score`. A gap between in-order pairs is scored in full, and where
        every provision was reworded the calls per cell were most of the alignment."""
        right = self._right(news)
        return [(i, j, s) for i in olds for j, s in zip(news, self._row(i, right), strict=True)]

    def row(self, i: int, news: list[int]) -> list[float]:
        """score(i, j) for each new j given, in that order (the same values)."""
        return self._row(i, self._right(news))

    def _right(self, news: list[int]) -> tuple[list, list[str], int]:
        """What :meth:`_row` needs of the new provisions: (words, weight) of each, their
        texts, and the longest text's length."""
        new = self.provs[1]
        # Per new provision once (a leftover is on several rows): a lookup per cell.
        known = self.right
        sets = [known.get(j) or self._entry(j) for j in news]
        norms = [new[j].norm for j in news]
        return sets, norms, max(map(len, norms), default=0)

    def _entry(self, j: int) -> tuple[frozenset[str], float]:
        b = self.words(1, j)
        e = self.right[j] = (b, self._total(b))
        return e

    def _row(self, i: int, right: tuple[list, list[str], int]) -> list[float]:
        # One loop for the word overlap, and the character ratios of the whole row in one
        # call into rapidfuzz (process.extract with a cutoff returns only the ratios that
        # reach RATIO_FLOOR): a Python call per cell cost more than the ratio itself.
        sets, norms, longest = right
        get, default = self.idf.get, self.idf.default
        a = self.words(0, i)
        ta = self._total(a)
        out = [
            2 * sum(map(get, a & b, repeat(default))) / (ta + tb) if ta + tb else 0.0
            for b, tb in sets
        ]
        na = self.provs[0][i].norm
        if len(na) + longest <= _RATIO_CHARS:
            # Only the ratios that reach the cutoff come back, a few in a row.
            for _, r, k in process.extract(
                na, norms, scorer=fuzz.ratio, score_cutoff=_RATIO_CUTOFF, limit=None
            ):
                if out[k] < SURFACE_SKIP:
                    out[k] = max(out[k], (r / 100 - RATIO_FLOOR) / (1 - RATIO_FLOOR))
            return out
        for k, nb in enumerate(norms):
            r = _ratio(na, nb)
            if out[k] < SURFACE_SKIP and r >= RATIO_FLOOR:
                out[k] = max(out[k], (r - RATIO_FLOOR) / (1 - RATIO_FLOOR))
        return out

    def similarity(self, olds: list[int], news: list[int]) -> float:
        """Similarity of the provisions' own texts, as reported for a pair or group."""
        a = frozenset().union(*(self._own(0, i) for i in olds))
        b = frozenset().union(*(self._own(1, j) for j in news))
        a_norm = " ".join(self.provs[0][i].norm for i in olds)
        b_norm = " ".join(self.provs[1][j].norm for j in news)
        return self._surface(a_norm, b_norm, self._dice(a, b))

    def covered(self, side: int, k: int, others: list[int]) -> float:
        """Share of provision k's own word weight found in the given provisions of the
        other side (containment: how much of k they account for)."""
        a = self._own(side, k)
        wa = self._total(a)
        if not wa:
            return 0.0
        b = frozenset().union(*(self._own(1 - side, x) for x in others))
        return self.weight(a & b) / wa


# --- helpers ------------------------------------------------------------------------------


def _best_chain(cands: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Max-weight subset of (i, j, w) strictly increasing in both i and j.
    O(k log k) with a Fenwick tree of prefix maxima over j."""
    if not cands:
        return []
    js = sorted({j for _, j, _ in cands})
    rank = {j: r + 1 for r, j in enumerate(js)}
    size = len(js)
    tree_val = [0.0] * (size + 1)
    tree_at = [-1] * (size + 1)
    # Same i: larger j first, so one old provision never chains to itself. The keys are
    # built once and looked up by index (a C-level key function) instead of by a lambda
    # per item; equal keys keep input order, as before.
    keys = [(i, -j) for i, j, _ in cands]
    order = sorted(range(len(cands)), key=keys.__getitem__)
    best = [0.0] * len(cands)
    back = [-1] * len(cands)
    for k in order:
        _, j, w = cands[k]
        top = rank[j]
        r = top - 1
        v, at = 0.0, -1
        while r:
            if tree_val[r] > v:
                v, at = tree_val[r], tree_at[r]
            r &= r - 1  # r -= r & -r in one operation: drop the lowest set bit
        total = best[k] = v + w
        back[k] = at
        r = top
        while r <= size:
            if total > tree_val[r]:
                tree_val[r], tree_at[r] = total, k
            r += r & -r
    k = max(range(len(cands)), key=best.__getitem__)
    out = []
    while k >= 0:
        out.append(cands[k])
        k = back[k]
    return out[::-1]


def _parents(provs: list[Provision]) -> list[int]:
    """Index of each provision's parent (nearest earlier provision of smaller depth)."""
    if not any(map(_DEPTH, provs)):
        return [-1] * len(provs)
    out = []
    stack: list[int] = []
    for k, p in enumerate(provs):
        while stack and provs[stack[-1]].depth >= p.depth:
            stack.pop()
        out.append(stack[-1] if stack and p.depth > 0 else -1)
        stack.append(k)
    return out


# --- alignment ----------------------------------------------------------------------------


class _State:
    """The 1:1 pairs found so far."""

    def __init__(self, n_old: int, n_new: int) -> None:
        self.o2n = [-1] * n_old
        self.n2o = [-1] * n_new
        self.exact: set[int] = set()  # old indexes paired by identical text
        self.score: dict[int, float] = {}  # old index -> score of its pair

    def link(self, i: int, j: int, score: float = 1.0) -> None:
        self.o2n[i], self.n2o[j] = j, i
        self.score[i] = score


_FIGURE = re.compile(r"\d+(?:[.,:/]\d+)*")
# Deleting every digit and figure separator: two texts with the same template (figures
# masked) have the same key, so only rows whose key is shared by TEMPLATE_MIN rows need
# the masking regex, which on 100,000 provisions cost half a second. The keys are bytes
# (the texts are ASCII): bytes.translate deletes characters four times faster than
# str.translate, ~0.15 s of a 100,000-provision pair.
_FIGURE_CHARS = b"0123456789.,:/"


def _template_pairs(
    st: _State,
    old: list[Provision],
    new: list[Provision],
    first: dict[str, int],
    more: dict[str, deque[int]],
) -> None:
    """Rows of a schedule ("1. The fee is $10.", "2. The fee is $20.", ...) share their
    text but for the figures. When every fee changes, the old "$20" row is identical to the
    new row 1, and exact matching would pair them and shift the whole schedule by one. Such
    rows are paired by their number first: row 2 is row 2, with its fee changed. Only rows
    with a number, in a template shared by TEMPLATE_MIN rows on both sides, are concerned,
    and only when they differ (identical rows at the same number pair exactly anyway).
    Linear: one masked copy per provision with a figure."""
    if not _has_figures(new):
        return

    def templates(provs: list[Provision]) -> dict[str, list[int]]:
        keys: dict[bytes, list[int]] = defaultdict(list)
        other = []  # non-ASCII texts (other digits than 0-9): always masked
        for k, p in enumerate(provs):
            if p.number:
                if p.norm.isascii():
                    keys[p.norm.encode("ascii").translate(None, _FIGURE_CHARS)].append(k)
                else:
                    other.append(k)
        masked = sorted(
            chain(other, *(ks for ks in keys.values() if len(ks) + len(other) >= TEMPLATE_MIN))
        )
        out: dict[str, list[int]] = defaultdict(list)
        for k in masked:
            norm = provs[k].norm
            if _DIGIT.search(norm):
                out[_FIGURE.sub("#", norm)].append(k)
        return {t: ks for t, ks in out.items() if len(ks) >= TEMPLATE_MIN}

    t_new = templates(new)
    if not t_new:  # most documents: the old version is not looked at
        return
    for t, olds in templates(old).items():
        news = t_new.get(t)
        if not news:
            continue
        by_path = {new[j].path: j for j in news}
        for i in olds:
            j = by_path.get(old[i].path, -1)
            if j >= 0 and old[i].norm != new[j].norm and st.n2o[j] < 0:
                st.link(i, j, fuzz.ratio(old[i].norm, new[j].norm) / 100)


def _has_figures(provs: list[Provision]) -> bool:
    return any(_DIGIT.search(p.norm) for p in provs if p.number)


def align(old: list[Provision], new: list[Provision]) -> list[Pair]:
    """Align two versions' provisions. Every index of both lists appears in exactly one
    ``Pair``; pairs come in no particular order."""
    st = _State(len(old), len(new))

    # 1. Exact anchors, duplicates paired in order. O(n). A queue only for a text that
    # occurs more than once in the new version: most occur once, and a queue for every
    # provision made this step twice as slow.
    first: dict[str, int] = {}  # text -> earliest new index with it not yet paired
    more: dict[str, deque[int]] = defaultdict(deque)  # text -> its later new indexes
    for j, p in enumerate(new):
        if p.norm in first:
            more[p.norm].append(j)
        else:
            first[p.norm] = j
    _template_pairs(st, old, new, first, more)
    for i, p in enumerate(old):
        if st.o2n[i] >= 0:
            continue
        j = first.pop(p.norm, -1)
        while j >= 0 and st.n2o[j] >= 0:  # taken by a template pair
            q = more.get(p.norm)
            j = q.popleft() if q else -1
        if j >= 0:
            st.link(i, j)
            st.exact.add(i)
            if more and (q := more.get(p.norm)):
                first[p.norm] = q.popleft()
    if -1 not in st.o2n or -1 not in st.n2o:
        return _pairs(st, None, {}, {})
    sc = _Scorer(old, new)

    # 2. Index candidates; greedy one-to-one by score. A pair that keeps reading order
    # (both sides in the same gap between in-order identical provisions) needs
    # FLOOR_GLOBAL; a pair that would be a move needs FLOOR_MOVE, since a short provision
    # can share its few rare words with some unrelated one far away.
    cands = _candidates(st, sc)
    exact = sorted(st.exact)
    chain_old = [exact[k] for k in longest_increasing([st.o2n[i] for i in exact])]
    chain_new = [st.o2n[i] for i in chain_old]
    ranked = []
    for i, row in cands.items():
        gap = bisect_left(chain_old, i)
        for j, s in row:
            rank = s
            if (old[i].depth > 0) != (new[j].depth > 0):
                rank *= CROSS_DEPTH  # a sub-point paired with a point: more evidence
            if bisect_left(chain_new, j) != gap:
                rank -= FLOOR_MOVE - FLOOR_GLOBAL
            ranked.append((rank, s, i, j))
    ranked.sort(reverse=True)
    for rank, s, i, j in ranked:
        if rank < FLOOR_GLOBAL:
            break
        if st.o2n[i] < 0 and st.n2o[j] < 0:
            st.link(i, j, s)
    _clear_pairs(st, ranked)

    # 3. Position: pairing in order inside the gaps of the in-order chain. Two texts that
    # share almost nothing (no identical provision, content pairs for under RELATED_SHARE
    # of the shorter one, candidates in no particular order) are unrelated: their
    # positions say nothing either, and pairing by position would only pair strangers that
    # share a figure or a rare word. A text reworded throughout shares few content pairs
    # with its earlier version too, but its pairs and candidates keep their order.
    anchors, ordered, drawn = _anchor_chain(st, sc, cands)
    paired = sum(1 for j in st.o2n if j >= 0)
    related = (
        bool(st.exact)
        or paired >= RELATED_SHARE * min(len(old), len(new))
        or ordered >= ORDER_EXCESS * math.sqrt(drawn)
    )
    _fill_gaps(st, sc, cands, anchors if related else [], related)

    # 4. Splits and merges.
    splits, merges = _groups(st, sc)
    return _pairs(st, sc, splits, merges)


def _clear_pairs(st: _State, ranked: list[tuple[float, float, int, int]]) -> None:
    """Pair leftovers that are each other's clear best match, below FLOOR_GLOBAL: a
    provision moved and reworded scores lower, but nothing else comes close to it."""
    best_o: dict[int, list[float]] = defaultdict(list)
    best_n: dict[int, list[float]] = defaultdict(list)
    live = [(r, s, i, j) for r, s, i, j in ranked if st.o2n[i] < 0 and st.n2o[j] < 0]
    for r, _, i, j in live:  # descending: the first entry is the best
        best_o[i].append(r)
        best_n[j].append(r)
    for r, s, i, j in live:
        if r < FLOOR_CLEAR:
            break
        bo, bn = best_o[i], best_n[j]
        if bo[0] != r or bn[0] != r or st.o2n[i] >= 0 or st.n2o[j] >= 0:
            continue
        if r - (bo[1] if len(bo) > 1 else 0.0) >= CLEAR_MARGIN and (
            r - (bn[1] if len(bn) > 1 else 0.0) >= CLEAR_MARGIN
        ):
            st.link(i, j, s)


def _candidates(st: _State, sc: _Scorer) -> dict[int, list[tuple[int, float]]]:
    """For each unpaired old provision, its best few unpaired new ones by shared IDF weight,
    scored. Candidates come from an inverted index probed with the provision's rarest
    words only (they say most about it and have the shortest postings); postings longer
    than POSTING_CAP are skipped (such stems weigh almost nothing). O(L * PROBES) lookups
    and at most L * CANDIDATES scores for L leftovers."""
    idf = sc.idf
    index: dict[str, list[int]] = defaultdict(list)
    for j, i in enumerate(st.n2o):
        if i < 0:
            for w in sc.words(1, j):
                index[w].append(j)
    # Each indexed word gets its rank by (weight, word), from 1: a leftover's probes are
    # then its highest ranks, sorted at C speed (a key function per word cost more). Ties
    # in weight are broken by the word itself: a set's order follows the process's hash
    # seed, and the same two texts must give the same diff in every process.
    weights = map(idf.get, index, repeat(idf.default))  # idf[w], without __missing__ calls
    ranked = [w for _, w in sorted(zip(weights, index, strict=True))]
    rank = {w: r for r, w in enumerate(ranked, 1)}
    # What a probe adds, by rank: its posting and weight, or nothing for a word that
    # weighs nothing or is on too many leftovers (it still takes a probe's place).
    adds: list[tuple[list[int], float] | None] = [None]
    for w in ranked:
        post, wt = index[w], idf[w]
        adds.append((post, wt) if wt > 0 and len(post) <= POSTING_CAP else None)
    get_rank = rank.get
    out: dict[int, list[tuple[int, float]]] = {}
    for i, j0 in enumerate(st.o2n):
        if j0 >= 0:
            continue
        probes = sorted(filter(None, map(get_rank, sc.words(0, i))))
        acc: dict[int, float] = {}
        for r in probes[-PROBES:]:
            if (add := adds[r]) is not None:
                post, wt = add
                if acc:
                    for j in post:
                        acc[j] = acc.get(j, 0.0) + wt
                else:
                    # The first posting (the least rare probe's, often the longest) in one
                    # C-level pass: nothing to add to yet.
                    acc = dict.fromkeys(post, wt)
        if not acc:
            out[i] = []
            continue
        top = sorted(acc, key=acc.__getitem__, reverse=True)[:CANDIDATES]
        # Candidates far behind the best are not worth a score.
        least = acc[top[0]] * CANDIDATE_SHARE
        js = [j for j in top if acc[j] >= least]
        out[i] = list(zip(js, sc.row(i, js), strict=True))
    return out


def _anchor_chain(
    st: _State, sc: _Scorer, cands: dict[int, list[tuple[int, float]]]
) -> tuple[list[int], int, int]:
    """Old indexes of the pairs that stay in reading order, in order. Among chains of the
    same length, unpaired in-order candidates break the tie: when point 16 moved up between
    6 and 11, it is 16 that moved, because 12 and 14 still follow 11. Also the chain's
    length counting those candidates, and how many pairs and candidates it was drawn from:
    how far the two texts keep one order. O(k log k)."""
    old, new = sc.provs
    items = [(i, j, 1.0) for i, j in enumerate(st.o2n) if j >= 0]
    items += [
        (i, j, CANDIDATE_TIEBREAK * s)
        for i, row in cands.items()
        if st.o2n[i] < 0 and old[i].depth == 0
        for j, s in row
        if st.n2o[j] < 0 and new[j].depth == 0 and s >= FLOOR_GAP
    ]
    best = _best_chain(items)
    return [i for i, j, _ in best if st.o2n[i] == j], len(best), len(items)


def _fill_gaps(
    st: _State,
    sc: _Scorer,
    cands: dict[int, list[tuple[int, float]]],
    chain: list[int],
    related: bool,
) -> None:
    """Pair leftovers in order inside each gap between consecutive chain pairs: points
    first, then sub-points under parents paired to each other. ``related``: the two texts
    are versions of one text, so position is evidence."""
    old, new = sc.provs
    parents = (_parents(old), _parents(new))
    # Full scoring of a gap costs old x new cells; the budget keeps the total linear.
    budget = GAP_BUDGET_PER_PROVISION * (len(old) + len(new)) + GAP_CELLS
    for olds, news in _gap_buckets(st, chain):
        for top in (True, False):
            budget = _pair_gap(st, sc, cands, parents, olds, news, top, related, budget)


def _gap_buckets(st: _State, chain: list[int]) -> list[tuple[list[int], list[int]]]:
    """The unpaired old and new provisions of each gap between consecutive chain pairs
    (before the first, between two, after the last), in reading order; only gaps with
    provisions left on both sides. O(n log k) for a chain of k pairs."""
    chain_new = [st.o2n[i] for i in chain]
    gaps_old: dict[int, list[int]] = defaultdict(list)
    gaps_new: dict[int, list[int]] = defaultdict(list)
    for i, j in enumerate(st.o2n):
        if j < 0:
            gaps_old[bisect_left(chain, i)].append(i)
    for j, i in enumerate(st.n2o):
        if i < 0:
            gaps_new[bisect_left(chain_new, j)].append(j)
    return [(olds, gaps_new[g]) for g, olds in gaps_old.items() if g in gaps_new]


def _pair_gap(
    st: _State,
    sc: _Scorer,
    cands: dict[int, list[tuple[int, float]]],
    parents: tuple[list[int], list[int]],
    olds: list[int],
    news: list[int],
    top: bool,
    related: bool,
    budget: int,
) -> int:
    """Pair in order the leftovers of one gap at one level (points when ``top``, else
    sub-points under parents paired to each other), by a max-weight increasing chain over
    the qualifying pairs. The gap is scored when its cells fit in GAP_CELLS and in what is
    left of ``budget`` (in full up to GAP_FULL cells, else on its band), else through the
    index candidates only. ``related``: the texts are versions of one text (see
    :func:`align`). Returns the budget left (a banded gap takes only the cells it scored)."""
    old, new = sc.provs
    o2n, n2o = st.o2n, st.n2o
    lvl_old = [i for i in olds if (old[i].depth == 0) == top and o2n[i] < 0]
    lvl_new = [j for j in news if (new[j].depth == 0) == top and n2o[j] < 0]
    if not lvl_old or not lvl_new:
        return budget
    if not top:
        floor = FLOOR_SUB
    elif len(lvl_old) == 1 and len(lvl_new) == 1:
        floor = FLOOR_SLOT  # the only point between two in-order neighbours
    else:
        floor = FLOOR_GAP
    if not related:
        # Position says nothing between unrelated texts, and they must not pair on a
        # shared figure or date.
        floor = max(floor, FLOOR_CLEAR)
    # As many points left on each side of the gap: the numbering ran in parallel. Then a
    # point that kept both its place and its number is that point rewritten (the European
    # draft's point 7), however little wording survives: it qualifies with a small weight
    # of its own.
    parallel = top and related and len(lvl_old) == len(lvl_new)
    cells = len(lvl_old) * len(lvl_new)
    if cells <= min(GAP_CELLS, budget):
        if top and cells > GAP_FULL:
            scored = _band(sc, cands, lvl_old, lvl_new, parallel)
            budget -= len(scored)
        elif top:
            budget -= cells
            scored = sc.block(lvl_old, lvl_new)
        else:
            budget -= cells
            scored = [
                (i, j, sc.score(i, j))
                for i in lvl_old
                for j in lvl_new
                if _parents_paired(st, parents, i, j)
            ]
    else:
        in_gap = set(lvl_new)
        scored = [
            (i, j, s)
            for i in lvl_old
            for j, s in cands.get(i, ())
            if j in in_gap and (top or _parents_paired(st, parents, i, j))
        ]
    found = []
    kept = {}  # the scores of the qualifying cells: a chosen pair is not scored again
    for i, j, s in scored:
        # A pair's weight in the gap's chain is its score, from the floor up. In a gap where
        # the numbering ran in ``parallel``, a point that kept its number qualifies whatever
        # its score, at FLOOR_SLOT at least (no floor is under FLOOR_SLOT). Inline: a call
        # per cell cost more than the test.
        if s >= floor:
            w = s
        elif parallel and old[i].number == new[j].number != "":
            w = max(s, FLOOR_SLOT)
        else:
            continue
        found.append((i, j, w))
        kept[i, j] = s
    for i, j, _ in _best_chain(found):
        st.link(i, j, kept[i, j])
    return budget


def _band(
    sc: _Scorer,
    cands: dict[int, list[tuple[int, float]]],
    olds: list[int],
    news: list[int],
    parallel: bool,
) -> list[tuple[int, int, float]]:
    """(i, j, score) of a big gap's cells near its diagonal (see GAP_FULL), at its old
    leftovers' index candidates (scores reused), and, where the numbering ran in
    ``parallel``, at a new point with the old one's number; in (i, j) order."""
    new = sc.provs[1]
    n, m = len(olds), len(news)
    half = abs(n - m) + GAP_BAND
    place = {j: b for b, j in enumerate(news)}
    numbered = {new[j].number: j for j in reversed(news) if new[j].number} if parallel else {}
    sets, norms, longest = sc._right(news)
    out: list[tuple[int, int, float]] = []
    for a, i in enumerate(olds):
        mid = a * m // n
        lo, hi = max(0, mid - half), min(m, mid + half + 1)
        row = sc._row(i, (sets[lo:hi], norms[lo:hi], longest))
        out += zip(repeat(i), news[lo:hi], row)
        for j, s in cands.get(i, ()):
            if not lo <= place.get(j, lo) < hi:
                out.append((i, j, s))
        j = numbered.get(sc.provs[0][i].number, -1) if parallel else -1
        if j >= 0 and not lo <= place[j] < hi and all(j != c for c, _ in cands.get(i, ())):
            out.append((i, j, sc.score(i, j)))
    out.sort()
    return out


def _parents_paired(st: _State, parents: tuple[list[int], list[int]], i: int, j: int) -> bool:
    """Whether sub-points i and j stand under parents paired to each other."""
    pi, pj = parents[0][i], parents[1][j]
    return pi >= 0 and pj >= 0 and st.o2n[pi] == pj


def _groups(st: _State, sc: _Scorer):  # noqa: ANN202
    """Grow 1:1 pairs into splits (one old, consecutive new) and merges (consecutive old,
    one new). Only unpaired neighbours of a pair are tried: O(n) group scores."""
    o2n, n2o = st.o2n, st.n2o

    def grow(k: int, partner: int, free: list[int], claimed: set[int], side: int) -> list[int]:
        # side 1: k is old and the group holds new provisions (a split); side 0: a merge.
        group = [partner]
        while True:
            for cand in (group[0] - 1, group[-1] + 1):
                if not (0 <= cand < len(free) and free[cand] < 0 and cand not in claimed):
                    continue
                joined = sorted(group + [cand])
                # The partner must be clearly better accounted for by the joined text,
                # and the extra piece must come mostly from the partner.
                gain = sc.covered(1 - side, k, joined) - sc.covered(1 - side, k, group)
                contain = sc.covered(side, cand, [k]) if gain > 0 else 0.0
                # A short piece adds little of the partner's weight, but when nearly all
                # of it comes from the partner it is a piece all the same ("2. The parties
                # shall withdraw." cut from the front of a long point).
                if (gain >= SPLIT_GAIN and contain >= SPLIT_CONTAIN) or (
                    gain >= SPLIT_GAIN_SHORT and contain >= SPLIT_CONTAIN_SHORT
                ):
                    group = joined
                    claimed.add(cand)
                    break
            else:
                return group

    splits: dict[int, list[int]] = {}
    merges: dict[int, list[int]] = {}
    claimed_new: set[int] = set()
    claimed_old: set[int] = set()
    n_old, n_new = len(o2n), len(n2o)
    for i, j in enumerate(o2n):
        # An identical pair cannot be explained better by a joined text: skipped.
        if i in st.exact or j < 0:
            continue
        if j and n2o[j - 1] < 0 or j + 1 < n_new and n2o[j + 1] < 0:
            group = grow(i, j, n2o, claimed_new, 1)
            if len(group) > 1:
                splits[i] = group
    for j, i in enumerate(n2o):
        if i < 0 or i in st.exact or i in splits:
            continue
        if i and o2n[i - 1] < 0 or i + 1 < n_old and o2n[i + 1] < 0:
            group = grow(j, i, o2n, claimed_old, 0)
            if len(group) > 1:
                merges[j] = group
    return splits, merges


def _pairs(
    st: _State,
    sc: _Scorer | None,
    splits: dict[int, list[int]],
    merges: dict[int, list[int]],
) -> list[Pair]:
    out: list[Pair] = []
    done_old: set[int] = set()
    done_new: set[int] = set()
    for i, js in splits.items():
        out.append(Pair((i,), tuple(js), sc.similarity([i], js) if sc else 0.0))
        done_old.add(i)
        done_new.update(js)
    for j, is_ in merges.items():
        out.append(Pair(tuple(is_), (j,), sc.similarity(is_, [j]) if sc else 0.0))
        done_new.add(j)
        done_old.update(is_)
    exact = st.exact
    for i, j in enumerate(st.o2n):
        if i in done_old:
            continue
        if j < 0:
            out.append(Pair((i,), (), 0.0))
        elif i in exact or sc is None:
            out.append(Pair((i,), (j,), 1.0))
        elif sc.flat(0, i) and sc.flat(1, j):
            out.append(Pair((i,), (j,), st.score[i]))  # the deciding score is the same
        else:
            out.append(Pair((i,), (j,), sc.similarity([i], [j])))
    for j, i in enumerate(st.n2o):
        if i < 0 and j not in done_new:
            out.append(Pair((), (j,), 0.0))
    return out


def moved_flags(pairs: list[Pair]) -> list[bool]:
    """For each pair, whether it moved: it pairs provisions on both sides but is not on the
    longest increasing subsequence of new positions taken in old order. A verbatim move
    and a moved-and-edited provision are found alike. O(n log n)."""
    both = sorted((min(p.old), min(p.new), k) for k, p in enumerate(pairs) if p.old and p.new)
    moved = [bool(p.old and p.new) for p in pairs]
    for pos in longest_increasing([j for _, j, _ in both]):
        moved[both[pos][2]] = False
    return moved
