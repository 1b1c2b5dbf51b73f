"""Members practise: a round of 5/10/20 questions, a verdict with its passage after each, the 错题本."""

from __future__ import annotations

from collections import Counter

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.core.library import DocumentSummary
from bot.core.practice import ROUND_SIZES, PracticeError, RoundView
from bot.core.quiz.items import KIND_NAMES
from bot.web.render import page
from bot.web.routes_ask import require_member
from bot.web.security import Refused, checked_form, services
from bot.web.services import WebServices


async def practice_home(request: Request) -> Response:
    user = require_member(request)
    svc = services(request)
    return page(request, "practice_home.html", sizes=ROUND_SIZES, documents=_with_items(svc),
                wrong=len(svc.practice.wrong_book(user, svc.bank())))  # fmt: skip


async def start(request: Request) -> Response:
    user = require_member(request)
    form = await checked_form(request)
    svc = services(request)
    try:
        size = int(str(form.get("size") or "0"))
        round_id = svc.practice.start(user, svc.bank(), size, str(form.get("keyword") or "")[:50],
                                      str(form.get("doc_id") or ""))  # fmt: skip
    except (ValueError, PracticeError) as exc:
        message = str(exc) if isinstance(exc, PracticeError) else "题目数量只能是 5、10 或 20。"
        return page(request, "practice_home.html", 400, sizes=ROUND_SIZES, error=message,
                    documents=_with_items(svc), wrong=0)  # fmt: skip
    return RedirectResponse(f"/practice/{round_id}", status_code=303)


def _with_items(svc: WebServices) -> list[tuple[DocumentSummary, int]]:
    """The documents a round can be drawn from, with their number of items: the bank keeps only
    what is worth learning, so most laws have none, and offering them would only refuse."""
    counts = Counter(item.doc_id for item in svc.bank().items)
    return [(d, counts[d.doc_id]) for d in svc.chat.documents() if counts[d.doc_id]]


def _round(request: Request, user: int) -> RoundView:
    view = services(request).practice.view(request.path_params["round_id"], user, services(request).bank())
    if view is None:
        raise Refused(404, "找不到这一轮练习，请重新开始。")
    return view


async def show(request: Request) -> Response:
    user = require_member(request)
    view = _round(request, user)
    after = request.query_params.get("after", "")
    verdict = view.answered[int(after)] if after.isdigit() and int(after) < len(view.answered) else None
    passage = services(request).chat.context(verdict.item.passage_id) if verdict else None
    return page(request, "practice_round.html", view=view, verdict=verdict, kinds=KIND_NAMES,
                passage=passage.passage if passage else None)  # fmt: skip


async def answer(request: Request) -> Response:
    user = require_member(request)
    form = await checked_form(request)
    view = _round(request, user)
    try:
        position = int(str(form.get("position") or "-1"))
    except ValueError:
        position = -1
    reply = str(form.get("reply") or "")
    choice = str(form.get("choice") or "")
    if view.item is not None and position == view.position and choice.isdigit():
        options = view.item.options
        reply = options[int(choice)] if int(choice) < len(options) else ""
    try:
        services(request).practice.answer(view.round_id, user, services(request).bank(), position, reply)
    except PracticeError as exc:
        raise Refused(400, str(exc)) from exc
    return RedirectResponse(f"/practice/{view.round_id}?after={position}", status_code=303)


async def wrong_book(request: Request) -> Response:
    user = require_member(request)
    svc = services(request)
    return page(
        request, "practice_wrong.html", entries=svc.practice.wrong_book(user, svc.bank()), kinds=KIND_NAMES
    )


async def retry(request: Request) -> Response:
    user = require_member(request)
    await checked_form(request)
    svc = services(request)
    try:
        round_id = svc.practice.start_retry(user, svc.bank())
    except PracticeError as exc:
        raise Refused(400, str(exc)) from exc
    return RedirectResponse(f"/practice/{round_id}", status_code=303)


ROUTES = [
    Route("/practice", practice_home),
    Route("/practice/start", start, methods=["POST"]),
    Route("/practice/wrong", wrong_book),
    Route("/practice/retry", retry, methods=["POST"]),
    Route("/practice/{round_id:str}", show),
    Route("/practice/{round_id:str}/answer", answer, methods=["POST"]),
]
