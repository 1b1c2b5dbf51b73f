"""The conversation core: what happens when a member asks, pages, opens a source or votes.

Both front ends call this: the Telegram adapter (bot/telegram_app) and the console chat.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.answer_log import AnswerLog
from bot.core.answering import Assistant
from bot.core.answers import Answer, Citation
from bot.core.batching import QuestionBatcher
from bot.core.database import Database
from bot.core.library import DocumentSummary, Library, PassageContext
from bot.core.limits import RateLimiter
from bot.core.texts import topics_hint
from index.hybrid import HybridIndex

PAGE_SIZE = 3
PAGES = 3  # citations kept per answer: PAGE_SIZE * PAGES


class RateLimited(Exception):
    def __init__(self, retry_in: float) -> None:
        super().__init__(f"retry in {retry_in:.0f}s")
        self.retry_in = retry_in


@dataclass(frozen=True)
class AnswerPage:
    answer_id: str
    answer: Answer
    page: int  # 0-based
    pages: int
    first_number: int  # citation numbers shown start here (1-based)
    citations: list[Citation]


class ChatService:
    def __init__(self, assistant: Assistant, db: Database, limiter: RateLimiter | None = None) -> None:
        self.assistant = assistant
        self.db = db
        self.log = AnswerLog(db)
        self.library = Library(assistant.index.passages)
        self.limiter = limiter or RateLimiter()
        self.batcher = QuestionBatcher(assistant)

    async def ask(self, question: str, chat_id: int, user_id: int) -> AnswerPage:
        """Answer and remember it; raises QuestionError or RateLimited."""
        from bot.core.questions import clean_question

        clean_question(question)  # bad input is refused before it counts against the limit
        if not self.limiter.allow(user_id):
            raise RateLimited(self.limiter.retry_in(user_id))
        answer = await self.batcher.ask(question, k=PAGE_SIZE * PAGES)
        answer_id = self.log.save(answer, chat_id, user_id)
        return self._page(answer_id, answer, 0)

    def page(self, answer_id: str, page: int) -> AnswerPage | None:
        answer = self.log.get(answer_id)
        if answer is None:
            return None
        return self._page(answer_id, answer, page)

    def _page(self, answer_id: str, answer: Answer, page: int) -> AnswerPage:
        pages = max(1, -(-len(answer.citations) // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        start = page * PAGE_SIZE
        return AnswerPage(
            answer_id, answer, page, pages, start + 1, answer.citations[start : start + PAGE_SIZE]
        )

    def replace_index(self, index: HybridIndex) -> None:
        """Swap in a rebuilt index; questions already running finish on the old one."""
        self.assistant.index = index
        self.library = Library(index.passages)

    def context(self, passage_id: str) -> PassageContext | None:
        return self.library.context(passage_id)

    def feedback(self, answer_id: str, user_id: int, helpful: bool) -> bool:
        return self.log.record_feedback(answer_id, user_id, helpful)

    def documents(self) -> list[DocumentSummary]:
        return self.library.documents()

    def topics(self) -> str:
        return topics_hint([d.title for d in self.documents()])

    async def close(self) -> None:
        await self.batcher.close()
