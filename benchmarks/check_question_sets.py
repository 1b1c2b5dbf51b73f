#!/usr/bin/env python3
"""Validate the hand-written evaluation question sets in benchmarks/data/.

Files checked (JSON Lines, UTF-8, one object per line):

* speech_qa.jsonl    {"q", "expect", "kind", "split"[, "expect_all"]}
                     kind in paraphrase | keyword | traditional | english | structure |
                     colloquial | multi; "expect_all" (a list, first item == "expect") names
                     every span a question needing several passages must find
* policy_qa.jsonl    {"q", "expect", "kind", "split", "doc"}
* out_of_scope.jsonl {"q", "kind", "split"[, "asks"]}
                     kind in chitchat | general | near_miss | english; "asks" says what a near
                     miss asks for (who | where | when | how_many | which | what | why | list)

Checks:
* every line is valid JSON, an object, with exactly the required fields
  (all non-empty strings) and allowed kind/split values;
* "expect" (and each "expect_all" span) is 6-30 characters, contains no line break or sentence-ending
  punctuation (so it can lie inside one sentence) and occurs verbatim in the
  source text: the speech body (first line = website boilerplate, ignored) for
  speech_qa, the named policy file for policy_qa; it must occur exactly once in
  that text so it points at one passage (occurrences in *other* policy files are
  reported as warnings, since the question should then name its document);
* no duplicate questions across all three files (compared after removing
  whitespace/punctuation, lower-casing and folding common traditional
  characters to simplified ones);
* script sanity: "english" questions contain no CJK characters, "traditional"
  questions use traditional characters and no simplified-only ones, and the
  other Chinese kinds of speech_qa/policy_qa are written in simplified Chinese;
* composition required by the benchmark brief (totals, minimum per kind,
  dev/test balance per kind, number of policy documents covered).

Counts per kind/split are printed. Exit status 1 if any problem was found.

Usage: python benchmarks/check_question_sets.py [--corpus DIR] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "texts"
DEFAULT_DATA = Path(__file__).resolve().parent / "data"

SPEECH_KINDS = ("paraphrase", "keyword", "traditional", "english", "structure", "colloquial", "multi")
POLICY_KINDS = ("paraphrase", "keyword", "traditional", "english")
ASKS = ("who", "where", "when", "how_many", "which", "what", "why", "list")
OOS_KINDS = ("chitchat", "general", "near_miss", "english")
SPLITS = ("dev", "test")

FIELDS = {
    "speech_qa.jsonl": ("q", "expect", "kind", "split"),
    "policy_qa.jsonl": ("q", "expect", "kind", "split", "doc"),
    "out_of_scope.jsonl": ("q", "kind", "split"),
}
OPTIONAL = {"speech_qa.jsonl": ("expect_all",), "out_of_scope.jsonl": ("asks",)}

# Composition required by the briefs: issue 2's sets plus issue 12's two blind-written batches
# (first: at least 40 new speech questions and 40 new near misses; second: 60 speech, 20 policy
# and 40 near-miss questions; see benchmarks/data/README.md).
SPEECH_MIN_TOTAL = 164
SPEECH_MIN = {
    "paraphrase": 48,
    "keyword": 20,
    "traditional": 14,
    "english": 16,
    "structure": 13,
    "colloquial": 14,
    "multi": 10,
}
POLICY_MIN_TOTAL = 60
POLICY_MIN = {"traditional": 4, "english": 12}
POLICY_MIN_DOCS = 15
OOS_MIN_TOTAL = 150
OOS_MIN = {"near_miss": 95, "english": 8}
OOS_MIN_TRADITIONAL = 4

EXPECT_MIN, EXPECT_MAX = 6, 30
# Characters that end (or break) a sentence; an "expect" must not span them.
SENTENCE_BREAKS = set("。！？!?;；\n\r")

# Aligned simplified/traditional pairs of common characters whose simplified
# form is not itself a normal traditional character (and vice versa).
_PAIRS = (
    "这這个個们們么麼为為时時说說对對会會国國发發书書县縣问問题題经經过過还還"
    "与與从從点點实實当當将將区區党黨队隊员員长長门門开開关關见見样樣节節级級"
    "设設议議讲講请請谁誰让讓应應该該报報业業产產东東车車买買卖賣边邊动動华華"
    "办辦务務传傳体體众眾优優伤傷况況决決则則创創别別历歷压壓厅廳参參双雙变變"
    "号號听聽启啟围圍图圖团團场場坏壞块塊声聲处處备備头頭夺奪奖獎妇婦学學宁寧"
    "宝寶宪憲宫宮导導层層岁歲币幣师師带帶帮幫广廣库庫庙廟张張彻徹态態总總恶惡"
    "惯慣战戰执執扩擴扫掃护護担擔择擇拥擁挡擋换換损損据據数數无無旧舊显顯术術"
    "机機权權条條来來杨楊极極构構标標树樹桥橋检檢欢歡气氣汉漢汤湯沟溝没沒济濟"
    "灭滅灯燈灵靈热熱爱愛状狀独獨环環现現电電画畫疗療监監盖蓋码碼礼禮种種称稱"
    "积積穷窮竞競笔筆简簡类類纪紀约約纸紙线線组組细細织織给給统統继繼绩績续續"
    "维維综綜网網罗羅职職联聯肃肅胜勝脑腦艺藝获獲营營补補观觀规規视視计計认認"
    "讨討训訓记記访訪证證评評识識词詞试試诚誠话話详詳语語误誤读讀课課调調谈談"
    "谋謀贯貫责責质質购購费費资資赛賽赶趕践踐转轉轮輪软軟较較辑輯输輸达達迁遷"
    "运運进進远遠连連适適选選递遞遗遺邮郵邻鄰针針钱錢铁鐵银銀错錯键鍵镇鎮间間"
    "闻聞阳陽阶階际際陆陸险險随隨隐隱难難雾霧鸡雞页頁顶頂项項顺順须須领領频頻"
    "颜顏风風飞飛饭飯饮飲马馬验驗鱼魚鸟鳥龙龍尽盡钟鐘烧燒怎怎么麼样樣觉覺乐樂"
    "边邊鲜鮮脚腳荐薦剧劇韩韓温溫筑築铺鋪团團"
)
assert len(_PAIRS) % 2 == 0
_T2S = {}
for _s, _t in zip(_PAIRS[0::2], _PAIRS[1::2]):
    if _s != _t:
        _T2S[_t] = _s
# Traditional-only characters whose simplified forms are also used in
# traditional text (里/後 etc.), so only the traditional side is listed.
_T2S.update(
    {
        "裡": "里",
        "後": "后",
        "幹": "干",
        "隻": "只",
        "臺": "台",
        "雲": "云",
        "豐": "丰",
        "劃": "划",
        "幾": "几",
        "麵": "面",
        "準": "准",
        "週": "周",
    }
)
TRAD_ONLY = set(_T2S)
SIMP_ONLY = set(_T2S.values()) - {"里", "后", "干", "只", "台", "云", "丰", "划", "几", "面", "准", "周"}

CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_RE = re.compile(r"[A-Za-z]")


def has_cjk(text: str) -> bool:
    return bool(CJK_RE.search(text))


def trad_count(text: str) -> int:
    return sum(ch in TRAD_ONLY for ch in text)


def simp_count(text: str) -> int:
    return sum(ch in SIMP_ONLY for ch in text)


def norm_question(text: str) -> str:
    """Key used to detect duplicate questions."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(_T2S.get(ch, ch) for ch in text)
    return "".join(ch for ch in text if ch.isalnum())


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, where: str, msg: str) -> None:
        self.errors.append(f"ERROR {where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"warning {where}: {msg}")


def load_corpus(corpus: Path, rep: Report) -> tuple[str, dict[str, str]]:
    speech_files = sorted((corpus / "speech").glob("*.txt"))
    if len(speech_files) != 1:
        rep.error(str(corpus / "speech"), f"expected exactly one .txt file, found {len(speech_files)}")
        speech = ""
    else:
        lines = speech_files[0].read_text(encoding="utf-8").splitlines()
        speech = "\n".join(lines[1:])  # first line is website boilerplate
    policies = {
        unicodedata.normalize("NFC", p.name): p.read_text(encoding="utf-8")
        for p in sorted((corpus / "policies").glob("*.md"))
    }
    if not policies:
        rep.error(str(corpus / "policies"), "no .md policy files found")
    return speech, policies


def load_jsonl(path: Path, rep: Report) -> list[tuple[int, dict]]:
    rows: list[tuple[int, dict]] = []
    if not path.is_file():
        rep.error(path.name, "file not found")
        return rows
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        rep.error(path.name, f"not valid UTF-8: {exc}")
        return rows
    if raw.startswith("\ufeff"):
        rep.error(path.name, "file starts with a byte-order mark")
        raw = raw[1:]
    for lineno, line in enumerate(raw.split("\n"), 1):
        if not line.strip():
            if line != "" or lineno != raw.count("\n") + 1:
                rep.error(f"{path.name}:{lineno}", "blank line")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            rep.error(f"{path.name}:{lineno}", f"invalid JSON: {exc}")
            continue
        if not isinstance(obj, dict):
            rep.error(f"{path.name}:{lineno}", "line is not a JSON object")
            continue
        rows.append((lineno, obj))
    return rows


def check_fields(name: str, lineno: int, obj: dict, kinds: tuple[str, ...], rep: Report) -> bool:
    where = f"{name}:{lineno}"
    ok = True
    required = FIELDS[name]
    missing = [f for f in required if f not in obj]
    extra = [f for f in obj if f not in required and f not in OPTIONAL.get(name, ())]
    if missing:
        rep.error(where, f"missing field(s) {missing}")
        ok = False
    if extra:
        rep.error(where, f"unexpected field(s) {extra}")
    for f in required:
        if f in obj and (not isinstance(obj[f], str) or not obj[f].strip()):
            rep.error(where, f"field {f!r} must be a non-empty string")
            ok = False
        elif f in obj and obj[f] != obj[f].strip():
            rep.error(where, f"field {f!r} has leading/trailing whitespace")
    if ok and obj["kind"] not in kinds:
        rep.error(where, f"kind {obj['kind']!r} not in {list(kinds)}")
        ok = False
    if ok and obj["split"] not in SPLITS:
        rep.error(where, f"split {obj['split']!r} not in {list(SPLITS)}")
        ok = False
    return ok


def check_script(where: str, q: str, kind: str, rep: Report, *, require_simplified: bool) -> None:
    t, s = trad_count(q), simp_count(q)
    if kind == "english":
        if has_cjk(q) or not LATIN_RE.search(q):
            rep.error(where, "english question must be written in English without CJK characters")
        return
    if not has_cjk(q):
        rep.error(where, f"{kind} question contains no Chinese characters")
        return
    if kind == "traditional":
        if t == 0:
            rep.error(where, "traditional question uses no traditional characters")
        if s:
            bad = "".join(sorted({ch for ch in q if ch in SIMP_ONLY}))
            rep.error(where, f"traditional question contains simplified-only characters: {bad}")
    elif t and (require_simplified or s):
        bad = "".join(sorted({ch for ch in q if ch in TRAD_ONLY}))
        rep.error(where, f"{kind} question mixes in traditional characters: {bad}")


def check_expect(where: str, expect: str, source: str, source_name: str, rep: Report) -> bool:
    ok = True
    if not EXPECT_MIN <= len(expect) <= EXPECT_MAX:
        rep.error(
            where, f"expect has {len(expect)} characters (must be {EXPECT_MIN}-{EXPECT_MAX}): {expect!r}"
        )
        ok = False
    breaks = sorted(set(expect) & SENTENCE_BREAKS)
    if breaks:
        rep.error(where, f"expect spans a sentence break {breaks}: {expect!r}")
        ok = False
    n = source.count(expect)
    if n == 0:
        rep.error(where, f"expect not found verbatim in {source_name}: {expect!r}")
        ok = False
    elif n > 1:
        rep.error(where, f"expect occurs {n} times in {source_name} (must be unique): {expect!r}")
        ok = False
    return ok


def check_expect_all(where: str, obj: dict, speech: str, rep: Report) -> None:
    """Several spans that must all be found: a list whose first item is "expect", on separate lines."""
    spans = obj["expect_all"]
    if not isinstance(spans, list) or len(spans) < 2 or not all(isinstance(x, str) for x in spans):
        rep.error(where, "expect_all must be a list of at least two strings")
        return
    if spans[0] != obj["expect"]:
        rep.error(where, "expect_all must start with expect")
    for span in spans[1:]:
        check_expect(where, span, speech, "the speech", rep)
    lines = speech.splitlines()
    first_line = {next((i for i, line in enumerate(lines) if span in line), -1) for span in spans}
    if len(first_line) < len(spans):
        rep.error(where, "expect_all spans must come from different paragraphs")


def print_counts(title: str, rows: list[dict], kinds: tuple[str, ...]) -> None:
    counts = Counter((r.get("kind"), r.get("split")) for r in rows)
    print(f"\n{title}: {len(rows)} questions")
    print(f"  {'kind':<12}{'dev':>5}{'test':>6}{'total':>7}")
    for k in kinds:
        d, t = counts[(k, "dev")], counts[(k, "test")]
        print(f"  {k:<12}{d:>5}{t:>6}{d + t:>7}")
    d = sum(v for (k, s), v in counts.items() if s == "dev")
    t = sum(v for (k, s), v in counts.items() if s == "test")
    print(f"  {'all':<12}{d:>5}{t:>6}{d + t:>7}")


def check_balance(name: str, rows: list[dict], kinds: tuple[str, ...], rep: Report) -> None:
    counts = Counter((r["kind"], r["split"]) for r in rows)
    for k in kinds:
        d, t = counts[(k, "dev")], counts[(k, "test")]
        if abs(d - t) > 1:
            rep.error(name, f"kind {k!r} is unbalanced between dev ({d}) and test ({t})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help=f"corpus root with speech/ and policies/ (default {DEFAULT_CORPUS})",
    )
    ap.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="directory holding the .jsonl question sets (default: benchmarks/data)",
    )
    args = ap.parse_args(argv)

    rep = Report()
    speech, policies = load_corpus(args.corpus, rep)
    seen: dict[str, str] = {}

    def check_dup(where: str, q: str) -> None:
        key = norm_question(q)
        if key in seen:
            rep.error(where, f"duplicate question (same as {seen[key]}): {q!r}")
        else:
            seen[key] = where

    # speech_qa -----------------------------------------------------------------
    name = "speech_qa.jsonl"
    speech_rows: list[dict] = []
    for lineno, obj in load_jsonl(args.data / name, rep):
        where = f"{name}:{lineno}"
        if not check_fields(name, lineno, obj, SPEECH_KINDS, rep):
            continue
        speech_rows.append(obj)
        check_dup(where, obj["q"])
        check_script(where, obj["q"], obj["kind"], rep, require_simplified=True)
        if speech:
            check_expect(where, obj["expect"], speech, "the speech", rep)
        if "expect_all" in obj:
            check_expect_all(where, obj, speech, rep)
    print_counts(name, speech_rows, SPEECH_KINDS)
    kc = Counter(r["kind"] for r in speech_rows)
    if len(speech_rows) < SPEECH_MIN_TOTAL:
        rep.error(name, f"{len(speech_rows)} valid questions, need at least {SPEECH_MIN_TOTAL}")
    for k, n in SPEECH_MIN.items():
        if kc[k] < n:
            rep.error(name, f"only {kc[k]} {k!r} questions, need at least {n}")
    check_balance(name, speech_rows, SPEECH_KINDS, rep)

    # policy_qa -----------------------------------------------------------------
    name = "policy_qa.jsonl"
    policy_rows: list[dict] = []
    for lineno, obj in load_jsonl(args.data / name, rep):
        where = f"{name}:{lineno}"
        if not check_fields(name, lineno, obj, POLICY_KINDS, rep):
            continue
        policy_rows.append(obj)
        check_dup(where, obj["q"])
        check_script(where, obj["q"], obj["kind"], rep, require_simplified=True)
        doc = unicodedata.normalize("NFC", obj["doc"])
        if doc not in policies:
            rep.error(where, f"doc {obj['doc']!r} is not a file in {args.corpus / 'policies'}")
            continue
        if check_expect(where, obj["expect"], policies[doc], doc, rep):
            others = [d for d, text in policies.items() if d != doc and obj["expect"] in text]
            if others:
                rep.warn(
                    where,
                    f"expect {obj['expect']!r} also occurs in {others}; "
                    "make sure the question names its document",
                )
    print_counts(name, policy_rows, POLICY_KINDS)
    docs = Counter(r["doc"] for r in policy_rows)
    print(f"  documents covered: {len(docs)}")
    kc = Counter(r["kind"] for r in policy_rows)
    if len(policy_rows) < POLICY_MIN_TOTAL:
        rep.error(name, f"{len(policy_rows)} valid questions, need at least {POLICY_MIN_TOTAL}")
    for k, n in POLICY_MIN.items():
        if kc[k] < n:
            rep.error(name, f"only {kc[k]} {k!r} questions, need at least {n}")
    if kc["paraphrase"] <= len(policy_rows) / 2:
        rep.error(name, f"only {kc['paraphrase']} paraphrase questions; most should be paraphrased")
    if len(docs) < POLICY_MIN_DOCS:
        rep.error(name, f"covers {len(docs)} documents, need at least {POLICY_MIN_DOCS}")
    check_balance(name, policy_rows, POLICY_KINDS, rep)

    # out_of_scope ----------------------------------------------------------------
    name = "out_of_scope.jsonl"
    oos_rows: list[dict] = []
    n_trad = 0
    for lineno, obj in load_jsonl(args.data / name, rep):
        where = f"{name}:{lineno}"
        if not check_fields(name, lineno, obj, OOS_KINDS, rep):
            continue
        oos_rows.append(obj)
        check_dup(where, obj["q"])
        check_script(where, obj["q"], obj["kind"], rep, require_simplified=False)
        if "asks" in obj and (obj["kind"] != "near_miss" or obj["asks"] not in ASKS):
            rep.error(where, f"asks {obj['asks']!r} needs kind near_miss and one of {list(ASKS)}")
        if obj["kind"] != "english" and trad_count(obj["q"]) and not simp_count(obj["q"]):
            n_trad += 1
    print_counts(name, oos_rows, OOS_KINDS)
    print(f"  written in traditional characters: {n_trad}")
    kc = Counter(r["kind"] for r in oos_rows)
    if len(oos_rows) < OOS_MIN_TOTAL:
        rep.error(name, f"{len(oos_rows)} valid questions, need at least {OOS_MIN_TOTAL}")
    for k, n in OOS_MIN.items():
        if kc[k] < n:
            rep.error(name, f"only {kc[k]} {k!r} questions, need at least {n}")
    if n_trad < OOS_MIN_TRADITIONAL:
        rep.error(name, f"only {n_trad} questions in traditional characters, need {OOS_MIN_TRADITIONAL}")
    check_balance(name, oos_rows, OOS_KINDS, rep)

    # report ------------------------------------------------------------------------
    print()
    for w in rep.warnings:
        print(w)
    for e in rep.errors:
        print(e)
    if rep.errors:
        print(f"\nFAILED: {len(rep.errors)} problem(s), {len(rep.warnings)} warning(s)")
        return 1
    print(f"OK: all question sets valid ({len(rep.warnings)} warning(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
