"""Renderers of a :class:`~tracker.compare.Comparison`: text, JSON, Markdown, HTML.

All four read the same :class:`~tracker.diff.Change` records; none recomputes anything.
The JSON shape is a public contract (see the README): keys may be added, never changed.
Each change in it is :func:`tracker.serialize.change_json`, the shape a change has
everywhere (a history, an export).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import click

from .compare import Comparison, Side
from .diff import Change
from .provisions import Provision
from .serialize import change_json
from .termdiff import TYPES

# --- shared helpers --------------------------------------------------------------------


def labels(provisions: Iterable[Provision]) -> str:
    """The provisions' labels: ``10``, ``9, 10``, ``¶3``, or ``—`` for none."""
    found = [p.label for p in provisions]
    return ", ".join(found) if found else "—"


def change_labels(change: Change) -> str:
    """Where a change sits, by its provisions' labels in both versions: ``6 → 4``, ``3``
    (removed), ``→ 10`` (added), ``5`` (same label)."""
    old, new = labels(change.old), labels(change.new)
    if not change.old:
        return f"→ {new}"
    if not change.new:
        return old
    return old if old == new else f"{old} → {new}"


def flags(change: Change) -> list[str]:
    return [f for f in ("renumbered", "moved") if getattr(change, f)]


def typed_terms(cmp: Comparison) -> list[tuple[Change, Any]]:
    """The typed changed terms (figures, deadlines, modals, negations) in reading order."""
    return [(c, t) for c in cmp.diff.changes for t in c.terms if t.type in TYPES]


def _side_json(side: Side) -> dict[str, Any]:
    out: dict[str, Any] = {"label": side.label, "at": side.at}
    out["doc"] = side.doc
    return out


# --- JSON --------------------------------------------------------------------------------


def diff_json(cmp: Comparison) -> dict[str, Any]:
    """The ``tracker diff --format json`` document (also served by ``/api/``)."""
    out = diff_json_head(cmp)
    out["changes"] = [change_json(c) for c in cmp.diff.changes]
    return out


def iter_diff_json(cmp: Comparison) -> Iterator[str]:
    """:func:`diff_json` as compact JSON, in pieces: the head, then one change at a time.
    Joined, the pieces parse to exactly :func:`diff_json`'s document. Written as they come,
    a 100,000-provision diff never holds its ~100 MB of output, nor the dicts behind it,
    in memory at once; and without ``indent`` the encoder is the C one (the indenting
    encoder is pure Python, ~3.6 s of 117 MB)."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    yield dumps(diff_json_head(cmp))[:-1] + ',"changes":['
    first = True
    for c in cmp.diff.changes:
        yield ("" if first else ",") + (_same_text_json(c) or dumps(change_json(c)))
        first = False
    yield "]}\n"


_quote = json.encoder.encode_basestring  # the C quoting the encoder above uses


def _same_text_json(c: Change) -> str | None:
    """The compact JSON of a change whose one old and one new provision have the same
    text, in one ``=`` run, with no terms (most changes of a long document), written
    directly: the exact bytes of ``dumps(change_json(c))``, but with the text quoted once
    instead of three times and no dicts built, at a third of the cost (~0.3 s of a
    50,000-provision diff). None for any other change."""
    ops = c.ops
    if len(ops) != 1 or c.terms or len(c.old) != 1 or len(c.new) != 1:
        return None
    a, b = c.old[0], c.new[0]
    op, text = ops[0]
    if op != "=" or a.text != text or b.text != text:
        return None
    renumbered, moved, similarity = c.renumbered, c.moved, c.similarity
    if type(renumbered) is not bool or type(moved) is not bool or type(similarity) is not float:
        return None  # let the encoder spell anything unusual
    if not 0.0 <= similarity <= 1.0:
        return None  # NaN and infinities: the encoder's spelling, not repr's
    t = _quote(text)
    old, new = _same_text_side(a, t), _same_text_side(b, t)
    return (
        f'{{"kind":{_quote(c.kind)},"old":[{old}],"new":[{new}],'
        f'"renumbered":{"true" if renumbered else "false"},'
        f'"moved":{"true" if moved else "false"},"similarity":{similarity!r},'
        f'"ops":[["=",{t}]],"terms":[]}}'
    )


def _same_text_side(p: Provision, text: str) -> str:
    """:func:`~tracker.serialize.change_provision_json` of one side as compact JSON, its
    text already quoted."""
    return (
        f'{{"number":{_quote(p.number)},"path":{_quote(p.path)},"label":{_quote(p.label)},'
        f'"text":{text},"heading":{_quote(p.heading)}}}'
    )


def diff_json_head(cmp: Comparison) -> dict[str, Any]:
    """Every key of :func:`diff_json` but ``changes``, in the same order."""
    return {
        "doc": cmp.old.doc,
        "from": _side_json(cmp.old),
        "to": _side_json(cmp.new),
        "summary": cmp.diff.summary(),
        "headline": cmp.diff.headline(),
    }


# --- text --------------------------------------------------------------------------------

_CONTEXT = 30  # characters of unchanged text kept on each side of a change


def _elide(text: str, first: bool, last: bool) -> str:
    """Shorten an unchanged run to the context a reader needs around the changes."""
    flat = " ".join(text.split()) if text.strip() else text
    if text[:1].isspace():
        flat = " " + flat
    if text[-1:].isspace():
        flat += " "
    limit = _CONTEXT * 2 + 5
    if len(flat) <= limit or (first and last):
        return flat if not (first and last) or len(flat) <= 200 else flat[:197] + "…"
    if first:
        return "…" + flat[-_CONTEXT:]
    if last:
        return flat[:_CONTEXT] + "…"
    return flat[:_CONTEXT] + " … " + flat[-_CONTEXT:]


def inline_ops(c: Change, color: bool = True) -> str:
    """The change as one line: unchanged text elided, ``[-old-]{+new+}`` marks.

    Whitespace at the edges of a changed run is moved outside the marks (once per group of
    adjacent -/+ runs), so ``will [-enjoy-]{+have+} short-term`` keeps its spaces."""
    ops = c.ops
    parts: list[str] = []
    gap_after = False  # a changed run ended in whitespace that is still owed
    for i, (op, text) in enumerate(ops):
        if op == "=":
            piece = _elide(text, i == 0, i == len(ops) - 1)
            if gap_after and piece[:1] not in ("", " "):
                parts.append(" ")
            parts.append(piece)
            gap_after = False
            continue
        flat = " ".join(text.split())
        if not flat:
            gap_after = True
            continue
        if text[:1].isspace() and parts and not parts[-1].endswith(" "):
            parts.append(" ")
        mark = f"[-{flat}-]" if op == "-" else f"{{+{flat}+}}"
        if color:
            mark = click.style(mark, fg="red" if op == "-" else "green")
        parts.append(mark)
        gap_after = gap_after or text[-1:].isspace()
    return "".join(parts)


_KIND_COLOUR = {
    "modified": "yellow",
    "added": "green",
    "removed": "red",
    "split": "cyan",
    "merged": "cyan",
    "unchanged": None,
}


def change_line(c: Change, color: bool = True) -> str:
    kind = f"{c.kind:<10}"
    if color and _KIND_COLOUR.get(c.kind):
        kind = click.style(kind, fg=_KIND_COLOUR[c.kind], bold=True)
    extra = " ".join(f"({f})" for f in flags(c))
    head = f"{kind} {change_labels(c):<10}"
    if extra:
        head += f" {extra}"
    if c.kind == "unchanged":
        body = _elide(c.new[0].text if c.new else "", True, True)[:70]
    else:
        body = inline_ops(c, color)
    return f"{head}  {body}"


def iter_diff_text(
    cmp: Comparison, changes_only: bool = False, color: bool = True
) -> Iterator[str]:
    """The lines of :func:`diff_text`, one at a time (no newlines)."""
    yield f"{cmp.old.doc}:{cmp.old.label} → {cmp.new.doc}:{cmp.new.label}"
    yield cmp.diff.headline()
    yield ""
    for c in cmp.diff.changes:
        if changes_only and c.kind == "unchanged" and not c.moved and not c.renumbered:
            continue
        yield change_line(c, color)


def diff_text(cmp: Comparison, changes_only: bool = False, color: bool = True) -> str:
    return "\n".join(iter_diff_text(cmp, changes_only, color))


# --- Markdown ----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_ops(c: Change) -> str:
    out: list[str] = []
    for op, text in c.ops:
        if not text.strip():
            out.append(" " if op != "+" or not out else "")
            continue
        lead = " " if text[:1].isspace() else ""
        trail = " " if text[-1:].isspace() else ""
        body = md_escape(text)
        if op == "=":
            out.append(f"{lead}{body}{trail}")
        elif op == "-":
            out.append(f"{lead}~~{body}~~{trail}")
        else:
            out.append(f"{lead}**{body}**{trail}")
    return "".join(out).strip()


def diff_markdown(cmp: Comparison, changes_only: bool = True) -> str:
    """A report: summary, the changed figures as a table, then each change."""
    old, new = cmp.old, cmp.new
    lines = [
        f"# {md_escape(old.doc)}: {md_escape(old.label)} → {md_escape(new.label)}",
        "",
        f"From **{md_escape(old.label)}** ({old.at or old.doc}) to **{md_escape(new.label)}** "
        f"({new.at or new.doc}).",
        "",
        f"**Summary:** {md_escape(cmp.diff.headline())}",
        "",
    ]
    figures = typed_terms(cmp)
    if figures:
        lines += ["## Changed terms", "", "| provision | type | from | to |", "|---|---|---|---|"]
        for c, t in figures:
            lines.append(
                f"| {md_escape(change_labels(c))} | {t.type} | {md_escape(t.old) or '—'} | "
                f"{md_escape(t.new) or '—'} |"
            )
        lines.append("")
    lines += ["## Changes", ""]
    for c in cmp.diff.changes:
        if changes_only and c.kind == "unchanged" and not c.renumbered and not c.moved:
            continue
        tags = ", ".join([c.kind, *flags(c)])
        lines.append(f"### {md_escape(change_labels(c))} ({tags})")
        lines.append("")
        if c.kind == "unchanged":
            lines.append(md_escape(c.new[0].text))
        else:
            lines.append(_md_ops(c))
        lines.append("")
    return "\n".join(lines)


# --- HTML (a standalone page; the web UI has its own templates) --------------------------

_CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;
color:#1d1d1f}
table{border-collapse:collapse;width:100%}td,th{vertical-align:top;padding:.4rem .6rem;
border-bottom:1px solid #ddd;text-align:left}del{background:#fde2e1;color:#8b1a12;
text-decoration:line-through}ins{background:#dcf5e3;color:#0d5b26;text-decoration:underline}
.kind{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:#555}
.unchanged{color:#666}
"""


def _html_ops(c: Change, side: str) -> str:
    out = []
    for op, text in c.ops:
        t = html.escape(text)
        if op == "=":
            out.append(t)
        elif op == "-" and side == "old":
            out.append(f"<del>{t}</del>")
        elif op == "+" and side == "new":
            out.append(f"<ins>{t}</ins>")
    return "".join(out)


def diff_html(cmp: Comparison, changes_only: bool = False) -> str:
    e = html.escape
    rows = []
    for c in cmp.diff.changes:
        if changes_only and c.kind == "unchanged" and not c.renumbered and not c.moved:
            continue
        tags = " · ".join([c.kind, *flags(c)])
        rows.append(
            f'<tr class="{e(c.kind)}"><td class="kind">{e(change_labels(c))}<br>{e(tags)}</td>'
            f"<td>{_html_ops(c, 'old')}</td><td>{_html_ops(c, 'new')}</td></tr>"
        )
    title = f"{cmp.old.doc}: {cmp.old.label} → {cmp.new.label}"
    return (
        f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{e(title)}</title>'
        f"<style>{_CSS}</style><h1>{e(title)}</h1><p>{e(cmp.diff.headline())}</p>"
        f"<table><thead><tr><th></th><th>{e(cmp.old.label)}</th><th>{e(cmp.new.label)}</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></html>\n"
    )
