"""Read study texts (txt, md, docx, pdf, html) into `Document`s; the only corpus module doing I/O.

Files come from the shared corpus folder and from chat uploads, so every input is untrusted:
the file name only chooses the parser and the default title, and each failure becomes a
`CorpusError` whose Chinese message can be shown to the user as is.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from corpus.cleaning import (
    clean_lines,
    drop_page_furniture,
    join_wrapped_lines,
    split_markdown,
    strip_boilerplate,
)
from corpus.encoding import decode_text
from corpus.model import Document, Passage

if TYPE_CHECKING:  # the parsers import their libraries when used: `ask` reads no documents
    from bs4 import BeautifulSoup
    from docx.document import Document as DocxDocument
    from docx.table import Table, _Cell

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
# Provenance and repository files that live beside the texts but are not study material.
_IGNORED_NAMES = re.compile(r"^(sources\.tsv|readme.*|licen[cs]e.*)$", re.IGNORECASE)


class CorpusError(Exception):
    """A problem with one input file. `message` is Chinese because it reaches users."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        return f"“{PurePosixPath(str(self.path)).name}”：{self.message}"


class UnsupportedFormatError(CorpusError):
    """The file's suffix is not one we can read."""


class UnreadableDocumentError(CorpusError):
    """Corrupt, truncated, binary or undecodable content, or bytes that do not match the suffix."""


class EmptyDocumentError(CorpusError):
    """The file was read but contains no usable text."""


@dataclass(frozen=True)
class SkippedFile:
    """A corpus file that could not be loaded, and why (in Chinese)."""

    path: Path
    reason: str


@dataclass
class LoadReport:
    """What `load_corpus_dir` loaded and what it had to skip."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


@dataclass(frozen=True)
class _Parsed:
    """A format parser's result, before the shared clean-up."""

    lines: list[str]
    title: str = ""
    preamble: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


# --- public API -------------------------------------------------------------------------------


def load_bytes(data: bytes, filename: str, title: str | None = None) -> Document:
    """Load an uploaded file; `filename` only supplies the suffix, doc_id and default title."""
    name = _safe_name(filename)
    try:
        parser = _parser_for(name)
        return _build_document(parser(data), name, title)
    except CorpusError as err:
        if err.path is None:
            err.path = name
        raise


def load_document(path: Path, title: str | None = None) -> Document:
    """Load one file from disk."""
    path = Path(path)
    try:
        _parser_for(path.name)  # refuse unsupported files before reading them
        data = _read(path)
        return load_bytes(data, path.name, title)
    except CorpusError as err:
        err.path = path
        raise


def load_corpus_dir(folder: Path) -> LoadReport:
    """Load every supported file under `folder`, skipping (not failing on) broken ones."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError("找不到语料文件夹。", folder)
    report = LoadReport()
    taken: set[str] = set()
    for path in _corpus_files(folder):
        try:
            document = load_document(path)
        except CorpusError as err:
            report.skipped.append(SkippedFile(path=path, reason=err.message))
            continue
        report.documents.append(_with_unique_id(document, taken))
    return report


def load_passages_jsonl(path: Path) -> list[Passage]:
    """Pre-split passages; corpus.passage_file says which lines it skipped and why."""
    from corpus.passage_file import load_passage_file

    return load_passage_file(path).passages


# --- shared plumbing --------------------------------------------------------------------------


def _safe_name(filename: str) -> str:
    """The last path component, whatever separator the uploader's OS used."""
    name = " ".join(re.split(r"[\\/]", filename)[-1].split())
    return name or "未命名"


def _suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def _parser_for(name: str) -> Callable[[bytes], _Parsed]:
    suffix = _suffix(name)
    parser = _PARSERS.get(suffix)
    if parser is None:
        shown = suffix or "无扩展名"
        supported = "、".join(s.lstrip(".") for s in SUPPORTED_SUFFIXES)
        raise UnsupportedFormatError(f"不支持“{shown}”格式的文件，支持的格式：{supported}。")
    return parser


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise UnreadableDocumentError("无法读取该文件。", path) from err


def _build_document(parsed: _Parsed, name: str, title: str | None) -> Document:
    """Shared clean-up: one stripped paragraph per line, boilerplate gone, emptiness refused."""
    lines = strip_boilerplate(clean_lines("\n".join(parsed.lines).split("\n")))
    if not lines:
        raise EmptyDocumentError("文件中没有可用的文字内容。")
    stem = PurePosixPath(name).stem
    # The adoption/issuer note stays at the top of the text so that it can be cited too.
    note = clean_lines(parsed.preamble)
    return Document(
        doc_id=stem,
        title=_clean_title(title or "") or parsed.title or _title_line(lines, name) or stem,
        text="\n".join(note + lines),
        source=name,
        preamble="\n".join(note),
        meta={"format": _suffix(name).lstrip("."), **parsed.meta},
    )


_TITLE_LINE = re.compile(r"^[^。！？；：:;!?，,]{4,40}$")
_STRUCTURE_LINE = re.compile(
    r"^(第.{1,8}[编章节条]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、])"
)


def _title_line(lines: list[str], name: str) -> str:
    """A plain-text file's first line is its title when it reads like one (short, no sentence marks)."""
    first = lines[0] if lines else ""
    if _suffix(name) != ".txt" or len(lines) < 2 or _STRUCTURE_LINE.match(first):
        return ""
    return first if _TITLE_LINE.match(first) and re.search(r"[\u4e00-\u9fff]", first) else ""


def _clean_title(title: str) -> str:
    return " ".join(title.split())


def _corpus_files(folder: Path) -> list[Path]:
    """Supported, non-hidden, non-provenance files, sorted by relative path for stable ids."""
    files = [
        path for path in folder.rglob("*") if path.is_file() and _is_corpus_file(path.relative_to(folder))
    ]
    return sorted(files, key=lambda path: path.relative_to(folder).as_posix())


def _is_corpus_file(relative: Path) -> bool:
    hidden = any(part.startswith(".") for part in relative.parts)
    ignored = _IGNORED_NAMES.match(relative.name) is not None
    return not hidden and not ignored and _suffix(relative.name) in SUPPORTED_SUFFIXES


def _with_unique_id(document: Document, taken: set[str]) -> Document:
    """Same stem in two folders: the later one (in sorted order) gets "-2", "-3", ..."""
    doc_id, number = document.doc_id, 2
    while doc_id in taken:
        doc_id, number = f"{document.doc_id}-{number}", number + 1
    taken.add(doc_id)
    return document if doc_id == document.doc_id else replace(document, doc_id=doc_id)


# --- plain text and Markdown ------------------------------------------------------------------


def _parse_txt(data: bytes) -> _Parsed:
    return _Parsed(lines=decode_text(data).split("\n"))


def _parse_md(data: bytes) -> _Parsed:
    parts = split_markdown(decode_text(data))
    return _Parsed(lines=parts.body, title=parts.title, preamble=parts.preamble)


# --- HTML -------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CODEC_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "cp950",
                  "utf-8": "utf-8-sig", "utf8": "utf-8-sig"}  # fmt: skip
_INVISIBLE_TAGS = ["head", "script", "style", "noscript", "template", "nav", "footer", "aside",
                   "iframe", "svg"]  # fmt: skip
_BLOCK_TAGS = ["address", "article", "blockquote", "caption", "dd", "div", "dl", "dt",
               "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
               "main", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"]  # fmt: skip
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
# HTML whitespace is ASCII only: U+3000 indentation and &nbsp; are content and stay.
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_CJK_SOURCE_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_CJK}])")
_SITE_SUFFIX = re.compile(r"\s*[-_|–—]+\s*[^-_|–—]{1,30}(网|网站|官网|门户|门户网站|平台|频道)\s*$")


def _parse_html(data: bytes) -> _Parsed:
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(_decode_html(data), "lxml")
    title = _html_title(soup)
    for tag in soup(_INVISIBLE_TAGS):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    return _Parsed(lines=_html_lines(soup), title=title)


def _decode_html(data: bytes) -> str:
    """A page's own `<meta charset>` beats guessing, if it names a codec that fits the bytes."""
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        codec = declared.group(1).decode("ascii").lower()
        try:
            return data.decode(_CODEC_ALIASES.get(codec, codec))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def _html_title(soup: BeautifulSoup) -> str:
    """`<title>` without its " - 某某网" site suffix, else the first `<h1>`."""
    for tag_name in ("title", "h1"):
        tag = soup.find(tag_name)
        text = _clean_title(tag.get_text(" ")) if tag else ""
        text = _SITE_SUFFIX.sub("", text) or text
        if text:
            return text
    return ""


def _html_lines(soup: BeautifulSoup) -> list[str]:
    """Block elements and `<br>` become line breaks; source line breaks become spaces."""
    _collapse_source_whitespace(soup)
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.append("\n")
    return (soup.body or soup).get_text().split("\n")


def _collapse_source_whitespace(soup: BeautifulSoup) -> None:
    """Do what a browser does with whitespace in the HTML source (except inside `<pre>`)."""
    from bs4 import NavigableString

    for string in list(soup.find_all(string=True)):
        if type(string) is not NavigableString or string.find_parent("pre"):
            continue
        text = _CJK_SOURCE_BREAK.sub("", str(string))
        string.replace_with(_HTML_SPACE.sub(" ", text))


# --- DOCX -------------------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .doc / .xls
_HEADING_STYLES = ("title", "heading", "标题")


def _parse_docx(data: bytes) -> _Parsed:
    if not data.startswith(_ZIP_MAGIC):
        raise UnreadableDocumentError(_not_docx_reason(data))
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document))
        title = _clean_title(document.core_properties.title or "") or _docx_heading(document)
    except Exception as err:  # python-docx raises many types on corrupt zips/XML
        raise UnreadableDocumentError("Word 文档已损坏，无法打开。") from err
    return _Parsed(lines=lines, title=title)


def _not_docx_reason(data: bytes) -> str:
    if data.startswith(_OLE_MAGIC):
        return "这是旧版 Word（.doc）文件，请另存为 .docx 后再上传。"
    return "文件内容不是有效的 Word（.docx）文档。"


def _docx_lines(container: DocxDocument | _Cell) -> Iterator[str]:
    """Paragraphs in reading order, descending into tables cell by cell."""
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            yield from _table_lines(item)
        else:
            yield item.text


def _table_lines(table: Table) -> Iterator[str]:
    """Each cell once: python-docx repeats a merged cell for every grid column it spans."""
    seen: set[Any] = set()
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:  # the shared <w:tc> element identifies a merged cell
                continue
            seen.add(cell._tc)
            yield from _docx_lines(cell)


def _docx_heading(document: DocxDocument) -> str:
    """The first non-empty paragraph styled as a title or heading."""
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "").lower()
        if style.startswith(_HEADING_STYLES) and paragraph.text.strip():
            return _clean_title(paragraph.text)
    return ""


# --- PDF --------------------------------------------------------------------------------------

_JUNK_PDF_TITLE = re.compile(
    r"^(untitled|无标题.*|新建.*|document\d*|microsoft (word|powerpoint) - .*"
    r"|.*\.(docx?|wps|pdf|txt|rtf|indd|tmp|pptx?|xlsx?))$",
    re.IGNORECASE,
)


def _parse_pdf(data: bytes) -> _Parsed:
    _check_pdf_envelope(data)
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError("password required")
        pages = [(page.extract_text() or "").split("\n") for page in reader.pages]
        raw_title = reader.metadata.title if reader.metadata else None
    except (DependencyError, FileNotDecryptedError) as err:
        raise UnreadableDocumentError("PDF 文件已加密，无法读取。") from err
    except Exception as err:  # pypdf raises many types on damaged files
        raise UnreadableDocumentError("PDF 文件已损坏，无法读取。") from err
    lines = join_wrapped_lines([line for page in drop_page_furniture(pages) for line in page])
    if not lines:
        raise EmptyDocumentError("PDF 中没有可提取的文字（可能是扫描件）。")
    return _Parsed(lines=lines, title=_pdf_title(raw_title), meta={"pages": str(len(pages))})


def _check_pdf_envelope(data: bytes) -> None:
    """pypdf silently recovers partial files; a truncated upload should be re-sent instead."""
    if b"%PDF-" not in data[:1024]:
        raise UnreadableDocumentError("文件内容不是 PDF 格式（扩展名与内容不符）。")
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableDocumentError("PDF 文件不完整（可能在下载或复制时被截断）。")


def _pdf_title(raw: str | None) -> str:
    """Metadata titles are often "Microsoft Word - 草稿.doc" or "untitled": ignore those."""
    title = _clean_title(raw or "")
    if len(title) < 2 or _JUNK_PDF_TITLE.match(title):
        return ""
    return title


_PARSERS: dict[str, Callable[[bytes], _Parsed]] = {
    ".txt": _parse_txt,
    ".md": _parse_md,
    ".docx": _parse_docx,
    ".pdf": _parse_pdf,
    ".html": _parse_html,
    ".htm": _parse_html,
}

