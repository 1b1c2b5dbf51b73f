"""What kind of answer a question asks for, and whether a text can hold one.

Why: a near-miss question ("归园居在哪个乡镇？", "推进组组长是谁？") shares every word with the
speech, so retrieval finds an on-topic passage; what gives it away is that the passage holds no
answer of the asked kind — no township, no person or post — next to the thing asked about. The
same kinds steer which sentence is offered as the answer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from index.jieba_dictionary import posseg
from index.ranker import bigram_overlap
from index.tokens import bigrams, normalize

QUANTITY, DATE, PERSON, PLACE, LIST, REASON, METHOD = (
    "quantity",
    "date",
    "person",
    "place",
    "list",
    "reason",
    "method",
)
CHECKED_KINDS = (QUANTITY, DATE, PERSON, PLACE, LIST)  # kinds a text can be tested for

# A question asking "how many / when" is answerable only if the text holds a quantity (of the
# unit asked for, when it names one: 多少公里 needs kilometres, 多少万 needs a real number of
# ten-thousands — the speech's redacted "**万人次" does not count).
_UNITS = "周岁|小时|分钟|公里|年|月|日|号|天|周|次|个|万|亿|%|位|名|届|岁|米|元|人|倍|户|项|条"
_UNIT_ALIASES = {"天": "天|日", "日": "天|日", "号": "号|日", "个": _UNITS}  # 几个人 asks for 人
_ASKS_QUANTITY = re.compile(
    rf"(?:多少|(?<!哪)几)({_UNITS})?|多久|多长|多大|多高|多远|多重|how many|how much|how long", re.I
)
# "What percentage" needs a percentage (the speech's redacted "**%" is none).
_ASKS_PERCENT = re.compile(r"百分之(?:几|多少)|百分比|几成|(?:几|多少)个百分点")
_PERCENT_UNITS = "%|成|个百分点"
# "When" needs a date: a number of years, months or days, not just any number.
_ASKS_DATE = re.compile(r"哪一?年|哪天|哪一天|什么时候|什么时间|何时|what year|which year|when", re.I)
_DATE_UNITS = "年|月|日|号"
# Not ordinals (第4位); a Chinese numeral right after a redaction (**万人次) is the unit of a
# hidden number, while digits after one (**、**4位) are real.
_NUMERALS = "〇零一二三四五六七八九十百千万两几"
_NUMBER = rf"(?:(?<![第\d.])\d+(?:\.\d+)?|(?<![第*{_NUMERALS}])[{_NUMERALS}]+)"
_FRACTION = re.compile(rf"[{_NUMERALS}\d]+分之[{_NUMERALS}\d]+|过半数|半数")
_CLOCK = re.compile(r"\d{1,2}:\d{2}")  # 从7:00站到9:00 answers "how long"
_YEAR = re.compile(r"(?:1[89]|20)\d\d年")  # 2021年 dates an event; it counts nothing
# The thing a how-many question counts, when it names one right before the question's end
# (多少个垃圾箱？ → 垃圾箱; 需要多少村民联名？ → 村民联名): the number must be about it.
_MEASURES = rf"{_UNITS}|种|颗|座|所|家|支|处|批|首|块|张|台|辆|套|封"
_COUNTED = re.compile(
    rf"(?:多少|(?<!哪)几)(?:{_MEASURES})?(?!{_MEASURES})([\u4e00-\u9fff]{{2,4}})(?:呢|吗|啊)?[？?。，,！!]?$"
)

# Who: a person's name, or a post (县委副书记) other than the one the question names; when the
# question names no post ("报谁批准", "who decides"), a body such as 国务院 answers too.
_ASKS_PERSON = re.compile(
    r"谁|哪位|哪一位|什么人|叫什么|名字|姓名|\bwho\b|\bwhose\b|which (?:premier|person|official|leader|minister)",
    re.I,
)
_ASKS_NAME = re.compile(r"叫什么|名字|姓名|\bname\b", re.I)
_POSTS = (
    "书记|县长|州长|市长|省长|乡长|镇长|区长|村长|局长|厅长|部长|处长|科长|组长|"
    "主任|主席|总理|委员长|秘书长|院长|检察长|庭长|校长|会长|负责人|领导人|干事"
)
_POST = re.compile(rf"[\u4e00-\u9fff]{{0,6}}(?:{_POSTS})")
_BODY = re.compile(
    r"委员会|人民政府|政府|国务院|部门|机关|机构|组织|党委|党中央|中央|局|厅|办公室|小组|法院|检察院|大会"
)
# Where: a place name, or a word ending in the kind of place asked for (哪个乡镇 wants 乡/镇,
# 哪条街 a street, 哪个片区 a district).
_PLACE_KINDS = "乡镇|乡|镇|村|县|州|市|省|区|片区|社区|街道|街|路|国家|城市|地方|单位"
_ASKS_PLACE = re.compile(
    rf"哪里|哪儿|哪裡|在哪|去哪|到哪|什么地方|(?:什么|哪个)(?:位置|方位)|何处|何地|哪处|哪(?:个|些|条|座|片)?(?:{_PLACE_KINDS})|\bwhere\b",
    re.I,
)
_PLACE_SUFFIXES = "省|市|县|州|乡|镇|村|区|街道|社区|广场|公园|基地|馆|园|江|河|湖|山|路|街|国"
_KIND_SUFFIXES = {"乡镇": "乡|镇", "国家": "国", "城市": "市|城"}
_ASKS_PARTS = re.compile(r"几(?:个)?(?:方面|部分|点|章|层意思)")  # "分几个部分" lists, it does not count
# List: the parts of something; answered by an enumeration (、-separated items, 一是…二是…).
_ASKS_LIST = re.compile(r"哪些|哪几|几个方面|几方面|几部分|几个部分|包括什么|包括哪|分为|what are the", re.I)
# "问题的根子在哪里" asks for a cause, not a place.
_FIGURATIVE_PLACE = re.compile(r"(?:根子|根源|原因|问题|症结|关键|差距|不足|短板|难点|出路|意义|价值|好处|毛病)在哪")
_ENUMERATION = re.compile(r"[^,，;；。、]{1,30}、[^,，;；。]{1,30}|[一二三四五六]是|（[一二三四五六七八九十]+）|[一二三四五六]、")
# What gives a reason: the speech says 根子在于…, 是…的问题, 归根结底 as often as 因为.
REASON_CUES = re.compile(r"因为|由于|原因|导致|造成|根子|归根结底|所以|是.{0,8}的问题")
_ASKS_REASON = re.compile(r"为什么|为何|什么原因|原因|怎么会|\bwhy\b", re.I)
_ASKS_METHOD = re.compile(r"怎么|怎样|如何|咋|\bhow\b", re.I)


@dataclass(frozen=True)
class Asked:
    """The kind of answer a question wants."""

    kind: str  # one of the kinds above, "" when the question does not say
    unit: str = ""  # quantity/date: units a number must carry; place: suffixes a place must end in
    question: str = ""  # normalised question, so its own words are not taken for an answer
    counted: str = ""  # quantity: the thing counted, when the question names it (多少个垃圾箱)

    @property
    def checkable(self) -> bool:
        return self.kind in CHECKED_KINDS


@lru_cache(maxsize=1024)
def asked_kind(question: str) -> Asked:
    """Classify a question (simplified, half width) by the answer it wants; first match wins.

    Cached on the text: along one ask the ranker's answer cue, five scope features and the
    answer sentences all read the kind of the same query (Asked is frozen, so sharing is safe).
    """
    q = normalize(question)
    if _ASKS_DATE.search(q):
        return Asked(DATE, _DATE_UNITS, q)
    if _ASKS_PARTS.search(q):
        return Asked(LIST, "", q)
    if _ASKS_PERCENT.search(q):
        return Asked(QUANTITY, _PERCENT_UNITS, q)
    quantity = _ASKS_QUANTITY.search(q)
    if quantity and _modifies_noun(q, quantity):
        quantity = None  # "几位同志是怎么交流的" asks how, about a few comrades
    if quantity:
        unit = quantity.group(1) or ""
        counted = _COUNTED.search(q)
        return Asked(QUANTITY, _UNIT_ALIASES.get(unit, unit or _UNITS), q, counted.group(1) if counted else "")
    if _ASKS_PERSON.search(q):
        return Asked(PERSON, "name" if _ASKS_NAME.search(q) else "post" if _POST.search(q) else "", q)
    place = _ASKS_PLACE.search(q)
    if place and not _FIGURATIVE_PLACE.search(q):
        kind = next((k for k in _PLACE_KINDS.split("|") if place.group(0).endswith(k)), "")
        if kind in ("地方", "单位"):
            kind = ""
        return Asked(PLACE, _KIND_SUFFIXES.get(kind, kind), q)
    if _ASKS_LIST.search(q):
        return Asked(LIST, "", q)
    if _ASKS_REASON.search(q):
        return Asked(REASON, "", q)
    if _ASKS_METHOD.search(q):
        return Asked(METHOD, "", q)
    return Asked("", "", q)


def _modifies_noun(question: str, quantity: re.Match[str]) -> bool:
    """A 几/多少 in front of a noun, in a question that asks how or why at its end."""
    rest = question[quantity.end() :]
    return len(rest) > 4 and bool(_ASKS_METHOD.search(rest) or _ASKS_REASON.search(rest))


def holds_answer(asked: Asked, text: str) -> bool:
    """Does `text` (any span of the material) contain an answer of the asked kind?"""
    text = normalize(text)
    if asked.kind in (QUANTITY, DATE):
        if asked.kind == QUANTITY:
            if asked.counted and not _mentions(asked.counted, text):
                return False  # a number of something else
            if _CLOCK.search(text) or _FRACTION.search(text):
                return True
        # A number the question itself names ("三月三"节) is the thing asked about, not its answer.
        found = re.finditer(f"{_NUMBER}(?:{asked.unit})", text)
        return any(m.group(0) not in asked.question and not _is_year(asked, m.group(0)) for m in found)
    if asked.kind == PERSON:
        return _has_person(asked, text)
    if asked.kind == PLACE:
        return _has_place(asked, text)
    if asked.kind == LIST:
        return _ENUMERATION.search(text) is not None
    if asked.kind == REASON:
        return REASON_CUES.search(text) is not None
    return True


def _mentions(noun: str, text: str) -> bool:
    """Most of the noun's character pairs occur in `text` (村民联名 in "村民…联名")."""
    return bigram_overlap(set(bigrams(noun)), set(bigrams(text))) >= 0.5


def _is_year(asked: Asked, number: str) -> bool:
    """A calendar year (2021年) answers "when" or "how many years", not "how many" of a thing."""
    return asked.kind == QUANTITY and asked.unit != "年" and bool(_YEAR.fullmatch(number))


def _has_person(asked: Asked, text: str) -> bool:
    """A name; for a named post (组长是谁) the post itself plus its holder; else also a body."""
    roles = {re.search(_POSTS, m.group(0)).group(0) for m in _POST.finditer(asked.question)}  # type: ignore[union-attr]
    if roles and not any(role in text for role in roles):
        return False  # the post asked about is not even mentioned here
    if person_names(text):
        return True
    if asked.unit == "name":
        return False
    for match in _POST.finditer(text):
        post = match.group(0)
        if post not in asked.question and not any(role in post for role in roles):
            return True
    return asked.unit == "" and _BODY.search(text) is not None


# jieba's tagger cuts a text into these blocks (runs of Chinese, letters, digits) and the rest,
# and tags each one on its own; the same as jieba.posseg.re_han_internal.
_TAGGER_BLOCKS = re.compile(r"([\u4e00-\u9fd5a-zA-Z0-9+#&._]+)")


def tagged(text: str) -> tuple[tuple[str, str], ...]:
    """jieba's word tags of `text`, block by block.

    Why by block: the checks tag clause windows, sentences and whole passages that share their
    blocks; cached per block, a clause is tagged once however many windows hold it (the tagger
    was the largest cost of a warm ask). The result equals tagging the whole text (tested).
    """
    return tuple(pair for block in _TAGGER_BLOCKS.split(text) if block for pair in _tagged_block(block))


@lru_cache(maxsize=16384)
def _tagged_block(block: str) -> tuple[tuple[str, str], ...]:
    return tuple((w.word, w.flag) for w in posseg().cut(block))


def person_names(text: str) -> list[str]:
    """Personal names jieba's tagger sees (redacted "**" names are none)."""
    return [w for w, flag in tagged(text) if flag == "nr" and len(w) >= 2 and "*" not in w]


def _has_place(asked: Asked, text: str) -> bool:
    suffixes = asked.unit or _PLACE_SUFFIXES
    for word, flag in tagged(text):
        if "*" in word or word in asked.question or len(word) < 2:
            continue
        if asked.unit and re.search(f"(?:{suffixes})$", word) and len(word) >= 3:
            return True
        if not asked.unit and (flag == "ns" or re.search(f"(?:{suffixes})$", word)):
            return True
    return False


_CLAUSE = re.compile(r"[^,，;；。！？!?:：\n]+")
_QUESTION_WORDS = re.compile(
    r"什么|哪[些个里儿位一天年处]?|怎么样?|怎样|如何|多少|多久|几|谁|吗|呢|是不是|有没有|为什么|为何|请问"
)


def anchor_pairs(question: str, asked: Asked) -> set[str]:
    """The question's character pairs that name its topic (question words and the asked kind removed)."""
    q = asked.question or normalize(question)
    for pattern in (_ASKS_DATE, _ASKS_QUANTITY, _ASKS_PERSON, _ASKS_PLACE, _ASKS_LIST):
        q = pattern.sub(" ", q)
    return set(bigrams(_QUESTION_WORDS.sub(" ", q)))


def holds_answer_near(asked: Asked, question: str, texts: list[str]) -> bool | None:
    """Is there an answer of the asked kind next to where the question's words are?

    The clauses that share most of the question's topic pairs are the anchor — each pair weighted
    by how few clauses of these texts have it, so words found everywhere (示范县) anchor nothing —
    and the answer must be in one of them or the clause on either side. Why: "中央民族工作会议是哪
    一年召开的？" finds the speech's opening sentence, which names the meeting and, three clauses
    away, 2023年 — the year of the study session, not of the meeting. None when no clause shares
    a pair with the question (an English question): nothing to anchor on.
    """
    pairs = anchor_pairs(question, asked)
    clauses_of = [[c.strip() for c in _CLAUSE.findall(normalize(t))] for t in texts]
    found = [(i, j, pairs & set(bigrams(c))) for i, cs in enumerate(clauses_of) for j, c in enumerate(cs)]
    spread = Counter(p for _, _, shared in found for p in shared)
    scored = [(sum(1.0 / spread[p] for p in shared), i, j) for i, j, shared in found]
    best = max((score for score, _, _ in scored), default=0.0)
    if best <= 0.0:
        return None
    for score, i, j in scored:
        if score >= 0.5 * best:
            window = "，".join(clauses_of[i][max(j - 1, 0) : j + 2])
            if holds_answer(asked, window):
                return True
    return False
