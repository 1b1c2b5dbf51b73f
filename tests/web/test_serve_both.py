"""`policybot serve` with a token: the web page and the Telegram bot in one process.

Started as an operator would (`scripts/run` with TELEGRAM_BOT_TOKEN set), against the fake Bot
API on loopback: a member asks in Telegram, another on the page, both get a cited answer from the
same index, and SIGTERM stops both with exit code 0.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.bot_process import TOKEN, BotProcess
from tests.fake_telegram import FakeTelegram
from tests.web.conftest import csrf_of
from tests.web.server import free_port, seed

pytestmark = pytest.mark.slow

QUESTION = "创建民族团结进步示范县要坚持哪几个方面？"
FOUR = tuple(f"要坚持{name}" for name in ("高位推动", "系统思维", "守正创新", "合力攻坚"))  # the speech's list


def wait_healthy(url: str, bot: BotProcess, timeout: float = 120.0) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert bot.alive, f"serve exited; log:\n{bot.log()}"
        try:
            response = httpx.get(f"{url}/healthz", timeout=2)
            if response.status_code == 200:
                return response.json()
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"the page did not answer /healthz; log:\n{bot.log()}")


def test_serve_runs_the_page_and_the_bot_over_one_index(web_seed: Path, tmp_path: Path) -> None:
    data = seed(web_seed, tmp_path / "data")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with FakeTelegram(token=TOKEN) as fake:
        bot = BotProcess(fake, data, tmp_path / "serve.log", command=("serve", "--port", str(port)))
        bot.start()
        try:
            health = wait_healthy(url, bot)
            assert health["status"] == "ok" and health["passages"] > 0

            user = fake.user("Member")
            chat = fake.private_chat(user)
            sent = fake.send_message(chat, user, QUESTION)
            reply = fake.wait_for_message(chat.id, after=sent.message_id, timeout=60)
            assert all(item in (reply.text or "") for item in FOUR), reply.text

            with httpx.Client(base_url=url, timeout=60) as client:
                token = csrf_of(client.get("/").text)
                page = client.post("/ask", data={"question": QUESTION, "csrf_token": token}, headers={"X-Fetch": "1"})
            assert page.status_code == 200
            assert all(item in page.text for item in FOUR) and 'data-passage-id="' in page.text
        finally:
            code = bot.stop()
        assert code == 0, bot.log()
    assert TOKEN not in bot.log()  # the token is never logged
