"""Web page load: 50 members asking 5 questions each at once over HTTP.

    .venv/bin/python benchmarks/web_bench.py [--members 50] [--questions 5] [--runs 3]

Starts `policybot web` on 127.0.0.1 (its own data folder, seeded with the usual index), then over
real HTTP: every member enters with the access code and asks its questions one after another,
all members at once. Prints per run and the medians: answered / asked, p50 / p95 / max latency,
and the baseline measured in the same run (one member alone, same questions). Only loopback
traffic; bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.live_bench import live_runs, seeded_server  # noqa: E402
from benchmarks.question_sets import load_all  # noqa: E402
from tests.web.conftest import csrf_of  # noqa: E402

CODE = "bench-code-2024"
TIMEOUT = 120.0


def questions(count: int) -> list[str]:
    pool = [q.q for q in load_all() if q.split == "dev"]
    return [pool[i % len(pool)] for i in range(count)]


async def enter(client: httpx.AsyncClient) -> str:
    page = await client.get("/")
    await client.post("/enter", data={"access_code": CODE, "csrf_token": csrf_of(page.text)})
    return csrf_of((await client.get("/")).text)


async def member(url: str, asked: list[str]) -> list[tuple[float, bool]]:
    async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT) as client:
        token = await enter(client)
        out = []
        for question in asked:
            started = time.perf_counter()
            response = await client.post("/ask", data={"question": question, "csrf_token": token},
                                         headers={"X-Fetch": "1"})  # fmt: skip
            answered = response.status_code == 200 and 'class="answer"' in response.text
            out.append((time.perf_counter() - started, answered))
        return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def load_run(url: str, members: int, per_member: int, offset: int) -> dict[str, float]:
    sets = [questions(offset + per_member * (m + 1))[-per_member:] for m in range(members)]
    baseline = await member(url, sets[0])
    results = await asyncio.gather(*(member(url, s) for s in sets))
    latencies = [t for r in results for t, _ in r]
    return {
        "asked": len(latencies),
        "answered": sum(ok for r in results for _, ok in r),
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "max": max(latencies),
        "baseline_p50": statistics.median(t for t, _ in baseline),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--phones", type=int, default=50, help="phones in the live session (0: skip it)")
    args = parser.parse_args()
    with seeded_server("web-bench-", CODE, organiser=args.phones > 0) as server:  # live: an organiser
        runs = []
        for run in range(args.runs):
            result = asyncio.run(load_run(server.url, args.members, args.questions, run * 7))
            runs.append(result)
            print(f"run {run + 1}: answered {result['answered']}/{result['asked']}  "
                  f"p50 {result['p50']:.3f} s  p95 {result['p95']:.3f} s  max {result['max']:.3f} s  "
                  f"baseline (one member alone) p50 {result['baseline_p50']:.3f} s", flush=True)  # fmt: skip
        print(f"median of {args.runs} runs: {args.members} members x {args.questions} questions: "
              f"answered {statistics.median(r['answered'] for r in runs):.0f}/{runs[0]['asked']}  "
              f"p50 {statistics.median(r['p50'] for r in runs):.3f} s  "
              f"p95 {statistics.median(r['p95'] for r in runs):.3f} s  "
              f"baseline p50 {statistics.median(r['baseline_p50'] for r in runs):.3f} s")  # fmt: skip
        if args.phones:
            live_runs(server.url, CODE, args.phones, args.questions, args.runs)
    return 0

if __name__ == "__main__":
    sys.exit(main())
