"""Entering: the members' access code (form or invitation link), organiser login and logout."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web.render import page
from bot.web.security import Refused, admit, checked_form, client_address, services

log = logging.getLogger("policybot.web")


def _throttled(request: Request, name: str | None) -> None:
    svc = services(request)
    wait = svc.address_throttle.blocked_for(client_address(request))
    if name is not None:
        wait = max(wait, svc.name_throttle.blocked_for(name))
    if wait > 0:
        raise Refused(429, f"尝试次数过多，请 {max(1, round(wait / 60))} 分钟后再试。")


def _failed(request: Request, name: str | None) -> None:
    services(request).address_throttle.failed(client_address(request))
    if name is not None:
        services(request).name_throttle.failed(name)


async def enter(request: Request) -> Response:
    """The access code form posts here; the invitation link (/?code=…) is handled by the members' page."""
    form = await checked_form(request)
    _throttled(request, None)
    if not services(request).access.matches(str(form.get("access_code") or "")):
        _failed(request, None)
        return page(request, "access.html", status=401, error="访问码不正确，请向组织者确认后重新输入。")
    admit(request)
    return RedirectResponse("/", status_code=303)


async def login(request: Request) -> Response:
    form = await checked_form(request)
    username = str(form.get("username") or "").strip()[:64]
    password = str(form.get("password") or "")[:256]
    _throttled(request, username)
    accounts = services(request).organisers
    if not username or not password or not accounts.verify(username, password):
        _failed(request, username)
        log.warning("event=organiser_login_failed client=%s", client_address(request))
        return page(request, "login.html", status=401, error="用户名或密码不正确。", username=username)
    services(request).name_throttle.succeeded(username)
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
