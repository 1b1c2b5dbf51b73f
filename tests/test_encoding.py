"""decode_text: every encoding a Chinese text file is realistically saved in, and binary refusal."""

from __future__ import annotations

import codecs
import random

import pytest

from corpus.encoding import decode_text
from corpus.errors import CorpusError, UnreadableDocumentError

LAW = "第一条 为了保障公民宗教信仰自由，维护宗教和睦与社会和谐，制定本条例。\n第二条 公民有宗教信仰自由。"
SPEECH = "同志们：今天，我们举行县委理论学习中心组2023年第二季度集中学习会议。"


@pytest.mark.parametrize(
    "data",
    [
        LAW.encode("utf-8"),
        codecs.BOM_UTF8 + LAW.encode("utf-8"),
        LAW.encode("gbk"),
        LAW.encode("gb18030"),
        LAW.encode("gb2312"),
        LAW.encode("utf-16"),  # with BOM, platform byte order
        codecs.BOM_UTF16_LE + LAW.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + LAW.encode("utf-16-be"),
        LAW.encode("utf-16-le"),  # BOM-less: detected from the NUL bytes of ASCII characters
        LAW.encode("utf-16-be"),
        LAW.encode("utf-32"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "gbk",
        "gb18030",
        "gb2312",
        "utf16",
        "utf16le-bom",
        "utf16be-bom",
        "utf16le-nobom",
        "utf16be-nobom",
        "utf32",
    ],  # fmt: skip
)
def test_decodes_common_encodings(data: bytes) -> None:
    assert decode_text(data) == LAW


def test_bom_is_not_part_of_the_text() -> None:
    assert decode_text(codecs.BOM_UTF8 + "同志们".encode()) == "同志们"


def test_gb18030_only_characters() -> None:
    text = "生僻字𠮷与欧元符号€的法规"  # 𠮷 needs GB18030's four-byte form
    assert decode_text(text.encode("gb18030")) == text


@pytest.mark.parametrize("text", ["中华人民共和国", "民族团结进步促进法", "中文", "宪法"])
def test_short_gbk_is_not_misread_as_an_exotic_codec(text: str) -> None:
    # charset-normalizer alone reads these bytes as cp949 (Korean) or big5.
    assert decode_text(text.encode("gbk")) == text


@pytest.mark.parametrize("text", ["國家通用語言文字法", "台灣", "我們的國家與民族政策"])
def test_big5(text: str) -> None:
    assert decode_text(text.encode("big5")) == text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_bom_less_utf16_of_pure_chinese(codec: str) -> None:
    # No ASCII, so no NUL bytes: recognised because it reads as everyday Chinese.
    text = "中华人民共和国民族区域自治法"
    assert decode_text(text.encode(codec)) == text


def test_newlines_are_normalised() -> None:
    assert decode_text("甲\r\n乙\r丙\n丁".encode("gbk")) == "甲\n乙\n丙\n丁"


def test_utf8_cut_inside_the_last_character_keeps_the_rest() -> None:
    data = SPEECH.encode("utf-8")[:-2]
    assert decode_text(data) == SPEECH[:-1]


def test_long_texts_in_every_encoding_round_trip() -> None:
    """Random 20-character windows of real text survive every encoding."""
    rng = random.Random(7)
    source = LAW + SPEECH
    for _ in range(50):
        start = rng.randrange(len(source) - 20)
        text = source[start : start + 20]
        for codec in ("utf-8", "gb18030", "utf-16-le", "utf-16-be"):
            assert decode_text(text.encode(codec)) == text, (codec, text)


def test_empty_bytes_decode_to_empty_text() -> None:
    assert decode_text(b"") == ""


@pytest.mark.parametrize(
    "data",
    [
        random.Random(1).randbytes(4000),
        bytes(range(256)) * 8,
        b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100,  # zip header
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\x01\x02\x03\x04 hello \x05\x06\x07" * 20,  # control characters, no NULs
        "正文".encode() + b"\x00\x00\x00\x01" + "正文".encode(),  # NUL inside UTF-8
    ],
    ids=["random", "all-bytes", "zip", "png", "controls", "nul-in-utf8"],
)
def test_binary_data_is_refused(data: bytes) -> None:
    with pytest.raises(UnreadableDocumentError) as excinfo:
        decode_text(data)
    assert isinstance(excinfo.value, CorpusError)
    assert "文件" in str(excinfo.value)  # Chinese message for users


def test_corrupt_data_after_a_bom_is_refused() -> None:
    with pytest.raises(UnreadableDocumentError):
        decode_text(codecs.BOM_UTF8 + b"\xff\xfe\xfa bad")
