"""`policybot web` as a separate process on 127.0.0.1, for HTTP and browser tests.

One server per test module (starting one loads the real model and index, ~10 s): tests use a
fresh browser context or HTTP client each, so they do not see each other's sessions.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 240.0
SECRET = "web-test-secret-0123456789abcdefghijklmnopqrstuvwxyz"
ORGANISER = ("组织者甲", "correct horse battery")
WEB_SETTINGS = ("POLICYBOT_WEB_ACCESS_CODE", "POLICYBOT_WEB_SECRET", "POLICYBOT_QUESTIONS_PER_MINUTE",
                "POLICYBOT_CONFIG", "TELEGRAM_BOT_TOKEN")  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(source: Path, target: Path) -> Path:
    """A data folder of its own with the already-built index, embedding cache and quiz bank."""
    from tests.fakes import copy_sqlite

    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "index", target / "index")
    if (source / "embeddings.sqlite").is_file():
        copy_sqlite(source / "embeddings.sqlite", target / "embeddings.sqlite")
    if (source / "quiz_bank.json").is_file():
        shutil.copy2(source / "quiz_bank.json", target / "quiz_bank.json")
    return target


def env_for(data_dir: Path, settings: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in WEB_SETTINGS}
    for key in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env.pop(key, None)
    env.update(POLICYBOT_DATA_DIR=str(data_dir), POLICYBOT_WEB_SECRET=SECRET, PYTHONUNBUFFERED="1",
               NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")  # fmt: skip
    return env | settings


def cli(data_dir: Path, *args: str, stdin: str = "", settings: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "bot.terminal.cli", *args],
        cwd=REPO,
        env=env_for(data_dir, settings or {}),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


class WebServer:
    def __init__(self, data_dir: Path, log_path: Path, settings: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.log_path = log_path
        self.settings = settings or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.terminal.cli", "web", "--port", str(self.port)],
                cwd=REPO,
                env=env_for(self.data_dir, self.settings),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        deadline = time.time() + START_TIMEOUT
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"web server exited: {self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("web server did not become healthy in time")

    def stop(self) -> int:
        if self.process is None:
            return 0
        self.process.terminate()
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.process = None
        return code

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, follow_redirects=False)
