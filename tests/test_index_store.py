"""The index directory: round trip, atomic replacement, refusal of damaged or foreign indexes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from corpus.chunking import chunk_document
from corpus.model import Document, Passage
from index.atomic import staged_directory
from index.embedding_cache import EmbeddingCache
from index.hybrid import HybridIndex
from index.store import (
    IndexCorruptError,
    IndexMissingError,
    IndexModelMismatchError,
    load_index,
    save_index,
)
from tests.fakes import HashEncoder

TEXT = """一、要坚持高位推动，切实解决行动迟缓的问题。县委把这项工作作为中心工作，成立工作推进组专门负责。
二、要坚持系统思维，切实解决融合度低的问题。要树立一盘棋的思想，统筹推进各项创建工作，形成合力。
三、要坚持守正创新，切实解决辨识度低的问题。把世界菌乡、你我共享为主题的创建品牌打响。
四、要坚持合力攻坚，切实解决凝聚力弱的问题。团结才能胜利，奋斗才会成功，建立健全长效机制。"""


def _passages() -> list[Passage]:
    return chunk_document(Document("speech", "测试讲话", TEXT, "speech.txt"))


def test_round_trip_gives_the_same_answers(tmp_path: Path, hash_encoder: HashEncoder) -> None:
    index = HybridIndex.build(_passages(), hash_encoder)
    manifest = save_index(index, tmp_path / "idx")
    loaded, read = load_index(tmp_path / "idx", hash_encoder.name)
    assert read == manifest
    assert manifest["counts"]["passages"] == len(index.passages)
    assert manifest["model"] == hash_encoder.name and manifest["dimensions"] == hash_encoder.dim
    for question in ("世界菌乡是什么主题", "怎样解决融合度低", "长效机制"):
        a = [h.passage.passage_id for h in index.search(question, hash_encoder).hits]
        b = [h.passage.passage_id for h in loaded.search(question, hash_encoder).hits]
        assert a == b
    top = loaded.search("世界菌乡你我共享", hash_encoder).hits[0]
    assert "世界菌乡" in top.passage.text


def test_no_pickle_files(tmp_path: Path, hash_encoder: HashEncoder) -> None:
    save_index(HybridIndex.build(_passages(), hash_encoder), tmp_path / "idx")
    for path in (tmp_path / "idx").rglob("*"):
        assert path.suffix not in {".pkl", ".pickle"}
        if path.suffix == ".npy":
            np.load(path, allow_pickle=False)


def test_failed_write_leaves_the_old_index(tmp_path: Path, hash_encoder: HashEncoder) -> None:
    target = tmp_path / "idx"
    save_index(HybridIndex.build(_passages(), hash_encoder), target)
    before = (target / "manifest.json").read_text(encoding="utf-8")
    with pytest.raises(RuntimeError), staged_directory(target) as staging:
        (staging / "manifest.json").write_text("{}", encoding="utf-8")
        raise RuntimeError("killed half-way")
    assert (target / "manifest.json").read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]  # no staging left behind
    load_index(target, hash_encoder.name)


def test_replacing_an_index_swaps_it_whole(tmp_path: Path, hash_encoder: HashEncoder) -> None:
    target = tmp_path / "idx"
    save_index(HybridIndex.build(_passages()[:2], hash_encoder), target)
    save_index(HybridIndex.build(_passages(), hash_encoder), target)
    loaded, manifest = load_index(target, hash_encoder.name)
    assert loaded.size == len(_passages()) == manifest["counts"]["passages"]


def test_other_model_is_refused_with_rebuild_hint(tmp_path: Path, hash_encoder: HashEncoder) -> None:
    save_index(HybridIndex.build(_passages(), hash_encoder), tmp_path / "idx")
    with pytest.raises(IndexModelMismatchError) as err:
        load_index(tmp_path / "idx", "BAAI/bge-small-zh-v1.5")
    assert "重新构建" in str(err.value) and hash_encoder.name in str(err.value)


def test_missing_and_damaged_indexes(tmp_path: Path, hash_encoder: HashEncoder) -> None:
    with pytest.raises(IndexMissingError):
        load_index(tmp_path / "nowhere", hash_encoder.name)
    target = tmp_path / "idx"
    save_index(HybridIndex.build(_passages(), hash_encoder), target)
    (target / "passage_vectors.npy").write_bytes(b"garbage")
    with pytest.raises(IndexCorruptError, match="重新构建"):
        load_index(target, hash_encoder.name)
    (target / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorruptError):
        load_index(target, hash_encoder.name)


def test_manifest_counts_are_checked(tmp_path: Path, hash_encoder: HashEncoder) -> None:
    target = tmp_path / "idx"
    save_index(HybridIndex.build(_passages(), hash_encoder), target)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    manifest["counts"]["passages"] += 1
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError):
        load_index(target, hash_encoder.name)


def test_cache_embeds_only_new_text(tmp_path: Path, hash_encoder: HashEncoder) -> None:
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    passages = _passages()
    HybridIndex.build(passages[:2], hash_encoder, cache=cache)
    first_misses = cache.misses
    HybridIndex.build(passages, hash_encoder, cache=cache)
    new_texts = cache.misses - first_misses
    extra = HybridIndex.build(passages[2:], HashEncoder(), cache=EmbeddingCache())
    assert new_texts == len(extra.passages) + len(extra.sentence_vectors)
    assert cache.hits >= 2


def test_a_damaged_cache_is_set_aside_not_fatal(tmp_path: Path, hash_encoder: HashEncoder) -> None:
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = EmbeddingCache(path)
    index = HybridIndex.build(_passages(), hash_encoder, cache=cache)
    assert index.size == len(_passages())
    assert list(tmp_path.glob("cache.sqlite.damaged-*"))
    assert cache.misses > 0 and EmbeddingCache(path).hits == 0


def test_loaded_keyword_index_scores_like_bm25s(tmp_path: Path, passages) -> None:
    """Loading skips bm25s (and scipy) on the ask path; the scores must stay bm25s's own."""
    import bm25s

    from index.keywords import KeywordIndex

    texts = [p.index_text() for p in passages[:300]]
    questions = ["创建品牌的主题是什么？", "民族团结 民族团结", "宪法 国歌", "xyz 不在词表", passages[7].text[:30]]
    for tokenizer in ("words", "bigrams"):
        KeywordIndex.build(texts, tokenizer).save(tmp_path / tokenizer)
        ours = KeywordIndex.load(tmp_path / tokenizer, len(texts), tokenizer)
        theirs = bm25s.BM25.load(str(tmp_path / tokenizer), allow_pickle=False)
        for question in questions:
            tokens = ours.query_tokens(question)
            ids = theirs.get_tokens_ids(tokens)
            expected = theirs.get_scores_from_ids(ids) if ids else np.zeros(len(texts))
            np.testing.assert_allclose(ours.scores(tokens), expected, rtol=1e-6)
        assert ours.scores(ours.query_tokens(questions[0])).max() > 0
