"""Live quiz in the meeting room: the organiser's projector page, members' phones, pushed updates.

Pages render the session's public snapshot (bot.core.quiz.live_session) and then follow it over
Server-Sent Events: one long-lived GET per page, fed by the in-process hub, with keep-alive
comments so proxies and phones keep the stream open. No page polls.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import segno
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from bot.core.quiz.engine import Reply
from bot.core.quiz.live_export import results_csv
from bot.core.quiz.live_hub import BroadcastHub
from bot.core.quiz.live_session import (
    DEFAULT_SECONDS,
    MAX_NAME_CHARS,
    SECONDS_RANGE,
    LiveError,
    LiveRoom,
    LiveRooms,
    display_name,
)
from bot.core.quiz.model import DEFAULT_QUESTIONS, MAX_QUESTIONS, Player
from bot.web.render import page
from bot.web.security import Refused, admit, checked_form, is_member, member_id, require_organiser, services

KEEPALIVE_SECONDS = 15.0
MAX_FILL_CHARS = 100
STREAM_HEADERS = {"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"}


async def live_rooms(request: Request) -> LiveRooms:
    """The process's live sessions, made on first use over the shared quiz engine."""
    state = request.app.state
    if getattr(state, "live", None) is None:
        svc = services(request)
        engine = await asyncio.to_thread(svc.quiz_engine)

        def passage_text(passage_id: str) -> str:
            found = svc.chat.context(passage_id)
            return found.passage.text if found is not None else ""

        if getattr(state, "live", None) is None:  # another request may have made it meanwhile
            state.live = LiveRooms(engine, BroadcastHub(), passage_text)
    return state.live


def _room(live: LiveRooms, request: Request) -> LiveRoom:
    try:
        return live.get(str(request.path_params["code"]))
    except LiveError as exc:
        raise Refused(404, str(exc)) from exc


def _player(request: Request, code: str) -> Player | None:
    name = (request.session.get("live_names") or {}).get(code)
    return Player(f"web:{member_id(request)}", name) if isinstance(name, str) else None


def _done(message: str = "好的") -> JSONResponse:
    return JSONResponse({"message": message})


def _int(form: FormData, name: str, default: int) -> int:
    value = str(form.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise LiveError("请填写数字。")
    return int(value)


# ------------------------------------------------------------------ organiser
async def new_form(request: Request) -> Response:
    require_organiser(request)
    return _new_page(request)


def _new_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    return page(request, "live_new.html", status, error=error, documents=services(request).chat.documents(),
                default_size=DEFAULT_QUESTIONS, max_size=MAX_QUESTIONS, seconds=DEFAULT_SECONDS,
                seconds_range=SECONDS_RANGE)  # fmt: skip


async def create(request: Request) -> Response:
    organiser = require_organiser(request)
    form = await checked_form(request)
    live = await live_rooms(request)
    keyword = str(form.get("keyword") or "").strip()[:50] or str(form.get("document") or "").strip()[:200]
    try:
        room = await live.start(organiser, _int(form, "size", DEFAULT_QUESTIONS), keyword,
                                _int(form, "seconds", DEFAULT_SECONDS))  # fmt: skip
    except LiveError as exc:
        return _new_page(request, str(exc), 400)
    return RedirectResponse(f"/live/{room.code}/screen", status_code=303)


async def screen(request: Request) -> Response:
    require_organiser(request)
    live = await live_rooms(request)
    room = _room(live, request)
    link = str(request.url_for("live_join", code=room.code))
    qr = Markup(segno.make(link, error="m").svg_inline(scale=1, border=2, omitsize=True))
    return page(request, "live_screen.html", room=room, link=link, qr=qr,
                state=json.dumps(live.snapshot(room), ensure_ascii=False))  # fmt: skip


async def control(request: Request) -> Response:
    require_organiser(request)
    await checked_form(request)
    live = await live_rooms(request)
    room = _room(live, request)
    action = {"next": live.advance, "reveal": live.reveal, "stop": live.stop}[
        request.url.path.rsplit("/", 1)[1]
    ]
    try:
        await action(room.code)
    except LiveError as exc:
        raise Refused(409, str(exc)) from exc
    return _done()


async def export(request: Request) -> Response:
    require_organiser(request)
    room = _room(await live_rooms(request), request)
    return Response(results_csv(room), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="live-{room.code}.csv"'})  # fmt: skip


# -------------------------------------------------------------------- members
async def enter_code(request: Request) -> Response:
    code = "".join(ch for ch in str(request.query_params.get("code", "")) if ch.isdigit())[:6]
    if code:
        return RedirectResponse(f"/live/{code}", status_code=303)
    return page(request, "live_join.html", room=None, max_name=MAX_NAME_CHARS)


async def join_page(request: Request) -> Response:
    live = await live_rooms(request)
    code = str(request.path_params["code"])
    try:
        room = live.get(code)
    except LiveError as exc:
        return page(request, "live_join.html", 404, room=None, error=str(exc), max_name=MAX_NAME_CHARS)
    player = _player(request, code) if is_member(request) else None
    if room.finished or player is None or player.player_id not in room.players:
        status = 410 if room.finished else 200
        return page(request, "live_join.html", status, room=room, max_name=MAX_NAME_CHARS,
                    ended=live.snapshot(room).get("ended"), name=player.name if player else "")  # fmt: skip
    verdict = live.answered(room, player.player_id)
    return page(request, "live_phone.html", room=room, name=player.name,
                state=json.dumps(live.snapshot(room), ensure_ascii=False),
                mine="" if verdict is None else ("right" if verdict else "wrong"))  # fmt: skip


async def join(request: Request) -> Response:
    form = await checked_form(request)
    live = await live_rooms(request)
    code = str(request.path_params["code"])
    if not is_member(request):
        if not services(request).access.matches(str(form.get("access_code") or "")):
            raise Refused(401, "访问码不正确，请向组织者询问。")
        admit(request)
    try:
        name = display_name(str(form.get("name") or "")[:200])
        await live.join(code, Player(f"web:{member_id(request)}", name))
    except LiveError as exc:
        raise Refused(400, str(exc)) from exc
    request.session["live_names"] = {**(request.session.get("live_names") or {}), code: name}
    return RedirectResponse(f"/live/{code}", status_code=303)


def _reply(form: FormData, room: LiveRoom) -> Reply:
    item = room.question.item if room.question is not None else None
    if item is None:
        raise LiveError("现在还没有题目。")
    if item.options:
        picked = [str(c) for c in form.getlist("choice")]
        chosen = sorted({int(c) for c in picked if c.isdigit() and int(c) < len(item.options)})
        if not chosen:
            raise LiveError("请先选择一个选项。")
        return chosen if item.kind == "multi" else chosen[0]
    text = str(form.get("reply") or "").strip()
    if not text or len(text) > MAX_FILL_CHARS:
        raise LiveError(f"请填写答案（不超过 {MAX_FILL_CHARS} 个字）。")
    return text


async def answer(request: Request) -> Response:
    if not is_member(request):
        raise Refused(403, "请先输入访问码进入学习页面。")
    form = await checked_form(request)
    live = await live_rooms(request)
    room = _room(live, request)
    player = _player(request, room.code)
    try:
        if player is None:
            raise LiveError("请先填写昵称加入这场答题。")
        correct = await live.answer(room.code, player, _int(form, "position", -1), _reply(form, room))
    except LiveError as exc:
        raise Refused(409, str(exc)) from exc
    return JSONResponse({"message": "已提交，等待揭晓答案。", "correct": correct})


async def events(request: Request) -> Response:
    """The session's snapshots as Server-Sent Events: the current one at once, then every change."""
    if not is_member(request):
        raise Refused(403, "请先输入访问码进入学习页面。")
    live = await live_rooms(request)
    room = _room(live, request)
    listener = live.hub.subscribe(room.code)
    first = json.dumps(live.snapshot(room), ensure_ascii=False)

    async def stream() -> AsyncIterator[str]:
        try:
            yield f"retry: 3000\nevent: state\ndata: {first}\n\n"
            while True:
                message = await listener.next(KEEPALIVE_SECONDS)
                if listener.closed:
                    return
                yield ": keep-alive\n\n" if message is None else f"event: state\ndata: {message}\n\n"
        finally:
            live.hub.unsubscribe(listener)

    return StreamingResponse(stream(), media_type="text/event-stream", headers=STREAM_HEADERS)


ROUTES = [
    Route("/live", enter_code),
    Route("/live/new", new_form),
    Route("/live/new", create, methods=["POST"]),
    Route("/live/{code:str}", join_page, name="live_join"),
    Route("/live/{code:str}/join", join, methods=["POST"]),
    Route("/live/{code:str}/answer", answer, methods=["POST"]),
    Route("/live/{code:str}/events", events),
    Route("/live/{code:str}/screen", screen),
    Route("/live/{code:str}/results.csv", export),
    *(
        Route(f"/live/{{code:str}}/{action}", control, methods=["POST"])
        for action in ("next", "reveal", "stop")
    ),
]
