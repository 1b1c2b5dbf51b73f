"""Templates (Jinja2, autoescaped) and the small text helpers they use."""

from __future__ import annotations

import re
import time
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.web.security import csrf_token, is_member, is_organiser, services

_TERM = re.compile(r"[\w\u3400-\u9fff]+")


def question_terms(question: str) -> list[str]:
    """Words of the question worth marking in a passage (jieba words of two or more characters)."""
    from index.tokens import tokenize

    terms = {t for t in tokenize(question) if len(t) >= 2 and _TERM.fullmatch(t)}
    return sorted(terms, key=len, reverse=True)


def mark_terms(text: str, terms: list[str]) -> Markup:
    """`text` escaped, with every occurrence of a term wrapped in <mark>."""
    if not terms:
        return Markup(escape(text))
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup("<mark>") + escape(match.group(0)) + Markup("</mark>"))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def when(timestamp: float) -> str:
    return time.strftime("%m-%d %H:%M", time.localtime(timestamp))


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot.web", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.globals["mark_terms"] = mark_terms
    env.globals["question_terms"] = question_terms
    return env


STATIC_DIR = Path(__file__).parent / "static"


def page(request: Request, template: str, status: int = 200, **context: object) -> HTMLResponse:
    """Render a template with what every page needs (CSRF token, who is logged in)."""
    env: Environment = request.app.state.templates
    html = env.get_template(template).render(
        request=request,
        csrf=csrf_token(request),
        member=is_member(request),
        organiser=is_organiser(request),
        code_required=services(request).access.required,
        **context,
    )
    return HTMLResponse(html, status_code=status)
