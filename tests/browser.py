"""A real headless Chromium (Debian's chromium and chromedriver, installed by .ci/run) driven by Selenium,
for the console's browser tests. Flags as this machine needs them: no sandbox as root, no background
networking (the network is closed), a fresh profile per browser."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import require_tool

T = TypeVar("T")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1440,1000",
    "--lang=vi-VN",
)


@contextmanager
def chromium() -> Iterator[WebDriver]:
    binary = shutil.which("chromium") or require_tool("chromium")
    driver_path = shutil.which("chromedriver") or require_tool("chromedriver")
    profile = Path(tempfile.mkdtemp(prefix="lienthong-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(browser: WebDriver, condition: Callable[[WebDriver], T], timeout: float = 30) -> T:
    return WebDriverWait(browser, timeout, poll_frequency=0.2).until(condition)


def log_in(browser: WebDriver, base: str, username: str, password: str) -> None:
    browser.get(base + "/dang-nhap")
    browser.find_element("id", "username").send_keys(username)
    browser.find_element("id", "password").send_keys(password)
    browser.find_element("css selector", "#login button[type=submit]").click()
    wait_for(browser, lambda b: "/dang-nhap" not in b.current_url)
