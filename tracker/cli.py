"""The ``tracker`` command line. A thin edge: parse options, call the library, print.

Library errors (:class:`~tracker.errors.TrackerError`) become one ``error: ...`` line on
stderr and exit status 1; usage errors exit 2 (Click's convention).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click

from .errors import TrackerError
from .provisions import VERSION_KINDS
from .sources import DEFAULT_MAX_BYTES, read_bytes, read_path

if TYPE_CHECKING:
    from .store import Store, Version

DEFAULT_DB = "tracker.db"


class Context:
    """What the group options give every command; the store opens lazily."""

    def __init__(self, db: str, max_bytes: int) -> None:
        self.db_path = db
        self.max_bytes = max_bytes
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            from .store import Store

            self._store = Store(self.db_path)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


pass_ctx = click.make_pass_decorator(Context)


class Failure(click.ClickException):
    """A library error as the CLI reports it: ``error: ...`` on stderr, exit 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.message}", err=True)


class Group(click.Group):
    """Translates library errors at the edge, for every subcommand (so CliRunner and the
    console script behave the same)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrackerError as exc:
            raise Failure(str(exc)) from None
        except BrokenPipeError:
            # `tracker show ... | head`: the reader went away; not worth a traceback.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def format_option(*choices: str) -> Any:
    """``--format`` with ``--json`` as a shortcut (both are part of the contract)."""

    def decorate(f: Any) -> Any:
        f = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(f)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=choices[0],
            show_default=True,
            help="Output format.",
        )(f)

    return decorate


def _without_text(v: Version) -> dict[str, Any]:
    """A version's metadata (listings leave the full text to ``show``)."""
    row = asdict(v)
    del row["text"]
    return row


def want_json(fmt: str, as_json: bool) -> bool:
    return as_json or fmt == "json"


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="TRACKER_DB",
    default=DEFAULT_DB,
    show_default=True,
    help="History database file (or set TRACKER_DB).",
)
@click.option(
    "--max-bytes",
    envvar="TRACKER_MAX_BYTES",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Largest input file accepted (or set TRACKER_MAX_BYTES).",
)
@click.version_option(package_name="tracker")
@click.pass_context
def cli(ctx: click.Context, db: str, max_bytes: int) -> None:
    """Track versions of negotiated texts and see what changed, provision by provision."""
    ctx.obj = Context(db, max_bytes)
    ctx.call_on_close(ctx.obj.close)


# --- add / import ---------------------------------------------------------------------


@cli.command()
@click.argument("doc")
@click.argument("file", type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--at", "at", help="When this version is from, in any common format.")
@click.option("--label", help="Version label (default: the front matter's, else the next vN).")
@click.option("--title", help="Document title, when the document is new.")
@click.option(
    "--kind",
    type=click.Choice(VERSION_KINDS),
    help="plan (numbered points) or reporting (paragraphs); detected when not given.",
)
@click.option("--source", "url", help="Where the text came from (URL or reference).")
@click.option("--notes", help="Free-text notes stored with the version.")
@click.option("--tz", default="UTC", show_default=True, help="Zone for a time given without one.")
@pass_ctx
def add(
    c: Context,
    doc: str,
    file: str,
    at: str | None,
    label: str | None,
    title: str | None,
    kind: str | None,
    url: str | None,
    notes: str | None,
    tz: str,
) -> None:
    """Store FILE (or - for stdin) as a new version of DOC."""
    from . import ingest

    if file == "-":
        data = sys.stdin.buffer.read(c.max_bytes + 1)
        source = read_bytes(data, "<stdin>", c.max_bytes)
    else:
        source = read_path(file, c.max_bytes)
    result = ingest.add_version(
        c.store, doc, source, at=at, label=label, title=title, kind=kind, url=url,
        notes=notes, tz=tz,
    )  # fmt: skip
    v = result.version
    if not result.stored:
        click.echo(f"{doc}: identical to {v.label} ({v.at}), not stored again")
        return
    click.echo(f"{doc} {v.label} {v.at} {v.n_provisions} provisions")


@cli.command("import")
@click.argument("directory", type=click.Path(file_okay=False))
@pass_ctx
def import_(c: Context, directory: str) -> None:
    """Load DIRECTORY/<doc>/* (front matter gives date, label, kind). Idempotent."""
    from . import ingest

    result = ingest.import_dir(c.store, directory, max_bytes=c.max_bytes)
    for a in result.added:
        v = a.version
        click.echo(f"{v.document} {v.label} {v.at} {v.n_provisions} provisions")
    click.echo(f"imported {len(result.added)} versions, {len(result.skipped)} already stored")


# --- list / show ----------------------------------------------------------------------


@cli.command("list")
@click.argument("doc", required=False)
@click.option("--tz", help="Show times in this zone (default UTC).")
@format_option("text", "json")
@pass_ctx
def list_(c: Context, doc: str | None, tz: str | None, fmt: str, as_json: bool) -> None:
    """List documents, or the versions of DOC oldest first."""
    from . import dates

    store = c.store
    if doc is None:
        docs = store.documents()
        if want_json(fmt, as_json):
            emit_json({"documents": [asdict(d) for d in docs]})
            return
        if not docs:
            click.echo("no documents yet: add one with 'tracker add DOC FILE'")
        for d in docs:
            span = ""
            if d.first_at:
                span = f"{dates.show(d.first_at, tz)[:10]} .. {dates.show(d.last_at, tz)[:10]}"
            click.echo(f"{d.slug:<20} {d.kind:<10} {d.n_versions:>3} versions  {span}  {d.title}")
        return
    from . import history

    versions = store.versions(doc)
    # What changed from the previous version: read from the stored steps, not recomputed.
    steps = {s.label: s for s in history.timeline(store, doc)}
    if want_json(fmt, as_json):
        rows = []
        for v in versions:
            step = steps[v.label]
            rows.append(
                {**_without_text(v), "previous": step.previous, "changes": step.summary,
                 "headline": step.headline}
            )  # fmt: skip
        emit_json({"doc": doc, "versions": rows})
        return
    for v in versions:
        step = steps[v.label]
        change = step.headline if step.previous else "first version"
        click.echo(
            f"{v.label:<16} {dates.show(v.at, tz):<22} {v.kind:<10} {v.n_provisions:>4} provisions"
            f"  {change}"
        )


@cli.command()
@click.argument("doc")
@click.argument("label")
@click.option("--provisions", "show_provisions", is_flag=True, help="List the provisions.")
@click.option("--tz", help="Show times in this zone (default UTC).")
@format_option("text", "json")
@pass_ctx
def show(
    c: Context, doc: str, label: str, show_provisions: bool, tz: str | None, fmt: str,
    as_json: bool,
) -> None:  # fmt: skip
    """Show version LABEL of DOC: its metadata and full text (or its provisions)."""
    from . import dates

    store = c.store
    v = store.version(doc, label, with_text=True)
    provisions = store.provisions(v.id)
    if want_json(fmt, as_json):
        emit_json(
            {
                "doc": doc,
                **asdict(v),
                "provisions": [
                    {"path": p.path, "number": p.number, "marker": p.marker, "depth": p.depth,
                     "text": p.text}
                    for p in provisions
                ],
            }
        )  # fmt: skip
        return
    click.echo(f"document: {doc}\nlabel:    {v.label}\nat:       {dates.show(v.at, tz)}")
    click.echo(f"as given: {v.at_text}\nkind:     {v.kind}\nsha256:   {v.sha256}")
    if v.source:
        click.echo(f"source:   {v.source}")
    if v.notes:
        click.echo(f"notes:    {' '.join(v.notes.split())}")
    click.echo(f"provisions: {v.n_provisions}\n")
    if show_provisions:
        for p in provisions:
            indent = "  " * p.depth
            click.echo(f"{indent}{p.label:>6}  {' '.join(p.text.split())}")
    else:
        click.echo(v.text)


# --- diff ----------------------------------------------------------------------------


@cli.command()
@click.argument("args", nargs=-1, metavar="DOC FROM TO | --files A B")
@click.option("--files", "files", is_flag=True, help="Compare two files without storing them.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html", "markdown"]),
    default="text",
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--changes-only", is_flag=True, help="Hide unchanged provisions.")
@click.option("--kind", type=click.Choice(["plan", "reporting"]), help="With --files: force kind.")
@pass_ctx
def diff(
    c: Context, args: tuple[str, ...], files: bool, fmt: str, as_json: bool, changes_only: bool,
    kind: str | None,
) -> None:  # fmt: skip
    """Provision-level diff of two versions of DOC (labels, or DOC:LABEL for another
    document), or of two files with --files."""
    from . import compare, render

    if files:
        if len(args) != 2:
            raise click.UsageError("--files takes exactly two files: tracker diff --files A B")
        cmp = compare.compare_files(args[0], args[1], kind=kind, max_bytes=c.max_bytes)
    else:
        if len(args) != 3:
            raise click.UsageError("expected DOC FROM TO (labels), or --files A B")
        cmp = compare.compare(c.store, *args)
    fmt = "json" if as_json else fmt
    if fmt == "json":
        emit_json(render.diff_json(cmp))
    elif fmt == "markdown":
        click.echo(render.diff_markdown(cmp, changes_only=changes_only))
    elif fmt == "html":
        click.echo(render.diff_html(cmp, changes_only=changes_only))
    else:
        click.echo(render.diff_text(cmp, changes_only=changes_only))


# --- serve ---------------------------------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
@pass_ctx
def serve(c: Context, host: str, port: int, threads: int) -> None:
    """Serve the web UI with waitress (a production WSGI server)."""
    import waitress

    from web import create_app

    _ = c.store  # create or migrate the database before the first request
    app = create_app({"DATABASE": c.db_path, "MAX_BYTES": c.max_bytes})
    click.echo(f"serving {c.db_path} on http://{host}:{port}/  (Ctrl-C to stop)")
    waitress.serve(app, host=host, port=port, threads=threads, ident="tracker")


# History commands (history, blame, figures, search, query, export, relink) live in
# cli_history, capture commands (capture, watch, import-git) in cli_capture; importing
# them registers them on the group.
from . import cli_capture, cli_history  # noqa: E402, F401


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="tracker")
