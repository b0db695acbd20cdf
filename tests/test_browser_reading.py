"""Reading in a real browser: changes first, moves at both ends, copy links, keyboard use,
search as typed, and axe-core on every page type at desktop width, with screenshots at
desktop (1280x800) and phone (390x844) widths in ``test-artifacts/``.

One Chromium for the module; marked ``browser`` like test_browser.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import watched_page

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
DIFF = "/d/peace-plan/diff/us-28..framework-20"
STEP = "/d/peace-plan/diff/eu-counter..framework-20"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser  # skipped or required: see the hook in conftest

# Every page type: (name, address, expected status).
PAGES = [
    ("home", "/", 200),
    ("document", "/d/peace-plan", 200),
    ("version", "/d/peace-plan/v/framework-20", 200),
    ("diff", DIFF, 200),
    # axe takes seconds on a long diff: the other diff views are checked on a short one.
    ("diff-all-inline", "/d/wire-report/diff/first..corrected?view=inline&changes=0", 200),
    ("provision", "/d/peace-plan/p/4?at=framework-20", 200),
    ("blame", "/d/peace-plan/p/4?at=framework-20&view=blame", 200),
    ("figures", "/d/peace-plan/figures", 200),
    ("search", "/search?q=600%2C000", 200),
    ("search-error", "/search?q=%22open&advanced=1", 400),
    ("add", "/add", 200),
    ("not-found", "/d/peace-plan/v/no-such-label", 404),
]


def _page(browser, live_server, viewport: dict, **extra) -> Iterator[object]:  # type: ignore[no-untyped-def]
    yield from watched_page(browser, live_server.url, viewport, **extra)


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    yield from _page(browser, live_server, DESKTOP)


@pytest.fixture
def phone(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    yield from _page(browser, live_server, PHONE, is_mobile=True, has_touch=True)


def shot(page, name: str, full_page: bool = False) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page, animations="disabled")


def serious(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's serious and critical violations on the page (every rule axe runs by
    default). axe is put in each page by an init script (see axe_page), which costs a
    fraction of evaluating it anew after every navigation."""
    results = page.evaluate("axe.run({resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def axe_page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.add_init_script(Axe().axe_script)  # axe-core as shipped in the package
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def luminance(rgb: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", rgb)[:3])

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# --- axe-core and screenshots ---------------------------------------------------------------


PHONE_SHOTS = ("home", "document", "diff", "blame", "search", "add")


def test_axe_finds_nothing_serious_on_any_page_type(axe_page, phone) -> None:  # type: ignore[no-untyped-def]
    page = axe_page
    found = {}
    for name, path, status in PAGES:
        response = page.goto(path)
        assert response.status == status, path
        found[name] = serious(page)
        shot(page, f"read-{name}-desktop")
        if name in PHONE_SHOTS:
            phone.goto(path)
            assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            shot(phone, f"read-{name}-phone")
    # The add form with an error, after a real submission.
    page.goto("/add")
    page.fill("#label", "x-axe")
    page.fill("#date", "03.04.2025")
    page.fill("#text", "1. A point.\n")
    page.get_by_role("button", name=re.compile("Add")).click()
    page.locator("#form-error").wait_for()
    assert page.locator("#date").get_attribute("aria-describedby") == "form-error"
    found["add-error"] = serious(page)
    shot(page, "read-add-error-desktop")
    assert not any(found.values()), {k: v for k, v in found.items() if v}


# --- the diff page --------------------------------------------------------------------------


def test_changes_come_first(page, phone) -> None:  # type: ignore[no-untyped-def]
    for p, height in ((page, DESKTOP["height"]), (phone, PHONE["height"])):
        p.goto(DIFF)
        first = p.locator('.row[data-changed="1"]').first
        assert first.bounding_box()["y"] < height, "the first change is below the first screen"
    # Renumber-only rows fold into runs; a run opens on demand.
    page.goto(STEP)
    run = page.locator(".run").first
    toggle = run.locator(".run-toggle")
    assert re.match(r"\d+ unchanged provisions?", toggle.inner_text())
    hidden = run.locator(".row").first
    assert not hidden.is_visible()
    toggle.click()
    assert hidden.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert not hidden.is_visible()
    # n/p show the place among the changes.
    n = int(page.locator("#diff").get_attribute("data-changes"))
    page.keyboard.press("n")
    page.keyboard.press("n")
    assert page.locator("#pos").inner_text() == f"2 of {n}"
    shot(page, "read-diff-step-n2")


def test_a_link_to_a_folded_row_unfolds_it(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(STEP)
    folded = page.locator(".run .row").first.get_attribute("id")
    page.goto(STEP + "#" + folded)
    row = page.locator("#" + folded)
    assert row.is_visible()
    assert page.evaluate("document.activeElement.id") == folded


def test_copy_link_per_provision(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(DIFF)
    page.locator("#new-4 .copy-link").click()
    page.locator("#copied").filter(has_text="#new-4").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == live_server.url + DIFF + "#new-4"
    # Each provision is a heading of its own.
    assert page.get_by_role("heading", name=re.compile(r"^#?4 modified")).count() == 1
    context.close()


def test_moves_link_both_ends(page) -> None:  # type: ignore[no-untyped-def]
    for view in ("side", "inline"):
        page.goto(f"{DIFF}?view={view}")
        marker = page.locator("#was-16")
        assert marker.is_visible() and "moved to 6" in marker.inner_text()
        marker.get_by_role("link").click()
        assert page.url.endswith("#new-6")
        assert page.locator("#new-6").is_visible()
        page.locator("#new-6 a.moved").click()
        assert page.url.endswith("#was-16")
    shot(page, "read-moved-marker")


# --- keyboard and focus ---------------------------------------------------------------------


def test_keyboard_reaches_every_control_with_a_visible_ring(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(DIFF)
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const e = document.activeElement, s = getComputedStyle(e);
            let bg = 'rgb(255, 255, 255)', p = e.parentElement;
            while (p) { const c = getComputedStyle(p).backgroundColor;
              if (c && c !== 'rgba(0, 0, 0, 0)') { bg = c; break; } p = p.parentElement; }
            return {tag: e.tagName, cls: e.className, text: e.textContent.trim().slice(0, 30),
                    outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                    color: s.outlineColor, bg}; }"""
        )
        seen.append(info)
        assert info["outline"] != "none" and info["width"] >= 2, info
        assert contrast(info["color"], info["bg"]) >= 3, info
    texts = " ".join(i["text"] for i in seen)
    for control in ("Side by side", "Inline", "modified", "previous", "next"):
        assert control in texts, control
    # A count filter works from the keyboard.
    button = page.locator(".count.k-removed button")
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "true"
    shown = page.locator(".row").filter(visible=True).count()
    assert shown == int(button.locator(".n").inner_text())


def test_blame_is_reachable_by_keyboard_and_numbered(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/d/peace-plan/p/4?at=framework-20&view=blame")
    runs = page.locator("a.blame-run")
    assert runs.count() >= 2
    runs.first.focus()
    page.keyboard.press("Tab")
    assert "blame-run" in page.evaluate("document.activeElement.className")
    # Not by colour alone: each run carries its version's number from the legend.
    legend = page.locator(".blame-legend li").all_inner_texts()
    tag = runs.nth(1).locator(".blame-tag").inner_text()
    assert any(item.split()[0] == tag for item in legend)


# --- search ---------------------------------------------------------------------------------


def test_search_figures_as_typed(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    for query in ("600,000", "$100 billion", "non-aggression"):
        page.fill("#site-q", query)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("#q").input_value() == query
        assert page.locator(".hit").count() >= 1, query
        assert page.locator(".form-error").count() == 0
    # Advanced mode parses FTS5 syntax, and reports a syntax error against the field.
    page.goto("/search?q=Zaporizhzhia+NOT+IAEA&advanced=1")
    assert page.locator(".hit").count() >= 1
    page.goto("/search?q=%22open&advanced=1")
    assert page.locator("#q").get_attribute("aria-describedby") == "search-error"


# --- times ----------------------------------------------------------------------------------


def test_times_in_the_readers_zone_with_utc_on_hover(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport=DESKTOP, base_url=live_server.url, timezone_id="America/New_York"
    )
    page = context.new_page()
    page.goto("/d/wire-report")
    first = page.locator("#v-first time")
    # Filed at 14:05 UTC: 09:05 in New York, the stored time on hover.
    assert first.inner_text() == "20 Nov 2025, 09:05 EST"
    assert first.get_attribute("title") == "stored as 2025-11-20 14:05 UTC"
    # A date given without a time stays that date in every zone.
    page.goto("/d/peace-plan")
    assert page.locator("#v-us-28 time").inner_text() == "20 Nov 2025"
    context.close()


# --- taking it away: Word redline and print ---------------------------------------------------


def test_redline_download_and_print_stylesheet(page) -> None:  # type: ignore[no-untyped-def]
    import io

    from docx import Document
    from docx.oxml.ns import qn

    page.goto(DIFF)
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Word redline")).click()
    download = info.value
    assert download.suggested_filename == "peace-plan-us-28-framework-20.docx"
    doc = Document(io.BytesIO(Path(download.path()).read_bytes()))
    assert any(True for _ in doc.element.body.iter(qn("w:ins")))
    assert any(True for _ in doc.element.body.iter(qn("w:del")))
    # On paper: no toolbar or site chrome, changes marked by line as well as colour.
    page.emulate_media(media="print")
    assert not page.locator("#diff-toolbar").is_visible()
    assert not page.locator("header.site").is_visible()
    deleted = page.locator("#new-4 .cell.old del").first
    assert "line-through" in deleted.evaluate("e => getComputedStyle(e).textDecorationLine")
    shot(page, "read-diff-print", full_page=False)
    page.emulate_media(media="screen")


# --- a big document -----------------------------------------------------------------------------


def test_folded_runs_of_a_big_diff_load_on_demand(browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from tracker import ingest
    from tracker.sources import read_bytes
    from tracker.store import Store

    db = tmp_path / "big.db"
    with Store(db) as store:
        for label, word, at in (("a", "original", "2026-01-01"), ("b", "amended", "2026-01-02")):
            text = "".join(
                f"{i}. Clause {i} keeps its {word if i % 6 == 0 else 'original'} wording.\n"
                for i in range(1, 1601)
            )
            ingest.add_version(store, "big", read_bytes(text.encode(), "t"), at=at, label=label)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = shutil.which("tracker", path=str(Path(sys.executable).parent)) or "tracker"
    proc = subprocess.Popen(
        [exe, "--db", str(db), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        context = browser.new_context(viewport=DESKTOP, base_url=url)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto("/d/big/diff/a..b")
        run_id = page.locator(".run.lazy").first.get_attribute("id")
        run = page.locator("#" + run_id)
        assert run.locator(".row").count() == 0  # sent empty
        count = int(run.get_attribute("data-count"))
        run.locator(".run-toggle").click()
        run.locator(".row").first.wait_for()
        assert run.locator(".row").count() == count
        assert run.locator(".row").first.is_visible()
        assert "lazy" not in run.get_attribute("class")
        assert run.locator(".row .cell.old .text").first.inner_text().startswith("Clause")
        shot(page, "read-big-diff-run-open")
        # A shared link to a row folded away, or on another page, still lands on it.
        for wanted in ("new-9", "new-1597"):
            page.goto("/d/big/diff/a..b#" + wanted)
            page.wait_for_url(re.compile(r"row=" + wanted))
            page.locator("#" + wanted).wait_for()
            assert page.locator("#" + wanted).is_visible()
            assert page.evaluate("document.activeElement.id") == wanted
        assert not errors, errors
        context.close()
    finally:
        proc.terminate()
        proc.wait(10)
