"""Retrieval with the ONNX int8 encoder against the sentence-transformers reference, one run.

Usage:
    .venv/bin/python benchmarks/encoder_parity.py [--cache FILE] [--bench ../shared/bench]

Builds the bundled corpus's index with each encoder (vectors kept in --cache, keyed by the
encoders' distinct model names, so a second run only searches) and prints, per encoder, hit@1 /
hit@5 of the fused ranking and the in/out-of-scope decision on the hand-written question sets,
with the difference in points; with --bench, hit@1/5/10 on the benchmark sets as well.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.question_sets import load_all, run  # noqa: E402
from bot.core.answering import Assistant  # noqa: E402
from bot.core.scope import load_scope_judge  # noqa: E402
from bot.core.settings import resolve_settings  # noqa: E402
from corpus.bundled import BUNDLED_DIR  # noqa: E402
from corpus.passage_file import load_passages_jsonl  # noqa: E402
from index.builder import collect_passages  # noqa: E402
from index.embedding_cache import EmbeddingCache  # noqa: E402
from index.encoder import load_encoder  # noqa: E402
from index.evaluation import evaluate, load_queries  # noqa: E402
from index.hybrid import HybridIndex  # noqa: E402

BACKENDS = ("torch", "onnx")


def question_rows(encoder, cache: EmbeddingCache) -> dict[str, float]:
    passages = collect_passages([BUNDLED_DIR], []).passages
    index = HybridIndex.build(passages, encoder, cache=cache)
    assistant = Assistant(index=index, encoder=encoder, scope=load_scope_judge(encoder, cache))
    outcomes = run(assistant, load_all(), answers=False)
    rows: dict[str, float] = {}
    for source in ("speech", "policy"):
        for split in ("dev", "test"):
            chosen = [
                o
                for o in outcomes
                if o.question.in_scope
                and (o.question.source == "speech") == (source == "speech")
                and o.question.split == split
            ]
            rows[f"{source} {split} hit@1 (n={len(chosen)})"] = float(np.mean([o.rank == 0 for o in chosen]))
            rows[f"{source} {split} hit@5 (n={len(chosen)})"] = float(
                np.mean([o.rank is not None for o in chosen])
            )
    out_of_scope = [o for o in outcomes if not o.question.in_scope]
    rows[f"out of scope rejected (n={len(out_of_scope)})"] = float(
        np.mean([not o.found for o in out_of_scope])
    )
    in_scope = [o for o in outcomes if o.question.in_scope]
    rows[f"in scope wrongly rejected (n={len(in_scope)})"] = float(np.mean([not o.found for o in in_scope]))
    return rows


def bench_rows(bench: Path, encoder, cache: EmbeddingCache) -> dict[str, float]:
    rows: dict[str, float] = {}
    for passages_file in sorted(bench.glob("*_passages.jsonl")):
        queries = load_queries(passages_file.with_name(passages_file.name.replace("_passages", "_queries")))
        index = HybridIndex.build(load_passages_jsonl(passages_file), encoder, cache=cache)
        scores = evaluate(index, encoder, queries)
        name = passages_file.stem.replace("_passages", "")
        for k, value in (("1", scores.hit_at_1), ("5", scores.hit_at_5), ("10", scores.hit_at_10)):
            rows[f"{name} hit@{k} (n={scores.queries})"] = value
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", type=Path, default=Path("/tmp/policybot-parity/embeddings.sqlite"))
    parser.add_argument("--bench", type=Path, help="folder of *_passages.jsonl / *_queries.jsonl pairs")
    args = parser.parse_args()
    cache = EmbeddingCache(args.cache)
    results: dict[str, dict[str, float]] = {}
    names = {}
    for backend in BACKENDS:
        settings = resolve_settings()
        encoder = load_encoder(settings.model, settings.cache_dir, settings.bf16, backend=backend)
        names[backend] = encoder.name
        rows = question_rows(encoder, cache)
        if args.bench:
            rows |= bench_rows(args.bench, encoder, cache)
        results[backend] = rows
        print(f"done: {backend} ({encoder.name})", file=sys.stderr, flush=True)
    print(f"| metric | {names['torch']} (reference) | {names['onnx']} | difference, points |")
    print("|---|---|---|---|")
    for metric, reference in results["torch"].items():
        ours = results["onnx"][metric]
        print(f"| {metric} | {reference:.3f} | {ours:.3f} | {100 * (ours - reference):+.1f} |")


if __name__ == "__main__":
    main()
