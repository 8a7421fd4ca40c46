"""The operator's control plane under /_sim (not part of the real API).

Journal (JSON or JSONL download), deliveries for loss accounting, fault injection, registration
of systems and agencies, injection of a package into a mailbox, reset, health.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.edxml.formats import ICT
from harness.transport.vxp.wire import MessageType
from simulators.axis.config import OrganizationSpec, Strictness, SystemSpec
from simulators.axis.faults import Fault, FaultError
from simulators.axis.ids import new_doc_id
from simulators.axis.intake import Refusal, read_package
from simulators.axis.routing import Route as MailRoute
from simulators.axis.service import Axis, now_text
from simulators.axis.store import NewPackage
from simulators.loop_lag import LoopLag, samples_body

Endpoint = Callable[[Request], Awaitable[Response]]
CONTROL_REGISTRANT = "_sim"
"""`registered_by` of agencies added here, so that a reset with `registry` forgets them too."""
STARTED = time.time()


def _error(message_vi: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message_vi}, status_code=status)


def _instant(value: str | None) -> str | None:
    """A query's epoch seconds as the journal writes its times (ISO 8601, milliseconds, +07:00): those sort."""
    if value is None or value == "":
        return None
    try:
        seconds = float(value)
        return datetime.fromtimestamp(seconds, ICT).isoformat(timespec="milliseconds")
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"Thời điểm {value!r} phải là số giây kể từ 1970-01-01 (epoch).") from None


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        raise ValueError("Nội dung không phải JSON.") from None
    if not isinstance(data, dict):
        raise ValueError("Nội dung phải là một đối tượng JSON.")
    return data


def control_routes(axis: Axis, lag: LoopLag | None = None) -> list[Route]:
    token = axis.config.control_token

    def guarded(fn: Endpoint) -> Endpoint:
        async def wrapper(request: Request) -> Response:
            if token and request.headers.get("x-sim-token") != token:
                return _error("Sai hoặc thiếu X-Sim-Token.", 401)
            try:
                return await fn(request)
            except (ValueError, KeyError, TypeError) as exc:
                return _error(str(exc))

        return wrapper

    async def health(request: Request) -> Response:
        c = axis.config
        return JSONResponse(
            {
                "status": "ok",
                "name": c.name,
                "role": c.role.value,
                "code": c.code,
                "endpoint": c.endpoint,
                "strictness": c.strictness.value,
                "uptime_s": round(time.time() - STARTED, 3),
                "deliveries": axis.store.counts(),
                "faults": len(axis.faults.active()),
                "set_aside": list(axis.set_aside.values()),
            }
        )

    async def journal(request: Request) -> Response:
        q = request.query_params
        rows = axis.store.journal(
            after=int(q.get("after", 0)),
            operation=q.get("operation"),
            system_id=q.get("system"),
            limit=int(q.get("limit", 10000)),
            tail=q.get("tail", "") in ("1", "true"),
            since=_instant(q.get("since")),
            until=_instant(q.get("until")),
        )
        if q.get("format") == "jsonl":
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            return Response(
                text.encode("utf-8"),
                media_type="application/x-ndjson",
                headers={"Content-Disposition": f'attachment; filename="journal-{axis.config.code}.jsonl"'},
            )
        return JSONResponse(rows)

    async def deliveries(request: Request) -> Response:
        q = request.query_params
        return JSONResponse(axis.store.deliveries(state=q.get("state"), receiver=q.get("receiver")))

    async def package(request: Request) -> Response:
        row = axis.store.package(request.path_params["doc_id"])
        if row is None:
            return _error("Không tìm thấy gói tin.", 404)
        if row["purged_at"] is not None:
            return _error(f"Nội dung gói tin đã được xóa lúc {row['purged_at']} (hết thời hạn lưu trên trục).", 410)
        return Response(bytes(row["body"]), media_type="application/xml")

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            try:
                fault = axis.faults.add(Fault.from_json(await _json(request)))
            except FaultError as exc:
                return _error(f"Lỗi giả lập không hợp lệ: {exc}")
            return JSONResponse(fault.to_json(), status_code=201)
        if request.method == "DELETE":  # ?owner=X: only the faults X put there
            return JSONResponse({"removed": axis.faults.remove(owner=request.query_params.get("owner"))})
        return JSONResponse([f.to_json() for f in axis.faults.active()])

    async def fault(request: Request) -> Response:
        removed = axis.faults.remove(int(request.path_params["fault_id"]))
        return JSONResponse({"removed": removed}, status_code=200 if removed else 404)

    async def systems(request: Request) -> Response:
        if request.method == "POST":
            d = await _json(request)
            spec = SystemSpec(
                system_id=str(d["system_id"]),
                secret=str(d["secret"]),
                organs=[str(x) for x in d.get("organs", [])],
                domains=[str(x) for x in d.get("domains", [])],
                name=str(d.get("name", "")),
            )
            axis.store.put_system(spec)
            axis.reload()
            return JSONResponse({"system_id": spec.system_id, "organs": spec.organs, "domains": spec.domains}, 201)
        return JSONResponse(
            [
                {"system_id": s.system_id, "name": s.name, "organs": s.organs, "domains": s.domains}
                for s in axis.systems.values()
            ]
        )

    async def system(request: Request) -> Response:
        removed = axis.store.delete_system(request.path_params["system_id"])
        axis.reload()
        return JSONResponse({"removed": removed}, status_code=200 if removed else 404)

    async def agencies(request: Request) -> Response:
        if request.method == "POST":
            d = await _json(request)
            org = OrganizationSpec(
                code=str(d["code"]),
                name=str(d["name"]),
                pid=str(d.get("pid", "")),
                mail=str(d.get("mail", "")),
                code_qd20=str(d.get("code_qd20", "")),
            )
            axis.store.register_organization(org, CONTROL_REGISTRANT, now_text())
            axis.reload()
            return JSONResponse({"code": org.code}, status_code=201)
        return JSONResponse(axis.store.organizations(include_deleted=True))

    async def inject(request: Request) -> Response:
        """Drop a package into a mailbox as if it had arrived, bypassing authentication."""
        d = await _json(request)
        try:
            body = base64.b64decode(str(d["body_base64"]), validate=True)
        except (binascii.Error, ValueError):
            return _error("body_base64 không phải base64 hợp lệ.")
        mt = MessageType(str(d.get("message_type", MessageType.EDOC)))
        if d.get("raw"):
            return inject_raw(body, mt, d)
        try:
            intake = read_package(
                body,
                message_type=mt.value,
                service_type=None,
                sender_param=None,
                to_param=json.dumps(d["receivers"]) if d.get("receivers") else None,
                strictness=Strictness.OFF,
            )
        except Refusal as r:
            return _error(f"Gói tin không dùng được: {r.desc}")
        doc_id = new_doc_id()
        pkg = axis.new_package(intake, doc_id, "_sim", origin="inject", origin_key=None)
        for receiver in intake.receivers:
            pkg.deliveries.extend(axis.deliveries_for(receiver, MailRoute.LOCAL, "inject"))
        axis.store.accept(pkg)
        return JSONResponse({"DocId": doc_id, "deliveries": [x.doc_id for x in pkg.deliveries]}, status_code=201)

    def inject_raw(body: bytes, mt: MessageType, d: dict[str, Any]) -> Response:
        """Deliver bytes as they are (broken XML included): how RT-12 puts a malformed package
        in a mailbox that a real axis would have refused at intake."""
        receivers = [str(r) for r in d.get("receivers") or []]
        if not receivers:
            return _error("Gói tin thô cần danh sách receivers.")
        doc_id = new_doc_id()
        pkg = NewPackage(
            doc_id=doc_id,
            system_id="_sim",
            message_type=mt.value,
            from_code=str(d.get("from", "")),
            body=body,
            created=now_text(),
            document_id=str(d.get("document_id", "")),
            origin="inject",
        )
        for receiver in receivers:
            pkg.deliveries.extend(axis.deliveries_for(receiver, MailRoute.LOCAL, "inject"))
        axis.store.accept(pkg)
        return JSONResponse({"DocId": doc_id, "deliveries": [x.doc_id for x in pkg.deliveries]}, status_code=201)

    async def loop_lag(request: Request) -> Response:
        """The axis' event-loop lag samples, [[epoch, seconds], ...], after `after` (harness/scenarios/lag.py)."""
        return JSONResponse(samples_body(lag, request.query_params.get("after")))

    async def reset(request: Request) -> Response:
        d = await _json(request)
        axis.store.reset(registry=bool(d.get("registry", False)))
        axis.faults.remove()
        axis.set_aside.clear()
        axis.reload()
        return JSONResponse({"status": "ok"})

    return [
        Route("/_sim/health", guarded(health)),
        Route("/_sim/journal", guarded(journal)),
        Route("/_sim/deliveries", guarded(deliveries)),
        Route("/_sim/packages/{doc_id}", guarded(package)),
        Route("/_sim/faults", guarded(faults), methods=["GET", "POST", "DELETE"]),
        Route("/_sim/faults/{fault_id:int}", guarded(fault), methods=["DELETE"]),
        Route("/_sim/systems", guarded(systems), methods=["GET", "POST"]),
        Route("/_sim/systems/{system_id}", guarded(system), methods=["DELETE"]),
        Route("/_sim/agencies", guarded(agencies), methods=["GET", "POST"]),
        Route("/_sim/inject", guarded(inject), methods=["POST"]),
        Route("/_sim/reset", guarded(reset), methods=["POST"]),
        Route("/_sim/lag", guarded(loop_lag), methods=["GET"]),
    ]
