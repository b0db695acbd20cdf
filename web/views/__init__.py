"""Blueprints: ``browse`` (documents, versions, provisions, search, figures, feeds),
``diff``, ``add`` (the only form that writes) and ``api`` (JSON under ``/api/``)."""
