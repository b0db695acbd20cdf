"""The README stays true: its SQL examples run read-only on the sample versions and answer
what they claim, and its JSON example has the shape `tracker diff --format json` gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tracker import history

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_three_queries_answer_what_they_say(sample_db: Path) -> None:
    (sql,) = readme_blocks("sql")
    queries = [q.strip() for q in sql.split(";") if q.strip()]
    assert len(queries) == 3
    figures, dropped, mentions = (history.run_query(sample_db, q) for q in queries)

    rows = {(r[0], r[1]): (r[2], r[3]) for r in figures.rows}
    assert rows[("eu-counter", "6")] == ("600,000", "800,000")
    assert rows[("framework-20", "12")] == ("50:50", "50/50")

    paths = [r[0] for r in dropped.rows]
    # The fact sheet's dropped points that were still in the European draft.
    for point in ("4", "7", "8", "9", "13", "15", "17", "26"):
        assert point in paths

    versions = [(r[0], r[1]) for r in mentions.rows]
    assert ("peace-plan", "us-28") in versions and ("peace-plan", "framework-20") in versions
    assert ("geneva-talks", "report") not in versions


def test_json_example_matches_the_real_output(invoke, sample_db: Path) -> None:
    (example,) = readme_blocks("json")
    # The README shortens the headline with ", ..."; the rest is verbatim.
    shown = json.loads(example.replace(', ..."', '"'))
    real = json.loads(invoke("diff", "peace-plan", "us-28", "framework-20", "--json").stdout)
    assert shown["summary"] == real["summary"]
    assert shown["from"] == real["from"] and shown["to"] == real["to"]
    (cap,) = [c for c in real["changes"] if [p["number"] for p in c["new"]] == ["4"]]
    assert shown["changes"][0] == cap
    assert real["headline"].startswith(shown["headline"].rstrip("."))
