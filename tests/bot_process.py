"""`policybot bot` as a separate process talking to the fake Bot API, for end-to-end tests.

    bot = BotProcess(fake, data_dir, tmp_path / "bot.log")
    bot.start()                       # returns once the bot sits in a getUpdates long poll
    ...
    assert bot.stop() == 0            # SIGTERM, then the exit code

`running_bot()` wraps this for a module-scoped fixture: one process per test module, a fresh
user or chat per test. Everything stays on 127.0.0.1: the fake is the only server the bot sees.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.fake_telegram import FakeTelegram

# Passes the bot's own format check (digits, colon, 20+ characters), so no warning muddies the log.
TOKEN = "7012345678:AAFakeTokenForPolicybotTests_0123456789"
REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT = 240.0  # loading the model and index; slow on a busy two-core machine
STOP_TIMEOUT = 30.0
# Settings the bot reads from the environment that would change what the tests expect.
BOT_SETTINGS = frozenset(
    {"POLICYBOT_CONFIG", "POLICYBOT_ADMIN_IDS", "POLICYBOT_ALLOWED_CHATS", "POLICYBOT_QUESTIONS_PER_MINUTE"}
)


class BotProcess:
    """One `python -m bot.terminal.cli bot` process; its stderr goes to `log_path` (appended across restarts)."""

    def __init__(
        self,
        fake: FakeTelegram,
        data_dir: Path,
        log_path: Path,
        settings: dict[str, str] | None = None,
        command: tuple[str, ...] = ("bot",),
    ) -> None:
        self.fake = fake
        self.command = command  # ("serve", "--port", "…"): the web page and the bot in one process
        self.data_dir = data_dir
        self.log_path = log_path
        self.settings = settings or {}  # the BOT_SETTINGS a test or benchmark sets on purpose
        self.process: subprocess.Popen[bytes] | None = None
        self.exit_codes: list[int] = []

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in BOT_SETTINGS}
        env.update(
            TELEGRAM_BOT_TOKEN=self.fake.token,
            TELEGRAM_BASE_URL=self.fake.base_url,
            TELEGRAM_BASE_FILE_URL=self.fake.base_file_url,
            POLICYBOT_DATA_DIR=str(self.data_dir),
            PYTHONUNBUFFERED="1",
        )
        for key in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            env.pop(key, None)  # the fake is on 127.0.0.1; never route the bot through a proxy
        env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
        return env | self.settings

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start the process and wait until it long-polls (it has run post_init by then)."""
        assert self.process is None, "already running"
        started = time.time()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.terminal.cli", *self.command],
                cwd=REPO,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        try:
            # After a restart the previous process's long poll may still be parked in the fake,
            # so wait for this process's own deleteWebhook (PTB's last step before polling).
            self.fake.wait_for(
                lambda: self._exited() or self._polled_since(started),
                timeout,
                "the bot process to start polling",
            )
            if not self._exited():
                self.fake.wait_until_polling(timeout)
        except AssertionError:
            self.kill()
            raise AssertionError(f"bot did not start polling within {timeout}s; log:\n{self.log()}") from None
        if self._exited():
            code, self.process = self.process.returncode, None
            raise AssertionError(f"bot exited with {code} while starting; log:\n{self.log()}")

    def _polled_since(self, started: float) -> bool:
        return any(c.time >= started for c in self.fake.calls("deleteWebhook"))

    def _exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM (as systemd or docker stop would send) and the exit code."""
        assert self.process is not None, "not running"
        process, self.process = self.process, None
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError(
                f"bot did not stop within {timeout}s of SIGTERM; log:\n{self.log()}"
            ) from None
        self.exit_codes.append(code)
        return code

    def restart(self) -> None:
        code = self.stop()
        assert code == 0, f"exit code {code}; log:\n{self.log()}"
        self.start()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


@contextmanager
def running_bot(
    data_dir: Path, log_path: Path, settings: dict[str, str] | None = None
) -> Iterator[tuple[FakeTelegram, BotProcess]]:
    """A fake server and one bot process; at exit the bot must stop cleanly with code 0."""
    with FakeTelegram(token=TOKEN) as fake:
        bot = BotProcess(fake, data_dir, log_path, settings)
        bot.start()
        try:
            yield fake, bot
        finally:
            if bot.process is not None:  # None: a test stopped it and failed before restarting
                if not bot.alive:
                    code, bot.process = bot.process.returncode, None
                    raise AssertionError(f"bot died during the tests (exit {code}); log:\n{bot.log()}")
                code = bot.stop()
                assert code == 0, f"bot exited with {code} after SIGTERM; log:\n{bot.log()}"
