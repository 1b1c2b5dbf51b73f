"""The learned ranker's model file and how question cues move passages (hash encoder, no model)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.fusion import FusionWeights
from index.hybrid import HybridIndex
from index.ranker import BASE_FEATURES, FEATURES, MODEL_FILE, LinearRanker
from tests.fakes import HashEncoder


@pytest.fixture(scope="module")
def index(passages) -> HybridIndex:
    from index.embedding_cache import EmbeddingCache

    # The speech and the two laws its key words also occur in most: a small, real collection.
    kept = [p for p in passages if any(t in p.doc_title for t in ("讲话", "宪法", "民族区域自治法"))]
    return HybridIndex.build(kept, HashEncoder(), cache=EmbeddingCache())


def only(**weights: float) -> LinearRanker:
    return LinearRanker(tuple(weights.get(f, 0.0) for f in FEATURES))


def test_the_fusion_ranker_reproduces_the_issue_2_ranking(index: HybridIndex) -> None:
    encoder = HashEncoder()
    question = "怎样解决融合度低的问题？"
    fused = index.search(question, encoder, k=10, weights=FusionWeights())
    as_ranker = index.search(question, encoder, k=10, ranker=LinearRanker.from_fusion(FusionWeights()))
    assert [h.passage.passage_id for h in fused.hits] == [h.passage.passage_id for h in as_ranker.hits]
    assert [h.score for h in fused.hits] == pytest.approx([h.score for h in as_ranker.hits])


def test_cues_steer_to_the_named_document_and_part(index: HybridIndex) -> None:
    encoder = HashEncoder()
    steer = only(sentence_z=0.5, words_z=0.1, named_doc=3.0, part_match=3.0)
    top = index.search("讲话第四部分讲了什么？", encoder, ranker=steer).hits[0].passage
    assert "讲话" in top.doc_title and top.location.startswith("第四部分")
    top = index.search("讲话的最后一部分", encoder, ranker=steer).hits[0].passage
    assert top.location.startswith("第四部分")
    ending = only(sentence_z=0.5, named_doc=3.0, position_match=10.0)
    top = index.search("讲话结尾说了什么", encoder, ranker=ending).hits[0].passage
    assert "讲话" in top.doc_title and top.location.startswith("结束语")


def test_the_model_file_round_trips_and_refuses_unknown_features(tmp_path: Path) -> None:
    ranker = LinearRanker((1.0, 2.0, 0.5, 0.5), BASE_FEATURES, model="m", trained_on="dev")
    path = tmp_path / "ranker.json"
    path.write_text(ranker.to_json(), encoding="utf-8")
    assert LinearRanker.load(path) == ranker
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data | {"features": ["dense_z", "x", "y", "z"]}), encoding="utf-8")
    with pytest.raises(ValueError, match="fit_ranker"):
        LinearRanker.load(path)


def test_the_shipped_model_names_known_features() -> None:
    if not MODEL_FILE.is_file():
        pytest.skip("no fitted ranker shipped")
    ranker = LinearRanker.load()
    assert ranker.model and set(ranker.features) <= set(FEATURES)


def test_the_answer_kind_cue_marks_only_checked_candidates_among_the_best(index: HybridIndex) -> None:
    from index.ranker import ANSWER_CHECK_TOP, answer_near

    texts = [f"第{i}段，共{i}人" if i % 2 else f"第{i}段" for i in range(ANSWER_CHECK_TOP + 4)]
    fused = np.arange(len(texts), dtype=np.float32)  # the last ones are the best
    seen: list[list[str]] = []

    def holds_number(question: str, candidates: list[str]) -> list[bool]:
        seen.append(candidates)
        return ["人" in t for t in candidates]

    marked = answer_near("有多少人？", texts, fused, holds_number)
    unchecked = answer_near("有多少人？", texts, fused, None)
    assert len(seen[0]) == ANSWER_CHECK_TOP  # only the best are read
    best = set(np.argsort(-fused)[:ANSWER_CHECK_TOP].tolist())
    assert {int(i) for i in np.flatnonzero(marked)} == {i for i in best if "人" in texts[i]}
    assert not unchecked.any()  # no check set: the cue is off


def test_an_english_questions_glossary_terms_are_searched_as_words(index: HybridIndex) -> None:
    # The English words match nothing in the Chinese material; the glossary's terms do.
    words_only = only(words_z=1.0, bigrams_z=1.0)
    question = "How can short-lived results become lasting ones?"
    top = index.search(question, HashEncoder(), ranker=words_only).hits[0].passage
    assert "让“一时好”变成“长期好”" in top.text


def test_the_speech_cue_marks_the_speechs_passages_whatever_the_question_names(index: HybridIndex) -> None:
    question = "民族工作和宗教工作有什么特点？"  # names no document
    rows, columns, *_ = index.candidate_table(question, HashEncoder().encode_queries([question])[0])
    in_speech = np.array(["讲话" in index.passages[r].doc_title for r in rows])
    assert in_speech.any() and (~in_speech).any()
    assert (columns["speech_doc"] == in_speech).all() and not columns["named_doc"].any()
