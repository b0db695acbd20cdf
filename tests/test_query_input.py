"""`tracker query` takes SQL as typed: starting with a `--` comment, after `--`, or from
stdin with `-`; the README's three queries run as printed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from conftest import ROOT, Outcome

COMMENTED = "-- how many versions?\nSELECT count(*) AS n FROM versions"


def readme_queries() -> list[str]:
    (sql,) = re.findall(r"```sql\n(.*?)```", (ROOT / "README.md").read_text("utf-8"), re.S)
    return [q.strip() for q in sql.split(";") if q.strip()]


def rows(r: Outcome) -> list[list]:
    assert r.code == 0, r.stderr
    return json.loads(r.stdout)["rows"]


def test_sql_starting_with_a_comment_is_sql_not_an_option(
    invoke: Callable[..., Outcome], sample_db: Path
) -> None:
    assert rows(invoke("query", COMMENTED, "--json")) == [[8]]
    assert rows(invoke("query", "--json", COMMENTED)) == [[8]]


def test_sql_after_a_double_dash(invoke: Callable[..., Outcome], sample_db: Path) -> None:
    assert rows(invoke("query", "--json", "--", COMMENTED)) == [[8]]


def test_sql_from_stdin(invoke: Callable[..., Outcome], sample_db: Path) -> None:
    assert rows(invoke("query", "-", "--json", input=COMMENTED + ";\n")) == [[8]]


def test_an_unknown_option_is_still_an_error(
    invoke: Callable[..., Outcome], sample_db: Path
) -> None:
    r = invoke("query", "--jsn", "SELECT 1")
    assert r.code == 2 and "No such option" in r.stderr


def test_the_readme_queries_run_as_printed(
    invoke: Callable[..., Outcome], script: Callable[..., Outcome], sample_db: Path
) -> None:
    queries = readme_queries()
    assert len(queries) == 3 and all(q.startswith("--") for q in queries)
    answers = [rows(invoke("query", q, "--json")) for q in queries]
    assert all(answers), "every README query answers something on the samples"
    # The console script too (a shell passes the argument unchanged), and from stdin.
    assert rows(script("query", queries[1], "--json")) == answers[1]
    assert rows(script("query", "-", "--json", input=queries[2])) == answers[2]
