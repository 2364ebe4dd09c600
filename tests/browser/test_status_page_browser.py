"""The public status page in a real browser: headless Chromium (Debian's `chromium`, driven by
Selenium through Debian's `chromium-driver`), each visualization type at desktop (1280 px) and
phone (390 px) widths, in light and dark, as a reader in Tokyo sees it. Screenshots go to
test-artifacts/status-page/ (not committed).

Why a browser and not only HTML assertions: the bars' cells, the tips on hover and focus, the
local times written by the page's script, the dark colours and the 390 px layout exist only once
CSS and the script have run, under the page's own Content-Security-Policy."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Server, launch
from tests.public_pages import Admin

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "status-page"
VISUALIZATIONS = ("bars_and_uptime_percentage", "bars_only", "component_name_only")
WIDTHS = {"desktop": 1280, "phone": 390}

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extra: pip install -e '.[test]'")
if CHROMIUM is None or DRIVER is None:
    pytest.skip("needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver; .ci/run does it)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, Any]]]:
    """One SQLite server with a page per visualization type, each with the same history: an
    outage two days ago, a partial outage ten days ago, a past maintenance, an open incident."""
    server = launch("sqlite", tmp_path_factory.mktemp("recess-browser"), request)
    admin = Admin(server)
    now = datetime.now(UTC)
    pages = {}
    for visualization in VISUALIZATIONS:
        page = admin.page(visualization)
        page["outage"] = admin.backfill_outage(page, "Login down", "Login", "major_outage", now - timedelta(days=2), 2)
        admin.backfill_outage(page, "Slow settings", "Settings", "partial_outage", now - timedelta(days=10), 5)
        admin.backfill_maintenance(page, "Database upgrade", "API", now - timedelta(days=5), 1)
        admin.call("POST", f"/{page['id']}/degradations", {
            "title": "Elevated API errors", "status": "identified", "description": "A bad deploy is being rolled back",
            "components_affected": [{"id": page["ids"]["API"], "status": "partial_outage"}]}, "degradations")
        pages[visualization] = page
    yield server, pages
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def look(driver: Any, url: str, width: int, scheme: str) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    driver.get(url)


def js(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def screenshot(driver: Any, name: str) -> None:
    height = js(driver, "return document.documentElement.scrollHeight")
    width = js(driver, "return window.innerWidth")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": min(height, 6000), "deviceScaleFactor": 1, "mobile": width < 600})
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def no_console_errors(driver: Any) -> None:
    """Nothing blocked by the Content-Security-Policy, no script error, nothing failed to load,
    nothing loaded from anywhere but the page's own server."""
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    origin = js(driver, "return location.origin")
    loaded = js(driver, "return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(url.startswith(origin + "/") for url in loaded), loaded


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(WIDTHS))
@pytest.mark.parametrize("visualization", VISUALIZATIONS)
def test_what_a_reader_sees(site: tuple[Server, dict[str, Any]], browser: Any, visualization: str, size: str, scheme: str) -> None:
    server, pages = site
    page = pages[visualization]
    width = WIDTHS[size]
    look(browser, f"{server.url}/status/{page['attributes']['domain_prefix']}", width, scheme)
    no_console_errors(browser)
    background = js(browser, "return getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(18, 20, 23)")
    assert js(browser, "return document.documentElement.scrollWidth") <= width  # nothing wider than the screen
    banner = browser.find_element("css selector", ".banner").text
    assert banner == "Some systems are affected: partial outage"
    # Local time: the script rewrote every UTC time into Tokyo's (GMT+9), keeping UTC as the title.
    times = js(browser, "return [...document.querySelectorAll('time[data-local]')].map(t => [t.textContent, t.title, t.dataset.localized])")
    assert times and all(text.endswith("GMT+9") and title.endswith("UTC") and done == "" for text, title, done in times), times
    if visualization != "component_name_only":
        summary = browser.find_element("css selector", ".group summary")
        assert summary.text == "2 components in Application"
        assert not browser.find_element("css selector", 'ol.bar[aria-label^="Login"]').is_displayed()  # folded
        summary.click()
    bars = js(browser, "return [...document.querySelectorAll('ol.bar')].map(b => [...b.children].filter(c => c.offsetParent && c.getBoundingClientRect().width > 0).length)")
    uptimes = [e.text for e in browser.find_elements("css selector", ".uptime") if e.is_displayed()]
    if visualization == "component_name_only":
        assert bars == [] and uptimes == []
    else:
        assert len(bars) == 4 and set(bars) == {90 if size == "desktop" else 30}  # the group, its 2 components, API
        assert (len(uptimes) == 4 and all(u.endswith("% uptime") for u in uptimes)) if visualization.endswith("percentage") else uptimes == []
        _tips_on_focus_and_keys(browser, page)
    screenshot(browser, f"{visualization}-{size}-{scheme}")


def _tips_on_focus_and_keys(driver: Any, page: dict[str, Any]) -> None:
    """Today's cell is the bar's tab stop; arrows move by day; the focused day's tip shows what
    happened, with a link to the incident."""
    from selenium.webdriver.common.keys import Keys

    today = driver.find_element("css selector", 'ol.bar[aria-label^="Login"] > li:last-child')
    today.click()  # a click focuses it, as a tab would
    assert js(driver, "return document.activeElement") == today
    tip = today.find_element("css selector", ".tip")
    assert tip.is_displayed() and "No incidents" in tip.text
    for _ in range(2):
        driver.switch_to.active_element.send_keys(Keys.ARROW_LEFT)
    focused = driver.switch_to.active_element
    text = focused.find_element("css selector", ".tip").text
    assert "Major outage" in text and "Login down" in text, text
    assert focused.get_attribute("tabindex") == "0" and today.get_attribute("tabindex") == "-1"
    link = focused.find_element("css selector", ".tip a")
    assert link.get_attribute("href").endswith(f"/incidents/{page['outage']}")
    box = js(driver, "const r = arguments[0].getBoundingClientRect(); return [r.left, r.right]", focused.find_element("css selector", ".tip"))
    assert box[0] >= 0 and box[1] <= js(driver, "return window.innerWidth")  # the tip stays on screen


@pytest.mark.parametrize("size", list(WIDTHS))
def test_history_and_an_incident_page(site: tuple[Server, dict[str, Any]], browser: Any, size: str) -> None:
    server, pages = site
    page = pages["bars_and_uptime_percentage"]
    look(browser, f"{server.url}/status/{page['attributes']['domain_prefix']}", WIDTHS[size], "light")
    browser.find_element("link text", "Incident history").click()
    no_console_errors(browser)
    assert browser.find_element("css selector", "h2").text == "Incident history"
    months = [e.text for e in browser.find_elements("css selector", ".month h3")]
    assert months[0] == f"{datetime.now(UTC):%B %Y}" and len(months) == 3
    assert browser.find_element("partial link text", "Slow settings").is_displayed()
    screenshot(browser, f"history-{size}")
    look(browser, browser.current_url, WIDTHS[size], "dark")
    browser.find_element("link text", "Login down").click()
    no_console_errors(browser)
    assert browser.find_element("css selector", "article h2").text == "Login down"
    assert [e.text for e in browser.find_elements("css selector", "ol.timeline .label")] == ["Resolved", "Investigating"]
    assert "Login: Major outage" in browser.find_element("css selector", "article").text
    screenshot(browser, f"incident-{size}-dark")


@pytest.mark.parametrize("size", list(WIDTHS))
def test_subscribing_a_slack_channel(site: tuple[Server, dict[str, Any]], browser: Any, size: str) -> None:
    """The subscription form of a page taking every kind of subscriber: it fits the screen, and
    choosing Slack and giving a URL subscribes it (the receiver gets the welcome message)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    from tests import receiver as receivers

    server, _ = site
    hooks = receivers.start()
    try:
        page = Admin(server).page(subscriptions_enabled=True, slack_subscriptions_enabled=True)
        look(browser, f"{server.url}/status/{page['attributes']['domain_prefix']}", WIDTHS[size], "light")
        assert js(browser, "return document.documentElement.scrollWidth") <= WIDTHS[size]
        form = browser.find_element(By.CSS_SELECTOR, "section.subscribe form")
        assert [e.get_attribute("value") for e in form.find_elements(By.NAME, "channel")] == ["email", "slack", "webhook"]
        screenshot(browser, f"subscribe-page-{size}")  # the whole page in one viewport, so the form is in it
        form.screenshot(str(ARTIFACTS / f"subscribe-{size}.png"))
        form.find_element(By.CSS_SELECTOR, "input[name=channel][value=slack]").click()
        form.find_element(By.NAME, "slack_url").send_keys(f"{hooks.url}/services/T0/{size}")
        form.find_element(By.CSS_SELECTOR, "input[name=scope][value=components]").click()
        form.find_element(By.CSS_SELECTOR, f"input[name=component][value='{page['ids']['API']}']").click()
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda driver: driver.title == "Subscribed")  # the answer page has loaded
        assert browser.find_element(By.TAG_NAME, "h1").text == "Subscribed"
        welcome = hooks.wait(f"/services/T0/{size}")[0].json()
        assert welcome["blocks"][0]["text"]["text"] == "Subscribed to Acme status" and "(API)" in welcome["blocks"][1]["text"]["text"]
        no_console_errors(browser)
    finally:
        hooks.server.shutdown()
