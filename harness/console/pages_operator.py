"""The department's operator page: start a round for chosen agencies and run-tests (optionally worked by
their clerks through the task list), re-run a failed item, follow the runs started here, and read the
audit log of refused accesses."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from harness.console.config import topology_of
from harness.console.forms import read_form
from harness.console.model import newest_round
from harness.console.params import id_or_none
from harness.console.render import page
from harness.console.runs import RunManager
from harness.console.security import check_csrf, require
from harness.edxml.formats import ICT
from harness.paths import REPO_ROOT
from harness.trial.accounts import AccountStore
from harness.trial.catalogue import BY_ID, RUN_TESTS
from harness.trial.statement import ItemOutcome
from harness.trial.store import TEST_ID_RE


def _failed_items(request: Request, number: int) -> list[tuple[str, str, str, str]]:
    """(organ_id, name, test_id, reason) of every failed item of the round."""
    store = request.app.state.store
    _token, statements, _live = request.app.state.statements.get(store.round(number))
    out = []
    for s in statements:
        for item in s.items:
            if item.outcome is ItemOutcome.FAILED:
                out.append((s.agency.organ_id, s.agency.name, item.test.test_id, item.reason_vi))
    return out


def _context(request: Request, message: str = "", error: str = "") -> dict[str, object]:
    store = request.app.state.store
    number = newest_round(store)
    manager: RunManager = request.app.state.runs
    return {
        "rounds": store.rounds(),
        "roster": store.roster(),
        "tests": RUN_TESTS,
        "failed": _failed_items(request, number) if number is not None else [],
        "number": number or 1,
        "runs": list(reversed(manager.runs)),
        "busy": manager.busy(),
        "topology": topology_of(request.app.state.config, store),
        "message": message,
        "error": error,
        "audit": AccountStore(store).audit_log(50),
    }


def operator_page(request: Request) -> Response:
    require(request, admin=True)
    message = "Đã bắt đầu lần chạy." if request.query_params.get("da-chay") else ""
    return page(request, "operator.html", _context(request, message=message))


def _base_args(request: Request, number: int) -> list[str]:
    config = request.app.state.config
    store = request.app.state.store
    topology = topology_of(config, store)
    if topology is None:
        raise ValueError("Chưa biết cấu hình mô phỏng của đợt chạy thử: chạy bảng điều khiển với --topology.")
    held = [store.meta(f"reports.{r.number}") for r in reversed(store.rounds())]
    out = store.meta(f"reports.{number}") or next((h for h in held if h), None)
    work = store.meta("campaign.work_dir")
    args = ["--topology", str(topology), "--db", config.db, "--round", str(number), "--verify-base", config.base_url]
    args += ["--out", out or str(REPO_ROOT / "reports" / "out")]
    if work:
        args += ["--work", work]
    return args


async def start_run(request: Request) -> Response:
    require(request, admin=True)
    form = await read_form(request, max_bytes=256 * 1024, max_fields=2000)
    check_csrf(request, form)
    store = request.app.state.store
    roster = {a.organ_id for a in store.roster()}
    number = id_or_none(form.get("round") or "1")
    if number is None:
        return page(request, "operator.html", _context(request, error="Số đợt không hợp lệ."), status_code=400)
    agencies = [str(a) for a in form.getlist("agency") if str(a) in roster]
    tests = [str(t) for t in form.getlist("scenario") if TEST_ID_RE.match(str(t)) and str(t) in BY_ID]
    operated = [str(a) for a in form.getlist("operated") if str(a) in agencies]
    if not agencies:
        return page(request, "operator.html", _context(request, error="Hãy chọn ít nhất một cơ quan."), status_code=400)
    try:
        args = _base_args(request, number)
    except ValueError as exc:
        return page(request, "operator.html", _context(request, error=str(exc)), status_code=400)
    name = str(form.get("round_name") or "").strip()
    if name:
        args += ["--round-name", name[:200]]
    deadline = str(form.get("deadline") or "").strip()
    if deadline:
        try:
            when = datetime.fromisoformat(deadline).replace(tzinfo=ICT)
        except ValueError:
            return page(request, "operator.html", _context(request, error="Thời hạn không hợp lệ."), status_code=400)
        args += ["--deadline", when.strftime("%Y-%m-%d %H:%M")]
    time_preset = "real" if form.get("time") == "real" else "compressed"
    args += ["--time", time_preset]
    for organ in agencies:
        args += ["--agency", organ]
    for test in tests:
        args += ["--scenario", test]
    for organ in operated:
        args += ["--operated", organ]
    if form.get("rerun"):
        args.append("--rerun")
    return await _launch(request, args)


async def rerun_item(request: Request) -> Response:
    require(request, admin=True)
    form = await read_form(request)
    check_csrf(request, form)
    store = request.app.state.store
    organ = str(form.get("organ_id") or "")
    test = str(form.get("test_id") or "")
    number = id_or_none(form.get("round")) or -1
    if store.agency(organ) is None or test not in BY_ID or store.round(number) is None:
        return page(
            request, "operator.html", _context(request, error="Mục cần chạy lại không hợp lệ."), status_code=400
        )
    try:
        args = _base_args(request, number)
    except ValueError as exc:
        return page(request, "operator.html", _context(request, error=str(exc)), status_code=400)
    args += ["--agency", organ, "--scenario", test, "--rerun"]
    return await _launch(request, args)


async def _launch(request: Request, args: list[str]) -> Response:
    manager: RunManager = request.app.state.runs
    try:
        await run_in_threadpool(manager.start, args)
    except RuntimeError as exc:
        return page(request, "operator.html", _context(request, error=str(exc)), status_code=409)
    return RedirectResponse("/dieu-hanh?da-chay=1", status_code=303)


def run_log_dir(store_files: Path) -> Path:
    return store_files.parent / "lan-chay"
