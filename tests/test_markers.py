"""The `browser` marker: a plain `pytest` without chromium skips those tests with a
reason; with CI or TRACKER_BROWSER_TESTS=1 nothing skips them, so a missing browser
fails. The decision is checked whatever this machine has installed, and the hook itself
in an inner pytest run whose chromium path points nowhere. The `bench` marker: tests that
run a script of bench/ are skipped, with the reason, where there is no bench/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, bench_skip_reason, browser_required, browser_skip_reason


@pytest.fixture
def present(tmp_path: Path) -> Path:
    path = tmp_path / "chromium"
    path.write_text("#!/bin/sh\n")
    return path


@pytest.fixture
def absent(tmp_path: Path) -> Path:
    return tmp_path / "no-chromium"


def test_missing_browser_skips_a_plain_run(absent: Path) -> None:
    reason = browser_skip_reason(absent, {})
    assert reason is not None and f"no browser at {absent}" in reason


def test_present_browser_runs(present: Path) -> None:
    assert browser_skip_reason(present, {}) is None


@pytest.mark.parametrize(
    "env", [{"CI": "true"}, {"CI": "1"}, {"TRACKER_BROWSER_TESTS": "1"}], ids=str
)
def test_required_never_skips(absent: Path, present: Path, env: dict[str, str]) -> None:
    assert browser_required(env)
    assert browser_skip_reason(absent, env) is None
    assert browser_skip_reason(present, env) is None
    # Not even when asked to: CI must really run them.
    assert browser_skip_reason(absent, {**env, "TRACKER_SKIP_BROWSER": "1"}) is None


@pytest.mark.parametrize("env", [{"CI": ""}, {"TRACKER_BROWSER_TESTS": "0"}], ids=str)
def test_empty_or_off_is_not_required(absent: Path, env: dict[str, str]) -> None:
    assert not browser_required(env)
    assert browser_skip_reason(absent, env) is not None


def test_explicit_skip_where_not_required(present: Path) -> None:
    assert browser_skip_reason(present, {"TRACKER_SKIP_BROWSER": "1"}) == "TRACKER_SKIP_BROWSER=1"


INNER_CONFTEST = f"""
import importlib.util
import sys
from pathlib import Path

spec = importlib.util.spec_from_file_location("real_conftest", {str(ROOT / "tests/conftest.py")!r})
real = sys.modules["real_conftest"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(real)
real.CHROMIUM = Path("/nonexistent/chromium")
pytest_collection_modifyitems = real.pytest_collection_modifyitems
"""

INNER_TEST = """
import pytest


@pytest.mark.browser
def test_in_a_browser():
    pass


def test_elsewhere():
    pass
"""


def inner_run(
    tmp_path: Path, env: dict[str, str], conftest: str = INNER_CONFTEST, test: str = INNER_TEST
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text(conftest)
    (tmp_path / "test_inner.py").write_text(test)
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\naddopts = --strict-markers\nmarkers =\n    browser: b\n    bench: b\n"
    )
    import os

    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CI", "TRACKER_BROWSER_TESTS", "TRACKER_SKIP_BROWSER")
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-rs", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, env={**base, **env}, timeout=120,
    )  # fmt: skip


def test_the_hook_skips_browser_tests_without_a_browser(tmp_path: Path) -> None:
    r = inner_run(tmp_path, {})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 passed, 1 skipped" in r.stdout
    assert "no browser at /nonexistent/chromium" in r.stdout


def test_the_hook_leaves_them_to_run_in_ci(tmp_path: Path) -> None:
    r = inner_run(tmp_path, {"CI": "true"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 passed" in r.stdout and "skipped" not in r.stdout


def test_bench_tests_run_where_bench_is() -> None:
    assert bench_skip_reason(ROOT / "bench") is None
    assert bench_skip_reason(ROOT / "no-bench") == f"no benchmark scripts at {ROOT / 'no-bench'}"


INNER_BENCH_TEST = """
import pytest


@pytest.mark.bench
def test_a_bench_script():
    pass


def test_elsewhere():
    pass
"""


def test_the_hook_skips_bench_tests_without_bench(tmp_path: Path) -> None:
    conftest = INNER_CONFTEST.replace(
        'real.CHROMIUM = Path("/nonexistent/chromium")', 'real.BENCH = Path("/nonexistent/bench")'
    )
    r = inner_run(tmp_path, {}, conftest, INNER_BENCH_TEST)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 passed, 1 skipped" in r.stdout
    assert "no benchmark scripts at /nonexistent/bench" in r.stdout
    r = inner_run(tmp_path, {}, INNER_CONFTEST, INNER_BENCH_TEST)
    assert "2 passed" in r.stdout and "skipped" not in r.stdout
