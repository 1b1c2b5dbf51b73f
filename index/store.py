"""The index on disk: a directory of native-format files under a JSON manifest.

Layout: manifest.json (written last inside the staging directory), passages.jsonl,
passage_vectors.npy, sentence_vectors.npy, sentence_offsets.npy, dense_stats.npz,
passages.faiss, sentences.faiss, bm25_words/, bm25_bigrams/. The whole directory is staged
beside the target and swapped in atomically; nothing here uses pickle.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

import numpy as np

from corpus.model import Passage
from index.atomic import staged_directory
from index.fusion import FusionWeights
from index.hybrid import DenseStats, HybridIndex
from index.keywords import KeywordIndex
from index.vectors import VectorIndex

FORMAT = 3  # 3: sentences split where an editor's note line stands (sentence vectors differ)
REBUILD_HINT = (
    "请运行 `policybot index build --out <目录>` 重新构建索引（内置语料的索引会在下次提问时自动重建）。"
)


class IndexStoreError(Exception):
    """Base of index problems; the message is Chinese and says how to fix it."""


class IndexMissingError(IndexStoreError):
    pass


class IndexCorruptError(IndexStoreError):
    pass


class IndexModelMismatchError(IndexStoreError):
    pass


def corpus_hash(passages: list[Passage]) -> str:
    digest = hashlib.sha256()
    for p in passages:
        digest.update(f"{p.passage_id}\x1f{p.doc_title}\x1f{p.text}\x1e".encode())
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("policybot", "faiss-cpu", "sentence-transformers", "bm25s", "jieba", "torch"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return out


def save_index(index: HybridIndex, folder: Path, extra: dict | None = None) -> dict:
    """Write `index` to `folder` atomically and return its manifest."""
    manifest = {
        "format": FORMAT,
        "model": index.model,
        "dimensions": int(index.passage_vectors.shape[1]),
        "factories": {"passages": index.dense.factory, "sentences": index.sentences.factory},
        "counts": {
            "passages": index.size,
            "sentences": int(len(index.sentence_vectors)),
            "documents": len({p.doc_id for p in index.passages}),
        },
        "corpus_hash": corpus_hash(index.passages),
        "fusion": index.weights.to_dict(),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "versions": _versions(),
        **(extra or {}),
    }
    with staged_directory(folder) as staging:
        with open(staging / "passages.jsonl", "w", encoding="utf-8") as handle:
            for passage in index.passages:
                handle.write(json.dumps(asdict(passage), ensure_ascii=False) + "\n")
        np.save(staging / "passage_vectors.npy", index.passage_vectors, allow_pickle=False)
        np.save(staging / "sentence_vectors.npy", index.sentence_vectors, allow_pickle=False)
        np.save(staging / "sentence_offsets.npy", index.sentence_offsets, allow_pickle=False)
        np.savez(
            staging / "dense_stats.npz",
            passage_mean=index.passage_stats.mean,
            passage_cov=index.passage_stats.cov,
            sentence_mean=index.sentence_stats.mean,
            sentence_cov=index.sentence_stats.cov,
        )
        index.dense.save(staging / "passages.faiss")
        index.sentences.save(staging / "sentences.faiss")
        index.words.save(staging / "bm25_words")
        index.bigrams.save(staging / "bm25_bigrams")
        (staging / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    return manifest


def read_manifest(folder: Path) -> dict:
    path = folder / "manifest.json"
    if not path.is_file():
        if folder.exists():
            raise IndexCorruptError(f"索引目录 {folder} 不完整（缺少 manifest.json）。{REBUILD_HINT}")
        raise IndexMissingError(f"找不到索引 {folder}。{REBUILD_HINT}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"索引清单 {path} 已损坏：{exc}。{REBUILD_HINT}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IndexCorruptError(f"索引 {folder} 的格式版本不受支持。{REBUILD_HINT}")
    return manifest


def load_index(folder: Path, model: str) -> tuple[HybridIndex, dict]:
    """Load and check an index; refuse one built with another model."""
    manifest = read_manifest(folder)
    if manifest.get("model") != model:
        raise IndexModelMismatchError(
            f"索引 {folder} 由模型“{manifest.get('model')}”构建，当前配置的模型是“{model}”，"
            f"两者的向量不能混用。{REBUILD_HINT}"
        )
    try:
        index = _read_parts(folder, manifest, model)
    except (OSError, ValueError, KeyError, RuntimeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(
            f"索引 {folder} 已损坏（{type(exc).__name__}: {exc}）。{REBUILD_HINT}"
        ) from exc
    counts = manifest["counts"]
    if index.size != counts["passages"] or len(index.sentence_vectors) != counts["sentences"]:
        raise IndexCorruptError(f"索引 {folder} 的文件与清单记录的数量不一致。{REBUILD_HINT}")
    return index, manifest


def load_passages(folder: Path) -> list[Passage]:
    """Only the passages of an index (quizzes need no vectors and no model)."""
    read_manifest(folder)
    return _read_passages(folder)


def _read_passages(folder: Path) -> list[Passage]:
    with open(folder / "passages.jsonl", encoding="utf-8") as handle:
        return [Passage(**json.loads(line)) for line in handle if line.strip()]


def _read_parts(folder: Path, manifest: dict, model: str) -> HybridIndex:
    passages = _read_passages(folder)
    size = len(passages)
    stats = np.load(folder / "dense_stats.npz", allow_pickle=False)
    passage_vectors = np.load(folder / "passage_vectors.npy", allow_pickle=False)
    sentence_vectors = np.load(folder / "sentence_vectors.npy", allow_pickle=False)
    offsets = np.load(folder / "sentence_offsets.npy", allow_pickle=False)
    if passage_vectors.shape != (size, manifest["dimensions"]) or len(offsets) != size + 1:
        raise ValueError("向量或句子偏移的形状与段落数不符")
    return HybridIndex(
        passages=passages,
        passage_vectors=passage_vectors,
        sentence_vectors=sentence_vectors,
        sentence_offsets=offsets,
        dense=VectorIndex.load(folder / "passages.faiss", manifest["factories"]["passages"]),
        sentences=VectorIndex.load(folder / "sentences.faiss", manifest["factories"]["sentences"]),
        words=KeywordIndex.load(folder / "bm25_words", size, "words"),
        bigrams=KeywordIndex.load(folder / "bm25_bigrams", size, "bigrams"),
        passage_stats=DenseStats(stats["passage_mean"], stats["passage_cov"]),
        sentence_stats=DenseStats(stats["sentence_mean"], stats["sentence_cov"]),
        weights=FusionWeights.from_dict(manifest.get("fusion", {})),
        model=model,
    )
