"""Organiser accounts (argon2 in SQLite) and login throttling."""

from __future__ import annotations

import pytest

from bot.core.database import Database
from bot.core.organisers import AccountError, LoginThrottle, OrganiserAccounts


def test_accounts_store_hashes_and_verify():
    db = Database()
    accounts = OrganiserAccounts(db)
    assert accounts.add("宣传部-张三", "长长的密码123") is True
    stored = db.query("SELECT password_hash FROM organisers")[0]["password_hash"]
    assert stored.startswith("$argon2") and "长长的密码123" not in stored
    assert accounts.verify("宣传部-张三", "长长的密码123")
    assert not accounts.verify("宣传部-张三", "wrong password")
    assert not accounts.verify("nobody", "长长的密码123")
    assert accounts.add("宣传部-张三", "另一个新密码456") is False  # reset, not a second account
    assert accounts.verify("宣传部-张三", "另一个新密码456") and accounts.count() == 1


@pytest.mark.parametrize(
    ("name", "password"),
    [("", "longenough"), ("a b", "longenough"), ("x" * 40, "longenough"), ("ok", "short")],
)
def test_bad_accounts_are_refused(name, password):
    with pytest.raises(AccountError):
        OrganiserAccounts(Database()).add(name, password)


def test_throttle_blocks_after_limit_and_recovers():
    now = [0.0]
    throttle = LoginThrottle(limit=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.blocked_for("user:a", "ip:1") == 0
        throttle.failed("user:a", "ip:1")
    assert throttle.blocked_for("user:a") == pytest.approx(60)
    assert throttle.blocked_for("user:b", "ip:1") > 0  # the same address trying another name
    assert throttle.blocked_for("user:b", "ip:2") == 0
    now[0] = 61
    assert throttle.blocked_for("user:a", "ip:1") == 0
    throttle.failed("user:a")
    throttle.succeeded("user:a")
    assert throttle.blocked_for("user:a") == 0
