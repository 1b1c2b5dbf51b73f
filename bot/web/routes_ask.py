"""Members ask: the conversation page, asking, 👍/👎, the document view, and /healthz."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.core.answer_history import conversation, owner_of
from bot.core.chat import RateLimited
from bot.core.questions import QuestionError
from bot.core.texts import TOO_FAST
from bot.web.render import page
from bot.web.security import Refused, admit, checked_form, is_member, member_id, services

log = logging.getLogger("policybot.web")
MAX_QUESTION_FORM_BYTES = 200_000  # ~20 000 Chinese characters url-encoded; longer is refused


def _fetch(request: Request) -> bool:
    """Asked by the page's script (wants a fragment), not by a plain form post (wants a redirect)."""
    return request.headers.get("x-fetch") == "1"


def require_member(request: Request) -> int:
    if not is_member(request):
        raise Refused(403, "请先输入访问码进入学习页面。")
    return member_id(request)


async def home(request: Request) -> Response:
    code = request.query_params.get("code")
    if code is not None and services(request).access.matches(code):
        admit(request)  # the invitation link
        return RedirectResponse("/", status_code=303)
    if not is_member(request):
        error = "邀请链接中的访问码不正确。" if code is not None else None
        return page(request, "access.html", status=401 if error else 200, error=error)
    return _ask_page(request)


def _ask_page(request: Request, status: int = 200, **context: object) -> Response:
    chat = services(request).chat
    history = conversation(services(request).db, member_id(request))
    return page(request, "ask.html", status, history=history, documents=chat.documents(), **context)


async def ask(request: Request) -> Response:
    user = require_member(request)
    form = await checked_form(request, max_bytes=MAX_QUESTION_FORM_BYTES)
    question = str(form.get("question") or "")
    try:
        result = await services(request).chat.ask(question, chat_id=user, user_id=user)
    except QuestionError as exc:
        return _refusal(request, 400, str(exc), question)
    except RateLimited as exc:
        return _refusal(request, 429, TOO_FAST.format(seconds=max(1, round(exc.retry_in))), question)
    if not _fetch(request):
        return RedirectResponse(f"/#a-{result.answer_id}", status_code=303)
    entry = conversation(services(request).db, user, limit=1)[0]
    return page(request, "_answer.html", entry=entry, documents=services(request).chat.documents())


def _refusal(request: Request, status: int, message: str, question: str) -> Response:
    """The message where the answer would be; the typed question stays in the box (nothing lost)."""
    if _fetch(request):
        return page(request, "_notice.html", status, message=message)
    return _ask_page(request, status, error=message, question=question)


async def feedback(request: Request) -> Response:
    user = require_member(request)
    form = await checked_form(request)
    answer_id = str(form.get("answer_id") or "")
    vote = form.get("vote")
    if vote not in ("up", "down"):
        raise Refused(400, "评价只能是“有帮助”或“没帮助”。")
    if owner_of(services(request).db, answer_id) != user:
        raise Refused(404, "找不到这条回答，请重新提问。")
    services(request).chat.feedback(answer_id, user, vote == "up")
    if _fetch(request):
        return JSONResponse({"ok": True, "vote": vote, "message": "感谢反馈！"})
    return RedirectResponse(f"/#a-{answer_id}", status_code=303)


async def document(request: Request) -> Response:
    """A whole document, e.g. from the material list."""
    require_member(request)
    return _document_page(request, request.path_params["doc_id"], target="")


async def read_passage(request: Request) -> Response:
    """A cited passage in its document: the page scrolls to it and marks it."""
    require_member(request)
    context = services(request).chat.context(request.path_params["passage_id"])
    if context is None:
        raise Refused(404, "找不到这段原文，资料可能已经更新，请重新提问。")
    return _document_page(request, context.passage.doc_id, target=context.passage.passage_id)


def _document_page(request: Request, doc_id: str, target: str) -> Response:
    passages = [p for p in services(request).chat.assistant.index.passages if p.doc_id == doc_id]
    if not passages:
        raise Refused(404, "找不到这份资料，可能已被删除。")
    question = request.query_params.get("q", "")[:200]
    return page(request, "document.html", passages=passages, title=passages[0].doc_title, target=target,
                question=question)  # fmt: skip


async def healthz(request: Request) -> Response:
    chat = services(request).chat
    index = chat.assistant.index
    return JSONResponse({"status": "ok", "passages": index.size, "documents": len(chat.documents())})


ROUTES = [
    Route("/", home),
    Route("/ask", ask, methods=["POST"]),
    Route("/feedback", feedback, methods=["POST"]),
    Route("/doc/{doc_id:path}", document),
    Route("/read/{passage_id:path}", read_passage),
    Route("/healthz", healthz),
]
