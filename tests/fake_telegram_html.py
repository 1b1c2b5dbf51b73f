"""Telegram's text rules for the fake Bot API: HTML parse mode, automatic entities, trimming.

The HTML parser is a line-by-line port of tdlib's ``parse_html`` (td/telegram/MessageEntity.cpp,
which the Bot API server runs), so a bot that builds bad markup gets the very error text and
UTF-8 byte offset it would get in production instead of a fake's opinion of HTML.
Entity offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Entity = dict[str, Any]

_TAGS = frozenset("a b strong i em s strike del u ins tg-spoiler tg-emoji span pre code blockquote".split())
_SIMPLE_TAGS = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
}
_SPACE = frozenset(b" \t\r\n\0\v")  # tdlib's is_space(), NUL included: it ends every scan
_QUOTES = frozenset(b"'\"")
_PRIORITY = {  # tdlib MessageEntity::get_type_priority, used to order entities at one offset
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
    "code": 20,
    "pre": 11,
    "text_link": 49,
    "text_mention": 49,
    "blockquote": 0,
    "expandable_blockquote": 0,
}
# Automatic entities may not overlap these (tdlib keeps them, drops the found one).
_EXCLUSIVE = frozenset(
    {
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "url",
        "mention",
        "bot_command",
        "hashtag",
        "email",
    }
)
_TRIM = " \t\r\n"
_LINK_SCHEMES = frozenset({"http", "https", "tg", "ton", "tonsite"})

UserLookup = Callable[[int], "dict[str, Any] | None"]


class EntityParseError(ValueError):
    """tdlib's reason; the API reports it as "Bad Request: can't parse entities: <reason>"."""


class TextError(ValueError):
    """A complete Bot API description (without the "Bad Request: " prefix)."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of every entity offset."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def entity_text(text: str, entity: Entity) -> str:
    """The slice of ``text`` an entity covers (offsets are UTF-16, Python indexes are not)."""
    raw = text.encode("utf-16-le", "surrogatepass")
    start, end = 2 * entity["offset"], 2 * (entity["offset"] + entity["length"])
    return raw[start:end].decode("utf-16-le", "surrogatepass")


def sort_entities(entities: list[Entity]) -> list[Entity]:
    """tdlib order: by offset, longer first, then by type priority."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"], _PRIORITY.get(e["type"], 50)))


@dataclass
class _Open:
    tag: str
    argument: str
    utf16_offset: int
    byte_offset: int  # position in the output, for <a> without href


class _HtmlParser:
    """One parse of one string; attribute names mirror tdlib's locals for easy comparison."""

    def __init__(self, source: str, lookup_user: UserLookup | None) -> None:
        self.size = len(source.encode("utf-8", "surrogatepass"))
        self.text = source.encode("utf-8", "surrogatepass") + b"\0"
        self.out = bytearray()
        self.utf16 = 0
        self.entities: list[Entity] = []
        self.stack: list[_Open] = []
        self.lookup_user = lookup_user

    def at(self, i: int) -> int:
        return self.text[i] if i < len(self.text) else 0

    def parse(self) -> tuple[str, list[Entity]]:
        i = 0
        while i < self.size:
            c = self.text[i]
            if c == ord("&"):
                code, end = self.decode_entity(i)
                if code:
                    self.utf16 += 1 + (code > 0xFFFF)
                    self.out += chr(code).encode("utf-8", "surrogatepass")
                    i = end
                    continue
            if c != ord("<"):
                if c & 0xC0 != 0x80:  # first byte of a UTF-8 sequence
                    self.utf16 += 1 + (c >= 0xF0)
                self.out.append(c)
                i += 1
                continue
            i = self.end_tag(i) if self.at(i + 1) == ord("/") else self.start_tag(i)
        if self.stack:
            tag = self.stack[-1].tag
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        try:
            text = self.out.decode("utf-8")
        except UnicodeDecodeError:
            raise EntityParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            ) from None
        return text, sort_entities(self.entities)

    def decode_entity(self, pos: int) -> tuple[int, int]:
        """(code point, index after the entity), or (0, pos) for text tdlib leaves literal."""
        end = pos + 1
        code = 0
        if self.at(pos + 1) == ord("#"):
            end += 1
            hexadecimal = self.at(pos + 2) == ord("x")
            end += hexadecimal
            digits = b"0123456789abcdefABCDEF" if hexadecimal else b"0123456789"
            while self.at(end) and self.at(end) in digits:
                code = code * (16 if hexadecimal else 10) + int(chr(self.at(end)), 16)
                end += 1
            if code == 0 or code >= 0x10FFFF or end - pos >= 10:
                return 0, pos
        else:
            while chr(self.at(end)).isascii() and chr(self.at(end)).isalpha():
                end += 1
            name = self.text[pos + 1 : end]
            code = {b"lt": 60, b"gt": 62, b"amp": 38, b"quot": 34}.get(bytes(name), 0)
            if not code:
                return 0, pos
        return code, end + 1 if self.at(end) == ord(";") else end

    def start_tag(self, begin: int) -> int:
        at, i = self.at, begin + 1
        while at(i) not in _SPACE and at(i) != ord(">"):
            i += 1
        if at(i) == 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        tag = self.text[begin + 1 : i].lower().decode("utf-8", "replace")
        if tag not in _TAGS:
            raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
        argument = ""
        while at(i) != ord(">"):
            while at(i) != 0 and at(i) in _SPACE:
                i += 1
            if at(i) == ord(">"):
                break
            name_begin = i
            while at(i) not in _SPACE and at(i) not in b"=>/\"'":
                i += 1
            name = bytes(self.text[name_begin:i])
            if not name:
                raise EntityParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
            while at(i) != 0 and at(i) in _SPACE:
                i += 1
            if at(i) != ord("="):
                if at(i) == 0:
                    raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                if tag == "blockquote" and name == b"expandable":
                    argument = "1"
                continue
            i += 1
            while at(i) != 0 and at(i) in _SPACE:
                i += 1
            if at(i) == 0:
                raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
            value, i = self.attribute_value(i)
            if at(i) == 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
            argument = _tag_argument(tag, name, value, argument)
        if tag == "span" and argument != "spoiler":
            raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.stack.append(_Open(tag, argument, self.utf16, len(self.out)))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        at = self.at
        if at(i) not in _QUOTES:  # an unquoted name token: letters, digits, '.', '-'
            begin = i
            while chr(at(i)).isascii() and (chr(at(i)).isalnum() or at(i) in b".-"):
                i += 1
            if at(i) not in _SPACE and at(i) != ord(">"):
                raise EntityParseError(f"Unexpected end of name token at byte offset {begin}")
            return self.text[begin:i].lower().decode(), i
        quote, i = at(i), i + 1
        value = bytearray()
        while at(i) != quote and at(i) != 0:
            if at(i) == ord("&"):
                code, end = self.decode_entity(i)
                if code:
                    value += chr(code).encode("utf-8", "surrogatepass")
                    i = end
                    continue
            value.append(at(i))
            i += 1
        if at(i) == quote:
            i += 1
        return value.decode("utf-8", "replace"), i

    def end_tag(self, begin: int) -> int:
        at, i = self.at, begin + 1
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        while at(i) not in _SPACE and at(i) != ord(">"):
            i += 1
        name = self.text[begin + 2 : i].lower().decode("utf-8", "replace")
        while at(i) in _SPACE and at(i) != 0:
            i += 1
        if at(i) != ord(">"):
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        opened = self.stack[-1]
        if name and name != opened.tag:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{opened.tag}>", found "</{name}>"'
            )
        if self.utf16 > opened.utf16_offset:
            self.close_entity(opened)
        self.stack.pop()
        return i + 1

    def close_entity(self, opened: _Open) -> None:
        offset, length = opened.utf16_offset, self.utf16 - opened.utf16_offset
        tag, argument, entities = opened.tag, opened.argument, self.entities
        last = entities[-1] if entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
        if tag in _SIMPLE_TAGS or tag == "span":
            entities.append(_entity(_SIMPLE_TAGS.get(tag, "spoiler"), offset, length))
        elif tag == "tg-emoji":
            if not argument.isdigit() or int(argument) == 0 or int(argument) >= 2**63:
                raise EntityParseError("Invalid custom emoji identifier specified")
            entities.append(_entity("custom_emoji", offset, length, custom_emoji_id=argument))
        elif tag == "a":
            url = argument or self.out[opened.byte_offset :].decode("utf-8", "replace")
            entity = _link_entity(url, offset, length, self.lookup_user)
            if entity:
                entities.append(entity)
        elif tag == "pre":
            if same_span and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
            else:
                entities.append(_entity("pre", offset, length))
        elif tag == "code":
            if same_span and last["type"] == "pre" and argument:
                last["language"] = argument
            else:
                entities.append(_entity("code", offset, length, language=argument or None))
        else:  # blockquote
            kind = "expandable_blockquote" if argument else "blockquote"
            entities.append(_entity(kind, offset, length))


def _tag_argument(tag: str, name: bytes, value: str, current: str) -> str:
    if tag == "a" and name == b"href":
        return value
    if tag == "code" and name == b"class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == b"class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and name == b"emoji-id":
        return value
    if tag == "blockquote" and name == b"expandable":
        return "1"
    return current


def _entity(kind: str, offset: int, length: int, **extra: Any) -> Entity:
    return {"offset": offset, "length": length, "type": kind} | {
        k: v for k, v in extra.items() if v is not None
    }


def _link_entity(url: str, offset: int, length: int, lookup: UserLookup | None) -> Entity | None:
    """text_mention for tg://user?id= of a known user, text_link for a valid URL, else nothing."""
    match = re.fullmatch(r"tg://user\?id=(\d+)", url.strip())
    user = lookup(int(match.group(1))) if match and lookup else None
    if user:
        return _entity("text_mention", offset, length, user=user)
    checked = checked_link(url)
    return _entity("text_link", offset, length, url=checked) if checked else None


def checked_link(url: str) -> str | None:
    """Roughly LinkManager::get_checked_link: add http://, keep known schemes, '/' for bare hosts.

    Invalid links make tdlib drop the entity silently rather than fail the request.
    """
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        return None
    scheme_match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    if not scheme_match or scheme_match.group(1).lower() not in _LINK_SCHEMES:
        if "://" in url:
            return None
        url, scheme = "http://" + url, "http"
    else:
        scheme = scheme_match.group(1).lower()
    if scheme not in ("http", "https"):
        return url
    host_match = re.match(r"https?://([^/?#]+)(.*)", url, re.IGNORECASE)
    if not host_match or not re.fullmatch(r"[\w.-]+(:\d+)?", host_match.group(1)):
        return None
    return url if host_match.group(2) else url + "/"


_AUTO_PATTERNS = (  # tdlib's match_* regexes, simplified
    ("bot_command", re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")),
    ("mention", re.compile(r"(?<!\w)@[A-Za-z0-9_]{2,32}(?!\w)")),
    ("hashtag", re.compile(r"(?<!\w)#(?=\w*[^\W\d_])\w{1,256}(?![\w#])")),
    ("url", re.compile(r"(?<![\w@/.])https?://[\w.-]+(?::\d+)?(?:[/?#][^\s<>\"]*)?", re.IGNORECASE)),
)


def find_entities(text: str) -> list[Entity]:
    """Entities Telegram detects by itself: /commands, @mentions, #hashtags, http(s) URLs.

    Simplified: bare domains such as ``example.com`` are not linked (tdlib checks TLD lists).
    """
    found = []
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            value = match.group().rstrip(".,;:!?)") if kind == "url" else match.group()
            offset = utf16_len(text[: match.start()])
            found.append(_entity(kind, offset, utf16_len(value)))
    return found


def _overlaps(a: Entity, b: Entity) -> bool:
    return a["offset"] < b["offset"] + b["length"] and b["offset"] < a["offset"] + a["length"]


def add_found_entities(text: str, entities: list[Entity]) -> list[Entity]:
    """Merge automatic entities into explicit ones the way tdlib keeps them apart."""
    result = list(entities)
    for entity in find_entities(text):
        if not any(_overlaps(entity, e) for e in result if e["type"] in _EXCLUSIVE):
            result.append(entity)
    return sort_entities(result)


def trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Telegram strips leading and trailing whitespace and shifts the entities to match."""
    stripped = text.strip(_TRIM)
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip(_TRIM))])
    limit = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(0, entity["offset"] - shift)
        end = min(limit, entity["offset"] + entity["length"] - shift)
        if end > start:
            result.append(entity | {"offset": start, "length": end - start})
    return stripped, result


def format_text(
    source: str,
    parse_mode: str | None,
    entities: list[Entity] | None,
    lookup_user: UserLookup | None = None,
) -> tuple[str, list[Entity]]:
    """Text and entities the way Telegram would store them for a bot's outgoing text.

    Explicit ``entities`` win over ``parse_mode`` (as in the Bot API). MarkdownV2/Markdown are
    accepted but not parsed: the fake stores the raw text (document this for bot authors).
    """
    if entities is not None and not (isinstance(entities, list) and all(_valid_entity(e) for e in entities)):
        raise TextError("can't parse entities JSON object")
    if entities:
        text, parsed = source, [dict(e) for e in entities]
    elif parse_mode and parse_mode.lower() == "html":
        try:
            text, parsed = _HtmlParser(source, lookup_user).parse()
        except EntityParseError as exc:
            raise TextError(f"can't parse entities: {exc}") from None
    elif parse_mode and parse_mode.lower() not in ("markdown", "markdownv2"):
        raise TextError("unsupported parse_mode")
    else:
        text, parsed = source, []
    text, parsed = trim(text, parsed)
    return text, add_found_entities(text, parsed)


def _valid_entity(entity: object) -> bool:
    return (
        isinstance(entity, dict)
        and isinstance(entity.get("type"), str)
        and isinstance(entity.get("offset"), int)
        and isinstance(entity.get("length"), int)
    )
