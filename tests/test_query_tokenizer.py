"""The question tokenizer (only the pieces a text uses) gives the full XLM-R tokenizer's ids."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tokenizers import Tokenizer

from index.hybrid import sentence_units
from index.onnx_export import export_onnx
from index.paths import prepared_model_dir, prepared_onnx_dir
from index.query_tokenizer import SPLIT_RECORD, QueryTokenizer

ROOT = Path(__file__).resolve().parent.parent
MAX_TOKENS = 512
AWKWARD = [
    "",
    " ",
    "短",
    "query: 讲话分几个部分？",
    "龍川江邊要整個坐的地方 ～ ＡＢＣ　１２３",  # traditional, the NFKC-shielded ～, full width
    "🈻 emoji 😀 and 𠀀 (a character outside the vocabulary)",
    "e\u0301 combining, ﬁ ligature, ① circled, ㍿ square",
    "tabs\tand\nnew lines\r\n   many    spaces",
    "<s> </s> <unk> <pad> written as text",
    "ÀÉÎÕÜ ñ ß ÆØÅ Ελληνικά русский עברית العربية हिन्दी",
    "What should every department do with its funds?",
    "▁already▁has▁the▁metaspace▁mark",
    "民族团结进步" * 300,  # longer than the model's 512 tokens: truncated like the full tokenizer
]


@pytest.fixture(scope="module")
def folder(session_settings, tmp_path_factory) -> Path:
    """A copy of the production export's tokenizer.json alone: the split is cut from scratch."""
    onnx_dir = prepared_onnx_dir(session_settings.cache_dir)
    export_onnx(prepared_model_dir(session_settings.cache_dir), onnx_dir)
    target = tmp_path_factory.mktemp("vocab")
    shutil.copy2(onnx_dir / "tokenizer.json", target / "tokenizer.json")
    return target


@pytest.fixture(scope="module")
def full(folder: Path) -> Tokenizer:
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


def _full_ids(full: Tokenizer, texts: list[str]) -> list[list[int]]:
    return [e.ids for e in full.encode_batch(texts, add_special_tokens=True)]


def _questions() -> list[str]:
    texts = []
    for name in ("speech_qa.jsonl", "policy_qa.jsonl", "out_of_scope.jsonl"):
        for line in (ROOT / "benchmarks" / "data" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append("query: " + json.loads(line)["q"])
    return texts


def test_awkward_texts_one_at_a_time_and_together(folder: Path, full: Tokenizer) -> None:
    tokenizer = QueryTokenizer.open(folder, MAX_TOKENS)
    expected = _full_ids(full, AWKWARD)
    assert [tokenizer.encode([text])[0] for text in AWKWARD] == expected
    assert tokenizer.encode(AWKWARD) == expected
    assert len(expected[-1]) == MAX_TOKENS and expected[-1][-1] == 2  # truncated, </s> kept
    assert 3 in expected[5]  # the unknown character really met the unknown-piece path


def test_every_question_and_the_whole_corpus(folder: Path, full: Tokenizer, passages) -> None:
    tokenizer = QueryTokenizer.open(folder, MAX_TOKENS)
    questions = _questions()
    assert len(questions) > 300
    assert [tokenizer.encode([q])[0] for q in questions] == _full_ids(full, questions)
    texts = [p.index_text() for p in passages]
    texts += sentence_units(passages[::3])[0]
    assert tokenizer.encode(texts) == _full_ids(full, texts)


def test_a_changed_tokenizer_file_is_split_again(folder: Path, full: Tokenizer) -> None:
    QueryTokenizer.open(folder, MAX_TOKENS)
    record = json.loads((folder / SPLIT_RECORD).read_text(encoding="utf-8"))
    (folder / SPLIT_RECORD).write_text(json.dumps({**record, "source": {"size": 1, "mtime_ns": 1}}))
    again = QueryTokenizer.open(folder, MAX_TOKENS)
    assert json.loads((folder / SPLIT_RECORD).read_text(encoding="utf-8")) == record
    assert again.encode(["query: 示范县"]) == _full_ids(full, ["query: 示范县"])
