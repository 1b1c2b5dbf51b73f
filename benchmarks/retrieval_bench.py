"""Retrieval quality and speed benchmarks for issue 2 (numbers go to docs/benchmarks.md).

Usage:
    .venv/bin/python benchmarks/retrieval_bench.py --bench ../shared/bench [--skip-100k]

Prints, measured in one run:
- hit@1/5/10 and MRR@10 of the fused ranking and of each retriever alone on every
  `*_passages.jsonl` / `*_queries.jsonl` pair in --bench;
- the hand-written speech/policy question sets: hit@1/hit@5 and the in/out-of-scope decision;
- warm `ask` latency p50/p95 on the bundled corpus, search latency on a synthetic 100k index;
- cold start of `policybot ask` (process start to first answer), build throughput, peak RSS.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_sets import load_bench_sets  # noqa: E402
from benchmarks.question_report import compare  # noqa: E402
from benchmarks.question_sets import load_all  # noqa: E402
from bot.core.answer_cue import answer_near_flags  # noqa: E402
from corpus.model import Passage  # noqa: E402
from index.encoder import normalize_rows  # noqa: E402
from index.evaluation import SINGLE_RETRIEVERS, evaluate  # noqa: E402
from index.fusion import FusionWeights  # noqa: E402
from index.hybrid import DenseStats, HybridIndex, sentence_units  # noqa: E402
from index.keywords import KeywordIndex  # noqa: E402
from index.ranker import shipped_ranker  # noqa: E402
from index.vectors import VectorIndex  # noqa: E402


class MemoEncoder:
    """Encodes each query once even though every retriever is evaluated on it."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self._queries: dict[str, np.ndarray] = {}

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self._queries]
        if missing:
            for text, vector in zip(missing, self.inner.encode_queries(missing)):
                self._queries[text] = vector
        return np.stack([self._queries[t] for t in texts])

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode_passages(texts)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def bench_sets(bench: Path, encoder, cache, max_passages: int = 0) -> None:
    print("\n## Retrieval on the benchmark sets, per half (A: tuning, B: reported; benchmarks/bench_sets.py)")
    memo = MemoEncoder(encoder)
    for bench_set in load_bench_sets(bench, max_passages):
        index = HybridIndex.build(bench_set.passages, encoder, cache=cache)
        memo.encode_queries([q.question[:512] for q in bench_set.queries])  # encode once, time search only
        print(f"\n{bench_set.name}: {len(bench_set.passages)} passages, {len(bench_set.queries)} queries")
        print("| ranking | half | n | hit@1 | hit@5 | hit@10 | MRR@10 |")
        print("|---|---|---|---|---|---|---|")
        rankings = [
            ("learned ranker" if shipped_ranker(index.model) else "index default (fusion)", None),
            ("fused (shipped issue-2 weights)", FusionWeights()),
            *SINGLE_RETRIEVERS.items(),
        ]
        for name, weights in rankings:
            for half in ("A", "B"):
                queries = bench_set.half(half)
                s = evaluate(index, memo, queries, weights)
                print(
                    f"| {name} | {half} | {len(queries)} | {s.hit_at_1:.4f} | {s.hit_at_5:.4f} | "
                    f"{s.hit_at_10:.4f} | {s.mrr_at_10:.4f} |"
                )


def question_sets(assistant) -> None:
    print("\n## Hand-written questions on the bundled corpus (benchmarks/data)")
    compare(assistant)


def warm_latency(assistant) -> None:
    questions = [q.q for q in load_all()]
    for q in questions[:5]:
        assistant.ask(q)
    times = []
    for q in questions:
        started = time.perf_counter()
        assistant.ask(q)
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"\nwarm ask on the bundled corpus ({len(times)} questions): p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms"
    )


def synthetic_100k(assistant, size: int = 100_000) -> None:
    """A 100k-passage index: real corpus sentences recombined, random unit vectors."""
    rng = random.Random(7)
    sentences = [s for p in assistant.index.passages for s in p.text.split("。") if len(s) > 8]
    texts = ["。".join(rng.sample(sentences, 3)) + "。" for _ in range(size)]
    passages = [
        Passage(f"s{i}", "synthetic", "合成语料", "", f"第{i}段", t, 0, len(t)) for i, t in enumerate(texts)
    ]
    _, offsets = sentence_units(passages)
    dim = assistant.encoder.dim
    started = time.perf_counter()
    vectors = normalize_rows(np.random.default_rng(7).standard_normal((size, dim)).astype(np.float32))
    sentence_vectors = normalize_rows(
        np.random.default_rng(8).standard_normal((int(offsets[-1]), dim)).astype(np.float32)
    )
    index = HybridIndex(
        passages=passages,
        passage_vectors=vectors,
        sentence_vectors=sentence_vectors,
        sentence_offsets=offsets,
        dense=VectorIndex.build(vectors),  # "auto": exact at this size
        sentences=VectorIndex.build(sentence_vectors),  # "auto": HNSW past 200k vectors
        words=KeywordIndex.build(texts, "words"),
        bigrams=KeywordIndex.build(texts, "bigrams"),
        passage_stats=DenseStats.of(vectors),
        sentence_stats=DenseStats.of(sentence_vectors),
        weights=assistant.index.weights,
        model=assistant.index.model,
    )
    print(
        f"\nsynthetic index: {size} passages, {len(sentence_vectors)} sentence vectors, "
        f"built in {time.perf_counter() - started:.0f} s (random vectors)"
    )
    questions = [q.q for q in load_all()]
    for q in questions[:5]:
        index.search(q, assistant.encoder, answer_check=answer_near_flags)
    times = []
    for q in questions:
        started = time.perf_counter()
        index.search(q, assistant.encoder, answer_check=answer_near_flags)
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"search at {size} passages (query encoding included): p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms"
    )


def cold_start_and_build() -> None:
    exe = str(ROOT / ".venv" / "bin" / "policybot")
    env = dict(os.environ)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([exe, "ask", "--json", "三个大抓"], env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    print(
        f"\ncold `policybot ask` with a built index: {min(times):.2f} s best, {np.median(times):.2f} s median of 3"
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS of `policybot ask`: {peak:.0f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        build_env = dict(env, POLICYBOT_DATA_DIR=tmp)  # empty embedding cache: everything is embedded
        started = time.perf_counter()
        out = subprocess.run(
            [exe, "index", "build", "--corpus", str(ROOT / "corpus" / "texts"), "--out", f"{tmp}/idx"],
            env=build_env,
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
    passages = int(out.stdout.split("篇文档，")[1].split(" 个段落")[0])
    print(
        f"build of the bundled corpus from scratch: {passages} passages in {seconds:.1f} s = {passages / seconds:.0f} passages/s (process start included)"
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS of any child so far (build included): {peak:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--bench", type=Path, required=True, help="folder with *_passages.jsonl / *_queries.jsonl"
    )
    parser.add_argument("--skip-100k", action="store_true")
    parser.add_argument(
        "--bench-passages", type=int, default=0, help="a fixed sample of about this many passages per set"
    )
    parser.add_argument("--skip-sets", action="store_true")
    parser.add_argument("--skip-processes", action="store_true", help="skip cold start and build timing")
    parser.add_argument("--skip-questions", action="store_true", help="skip the hand-written question sets")
    args = parser.parse_args()
    from bot.core.services import build_services
    from bot.core.settings import resolve_settings

    if not args.skip_processes:
        cold_start_and_build()
    services = build_services(resolve_settings())
    assistant = services.assistant
    if not args.skip_questions:
        question_sets(assistant)
        warm_latency(assistant)
    if not args.skip_sets:
        bench_sets(args.bench, assistant.encoder, services.embedding_cache, args.bench_passages)
    if not args.skip_100k:
        synthetic_100k(assistant)
    print(
        f"\npeak RSS of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
