"""The hybrid index: dense passage and sentence vectors plus two BM25 indexes, fused.

Four kinds of evidence, each strongest somewhere else (measured in docs/benchmarks.md):
- the passage vector catches paraphrases and cross-language questions about the whole passage;
- the best sentence vector of a passage catches a question aimed at one sentence of it;
- BM25 over jieba words and BM25 over character pairs catch literal wording and rare terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from corpus.chunking import spoken_sentences
from corpus.model import Passage
from index.embedding_cache import EmbeddingCache
from index.encoder import MAX_QUERY_CHARS, Encoder
from index.fusion import FusionWeights, column_stats, standardise
from index.keywords import KeywordIndex
from index.query_plan import QueryPlan, lexicon_variants, plan_query
from index.ranker import (
    BASE_FEATURES,
    AnswerCheck,
    LinearRanker,
    answer_near,
    bigram_overlap,
    cue_features,
    shipped_ranker,
)
from index.structure import DocumentStructure
from index.tokens import bigrams, cjk_share, content_terms, normalize, simplified, term_share
from index.vectors import DEFAULT_FACTORY, VectorIndex

CANDIDATES = 50  # per retriever, before fusion
NAMED_DOC_PASSAGES = 60  # a named document up to this long joins the candidates whole
MIN_SENTENCE_CHARS = 6


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # fused, in standard deviations above the collection's typical passage
    dense: float  # cosine of the passage vector
    sentence: float  # best cosine among the passage's sentences
    words: float  # BM25 over words
    best_sentence: str  # the passage's sentence closest to the question (whole text if one)


@dataclass(frozen=True)
class Evidence:
    """Per-question signals the answer layer uses to decide whether the corpus answers it."""

    top_dense_z: float
    top_words_z: float
    top_dense: float
    known_terms: float  # IDF-weighted share of them found anywhere in the corpus
    matched_terms: float  # IDF-weighted share of them found in the top three passages
    cjk: float  # share of the question's letters that are Chinese


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: list[Hit]
    evidence: Evidence
    truncated: bool
    query_vector: np.ndarray


# rows, feature columns, passage cosine, best-sentence cosine and text, BM25 word scores (all rows)
CandidateTable = tuple[np.ndarray, dict[str, np.ndarray], np.ndarray, np.ndarray, list[str], np.ndarray]


@dataclass
class DenseStats:
    """Mean and covariance of stored vectors: a query's score mean/std over them in O(d²)."""

    mean: np.ndarray
    cov: np.ndarray

    @classmethod
    def of(cls, vectors: np.ndarray) -> DenseStats:
        if len(vectors) == 0:
            dim = vectors.shape[1]
            return cls(np.zeros(dim, np.float32), np.eye(dim, dtype=np.float32))
        mean = vectors.mean(axis=0)
        centred = vectors - mean
        return cls(mean.astype(np.float32), (centred.T @ centred / len(vectors)).astype(np.float32))

    def for_query(self, q: np.ndarray) -> tuple[float, float]:
        return float(q @ self.mean), float(np.sqrt(max(float(q @ self.cov @ q), 1e-12)))


@dataclass
class HybridIndex:
    passages: list[Passage]
    passage_vectors: np.ndarray
    sentence_vectors: np.ndarray
    sentence_offsets: np.ndarray  # passage i owns sentence rows offsets[i]:offsets[i+1]
    dense: VectorIndex
    sentences: VectorIndex
    words: KeywordIndex
    bigrams: KeywordIndex
    passage_stats: DenseStats
    sentence_stats: DenseStats
    weights: FusionWeights
    model: str
    ranker: LinearRanker | None = None  # None: the shipped ranker for `model`, else the fusion

    @property
    def size(self) -> int:
        return len(self.passages)

    # ------------------------------------------------------------------ build
    @classmethod
    def build(
        cls,
        passages: list[Passage],
        encoder: Encoder,
        cache: EmbeddingCache | None = None,
        weights: FusionWeights | None = None,
        factory: str = DEFAULT_FACTORY,
    ) -> HybridIndex:
        cache = cache or EmbeddingCache()
        texts = [p.index_text() for p in passages]
        sentence_texts, offsets = sentence_units(passages)
        encode = encoder.encode_passages
        passage_vectors = cache.embed(encoder.name, texts, encode, encoder.dim)
        sentence_vectors = cache.embed(encoder.name, sentence_texts, encode, encoder.dim)
        return cls(
            passages=passages,
            passage_vectors=passage_vectors,
            sentence_vectors=sentence_vectors,
            sentence_offsets=offsets,
            dense=VectorIndex.build(_nonempty(passage_vectors, encoder.dim), factory),
            sentences=VectorIndex.build(_nonempty(sentence_vectors, encoder.dim), factory),
            words=KeywordIndex.build(texts, "words"),
            bigrams=KeywordIndex.build(texts, "bigrams"),
            passage_stats=DenseStats.of(passage_vectors),
            sentence_stats=DenseStats.of(sentence_vectors),
            weights=weights or FusionWeights(),
            model=encoder.name,
        )

    # ----------------------------------------------------------------- search
    def search(
        self,
        query: str,
        encoder: Encoder,
        k: int = 5,
        weights: FusionWeights | None = None,
        ranker: LinearRanker | None = None,
        answer_check: AnswerCheck | None = None,
    ) -> SearchResult:
        """Top-k passages for `query`; `weights` or `ranker` override the index's ranking."""
        text, truncated = cut_query(query)
        vector = encoder.encode_queries([text])[0]
        return self.search_vector(text, vector, k, weights, truncated, ranker, answer_check)

    def search_vector(
        self,
        query: str,
        q: np.ndarray,
        k: int = 5,
        weights: FusionWeights | None = None,
        truncated: bool = False,
        ranker: LinearRanker | None = None,
        answer_check: AnswerCheck | None = None,
    ) -> SearchResult:
        """Search with an already encoded query (lets callers encode many questions at once).

        `weights` (the issue-2 fusion) or `ranker` override the index's ranking, for comparisons.
        `answer_check`: the bot core's answer-kind test for the ranker's answer_near cue.
        """
        ranker = LinearRanker.from_fusion(weights) if weights else ranker or self.ranking()
        table = self.candidate_table(query, q, ranker.features != BASE_FEATURES, answer_check)
        if table is None:
            return SearchResult(query, [], _empty_evidence(query), truncated, q)
        rows, columns, dense, sentence, best_sentence, word_scores = table
        score = ranker.score(columns)
        order = np.argsort(-score, kind="stable")[:k]
        hits = [
            Hit(
                self.passages[rows[i]],
                float(score[i]),
                float(dense[i]),
                float(sentence[i]),
                float(word_scores[rows[i]]),
                best_sentence[i],
            )
            for i in order
        ]
        evidence = Evidence(
            top_dense_z=float(columns["dense_z"].max()),
            top_words_z=float(columns["words_z"].max()),
            top_dense=float(dense.max()),
            **self._term_coverage(query, [h.passage for h in hits[:3]]),
        )
        return SearchResult(query, hits, evidence, truncated, q)

    def ranking(self) -> LinearRanker:
        """The fitted ranker for this index's model, or the tuned fusion without one."""
        return self.ranker or shipped_ranker(self.model) or LinearRanker.from_fusion(self.weights)

    def candidate_table(
        self, query: str, q: np.ndarray, cues: bool = True, answer_check: AnswerCheck | None = None
    ) -> CandidateTable | None:
        """Candidate rows and their feature columns (what a ranker scores; fit_ranker fits on it)."""
        plan = plan_query(query, self.structure) if cues else QueryPlan()
        # An English question's words match nothing in Chinese text: its glossary terms do.
        lexical = f"{query} {plan.translation}" if plan.translation else query
        word_scores = self.words.scores(self.words.query_tokens(lexical))
        bigram_scores = self.bigrams.scores(self.bigrams.query_tokens(lexical))
        expansion_scores = self._keyword_scores(plan.expansion)
        translation_scores = self._keyword_scores(plan.translation)
        rows = self._candidates(q, word_scores, bigram_scores, expansion_scores + translation_scores, plan)
        if rows.size == 0:
            return None
        dense = self.passage_vectors[rows] @ q
        sentence, best_sentence = self._best_sentences(rows, q, dense)
        d_mean, d_std = self.passage_stats.for_query(q)
        s_mean, s_std = self.sentence_stats.for_query(q)
        columns = {
            "dense_z": standardise(dense, d_mean, d_std),
            "sentence_z": standardise(sentence, s_mean, s_std),
            "words_z": standardise(word_scores[rows], *column_stats(word_scores)),
            "bigrams_z": standardise(bigram_scores[rows], *column_stats(bigram_scores)),
        }
        if cues:
            columns["expansion_z"] = standardise(expansion_scores[rows], *column_stats(expansion_scores))
            columns["translation_z"] = standardise(
                translation_scores[rows], *column_stats(translation_scores)
            )
            texts = [self.passages[r].text for r in rows]
            columns |= cue_features(plan, rows, self.structure, texts, self._title_overlap(query, rows))
            fused = LinearRanker.from_fusion(self.weights).score(columns)
            columns["answer_near"] = answer_near(query, texts, fused, answer_check)
        return rows, columns, dense, sentence, best_sentence, word_scores

    def _keyword_scores(self, text: str) -> np.ndarray:
        if not text:
            return np.zeros(self.size, dtype=np.float32)
        return self.words.scores(self.words.query_tokens(text))

    @cached_property
    def structure(self) -> DocumentStructure:
        return DocumentStructure.of(self.passages)

    @cached_property
    def _title_pairs(self) -> list[set[str]]:
        return [set(bigrams(title)) for title in self.structure.titles]

    def _title_overlap(self, query: str, rows: np.ndarray) -> np.ndarray:
        wanted = set(bigrams(query))
        docs = self.structure.doc_of[rows]
        per_doc = {int(d): bigram_overlap(wanted, self._title_pairs[int(d)]) for d in set(docs.tolist())}
        return np.array([per_doc[int(d)] for d in docs], dtype=np.float32)

    def _candidates(
        self,
        q: np.ndarray,
        words: np.ndarray,
        bigrams: np.ndarray,
        expansion: np.ndarray,
        plan: QueryPlan,
    ) -> np.ndarray:
        if self.size == 0:
            return np.zeros(0, dtype=np.int64)
        found: set[int] = set()
        # A short document the question names is read whole ("讲话第二部分" has no other handle).
        for doc in plan.named_docs:
            if self.structure.doc_sizes[doc] <= NAMED_DOC_PASSAGES:
                found.update(int(i) for i in np.flatnonzero(self.structure.doc_of == doc))
        _, ids = self.dense.search(q, CANDIDATES)
        found.update(int(i) for i in ids[0] if i >= 0)
        if self.sentences.size:
            _, ids = self.sentences.search(q, CANDIDATES * 2)
            owners = np.searchsorted(self.sentence_offsets, ids[0][ids[0] >= 0], side="right") - 1
            found.update(int(i) for i in owners)
        for scores in (words, bigrams, expansion):
            if scores.any():
                top = np.argpartition(-scores, min(CANDIDATES, self.size - 1))[:CANDIDATES]
                found.update(int(i) for i in top if scores[i] > 0)
        return np.array(sorted(found), dtype=np.int64)

    def _best_sentences(
        self, rows: np.ndarray, q: np.ndarray, dense: np.ndarray
    ) -> tuple[np.ndarray, list[str]]:
        """Best sentence cosine (and text) per passage; a one-sentence passage is its own best."""
        best = dense.copy()
        texts: list[str] = []
        for i, row in enumerate(rows):
            passage = self.passages[row]
            start, end = self.sentence_offsets[row], self.sentence_offsets[row + 1]
            if end > start:
                scores = self.sentence_vectors[start:end] @ q
                best[i] = float(scores.max())
                texts.append(passage_sentences(passage)[int(scores.argmax())])
            else:
                texts.append(passage.text.strip())
        return best, texts

    def _term_coverage(self, query: str, top: list[Passage]) -> dict:
        """How much of the question's specific vocabulary the material contains at all."""
        terms = content_terms(query)
        cjk = cjk_share(query)
        top_text = normalize("\n".join(p.index_text() for p in top))
        return {
            "known_terms": term_share(terms, self.knows),
            "matched_terms": term_share(terms, top_text),
            "cjk": cjk,
        }

    def knows(self, term: str) -> bool:
        """Does the term occur in the material? Its word, or all its character pairs, are indexed,
        or the lexicon has it as a short form of the material's own wording ("四个坚持").

        Looked up in the BM25 vocabularies (constant time at any size) rather than by scanning text.
        """
        if self.words.vocabulary_has(term) or term in lexicon_variants():
            return True
        pairs = bigrams(term)
        return bool(pairs) and all(self.bigrams.vocabulary_has(p) for p in pairs)


def cut_query(query: str) -> tuple[str, bool]:
    """The part of a question the encoder reads (simplified characters), and whether anything was cut off."""
    return simplified(query[:MAX_QUERY_CHARS]), len(query) > MAX_QUERY_CHARS


def passage_sentences(passage: Passage) -> list[str]:
    """The sentences of a passage that get their own vector (long enough to mean something)."""
    return list(_sentences_of(passage.text))


@lru_cache(maxsize=16384)
def _sentences_of(text: str) -> tuple[str, ...]:
    """Split once per text: every question reads the sentences of ~100 candidate passages."""
    return tuple(s for s in spoken_sentences(text) if len(s) >= MIN_SENTENCE_CHARS)


def sentence_units(passages: list[Passage]) -> tuple[list[str], np.ndarray]:
    """Sentence texts (with their document title for context) grouped by passage.

    A passage of a single sentence gets none: its passage vector already is that sentence.
    """
    texts: list[str] = []
    offsets = [0]
    for passage in passages:
        sentences = passage_sentences(passage)
        if len(sentences) > 1:
            texts.extend(f"{passage.doc_title}\n{s}" for s in sentences)
        offsets.append(len(texts))
    return texts, np.array(offsets, dtype=np.int64)


def _nonempty(vectors: np.ndarray, dim: int) -> np.ndarray:
    return vectors if len(vectors) else np.zeros((0, dim), dtype=np.float32)


def _empty_evidence(query: str) -> Evidence:
    return Evidence(0.0, 0.0, 0.0, 0.0, 0.0, cjk_share(query))
