"""Blocks -> the provision tree.

A reader (:mod:`tracker.readers`) turns a format's bytes into blocks: headings, paragraphs,
list items, table rows. Here they become provisions, each knowing its printed number, its
citation path and its heading:

- A *plan* (any structured text: a treaty, a bill, terms of service) is read as a tree.
  Headings open sections; numbered points (``1.``, ``1)``, ``(1)``, ``3.4``, ``1.1.1``,
  ``Article 5.``, ``§ 12``, ``Section 4.``, ``A.``), lettered and roman sub-points (``a)``,
  ``(a)``, ``(ii)``, ``iv.``) and bulleted ones (``-``, ``•``, ``→``) nest by the series they
  belong to (:mod:`tracker.markers`): ``(i)`` after ``(h)`` continues the letters, after
  ``(a)`` it opens roman sub-points; ``3.4`` goes under ``3``. A numbered line starts a
  provision wherever it stands, also inside a paragraph (a tight list). Unnumbered
  paragraphs belong to the enclosing section.
- *Reporting* (prose) is split into paragraphs, headline and dateline included.

Paths: a numbered provision is cited by its numbers (``K.1``, ``3.3.a.ii``, ``5.2.b`` for
Article 5(2)(b)) when that citation is unique in the version, else by its full position
(``p4.1``: point 1 under the fourth unnumbered block); an unnumbered paragraph by its
position under its parent (``K.p2``, ``p3``). ``norm`` is a normalised copy of the text used
only for matching (case, whitespace, quotes and dashes folded, numbering stripped).

Building is one linear pass over the blocks and their lines, plus one over the provisions
to settle the paths.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import markers

if TYPE_CHECKING:
    from .readers import Block

KINDS = ("plan", "reporting")  # how a text is split
VERSION_KINDS = (*KINDS, "statement", "other")  # what a stored version may be labelled

# The version of this builder (build() and split()): bumped whenever the same blocks or
# text can give different provisions (numbers, paths, headings, depths, texts). Each
# version's provisions record the builder that made them (``provisions.builder``), as
# they record the reader, and ``tracker reparse`` rebuilds those made by another.
BUILDER = "provisions/1"


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
        # Written out (the dataclass keeps it) to fill the instance's dictionary directly:
        # the generated __init__ of a frozen dataclass sets each field through
        # object.__setattr__, which costs about twice as much as __dict__.update(**fields),
        # itself a third dearer than these item assignments (it builds a dictionary of
        # keywords first); a long document builds tens of thousands of these.
        d = self.__dict__
        d["ordinal"] = ordinal
        d["number"] = number
        d["path"] = path
        d["marker"] = marker
        d["depth"] = depth
        d["text"] = text
        d["norm"] = norm
        d["heading"] = heading

    @property
    def label(self) -> str:
        """How a reader refers to it: ``10.b``, or ``¶3`` for an unnumbered paragraph
        (``K.¶2`` for the second paragraph of section K)."""
        return label_of(self.path)


def label_of(path: str) -> str:
    """A path as a reader cites it: positional components (``p3``) become ``¶3``
    (``K.p2`` -> ``K.¶2``); numbered ones stay as printed. The one place this is spelled."""
    if "p" not in path:
        return path
    return ".".join(
        "¶" + c[1:] if c[:1] == "p" and c[1:2].isdigit() else c for c in path.split(".")
    )


def path_of(label: str) -> str:
    """The inverse of :func:`label_of`: ``¶3`` -> ``p3``, ``K.¶2`` -> ``K.p2``."""
    return label.replace("¶", "p")


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


# --- kinds -------------------------------------------------------------------------------

# Numbering goes up, possibly skipping struck-out points; a bigger jump is more likely a
# wrapped line that happens to start with a number ("2025. The parties...").
MAX_SKIP = 20
# Letters and numerals skip less: "(v)" after "(a)" is a numeral, not the 22nd letter.
MAX_LETTER_SKIP = 3
# Headings at this level and below are paragraphs that a reader took for headings (all
# bold, or all italic): their level says nothing of their rank.
PSEUDO_LEVEL = 7
_TOP_STYLES = frozenset(("1.", "1)", "(1)", "1.1"))


def detect_kind(text: str) -> str:
    """``plan`` if the text has at least two numbered points in increasing order, else
    ``reporting``."""
    last = 0
    count = 0
    for line in _lines(text):
        m = markers.parse(line.strip())
        if m is None or not (m.style in _TOP_STYLES or m.keyword):
            continue
        if m.value > last and (last == 0 or m.value - last <= MAX_SKIP):
            last = m.value
            count += 1
            if count >= 2:
                return "plan"
    return "reporting"


def _lines(text: str, chunk: int = 4096) -> Iterator[str]:
    """``text.splitlines()``, read a chunk at a time: detect_kind mostly stops within the
    first lines, and splitting all of a 10 MB text cost it 25 ms. Each chunk ends just
    after a ``\n``, so no line (nor a ``\r\n``) is cut in two."""
    start = 0
    size = len(text)
    while start < size:
        cut = text.find("\n", start + chunk)
        end = size if cut < 0 else cut + 1
        yield from text[start:end].splitlines()
        start = end


def detect_kind_blocks(blocks: Sequence[Block]) -> str:
    """``plan`` when the blocks carry structure (list items, several section headings, or
    numbered points in their text), else ``reporting``."""
    items = sum(1 for b in blocks if b.kind == "item")
    sections = sum(1 for b in blocks if b.kind == "heading" and b.level >= 2)
    if items >= 2 or sections >= 2:
        return "plan"
    return detect_kind("\n".join(b.text for b in blocks))


# --- building -----------------------------------------------------------------------------


@dataclass(slots=True)  # one per provision: slots make them cheaper to build
class _Node:
    parent: int  # index of the parent node, -1 at the top
    comp: str  # this node's component of its path ("4", "b", "p2", "Annex II")
    cite: str  # the numbered components of the path ("K.1"); "" when none
    number: str
    marker: str
    depth: int
    heading: str
    lines: list[str]
    root: bool = False  # an Article or §: cited by its own number, whatever encloses it


@dataclass(slots=True)
class _Frame:
    """An open container: a heading, a numbered point or a list item."""

    node: int  # index into the nodes (-1 for the document itself)
    kind: str  # "doc" | "heading" | "section" (Article 5, Annex I) | "point" | "item"
    level: float  # a heading's level; an item's list depth; -1 otherwise
    style: str  # the marker's series ("" when unnumbered)
    value: int
    number: str
    heading: str  # the heading text in force inside this frame
    in_list: int = -1  # list depth this frame was opened inside (-1: outside any list)
    sub: int = 0  # the letter after its number ("10A."), as markers.Marker.sub
    counter: int = 0  # unnumbered children so far (for "p<k>")
    bullets: int = 0  # bulleted children so far


def _family(style: str) -> str:
    """Letters and numerals form one series whatever their punctuation (drafts mix ``a)``,
    ``(b)`` and ``c.``); decimal forms do not (``1.`` points hold ``(1)`` paragraphs)."""
    family = _FAMILIES.get(style)
    if family is None:
        family = next((c for c in "aAiI" if c in style and len(style) <= 3), style)
        _FAMILIES[style] = family
    return family


_FAMILIES: dict[str, str] = {}  # a cache: styles are few


def _rank(style: str) -> int:
    """How high a keyword series stands: parts and annexes hold articles, articles hold
    everything else."""
    if style in markers.SERIES_NAMES:
        return 0
    if style in markers.ROOT_NAMES:
        return 1
    return 2


def _continues(f: _Frame, m: markers.Marker) -> bool:
    skip = MAX_SKIP if m.style[:1] in "1(" and m.style not in ("(a)", "(A)", "(i)", "(I)") else 0
    skip = skip or MAX_LETTER_SKIP
    if m.style == "1.1":
        old, new = f.number.rsplit(".", 1)[0], m.number.rsplit(".", 1)[0]
        if old == new:
            return f.value < m.value <= f.value + MAX_SKIP
        # "1.3" -> "2.1": the next chapter's numbering, one level up.
        return m.value <= 3 and _multi_after(new, old)
    return (f.value, f.sub) < (m.value, m.sub) and m.value <= f.value + skip


def _given(number: str) -> markers.Marker | None:
    """A number the format gives outside the text (an ordered list's ``3.``, Word's
    automatic ``1.2``, ``Article 5`` or ``(a)``) read as a marker. It stands alone, so it is
    read as if a capitalised title followed: ``1.2`` and ``Article 5`` are markers before
    ``Scope``, not before ``million``, and a given number is never a figure in a sentence.
    (Read before ``x``, Word's ``1.2`` and ``Annex 01`` were no markers at all, and an item
    that a text version numbers ``1.2`` was an unnumbered one in DOCX.)"""
    return markers.parse(number + " X")


def _multi_after(new: str, old: str) -> bool:
    a, b = old.split("."), new.split(".")
    if len(a) != len(b) or not all(x.isdigit() for x in a + b):
        return False
    return tuple(map(int, b)) > tuple(map(int, a))


class _Builder:
    """One pass over the blocks of a plan."""

    def __init__(self) -> None:
        self.nodes: list[_Node] = []
        self.stack: list[_Frame] = [_Frame(-1, "doc", -1, "", 0, "", "")]
        self.current = -1  # the node that takes continuation lines
        self.list_depth = -1  # depth of the list item being read (-1: outside lists)
        self.bare: _Frame | None = None  # a bare "Article 5" just read, awaiting its title

    # -- nodes

    def _node(self, parent: _Frame, comp: str, cite: str, number: str, marker: str,
              text: str, root: bool = False) -> int:  # fmt: skip
        self.nodes.append(
            _Node(parent.node, comp, cite, number, marker, len(self.stack) - 1,
                  parent.heading, [text], root)
        )  # fmt: skip
        self.current = len(self.nodes) - 1
        return self.current

    def _series_root(self) -> bool:
        """Whether an Annex, Schedule or Appendix is open: its articles are its own."""
        return any(f.style in ("Annex", "Schedule", "Appendix", "Exhibit") for f in self.stack)

    def numbered(self, parent: _Frame, m: markers.Marker, text: str, kind: str,
                 level: float = -1) -> _Frame:  # fmt: skip
        """A numbered provision under ``parent``, pushed as an open frame."""
        number = m.number
        if m.keyword in markers.SERIES_NAMES:
            comp = f"{m.keyword} {number}"
        elif m.style == "1.1" and parent.number and number.startswith(parent.number + "."):
            comp = number[len(parent.number) + 1 :]
        else:
            comp = number
        root = m.keyword in markers.ROOT_NAMES and not self._series_root()
        pc = parent.node
        base = self.nodes[pc].cite if pc >= 0 else ""
        cite = comp if root or not base else f"{base}.{comp}"
        node = self._node(parent, comp, cite, number, m.text, text, root)
        heading = parent.heading
        if kind == "heading":
            heading = (m.text + " " + text).strip()
        frame = _Frame(node, kind, level, m.style, m.value, number, heading, self.list_depth,
                       sub=m.sub)  # fmt: skip
        self.stack.append(frame)
        if m.keyword and not text:
            self.bare = frame
        return frame

    def title(self, block: Block) -> bool:
        """Whether ``block`` is the title of the bare ``Article 5`` (``Annex II``, ``§ 12``)
        just read, set on a line of its own below it (``Article 5`` / ``Scope``), and if
        so take it as that provision's text, as when both stand on one line (``Article 5
        Scope``). Drafts print the title below the number as a heading, a bold line or a
        plain paragraph depending on the format; read as a heading of its own it would
        close the article it names, read as a paragraph it would be a provision of it."""
        frame, self.bare = self.bare, None
        if frame is None or block.kind not in ("heading", "paragraph") or block.number:
            return False
        text = " ".join(block.text.split())
        node = self.nodes[frame.node]
        if (
            not text
            or len(text) > 80
            or "\n" in block.text.strip()
            or text[-1] in ".;:,!?"
            or not text[0].isupper()
            or markers.parse(text)
            or markers.bullet(text)
            or node.lines != [""]
            or self.stack[-1] is not frame
        ):
            return False
        node.lines = [text]
        self.current = frame.node
        if frame.kind == "heading":
            frame.heading = f"{frame.heading} {text}"
        return True

    def unnumbered(self, parent: _Frame, text: str) -> int:
        parent.counter += 1
        base = self.nodes[parent.node].cite if parent.node >= 0 else ""
        return self._node(parent, f"p{parent.counter}", base, "", "", text)

    def bulleted(self, parent: _Frame, marker: str, text: str) -> int:
        if parent.kind in ("doc", "heading"):
            # A bullet list in a section is a run of its paragraphs; under a point, its
            # bullets are counted (12.2 is the second bullet of point 12).
            node = self.unnumbered(parent, text)
            self.nodes[node].marker = marker
            return node
        parent.bullets += 1
        base = self.nodes[parent.node].cite if parent.node >= 0 else ""
        return self._node(parent, str(parent.bullets), base, "", marker, text)

    # -- placing a marker

    def place(self, m: markers.Marker, strict: bool) -> tuple[_Frame, markers.Marker] | None:
        """Where a numbered line goes: pops the stack to its parent and returns it (with
        the marker as read in context), or None when the line does not start a provision
        (``strict``: a line inside a paragraph, which needs clear evidence)."""
        stack = self.stack
        alt = m.as_roman() if m.roman else None
        same = -1  # the nearest open frame of the same series that this does not continue
        for k in range(len(stack) - 1, 0, -1):
            f = stack[k]
            if f.kind == "heading":
                # Only headings continue headings' numbers; a point may still be numbered
                # under one ("3.1" in section "3.").
                if f.number and m.style == "1.1" and m.number.rsplit(".", 1)[0] == f.number:
                    del stack[k + 1 :]
                    return f, m
                break
            if f.style and f.in_list <= self.list_depth:
                if m.style == "1.1" and f.style == "1.1":
                    if m.levels == f.number.count(".") + 1 and _continues(f, m):
                        del stack[k:]
                        return stack[-1], m
                    if m.number.startswith(f.number + "."):
                        del stack[k + 1 :]
                        return f, m
                elif m.style == "1.1" and m.number.rsplit(".", 1)[0] == f.number:
                    del stack[k + 1 :]
                    return f, m
                elif _family(f.style) == _family(m.style) and _continues(f, m):
                    del stack[k:]
                    return stack[-1], m
                elif alt is not None and _family(f.style) == _family(alt.style):
                    if _continues(f, alt):
                        del stack[k:]
                        return stack[-1], alt
                elif _family(f.style) == _family(m.style) and same < 0 and m.roman != 1:
                    same = k
            if f.kind == "item" and f.level <= self.list_depth:
                break  # the list item being read bounds the series
        if same >= 0:
            # The same series going back ("1." after "2."): inside a paragraph that is a
            # cited number, not a point; at the start of a block, a restart of the series.
            if strict:
                return None
            del stack[same:]
            return stack[-1], m
        if alt is not None and m.roman == 1:
            m = alt  # "(i)" opening a new level is a numeral
        if strict and not (m.value == 1 or m.keyword):
            return None
        if m.keyword:
            # "Article 7" never goes under point 3 of Article 6: keyword series close the
            # points and lower series around them.
            rank = _rank(m.style)
            while len(stack) > 1 and stack[-1].kind != "heading" and _rank(stack[-1].style) >= rank:
                stack.pop()
        return stack[-1], m

    # -- blocks

    def heading(self, text: str, level: float, number: str, title: bool) -> None:
        stack = self.stack
        text = " ".join(text.split())
        m = _given(number) if number else markers.parse(text)
        if level >= PSEUDO_LEVEL and m is not None:
            # Bold paragraphs used as headings carry no level: "**C. Sources**" after
            # "**4. WHAT WE COLLECT**" is a sub-heading of section 4, since it is of
            # another series; "**D. Other**" is its sibling; "**5. HOW WE USE**" then
            # closes both, being of section 4's series.
            pseudo = [f for f in stack if f.kind == "heading" and f.level >= PSEUDO_LEVEL]
            same = [f for f in pseudo if f.style and _family(f.style) == _family(m.style)]
            if same:
                level = same[-1].level
            elif pseudo and pseudo[-1].style and pseudo[-1].level >= level:
                level = pseudo[-1].level + 0.5
        while len(stack) > 1 and (stack[-1].kind != "heading" or stack[-1].level >= level):
            stack.pop()
        self.list_depth = -1
        if title or m is None:
            if number:
                text = f"{number} {text}"
            node = self.unnumbered(stack[-1], text)
            if not title:
                frame = _Frame(node, "heading", level, "", 0, "", text)
                stack.append(frame)
            return
        if number:
            body = text
        else:
            body = text[m.end :].strip()
        if m.roman and m.roman == 1 or (m.roman and not m.style.startswith("(")):
            # Section headings lettered "I." or "V." are numerals far more often than the
            # 9th or 22nd letter, unless letters are already running at this level.
            if not any(f.style == m.style and _continues(f, m) for f in stack):
                m = m.as_roman()
        # Headings nest by their levels, already settled above: the number only names it.
        self.numbered(stack[-1], m, body, "heading", level)

    def item(self, text: str, level: int, number: str, ordered: bool) -> None:
        stack = self.stack
        if ordered and not number:
            # Another paragraph of an ordered item (a reader's convention): its text,
            # where a printed marker starts a point as on any line ("(a) ..." set as a
            # paragraph of the item, as in a loose Markdown list).
            for f in reversed(stack):
                if f.kind == "item" and f.level == level:
                    self.nodes[f.node].lines.append("")
                    self.current = f.node
                    self.lines(text.split("\n"))
                    return
        while len(stack) > 1 and (
            (stack[-1].kind == "item" and stack[-1].level >= level) or stack[-1].in_list >= level
        ):
            stack.pop()
        self.list_depth = level - 1
        lines = text.split("\n")
        first = lines[0].strip()
        m = _given(number) if number else markers.parse(first)
        own = markers.parse(first) if number else None
        if own is not None:
            # "13. 1. PROFILES", "1. (a) the army": a list that only carries items whose
            # text has its own number; the printed number in the text is the one readers
            # cite (a site's stylesheet, which no reader sees, often hides the list's).
            m, number = own, ""
        if m is not None:
            body = first if number else first[m.end :].strip()
            if number:
                # The list's own nesting says where the item goes: a "1." inside item
                # "1." is its first sub-item, not a restart. Unless it goes on with a
                # series that points outside the list interrupted: "3." resuming a list
                # after "(a)".."(c)" set as paragraphs is point 2's sibling, not 2(c)'s.
                parent = self._resumed(m, level) or stack[-1]
            else:
                placed = self.place(m, strict=False)
                parent, m = placed if placed else (stack[-1], m)
                if parent not in stack:
                    parent = stack[-1]
            self.numbered(parent, m, body, "item", level)
        else:
            if not ordered and markers.bullet(first):
                first = first[2:].strip()  # "- text" in a list item: one bullet, not two
            node = self.bulleted(stack[-1], "-" if not ordered else "", first)
            self.stack.append(
                _Frame(node, "item", level, "", 0, "", stack[-1].heading, self.list_depth)
            )
        self.list_depth = level
        self.lines(lines[1:])

    def _resumed(self, m: markers.Marker, level: int) -> _Frame | None:
        """The parent of an item numbered ``m`` at list depth ``level`` when it continues
        an open provision of its series that lies below points opened outside the list
        (the stack is cut back to it), else None."""
        stack = self.stack
        top = stack[-1]
        if top.kind == "item" or top.in_list >= level:
            return None  # the list's own nesting holds
        for k in range(len(stack) - 1, 0, -1):
            f = stack[k]
            if f.kind == "heading" or (f.kind == "item" and f.level < level):
                return None
            if f.style and _family(f.style) == _family(m.style) and _continues(f, m):
                del stack[k:]
                return stack[-1]
        return None

    def entry(self, text: str, level: int, number: str) -> None:
        """An entry of a table of contents: cited as ``contents.3``, apart from section 3
        itself, with the section's number (not the list's) when its text has one."""
        stack = self.stack
        while len(stack) > 1 and (
            (stack[-1].kind == "item" and stack[-1].level >= level) or stack[-1].in_list >= level
        ):
            stack.pop()
        m = markers.parse(text) or (_given(number) if number else None)
        if m is None:
            node = self.bulleted(stack[-1], "", text)
        else:
            body = text[m.end :].strip() if text.startswith(m.text) else text
            comp = f"contents.{m.number}"
            node = self._node(stack[-1], comp, comp, m.number, m.text, body, root=True)
        self.stack.append(_Frame(node, "item", level, "", 0, "", stack[-1].heading, level - 1))

    def paragraph(self, text: str, level: int) -> None:
        if level > 0 and self.current >= 0:
            # A continuation: another paragraph of the list item at depth level - 1, or
            # an indented paragraph of the provision above.
            target = self.current
            for f in reversed(self.stack):
                if f.kind == "item" and f.level == level - 1:
                    target = f.node
                    break
            # Its lines go on the provision, where a printed marker starts a point as on
            # any line: "(a) ..." set as a paragraph of a list item.
            self.nodes[target].lines.append("")
            self.current = target
            self.lines(text.split("\n"))
            return
        stack = self.stack
        lines = text.split("\n")
        first = lines[0].strip()
        m = markers.parse(first)
        if m is not None and (placed := self.place(m, strict=False)) is not None:
            parent, m = placed
            self.list_depth = -1
            kind = "section" if m.keyword else "point"
            self.numbered(parent, m, first[m.end :].strip(), kind)
        elif (b := markers.bullet(first)) and self._point() is not None:
            self.bulleted(self._point(), b, first[2:].strip())  # type: ignore[arg-type]
        else:
            # An unnumbered paragraph closes the points and lists: it belongs to the
            # enclosing section (a heading, or an article: "Article 3" then "For the
            # purposes of this Regulation:" then its definitions).
            while len(stack) > 1 and stack[-1].kind not in ("heading", "section"):
                stack.pop()
            self.list_depth = -1
            self.unnumbered(stack[-1], first)
        self.lines(lines[1:])

    def _point(self) -> _Frame | None:
        """The innermost numbered point or list item, which bullets go under."""
        for f in reversed(self.stack):
            if f.kind in ("point", "item"):
                return f
            if f.kind in ("heading", "section"):
                return None
        return None

    def lines(self, lines: list[str]) -> None:
        """The lines after a block's first: a numbered or bulleted line starts a provision
        (a tight list), anything else continues the current one."""
        stack, nodes = self.stack, self.nodes
        depth = self.list_depth  # nothing below changes it
        # The parent of the last point opened by the fast path below, and what its
        # children take from it (its node, the "K.1." their citations start with, its
        # heading): the same for a run of sibling points, and fixed while its node is.
        last: _Frame | None = None
        pn = -1
        prefix = heading = ""
        for raw in lines:
            line = raw.strip()
            if not line:
                continue
            end = line.find(" ", 0, 11)
            if (
                end > 1
                and (dot := line[end - 1]) in ".)"
                and (top := stack[-1]).kind == "point"
                and top.style == "1" + dot
                and (number := line[: end - 1]).isdecimal()
                and top.in_list <= depth
                and top.value < (value := int(number)) <= top.value + MAX_SKIP
            ):
                # The next point of the open decimal series ("13. ..." after "12."), most
                # lines of a long plan, read as markers.parse() reads "12. " (its first
                # test) and opened as place() and numbered() would open it: the point is
                # closed and its sibling opened under the same parent, cited by its own
                # number. Two fifths of building the tree, saved. The closed point's frame
                # is reused for its sibling, set as numbered() sets a new one: a third of
                # this path's cost was making frames.
                parent = stack[-2]
                if parent is not last or parent.node != pn:
                    last, pn, heading = parent, parent.node, parent.heading
                    base = nodes[pn].cite if pn >= 0 else ""
                    prefix = base + "." if base else ""
                self.current = top.node = len(nodes)
                nodes.append(
                    _Node(pn, number, prefix + number, number, line[:end], len(stack) - 2,
                          heading, [line[end:].lstrip()])
                )  # fmt: skip
                top.value = value
                top.number = number
                top.heading = heading
                top.in_list = depth
                top.sub = top.counter = top.bullets = 0
                continue
            m = markers.parse(line)
            if m is not None and (placed := self.place(m, strict=True)) is not None:
                parent, m = placed
                kind = "section" if m.keyword else "point"
                self.numbered(parent, m, line[m.end :].strip(), kind)
                continue
            b = markers.bullet(line)
            if b and (point := self._point()) is not None:
                self.bulleted(point, b, line[2:].strip())
                continue
            self.nodes[self.current].lines.append(raw.rstrip())


def _title(blocks: Sequence[Block]) -> int:
    """Index of the document's title: the one heading of the top level, first of all
    headings and near the start. It is a provision of its own, not a section that
    everything would nest under. A title set in the same style as the sections (every
    heading a Word "Heading 1", an HTML ``h1``) is still one when it is the only
    unnumbered one of them: "Ceasefire Agreement" above "Article 1", "Article 2"... reads
    as it does in a plain text, where headings have no levels."""
    headings = [(k, b.level) for k, b in enumerate(blocks) if b.kind == "heading"]
    if not headings:
        return -1
    top = min(level for _, level in headings)
    at_top = [k for k, level in headings if level == top]
    first = headings[0][0]
    if at_top[0] != first or first > 2:
        return -1
    if len(at_top) == 1:
        return first

    def numbered(b: Block) -> bool:
        return bool(b.number or markers.parse(" ".join(b.text.split())))

    if not numbered(blocks[first]) and all(numbered(blocks[k]) for k in at_top[1:]):
        return first
    return -1


def _contents(blocks: Sequence[Block]) -> set[int]:
    """Indexes of the blocks that form a table of contents: list items and one-line
    paragraphs whose text is the text of a heading further down. Their numbers are the
    sections', so they are read as entries (``1. Who we are`` in the contents is not
    point 1)."""
    later: dict[str, int] = {}
    for k, b in enumerate(blocks):
        if b.kind == "heading":
            later.setdefault(normalise(b.text), k)
    out = set()
    for k, b in enumerate(blocks):
        # Items of a contents list, or one-line paragraphs (contents written as a run of
        # links, one per paragraph).
        if (
            b.kind in ("item", "paragraph")
            and "\n" not in b.text
            and b.level == 0
            or (b.kind == "item" and "\n" not in b.text)
        ):
            key = normalise(f"{b.number} {b.text}" if b.number else b.text)
            if later.get(key, -1) > k or later.get(normalise(b.text), -1) > k:
                out.add(k)
    return out


def _build_plan(blocks: Sequence[Block]) -> list[_Node]:
    b = _Builder()
    title = _title(blocks)
    contents = _contents(blocks)
    for k, block in enumerate(blocks):
        if b.bare is not None and b.title(block):
            continue
        b.bare = None
        if block.kind == "heading":
            b.heading(block.text, block.level, block.number, k == title)
        elif k in contents:
            b.entry(block.text, block.level, block.number)
        elif block.kind == "item":
            b.item(block.text, block.level, block.number, block.ordered)
        elif block.kind == "paragraph":
            b.paragraph(block.text, block.level)
        else:
            b.paragraph(block.text, 0)
    return b.nodes


def _build_reporting(blocks: Sequence[Block]) -> list[_Node]:
    nodes = []
    heading = ""
    for k, block in enumerate(blocks):
        lines = block.text.split("\n")
        nodes.append(_Node(-1, f"p{k + 1}", "", "", "", 0, heading, [lines[0].strip(), *lines[1:]]))
        if block.kind == "heading":
            heading = block.text.strip()
    return nodes


def _paths(nodes: list[_Node]) -> list[str]:
    """Each node's path: a numbered provision's citation when it is unique in the version,
    else its parent's path and its own component. Duplicates (a draft that restarts its
    numbering) are told apart by primes, then a count (``4'``, ``4''``, ``4'''``,
    ``4'4``): one dictionary lookup each, however many repeat."""
    cites: dict[str, int] = {}
    for n in nodes:
        if n.number:
            cites[n.cite] = cites.get(n.cite, 0) + 1
    out: list[str] = []
    seen: dict[str, int] = {}
    for n in nodes:
        if n.number and cites[n.cite] == 1:
            path = n.cite
        elif n.parent >= 0 and not (n.root and n.number):
            path = f"{out[n.parent]}.{n.comp}"
        else:
            path = n.comp
        if path in seen:
            seen[path] += 1
            count = seen[path]
            path = path + "'" * count if count <= 3 else f"{path}'{count}"
        else:
            seen[path] = 0
        out.append(path)
    return out


def build(blocks: Sequence[Block], kind: str | None = None) -> list[Provision]:
    """Blocks (from any reader) -> provisions in reading order. ``kind`` (``plan`` or
    ``reporting``) is detected from the blocks when not given."""
    kind = kind or detect_kind_blocks(blocks)
    nodes = _build_reporting(blocks) if kind == "reporting" else _build_plan(blocks)
    paths = _paths(nodes)
    out: list[Provision] = []
    for n, path in zip(nodes, paths, strict=True):
        lines = n.lines
        # A node's first line is stored stripped, so a one-line node (most of them) needs
        # no join and strip.
        body = lines[0] if len(lines) == 1 else "\n".join(lines).strip()
        if body:
            norm = normalise(body)
        elif n.number:
            # A bare "Section II" or "Annex I": the marker is its text; what is matched is
            # the keyword, so a renumbered bare heading is not a changed one.
            body = n.marker
            norm = normalise(n.marker[: len(n.marker) - len(n.number)].rstrip(". :"))
        else:
            continue
        out.append(Provision(len(out), n.number, path, n.marker, n.depth, body, norm, n.heading))
    return out


def split(text: str, kind: str | None = None) -> list[Provision]:
    """Split a plain text into provisions. ``kind`` is detected when not given."""
    from .readers.text import text_blocks

    return build(text_blocks(text), kind or detect_kind(text))


def citation(p: Provision) -> str:
    """The numbered part of a provision's place: its path without positional components
    (``p3``) and, for an unnumbered provision, without its own (a bullet's index). Two
    aligned provisions whose citations differ were renumbered: point 6 that became 4, or a
    paragraph of section L that now stands in section K. ``""`` when nothing is numbered."""
    parts = p.path.split(".")
    if not p.number:
        parts = parts[:-1]
    return ".".join(c for c in parts if not (c[:1] == "p" and c[1:2].isdigit()))
