"""The forms inbox in a real browser (Debian's chromium through chromedriver, headless; nothing downloaded): a
department's whole round and the office's overview, and each page checked for the accessibility rules below.

REPORTGEN_SCREENSHOTS=docs/images writes the README's screenshots of the pages as the test sees them."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from cyclekit import R7_FOLDER
from formfill import fill
from inboxkit import free_port, office_token, opened_r7, serve, token

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
WAIT = 90  # seconds a page may take to show a verdict on a busy machine (a bound, not a measurement)

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    if CI:
        pytest.fail(f"{CHROMIUM} and {CHROMEDRIVER} are required under CI", pytrace=False)
    pytest.skip("chromium or chromedriver is not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# The rules, as a script the browser runs on the page it shows: what a screen reader and a keyboard user meet.
AUDIT = """
const out = [];
if (document.documentElement.lang !== arguments[0]) out.push("html lang is " + JSON.stringify(document.documentElement.lang));
const h1 = document.querySelectorAll("h1").length;
if (h1 !== 1) out.push(h1 + " h1 elements");
for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea, button")) {
  if (el.hidden) continue;
  const byFor = el.id && document.querySelector("label[for='" + el.id + "']");
  const named = (byFor && byFor.textContent.trim()) || el.getAttribute("aria-label") ||
                (el.getAttribute("aria-labelledby") && document.getElementById(el.getAttribute("aria-labelledby"))) ||
                (el.tagName === "BUTTON" && el.textContent.trim());
  if (!named) out.push("no label: " + el.outerHTML.slice(0, 80));
}
for (const el of document.querySelectorAll("[tabindex]"))
  if (el.tabIndex > 0) out.push("positive tabindex: " + el.outerHTML.slice(0, 80));
if (!document.querySelector("[role=status][aria-live=polite]")) out.push("no live region");
for (const t of document.querySelectorAll("table")) if (!t.querySelector("th")) out.push("a table without headers");
if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1) out.push("scrolls sideways");
return out;
"""


@pytest.fixture(scope="module")
def browser():
    """One chromium for the module's tests (each opens its own pages; none keeps cookies or storage)."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=ja", "--window-size=1100,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One served inbox for the module's tests: a wrong link's page is the same whatever the round handed in."""
    data, out = opened_r7(tmp_path_factory, tmp_path_factory.mktemp("served"))
    port = free_port()
    proc = serve(data, out, port)
    yield f"http://127.0.0.1:{port}", data, out / R7_FOLDER
    proc.kill()
    proc.communicate()


def audit(driver, name: str) -> None:
    """Every rule on the page at its normal width and at 200 % zoom (half the width, in CSS pixels)."""
    assert driver.execute_script(AUDIT, "ja") == [], name
    size = driver.get_window_size()
    driver.set_window_size(size["width"] // 2, size["height"])
    try:
        assert driver.execute_script(AUDIT, "ja") == [], f"{name} at 200 %"
    finally:
        driver.set_window_size(size["width"], size["height"])
    focus_is_visible(driver, name)


def focus_is_visible(driver, name: str) -> None:
    """Tab through the page: each control reached shows an outline (the browser's own focus ring may be off)."""
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    seen = 0
    for _ in range(12):
        ActionChains(driver).send_keys(Keys.TAB).perform()  # as a person presses it (send_keys to a file field would pick a file)
        el = driver.switch_to.active_element
        if el.tag_name == "body":
            break
        style = driver.execute_script("const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth];", el)
        assert style[0] != "none" and style[1] != "0px", f"{name}: no visible focus on {el.get_attribute('outerHTML')[:80]}"
        seen += 1
    assert seen, f"{name}: nothing to reach with the keyboard"


def shoot(driver, name: str) -> None:
    folder = os.environ.get("REPORTGEN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1100, min(height + 140, 1800))
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))
        driver.set_window_size(1100, 1000)


def verdict(driver, words: str) -> str:
    WebDriverWait(driver, WAIT).until(lambda d: words in d.find_element(By.ID, "verdict").text)
    return driver.find_element(By.ID, "verdict").text


def test_a_departments_round_and_the_offices_overview_in_chromium(browser, server, tmp_path):
    base, data, sent = server
    name = "KPI実績値等入力表_令和7年度_青少年課.xlsx"
    (tmp_path / "wrong").mkdir()
    wrong = fill(sent / name, tmp_path / "wrong" / name, {"kpi:3-③": {6: "たくさん"}})
    right = fill(sent / name, tmp_path / name, {"kpi:3-③": {6: "1,200人"}})
    browser.get(f"{base}/o/{office_token(data)}")
    assert "青少年課 KPI実績値等入力表_令和7年度_青少年課.xlsx 未提出" in browser.find_element(By.TAG_NAME, "table").text
    browser.get(f"{base}/d/{token(data, '青少年課')}")
    assert browser.find_element(By.TAG_NAME, "h1").text == "様式の提出"
    audit(browser, "department")
    # pick the filled form: the page checks it at once and shows the refused cell at its address
    browser.find_element(By.ID, "form-file").send_keys(str(wrong))
    assert "このままでは受け付けられません" in verdict(browser, "受け付けられません")
    cells = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "tr.problem td")]
    assert re.fullmatch(r"KPI更新!F\d+", cells[0]) and cells[1] == "実績値" and "たくさん" in cells[2]
    audit(browser, "department, refused")
    shoot(browser, "inbox-refused")
    # the corrected form: the value that will change, before → after, and the button to hand it in
    browser.find_element(By.ID, "form-file").send_keys(str(right))
    verdict(browser, "受け付けられます")
    change = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "tr.change td")]
    assert change[2:] == ["（空）", "1,200人"]
    audit(browser, "department, checked")
    shoot(browser, "inbox-checked")
    button = browser.find_element(By.ID, "hand-in")
    assert button.text == "この内容で提出する"
    browser.execute_script("arguments[0].focus()", button)
    browser.switch_to.active_element.send_keys(Keys.ENTER)  # the keyboard alone
    assert "提出しました" in verdict(browser, "提出しました")
    statuses = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "td[class^=status-]")]
    assert statuses == ["提出済・反映済"]
    # the office's overview changed
    browser.get(f"{base}/o/{office_token(data)}")
    assert "青少年課 KPI実績値等入力表_令和7年度_青少年課.xlsx 提出済・反映済" in browser.find_element(By.TAG_NAME, "table").text
    assert "提出済・反映済 1" in browser.find_element(By.CLASS_NAME, "counts").text
    chase = browser.find_element(By.CSS_SELECTOR, "textarea.chase").get_attribute("value")
    assert "青少年課" not in chase and "こども支援課: KPI実績値等入力表_令和7年度_こども支援課.xlsx http" in chase
    audit(browser, "office")
    shoot(browser, "inbox-office")


def test_a_wrong_link_says_so_in_japanese_in_chromium(browser, server):
    base, data, sent = server
    browser.get(f"{base}/d/not-a-link")
    assert browser.find_element(By.TAG_NAME, "h1").text == "このリンクは使えません"
    assert "期限が切れています" in browser.find_element(By.TAG_NAME, "main").text
    assert browser.execute_script("return document.documentElement.lang") == "ja"
