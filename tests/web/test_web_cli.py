"""`policybot web add-organiser`, the refusal to expose an open page, and `policybot serve` without a token."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from bot.core.database import Database
from bot.core.organisers import OrganiserAccounts
from tests.web.server import REPO, cli, env_for, free_port, seed


def test_add_organiser_reads_the_password_from_stdin(tmp_path):
    done = cli(tmp_path, "web", "add-organiser", "宣传干事", stdin="一个足够长的密码\n")
    assert done.returncode == 0 and "已创建组织者账号：宣传干事" in done.stdout
    assert "一个足够长的密码" not in done.stdout + done.stderr
    accounts = OrganiserAccounts(Database(tmp_path / "policybot.sqlite"))
    assert accounts.verify("宣传干事", "一个足够长的密码")
    again = cli(tmp_path, "web", "add-organiser", "宣传干事", stdin="换一个新的更长密码\n")
    assert again.returncode == 0 and "已更新" in again.stdout
    short = cli(tmp_path, "web", "add-organiser", "另一人", stdin="短\n")
    assert short.returncode == 2 and "密码至少需要" in short.stderr


def test_open_page_off_loopback_refuses_to_start(tmp_path):
    refused = cli(tmp_path, "web", "--host", "0.0.0.0", "--port", str(free_port()))
    assert refused.returncode == 2
    assert "拒绝在 0.0.0.0 上启动" in refused.stderr and "POLICYBOT_WEB_ACCESS_CODE" in refused.stderr


@pytest.mark.slow
def test_serve_without_token_starts_the_page_and_prints_its_address(web_seed, tmp_path):
    data = seed(web_seed, tmp_path / "data")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.terminal.cli", "serve", "--port", str(port)],
        cwd=REPO,
        env=env_for(data, {}),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        deadline = time.time() + 240
        while time.time() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            lines.append(line)
            if "学习页面已启动" in line:
                break
        assert f"http://127.0.0.1:{port}/" in "".join(lines), lines
        assert any("只启动学习网页" in line for line in lines)
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30).json()["status"] == "ok"
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
