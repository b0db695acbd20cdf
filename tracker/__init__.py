"""tracker: a version tracker for negotiated texts."""

__version__ = "0.1.0"
