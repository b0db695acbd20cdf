"""Benchmark: alignment quality on real version pairs, against a hand-written truth.

Reads real consecutive versions of published policy documents from the corpus bundle
(``../shared/corpora/ota-pga-versions.bundle`` from the repository root; cloned at run time
into a temporary directory, or ``--repo`` names an existing clone) and compares, in the same
run, tracker's provision diff with a plain line diff against ``bench/real_truth.json``.

The truth names provisions by short key phrases (never whole sentences: the corpus text is
not ours to copy). Each entry says what an old provision became::

    {"old": "phrase" | ["a", "b"] | null, "new": ..., "kind": "modified",
     "renumbered": true | false | null, "moved": false, "terms": [["old words", "new words"]]}

A phrase must occur in exactly one unit of its side (a provision for tracker, a non-empty
line for the line diff); the script lists the phrases that resolve to none or to several.
Matching folds case, whitespace, quote and dash styles and ignores Markdown markup
(``*``, ``_``, ``\\``, ``[``, ``]`` and link targets), so the same truth serves every reader.
``=Themes`` must equal a unit (or one of its lines) but for its printed numbers, for short
headings whose words occur elsewhere; ``phrase@2`` takes the second match in reading order
(a table of contents repeats every heading).

Flags follow the diff contract: ``renumbered`` means the number changed but the order did
not, ``moved`` that the provision left the order (a moved provision is never also
renumbered). ``renumbered: null`` means "not checked" (an unnumbered paragraph whose
section number changed: whether its path counts as changed is the tree's convention, not a
fact), and so does ``moved: null`` (two paragraphs that swapped places: which one moved is
a choice).

Metrics, per pair and overall (micro-averaged: counts are summed over pairs):

- **pairs**: the truth's correspondences as unit pairs: an entry with both sides gives the
  product of its old and new units (a split or merge counts as its member pairs), an added
  or removed entry gives ``(None, new)`` or ``(old, None)``. A system's predicted pairs are
  built the same way from its changes. Recall: truth pairs predicted / truth pairs.
  Precision: predicted pairs that are truth pairs / predicted pairs touching a unit that
  the truth names (the truth need not cover every provision). A truth phrase that does not
  resolve to exactly one unit, or that shares its unit with another truth phrase (two
  provisions read as one), makes its entry's pairs misses and the predicted pairs touching
  that unit wrong: granularity errors cost, they are never scored as luck.
- **flags**: over the entries a system paired correctly (all member pairs predicted) with
  both sides present, renumbered (unless ``null``) and moved as the truth says. The line
  diff has no flags (n/a).
- **terms**: a truth term ``[old words, new words]`` is found when, in the change that
  pairs the entry, the old words occur as a run in the deleted words and the new words as a
  run in the inserted words (deleted and inserted spans each joined in order; punctuation
  ignored, so ``October 29, 2025`` is found in ``[-October 29-], [-2025-]``; an empty side
  always matches). Tracker's spans are its typed terms' old and new texts and its
  ``-``/``+`` word ops; the line diff's are a difflib word diff of the paired lines
  (``replace``/``delete`` runs old, ``replace``/``insert`` runs new).
- **kind**: over the entries a system paired correctly, its change kind is the truth's
  (``unchanged`` means the same text but for the printed number; for the line diff a pair of
  equal lines is ``unchanged``, of different lines ``modified``).

The line diff: ``difflib.SequenceMatcher(autojunk=False)`` over the stripped non-empty lines;
``equal`` ranges pair line for line, ``replace`` ranges with as many old as new lines pair
1:1 in order, other ``replace`` ranges and ``delete``/``insert`` are removed/added lines.

Tracker reads Markdown with ``tracker.readers.markdown`` when it exists, else with the plain
text reader (``--format`` forces one). Prints a Markdown table; ``--json`` prints a JSON
summary instead; ``--explain`` lists every entry tracker got wrong and every pair it
made that the truth does not have (among the provisions the truth names). Asserts nothing.

    python bench/real_align.py [--repo CLONE] [--pair ID ...] [--json] [--explain]
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import itertools
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE_NAME = Path("shared") / "corpora" / "ota-pga-versions.bundle"


def _find_bundle() -> Path:
    """``../shared/corpora/`` from the repository root; a checkout kept one level deeper
    (a git worktree in a folder of worktrees) finds it one level further up."""
    for folder in ROOT.parents:
        if (folder / BUNDLE_NAME).exists():
            return folder / BUNDLE_NAME
    return ROOT.parent / BUNDLE_NAME


BUNDLE = _find_bundle()
TRUTH = Path(__file__).resolve().parent / "real_truth.json"

sys.path.insert(0, str(ROOT))

from tracker.diff import diff_provisions  # noqa: E402
from tracker.provisions import build, normalise  # noqa: E402
from tracker.readers import read  # noqa: E402

# --- corpus --------------------------------------------------------------------------------


@contextmanager
def corpus(repo: str | None) -> Iterator[Path | None]:
    """A clone of the corpus: ``repo`` if given, else a fresh clone of the bundle in a
    temporary directory (removed afterwards); None when neither exists."""
    if repo:
        path = Path(repo)
        yield path if (path / ".git").exists() or (path / "HEAD").exists() else None
        return
    if not BUNDLE.exists():
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="pga-") as tmp:
        dest = Path(tmp) / "pga.git"
        # Bare: only `git show` and `git log` are needed, and a checkout costs seconds.
        subprocess.run(["git", "clone", "-q", "--bare", str(BUNDLE), str(dest)], check=True)
        yield dest


def git_show(repo: Path, commit: str, path: str) -> bytes:
    return subprocess.run(
        ["git", "-C", str(repo), "show", f"{commit}:{path}"], check=True, capture_output=True
    ).stdout


def markdown_format() -> str:
    """``markdown`` when the Markdown reader exists, else ``text`` (today's baseline)."""
    return "markdown" if importlib.util.find_spec("tracker.readers.markdown") else "text"


# --- matching ------------------------------------------------------------------------------

_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_MARKUP = re.compile(r"[*_\\\[\]]")


def fold(text: str) -> str:
    """Text as phrases are matched: link targets and Markdown markup removed, then
    tracker's own normalisation (case, whitespace, quotes, dashes)."""
    return normalise(_MARKUP.sub("", _LINK_TARGET.sub("]", text)))


def fold_lines(text: str) -> str:
    """A unit's text folded line by line (lines kept, joined by newlines)."""
    return "\n".join(fold(ln) for ln in text.splitlines() if ln.strip())


def phrases(side: str | list[str] | None) -> list[str]:
    if side is None:
        return []
    return [side] if isinstance(side, str) else list(side)


# --- systems -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one system made of one pair: its units on each side (folded texts), its
    predicted pairs, and for each predicted pair the change it belongs to."""

    old_units: list[str]
    new_units: list[str]
    pairs: set[tuple[int | None, int | None]]
    # (old unit, new unit) -> change index; (old, None) / (None, new) for removed / added
    change_of: dict[tuple[int | None, int | None], int]
    # per change: (renumbered, moved) or None when the system has no flags
    flags: list[tuple[bool, bool] | None]
    # per change: deleted spans, inserted spans (folded)
    spans: list[tuple[list[str], list[str]]]
    # per change: a short description for --explain
    described: list[str] = field(default_factory=list)
    # per change: its kind (unchanged, modified, added, removed, split, merged)
    kinds: list[str] = field(default_factory=list)


def _member_pairs(olds: list[int], news: list[int]) -> list[tuple[int | None, int | None]]:
    if olds and news:
        return list(itertools.product(olds, news))
    if olds:
        return [(o, None) for o in olds]
    return [(None, n) for n in news]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_tracker(old: bytes, new: bytes, fmt: str, name: str) -> Outcome:
    old_p = build(read(old, format=fmt, name=name).blocks, kind="plan")
    new_p = build(read(new, format=fmt, name=name).blocks, kind="plan")
    index_old = {id(p): i for i, p in enumerate(old_p)}
    index_new = {id(p): i for i, p in enumerate(new_p)}
    out = Outcome(
        [fold_lines(p.text) for p in old_p], [fold_lines(p.text) for p in new_p], set(), {}, [], []
    )
    for k, c in enumerate(diff_provisions(old_p, new_p).changes):
        olds = [index_old[id(p)] for p in c.old]
        news = [index_new[id(p)] for p in c.new]
        for pair in _member_pairs(olds, news):
            out.pairs.add(pair)
            out.change_of[pair] = k
        out.flags.append((bool(c.renumbered), bool(c.moved)))
        out.kinds.append(c.kind)
        deleted = [fold(t.old) for t in c.terms if t.old] + [fold(s) for o, s in c.ops if o == "-"]
        inserted = [fold(t.new) for t in c.terms if t.new] + [fold(s) for o, s in c.ops if o == "+"]
        out.spans.append((deleted, inserted))
        where = " + ".join(p.path for p in c.old) or "-"
        to = " + ".join(p.path for p in c.new) or "-"
        flags = "".join(("R" if c.renumbered else "", "M" if c.moved else ""))
        text = c.new[0].text if c.new else c.old[0].text
        out.described.append(f"{c.kind} {where} -> {to} {flags} «{_short(text)}»")
    return out


def _nonempty_lines(data: bytes) -> list[str]:
    text = data.decode("utf-8", "replace")
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def _word_spans(a: str, b: str) -> tuple[list[str], list[str]]:
    wa, wb = a.split(), b.split()
    deleted, inserted = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            deleted.append(fold(" ".join(wa[i1:i2])))
        if op in ("replace", "insert"):
            inserted.append(fold(" ".join(wb[j1:j2])))
    return deleted, inserted


def run_lines(old: bytes, new: bytes) -> Outcome:
    a, b = _nonempty_lines(old), _nonempty_lines(new)
    out = Outcome([fold(x) for x in a], [fold(x) for x in b], set(), {}, [], [])

    def add(pair: tuple[int | None, int | None], what: str) -> None:
        out.pairs.add(pair)
        out.change_of[pair] = len(out.flags)
        out.flags.append(None)
        i, j = pair
        if i is None or j is None:
            out.kinds.append("added" if i is None else "removed")
        else:
            out.kinds.append("unchanged" if out.old_units[i] == out.new_units[j] else "modified")
        if i is not None and j is not None:
            out.spans.append(_word_spans(a[i], b[j]))
        else:
            out.spans.append(([], []))
        out.described.append(f"{what} line {i} -> {j}")

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                add((i, j), "equal" if op == "equal" else "replace")
        else:
            for i in range(i1, i2):
                add((i, None), "delete")
            for j in range(j1, j2):
                add((None, j), "insert")
    return out


# --- scoring -------------------------------------------------------------------------------


_UNDERLINE = re.compile(r"(?:\s*[-=]{3,})+$")
_LEAD = re.compile(r"^(?:#+\s*|(?:[-+*]|\(\w{1,4}\)|\d+[a-z]?(?:\.\d+)*[.)]?|[a-z]{1,4}[.)])\s+)")


def bare(unit: str) -> str:
    """A folded unit without its leading markers (heading hashes, bullets, list and printed
    numbers) and without a setext underline: what an ``=`` phrase must equal."""
    unit = _UNDERLINE.sub("", unit)
    for _ in range(3):
        unit = _LEAD.sub("", unit)
    return unit.strip()


_NTH = re.compile(r"@(\d+)$")


def resolve(units: list[str], phrase: str) -> list[int]:
    """Indexes of the units containing ``phrase`` (folded), or, for ``=phrase``, of the
    units that are exactly that text but for their numbers, or that have a line that is (a
    short heading such as ``Themes`` that also occurs inside other provisions; the line
    rule lets a provision that swallowed the heading still be found, and then reported as
    shared). ``phrase@N`` picks the N-th of
    them in reading order (a table of contents repeats every heading)."""
    nth = None
    if (m := _NTH.search(phrase)) is not None:
        phrase, nth = phrase[: m.start()], int(m.group(1))
    if phrase.startswith("="):
        key = fold(phrase[1:])
        found = [
            i
            for i, u in enumerate(units)
            if bare(u.replace("\n", " ")) == key or any(bare(ln) == key for ln in u.split("\n"))
        ]
    else:
        key = fold(phrase)
        found = [i for i, u in enumerate(units) if key in u.replace("\n", " ")]
    if nth is None:
        return found
    return found[nth - 1 : nth]


@dataclass
class Score:
    truth_pairs: int = 0
    hit_pairs: int = 0
    predicted: int = 0
    correct_predicted: int = 0
    flags_checked: int = 0
    flags_right: int = 0
    terms: int = 0
    terms_found: int = 0
    kinds_checked: int = 0
    kinds_right: int = 0
    has_flags: bool = True
    problems: list[str] = field(default_factory=list)  # unresolved / shared phrases
    failures: list[str] = field(default_factory=list)  # entries and pairs got wrong, --explain

    def add(self, other: Score) -> None:
        for name in (
            "truth_pairs", "hit_pairs", "predicted", "correct_predicted", "flags_checked",
            "flags_right", "terms", "terms_found", "kinds_checked", "kinds_right",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.has_flags = self.has_flags and other.has_flags

    @property
    def precision(self) -> float:
        return self.correct_predicted / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.hit_pairs / self.truth_pairs if self.truth_pairs else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> dict[str, object]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "truth_pairs": self.truth_pairs,
            "hit_pairs": self.hit_pairs,
            "predicted": self.predicted,
            "correct_predicted": self.correct_predicted,
            "flags_right": self.flags_right if self.has_flags else None,
            "flags_checked": self.flags_checked if self.has_flags else None,
            "terms_found": self.terms_found,
            "terms": self.terms,
            "kinds_right": self.kinds_right,
            "kinds_checked": self.kinds_checked,
            "unresolved_phrases": len(self.problems),
        }


_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _run_in(run: list[str], words: list[str]) -> bool:
    """Whether ``run`` occurs as consecutive words in ``words`` (an empty run always does)."""
    n = len(run)
    return not n or any(words[i : i + n] == run for i in range(len(words) - n + 1))


def score(entries: list[dict], out: Outcome) -> Score:
    s = Score(has_flags=any(f is not None for f in out.flags) or not out.flags)
    # Resolve every phrase; a unit named by two phrases is a granularity error.
    resolved: list[tuple[list[int] | None, list[int] | None]] = []
    owners_old: dict[int, int] = {}
    owners_new: dict[int, int] = {}
    bad_old: set[int] = set()
    bad_new: set[int] = set()
    broken: set[int] = set()  # entries with an unresolved or shared phrase
    for e, entry in enumerate(entries):
        sides: list[list[int] | None] = []
        for side, units, owners, bad in (
            ("old", out.old_units, owners_old, bad_old),
            ("new", out.new_units, owners_new, bad_new),
        ):
            ids: list[int] = []
            for phrase in phrases(entry[side]):
                found = resolve(units, phrase)
                if len(found) != 1:
                    what = "missing" if not found else f"in {len(found)} units"
                    s.problems.append(f"{side} phrase {phrase!r} {what}")
                    broken.add(e)
                    continue
                unit = found[0]
                if unit in owners:
                    s.problems.append(
                        f"{side} phrase {phrase!r} shares its unit with entry "
                        f"{entries[owners[unit]][side]!r}"
                    )
                    bad.add(unit)
                    broken.update((e, owners[unit]))
                owners[unit] = e
                ids.append(unit)
            sides.append(ids if entry[side] is not None else None)
        resolved.append((sides[0], sides[1]))

    truth: set[tuple[int | None, int | None]] = set()
    entry_pairs: list[list[tuple[int | None, int | None]]] = []
    for e, (olds, news) in enumerate(resolved):
        count = max(1, len(phrases(entries[e]["old"]))) * max(1, len(phrases(entries[e]["new"])))
        s.truth_pairs += count
        if e in broken:
            entry_pairs.append([])
            continue
        pairs = _member_pairs(olds or [], news or [])
        entry_pairs.append(pairs)
        truth.update(pairs)

    covered_old = set(owners_old)
    covered_new = set(owners_new)
    wrong: list[str] = []
    for pair in sorted(out.pairs, key=lambda p: (p[1] is None, p[1] or 0, p[0] or 0)):
        i, j = pair
        if (i is not None and i in covered_old) or (j is not None and j in covered_new):
            s.predicted += 1
            if pair in truth and i not in bad_old and j not in bad_new:
                s.correct_predicted += 1
            elif i not in bad_old and j not in bad_new:
                wrong.append(f"wrong pair: {out.described[out.change_of[pair]]}")

    for e, entry in enumerate(entries):
        pairs = entry_pairs[e]
        hit = bool(pairs) and all(p in out.pairs for p in pairs)
        if hit:
            s.hit_pairs += len(pairs)
        change = out.change_of.get(pairs[0]) if hit else None
        terms = entry.get("terms") or []
        s.terms += len(terms)
        found_terms = 0
        if change is not None:
            deleted, inserted = (_words(" ".join(spans)) for spans in out.spans[change])
            for old_words, new_words in terms:
                if _run_in(_words(old_words), deleted) and _run_in(_words(new_words), inserted):
                    found_terms += 1
        s.terms_found += found_terms
        flag_ok = True
        flags = out.flags[change] if change is not None else None
        if hit and flags is not None and entry["old"] is not None and entry["new"] is not None:
            renumbered, moved = flags
            want_r = entry.get("renumbered")
            want_m = entry.get("moved", False)
            flag_ok = want_r in (None, renumbered) and want_m in (None, moved)
            s.flags_checked += 1
            s.flags_right += flag_ok
        kind_ok = True
        if change is not None:
            kind_ok = out.kinds[change] == entry["kind"]
            s.kinds_checked += 1
            s.kinds_right += kind_ok
        if not hit or not flag_ok or found_terms < len(terms) or not kind_ok:
            s.failures.append(_explain(entry, e in broken, hit, flag_ok, found_terms, out, pairs))
    s.failures.extend(dict.fromkeys(wrong))
    return s


def _explain(
    entry: dict,
    broken: bool,
    hit: bool,
    flag_ok: bool,
    found_terms: int,
    out: Outcome,
    pairs: list[tuple[int | None, int | None]],
) -> str:
    head = f"{entry['kind']:<9} {entry['old']!r} -> {entry['new']!r}"
    if broken:
        return f"{head}: phrase unresolved or shared (see problems)"
    if not hit:
        got = []
        for i, j in pairs:
            for pair in out.pairs:
                if (i is not None and pair[0] == i) or (j is not None and pair[1] == j):
                    got.append(out.described[out.change_of[pair]])
        return f"{head}: not paired; got " + " | ".join(dict.fromkeys(got))
    change = out.change_of[pairs[0]]
    why = []
    if out.kinds[change] != entry["kind"]:
        why.append(f"kind {out.kinds[change]}")
    if not flag_ok:
        want = f"R={entry.get('renumbered')} M={entry.get('moved', False)}"
        why.append(f"flags wrong (want {want})")
    if found_terms < len(entry.get("terms") or []):
        why.append(f"terms {found_terms}/{len(entry['terms'])}")
    return f"{head}: {', '.join(why)}; got {out.described[change]}"


# --- report --------------------------------------------------------------------------------


def evaluate(repo: Path, pair: dict, fmt: str) -> dict[str, Score]:
    old = git_show(repo, pair["old"], pair["path"])
    new = git_show(repo, pair["new"], pair["path"])
    name = Path(pair["path"]).name
    return {
        "tracker": score(pair["entries"], run_tracker(old, new, fmt, name)),
        "lines": score(pair["entries"], run_lines(old, new)),
    }


def _cell(s: Score) -> list[str]:
    flags = f"{s.flags_right}/{s.flags_checked}" if s.has_flags else "n/a"
    return [
        f"{s.precision:.2f}",
        f"{s.recall:.2f}",
        f"{s.f1:.2f}",
        flags,
        f"{s.terms_found}/{s.terms}",
        f"{s.kinds_right}/{s.kinds_checked}",
    ]


def load_truth(path: Path = TRUTH) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["pairs"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", help="an existing clone of the corpus (default: clone the bundle)")
    ap.add_argument("--pair", action="append", help="only this pair id (repeatable)")
    ap.add_argument("--format", choices=("text", "markdown"), help="reader for tracker")
    ap.add_argument("--json", action="store_true", help="print a JSON summary")
    ap.add_argument("--explain", action="store_true", help="list the entries tracker got wrong")
    args = ap.parse_args(argv)

    pairs = [p for p in load_truth() if not args.pair or p["id"] in args.pair]
    fmt = args.format or markdown_format()
    with corpus(args.repo) as repo:
        if repo is None:
            print(f"real_align: corpus not found ({args.repo or BUNDLE}); skipped")
            return 0
        results = [(p, evaluate(repo, p, fmt)) for p in pairs]

    total = {"tracker": Score(), "lines": Score()}
    for _, r in results:
        for system, s in r.items():
            total[system].add(s)
    if args.json:
        print(
            json.dumps(
                {
                    "reader": fmt,
                    "pairs": [
                        {"id": p["id"], **{k: s.summary() for k, s in r.items()}}
                        for p, r in results
                    ],
                    "overall": {k: s.summary() for k, s in total.items()},
                    "problems": {
                        p["id"]: {k: s.problems for k, s in r.items() if s.problems}
                        for p, r in results
                        if any(s.problems for s in r.values())
                    },
                },
                indent=2,
            )
        )
        return 0

    entries = sum(len(p["entries"]) for p, _ in results)
    print(f"{len(results)} pairs, {entries} truth entries; tracker reads with the {fmt} reader\n")
    head = ["pair", "entries"]
    head += [f"tracker {m}" for m in ("P", "R", "F1", "flags", "terms", "kind")]
    head += [f"lines {m}" for m in ("P", "R", "F1", "flags", "terms", "kind")]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for p, r in results:
        row = [p["id"], str(len(p["entries"])), *_cell(r["tracker"]), *_cell(r["lines"])]
        print("| " + " | ".join(row) + " |")
    row = ["**overall**", str(entries), *_cell(total["tracker"]), *_cell(total["lines"])]
    print("| " + " | ".join(row) + " |")
    for p, r in results:
        for system, s in r.items():
            for problem in s.problems:
                print(f"{p['id']} [{system}] {problem}")
    if args.explain:
        for p, r in results:
            if r["tracker"].failures:
                print(f"\n## {p['id']}: {p['path']} {p['old'][:8]}..{p['new'][:8]}")
                for line in r["tracker"].failures:
                    print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
