"""The Telegram bot end to end: `policybot bot` as its own process against the fake Bot API.

One bot process serves the whole module (loading the model takes seconds); every test plays its
own users and chats, so the per-user question limit and earlier tests never get in the way.
Tests assert what a member would see: messages, entities, buttons, replies, callback answers.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core import texts
from bot.core.library import Library
from bot.telegram_app import texts as bot_texts
from tests.bot_process import TOKEN, BotProcess, running_bot
from tests.fake_telegram import BotMessage, Chat, FakeTelegram, User

pytestmark = pytest.mark.slow

ANSWER_TIMEOUT = 30.0  # generous: a busy two-core CI machine also runs the model
CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64


@pytest.fixture(scope="module")
def running(assistant, session_data_dir: Path, tmp_path_factory) -> Iterator[tuple[FakeTelegram, BotProcess]]:
    """One bot process for the module over the session's index; it must exit 0 on SIGTERM."""
    log_path = tmp_path_factory.mktemp("bot-e2e") / "bot.log"
    with running_bot(session_data_dir, log_path) as pair:
        yield pair


@pytest.fixture
def fake(running) -> FakeTelegram:
    return running[0]


@pytest.fixture
def bot(running) -> BotProcess:
    return running[1]


# ----------------------------------------------------------------- helpers


def private(fake: FakeTelegram, name: str = "Member") -> tuple[User, Chat]:
    """A fresh member with a fresh private chat (so rate limits never carry over)."""
    user = fake.user(name)
    return user, fake.private_chat(user)


def ask(fake: FakeTelegram, chat: Chat, user: User, text: str, **kw) -> BotMessage:
    """Send `text` and return the bot's final reply to it (the message with buttons if any)."""
    sent = fake.send_message(chat, user, text, **kw)
    return reply_to(fake, chat, sent.message_id)


def reply_to(fake: FakeTelegram, chat: Chat, message_id: int, timeout: float = ANSWER_TIMEOUT) -> BotMessage:
    """The bot's reply to a message; for a multi-part answer, the part that carries the buttons."""
    first = fake.wait_for_message(chat.id, after=message_id, timeout=timeout)
    if first.buttons or CITATIONS_HEADER.search(first.text or "") is None:
        return first
    return fake.wait_for_message(
        chat.id, after=message_id, timeout=timeout, predicate=lambda m: bool(m.buttons)
    )


CITATIONS_HEADER = re.compile(r"出处（第 (\d+)–(\d+) 条，共 (\d+) 条）")


def snapshot(fake: FakeTelegram, chat_id: int, message_id: int) -> BotMessage:
    return next(m for m in fake.bot_messages(chat_id) if m.message_id == message_id)


def button(message: BotMessage, label: str) -> str:
    """The callback data of the button whose text contains `label`."""
    found = [data for text, data in message.buttons if label in text]
    assert found, f"no button {label!r} in {message.buttons}"
    return found[0]


def callback_answer(fake: FakeTelegram, query_id: str, timeout: float = 15.0):
    return fake.wait_for(
        lambda: next((a for a in fake.callback_answers if a.query_id == query_id), None),
        timeout,
        f"an answer to callback query {query_id}",
    )


def chat_calls(fake: FakeTelegram, method: str, chat: Chat):
    return [c for c in fake.calls(method) if str(c.params.get("chat_id")) == str(chat.id)]


def answer_sentence(message: BotMessage) -> str:
    """The extracted answer: the first paragraph, after the bold "答："."""
    first = (message.text or "").split("\n\n")[0]
    assert first.startswith("答："), message.text
    return first.removeprefix("答：").split("\n")[0]


def wait_for_log(bot: BotProcess, pattern: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if match := re.search(pattern, bot.log()):
            return match.group()
        time.sleep(0.1)
    raise AssertionError(f"no log line matching {pattern!r}; log:\n{bot.log()[-4000:]}")


def assert_is_short_chinese_reply(message: BotMessage) -> None:
    assert message.text and CJK.search(message.text), message.text
    assert message.text != texts.ERROR
    assert "Traceback" not in message.text and "Error" not in message.text
    assert len(message.text) < 400, message.text


def assert_fits(message: BotMessage) -> None:
    assert len(message.text or "") <= MAX_TEXT
    assert len(message.source_text or "") <= MAX_TEXT


# ----------------------------------------------------------------- start, help, docs


def test_start_help_and_commands_in_a_private_chat(fake: FakeTelegram) -> None:
    commands = {c["command"]: c["description"] for c in fake.commands()}
    assert {"start", "ask", "docs", "help"} <= set(commands)
    assert all(CJK.search(description) for description in commands.values()), commands
    first_send = min((c.time for c in fake.calls("sendMessage")), default=float("inf"))
    assert fake.calls("setMyCommands")[0].time < first_send  # registered at start (post_init)

    user, chat = private(fake)
    welcome = ask(fake, chat, user, "/start")
    assert welcome.text.startswith("你好")
    assert "学习资料" in welcome.text and "《" in welcome.text and "讲话" in welcome.text
    assert "31 份相关政策法规" in welcome.text  # the speech plus the 31 laws and regulations
    assert "/ask" in welcome.text and "/help" in welcome.text

    help_text = ask(fake, chat, user, "/help").text
    member_part = help_text.split("管理员")[0]
    for command in ("/ask", "/docs", "/help", "/quiz", "/stop", "/score", "/rank", "/review", "/daily"):
        assert command in member_part
    assert set(commands) == set(re.findall(r"^/([a-z]+)", help_text, flags=re.MULTILINE)), "menu = help"
    assert CJK.search(help_text)


def test_docs_lists_every_document_with_its_passage_count(fake: FakeTelegram) -> None:
    user, chat = private(fake)
    reply = ask(fake, chat, user, "/docs")
    assert reply.parse_mode == "HTML" and reply.entity_texts("bold") == ["学习资料目录（共 32 份）："]
    text = reply.text
    assert "共 32 份" in text
    entries = re.findall(r"^\d+\. 《(.+)》— (\d+) 段$", text, flags=re.MULTILINE)
    assert len(entries) == 32
    assert all(int(count) > 0 for _, count in entries)
    assert sum("讲话" in title for title, _ in entries) == 1
    assert "讲话" in entries[0][0], "the study text comes first, before the laws"


# ----------------------------------------------------------------- a question in a private chat


def test_private_question_is_answered_with_cited_passages_and_buttons(fake: FakeTelegram) -> None:
    user, chat = private(fake)
    answer = ask(fake, chat, user, "创建品牌的主题是什么？")

    actions = [
        i
        for i, c in enumerate(fake.calls())
        if c.method == "sendChatAction" and str(c.params.get("chat_id")) == str(chat.id)
    ]
    sends = [
        i
        for i, c in enumerate(fake.calls())
        if c.method == "sendMessage" and str(c.params.get("chat_id")) == str(chat.id)
    ]
    assert actions and sends and actions[0] < sends[0], "typing is shown before the answer"
    assert fake.chat_actions(chat.id)[0] == "typing"

    assert answer.parse_mode == "HTML"
    sentence = answer_sentence(answer)
    assert "世界菌乡" in sentence
    assert sentence in answer.entity_texts("bold"), "the answering sentence is bold in citation 1"
    assert "《县委理论学习中心组2023年第二季度集中学习会议主持讲话》第三部分" in answer.text
    assert CITATIONS_HEADER.search(answer.text).groups()[:2] == ("1", "3")
    assert [t for t in answer.entity_texts("bold") if re.fullmatch(r"\d\.", t)] == ["1.", "2.", "3."]
    assert len(answer.entity_texts("blockquote")) == 3
    assert_fits(answer)

    labels = [text for text, _ in answer.buttons]
    assert any("更多出处" in t for t in labels)
    assert [t for t in labels if "原文" in t] == ["📄 原文 1", "📄 原文 2", "📄 原文 3"]
    assert any("👍" in t for t in labels) and any("👎" in t for t in labels)
    assert all(data and len(data.encode()) <= MAX_CALLBACK_DATA for _, data in answer.buttons)


def test_out_of_scope_question_gets_the_kind_not_found_message(fake: FakeTelegram) -> None:
    user, chat = private(fake)
    reply = ask(fake, chat, user, "明天天气怎么样")
    assert "没有找到" in reply.text and "资料主要涉及" in reply.text
    assert "《" in reply.text and "/docs" in reply.text
    assert re.search(r"资料主要涉及：《[^》]*讲话》", reply.text), "the speech is named first"
    assert reply.reply_markup is None and not reply.buttons


# ----------------------------------------------------------------- buttons


def test_more_citations_edits_the_same_message(fake: FakeTelegram) -> None:
    user, chat = private(fake)
    answer = ask(fake, chat, user, "创建品牌的主题是什么？")
    count = len(fake.bot_messages(chat.id))
    query = fake.press_button(chat, user, answer.message_id, button(answer, "更多出处"))
    assert callback_answer(fake, query).text is None  # answered (no toast) before the edit

    edited = fake.wait_for(
        lambda: (m := snapshot(fake, chat.id, answer.message_id)).edits and m, description="the edit"
    )
    assert CITATIONS_HEADER.search(edited.text).groups() == ("4", "6", "9")
    assert [t for t in edited.entity_texts("bold") if re.fullmatch(r"\d\.", t)] == ["4.", "5.", "6."]
    labels = [text for text, _ in edited.buttons]
    assert [t for t in labels if "原文" in t] == ["📄 原文 4", "📄 原文 5", "📄 原文 6"]
    assert any("上一页" in t for t in labels) and any("更多出处" in t for t in labels)
    assert answer_sentence(edited) == answer_sentence(answer)
    assert len(fake.bot_messages(chat.id)) == count, "paging edits, it does not send"
    assert all(c.ok for c in chat_calls(fake, "editMessageText", chat))


def test_source_button_sends_the_passage_with_its_neighbours(fake: FakeTelegram, assistant) -> None:
    user, chat = private(fake)
    answer = ask(fake, chat, user, "创建品牌的主题是什么？")
    query = fake.press_button(chat, user, answer.message_id, button(answer, "原文 1"))
    source = fake.wait_for_message(
        chat.id, after=answer.message_id, predicate=lambda m: texts.SOURCE_HEADER in (m.text or "")
    )
    callback_answer(fake, query)

    title, location = re.search(r"^1\. 《(.+)》(.+)$", answer.text, flags=re.MULTILINE).groups()
    passage = next(p for p in assistant.index.passages if p.doc_title == title and p.location == location)
    assert "世界菌乡" in passage.text
    context = Library(assistant.index.passages).context(passage.passage_id)
    assert source.parse_mode == "HTML"
    assert passage.text.strip() in source.entity_texts("bold"), "the cited passage itself is bold"
    assert "▶ " + passage.location in source.text
    for neighbour in (context.before, context.after):
        if neighbour is not None:
            assert neighbour.text.strip() in source.text
            assert neighbour.location in source.entity_texts("italic")
    assert_fits(source)


def test_feedback_is_stored_and_acknowledged(fake: FakeTelegram, session_data_dir: Path) -> None:
    user, chat = private(fake)
    answer = ask(fake, chat, user, "三个大抓")
    up = button(answer, "👍")
    answer_id = up.split(":")[1]
    query = fake.press_button(chat, user, answer.message_id, up)
    assert callback_answer(fake, query).text == texts.FEEDBACK_THANKS

    with sqlite3.connect(session_data_dir / "policybot.sqlite") as db:
        rows = db.execute(
            "SELECT value FROM feedback WHERE answer_id = ? AND user_id = ?", (answer_id, user.id)
        ).fetchall()
    assert rows == [(1,)]

    query = fake.press_button(chat, user, answer.message_id, button(answer, "👎"))  # a change of mind
    assert callback_answer(fake, query).text == texts.FEEDBACK_THANKS
    with sqlite3.connect(session_data_dir / "policybot.sqlite") as db:
        rows = db.execute(
            "SELECT value FROM feedback WHERE answer_id = ? AND user_id = ?", (answer_id, user.id)
        ).fetchall()
    assert rows == [(-1,)]


STALE_DATA = ["nonsense", "p:unknownid:1", "c:unknownid:1", "f:unknownid:1", "x:abc:1", "p:abc", "p:abc:one"]


def test_stale_or_unknown_buttons_get_a_polite_answer(fake: FakeTelegram) -> None:
    """Data of answers from another installation, or forged by a client."""
    user, chat = private(fake)
    answer = ask(fake, chat, user, "三个大抓")
    before = len(fake.bot_messages(chat.id))
    for data in STALE_DATA:
        query = fake.press_button(chat, user, answer.message_id, data, strict=False)
        assert callback_answer(fake, query).text == texts.STALE_BUTTON, data
    time.sleep(0.2)
    assert len(fake.bot_messages(chat.id)) == before, "no error message is sent"
    assert snapshot(fake, chat.id, answer.message_id).edits == 0


def test_forged_button_data_gets_a_polite_answer(fake: FakeTelegram) -> None:
    user, chat = private(fake)
    answer = ask(fake, chat, user, "三个大抓")
    answer_id = button(answer, "👍").split(":")[1]
    query = fake.press_button(chat, user, answer.message_id, f"p:{answer_id}:²", strict=False)
    fake.wait_for(  # either outcome, so the buggy case fails fast instead of timing out
        lambda: (
            any(a.query_id == query for a in fake.callback_answers)
            or any(m.text == texts.ERROR for m in fake.bot_messages(chat.id))
        ),
        ANSWER_TIMEOUT,
        "the bot to handle the press",
    )
    assert callback_answer(fake, query, timeout=0.1).text == texts.STALE_BUTTON
    assert all(m.text != texts.ERROR for m in fake.bot_messages(chat.id))


def test_every_callback_query_is_answered(fake: FakeTelegram) -> None:
    user, chat = private(fake)
    answer = ask(fake, chat, user, "创建品牌的主题是什么？")
    # strict=False: the first press may already have replaced the buttons a member saw
    datas = [data for _, data in answer.buttons] + [button(answer, "更多出处")]  # with a double tap
    pressed = [fake.press_button(chat, user, answer.message_id, data, strict=False) for data in datas]
    for query in pressed:
        callback_answer(fake, query)
    fake.wait_for(
        lambda: len([m for m in fake.bot_messages(chat.id) if texts.SOURCE_HEADER in (m.text or "")]) == 3,
        ANSWER_TIMEOUT,
        "three source messages",
    )
    assert all(c.status != 400 for c in fake.calls("answerCallbackQuery"))
    assert all(c.ok for c in chat_calls(fake, "sendMessage", chat))


def test_buttons_keep_working_after_a_restart(fake: FakeTelegram, bot: BotProcess) -> None:
    user, chat = private(fake)
    answer = ask(fake, chat, user, "创建品牌的主题是什么？")
    bot.restart()  # SIGTERM, exit code 0, start again on the same data dir

    query = fake.press_button(chat, user, answer.message_id, button(answer, "更多出处"))
    callback_answer(fake, query, timeout=ANSWER_TIMEOUT)
    edited = fake.wait_for(
        lambda: (m := snapshot(fake, chat.id, answer.message_id)).edits and m, description="the edit"
    )
    assert CITATIONS_HEADER.search(edited.text).groups() == ("4", "6", "9")
    query = fake.press_button(chat, user, answer.message_id, button(edited, "👍"))
    assert callback_answer(fake, query).text == texts.FEEDBACK_THANKS
    query = fake.press_button(chat, user, answer.message_id, button(edited, "原文 5"))
    fake.wait_for_message(chat.id, after=answer.message_id, predicate=lambda m: texts.SOURCE_HEADER in m.text)
    assert bot.exit_codes and bot.exit_codes[-1] == 0


# ----------------------------------------------------------------- awkward input


@pytest.mark.parametrize(
    "question",
    [
        "创建品牌的主题是什么？<b>&\"'",
        "<b>&\"'</b> <i>三个大抓</i> &amp; &lt;",
        "*创建品牌*的_主题_是什么？[链接](http://x) `code` \\*",
        "<b>&\"'",
        "*_[]",
    ],
)
def test_html_and_markdown_specials_in_the_question(fake: FakeTelegram, question: str) -> None:
    user, chat = private(fake)
    reply = ask(fake, chat, user, question)
    assert reply.text and CJK.search(reply.text)
    assert reply.text != texts.ERROR
    for method in ("sendMessage", "editMessageText"):
        for call in chat_calls(fake, method, chat):
            assert call.status == 200, call.response


def test_a_4000_character_question_is_cut_and_answered(fake: FakeTelegram) -> None:
    user, chat = private(fake)
    question = ("创建品牌的主题是什么？" * 400)[:4000]
    sent = fake.send_message(chat, user, question)
    answer = reply_to(fake, chat, sent.message_id)
    shown = "\n".join(m.text for m in fake.bot_messages(chat.id))
    assert texts.TRUNCATED in shown and "只根据前 512 个字检索" in shown
    assert answer.buttons and "世界菌乡" in shown
    for message in fake.bot_messages(chat.id):
        assert_fits(message)
    assert all(c.ok for c in chat_calls(fake, "sendMessage", chat))


@pytest.mark.parametrize(
    "text",
    [
        "😀😀",
        "\x01\x02\x07",
        "\u200b\u200b",
        "\u200f\u202e",
        "ما هو موضوع العلامة التجارية؟",
        "מה הנושא של המותג?",
        "\u202b\u05e9\u05dc\u05d5\u05dd\u202c",
    ],
    ids=["emoji", "control", "zero-width", "rtl-marks", "arabic", "hebrew", "hebrew-embedded"],
)
def test_odd_text_gets_a_short_chinese_reply(fake: FakeTelegram, text: str) -> None:
    user, chat = private(fake)
    reply = ask(fake, chat, user, text)
    if not reply.buttons:  # a foreign-language question may legitimately be answered
        assert_is_short_chinese_reply(reply)
    assert all(c.ok for c in chat_calls(fake, "sendMessage", chat))


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "document"])
def test_non_text_messages_get_a_short_chinese_reply(fake: FakeTelegram, kind: str) -> None:
    user, chat = private(fake)
    send = {
        "sticker": lambda: fake.send_sticker(chat, user),
        "photo": lambda: fake.send_photo(chat, user),
        "voice": lambda: fake.send_voice(chat, user),
        "document": lambda: fake.send_document(chat, user, "notes.txt", "创建品牌".encode()),
    }[kind]
    reply = fake.wait_for_message(chat.id, after=send().message_id)
    if kind == "document":  # a member's file: only organisers add material
        assert "仅限管理员" in reply.text
    else:
        assert reply.text == bot_texts.NOT_TEXT
    assert_is_short_chinese_reply(reply)


def test_the_bot_keeps_answering_after_odd_input(fake: FakeTelegram, bot: BotProcess) -> None:
    user, chat = private(fake)
    for text in ("😀", "\u200b", "\x00"):
        ask(fake, chat, user, text)
    sticker = fake.send_sticker(chat, user)
    assert fake.wait_for_message(chat.id, after=sticker.message_id).text == bot_texts.NOT_TEXT
    answer = ask(fake, chat, user, "三个大抓")
    assert answer.buttons and "三个大抓" in answer.text
    assert bot.alive
    assert f"event=handler_error chat={chat.id}" not in bot.log()


# ----------------------------------------------------------------- groups (privacy mode on)


def test_group_questions_are_answered_as_replies(fake: FakeTelegram) -> None:
    group = fake.group("学习小组")
    for text in ("/ask 三个大抓", "/ask@policy_test_bot 三个大抓", "@policy_test_bot 三个大抓是什么？"):
        user = fake.user("Member")
        sent = fake.send_message(group, user, text)
        assert sent.delivered, text
        answer = fake.wait_for_message(
            group.id,
            after=sent.message_id,
            timeout=ANSWER_TIMEOUT,
            predicate=lambda m, sent=sent: m.reply_to_message_id == sent.message_id and bool(m.buttons),
        )
        assert "三个大抓" in answer.text, text

    user = fake.user("Member")
    followup = fake.send_message(group, user, "创建品牌的主题是什么？", reply_to_message_id=answer.message_id)
    assert followup.delivered
    reply = fake.wait_for_message(
        group.id,
        after=followup.message_id,
        timeout=ANSWER_TIMEOUT,
        predicate=lambda m: m.reply_to_message_id == followup.message_id,
    )
    assert "世界菌乡" in reply.text


def test_ask_without_a_question_in_a_group_gets_the_usage_hint(fake: FakeTelegram) -> None:
    group = fake.group()
    user = fake.user("Member")
    for text in ("/ask", "/ask@policy_test_bot", "@policy_test_bot"):
        sent = fake.send_message(group, user, text)
        hint = fake.wait_for_message(group.id, after=sent.message_id)
        assert hint.text == bot_texts.ASK_USAGE
        assert hint.reply_to_message_id == sent.message_id


@pytest.mark.parametrize("bot_is_admin", [False, True], ids=["privacy", "admin-sees-all"])
def test_group_chatter_and_stickers_get_no_reply(fake: FakeTelegram, bot_is_admin: bool) -> None:
    group = fake.group(bot_is_admin=bot_is_admin)
    user = fake.user("Member")
    chatter = [
        fake.send_message(group, user, "大家好，明天下午三点开会"),
        fake.send_message(group, user, "三个大抓是什么？"),  # a question, but not addressed to the bot
        fake.send_message(group, user, "@someone_else 三个大抓"),
        fake.send_message(group, user, "/ask@other_bot 三个大抓"),
        fake.send_sticker(group, user),
        fake.send_photo(group, user),
    ]
    assert [a.delivered for a in chatter] == [bot_is_admin] * len(chatter)
    barrier = fake.send_message(group, fake.user("Other"), "/ask 三个大抓")  # processed after the chatter
    fake.wait_for_message(
        group.id, after=barrier.message_id, timeout=ANSWER_TIMEOUT, predicate=lambda m: bool(m.buttons)
    )
    time.sleep(0.5)
    replies = [m for m in fake.bot_messages(group.id) if m.reply_to_message_id != barrier.message_id]
    assert replies == []


def test_group_mention_after_an_emoji_is_answered(fake: FakeTelegram) -> None:
    group = fake.group()
    user = fake.user("Member")
    sent = fake.send_message(group, user, "👋 @policy_test_bot 三个大抓是什么？")
    assert sent.delivered
    barrier = fake.send_message(group, fake.user("Other"), "/help")
    fake.wait_for_message(
        group.id, after=barrier.message_id, predicate=lambda m: m.reply_to_message_id == barrier.message_id
    )
    # The mention was dispatched before /help was; a question shows "typing" before anything else.
    fake.wait_for(lambda: fake.chat_actions(group.id), 2.0, "typing in reply to the mention")
    answer = fake.wait_for_message(
        group.id,
        after=sent.message_id,
        timeout=ANSWER_TIMEOUT,
        predicate=lambda m: m.reply_to_message_id == sent.message_id,
    )
    assert "三个大抓" in answer.text


# ----------------------------------------------------------------- failures


def test_blocked_user_is_logged_and_others_are_still_served(fake: FakeTelegram, bot: BotProcess) -> None:
    user, chat = private(fake, "Blocker")
    fake.block_user(chat)
    started = time.time()
    fake.send_message(chat, user, "三个大抓")
    forbidden = fake.wait_for_call(
        "sendMessage",
        predicate=lambda c: str(c.params.get("chat_id")) == str(chat.id),
        timeout=ANSWER_TIMEOUT,
        after=started,
    )
    assert forbidden.status == 403
    wait_for_log(bot, rf"event=handler_error chat={chat.id} error=Forbidden")

    other, other_chat = private(fake)
    assert ask(fake, other_chat, other, "三个大抓").buttons
    assert bot.alive


def test_rate_limited_send_is_retried(fake: FakeTelegram) -> None:
    user, chat = private(fake)
    fake.fail_next("sendMessage", status=429, retry_after=1)
    answer = ask(fake, chat, user, "三个大抓")
    assert answer.buttons
    statuses = [c.status for c in chat_calls(fake, "sendMessage", chat)]
    assert statuses == [429, 200]


def test_polling_survives_a_bad_gateway(fake: FakeTelegram, bot: BotProcess) -> None:
    started = time.time()
    fake.fail_next("getUpdates", status=502)
    user, chat = private(fake)
    assert ask(fake, chat, user, "三个大抓").buttons  # delivered by the poll in flight or the retry
    fake.wait_for(
        lambda: any(c.status == 502 for c in fake.calls("getUpdates") if c.time >= started),
        ANSWER_TIMEOUT,
        "the injected 502",
    )
    user, chat = private(fake)
    assert ask(fake, chat, user, "创建品牌的主题是什么？").buttons
    assert bot.alive


def test_the_bot_limits_questions_per_user(fake: FakeTelegram) -> None:
    user, chat = private(fake)
    for _ in range(8):  # out-of-scope questions count too, and they are quick to answer
        assert "没有找到" in ask(fake, chat, user, "明天天气怎么样").text
    reply = ask(fake, chat, user, "三个大抓")
    assert reply.text.startswith("提问太频繁了") and not reply.buttons
    assert re.search(r"请 \d+ 秒后再问", reply.text)
    other, other_chat = private(fake)
    assert ask(fake, other_chat, other, "三个大抓").buttons  # the limit is per member


def test_ten_members_asking_at_once_are_all_answered(fake: FakeTelegram) -> None:
    members = [private(fake, f"Member{i}") for i in range(10)]
    questions = [
        "创建品牌的主题是什么？",
        "三个大抓",
        "民族自治地方分为哪几种？",
        "怎样解决融合度低的问题？",
        "国旗的图案是什么？",
    ]
    sent = [
        (chat, fake.send_message(chat, user, questions[i % len(questions)]))
        for i, (user, chat) in enumerate(members)
    ]
    for chat, message in sent:
        reply = reply_to(fake, chat, message.message_id, timeout=60)
        assert reply.buttons, reply.text


# ----------------------------------------------------------------- the whole session


def test_no_request_was_refused_as_malformed(fake: FakeTelegram) -> None:
    """Over everything this module did: no "can't parse entities", no text too long, no bad button."""
    bad = [
        c
        for c in fake.calls()
        if c.status == 400 and "message is not modified" not in str(c.response)  # a double tap, tolerated
    ]
    assert bad == [], [(c.method, c.response) for c in bad]


def test_the_token_never_reaches_the_log(fake: FakeTelegram, bot: BotProcess) -> None:
    user, chat = private(fake, "Blocker")
    fake.block_user(chat)
    fake.send_message(chat, user, "三个大抓")  # a Forbidden traceback in the log
    wait_for_log(bot, rf"event=handler_error chat={chat.id}")
    log = bot.log()
    assert "event=started" in log and "event=answer" in log
    assert TOKEN not in log
    assert TOKEN.split(":")[1] not in log
