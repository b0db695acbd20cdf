"""One :class:`~tracker.store.Store` per request, opened on first use and closed on
teardown (a Store is not shared between threads).

A GET or HEAD request reads inside one read transaction: a page built from several
queries sees one state of the database while writers commit (without it, a timeline read
between two statements of an add showed steps of versions it had not listed, and raised
KeyError). Reads never write."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request

from tracker.store import Store

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_db() -> Store:
    """The request's Store (opened lazily; a snapshot for reading requests)."""
    if "store" not in g:
        g.store = Store(current_app.config["DATABASE"])
        if has_request_context() and request.method in READ_METHODS:
            g.store.begin_read()
    return g.store


def close_db(exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
