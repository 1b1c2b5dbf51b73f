"""Who is asking: the signed session, member and organiser checks, CSRF tokens.

The session is Starlette's signed cookie (HttpOnly, SameSite=Lax, Secure behind HTTPS); it
holds only ids and a CSRF token. Every state-changing request carries that token in a form
field or the X-CSRF-Token header; a missing or wrong one is refused before anything changes.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request

from bot.web.services import WebServices

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class Refused(Exception):
    """A request refused with a status code and a Chinese message (rendered by the app)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def services(request: Request) -> WebServices:
    return request.app.state.services


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, form: FormData | None = None) -> None:
    expected = request.session.get("csrf")
    given = (form.get(CSRF_FIELD) if form is not None else None) or request.headers.get(CSRF_HEADER)
    if not expected or not isinstance(given, str) or not hmac.compare_digest(given, expected):
        raise Refused(403, "页面已过期或请求无效，请刷新页面后重试。")


async def checked_form(request: Request, max_bytes: int = 64 * 1024) -> FormData:
    """A small url-encoded form with a valid CSRF token (uploads use their own reader)."""
    if (request.headers.get("content-type") or "").split(";")[
        0
    ].strip() != "application/x-www-form-urlencoded":
        raise Refused(415, "请求格式不正确，请通过页面上的表单提交。")
    if int(request.headers.get("content-length") or 0) > max_bytes:
        raise Refused(413, "提交的内容太长了。")
    form = await request.form(max_files=0, max_fields=50)
    check_csrf(request, form)
    return form


def member_id(request: Request) -> int:
    """A stable anonymous id for this browser (negative, so it never meets a Telegram user id)."""
    value = request.session.get("member")
    if not isinstance(value, int):
        value = -secrets.randbelow(2**52) - 1
        request.session["member"] = value
    return value


def is_member(request: Request) -> bool:
    """Admitted to the members' pages: open page, the current access code, or an organiser."""
    access = services(request).access
    if is_organiser(request) or not access.required:
        return True
    return request.session.get("admitted") == access.generation()


def admit(request: Request) -> None:
    request.session["admitted"] = services(request).access.generation()
    member_id(request)


def is_organiser(request: Request) -> bool:
    name = request.session.get("organiser")
    return isinstance(name, str) and services(request).organisers.exists(name)


def require_organiser(request: Request) -> str:
    if not is_organiser(request):
        raise Refused(403, "这里只有组织者可以使用，请先以组织者身份登录。")
    return str(request.session["organiser"])


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
