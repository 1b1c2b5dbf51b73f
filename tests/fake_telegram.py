"""A fake Telegram Bot API server for end-to-end tests: the bot talks HTTP to it, tests play users.

    with FakeTelegram() as tg:            # run the bot with TELEGRAM_BASE_URL=tg.base_url and
        alice = tg.user("Alice")          # TELEGRAM_BASE_FILE_URL=tg.base_file_url
        chat = tg.private_chat(alice)
        sent = tg.send_message(chat, alice, "/start")
        reply = tg.wait_for_message(chat.id, after=sent.message_id)

It validates like Telegram (HTML parse mode, lengths, button data, "message is not modified",
stale callback queries, polls) so the bot's mistakes fail here with production error texts.

Group privacy (``group_privacy=True``, Telegram's default for bots): in groups where the bot is
not an admin, only commands (a bot_command entity at offset 0 addressed to no bot or to this
bot), messages mentioning @bot_username, replies to the bot's messages and service messages
(members joining/leaving) are delivered; other messages are stored in the chat (so they can be
replied to) but never reach getUpdates. ``UserAction.delivered`` says which case happened.
"""

from __future__ import annotations

import copy
import itertools
import re
import secrets
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from .fake_telegram_api import BotApi
from .fake_telegram_html import entity_text, find_entities
from .fake_telegram_http import ApiError, FakeHTTPServer, Params, parse_body
from .fake_telegram_models import (
    NGINX_PAGE,
    SERVICE_KEYS,
    ApiCall,
    BotMessage,
    BotMeta,
    CallbackAnswer,
    Chat,
    ChatState,
    Fault,
    Json,
    PollState,
    Query,
    SentPoll,
    StoredFile,
    User,
    UserAction,
    caption_fields,
    commands_key,
    default_description,
    json_reply,
    until,
)

__all__ = [
    "ApiCall",
    "BotMessage",
    "CallbackAnswer",
    "Chat",
    "FakeTelegram",
    "SentPoll",
    "User",
    "UserAction",
]

T = TypeVar("T")


class FakeTelegram(BotApi):
    """The fake server plus the simulated users; every public method is thread-safe."""

    def __init__(
        self,
        token: str = "123456:TEST_TOKEN_abcdef",
        bot_username: str = "policy_test_bot",
        bot_name: str = "Policy Test Bot",
        group_privacy: bool = True,
        callback_query_timeout: float = 15.0,
        open_period_scale: float = 1.0,
    ) -> None:
        """``callback_query_timeout``: seconds after which answerCallbackQuery fails as "too old";
        ``open_period_scale``: factor applied to a poll's open_period before it auto-closes, so
        tests need not wait Telegram's 5 s minimum."""
        self.token, self.bot_username, self.group_privacy = token, bot_username, group_privacy
        self.callback_query_timeout = callback_query_timeout
        self.open_period_scale = open_period_scale
        self.bot = User(int(token.split(":")[0]), bot_name, bot_username, None, None, True)
        self._cond = threading.Condition(threading.RLock())
        self._ids = itertools.count(1_000_001)
        self._chats: dict[int, ChatState] = {}
        self._users: dict[int, User] = {}
        self._meta: dict[tuple[int, int], BotMeta] = {}
        self._updates: list[Json] = []
        self._update_ids = itertools.count(700_000_001)
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._polls_waiting = 0
        self._files: dict[str, StoredFile] = {}
        self._queries: dict[str, Query] = {}
        self._polls: dict[str, PollState] = {}
        self._timers: list[threading.Timer] = []
        self._calls: list[ApiCall] = []
        self._answers: list[CallbackAnswer] = []
        self._actions: dict[int, list[str]] = {}
        self._commands: dict[str, list[Json]] = {}
        self._faults: list[Fault] = []
        self._latency: dict[str, float] = {}
        self._reply_delay: dict[str, float] = {}
        self._stopping = False
        self._server: FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._methods = {
            name[5:].lower(): (name[5:], getattr(self, name))
            for name in dir(self)
            if name.startswith("_api_")
        }

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeTelegram:
        self._server = FakeHTTPServer(("127.0.0.1", 0), self._handle_http)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="FakeTelegram",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake long polls, cut connections, join every server thread."""
        with self._cond:
            self._stopping = True
            for timer in self._timers:
                timer.cancel()
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        for timer in self._timers:
            timer.join()

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "FakeTelegram is not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ----------------------------------------------------------------- users and chats

    def user(self, first_name: str = "Alice", username: str | None = None, **extra: Any) -> User:
        with self._cond:
            user = User(next(self._ids), first_name, username, **extra)
            self._users[user.id] = user
            return user

    def private_chat(self, user: User, started: bool = False) -> Chat:
        """The user's chat with the bot; the bot may write first only if ``started``."""
        chat = Chat(
            user.id, "private", first_name=user.first_name, last_name=user.last_name, username=user.username
        )
        with self._cond:
            self._chats.setdefault(chat.id, ChatState(chat, started=started))
        return chat

    def group(self, title: str = "Study group", supergroup: bool = False, bot_is_admin: bool = False) -> Chat:
        """A group the bot is a member of (admins see every message despite privacy mode)."""
        with self._cond:
            number = next(self._ids)
            chat_id = -(1_000_000_000_000 + number) if supergroup else -number
            chat = Chat(chat_id, "supergroup" if supergroup else "group", title=title)
            self._chats[chat_id] = ChatState(chat, bot_admin=bot_is_admin)
            return chat

    # ----------------------------------------------------------------- simulated users

    def send_message(
        self,
        chat: Chat,
        user: User,
        text: str,
        reply_to_message_id: int | None = None,
        entities: list[Json] | None = None,
    ) -> UserAction:
        """A text message; /commands and @mentions get their entities as Telegram adds them."""
        found = find_entities(text) if entities is None else entities
        fields: Json = {"text": text} | ({"entities": found} if found else {})
        return self._user_message(chat, user, fields, reply_to_message_id)

    def send_document(
        self,
        chat: Chat,
        user: User,
        filename: str,
        data: bytes,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> UserAction:
        document = self._document(data, filename, mime_type)
        return self._user_message(chat, user, {"document": document} | caption_fields(caption))

    def send_photo(
        self,
        chat: Chat,
        user: User,
        data: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        caption: str | None = None,
        width: int = 1280,
        height: int = 960,
    ) -> UserAction:
        """Two sizes, like Telegram's thumbnail + original."""
        small = self._store_file(data, "photos", "photo.jpg")
        large = self._store_file(data, "photos", "photo.jpg")
        photo = [
            self._file_fields(small) | {"width": 320, "height": 320 * height // width},
            self._file_fields(large) | {"width": width, "height": height},
        ]
        return self._user_message(chat, user, {"photo": photo} | caption_fields(caption))

    def send_voice(
        self, chat: Chat, user: User, data: bytes = b"OggS fake-opus", duration: int = 3
    ) -> UserAction:
        stored = self._store_file(data, "voice", "voice.oga")
        voice = {"duration": duration, "mime_type": "audio/ogg"} | self._file_fields(stored)
        return self._user_message(chat, user, {"voice": voice})

    def send_sticker(self, chat: Chat, user: User, emoji: str = "👍") -> UserAction:
        stored = self._store_file(b"RIFF\x00\x00\x00\x00WEBPVP8 ", "stickers", "sticker.webp")
        sticker = {
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "FakeStickers",
        }
        return self._user_message(chat, user, {"sticker": sticker | self._file_fields(stored)})

    def forward_message(
        self, chat: Chat, user: User, text: str, origin: User | Chat | str | None = None
    ) -> UserAction:
        """A forwarded text; origin is a User, a Chat (channel or group) or a hidden name."""
        date = int(time.time()) - 3600
        if isinstance(origin, User):
            forward = {"type": "user", "date": date, "sender_user": origin.to_api()}
        elif isinstance(origin, Chat) and origin.type == "channel":
            forward = {"type": "channel", "date": date, "chat": origin.to_api(), "message_id": 1}
        elif isinstance(origin, Chat):
            forward = {"type": "chat", "date": date, "sender_chat": origin.to_api()}
        else:
            forward = {"type": "hidden_user", "date": date, "sender_user_name": origin or "Anon"}
        found = find_entities(text)
        fields = {"text": text, "forward_origin": forward} | ({"entities": found} if found else {})
        return self._user_message(chat, user, fields)

    def edit_message(self, chat: Chat, user: User, message_id: int, text: str) -> UserAction:
        """The user edits their text message -> an ``edited_message`` update."""
        with self._cond:
            message = self._state(chat).messages.get(message_id)
            if message is None or message.get("from", {}).get("id") != user.id:
                raise ValueError(f"user {user.id} has no message {message_id} in chat {chat.id}")
            message["text"], message["edit_date"] = text, int(time.time())
            message.pop("entities", None)
            if found := find_entities(text):
                message["entities"] = found
            visible = self._visible_to_bot(self._state(chat), message)
            update_id = self._enqueue("edited_message", message) if visible else None
            return UserAction(message_id, update_id)

    def press_button(
        self, chat: Chat, user: User, message_id: int, callback_data: str, strict: bool = True
    ) -> str:
        """Press an inline button; returns the callback query id.

        ``strict`` insists the message currently shows a button with this data, as a real client
        would; pass False to simulate a stale or forged press.
        """
        with self._cond:
            message = self._state(chat).messages.get(message_id)
            meta = self._meta.get((chat.id, message_id))
            if message is None or meta is None:
                raise ValueError(f"no bot message {message_id} in chat {chat.id}")
            shown = [data for _, data in self._snapshot(chat.id, message_id).buttons]
            if strict and callback_data not in shown:
                raise ValueError(f"message {message_id} has no button with data {callback_data!r}")
            query_id = str(secrets.randbits(63))
            self._queries[query_id] = Query(time.monotonic())
            self._enqueue(
                "callback_query",
                {
                    "id": query_id,
                    "from": user.to_api(),
                    "message": copy.deepcopy(message),
                    "chat_instance": str(4_000_000_000_000 + abs(chat.id)),
                    "data": callback_data,
                },
            )
            return query_id

    def answer_poll(self, user: User, poll_id: str, option_ids: list[int]) -> int | None:
        """Vote (or retract with []); returns the poll_answer update id (None for anonymous)."""
        with self._cond:
            if poll_id not in self._polls:
                raise ValueError(f"unknown poll {poll_id}")
            state = self._polls[poll_id]
            poll = self._state_by_id(state.chat_id).messages[state.message_id]["poll"]
            if poll["is_closed"]:
                raise ValueError("poll is closed")
            if any(not 0 <= i < len(poll["options"]) for i in option_ids) or (
                len(option_ids) > 1 and not poll["allows_multiple_answers"]
            ):
                raise ValueError(f"invalid option ids {option_ids}")
            if user.id in state.votes and not poll["allows_revoting"]:
                raise ValueError("this poll does not allow changing the vote")
            for i in state.votes.pop(user.id, []):
                poll["options"][i]["voter_count"] -= 1
            if option_ids:
                state.votes[user.id] = list(option_ids)
            for i in option_ids:
                poll["options"][i]["voter_count"] += 1
            poll["total_voter_count"] = len(state.votes)
            update_id = None
            if not poll["is_anonymous"]:
                persistent = [poll["options"][i]["persistent_id"] for i in option_ids]
                update_id = self._enqueue(
                    "poll_answer",
                    {
                        "poll_id": poll_id,
                        "user": user.to_api(),
                        "option_ids": list(option_ids),
                        "option_persistent_ids": persistent,
                    },
                )
            self._enqueue("poll", copy.deepcopy(poll))
            return update_id

    def member_joined(self, chat: Chat, user: User) -> UserAction:
        return self._user_message(chat, user, {"new_chat_members": [user.to_api()]})

    # ----------------------------------------------------------------- fault injection

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` ("*" = any) with an error.

        429 carries ``parameters.retry_after``; 502/503/504 without a description get nginx's
        HTML page (PTB then raises NetworkError); any other status gets a JSON error.
        """
        with self._cond:
            self._faults.append(Fault(method.lower(), status, retry_after, count, description))

    def set_reply_delay(self, seconds: float, method: str) -> None:
        """Hold the answer to ``method`` after it took effect: members already see the message or
        poll while the bot still waits for its id (a slow link back to the bot)."""
        with self._cond:
            self._reply_delay[method.lower()] = seconds

    def set_latency(self, seconds: float, method: str = "*") -> None:
        """Delay every call of ``method`` ("*" = all) before it is processed."""
        with self._cond:
            self._latency[method.lower()] = seconds

    def block_user(self, chat: Chat | int) -> None:
        """The user blocks the bot: sends to the chat fail with 403, a my_chat_member arrives."""
        self._set_blocked(chat, True)

    # ----------------------------------------------------------------- observation

    def calls(self, method: str | None = None) -> list[ApiCall]:
        with self._cond:
            return [c for c in self._calls if method is None or c.method.lower() == method.lower()]

    def bot_messages(self, chat_id: int, include_deleted: bool = False) -> list[BotMessage]:
        with self._cond:
            keys = sorted(k for k in self._meta if k[0] == chat_id)
            snapshots = [self._snapshot(*key) for key in keys]
            return [m for m in snapshots if include_deleted or not m.deleted]

    def chat_actions(self, chat_id: int) -> list[str]:
        with self._cond:
            return list(self._actions.get(chat_id, []))

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        with self._cond:
            return list(self._answers)

    def polls(self) -> list[SentPoll]:
        with self._cond:
            result = []
            for poll_id, state in self._polls.items():
                message = self._chats[state.chat_id].messages.get(state.message_id)
                if message is not None:
                    poll = copy.deepcopy(message["poll"])
                    result.append(SentPoll(poll_id, state.chat_id, state.message_id, poll))
            return result

    def pending_updates(self) -> list[Json]:
        """Updates queued and not yet confirmed by the bot (via getUpdates offset)."""
        with self._cond:
            return copy.deepcopy(self._updates)

    def commands(self, scope: Json | None = None, language_code: str = "") -> list[Json]:
        with self._cond:
            return copy.deepcopy(self._commands.get(commands_key(scope, language_code), []))

    def wait_for(
        self, predicate: Callable[[], T], timeout: float = 10.0, description: str = "condition"
    ) -> T:
        """Block until ``predicate()`` is truthy (re-checked on every state change); return it."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (result := predicate()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout}s waiting for {description}")
                self._cond.wait(min(remaining, 0.2))
            return result

    def wait_for_message(
        self,
        chat_id: int,
        after: int | None = None,
        timeout: float = 10.0,
        predicate: Callable[[BotMessage], bool] | None = None,
    ) -> BotMessage:
        """The first bot message in the chat with id > ``after`` (default: sent from now on)."""
        with self._cond:
            if after is None:
                state = self._chats.get(chat_id)
                after = state.next_id - 1 if state else 0

            def find() -> BotMessage | None:
                return next(
                    (
                        m
                        for m in self.bot_messages(chat_id)
                        if m.message_id > after and (predicate is None or predicate(m))
                    ),
                    None,
                )

            try:
                return self.wait_for(find, timeout, f"a bot message in chat {chat_id}")
            except AssertionError as exc:
                seen = [(m.message_id, m.text) for m in self.bot_messages(chat_id)]
                raise AssertionError(f"{exc}; bot messages so far: {seen}") from None

    def wait_until_polling(self, timeout: float = 10.0) -> None:
        """Block until the bot sits in a getUpdates long poll, i.e. is up and listening."""
        self.wait_for(lambda: self._polls_waiting > 0, timeout, "the bot to long-poll")

    def wait_for_call(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 10.0,
        after: float = 0.0,
    ) -> ApiCall:
        """The first call of ``method`` made at/after time ``after`` matching ``predicate``."""
        return self.wait_for(
            lambda: next(
                (c for c in self.calls(method) if c.time >= after and (predicate is None or predicate(c))),
                None,
            ),
            timeout,
            f"a {method} call",
        )

    # ----------------------------------------------------------------- internals: state

    def _state(self, chat: Chat) -> ChatState:
        return self._state_by_id(chat.id)

    def _state_by_id(self, chat_id: int) -> ChatState:
        try:
            return self._chats[chat_id]
        except KeyError:
            raise ValueError(f"unknown chat {chat_id}; use private_chat() or group()") from None

    def _user_message(
        self, chat: Chat, user: User, fields: Json, reply_to_message_id: int | None = None
    ) -> UserAction:
        with self._cond:
            state = self._state(chat)
            reply_to = None
            if reply_to_message_id is not None:
                reply_to = state.messages.get(reply_to_message_id)
                if reply_to is None:
                    raise ValueError(f"no message {reply_to_message_id} in chat {chat.id}")
            message = self._new_message(state, user, reply_to)
            message.update(fields)
            if chat.type == "private":
                state.started = True
            visible = self._visible_to_bot(state, message)
            update_id = self._enqueue("message", message) if visible else None
            return UserAction(message["message_id"], update_id)

    def _visible_to_bot(self, state: ChatState, message: Json) -> bool:
        """Telegram's privacy mode, see the module docstring."""
        if state.chat.type == "private" or not self.group_privacy or state.bot_admin:
            return True
        if any(key in message for key in SERVICE_KEYS):
            return True
        if message.get("reply_to_message", {}).get("from", {}).get("id") == self.bot.id:
            return True
        text = message.get("text") or message.get("caption") or ""
        for entity in message.get("entities") or message.get("caption_entities") or []:
            covered = entity_text(text, entity).lower()
            if entity["type"] == "bot_command" and entity["offset"] == 0:
                addressee = covered.partition("@")[2]
                if addressee in ("", self.bot_username.lower()):
                    return True
            if entity["type"] == "mention" and covered == "@" + self.bot_username.lower():
                return True
            mentioned = entity.get("user", {}).get("id")
            if entity["type"] == "text_mention" and mentioned == self.bot.id:
                return True
        return False

    def _set_blocked(self, chat: Chat | int, blocked: bool) -> None:
        with self._cond:
            state = self._state_by_id(chat if isinstance(chat, int) else chat.id)
            state.blocked = blocked
            old, new = ("member", "kicked") if blocked else ("kicked", "member")
            user = self._users.get(state.chat.id)
            self._enqueue(
                "my_chat_member",
                {
                    "chat": state.chat.to_api(),
                    "from": user.to_api() if user else self.bot.to_api(),
                    "date": int(time.time()),
                    "old_chat_member": {"user": self.bot.to_api(), "status": old} | until(old),
                    "new_chat_member": {"user": self.bot.to_api(), "status": new} | until(new),
                },
            )

    def _snapshot(self, chat_id: int, message_id: int) -> BotMessage:
        meta = self._meta[(chat_id, message_id)]
        raw = self._chats[chat_id].messages.get(message_id) or {}
        return BotMessage(
            chat_id=chat_id,
            message_id=message_id,
            kind=meta.kind,
            text=raw.get("text", raw.get("caption")),
            entities=copy.deepcopy(raw.get("entities", raw.get("caption_entities", []))),
            source_text=meta.source_text,
            parse_mode=meta.parse_mode,
            reply_markup=copy.deepcopy(meta.reply_markup),
            reply_to_message_id=raw.get("reply_to_message", {}).get("message_id"),
            edits=meta.edits,
            deleted=meta.deleted,
            raw=copy.deepcopy(raw),
        )

    # ----------------------------------------------------------------- internals: HTTP

    def _handle_http(self, verb: str, path: str, headers: Any, body: bytes) -> tuple[int, str, bytes]:
        url = urlsplit(path)
        route = unquote(url.path)  # PTB percent-encodes file URLs, ':' of the token included
        if match := re.fullmatch(r"/file/bot([^/]+)/(.+)", route):
            return self._serve_file(match[1], match[2])
        match = re.fullmatch(r"/bot([^/]*)/([A-Za-z0-9_]*)", route)
        if not match:
            return json_reply(ApiError(404, "Not Found").body(), 404)
        token, requested = match[1], match[2]
        method, handler = self._methods.get(requested.lower(), (requested, None))
        started = time.time()
        try:
            self._check_token(token)
            if handler is None:
                raise ApiError(404, "Not Found")
            params = Params(parse_body(headers.get("Content-Type", ""), body, url.query))
        except ApiError as exc:
            self._log(ApiCall(method, {}, started, exc.status, exc.body()))
            return json_reply(exc.body(), exc.status)
        time.sleep(self._latency.get(method.lower(), self._latency.get("*", 0.0)))
        if fault := self._take_fault(method):
            return self._fault_reply(method, params, fault, started)
        try:
            with self._cond:
                response: Json = {"ok": True, "result": handler(params)}
            status = 200
        except ApiError as exc:
            status, response = exc.status, exc.body()
        self._log(ApiCall(method, params.decoded(), started, status, response))
        time.sleep(self._reply_delay.get(method.lower(), 0.0))
        return json_reply(response, status)

    def _check_token(self, token: str) -> None:
        if token != self.token:
            valid_format = re.fullmatch(r"\d+:[\w-]+", token)
            raise ApiError(401, "Unauthorized") if valid_format else ApiError(404, "Not Found")

    def _serve_file(self, token: str, file_path: str) -> tuple[int, str, bytes]:
        try:
            self._check_token(token)
        except ApiError as exc:
            return json_reply(exc.body(), exc.status)
        with self._cond:
            stored = next((f for f in self._files.values() if f.file_path == file_path), None)
        if stored is None:
            return json_reply(ApiError(404, "Not Found").body(), 404)
        return 200, "application/octet-stream", stored.data

    def _take_fault(self, method: str) -> Fault | None:
        with self._cond:
            for fault in self._faults:
                if fault.method in ("*", method.lower()) and fault.remaining > 0:
                    fault.remaining -= 1
                    return fault
            return None

    def _fault_reply(
        self, method: str, params: Params, fault: Fault, started: float
    ) -> tuple[int, str, bytes]:
        status, phrase = fault.status, HTTPStatus(fault.status).phrase
        if fault.description is None and status in (502, 503, 504):
            self._log(ApiCall(method, params.decoded(), started, status, None))
            return status, "text/html", NGINX_PAGE.format(code=status, phrase=phrase).encode()
        if status == 429:
            description = f"Too Many Requests: retry after {fault.retry_after}"
            error = ApiError(429, fault.description or description, {"retry_after": fault.retry_after})
        else:
            error = ApiError(status, fault.description or default_description(status))
        self._log(ApiCall(method, params.decoded(), started, status, error.body()))
        return json_reply(error.body(), status)

    def _log(self, call: ApiCall) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
