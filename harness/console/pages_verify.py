"""The public verification page a printed appendix's QR code and code point to: which agency, round,
result and date the code stands for, and whether an uploaded PDF is the genuine signed appendix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from harness.console.certified import certified
from harness.console.forms import FormRefused, read_form
from harness.console.render import page
from harness.console.security import check_csrf
from harness.console.uploads import UploadRefused, read_pdf
from harness.trial.issued import Issued, issued_by_code, issued_content, latest_issued, normalise_code

if TYPE_CHECKING:
    from harness.reports.genuine import Genuineness


def verify_form(request: Request) -> Response:
    code = request.query_params.get("ma", "").strip()
    if code:
        return RedirectResponse(f"/xac-minh/{normalise_code(code)}", status_code=303)
    return page(request, "verify_form.html", {})


def _context(request: Request, code: str) -> dict[str, object]:
    store = request.app.state.store
    issued = issued_by_code(store, code)
    context: dict[str, object] = {"code": code, "issued": issued, "verdict": None, "error": "", "certified": None}
    if not issued:
        return context
    first: Issued = issued[0]
    trial_round = store.round(first.round)
    context["round"] = trial_round
    context["issued_at"] = min(i.issued_at for i in issued)
    if first.kind == "phu-luc" and first.organ_id:
        context["agency"] = store.agency(first.organ_id)
        # What this appendix certified when it was issued, whatever was re-run since.
        context["certified"] = certified(issued_content(store, code), code)
        newest = latest_issued(store, first.round, first.organ_id)
        if newest is not None and normalise_code(newest.code) != normalise_code(code):
            context["newer"] = newest
    return context


def verify_page(request: Request) -> Response:
    code = normalise_code(request.path_params["code"])
    context = _context(request, code)
    status = 200 if context["issued"] else 404
    return page(request, "verify.html", context, status_code=status)


async def verify_upload(request: Request) -> Response:
    code = normalise_code(request.path_params["code"])
    config = request.app.state.config
    context = await run_in_threadpool(_context, request, code)
    if not context["issued"]:
        return page(request, "verify.html", context, status_code=404)  # nothing to compare with: body not read
    try:
        form = await read_form(request, max_bytes=config.max_pdf_bytes, max_files=1, max_fields=4)
    except FormRefused as exc:
        context["error"] = exc.message_vi
        return page(request, "verify.html", context, status_code=exc.status_code)
    check_csrf(request, form)
    upload = form.get("pdf")
    if not isinstance(upload, UploadFile):
        context["error"] = "Hãy chọn tệp PDF phụ lục cần kiểm tra."
        return page(request, "verify.html", context, status_code=400)
    try:
        pdf = await read_pdf(upload, config.max_pdf_bytes)
    except UploadRefused as exc:
        context["error"] = exc.message_vi
        return page(request, "verify.html", context, status_code=413 if "quá lớn" in exc.message_vi else 415)
    finally:
        await form.close()
    issued: list[Issued] = context["issued"]  # type: ignore[assignment]
    pki = await run_in_threadpool(request.app.state.pki)
    if pki is None:
        context["error"] = "Bảng điều khiển chưa biết cấu hình mô phỏng (PKI) để kiểm tra chữ ký: chạy với --topology."
        return page(request, "verify.html", context, status_code=503)
    issuer = await run_in_threadpool(request.app.state.issuer, issued[0].organ_id)
    # Loaded on the first upload: the signature checker (pyHanko) is most of what a console start would load.
    from harness.reports.genuine import check_appendix_pdf

    verdict: Genuineness = await run_in_threadpool(
        lambda: check_appendix_pdf(
            pdf.data, pki=pki, issued_sha256={i.pdf_sha256 for i in issued}, issuer_organ_id=issuer
        )
    )
    context["verdict"] = verdict
    context["upload_name"] = pdf.name
    return page(request, "verify.html", context)
