"""Grid search of the fusion weights (index/fusion.py) on the Chinese retrieval benchmarks.

Usage: .venv/bin/python benchmarks/tune_fusion.py --bench ../shared/bench [--step 0.1] [--limit 400]

Every weight combination on a grid summing to 1 is scored by mean hit@1 over the benchmark sets
(ties broken by mean MRR@10); the best ones are printed next to the shipped FusionWeights. Queries
are encoded once; only the cheap fusion is repeated per combination.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.retrieval_bench import MemoEncoder  # noqa: E402
from corpus.passage_file import load_passages_jsonl  # noqa: E402
from index.evaluation import evaluate, load_queries  # noqa: E402
from index.fusion import FusionWeights  # noqa: E402
from index.hybrid import HybridIndex  # noqa: E402


def grid(step: float) -> list[FusionWeights]:
    n = round(1 / step)
    return [
        FusionWeights(d * step, s * step, w * step, (n - d - s - w) * step)
        for d, s, w in itertools.product(range(n + 1), repeat=3)
        if d + s + w <= n
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--bench", type=Path, required=True, help="folder with *_passages.jsonl / *_queries.jsonl"
    )
    parser.add_argument("--step", type=float, default=0.1)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument(
        "--limit", type=int, default=400, help="queries per set (0: all; the full grid then takes hours)"
    )
    args = parser.parse_args()
    from bot.core.services import build_services
    from bot.core.settings import resolve_settings

    services = build_services(resolve_settings())
    encoder = MemoEncoder(services.encoder)
    candidates = [FusionWeights(), *grid(args.step)]
    hit1 = np.zeros((len(candidates), 0))
    mrr = np.zeros((len(candidates), 0))
    for passages_file in sorted(args.bench.glob("*_passages.jsonl")):
        queries = load_queries(passages_file.with_name(passages_file.name.replace("_passages", "_queries")))
        queries = queries[: args.limit or None]
        index = HybridIndex.build(load_passages_jsonl(passages_file), encoder, cache=services.embedding_cache)
        scores = [evaluate(index, encoder, queries, weights) for weights in candidates]
        hit1 = np.column_stack([hit1, [s.hit_at_1 for s in scores]])
        mrr = np.column_stack([mrr, [s.mrr_at_10 for s in scores]])
        print(f"{passages_file.stem}: {len(queries)} queries, {len(candidates)} weightings", flush=True)
    order = sorted(range(len(candidates)), key=lambda i: (-hit1[i].mean(), -mrr[i].mean()))
    print("\n| dense | sentence | words | bigrams | mean hit@1 | mean MRR@10 | per set hit@1 |")
    print("|---|---|---|---|---|---|---|")
    for i in [0, *order[: args.top]]:
        w = candidates[i]
        label = " (shipped)" if i == 0 else ""
        print(
            f"| {w.dense:.2f}{label} | {w.sentence:.2f} | {w.words:.2f} | {w.bigrams:.2f} | "
            f"{hit1[i].mean():.4f} | {mrr[i].mean():.4f} | {' / '.join(f'{h:.4f}' for h in hit1[i])} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
