"""Fit the learned ranker (index/ranker_model.json) on dev data only, and say how it does on dev.

Usage: .venv/bin/python benchmarks/fit_ranker.py --bench ../shared/bench [--write]

Training questions: the dev split of the speech and policy sets (benchmarks/data) on the bundled
index, and half A of CMRC trial and DRCD dev (benchmarks/bench_sets.py). For each question the
answering passage is paired with each of the best-fused wrong candidates and a pairwise logistic
regression learns the feature weights (each set weighs the same in total, whatever its size).
Test splits and half B are never read here: retrieval_bench.py / question_report.py report them.
Rerun after the encoder changes (the model records the encoder it was fitted with).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_sets import load_bench_sets  # noqa: E402
from benchmarks.question_sets import load_all  # noqa: E402
from corpus.model import Passage  # noqa: E402
from index.builder import default_cache  # noqa: E402
from index.encoder import Encoder  # noqa: E402
from index.fusion import FusionWeights  # noqa: E402
from index.hybrid import HybridIndex, cut_query  # noqa: E402
from index.ranker import FEATURES, MODEL_FILE, LinearRanker  # noqa: E402

HARD_NEGATIVES = 30


@dataclass
class Group:
    """One question's candidates: feature matrix and which rows answer it."""

    x: np.ndarray
    positive: np.ndarray


def groups(
    index: HybridIndex,
    encoder: Encoder,
    questions: list[str],
    answers: Callable[[int, Passage], bool],
) -> list[Group]:
    texts = [cut_query(q)[0] for q in questions]
    vectors = encoder.encode_queries(texts)
    out = []
    for i, (text, vector) in enumerate(zip(texts, vectors)):
        table = index.candidate_table(text, vector)
        if table is None:
            continue
        rows, columns = table[0], table[1]
        positive = np.array([answers(i, index.passages[r]) for r in rows])
        if positive.any() and not positive.all():
            out.append(Group(np.column_stack([columns[f] for f in FEATURES]), positive))
    return out


def pairs(group_list: list[Group], weight: float) -> tuple[np.ndarray, np.ndarray]:
    """Differences positive − hard negative, weighted so that the whole set sums to `weight`."""
    fusion = LinearRanker.from_fusion(FusionWeights())
    base = np.array(fusion.weights)
    diffs, weights = [], []
    for g in group_list:
        fused = g.x[:, : len(base)] @ base
        negatives = [i for i in np.argsort(-fused) if not g.positive[i]][:HARD_NEGATIVES]
        for p in np.flatnonzero(g.positive):
            diffs.append(g.x[p] - g.x[negatives])
            weights.append(np.full(len(negatives), 1.0))
    d, w = np.vstack(diffs), np.concatenate(weights)
    return d, w * weight / w.sum()


def fit(d: np.ndarray, w: np.ndarray, l2: float, steps: int = 30) -> np.ndarray:
    """Newton's method: minimise Σ w·log(1 + exp(−β·d)) + l2/2·|β|² (no intercept: pairs)."""
    beta = np.zeros(d.shape[1])
    for _ in range(steps):
        margin = d @ beta
        p = 1 / (1 + np.exp(np.clip(margin, -50, 50)))  # probability the pair is misordered
        gradient = -(d.T @ (w * p)) + l2 * beta
        hessian = d.T @ (d * (w * p * (1 - p))[:, None]) + l2 * np.eye(d.shape[1])
        beta -= np.linalg.solve(hessian, gradient)
    return beta


def hit_at_1(group_list: list[Group], weights: np.ndarray) -> float:
    return float(np.mean([g.positive[int(np.argmax(g.x @ weights))] for g in group_list]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", type=Path, required=True)
    parser.add_argument("--l2", type=float, default=0.01)
    parser.add_argument("--write", action="store_true", help=f"write {MODEL_FILE}")
    parser.add_argument("--drop", nargs="*", default=[], help="features to leave out (ablation)")
    args = parser.parse_args()
    from bot.core.loading import open_assistant

    assistant = open_assistant()
    dev = [q for q in load_all() if q.in_scope and q.split == "dev"]
    data: dict[str, list[Group]] = {}
    for name in ("speech", "policy"):
        qs = [q for q in dev if (q.source == "speech") == (name == "speech")]
        data[name] = groups(
            assistant.index,
            assistant.encoder,
            [q.q for q in qs],
            lambda i, p, qs=qs: any(e in p.text for e in qs[i].expects),
        )
    for bench_set in load_bench_sets(args.bench):
        index = HybridIndex.build(bench_set.passages, assistant.encoder, cache=default_cache())
        half = bench_set.half("A")
        data[bench_set.name] = groups(
            index,
            assistant.encoder,
            [q.question for q in half],
            lambda i, p, half=half: p.passage_id == half[i].passage_id,
        )
    keep = np.array([f not in args.drop for f in FEATURES])
    parts = [pairs(g, 1.0 / len(data)) for g in data.values()]
    d = np.vstack([p[0] for p in parts])[:, keep]
    w = np.concatenate([p[1] for p in parts])
    beta = np.zeros(len(FEATURES))
    beta[keep] = fit(d, w, args.l2)
    shipped = np.zeros(len(FEATURES))
    shipped[:4] = LinearRanker.from_fusion(FusionWeights()).weights
    print("| dev set | questions | hit@1 shipped fusion | hit@1 learned |")
    print("|---|---|---|---|")
    for name, group_list in data.items():
        print(
            f"| {name} | {len(group_list)} | {hit_at_1(group_list, shipped):.3f} | "
            f"{hit_at_1(group_list, beta):.3f} |"
        )
    print("weights:", {f: round(float(b), 3) for f, b in zip(FEATURES, beta)})
    if args.write:
        ranker = LinearRanker(
            weights=tuple(round(float(b), 5) for b in beta),
            model=assistant.encoder.name,
            trained_on="speech+policy dev, CMRC trial + DRCD dev half A (benchmarks/fit_ranker.py)",
        )
        MODEL_FILE.write_text(ranker.to_json() + "\n", encoding="utf-8")
        print(f"-> {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
