"""Opening the question-answering core: model, index and scope model, loaded once per process."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from bot.core.answering import Assistant
from bot.core.chat import ChatService
from bot.core.database import Database
from bot.core.documents import DocumentManager
from bot.core.limits import RateLimiter
from bot.core.quiz.bank import bank_for, bank_path
from bot.core.quiz.engine import QuizEngine
from bot.core.scope import load_scope_judge
from corpus.model import Passage
from index.encoder import load_encoder
from index.paths import cache_dir, data_dir
from index.store import load_index
from index.tokens import warm_up

log = logging.getLogger(__name__)


def open_assistant(index_dir: Path | None = None, model: str | None = None) -> Assistant:
    """The given index, or the managed index of the bundled corpus plus added documents."""
    # The tokenizer dictionaries load while torch loads the model (cold start is what users wait for).
    warming = threading.Thread(target=warm_up, args=(cache_dir(),), name="warm-up", daemon=True)
    warming.start()
    encoder = load_encoder(model)
    folder = index_dir if index_dir is not None else DocumentManager(encoder).ensure_index()
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
    return Assistant(index=index, encoder=encoder, scope=load_scope_judge(encoder))


def open_chat_service(
    index_dir: Path | None = None, questions_per_minute: int = 8, console: bool = False
) -> ChatService:
    """Everything a chat front end needs; state goes to POLICYBOT_DATA_DIR/policybot.sqlite."""
    assistant = open_assistant(index_dir)
    db = open_state()
    # One person at a terminal is never flooding anybody.
    limiter = RateLimiter(limit=10_000 if console else questions_per_minute, window=60.0)
    return ChatService(assistant, db, limiter)


def open_quiz_engine(passages: list[Passage], db: Database) -> QuizEngine:
    """The quiz over the same passages; the bank is regenerated when the material changed."""
    bank = bank_for(passages, bank_path())
    return QuizEngine(db, bank)


def open_state() -> Database:
    return Database(data_dir() / "policybot.sqlite")
