"""The clerk's task list: what operator-driven scenarios ask each agency's clerk to do in their own system
or to vouch for, answered here (done / not possible, a note, screenshots); the waiting driver reads the
answer from the store."""

from __future__ import annotations

import shutil
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from harness.console.forms import FormRefused, read_form
from harness.console.model import visible_organs
from harness.console.params import parse_id
from harness.console.render import page
from harness.console.security import check_csrf, guard, require
from harness.console.uploads import UploadRefused, read_image, spill
from harness.trial.accounts import Account
from harness.trial.store import StoreError
from harness.trial.tasks import DONE, IMPOSSIBLE, OPEN, Task, TaskStore, in_scenario_order, waiting

MAX_SCREENSHOTS = 3
MAX_NOTE = 4000
FORM_OVERHEAD = 64 * 1024


def task_list(request: Request) -> Response:
    account = require(request)
    store = request.app.state.store
    organs = None if account.is_admin else visible_organs(store, account)
    tasks = TaskStore(store).tasks(organ_ids=organs)
    open_tasks = in_scenario_order(t for t in tasks if t.state == OPEN)
    closed = [t for t in tasks if t.state != OPEN][:200]
    names = {a.organ_id: a.name for a in store.roster()}
    context = {"open_tasks": open_tasks, "waiting": waiting(open_tasks), "closed": closed, "names": names}
    return page(request, "tasks.html", context)


def _task(request: Request, account: Account) -> Task:
    task_id = parse_id(request.path_params["task_id"], "việc")
    task = TaskStore(request.app.state.store).get(task_id)
    if task is None:
        raise HTTPException(404, f"Không có việc số {task_id}.")
    guard(request, account, task.organ_id)
    return task


def _detail(request: Request, task: Task, error: str = "", status_code: int = 200) -> Response:
    agency = request.app.state.store.agency(task.organ_id)
    context = {
        "task": task,
        "agency": agency,
        "error": error,
        "max_mb": request.app.state.config.max_upload_bytes // (1024 * 1024),
        "max_files": MAX_SCREENSHOTS,
        "may_answer": require(request).may_answer(task.organ_id),
        "before": TaskStore(request.app.state.store).waiting_on(task) if task.is_open else None,
    }
    return page(request, "task.html", context, status_code=status_code)


def task_page(request: Request) -> Response:
    account = require(request)
    return _detail(request, _task(request, account))


async def task_answer(request: Request) -> Response:
    account = require(request)
    task = await run_in_threadpool(_task, request, account)
    if not account.may_answer(task.organ_id):
        request.app.state.accounts.audit(account.username, "denied", request.url.path, "trả lời việc")
        raise HTTPException(403, f"Chỉ tài khoản của cơ quan {task.organ_id} được trả lời việc này.")
    config = request.app.state.config
    limit = config.max_upload_bytes
    try:
        form = await read_form(
            request,
            max_bytes=MAX_SCREENSHOTS * limit + FORM_OVERHEAD,
            max_files=MAX_SCREENSHOTS,
            max_fields=10,
            max_part_size=MAX_NOTE * 4,
        )
    except FormRefused as exc:
        if exc.status_code == 413 and "quá lớn" in exc.message_vi:
            per_image = f"mỗi ảnh tối đa {limit // (1024 * 1024)} MB, tối đa {MAX_SCREENSHOTS} ảnh."
            return _detail(request, task, f"{exc.message_vi} ({per_image})", status_code=413)
        return _detail(request, task, exc.message_vi, status_code=exc.status_code)
    check_csrf(request, form)
    state = str(form.get("state") or "")
    note = str(form.get("note") or "").strip()[:MAX_NOTE]
    if state not in (DONE, IMPOSSIBLE):
        return _detail(request, task, "Hãy chọn «Đã thực hiện» hoặc «Không thực hiện được».", status_code=400)
    uploads = [f for f in form.getlist("screenshot") if isinstance(f, UploadFile) and (f.filename or f.size)]
    images = []
    try:
        for upload in uploads:
            images.append(await read_image(upload, limit))
    except UploadRefused as exc:
        status = 413 if "quá lớn" in exc.message_vi else 415
        return _detail(request, task, exc.message_vi, status_code=status)
    finally:
        await form.close()
    store = request.app.state.store
    spool = Path(store.files_dir) / ".tai-len"
    paths = [spill(image, spool) for image in images]
    who = f"{account.display_name} ({account.username}{', quản trị' if account.is_admin else ''})"
    try:
        await run_in_threadpool(TaskStore(store).answer, task.id, state=state, who=who, note=note, files=paths)
    except StoreError as exc:
        return _detail(request, task, exc.message_vi, status_code=409)
    finally:
        for path in paths:
            shutil.rmtree(path.parent, ignore_errors=True)
    return RedirectResponse(f"/viec/{task.id}?da-ghi=1", status_code=303)
