"""Answering a question: retrieve, decide whether the material covers it, extract, cite."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.core.answer_cue import answer_near_flags
from bot.core.answer_sentences import (
    AnswerModel,
    Candidate,
    SentenceVectors,
    candidates,
    choose,
    likely,
    separate_asks,
    with_short_successor,
)
from bot.core.answers import Answer, Citation
from bot.core.enumerations import Enumeration, Item, best_enumeration, find_enumerations
from bot.core.part_questions import part_answer, part_details
from bot.core.questions import QuestionError, clean_question, question_words
from bot.core.scope import ScopeJudge
from corpus.model import Passage
from index.encoder import Encoder
from index.hybrid import Hit, HybridIndex, SearchResult, cut_query, passage_sentences
from index.query_plan import cue_text, named_documents
from index.tokens import content_terms, normalize, term_share

NOT_FOUND = "学习资料中没有找到能回答这个问题的内容。"
OWN_WORDS = 0.3  # share of an ask's own topical words a sentence must hold to answer that ask


class IndexTables:
    """What answering derives from one index once: sentence vectors by passage, the lists."""

    def __init__(self, index: HybridIndex) -> None:
        self.index = index
        self.vectors = SentenceVectors(index)
        self.enumerations = find_enumerations(index.passages)


@dataclass
class Assistant:
    """The question-answering core shared by the CLI, the console chat and the bot."""

    index: HybridIndex
    encoder: Encoder
    scope: ScopeJudge
    answers: AnswerModel = field(default_factory=AnswerModel.load)
    _tables: IndexTables | None = field(default=None, init=False, repr=False)

    def ask(self, question: str, k: int = 5) -> Answer:
        result = self.ask_batch([question], k)[0]
        if isinstance(result, Exception):
            raise result
        return result

    def ask_batch(self, questions: list[str], k: int = 5) -> list[Answer | QuestionError]:
        """Answer several questions with one encoder call (concurrent users, benchmarks)."""
        cleaned: list[str | QuestionError] = []
        for question in questions:
            try:
                cleaned.append(clean_question(question))
            except QuestionError as exc:
                cleaned.append(exc)
        words = [question_words(c) for c in cleaned if isinstance(c, str)]
        texts = [cut_query(w) for w in words]
        vectors = iter(self.encoder.encode_queries([t for t, _ in texts]) if texts else [])
        reads = iter(zip(words, texts))
        out: list[Answer | QuestionError] = []
        for item in cleaned:
            if isinstance(item, QuestionError):
                out.append(item)
                continue
            question, (text, truncated) = next(reads)
            result = self.search(text, next(vectors), k, truncated)
            out.append(self._answer(item, question, result, k))
        return out

    @property
    def tables(self) -> IndexTables:
        """Rebuilt when the index is swapped (documents added while the bot runs)."""
        if self._tables is None or self._tables.index is not self.index:
            self._tables = IndexTables(self.index)
        return self._tables

    def retrieve(self, question: str, k: int = 5) -> SearchResult:
        """What `ask` retrieves for a question, without answering (benchmarks, tests)."""
        text, truncated = cut_query(question_words(clean_question(question)))
        return self.search(text, self.encoder.encode_queries([text])[0], k, truncated)

    def search(self, text: str, vector: np.ndarray, k: int, truncated: bool = False) -> SearchResult:
        """The index's search with the ranker's answer-kind cue (the check lives in the bot core)."""
        return self.index.search_vector(
            text, vector, max(k, 1), truncated=truncated, answer_check=answer_near_flags
        )

    def material_knows(self, term: str) -> bool:
        """Does the material use this word anywhere (looked up in the index's vocabularies)."""
        return self.index.knows(term)

    def named_documents(self, question: str) -> set[str]:
        """The doc_ids of the documents a question names (讲话, 书记 → the speech; a law's title)."""
        structure = self.index.structure
        return {structure.doc_ids[d] for d in named_documents(normalize(question), structure)}

    def sentence_candidates(self, result: SearchResult) -> list[Candidate]:
        return candidates(result.query, result.hits, result.query_vector, self.tables.vectors)

    def _answer(self, shown: str, question: str, result: SearchResult, k: int) -> Answer:
        """`shown`: the question as the user typed it (cleaned); `question`: its words, what is read."""
        reading = cue_text(question)  # an English question's glossary terms are read too
        confidence = self.scope.probability(result, self.material_knows)
        hits = [hit.passage for hit in result.hits]
        named = self.named_documents(reading)
        parts = part_answer(reading, named, hits, self.tables.enumerations, term_overlap)
        if parts is not None and not parts.items:
            return Answer(shown, False, NOT_FOUND, [], result.truncated, 0.0)
        if parts is not None and (named or confidence >= self.scope.model.threshold):
            # A question about the named document's own parts is answered whatever its wording.
            details = part_details(reading, parts, self.index.passages)
            text, citations = _detailed(details, result.hits, k) if details else _listed(parts, result.hits, k)
            return Answer(shown, True, text, citations, result.truncated, max(confidence, self.scope.model.threshold))
        if not result.hits or confidence < self.scope.model.threshold:
            return Answer(shown, False, NOT_FOUND, [], result.truncated, confidence)
        listing = best_enumeration(reading, hits, self.tables.enumerations, term_overlap)
        if listing is not None:
            text, citations = _listed(listing, result.hits, k)
            return Answer(shown, True, text, citations, result.truncated, confidence)
        found = self.sentence_candidates(result)
        # A question asking two things gets one sentence for the whole and one per ask (_other_asks).
        chosen = likely(self.answers, _from_named(found, result.hits, named), 0.0 if separate_asks(question) else None)
        highlights = _highlights(self.answers, found)
        citations = [
            _citation(hit, highlights.get(i) or _fallback_highlight(hit)) for i, hit in enumerate(result.hits[:k])
        ]
        if not chosen:
            answer = citations[0].highlight or citations[0].text
        else:
            lines = answer_lines(result.hits, chosen)
            lines += self._other_asks(question, {c.sentence for c in chosen}, citations, k)
            answer = "\n".join(_numbered(lines, citations) if len(lines) > 1 else lines)
        return Answer(shown, True, answer, citations, result.truncated, confidence)

    def _other_asks(self, question: str, answered: set[str], citations: list[Citation], k: int) -> list[str]:
        """For a question that asks two things ("…有什么新做法？…希望形成什么常态？"), each one's sentence.

        The sentence chosen for the whole question usually answers one of the asks; each ask is
        searched on its own and adds its best sentence (cited) when the material answers that ask
        (scope model), the sentence holds enough of the ask's words and is not already given.
        """
        asks = separate_asks(question)
        if len(asks) < 2 or len(citations) < 2:
            return []
        lines, given = [], set(answered)
        for ask, vector in zip(asks, self.encoder.encode_queries([cut_query(a)[0] for a in asks])):
            own = self.search(ask, vector, k)
            if not own.hits or self.scope.probability(own, self.material_knows) < self.scope.model.threshold:
                continue
            pick = choose(self.answers, candidates(ask, own.hits, vector, self.tables.vectors))
            if pick is None or pick.sentence in given or pick.features["words"] < OWN_WORDS:
                continue
            hit = own.hits[pick.hit_index]
            line = with_short_successor(hit, pick.sentence)
            if all(hit.passage.passage_id != c.passage_id for c in citations):
                citations[-1] = _citation(hit, line)  # the weakest citation makes room
            given.add(pick.sentence)
            lines.append(line)
        return lines


def _from_named(found: list[Candidate], hits: list[Hit], named: set[str]) -> list[Candidate]:
    """Only the named documents' sentences, when the best passage is of a document the question names.

    Why: asked "宪法第四条讲了什么？", the 第四条 of two other laws also rank among the best five
    and their sentences score alike. Whether the question really names a document is read from
    words ("会议" in "居民会议" reads as the speech), so the best passage has to agree.
    """
    if not hits or hits[0].passage.doc_id not in named:
        return found
    return [c for c in found if hits[c.hit_index].passage.doc_id in named]


def answer_lines(hits: list[Hit], chosen: list[Candidate]) -> list[str]:
    """The chosen sentences (a short one with the next along), best first, none repeating another."""
    lines: list[str] = []
    for c in chosen:
        line = with_short_successor(hits[c.hit_index], c.sentence)
        if not any(line in given or given in line for given in lines):
            lines.append(line)
    return lines


def _numbered(lines: list[str], citations: list[Citation]) -> list[str]:
    """Each sentence of a several-sentence answer marked with the citation it comes from, as lists are."""
    marked = []
    for line in lines:
        number = next((i for i, c in enumerate(citations, 1) if line in c.text), None)
        marked.append(f"{line}[{number}]" if number else line)
    return marked


def term_overlap(question: str, text: str) -> float:
    """IDF-weighted share of the question's topical words that occur in `text`."""
    return term_share(content_terms(question), normalize(text))


def _highlights(model: AnswerModel, found: list[Candidate]) -> dict[int, str]:
    """Each competing passage's best sentence by the answer model (its bold span)."""
    best: dict[int, Candidate] = {}
    for c in found:
        if c.hit_index not in best or model.score(c.features) > model.score(best[c.hit_index].features):
            best[c.hit_index] = c
    return {i: c.sentence for i, c in best.items()}


def _fallback_highlight(hit: Hit) -> str:
    sentences = passage_sentences(hit.passage)
    return hit.best_sentence if hit.best_sentence in sentences else (sentences[0] if sentences else "")


def _citation(hit: Hit, highlight: str) -> Citation:
    return _cite(hit.passage, hit.score, with_short_successor(hit, highlight) if highlight else "")


def _cite(p: Passage, score: float, highlight: str) -> Citation:
    return Citation(
        passage_id=p.passage_id,
        doc_title=p.doc_title,
        section=p.section,
        location=p.location,
        text=p.text,
        score=score,
        highlight=highlight,
    )


def _listed(listing: Enumeration, hits: list[Hit], k: int) -> tuple[str, list[Citation]]:
    """Every item of the list, each marked with the number of the citation that holds it.

    The passages holding items come first, in the list's order; the other hits follow up to k.
    A passage's highlight runs from its first item to its last (one verbatim span).
    """
    scores = {hit.passage.passage_id: hit.score for hit in hits}
    passages = listing.passages
    number = {p.passage_id: n for n, p in enumerate(passages, 1)}
    citations = []
    for p in passages:
        items = [item.text for item in listing.items if item.passage.passage_id == p.passage_id]
        start, end = p.text.find(items[0]), p.text.find(items[-1])
        # A chapter's heading is in its section, not its text: the highlight is the text's first line.
        span = p.text[start : end + len(items[-1])] if 0 <= start <= end else p.text.split("\n", 1)[0]
        citations.append(_cite(p, scores.get(p.passage_id, 0.0), span))
    for hit in hits:
        if len(citations) >= max(k, len(passages)):
            break
        if hit.passage.passage_id not in number:
            citations.append(_citation(hit, _fallback_highlight(hit)))
    lines = [listing.lead] if listing.lead else []
    lines += [f"{item.text}[{number[item.passage.passage_id]}]" for item in listing.items]
    return "\n".join(lines), citations


def _detailed(details: list[tuple[Item, Passage, str]], hits: list[Hit], k: int) -> tuple[str, list[Citation]]:
    """Each pointed part's heading, then its sentence that answers, each marked with its citation.

    A passage holding an answering sentence is highlighted at that sentence, else at the heading.
    """
    scores = {hit.passage.passage_id: hit.score for hit in hits}
    cited: dict[str, Citation] = {}
    lines = []
    for item, passage, sentence in details:
        for holder, line in ((item.passage, item.text), (passage, sentence)):
            if holder.passage_id not in cited or holder is passage:
                cited[holder.passage_id] = _cite(holder, scores.get(holder.passage_id, 0.0), line)
            number = list(cited).index(holder.passage_id) + 1
            lines.append(f"{line}[{number}]")
    citations = list(cited.values())
    for hit in hits:
        if len(citations) >= max(k, len(cited)):
            break
        if hit.passage.passage_id not in cited:
            citations.append(_citation(hit, _fallback_highlight(hit)))
    return "\n".join(lines), citations
