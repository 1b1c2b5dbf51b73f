"""Data types of the fake Bot API: simulated users and chats, observations, internal state.

Public types (User, Chat, ApiCall, BotMessage, UserAction, CallbackAnswer, SentPoll) are what
tests handle; the rest is the fake's bookkeeping, shared by fake_telegram and fake_telegram_api.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from .fake_telegram_html import entity_text, find_entities

Json = dict[str, Any]

MAX_TEXT, MAX_CAPTION, MAX_CALLBACK_DATA = 4096, 1024, 64
# Poll limits of the classic Bot API, kept strict on purpose: Bot API 10.0 (which PTB 22.8
# targets) relaxed them to 1 option and open_period up to 2628000 s, so a bot that passes here
# works against both.
POLL_QUESTION, POLL_OPTION, POLL_MIN_OPTIONS, POLL_MAX_OPTIONS = 300, 100, 2, 12
POLL_EXPLANATION, POLL_OPEN_PERIOD = 200, (5, 600)
CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)
BUTTON_ACTIONS = (
    "url callback_data web_app login_url switch_inline_query switch_inline_query_current_chat "
    "switch_inline_query_chosen_chat copy_text callback_game pay".split()
)
NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
SERVICE_KEYS = ("new_chat_members", "left_chat_member", "group_chat_created", "pinned_message")
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
NGINX_PAGE = (
    "<html>\r\n<head><title>{code} {phrase}</title></head>\r\n<body>\r\n<center><h1>{code} "
    "{phrase}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class User:
    """A simulated Telegram user."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False

    def to_api(self) -> Json:
        data: Json = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        return data | present(
            last_name=self.last_name, username=self.username, language_code=self.language_code
        )


@dataclass(frozen=True)
class Chat:
    """A simulated chat; group ids are negative, supergroup ids start with -100."""

    id: int
    type: str  # "private" | "group" | "supergroup"
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None

    def to_api(self) -> Json:
        return {"id": self.id, "type": self.type} | present(
            title=self.title, first_name=self.first_name, last_name=self.last_name, username=self.username
        )


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made; ``params`` has JSON fields (reply_markup...) decoded."""

    method: str
    params: Json
    time: float
    status: int
    response: Json | None  # None when the reply was not JSON (an injected HTML error page)

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(frozen=True)
class BotMessage:
    """Current state of a message the bot sent (after its edits), as a snapshot."""

    chat_id: int
    message_id: int
    kind: str  # "text" | "poll" | "document"
    text: str | None  # as stored by Telegram (parsed plain text), or a document's caption
    entities: list[Json]
    source_text: str | None  # exactly what the bot sent, markup included
    parse_mode: str | None
    reply_markup: Json | None
    reply_to_message_id: int | None
    edits: int
    deleted: bool
    raw: Json  # the Telegram Message object

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """(text, callback_data) of every inline button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [(b.get("text"), b.get("callback_data")) for row in rows for b in row]

    def entity_texts(self, kind: str) -> list[str]:
        """The covered text of each entity of one type, e.g. ``entity_texts("bold")``."""
        return [entity_text(self.text or "", e) for e in self.entities if e["type"] == kind]


@dataclass(frozen=True)
class UserAction:
    """What a simulated user did; ``update_id`` is None when privacy mode hid it from the bot."""

    message_id: int
    update_id: int | None

    @property
    def delivered(self) -> bool:
        return self.update_id is not None


@dataclass(frozen=True)
class CallbackAnswer:
    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None


@dataclass(frozen=True)
class SentPoll:
    poll_id: str
    chat_id: int
    message_id: int
    poll: Json


# ----------------------------------------------------------------- internal bookkeeping


@dataclass
class Fault:
    method: str  # lower-case method name or "*"
    status: int
    retry_after: int
    remaining: int
    description: str | None


@dataclass
class ChatState:
    chat: Chat
    started: bool = True  # a private chat exists for the bot only after the user wrote first
    blocked: bool = False
    bot_admin: bool = False
    next_id: int = 1
    messages: dict[int, Json] = field(default_factory=dict)


@dataclass
class BotMeta:
    kind: str
    source_text: str | None
    parse_mode: str | None
    reply_markup: Json | None
    edits: int = 0
    deleted: bool = False


@dataclass
class Query:
    time: float
    answered: bool = False


@dataclass
class PollState:
    chat_id: int
    message_id: int
    votes: dict[int, list[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str
    mime_type: str | None


# ----------------------------------------------------------------- JSON helpers


def present(**values: Any) -> Json:
    return {key: value for key, value in values.items() if value is not None}


def quoted(message: Json) -> Json:
    """reply_to_message: the full message, minus its own reply (Telegram nests one level)."""
    result = copy.deepcopy(message)
    result.pop("reply_to_message", None)
    return result


def json_reply(body: Json, status: int) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(body, ensure_ascii=False).encode()


def default_description(status: int) -> str:
    return {
        400: "Bad Request: injected failure",
        401: "Unauthorized",
        403: "Forbidden: bot was blocked by the user",
        409: CONFLICT,
    }.get(status, HTTPStatus(status).phrase)


def caption_fields(caption: str | None) -> Json:
    if caption is None:
        return {}
    found = find_entities(caption)
    return {"caption": caption} | ({"caption_entities": found} if found else {})


def until(status: str) -> Json:
    return {"until_date": 0} if status == "kicked" else {}


def set_optional(message: Json, key: str, value: Any) -> None:
    if value is None:
        message.pop(key, None)
    else:
        message[key] = value


def commands_key(scope: Json | None, language_code: str | None) -> str:
    return json.dumps([scope or {"type": "default"}, language_code or ""], sort_keys=True)
