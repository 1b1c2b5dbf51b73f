"""The ONNX encoder against the sentence-transformers reference, one run.

Usage:
    .venv/bin/python benchmarks/encoder_parity.py [--cache FILE] [--bench ../shared/bench]
    .venv/bin/python benchmarks/encoder_parity.py --variants int8 int8-rows fp32 \
        [--models /tmp/parity-models] [--bench ../shared/bench --bench-passages 250]

Fused ranking (default): builds the bundled corpus's index with the shipped ONNX encoder and the
reference (vectors kept in --cache, keyed by the encoders' distinct model names, so a second run
only searches) and prints hit@1 / hit@5 of the fused ranking and the in/out-of-scope decision on
the hand-written question sets, with the difference in points; with --bench, hit@1/5/10 on the
benchmark sets as well.

Variants (--variants, recipes of index.onnx_quantize plus the experiments below): each export
is made from one fp32 graph in --models, then measured in a process of its own (for its peak
RSS): cosine to the reference on sample texts and every 40th passage, dense hit@1/hit@5 (passage
and sentence vectors, best per passage) of the speech questions over the speech's passages and
of the policy questions over the laws' passages, each question encoded alone as `ask` does,
and speed: passages/s encoding the bundled passages, one-query ms (median), session start, file
size.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_sets import load_bench_sets  # noqa: E402
from benchmarks.question_sets import load_all, run  # noqa: E402
from bot.core.answering import Assistant  # noqa: E402
from bot.core.scope import load_scope_judge  # noqa: E402
from bot.core.settings import resolve_settings  # noqa: E402
from corpus.bundled import BUNDLED_DIR  # noqa: E402
from corpus.cleaning import normalize_for_matching  # noqa: E402
from corpus.model import Passage  # noqa: E402
from corpus.passage_file import load_passages_jsonl  # noqa: E402
from index.builder import collect_passages  # noqa: E402
from index.embedding_cache import EmbeddingCache  # noqa: E402
from index.encoder import load_encoder  # noqa: E402
from index.evaluation import evaluate, load_queries  # noqa: E402
from index.hybrid import HybridIndex, sentence_units  # noqa: E402
from index.onnx_encoder import OnnxEncoder, OnnxModelInfo  # noqa: E402
from index.onnx_export import ONNX_CONFIG, export_onnx  # noqa: E402
from index.onnx_quantize import PARITY_SAMPLES, RECIPES, Recipe, quantize  # noqa: E402
from index.paths import prepared_model_dir  # noqa: E402

BACKENDS = ("torch", "onnx")
REFERENCE = "reference"  # sentence-transformers, as `--variants` names it
_LAST_TWO = ("layer.10/", "layer.11/")
EXPERIMENTS = {  # recipes measured here but not offered by `policybot model prepare`
    r.variant: r
    for r in (
        Recipe("int8-fp32-table", table="fp32"),
        Recipe("int8-rows-last2-fp32", table="rows", keep_fp32=_LAST_TWO),
        Recipe("int8-rows-body-fp32", table="rows", keep_fp32=("MatMul",)),
    )
}


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


@dataclasses.dataclass(frozen=True)
class DenseSet:
    """Passages (then their sentences) and questions whose answer lies in some of them."""

    name: str
    texts: list[str]
    owner: np.ndarray  # passage of each text
    questions: list[str]
    gold: list[set[int]]


def _dense_set(name: str, passages: list[Passage], questions: list[str], gold: list[set[int]]) -> DenseSet:
    sentences, offsets = sentence_units(passages)
    owner = np.concatenate([np.arange(len(passages)), np.repeat(np.arange(len(passages)), np.diff(offsets))])
    return DenseSet(name, [p.index_text() for p in passages] + sentences, owner, questions, gold)


def dense_sets(bench: Path | None, bench_passages: int) -> list[DenseSet]:
    passages = collect_passages([BUNDLED_DIR], []).passages
    speech_ids = {path.stem for path in (BUNDLED_DIR / "speech").iterdir()}
    out = []
    for name in ("speech", "policy"):
        chosen = [p for p in passages if (p.doc_id in speech_ids) == (name == "speech")]
        texts = [normalize_for_matching(p.text) for p in chosen]
        questions = [q for q in load_all() if q.in_scope and (q.source == "speech") == (name == "speech")]
        gold = [
            {i for i, t in enumerate(texts) if all(normalize_for_matching(e) in t for e in q.expects)}
            for q in questions
        ]
        out.append(_dense_set(name, chosen, [q.q for q in questions], gold))
    for bench_set in load_bench_sets(bench, bench_passages) if bench else []:
        position = {p.passage_id: i for i, p in enumerate(bench_set.passages)}
        queries = bench_set.queries
        gold = [{position[q.passage_id]} for q in queries]
        out.append(_dense_set(bench_set.name, bench_set.passages, [q.question for q in queries], gold))
    return out


def make_variant(models: Path, variant: str) -> Path:
    """The export of `variant` in `models`, quantised from one fp32 export (made once)."""
    fp32 = export_onnx(prepared_model_dir(resolve_settings().cache_dir), models / "fp32", "fp32")
    recipe = RECIPES.get(variant) or EXPERIMENTS[variant]
    target = models / variant
    if variant == "fp32" or (target / ONNX_CONFIG).exists():
        return target
    staging = models / f".{variant}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(fp32, staging, ignore=shutil.ignore_patterns("model.onnx"))
    quantize(fp32 / "model.onnx", staging / "model.onnx", recipe)
    config = json.loads((staging / ONNX_CONFIG).read_text(encoding="utf-8"))
    (staging / ONNX_CONFIG).write_text(json.dumps(config | {"variant": variant}), encoding="utf-8")
    staging.rename(target)
    return target


def measure_variant(variant: str, models: Path, sets: list[DenseSet], out: Path, speed_round: int) -> None:
    """Encode with one encoder (in a process of its own) and save vectors and speed.

    speed_round 0: everything (vectors and speed); k > 0: speed only, saved as round k.
    """
    settings = resolve_settings()
    started = time.perf_counter()
    encoder: Any
    if variant == REFERENCE:
        encoder = load_encoder(settings.model, settings.cache_dir, settings.bf16, backend="torch")
        size = 0.0
    else:
        info = OnnxModelInfo.read(models / variant)
        encoder = OnnxEncoder(variant, info)
        size = (info.folder / info.model_file).stat().st_size / 1e6
    session = time.perf_counter() - started
    passages = [p.index_text() for p in collect_passages([BUNDLED_DIR], []).passages]
    started = time.perf_counter()
    encoder.encode_passages(passages)
    rate = len(passages) / (time.perf_counter() - started)
    arrays: dict[str, np.ndarray] = {}
    query_ms: list[float] = []
    for dense in sets[:2]:  # the hand-written questions time one query
        rows = []
        for question in dense.questions:
            started = time.perf_counter()
            rows.append(encoder.encode_queries([question])[0])
            query_ms.append(1000 * (time.perf_counter() - started))
        arrays[f"{dense.name}/questions"] = np.stack(rows)
    speed = {
        "session_s": session,
        "passages_per_s": rate,
        "query_ms": statistics.median(query_ms),
        "file_mb": size,
        "peak_rss_mb": peak_rss_mb(),
    }
    if speed_round:
        (out / f"{variant}.speed{speed_round}.json").write_text(json.dumps(speed), encoding="utf-8")
        return
    for dense in sets:
        arrays[f"{dense.name}/texts"] = encoder.encode_passages(dense.texts)
        if f"{dense.name}/questions" not in arrays:
            arrays[f"{dense.name}/questions"] = np.stack([encoder.encode_queries([q])[0] for q in dense.questions])
    sample = PARITY_SAMPLES + passages[::40]
    arrays["sample/queries"] = encoder.encode_queries(sample)
    arrays["sample/passages"] = encoder.encode_passages(sample)
    np.savez(out / f"{variant}.npz", **arrays)
    (out / f"{variant}.json").write_text(json.dumps(speed), encoding="utf-8")


def median_speed(out: Path, variant: str) -> tuple[dict[str, float], int]:
    """Speed of `variant`: the median over its speed rounds if any, else the quality pass's."""
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob(f"{variant}.speed*.json"))]
    if not runs:
        return json.loads((out / f"{variant}.json").read_text(encoding="utf-8")), 1
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}, len(runs)


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss, not inherited from the parent at fork)."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def hits(dense: DenseSet, questions: np.ndarray, texts: np.ndarray) -> tuple[float, float]:
    """hit@1, hit@5 of the dense ranking (a passage scores as its best text)."""
    ranked = [list(dict.fromkeys(dense.owner[np.argsort(-row)]))[:5] for row in questions @ texts.T]
    found = [(top[0] in gold, bool(set(top) & gold)) for top, gold in zip(ranked, dense.gold)]
    return float(np.mean([f[0] for f in found])), float(np.mean([f[1] for f in found]))


def variant_table(variants: list[str], models: Path, sets: list[DenseSet], out: Path) -> None:
    reference = np.load(out / f"{REFERENCE}.npz")
    names = [s.name for s in sets]
    head = ["variant", "cosine median", "cosine min"]
    head += [f"{n} hit@{k} (n={len(s.questions)})" for n, s in zip(names, sets) for k in (1, 5)]
    head += ["passages/s", "one query ms", "session s", "file MB", "peak RSS MB"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for variant in [REFERENCE, *variants]:
        speed, runs = median_speed(out, variant)
        cells = [variant if runs == 1 else f"{variant} (speed: median of {runs})"]
        if (out / f"{variant}.npz").exists():
            vectors = np.load(out / f"{variant}.npz")
            cosines = np.concatenate(
                [np.sum(vectors[k] * reference[k], axis=1) for k in ("sample/queries", "sample/passages")]
            )
            cells += [f"{np.median(cosines):.4f}", f"{cosines.min():.4f}"]
            for dense in sets:
                found = hits(dense, vectors[f"{dense.name}/questions"], vectors[f"{dense.name}/texts"])
                cells += [f"{h:.3f}" for h in found]
        else:  # timed only (--speed-variants)
            cells += [""] * (2 + 2 * len(sets))
        cells += [f"{speed['passages_per_s']:.1f}", f"{speed['query_ms']:.2f}", f"{speed['session_s']:.2f}"]
        cells += [f"{speed['file_mb']:.0f}" if speed["file_mb"] else "", f"{speed['peak_rss_mb']:.0f}"]
        print("| " + " | ".join(cells) + " |", flush=True)


def compare_variants(args: argparse.Namespace) -> None:
    sets = dense_sets(args.bench, args.bench_passages)
    out = args.models / "vectors"
    out.mkdir(parents=True, exist_ok=True)
    for variant in [*args.variants, *(args.speed_only or [])]:
        make_variant(args.models, variant)
    for variant in [REFERENCE, *args.variants]:
        if (out / f"{variant}.json").exists() and not args.remeasure:
            continue  # measured earlier into the same folder
        command = [sys.executable, __file__, "--measure", variant, "--models", str(args.models)]
        if args.bench:
            command += ["--bench", str(args.bench), "--bench-passages", str(args.bench_passages)]
        subprocess.run(command, check=True)
        print(f"done: {variant}", file=sys.stderr, flush=True)
    for speed_round in range(1, args.speed_runs + 1):  # variants alternate within each round
        for variant in args.speed_variants or [REFERENCE, *args.variants, *(args.speed_only or [])]:
            command = [sys.executable, __file__, "--measure", variant, "--models", str(args.models)]
            subprocess.run([*command, "--speed-round", str(speed_round)], check=True)
        print(f"done: speed round {speed_round}", file=sys.stderr, flush=True)
    variant_table([*args.variants, *(args.speed_only or [])], args.models, sets, out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", type=Path, default=Path("/tmp/policybot-parity/embeddings.sqlite"))
    parser.add_argument("--bench", type=Path, help="folder of *_passages.jsonl / *_queries.jsonl pairs")
    parser.add_argument("--bench-passages", type=int, default=250, help="with --variants: sample size per set")
    parser.add_argument("--variants", nargs="*", help=f"exports to compare: {', '.join([*RECIPES, *EXPERIMENTS])}")
    parser.add_argument("--models", type=Path, default=Path("/tmp/policybot-parity/models"))
    parser.add_argument("--remeasure", action="store_true", help="measure again what --models holds")
    parser.add_argument("--speed-runs", type=int, default=0, help="rounds of speed-only runs (medians)")
    parser.add_argument("--speed-variants", nargs="*", help="the variants the speed rounds time (default: all)")
    parser.add_argument("--speed-only", nargs="*", help="variants only timed, not compared (their vectors unsaved)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # one variant, in a process of its own
    parser.add_argument("--speed-round", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sets = dense_sets(args.bench, args.bench_passages)
        measure_variant(args.measure, args.models, sets, args.models / "vectors", args.speed_round)
        return
    if args.variants:
        compare_variants(args)
        return
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
