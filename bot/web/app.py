"""The ASGI application: routes of every area, sessions, security headers, error pages."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web import routes_ask, routes_auth, routes_organiser, routes_practice
from bot.web.config import WebSettings
from bot.web.render import STATIC_DIR, environment, page
from bot.web.security import Refused
from bot.web.services import WebServices

log = logging.getLogger("policybot.web")
SESSION_COOKIE = "policybot_session"
HEADERS = {
    b"content-security-policy": b"default-src 'self'; img-src 'self' data:; style-src 'self'; "
    b"script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    b"x-frame-options": b"DENY",
}


class SecurityHeaders:
    """Nothing from elsewhere may load, and no other site may frame the page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"] += [(k, v) for k, v in HEADERS.items() if k not in names]
            await send(message)

        await self.app(scope, receive, with_headers)


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


async def refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    if _wants_json(request) or request.headers.get("x-fetch") == "1":
        return JSONResponse({"error": exc.message}, status_code=exc.status)
    return page(request, "error.html", status=exc.status, message=exc.message)


async def http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    message = {404: "页面不存在。", 405: "不支持这种请求方式。"}.get(status, "请求无法处理。")
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    return page(request, "error.html", status=status, message=message)


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("event=web_error path=%s", request.url.path, exc_info=exc)
    return JSONResponse({"error": "抱歉，处理时出了点问题，请稍后再试。"}, status_code=500)


def create_app(services: WebServices, settings: WebSettings) -> Starlette:
    routes = [
        *routes_ask.ROUTES,
        *routes_auth.ROUTES,
        *routes_practice.ROUTES,
        *routes_organiser.ROUTES,
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=services.secret,
                session_cookie=SESSION_COOKIE,
                max_age=settings.session_seconds,
                same_site="lax",
                https_only=settings.https_only,
            ),
        ],
        exception_handlers={Refused: refused, HTTPException: http_error, 500: server_error},
    )
    app.state.services = services
    app.state.settings = settings
    app.state.templates = environment()
    return app
