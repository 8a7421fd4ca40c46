"""Sessions, CSRF and access decisions in one place, so every page asks the same questions the same way.

The session is Starlette's signed cookie (itsdangerous) holding the username and a CSRF token; every POST
form carries the token and is refused without it. `require` answers who is logged in (or sends them to the
login page); `guard` refuses, and writes to the audit log, any request for an agency the account may not see.
"""

from __future__ import annotations

import secrets
from typing import Any, NoReturn

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from harness.trial.accounts import Account, AccountStore

CSRF_FIELD = "csrf"


class LoginRequired(Exception):
    """Raised by `require` for an anonymous request; the app answers with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


def check_csrf(request: Request, form: Any) -> None:
    """Refuse (403, Vietnamese) a form whose token is missing or is not this session's."""
    sent = form.get(CSRF_FIELD) if form is not None else None
    held = request.session.get(CSRF_FIELD)
    if not isinstance(sent, str) or not isinstance(held, str) or not secrets.compare_digest(sent, held):
        accounts: AccountStore = request.app.state.accounts
        accounts.audit(request.session.get("user", ""), "csrf", request.url.path, "thiếu hoặc sai mã CSRF")
        raise HTTPException(
            403, "Biểu mẫu đã hết hạn hoặc không hợp lệ (thiếu mã chống giả mạo CSRF). Hãy tải lại trang."
        )


def current(request: Request) -> Account | None:
    username = request.session.get("user")
    if not isinstance(username, str):
        return None
    accounts: AccountStore = request.app.state.accounts
    account = accounts.get(username)
    if account is None or account.disabled:
        request.session.pop("user", None)
        return None
    return account


def require(request: Request, *, admin: bool = False) -> Account:
    account = current(request)
    if account is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if admin and not account.is_admin:
        deny(request, account, "trang quản trị")
    return account


def deny(request: Request, account: Account | None, what: str) -> NoReturn:
    """Log the refusal and answer 403 with a Vietnamese message."""
    accounts: AccountStore = request.app.state.accounts
    accounts.audit(account.username if account else "", "denied", request.url.path, what)
    raise HTTPException(403, f"Tài khoản của bạn không được xem {what}.")


def guard(request: Request, account: Account, organ_id: str) -> None:
    if not account.may_see(organ_id):
        deny(request, account, f"dữ liệu của cơ quan {organ_id}")


def login_redirect(next_path: str) -> RedirectResponse:
    from urllib.parse import quote

    return RedirectResponse(f"/dang-nhap?tiep={quote(next_path, safe='')}", status_code=303)


def safe_next(value: str | None) -> str:
    """Only local paths after login: never an open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value
