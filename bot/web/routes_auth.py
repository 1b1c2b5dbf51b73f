"""Entering: the members' access code (form or invitation link), organiser login and logout."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web.render import page
from bot.web.security import Refused, admit, checked_form, client_address, services

log = logging.getLogger("policybot.web")


def _throttled(request: Request, *keys: str) -> None:
    wait = services(request).throttle.blocked_for(*keys)
    if wait > 0:
        raise Refused(429, f"尝试次数过多，请 {max(1, round(wait / 60))} 分钟后再试。")


async def enter(request: Request) -> Response:
    """The access code form posts here; the invitation link (/?code=…) is handled by the members' page."""
    form = await checked_form(request)
    key = f"code@{client_address(request)}"
    _throttled(request, key)
    code = str(form.get("access_code") or "")
    if not services(request).access.matches(code):
        services(request).throttle.failed(key)
        return page(request, "access.html", status=401, error="访问码不正确，请向组织者确认后重新输入。")
    services(request).throttle.succeeded(key)
    admit(request)
    return RedirectResponse("/", status_code=303)


async def login(request: Request) -> Response:
    form = await checked_form(request)
    username = str(form.get("username") or "").strip()[:64]
    password = str(form.get("password") or "")[:256]
    keys = (f"user:{username}", f"ip:{client_address(request)}")
    _throttled(request, *keys)
    accounts = services(request).organisers
    if not username or not password or not accounts.verify(username, password):
        services(request).throttle.failed(*keys)
        log.warning("event=organiser_login_failed client=%s", client_address(request))
        return page(request, "login.html", status=401, error="用户名或密码不正确。", username=username)
    services(request).throttle.succeeded(*keys)
    request.session.clear()  # a fresh session (and CSRF token) after login
    request.session["organiser"] = username
    log.info("event=organiser_login user=%s", username)
    return RedirectResponse("/organiser", status_code=303)


async def logout(request: Request) -> Response:
    await checked_form(request)
    request.session.pop("organiser", None)
    return RedirectResponse("/organiser", status_code=303)


ROUTES = [
    Route("/enter", enter, methods=["POST"]),
    Route("/organiser/login", login, methods=["POST"]),
    Route("/organiser/logout", logout, methods=["POST"]),
]
