"""Capture commands of the ``tracker`` CLI (registered on :data:`tracker.cli_base.cli`):
``capture``, ``watch add|add-feed|list|remove|run`` and ``import-git``. The work is done
by :mod:`tracker.capture`; this module only parses options and prints.

HTTP and git are imported inside each command, so ``tracker list`` does not load them.
"""

from __future__ import annotations

import os
from typing import Any

import click

from .cli_base import Context, cli, emit_json, format_option, pass_ctx, want_json


def http_options(f: Any) -> Any:
    """Limits shared by ``capture`` and ``watch run``."""
    f = click.option(
        "--contact",
        envvar="TRACKER_CONTACT",
        help="URL or e-mail put in the User-Agent so site owners can reach you "
        "(or set TRACKER_CONTACT).",
    )(f)
    f = click.option(
        "--ignore-robots", is_flag=True, help="Do not read robots.txt (only for your own sites)."
    )(f)
    f = click.option("--max-redirects", type=click.IntRange(0, 30), default=5, show_default=True)(f)
    f = click.option(
        "--read-timeout", type=click.FloatRange(min=0.01), default=30.0, show_default=True,
        help="Seconds to wait for the server to send data.",
    )(f)  # fmt: skip
    f = click.option(
        "--connect-timeout", type=click.FloatRange(min=0.01), default=10.0, show_default=True,
        help="Seconds to wait for a connection.",
    )(f)  # fmt: skip
    return f


def _policy(c: Context, kw: dict[str, Any], min_delay: float = 1.0) -> Any:
    from .capture.fetch import Policy, user_agent

    return Policy(
        connect_timeout=kw["connect_timeout"],
        read_timeout=kw["read_timeout"],
        max_bytes=c.max_bytes,
        max_redirects=kw["max_redirects"],
        user_agent=user_agent(kw["contact"]),
        min_delay=min_delay,
        robots=not kw["ignore_robots"],
    )


HTTP_KEYS = ("connect_timeout", "read_timeout", "max_redirects", "ignore_robots", "contact")


def _http(kw: dict[str, Any]) -> dict[str, Any]:
    return {k: kw.pop(k) for k in HTTP_KEYS}


# --- capture --------------------------------------------------------------------------------


@cli.command()
@click.argument("url")
@click.option("--doc", help="Document name (default: from the URL's host and path).")
@click.option("--format", "reader_format", help="Reader to use (html, text, markdown, ...).")
@click.option("--selector", help="CSS selector of the part of an HTML page to keep.")
@click.option(
    "--webhook", envvar="TRACKER_WEBHOOK", help="POST the change here when a version is stored."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@http_options
@pass_ctx
def capture(
    c: Context, url: str, doc: str | None, reader_format: str | None, selector: str | None,
    webhook: str | None, as_json: bool, **kw: Any,
) -> None:  # fmt: skip
    """Fetch URL once and store a new version when its provisions changed.

    Dates, times, long numbers, tokens and counters are masked before comparing, so a page
    whose only change is a "Last updated" time is not stored again."""
    from dataclasses import asdict

    from .capture import notify
    from .capture.fetch import Fetcher
    from .capture.page import capture as capture_page

    policy = _policy(c, _http(kw), min_delay=0)
    with Fetcher(policy) as fetcher:
        cap = capture_page(c.store, fetcher, url, doc=doc, format=reader_format, selector=selector)
    hook_error = None
    if cap.stored and webhook:
        hook_error = notify.post(webhook, notify.change_payload(c.store, cap))
    if as_json:
        v = cap.version
        emit_json(
            {
                "url": cap.url,
                "doc": cap.doc,
                "status": cap.status,
                "http_status": cap.http_status,
                "version": {k: val for k, val in asdict(v).items() if k != "text"} if v else None,
                "previous": cap.previous,
                "page": cap.meta,
                "webhook_error": hook_error,
            }
        )
    else:
        click.echo(cap.line())
    if hook_error:
        click.echo(f"warning: {hook_error} (the version is stored)", err=True)


# --- watch ----------------------------------------------------------------------------------


@cli.group()
def watch() -> None:
    """Watch URLs and feeds; 'tracker watch run' captures what is due."""


@watch.command("add")
@click.argument("url")
@click.option("--doc", help="Document name (default: from the URL's host and path).")
@click.option("--every", default="1h", show_default=True, help="Interval: 30s, 15m, 1h, 1d.")
@click.option("--selector", default="", help="CSS selector of the part of the page to keep.")
@click.option("--format", "reader_format", default="", help="Reader (default: detected).")
@click.option("--webhook", default="", help="POST each new version's changes to this URL.")
@pass_ctx
def watch_add(
    c: Context, url: str, doc: str | None, every: str, selector: str, reader_format: str,
    webhook: str,
) -> None:  # fmt: skip
    """Watch URL: capture it every --every (first capture on the next run)."""
    from .capture import watch as w

    added = w.add(
        c.store, url, doc=doc, every=w.parse_every(every), selector=selector,
        format=reader_format, webhook=webhook,
    )  # fmt: skip
    click.echo(f"watch #{added.id}: {added.url} as {added.doc}, every {w.show_every(added.every)}")


@watch.command("add-feed")
@click.argument("feed_url")
@click.option("--every", default="15m", show_default=True, help="Interval: 30s, 15m, 1h, 1d.")
@click.option("--webhook", default="", help="POST each new version's changes to this URL.")
@pass_ctx
def watch_add_feed(c: Context, feed_url: str, every: str, webhook: str) -> None:
    """Watch an RSS or Atom feed: every entry's link becomes a document of its own,
    captured from then on at the same interval."""
    from .capture import watch as w

    added = w.add(c.store, feed_url, every=w.parse_every(every), webhook=webhook, kind="feed")
    click.echo(f"watch #{added.id}: feed {added.url}, every {w.show_every(added.every)}")


@watch.command("list")
@format_option("text", "json")
@pass_ctx
def watch_list(c: Context, fmt: str, as_json: bool) -> None:
    """List watches with their last result; failing ones are marked."""
    from .capture import watch as w

    watches = c.reader.watches()
    if want_json(fmt, as_json):
        emit_json({"watches": [w.watch_json(x) for x in watches]})
        return
    if not watches:
        click.echo("no watches yet: add one with 'tracker watch add URL --doc DOC --every 1h'")
    for x in watches:
        state = w.state(x)
        what = f"feed {x.url}" if x.kind == "feed" else f"{x.doc} <- {x.url}"
        last = x.last_status or "-"
        if x.last_version:
            last += f", last stored {x.last_version}"
        line = (
            f"#{x.id:<4} {state:<8} every {w.show_every(x.every):<4} next {x.next_due}  {what}"
            f"  [{last}]"
        )
        if x.failures:
            line += f"\n      {x.failures} failures: {x.last_error}"
        if x.notify_error:
            line += f"\n      webhook: {x.notify_error}"
        click.echo(click.style(line, fg="red") if state == "failing" else line)


@watch.command("remove")
@click.argument("ref", metavar="ID|URL")
@pass_ctx
def watch_remove(c: Context, ref: str) -> None:
    """Stop watching (captured versions stay)."""
    from .capture import watch as w

    for x in w.remove(c.store, ref):
        click.echo(f"removed watch #{x.id}: {x.url}")


@watch.command("run")
@click.option("--once", is_flag=True, help="Capture what is due, then exit (for cron).")
@click.option(
    "--max-seconds", type=click.FloatRange(min=0), help="Stop after this long (default: never)."
)
@click.option("--workers", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Captures at a time (still one request at a time per host).")  # fmt: skip
@click.option(
    "--min-delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
    help="Seconds between two requests to the same host.",
)  # fmt: skip
@click.option(
    "--webhook", envvar="TRACKER_WEBHOOK",
    help="POST every new version's changes here (watches with their own webhook use theirs).",
)  # fmt: skip
@http_options
@pass_ctx
def watch_run(
    c: Context, once: bool, max_seconds: float | None, workers: int, min_delay: float,
    webhook: str | None, **kw: Any,
) -> None:  # fmt: skip
    """Capture due watches until stopped (Ctrl-C), or once with --once. Several runners
    may share one database: each watch is claimed by one runner at a time."""
    from .capture.watch import Runner

    _ = c.store  # create or migrate the database first
    runner = Runner(
        c.db_path, _policy(c, _http(kw), min_delay), workers=workers, webhook=webhook,
        log=click.echo,
        notify_backoff=float(os.environ.get("TRACKER_WEBHOOK_BACKOFF", "1.0")),
    )  # fmt: skip
    try:
        stats = runner.run(once=once, max_seconds=max_seconds)
    except KeyboardInterrupt:
        stats = runner.stats
    click.echo(stats.summary())


# --- import-git -----------------------------------------------------------------------------


@cli.command("import-git")
@click.argument("repo", type=click.Path(exists=True, file_okay=False))
@click.argument("paths", nargs=-1)
@click.option(
    "--doc-from", type=click.Choice(["path", "name"]), default="path", show_default=True,
    help="Document name from the file's whole path or its name alone.",
)  # fmt: skip
@click.option("--format", "reader_format", help="Reader for every file (default: by extension).")
@click.option("--batch", type=click.IntRange(1), default=200, show_default=True,
              help="Commits per transaction.")  # fmt: skip
@click.option(
    "--jobs",
    type=click.IntRange(1, 256),
    help="Processes reading the files and diffing the new pairs in parallel (default: the "
    "number of cores, when there is enough work to pay for starting them).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress lines.")
@pass_ctx
def import_git(
    c: Context, repo: str, paths: tuple[str, ...], doc_from: str, reader_format: str | None,
    batch: int, jobs: int | None, quiet: bool,
) -> None:  # fmt: skip
    """Every commit of REPO that changed a file (under PATHS) becomes a version of that
    file's document, at the commit's committer date, labelled DATE-SHORTHASH, with the
    commit message as notes. Incremental and idempotent: run it again to import new
    commits only."""
    from .capture.gitimport import import_git as run_import

    def progress(r: Any) -> None:
        if not quiet:
            click.echo(f"... {r.stored} versions stored ({r.seconds:.0f}s)", err=True)

    result = run_import(
        c.store, repo, paths, doc_from=doc_from, format=reader_format, max_bytes=c.max_bytes,
        batch=batch, progress=progress, jobs=jobs,
    )  # fmt: skip
    for change, error in result.failed:
        click.echo(f"skipped {change.commit[:7]} {change.path}: {error}", err=True)
    click.echo(result.summary())
