"""The one place that builds what front ends use, from the settings, and closes it again.

A front end is: settings → `build_services(settings)` → an adapter that translates requests and
renders replies. Each part is built on first use, so `policybot quiz` never loads the model and
`policybot docs list` never loads the scope model; a long-running front end touches the parts
it needs at start-up (`services.answers`) so the first member does not wait.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.core.reload import IndexReloader, Signature, index_signature
from bot.core.settings import Settings
from index.paths import embeddings_file, managed_index_dir, state_file

if TYPE_CHECKING:  # the heavy parts are imported when first built
    from bot.core.answer_log import AnswerLog
    from bot.core.answering import Assistant
    from bot.core.chat import ChatService
    from bot.core.database import Database
    from bot.core.documents import DocumentManager
    from bot.core.limits import RateLimiter
    from bot.core.quiz.bank import QuizBank
    from bot.core.quiz.engine import QuizEngine
    from corpus.model import Passage
    from index.embedding_cache import EmbeddingCache
    from index.encoder import SentenceTransformerEncoder
    from index.hybrid import HybridIndex
    from index.onnx_encoder import OnnxEncoder

log = logging.getLogger(__name__)
T = TypeVar("T")
UNLIMITED = 10_000  # questions per minute for one person at a terminal: never flooding anybody


class Services:
    """Answers, documents, quiz, answer log, rate limiter and state database of one process."""

    def __init__(
        self,
        settings: Settings,
        index_dir: Path | None = None,
        rate_limited: bool = True,
        prebuilt: Mapping[str, object] | None = None,
    ) -> None:
        """`index_dir`: answer from this index instead of the managed one (`policybot ask --index`).

        `prebuilt`: parts made elsewhere, by name ("encoder", "assistant", "state", …), so tests
        share one loaded model between many services.
        """
        self.settings = settings
        self._index_dir = index_dir
        self._rate_limited = rate_limited
        self._built: dict[str, object] = dict(prebuilt or {})
        self._lock = threading.RLock()
        self._reloader: IndexReloader | None = None
        self._loaded_signature: Signature = None  # of the index the assistant was loaded from

    def _once(self, name: str, build: Callable[[], T]) -> T:
        with self._lock:
            if name not in self._built:
                self._built[name] = build()
            return self._built[name]  # type: ignore[return-value]

    # -------------------------------------------------------------------------------- parts
    @property
    def encoder(self) -> OnnxEncoder | SentenceTransformerEncoder:
        from index.encoder import load_encoder

        s = self.settings
        return self._once("encoder", lambda: load_encoder(s.model, s.cache_dir, s.bf16, s.encoder))

    @property
    def embedding_cache(self) -> EmbeddingCache:
        from index.embedding_cache import EmbeddingCache

        return self._once("cache", lambda: EmbeddingCache(embeddings_file(self.settings.data_dir)))

    @property
    def documents(self) -> DocumentManager:
        from bot.core.documents import DocumentManager

        return self._once("documents", lambda: DocumentManager(self.encoder, self.settings.data_dir))

    @property
    def state(self) -> Database:
        from bot.core.database import Database

        return self._once("state", lambda: Database(state_file(self.settings.data_dir)))

    @property
    def limiter(self) -> RateLimiter:
        from bot.core.limits import RateLimiter

        limit = self.settings.questions_per_minute if self._rate_limited else UNLIMITED
        return self._once("limiter", lambda: RateLimiter(limit=limit, window=60.0))

    @property
    def assistant(self) -> Assistant:
        return self._once("assistant", self._open_assistant)

    @property
    def answers(self) -> ChatService:
        """The conversation core every chat front end talks to; it follows index changes on disk."""
        return self._once("answers", self._open_answers)

    @property
    def answer_log(self) -> AnswerLog:
        return self.answers.log

    @property
    def quiz(self) -> QuizEngine:
        from bot.core.quiz.engine import QuizEngine

        return self._once("quiz", lambda: QuizEngine(self.state, self.quiz_bank))

    @property
    def quiz_bank(self) -> QuizBank:
        """The stored bank, regenerated when the material changed (hand-written items kept)."""
        return self._once("bank", lambda: self._bank(self.passages()))

    # ---------------------------------------------------------------------------- behaviour
    @property
    def index_dir(self) -> Path:
        return self._index_dir or managed_index_dir(self.settings.data_dir)

    def first_build_pending(self) -> bool:
        """On a fresh machine the first use builds the bundled index (~35 s): front ends say so."""
        return self._index_dir is None and not (self.index_dir / "manifest.json").is_file()

    def passages(self) -> list[Passage]:
        """The served passages; without loading the model when an index is already on disk."""
        if "assistant" in self._built:
            return self.assistant.index.passages
        from index.store import IndexMissingError, load_passages

        try:
            return load_passages(self.index_dir)
        except IndexMissingError:
            if self._index_dir is not None:
                raise
            return load_passages(self.documents.ensure_index())

    def replace_index(self, index: HybridIndex) -> None:
        """This process rebuilt the index (an upload through a front end): serve it from now on."""
        self._swap_index(index)
        if self._reloader is not None:
            self._reloader.mark_current(index_signature(self._reloader.folder))

    def _swap_index(self, index: HybridIndex) -> None:
        """A new index for everyone: answers from now on, and the quiz bank of its passages."""
        self.answers.replace_index(index)
        if "bank" in self._built:
            with self._lock:
                self._built["bank"] = bank = self._bank(index.passages)
            if "quiz" in self._built:
                self.quiz.replace_bank(bank)

    def _bank(self, passages: list[Passage]) -> QuizBank:
        from bot.core.quiz.bank import bank_for, bank_path

        return bank_for(passages, bank_path(self.settings.data_dir))

    def _open_answers(self) -> ChatService:
        """The chat core, and a reloader that swaps in an index written by another process."""
        from bot.core.chat import ChatService
        from index.store import load_index

        chat = ChatService(self.assistant, self.state, self.limiter)
        encoder = self.assistant.encoder
        self._reloader = IndexReloader(
            self.index_dir,
            lambda folder: load_index(folder, encoder.name)[0],
            self._swap_index,
            self._loaded_signature,
        )
        self._reloader.start()
        return chat

    def _open_assistant(self) -> Assistant:
        from bot.core.answering import Assistant
        from bot.core.scope import load_scope_judge
        from index.store import load_index
        from index.tokens import warm_up

        # The tokenizer dictionaries load while torch loads the model (cold start is what users wait for).
        warming = threading.Thread(target=warm_up, args=(self.settings.cache_dir,), name="warm-up", daemon=True)
        warming.start()
        encoder = self.encoder
        folder = self._index_dir if self._index_dir is not None else self.documents.ensure_index()
        self._loaded_signature = index_signature(folder)  # before loading: a swap meanwhile is seen later
        index, manifest = load_index(folder, encoder.name)
        warming.join()
        log.info(
            "event=index_loaded path=%s passages=%d documents=%d built_at=%s model=%s",
            folder,
            index.size,
            manifest["counts"]["documents"],
            manifest.get("built_at"),
            manifest["model"],
        )
        return Assistant(index=index, encoder=encoder, scope=load_scope_judge(encoder, self.embedding_cache))

    async def close(self) -> None:
        """Stop background work and close the state database (only what was built)."""
        if self._reloader is not None:
            self._reloader.stop()
        if "answers" in self._built:
            await self.answers.close()
        if "state" in self._built:
            self.state.close()


def build_services(
    settings: Settings,
    index_dir: Path | None = None,
    rate_limited: bool = True,
    prebuilt: Mapping[str, object] | None = None,
) -> Services:
    """Everything a front end needs, built lazily from the settings."""
    return Services(settings, index_dir=index_dir, rate_limited=rate_limited, prebuilt=prebuilt)
