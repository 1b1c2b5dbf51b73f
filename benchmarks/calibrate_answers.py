"""Fit the answer-sentence model on the dev questions and write bot/core/answer_model.json.

Usage: .venv/bin/python benchmarks/calibrate_answers.py [--l2 1.0]
Every sentence of the best passages is a candidate; the model is a softmax over one question's
candidates (conditional logit), fitted on the dev split where some candidate holds the expected
span. Then the probability share the answer's sentences must reach (`mass`: one sentence when
the model is sure, up to three when not) is the smallest of MASSES with the best dev accuracy —
fewest sentences for the same accuracy. Prints answer accuracy (the answer text holds the
expected span) before and after, per split and source, and per share; the test split is
reported, never fitted on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.question_sets import Question, load_all  # noqa: E402
from bot.core.answer_sentences import FEATURES, MODEL_FILE, AnswerModel, Candidate, likely  # noqa: E402
from bot.core.answering import answer_lines  # noqa: E402
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


MASSES = tuple(round(0.05 * i, 2) for i in range(0, 20))  # 0 = always the single best sentence


def answer_ok(question: Question, hits, found: list[Candidate], model: AnswerModel, mass: float) -> tuple[bool, int]:
    """Does the answer `ask` would give (the likely sentences) hold every span; and its length."""
    text = "\n".join(answer_lines(hits, likely(model, found, mass)))
    return question.answered_by(text), len(text)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--l2", type=float, default=1.0)
    args = parser.parse_args()
    assistant = build_services(resolve_settings()).assistant
    questions = [q for q in load_all() if q.in_scope]
    groups: list[tuple[Question, np.ndarray, np.ndarray, list[str]]] = []
    searched = []
    for question in questions:
        result = assistant.retrieve(question.q, k=5)
        found = assistant.sentence_candidates(result)
        if not found:
            continue
        answers = [answer_lines(result.hits, [c])[0] for c in found]
        x = np.array([[c.features[f] for f in FEATURES] for c in found])
        y = np.array([question.answered_by(a) for a in answers], dtype=float)
        groups.append((question, x, y, answers))
        searched.append((question, result.hits, found))
    scale = np.vstack([x for _, x, _, _ in groups]).std(axis=0) + 1e-9
    dev = [(x / scale, y) for q, x, y, _ in groups if q.split == "dev" and y.any()]
    beta = fit_conditional_logit(dev, args.l2) / scale
    old = AnswerModel.load()
    fitted = AnswerModel(tuple(float(w) for w in beta))
    print("\n| mass | dev accurate | dev mean chars | test accurate | test mean chars |")
    print("|---|---|---|---|---|")
    best_mass, best_dev = 0.0, -1.0
    for mass in MASSES:
        cells = []
        for split in ("dev", "test"):
            judged = [answer_ok(q, hits, found, fitted, mass) for q, hits, found in searched if q.split == split]
            cells.append((np.mean([ok for ok, _ in judged]), np.mean([n for _, n in judged])))
        print(f"| {mass:.2f} | {cells[0][0]:.3f} | {cells[0][1]:.0f} | {cells[1][0]:.3f} | {cells[1][1]:.0f} |")
        if cells[0][0] > best_dev + 1e-9:
            best_mass, best_dev = mass, cells[0][0]
    fitted = AnswerModel(fitted.weights, mass=best_mass)
    MODEL_FILE.write_text(fitted.to_json() + "\n", encoding="utf-8")
    print("weights:", dict(zip(FEATURES, np.round(beta, 3))), f"mass {best_mass} -> {MODEL_FILE}")
    print("\n| split | source | n | reachable | previous model | fitted model | fitted, likely sentences |")
    print("|---|---|---|---|---|---|---|")
    likely_ok = {q: answer_ok(q, h, f, fitted, fitted.mass)[0] for q, h, f in searched}
    for split in ("dev", "test"):
        for source in ("speech", "policy"):
            rows = [g for g in groups if g[0].split == split and (g[0].source == "speech") == (source == "speech")]
            reach = np.mean([y.any() for _, _, y, _ in rows])
            before = np.mean([y[int(np.argmax(x @ np.array(old.weights)))] for _, x, y, _ in rows])
            after = np.mean([y[int(np.argmax(x @ beta))] for _, x, y, _ in rows])
            sentences = np.mean([likely_ok[q] for q, _, _, _ in rows])
            print(f"| {split} | {source} | {len(rows)} | {reach:.3f} | {before:.3f} | {after:.3f} | {sentences:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
