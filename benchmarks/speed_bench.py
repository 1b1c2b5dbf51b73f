"""Speed of the ONNX Runtime encoder against the sentence-transformers baseline, in one run.

Usage:
    .venv/bin/python benchmarks/speed_bench.py [--runs 3] [--build-runs 1] [--backends onnx,torch]
        [--baseline REF [--baseline-cache DIR]]

Prints, per encoder backend (POLICYBOT_ENCODER=onnx / torch), each measured in separate
processes on the bundled corpus:
- build from scratch (`policybot index build --passages … --no-cache`) of the bundled corpus's
  passages (or the first --passages N): passages/s of the whole process (model load included),
  per wall second and per CPU second, and peak RSS;
- cold `policybot ask` over the index it built (process start to answer printed): median of
  --runs runs, the backends alternating so that load on the machine hits both alike; peak RSS;
- warm ask latency p50/p95 in one process over the hand-written questions;
- with --baseline REF, the ONNX build, cold asks and warm latency of commit REF's code too
  (checked out beside this one), each over the index its own code built and this checkout's
  questions, builds and cold asks alternating with this checkout's: a before/after in one run.
  --baseline-cache DIR: the baseline's POLICYBOT_CACHE_DIR, when its prepared model differs
  from this checkout's (an older ONNX export); default: the same cache.
The machine is shared and noisy: compare backends within one run, never across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTION = "创建品牌的主题是什么？"


def policybot(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.terminal.cli", *args]


def run_child(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one child process, as /usr/bin/time -v reports them.

    CPU seconds (user + system) stay comparable when other work crowds the machine; wall
    seconds are what a user waits.
    """
    started = time.perf_counter()
    pid = os.posix_spawn(
        command[0],
        command,
        env,
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
        ],
    )
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(command)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def environment(
    backend: str, data_dir: Path, root: Path = ROOT, cache_dir: Path | None = None
) -> dict[str, str]:
    """`root`: the checkout whose code runs (another one for a --baseline commit), with its cache."""
    env = dict(os.environ, POLICYBOT_ENCODER=backend, POLICYBOT_DATA_DIR=str(data_dir))
    if cache_dir is not None:
        env["POLICYBOT_CACHE_DIR"] = str(cache_dir)
    env["PYTHONPATH"] = str(root)
    env["PYTHONSAFEPATH"] = "1"  # the working folder must not put this checkout before `root`
    return env


@contextmanager
def checkout(ref: str, work: Path) -> Iterator[Path]:
    """`ref` checked out beside this one (a detached worktree), removed afterwards."""
    folder = work / "baseline"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(folder), ref], check=True
    )
    try:
        yield folder
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], check=False)


def passages_file(work: Path, limit: int | None) -> tuple[Path, int]:
    """The bundled corpus's passages (the first `limit`) as a --passages file."""

    from corpus.bundled import BUNDLED_DIR
    from index.builder import collect_passages

    passages = collect_passages([BUNDLED_DIR], []).passages[:limit]
    path = work / "passages.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for p in passages:
            record = {"id": p.passage_id, "title": p.doc_title, "text": p.text}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path, len(passages)


@dataclass(frozen=True)
class Code:
    """Which checkout's code a label ("onnx", "torch", "onnx@REF") runs, with which model cache."""

    root: Path = ROOT
    cache: Path | None = None  # None: this process's POLICYBOT_CACHE_DIR

    def env(self, label: str, work: Path) -> dict[str, str]:
        return environment(label.split("@")[0], work / f"data-{label}", self.root, self.cache)


Timings = tuple[list[float], list[float], float]  # wall seconds, CPU seconds, peak RSS MB


def alternate(
    commands: dict[str, list[str]], codes: dict[str, Code], work: Path, runs: int
) -> dict[str, Timings]:
    """Each label's command `runs` times, the labels alternating so that load hits them alike."""
    results: dict[str, Timings] = {label: ([], [], 0.0) for label in commands}
    for _ in range(runs):
        for label, command in commands.items():
            wall, cpu, rss = run_child(command, codes[label].env(label, work))
            walls, cpus, peak = results[label]
            walls.append(wall)
            cpus.append(cpu)
            results[label] = (walls, cpus, max(peak, rss))
    return results


def builds(
    source: Path, codes: dict[str, Code], work: Path, runs: int
) -> tuple[dict[str, Path], dict[str, Timings]]:
    indexes = {label: work / f"index-{label}" for label in codes}
    commands = {
        label: policybot(
            "index", "build", "--passages", str(source), "--out", str(indexes[label]), "--no-cache", "-q"
        )
        for label in codes
    }
    return indexes, alternate(commands, codes, work, runs)


def cold_asks(indexes: dict[str, Path], codes: dict[str, Code], work: Path, runs: int) -> dict[str, Timings]:
    """Per label, each over its own index, alternating."""
    commands = {label: policybot("ask", "--index", str(index), QUESTION) for label, index in indexes.items()}
    alternate(commands, codes, work, 1)  # first ask embeds the scope model's background questions
    return alternate(commands, codes, work, runs)


def token_counts() -> None:
    """How much text a from-scratch build of the bundled corpus gives the encoder."""
    from tokenizers import Tokenizer

    from bot.core.settings import resolve_settings
    from corpus.bundled import BUNDLED_DIR
    from index.builder import collect_passages
    from index.hybrid import sentence_units
    from index.paths import prepared_onnx_dir

    passages = collect_passages([BUNDLED_DIR], []).passages
    sentences, _ = sentence_units(passages)
    tokenizer = Tokenizer.from_file(str(prepared_onnx_dir(resolve_settings().cache_dir) / "tokenizer.json"))
    print("| texts | count | XLM-R tokens with the prompt | mean | longest |")
    print("|---|---|---|---|---|")
    for name, texts in (("passages", [p.index_text() for p in passages]), ("sentences", sentences)):
        lengths = [len(e.ids) for e in tokenizer.encode_batch(["passage: " + t for t in texts])]
        print(
            f"| {name} | {len(texts)} | {sum(lengths)} | {sum(lengths) / len(lengths):.1f} | {max(lengths)} |"
        )


def warm_worker(index: Path, code_root: Path) -> None:
    """Child mode: warm ask latency of `code_root`'s code in this process, printed as JSON."""
    import numpy as np

    from benchmarks.question_sets import load_all  # this checkout's questions, for either code

    questions = [q.q for q in load_all()]
    sys.path.insert(0, str(code_root))  # before any policybot import: a baseline runs its own code
    from bot.core.services import build_services
    from bot.core.settings import resolve_settings

    assistant = build_services(resolve_settings(), index_dir=index).assistant
    for question in questions[:5]:
        assistant.ask(question)
    times = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question)
        times.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"p50": float(np.percentile(times, 50)), "p95": float(np.percentile(times, 95))}))


def warm(label: str, index: Path, work: Path, code: Code) -> dict[str, float]:
    run = subprocess.run(
        [sys.executable, __file__, "--warm-worker", str(index), "--code-root", str(code.root)],
        env=code.env(label, work),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if run.returncode:
        raise SystemExit(run.stderr[-2000:])
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="cold asks per backend (median)")
    parser.add_argument("--build-runs", type=int, default=1, help="builds from scratch per backend")
    parser.add_argument("--backends", default="onnx,torch")
    parser.add_argument(
        "--passages", type=int, help="build from the first N bundled passages only (default: all)"
    )
    parser.add_argument("--tokens", action="store_true", help="only print the build's token counts")
    parser.add_argument(
        "--baseline",
        metavar="REF",
        help="also time the build and cold asks of commit REF's code (ONNX, each over its own index), alternating",
    )
    parser.add_argument("--baseline-cache", type=Path, help="POLICYBOT_CACHE_DIR of the --baseline code")
    parser.add_argument("--warm-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--code-root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tokens:
        token_counts()
        return
    if args.warm_worker:
        warm_worker(args.warm_worker, args.code_root)
        return
    print(f"# speed_bench {time.strftime('%Y-%m-%d %H:%M')} (load average {os.getloadavg()[0]:.1f})")
    with tempfile.TemporaryDirectory(prefix="speed-bench-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        codes = {backend: Code() for backend in args.backends.split(",")}
        if args.baseline:
            codes[f"onnx@{args.baseline}"] = Code(
                stack.enter_context(checkout(args.baseline, work)), args.baseline_cache
            )
        source, count = passages_file(work, args.passages)
        print(f"\nbuild from scratch (--no-cache) of {count} bundled passages, their sentences and BM25")
        print(
            "\n| backend | build runs | wall s (median) | CPU s (median) | passages/s wall | passages per CPU s | peak RSS MB |"
        )
        print("|---|---|---|---|---|---|---|")
        indexes, built = builds(source, codes, work, args.build_runs)
        for label, (walls, cpus, peak) in built.items():
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            print(
                f"| {label} | {len(walls)} | {wall:.1f} | {cpu:.1f} | {count / wall:.1f} | {count / cpu:.1f} | {peak:.0f} |",
                flush=True,
            )
        print(
            f"\ncold `policybot ask --index` over those indexes, {args.runs} runs each, backends alternating"
        )
        print(
            "\n| backend | wall s (median) | min | max | CPU s (median) | peak RSS MB | warm p50 ms | warm p95 ms |"
        )
        print("|---|---|---|---|---|---|---|---|")
        colds = cold_asks(indexes, codes, work, args.runs)
        latencies = {label: warm(label, indexes[label], work, codes[label]) for label in indexes}
        for label in indexes:
            walls, cpus, peak = colds[label]
            latency = latencies[label]
            print(
                f"| {label} | {statistics.median(walls):.2f} | {min(walls):.2f} | {max(walls):.2f} | "
                f"{statistics.median(cpus):.2f} | {peak:.0f} | {latency['p50']:.1f} | {latency['p95']:.1f} |",
                flush=True,
            )
    print(f"\n(load average at the end {os.getloadavg()[0]:.1f}; 2 cores shared with other work)")


if __name__ == "__main__":
    main()
