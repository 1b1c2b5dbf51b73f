"""The ONNX Runtime encoder against the sentence-transformers reference, and its loading rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from corpus.bundled import BUNDLED_DIR
from corpus.cleaning import normalize_for_matching
from index.encoder import load_encoder
from index.hybrid import sentence_units
from index.onnx_encoder import ONNX_CONFIG, open_onnx_encoder
from index.onnx_export import export_onnx, onnx_stamp
from index.onnx_quantize import PARITY_SAMPLES, SHIPPED
from index.paths import DEFAULT_MODEL, prepared_model_dir, prepared_onnx_dir

ROOT = Path(__file__).resolve().parent.parent
HIT_TOLERANCE = 0.05  # dense hit@1 / hit@5 of the export at most this far below the reference


@pytest.fixture(scope="module")
def model_dir(session_settings) -> Path:
    return prepared_model_dir(session_settings.cache_dir)


@pytest.fixture(scope="module")
def onnx_encoder(session_settings, model_dir: Path):
    """The export production uses (made by `policybot model prepare`; made here if missing)."""
    onnx_dir = prepared_onnx_dir(session_settings.cache_dir)
    export_onnx(model_dir, onnx_dir)
    encoder = open_onnx_encoder(DEFAULT_MODEL, model_dir, onnx_dir)
    assert encoder is not None
    return encoder


@pytest.mark.slow
def test_onnx_vectors_match_the_reference(onnx_encoder, reference_encoder, passages) -> None:
    texts = PARITY_SAMPLES + [p.index_text() for p in passages[::40]]
    for encode in ("encode_queries", "encode_passages"):
        ours = getattr(onnx_encoder, encode)(texts)
        reference = getattr(reference_encoder, encode)(texts)
        assert ours.shape == reference.shape
        np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
        cosines = np.sum(ours * reference, axis=1)
        assert cosines.min() >= 0.99, (encode, cosines.min())


@pytest.mark.slow
def test_batching_and_padding_barely_change_a_vector(onnx_encoder, passages) -> None:
    """Dynamic int8 scales activations per batch, so batch mates matter, but only slightly."""
    texts = [p.index_text() for p in passages[:70]]  # mixed lengths, several batches
    together = onnx_encoder.encode_passages(texts)
    alone = np.stack([onnx_encoder.encode_passages([t])[0] for t in texts[:8]])
    cosines = np.sum(together[:8] * alone, axis=1)
    assert cosines.min() >= 0.995, cosines


@pytest.mark.slow
def test_onnx_ranks_the_speech_like_the_reference(onnx_encoder, reference_encoder, passages) -> None:
    """Dense ranking of the speech's passages and sentences for its questions, both encoders."""
    speech_ids = {path.stem for path in (BUNDLED_DIR / "speech").iterdir()}
    speech = [p for p in passages if p.doc_id in speech_ids]
    sentences, offsets = sentence_units(speech)
    texts = [p.index_text() for p in speech] + sentences
    owner = np.concatenate([np.arange(len(speech)), np.repeat(np.arange(len(speech)), np.diff(offsets))])
    questions = [json.loads(line) for line in (ROOT / "benchmarks/data/speech_qa.jsonl").open(encoding="utf-8")]
    speech_texts = [normalize_for_matching(p.text) for p in speech]

    def holders(row: dict) -> set[int]:
        spans = [normalize_for_matching(e) for e in row.get("expect_all") or [row["expect"]]]
        return {i for i, text in enumerate(speech_texts) if all(span in text for span in spans)}

    # A question whose spans lie in two passages has no single passage to find: left out.
    rows = [r for r in questions if holders(r)]
    gold = [holders(r) for r in rows]
    assert len(rows) >= 0.9 * len(questions)

    def top5(encoder) -> list[list[int]]:
        # One question at a time, as `ask` encodes it: int8 activations are scaled per batch, and
        # 187 questions in one batch moved the dense hit@5 by a point (docs/benchmarks.md, Parity).
        queries = np.stack([encoder.encode_queries([r["q"]])[0] for r in rows])
        scores = queries @ encoder.encode_passages(texts).T
        return [list(dict.fromkeys(owner[np.argsort(-row)]))[:5] for row in scores]

    ours, reference = top5(onnx_encoder), top5(reference_encoder)
    assert len(speech) > 10
    hit1 = [np.mean([t[0] in g for t, g in zip(run, gold)]) for run in (ours, reference)]
    hit5 = [np.mean([bool(set(t) & g) for t, g in zip(run, gold)]) for run in (ours, reference)]
    # The shipped int8 measured 4.3 points of hit@5 below the reference on 187 questions; other
    # recipes moved hit@k by ±2 points at any cosine (docs/benchmarks.md, "Parity with the reference").
    assert hit5[0] >= hit5[1] - HIT_TOLERANCE, hit5
    assert hit1[0] >= hit1[1] - HIT_TOLERANCE, hit1
    assert np.mean([o[0] in r[:3] for o, r in zip(ours, reference)]) >= 0.9


def test_int8_export_has_its_own_identity(onnx_encoder, session_settings) -> None:
    assert onnx_encoder.info.variant == SHIPPED
    assert onnx_encoder.name == f"{DEFAULT_MODEL}@onnx-{SHIPPED}"
    s = session_settings
    assert load_encoder(s.model, s.cache_dir, backend="onnx").name == onnx_encoder.name


def test_missing_or_stale_export_falls_back(tmp_path: Path, model_dir: Path) -> None:
    assert open_onnx_encoder(DEFAULT_MODEL, model_dir, tmp_path / "absent") is None
    stale = tmp_path / "stale"
    stale.mkdir()
    config = {
        "model_file": "model.onnx",
        "dim": 384,
        "max_tokens": 512,
        "pad_id": 1,
        "prompts": {"query": "query: ", "passage": "passage: "},
        "variant": SHIPPED,
        "stamp": {**onnx_stamp(model_dir, SHIPPED), "export_version": 0},
    }
    (stale / ONNX_CONFIG).write_text(json.dumps(config), encoding="utf-8")
    assert open_onnx_encoder(DEFAULT_MODEL, model_dir, stale) is None


def test_unknown_backend_is_refused_in_chinese(tmp_path: Path) -> None:
    from bot.core.settings import ConfigError, resolve_settings
    from index.model_prep import ModelPrepError

    with pytest.raises(ModelPrepError, match="未知的编码器后端"):
        load_encoder(DEFAULT_MODEL, tmp_path, backend="gpu")
    with pytest.raises(ConfigError, match="POLICYBOT_ENCODER 应为 auto、onnx、torch 之一"):
        resolve_settings(environ={"POLICYBOT_ENCODER": "gpu"})


@pytest.mark.slow
def test_asking_with_onnx_imports_no_torch(onnx_encoder, assistant, session_data_dir: Path) -> None:
    """The cold-start promise: `ask` over a built index never loads torch or transformers."""
    script = (
        "import sys\n"
        "from bot.terminal.cli import main\n"
        "code = main(['ask', '--json', '-k', '1', '创建品牌的主题是什么？'])\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules)\n"
        "print('HEAVY', heavy, code)\n"
    )
    env = dict(os.environ, POLICYBOT_DATA_DIR=str(session_data_dir))
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "HEAVY [] 0", run.stdout + run.stderr
    assert "世界菌乡" in run.stdout
