"""Speed of the ONNX Runtime encoder against the sentence-transformers baseline, in one run.

Usage:
    .venv/bin/python benchmarks/speed_bench.py [--runs 3] [--build-runs 1] [--backends onnx,torch]

Prints, per encoder backend (POLICYBOT_ENCODER=onnx / torch), each measured in separate
processes on the bundled corpus:
- build from scratch (`policybot index build --no-cache`): passages/s of the whole process
  (model load included) and peak RSS;
- cold `policybot ask` over the index it built (process start to answer printed): median of
  --runs runs, the backends alternating so that load on the machine hits both alike; peak RSS;
- warm ask latency p50/p95 in one process over the hand-written questions.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTION = "创建品牌的主题是什么？"


def policybot(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli", *args]


def run_child(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one child process, as /usr/bin/time -v reports them."""
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
    return wall, usage.ru_maxrss / 1024


def environment(backend: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ, POLICYBOT_ENCODER=backend, POLICYBOT_DATA_DIR=str(data_dir))
    env["PYTHONPATH"] = str(ROOT)
    return env


def build(backend: str, work: Path, runs: int) -> tuple[Path, list[float], float]:
    from corpus.bundled import BUNDLED_DIR

    out = work / f"index-{backend}"
    walls, peak = [], 0.0
    for _ in range(runs):
        wall, rss = run_child(
            policybot("index", "build", "--corpus", str(BUNDLED_DIR), "--out", str(out), "--no-cache", "-q"),
            environment(backend, work / f"data-{backend}"),
        )
        walls.append(wall)
        peak = max(peak, rss)
    return out, walls, peak


def cold_asks(indexes: dict[str, Path], work: Path, runs: int) -> dict[str, tuple[list[float], float]]:
    results: dict[str, tuple[list[float], float]] = {b: ([], 0.0) for b in indexes}
    for backend, index in indexes.items():  # first ask embeds the scope model's background questions
        run_child(
            policybot("ask", "--index", str(index), QUESTION), environment(backend, work / f"data-{backend}")
        )
    for _ in range(runs):
        for backend, index in indexes.items():
            wall, rss = run_child(
                policybot("ask", "--index", str(index), QUESTION),
                environment(backend, work / f"data-{backend}"),
            )
            walls, peak = results[backend]
            walls.append(wall)
            results[backend] = (walls, max(peak, rss))
    return results


def warm_worker(index: Path) -> None:
    """Child mode: warm ask latency in this process, printed as JSON."""
    import numpy as np

    from benchmarks.question_sets import load_all
    from bot.core.loading import open_assistant

    assistant = open_assistant(index)
    questions = [q.q for q in load_all()]
    for question in questions[:5]:
        assistant.ask(question)
    times = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question)
        times.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"p50": float(np.percentile(times, 50)), "p95": float(np.percentile(times, 95))}))


def warm(backend: str, index: Path, work: Path) -> dict[str, float]:
    run = subprocess.run(
        [sys.executable, __file__, "--warm-worker", str(index)],
        env=environment(backend, work / f"data-{backend}"),
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
    parser.add_argument("--warm-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.warm_worker:
        warm_worker(args.warm_worker)
        return
    backends = args.backends.split(",")
    print(f"# speed_bench {time.strftime('%Y-%m-%d %H:%M')} (load average {os.getloadavg()[0]:.1f})")
    with tempfile.TemporaryDirectory(prefix="speed-bench-") as tmp:
        work = Path(tmp)
        indexes: dict[str, Path] = {}
        print("\n| backend | build runs | build s (median) | passages | passages/s | build peak RSS MB |")
        print("|---|---|---|---|---|---|")
        for backend in backends:
            index, walls, peak = build(backend, work, args.build_runs)
            indexes[backend] = index
            manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
            passages = manifest["counts"]["passages"]
            wall = statistics.median(walls)
            print(
                f"| {backend} | {len(walls)} | {wall:.1f} | {passages} | {passages / wall:.1f} | {peak:.0f} |",
                flush=True,
            )
        print(
            "\n| backend | cold ask runs | cold ask s (median) | min | max | ask peak RSS MB | warm p50 ms | warm p95 ms |"
        )
        print("|---|---|---|---|---|---|---|---|")
        colds = cold_asks(indexes, work, args.runs)
        for backend in backends:
            walls, peak = colds[backend]
            latency = warm(backend, indexes[backend], work)
            print(
                f"| {backend} | {len(walls)} | {statistics.median(walls):.2f} | {min(walls):.2f} | "
                f"{max(walls):.2f} | {peak:.0f} | {latency['p50']:.1f} | {latency['p95']:.1f} |",
                flush=True,
            )
    print(f"\n(load average at the end {os.getloadavg()[0]:.1f}; 2 cores shared with other work)")


if __name__ == "__main__":
    main()
