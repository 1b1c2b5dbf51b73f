"""Answering a question: retrieve, decide whether the material covers it, extract, cite."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.answers import Answer, Citation
from bot.core.questions import QuestionError, clean_question
from bot.core.scope import ScopeJudge
from index.encoder import Encoder
from index.hybrid import Hit, HybridIndex, SearchResult, cut_query, passage_sentences
from index.tokens import bigrams

NOT_FOUND = "学习资料中没有找到能回答这个问题的内容。"
SHORT_SENTENCE = 24  # an answer sentence shorter than this takes the next sentence along


@dataclass
class Assistant:
    """The question-answering core shared by the CLI, the console chat and the bot."""

    index: HybridIndex
    encoder: Encoder
    scope: ScopeJudge

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
        texts = [cut_query(c) for c in cleaned if isinstance(c, str)]
        vectors = iter(self.encoder.encode_queries([t for t, _ in texts]) if texts else [])
        cuts = iter(texts)
        out: list[Answer | QuestionError] = []
        for item in cleaned:
            if isinstance(item, QuestionError):
                out.append(item)
                continue
            text, truncated = next(cuts)
            result = self.index.search_vector(text, next(vectors), max(k, 1), truncated=truncated)
            out.append(self._answer(item, result, k))
        return out

    def _answer(self, question: str, result: SearchResult, k: int) -> Answer:
        confidence = self.scope.probability(result)
        if not result.hits or confidence < self.scope.model.threshold:
            return Answer(question, False, NOT_FOUND, [], result.truncated, confidence)
        citations = [_citation(hit, question) for hit in result.hits[:k]]
        answer = citations[0].highlight or citations[0].text
        return Answer(question, True, answer, citations, result.truncated, confidence)


def _citation(hit: Hit, question: str) -> Citation:
    p = hit.passage
    return Citation(
        passage_id=p.passage_id,
        doc_title=p.doc_title,
        section=p.section,
        location=p.location,
        text=p.text,
        score=hit.score,
        highlight=answer_span(hit, question),
    )


def answer_span(hit: Hit, question: str) -> str:
    """The sentence (or two adjacent ones) of the passage that best answers the question.

    Dense similarity picks the sentence; a sentence that contains clearly more of the question's
    wording wins over it (keyword questions), and a very short one takes its successor along.
    Always a verbatim span of the passage.
    """
    sentences = passage_sentences(hit.passage) or [hit.passage.text.strip()]
    chosen = hit.best_sentence if hit.best_sentence in sentences else sentences[0]
    wanted = set(bigrams(question))
    if wanted:

        def coverage(sentence: str) -> float:
            return len(wanted & set(bigrams(sentence))) / len(wanted)

        literal = max(sentences, key=coverage)
        if coverage(literal) >= 0.6 and coverage(literal) - coverage(chosen) >= 0.3:
            chosen = literal
    index = sentences.index(chosen)
    if len(chosen) < SHORT_SENTENCE and index + 1 < len(sentences):
        text = hit.passage.text
        start = text.find(chosen)
        end = text.find(sentences[index + 1], start + len(chosen))
        if start >= 0 and end >= 0:
            return text[start : end + len(sentences[index + 1])].strip()
    return chosen
