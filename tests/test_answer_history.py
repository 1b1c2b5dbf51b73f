"""Reading the answer log back: conversations and the organisers' to-do list."""

from __future__ import annotations

from bot.core.answer_history import conversation, disliked_answers, missing_topics, owner_of
from bot.core.answer_log import AnswerLog
from bot.core.answers import Answer, Citation
from bot.core.database import Database


def found(question: str) -> Answer:
    return Answer(question, True, "答案", [Citation("p1", "讲话", "一", "第1段", "原文", 0.9)])


def test_conversation_is_per_member_and_oldest_first():
    db = Database()
    log = AnswerLog(db)
    ids = [log.save(found(f"问题{i}"), -5, -5) for i in range(3)]
    log.save(found("别人的问题"), 9, 9)
    log.record_feedback(ids[1], -5, False)
    history = conversation(db, -5)
    assert [h.answer.question for h in history] == ["问题0", "问题1", "问题2"]
    assert [h.vote for h in history] == [0, -1, 0]
    assert [h.answer.question for h in conversation(db, -5, limit=1)] == ["问题2"]
    assert owner_of(db, ids[0]) == -5 and owner_of(db, "nope") is None


def test_missing_topics_counted_and_disliked_listed():
    db = Database()
    log = AnswerLog(db)
    for question in ["明天下雨吗？", "明天 下雨吗", "股票怎么买", "明天下雨吗?"]:
        log.save(Answer(question, False, "没有找到"), 1, 1)
    log.save(found("资料里的问题"), 1, 1)
    topics = missing_topics(db)
    assert [(t.question, t.count) for t in topics] == [("明天下雨吗？", 3), ("股票怎么买", 1)]
    bad = log.save(found("答得不好的问题"), 1, 1)
    log.record_feedback(bad, 1, False)
    log.record_feedback(bad, 2, False)
    good = log.save(found("答得好的问题"), 1, 1)
    log.record_feedback(good, 1, True)
    assert [(d.question, d.votes) for d in disliked_answers(db)] == [("答得不好的问题", 2)]
