"""Document changes that take a while (an index rebuild), run in the background with visible steps.

The web page starts a job and polls it; the DocumentManager does the work and serialises
concurrent changes, so two uploads at once give two consecutive rebuilds, both kept.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.core.documents import DocumentError, DocumentManager
from index.hybrid import HybridIndex

log = logging.getLogger(__name__)
QUEUED, INDEXING, DONE, FAILED = "queued", "indexing", "done", "failed"
STEP_TEXT = {
    QUEUED: "已收到文件，排队等待处理……",
    INDEXING: "正在重建索引（只为新内容计算向量），期间仍可正常提问……",
}
STEP_PERCENT = {QUEUED: 20, INDEXING: 60, DONE: 100, FAILED: 100}
KEEP_SECONDS = 3600


@dataclass(frozen=True)
class Job:
    job_id: str
    owner: str
    filename: str
    state: str
    message: str
    started_at: float
    title: str = ""

    @property
    def percent(self) -> int:
        return STEP_PERCENT[self.state]

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)


class DocumentJobs:
    def __init__(self, documents: DocumentManager, on_swap: Callable[[HybridIndex], None]) -> None:
        self._documents = documents
        self._on_swap = on_swap
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str, owner: str) -> Job | None:
        job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def _set(self, job_id: str, state: str, message: str = "", title: str = "") -> None:
        with self._lock:
            job = self._jobs[job_id]
            self._jobs[job_id] = replace(job, state=state, message=message or STEP_TEXT.get(state, ""),
                                         title=title or job.title)  # fmt: skip

    def upload(self, data: bytes, filename: str, owner: str) -> Job:
        """Check the file at once (bad files are refused before any job), then add it in the background."""
        understood = self._documents.understand(data, filename)  # raises DocumentError
        job = self._start(owner, filename)
        threading.Thread(target=self._add, args=(job.job_id, data, filename, understood), daemon=True).start()
        return job

    def remove(self, doc_id: str, owner: str) -> Job:
        job = self._start(owner, doc_id)
        threading.Thread(target=self._remove, args=(job.job_id, doc_id), daemon=True).start()
        return job

    def _start(self, owner: str, filename: str) -> Job:
        job = Job(secrets.token_urlsafe(9), owner, filename, QUEUED, STEP_TEXT[QUEUED], time.time())
        with self._lock:
            cutoff = time.time() - KEEP_SECONDS
            self._jobs = {k: j for k, j in self._jobs.items() if not j.finished or j.started_at > cutoff}
            self._jobs[job.job_id] = job
        return job

    def _add(self, job_id: str, data: bytes, filename: str, understood) -> None:
        self._set(job_id, INDEXING, title=understood[0].title)

        def add() -> tuple[str, str]:
            report = self._documents.add(data, filename, 0, on_swap=self._on_swap, understood=understood)
            return f"已添加《{report.title}》（{report.passages} 个段落），现在可以提问了。", ""

        self._run(
            job_id,
            add,
            "处理文件时出错，资料没有变化，请稍后重试。",
            "event=web_upload_failed file=%s",
            filename,
        )

    def _remove(self, job_id: str, doc_id: str) -> None:
        self._set(job_id, INDEXING)

        def remove() -> tuple[str, str]:
            title = self._documents.remove(doc_id, on_swap=self._on_swap)
            return f"已删除《{title}》。", title

        self._run(
            job_id, remove, "删除时出错，资料没有变化，请稍后重试。", "event=web_remove_failed doc=%s", doc_id
        )

    def _run(
        self, job_id: str, work: Callable[[], tuple[str, str]], failed: str, event: str, name: str
    ) -> None:
        """One job step: its done message (and title), a document error as said, anything else logged."""
        try:
            done, title = work()
        except DocumentError as exc:
            self._set(job_id, FAILED, str(exc))
        except Exception:
            log.exception(event, name)
            self._set(job_id, FAILED, failed)
        else:
            self._set(job_id, DONE, done, title=title)
