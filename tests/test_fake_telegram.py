"""Tests of the fake Telegram Bot API, driven by python-telegram-bot's own Bot and by raw httpx.

PTB is the client the real bot uses, so if PTB parses every reply and raises the expected
exception types, the bot under end-to-end test sees what it would see against Telegram.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    MessageOriginUser,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.fake_telegram import Chat, FakeTelegram, User

T = TypeVar("T")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def alice(tg: FakeTelegram) -> User:
    return tg.user("Alice", "alice")


@pytest.fixture
def dm(tg: FakeTelegram, alice: User) -> Chat:
    """A private chat Alice has already started (so the bot may write to it)."""
    return tg.private_chat(alice, started=True)


def with_bot(tg: FakeTelegram, body: Callable[[Bot], Awaitable[T]]) -> T:
    """Run ``body`` with an initialized PTB Bot pointed at the fake (no pytest-asyncio here)."""

    async def main() -> T:
        async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as bot:
            return await body(bot)

    return asyncio.run(main())


def call(tg: FakeTelegram, method: str, http_timeout: float = 40, **params: Any) -> tuple[int, dict]:
    """Raw Bot API call encoded the way PTB encodes it: form fields, JSON for complex values."""
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    response = httpx.post(f"{tg.base_url}{tg.token}/{method}", data=data, timeout=http_timeout)
    return response.status_code, response.json()


def error(description: str, code: int = 400) -> tuple[int, dict]:
    return code, {"ok": False, "error_code": code, "description": description}


# ----------------------------------------------------------------- basics


def test_get_me_describes_the_bot(tg: FakeTelegram) -> None:
    me = with_bot(tg, lambda bot: bot.get_me())
    assert (me.id, me.username, me.is_bot) == (123456, "policy_test_bot", True)
    assert me.can_read_all_group_messages is False  # privacy mode on
    assert [c.method for c in tg.calls()] == ["getMe", "getMe"]  # initialize() + get_me()


def test_wrong_token_and_unknown_method_fail_like_telegram(tg: FakeTelegram) -> None:
    root = tg.base_url.removesuffix("/bot")
    wrong = httpx.post(f"{root}/bot123456:WRONG_token/getMe")
    assert (wrong.status_code, wrong.json()) == error("Unauthorized", 401)
    malformed = httpx.post(f"{root}/botnot-a-token/getMe")
    assert (malformed.status_code, malformed.json()) == error("Not Found", 404)
    assert call(tg, "noSuchMethod") == error("Not Found", 404)
    assert call(tg, "GETME")[1]["result"]["username"] == "policy_test_bot"  # case-insensitive

    async def wrong_token() -> None:
        async with Bot("123456:WRONG_token", base_url=tg.base_url):
            pass

    with pytest.raises(InvalidToken):
        asyncio.run(wrong_token())


def test_accepts_form_json_multipart_and_query_encodings(tg: FakeTelegram, dm: Chat) -> None:
    url = f"{tg.base_url}{tg.token}/sendMessage"
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    replies = [
        httpx.post(url, data={"chat_id": str(dm.id), "text": "form", "reply_markup": json.dumps(markup)}),
        httpx.post(url, json={"chat_id": dm.id, "text": "json", "reply_markup": markup}),
        httpx.post(url, files={"chat_id": (None, str(dm.id)), "text": (None, "multipart")}),
        httpx.get(url, params={"chat_id": dm.id, "text": "query"}),
    ]
    assert [r.status_code for r in replies] == [200] * 4
    assert [m.text for m in tg.bot_messages(dm.id)] == ["form", "json", "multipart", "query"]
    assert tg.bot_messages(dm.id)[0].buttons == [("Go", "go")]
    assert tg.calls("sendMessage")[0].params["reply_markup"] == markup  # decoded in the log


def test_unknown_and_unstarted_chats_are_refused(tg: FakeTelegram, alice: User) -> None:
    chat = tg.private_chat(alice)  # Alice never wrote to the bot
    assert call(tg, "sendMessage", chat_id=chat.id, text="hi") == error(
        "Forbidden: bot can't initiate conversation with a user", 403
    )
    tg.send_message(chat, alice, "hello")
    assert call(tg, "sendMessage", chat_id=chat.id, text="hi")[0] == 200
    assert call(tg, "sendMessage", chat_id=42, text="hi") == error("Bad Request: chat not found")
    assert call(tg, "sendMessage", text="hi") == error("Bad Request: chat_id is empty")


def test_ptb_application_polls_replies_and_handles_buttons(tg: FakeTelegram, dm: Chat, alice: User) -> None:
    """The way policybot will use the fake: a real PTB Application polling over HTTP."""
    menu = InlineKeyboardMarkup([[InlineKeyboardButton("Quiz", callback_data="menu:quiz")]])

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_html("<b>Welcome</b>, pick one:", reply_markup=menu)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("Loading")
        await update.callback_query.edit_message_text("Quiz time!")

    app = ApplicationBuilder().token(tg.token).base_url(tg.base_url).base_file_url(tg.base_file_url).build()
    app.add_handlers([CommandHandler("start", start), CallbackQueryHandler(pressed)])

    def user_side() -> None:
        sent = tg.send_message(dm, alice, "/start")
        welcome = tg.wait_for_message(dm.id, after=sent.message_id, timeout=5)
        assert (welcome.text, welcome.entity_texts("bold")) == ("Welcome, pick one:", ["Welcome"])
        tg.press_button(dm, alice, welcome.message_id, "menu:quiz")
        tg.wait_for(lambda: tg.bot_messages(dm.id)[0].edits == 1, timeout=5, description="edit")

    async def main() -> None:
        async with app:
            await app.start()
            await app.updater.start_polling(timeout=dtm.timedelta(seconds=1))
            try:
                await asyncio.to_thread(user_side)
            finally:
                await app.updater.stop()
                await app.stop()

    asyncio.run(main())
    [message] = tg.bot_messages(dm.id)
    assert (message.text, message.reply_markup) == ("Quiz time!", None)
    assert [a.text for a in tg.callback_answers] == ["Loading"]
    assert {"getMe", "deleteWebhook", "getUpdates"} <= {c.method for c in tg.calls()}
    assert all(c.ok for c in tg.calls() if c.method != "getUpdates")


# ----------------------------------------------------------------- messages and formatting


def test_send_edit_and_not_modified(tg: FakeTelegram, dm: Chat) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Next", callback_data="page:2")]])

    async def body(bot: Bot) -> None:
        sent = await bot.send_message(dm.id, "<b>Page</b> 1", parse_mode="HTML", reply_markup=keyboard)
        assert sent.text == "Page 1" and sent.entities[0].type == "bold"
        assert sent.reply_markup == keyboard
        edited = await bot.edit_message_text(
            "<b>Page</b> 2", dm.id, sent.message_id, parse_mode="HTML", reply_markup=keyboard
        )
        assert edited.text == "Page 2" and edited.edit_date is not None
        with pytest.raises(BadRequest, match="^Message is not modified: specified new"):
            await bot.edit_message_text(
                "<b>Page</b> 2", dm.id, sent.message_id, parse_mode="HTML", reply_markup=keyboard
            )
        # Same text without reply_markup is a change: Telegram drops the keyboard.
        await bot.edit_message_text("<b>Page</b> 2", dm.id, sent.message_id, parse_mode="HTML")
        with pytest.raises(BadRequest, match="^Message is not modified"):
            await bot.edit_message_reply_markup(dm.id, sent.message_id)

    with_bot(tg, body)
    [message] = tg.bot_messages(dm.id)
    assert (message.text, message.source_text) == ("Page 2", "<b>Page</b> 2")
    assert message.parse_mode == "HTML"
    assert (message.reply_markup, message.edits) == (None, 2)
    assert message.entity_texts("bold") == ["Page"]
    assert call(
        tg, "editMessageText", chat_id=dm.id, message_id=1, text="<b>Page</b> 2", parse_mode="HTML"
    ) == error(NOT_MODIFIED)
    assert call(tg, "editMessageText", chat_id=dm.id, message_id=99, text="x") == error(
        "Bad Request: message to edit not found"
    )


def test_html_markup_is_parsed_into_text_and_utf16_entities(tg: FakeTelegram, dm: Chat) -> None:
    html = (
        "<b>Bold</b> <i>it</i> <u>u</u> <s>s</s> <tg-spoiler>sp</tg-spoiler> "
        '<a href="https://example.com/x?a=1&amp;b=2">link</a> <code>c</code>\n'
        '<pre><code class="language-python">x = 1</code></pre>\n'
        "<blockquote expandable>quote</blockquote> 😀 <B>&lt;3</B> &amp; &quot;q&quot; &#128512;"
    )
    sent = with_bot(tg, lambda bot: bot.send_message(dm.id, html, parse_mode="HTML"))
    assert sent.text == 'Bold it u s sp link c\nx = 1\nquote 😀 <3 & "q" 😀'
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 4),
        ("italic", 5, 2),
        ("underline", 8, 1),
        ("strikethrough", 10, 1),
        ("spoiler", 12, 2),
        ("text_link", 15, 4),
        ("code", 20, 1),
        ("pre", 22, 5),
        ("expandable_blockquote", 28, 5),
        ("bold", 37, 2),  # 😀 counts as 2 UTF-16 units
    ]
    assert sent.entities[5].url == "https://example.com/x?a=1&b=2"
    assert sent.entities[7].language == "python"
    assert sent.parse_entity(sent.entities[9]) == "<3"


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("é <foo>", 'Unsupported start tag "foo" at byte offset 3'),  # offsets are UTF-8 bytes
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("oops</b>", "Unexpected end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="https://x.org"', "Unclosed start tag at byte offset 0"),
        ("<a href=x/>y</a>", "Unexpected end of name token at byte offset 8"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
    ],
)
def test_bad_html_is_rejected_with_telegrams_reason(
    tg: FakeTelegram, dm: Chat, html: str, reason: str
) -> None:
    result = call(tg, "sendMessage", chat_id=dm.id, text=html, parse_mode="HTML")
    assert result == error(f"Bad Request: can't parse entities: {reason}")
    assert tg.bot_messages(dm.id) == []


def test_unknown_html_entities_stay_literal(tg: FakeTelegram, dm: Chat) -> None:
    status, body = call(tg, "sendMessage", chat_id=dm.id, text="a&nbsp;b &copy; &#65;", parse_mode="HTML")
    assert (status, body["result"]["text"]) == (200, "a&nbsp;b &copy; A")


def test_text_limits_apply_after_entity_parsing(tg: FakeTelegram, dm: Chat) -> None:
    too_long = error("Bad Request: message is too long")
    assert call(tg, "sendMessage", chat_id=dm.id, text="a" * 4096)[0] == 200
    assert call(tg, "sendMessage", chat_id=dm.id, text="a" * 4097) == too_long
    bold = {"chat_id": dm.id, "parse_mode": "HTML"}
    assert call(tg, "sendMessage", text=f"<b>{'a' * 4096}</b>", **bold)[0] == 200  # markup is free
    assert call(tg, "sendMessage", text=f"<b>{'a' * 4097}</b>", **bold) == too_long
    assert call(tg, "sendMessage", chat_id=dm.id, text="😀" * 4096)[0] == 200  # code points
    for empty in ("", "   \n", "<b></b>"):
        assert call(tg, "sendMessage", chat_id=dm.id, text=empty, parse_mode="HTML") == error(
            "Bad Request: message text is empty"
        )


def test_callback_data_must_be_1_to_64_bytes(tg: FakeTelegram, dm: Chat) -> None:
    def send(button: dict) -> tuple[int, dict]:
        return call(
            tg,
            "sendMessage",
            chat_id=dm.id,
            text="pick",
            reply_markup={"inline_keyboard": [[{"text": "b"} | button]]},
        )

    assert send({"callback_data": "x" * 64})[0] == 200
    for bad in ("x" * 65, "é" * 33, ""):  # 33 × 2-byte chars = 66 bytes
        assert send({"callback_data": bad}) == error("Bad Request: BUTTON_DATA_INVALID")
    assert send({}) == error(
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
    )
    with pytest.raises(BadRequest, match="^Button_data_invalid$"):  # PTB .capitalize()s it
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="y" * 65)]])
        with_bot(tg, lambda bot: bot.send_message(dm.id, "pick", reply_markup=keyboard))


# ----------------------------------------------------------------- users, updates, polling


def test_button_press_and_callback_answers(tg: FakeTelegram, dm: Chat, alice: User) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="vote:yes")]])

    async def body(bot: Bot) -> None:
        sent = await bot.send_message(dm.id, "Agree?", reply_markup=keyboard)
        query_id = tg.press_button(dm, alice, sent.message_id, "vote:yes")
        [update] = await bot.get_updates(timeout=1)
        query = update.callback_query
        assert (query.id, query.data, query.from_user.id) == (query_id, "vote:yes", alice.id)
        assert query.message.message_id == sent.message_id and query.message.text == "Agree?"
        assert await query.answer("Noted", show_alert=True)
        with pytest.raises(BadRequest, match="^Query is too old and response timeout expired"):
            await query.answer()
        with pytest.raises(BadRequest):
            await bot.answer_callback_query("12345")

    with_bot(tg, body)
    [answer] = tg.callback_answers
    assert (answer.text, answer.show_alert) == ("Noted", True)
    assert call(tg, "answerCallbackQuery", callback_query_id="nope") == error(QUERY_INVALID)
    with pytest.raises(ValueError, match="no button"):
        tg.press_button(dm, alice, 1, "vote:no")


def test_stale_callback_query_expires() -> None:
    with FakeTelegram(callback_query_timeout=0.1) as tg:
        alice = tg.user("Alice")
        dm = tg.private_chat(alice, started=True)
        call(
            tg,
            "sendMessage",
            chat_id=dm.id,
            text="Q",
            reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
        )
        query_id = tg.press_button(dm, alice, 1, "a")
        time.sleep(0.2)
        assert call(tg, "answerCallbackQuery", callback_query_id=query_id) == error(QUERY_INVALID)


def test_long_polling_waits_wakes_and_confirms(tg: FakeTelegram, dm: Chat, alice: User) -> None:
    started = time.monotonic()
    assert call(tg, "getUpdates", timeout=1)[1] == {"ok": True, "result": []}
    assert 0.9 <= time.monotonic() - started < 2

    threading.Timer(0.3, tg.send_message, (dm, alice, "wake up")).start()
    started = time.monotonic()
    [update] = call(tg, "getUpdates", timeout=5)[1]["result"]
    assert time.monotonic() - started < 2
    assert update["message"]["text"] == "wake up"

    for text in ("one", "two", "three"):
        tg.send_message(dm, alice, text)
    offset = update["update_id"] + 1
    batch = call(tg, "getUpdates", offset=offset, limit=2)[1]["result"]
    assert [u["message"]["text"] for u in batch] == ["one", "two"]
    rest = call(tg, "getUpdates", offset=batch[-1]["update_id"] + 1)[1]["result"]
    assert [u["message"]["text"] for u in rest] == ["three"]
    assert call(tg, "getUpdates", offset=rest[-1]["update_id"] + 1)[1]["result"] == []

    tg.send_message(dm, alice, "filtered out")
    assert call(tg, "getUpdates", allowed_updates=["callback_query"])[1]["result"] == []


def test_second_long_poll_terminates_the_first(tg: FakeTelegram) -> None:
    results: list[tuple[int, dict]] = []
    first = threading.Thread(target=lambda: results.append(call(tg, "getUpdates", timeout=5)))
    first.start()
    tg.wait_until_polling(timeout=2)
    assert call(tg, "getUpdates")[0] == 200
    first.join(3)
    assert results == [
        error(
            "Conflict: terminated by other getUpdates request; "
            "make sure that only one bot instance is running",
            409,
        )
    ]

    async def ptb_sees_conflict(bot: Bot) -> None:
        # A second Bot: PTB's own getUpdates pool holds one connection, so a second process
        # (two bot instances running) is the realistic way to get here.
        waiting = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.to_thread(tg.wait_until_polling, 2)
        async with Bot(tg.token, base_url=tg.base_url) as other_instance:
            await other_instance.get_updates()
        with pytest.raises(Conflict, match="^Conflict: terminated by other getUpdates request"):
            await waiting

    with_bot(tg, ptb_sees_conflict)


def test_user_messages_parse_in_ptb(tg: FakeTelegram, dm: Chat, alice: User) -> None:
    bob = tg.user("Bob", "bob")
    command = tg.send_message(dm, alice, "/start@policy_test_bot hi @bob")
    tg.edit_message(dm, alice, command.message_id, "/start fixed")
    tg.forward_message(dm, alice, "from bob", origin=bob)
    tg.send_photo(dm, alice, caption="look")
    tg.send_voice(dm, alice)
    tg.send_sticker(dm, alice, "🎉")

    updates = with_bot(tg, lambda bot: bot.get_updates())
    first = updates[0].message
    assert [(e.type, first.parse_entity(e)) for e in first.entities] == [
        ("bot_command", "/start@policy_test_bot"),
        ("mention", "@bob"),
    ]
    assert updates[1].edited_message.text == "/start fixed"
    origin = updates[2].message.forward_origin
    assert isinstance(origin, MessageOriginUser) and origin.sender_user.id == bob.id
    assert updates[3].message.photo[-1].width == 1280 and updates[3].message.caption == "look"
    assert updates[4].message.voice.mime_type == "audio/ogg"
    assert updates[5].message.sticker.emoji == "🎉"


def test_document_upload_get_file_and_download(tg: FakeTelegram, dm: Chat, alice: User) -> None:
    payload = b"%PDF-1.4\r\n\x00binary\r\n--boundary-lookalike\r\n" * 50
    tg.send_document(dm, alice, "policy.pdf", payload, caption="/summarize")

    async def body(bot: Bot) -> bytes:
        [update] = await bot.get_updates()
        document = update.message.document
        assert (document.file_name, document.mime_type, document.file_size) == (
            "policy.pdf",
            "application/pdf",
            len(payload),
        )
        assert update.message.caption_entities[0].type == "bot_command"
        file = await bot.get_file(document.file_id)
        assert file.file_path.startswith(tg.base_file_url) and file.file_size == len(payload)
        with pytest.raises(BadRequest, match="^Invalid file_id$"):
            await bot.get_file("no-such-file")
        return bytes(await file.download_as_bytearray())

    assert with_bot(tg, body) == payload


def test_bot_uploads_a_document_as_multipart(tg: FakeTelegram, dm: Chat) -> None:
    report = "Résumé\r\n".encode() * 100

    async def body(bot: Bot) -> None:
        sent = await bot.send_document(
            dm.id, InputFile(report, filename="summary.txt"), caption="<i>Your</i> summary", parse_mode="HTML"
        )
        assert (sent.document.file_name, sent.document.file_size) == ("summary.txt", len(report))
        assert (sent.caption, sent.caption_entities[0].type) == ("Your summary", "italic")
        again = await bot.send_document(dm.id, sent.document.file_id)  # re-send by file_id
        assert again.document.file_unique_id == sent.document.file_unique_id
        file = await bot.get_file(sent.document.file_id)
        assert bytes(await file.download_as_bytearray()) == report
        with pytest.raises(BadRequest, match="^Message caption is too long$"):
            await bot.send_document(dm.id, InputFile(b"x", filename="x.txt"), caption="c" * 1025)

    with_bot(tg, body)
    first = tg.bot_messages(dm.id)[0]
    assert (first.kind, first.text, first.source_text) == ("document", "Your summary", "<i>Your</i> summary")
    assert first.raw["document"]["mime_type"] == "text/plain"


# ----------------------------------------------------------------- faults


def test_injected_faults_surface_as_ptb_exceptions(
    tg: FakeTelegram, dm: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    tg.fail_next("sendMessage", status=429, retry_after=3)
    tg.fail_next("sendChatAction", status=502)

    async def body(bot: Bot) -> None:
        tg.fail_next("*", status=500, description="Internal Server Error", count=1)
        with pytest.raises(NetworkError, match="^Internal Server Error$"):
            await bot.get_my_commands()
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(dm.id, "flood")
        assert retry.value.retry_after == dtm.timedelta(seconds=3)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_chat_action(dm.id, "typing")
        assert (await bot.send_message(dm.id, "recovered")).text == "recovered"
        tg.block_user(dm)
        with pytest.raises(Forbidden, match="^Forbidden: bot was blocked by the user$"):
            await bot.send_message(dm.id, "still there?")
        [update] = await bot.get_updates()
        assert update.my_chat_member.new_chat_member.status == "kicked"

    with_bot(tg, body)
    assert [m.text for m in tg.bot_messages(dm.id)] == ["recovered"]
    flood = error("Too Many Requests: retry after 3", 429)[1] | {"parameters": {"retry_after": 3}}
    assert tg.calls("sendMessage")[0].response == flood
    assert tg.calls("sendChatAction")[0].response is None  # the HTML page
    assert tg.chat_actions(dm.id) == []


def test_latency_delays_calls(tg: FakeTelegram) -> None:
    tg.set_latency(0.3, "getMe")
    started = time.monotonic()
    call(tg, "getMe")
    assert time.monotonic() - started >= 0.3


# ----------------------------------------------------------------- polls


def test_quiz_poll_votes_and_stop(tg: FakeTelegram, dm: Chat, alice: User) -> None:
    async def body(bot: Bot) -> None:
        sent = await bot.send_poll(
            dm.id,
            "2 + 2?",
            ["3", "4", "5"],
            type="quiz",
            correct_option_ids=[1],
            is_anonymous=False,
            explanation="<b>Basic</b> arithmetic",
            explanation_parse_mode="HTML",
        )
        poll = sent.poll
        assert (poll.type, poll.correct_option_ids) == ("quiz", (1,))
        assert poll.explanation == "Basic arithmetic"
        assert poll.explanation_entities[0].type == "bold"
        assert tg.answer_poll(alice, poll.id, [1]) is not None
        answer, counts = await bot.get_updates()
        assert answer.poll_answer.option_ids == (1,) and answer.poll_answer.user.id == alice.id
        assert [o.voter_count for o in counts.poll.options] == [0, 1, 0]
        stopped = await bot.stop_poll(dm.id, sent.message_id)
        assert stopped.is_closed and stopped.total_voter_count == 1
        with pytest.raises(BadRequest, match="^Poll has already been closed$"):
            await bot.stop_poll(dm.id, sent.message_id)

    with_bot(tg, body)
    [sent_poll] = tg.polls()
    assert sent_poll.poll["is_closed"] and sent_poll.chat_id == dm.id


@pytest.mark.parametrize(
    ("overrides", "description"),
    [
        ({"options": ["only"]}, "poll must have at least 2 option"),
        ({"options": [str(i) for i in range(13)]}, "poll can't have more than 12 options"),
        ({"options": ["a", " "]}, "poll options must be non-empty"),
        ({"options": ["a", "b" * 101]}, "poll options length must not exceed 100"),
        ({"question": "q" * 301}, "poll question length must not exceed 300"),
        ({"question": ""}, "poll question must be non-empty"),
        ({"type": "quiz"}, "wrong correct option ID specified"),
        ({"type": "quiz", "correct_option_ids": [2]}, "wrong correct option ID specified"),
        ({"type": "quiz", "correct_option_id": 0, "explanation": "e" * 201}, "explanation is too long"),
        (
            {"type": "quiz", "correct_option_ids": [0], "explanation": "1\n2\n3\n4"},
            "explanation can't contain more than 2 line feeds",
        ),
        ({"open_period": 601}, "wrong open period specified"),
    ],
)
def test_poll_validation(tg: FakeTelegram, dm: Chat, overrides: dict, description: str) -> None:
    params = {"chat_id": dm.id, "question": "Q?", "options": [{"text": "a"}, {"text": "b"}]}
    assert call(tg, "sendPoll", **(params | overrides)) == error(f"Bad Request: {description}")


def test_open_period_closes_the_poll() -> None:
    with FakeTelegram(open_period_scale=0.02) as tg:  # 5 s poll closes after 0.1 s
        dm = tg.private_chat(tg.user(), started=True)
        status, body = call(
            tg, "sendPoll", chat_id=dm.id, question="Quick?", options=["y", "n"], open_period=5
        )
        assert status == 200 and body["result"]["poll"]["open_period"] == 5
        assert not tg.polls()[0].poll["is_closed"]
        tg.wait_for(lambda: tg.polls()[0].poll["is_closed"], timeout=2, description="auto-close")
        [update] = tg.pending_updates()
        assert update["poll"]["is_closed"] is True


# ----------------------------------------------------------------- groups


def test_group_privacy_delivers_only_what_telegram_would(tg: FakeTelegram, alice: User) -> None:
    group = tg.group("Study group")
    assert group.id < 0 and group.type == "group"
    assert not tg.send_message(group, alice, "hello everyone").delivered
    assert not tg.send_message(group, alice, "/help@other_bot").delivered
    assert not tg.send_message(group, alice, "see /help").delivered
    assert tg.send_message(group, alice, "/help").delivered
    assert tg.send_message(group, alice, "/help@Policy_Test_Bot").delivered
    assert tg.send_message(group, alice, "hey @policy_test_bot, a question").delivered
    assert tg.member_joined(group, tg.user("Carol")).delivered

    bot_reply = call(tg, "sendMessage", chat_id=group.id, text="Ask me anything")[1]["result"]
    reply = tg.send_message(group, alice, "what is GDPR?", reply_to_message_id=bot_reply["message_id"])
    assert reply.delivered
    quoted = tg.pending_updates()[-1]["message"]["reply_to_message"]
    assert quoted == bot_reply  # the full message object, as Telegram sends it

    updates = with_bot(tg, lambda bot: bot.get_updates())
    assert [u.message.text for u in updates] == [
        "/help",
        "/help@Policy_Test_Bot",
        "hey @policy_test_bot, a question",
        None,
        "what is GDPR?",
    ]
    assert updates[-1].message.reply_to_message.from_user.is_bot


@pytest.mark.parametrize("setup", ["privacy_off", "bot_is_admin"])
def test_groups_without_privacy_filtering_deliver_everything(setup: str) -> None:
    with FakeTelegram(group_privacy=setup != "privacy_off") as tg:
        group = tg.group("Admins", supergroup=True, bot_is_admin=setup == "bot_is_admin")
        assert str(group.id).startswith("-100") and group.type == "supergroup"
        assert tg.send_message(group, tg.user("Dan"), "just chatting").delivered
        me = call(tg, "getMe")[1]["result"]
        assert me["can_read_all_group_messages"] is (setup == "privacy_off")


def test_group_user_messages_need_admin_rights_to_delete(tg: FakeTelegram, alice: User) -> None:
    group = tg.group()
    sent = tg.send_message(group, alice, "/start")
    assert call(tg, "deleteMessage", chat_id=group.id, message_id=sent.message_id) == error(
        "Bad Request: message can't be deleted"
    )


# ----------------------------------------------------------------- observation and lifecycle


def test_wait_for_message_blocks_until_the_bot_replies(tg: FakeTelegram, dm: Chat, alice: User) -> None:
    sent = tg.send_message(dm, alice, "/start")
    threading.Timer(0.2, call, (tg, "sendMessage"), {"chat_id": dm.id, "text": "Welcome!"}).start()
    reply = tg.wait_for_message(dm.id, after=sent.message_id, timeout=5)
    assert reply.text == "Welcome!" and reply.message_id > sent.message_id
    with pytest.raises(AssertionError, match="bot messages so far: \\[\\(2, 'Welcome!'\\)\\]"):
        tg.wait_for_message(dm.id, timeout=0.2)


def test_commands_chat_actions_and_deletion(tg: FakeTelegram, dm: Chat) -> None:
    async def body(bot: Bot) -> None:
        await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("quiz", "Quiz me")])
        assert [c.command for c in await bot.get_my_commands()] == ["start", "quiz"]
        with pytest.raises(BadRequest, match="^Bot_command_invalid$"):
            await bot.set_my_commands([BotCommand("Quiz", "uppercase is invalid")])
        await bot.send_chat_action(dm.id, "typing")
        sent = await bot.send_message(dm.id, "temporary")
        assert await bot.delete_message(dm.id, sent.message_id)
        with pytest.raises(BadRequest, match="^Message to delete not found$"):
            await bot.delete_message(dm.id, sent.message_id)
        assert await bot.delete_my_commands()
        assert await bot.get_my_commands() == ()

    with_bot(tg, body)
    assert tg.chat_actions(dm.id) == ["typing"]
    assert tg.bot_messages(dm.id) == [] and tg.bot_messages(dm.id, include_deleted=True)[0].deleted
    assert call(tg, "sendChatAction", chat_id=dm.id, action="dancing") == error(
        "Bad Request: wrong parameter action in request"
    )


def test_stop_wakes_long_polls_and_joins_all_threads() -> None:
    baseline = set(threading.enumerate())
    tg = FakeTelegram().start()
    outcome: list[object] = []

    def poll() -> None:
        try:
            outcome.append(call(tg, "getUpdates", timeout=30))
        except httpx.HTTPError as exc:
            outcome.append(exc)

    poller = threading.Thread(target=poll)
    poller.start()
    keep_alive = httpx.Client()  # an idle pooled connection, like a bot that is still running
    assert keep_alive.post(f"{tg.base_url}{tg.token}/getMe").status_code == 200
    tg.wait_until_polling(timeout=2)
    started = time.monotonic()
    tg.stop()
    poller.join(5)
    keep_alive.close()
    assert time.monotonic() - started < 3 and outcome and not poller.is_alive()
    assert set(threading.enumerate()) - baseline == set()
