"""Log in and out. A failed login says the same thing whatever was wrong and is written to the audit log;
repeated failures are throttled per account and per address (harness.trial.throttle) before the password is
even checked; logging out ends the session in the store, not only in this browser."""

from __future__ import annotations

import math

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from harness.console.forms import read_form
from harness.console.render import page
from harness.console.security import SESSION_FIELD, check_csrf, client_address, safe_next
from harness.trial.accounts import AccountStore
from harness.trial.sessions import SessionStore
from harness.trial.throttle import LoginThrottle

MAX_FIELD = 256


def login_form(request: Request) -> Response:
    return page(request, "login.html", {"next": safe_next(request.query_params.get("tiep")), "error": ""})


def _wait_vi(seconds: float) -> str:
    whole = max(1, math.ceil(seconds))
    return f"{whole} giây" if whole < 120 else f"{math.ceil(whole / 60)} phút"


async def login(request: Request) -> Response:
    form = await read_form(request, max_files=0, max_fields=8)
    check_csrf(request, form)
    username = str(form.get("username") or "")[:MAX_FIELD].strip()
    password = str(form.get("password") or "")[:MAX_FIELD]
    target = safe_next(str(form.get("next") or "/"))
    address = client_address(request)
    accounts: AccountStore = request.app.state.accounts
    throttle: LoginThrottle = request.app.state.throttle
    wait = await run_in_threadpool(throttle.wait_seconds, username, address)
    if wait > 0:
        await run_in_threadpool(accounts.audit, username, "login-throttled", "/dang-nhap", f"{address}, {wait:.0f} s")
        message = (
            f"Đăng nhập sai nhiều lần: hãy chờ {_wait_vi(wait)} rồi thử lại. "
            "Nếu quên mật khẩu, hãy nhờ quản trị viên đặt lại."
        )
        response = page(request, "login.html", {"next": target, "error": message}, status_code=429)
        response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return response
    account = await run_in_threadpool(accounts.authenticate, username, password)
    if account is None:
        await run_in_threadpool(throttle.failed, username, address)
        await run_in_threadpool(accounts.audit, username, "login-failed", "/dang-nhap", address)
        context = {"next": target, "error": "Tên đăng nhập hoặc mật khẩu không đúng."}
        return page(request, "login.html", context, status_code=401)
    await run_in_threadpool(throttle.succeeded, account.username)
    sessions: SessionStore = request.app.state.sessions
    old = request.session.get(SESSION_FIELD)
    if old is not None:
        await run_in_threadpool(sessions.close, old)
    request.session.clear()
    request.session[SESSION_FIELD] = await run_in_threadpool(sessions.open, account.username, address)
    request.state.account = account
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    form = await read_form(request, max_files=0, max_fields=4)
    check_csrf(request, form)
    sessions: SessionStore = request.app.state.sessions
    await run_in_threadpool(sessions.close, request.session.get(SESSION_FIELD))
    request.session.clear()
    request.state.account = None
    return RedirectResponse("/dang-nhap", status_code=303)
