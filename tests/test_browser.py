"""End to end in a real browser: Debian's chromium driven by Playwright against a live
``tracker serve`` over the sample versions (the ``live_server`` fixture in conftest).

Screenshots of every page go to ``test-artifacts/`` at the repository root. Marked
``browser``: skipped where /usr/bin/chromium is missing (or with TRACKER_SKIP_BROWSER=1),
except with CI=true or TRACKER_BROWSER_TESTS=1, where a missing browser fails the run.
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

# Skipped where there is no chromium, unless CI or TRACKER_BROWSER_TESTS=1 require them
# (then a missing browser fails): see the collection hook in conftest.
pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    # No script errors, no Content-Security-Policy violations and no missing stylesheet,
    # script or icon on any page visited.
    yield from watched_page(browser, live_server.url, {"width": 1280, "height": 900},
                            resources=True)  # fmt: skip


@pytest.fixture
def phone(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def shot(page, name: str, full_page: bool = True) -> Path:  # type: ignore[no-untyped-def]
    """Save a screenshot (the whole page unless asked for the visible part only)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, scale="css", animations="disabled")
    return path


def active_id(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate("document.activeElement && document.activeElement.id")


# --- the diff page --------------------------------------------------------------------------


def test_diff_marks_the_army_cap_in_framework_point_4(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(DIFF)
    row = page.locator("#new-4")
    row.wait_for()
    assert row.locator(".anchor").inner_text().strip() == "4"
    assert "6 → 4" in row.locator(".row-head").inner_text()
    old_del = row.locator(".cell.old del").filter(has_text="600,000")
    new_ins = row.locator(".cell.new ins").filter(has_text="800,000")
    assert old_del.count() >= 1 and old_del.first.is_visible()
    assert new_ins.count() >= 1 and new_ins.first.is_visible()
    # Marked by a line as well as by colour.
    assert "line-through" in old_del.first.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "underline" in new_ins.first.evaluate("e => getComputedStyle(e).textDecorationLine")
    # The summary bar and the figures table come first.
    assert page.locator(".summary-bar .count.k-removed .n").inner_text() != "0"
    figures = page.locator(".figures-box .fig-chip").filter(has_text="600,000")
    assert figures.locator("ins").filter(has_text="800,000").count() == 1
    shot(page, "diff")
    page.goto(DIFF + "#new-4")
    shot(page, "diff-row-4", full_page=False)


def test_inline_toggle_changes_the_layout(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(DIFF)
    row = page.locator("#new-4")
    old_cell, inline_cell = row.locator(".cell.old"), row.locator(".cell.inline")
    assert old_cell.is_visible() and not inline_cell.is_visible()
    side_width = old_cell.bounding_box()["width"]
    page.get_by_role("link", name="Inline").click()
    assert not old_cell.is_visible() and inline_cell.is_visible()
    assert inline_cell.bounding_box()["width"] > 1.6 * side_width
    # Inline mode interleaves the deletion and the insertion in one flow.
    assert inline_cell.locator("del").filter(has_text="600,000").count() == 1
    assert inline_cell.locator("ins").filter(has_text="800,000").count() == 1
    assert "view=inline" in page.url
    assert page.locator("#diff").get_attribute("class").split().count("view-inline") == 1
    row.scroll_into_view_if_needed()
    shot(page, "diff-inline", full_page=False)
    page.reload()  # the address keeps the choice
    assert inline_cell.is_visible()
    page.get_by_role("link", name="Side by side").click()
    assert old_cell.is_visible() and not inline_cell.is_visible()
    assert "view=inline" not in page.url


def test_n_and_p_move_focus_between_changes(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(DIFF)
    changed = page.locator('.row[data-changed="1"]')
    first, second = changed.nth(0).get_attribute("id"), changed.nth(1).get_attribute("id")
    page.keyboard.press("n")
    assert active_id(page) == first
    page.keyboard.press("n")
    assert active_id(page) == second
    assert page.url.endswith("#" + second)
    page.keyboard.press("p")
    assert active_id(page) == first
    # Focus lands on a change, never on an unchanged row.
    assert page.evaluate("document.activeElement.dataset.changed") == "1"
    # Opened at a row's anchor, n goes on from that row.
    page.goto("/")
    page.goto(DIFF + "#new-4")
    assert active_id(page) == "new-4"
    ids = changed.evaluate_all("rows => rows.map(r => r.id)")
    page.keyboard.press("n")
    assert active_id(page) == ids[ids.index("new-4") + 1]


def test_changes_only_filter(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(DIFF)
    rows = page.locator(".row")
    unchanged = page.locator('.row[data-changed="0"]')
    total = rows.count()
    # Changes first: the unchanged rows start folded away.
    assert page.get_by_label(re.compile("Changes only")).is_checked()
    assert unchanged.count() >= 1 and not unchanged.first.is_visible()
    page.get_by_label(re.compile("Changes only")).uncheck()
    assert unchanged.first.is_visible()
    assert "changes=0" in page.url
    page.get_by_label(re.compile("Changes only")).check()
    assert not unchanged.first.is_visible()
    visible = page.locator('.row[data-changed="1"]')
    assert visible.count() == total - unchanged.count()
    assert "changes=" not in page.url
    shot(page, "diff-changes-only", full_page=False)
    # The figures summary folds away.
    page.locator(".figures-box > summary").click()
    assert not page.locator(".figures-box .fig-chips").is_visible()
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "diff-overview", full_page=False)
    # The counts in the summary bar filter to one kind.
    removed = int(page.locator(".count.k-removed .n").inner_text())
    page.locator(".count.k-removed button").click()
    assert page.locator(".row").filter(visible=True).count() == removed
    assert page.locator(".row.k-removed").first.is_visible()
    page.get_by_role("button", name="Show all rows").click()
    assert page.locator(".row").filter(visible=True).count() == total - unchanged.count()


def test_diff_on_a_phone(phone) -> None:  # type: ignore[no-untyped-def]
    phone.goto(DIFF)
    row = phone.locator("#new-4")
    old_box = row.locator(".cell.old").bounding_box()
    new_box = row.locator(".cell.new").bounding_box()
    assert new_box["y"] > old_box["y"]  # stacked, not squeezed side by side
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    shot(phone, "diff-phone")


# --- provision history ----------------------------------------------------------------------


def test_follow_a_provision_history_link(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(DIFF)
    page.locator("#new-4 .history-link").filter(has_text="framework-20").click()
    page.wait_for_url(re.compile(r"/d/peace-plan/p/4\?at=framework-20"))
    assert "Provision 4 of framework-20" in page.locator("h1").inner_text()
    steps = page.locator(".lineage .step")
    assert steps.count() == 4
    assert "600,000" in steps.nth(0).inner_text()
    assert "800,000" in steps.nth(3).inner_text()
    shot(page, "provision")
    page.get_by_role("link", name="Blame").click()
    page.wait_for_url(re.compile("view=blame"))
    assert page.locator(".blame-run").count() >= 1
    shot(page, "provision-blame")


# --- adding a version -----------------------------------------------------------------------

NEW_TEXT = """\
Framework for ending the war in Ukraine (revised)

1. The sovereignty of Ukraine is reaffirmed.
2. Russia and Ukraine will conclude a non-aggression agreement.
3. Ukraine will receive strong security guarantees.
4. The armed forces of Ukraine will be maintained at a strength of 850,000 in peacetime.
5. Ukraine will become a member of the European Union on a defined date.
"""


def test_add_a_version_through_the_form(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/add?doc=peace-plan")
    # An error first: the form comes back with what was typed and the message.
    page.get_by_label("Label").fill("framework-rev")
    page.get_by_label("Date").fill("sometime next week")
    page.get_by_label("Paste the text").fill(NEW_TEXT)
    page.get_by_role("button", name="Add version").click()
    page.locator(".form-error").wait_for()
    assert "date" in page.locator(".form-error").inner_text().lower()
    assert page.get_by_label("Label").input_value() == "framework-rev"
    assert "850,000" in page.get_by_label("Paste the text").input_value()
    shot(page, "add-error")
    page.get_by_label("Date").fill("28 Dec 2025 10:00 Europe/Kyiv")
    shot(page, "add")
    page.get_by_role("button", name="Add version").click()
    page.wait_for_url(re.compile(r"/d/peace-plan/diff/framework-20\.\.framework-rev"))
    assert "Added framework-rev" in page.locator(".flash").inner_text()
    row = page.locator("#new-4")
    assert row.locator(".cell.old del").filter(has_text="800,000").count() == 1
    assert row.locator(".cell.new ins").filter(has_text="850,000").count() == 1
    shot(page, "add-result", full_page=False)


# --- search and the other pages -------------------------------------------------------------


def test_search_for_zaporizhzhia(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search all versions").first
    box.fill("Zaporizhzhia")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Zaporizhzhia"))
    marks = page.locator(".hit mark")
    assert marks.count() >= 3
    assert {m.lower() for m in marks.all_inner_texts()} == {"zaporizhzhia"}
    page.locator(".hit a").first.click()
    page.wait_for_url(re.compile(r"/d/[^/]+/v/[^#]+#p-"))
    shot(page, "search-target", full_page=False)
    page.go_back()
    shot(page, "search")


PAGES = [
    ("home", "/", 200),
    ("document", "/d/peace-plan", 200),
    ("document-reporting", "/d/wire-report", 200),
    ("version", "/d/peace-plan/v/framework-20", 200),
    ("figures", "/d/peace-plan/figures", 200),
    ("diff-reporting", "/d/wire-report/diff/first..corrected", 200),
    ("not-found", "/d/peace-plan/v/no-such-label", 404),
]


def test_screenshot_every_page(page) -> None:  # type: ignore[no-untyped-def]
    for name, path, status in PAGES:
        response = page.goto(path)
        assert response.status == status, path
        assert page.locator("h1").count() == 1, path
        shot(page, name)


def test_pages_fit_a_phone(phone) -> None:  # type: ignore[no-untyped-def]
    for name, path in [("home-phone", "/"), ("document-phone", "/d/peace-plan")]:
        phone.goto(path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
        shot(phone, name)
