"""Log in and out. A failed login says the same thing whatever was wrong and is written to the audit log."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from harness.console.render import page
from harness.console.security import check_csrf, safe_next
from harness.trial.accounts import AccountStore

MAX_FIELD = 256


def login_form(request: Request) -> Response:
    return page(request, "login.html", {"next": safe_next(request.query_params.get("tiep")), "error": ""})


async def login(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=8)
    check_csrf(request, form)
    username = str(form.get("username") or "")[:MAX_FIELD].strip()
    password = str(form.get("password") or "")[:MAX_FIELD]
    target = safe_next(str(form.get("next") or "/"))
    accounts: AccountStore = request.app.state.accounts
    account = await run_in_threadpool(accounts.authenticate, username, password)
    if account is None:
        await run_in_threadpool(accounts.audit, username, "login-failed", "/dang-nhap", "")
        context = {"next": target, "error": "Tên đăng nhập hoặc mật khẩu không đúng."}
        return page(request, "login.html", context, status_code=401)
    request.session.clear()
    request.session["user"] = account.username
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=4)
    check_csrf(request, form)
    request.session.clear()
    return RedirectResponse("/dang-nhap", status_code=303)
