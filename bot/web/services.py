"""The core services the web page uses, opened once per process.

One adapter between the web package and the core's services (bot.core.services), so the
routes never open models, indexes or databases themselves.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from bot.core.access import AccessCode, signing_secret
from bot.core.chat import ChatService
from bot.core.database import Database
from bot.core.documents import DocumentManager
from bot.core.organisers import LoginThrottle, OrganiserAccounts
from bot.core.practice import PracticeBook
from bot.core.quiz.bank import QuizBank, bank_for, bank_path
from bot.core.quiz.engine import QuizEngine
from bot.core.services import Services
from bot.core.upload_jobs import DocumentJobs
from bot.web.config import WebSettings
from index.hybrid import HybridIndex

log = logging.getLogger(__name__)


@dataclass
class WebServices:
    chat: ChatService
    documents: DocumentManager
    access: AccessCode
    organisers: OrganiserAccounts
    practice: PracticeBook
    secret: str = field(repr=False)
    jobs: DocumentJobs = field(init=False)
    # Failed logins: 5 per name, and 20 per address (many phones may share one address).
    name_throttle: LoginThrottle = field(default_factory=lambda: LoginThrottle(limit=5, window=600))
    address_throttle: LoginThrottle = field(default_factory=lambda: LoginThrottle(limit=20, window=600))
    quiz: QuizEngine | None = None  # the Telegram bot's engine when both run in one process
    _bank: QuizBank | None = None
    _bank_passages: object = None  # the passage list the cached bank was made from
    _bank_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def db(self) -> Database:
        return self.chat.db

    def bank(self) -> QuizBank:
        """The question bank of the current material (regenerated after the material changed)."""
        with self._bank_lock:
            passages = self.chat.assistant.index.passages
            if self._bank is None or self._bank_passages is not passages:
                self._bank = bank_for(passages, bank_path(self.documents.root))
                self._bank_passages = passages
            return self._bank

    def __post_init__(self) -> None:
        self.jobs = DocumentJobs(self.documents, on_swap=self.replace_index)

    def warm_bank(self) -> None:
        """Load (or regenerate) the bank in the background, so the first practice round is quick."""
        threading.Thread(target=self.bank, name="quiz-bank", daemon=True).start()

    def replace_index(self, index: HybridIndex) -> None:
        """A rebuilt index (after an upload or removal) serves the next question, here and in the bot."""
        self.chat.replace_index(index)
        if self.quiz is not None:
            self.quiz.replace_bank(self.bank())
        else:
            self.warm_bank()


def open_web_services(settings: WebSettings, core: Services) -> WebServices:
    """Everything the page needs, on the process's core services (shared with the bot in `serve`)."""
    chat = core.answers
    services = WebServices(
        chat=chat,
        documents=core.documents,
        access=AccessCode(chat.db, settings.access_code),
        organisers=OrganiserAccounts(chat.db),
        practice=PracticeBook(chat.db),
        secret=signing_secret(settings.secret, settings.data_dir),
    )
    services.warm_bank()
    return services
