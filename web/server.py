"""How ``tracker serve`` runs the app under waitress: the settings that keep one slow or
hostile client from taking the server from everyone else.

waitress reads requests on one I/O thread and hands complete ones to ``threads`` workers,
so a slow client holds only a connection, never a worker. What it cannot do by default:
its connection limit is 100 (a hundred sockets sending one header line every few seconds
stopped it accepting anyone) and it waits on select(), which cannot watch a socket numbered
above 1024. Here: poll(), a limit of 1,000 connections (raised file-descriptor limit
permitting), idle connections closed after 30 s, headers capped at 64 kB and bodies at the
largest accepted version plus form overhead.
"""

from __future__ import annotations

from typing import Any

CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT = 30  # seconds a connection may stay silent (waitress: 120)
CLEANUP_INTERVAL = 10  # how often idle connections are looked for (waitress: 30)
MAX_HEADER_BYTES = 64 * 1024  # waitress: 256 kB


def _open_files_allowed(wanted: int) -> int:
    """Raise the soft limit on open files towards ``wanted`` (a connection is a file
    descriptor) and return how many connections fit, keeping room for the database."""
    try:
        import resource
    except ImportError:  # not on this platform: trust the default
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + 64
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return wanted if soft == resource.RLIM_INFINITY else max(16, min(wanted, soft - 64))


def options(
    *,
    threads: int,
    max_body: int,
    connection_limit: int = CONNECTION_LIMIT,
    trusted_proxy: str | None = None,
) -> dict[str, Any]:
    """waitress.serve keyword arguments (see the waitress documentation, "Arguments")."""
    opts: dict[str, Any] = {
        "threads": threads,
        "ident": "tracker",
        "asyncore_use_poll": True,
        "connection_limit": _open_files_allowed(connection_limit),
        "channel_timeout": CHANNEL_TIMEOUT,
        "cleanup_interval": CLEANUP_INTERVAL,
        "max_request_header_size": MAX_HEADER_BYTES,
        "max_request_body_size": max_body,
    }
    if trusted_proxy:
        # Behind a reverse proxy: believe its X-Forwarded-* headers (client address,
        # scheme, host), and only from that address; drop them from anyone else.
        opts |= {
            "trusted_proxy": trusted_proxy,
            "trusted_proxy_count": 1,
            "trusted_proxy_headers": "x-forwarded-for x-forwarded-host x-forwarded-proto "
            "x-forwarded-port",
            "clear_untrusted_proxy_headers": True,
        }
    return opts
