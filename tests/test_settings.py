"""Settings: argument → config file → environment → default, each value with its source."""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from bot.core.settings import ConfigError, MissingTokenError, Settings, Source, resolve_settings
from bot.terminal.doctor import render_settings

REPO = Path(__file__).resolve().parent.parent
TOKEN = "7012345678:AAFakeTokenForPolicybotTests_0123456789"


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policybot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_value_comes_from_the_first_place_that_has_it(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'quiz_seconds = 40\ntimezone = "Europe/Berlin"\nadmin_ids = [1, 2]\n')
    env = {
        "POLICYBOT_QUIZ_SECONDS": "50",
        "POLICYBOT_TIMEZONE": "Asia/Tokyo",
        "POLICYBOT_QUESTIONS_PER_MINUTE": "3",
        "POLICYBOT_CONFIG": str(config),
    }
    settings = resolve_settings({"quiz_seconds": 20, "model": None}, environ=env)
    assert (settings.quiz_seconds, settings.source_of("quiz_seconds")) == (20, Source.ARGUMENT)
    assert (settings.timezone, settings.source_of("timezone")) == ("Europe/Berlin", Source.CONFIG_FILE)
    assert (settings.admin_ids, settings.source_of("admin_ids")) == (frozenset({1, 2}), Source.CONFIG_FILE)
    assert (settings.questions_per_minute, settings.source_of("questions_per_minute")) == (3, Source.ENVIRONMENT)
    assert settings.source_of("model") == Source.DEFAULT and settings.model == Settings().model
    assert settings.config_file == config


def test_an_explicit_config_file_wins_over_policybot_config(tmp_path: Path) -> None:
    chosen = write_config(tmp_path, "questions_per_minute = 5\n")
    other = tmp_path / "other.toml"
    other.write_text("questions_per_minute = 9\n", encoding="utf-8")
    settings = resolve_settings(config_file=chosen, environ={"POLICYBOT_CONFIG": str(other)})
    assert settings.questions_per_minute == 5 and settings.config_file == chosen


def test_defaults_and_empty_variables() -> None:
    settings = resolve_settings(environ={"POLICYBOT_TIMEZONE": "", "TELEGRAM_BASE_URL": ""})
    assert settings == Settings()
    assert all(source == Source.DEFAULT for *_, source in settings.describe())
    assert settings.quiz_seconds == 30 and settings.questions_per_minute == 8
    assert settings.timezone == "Asia/Shanghai" and settings.base_url is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"POLICYBOT_ADMIN_IDS": "12,abc"}, "POLICYBOT_ADMIN_IDS 应为逗号分隔的数字 ID"),
        ({"POLICYBOT_QUIZ_SECONDS": "半分钟"}, "POLICYBOT_QUIZ_SECONDS 应为整数"),
        ({"POLICYBOT_TIMEZONE": "Mars/Olympus"}, "不是有效的时区名称"),
        ({"POLICYBOT_BF16": "maybe"}, "POLICYBOT_BF16 应为 auto、1 或 0"),
    ],
)
def test_bad_values_are_refused_in_chinese(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_settings(environ=env)


def test_config_file_problems_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="未知的设置：tokne"):
        resolve_settings(config_file=write_config(tmp_path, 'tokne = "x"\n'), environ={})
    with pytest.raises(ConfigError, match="无法读取配置文件"):
        resolve_settings(config_file=write_config(tmp_path, "token = \n"), environ={})
    with pytest.raises(ConfigError, match="无法读取配置文件"):
        resolve_settings(config_file=tmp_path / "missing.toml", environ={})


def test_quiz_seconds_stay_within_telegrams_limits() -> None:
    assert resolve_settings(environ={"POLICYBOT_QUIZ_SECONDS": "1"}).quiz_seconds == 5
    assert resolve_settings(environ={"POLICYBOT_QUIZ_SECONDS": "9999"}).quiz_seconds == 600


def test_settings_are_immutable_and_secrets_stay_out_of_repr() -> None:
    settings = resolve_settings(environ={"TELEGRAM_BOT_TOKEN": TOKEN, "POLICYBOT_WEB_SECRET": "s3cr3t-value"})
    with pytest.raises(FrozenInstanceError):
        settings.token = "other"  # type: ignore[misc]
    assert TOKEN not in repr(settings) and "s3cr3t-value" not in repr(settings)
    assert set(settings.secrets()) == {TOKEN, "s3cr3t-value"}


def test_doctor_shows_every_value_with_its_source_and_masks_secrets(tmp_path: Path) -> None:
    config = write_config(tmp_path, f'token = "{TOKEN}"\n')
    settings = resolve_settings(
        {"data_dir": tmp_path}, config_file=config, environ={"POLICYBOT_WEB_ACCESS_CODE": "qwerty-code"}
    )
    shown = render_settings(settings)
    assert TOKEN not in shown and TOKEN.split(":")[1] not in shown and "qwerty-code" not in shown
    assert re.search(r"token = 7012345678:\*+.*\[配置文件，TELEGRAM_BOT_TOKEN\]", shown)
    assert re.search(rf"data_dir = {re.escape(str(tmp_path))} +\[命令行参数，POLICYBOT_DATA_DIR\]", shown)
    assert re.search(r"web_access_code = \*+.*\[环境变量，POLICYBOT_WEB_ACCESS_CODE\]", shown)
    assert re.search(r"quiz_seconds = 30 +\[默认值，POLICYBOT_QUIZ_SECONDS\]", shown)
    assert str(config) in shown


def test_a_missing_token_is_explained() -> None:
    with pytest.raises(MissingTokenError, match="policybot chat"):
        Settings().require_token()
    assert Settings(token=TOKEN).token_looks_valid and not Settings(token="abc").token_looks_valid


def test_only_the_settings_module_reads_the_environment() -> None:
    """Everything below the edge gets its configuration passed in; nothing writes os.environ."""
    readers = [
        path.relative_to(REPO).as_posix()
        for package in ("bot", "corpus", "index")
        for path in (REPO / package).rglob("*.py")
        if re.search(r"os\.environ|os\.getenv|os\.putenv", path.read_text(encoding="utf-8"))
    ]
    assert readers == ["bot/core/settings.py"]


def test_the_cli_resolves_settings_once_and_doctor_shows_their_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.terminal.cli import main

    config = write_config(tmp_path, f'data_dir = "{tmp_path / "from-file"}"\nquiz_seconds = 45\n')
    environ = {"POLICYBOT_DATA_DIR": str(tmp_path / "from-env"), "POLICYBOT_QUIZ_SECONDS": "50"}
    main(["--config", str(config), "doctor"], environ=environ)
    out = capsys.readouterr().out
    assert re.search(r"data_dir = .*from-file +\[配置文件，POLICYBOT_DATA_DIR\]", out)
    assert re.search(r"quiz_seconds = 45 +\[配置文件", out)
    assert re.search(r"✅ 数据目录：.*from-file", out) and (tmp_path / "from-file").is_dir()
    assert "❌ 机器人令牌" in out  # no token anywhere

    assert main(["doctor"], environ={"POLICYBOT_ADMIN_IDS": "x"}) == 1
    assert "❌ 配置：POLICYBOT_ADMIN_IDS 应为逗号分隔的数字 ID" in capsys.readouterr().out
    assert main(["docs", "list"], environ={"POLICYBOT_ADMIN_IDS": "x"}) == 2
    assert "错误：POLICYBOT_ADMIN_IDS" in capsys.readouterr().err
    assert main(["bot"], environ={"POLICYBOT_DATA_DIR": str(tmp_path)}) == 2
    assert "未设置 TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
