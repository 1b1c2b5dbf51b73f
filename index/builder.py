"""From corpus folders and passage files to an index directory, and the bundled corpus's index."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from corpus.chunking import chunk_document
from corpus.loaders import SkippedFile, load_corpus_dir
from corpus.model import Document, Passage
from corpus.passage_file import PassageFileReport, load_passage_file
from index.embedding_cache import EmbeddingCache
from index.encoder import Encoder
from index.hybrid import HybridIndex
from index.store import IndexStoreError, read_manifest, save_index
from index.vectors import DEFAULT_FACTORY

log = logging.getLogger(__name__)


@dataclass
class CorpusBatch:
    """Everything read from the sources of one build."""

    documents: list[Document] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    passage_files: PassageFileReport | None = None  # lines of --passages files skipped or repaired


def collect_passages(corpus_dirs: list[Path], passage_files: list[Path]) -> CorpusBatch:
    """Load folders (skipping broken files) and pre-split passage files, in the given order."""
    batch = CorpusBatch()
    for folder in corpus_dirs:
        report = load_corpus_dir(folder)
        batch.skipped.extend(report.skipped)
        for document in report.documents:
            batch.documents.append(document)
            batch.passages.extend(chunk_document(document))
    if passage_files:
        batch.passage_files = PassageFileReport()
        for path in passage_files:
            load_passage_file(path, batch.passage_files)
        batch.passages.extend(batch.passage_files.passages)
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


@dataclass(frozen=True)
class Sources:
    """What the managed index is built from."""

    folders: tuple[Path, ...]
    excluded: frozenset[str] = frozenset()  # doc_ids organisers removed from the bundled corpus

    def fingerprint(self) -> str:
        existing = [f for f in self.folders if f.is_dir()]
        return hashlib.sha256(
            (sources_fingerprint(existing) + "|" + ",".join(sorted(self.excluded))).encode()
        ).hexdigest()

    def collect(self) -> CorpusBatch:
        batch = collect_passages([f for f in self.folders if f.is_dir()], [])
        batch.documents = [d for d in batch.documents if d.doc_id not in self.excluded]
        batch.passages = [p for p in batch.passages if p.doc_id not in self.excluded]
        return batch


def ensure_index(encoder: Encoder, sources: Sources, folder: Path, cache: EmbeddingCache | None) -> Path:
    """The managed index, (re)built when missing, stale, damaged or of another model."""
    fingerprint = sources.fingerprint()
    try:
        manifest = read_manifest(folder)
        if manifest.get("sources") == fingerprint and manifest.get("model") == encoder.name:
            with build_lock(folder, wait=False) as locked:
                if locked:  # nobody is building: leftovers of a killed build can go
                    remove_stale_staging(folder)
            return folder
    except IndexStoreError as exc:
        log.info("index unusable (%s); rebuilding", exc)
    rebuild_index(encoder, sources, folder, cache)
    return folder


def rebuild_index(encoder: Encoder, sources: Sources, folder: Path, cache: EmbeddingCache | None) -> dict:
    """Build beside the old index and swap it in atomically; unchanged text is not re-embedded."""
    with build_lock(folder, wait=True):
        remove_stale_staging(folder)
        batch = sources.collect()
        log.info("event=index_build passages=%d documents=%d", len(batch.passages), len(batch.documents))
        return build_index(
            batch.passages, encoder, folder, cache, extra={"sources": sources.fingerprint()}
        )


@contextmanager
def build_lock(folder: Path, wait: bool) -> Iterator[bool]:
    """One build of an index at a time across processes (the bot and `policybot docs` may race).

    An flock is released by the kernel when its holder dies, so a killed build never blocks the next.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_stale_staging(folder: Path) -> None:
    """Staging directories left by a build that was killed (the index itself is intact)."""
    for leftover in folder.parent.glob(f".{folder.name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
        log.warning("event=stale_staging_removed path=%s", leftover)
