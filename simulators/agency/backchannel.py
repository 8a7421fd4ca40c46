"""The backchannel of the simulated agencies: harness/backchannel/openapi.yaml for every hosted
agency under `/agencies/{organ_id}` (e.g. `GET /agencies/000.00.05.H41/health`).

Same request and answer models as the harness' client (harness.backchannel.models). Errors are
always `{"error": {"code", "message"}}` with a Vietnamese message; bad input is a 4xx, never a
traceback.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.backchannel.models import Action, BackchannelError, ErrorCode, SendRequest
from simulators.agency.engine import SimulatedAgency
from simulators.loop_lag import LoopLag, samples_body

log = logging.getLogger(__name__)

PREFIX = "/agencies/{organ_id}"

Handler = Callable[[Request, SimulatedAgency], Awaitable[Response]]


def error(status: int, code: str, message_vi: str) -> JSONResponse:
    return JSONResponse(BackchannelError(status, code, message_vi).to_json(), status_code=status)


async def read_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        data = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, ValueError):
        raise BackchannelError(400, ErrorCode.BAD_REQUEST, "Nội dung yêu cầu không phải JSON hợp lệ (UTF-8).") from None
    if not isinstance(data, dict):
        raise BackchannelError(400, ErrorCode.BAD_REQUEST, "Nội dung yêu cầu phải là một đối tượng JSON.")
    return data


def text_field(data: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        what = "là bắt buộc và phải là chuỗi khác rỗng" if required else "phải là chuỗi"
        raise BackchannelError(400, ErrorCode.BAD_REQUEST, f"Trường {name!r} {what}.")
    return value.strip() if required else value


async def health(request: Request, agency: SimulatedAgency) -> Response:
    return JSONResponse(asdict(agency.info()))


async def send_document(request: Request, agency: SimulatedAgency) -> Response:
    data = await read_object(request)
    try:
        send = SendRequest.from_json(data)
    except (ValueError, TypeError) as exc:
        raise BackchannelError(400, ErrorCode.BAD_REQUEST, f"Yêu cầu gửi văn bản không hợp lệ: {exc}") from None
    result = await agency.send(send)
    return JSONResponse(asdict(result), status_code=201)


async def list_sent(request: Request, agency: SimulatedAgency) -> Response:
    return JSONResponse({"items": [d.to_json() for d in agency.sent()]})


async def recall(request: Request, agency: SimulatedAgency) -> Response:
    data = await read_object(request)
    document_id = text_field(data, "document_id")
    reason = text_field(data, "reason", required=False)
    result = await agency.recall(document_id, reason)
    return JSONResponse({"recalled": document_id, **asdict(result)}, status_code=202)


async def list_received(request: Request, agency: SimulatedAgency) -> Response:
    q = request.query_params
    items = agency.received(q.get("document_id") or None, q.get("from") or None)
    return JSONResponse({"items": [d.to_json() for d in items]})


async def act(request: Request, agency: SimulatedAgency) -> Response:
    data = await read_object(request)
    document_id = text_field(data, "document_id")
    from_organ = text_field(data, "from")
    name = text_field(data, "action")
    reason = text_field(data, "reason", required=False)
    try:
        action = Action(name)
    except ValueError:
        valid = ", ".join(a.value for a in Action)
        raise BackchannelError(
            400, ErrorCode.BAD_REQUEST, f"Thao tác {name!r} không hợp lệ; các thao tác: {valid}."
        ) from None
    code = await agency.act(document_id, from_organ, action, reason)
    return JSONResponse({"status_code": code})


async def awake(request: Request, agency: SimulatedAgency) -> Response:
    """Simulator only (not in the backchannel contract): wake the agency or make it dormant."""
    data = await read_object(request)
    value = data.get("awake")
    if not isinstance(value, bool):
        raise BackchannelError(400, ErrorCode.BAD_REQUEST, "Trường 'awake' phải là true hoặc false.")
    agency.set_awake(value)
    return JSONResponse({"awake": value})


def create_app(
    agencies: dict[str, SimulatedAgency], *, token: str | None = None, lag: LoopLag | None = None
) -> Starlette:
    """One app for every hosted agency; `token` (if any) is required as `Authorization: Bearer`.
    With `lag`, `GET /_sim/lag?after=<epoch>` gives the host's event-loop lag samples since then."""
    expected = f"Bearer {token}".encode() if token else None

    def authorised(request: Request) -> bool:
        if expected is None:
            return True
        given = request.headers.get("authorization", "").encode("utf-8", "replace")
        return hmac.compare_digest(given, expected)

    def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def wrapper(request: Request) -> Response:
            if not authorised(request):
                return error(401, ErrorCode.UNAUTHORIZED, "Thiếu hoặc sai mã truy cập (Authorization: Bearer <mã>).")
            organ_id = request.path_params["organ_id"]
            agency = agencies.get(organ_id)
            if agency is None:
                return error(404, ErrorCode.NOT_FOUND, f"Cơ quan {organ_id} không được mô phỏng ở đây.")
            try:
                return await handler(request, agency)
            except BackchannelError as exc:
                return JSONResponse(exc.to_json(), status_code=exc.status)
            except Exception as exc:
                log.exception("%s: backchannel %s %s failed", organ_id, request.method, request.url.path)
                return error(500, ErrorCode.INTERNAL, f"Lỗi nội bộ của hệ thống mô phỏng ({type(exc).__name__}).")

        return wrapper

    async def index(request: Request) -> Response:
        if not authorised(request):
            return error(401, ErrorCode.UNAUTHORIZED, "Thiếu hoặc sai mã truy cập (Authorization: Bearer <mã>).")
        base = str(request.base_url).rstrip("/")
        return JSONResponse({"agencies": {code: f"{base}/agencies/{code}" for code in agencies}})

    async def loop_lag(request: Request) -> Response:
        """Simulator only: the host's event-loop lag samples, [[epoch, seconds], ...], after `after`."""
        if not authorised(request):
            return error(401, ErrorCode.UNAUTHORIZED, "Thiếu hoặc sai mã truy cập (Authorization: Bearer <mã>).")
        try:
            return JSONResponse(samples_body(lag, request.query_params.get("after")))
        except ValueError as exc:
            return error(400, ErrorCode.BAD_REQUEST, str(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            return error(404, ErrorCode.NOT_FOUND, f"Không có đường dẫn {request.url.path} trong backchannel.")
        if status == 405:
            message = f"Phương thức {request.method} không dùng được cho {request.url.path}."
            return error(405, ErrorCode.BAD_REQUEST, message)
        return error(status, ErrorCode.BAD_REQUEST if status < 500 else ErrorCode.INTERNAL, "Yêu cầu không hợp lệ.")

    routes = [
        Route("/agencies", index, methods=["GET"]),
        Route("/_sim/lag", loop_lag, methods=["GET"]),
        Route(f"{PREFIX}/health", endpoint(health), methods=["GET"]),
        Route(f"{PREFIX}/documents", endpoint(send_document), methods=["POST"]),
        Route(f"{PREFIX}/documents/sent", endpoint(list_sent), methods=["GET"]),
        Route(f"{PREFIX}/documents/sent/recall", endpoint(recall), methods=["POST"]),
        Route(f"{PREFIX}/documents/received", endpoint(list_received), methods=["GET"]),
        Route(f"{PREFIX}/documents/received/actions", endpoint(act), methods=["POST"]),
        Route(f"{PREFIX}/_sim/awake", endpoint(awake), methods=["POST"]),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: http_error})
