"""Names of the jobs on PTB's job queue, made and cancelled in one place.

`daily:<chat>` posts the daily question; `quiz:<session>:<position>` closes a quiz question.
"""

from __future__ import annotations

from telegram.ext import JobQueue

DAILY = "daily"
QUESTION = "quiz"


def job_name(kind: str, *parts: str | int) -> str:
    return ":".join([kind, *(str(p) for p in parts)])


def cancel_jobs(job_queue: JobQueue | None, kind: str, *parts: str | int) -> int:
    """Remove the job with this name and every job below it (`quiz:<session>` ends all its questions)."""
    if job_queue is None:
        return 0
    name = job_name(kind, *parts)
    jobs = [j for j in job_queue.jobs() if j.name == name or (j.name or "").startswith(name + ":")]
    for job in jobs:
        job.schedule_removal()
    return len(jobs)
