"""Fixtures for the web tests: a seeded data folder, the running page, a real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.server import ORGANISER, WebServer, cli, seed

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--lang=zh-CN"]  # fmt: skip
REPO = Path(__file__).resolve().parents[2]
# The README's pictures change only on purpose (UPDATE_SCREENSHOTS=1 scripts/test tests/web);
# an ordinary run writes its shots to the ignored .screenshots/, so it leaves the checkout clean.
SCREENSHOTS = REPO / ("docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else ".screenshots")
PHONE = {"width": 360, "height": 740}
LOCALE = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}  # native controls in Chinese too
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture(scope="session")
def web_seed(assistant, session_data_dir: Path) -> Path:
    """The session's data folder once its index exists (the `assistant` fixture builds it)."""
    from bot.core.quiz.bank import bank_for

    bank_for(assistant.index.passages, session_data_dir / "quiz_bank.json")
    return session_data_dir


def start_server(tmp: Path, source: Path, settings: dict[str, str] | None = None) -> WebServer:
    data = seed(source, tmp / "data")
    created = cli(data, "web", "add-organiser", ORGANISER[0], stdin=ORGANISER[1] + "\n")
    assert created.returncode == 0, created.stderr
    server = WebServer(data, tmp / "web.log", settings)
    server.start()
    return server


@pytest.fixture(scope="module")
def web_server(web_seed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    """An open page (loopback, no access code), one per test module."""
    server = start_server(tmp_path_factory.mktemp("web"), web_seed)
    yield server
    assert server.stop() == 0


def chromium_path() -> str:
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    pytest.fail("没有找到 Chromium：请运行 scripts/test（它会用 apt 安装 chromium），浏览器测试不能跳过。")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def shoot(page, name: str) -> None:
    """A screenshot (phone or desktop, by the page's viewport) into SCREENSHOTS."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = "phone" if page.viewport_size["width"] <= 480 else "desktop"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=False)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def login_organiser(page, base_url: str) -> None:
    page.goto(f"{base_url}/organiser")
    page.fill("input[name=username]", ORGANISER[0])
    page.fill("input[name=password]", ORGANISER[1])
    page.click("form[action='/organiser/login'] button[type=submit]")
    page.wait_for_selector("input[type=file]")


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
