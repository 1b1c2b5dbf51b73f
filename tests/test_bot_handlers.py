"""The Telegram adapter without a process: pure helpers, and handlers fed `Update`s in-process.

Handler tests build the real Application (`build_application`) over a real ChatService and a
fake Bot API on 127.0.0.1, take the updates the fake generates for simulated users, and hand
them to `application.process_update`; then they check what the fake received.
No pytest-asyncio: each test runs its coroutine with `asyncio.run`.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import Application

from bot.core import texts
from bot.core.answers import Answer, Citation
from bot.core.chat import ChatService
from bot.core.library import PassageContext
from bot.core.quiz.bank import QuizBank
from bot.core.services import build_services
from bot.core.settings import Settings
from bot.telegram_app import callback_data, keyboards, render
from bot.telegram_app import texts as bot_texts
from bot.telegram_app.app import build_application
from bot.telegram_app.handlers import addressed_question
from corpus.model import Passage
from tests.fake_telegram import Chat, FakeTelegram, User
from tests.fake_telegram_html import find_entities, format_text

LIMIT = 4096
BOT_USERNAME = "policy_test_bot"
BOT_ID = 123456  # FakeTelegram's default token is 123456:...


# ----------------------------------------------------------------- addressed_question


def group_message(
    text: str, reply_from: dict[str, Any] | None = None, entities: list | None = None
) -> Message:
    """A group message as Telegram delivers it (entities found the way Telegram finds them)."""
    chat = {"id": -100, "type": "group", "title": "学习小组"}
    data: dict[str, Any] = {
        "message_id": 10,
        "date": 0,
        "chat": chat,
        "from": {"id": 42, "is_bot": False, "first_name": "Member"},
        "text": text,
    }
    found = find_entities(text) if entities is None else entities
    if found:
        data["entities"] = found
    if reply_from is not None:
        data["reply_to_message"] = {
            "message_id": 9,
            "date": 0,
            "chat": chat,
            "from": reply_from,
            "text": "之前的消息",
        }
    return Message.de_json(data, None)


OUR_BOT = {"id": BOT_ID, "is_bot": True, "first_name": "Policy Test Bot", "username": BOT_USERNAME}
OTHER_BOT = {"id": 999, "is_bot": True, "first_name": "Other", "username": "other_bot"}
PERSON = {"id": 77, "is_bot": False, "first_name": "Someone"}


@pytest.mark.parametrize(
    ("text", "reply_from", "expected"),
    [
        ("@policy_test_bot 三个大抓是什么？", None, "三个大抓是什么？"),
        ("三个大抓是什么？ @policy_test_bot", None, "三个大抓是什么？"),
        ("请问 @policy_test_bot 三个大抓", None, "请问  三个大抓"),
        ("@Policy_Test_Bot 三个大抓", None, "三个大抓"),  # usernames are case-insensitive
        ("@policy_test_bot", None, ""),  # addressed, but no question: the usage hint follows
        ("三个大抓是什么？", OUR_BOT, "三个大抓是什么？"),  # a reply to the bot
        ("@someone 三个大抓", OUR_BOT, "@someone 三个大抓"),
        ("@other_bot 三个大抓", None, None),  # another bot's mention
        ("@policy_test_bot_fan 三个大抓", None, None),  # a longer username is someone else
        ("三个大抓", OTHER_BOT, None),  # a reply to another bot
        ("三个大抓", PERSON, None),  # a reply to a person
        ("大家好，明天开会", None, None),
        ("policy_test_bot 三个大抓", None, None),  # the name without @ is no mention
    ],
)
def test_addressed_question(text: str, reply_from: dict | None, expected: str | None) -> None:
    assert addressed_question(group_message(text, reply_from), BOT_USERNAME, BOT_ID) == expected


@pytest.mark.parametrize("text", ["👋 @policy_test_bot 三个大抓", "𠀀 @policy_test_bot 三个大抓"])
def test_addressed_question_after_non_bmp_characters(text: str) -> None:
    assert addressed_question(group_message(text), BOT_USERNAME, BOT_ID) is not None


# ----------------------------------------------------------------- keyboards


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "p",
        "p:",
        "p:abc",
        "p:abc:",
        "p:abc:x",
        "q:abc:1",
        "P:abc:1",
        "p:abc:1:2",
        "p:abc:1.5",
        "p:abc:-",
        "f:abc: 1",
        "c::",
        "::",
        "p:abc:0x1",
        "rm:",
        "rm:xyz",
        "rm:-:1",
        "qa:s1:1",
        "qa:s1:1:x",
        "qa:s 1:1:2",
        "qa:" + "a" * 41 + ":1:2",
    ],
)
def test_decode_refuses_bad_data(data: str | None) -> None:
    assert callback_data.decode(data) is None


@pytest.mark.parametrize("data", ["p:abc:²", "c:abc:--1", "f:abc:①", "qa:s1:１:2", "rm:ａ1"])
def test_decode_refuses_digit_lookalikes(data: str) -> None:
    assert callback_data.decode(data) is None


@pytest.mark.parametrize(
    ("kind", "values"),
    [("p", ("Ab-_9xYz", 0)), ("p", ("Ab-_9xYz", 2)), ("c", ("Ab-_9xYz", 9)), ("f", ("Ab-_9xYz", 1)),
     ("f", ("Ab-_9xYz", 0)), ("rm", ("0af3c9d2e1b4",)), ("rm", ("-",)), ("qa", ("1f2e3d4c", 3, 2))],
)  # fmt: skip
def test_encode_decode_round_trip(kind: str, values: tuple) -> None:
    data = callback_data.encode(kind, *values)
    assert len(data.encode()) <= callback_data.MAX_BYTES == 64
    assert callback_data.decode(data) == callback_data.Callback(kind, values)


def test_encode_refuses_data_over_64_bytes_or_malformed() -> None:
    longest = callback_data.encode("qa", "a" * 40, 999999, 999999)
    assert len(longest.encode()) <= 64  # every well-formed value fits
    with pytest.raises(callback_data.CallbackDataError):
        callback_data.encode("p", "菌" * 21, 1)  # not an id this bot makes (and 63 bytes alone)
    with pytest.raises(callback_data.CallbackDataError):
        callback_data.encode("p", "a" * 41, 1)
    with pytest.raises(callback_data.CallbackDataError):
        callback_data.encode("zz", "a")
    with pytest.raises(callback_data.CallbackDataError):
        callback_data.encode("qa", "s1", 1)


def test_routing_patterns_pick_only_their_kind() -> None:
    rm, qa = callback_data.pattern("rm"), callback_data.pattern("qa")
    assert rm.match("rm:-") and not rm.match("rmx:1") and not rm.match("p:rm:1")
    assert qa.match("qa:s:1:2") and not qa.match("q:1")


def test_help_and_command_menu_come_from_one_table() -> None:
    help_text = bot_texts.help_text()
    for command in bot_texts.COMMANDS:
        assert command.usage in help_text and command.description in help_text
        assert 1 <= len(command.menu) <= 256 and re.fullmatch(r"[a-z0-9_]{1,32}", command.name)
    for member_command in ("/quiz", "/score", "/rank", "/review", "/daily", "/ask", "/docs", "/stop"):
        assert member_command in help_text.split("管理员")[0]


def test_daily_names_the_configured_time_zone() -> None:
    assert bot_texts.zone_label("Asia/Shanghai") == "北京时间"
    assert bot_texts.zone_label("Europe/Berlin") == "Europe/Berlin 时间"


# ----------------------------------------------------------------- render


def parsed(source: str) -> tuple[str, list[dict]]:
    """What Telegram stores for a bot's HTML text; raises TextError where Telegram refuses it."""
    return format_text(source, "HTML", None)


SPECIALS = [
    ("平常的一段话。这是答案。后面还有。", "这是答案。"),
    ("<b>不是标签</b> & \"引号\" '单引号' 答案<i>在这</i>&amp;里。结尾", "答案<i>在这</i>&amp;里。"),
    ("a < b > c && d。答案：x<y&z>w。", "答案：x<y&z>w。"),
    ("答案在最前面 <tag>。其后 & 其余。", "答案在最前面 <tag>。"),
    ("没有高亮 <script>alert(1)</script> &lt;", ""),
    ("高亮不在文中 & <b>", "找不到的句子"),
]


@pytest.mark.parametrize(("text", "highlight"), SPECIALS)
def test_highlighted_escapes_everything(text: str, highlight: str) -> None:
    source = render.highlighted(text, highlight)
    shown, entities = parsed(source)
    assert shown == text.strip()
    bold = [e for e in entities if e["type"] == "bold"]
    if highlight and highlight in text:
        assert len(bold) == 1
        assert shown[bold[0]["offset"] : bold[0]["offset"] + bold[0]["length"]] == highlight
    else:
        assert entities == [] or all(e["type"] != "bold" for e in entities)
    assert re.sub(r"</?b>", "", source) == html.escape(text.strip())


def passage(number: int, text: str, doc: str = "d1") -> Passage:
    return Passage(f"{doc}-{number}", doc, "《测试 & <文件>》", "第一章", f"第{number}段", text, 0, len(text))


def piece_text_ok(pieces: list[str], limit: int = LIMIT) -> None:
    for piece in pieces:
        assert piece.strip(), "no empty message"
        assert len(piece) <= limit, len(piece)
        text, _ = parsed(piece)  # raises "can't parse entities" if a tag was cut
        assert 0 < len(text) <= limit


def test_pack_keeps_every_block_whole() -> None:
    blocks = [
        f"<b>{i}.</b> <i>标题 &amp; &lt;{i}&gt;</i>\n<blockquote>{'段落内容' * (60 + 37 * i)}</blockquote>"
        for i in range(12)
    ]
    pieces = render.pack(blocks)
    assert len(pieces) > 1
    piece_text_ok(pieces)
    assert "\n\n".join(pieces) == "\n\n".join(blocks), "nothing lost, nothing reordered, no block split"


def test_pack_of_long_passages_with_html_specials_in_context() -> None:
    """原文 of passages longer than a message: every piece is valid HTML and fits."""
    long_text = ("第一条 a<b & c>d “引号” 'x' \"y\" " + "中文内容" * 30 + "\n") * 40  # ~5,600 characters
    ctx = PassageContext(passage(1, "前一段 <i>&</i>"), passage(2, long_text), passage(3, "后一段 & " * 600))
    pieces = render.pack(render.context_blocks(ctx))
    piece_text_ok(pieces)
    shown = "".join(parsed(p)[0] for p in pieces)
    for fragment in ("前一段 <i>&</i>", "第一条 a<b & c>d", "后一段 &"):
        assert fragment in shown


@pytest.mark.parametrize("text", ["&" * 5000, "<>" * 2500, ("甲&乙<丙>\"'" * 800)])
def test_pack_of_escape_heavy_text_fits_and_has_no_empty_message(text: str) -> None:
    pieces = render.pack([f"<b>{html.escape(text)}</b>"])
    piece_text_ok(pieces)


@pytest.mark.parametrize("text", ["&" * 5000, "<>" * 2500, ("甲&乙<丙>\"'" * 800)])
def test_pack_of_escape_heavy_text_never_cuts_a_tag_or_an_entity(text: str) -> None:
    pieces = render.pack(["<b>标题</b>", f"<b>{html.escape(text)}</b>"])
    shown = ""
    for piece in pieces:
        part, _ = parsed(piece)  # no "can't parse entities", no half "&am" left at a cut
        assert len(part) <= LIMIT  # Telegram counts the text after parsing
        shown += part
    assert shown.replace("标题", "", 1).replace("\n", "") == text


def test_excerpt_keeps_the_answering_sentence() -> None:
    before, sentence, after = "前文。" * 400, "答案句。", "后文。" * 400
    shown = render.excerpt(before + sentence + after, sentence)
    assert sentence in shown and shown.startswith("…") and shown.endswith("…")
    assert len(shown) <= render.PAGE_EXCERPT + 2


# ----------------------------------------------------------------- handlers, in-process


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@asynccontextmanager
async def application(
    fake: FakeTelegram, assistant, folder: Path, per_minute: int = 8
) -> AsyncIterator[Application]:
    """The real Application and services, pointed at the fake; closed like run_polling does.

    The session's assistant is shared; the quiz gets an empty bank (quizzes are tested elsewhere).
    """
    settings = Settings(
        token=fake.token,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        data_dir=folder,
        questions_per_minute=per_minute,
    )
    services = build_services(settings, prebuilt={"assistant": assistant, "bank": QuizBank([])})
    app = build_application(services)
    await app.initialize()
    try:
        yield app
    finally:
        await app.shutdown()  # post_shutdown is run_polling's; close as it would
        await services.close()


async def deliver(
    app: Application, fake: FakeTelegram, update_id: int | None = None, query_id: str | None = None
):
    """Hand the update the fake queued for a user action to the application, as polling would."""
    assert (update_id is None) != (query_id is None)
    update = next(
        u
        for u in fake.pending_updates()
        if u["update_id"] == update_id or (query_id and u.get("callback_query", {}).get("id") == query_id)
    )
    await app.process_update(Update.de_json(update, app.bot))


async def say(app: Application, fake: FakeTelegram, chat: Chat, user: User, text: str, **kw):
    action = fake.send_message(chat, user, text, **kw)
    assert action.delivered
    await deliver(app, fake, action.update_id)
    return action


def replies(fake: FakeTelegram, chat: Chat, after: int) -> list:
    return [m for m in fake.bot_messages(chat.id) if m.message_id > after]


@pytest.mark.slow
def test_private_question_through_process_update(fake: FakeTelegram, assistant, tmp_path: Path) -> None:
    user = fake.user("Handler")
    chat = fake.private_chat(user)

    async def scenario() -> None:
        async with application(fake, assistant, tmp_path) as app:
            sent = await say(app, fake, chat, user, "创建品牌的主题是什么？")
            [answer] = replies(fake, chat, sent.message_id)
            assert answer.parse_mode == "HTML" and answer.reply_to_message_id is None
            assert any("世界菌乡" in b for b in answer.entity_texts("bold"))
            assert fake.chat_actions(chat.id) == ["typing"]
            assert len(answer.buttons) == 6

            answer_id = answer.buttons[0][1].split(":")[1]
            for data in (f"c:{answer_id}:99", f"c:{answer_id}:0"):  # out of range: answered, nothing sent
                query = fake.press_button(chat, user, answer.message_id, data, strict=False)
                await deliver(app, fake, query_id=query)
                assert any(a.query_id == query for a in fake.callback_answers)
            assert len(replies(fake, chat, sent.message_id)) == 1

    asyncio.run(scenario())


@pytest.mark.slow
def test_group_messages_through_process_update(fake: FakeTelegram, assistant, tmp_path: Path) -> None:
    group = fake.group("学习小组", bot_is_admin=True)  # sees everything, so the handler must choose
    user = fake.user("Handler")

    async def scenario() -> None:
        async with application(fake, assistant, tmp_path) as app:
            ignored = await say(app, fake, group, user, "@other_bot 三个大抓")
            await say(app, fake, group, user, "三个大抓是什么？")
            assert replies(fake, group, ignored.message_id) == []

            sent = await say(app, fake, group, user, "@policy_test_bot 三个大抓是什么？")
            [answer] = replies(fake, group, sent.message_id)
            assert answer.reply_to_message_id == sent.message_id and answer.buttons

            followup = await say(
                app, fake, group, user, "创建品牌的主题呢？", reply_to_message_id=answer.message_id
            )
            [reply] = replies(fake, group, followup.message_id)
            assert reply.reply_to_message_id == followup.message_id

            usage = await say(app, fake, group, user, "/ask")
            [hint] = replies(fake, group, usage.message_id)
            assert hint.text == bot_texts.ASK_USAGE and hint.reply_to_message_id == usage.message_id

            before = len(fake.bot_messages(group.id))
            edit = fake.edit_message(group, user, sent.message_id, "@policy_test_bot 创建品牌的主题是什么？")
            await deliver(app, fake, edit.update_id)  # an edited message is not a new question
            assert len(fake.bot_messages(group.id)) == before

    asyncio.run(scenario())


@pytest.mark.slow
def test_stale_buttons_through_process_update(fake: FakeTelegram, assistant, tmp_path: Path) -> None:
    user = fake.user("Handler")
    chat = fake.private_chat(user)

    async def scenario() -> None:
        async with application(fake, assistant, tmp_path) as app:
            sent = await say(app, fake, chat, user, "/help")
            [help_message] = replies(fake, chat, sent.message_id)
            for data in ("junk", "p:gone:1", "c:gone:1", "f:gone:1"):
                query = fake.press_button(chat, user, help_message.message_id, data, strict=False)
                await deliver(app, fake, query_id=query)
                answer = next(a for a in fake.callback_answers if a.query_id == query)
                assert answer.text == texts.STALE_BUTTON
            assert len(replies(fake, chat, sent.message_id)) == 1

    asyncio.run(scenario())


@pytest.mark.slow
def test_bad_input_and_the_rate_limit_get_short_replies(
    fake: FakeTelegram, assistant, tmp_path: Path
) -> None:
    user = fake.user("Handler")
    chat = fake.private_chat(user)

    async def scenario() -> None:
        async with application(fake, assistant, tmp_path, per_minute=1) as app:
            for text in ("😀😀", "\u200b\u200b"):  # refused before they count against the limit
                sent = await say(app, fake, chat, user, text)
                [reply] = replies(fake, chat, sent.message_id)
                assert (
                    reply.parse_mode is None
                    and len(reply.text) < 60
                    and re.search(r"[\u4e00-\u9fff]", reply.text)
                )
            sent = await say(app, fake, chat, user, "明天天气怎么样")
            [reply] = replies(fake, chat, sent.message_id)
            assert "没有找到" in reply.text
            sent = await say(app, fake, chat, user, "三个大抓")
            [reply] = replies(fake, chat, sent.message_id)
            assert reply.text.startswith("提问太频繁了")

            sticker = fake.send_sticker(chat, user)
            await deliver(app, fake, sticker.update_id)
            [reply] = replies(fake, chat, sticker.message_id)
            assert reply.text == bot_texts.NOT_TEXT

    asyncio.run(scenario())


@pytest.mark.slow
def test_an_unexpected_error_is_logged_and_the_user_told_briefly(
    fake: FakeTelegram, assistant, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    user = fake.user("Handler")
    chat = fake.private_chat(user)

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("index exploded: secret internals")

    async def scenario() -> None:
        async with application(fake, assistant, tmp_path) as app:
            app.bot_data.services.answers.ask = broken
            sent = await say(app, fake, chat, user, "三个大抓")
            [reply] = replies(fake, chat, sent.message_id)
            assert reply.text == texts.ERROR

    with caplog.at_level(logging.ERROR, logger="policybot.bot"):
        asyncio.run(scenario())
    [record] = [r for r in caplog.records if "event=handler_error" in r.getMessage()]
    assert f"chat={chat.id}" in record.getMessage() and "RuntimeError" in record.getMessage()
    assert record.exc_info is not None


def quoted_citation(n: int) -> Citation:
    """A citation from an imported corpus with ASCII quotes: each '"' costs 6 characters of HTML."""
    text = f'条例第{n}条规定"依法"办理，"及时"答复。' * 40
    return Citation(f"x-{n}", "进口资料", "第一章", f"第{n}条", text[:880], 1.0 - n / 10, text[:19])


@pytest.mark.slow
def test_paging_shows_every_citation_of_a_long_page(fake: FakeTelegram, assistant, tmp_path: Path) -> None:
    user = fake.user("Handler")
    chat = fake.private_chat(user, started=True)

    async def scenario() -> None:
        async with application(fake, assistant, tmp_path) as app:
            service: ChatService = app.bot_data.services.answers
            answer = Answer(
                "问题", True, quoted_citation(1).highlight, [quoted_citation(n) for n in range(1, 7)]
            )
            answer_id = service.log.save(answer, chat.id, user.id)
            first = service.page(answer_id, 0)
            parts = render.pack(render.answer_blocks(first))
            assert len(parts) > 1  # the situation under test: a page longer than one message
            sent = []
            for i, part in enumerate(parts):  # what answer_question sends
                markup = keyboards.answer_keyboard(first) if i == len(parts) - 1 else None
                sent.append(
                    await app.bot.send_message(chat.id, part, parse_mode=ParseMode.HTML, reply_markup=markup)
                )
            assert isinstance(sent[-1].reply_markup, InlineKeyboardMarkup)

            query = fake.press_button(chat, user, sent[-1].message_id, callback_data.encode("p", answer_id, 1))
            await deliver(app, fake, query_id=query)
            shown = "\n".join(
                m.text for m in fake.bot_messages(chat.id) if m.message_id >= sent[0].message_id
            )
            for n in (4, 5, 6):
                assert f"《进口资料》第{n}条" in shown, f"citation {n} of page 2 is not shown"

    asyncio.run(scenario())
