"""Ranking levers measured and not kept (issue 12), each against the shipped ranking in one run.

Usage: .venv/bin/python benchmarks/ranking_levers.py [--no-rebuild]

Prints hit@1 / hit@5 of the speech and policy question sets, dev and test, for:
- context in the sentence vectors: the part heading beside the title, or a window of the
  sentence and its neighbours (two extra builds of the bundled index, about 1.5 min each);
- neighbour smoothing: a share of the better / mean fused score of the passages either side;
- the document's best fused score added to each of its passages;
- English questions searched twice, as written and with the glossary's Chinese terms appended,
  the better score per passage kept.
Questions are encoded one at a time, as `ask` encodes them. Nothing here is fitted: each lever is
a grid of shares; pick on dev, report test (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import index.hybrid as hybrid  # noqa: E402
from benchmarks.question_sets import Question, load_all, rank_of_all  # noqa: E402
from index.fusion import column_stats, standardise  # noqa: E402
from index.hybrid import CandidateTable, HybridIndex, cut_query  # noqa: E402
from index.query_plan import translate  # noqa: E402
from index.tokens import cjk_share, normalize  # noqa: E402

Row = tuple[Question, str, np.ndarray, CandidateTable]
Scorer = Callable[[HybridIndex, Row], dict[int, float]]


def rows_of(index: HybridIndex, encoder, questions: list[Question]) -> list[Row]:
    out = []
    for q in questions:
        text = cut_query(q.q)[0]
        vector = encoder.encode_queries([text])[0]
        table = index.candidate_table(text, vector)
        if table is not None:
            out.append((q, text, vector, table))
    return out


def shipped(index: HybridIndex, row: Row) -> dict[int, float]:
    table = row[3]
    return dict(zip(table[0].tolist(), index.ranking().score(table[1]).tolist()))


def report(label: str, index: HybridIndex, rows: list[Row], scorer: Scorer) -> None:
    ranks = []
    for row in rows:
        scores = scorer(index, row)
        top = sorted(scores, key=lambda r: -scores[r])[:5]
        ranks.append((row[0], rank_of_all(row[0].expects, [index.passages[r].text for r in top])))
    cells = [label]
    for name in ("speech", "policy"):
        for split in ("dev", "test"):
            part = [r for q, r in ranks if (q.source == "speech") == (name == "speech") and q.split == split]
            if part:
                cells.append(f"{np.mean([r == 0 for r in part]):.3f} / {np.mean([r is not None for r in part]):.3f}")
    print("| " + " | ".join(cells) + " |", flush=True)


def fused_everywhere(index: HybridIndex, text: str, q: np.ndarray) -> np.ndarray:
    """The issue-2 fusion for every passage (neighbours need theirs, candidates or not)."""
    dense = index.passage_vectors @ q
    sentence = dense.copy()
    scores = index.sentence_vectors @ q
    offsets = index.sentence_offsets
    for i in np.flatnonzero(offsets[1:] > offsets[:-1]):
        sentence[i] = scores[offsets[i] : offsets[i + 1]].max()
    words = index.words.scores(index.words.query_tokens(text))
    pairs = index.bigrams.scores(index.bigrams.query_tokens(text))
    w = index.weights
    return (
        w.dense * standardise(dense, *index.passage_stats.for_query(q))
        + w.sentence * standardise(sentence, *index.sentence_stats.for_query(q))
        + w.words * standardise(words, *column_stats(words))
        + w.bigrams * standardise(pairs, *column_stats(pairs))
    )


def neighbours(mode: str, share: float) -> Scorer:
    def score(index: HybridIndex, row: Row) -> dict[int, float]:
        fused = fused_everywhere(index, row[1], row[2])
        docs = index.structure.doc_of
        out = shipped(index, row)
        for r in out:
            near = [fused[j] for j in (r - 1, r + 1) if 0 <= j < index.size and docs[j] == docs[r]]
            out[r] += share * ((max(near) if mode == "max" else float(np.mean(near))) if near else fused[r])
        return out

    return score


def document_best(share: float) -> Scorer:
    def score(index: HybridIndex, row: Row) -> dict[int, float]:
        fused = fused_everywhere(index, row[1], row[2])
        docs = index.structure.doc_of
        best = {int(d): float(fused[docs == d].max()) for d in set(docs[row[3][0]].tolist())}
        return {r: s + share * best[int(docs[r])] for r, s in shipped(index, row).items()}

    return score


def english_twice(encoder) -> Scorer:
    def score(index: HybridIndex, row: Row) -> dict[int, float]:
        out = shipped(index, row)
        terms = translate(normalize(row[1])) if cjk_share(row[1]) < 0.3 else ""
        if terms:
            text = f"{row[1]} {terms}"
            table = index.candidate_table(text, encoder.encode_queries([text])[0])
            if table is not None:
                for r, s in zip(table[0].tolist(), index.ranking().score(table[1]).tolist()):
                    out[r] = max(out.get(r, -1e9), s)
        return out

    return score


def with_sentence_context(index: HybridIndex, encoder, cache, kind: str) -> HybridIndex:
    """The same passages, sentence vectors computed with more context (`kind`: heading, window)."""

    def units(passages):
        texts, offsets = [], [0]
        for p in passages:
            sentences = hybrid.passage_sentences(p)
            if len(sentences) > 1:
                for j, s in enumerate(sentences):
                    if kind == "heading":
                        texts.append(f"{p.doc_title} {p.heading}\n{s}" if p.heading else f"{p.doc_title}\n{s}")
                    else:
                        texts.append(f"{p.doc_title}\n{''.join(sentences[max(0, j - 1) : j + 2])}")
            offsets.append(len(texts))
        return texts, np.array(offsets, dtype=np.int64)

    original = hybrid.sentence_units
    hybrid.sentence_units = units
    try:
        built = HybridIndex.build(index.passages, encoder, cache=cache)
    finally:
        hybrid.sentence_units = original
    built.ranker = index.ranker
    return built


def main() -> int:
    from bot.core.services import build_services
    from bot.core.settings import resolve_settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--no-rebuild", action="store_true", help="skip the two sentence-context builds")
    args = parser.parse_args()
    services = build_services(resolve_settings())
    assistant = services.assistant
    index, encoder = assistant.index, assistant.encoder
    questions = [q for q in load_all() if q.in_scope]
    rows = rows_of(index, encoder, questions)
    print("| ranking | speech dev | speech test | policy dev | policy test |")
    print("|---|---|---|---|---|")
    report("shipped", index, rows, shipped)
    for mode in ("max", "mean"):
        for share in (0.1, 0.2, 0.3, 0.5):
            report(f"+ {share} × neighbours' {mode} fused", index, rows, neighbours(mode, share))
    for share in (0.1, 0.2, 0.4):
        report(f"+ {share} × document's best fused", index, rows, document_best(share))
    english = [r for r in rows if cjk_share(r[1]) < 0.3]
    print("\nEnglish questions only:\n")
    print("| ranking | speech dev | speech test | policy dev | policy test |")
    print("|---|---|---|---|---|")
    report("shipped", index, english, shipped)
    report("as written + with glossary terms, better kept", index, english, english_twice(encoder))
    if not args.no_rebuild:
        print("\n| sentence vectors | speech dev | speech test | policy dev | policy test |")
        print("|---|---|---|---|---|")
        for kind in ("heading", "window"):
            built = with_sentence_context(index, encoder, services.embedding_cache, kind)
            report(kind, built, rows_of(built, encoder, questions), shipped)
    return 0


if __name__ == "__main__":
    sys.exit(main())
