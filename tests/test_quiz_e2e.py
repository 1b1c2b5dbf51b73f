"""Quiz sessions end to end: `policybot bot` as a process, users played through the fake Bot API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.quiz.bank import QuizBank, bank_for, save_bank
from bot.core.quiz.items import MULTI, QuizItem, fold
from tests.bot_process import BotProcess, running_bot
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.slow
SECONDS = 5  # each question stays open this long (Telegram's minimum open_period)
WAIT = 40.0


MULTI_ITEM = QuizItem(
    "multi-drill-1", MULTI, "《多选演练》：创建工作要做到哪些？", "有形、有效", ["有形", "有钱", "有效", "有名"],
    correct_set=[0, 2], doc_id="multi-drill", doc_title="多选演练", source="manual",
)  # fmt: skip


@pytest.fixture(scope="module")
def running(assistant, session_data_dir: Path, tmp_path_factory) -> Iterator[tuple[FakeTelegram, BotProcess]]:
    """The bot over the bundled bank plus one organiser-made multi-select item (removed afterwards)."""
    path = session_data_dir / "quiz_bank.json"
    stored = bank_for(assistant.index.passages, path)
    original = path.read_bytes()
    save_bank(QuizBank([*stored.items, MULTI_ITEM], stored.corpus_hash), path)
    log = tmp_path_factory.mktemp("quiz") / "bot.log"
    try:
        with running_bot(session_data_dir, log, {"POLICYBOT_QUIZ_SECONDS": str(SECONDS)}) as pair:
            yield pair
    finally:
        path.write_bytes(original)


@pytest.fixture
def fake(running) -> FakeTelegram:
    return running[0]


def texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.text or "" for m in fake.bot_messages(chat_id)]


def wait_text(fake: FakeTelegram, chat_id: int, needle: str, timeout: float = WAIT) -> str:
    return fake.wait_for(
        lambda: next((t for t in texts(fake, chat_id) if needle in t), None),
        timeout,
        f"a message with {needle!r}",
    )


def bank(data_dir: Path) -> dict[str, dict]:
    items = json.loads((data_dir / "quiz_bank.json").read_text(encoding="utf-8"))["items"]
    return {fold(i["question"]): i for i in items}


def test_group_quiz_two_players_stop_and_leaderboard(fake: FakeTelegram, running) -> None:
    group = fake.group("答题群")
    alice, bob = fake.user("Alice"), fake.user("Bob")
    fake.send_message(group, alice, "/quiz 3 讲话")
    wait_text(fake, group.id, "答题开始")
    poll = fake.wait_for(
        lambda: next((p for p in fake.polls() if p.chat_id == group.id), None), WAIT, "a quiz poll"
    )
    data = poll.poll
    assert data["type"] == "quiz" and data["is_anonymous"] is False
    assert data["open_period"] == SECONDS and len(data["explanation"]) <= 200
    assert "《" in data["explanation"]  # the citation
    correct = data["correct_option_ids"][0]
    fake.answer_poll(alice, poll.poll_id, [correct])
    fake.answer_poll(bob, poll.poll_id, [(correct + 1) % len(data["options"])])
    with pytest.raises(ValueError, match="changing the vote"):
        fake.answer_poll(bob, poll.poll_id, [correct])  # Telegram refuses a second vote in a quiz
    fake.wait_for(lambda: len(fake.pending_updates()) == 0, 20, "the votes to be fetched")
    fake.send_message(group, alice, "/stop")
    board = wait_text(fake, group.id, "答题已结束")
    assert board.index("Alice") < board.index("Bob")
    assert "Alice：答对 1 题" in board and "Bob：答对 0 题" in board
    fake.send_message(group, bob, "/stop")
    wait_text(fake, group.id, "当前没有进行中的答题")
    with pytest.raises(ValueError, match="closed"):
        fake.answer_poll(fake.user("Late"), poll.poll_id, [correct])  # /stop closed the poll
    fake.send_message(group, bob, "/score")
    score = wait_text(fake, group.id, "Bob的成绩")
    assert "共答 1 题，答对 0 题" in score and "/review" in score
    fake.send_message(group, alice, "/rank")
    rank = wait_text(fake, group.id, "本群答题总排行")
    assert rank.index("Alice") < rank.index("Bob")


def test_fill_in_answer_with_other_punctuation(fake: FakeTelegram, running, session_data_dir: Path) -> None:
    user = fake.user("Carol")
    chat = fake.private_chat(user)
    fake.send_message(chat, user, "/quiz 5 讲话")
    wait_text(fake, chat.id, "答题开始")
    items = bank(session_data_dir)
    # kinds take turns (choice, fill, judge), so the second question is a fill-in
    message = fake.wait_for(
        lambda: next((m for m in fake.bot_messages(chat.id) if "（填空）" in (m.text or "")), None),
        WAIT + SECONDS,
        "a fill-in question",
    )
    question = message.text.split("\n", 1)[1].rsplit("\n", 1)[0]
    item = items[fold(question)]
    fake.send_message(chat, user, f" “{item['answer']}”。 ", reply_to_message_id=message.message_id)
    wait_text(fake, chat.id, "✅ 回答正确")
    fake.send_message(chat, user, "/stop")
    board = wait_text(fake, chat.id, "答题已结束")
    assert "Carol：答对" in board


def test_bad_quiz_requests(fake: FakeTelegram) -> None:
    group = fake.group("测试群")
    user = fake.user("Dan")
    fake.send_message(group, user, "/quiz abc")
    assert "没有找到与“abc”相关的题目" in wait_text(fake, group.id, "abc")
    fake.send_message(group, user, "/quiz 9999")
    wait_text(fake, group.id, "1 到 20")
    fake.send_message(group, user, "/quiz 2 完全不存在的关键词")
    wait_text(fake, group.id, "完全不存在的关键词")
    fake.send_message(group, user, "/quiz 2")
    fake.send_message(group, user, "/quiz 2")  # two sessions at once in one chat
    wait_text(fake, group.id, "已有一场答题正在进行")
    fake.send_message(group, user, "/stop")
    wait_text(fake, group.id, "答题已结束")
    fake.send_message(group, user, "/daily 25:99")
    wait_text(fake, group.id, "用法：/daily")
    fake.send_message(group, user, "/daily 08:30")
    wait_text(fake, group.id, "每天 08:30")
    fake.send_message(group, user, "/daily off")
    wait_text(fake, group.id, "已取消每日一题")


def test_restart_mid_session_keeps_answers(fake: FakeTelegram, running) -> None:
    _, bot = running
    group = fake.group("重启群")
    erin = fake.user("Erin")
    fake.send_message(group, erin, "/quiz 3 讲话")
    poll = fake.wait_for(
        lambda: next((p for p in fake.polls() if p.chat_id == group.id), None), WAIT, "a quiz poll"
    )
    fake.answer_poll(erin, poll.poll_id, [poll.poll["correct_option_ids"][0]])
    fake.wait_for(lambda: fake.pending_updates() == [], 20, "the answer to be fetched")
    bot.restart()
    notice = wait_text(fake, group.id, "机器人重启")
    assert "Erin：答对 1 题" in notice
    fake.send_message(group, erin, "/quiz 1")  # the chat is free again
    wait_text(fake, group.id, "共 1 题")
    fake.send_message(group, erin, "/stop")


def test_poll_answer_overtaking_the_send_poll_reply_is_counted(fake: FakeTelegram) -> None:
    """Members see a poll as soon as Telegram has it; an answer may reach the bot before the
    sendPoll reply with the poll's id does."""
    group = fake.group("抢答群")
    frank = fake.user("Frank")
    fake.set_reply_delay(1.5, "sendPoll")
    try:
        fake.send_message(group, frank, "/quiz 1 讲话")
        poll = fake.wait_for(
            lambda: next((p for p in fake.polls() if p.chat_id == group.id), None), WAIT, "a quiz poll"
        )
        fake.answer_poll(frank, poll.poll_id, [poll.poll["correct_option_ids"][0]])
    finally:
        fake.set_reply_delay(0.0, "sendPoll")
    board = wait_text(fake, group.id, "本轮答题结束")
    assert "Frank：答对 1 题" in board


def test_multi_select_poll_counts_only_the_exact_set(fake: FakeTelegram) -> None:
    group = fake.group("多选群")
    gina, hank = fake.user("Gina"), fake.user("Hank")
    fake.send_message(group, gina, "/quiz 1 多选演练")
    poll = fake.wait_for(
        lambda: next((p for p in fake.polls() if p.chat_id == group.id), None), WAIT, "a multi-answer poll"
    )
    data = poll.poll
    assert data["type"] == "regular" and data["allows_multiple_answers"] and data["is_anonymous"] is False
    assert "（多选）" in data["question"]
    fake.answer_poll(gina, poll.poll_id, [2, 0])  # every correct option
    fake.answer_poll(hank, poll.poll_id, [0])  # only part of them
    with pytest.raises(ValueError, match="changing the vote"):
        fake.answer_poll(hank, poll.poll_id, [0, 2])  # the first vote is the answer
    reveal = wait_text(fake, group.id, "第 1 题答案", WAIT + SECONDS)
    assert "有形、有效" in reveal
    board = wait_text(fake, group.id, "本轮答题结束")
    assert "Gina：答对 1 题" in board and "Hank：答对 0 题" in board
