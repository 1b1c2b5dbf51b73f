"""PDF: extracted text with page furniture dropped and wrapped lines joined; truncation refused."""

from __future__ import annotations

import io
import re

from corpus.cleaning import drop_page_furniture, join_wrapped_lines
from corpus.errors import EmptyDocumentError, UnreadableDocumentError
from corpus.formats.parsed import Parsed, clean_title

_JUNK_PDF_TITLE = re.compile(
    r"^(untitled|无标题.*|新建.*|document\d*|microsoft (word|powerpoint) - .*"
    r"|.*\.(docx?|wps|pdf|txt|rtf|indd|tmp|pptx?|xlsx?))$",
    re.IGNORECASE,
)


def parse_pdf(data: bytes) -> Parsed:
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
    return Parsed(lines=lines, title=_pdf_title(raw_title), meta={"pages": str(len(pages))})


def _check_pdf_envelope(data: bytes) -> None:
    """pypdf silently recovers partial files; a truncated upload should be re-sent instead."""
    if b"%PDF-" not in data[:1024]:
        raise UnreadableDocumentError("文件内容不是 PDF 格式（扩展名与内容不符）。")
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableDocumentError("PDF 文件不完整（可能在下载或复制时被截断）。")


def _pdf_title(raw: str | None) -> str:
    """Metadata titles are often "Microsoft Word - 草稿.doc" or "untitled": ignore those."""
    title = clean_title(raw or "")
    if len(title) < 2 or _JUNK_PDF_TITLE.match(title):
        return ""
    return title
