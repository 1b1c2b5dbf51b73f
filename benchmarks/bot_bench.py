"""Bot latency and load through the fake Bot API server (issue 3 targets).

Usage: .venv/bin/python benchmarks/bot_bench.py [--users 50] [--questions 5]

Starts tests/fake_telegram.py on 127.0.0.1 and `policybot bot` as a separate process, then:
1. warm reply latency: one user asks questions one after another (question sent → answer received);
2. load: N users each ask M questions at the same moment (each user waits for an answer before
   the next question), reporting answered/lost, p50/p95 latency and the bot's RSS before/after.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.question_sets import load_all  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402

TOKEN = "123456:BENCH_TOKEN_abcdefghijklmnop"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def ask_and_wait(fake: FakeTelegram, chat, user, question: str, timeout: float = 60) -> float | None:
    before = len(fake.bot_messages(chat.id))
    started = time.perf_counter()
    fake.send_message(chat, user, question)
    try:
        fake.wait_for(lambda: len(fake.bot_messages(chat.id)) > before, timeout=timeout)
    except Exception:
        return None
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=5)
    args = parser.parse_args()
    questions = [q.q for q in load_all()]
    with FakeTelegram(token=TOKEN) as fake:
        env = dict(
            os.environ,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_BASE_URL=fake.base_url,
            TELEGRAM_BASE_FILE_URL=fake.base_file_url,
            POLICYBOT_QUESTIONS_PER_MINUTE="1000",
        )
        bot = subprocess.Popen(
            [str(ROOT / ".venv/bin/policybot"), "bot"],
            env=env,
            stderr=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        try:
            fake.wait_until_polling(timeout=120)
            user = fake.user("Warm")
            chat = fake.private_chat(user)
            for q in questions[:3]:
                ask_and_wait(fake, chat, user, q)
            latencies = [ask_and_wait(fake, chat, user, q) for q in questions[3:63]]
            done = [t for t in latencies if t is not None]
            print(
                f"warm reply latency ({len(done)} questions, one user): "
                f"p50 {np.percentile(done, 50):.0f} ms, p95 {np.percentile(done, 95):.0f} ms"
            )

            rss_before = rss_mb(bot.pid)
            results: list[float | None] = []
            lock = threading.Lock()

            def member(n: int) -> None:
                u = fake.user(f"U{n}")
                c = fake.private_chat(u)
                for i in range(args.questions):
                    t = ask_and_wait(fake, c, u, questions[(n * args.questions + i) % len(questions)])
                    with lock:
                        results.append(t)

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
            print(f"bot RSS: {rss_before:.0f} MB before the load, {rss_mb(bot.pid):.0f} MB after")
        finally:
            bot.terminate()
            bot.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
