"""Read study texts (txt, md, docx, pdf, html) into `Document`s: which files, which parser, the shared clean-up.

Files come from the shared corpus folder and from chat uploads, so every input is untrusted:
the file name only chooses the parser and the default title, and each failure becomes a
`CorpusError` (corpus.errors) whose Chinese message can be shown to the user as is. Parsing is
per format family in `corpus.formats`; what counts as study material is decided here only
(`is_study_material`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from corpus.cleaning import clean_lines, strip_boilerplate
from corpus.errors import CorpusError, EmptyDocumentError, UnreadableDocumentError, UnsupportedFormatError
from corpus.formats.parsed import Parsed, clean_title
from corpus.formats.pdf import parse_pdf
from corpus.formats.plain import parse_md, parse_txt
from corpus.formats.web import parse_html
from corpus.formats.word import parse_docx
from corpus.model import Document

_PARSERS: dict[str, Callable[[bytes], Parsed]] = {
    ".txt": parse_txt,
    ".md": parse_md,
    ".docx": parse_docx,
    ".pdf": parse_pdf,
    ".html": parse_html,
    ".htm": parse_html,
}
SUPPORTED_SUFFIXES = tuple(_PARSERS)
# Provenance and repository files that live beside the texts but are not study material.
_IGNORED_STEMS = re.compile(r"^(sources|readme|licen[cs]e)", re.IGNORECASE)


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


# --- shared plumbing --------------------------------------------------------------------------


def _safe_name(filename: str) -> str:
    """The last path component, whatever separator the uploader's OS used."""
    name = " ".join(re.split(r"[\\/]", filename)[-1].split())
    return name or "未命名"


def _suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def _parser_for(name: str) -> Callable[[bytes], Parsed]:
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


def _build_document(parsed: Parsed, name: str, title: str | None) -> Document:
    """Shared clean-up: one stripped paragraph per line, boilerplate gone, emptiness refused."""
    lines = strip_boilerplate(clean_lines("\n".join(parsed.lines).split("\n")))
    if not lines:
        raise EmptyDocumentError("文件中没有可用的文字内容。")
    stem = PurePosixPath(name).stem
    # The adoption/issuer note stays at the top of the text so that it can be cited too.
    note = clean_lines(parsed.preamble)
    return Document(
        doc_id=stem,
        title=clean_title(title or "") or parsed.title or _title_line(lines, name) or stem,
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


def _corpus_files(folder: Path) -> list[Path]:
    """Supported, non-hidden, non-provenance files, sorted by relative path for stable ids."""
    files = [
        path for path in folder.rglob("*") if path.is_file() and is_study_material(path.relative_to(folder))
    ]
    return sorted(files, key=lambda path: path.relative_to(folder).as_posix())


def is_study_material(relative: Path) -> bool:
    """The one rule for which files are read: supported, not hidden, not README/LICENSE/sources."""
    hidden = any(part.startswith(".") for part in relative.parts)
    ignored = _IGNORED_STEMS.match(PurePosixPath(relative.name).stem) is not None
    return not hidden and not ignored and _suffix(relative.name) in SUPPORTED_SUFFIXES


def _with_unique_id(document: Document, taken: set[str]) -> Document:
    """Same stem in two folders: the later one (in sorted order) gets "-2", "-3", ..."""
    doc_id, number = document.doc_id, 2
    while doc_id in taken:
        doc_id, number = f"{document.doc_id}-{number}", number + 1
    taken.add(doc_id)
    return document if doc_id == document.doc_id else replace(document, doc_id=doc_id)
