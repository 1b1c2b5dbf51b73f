"""From corpus folders and passage files to an index directory, and the bundled corpus's index."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from corpus.bundled import BUNDLED_DIR
from corpus.chunking import chunk_document
from corpus.loaders import SkippedFile, load_corpus_dir, load_passages_jsonl
from corpus.model import Document, Passage
from index.embedding_cache import EmbeddingCache
from index.encoder import Encoder
from index.hybrid import HybridIndex
from index.paths import data_dir
from index.store import IndexStoreError, read_manifest, save_index
from index.vectors import DEFAULT_FACTORY

log = logging.getLogger(__name__)


@dataclass
class CorpusBatch:
    """Everything read from the sources of one build."""

    documents: list[Document] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


def collect_passages(corpus_dirs: list[Path], passage_files: list[Path]) -> CorpusBatch:
    """Load folders (skipping broken files) and pre-split passage files, in the given order."""
    batch = CorpusBatch()
    for folder in corpus_dirs:
        report = load_corpus_dir(folder)
        batch.skipped.extend(report.skipped)
        for document in report.documents:
            batch.documents.append(document)
            batch.passages.extend(chunk_document(document))
    for path in passage_files:
        batch.passages.extend(load_passages_jsonl(path))
    return batch


def sources_fingerprint(folders: list[Path]) -> str:
    """Hash of every file's path and bytes: tells whether a built index is stale."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_index(
    passages: list[Passage],
    encoder: Encoder,
    out: Path,
    cache: EmbeddingCache | None = None,
    factory: str = DEFAULT_FACTORY,
    extra: dict | None = None,
) -> dict:
    index = HybridIndex.build(passages, encoder, cache=cache, factory=factory)
    return save_index(index, out, extra=extra)


def default_cache() -> EmbeddingCache:
    return EmbeddingCache(data_dir() / "embeddings.sqlite")


def bundled_index_dir() -> Path:
    return data_dir() / "bundled-index"


def ensure_bundled_index(encoder: Encoder, folder: Path | None = None) -> Path:
    """The bundled corpus's index, (re)built when missing, stale, damaged or of another model."""
    folder = folder or bundled_index_dir()
    fingerprint = sources_fingerprint([BUNDLED_DIR])
    try:
        manifest = read_manifest(folder)
        if manifest.get("sources") == fingerprint and manifest.get("model") == encoder.name:
            return folder
    except IndexStoreError as exc:
        log.info("bundled index unusable (%s); rebuilding", exc)
    batch = collect_passages([BUNDLED_DIR], [])
    log.info("building the bundled index: %d passages", len(batch.passages))
    build_index(batch.passages, encoder, folder, default_cache(), extra={"sources": fingerprint})
    return folder
