"""The Bot API methods of the fake server, with Telegram's validation and error texts.

Kept apart from the simulated users (fake_telegram.py) so each file reads on its own:
this one is "what the bot can call", that one is "what the test can do".
"""

from __future__ import annotations

import copy
import mimetypes
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from .fake_telegram_html import TextError, checked_link, format_text
from .fake_telegram_http import ApiError, Params, UploadedFile, bad_request
from .fake_telegram_models import (
    BUTTON_ACTIONS,
    CHAT_ACTIONS,
    CONFLICT,
    MAX_CALLBACK_DATA,
    MAX_CAPTION,
    MAX_TEXT,
    NOT_DEFAULT_UPDATES,
    NOT_MODIFIED,
    POLL_EXPLANATION,
    POLL_MAX_OPTIONS,
    POLL_MIN_OPTIONS,
    POLL_OPEN_PERIOD,
    POLL_OPTION,
    POLL_QUESTION,
    QUERY_INVALID,
    BotMeta,
    CallbackAnswer,
    ChatState,
    Json,
    PollState,
    Query,
    StoredFile,
    User,
    commands_key,
    quoted,
    set_optional,
)


class BotApi:
    """Mixin holding the ``_api_<method>`` handlers; FakeTelegram owns the state they use.

    Handlers run with ``self._cond`` held and raise ApiError for Telegram's error replies.
    """

    bot: User
    bot_username: str
    group_privacy: bool
    callback_query_timeout: float
    open_period_scale: float
    _cond: threading.Condition
    _chats: dict[int, ChatState]
    _users: dict[int, User]
    _meta: dict[tuple[int, int], BotMeta]
    _updates: list[Json]
    _allowed_updates: frozenset[str] | None
    _poll_generation: int
    _polls_waiting: int
    _update_ids: Iterator[int]
    _files: dict[str, StoredFile]
    _queries: dict[str, Query]
    _polls: dict[str, PollState]
    _timers: list[threading.Timer]
    _answers: list[CallbackAnswer]
    _actions: dict[int, list[str]]
    _commands: dict[str, list[Json]]
    _stopping: bool

    def _new_message(self, state: ChatState, sender: User, reply_to: Json | None) -> Json:
        message: Json = {
            "message_id": state.next_id,
            "from": sender.to_api(),
            "chat": state.chat.to_api(),
            "date": int(time.time()),
        }
        state.next_id += 1
        if reply_to is not None:
            message["reply_to_message"] = quoted(reply_to)
        state.messages[message["message_id"]] = message
        return message

    def _enqueue(self, kind: str, payload: Json) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, kind: copy.deepcopy(payload)})
        self._cond.notify_all()
        return update_id

    @staticmethod
    def _file_fields(stored: StoredFile) -> Json:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }

    def _store_file(
        self, data: bytes, folder: str, filename: str, mime_type: str | None = None
    ) -> StoredFile:
        with self._cond:
            number = len(self._files) + 1
            ext = filename.rsplit(".", 1)[1] if "." in filename else "bin"
            stored = StoredFile(
                "BQACAgIAAxkBAAI" + secrets.token_urlsafe(24),
                "AgAD" + secrets.token_urlsafe(8),
                f"{folder}/file_{number}.{ext}",
                bytes(data),
                filename,
                mime_type,
            )
            self._files[stored.file_id] = stored
            return stored

    def _document(self, data: bytes, filename: str, mime_type: str | None = None) -> Json:
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        return self._document_fields(self._store_file(data, "documents", filename, mime))

    def _document_fields(self, stored: StoredFile) -> Json:
        meta = {"file_name": stored.file_name, "mime_type": stored.mime_type}
        return meta | self._file_fields(stored)

    def _lookup_user(self, user_id: int) -> Json | None:
        user = self._users.get(user_id)
        return user.to_api() if user else None

    # ----------------------------------------------------------------- internals: validation

    def _target(self, params: Params, sending: bool = True) -> ChatState:
        """The chat a method acts on; Telegram's errors for unknown, blocked, unstarted chats."""
        raw = params.get_str("chat_id")
        if not raw:
            raise bad_request("chat_id is empty")
        if raw.startswith("@"):
            state = next(
                (s for s in self._chats.values() if (s.chat.username or "").lower() == raw[1:].lower()), None
            )
        else:
            state = self._chats.get(params.get_int("chat_id") or 0)
        if state is None:
            raise bad_request("chat not found")
        if sending and state.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if sending and not state.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return state

    def _formatted(
        self,
        params: Params,
        field: str,
        mode: str,
        entities: str,
        limit: int,
        empty: str | None,
        too_long: str,
    ) -> tuple[str, list[Json]]:
        try:
            text, found = format_text(
                params.get_str(field) or "",
                params.get_str(mode),
                params.get_json(entities),
                self._lookup_user,
            )
        except TextError as exc:
            raise bad_request(str(exc)) from None
        if empty and not text:
            raise bad_request(empty)
        if len(text) > limit:
            raise bad_request(too_long)
        return text, found

    def _reply_to(self, state: ChatState, params: Params) -> Json | None:
        reply = params.get_json("reply_parameters") or {}
        if not isinstance(reply, dict):
            raise bad_request("can't parse reply parameters JSON object")
        message_id = reply.get("message_id", params.get_int("reply_to_message_id"))
        if message_id is None:
            return None
        target = state.messages.get(int(message_id))
        allow = reply.get("allow_sending_without_reply", params.get_bool("allow_sending_without_reply"))
        if target is None and not allow:
            raise bad_request("message to be replied not found")
        return target

    def _bot_message(
        self,
        state: ChatState,
        params: Params,
        kind: str,
        fields: Json,
        markup: Json | None,
        source: str | None = None,
    ) -> Json:
        message = self._new_message(state, self.bot, self._reply_to(state, params))
        message.update(fields)
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._meta[(state.chat.id, message["message_id"])] = BotMeta(
            kind, source, params.get_str("parse_mode"), markup
        )
        self._cond.notify_all()
        return copy.deepcopy(message)

    def _editable(self, params: Params, not_found: str) -> tuple[ChatState, Json, BotMeta]:
        if params.has("inline_message_id"):
            raise bad_request("inline messages are not supported by FakeTelegram")
        state = self._target(params)
        message_id = params.get_int("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = state.messages.get(message_id)
        if message is None:
            raise bad_request(not_found)
        meta = self._meta.get((state.chat.id, message_id))
        if meta is None:
            raise bad_request("message can't be edited")
        return state, message, meta

    # ----------------------------------------------------------------- Bot API methods

    def _api_getMe(self, params: Params) -> Json:  # noqa: N802 - Bot API names
        return self.bot.to_api() | {
            "can_join_groups": True,
            "can_read_all_group_messages": not self.group_privacy,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_getUpdates(self, params: Params) -> list[Json]:  # noqa: N802
        """Long polling: confirm < offset, wait up to ``timeout`` s, 409 if superseded."""
        offset, limit = params.get_int("offset", 0), params.get_int("limit", 100)
        timeout = max(0.0, params.get_float("timeout", 0.0))
        allowed = params.get_json("allowed_updates")
        if allowed is not None:
            self._allowed_updates = frozenset(allowed) if allowed else None
        self._poll_generation += 1
        generation, deadline = self._poll_generation, time.monotonic() + timeout
        if offset < 0:
            del self._updates[: max(0, len(self._updates) + offset)]
        elif offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._polls_waiting += 1  # observable only while waiting, as the lock is held otherwise
        try:
            while True:
                if generation != self._poll_generation:
                    raise ApiError(409, CONFLICT)
                self._updates = [u for u in self._updates if self._allowed(u)]
                remaining = deadline - time.monotonic()
                if self._updates or remaining <= 0 or self._stopping:
                    return copy.deepcopy(self._updates[: max(1, min(limit or 100, 100))])
                self._cond.wait(remaining)
        finally:
            self._polls_waiting -= 1

    def _allowed(self, update: Json) -> bool:
        kind = next(k for k in update if k != "update_id")
        if self._allowed_updates is None:
            return kind not in NOT_DEFAULT_UPDATES
        return kind in self._allowed_updates

    def _api_deleteWebhook(self, params: Params) -> bool:  # noqa: N802
        if params.get_bool("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_getWebhookInfo(self, params: Params) -> Json:  # noqa: N802
        pending = len(self._updates)
        return {"url": "", "has_custom_certificate": False, "pending_update_count": pending}

    def _api_setMyCommands(self, params: Params) -> bool:  # noqa: N802
        commands = params.get_json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("command description is empty or too long")
        key = commands_key(params.get_json("scope"), params.get_str("language_code", ""))
        self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    def _api_getMyCommands(self, params: Params) -> list[Json]:  # noqa: N802
        key = commands_key(params.get_json("scope"), params.get_str("language_code", ""))
        return copy.deepcopy(self._commands.get(key, []))

    def _api_deleteMyCommands(self, params: Params) -> bool:  # noqa: N802
        key = commands_key(params.get_json("scope"), params.get_str("language_code", ""))
        self._commands.pop(key, None)
        return True

    def _api_sendMessage(self, params: Params) -> Json:  # noqa: N802
        state = self._target(params)
        text, entities = self._formatted(
            params, "text", "parse_mode", "entities", MAX_TEXT, "message text is empty", "message is too long"
        )
        markup = reply_markup(params)
        fields = {"text": text} | ({"entities": entities} if entities else {})
        return self._bot_message(state, params, "text", fields, markup, params.get_str("text"))

    def _api_editMessageText(self, params: Params) -> Json:  # noqa: N802
        state, message, meta = self._editable(params, "message to edit not found")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._formatted(
            params, "text", "parse_mode", "entities", MAX_TEXT, "message text is empty", "message is too long"
        )
        markup = reply_markup(params, inline_only=True)
        if (text, entities, markup) == (
            message["text"],
            message.get("entities", []),
            message.get("reply_markup"),
        ):
            raise bad_request(NOT_MODIFIED)
        message["text"] = text
        set_optional(message, "entities", entities or None)
        set_optional(message, "reply_markup", markup)
        message["edit_date"] = int(time.time())
        meta.source_text, meta.parse_mode, meta.reply_markup = (
            params.get_str("text"),
            params.get_str("parse_mode"),
            markup,
        )
        meta.edits += 1
        self._cond.notify_all()
        return copy.deepcopy(message)

    def _api_editMessageReplyMarkup(self, params: Params) -> Json:  # noqa: N802
        state, message, meta = self._editable(params, "message to edit not found")
        markup = reply_markup(params, inline_only=True)
        if markup == message.get("reply_markup"):
            raise bad_request(NOT_MODIFIED)
        set_optional(message, "reply_markup", markup)
        message["edit_date"] = int(time.time())
        meta.reply_markup, meta.edits = markup, meta.edits + 1
        self._cond.notify_all()
        return copy.deepcopy(message)

    def _api_deleteMessage(self, params: Params) -> bool:  # noqa: N802
        state = self._target(params, sending=False)
        message_id = params.get_int("message_id")
        if message_id not in state.messages:
            raise bad_request("message to delete not found")
        meta = self._meta.get((state.chat.id, message_id))
        if meta is None and state.chat.type != "private" and not state.bot_admin:
            raise bad_request("message can't be deleted")
        del state.messages[message_id]
        if meta is not None:
            meta.deleted = True
        self._cond.notify_all()
        return True

    def _api_answerCallbackQuery(self, params: Params) -> bool:  # noqa: N802
        query_id = params.get_str("callback_query_id") or ""
        query = self._queries.get(query_id)
        if query is None or query.answered or (time.monotonic() - query.time > self.callback_query_timeout):
            raise bad_request(QUERY_INVALID)
        query.answered = True
        self._answers.append(
            CallbackAnswer(
                query_id,
                params.get_str("text"),
                params.get_bool("show_alert"),
                params.get_str("url"),
                params.get_int("cache_time"),
            )
        )
        self._cond.notify_all()
        return True

    def _api_sendChatAction(self, params: Params) -> bool:  # noqa: N802
        state = self._target(params)
        action = params.get_str("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._actions.setdefault(state.chat.id, []).append(action)
        self._cond.notify_all()
        return True

    def _api_sendPoll(self, params: Params) -> Json:  # noqa: N802
        state = self._target(params)
        poll = build_poll(params, self._formatted)
        message = self._bot_message(state, params, "poll", {"poll": poll}, reply_markup(params))
        self._polls[poll["id"]] = PollState(state.chat.id, message["message_id"])
        if open_period := poll.get("open_period"):
            delay = open_period * self.open_period_scale
            timer = threading.Timer(delay, self._close_poll_later, (poll["id"],))
            timer.daemon = True
            self._timers.append(timer)
            timer.start()
        return message

    def _api_stopPoll(self, params: Params) -> Json:  # noqa: N802
        state, message, meta = self._editable(params, "message with poll to stop not found")
        if meta.kind != "poll":
            raise bad_request("message with poll to stop not found")
        if message["poll"]["is_closed"]:
            raise bad_request("poll has already been closed")
        markup = reply_markup(params, inline_only=True)
        if markup is not None:
            message["reply_markup"] = meta.reply_markup = markup
        return self._close_poll(message)

    def _close_poll(self, message: Json) -> Json:
        message["poll"]["is_closed"] = True
        self._enqueue("poll", message["poll"])
        return copy.deepcopy(message["poll"])

    def _close_poll_later(self, poll_id: str) -> None:
        """open_period elapsed: Telegram closes the poll and sends a poll update."""
        with self._cond:
            state = self._polls[poll_id]
            message = self._chats[state.chat_id].messages.get(state.message_id)
            if message is not None and not self._stopping and not message["poll"]["is_closed"]:
                self._close_poll(message)

    def _api_sendDocument(self, params: Params) -> Json:  # noqa: N802
        state = self._target(params)
        document = self._input_document(params, params.raw.get("document"))
        caption, entities = self._formatted(
            params,
            "caption",
            "parse_mode",
            "caption_entities",
            MAX_CAPTION,
            None,
            "message caption is too long",
        )
        fields = {"document": document} | ({"caption": caption} if caption else {})
        fields |= {"caption_entities": entities} if entities else {}
        return self._bot_message(
            state, params, "document", fields, reply_markup(params), params.get_str("caption")
        )

    def _input_document(self, params: Params, value: object) -> Json:
        """An uploaded part (PTB names it "document"), an attach:// reference or a file_id."""
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.raw.get(value.removeprefix("attach://"))
        if isinstance(value, UploadedFile):
            name = value.filename or "document"
            mime = value.content_type if value.content_type != "text/plain" else None
            return self._document(value.data, name, mime)
        stored = self._files.get(value) if isinstance(value, str) else None
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return self._document_fields(stored)

    def _api_getFile(self, params: Params) -> Json:  # noqa: N802
        stored = self._files.get(params.get_str("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.data) > 20 * 1024 * 1024:
            raise bad_request("file is too big")
        return self._file_fields(stored) | {"file_path": stored.file_path}


def reply_markup(params: Params, inline_only: bool = False) -> Json | None:
    """Validated reply_markup; inline buttons need an action and 1-64 bytes of callback_data."""
    markup = params.get_json("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if inline_only or not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
            raise bad_request("can't parse inline keyboard markup JSON object")
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    for button in (b for row in rows for b in row):
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
        if not any(action in button for action in BUTTON_ACTIONS):
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
            )
        data = button.get("callback_data")
        if "callback_data" in button and not (
            isinstance(data, str) and 1 <= len(data.encode()) <= MAX_CALLBACK_DATA
        ):
            raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button and not checked_link(str(button["url"])):
            raise bad_request("BUTTON_URL_INVALID")
    return markup


def build_poll(params: Params, formatted: Callable[..., tuple[str, list[Json]]]) -> Json:
    """Validate sendPoll like Telegram and build the Poll object (Bot API 9.6+ fields included)."""
    question, question_entities = formatted(
        params,
        "question",
        "question_parse_mode",
        "question_entities",
        POLL_QUESTION,
        "poll question must be non-empty",
        f"poll question length must not exceed {POLL_QUESTION}",
    )
    raw_options = params.get_json("options")
    if not isinstance(raw_options, list):
        raise bad_request("can't parse options JSON object")
    if len(raw_options) < POLL_MIN_OPTIONS:
        raise bad_request(f"poll must have at least {POLL_MIN_OPTIONS} option")
    if len(raw_options) > POLL_MAX_OPTIONS:
        raise bad_request(f"poll can't have more than {POLL_MAX_OPTIONS} options")
    options = []
    for index, raw in enumerate(raw_options):
        text = (raw.get("text") if isinstance(raw, dict) else raw) or ""
        if not str(text).strip():
            raise bad_request("poll options must be non-empty")
        if len(str(text)) > POLL_OPTION:
            raise bad_request(f"poll options length must not exceed {POLL_OPTION}")
        options.append({"text": str(text), "voter_count": 0, "persistent_id": str(index)})
    kind = params.get_str("type") or "regular"
    if kind not in ("regular", "quiz"):
        raise bad_request("wrong poll type specified")
    poll: Json = {
        "id": str(secrets.randbits(62)),
        "question": question,
        "options": options,
        "total_voter_count": 0,
        "is_closed": params.get_bool("is_closed"),
        "is_anonymous": params.get_bool("is_anonymous", True),
        "type": kind,
        "allows_multiple_answers": params.get_bool("allows_multiple_answers"),
        "allows_revoting": params.get_bool("allows_revoting", kind == "regular"),
        "members_only": params.get_bool("members_only"),
    }
    if question_entities:
        poll["question_entities"] = question_entities
    if kind == "quiz":
        poll.update(quiz_fields(params, len(options), formatted))
    if params.has("open_period"):
        period = params.get_int("open_period") or 0
        if not POLL_OPEN_PERIOD[0] <= period <= POLL_OPEN_PERIOD[1]:
            raise bad_request("wrong open period specified")
        poll["open_period"], poll["close_date"] = period, int(time.time()) + period
    return poll


def quiz_fields(params: Params, option_count: int, formatted: Callable[..., Any]) -> Json:
    """Quizzes need correct_option_ids (PTB 22.8 always sends the list) or correct_option_id."""
    ids = params.get_json("correct_option_ids")
    if ids is None and params.has("correct_option_id"):
        ids = [params.get_int("correct_option_id")]
    if (
        not isinstance(ids, list)
        or not ids
        or any(not isinstance(i, int) or not 0 <= i < option_count for i in ids)
    ):
        raise bad_request("wrong correct option ID specified")
    fields: Json = {"correct_option_ids": sorted(ids)}
    if params.has("explanation"):
        explanation, entities = formatted(
            params,
            "explanation",
            "explanation_parse_mode",
            "explanation_entities",
            POLL_EXPLANATION,
            None,
            "explanation is too long",
        )
        if explanation.count("\n") > 2:
            raise bad_request("explanation can't contain more than 2 line feeds")
        fields["explanation"] = explanation
        if entities:
            fields["explanation_entities"] = entities
    return fields
