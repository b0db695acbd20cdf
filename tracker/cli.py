"""The ``tracker`` command line. A thin edge: parse options, call the library, print.

Library errors (:class:`~tracker.errors.TrackerError`) become one ``error: ...`` line on
stderr and exit status 1; usage errors exit 2 (Click's convention).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

import click

from .cli_base import (  # noqa: F401 - the group and helpers, for other command modules
    DEFAULT_DB,
    Context,
    Failure,
    Group,
    cli,
    complete_diff_arg,
    complete_doc,
    complete_label,
    emit_json,
    format_option,
    pass_ctx,
    want_json,
)

# What a version may be labelled: tracker.provisions.VERSION_KINDS, spelled out here
# because importing the provision builder would cost every command ~15 ms of start-up
# (tests/test_startup.py checks that the two agree).
VERSION_KINDS = ("plan", "reporting", "statement", "other")

INPUT_FORMATS = ("auto", "text", "markdown", "html", "docx", "pdf")


def stdin_format(data: bytes, fmt: str) -> str:
    """The format of stdin: as given, or for ``auto`` what its first bytes prove (PDF,
    DOCX, HTML), else plain text. Text is never guessed to be Markdown on stdin: with no
    file name to go by, a pasted draft stays read exactly as it always was."""
    if fmt != "auto":
        return fmt
    from .readers import sniff

    found = sniff(data)
    return found if found in ("pdf", "docx", "html") else "text"


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
@click.option(
    "--format",
    "in_format",
    # Checked by the library, not by click.Choice: a bad value is then the same one-line
    # `error:` as any other unreadable input.
    metavar="[" + "|".join(INPUT_FORMATS) + "]",
    default="auto",
    show_default=True,
    help="How to read FILE. auto: by its extension, else by its content; for stdin, PDF, "
    "DOCX and HTML are recognised by their first bytes and anything else is plain text "
    "(give --format markdown for Markdown).",
)
@click.option(
    "--tracked-changes",
    type=click.Choice(["accept", "original"]),
    help="DOCX: read tracked changes as accepted (the reader's default) or the original.",
)
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
    in_format: str,
    tracked_changes: str | None,
) -> None:
    """Store FILE (or - for stdin) as a new version of DOC. The original bytes are kept
    with it (`tracker show DOC LABEL --source`)."""
    from . import ingest
    from .sources import read_document, read_path

    options = {"tracked": tracked_changes} if tracked_changes else {}
    if file == "-":
        data = sys.stdin.buffer.read(c.max_bytes + 1)
        source = read_document(
            data, "<stdin>", format=stdin_format(data, in_format), max_bytes=c.max_bytes,
            **options,
        )  # fmt: skip
    else:
        source = read_path(file, c.max_bytes, format=in_format, **options)
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
@click.option(
    "--keep-going",
    is_flag=True,
    help="Skip files that cannot be read or stored (listed at the end, exit 1) and import "
    "the rest, each file on its own. Without it one bad file imports nothing.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 256),
    help="Processes reading the files and diffing the new pairs of versions in parallel "
    "(default: the number of cores, when there is enough work to pay for starting them).",
)
@pass_ctx
def import_(c: Context, directory: str, keep_going: bool, jobs: int | None) -> None:
    """Load DIRECTORY/<doc>/* (front matter gives date, label, kind). Idempotent. The
    files are read on every core, then the versions stored and linked in one transaction,
    the new pairs diffed on every core (as relink --all). A progress bar is drawn on
    stderr when it is a terminal."""
    from . import ingest

    result = ingest.import_dir(
        c.store, directory, max_bytes=c.max_bytes, keep_going=keep_going, progress=True,
        jobs=jobs,
    )  # fmt: skip
    for a in result.added:
        v = a.version
        click.echo(f"{v.document} {v.label} {v.at} {v.n_provisions} provisions")
    summary = f"imported {len(result.added)} versions, {len(result.skipped)} already stored"
    if not result.failed:
        click.echo(summary)
        return
    click.echo(f"{summary}, {len(result.failed)} skipped:")
    for name, reason in result.failed:
        click.echo(f"  {name}: {reason}")
    raise click.exceptions.Exit(1)


@cli.command()
@click.argument("doc", required=False, shell_complete=complete_doc)
@click.option("--all", "every", is_flag=True, help="Every document.")
@click.option("--force", is_flag=True, help="Read again even when the reader is unchanged.")
@click.option("--dry-run", is_flag=True, help="Report what would change; change nothing.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 256),
    help="Processes reading the sources and diffing the pairs in parallel (default: the "
    "number of cores, when there is enough work to pay for starting them).",
)
@format_option("text", "json")
@pass_ctx
def reparse(
    c: Context, doc: str | None, every: bool, force: bool, dry_run: bool, jobs: int | None,
    fmt: str, as_json: bool,
) -> None:  # fmt: skip
    """Read DOC's stored original files again with this build's readers and rebuild its
    provisions and links (after a reader or the provision builder improved). Versions
    whose provisions were built by the current reader for their format and the current
    provision builder are skipped unless --force. One transaction per document; stored
    versions and their original files are never changed. The sources are read and the
    pairs diffed on all cores. With --all, a progress bar is drawn on stderr when it is a
    terminal."""
    from .reparse import reparse as reparse_doc
    from .reparse import reparse_all

    if every == bool(doc):
        raise click.UsageError("give DOC or --all")
    results = (
        reparse_all(c.store, force=force, dry_run=dry_run, progress=True, jobs=jobs)
        if every
        else iter([reparse_doc(c.store, doc or "", force=force, dry_run=dry_run, jobs=jobs)])
    )
    if want_json(fmt, as_json):
        emit_json({"dry_run": dry_run, "force": force,
                   "documents": [reparse_json(r) for r in results]})  # fmt: skip
        return
    for r in results:
        click.echo(reparse_line(r))


def reparse_json(r: Any) -> dict[str, Any]:
    return {
        "doc": r.doc,
        "versions": r.versions,
        "reread": len(r.reread),
        "provisions_changed": r.provisions_changed,
        "links_changed": r.links_changed,
        "changes": [asdict(v) for v in r.reread],
    }


def reparse_line(r: Any) -> str:
    would = "would be " if r.dry_run else ""
    readers = sorted({v.reader_after for v in r.reread})
    by = f" by {', '.join(readers)}" if readers else ""
    if not r.links_changed:
        links = "links unchanged"
    else:
        links = "links would change" if r.dry_run else "links changed"
    return (
        f"{r.doc}: {len(r.reread)} of {r.versions} versions {would}read again{by}, "
        f"{r.provisions_changed} provisions {would}changed, {links}"
    )


# --- list / show ----------------------------------------------------------------------


@cli.command("list")
@click.argument("doc", required=False, shell_complete=complete_doc)
@click.option("--tz", help="Show times in this zone (default UTC).")
@format_option("text", "json")
@pass_ctx
def list_(c: Context, doc: str | None, tz: str | None, fmt: str, as_json: bool) -> None:
    """List documents, or the versions of DOC oldest first."""
    from . import dates

    store = c.reader
    if doc is None:
        docs = store.documents()
        if want_json(fmt, as_json):
            from .serialize import documents_json

            emit_json(documents_json(docs))
            return
        if not docs:
            click.echo("no documents yet: add one with 'tracker add DOC FILE'")
        for d in docs:
            span = ""
            if d.first_at and d.last_at:  # both set, or neither (no versions)
                span = f"{dates.show(d.first_at, tz)[:10]} .. {dates.show(d.last_at, tz)[:10]}"
            click.echo(f"{d.slug:<20} {d.kind:<10} {d.n_versions:>3} versions  {span}  {d.title}")
        return
    from . import history

    versions = store.versions(doc)
    # What changed from the previous version: read from the stored steps, not recomputed.
    steps = {s.label: s for s in history.timeline(store, doc)}
    if want_json(fmt, as_json):
        from .serialize import versions_json

        emit_json(versions_json(doc, versions, steps.values()))
        return
    for v in versions:
        step = steps[v.label]
        change = step.headline if step.previous else "first version"
        click.echo(
            f"{v.label:<16} {dates.show(v.at, tz):<22} {v.kind:<10} {v.n_provisions:>4} provisions"
            f"  {change}"
        )


@cli.command()
@click.argument("doc", shell_complete=complete_doc)
@click.argument("label", shell_complete=complete_label)
@click.option("--provisions", "show_provisions", is_flag=True, help="List the provisions.")
@click.option(
    "--source",
    "original",
    is_flag=True,
    help="Write the original bytes the version was read from (a PDF, DOCX...) to stdout.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="With --source: write to this file instead of stdout.",
)
@click.option("--tz", help="Show times in this zone (default UTC).")
@format_option("text", "json")
@pass_ctx
def show(
    c: Context, doc: str, label: str, show_provisions: bool, original: bool, output: str | None,
    tz: str | None, fmt: str, as_json: bool,
) -> None:  # fmt: skip
    """Show version LABEL of DOC: its metadata and full text (or its provisions, or with
    --source the original file)."""
    from . import dates

    store = c.reader
    if output and not original:
        raise click.UsageError("-o/--output goes with --source")
    v = store.version(doc, label, with_text=not original)
    if original:
        data = store.source(v.id).data
        if output:
            with open(output, "wb") as f:
                f.write(data)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        return
    provisions = store.provisions(v.id)
    if want_json(fmt, as_json):
        from .serialize import version_json

        info = store.source_info(v.id)
        reader = store.provisions_reader(v.id) or info["reader"]
        emit_json(version_json(doc, v, provisions, info["format"], reader))
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


@cli.command()
@format_option("text", "json", "markdown")
@pass_ctx
def schema(c: Context, fmt: str, as_json: bool) -> None:
    """The database's tables, views and columns as SQLite reports them: the SQL that makes
    them (text), or each column with its type and a note (json, markdown)."""
    from .schema import describe, schema_json, schema_markdown, schema_sql

    store = c.reader
    tables = describe(store)
    if want_json(fmt, as_json):
        emit_json(schema_json(tables, store.schema_version))
    elif fmt == "markdown":
        click.echo(schema_markdown(tables))
    else:
        click.echo(schema_sql(tables))


# --- diff ----------------------------------------------------------------------------


@cli.command()
@click.argument(
    "args",
    nargs=-1,
    metavar="DOC FROM TO | DOC1:LABEL DOC2:LABEL | --files A B",
    shell_complete=complete_diff_arg,
)
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
@click.option("--pretty", is_flag=True, help="Indented JSON (default: compact, one line).")
@pass_ctx
def diff(
    c: Context, args: tuple[str, ...], files: bool, fmt: str, as_json: bool, changes_only: bool,
    kind: str | None, pretty: bool,
) -> None:  # fmt: skip
    """Provision-level diff of two versions of DOC (labels, or DOC:LABEL for another
    document), of two versions of any documents (DOC1:LABEL DOC2:LABEL), or of two
    files with --files."""
    from . import compare

    if files:
        if len(args) != 2:
            raise click.UsageError("--files takes exactly two files: tracker diff --files A B")
        refs = None
    elif len(args) == 2 and all(":" in a for a in args):
        # DOC1:LABEL DOC2:LABEL: each side names its document, so there is no DOC.
        refs = (args[0].split(":", 1)[0], *args)
    elif len(args) == 3:
        refs = args
    else:
        raise click.UsageError(
            "expected DOC FROM TO (labels, or DOC:LABEL), DOC1:LABEL DOC2:LABEL, or --files A B"
        )
    fmt = "json" if as_json else fmt
    if fmt == "json" and not pretty and refs is not None:
        # Two stored versions as compact JSON: the bytes kept from the last time they were
        # asked for, else rendered and kept (tracker.diffjson).
        from . import diffjson

        stream_bytes(diffjson.diff_json(c.reader, *refs))
        return
    from . import render

    if refs is None:
        cmp = compare.compare_files(args[0], args[1], kind=kind, max_bytes=c.max_bytes)
    else:
        cmp = compare.compare(c.reader, *refs)
    # JSON and text are written as they are produced, piece by piece, never as one string.
    if fmt == "json" and pretty:
        emit_json(render.diff_json(cmp))
    elif fmt == "json":
        # As UTF-8 bytes: JSON holds no raw escape codes, so click's scan of the text for
        # colour codes to strip (a regex pass over ~90 MB at 100,000 provisions) is skipped.
        stream_bytes(piece.encode("utf-8") for piece in batches(render.iter_diff_json(cmp)))
    elif fmt == "markdown":
        click.echo(render.diff_markdown(cmp, changes_only=changes_only))
    elif fmt == "html":
        click.echo(render.diff_html(cmp, changes_only=changes_only))
    else:
        stream(line + "\n" for line in render.iter_diff_text(cmp, changes_only=changes_only))


def stream_bytes(pieces: Iterable[bytes]) -> None:
    """Write UTF-8 pieces to stdout as they come: as bytes when stdout is UTF-8 (no
    decoding, no scan for colour codes, which JSON never holds raw), else as text."""
    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower().replace("-", "")
    if encoding != "utf8":
        stream(piece.decode("utf-8") for piece in pieces)
        return
    for piece in pieces:
        if piece:
            click.echo(piece, nl=False)


def stream(pieces: Iterable[str]) -> None:
    """Write text pieces to stdout as they come, in batches of ~64 kB (click.echo strips
    colour codes when stdout is not a terminal)."""
    for batch in batches(pieces):
        click.echo(batch, nl=False)


def batches(pieces: Iterable[str]) -> Iterator[str]:
    """Text pieces joined into batches of ~64 kB (the last one possibly empty)."""
    batch: list[str] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= 1 << 16:
            yield "".join(batch)
            batch, size = [], 0
    yield "".join(batch)


# --- serve ---------------------------------------------------------------------------


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option("--connections", default=1000, show_default=True, type=click.IntRange(16, 100_000),
              help="Most open connections (idle ones are closed after 30 s).")  # fmt: skip
@click.option("--trusted-proxy", metavar="ADDRESS",
              help="Reverse proxy whose X-Forwarded-* headers to believe.")  # fmt: skip
@click.option("--read-only", is_flag=True, help="Serve for reading only: no adding versions.")
@click.option(
    "--token",
    envvar="TRACKER_TOKEN",
    help="Adding versions needs this token (form sign-in, or Authorization: Bearer).",
)
@pass_ctx
def serve(
    c: Context,
    host: str,
    port: int,
    threads: int,
    connections: int,
    trusted_proxy: str | None,
    read_only: bool,
    token: str | None,
) -> None:
    """Serve the web UI with waitress (a production WSGI server). On an address other
    than loopback it needs --read-only or --token: anyone who can reach it could add
    versions otherwise."""
    from .errors import InputError

    if not _loopback(host) and not read_only and not token:
        raise InputError(
            f"refusing to serve on {host}: anyone who can reach it could add versions; "
            "give --read-only, or --token (or TRACKER_TOKEN) to let only a token holder add"
        )
    if token is not None and len(token) < 16:
        raise InputError("the token is too short: use at least 16 characters")
    import waitress

    from web import FORM_OVERHEAD, create_app, server

    if read_only:
        c.existing_db()  # nothing can be added: a missing file is a mistyped --db
    _ = c.store  # create or migrate the database before the first request
    app = create_app(
        {"DATABASE": c.db_path, "MAX_BYTES": c.max_bytes, "READ_ONLY": read_only, "TOKEN": token}
    )
    opts = server.options(
        threads=threads, max_body=c.max_bytes + FORM_OVERHEAD, connection_limit=connections,
        trusted_proxy=trusted_proxy,
    )  # fmt: skip
    mode = "read-only" if read_only else ("adding needs the token" if token else "open")
    click.echo(f"serving {c.db_path} on http://{host}:{port}/ ({mode}; Ctrl-C to stop)")
    waitress.serve(app, host=host, port=port, **opts)


# History commands (history, blame, figures, search, query, export, relink) live in
# cli_history, capture commands (capture, watch, import-git) in cli_capture. The group
# imports them the first time a command it does not know yet is asked for (or listed):
# loading them costs ~10 ms that the commands defined here do not need.
cli.lazy_modules = ("tracker.cli_history", "tracker.cli_capture")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="tracker")
