"""The live quiz over real HTTP and in a real headless Chromium (one server, access code required).

The seeded bank gets three manual items tagged 现场 (a choice, a multi-select and a judge), so the
session's answers are known to the test and multi-select checkboxes are always exercised.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import DESKTOP, PHONE, csrf_of, login_organiser, no_horizontal_scroll, shoot
from tests.web.server import ORGANISER, WebServer, cli, seed

pytestmark = pytest.mark.slow
CODE = "现场2024"
TAG = "【现场】"
ITEMS = [  # question, kind, options, correct index(es)
    (f"{TAG}创建工作要坚持什么思维？", "choice", ["系统思维", "底线思维", "历史思维", "战略思维"], 0),
    (f"{TAG}示范创建要求做到哪些？", "multi", ["有形", "有钱", "有感", "有效"], [0, 2, 3]),
    (f"{TAG}民族团结是各族人民的生命线。", "judge", ["正确", "错误"], 0),
]


def add_live_items(bank_file: Path) -> None:
    bank = json.loads(bank_file.read_text(encoding="utf-8"))
    cited = bank["items"][0]
    for number, (question, kind, options, correct) in enumerate(ITEMS):
        multi = isinstance(correct, list)
        bank["items"].append({
            "item_id": f"live{number}", "kind": kind, "question": question, "answer": options[0],
            "options": options, "correct": -1 if multi else correct, "correct_set": correct if multi else [],
            "passage_id": cited["passage_id"], "doc_id": cited["doc_id"], "doc_title": cited["doc_title"],
            "location": cited["location"], "source": "manual", "explanation": "现场答题测试题。",
        })  # fmt: skip
    bank_file.write_text(json.dumps(bank, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def server(web_seed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    tmp = tmp_path_factory.mktemp("live")
    data = seed(web_seed, tmp / "data")
    add_live_items(data / "quiz_bank.json")
    assert cli(data, "web", "add-organiser", ORGANISER[0], stdin=ORGANISER[1] + "\n").returncode == 0
    started = WebServer(data, tmp / "web.log", {"POLICYBOT_WEB_ACCESS_CODE": CODE})
    started.start()
    yield started
    assert started.stop() == 0


def organiser(server: WebServer) -> tuple[httpx.Client, str]:
    client = server.client()
    token = csrf_of(client.get("/organiser").text)
    done = client.post("/organiser/login", data={"username": ORGANISER[0], "password": ORGANISER[1],
                                                 "csrf_token": token})  # fmt: skip
    assert done.status_code == 303
    return client, csrf_of(client.get("/organiser").text)


def start(client: httpx.Client, token: str, **fields: str) -> httpx.Response:
    return client.post("/live/new", data={"csrf_token": token, "size": "3", "seconds": "60",
                                          "keyword": TAG, **fields})  # fmt: skip


def started_code(client: httpx.Client, token: str) -> str:
    made = start(client, token)
    assert made.status_code == 303, made.text
    match = re.fullmatch(r"/live/(\d{6})/screen", made.headers["location"])
    assert match
    return match.group(1)


def joined(server: WebServer, code: str, name: str) -> tuple[httpx.Client, str]:
    """A phone that enters the access code and a name on the join page (the QR code's link)."""
    client = server.client()
    form = client.get(f"/live/{code}")
    assert 'name="access_code"' in form.text and 'name="name"' in form.text
    done = client.post(f"/live/{code}/join", data={"csrf_token": csrf_of(form.text), "access_code": CODE,
                                                   "name": name})  # fmt: skip
    assert done.status_code == 303, done.text
    phone = client.get(f"/live/{code}")
    assert 'id="answer-form"' in phone.text
    return client, csrf_of(phone.text)


def events(response: httpx.Response) -> Iterator[dict]:
    for line in response.iter_lines():
        if line.startswith("data: "):
            yield json.loads(line[6:])


def right_reply(question: str) -> list[str]:
    correct = next(c for q, _, _, c in ITEMS if q == question)
    return [str(i) for i in (correct if isinstance(correct, list) else [correct])]


def test_a_session_over_http_with_pushed_updates(server: WebServer) -> None:
    boss, boss_token = organiser(server)
    code = started_code(boss, boss_token)
    screen = boss.get(f"/live/{code}/screen")
    assert screen.status_code == 200 and "<svg" in screen.text and code in screen.text
    anna, anna_token = joined(server, code, "安娜")
    with anna.stream("GET", f"/live/{code}/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        pushed = events(stream)
        assert next(pushed)["status"] == "waiting"
        assert boss.post(f"/live/{code}/next", data={"csrf_token": boss_token}).status_code == 200
        state = next(pushed)
        assert state["status"] == "open" and 0 < state["remaining"] <= 60 and "reveal" not in state
        question = state["question"]
        answer = {
            "csrf_token": anna_token,
            "position": str(question["position"]),
            "choice": right_reply(question["text"]),
        }
        refused = anna.post(
            f"/live/{code}/answer", data={**answer, "csrf_token": "forged"}, headers={"X-Fetch": "1"}
        )
        assert refused.status_code == 403 and "无效" in refused.json()["error"]
        wrong_position = anna.post(
            f"/live/{code}/answer", data={**answer, "position": "7"}, headers={"X-Fetch": "1"}
        )
        assert wrong_position.status_code == 409 and "已经结束" in wrong_position.json()["error"]
        nothing = anna.post(f"/live/{code}/answer", data={**answer, "choice": "9"}, headers={"X-Fetch": "1"})
        assert nothing.status_code == 409 and "请先选择" in nothing.json()["error"]
        done = anna.post(f"/live/{code}/answer", data=answer, headers={"X-Fetch": "1"})
        assert done.status_code == 200 and done.json()["correct"] is True
        state = next(pushed)  # the only player answered: the question closes by itself
        assert state["status"] == "closed" and state["reveal"]["correct"] == 1 and state["reveal"]["passage"]
        assert state["leaderboard"][0] == {"rank": 1, "name": "安娜", "correct": 1, "answered": 1}
    again = anna.post(f"/live/{code}/answer", data=answer, headers={"X-Fetch": "1"})
    assert again.status_code == 409
    reloaded = anna.get(f"/live/{code}")  # a reload keeps the identity and shows the current question
    assert 'data-mine="right"' in reloaded.text and "安娜" in reloaded.text
    for action in ("next", "reveal", "stop"):  # members cannot drive the session or export it
        assert anna.post(f"/live/{code}/{action}", data={"csrf_token": anna_token}).status_code == 403
    assert anna.get(f"/live/{code}/results.csv").status_code == 403
    assert anna.get(f"/live/{code}/screen").status_code == 403
    assert boss.post(f"/live/{code}/next", data={"x": "1"}).status_code == 403  # no CSRF token
    assert boss.post(f"/live/{code}/stop", data={"csrf_token": boss_token}).status_code == 200
    late = server.client().get(f"/live/{code}")
    assert late.status_code == 410 and "已被结束" in late.text and 'name="name"' not in late.text
    assert anna.post(f"/live/{code}/join", data={"csrf_token": anna_token, "name": "又来"}).status_code == 400
    exported = boss.get(f"/live/{code}/results.csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["排名", "昵称", "答对", "作答", "正确率"] and rows[1][:4] == [
        "1",
        "安娜",
        "1",
        "1",
    ]


def test_names_are_limited_and_escaped(server: WebServer) -> None:
    boss, boss_token = organiser(server)
    code = started_code(boss, boss_token)
    client = server.client()
    token = csrf_of(client.get(f"/live/{code}").text)
    wrong_code = client.post(
        f"/live/{code}/join", data={"csrf_token": token, "access_code": "x", "name": "甲"}
    )
    assert wrong_code.status_code == 401 and "访问码不正确" in wrong_code.text
    empty = client.post(f"/live/{code}/join", data={"csrf_token": token, "access_code": CODE, "name": " \t"})
    assert empty.status_code == 400 and "昵称" in empty.text
    script = "<script>alert(1)</script>" * 50
    assert client.post(f"/live/{code}/join", data={"csrf_token": token, "name": script}).status_code == 303
    page = client.get(f"/live/{code}").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/s" in page
    boss.post(f"/live/{code}/stop", data={"csrf_token": boss_token})
    rows = list(csv.reader(io.StringIO(boss.get(f"/live/{code}/results.csv").content.decode("utf-8-sig"))))
    assert rows[1][1] == script[:20]


def test_bad_settings_unknown_codes_and_strangers(server: WebServer) -> None:
    boss, boss_token = organiser(server)
    assert boss.get("/live/new").status_code == 200
    for fields, message in (({"seconds": "5"}, "每题时间"), ({"size": "99"}, "题目数量"), ({"size": "三"}, "数字"),
                            ({"keyword": "没有这样的题目关键词"}, "没有找到")):  # fmt: skip
        refused = start(boss, boss_token, **fields)
        assert refused.status_code == 400 and message in refused.text
    assert start(boss, "forged").status_code == 403
    stranger = server.client()
    assert stranger.get("/live/new").status_code == 403
    assert stranger.get("/live/123456").status_code == 404 and "加入码" in stranger.get("/live/123456").text
    assert stranger.get("/live?code=12ab34").headers["location"] == "/live/1234"
    code = started_code(boss, boss_token)
    assert stranger.get(f"/live/{code}/events").status_code == 403  # no access code entered
    assert boss.get("/live/999999/events").status_code == 404
    boss.post(f"/live/{code}/stop", data={"csrf_token": boss_token})


def answer_on_phone(page, question_text: str, right: bool) -> None:
    correct = right_reply(question_text)
    boxes = page.locator("#choices input[name=choice]")
    chosen = correct if right else [str(i) for i in range(boxes.count()) if str(i) not in correct][:1]
    for value in chosen:
        page.check(f"#choices input[name=choice][value='{value}']")
    page.click("#submit-answer")
    page.locator("#answer-form[hidden]").wait_for(state="attached")  # CSP forbids wait_for_function


def test_live_session_in_the_browser(server: WebServer, browser) -> None:
    desk = browser.new_context(viewport=DESKTOP)
    screen = desk.new_page()
    login_organiser(screen, server.url)
    screen.goto(server.url + "/live/new")
    screen.fill("#keyword", TAG)
    screen.fill("#size", "3")
    screen.click("#live-new button[type=submit]")
    screen.wait_for_url(re.compile(r".*/live/\d{6}/screen"))
    code = screen.locator(".join-code").inner_text().strip()
    assert screen.locator(".qr svg").count() == 1
    names = ["甲同学", "乙同学", "丙同学"]
    contexts = [browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
                for _ in names]  # fmt: skip
    phones = [c.new_page() for c in contexts]
    for phone, name in zip(phones, names):
        phone.goto(f"{server.url}/live/{code}")
        phone.fill("#access_code", CODE)
        phone.fill("#name", name)
        phone.click("#join-form button[type=submit]")
        phone.locator(".waiting").wait_for()
    screen.locator("#players", has_text="3").wait_for()
    shoot(screen, "live-projector-waiting")
    rights = {"甲同学": [True, True, True], "乙同学": [True, False, True], "丙同学": [False, False, False]}
    for number in range(3):
        screen.click("#next-button")
        heading = f"第 {number + 1}/3 题"
        for phone in phones:
            phone.locator(".heading", has_text=heading).wait_for()
            phone.locator("#answer-form:not([hidden])").wait_for()
        stem = phones[0].locator(".stem").inner_text()
        multi = phones[0].locator("#choices input[type=checkbox]").count() > 0
        assert multi == isinstance(next(c for q, _, _, c in ITEMS if q == stem), list)
        if multi:
            shoot(phones[0], "live-phone-multi")
            assert no_horizontal_scroll(phones[0])
        for phone, name in zip(phones, names):
            answer_on_phone(phone, stem, rights[name][ITEMS.index(next(i for i in ITEMS if i[0] == stem))])
        screen.locator(".question .heading", has_text=heading).wait_for()
        screen.locator(".reveal .answer").wait_for()  # everyone answered: the projector reveals
        assert "3 人作答" in screen.locator(".reveal .tally").inner_text()
        assert screen.locator(".reveal .passage").inner_text().strip()
        for phone, name in zip(phones, names):
            verdict = (
                "回答正确"
                if rights[name][ITEMS.index(next(i for i in ITEMS if i[0] == stem))]
                else "回答错误"
            )
            phone.locator("#answer-status", has_text=verdict).wait_for()
        if number == 0:
            shoot(screen, "live-projector")
            shoot(phones[1], "live-phone")
            phones[1].reload()  # a reload keeps the name and shows the revealed question
            phones[1].locator("#answer-status", has_text="回答").wait_for()
            assert phones[1].locator("#my-name").inner_text() == "乙同学"
    screen.click("#next-button")  # after the last question: the end and the final ranking
    screen.locator(".ended").wait_for()
    ranking = screen.locator(".ranks .name").all_inner_texts()
    assert ranking == ["甲同学", "乙同学", "丙同学"]
    shoot(screen, "live-projector-final")
    for phone in phones:
        phone.locator(".ended").wait_for()
        assert phone.locator(".ranks .name").all_inner_texts() == ranking
        assert no_horizontal_scroll(phone)
    shoot(phones[0], "live-phone-final")
    with screen.expect_download() as download:
        screen.click("#export")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[1] for r in rows[1:4]] == ranking and [r[2] for r in rows[1:4]] == ["3", "2", "0"]
    for context in (desk, *contexts):
        context.close()
