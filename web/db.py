"""One :class:`~tracker.store.Store` per request, opened on first use and closed on
teardown (a Store is not shared between threads)."""

from __future__ import annotations

from flask import Flask, current_app, g

from tracker.store import Store


def get_db() -> Store:
    """The request's Store (opened lazily)."""
    if "store" not in g:
        g.store = Store(current_app.config["DATABASE"])
    return g.store


def close_db(exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
