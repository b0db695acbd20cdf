"""The library's exceptions. Each carries the offending value in its message;
the CLI prints them as ``error: ...`` and the web layer as a 4xx page."""


class TrackerError(Exception):
    """Base class: a problem with the user's input or request, never a bug."""

    status = 400


class InputError(TrackerError):
    """A file or text that cannot be read as a version (empty, binary, too big...)."""


class TooLarge(InputError):
    status = 413


class DateError(TrackerError):
    """A timestamp that cannot be parsed, or is ambiguous."""


class NotFound(TrackerError):
    """An unknown document, label or provision."""

    status = 404


class Conflict(TrackerError):
    """A duplicate label, or text identical to a stored version."""

    status = 409


class QueryError(TrackerError):
    """A bad search or SQL query, refused write, or a query that ran too long."""
