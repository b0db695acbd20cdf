"""History commands of the ``tracker`` CLI (registered on :data:`tracker.cli.cli`):
``history``, ``blame``, ``figures``, ``search``, ``query``, ``export``, ``import-export``
and ``relink``. The work is done by :mod:`tracker.history`; this module only prints.

:mod:`tracker.history` is imported inside each command: it pulls in the diff engine,
which ``tracker list`` and friends do not need to load.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import textwrap
from typing import TYPE_CHECKING, Any

import click

from .cli_base import (
    Context,
    cli,
    color_on,
    complete_doc,
    complete_label,
    emit_json,
    format_option,
    pass_ctx,
    want_json,
)
from .errors import InputError

if TYPE_CHECKING:
    from .diff import Change
    from .history import Blame, Figure, Hit, Lineage, QueryResult
    from .provisions import Provision
    from .termdiff import Term

WIDTH = 100


def provision_arguments(f: Any) -> Any:
    """DOC NUMBER [--at LABEL] [--format text|json]: how history and blame name a
    provision."""
    f = format_option("text", "json")(f)
    f = click.option(
        "--at",
        "at_label",
        metavar="LABEL",
        help="Version NUMBER refers to (default: latest).",
        shell_complete=complete_label,
    )(f)
    return click.argument("doc", shell_complete=complete_doc)(click.argument("number")(f))


MAX_TERMS = 8  # terms shown per change in text output; --json has them all


def _flat(text: str) -> str:
    return " ".join(text.split())


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(_flat(text), WIDTH, initial_indent=indent, subsequent_indent=indent)


def _short(text: str, n: int = 60) -> str:
    text = _flat(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _term(t: Term) -> str:
    old = click.style(_short(t.old) or "—", fg="red")
    new = click.style(_short(t.new) or "—", fg="green")
    return f"{old} → {new}" + (f"  ({t.type})" if t.type else "")


def _date(at: str) -> str:
    return at[:10]


def _csv_out(header: list[str], rows: list[list[Any]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    click.echo(buf.getvalue(), nl=False)


def _pick_format(fmt: str, as_json: bool, as_csv: bool = False) -> str:
    if as_json and as_csv:
        raise click.UsageError("give one of --json and --csv")
    return "json" if want_json(fmt, as_json) else "csv" if as_csv else fmt


# --- history ------------------------------------------------------------------------------


def _labels(provisions: tuple[Provision, ...]) -> str:
    """A lineage's provisions in one version, or one side of a change: ``5``, ``5+6``."""
    return "+".join(p.label for p in provisions)


def _change_head(ch: Change) -> str:
    parts = [ch.kind]
    if ch.renumbered:
        parts.append(f"renumbered {_labels(ch.old)} → {_labels(ch.new)}")
    if ch.moved:
        parts.append("moved")
    if ch.kind in ("split", "merged"):
        parts.append(f"{_labels(ch.old)} → {_labels(ch.new)}")
    return ", ".join(parts)


def _change_lines(ch: Change) -> list[str]:
    lines = [f"    {_term(t)}" for t in ch.terms[:MAX_TERMS]]
    if len(ch.terms) > MAX_TERMS:
        lines.append(f"    … and {len(ch.terms) - MAX_TERMS} more (see --json)")
    return lines


def history_text(lin: Lineage) -> str:
    out = [
        f"{lin.doc}: provision {lin.start.label} of {lin.at_label}, "
        f"across {len(lin.entries)} version{'s' if len(lin.entries) != 1 else ''}, oldest first",
        "",
    ]
    for e in lin.entries:
        head = f"{e.label:<16} {_date(e.at)}  "
        if not e.present:
            gone = [c for c in e.changes if c.kind == "removed"]
            note = f"struck out (was {_labels(gone[0].old)})" if gone else "not in this version"
            out.append(head + click.style(note, dim=True))
            continue
        changes = [c for c in e.changes if c.kind != "unchanged" or c.renumbered or c.moved]
        what = "; ".join(_change_head(c) for c in changes) or ("unchanged" if e.changes else "")
        out.append(head + click.style(_labels(e.provisions), bold=True) + f"  {what}".rstrip())
        for c in changes:
            out.extend(_change_lines(c))
        for p in e.provisions:
            out.append(_wrap(p.text))
    out.append("")
    added, dropped = lin.added_in, lin.dropped_in
    out.append(
        (f"added in {added}" if added else "present from the first version")
        + (f"; struck out in {dropped}" if dropped else "")
    )
    return "\n".join(out)


@cli.command()
@provision_arguments
@pass_ctx
def history(
    c: Context, doc: str, number: str, at_label: str | None, fmt: str, as_json: bool
) -> None:
    """One provision of DOC across every version, oldest first: its number and text in
    each, what changed at each step, and where it was added or struck out. NUMBER is the
    provision's number or path (10, 10.b, ¶3) in version --at (default: the latest)."""
    from .history import lineage

    lin = lineage(c.reader, doc, number, at_label)
    if want_json(fmt, as_json):
        from .serialize import history_json

        emit_json(history_json(lin))
    else:
        click.echo(history_text(lin))


# --- blame --------------------------------------------------------------------------------


def blame_text(b: Blame) -> str:
    width = max(len(r.label) for r in b.runs)
    out = [
        f"{b.doc}: provision {b.start.label} of {b.at_label}, lineage {' → '.join(b.versions)}",
        "",
    ]
    for r in b.runs:
        text = _flat(r.text)
        if not text:
            continue
        lines = textwrap.wrap(text, WIDTH - width - 2) or [""]
        out.append(f"{r.label:<{width}}  {lines[0]}")
        out.extend(f"{'':<{width}}  {line}" for line in lines[1:])
    return "\n".join(out)


@cli.command()
@provision_arguments
@pass_ctx
def blame(c: Context, doc: str, number: str, at_label: str | None, fmt: str, as_json: bool) -> None:
    """The text of provision NUMBER of DOC with each run of words marked with the version
    where it first appeared in this provision's lineage (like git blame, per phrase)."""
    from .history import blame as blame_of

    b = blame_of(c.reader, doc, number, at_label)
    if want_json(fmt, as_json):
        from .serialize import blame_json

        emit_json(blame_json(b))
    else:
        click.echo(blame_text(b))


# --- figures ------------------------------------------------------------------------------


def _figure_labels(f: Figure) -> str:
    """Where a figure changed: ``4``, ``4 (was 6)``, ``4 (new)``, ``3 (struck out)``."""
    if f.kind == "added":
        return f"{f.provision} (new)"
    if f.kind == "removed":
        return f"{f.provision} (struck out)"
    return (
        f.provision if f.provision == f.old_provision else f"{f.provision} (was {f.old_provision})"
    )


def figures_text(doc: str, figs: list[Figure]) -> str:
    if not figs:
        return f"{doc}: no changed numbers, dates or deadlines"
    rows = [(_figure_labels(f), f"{f.from_label} → {f.to_label}", f.type, f) for f in figs]
    w1 = max(len(r[0]) for r in rows + [("provision",)])
    w2 = max(len(r[1]) for r in rows + [("", "from → to")])
    out = [f"{'provision':<{w1}}  {'from → to':<{w2}}  {'type':<8}  old → new"]
    for labels, span, kind, f in rows:
        out.append(f"{labels:<{w1}}  {span:<{w2}}  {kind:<8}  {_term(_as_term(f))}".rstrip())
    return "\n".join(out)


def _as_term(f: Figure) -> Term:
    from .termdiff import Term

    return Term(f.old, f.new, None)


@cli.command()
@click.argument("doc", shell_complete=complete_doc)
@format_option("text", "json", "csv")
@click.option("--csv", "as_csv", is_flag=True, help="Same as --format csv.")
@pass_ctx
def figures(c: Context, doc: str, fmt: str, as_json: bool, as_csv: bool) -> None:
    """Every changed number, amount, percentage, date and deadline across DOC's timeline:
    provision, from version, to version, old → new."""
    from .history import figures as figures_of

    figs = figures_of(c.reader, doc)
    fmt = _pick_format(fmt, as_json, as_csv)
    from .serialize import FIGURE_FIELDS, figure_row, figures_json

    if fmt == "json":
        emit_json(figures_json(doc, figs))
    elif fmt == "csv":
        _csv_out(list(FIGURE_FIELDS), [figure_row(f) for f in figs])
    else:
        click.echo(figures_text(doc, figs))


# --- search -------------------------------------------------------------------------------


def _marks() -> tuple[str, str]:
    """Bold yellow when colouring (--color, NO_COLOR, a terminal); brackets otherwise, so
    a pipe still shows what matched."""
    if color_on():
        return "\x1b[1;33m", "\x1b[0m"
    return "[", "]"


def search_text(hits: list[Hit], limit: int) -> str:
    if not hits:
        return "no matches"
    w_doc = max(len(h.doc) for h in hits)
    w_label = max(len(h.label) for h in hits)
    w_prov = max(len(h.provision) for h in hits)
    out = [
        f"{h.doc:<{w_doc}}  {h.label:<{w_label}}  {_date(h.at)}  {h.provision:>{w_prov}}  "
        f"{_flat(h.snippet)}"
        for h in hits
    ]
    more = f" (the first {limit}: raise --limit for more)" if len(hits) == limit else ""
    out.append(f"{len(hits)} matches{more}")
    return "\n".join(out)


@cli.command()
@click.argument("query")
@click.option("--doc", help="Only this document.", shell_complete=complete_doc)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option(
    "--advanced",
    is_flag=True,
    help="Read QUERY as FTS5 syntax (AND / OR / NOT, NEAR(a b, 5), column filters).",
)
@format_option("text", "json")
@pass_ctx
def search(
    c: Context, query: str, doc: str | None, limit: int, advanced: bool, fmt: str, as_json: bool
) -> None:
    """Full-text search over every provision of every version. QUERY is searched as typed:
    words, "exact phrases", prefix*, and figures such as 600,000, 50% or $100 billion.
    With --advanced it is FTS5 syntax. Best matches first."""
    from .history import search as search_for

    as_json = want_json(fmt, as_json)
    marks = ("[", "]") if as_json else _marks()
    hits = search_for(c.reader, query, doc, limit, marks, advanced=advanced)
    if as_json:
        from .serialize import search_json

        emit_json(search_json(query, doc, hits))
    else:
        click.echo(search_text(hits, limit))


# --- query --------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    return value.hex() if isinstance(value, bytes) else value


def query_text(res: QueryResult) -> str:
    cells = [
        [_short(str(_cell(v)) if v is not None else "NULL", 60) for v in row] for row in res.rows
    ]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(res.columns)]
    out = ["  ".join(h.ljust(w) for h, w in zip(res.columns, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    note = f"{len(res.rows)} rows ({res.seconds:.3f} s)"
    if res.truncated:
        note += f"; stopped at the row limit {len(res.rows)}: raise --limit for more"
    return "\n".join(out + [note])


def _finite(value: float) -> float:
    """FloatRange lets nan through (every comparison with nan is false): refuse it here."""
    import math

    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds")
    return value


class SqlCommand(click.Command):
    """``tracker query "-- a comment\nSELECT ..."`` works as typed: Click would read an
    argument starting with ``--`` as an option, but no option name holds whitespace, so
    such an argument can only be SQL. A leading space keeps the parser off it (SQLite
    ignores it); ``--`` before the SQL and ``-`` for stdin work as well."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        fixed: list[str] = []
        for i, arg in enumerate(args):
            if arg == "--":
                fixed += args[i:]
                break
            name = arg.split("=", 1)[0]
            fixed.append(" " + arg if arg.startswith("-") and any(ch.isspace() for ch in name)
                         else arg)  # fmt: skip
        return super().parse_args(ctx, fixed)


@cli.command(cls=SqlCommand)
@click.argument("sql")
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1, 1_000_000),
              help="Most rows returned.")  # fmt: skip
@click.option("--timeout", default=5.0, show_default=True, type=click.FloatRange(0.01, 600),
              callback=lambda ctx, param, value: _finite(value),
              help="Seconds before the query is stopped.")  # fmt: skip
@format_option("text", "json", "csv")
@click.option("--csv", "as_csv", is_flag=True, help="Same as --format csv.")
@pass_ctx
def query(
    c: Context, sql: str, limit: int, timeout: float, fmt: str, as_json: bool, as_csv: bool
) -> None:
    """Run one read-only SQL statement (SELECT, WITH or EXPLAIN) on the database; SQL is
    - to read it from stdin (tracker query - < report.sql). Writes, ATTACH and PRAGMA
    writes are refused; a query running past --timeout is stopped. The README documents
    the schema."""
    from .history import lower_heap_limit, run_query

    if sql == "-":
        sql = sys.stdin.read()
    lower_heap_limit()  # this process only runs the query: cap SQLite's memory for it
    res = run_query(c.existing_db(), sql, limit=limit, timeout=timeout)
    fmt = _pick_format(fmt, as_json, as_csv)
    if fmt == "json":
        emit_json(
            {
                "columns": list(res.columns),
                "rows": [[_cell(v) for v in r] for r in res.rows],
                "truncated": res.truncated,
            }
        )
    elif fmt == "csv":
        _csv_out(list(res.columns), [[_cell(v) for v in r] for r in res.rows])
        if res.truncated:
            click.echo(f"warning: stopped at the row limit {limit}", err=True)
    else:
        click.echo(query_text(res))


# --- export / import-export / relink ------------------------------------------------------


def export_csv(data: dict[str, Any]) -> None:
    """One row per provision per version, with how it came from the previous version; a
    struck-out provision is a row of the version that dropped it, with no text."""
    came_from: dict[tuple[str, str], dict] = {}
    removed: dict[str, list[dict]] = {}
    for s in data["steps"]:
        for ch in s["changes"]:
            for p in ch["new"]:
                came_from[(s["to"], p["path"])] = ch
            if not ch["new"]:
                removed.setdefault(s["to"], []).append(ch)
    header = ["doc", "version", "at", "path", "number", "text", "change", "from_paths",
              "renumbered", "moved", "terms"]  # fmt: skip
    doc = data["document"]["slug"]
    rows = []
    for v in data["versions"]:
        for p in v["provisions"]:
            ch = came_from.get((v["label"], p["path"]))
            rows.append([doc, v["label"], v["at"], p["path"], p["number"], p["text"],
                         *_change_cells(ch)])  # fmt: skip
        for ch in removed.get(v["label"], []):
            rows.append([doc, v["label"], v["at"], "", "", "", *_change_cells(ch)])
    _csv_out(header, rows)


def _change_cells(ch: dict | None) -> list[Any]:
    if ch is None:
        return ["", "", "", "", ""]
    terms = "; ".join(f"{t['old']} -> {t['new']}" for t in ch["terms"])
    return [ch["kind"], "+".join(p["path"] for p in ch["old"]), int(ch["renumbered"]),
            int(ch["moved"]), terms]  # fmt: skip


def _label(p: dict[str, Any]) -> str:
    """As a reader cites a provision: its path, or ``¶3`` for an unnumbered paragraph."""
    from .provisions import label_of

    return label_of(p["path"])


def _md(text: str) -> str:
    return _flat(text).replace("|", "\\|")


def export_markdown(data: dict[str, Any]) -> str:
    d = data["document"]
    out = [f"# {d['title']} (`{d['slug']}`)", "", "| version | date | provisions | changes |",
           "|---|---|---|---|"]  # fmt: skip
    heads = {s["to"]: s["headline"] for s in data["steps"]}
    for v in data["versions"]:
        out.append(
            f"| {v['label']} | {_date(v['at'])} | {len(v['provisions'])} | "
            f"{_md(heads.get(v['label'], 'first version'))} |"
        )
    for s in data["steps"]:
        out += ["", f"## {s['from']} → {s['to']}", "", _md(s["headline"]), ""]
        for ch in s["changes"]:
            if ch["kind"] == "unchanged":
                continue
            old = "+".join(_label(p) for p in ch["old"]) or "—"
            new = "+".join(_label(p) for p in ch["new"]) or "—"
            flags = "".join(f", {f}" for f in ("renumbered", "moved") if ch[f])
            terms = "; ".join(
                f"~~{_md(t['old'])}~~ → **{_md(t['new'])}**" for t in ch["terms"][:MAX_TERMS]
            )
            out.append(f"- {old} → {new}: {ch['kind']}{flags}" + (f": {terms}" if terms else ""))
    last = data["versions"][-1]
    out += ["", f"## Text of {last['label']}", ""]
    out += [f"- **{_label(p)}** {_md(p['text'])}" for p in last["provisions"]]
    return "\n".join(out)


@cli.command()
@click.argument("doc", shell_complete=complete_doc)
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "markdown"]), default="json",
              show_default=True, help="json rebuilds the history with import-export.")  # fmt: skip
@pass_ctx
def export(c: Context, doc: str, fmt: str) -> None:
    """DOC's whole timeline: every version with its provisions, and the links between
    consecutive versions. The json form is loaded back with `tracker import-export`."""
    from .history import export as export_of

    data = export_of(c.reader, doc)
    if fmt == "json":
        emit_json(data)
    elif fmt == "csv":
        export_csv(data)
    else:
        click.echo(export_markdown(data))


@cli.command("import-export")
@click.argument("file", type=click.File("rb"))
@click.option("--as", "slug", metavar="DOC", help="Store under this name instead.")
@click.option(
    "--relink",
    "recompute",
    is_flag=True,
    help="Rebuild the links with this tracker's engine instead of loading them.",
)
@pass_ctx
def import_export(c: Context, file: Any, slug: str | None, recompute: bool) -> None:
    """Load a `tracker export DOC` json FILE (or - for stdin) as a new document, with the
    same versions, provisions and links: the same history as where it came from."""
    from .history import import_export as load

    name = getattr(file, "name", "<stdin>")
    try:
        data = json.loads(file.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{name}: not a JSON export ({exc})") from None
    slug = load(c.store, data, slug=slug, recompute=recompute)
    versions = c.store.versions(slug)
    click.echo(f"{slug}: imported {len(versions)} versions")


@cli.command()
@click.argument("doc", required=False, shell_complete=complete_doc)
@click.option("--all", "every", is_flag=True, help="Every document.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 256),
    help="Processes diffing in parallel (default: the number of cores, when there is "
    "enough work to pay for starting them).",
)
@pass_ctx
def relink(c: Context, doc: str | None, every: bool, jobs: int | None) -> None:
    """Rebuild DOC's stored links between consecutive versions (e.g. after the diff engine
    improved), or every document's with --all. The pairs are diffed on all cores; the
    links are written in one transaction."""
    import time

    from .history import ENGINE, relink_many

    if every == bool(doc):
        raise click.UsageError("give a DOC or --all (not both)")
    # After the check above, "no DOC" is the same as --all.
    docs = [c.store.document(doc).slug] if doc else [d.slug for d in c.store.documents()]
    started = time.perf_counter()
    counts = relink_many(c.store, docs, jobs, progress=True)
    seconds = time.perf_counter() - started
    for name, n in counts.items():
        click.echo(f"{name}: {n} steps linked ({ENGINE})")
    if every:
        total = sum(counts.values())
        rate = total / seconds if seconds else 0.0
        click.echo(
            f"{len(counts)} documents, {total} steps in {seconds:.1f} s "
            f"({rate:.1f} steps/s" + (f", {jobs} jobs)" if jobs else ")"),
            err=True,
        )
