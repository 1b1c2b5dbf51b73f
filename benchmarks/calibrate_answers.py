"""Fit the answer-sentence model on the dev questions and write bot/core/answer_model.json.

Usage: .venv/bin/python benchmarks/calibrate_answers.py [--l2 1.0]
Every sentence of the best passages is a candidate; the model is a softmax over one question's
candidates (conditional logit), fitted on the dev split where some candidate holds the expected
span. Prints answer accuracy (the answer text holds the expected span) before and after, per
split and source; the test split is reported, never fitted on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.question_sets import Question, load_all  # noqa: E402
from bot.core.answer_sentences import FEATURES, MODEL_FILE, AnswerModel, with_short_successor  # noqa: E402
from bot.core.services import build_services  # noqa: E402
from bot.core.settings import resolve_settings  # noqa: E402


def fit_conditional_logit(groups: list[tuple[np.ndarray, np.ndarray]], l2: float, steps: int = 300) -> np.ndarray:
    """Weights maximising the softmax probability of the right candidates, by Newton steps."""
    beta = np.zeros(groups[0][0].shape[1])
    for _ in range(steps):
        gradient = l2 * beta
        hessian = l2 * np.eye(len(beta))
        for x, y in groups:
            z = x @ beta
            p = np.exp(z - z.max())
            p /= p.sum()
            target = y / y.sum()
            mean = p @ x
            gradient -= target @ x - mean
            hessian += (x * p[:, None]).T @ x - np.outer(mean, mean)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return beta


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--l2", type=float, default=1.0)
    args = parser.parse_args()
    assistant = build_services(resolve_settings()).assistant
    questions = [q for q in load_all() if q.in_scope]
    groups: list[tuple[Question, np.ndarray, np.ndarray, list[str]]] = []
    for question in questions:
        result = assistant.retrieve(question.q, k=5)
        found = assistant.sentence_candidates(result)
        if not found:
            continue
        answers = [with_short_successor(result.hits[c.hit_index], c.sentence) for c in found]
        x = np.array([[c.features[f] for f in FEATURES] for c in found])
        y = np.array([all(e in a for e in question.expects) for a in answers], dtype=float)
        groups.append((question, x, y, answers))
    scale = np.vstack([x for _, x, _, _ in groups]).std(axis=0) + 1e-9
    dev = [(x / scale, y) for q, x, y, _ in groups if q.split == "dev" and y.any()]
    beta = fit_conditional_logit(dev, args.l2) / scale
    old = AnswerModel.load()
    MODEL_FILE.write_text(AnswerModel(tuple(float(w) for w in beta)).to_json() + "\n", encoding="utf-8")
    print("weights:", dict(zip(FEATURES, np.round(beta, 3))), f"-> {MODEL_FILE}")
    print("\n| split | source | n | reachable | previous model | fitted model |")
    print("|---|---|---|---|---|---|")
    for split in ("dev", "test"):
        for source in ("speech", "policy"):
            rows = [g for g in groups if g[0].split == split and (g[0].source == "speech") == (source == "speech")]
            reach = np.mean([y.any() for _, _, y, _ in rows])
            before = np.mean([y[int(np.argmax(x @ np.array(old.weights)))] for _, x, y, _ in rows])
            after = np.mean([y[int(np.argmax(x @ beta))] for _, x, y, _ in rows])
            print(f"| {split} | {source} | {len(rows)} | {reach:.3f} | {before:.3f} | {after:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
