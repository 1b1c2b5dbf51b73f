"""Word documents (.docx): paragraphs and tables in reading order, the title from properties or headings."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from corpus.errors import UnreadableDocumentError
from corpus.formats.parsed import Parsed, clean_title

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table, _Cell

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .doc / .xls
_HEADING_STYLES = ("title", "heading", "标题")


def parse_docx(data: bytes) -> Parsed:
    if not data.startswith(_ZIP_MAGIC):
        raise UnreadableDocumentError(_not_docx_reason(data))
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document))
        title = clean_title(document.core_properties.title or "") or _docx_heading(document)
    except Exception as err:  # python-docx raises many types on corrupt zips/XML
        raise UnreadableDocumentError("Word 文档已损坏，无法打开。") from err
    return Parsed(lines=lines, title=title)


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
            return clean_title(paragraph.text)
    return ""
