"""Shared fixtures: the sample versions, the ``tracker`` CLI run in-process (Click's
CliRunner) and through its console script, and a row-level snapshot of a database file."""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import sqlite3
import struct
import subprocess
import sys
import termios
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import cli

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ROOT / "versions"
TRACKER_ENV = ("TRACKER_DB", "TRACKER_MAX_BYTES")
# The browser the `browser` tests drive (Debian's chromium, through Playwright).
CHROMIUM = Path("/usr/bin/chromium")


# --- markers: `browser` tests skip where there is no browser, except where they must run --


def browser_required(env: Mapping[str, str]) -> bool:
    """CI (any CI=... such as CI=true) or TRACKER_BROWSER_TESTS=1: the browser tests must
    run, and a missing browser fails them instead of skipping them."""
    return bool(env.get("CI")) or env.get("TRACKER_BROWSER_TESTS") == "1"


def browser_skip_reason(chromium: Path, env: Mapping[str, str]) -> str | None:
    """Why the ``browser`` tests are skipped here, or None when they run. A plain
    ``pytest`` on a machine without chromium skips them (saying so in the summary);
    where they are required, nothing skips them: a missing browser is a failure."""
    if browser_required(env):
        return None
    if env.get("TRACKER_SKIP_BROWSER") == "1":
        return "TRACKER_SKIP_BROWSER=1"
    if not chromium.exists():
        return (
            f"no browser at {chromium} (make browser installs it; CI=true or "
            "TRACKER_BROWSER_TESTS=1 makes its absence a failure)"
        )
    return None


# --- markers: `bench` tests run a script of bench/, which only a checkout has -------------

BENCH = ROOT / "bench"


def bench_skip_reason(bench: Path) -> str | None:
    """Why the ``bench`` tests are skipped here (no bench/ beside the tests: an installed
    copy of the tests, say), or None when they run."""
    return None if bench.is_dir() else f"no benchmark scripts at {bench}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for marker, reason in (
        ("browser", browser_skip_reason(CHROMIUM, os.environ)),
        ("bench", bench_skip_reason(BENCH)),
    ):
        if reason is None:
            continue
        skip = pytest.mark.skip(reason=reason)
        for item in items:
            if item.get_closest_marker(marker):
                item.add_marker(skip)


def require_chromium() -> str:
    """The browser's path for Playwright, failing the test when it is missing (only
    reached where the browser tests are required, or where it exists)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"no browser at {CHROMIUM}: install Debian's chromium (make browser, or "
            "apt-get install chromium); without CI or TRACKER_BROWSER_TESTS=1 these "
            "tests are skipped instead"
        )
    return str(CHROMIUM)


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium per test module, driven by Playwright."""
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def watched_page(  # type: ignore[no-untyped-def]
    browser, base_url: str, viewport: Mapping[str, int], resources: bool = False, **extra
) -> Iterator[object]:
    """A page in a fresh browser context that fails the test, once closed, on any script
    error or Content-Security-Policy violation, and with ``resources`` on any stylesheet,
    script or icon that did not load (a 4xx or 5xx answer to anything but the page)."""
    context = browser.new_context(viewport=dict(viewport), base_url=base_url, **extra)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    if resources:
        page.on(
            "response",
            lambda r: (
                errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )
    yield page
    context.close()
    assert not errors, errors


@dataclass(frozen=True)
class Outcome:
    """What one CLI run did."""

    code: int
    stdout: str
    stderr: str


def tracker_executable() -> str:
    """The ``tracker`` console script of the running interpreter's environment."""
    found = shutil.which("tracker", path=str(Path(sys.executable).parent)) or shutil.which(
        "tracker", path=str(Path(sys.prefix) / "bin")
    )
    assert found, f"no tracker console script next to {sys.executable}"
    return found


def db_snapshot(path: Path) -> tuple[int, list[str]] | None:
    """Schema version and every row of every table (SQL dump), or None without a file."""
    if not Path(path).exists():
        return None
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0], list(con.iterdump())
    finally:
        con.close()


def table_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("documents", "versions", "provisions", "texts", "texts_fts")
        }
    finally:
        con.close()


@pytest.fixture
def versions_dir() -> Path:
    return VERSIONS


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "history.db"


@pytest.fixture
def invoke(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Outcome]:
    """Run the CLI in-process: ``invoke("list")`` runs ``tracker --db <db> list``.
    ``use_db=False`` leaves ``--db`` out; ``input`` feeds stdin; ``env`` adds variables."""
    for name in TRACKER_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def run(
        *args: object,
        input: str | bytes | None = None,
        env: dict[str, str] | None = None,
        use_db: bool = True,
    ) -> Outcome:
        argv = (["--db", str(db)] if use_db else []) + [str(a) for a in args]
        result = runner.invoke(cli, argv, input=input, env=env, catch_exceptions=False)
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def script(db: Path, tmp_path: Path) -> Callable[..., Outcome]:
    """Run the installed ``tracker`` console script in a subprocess (same interface as
    :func:`invoke`); the working directory is the test's tmp dir."""
    exe = tracker_executable()
    base_env = {k: v for k, v in os.environ.items() if k not in TRACKER_ENV}

    def run(
        *args: object,
        input: str | bytes | None = None,
        env: dict[str, str] | None = None,
        use_db: bool = True,
    ) -> Outcome:
        argv = [exe] + (["--db", str(db)] if use_db else []) + [str(a) for a in args]
        data = input.encode("utf-8") if isinstance(input, str) else input
        proc = subprocess.run(
            argv,
            input=data if data is not None else b"",
            capture_output=True,
            env={**base_env, **(env or {})},
            cwd=tmp_path,
            timeout=60,
        )
        return Outcome(
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )

    return run


@pytest.fixture
def snapshot() -> Callable[[Path], tuple[int, list[str]] | None]:
    """``snapshot(path)``: see :func:`db_snapshot`."""
    return db_snapshot


@pytest.fixture
def counts() -> Callable[[Path], dict[str, int]]:
    """``counts(path)``: rows in documents, versions, provisions and the FTS index."""
    return table_counts


@pytest.fixture
def tracker_exe() -> str:
    """Path of the ``tracker`` console script (for tests that start several at once)."""
    return tracker_executable()


@pytest.fixture(scope="module")
def samples_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with ``versions/`` imported, built once per test module: copy it with
    :func:`sample_db`, never write to it."""
    path = tmp_path_factory.mktemp("samples") / "samples.db"
    result = CliRunner().invoke(
        cli,
        ["--db", str(path), "import", str(VERSIONS)],
        env={name: None for name in TRACKER_ENV},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert not Path(f"{path}-wal").exists()  # fully checkpointed: the file alone is the db
    return path


@pytest.fixture
def sample_db(samples_template: Path, db: Path) -> Path:
    """The test's database (``db``), holding the sample versions."""
    shutil.copyfile(samples_template, db)
    return db


# --- a live `tracker serve` for the browser tests ----------------------------------------


@dataclass(frozen=True)
class LiveServer:
    """A ``tracker serve`` subprocess on 127.0.0.1 over a copy of the sample versions."""

    url: str
    db: Path
    log: Path


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Import ``versions/`` with the console script, start ``tracker serve`` on a free
    port, wait until it answers; stopped after the last test."""
    import time
    import urllib.error
    import urllib.request

    exe = tracker_executable()
    tmp = tmp_path_factory.mktemp("live")
    db_path, log = tmp / "live.db", tmp / "serve.log"
    env = {k: v for k, v in os.environ.items() if k not in TRACKER_ENV}
    imported = subprocess.run(
        [exe, "--db", str(db_path), "import", str(VERSIONS)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    port = _free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [exe, "--db", str(db_path), "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"tracker serve exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"tracker serve did not answer on {url} in 30 s:\n{log.read_text()}")
            time.sleep(0.1)
        yield LiveServer(url, db_path, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def run_on_terminal(args: list[str], stderr_tty: bool) -> str:
    """stderr of a console-script run, stderr a pseudo-terminal (80 columns) or a pipe."""
    env = {k: v for k, v in os.environ.items() if k not in TRACKER_ENV}
    if not stderr_tty:
        proc = subprocess.run(args, capture_output=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stderr.decode()
    main, child = pty.openpty()
    # A terminal 80 columns wide (a fresh pseudo-terminal has 0, where tqdm draws nothing).
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    try:
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=child, env=env)
        os.close(child)
        chunks = []
        while True:
            try:
                data = os.read(main, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        assert proc.wait(timeout=120) == 0
    finally:
        os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")
