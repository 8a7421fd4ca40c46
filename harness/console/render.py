"""Jinja2 templates of the console, with what every page needs (the account, the CSRF token, formatting)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from harness.console.model import fmt_time
from harness.console.security import CSRF_FIELD, csrf_token, current
from harness.trial.issued import display_code

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
)
TEMPLATES = Jinja2Templates(env=_ENV)


TEMPLATES.env.filters["time_vi"] = fmt_time
TEMPLATES.env.filters["code"] = display_code


def page(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> Response:
    full = {
        "account": current(request),
        "csrf": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        **context,
    }
    response: Response = TEMPLATES.TemplateResponse(request, name, full, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response
