"""The history's read side in one import: lineage and blame, figures, search and SQL,
export. Each lives in a module of its own (:mod:`tracker.lineage`, :mod:`tracker.figures`,
:mod:`tracker.query`, :mod:`tracker.export`), above the write side that links versions
(:mod:`tracker.links`); this module only gathers their public names for the CLI and the
web UI.
"""

from __future__ import annotations

from .export import (  # noqa: F401
    EXPORT_FORMAT,
    EXPORT_VERSION,
    export,
    import_export,
)
from .figures import (  # noqa: F401
    Figure,
    figures,
)
from .lineage import (  # noqa: F401
    Blame,
    Entry,
    Lineage,
    Run,
    blame,
    lineage,
)
from .links import (  # noqa: F401
    ENGINE,
    LinkPlan,
    TimelineEntry,
    ensure_links,
    is_linked,
    link_version,
    plan_links,
    relink,
    relink_many,
    timeline,
)
from .query import (  # noqa: F401
    MAX_TIMEOUT,
    QUERY_HEAP_LIMIT,
    QUERY_MAX_RESULT,
    QUERY_MAX_VALUE,
    SEARCH_CANDIDATES,
    SEARCH_MAX_CHARS,
    SEARCH_SECONDS,
    Hit,
    QueryResult,
    check_timeout,
    lower_heap_limit,
    run_query,
    search,
)
