"""The members' access code and the web signing secret."""

from __future__ import annotations

import stat

import pytest

from bot.core.access import AccessCode, AccessCodeError, signing_secret
from bot.core.database import Database


def test_code_from_configuration_then_changed_by_an_organiser(tmp_path):
    db = Database(tmp_path / "state.sqlite")
    code = AccessCode(db, " 学习2024 ")
    assert code.required and code.matches("学习2024") and not code.matches("学习2025")
    before = code.generation()
    code.change("新访问码")
    assert code.matches("新访问码") and not code.matches("学习2024")
    assert code.generation() != before
    assert AccessCode(Database(tmp_path / "state.sqlite"), "学习2024").matches(
        "新访问码"
    )  # kept across restarts


def test_no_code_means_open():
    code = AccessCode(Database(), None)
    assert not code.required and not code.matches("")


@pytest.mark.parametrize("bad", ["", "abc", "x" * 65, "tab\there"])
def test_unusable_codes_are_refused(bad):
    with pytest.raises(AccessCodeError):
        AccessCode(Database()).change(bad)


def test_secret_generated_once_and_private(tmp_path):
    first = signing_secret(None, tmp_path)
    assert len(first) >= 40 and signing_secret(None, tmp_path) == first
    assert stat.S_IMODE((tmp_path / "web_secret").stat().st_mode) == 0o600
    assert signing_secret("configured", tmp_path) == "configured"
