"""Structure-aware Chinese chunking: passages follow the document's own parts, articles, paragraphs.

Why: a citation is only useful if the reader can find it in the printed text, so a passage is a
paragraph of a speech part ("第二部分 第3段") or an article of a law ("第二章 第十五条"), never an
arbitrary window. Long units are split at sentence ends only; every character of the cleaned text
lands in exactly one passage or in the whitespace/heading lines between them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from corpus.model import Document, Passage

MAX_CHARS = 320  # a unit longer than this is split at sentence ends
MIN_CHARS = 40  # neighbouring paragraphs shorter than this are cited together

_NUM = "〇零一二三四五六七八九十百千两0-9０-９"
_HEADING_RE = re.compile(rf"^第[{_NUM}]+([编章节])(?:[\s　]+\S.*)?$")
_ARTICLE_RE = re.compile(rf"^第[{_NUM}]+条(?:之[{_NUM}]+)?(?=[\s　]|$)")
PART_HEADING = re.compile(r"^([一二三四五六七八九十]{1,3})[、.．]")  # a speech's "二、…"
_PREFACE_RE = re.compile(r"^(序言|前言|序)$")
_CLOSING_RE = re.compile(r"^同志们[,，!！:：]")
# A sentence ends at 。！？； (full or half width), together with closing quotes/brackets.
_SENTENCE_END_RE = re.compile(r"[。！？；!?;]+[”’」』）)\]]*")
_CONTINUES_RE = re.compile(r"[；;]$")  # a line ending in a semicolon goes on in the next line


@dataclass
class _Line:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class _Unit:
    """A paragraph or an article: consecutive lines cited as one place."""

    lines: list[_Line]
    section: str  # heading path
    label: str  # location prefix, e.g. "第二部分" or "第二章 第十五条"
    heading: str = ""
    number: int = 0  # paragraph number inside its section (0 for articles)
    last_number: int = 0  # last paragraph number when short paragraphs were merged
    is_article: bool = False

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class _Outline:
    """Walks headings in document order and remembers where we are."""

    levels: dict[str, str] = field(default_factory=dict)  # 编/章/节 -> heading line

    def enter(self, kind: str, line: str) -> None:
        order = ["编", "章", "节"]
        for deeper in order[order.index(kind) :]:
            self.levels.pop(deeper, None)
        self.levels[kind] = line

    def path(self) -> str:
        return " › ".join(_squash(v) for v in self.levels.values())

    def label(self) -> str:
        return " ".join(_number_of(v) for v in self.levels.values())


def _squash(text: str) -> str:
    return re.sub(r"[\s　]+", " ", text).strip()


def _number_of(heading: str) -> str:
    match = re.match(rf"^(第[{_NUM}]+[编章节条])", heading)
    return match.group(1) if match else _squash(heading)


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            out.append(_Line(stripped, pos + raw.index(stripped)))
        pos += len(raw) + 1
    return out


def split_sentences(text: str) -> list[str]:
    """Sentences with their end punctuation; joined they give `text` back exactly."""
    pieces: list[str] = []
    last = 0
    for match in _SENTENCE_END_RE.finditer(text):
        pieces.append(text[last : match.end()])
        last = match.end()
    if last < len(text):
        pieces.append(text[last:])
    return [p for p in pieces if p]


# A line that is only a short bracketed editor's note ("(——待完毕)" where a transcript leaves out
# another speaker's words, "（掌声）") belongs to no sentence: it would open the next one.
_NOTE_LINE = re.compile(r"^[ \t]*[(（][^()（）\n\d]{0,12}[)）][ \t]*$", re.M)


def spoken_sentences(text: str) -> list[str]:
    """The sentences of a text (stripped), split where an editor's note line stands, without it."""
    pieces = (piece.strip() for sentence in split_sentences(text) for piece in _NOTE_LINE.split(sentence))
    return [piece for piece in pieces if piece]


def chunk_document(doc: Document) -> list[Passage]:
    """Cut a document into citable passages along its own structure."""
    lines = _lines(doc.text)
    note_end = len(doc.preamble) if doc.preamble and doc.text.startswith(doc.preamble) else 0
    note = [line for line in lines if line.end <= note_end]
    body = lines[len(note) :]
    if any(_ARTICLE_RE.match(line.text) for line in body):
        units = _law_units(body)
    else:
        units = _outline_units(body)
    units = _merge_short(units)
    if note:
        units.insert(0, _Unit(note, "题注", "题注", number=1))
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    for unit in units:
        for start, end, where in _split_unit(doc.text, unit):
            text = doc.text[start:end]
            passages.append(
                Passage(
                    passage_id=_passage_id(doc.doc_id, text, seen),
                    doc_id=doc.doc_id,
                    doc_title=doc.title,
                    section=unit.section,
                    location=where,
                    text=text,
                    start=start,
                    end=end,
                    heading=unit.heading,
                )
            )
    return passages


def _passage_id(doc_id: str, text: str, seen: dict[str, int]) -> str:
    """Same document and text -> same id on every rebuild; repeats get an ordinal."""
    digest = hashlib.sha1(f"{doc_id}\x1f{text}".encode()).hexdigest()[:16]
    count = seen.get(digest, 0)
    seen[digest] = count + 1
    return digest if count == 0 else f"{digest}-{count + 1}"


def _law_units(lines: list[_Line]) -> list[_Unit]:
    """Articles (第X条 with their 款) under 编/章/节 headings; other paragraphs by number."""
    outline = _Outline()
    units: list[_Unit] = []
    paragraph_no = 0
    for line in lines:
        heading = _HEADING_RE.match(line.text)
        if heading and len(line.text) <= 40:
            outline.enter(heading.group(1), line.text)
            paragraph_no = 0
            continue
        if _PREFACE_RE.match(line.text):
            outline.levels = {"章": line.text}
            paragraph_no = 0
            continue
        article = _ARTICLE_RE.match(line.text)
        if article:
            label = " ".join(filter(None, [outline.label(), article.group(0)]))
            section = " › ".join(filter(None, [outline.path(), article.group(0)]))
            units.append(_Unit([line], section, label, heading=outline.path(), is_article=True))
        elif units and units[-1].is_article and units[-1].heading == outline.path():
            units[-1].lines.append(line)  # a further 款 of the same article
        else:
            paragraph_no += 1
            label = outline.label() or "正文"
            units.append(_Unit([line], outline.path() or "正文", label, outline.path(), paragraph_no))
    return units


def _outline_units(lines: list[_Line]) -> list[_Unit]:
    """Paragraphs under numbered parts (一、二、…); before them 引言, after them 结束语."""
    units: list[_Unit] = []
    has_parts = any(PART_HEADING.match(line.text) for line in lines)
    section = label = "引言" if has_parts else "正文"
    heading = ""
    seen_part = False
    paragraph_no = 0
    continues = False
    for line in lines:
        part = PART_HEADING.match(line.text)
        if part:
            seen_part = True
            heading = split_sentences(line.text)[0].strip()
            section, label = _squash(heading), f"第{part.group(1)}部分"
            paragraph_no, continues = 0, False
        elif seen_part and _CLOSING_RE.match(line.text) and not continues:
            section = label = "结束语"
            heading = ""
            paragraph_no = 0
        if continues and units:
            units[-1].lines.append(line)
        else:
            paragraph_no += 1
            units.append(_Unit([line], section, label, heading, paragraph_no))
        continues = bool(_CONTINUES_RE.search(line.text))
    return units


def _merge_short(units: list[_Unit]) -> list[_Unit]:
    """Cite runs of very short paragraphs (agenda lines, greetings) together."""
    merged: list[_Unit] = []
    for unit in units:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and not unit.is_article
            and not prev.is_article
            and prev.section == unit.section
            and (prev.length < MIN_CHARS or unit.length < MIN_CHARS)
            and prev.length + unit.length <= MAX_CHARS
        ):
            prev.lines.extend(unit.lines)
            prev.last_number = unit.number
            continue
        merged.append(unit)
    return merged


def _unit_location(unit: _Unit) -> str:
    if unit.is_article or unit.section == "题注":
        return unit.label
    if unit.last_number > unit.number:
        return f"{unit.label} 第{unit.number}–{unit.last_number}段"
    return f"{unit.label} 第{unit.number}段"


def _split_unit(text: str, unit: _Unit) -> list[tuple[int, int, str]]:
    """Whole unit if short enough, else balanced runs of whole sentences."""
    where = _unit_location(unit)
    if unit.length <= MAX_CHARS:
        return [(unit.start, unit.end, where)]
    body = text[unit.start : unit.end]
    sentences = split_sentences(body)
    groups = _balanced_groups([len(s) for s in sentences], MAX_CHARS)
    out: list[tuple[int, int, str]] = []
    offset = unit.start
    index = 0
    for group in groups:
        chunk = "".join(sentences[index : index + group])
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk) - len(chunk.rstrip())
        first, last = index + 1, index + group
        span = f"第{first}句" if first == last else f"第{first}–{last}句"
        out.append((offset + lead, offset + len(chunk) - trail, f"{where} {span}"))
        offset += len(chunk)
        index += group
    return out


def _balanced_groups(lengths: list[int], limit: int) -> list[int]:
    """Group consecutive sentences into about equal runs, none over `limit` unless one sentence is."""
    total = sum(lengths)
    parts = max(1, -(-total // limit))
    while True:
        target = total / parts
        groups: list[int] = []
        size = count = 0
        for length in lengths:
            if count and (size + length > limit or size + length / 2 > target):
                groups.append(count)
                size = count = 0
            size += length
            count += 1
        groups.append(count)
        if len(groups) <= parts or parts >= len(lengths):
            return groups
        parts += 1
