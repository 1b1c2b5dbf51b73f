"""Turn the bytes of a text file into `str`, whatever encoding a Chinese author saved it in.

Why not just `charset_normalizer.from_bytes(data).best()`: for short Chinese text it often guesses
an exotic codec (cp949, big5 for GBK bytes, ...) and returns mojibake. So the order here is
explicit: BOMs, then NULs (BOM-less UTF-16 or binary), strict UTF-8, then GB18030 vs Big5 vs
NUL-free UTF-16 judged by how common the decoded characters are, and only then
charset-normalizer for everything else.
Binary data is refused instead of being "decoded" into garbage that would end up in the index.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from corpus.errors import UnreadableDocumentError

# Share of control characters above which decoded "text" is treated as binary junk.
MAX_CONTROL_RATIO = 0.01
# Share of characters that must look like Chinese (or, with NULs, like any text) to accept a
# BOM-less UTF-16 reading of the bytes.
MIN_UTF16_CJK_RATIO = 0.9
MIN_UTF16_PLAUSIBLE_RATIO = 0.9
# Scoring a reading looks at this many characters: enough to judge, cheap for long books.
SAMPLE_CHARS = 20_000

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # must precede UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_NEWLINES = re.compile(r"\r\n|[\r\u2028\u2029\x85]")
# Where each legacy codec keeps its commonly used characters, as (lead bytes, lowest trail byte):
# GB2312 punctuation rows and level-1 hanzi; Big5 punctuation and "frequently used" hanzi.
# Correctly decoded text lives almost entirely there; wrongly decoded bytes mostly do not.
_COMMON_AREAS: dict[str, tuple[tuple[range, int], ...]] = {
    "gb18030": ((range(0xA1, 0xA4), 0xA1), (range(0xB0, 0xD8), 0xA1)),
    "cp950": ((range(0xA1, 0xC7), 0x40),),
}
# Candidate readings of non-UTF-8 Chinese bytes, in order of preference when they score equally.
_CHINESE_CODECS = ("gb18030", "cp950", "utf-16-le", "utf-16-be")


def decode_text(data: bytes) -> str:
    """Decode a text file's bytes and normalise newlines to "\\n".

    Raises `UnreadableDocumentError` for binary or undecodable data.
    """
    if not data:
        return ""
    text = _decode(data)
    _reject_control_characters(text)
    return _NEWLINES.sub("\n", text)


def _decode(data: bytes) -> str:
    """Pick the decoding, in order of how reliable each signal is."""
    bom_text = _decode_by_bom(data)
    if bom_text is not None:
        return bom_text
    if b"\x00" in data:
        utf16 = _decode_utf16_with_nuls(data)
        if utf16 is None:
            raise _unreadable("文件含有二进制内容，不是文本文件。")
        return utf16
    for attempt in (_decode_utf8, _decode_chinese, _decode_guessed):
        text = attempt(data)
        if text is not None:
            return text
    raise _unreadable("无法识别文件的文字编码。")


def _decode_by_bom(data: bytes) -> str | None:
    """A BOM is the author's explicit statement of the encoding, so trust it (strictly)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as err:
                raise _unreadable(f"文件声明为 {codec.upper()} 编码，但内容已损坏。") from err
    return None


def _decode_utf8(data: bytes) -> str | None:
    """Strict UTF-8, tolerating only a multi-byte character cut off by truncation at the end.

    The cut is only forgiven when the rest already holds multi-byte UTF-8 (evidence that this is
    UTF-8 at all). Control characters disqualify it: BOM-less UTF-16 of low bytes is valid ASCII.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        truncated = err.reason == "unexpected end of data" and err.start >= len(data) - 3
        if not truncated or data[: err.start].isascii():
            return None
        text = data[: err.start].decode("utf-8")
    return None if _has_too_many_controls(text) else text


def _decode_utf16_with_nuls(data: bytes) -> str | None:
    """NUL bytes in text mean BOM-less UTF-16 (ASCII has a zero high byte); else it is binary.

    The byte order with more NULs in high-byte position is tried first; a reading is accepted
    only if it is plausible text, which random or structured binary data never is.
    """
    if len(data) % 2:
        return None
    little_first = data[1::2].count(0) >= data[0::2].count(0)
    codecs_in_order = ("utf-16-le", "utf-16-be") if little_first else ("utf-16-be", "utf-16-le")
    for codec in codecs_in_order:
        text = _strict(data, codec)
        if text is not None and _plausible_ratio(text) >= MIN_UTF16_PLAUSIBLE_RATIO:
            return text
    return None


def _decode_chinese(data: bytes) -> str | None:
    """GB18030 (superset of GBK/GB2312), Big5 or NUL-free UTF-16: the most common characters win.

    Every one of these codecs decodes many byte strings "cleanly", so cleanliness alone proves
    nothing; what tells the right reading apart is that it consists of everyday characters.
    Ties go to GB18030: the corpus is mainland material.
    """
    candidates = [
        (codec, text)
        for codec in _CHINESE_CODECS
        if (text := _strict(data, codec)) is not None
        and _looks_chinese(text, codec)
        and not _has_too_many_controls(text)
    ]
    if not candidates:
        return None
    _, text = max(candidates, key=lambda candidate: _common_char_ratio(candidate[1], candidate[0]))
    return text


def _looks_chinese(text: str, codec: str) -> bool:
    """UTF-16 must read as Chinese throughout: ASCII byte pairs also land in the CJK block."""
    if codec.startswith("utf-16"):
        return len(text) >= 2 and _cjk_ratio(text) >= MIN_UTF16_CJK_RATIO
    return any(_is_cjk(char) for char in text)


def _decode_guessed(data: bytes) -> str | None:
    """Last resort for non-Chinese legacy encodings (cp1252, Shift_JIS, ...)."""
    match = from_bytes(data).best()
    return None if match is None else str(match)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _is_cjk(char: str) -> bool:
    """Hanzi, CJK punctuation or full-width forms: what Chinese prose is made of."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or 0x2010 <= code <= 0x2027  # dashes, curly quotes, ellipsis
    )


def _cjk_ratio(text: str) -> float:
    """Share of CJK characters among the non-whitespace characters."""
    chars = [char for char in text[:SAMPLE_CHARS] if not char.isspace()]
    if not chars:
        return 0.0
    return sum(_is_cjk(char) for char in chars) / len(chars)


def _plausible_ratio(text: str) -> float:
    """Share of characters that ordinary text is made of: ASCII, Latin letters, CJK."""
    sample = text[:SAMPLE_CHARS]
    if not sample:
        return 0.0
    plausible = sum(
        (" " <= char <= "~") or char in "\t\n\r" or 0xA0 <= ord(char) <= 0x24F or _is_cjk(char)
        for char in sample
    )
    return plausible / len(sample)


def _common_char_ratio(text: str, codec: str) -> float:
    """Share of visible characters that are everyday Chinese characters in `codec`.

    ASCII counts against a reading: wrong readings of UTF-16 scatter stray Latin letters.
    A UTF-16 reading has no legacy byte layout, so it counts what is common in either codec.
    """
    areas = ("gb18030", "cp950") if codec.startswith("utf-16") else (codec,)
    visible = [char for char in text[:SAMPLE_CHARS] if not char.isspace()]
    if not visible:
        return 0.0
    common = sum(any(_is_common(char, area) for area in areas) for char in visible)
    return common / len(visible)


def _is_common(char: str, codec: str) -> bool:
    if char.isascii():
        return False
    try:
        encoded = char.encode(codec)
    except UnicodeEncodeError:
        return False
    if len(encoded) != 2:
        return False
    lead, trail = encoded
    return any(lead in leads and trail >= lowest for leads, lowest in _COMMON_AREAS[codec])


def _reject_control_characters(text: str) -> None:
    """Binary data sometimes decodes "cleanly"; its control characters give it away."""
    if _has_too_many_controls(text):
        raise _unreadable("文件含有大量控制字符，可能是二进制文件而不是文本。")


def _has_too_many_controls(text: str) -> bool:
    controls = sum(1 for char in text if char not in _ALLOWED_CONTROLS and unicodedata.category(char) == "Cc")
    return controls > MAX_CONTROL_RATIO * len(text)


def _unreadable(message: str) -> Exception:
    return UnreadableDocumentError(message)
