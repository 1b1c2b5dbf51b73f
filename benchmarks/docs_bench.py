"""Adding a document while members keep asking, and a soak with injected Bot API faults (issue 4 targets).

Usage: .venv/bin/python benchmarks/docs_bench.py [--askers 20] [--users 200] [--messages 10]
       [--faults 6] [--pages 20] [--format txt|docx] [--text corpus|invented] [--skip-update|--skip-soak]

Needs no benchmark data: the ~20-page document (about 1,250 characters a page) is generated from
sentences of the bundled corpus recombined into chapters and articles (or, with --text invented,
from invented provisions, so that every sentence is new to the embedding cache).

Starts tests/fake_telegram.py on 127.0.0.1 and `policybot bot` as a separate process on a
temporary data folder (seeded with the index and the embedding cache of POLICYBOT_DATA_DIR or the
user data folder, when they exist, so the bundled corpus is not embedded again), then:
1. update under load: the organiser uploads the document while --askers members keep asking
   (each waits for its answer, pauses --think seconds, asks again); reports upload → preview and
   upload → confirmation times and the members' p50/p95 latency before and during the update;
2. soak: --users members × --messages questions each, all at once, while 429 (retry_after=1) and
   502 answers are injected on sendMessage --faults times each; reports answered/lost, whether the
   bot survived, its RSS before/after and the growth.
Targets: confirmation ≤ 30 s with p95 ≤ 2 s meanwhile; soak: nothing lost, no crash, RSS growth < 10 %.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bot_harness import ask_and_wait, rss_mb, seed_data_dir  # noqa: E402
from benchmarks.question_sets import load_all  # noqa: E402
from tests.bot_process import BotProcess  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402

TOKEN = "7012345678:AABenchTokenForDocsBench_0123456789"
CHARS_PER_PAGE = 1250
TITLE = "青梧县民族团结进步示范创建工作条例（征求意见稿）"


# ----------------------------------------------------------------- the document


def corpus_sentences() -> list[str]:
    from corpus.bundled import BUNDLED_DIR
    from corpus.loaders import load_corpus_dir

    sentences = []
    for document in load_corpus_dir(BUNDLED_DIR).documents:
        for line in document.text.splitlines():
            line = re.sub(r"^第[一二三四五六七八九十百零]+条\s*", "", line.strip())
            for sentence in re.findall(r"[^。！？；]+[。！？；]", line):
                if 12 <= len(sentence) <= 90 and not sentence.startswith(("第", "（", "(")):
                    sentences.append(sentence)
    return sentences


def generate_text(pages: int, seed: int, invented: bool) -> str:
    """Chapters of ten articles, two to four sentences each, until `pages` pages of text."""
    rng = random.Random(seed)
    if invented:
        from tests.document_samples import law_text

        articles = max(1, pages * CHARS_PER_PAGE // 95)
        return law_text(TITLE, articles, seed=seed, chapter_every=10)
    pool = corpus_sentences()
    rng.shuffle(pool)
    from tests.document_samples import _chinese_number

    lines, size, article, chapter = [TITLE], 0, 0, 0
    target = pages * CHARS_PER_PAGE
    sentences = iter(pool * 4)
    while size < target:
        if article % 10 == 0:
            chapter += 1
            lines.append(f"第{_chinese_number(chapter)}章 第{chapter}部分规定")
        article += 1
        body = "".join(next(sentences) for _ in range(rng.randint(2, 4)))
        lines.append(f"第{_chinese_number(article)}条 {body}")
        size += len(lines[-1])
    return "\n".join(lines) + "\n"


def document_bytes(text: str, fmt: str) -> bytes:
    if fmt == "txt":
        return text.encode("utf-8")
    import docx

    document = docx.Document()
    lines = text.splitlines()
    document.core_properties.title = lines[0]
    document.add_heading(lines[0], level=0)
    for line in lines[1:]:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ----------------------------------------------------------------- reporting


def percentiles(values: list[float]) -> str:
    if not values:
        return "no answers"
    return f"p50 {np.percentile(values, 50):.2f} s, p95 {np.percentile(values, 95):.2f} s, max {max(values):.2f} s"


# ----------------------------------------------------------------- 1. update under load


@dataclass
class Askers:
    fake: FakeTelegram
    questions: list[str]
    count: int
    think: float
    timeout: float
    results: list[tuple[float, float | None]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._member, args=(n,), daemon=True) for n in range(self.count)]
        for thread in threads:
            thread.start()
        return threads

    def _member(self, n: int) -> None:
        user = self.fake.user(f"Asker{n}")
        chat = self.fake.private_chat(user)
        rng = random.Random(n)
        while not self.stop.is_set():
            result = ask_and_wait(self.fake, chat, user, rng.choice(self.questions), self.timeout)
            with self.lock:
                self.results.append(result)
            self.stop.wait(self.think * rng.uniform(0.5, 1.5))


def update_under_load(fake: FakeTelegram, bot: BotProcess, admin, args, questions: list[str]) -> bool:
    text = generate_text(args.pages, args.seed, args.text == "invented")
    data = document_bytes(text, args.format)
    print(
        f"document: {len(text):,} characters (~{len(text) / CHARS_PER_PAGE:.0f} pages), "
        f"{text.count('条 ')} articles, .{args.format} of {len(data) / 1024:.0f} KB, text from {args.text}"
    )
    askers = Askers(fake, questions, args.askers, args.think, args.timeout)
    threads = askers.run()
    time.sleep(args.warm)  # a baseline before the update
    chat = fake.private_chat(admin)
    sent_at = time.monotonic()
    sent = fake.send_document(chat, admin, f"示范创建条例.{args.format}", data)
    preview = fake.wait_for_message(chat.id, after=sent.message_id, timeout=args.timeout)
    preview_at = time.monotonic()
    ok = preview.text.startswith("已收到")
    done_at = None
    if ok:
        done = fake.wait_for_message(
            chat.id, after=preview.message_id, timeout=600, predicate=lambda m: "已加入" in (m.text or "")
        )
        done_at = time.monotonic()
        print(f"organiser was told: {preview.text}\n                    {done.text.splitlines()[0]}")
    else:
        print(f"upload NOT handled, the bot replied: {preview.text!r}")
    time.sleep(1.0)
    askers.stop.set()
    for thread in threads:
        thread.join(args.timeout + 5)

    end = done_at or preview_at
    before = [lat for t, lat in askers.results if t < sent_at and lat is not None]
    during = [(t, lat) for t, lat in askers.results if sent_at <= t <= end]
    answered = [lat for _, lat in during if lat is not None]
    lost = sum(lat is None for _, lat in askers.results)
    print(f"upload → preview: {preview_at - sent_at:.1f} s")
    if done_at is not None:
        print(f"upload → confirmation: {done_at - sent_at:.1f} s  (target ≤ 30 s)")
    print(f"{args.askers} members before the update ({len(before)} answers): {percentiles(before)}")
    print(
        f"{args.askers} members during the update ({len(answered)}/{len(during)} answered): {percentiles(answered)}"
    )
    print(f"lost questions over the whole phase: {lost} of {len(askers.results)}")
    if done_at is not None:  # the new material is there straight away
        title = re.search(r"已加入学习资料：《(.+?)》", done.text).group(1)
        user = fake.user("Checker")
        check = fake.private_chat(user)
        ask_and_wait(fake, check, user, "/docs", args.timeout)
        listing = "\n".join(m.text or "" for m in fake.bot_messages(check.id))
        print(f"/docs lists 《{title}》 right after the confirmation: {f'《{title}》' in listing}")
    p95 = float(np.percentile(answered, 95)) if answered else float("inf")
    met = done_at is not None and done_at - sent_at <= 30 and p95 <= 2.0 and lost == 0
    print(f"update targets met: {met}")
    return met


# ----------------------------------------------------------------- 2. soak with faults


def soak(fake: FakeTelegram, bot: BotProcess, args, questions: list[str]) -> bool:
    pid = bot.process.pid
    rss_before = rss_mb(pid)
    results: list[tuple[float, float | None]] = []
    lock = threading.Lock()
    go = threading.Barrier(args.users + 1)

    def member(n: int) -> None:
        user = fake.user(f"Soak{n}")
        chat = fake.private_chat(user)
        go.wait()
        for i in range(args.messages):
            result = ask_and_wait(
                fake, chat, user, questions[(n * args.messages + i) % len(questions)], args.timeout
            )
            with lock:
                results.append(result)

    finished = threading.Event()

    def inject() -> None:
        """Spread the faults over the run: a 429 then a 502, every --fault-every seconds."""
        for _ in range(args.faults):
            if finished.wait(args.fault_every):
                return
            fake.fail_next("sendMessage", status=429, retry_after=1)
            fake.fail_next("sendMessage", status=502)

    started_calls = len(fake.calls())
    threads = [threading.Thread(target=member, args=(n,), daemon=True) for n in range(args.users)]
    for thread in threads:
        thread.start()
    injector = threading.Thread(target=inject, daemon=True)
    started = time.monotonic()
    go.wait()
    injector.start()
    for thread in threads:
        thread.join()
    finished.set()
    injector.join()
    wall = time.monotonic() - started
    alive = bot.alive
    rss_after = rss_mb(pid) if alive else float("nan")

    calls = fake.calls()[started_calls:]
    injected = {
        status: sum(c.status == status for c in calls if c.method == "sendMessage") for status in (429, 502)
    }
    answered = [lat for _, lat in results if lat is not None]
    lost = len(results) - len(answered)
    growth = (rss_after - rss_before) / rss_before * 100 if rss_before else float("nan")
    print(
        f"soak: {args.users} users × {args.messages} messages in {wall:.0f} s: {len(answered)}/{len(results)} "
        f"answered, lost {lost}; latency {percentiles(answered)}"
    )
    print(f"faults that hit sendMessage: {injected[429]} × 429, {injected[502]} × 502")
    retries = len(re.findall(r"event=retry endpoint=sendMessage", bot.log()))
    print(f"bot alive: {alive}; 5xx retries logged: {retries}")
    print(
        f"bot RSS: {rss_before:.0f} MB before, {rss_after:.0f} MB after, growth {growth:+.1f} %  (target < 10 %)"
    )
    met = alive and lost == 0 and growth < 10
    print(f"soak targets met: {met}")
    return met


# ----------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--askers", type=int, default=20, help="members asking during the update")
    parser.add_argument("--think", type=float, default=1.0, help="seconds a member pauses between questions")
    parser.add_argument("--warm", type=float, default=10.0, help="seconds of asking before the upload")
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--format", choices=["txt", "docx"], default="txt")
    parser.add_argument("--text", choices=["corpus", "invented"], default="corpus")
    parser.add_argument("--seed", type=int, default=None, help="default: new text every run")
    parser.add_argument("--users", type=int, default=200, help="soak: simulated members")
    parser.add_argument("--messages", type=int, default=10, help="soak: questions per member")
    parser.add_argument("--faults", type=int, default=6, help="soak: how many 429 and 502 answers to inject")
    parser.add_argument("--fault-every", type=float, default=5.0, help="soak: seconds between injections")
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds before a question counts as lost"
    )
    parser.add_argument("--skip-update", action="store_true")
    parser.add_argument("--skip-soak", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder and the bot log")
    args = parser.parse_args()
    args.seed = int(time.time()) if args.seed is None else args.seed

    questions = [q.q for q in load_all()]
    folder = Path(tempfile.mkdtemp(prefix="docs-bench-"))
    data_dir = folder / "data"
    data_dir.mkdir()
    print(f"data folder {data_dir}, seeded from {seed_data_dir(data_dir)}")
    met = True
    with FakeTelegram(token=TOKEN) as fake:
        admin = fake.user("Organiser")
        settings = {"POLICYBOT_ADMIN_IDS": str(admin.id), "POLICYBOT_QUESTIONS_PER_MINUTE": "100000"}
        bot = BotProcess(fake, data_dir, folder / "bot.log", settings)
        started = time.monotonic()
        bot.start()
        print(f"bot polling after {time.monotonic() - started:.0f} s")
        try:
            warm_user = fake.user("Warm")
            warm_chat = fake.private_chat(warm_user)
            for q in questions[:3]:
                ask_and_wait(fake, warm_chat, warm_user, q, args.timeout)
            if not args.skip_update:
                met &= update_under_load(fake, bot, admin, args, questions)
            if not args.skip_soak:
                met &= soak(fake, bot, args, questions)
            log = bot.log()
            print(f"token in the bot log: {TOKEN in log or TOKEN.split(':')[1] in log}")
        finally:
            code = bot.stop() if bot.alive else None
            print(f"bot exit code after SIGTERM: {code}")
    if args.keep:
        print(f"kept {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
