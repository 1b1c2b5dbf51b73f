"""Documents an organiser might send, made in memory: law-style texts, .docx, PDF, broken files.

Shared by tests/test_documents.py, tests/test_admin_e2e.py and benchmarks/docs_bench.py. Every
text is about something the bundled corpus never mentions, so a question about it can only be
answered from the added document.
"""

from __future__ import annotations

import io
import random

import docx

from tests.test_loaders import make_pdf

# A short regulation with three articles and a title line; the facts are invented.
WETLAND_TITLE = "龙川江湿地公园管理办法"
WETLAND_TEXT = """龙川江湿地公园管理办法
第一条 为了保护龙川江湿地公园的白鹭栖息地和候鸟越冬地，规范游览秩序，制定本办法。
第二条 龙川江湿地公园每日早上七点开园，晚上六点闭园；每年十二月至次年二月为候鸟保护期，核心区暂停开放。
第三条 在龙川江湿地公园内禁止垂钓、放生、露营和放飞无人机，违者由湿地公园管理处处以二百元罚款。
"""
WETLAND_QUESTION = "龙川江湿地公园内禁止哪些活动？"

# A second one, for the Word format and for two organisers uploading at the same moment.
TEA_TITLE = "青梧县古茶树保护办法"
TEA_ARTICLES = [
    "为了保护青梧县境内树龄一百年以上的古茶树资源，传承布朗族制茶技艺，制定本办法。",
    "青梧县古茶树实行挂牌保护，每一株古茶树设立二维码身份牌，由县茶叶站统一编号。",
    "采摘古茶树鲜叶应当遵守留养制度，春茶采摘期每株只能采摘一芽二叶，严禁台刈和环剥。",
    "擅自砍伐古茶树的，由县林业主管部门责令停止违法行为，每株处五万元罚款。",
]
TEA_QUESTION = "擅自砍伐青梧县古茶树怎么处罚？"

_PLACES = ["青梧", "石门", "白沙", "云岭", "赤水", "松溪", "桃源", "金竹", "银杏", "鹿鸣"]
_SUBJECTS = [
    "县人民政府", "乡镇人民政府", "村民委员会", "县文化和旅游主管部门", "县林业主管部门",
    "县民族宗教事务部门", "县财政部门", "县教育主管部门", "管理处", "县志愿服务联合会",
]  # fmt: skip
_OBJECTS = [
    "古树名木", "传统村落", "风雨桥", "民族刺绣", "山歌对唱", "梯田灌溉渠", "手工造纸作坊",
    "候鸟栖息地", "吊脚楼", "竹编技艺", "草药种植园", "石板古道",
]  # fmt: skip
_TEMPLATES = [
    "{s}应当加强对{o}的保护，建立{o}档案，每{n}年组织一次普查并向社会公布结果。",
    "{s}每年安排不少于{m}万元专项资金，用于{o}的修缮、展示和传承人补贴。",
    "任何单位和个人不得擅自拆除、改建{o}；确需迁移的，应当报{s}批准，并在{n}个月内异地重建。",
    "{s}应当在{o}周边设置保护标志，标明保护范围、责任人和举报电话，保护范围不少于{m}米。",
    "鼓励村民以{o}为依托发展乡村旅游，{s}对年接待游客超过{n}万人次的村寨给予奖励。",
    "对在{o}保护工作中做出显著成绩的个人，由{s}给予表彰，并连续{n}年发放传承津贴。",
    "违反本条例规定损毁{o}的，由{s}责令限期恢复原状，并处{n}千元以上罚款。",
    "{s}应当组织中小学校开展{o}进课堂活动，每学期不少于{n}课时。",
]


def law_text(name: str, articles: int, seed: int = 0, chapter_every: int = 0) -> str:
    """A regulation "name" with `articles` articles of invented but plausible provisions.

    Different seeds give different text (and so different content hashes: never a duplicate).
    With `chapter_every`, a 第X章 heading opens every that many articles.
    """
    rng = random.Random(f"{name}:{seed}")
    lines = [name]
    for number in range(1, articles + 1):
        if chapter_every and (number - 1) % chapter_every == 0:
            chapter = (number - 1) // chapter_every + 1
            lines.append(f"第{_chinese_number(chapter)}章 {rng.choice(_OBJECTS)}保护（{seed}-{chapter}）")
        place = rng.choice(_PLACES)
        body = "".join(
            rng.choice(_TEMPLATES).format(
                s=place + rng.choice(_SUBJECTS).removeprefix("县"),
                o=rng.choice(_OBJECTS),
                n=(n := rng.randint(2, 9)),
                m=n * 10,
            )
            for _ in range(rng.randint(1, 3))
        )
        lines.append(f"第{_chinese_number(number)}条 {body}")
    return "\n".join(lines) + "\n"


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + digits[rest] if rest < 10 else _chinese_number(rest))
    if 10 <= rest < 20:
        tail = "一" + _chinese_number(rest)
    return digits[n // 100] + "百" + tail


def docx_bytes(title: str, paragraphs: list[str], core_title: bool = True) -> bytes:
    """A Word document: a Title-styled first paragraph, then one paragraph per line."""
    document = docx.Document()
    if core_title:
        document.core_properties.title = title
    document.add_heading(title, level=0)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(text: str) -> bytes:
    """A one-page PDF with a line per line of `text` (see tests/test_loaders.make_pdf)."""
    return make_pdf([[line for line in text.splitlines() if line.strip()]])


def truncated_pdf(text: str = WETLAND_TEXT, keep: float = 0.6) -> bytes:
    data = pdf_bytes(text)
    return data[: int(len(data) * keep)]


def tea_docx() -> bytes:
    """The tea-tree regulation as a .docx with its four articles."""
    numbers = "一二三四"
    return docx_bytes(TEA_TITLE, [f"第{n}条 {a}" for n, a in zip(numbers, TEA_ARTICLES, strict=True)])
