"""The command line's shared parts: the ``tracker`` group and its options, the context
every command gets (the store, opened lazily), error translation at the edge and the
output helpers. Command modules (:mod:`tracker.cli`, :mod:`tracker.cli_history`) import
this one and never each other; the entry point imports them so their commands register.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .errors import NotFound, TrackerError
from .sources import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from .store import Store

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

    def existing_db(self) -> str:
        """The database path, for a command that only reads: a missing file is an error
        rather than a new empty database (a mistyped --db would otherwise answer "no
        documents" and leave a stray file behind)."""
        if self._store is None and not Path(self.db_path).exists():
            raise NotFound(
                f"no database at {self.db_path} (add a version first, or check --db / TRACKER_DB)"
            )
        return self.db_path

    @property
    def reader(self) -> Store:
        """The store inside one read transaction: everything a read command prints comes
        from one state of the database, whatever writers commit meanwhile. Refuses a
        database that does not exist (:meth:`existing_db`); writers use :attr:`store`."""
        self.existing_db()
        store = self.store
        store.begin_read()
        return store

    def close(self) -> None:
        if self._store is not None:
            # A command (unlike a page view) may write: what it computed while reading is
            # cached now that its read transaction is over (tracker diff of two versions
            # that are not neighbours answers from the cache the next time).
            self._store.flush_diffs()
            self._store.close()


pass_ctx = click.make_pass_decorator(Context)


class Failure(click.ClickException):
    """A library error as the CLI reports it: ``error: ...`` on stderr, exit 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.message}", err=True)


class Group(click.Group):
    """Translates library errors at the edge, for every subcommand (so CliRunner and the
    console script behave the same), and loads the command modules named in
    ``lazy_modules`` only when a command they define is asked for (Click's lazy group
    pattern): ``tracker diff`` does not pay for importing every command."""

    lazy_modules: tuple[str, ...] = ()

    def _load_lazy(self) -> None:
        import importlib

        for name in self.lazy_modules:
            importlib.import_module(name)  # registers its commands on this group

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            self._load_lazy()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_lazy()
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrackerError as exc:
            raise Failure(str(exc)) from None
        except BrokenPipeError:
            # `tracker show ... | head`: the reader went away; not worth a traceback.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)


def color_setting(choice: str, no_color: str) -> bool | None:
    """--color as Click's ``color`` (None: decided per stream). Following no-color.org, a
    non-empty NO_COLOR turns colour off, and an explicit --color always overrides it."""
    if choice == "always":
        return True
    if choice == "never" or no_color:
        return False
    return None


def color_on() -> bool:
    """Whether this command colours stdout (for output not written through click.echo's
    stripping, such as search's highlight marks)."""
    ctx = click.get_current_context(silent=True)
    color = ctx.color if ctx is not None else None
    return sys.stdout.isatty() if color is None else color


# --- shell completion ------------------------------------------------------------------
# Click calls these while the shell completes a word (_TRACKER_COMPLETE=bash_complete...):
# the group callback has not run, so the database comes from the parsed --db (or
# TRACKER_DB, or the default). It is opened read-only (a missing file stays missing) and
# any failure completes nothing: a traceback would land in the middle of the prompt.


def _completion_db(ctx: click.Context) -> str:
    return ctx.find_root().params.get("db") or os.environ.get("TRACKER_DB") or DEFAULT_DB


def _complete(ctx: click.Context, incomplete: str, doc: str | None) -> list[str]:
    """Document names (``doc`` None) or the labels of ``doc`` starting with
    ``incomplete``; empty on any failure."""
    try:
        from .store import Store

        with Store(_completion_db(ctx), readonly=True) as store:
            if doc is None:
                names = [d.slug for d in store.documents()]
            else:
                names = [v.label for v in store.versions(doc)]
    except Exception:  # noqa: BLE001 - completion must never print a traceback
        return []
    return [n for n in names if n.startswith(incomplete)]


def complete_doc(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of a DOC argument or option: the stored document names."""
    return _complete(ctx, incomplete, None)


def complete_label(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of a LABEL (or --at LABEL): the labels of the DOC given before
    it; ``DOC:LABEL`` completes across documents."""
    if ":" in incomplete:
        return complete_ref(incomplete, ctx)
    # Completing `--at <TAB>` leaves the option without a value, which stops Click's
    # parsing before the arguments are assigned: DOC is then the first word left over.
    doc = ctx.params.get("doc") or (ctx.args[0] if ctx.args else None)
    return _complete(ctx, incomplete, doc) if doc else []


def complete_ref(incomplete: str, ctx: click.Context) -> list[str]:
    """``DOC:LAB`` completes to ``DOC:LABEL`` for the labels of DOC."""
    doc, _, label = incomplete.partition(":")
    return [f"{doc}:{x}" for x in _complete(ctx, label, doc)]


def complete_diff_arg(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """diff's words: a document first (or DOC:LABEL), then labels of that document."""
    if ":" in incomplete:
        return complete_ref(incomplete, ctx)
    if ctx.params.get("files"):
        return []  # files: the shell's own file completion is not offered through Click
    before: tuple[str, ...] = ctx.params.get("args") or ()
    if len(before) >= 2 and before[-1] == ":":
        # bash splits DOC:LAB at the colon (COMP_WORDBREAKS): LAB completes alone, as a
        # label of the DOC just before the colon.
        return _complete(ctx, incomplete, before[-2])
    if not before:
        return _complete(ctx, incomplete, None)
    first = before[0]
    return _complete(ctx, incomplete, first.split(":", 1)[0])


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
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the output: auto = only on a terminal and when NO_COLOR is unset or empty.",
)
@click.version_option(package_name="tracker")
@click.pass_context
def cli(ctx: click.Context, db: str, max_bytes: int, color: str) -> None:
    """Track versions of negotiated texts and see what changed, provision by provision.

    Shell completion of commands, options, document names and labels: add to ~/.bashrc

    \b
        eval "$(_TRACKER_COMPLETE=bash_source tracker)"

    (zsh: zsh_source in ~/.zshrc; fish: _TRACKER_COMPLETE=fish_source tracker | source).
    """
    ctx.obj = Context(db, max_bytes)
    # Click's own switch: every click.echo below strips styles when it is False, keeps
    # them when True, and asks the stream (terminal or not) when None.
    ctx.color = color_setting(color, os.environ.get("NO_COLOR", ""))
    ctx.call_on_close(ctx.obj.close)


# --- add / import ---------------------------------------------------------------------
