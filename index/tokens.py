"""Chinese keyword tokens for BM25: normalised, simplified, jieba search-mode words.

Why each step: NFKC folds full/half width; OpenCC turns traditional characters into the simplified
ones the corpus uses; jieba's search mode adds the sub-words of long words (融合度 → 融合, 合度,
融合度) so that a paraphrase sharing part of a compound still matches; question words such as
什么/怎样/如何 say nothing about the topic and are dropped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import opencc

from corpus.cleaning import normalize_for_matching
from index.jieba_dictionary import JIEBA_DIR, jieba, load_dictionary

jieba.setLogLevel(logging.WARNING)

STOP_WORDS = frozenset(
    """
    的 了 是 在 和 与 及 或 也 都 就 而 又 并 把 被 对 于 以 为 之 其 这 那 此 该 各 等 个 些 吗 呢 吧 啊 呀 么
    什么 怎么 怎样 怎么样 如何 哪些 哪个 哪里 哪儿 为什么 为何 是否 是不是 有没有 能否 可以 多少 几 谁
    请问 请 问 一下 告诉 我 我们 你 你们 他 她 它 他们 有 没有 要 会 能 应该 应当 关于 方面 内容 问题 提到 讲
    说 讲话 中 里 上 下 吗 么 呢 嘛 哪 啥 咋 怎 给 让 到 从 向 被 将 还 再 很 最 更 所 则 即
    what which who whom whose how why when where is are was were be been the a an of to in on for
    and or do does did can could should would will about tell me please i we you it this that with as by
    """.split()
)
_WORD_RE = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
_RUN_RE = re.compile(r"[\u3400-\u9fff]+|[a-z0-9]+")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Matching form of a text: NFKC, lower case, simplified characters.

    Cached: each question normalises the texts and titles of ~100 candidate passages again
    (73,000 calls over the 303 hand-written questions), the same few thousand strings.
    """
    return _converter().convert(normalize_for_matching(text))


def simplified(text: str) -> str:
    """A question written in traditional characters, in the simplified ones the corpus uses.

    BM25 folds both already (normalize); the encoder does not: e5 places 書記 and 书记 apart.
    One changed character is left as written: more often a variant the text itself uses (舖).
    """
    converted = _converter().convert(text)
    if len(converted) != len(text):
        return converted
    return converted if sum(a != b for a, b in zip(text, converted)) >= 2 else text


def tokenize(text: str) -> list[str]:
    """Content tokens of `text` in order, repeats kept (BM25 counts them)."""
    return [
        token
        for token in jieba.cut_for_search(normalize(text))
        if token.strip() and _WORD_RE.search(token) and token not in STOP_WORDS
    ]


def bigrams(text: str) -> list[str]:
    """Overlapping Chinese character pairs (and whole latin/digit runs).

    Why: they match whatever jieba's segmentation did to either side, so a question phrased
    with other word boundaries still meets the passage's wording.
    """
    out: list[str] = []
    for run in _RUN_RE.findall(normalize(text)):
        if run[0].isascii() or len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


TOKENIZERS = {"words": tokenize, "bigrams": bigrams}


@lru_cache(maxsize=1)
def _idf_table() -> tuple[dict[str, float], float]:
    """General-language IDF of Chinese words (jieba's table): how specific a term is.

    Read from the file jieba ships ("word idf" per line) into the same table as
    `jieba.analyse.TFIDF` (tested): importing jieba.analyse would also import jieba.posseg, and
    its line-by-line parse took three times as long — together a second of every cold `ask`.
    """
    fields = (JIEBA_DIR / "analyse" / "idf.txt").read_text(encoding="utf-8").split()
    idf = dict(zip(fields[0::2], map(float, fields[1::2]), strict=True))
    return idf, sorted(idf.values())[len(idf) // 2]


def content_terms(text: str) -> dict[str, float]:
    """The question's topical words (jieba precise mode) with their IDF as weight."""
    idf, default = _idf_table()
    terms: dict[str, float] = {}
    for token in jieba.cut(normalize(text)):
        token = token.strip()
        if token and _WORD_RE.search(token) and token not in STOP_WORDS:
            terms[token] = idf.get(token, default)
    return terms


def held_weight(terms: dict[str, float], found: str | Callable[[str], bool]) -> float:
    """Summed IDF weight of the `terms` (content_terms) that `found` holds.

    `found` is a text in matching form (normalize) or a test per term (a vocabulary lookup).
    """
    holds = found.__contains__ if isinstance(found, str) else found
    return sum(w for t, w in terms.items() if holds(t))


def term_share(terms: dict[str, float], found: str | Callable[[str], bool]) -> float:
    """IDF-weighted share (0–1) of the `terms` that `found` holds; 0 for a question without any.

    Why one function: answering, sentence choice, part questions and the retrieval's coverage
    signal all measure "how much of the question's specific wording a text has" the same way,
    rare words counting more than common ones. It takes the terms rather than the question so
    a caller scoring many texts against one question computes them once.
    """
    total = sum(terms.values())
    return held_weight(terms, found) / total if total else 0.0


def cjk_share(text: str) -> float:
    """Share of letters that are Chinese characters (English questions rely on dense evidence)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if "\u3400" <= ch <= "\u9fff") / len(letters)


def warm_up(cache_dir: Path | None = None) -> None:
    """Load jieba's dictionary and IDF table now rather than on the first question.

    jieba parses its 5 MB dictionary once; the result is kept in `cache_dir` (ours, in a form
    that loads four times faster than jieba's own cache: index.jieba_dictionary) rather than in
    the system's temporary folder, which may be wiped or shared.
    """
    if cache_dir is not None:
        load_dictionary(cache_dir)
    jieba.initialize()
    tokenize("预热")
    content_terms("预热")
