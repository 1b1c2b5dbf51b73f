"""Organisers keep the material current: add and remove documents, rebuild without downtime.

Added files live in <data dir>/library under sanitised names (never a path from the
user), listed in library.json (written atomically). Every change rebuilds the index beside the
old one and swaps it in; only new text is embedded. Callers keep answering from the old index
until `on_swap` hands them the new one. Changes are serialised: two admins uploading at the same
moment get two consecutive rebuilds, both kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath

from bot.core.library import ARTICLE_LOCATION, Library
from corpus.bundled import BUNDLED_DIR
from corpus.chunking import chunk_document
from corpus.errors import CorpusError
from corpus.loaders import SUPPORTED_SUFFIXES, is_study_material, load_bytes
from corpus.model import Document, Passage
from index.atomic import write_bytes_atomic, write_text_atomic
from index.builder import Sources, ensure_index, rebuild_index
from index.embedding_cache import EmbeddingCache
from index.encoder import Encoder
from index.hybrid import HybridIndex
from index.paths import embeddings_file, library_dir, managed_index_dir
from index.store import load_index, load_passages

log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_UNSAFE = re.compile(r"[^\w\u3400-\u9fff（）()\-]+")


class DocumentError(Exception):
    """A document cannot be added or removed; the message says why, in Chinese."""


@dataclass(frozen=True)
class LibraryEntry:
    doc_id: str
    title: str
    file: str  # name inside the library folder
    sha256: str  # of the uploaded bytes
    text_sha256: str  # of the cleaned text: the same document in another format is a duplicate
    added_by: int
    added_at: float


@dataclass(frozen=True)
class DocumentReport:
    """What was understood of a document (shown to the organiser)."""

    doc_id: str
    title: str
    parts: int  # top-level parts or chapters
    articles: int  # 第X条 in a law
    passages: int


@dataclass
class LibraryState:
    entries: list[LibraryEntry] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)  # bundled doc_ids taken out


def safe_stem(filename: str) -> str:
    """A file stem that cannot leave the library folder or surprise a shell."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    stem = _UNSAFE.sub("_", PurePosixPath(name).stem).strip("._-")
    return stem[:60] or "document"


def text_hash(passages: list[Passage]) -> str:
    return hashlib.sha256("\n".join(p.text for p in passages).encode()).hexdigest()


def report_of(document: Document, passages: list[Passage]) -> DocumentReport:
    roots = {p.section.split(" › ")[0] for p in passages}
    parts = len(
        [
            r
            for r in roots
            if r not in {"题注", "引言", "正文", "结束语", "序言"} and not re.fullmatch(r"第.+条", r)
        ]
    )
    articles = len({p.location.split(" ")[-1] for p in passages if ARTICLE_LOCATION.search(p.location)})
    return DocumentReport(document.doc_id, document.title, parts, articles, len(passages))


class DocumentManager:
    def __init__(self, encoder: Encoder, root: Path, cache_file: Path | None = None) -> None:
        """`root` is the data directory; `cache_file` the embedding cache (default: inside `root`)."""
        self.encoder = encoder
        self.root = root
        self.cache_file = cache_file or embeddings_file(root)
        self._lock = threading.Lock()

    # ----------------------------------------------------------- state
    @property
    def library(self) -> Path:
        return library_dir(self.root)

    @property
    def index_dir(self) -> Path:
        return managed_index_dir(self.root)

    def _state_file(self) -> Path:
        return self.library / "library.json"

    def state(self) -> LibraryState:
        path = self._state_file()
        if not path.is_file():
            return LibraryState()
        data = json.loads(path.read_text(encoding="utf-8"))
        return LibraryState(
            [LibraryEntry(**e) for e in data.get("entries", [])], list(data.get("excluded", []))
        )

    def _save(self, state: LibraryState) -> None:
        payload = {"entries": [asdict(e) for e in state.entries], "excluded": state.excluded}
        write_text_atomic(self._state_file(), json.dumps(payload, ensure_ascii=False, indent=1))

    def sources(self) -> Sources:
        return Sources((BUNDLED_DIR, self.library), frozenset(self.state().excluded))

    def ensure_index(self) -> Path:
        """The index of the bundled corpus plus added documents, built when missing or stale."""
        return ensure_index(self.encoder, self.sources(), self.index_dir, EmbeddingCache(self.cache_file))

    # ------------------------------------------------------------- add
    def understand(self, data: bytes, filename: str) -> tuple[Document, list[Passage]]:
        """Parse and check an upload without changing anything (size, format, emptiness, duplicates)."""
        if len(data) > MAX_UPLOAD_BYTES:
            raise DocumentError(f"文件超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB 的上限，请拆分后再发送。")
        suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise DocumentError(
                f"不支持“{suffix or '无扩展名'}”格式，请发送 .txt、.md、.docx、.pdf 或 .html 文件。"
            )
        try:
            document = load_bytes(data, f"{safe_stem(filename)}{suffix}")
        except CorpusError as exc:
            raise DocumentError(f"无法读取该文件：{exc.message}") from exc
        passages = chunk_document(document)
        if not passages:
            raise DocumentError("文件中没有可用的文字内容。")
        self._refuse_duplicates(data, passages, document)
        return document, passages

    def _refuse_duplicates(self, data: bytes, passages: list[Passage], document: Document) -> None:
        digest, text_digest = hashlib.sha256(data).hexdigest(), text_hash(passages)
        for entry in self.state().entries:
            if entry.sha256 == digest or entry.text_sha256 == text_digest:
                raise DocumentError(f"这份文件与已有的《{entry.title}》内容相同，无需重复添加。")
        current = self._current_texts()
        if text_digest in current:
            raise DocumentError(f"这份文件与已有的《{current[text_digest]}》内容相同，无需重复添加。")

    def _indexed_passages(self) -> list[Passage]:
        """The current index's passages (no vectors: listing and comparing need none)."""
        try:
            return load_passages(self.index_dir)
        except Exception:  # no index yet: nothing to list or compare with
            return []

    def _current_texts(self) -> dict[str, str]:
        by_doc: dict[str, list[Passage]] = {}
        for p in self._indexed_passages():
            by_doc.setdefault(p.doc_id, []).append(p)
        return {text_hash(ps): ps[0].doc_title for ps in by_doc.values()}

    def add(
        self,
        data: bytes,
        filename: str,
        user_id: int,
        on_swap: Callable[[HybridIndex], None] | None = None,
        understood: tuple[Document, list[Passage]] | None = None,
    ) -> DocumentReport:
        """Store the file, rebuild, swap. Raises DocumentError with a message for the organiser.

        `understood` is what understand() returned for these bytes, so they are not parsed again;
        duplicates are checked again under the lock (another upload may have landed meanwhile).
        """
        with self._lock:
            if understood is None:
                document, passages = self.understand(data, filename)
            else:
                document, passages = understood
                self._refuse_duplicates(data, passages, document)
            state = self.state()
            file_name = self._free_name(f"{safe_stem(filename)}{PurePosixPath(document.source).suffix}")
            self.library.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(self.library / file_name, data)
            doc_id = PurePosixPath(file_name).stem
            document = replace(document, doc_id=doc_id)
            state.entries.append(
                LibraryEntry(
                    doc_id,
                    document.title,
                    file_name,
                    hashlib.sha256(data).hexdigest(),
                    text_hash(passages),
                    user_id,
                    time.time(),
                )  # fmt: skip
            )
            self._save(state)
            self._rebuild(on_swap)
            log.info("event=document_added doc=%s user=%s passages=%d", doc_id, user_id, len(passages))
            return report_of(document, passages)

    def _free_name(self, name: str) -> str:
        """A library file name whose stem is no other document's id (ids name documents)."""
        stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
        if not is_study_material(Path(name)):  # the corpus loader would never read it
            stem = f"文件_{stem}"
            name = f"{stem}{suffix}"
        # Ids of removed bundled documents stay taken: a file with such an id would be excluded too.
        taken = {doc_id for doc_id, _ in self.documents()} | set(self.state().excluded)
        candidate, n = name, 2
        while (self.library / candidate).exists() or PurePosixPath(candidate).stem in taken:
            candidate, n = f"{stem}-{n}{suffix}", n + 1
        return candidate

    # ---------------------------------------------------------- remove
    def find(self, name: str) -> list[tuple[str, str]]:
        """(doc_id, title) of documents whose id or title contains `name` (exact id first)."""
        documents = self.documents()
        exact = [(d, t) for d, t in documents if name in (d, t)]
        return exact or [(d, t) for d, t in documents if name and (name in d or name in t)]

    def documents(self) -> list[tuple[str, str]]:
        return [(d.doc_id, d.title) for d in Library(self._indexed_passages()).documents()]

    def remove(self, doc_id: str, on_swap: Callable[[HybridIndex], None] | None = None) -> str:
        with self._lock:
            titles = dict(self.documents())
            if doc_id not in titles:
                raise DocumentError("找不到这份文件，可能已经删除。发送 /docs 查看目录。")
            state = self.state()
            entry = next((e for e in state.entries if e.doc_id == doc_id), None)
            if entry is not None:
                state.entries.remove(entry)
                (self.library / entry.file).unlink(missing_ok=True)
            elif doc_id not in state.excluded:
                state.excluded.append(doc_id)
            self._save(state)
            self._rebuild(on_swap)
            log.info("event=document_removed doc=%s", doc_id)
            return titles[doc_id]

    def _rebuild(self, on_swap: Callable[[HybridIndex], None] | None) -> None:
        rebuild_index(self.encoder, self.sources(), self.index_dir, EmbeddingCache(self.cache_file))
        if on_swap is not None:
            index, _ = load_index(self.index_dir, self.encoder.name)
            on_swap(index)
