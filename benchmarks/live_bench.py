"""A live quiz with many phones over real HTTP: pushed updates, every answer recorded, ranking consistent.

    .venv/bin/python benchmarks/live_bench.py [--phones 50] [--questions 5] [--runs 3]

Starts `policybot web` on 127.0.0.1 (its own data folder, seeded with the usual index). Per run:
an organiser starts a session; every phone enters the access code, joins with a name and keeps
one Server-Sent Events stream open; the organiser advances question by question and all phones
answer at once. Prints the answer latency (p50/p95), how long until every phone's stream showed
a new question and the revealed answer, whether every answer was recorded (the CSV export) and
whether the final ranking matches the answers' verdicts. The baseline is the same session with
one phone, measured in the same run. `web_bench.py` calls `live_runs` after its ask load.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bot_harness import seed_data_dir  # noqa: E402
from tests.web.conftest import csrf_of  # noqa: E402
from tests.web.server import ORGANISER, WebServer, cli  # noqa: E402

WAIT = 60.0  # longest wait for every stream to show a state; a bench that hangs fails instead


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Phone:
    """One member's browser: its own cookies, one event stream, answers posted with its CSRF token."""

    def __init__(self, url: str, number: int, access_code: str) -> None:
        self.access_code = access_code
        self.client = httpx.AsyncClient(base_url=url, timeout=WAIT)
        self.name = f"成员{number:02d}"
        self.token = ""
        self.seen: dict[tuple[str, int], float] = {}  # (status, position) → when the stream showed it
        self.verdicts: list[bool] = []
        self.latencies: list[float] = []
        self.options: dict[int, int] = {}

    async def join(self, code: str) -> None:
        form = await self.client.get(f"/live/{code}")
        done = await self.client.post(f"/live/{code}/join", data={
            "csrf_token": csrf_of(form.text), "access_code": self.access_code, "name": self.name})  # fmt: skip
        assert done.status_code == 303, done.text
        self.token = csrf_of((await self.client.get(f"/live/{code}")).text)

    async def listen(self, code: str) -> None:
        async with self.client.stream("GET", f"/live/{code}/events", timeout=None) as stream:
            async for line in stream.aiter_lines():
                if line.startswith("data: "):
                    state = json.loads(line[6:])
                    question = state.get("question") or {}
                    self.options[question.get("position", -1)] = len(question.get("options") or [])
                    self.seen.setdefault((state["status"], question.get("position", -1)), time.perf_counter())
                    if state["status"] == "finished":
                        return

    async def answer(self, code: str, position: int, rng: random.Random) -> None:
        options = self.options.get(position, 0)
        reply = {"choice": str(rng.randrange(options))} if options else {"reply": "系统思维"}  # fill-in: a text
        started = time.perf_counter()
        response = await self.client.post(f"/live/{code}/answer", headers={"X-Fetch": "1"}, data={
            "csrf_token": self.token, "position": str(position), **reply})  # fmt: skip
        self.latencies.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
        self.verdicts.append(bool(response.json()["correct"]))


async def everyone_saw(phones: list[Phone], key: tuple[str, int], since: float) -> float:
    """Seconds from `since` until the last phone's stream showed `key`."""
    deadline = time.perf_counter() + WAIT
    while not all(key in p.seen for p in phones):
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{sum(key in p.seen for p in phones)}/{len(phones)} phones saw {key}")
        await asyncio.sleep(0.005)
    return max(p.seen[key] for p in phones) - since


async def organiser(url: str) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(base_url=url, timeout=WAIT)
    token = csrf_of((await client.get("/organiser")).text)
    await client.post(
        "/organiser/login", data={"username": ORGANISER[0], "password": ORGANISER[1], "csrf_token": token}
    )
    return client, csrf_of((await client.get("/organiser")).text)


async def session(
    url: str, code_to_enter: str, phones_count: int, questions: int, seed: int
) -> dict[str, float]:
    boss, token = await organiser(url)
    made = await boss.post("/live/new", data={"csrf_token": token, "size": str(questions), "seconds": "120"})
    code = made.headers["location"].split("/")[2]
    phones = [Phone(url, n, code_to_enter) for n in range(phones_count)]
    await asyncio.gather(*(p.join(code) for p in phones))
    listeners = [asyncio.create_task(p.listen(code)) for p in phones]
    await everyone_saw(phones, ("waiting", -1), time.perf_counter())
    rng = random.Random(seed)
    shown, revealed = [], []
    for position in range(questions):
        started = time.perf_counter()
        await boss.post(f"/live/{code}/next", data={"csrf_token": token})
        shown.append(await everyone_saw(phones, ("open", position), started))
        started = time.perf_counter()
        await asyncio.gather(*(p.answer(code, position, rng) for p in phones))
        revealed.append(await everyone_saw(phones, ("closed", position), started))
    await boss.post(f"/live/{code}/next", data={"csrf_token": token})
    await asyncio.wait_for(asyncio.gather(*listeners), WAIT)
    exported = await boss.get(f"/live/{code}/results.csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    players = {r[1]: (int(r[2]), int(r[3])) for r in rows[1 : 1 + phones_count]}
    expected = {p.name: (sum(p.verdicts), len(p.verdicts)) for p in phones}
    ranked = [players[r[1]][0] for r in rows[1 : 1 + phones_count]]
    for client in [boss] + [p.client for p in phones]:
        await client.aclose()
    latencies = [t for p in phones for t in p.latencies]
    return {
        "answers": len(latencies),
        "recorded": sum(answered for _, answered in players.values()),
        "consistent": float(players == expected and ranked == sorted(ranked, reverse=True)),
        "answer_p50": statistics.median(latencies),
        "answer_p95": percentile(latencies, 0.95),
        "shown_max": max(shown),
        "revealed_max": max(revealed),
    }


def live_runs(url: str, access_code: str, phones: int, questions: int, runs: int) -> None:
    """Print each run (the one-phone baseline, then all phones) and the medians."""
    results: list[tuple[dict[str, float], dict[str, float]]] = []
    for run in range(runs):
        alone = asyncio.run(session(url, access_code, 1, questions, run))
        full = asyncio.run(session(url, access_code, phones, questions, run))
        results.append((alone, full))
        print(f"live run {run + 1}: {phones} phones x {questions} questions: recorded {full['recorded']:.0f}/"
              f"{full['answers']:.0f}  ranking consistent {bool(full['consistent'])}  "
              f"answer p50 {full['answer_p50']:.3f} s p95 {full['answer_p95']:.3f} s  "
              f"question on every phone within {full['shown_max']:.3f} s  "
              f"answer revealed on every phone within {full['revealed_max']:.3f} s  |  "
              f"one phone alone: answer p50 {alone['answer_p50']:.3f} s  shown {alone['shown_max']:.3f} s  "
              f"revealed {alone['revealed_max']:.3f} s", flush=True)  # fmt: skip

    def med(which: int, key: str) -> float:
        return statistics.median(r[which][key] for r in results)

    print(f"live median of {runs} runs: {phones} phones: recorded {med(1, 'recorded'):.0f}/{med(1, 'answers'):.0f}  "
          f"consistent in {sum(r[1]['consistent'] for r in results):.0f}/{runs} runs  "
          f"answer p50 {med(1, 'answer_p50'):.3f} s p95 {med(1, 'answer_p95'):.3f} s  "
          f"shown within {med(1, 'shown_max'):.3f} s  revealed within {med(1, 'revealed_max'):.3f} s  |  "
          f"baseline one phone: answer p50 {med(0, 'answer_p50'):.3f} s  shown {med(0, 'shown_max'):.3f} s  "
          f"revealed {med(0, 'revealed_max'):.3f} s")  # fmt: skip



@contextmanager
def seeded_server(prefix: str, access_code: str, organiser: bool) -> Iterator[WebServer]:
    """`policybot web` over a data folder of its own, seeded with the usual index, then stopped."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        print(f"seeded from {seed_data_dir(data)}", flush=True)
        if organiser:
            assert cli(data, "web", "add-organiser", ORGANISER[0], stdin=ORGANISER[1] + "\n").returncode == 0
        server = WebServer(data, Path(tmp) / "web.log", {"POLICYBOT_WEB_ACCESS_CODE": access_code})
        server.start()
        try:
            yield server
        finally:
            server.stop()

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with seeded_server("live-bench-", "live-bench-2024", organiser=True) as server:
        live_runs(server.url, "live-bench-2024", args.phones, args.questions, args.runs)
    return 0

if __name__ == "__main__":
    sys.exit(main())
