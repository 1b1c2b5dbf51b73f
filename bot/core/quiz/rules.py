"""The ethnic-affairs laws' core rules, found by their form: what a study group should know of them.

Why: the laws gave the bank only their quoted slogans (枫桥经验) and a stock formula, so a keyword
quiz on 民族区域自治法 or 国家通用语言文字法 found almost nothing. What a 理论学习中心组 learns from
these laws is a handful of sentences of a few forms — what a thing *is* (中华民族共同体意识是民族
团结之本; 民族自治地方的自治机关是……人民代表大会和人民政府), which freedom each nationality has
(使用和发展自己的语言文字的自由), which principle an organ follows (实行民主集中制的原则), what
relations the state keeps (平等团结互助和谐的社会主义民族关系), what it may do (有权采取特殊政策和
灵活措施), the rule of equality (各民族一律平等) and what is forbidden (破坏民族团结和制造民族分裂),
what the state upholds (增进共同性、尊重和包容差异性), and the promotion law's signature lists as
whole blanks (休戚与共、荣辱与共、生死与共、命运与共; 共居共学、共建共享、共事共乐).

Only sentences on nationalities count (民族, 各族, 中华文化, 语言文字, 自治), in the laws on
ethnic affairs and the constitution: 最高人民法院是最高审判机关 is a fact, not the study topic.
Each is asked as a fill-in (the rubric passes a blank's plausibility; no rival definition list
exists whose items are certainly false). Never a date, an article number or one element of a
list: the blank is the whole rule.
"""

from __future__ import annotations

import re

from bot.core.quiz.key_phrase import KeyPhrase
from bot.core.quiz.structure import ARTICLE_LABEL
from corpus.model import Passage

TOPIC = "rule"
_DOCUMENTS = re.compile(r"民族|宪法|语言文字")  # the laws on ethnic affairs; the constitution's articles on them
_ON_NATIONALITIES = re.compile(r"民族|各族|中华文化|语言文字|自治")
# X是Y。— the whole sentence a definition (after its article label): 中华民族共同体意识是民族团结之本。
_DEFINITION = re.compile(rf"(?:{ARTICLE_LABEL.pattern})?" + r"(?P<term>[^，。；：“”（）《》]{2,18}?)(?:都)?是(?P<answer>[^，。；：“”]{4,24})。$")
_FORMS = (
    re.compile(r"都有(?P<answer>[^，。；、]{4,16}?)的自由"),  # 各民族都有使用和发展自己的语言文字的自由
    re.compile(r"公民有(?P<answer>[^，。；、]{4,6})自由"),  # 各民族公民有宗教信仰自由
    re.compile(r"实行(?P<answer>[^，。；、的]{3,8})的原则"),  # 自治机关实行民主集中制的原则
    re.compile(r"工作坚持(?P<answer>[^，。；]{6,24})的原则"),  # 民族平等、团结、互助和促进各民族共同繁荣
    re.compile(r"各民族的(?P<answer>平等[^，。；的]{2,10}?)(?:的社会主义民族)?关系"),  # 平等团结互助和谐
    re.compile(r"有权采取(?P<answer>[^，。；、]{4,12})[，。；]"),  # 特殊政策和灵活措施
    re.compile(r"各民族(?P<answer>一律平等)"),
    re.compile(r"由(?P<answer>[^，。；由]{6,20}的公民)担任"),  # 自治县县长由实行区域自治的民族的公民担任
    re.compile(r"禁止(?P<answer>破坏民族团结[^，。；]{2,12}?)的行为"),  # 破坏民族团结和制造民族分裂
    re.compile(r"禁止对任何民族的(?P<answer>[^，。；]{4,8})[，。；]"),  # 歧视和压迫
    # the whole of what the state upholds, up to its clause's end (增进共同性、尊重和包容差异性)
    re.compile(r"国家坚持(?P<answer>[^和，。；、][^，。；]{3,13})[，。；]"),
    re.compile(r"有(?P<answer>维护[^，。；、]{4,16})的义务"),  # 维护国家统一和全国各民族团结
    re.compile(r"牢固树立(?P<answer>[^，。；]{6,30}?)的共同体理念"),  # 休戚与共、荣辱与共、生死与共、命运与共
    re.compile(r"坚定对(?P<answer>[^，。；]{8,40})的认同"),  # 伟大祖国、中华民族、中华文化、……的认同
    re.compile(r"各族群众(?P<answer>共.共.(?:、共.共.)+)的"),  # 共居共学、共建共享、共事共乐
)
# A named site or office (景宁民族工业园), or a term that says where it is defined (以下简称): a
# local detail, not a rule on nationalities.
_LOCAL_TERM = re.compile(r"[园馆局所]$|以下简称")


def core_rules(passage: Passage, sentence: str) -> list[KeyPhrase]:
    """Key phrases of topic `rule` in one sentence of a law on ethnic affairs."""
    if "讲话" in passage.doc_title or not _DOCUMENTS.search(passage.doc_title):
        return []
    if not _ON_NATIONALITIES.search(sentence):
        return []
    found: list[KeyPhrase] = []
    definition = _DEFINITION.match(sentence)
    if definition and not _LOCAL_TERM.search(definition.group("term")):
        found.append(_phrase(passage, sentence, definition.start("answer"), definition.group("answer")))
    for form in _FORMS:
        for m in form.finditer(sentence):
            found.append(_phrase(passage, sentence, m.start("answer"), m.group("answer")))
    return found


def on_study_topic(phrase: KeyPhrase) -> bool:
    """Whether a phrase of the material is on the study topic: the speech, a law on nationalities
    (民族 in its title), a sentence on them, or the constitution's 总纲 (the state's own principles:
    对它负责，受它监督). Seed 7: 宪法's 分工负责，互相配合，互相制约 of courts and police is a
    formulation, but not what a study group on 民族团结 learns; nor is 信访工作条例's “枫桥经验”."""
    passage = phrase.passage
    if "讲话" in passage.doc_title or "民族" in passage.doc_title or "总纲" in passage.heading:
        return True
    return bool(_ON_NATIONALITIES.search(phrase.sentence))


def _phrase(passage: Passage, sentence: str, start: int, text: str) -> KeyPhrase:
    return KeyPhrase(text, TOPIC, TOPIC, passage, sentence, start)


def other_fillings(phrase: KeyPhrase, corpus: str) -> set[str]:
    """What else the material puts in this blank: the words just before and after it, found
    elsewhere around another text. 各民族都有____的自由 holds 风俗习惯 as well as 语言文字, and
    中华人民共和国是____。 holds 宪法's first article too: such a blank has more than one right
    answer, and the item is not made."""
    s, start, end = phrase.sentence, phrase.start, phrase.start + len(phrase.text)
    left = ARTICLE_LABEL.sub("", s[:start])[-6:]
    right = s[end : end + 3]
    if not left or not right:
        return set()
    pattern = re.compile(re.escape(left) + r"([^。；\n]{1,40}?)" + re.escape(right))
    return {m.group(1) for m in pattern.finditer(corpus)} - {phrase.text}
