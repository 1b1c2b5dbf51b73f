"""Loaders on real formats: files are generated in tmp_path (docx via python-docx, PDF by hand)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from corpus.errors import CorpusError, EmptyDocumentError, UnreadableDocumentError, UnsupportedFormatError
from corpus.loaders import SUPPORTED_SUFFIXES, is_study_material, load_bytes, load_corpus_dir, load_document
from corpus.model import Document
from corpus.passage_file import load_passages_jsonl

BUNDLED = Path(__file__).resolve().parent.parent / "corpus" / "texts"
POLICIES = BUNDLED / "policies"
SPEECH = BUNDLED / "speech" / "县委理论学习中心组2023年第二季度集中学习会议主持讲话.txt"

LAW_MD = """# 中华人民共和国国歌法

2017年9月1日 第十二届全国人民代表大会常务委员会第二十九次会议通过

<!-- INFO END -->

## 第一章 总则

第一条 为了维护国歌的尊严，制定本法。

<!-- FORCE BREAK -->

第二条 中华人民共和国国歌是《义勇军进行曲》。
"""


# --- fixtures built in the test ---------------------------------------------------------------


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A minimal PDF whose text uses Adobe's STSong-Light CID font (UniGB-UCS2-H encoding).

    The font is one of the standard CJK fonts every reader knows, so no font file is embedded;
    each line is one `Tj` of UTF-16BE codes, which pypdf maps back to Unicode.
    """
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
        b" /DescendantFonts [4 0 R] >>",
        4: b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo"
        b" << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R >>",
        5: b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 80 >>",
    }
    kids = []
    for index, lines in enumerate(pages):
        page_id, content_id = 6 + 2 * index, 7 + 2 * index
        kids.append(f"{page_id} 0 R")
        shows = "".join(f"<{line.encode('utf-16-be').hex()}> Tj T*\n" for line in lines)
        stream = f"BT /F1 12 Tf 14 TL 72 770 Td\n{shows}ET".encode()
        objects[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content_id} 0 R"
            " /Resources << /Font << /F1 3 0 R >> >> >>"
        ).encode()
        objects[content_id] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    info = ""
    if title is not None:
        info_id = max(objects) + 1
        objects[info_id] = b"<< /Title <feff%s> >>" % title.encode("utf-16-be").hex().encode()
        info = f" /Info {info_id} 0 R"
    return _serialise_pdf(objects, info)


def _serialise_pdf(objects: dict[int, bytes], info: str) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, objects[number]))
    xref = out.tell()
    size = max(objects) + 1
    out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{offsets[n]:010d} 00000 n \n" for n in range(1, size)).encode())
    out.write(f"trailer\n<< /Size {size} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


PDF_PAGES = [
    [
        "中华人民共和国民族区域自治法",
        "第一章 总则",
        "第一条 中华人民共和国民族区域自治法，根据中华人民共",
        "和国宪法制定。",
        "1",
    ],
    [
        "第二条 各少数民族聚居的地方实行区域自治。民族自治地",
        "方分为自治区、自治州、自治县。",
        "- 2 -",
    ],
]


def make_docx(core_title: str = "") -> bytes:
    document = docx.Document()
    document.core_properties.title = core_title
    document.add_heading("民族团结学习材料", level=1)
    document.add_paragraph("第一部分 总体要求")
    document.add_paragraph("各级党委要高度重视民族团结进步工作。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "学习安排表"
    table.cell(1, 0).text = "第一周"
    table.cell(1, 1).text = "学习宪法序言。"
    document.add_paragraph("结束语：持之以恒。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>关于开展民族团结进步创建工作的通知 - 某某县人民政府网</title>
<style>p { color: red; }</style><script>var tracker = "统计代码";</script></head>
<body>
<nav><a href="/">首页</a><a href="/news">新闻中心</a></nav>
<h1>关于开展民族团结进步创建工作的通知</h1>
<!-- 编辑：某某 -->
<div class="article">
  <p>　　一、总体要求</p>
  <p>坚持以铸牢中华民族共同体意识为主线，
  全面深入持久开展创建工作。</p>
  <p>二、<b>主要</b>任务<br>（一）加强宣传教育。</p>
  <table><tr><td>责任单位</td><td>县民宗局</td></tr></table>
</div>
<script>document.write("广告");</script>
<footer>版权所有：某某县人民政府 备案号：12345</footer>
</body></html>
"""


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --- plain text -------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le"])
def test_txt_in_any_encoding(tmp_path: Path, codec: str) -> None:
    text = "同志们：\r\n\r\n　　今天我们召开学习会议。  \r\n会议结束。"
    document = load_document(write(tmp_path, "讲话.txt", text.encode(codec)))
    assert document.text == "同志们：\n今天我们召开学习会议。\n会议结束。"
    assert (document.doc_id, document.title, document.source) == ("讲话", "讲话", "讲话.txt")
    assert document.preamble == ""


def test_real_speech_loses_its_boilerplate() -> None:
    document = load_document(SPEECH)
    assert document.text.startswith("同志们")
    assert "小编" not in document.text
    assert document.title == SPEECH.stem
    assert document.text.endswith("坚决成功创建全国民族团结进步示范县!")
    assert all(line == line.strip() and line for line in document.text.split("\n"))


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_law(tmp_path: Path) -> None:
    document = load_document(write(tmp_path, "国歌法(2017-09-01).md", LAW_MD))
    assert document.doc_id == "国歌法(2017-09-01)"
    assert document.title == "中华人民共和国国歌法"
    assert document.preamble == "2017年9月1日 第十二届全国人民代表大会常务委员会第二十九次会议通过"
    # The note stays at the top of the text, so that it can be cited like the articles.
    assert document.text == (
        f"{document.preamble}\n"
        "第一章 总则\n第一条 为了维护国歌的尊严，制定本法。\n第二条 中华人民共和国国歌是《义勇军进行曲》。"
    )
    assert document.meta["format"] == "md"


def _sources_titles() -> dict[str, str]:
    with (POLICIES / "SOURCES.tsv").open(encoding="utf-8") as handle:
        return {row["file"]: row["title"] for row in csv.DictReader(handle, delimiter="\t")}


def test_all_real_policies_load_cleanly() -> None:
    titles = _sources_titles()
    report = load_corpus_dir(POLICIES)
    assert report.skipped == []
    assert len(report.documents) == 31 == len(titles)
    for document in report.documents:
        assert document.title == titles[document.source]
        assert document.doc_id == Path(document.source).stem
        assert "#" not in document.text and "<!--" not in document.text
        assert "<!--" not in document.preamble and "INFO END" not in document.preamble
        assert document.preamble, document.source
        assert all(line == line.strip() and line for line in document.text.split("\n"))
        assert "第一条" in document.text or "第三十二条" in document.text  # the amendment


def test_real_constitution_keeps_its_preamble_and_structure() -> None:
    document = load_document(POLICIES / "宪法.md")
    lines = document.text.split("\n")
    assert lines[len(document.preamble.split("\n"))] == "序言"
    assert "第一章 总纲" in lines
    assert "FORCE BREAK" not in document.text
    assert document.preamble.split("\n")[0] == "1982年12月4日 第五届全国人民代表大会第五次会议通过"


def test_preamble_does_not_repeat_a_wrapped_title() -> None:
    document = load_document(POLICIES / "地方各级人民代表大会和地方各级人民政府组织法(2022-03-11).md")
    assert document.preamble.startswith("1979年7月1日")


# --- DOCX -------------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_order() -> None:
    document = load_bytes(make_docx(), "学习材料.docx")
    assert document.text.split("\n") == [
        "民族团结学习材料",
        "第一部分 总体要求",
        "各级党委要高度重视民族团结进步工作。",
        "学习安排表",  # merged cell appears once
        "第一周",
        "学习宪法序言。",
        "结束语：持之以恒。",
    ]
    assert document.title == "民族团结学习材料"  # first heading: no core title set
    assert document.meta["format"] == "docx"


def test_docx_core_title_wins() -> None:
    document = load_bytes(make_docx(core_title="2024年学习计划"), "a.docx")
    assert document.title == "2024年学习计划"


def test_docx_that_is_not_a_zip(tmp_path: Path) -> None:
    path = write(tmp_path, "假文档.docx", "这其实是一个文本文件")
    with pytest.raises(UnreadableDocumentError) as excinfo:
        load_document(path)
    assert excinfo.value.path == path
    assert "Word" in excinfo.value.message


def test_legacy_doc_renamed_to_docx_gets_a_hint() -> None:
    with pytest.raises(UnreadableDocumentError, match=r"\.doc"):
        load_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "旧文档.docx")


def test_corrupt_docx_zip() -> None:
    data = make_docx()
    with pytest.raises(UnreadableDocumentError):
        load_bytes(data[: len(data) // 2], "损坏.docx")


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_with_chinese_text() -> None:
    document = load_bytes(make_pdf(PDF_PAGES, title="民族区域自治法"), "自治法.pdf")
    assert document.title == "民族区域自治法"
    assert document.text.split("\n") == [
        "中华人民共和国民族区域自治法",
        "第一章 总则",
        "第一条 中华人民共和国民族区域自治法，根据中华人民共和国宪法制定。",
        "第二条 各少数民族聚居的地方实行区域自治。民族自治地方分为自治区、自治州、自治县。",
    ]
    assert document.meta == {"format": "pdf", "pages": "2"}


@pytest.mark.parametrize("junk_title", [None, "Microsoft Word - 草稿.doc", "untitled", "x"])
def test_pdf_without_a_meaningful_title_uses_the_file_name(junk_title: str | None) -> None:
    assert load_bytes(make_pdf(PDF_PAGES, title=junk_title), "自治法.pdf").title == "自治法"


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_truncated_pdf(cut: float) -> None:
    data = make_pdf(PDF_PAGES)
    with pytest.raises(UnreadableDocumentError, match="不完整"):
        load_bytes(data[: int(len(data) * cut)], "截断.pdf")


def test_text_file_named_pdf() -> None:
    with pytest.raises(UnreadableDocumentError, match="不是 PDF"):
        load_bytes("第一条 正文。".encode(), "伪装.pdf")


def test_damaged_pdf_body() -> None:
    data = make_pdf(PDF_PAGES).replace(b"/Type /Catalog", b"/Type /Garbage").replace(b"xref", b"xxxx")
    with pytest.raises(UnreadableDocumentError, match="损坏"):
        load_bytes(data, "损坏.pdf")


def _encrypted(pdf: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_password_protected_pdf() -> None:
    with pytest.raises(UnreadableDocumentError, match="加密"):
        load_bytes(_encrypted(make_pdf(PDF_PAGES), "secret"), "加密.pdf")


def test_pdf_with_owner_password_only_still_loads() -> None:
    document = load_bytes(_encrypted(make_pdf(PDF_PAGES), ""), "限制编辑.pdf")
    assert document.text.startswith("中华人民共和国民族区域自治法\n第一章 总则")


def test_pdf_without_text_is_empty() -> None:
    with pytest.raises(EmptyDocumentError, match="扫描件"):
        load_bytes(make_pdf([[], []]), "扫描件.pdf")


# --- HTML -------------------------------------------------------------------------------------


def test_html_drops_script_style_nav_footer_and_comments() -> None:
    document = load_bytes(HTML.encode("utf-8"), "notice.html")
    assert document.title == "关于开展民族团结进步创建工作的通知"  # site suffix removed
    assert document.text.split("\n") == [
        "关于开展民族团结进步创建工作的通知",
        "一、总体要求",
        "坚持以铸牢中华民族共同体意识为主线，全面深入持久开展创建工作。",
        "二、主要任务",
        "（一）加强宣传教育。",
        "责任单位",
        "县民宗局",
    ]
    for noise in ("统计代码", "广告", "首页", "版权所有", "编辑", "color", "<"):
        assert noise not in document.text


def test_html_declared_gbk_charset() -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
    page += "<body><p>第一条 本办法自发布之日起施行。</p></body></html>"
    document = load_bytes(page.encode("gb18030"), "办法.htm")
    assert document.text == "第一条 本办法自发布之日起施行。"
    assert document.title == "办法"


# --- errors and file names --------------------------------------------------------------------


def test_binary_junk_named_txt(tmp_path: Path) -> None:
    path = write(tmp_path, "junk.txt", bytes(range(256)) * 16)
    with pytest.raises(UnreadableDocumentError) as excinfo:
        load_document(path)
    assert excinfo.value.path == path
    assert "junk.txt" in str(excinfo.value)


@pytest.mark.parametrize("name", ["空.txt", "空.md", "空.html", "空.docx", "空.pdf"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    with pytest.raises((EmptyDocumentError, UnreadableDocumentError)):
        load_document(write(tmp_path, name, b""))


@pytest.mark.parametrize("content", ["", "   \n\n\u3000\n", "下面是小编为大家整理的材料，供大家参考。\n"])
def test_text_without_content_is_empty(content: str) -> None:
    with pytest.raises(EmptyDocumentError):
        load_bytes(content.encode(), "空白.txt")


def test_unsupported_suffix(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormatError, match="不支持") as excinfo:
        load_bytes(b"data", "表格.xlsx")
    assert excinfo.value.path == "表格.xlsx"
    with pytest.raises(UnsupportedFormatError):
        load_document(tmp_path / "does-not-exist.exe")  # refused before reading


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocumentError):
        load_document(tmp_path / "不存在.txt")


def test_error_hierarchy() -> None:
    for error in (UnsupportedFormatError, UnreadableDocumentError, EmptyDocumentError):
        assert issubclass(error, CorpusError)


def test_uploaded_file_name_only_gives_suffix_and_title() -> None:
    document = load_bytes("正文。".encode(), "../../etc/学习笔记.TXT")
    assert (document.doc_id, document.title, document.source) == ("学习笔记", "学习笔记", "学习笔记.TXT")
    windows = load_bytes("正文。".encode(), "C:\\Users\\me\\讲话稿.txt")
    assert windows.source == "讲话稿.txt"


def test_explicit_title_wins() -> None:
    assert load_bytes(LAW_MD.encode(), "a.md", title="  国歌法  ").title == "国歌法"


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".docx", ".pdf", ".html", ".htm")


# --- corpus folder ----------------------------------------------------------------------------


def test_load_corpus_dir(tmp_path: Path) -> None:
    write(tmp_path, "b/讲话.txt", "同志们：\n正文。")
    write(tmp_path, "a/讲话.md", LAW_MD)
    write(tmp_path, "a/讲话.txt", "第二篇讲话。")
    write(tmp_path, "c/材料.docx", make_docx())
    write(tmp_path, "c/文件.pdf", make_pdf(PDF_PAGES))
    write(tmp_path, "c/通知.html", HTML)
    write(tmp_path, "坏/截断.pdf", make_pdf(PDF_PAGES)[:300])
    write(tmp_path, "坏/空.txt", "")
    for ignored in (".hidden.txt", ".git/x.txt", "SOURCES.tsv", "README.md", "LICENSE", "notes.xyz"):
        write(tmp_path, ignored, "忽略。")

    report = load_corpus_dir(tmp_path)

    # Sorted by relative path (code points: 文 U+6587 < 材 U+6750 < 通 U+901A).
    sources = ["讲话.md", "讲话.txt", "讲话.txt", "文件.pdf", "材料.docx", "通知.html"]
    assert [d.source for d in report.documents] == sources
    assert [d.doc_id for d in report.documents] == ["讲话", "讲话-2", "讲话-3", "文件", "材料", "通知"]
    assert report.documents[2].text == "同志们：\n正文。"  # b/ sorts after a/
    skipped = [s.path.relative_to(tmp_path).as_posix() for s in report.skipped]
    assert skipped == ["坏/截断.pdf", "坏/空.txt"]
    assert all(s.reason and "/" not in s.reason for s in report.skipped)
    assert all(isinstance(d, Document) for d in report.documents)


def test_load_corpus_dir_of_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError):
        load_corpus_dir(tmp_path / "nope")


# --- jsonl passages ---------------------------------------------------------------------------


def _jsonl(tmp_path: Path, *lines: object) -> Path:
    body = "\n".join(
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines
    )
    return write(tmp_path, "passages.jsonl", body)


def test_load_passages_jsonl(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path,
        {"id": "xf/第1条#a", "title": "宪法", "text": "中华人民共和国是工人阶级领导的社会主义国家。"},
        "",
        {"id": 7, "title": "国歌法", "text": "国歌是《义勇军进行曲》。"},
        {"id": "empty", "title": "国歌法", "text": "  "},
    )
    passages = load_passages_jsonl(path)
    assert [p.passage_id for p in passages] == ["xf/第1条#a", "7"]
    first = passages[0]
    assert (first.doc_id, first.doc_title, first.section, first.location) == ("宪法", "宪法", "", "")
    assert (first.start, first.end) == (0, len(first.text))


def test_jsonl_without_passages(tmp_path: Path) -> None:
    with pytest.raises(EmptyDocumentError):
        load_passages_jsonl(_jsonl(tmp_path, "", {"id": "a", "title": "t", "text": ""}))


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("policies/国歌法.md", True),
        ("讲话.docx", True),
        ("SOURCES.tsv", False),
        ("sources.txt", False),
        ("README.md", False),
        ("readme-first.txt", False),
        ("LICENSE.txt", False),
        ("licence.md", False),
        (".hidden/讲话.txt", False),
        (".讲话.txt", False),
        ("讲话.doc", False),
        ("说明readme.txt", True),
    ],
)
def test_one_rule_decides_what_is_study_material(name: str, read: bool) -> None:
    assert is_study_material(Path(name)) is read
