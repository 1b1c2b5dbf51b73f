"""Structure-aware chunking on the real bundled texts and on small made-up ones."""

from __future__ import annotations

import re

import pytest

from corpus.bundled import BUNDLED_DIR
from corpus.chunking import MAX_CHARS, chunk_document, split_sentences, spoken_sentences
from corpus.loaders import load_corpus_dir, load_document
from corpus.model import Document

SPEECH = BUNDLED_DIR / "speech" / "县委理论学习中心组2023年第二季度集中学习会议主持讲话.txt"
SENTENCE_END = re.compile(r"[。！？；!?;][”’」』）)\]]*$")


@pytest.fixture(scope="module")
def bundled() -> list[Document]:
    report = load_corpus_dir(BUNDLED_DIR)
    assert not report.skipped
    return report.documents


def test_passages_reassemble_every_bundled_document(bundled: list[Document]) -> None:
    """No text is dropped: passages plus the whitespace between them give the cleaned text."""
    for doc in bundled:
        passages = chunk_document(doc)
        rebuilt, previous_end = [], 0
        for p in passages:
            gap = doc.text[previous_end : p.start]
            assert gap.strip() == "" or _only_headings(gap), (doc.doc_id, gap)
            assert doc.text[p.start : p.end] == p.text
            rebuilt.append(gap + p.text)
            previous_end = p.end
        rebuilt.append(doc.text[previous_end:])
        assert "".join(rebuilt) == doc.text


def _only_headings(gap: str) -> bool:
    return all(
        re.match(r"^(第.+[编章节]|序言|前言)", line.strip()) for line in gap.split("\n") if line.strip()
    )


def test_speech_follows_its_numbered_parts() -> None:
    passages = chunk_document(load_document(SPEECH))
    locations = [p.location for p in passages]
    assert locations[0].startswith("引言 第1")
    for part in ("第一部分", "第二部分", "第三部分", "第四部分"):
        assert any(loc.startswith(part) for loc in locations)
    assert locations[-1] == "结束语 第1段"
    brand = next(p for p in passages if "世界菌乡、你我共享" in p.text)
    assert brand.location.startswith("第三部分 第1段")
    assert brand.section.startswith("三、要坚持守正创新")
    assert all("小编" not in p.text for p in passages)


def test_long_paragraphs_split_only_at_sentence_ends() -> None:
    passages = chunk_document(load_document(SPEECH))
    split = [p for p in passages if "句" in p.location]
    assert split, "the speech has paragraphs longer than one passage"
    for p in split:
        assert SENTENCE_END.search(p.text.rstrip()), p.text[-20:]
        assert len(p.text) <= MAX_CHARS or len(split_sentences(p.text)) == 1


def test_law_articles_are_passages_with_chapter_locations() -> None:
    doc = load_document(BUNDLED_DIR / "policies" / "民族区域自治法(2001-02-28).md")
    passages = chunk_document(doc)
    article = next(p for p in passages if p.text.startswith("第十五条"))
    assert article.location == "第二章 第十五条"
    assert article.section.startswith("第二章 民族自治地方的建立和自治机关的组成")
    assert passages[0].location == "题注"
    assert any(p.location.startswith("序言 第") for p in passages)
    second = next(p for p in passages if p.text.startswith("第二条"))
    assert "民族自治地方分为自治区、自治州、自治县。" in second.text  # its further 款 stay with it


def test_sections_inside_chapters_are_named() -> None:
    doc = load_document(BUNDLED_DIR / "policies" / "宪法.md")
    passages = chunk_document(doc)
    article = next(p for p in passages if p.text.startswith("第五十七条"))
    assert article.location == "第三章 第一节 第五十七条"


def test_ids_are_stable_and_unique(bundled: list[Document]) -> None:
    first = [p.passage_id for doc in bundled for p in chunk_document(doc)]
    second = [p.passage_id for doc in bundled for p in chunk_document(doc)]
    assert first == second
    assert len(set(first)) == len(first)


def test_repeated_text_gets_distinct_ids() -> None:
    doc = Document(
        "d",
        "标题",
        "同志们好。\n(——待完毕)\n第二段内容比较长，需要单独成段落才行，而且还要再长一点才不会被合并。\n(——待完毕)",
        "d.txt",
    )
    ids = [p.passage_id for p in chunk_document(doc)]
    assert len(ids) == len(set(ids))


def test_plain_text_without_structure_is_numbered_by_paragraph() -> None:
    text = "\n".join(
        f"这是第{i}段，内容足够长，用来测试没有任何编号结构的普通文本如何切分成段落，每段都超过合并的下限。"
        for i in range(1, 4)
    )
    passages = chunk_document(Document("p", "普通文本", text, "p.txt"))
    assert [p.location for p in passages] == ["正文 第1段", "正文 第2段", "正文 第3段"]


def test_spoken_sentences_leave_out_editor_s_notes() -> None:
    text = "首先,请*同志发言。\n(——待完毕)\n接下来,请*同志发言。\n（掌声）\n（一）第一项。"
    assert spoken_sentences(text) == ["首先,请*同志发言。", "接下来,请*同志发言。", "（一）第一项。"]


def test_split_sentences_keeps_every_character() -> None:
    text = "第一句。第二句！“第三句？”第四句；最后没有标点"
    assert "".join(split_sentences(text)) == text
    assert split_sentences(text)[2] == "“第三句？”"
