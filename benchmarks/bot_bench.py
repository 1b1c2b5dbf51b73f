"""Bot latency and load through the fake Bot API server (issue 3 targets).

Usage: .venv/bin/python benchmarks/bot_bench.py [--users 50] [--questions 5]

Starts tests/fake_telegram.py on 127.0.0.1 and `policybot bot` as a separate process on a temporary
data folder seeded with the usual index and embedding cache (benchmarks/bot_harness.py), then:
1. warm reply latency: one user asks questions one after another (question sent → answer received);
2. load: N users each ask M questions at the same moment (each user waits for an answer before
   the next question), reporting answered/lost, p50/p95 latency and the bot's RSS before/after.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bot_harness import ask_and_wait, rss_mb, seed_data_dir  # noqa: E402
from benchmarks.question_sets import load_all  # noqa: E402
from tests.bot_process import BotProcess  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402

TOKEN = "123456:BENCH_TOKEN_abcdefghijklmnop"
TIMEOUT = 60.0  # seconds before a question counts as lost


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=5)
    args = parser.parse_args()
    questions = [q.q for q in load_all()]
    folder = Path(tempfile.mkdtemp(prefix="bot-bench-"))
    data_dir = folder / "data"
    data_dir.mkdir()
    print(f"data folder {data_dir}, seeded from {seed_data_dir(data_dir)}")
    with FakeTelegram(token=TOKEN) as fake:
        bot = BotProcess(fake, data_dir, folder / "bot.log", {"POLICYBOT_QUESTIONS_PER_MINUTE": "1000"})
        bot.start()
        try:
            user = fake.user("Warm")
            chat = fake.private_chat(user)
            for q in questions[:3]:
                ask_and_wait(fake, chat, user, q, TIMEOUT)
            latencies = [ask_and_wait(fake, chat, user, q, TIMEOUT)[1] for q in questions[3:63]]
            done = [t * 1000 for t in latencies if t is not None]
            print(
                f"warm reply latency ({len(done)} questions, one user): "
                f"p50 {np.percentile(done, 50):.0f} ms, p95 {np.percentile(done, 95):.0f} ms"
            )

            pid = bot.process.pid
            rss_before = rss_mb(pid)
            results: list[float | None] = []
            lock = threading.Lock()

            def member(n: int) -> None:
                u = fake.user(f"U{n}")
                c = fake.private_chat(u)
                for i in range(args.questions):
                    question = questions[(n * args.questions + i) % len(questions)]
                    _, seconds = ask_and_wait(fake, c, u, question, TIMEOUT)
                    with lock:
                        results.append(None if seconds is None else seconds * 1000)

            started = time.perf_counter()
            threads = [threading.Thread(target=member, args=(n,)) for n in range(args.users)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
            answered = [r for r in results if r is not None]
            print(
                f"load: {args.users} users x {args.questions} questions at once: "
                f"{len(answered)}/{len(results)} answered, lost {len(results) - len(answered)}, "
                f"p50 {np.percentile(answered, 50):.0f} ms, p95 {np.percentile(answered, 95):.0f} ms, "
                f"{len(answered) / wall:.1f} answers/s"
            )
            print(f"bot RSS: {rss_before:.0f} MB before the load, {rss_mb(pid):.0f} MB after")
        finally:
            bot.stop()
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
