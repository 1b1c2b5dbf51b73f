"""Organisers keep the material current from the chat, end to end through the fake Bot API.

`policybot bot` runs as its own process with two organisers in POLICYBOT_ADMIN_IDS, on its OWN
data folder (a copy of the session's index and embedding cache), so adding and removing
documents here never disturbs the other test modules. The last test restarts it with
POLICYBOT_ALLOWED_CHATS set. Tests assert what organisers and members see, what the fake server
was asked (getFile or not) and what the log says.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.core import texts
from tests.bot_process import REPO, TOKEN, BotProcess
from tests.document_samples import (
    TEA_QUESTION,
    TEA_TITLE,
    WETLAND_QUESTION,
    WETLAND_TEXT,
    WETLAND_TITLE,
    docx_bytes,
    law_text,
    tea_docx,
    truncated_pdf,
)
from tests.fake_telegram import BotMessage, Chat, FakeTelegram, User
from tests.fakes import copy_sqlite
from tests.test_bot_e2e import (
    assert_is_short_chinese_reply,
    button,
    callback_answer,
    chat_calls,
    private,
    reply_to,
    wait_for_log,
)

pytestmark = pytest.mark.slow

ANSWER_TIMEOUT = 60.0  # a busy two-core machine, sometimes while an index is being rebuilt
INDEX_TIMEOUT = 180.0  # an upload: download, parse, embed the new text, rebuild, swap
NOT_ADMIN = "仅限管理员"
NOT_ALLOWED = "本机器人只在指定的学习群中提供服务"
DOCS_COUNT = re.compile(r"学习资料目录（共 (\d+) 份）")
MAX_UPLOAD = 20 * 1024 * 1024
FLAG_LAW, FLAG_TITLE = "国旗法(2020-10-17)", "中华人民共和国国旗法"  # a bundled law the admin removes


@dataclass
class Setup:
    fake: FakeTelegram
    bot: BotProcess
    admin: User
    admin2: User
    data_dir: Path
    added: list[tuple[str, str, str]] = field(default_factory=list)  # (title, question, location) confirmed
    removed: list[str] = field(default_factory=list)  # titles removed


@pytest.fixture(scope="module")
def setup(assistant, session_data_dir: Path, tmp_path_factory) -> Iterator[Setup]:
    folder = tmp_path_factory.mktemp("admin-e2e")
    data_dir = folder / "data"
    data_dir.mkdir()
    shutil.copytree(session_data_dir / "index", data_dir / "index")  # built by the `assistant` fixture
    copy_sqlite(session_data_dir / "embeddings.sqlite", data_dir / "embeddings.sqlite")
    with FakeTelegram(token=TOKEN) as fake:
        admin, admin2 = fake.user("Organiser", "organiser"), fake.user("Organiser2", "organiser2")
        settings = {
            "POLICYBOT_ADMIN_IDS": f"{admin.id}, {admin2.id}",
            "POLICYBOT_QUESTIONS_PER_MINUTE": "1000",
        }
        bot = BotProcess(fake, data_dir, folder / "bot.log", settings)
        bot.start()
        try:
            yield Setup(fake, bot, admin, admin2, data_dir)
        finally:
            if bot.process is not None:
                if not bot.alive:
                    code, bot.process = bot.process.returncode, None
                    raise AssertionError(f"bot died during the tests (exit {code}); log:\n{bot.log()}")
                code = bot.stop()
                assert code == 0, f"bot exited with {code} after SIGTERM; log:\n{bot.log()}"


@pytest.fixture
def fake(setup: Setup) -> FakeTelegram:
    return setup.fake


@pytest.fixture
def bot(setup: Setup) -> BotProcess:
    return setup.bot


# ----------------------------------------------------------------- helpers


def admin_chat(setup: Setup, second: bool = False) -> tuple[User, Chat]:
    user = setup.admin2 if second else setup.admin
    return user, setup.fake.private_chat(user)


def wait_text(
    fake: FakeTelegram, chat: Chat, after: int, needle: str, timeout: float = INDEX_TIMEOUT
) -> BotMessage:
    return fake.wait_for_message(
        chat.id, after=after, timeout=timeout, predicate=lambda m: needle in (m.text or "")
    )


def upload(
    fake: FakeTelegram, chat: Chat, user: User, name: str, data: bytes
) -> tuple[BotMessage, BotMessage, int]:
    """Send a file and wait for the preview and the confirmation; returns both and the message id."""
    sent = fake.send_document(chat, user, name, data)
    preview = fake.wait_for_message(chat.id, after=sent.message_id, timeout=ANSWER_TIMEOUT)
    assert preview.text.startswith("已收到："), preview.text
    done = fake.wait_for_message(
        chat.id,
        after=preview.message_id,
        timeout=INDEX_TIMEOUT,
        predicate=lambda m: "已加入" in (m.text or ""),
    )
    return preview, done, sent.message_id


def refused_upload(fake: FakeTelegram, chat: Chat, user: User, name: str, data: bytes) -> BotMessage:
    sent = fake.send_document(chat, user, name, data)
    reply = fake.wait_for_message(chat.id, after=sent.message_id, timeout=ANSWER_TIMEOUT)
    time.sleep(0.3)
    assert [m.text for m in fake.bot_messages(chat.id) if m.message_id > sent.message_id] == [reply.text]
    return reply


def docs(fake: FakeTelegram, chat: Chat, user: User) -> str:
    sent = fake.send_message(chat, user, "/docs")
    return fake.wait_for_message(chat.id, after=sent.message_id, timeout=ANSWER_TIMEOUT).text


def docs_count(fake: FakeTelegram, chat: Chat, user: User) -> int:
    return int(DOCS_COUNT.search(docs(fake, chat, user)).group(1))


def get_file_calls(fake: FakeTelegram, since: float) -> list:
    return [c for c in fake.calls("getFile") if c.time >= since]


# ----------------------------------------------------------------- adding a document


def test_admin_uploads_a_gbk_text_and_members_are_answered_from_it(
    setup: Setup, fake: FakeTelegram, bot: BotProcess
) -> None:
    admin, chat = admin_chat(setup)
    before = docs_count(fake, chat, admin)
    started = time.time()
    preview, done, _ = upload(fake, chat, admin, f"{WETLAND_TITLE}.txt", WETLAND_TEXT.encode("gbk"))

    assert f"《{WETLAND_TITLE}》" in preview.text and "3 条" in preview.text and "4 个段落" in preview.text
    assert "正在建立索引" in preview.text
    assert done.text.startswith("✅ 已加入学习资料：") and f"《{WETLAND_TITLE}》" in done.text
    assert f"/remove {WETLAND_TITLE}" in done.text
    assert len(get_file_calls(fake, started)) == 1, "downloaded once"
    wait_for_log(bot, rf"event=document_added doc={WETLAND_TITLE} user={admin.id} passages=4")

    user, member_chat = private(fake)  # somebody else, straight away: no restart
    answer = reply_to(fake, member_chat, fake.send_message(member_chat, user, WETLAND_QUESTION).message_id)
    assert answer.buttons, answer.text
    assert f"《{WETLAND_TITLE}》第三条" in answer.text
    assert "垂钓" in answer.text.split("\n\n")[0], "the answering sentence comes from the new document"
    setup.added.append((WETLAND_TITLE, WETLAND_QUESTION, "第三条"))
    listing = docs(fake, member_chat, user)
    assert f"《{WETLAND_TITLE}》— 4 段" in listing and int(DOCS_COUNT.search(listing).group(1)) == before + 1


def test_a_word_document_is_added(setup: Setup, fake: FakeTelegram) -> None:
    admin, chat = admin_chat(setup)
    preview, done, _ = upload(fake, chat, admin, "古茶树.docx", tea_docx())
    assert f"《{TEA_TITLE}》" in preview.text and "4 条" in preview.text
    assert "文件编号：古茶树" in done.text
    user, member_chat = private(fake)
    answer = reply_to(fake, member_chat, fake.send_message(member_chat, user, TEA_QUESTION).message_id)
    assert f"《{TEA_TITLE}》第四条" in answer.text and "五万元" in answer.text
    setup.added.append((TEA_TITLE, TEA_QUESTION, "第四条"))


def test_a_file_from_a_member_is_never_downloaded(setup: Setup, fake: FakeTelegram) -> None:
    user, chat = private(fake, "Curious")
    started = time.time()
    reply = refused_upload(fake, chat, user, "我的资料.txt", law_text("某县规定", 3, seed=31).encode())
    assert_is_short_chinese_reply(reply)
    assert get_file_calls(fake, started) == [], "a non-admin's file is never fetched"


def test_a_member_uploading_is_refused_politely_and_logged(
    setup: Setup, fake: FakeTelegram, bot: BotProcess
) -> None:
    user, chat = private(fake, "Curious")
    reply = refused_upload(fake, chat, user, "我的资料.txt", law_text("某县规定", 3, seed=32).encode())
    assert NOT_ADMIN in reply.text and "联系管理员" in reply.text
    wait_for_log(bot, rf"event=upload_refused\b.*user={user.id}")


def test_a_file_over_20_mb_is_refused_before_download(setup: Setup, fake: FakeTelegram) -> None:
    """The fake reports file_size = len(data), so a real 20 MB + 1 byte payload is sent."""
    admin, chat = admin_chat(setup)
    started = time.time()
    reply = refused_upload(fake, chat, admin, "大文件.txt", b"x" * (MAX_UPLOAD + 1))
    assert "20 MB" in reply.text and "拆分" in reply.text
    assert get_file_calls(fake, started) == [], "refused from file_size alone"


BAD_UPLOADS = {
    "wrong bytes for .txt": ("图片.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "二进制"),
    "text named .pdf": ("伪装.pdf", "第一条 这是纯文本。".encode(), "不是 PDF"),
    "truncated pdf": ("截断.pdf", truncated_pdf(), "不完整"),
    "docx that is not a zip": ("伪装.docx", "第一条 这不是 Word 文档。".encode("gbk"), "不是有效的 Word"),
    "empty file": ("空文件.txt", b"", "没有可用的文字"),
    "only whitespace": ("空白.md", " \n\u3000\n\t".encode(), "没有可用的文字"),
    "unsupported format": ("程序.exe", b"MZ\x90\x00" + b"\x00" * 64, "不支持"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_files_get_a_clear_refusal(setup: Setup, fake: FakeTelegram, case: str) -> None:
    admin, chat = admin_chat(setup)
    name, data, reason = BAD_UPLOADS[case]
    reply = refused_upload(fake, chat, admin, name, data)
    assert reply.text.startswith("未能添加："), reply.text
    assert reason in reply.text
    assert_is_short_chinese_reply(reply)


def test_the_same_file_twice_is_refused_as_a_duplicate(setup: Setup, fake: FakeTelegram) -> None:
    admin, chat = admin_chat(setup)
    data = law_text("石门县风雨桥保护办法", 4, seed=41).encode("gb18030")
    _, done, _ = upload(fake, chat, admin, "风雨桥.txt", data)
    count = docs_count(fake, chat, admin)
    for name, payload in [
        ("风雨桥.txt", data),
        ("风雨桥-再发.txt", data),
        ("风雨桥.md", data.decode("gb18030").encode()),
    ]:
        reply = refused_upload(fake, chat, admin, name, payload)
        assert (
            reply.text.startswith("未能添加：")
            and "内容相同" in reply.text
            and "《石门县风雨桥保护办法》" in reply.text
        )
    assert docs_count(fake, chat, admin) == count


def test_two_admins_uploading_at_the_same_moment_are_both_confirmed(setup: Setup, fake: FakeTelegram) -> None:
    first, first_chat = admin_chat(setup)
    second, second_chat = admin_chat(setup, second=True)
    count = docs_count(fake, first_chat, first)
    a = fake.send_document(
        first_chat, first, "白沙条例.txt", law_text("白沙县梯田保护条例", 6, seed=61).encode("gbk")
    )
    b = fake.send_document(
        second_chat,
        second,
        "云岭条例.docx",
        docx_bytes("云岭县吊脚楼保护条例", law_text("x", 6, seed=62).splitlines()[1:]),
    )
    for chat, sent in [(first_chat, a), (second_chat, b)]:
        preview = fake.wait_for_message(chat.id, after=sent.message_id, timeout=ANSWER_TIMEOUT)
        assert preview.text.startswith("已收到："), preview.text
        done = wait_text(fake, chat, sent.message_id, "✅ 已加入学习资料")
        assert "文件编号：" in done.text
    listing = docs(fake, first_chat, first)
    # a .txt takes its title from its first line, a .docx from its properties
    assert "《白沙县梯田保护条例》" in listing and "《云岭县吊脚楼保护条例》" in listing
    assert int(DOCS_COUNT.search(listing).group(1)) == count + 2


def test_members_are_answered_while_a_document_is_being_indexed(setup: Setup, fake: FakeTelegram) -> None:
    admin, chat = admin_chat(setup)
    big = law_text("桃源县传统村落保护条例", 150, seed=71, chapter_every=15).encode()  # ~15,000 characters
    sent = fake.send_document(chat, admin, "桃源条例.txt", big)
    preview = fake.wait_for_message(chat.id, after=sent.message_id, timeout=ANSWER_TIMEOUT)
    assert preview.text.startswith("已收到：") and "150 条" in preview.text, preview.text

    user, member_chat = private(fake)
    asked = time.monotonic()
    answer = reply_to(
        fake, member_chat, fake.send_message(member_chat, user, "创建品牌的主题是什么？").message_id
    )
    answered = time.monotonic()
    confirmed_yet = any(
        "已加入" in (m.text or "") for m in fake.bot_messages(chat.id) if m.message_id > sent.message_id
    )
    assert answer.buttons and "世界菌乡" in answer.text
    wait_text(fake, chat, sent.message_id, "✅ 已加入学习资料")
    confirmed = time.monotonic()
    assert not confirmed_yet, (
        f"answer took {answered - asked:.1f}s, indexing {confirmed - asked:.1f}s: was it answered meanwhile?"
    )


def test_an_upload_is_confirmed_despite_bad_gateways_and_rate_limits(
    setup: Setup, fake: FakeTelegram
) -> None:
    admin, chat = admin_chat(setup)
    fake.fail_next("sendMessage", status=502)
    fake.fail_next("sendMessage", status=429, retry_after=1)
    _, done, _ = upload(
        fake, chat, admin, "松溪办法.txt", law_text("松溪县竹编技艺保护办法", 3, seed=81).encode()
    )
    statuses = [c.status for c in chat_calls(fake, "sendMessage", chat)]
    assert 502 in statuses and 429 in statuses and statuses[-1] == 200


# ----------------------------------------------------------------- removing a document


def test_remove_by_a_member_is_refused(setup: Setup, fake: FakeTelegram, bot: BotProcess) -> None:
    user, chat = private(fake, "Mallory")
    count = docs_count(fake, chat, user)
    reply = reply_to(fake, chat, fake.send_message(chat, user, f"/remove {WETLAND_TITLE}").message_id)
    assert NOT_ADMIN in reply.text and not reply.buttons
    wait_for_log(bot, rf"event=admin_refused\b.*user={user.id} command=remove")
    assert docs_count(fake, chat, user) == count


def test_remove_needs_a_precise_name(setup: Setup, fake: FakeTelegram) -> None:
    admin, chat = admin_chat(setup)
    usage = reply_to(fake, chat, fake.send_message(chat, admin, "/remove").message_id)
    assert usage.text.startswith("用法：/remove")
    several = reply_to(fake, chat, fake.send_message(chat, admin, "/remove 组织法").message_id)
    assert "有多份文件匹配" in several.text and not several.buttons
    none = reply_to(fake, chat, fake.send_message(chat, admin, "/remove 不存在的文件").message_id)
    assert "没有找到" in none.text


def test_remove_by_the_admin_after_confirmation(setup: Setup, fake: FakeTelegram) -> None:
    """A bundled law this time (an added document is removed the same way, see test_documents)."""
    admin, chat = admin_chat(setup)
    count = docs_count(fake, chat, admin)

    ask = reply_to(fake, chat, fake.send_message(chat, admin, f"/remove {FLAG_LAW}").message_id)
    assert f"确认从学习资料中删除《{FLAG_TITLE}》吗？" in ask.text
    intruder, _ = private(fake, "Intruder")  # pressing the admin's button from elsewhere
    query = fake.press_button(chat, intruder, ask.message_id, button(ask, "确认删除"))
    refusal = callback_answer(fake, query)
    assert NOT_ADMIN in (refusal.text or "") and refusal.show_alert
    query = fake.press_button(chat, admin, ask.message_id, button(ask, "取消"))
    callback_answer(fake, query)
    fake.wait_for(lambda: "已取消" in (fake.bot_messages(chat.id)[-1].text or ""), 15, "the cancellation")
    assert docs_count(fake, chat, admin) == count

    ask = reply_to(fake, chat, fake.send_message(chat, admin, f"/remove {FLAG_LAW}").message_id)
    query = fake.press_button(chat, admin, ask.message_id, button(ask, "确认删除"))
    callback_answer(fake, query)
    removed = fake.wait_for(
        lambda: next(
            (
                m
                for m in fake.bot_messages(chat.id)
                if m.message_id == ask.message_id and "已删除" in (m.text or "")
            ),
            None,
        ),
        INDEX_TIMEOUT,
        "the removal",
    )
    assert removed.text.startswith(f"🗑 已删除《{FLAG_TITLE}》")
    setup.removed.append(FLAG_TITLE)
    listing = docs(fake, chat, admin)
    assert f"《{FLAG_TITLE}》" not in listing and int(DOCS_COUNT.search(listing).group(1)) == count - 1
    user, member_chat = private(fake)
    answer = reply_to(
        fake, member_chat, fake.send_message(member_chat, user, "国旗的图案是什么？").message_id
    )
    assert f"《{FLAG_TITLE}》" not in answer.text, "no longer cited"


# ----------------------------------------------------------------- awkward input and faults


@pytest.mark.parametrize(
    "text",
    [
        ("龙川江湿地公园几点开园？" * 400)[:4096],
        "🌳🦢🌳",
        "\x01\x02\x1b[31m",
        "\u200b\u200c\u200d\ufeff",
        "<b>龙川江</b> & <i>湿地</i> <script>x</script>",
        "*龙川江*_湿地_[公园](http://x) `垂钓` \\",
        "\u202eمرحبا بالعالم\u202c",
        " ",
    ],
    ids=["4096 chars", "emoji", "control", "zero-width", "html", "markdown", "rtl", "whitespace"],
)
def test_awkward_text_from_an_organiser_gets_a_sensible_reply(
    setup: Setup, fake: FakeTelegram, text: str
) -> None:
    admin, chat = admin_chat(setup)
    started = time.time()
    sent = fake.send_message(chat, admin, text)
    reply = reply_to(fake, chat, sent.message_id)
    if not reply.buttons:
        assert_is_short_chinese_reply(reply)
    assert reply.text != texts.ERROR
    assert all(c.status == 200 for c in chat_calls(fake, "sendMessage", chat) if c.time >= started)


def test_edited_and_forwarded_messages(setup: Setup, fake: FakeTelegram, bot: BotProcess) -> None:
    user, chat = private(fake)
    first = reply_to(fake, chat, (sent := fake.send_message(chat, user, "三个大抓")).message_id)
    assert first.buttons
    count = len(fake.bot_messages(chat.id))
    fake.edit_message(chat, user, sent.message_id, "创建品牌的主题是什么？")  # an edit is not a new question
    channel = Chat(-1_001_234_567_890, "channel", title="县委宣传部")
    forwarded = fake.forward_message(chat, user, "创建品牌的主题是什么？", origin=channel)
    answer = reply_to(fake, chat, forwarded.message_id)  # a forwarded text is a question like any other
    assert answer.buttons and "世界菌乡" in answer.text
    time.sleep(0.5)
    assert len(fake.bot_messages(chat.id)) == count + 1, "the edit got no reply of its own"
    assert f"event=handler_error chat={chat.id}" not in bot.log()


def test_a_bad_gateway_on_send_message_is_retried(setup: Setup, fake: FakeTelegram, bot: BotProcess) -> None:
    user, chat = private(fake)
    fake.fail_next("sendMessage", status=502)
    answer = reply_to(fake, chat, fake.send_message(chat, user, "三个大抓").message_id)
    assert answer.buttons and "三个大抓" in answer.text
    statuses = [c.status for c in chat_calls(fake, "sendMessage", chat)]
    assert statuses[0] == 502 and statuses[-1] == 200
    wait_for_log(bot, r"event=retry endpoint=sendMessage")


def test_the_log_has_one_line_per_event_with_ids_and_never_the_token(setup: Setup, bot: BotProcess) -> None:
    log = bot.log()
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert re.search(rf"event=answer chat={setup.admin.id} user={setup.admin.id} ", log)
    assert re.search(r"event=index_loaded .*documents=\d+ built_at=\S+", log)
    for line in log.splitlines():
        if "event=" in line:
            assert re.match(r"^\S+ \S+ level=\w+ logger=\S+ event=\w+", line), line


def test_refusals_are_logged_with_chat_and_user(setup: Setup, fake: FakeTelegram, bot: BotProcess) -> None:
    user, chat = private(fake, "Logged")
    refused_upload(fake, chat, user, "资料.txt", "第一条 内容。".encode())
    wait_for_log(bot, rf"event=upload_refused chat={chat.id} user={user.id}", timeout=3)


# ----------------------------------------------------------------- policybot doctor


def doctor(
    fake: FakeTelegram, data_dir: Path, base_url: str, token: str = TOKEN, **settings: str
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_BASE_URL=base_url,  # never the real Bot API: always 127.0.0.1
        POLICYBOT_DATA_DIR=str(data_dir),
        NO_PROXY="127.0.0.1,localhost",
        **settings,
    )
    assert base_url.startswith("http://127.0.0.1:")
    return subprocess.run(
        [sys.executable, "-m", "bot.terminal.cli", "doctor"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_doctor_checks_everything_against_the_fake(setup: Setup, fake: FakeTelegram) -> None:
    result = doctor(fake, setup.data_dir, fake.base_url)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    for name in ("嵌入模型", "数据目录", "索引", "机器人令牌", "Bot API"):
        assert re.search(rf"^✅ {name}：", result.stdout, flags=re.MULTILINE), out
    assert "@policy_test_bot" in result.stdout
    assert re.search(r"✅ 索引：\d+ 份文件", result.stdout)
    assert TOKEN not in out and TOKEN.split(":")[1] not in out


def test_doctor_reads_the_token_from_the_config_file(
    setup: Setup, fake: FakeTelegram, tmp_path: Path
) -> None:
    config = tmp_path / "policybot.toml"
    config.write_text(f'token = "{TOKEN}"\nbase_url = "{fake.base_url}"\n', encoding="utf-8")
    result = doctor(fake, setup.data_dir, fake.base_url, token="", POLICYBOT_CONFIG=str(config))
    assert re.search(r"^✅ 机器人令牌：格式正确", result.stdout, flags=re.MULTILINE), result.stdout
    assert "@policy_test_bot" in result.stdout and result.returncode == 0
    assert TOKEN not in result.stdout + result.stderr


def test_doctor_says_what_to_fix(setup: Setup, fake: FakeTelegram) -> None:
    unreachable = doctor(fake, setup.data_dir, f"http://127.0.0.1:{free_port()}/bot")
    assert unreachable.returncode == 1
    assert re.search(r"^❌ Bot API：http://127\.0\.0\.1:\d+ 无法访问", unreachable.stdout, flags=re.MULTILINE)
    assert "↳ 处理办法：" in unreachable.stdout and "TELEGRAM_BASE_URL" in unreachable.stdout

    wrong = "7012345678:AAWrongTokenWrongTokenWrong_0123"
    rejected = doctor(fake, setup.data_dir, fake.base_url, token=wrong)
    assert (
        rejected.returncode == 1 and "❌ Bot API" in rejected.stdout and "检查令牌是否有效" in rejected.stdout
    )

    malformed = doctor(fake, setup.data_dir, fake.base_url, token="not-a-token")
    assert "❌ 机器人令牌" in malformed.stdout and "↳ 处理办法：" in malformed.stdout
    for result, token in [(unreachable, TOKEN), (rejected, wrong), (malformed, "not-a-token")]:
        out = result.stdout + result.stderr
        assert token not in out and token.split(":")[-1] not in out


# ----------------------------------------------------------------- restart with allowed chats (last)


def test_restart_keeps_documents_and_allowed_chats_limit_where_the_bot_answers(
    setup: Setup, fake: FakeTelegram, bot: BotProcess
) -> None:
    admin, chat = admin_chat(setup)
    count = docs_count(fake, chat, admin)
    allowed, elsewhere = fake.group("学习中心组"), fake.group("闲聊群")
    bot.settings["POLICYBOT_ALLOWED_CHATS"] = str(allowed.id)
    log_before = len(bot.log())
    bot.restart()
    fresh_log = bot.log()[log_before:]
    assert re.search(rf"event=index_loaded .*documents={count} built_at=\S+", fresh_log), fresh_log[-3000:]

    listing = docs(fake, chat, admin)
    assert all(f"《{title}》" not in listing for title in setup.removed), "removals are kept"

    user = fake.user("Member")
    sent = fake.send_message(allowed, user, "/ask 三个大抓")
    answer = fake.wait_for_message(
        allowed.id, after=sent.message_id, timeout=ANSWER_TIMEOUT, predicate=lambda m: bool(m.buttons)
    )
    assert "三个大抓" in answer.text

    for text in ("/ask 三个大抓", "/ask 创建品牌的主题是什么？", "/help"):
        fake.send_message(elsewhere, fake.user("Other"), text)
    stranger, stranger_chat = private(fake, "Stranger")
    for text in ("三个大抓", "创建品牌的主题是什么？"):
        fake.send_message(stranger_chat, stranger, text)
    barrier = fake.send_message(allowed, user, "/ask 创建品牌的主题是什么？")
    fake.wait_for_message(
        allowed.id, after=barrier.message_id, timeout=ANSWER_TIMEOUT, predicate=lambda m: bool(m.buttons)
    )
    fake.wait_for(lambda: len(fake.pending_updates()) == 0, 20, "every update to be fetched")
    time.sleep(1.0)
    for refused in (elsewhere, stranger_chat):
        messages = fake.bot_messages(refused.id)
        assert [m.text for m in messages] == [
            "抱歉，本机器人只在指定的学习群中提供服务。如需使用，请联系管理员。"
        ], "exactly one polite message, no answers"
    wait_for_log(bot, rf"event=refused_chat chat={elsewhere.id} user=\d+")


def test_documents_confirmed_before_the_restart_are_still_answered(setup: Setup, fake: FakeTelegram) -> None:
    if not setup.added:
        pytest.skip("no document was confirmed earlier in this module")
    admin, chat = admin_chat(setup)  # an organiser's private chat works whatever the allowed chats
    for title, question, location in setup.added:
        answer = reply_to(fake, chat, fake.send_message(chat, admin, question).message_id)
        assert f"《{title}》{location}" in answer.text
