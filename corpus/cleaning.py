"""Pure text clean-up used by the loaders: boilerplate, Markdown law files, PDF line layout.

Everything here works on `str` / `list[str]` and never touches files, so each rule is tested
directly. Display text keeps its original characters; only `normalize_for_matching` folds them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# --- website boilerplate --------------------------------------------------------------------

# Boilerplate lines are short; a long line is body text even if it happens to match a rule.
MAX_BOILERPLATE_CHARS = 200

# Each rule names one habit of content-farm sites. Rules need a marker that real study texts do
# not use (小编, 本站, 转载, ...), so speeches that say "供大家参考" or "以上就是我讲的全部内容"
# are kept. To add a rule: append a pattern and a case to tests/test_cleaning.py.
BOILERPLATE_RULES: tuple[re.Pattern[str], ...] = (
    re.compile(r"小编"),  # "下面是小编为大家整理的…，供大家参考。"
    re.compile(r"^[【\[（(]?\s*(文章|信息|内容)?来源\s*[:：]"),  # "来源：xxx网"
    re.compile(
        r"^[【\[（(]?\s*本(文|篇文章)(由|来自|来源于|转载自|系).{0,60}(整理|编辑|发布|转载|提供|原创)"
    ),
    re.compile(r"^更多.{0,60}(请|敬请|欢迎)(关注|访问|登录|查看|收藏)"),
    re.compile(r"^[【\[（(]?\s*免责声明"),
    re.compile(r"转载请(务必)?注明|未经(许可|授权).{0,10}(不得|禁止)转载"),
    re.compile(r"^以上(就)?是.{0,80}的全部内容.{0,40}(希望|帮助|参考|收藏|关注|更多)"),
    re.compile(r"^以上(就)?是(小编|本站|本文|本篇)"),
)


def is_boilerplate(line: str) -> bool:
    """True if `line` is a website-boilerplate line (judged on the stripped line)."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_BOILERPLATE_CHARS:
        return False
    return any(rule.search(stripped) for rule in BOILERPLATE_RULES)


def strip_boilerplate(lines: Sequence[str]) -> list[str]:
    """Drop boilerplate lines at the start and end of a text (blank lines between them too).

    Only the edges are scanned: inside the body a matching line is quoted content, not noise.
    """
    start, end = 0, len(lines)
    while start < end and (not lines[start].strip() or is_boilerplate(lines[start])):
        start += 1
    while end > start and (not lines[end - 1].strip() or is_boilerplate(lines[end - 1])):
        end -= 1
    return list(lines[start:end])


# --- lines ----------------------------------------------------------------------------------


def clean_lines(lines: Iterable[str]) -> list[str]:
    """Strip each line (incl. full-width indentation) and drop blank ones: one paragraph a line."""
    return [stripped for line in lines if (stripped := line.strip())]


def normalize_for_matching(text: str) -> str:
    """Fold width, case and whitespace so "ＡＢＣ　１２" matches "abc 12". Never for display."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return " ".join(folded.split())


# --- Markdown law files ---------------------------------------------------------------------

_INFO_END = re.compile(r"^\s*<!--\s*INFO END\s*-->\s*$", re.MULTILINE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ATX_HEADING = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")


@dataclass(frozen=True)
class MarkdownParts:
    """A Markdown file split the way the law files are laid out."""

    title: str  # text of the first `# ` heading before the body, "" if none
    preamble: list[str]  # non-blank lines between the title and `<!-- INFO END -->`
    body: list[str]  # non-blank body lines, headings without `#`, comments removed


def strip_html_comments(text: str) -> str:
    """Remove `<!-- ... -->` comments, including ones spanning lines."""
    return _HTML_COMMENT.sub("", text)


def heading_text(line: str) -> str | None:
    """The text of an ATX heading line (`## 第一章 总则` -> "第一章 总则"), else None."""
    match = _ATX_HEADING.match(line)
    if match is None:
        return None
    return (match.group(2) or "").strip()


def heading_level(line: str) -> int:
    """Number of `#` of an ATX heading line, 0 for other lines."""
    match = _ATX_HEADING.match(line)
    return 0 if match is None else len(match.group(1))


def split_markdown(text: str) -> MarkdownParts:
    """Split Markdown into title, preamble and body.

    Without an `<!-- INFO END -->` marker there is no preamble: everything after the title is
    body, so ordinary Markdown notes load too.
    """
    marker = _INFO_END.search(text)
    head, body = (text[: marker.start()], text[marker.end() :]) if marker else ("", text)
    head_lines = strip_html_comments(head).split("\n")
    body_lines = strip_html_comments(body).split("\n")
    title, preamble = _take_title(head_lines)
    if not marker:
        title, body_lines = _take_title(body_lines)
    preamble = _drop_title_echo(title, clean_lines(preamble))
    return MarkdownParts(title=title, preamble=preamble, body=_body_lines(body_lines))


def _drop_title_echo(title: str, preamble: list[str]) -> list[str]:
    """Some files repeat the title, wrapped over lines, as the first preamble lines."""
    target = "".join(title.split())
    joined = ""
    for count, line in enumerate(preamble, start=1):
        joined += "".join(line.split())
        if joined == target:
            return preamble[count:]
        if not target.startswith(joined):
            break
    return preamble


def _take_title(lines: list[str]) -> tuple[str, list[str]]:
    """Remove the first level-1 heading (if it precedes any text) and return it."""
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if heading_level(line) == 1:
            return heading_text(line) or "", lines[:index] + lines[index + 1 :]
        break
    return "", lines


def _body_lines(lines: Iterable[str]) -> list[str]:
    """Headings lose their `#` markers; every other line is kept as written."""
    return clean_lines((heading_text(line) or "") if heading_level(line) else line for line in lines)


# --- PDF page layout ------------------------------------------------------------------------

# Up to three digits: a lone four-digit line is more likely a year than page 1000+.
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–]\s*\d{1,3}\s*[-—–]"
    r"|\d{1,3}"
    r"|\d{1,3}\s*/\s*\d{1,3}"
    r"|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?"
    r"|(?i:page)\s*\d{1,3}(?:\s*(?i:of)\s*\d{1,3})?)$"
)
# A heading or a numbered item starts a new paragraph even if the previous line looks wrapped.
_HEADING_START = re.compile(
    r"^(?:第[一二三四五六七八九十百千零〇\d]+[编章节条款部分]"
    r"|[一二三四五六七八九十]+、"
    r"|[（(][一二三四五六七八九十\d]+[）)]"
    r"|\d+(?:\.\d+)*[、.．]\s*\S"
    r"|附[件则录]"
    r"|序言)"
)
_TERMINAL_PUNCTUATION = "。！？；：!?;:"
_CLOSING_MARKS = "”’」』）)】》\"'"
# A line this much narrower than the text column ended where the author ended it.
MIN_WRAPPED_WIDTH_SHARE = 0.7
# A line repeated on at least this share of pages (and 3+ pages) is a running header/footer.
MIN_RUNNING_LINE_SHARE = 0.6


def is_page_number(line: str) -> bool:
    """Lone page numbers: "3", "- 3 -", "3/10", "第3页", "第3页 共10页", "Page 3 of 10"."""
    return bool(_PAGE_NUMBER.match(line.strip()))


def is_heading_line(line: str) -> bool:
    """True if the line starts a 章/节/条, 一、, （一）, 1. item, 附件 or 序言."""
    return bool(_HEADING_START.match(line.strip()))


def drop_page_furniture(pages: Sequence[Sequence[str]]) -> list[list[str]]:
    """Remove page numbers and running headers/footers from each page's lines."""
    running = _running_lines(pages)
    return [
        [line for line in clean_lines(page) if not is_page_number(line) and line not in running]
        for page in pages
    ]


def _running_lines(pages: Sequence[Sequence[str]]) -> set[str]:
    """Lines found at the top or bottom of most pages (document title, journal name, ...)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        lines = clean_lines(page)
        counts.update(set(lines[:2] + lines[-2:]))
    return {line for line, count in counts.items() if count >= MIN_RUNNING_LINE_SHARE * len(pages)}


def join_wrapped_lines(lines: Sequence[str]) -> list[str]:
    """Re-join paragraphs that the PDF layout wrapped over several lines.

    A line is a wrapped line when it does not end a sentence (。！？；：!?;:), the next line is not
    a heading, and it is about as wide as the text column. The width test keeps short titles and
    headings ("中华人民共和国宪法", "第一章 总则") from swallowing the line after them.
    """
    column = _column_width(lines)
    paragraphs: list[str] = []
    previous = ""
    for line in clean_lines(lines):
        if paragraphs and _is_wrapped(previous, line, column):
            paragraphs[-1] = _join(paragraphs[-1], line)
        else:
            paragraphs.append(line)
        previous = line
    return paragraphs


def _is_wrapped(line: str, next_line: str, column: float) -> bool:
    """Whether the layout, not the author, ended `line` before `next_line`."""
    if ends_sentence(line) or is_heading_line(next_line):
        return False
    return _display_width(line) >= MIN_WRAPPED_WIDTH_SHARE * column


def ends_sentence(line: str) -> bool:
    """True if the line ends in 。！？；：!?; or : (possibly followed by closing quotes)."""
    last = line.rstrip().rstrip(_CLOSING_MARKS)[-1:]
    return bool(last) and last in _TERMINAL_PUNCTUATION


def _column_width(lines: Sequence[str]) -> float:
    """The text column's width: the 90th percentile of line display widths."""
    widths = sorted(_display_width(line) for line in clean_lines(lines))
    if not widths:
        return 0.0
    return float(widths[min(len(widths) - 1, int(len(widths) * 0.9))])


def _display_width(text: str) -> int:
    """Width in half-width cells: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _join(left: str, right: str) -> str:
    """Chinese joins without a space; Latin words need one."""
    if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return f"{left} {right}"
    return left + right
