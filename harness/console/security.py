"""Sessions, CSRF and access decisions in one place, so every page asks the same questions the same way.

The cookie is Starlette's signed session (itsdangerous) holding a random session id and a CSRF token; the id
is looked up in the campaign store on every request (harness.trial.sessions), so logging out or a password
reset ends the session even for a copied cookie. Every POST form carries the token and is refused without
it. `require` answers who is logged in (or sends them to the login page); `guard` refuses, and writes to
the audit log, any request for an agency the account may not see.
"""

from __future__ import annotations

import secrets
from typing import Any, NoReturn

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from harness.trial.accounts import Account, AccountStore
from harness.trial.sessions import SessionStore

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
        accounts.audit(_who(request), "csrf", request.url.path, "thiếu hoặc sai mã CSRF")
        raise HTTPException(
            403, "Biểu mẫu đã hết hạn hoặc không hợp lệ (thiếu mã chống giả mạo CSRF). Hãy tải lại trang."
        )


SESSION_FIELD = "sid"


def _who(request: Request) -> str:
    account = current(request)
    return account.username if account else ""


def current(request: Request) -> Account | None:
    """The logged-in account (looked up once per request), None when the session is absent or was ended."""
    if hasattr(request.state, "account"):
        held: Account | None = request.state.account
        return held
    account = None
    session_id = request.session.get(SESSION_FIELD)
    if session_id is not None:
        sessions: SessionStore = request.app.state.sessions
        username = sessions.username(session_id)
        accounts: AccountStore = request.app.state.accounts
        account = accounts.get(username) if username else None
        if account is None or account.disabled:
            account = None
            request.session.pop(SESSION_FIELD, None)
    request.state.account = account
    return account


def client_address(request: Request) -> str:
    """The client's address as uvicorn saw it (behind a proxy: from X-Forwarded-For of trusted proxies only)."""
    return request.client.host if request.client else "-"


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
