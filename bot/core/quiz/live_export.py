"""A live session's results as CSV for the organiser: one row per player, one column per question.

Opened in a spreadsheet, so it starts with a UTF-8 BOM (Excel then reads Chinese correctly) and
a cell that starts like a formula (=, +, -, @) gets a leading apostrophe: display names are typed
by members and must not run as formulas on the organiser's computer.
"""

from __future__ import annotations

import csv
import io

from bot.core.quiz.live_session import LiveRoom

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def results_csv(room: LiveRoom) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    numbers = [f"第{c.asked.number}题" for c in room.closed]
    writer.writerow(["排名", "昵称", "答对", "作答", "正确率", *numbers])
    for rank, standing in enumerate(room.leaderboard, start=1):
        marks = [
            "—" if standing.player_id not in c.replies else ("对" if c.replies[standing.player_id] else "错")
            for c in room.closed
        ]
        row = [rank, standing.name, standing.correct, standing.answered, f"{standing.accuracy:.0%}", *marks]
        writer.writerow([_cell(v) for v in row])
    writer.writerow([])
    writer.writerow(["题号", "题目", "正确答案", "出处", "作答人数", "答对人数"])
    for c in room.closed:
        item = c.asked.item
        row = [c.asked.number, item.question, item.correct_text, f"《{item.doc_title}》{item.location}",
               c.answered, c.correct]  # fmt: skip
        writer.writerow([_cell(v) for v in row])
    return "\ufeff" + out.getvalue()
