"""The VXP endpoint over HTTP: bounded body reading, authentication, faults, journal, reply.

Every request, refused or not, leaves one journal row. Replies are HTTP 200 JSON with the
envelope (the SDK parses error bodies too), except downloadEdoc (raw bytes, 404 empty) and an
axis made "down" by a fault (503).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import logging
import sys
import time
from collections.abc import AsyncIterator

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from harness.edxml.formats import now_ict
from harness.transport.vxp.auth import (
    HASH_HEADER,
    PREFIX,
    AuthError,
    SignedRequest,
    parse_java_timestamp,
    read_header_values,
    verify,
)
from harness.transport.vxp.wire import ErrorCode, complete, envelope
from simulators.axis.config import SystemSpec
from simulators.axis.faults import FaultKind
from simulators.axis.intake import Refusal
from simulators.axis.journal import CURRENT, RequestRecord
from simulators.axis.service import Axis, Outcome, fail, json_outcome

log = logging.getLogger(__name__)

SMALL_BODY = 1024 * 1024
"""Body cap for operations that carry no package (their body is `{}` or a small JSON)."""
DISCARD_LIMIT = 4 * 1024 * 1024 * 1024
"""An oversized body is read and thrown away up to this, so the client still gets its reply."""


DOWNLOAD_FAIL_STATUS: dict[str, int] = {
    ErrorCode.BAD_REQUEST: 404,
    ErrorCode.UNAUTHORIZED: 404,
    ErrorCode.FORBIDDEN: 404,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.UNAVAILABLE: 503,
}


PROTOCOL_HEADERS = ("systemid", "timestamp", "sign-header", "sign-header-key", "hash-header")
"""Headers that say who calls and how it signed: each must arrive once (the journal and the check
must never read two different callers out of one request)."""
MAX_OPERATION_CHARS = 64


TRIM_AFTER_BYTES = 4 * 1024 * 1024
"""After a request this large, freed memory is handed back to the OS (glibc keeps it otherwise)."""
_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6") if sys.platform == "linux" else None


def give_memory_back() -> None:
    if _LIBC is not None:
        with contextlib.suppress(AttributeError, OSError):  # not glibc
            _LIBC.malloc_trim(0)


class TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class SlowBody(Exception):
    pass


async def _chunks(request: Request, idle: float) -> AsyncIterator[bytes]:
    """The body's parts, or SlowBody when the client pauses longer than `idle` seconds."""
    stream = request.stream().__aiter__()
    while True:
        try:
            chunk = await asyncio.wait_for(stream.__anext__(), timeout=idle)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise SlowBody() from None
        yield chunk


async def read_body(request: Request, limit: int, idle: float = 30.0) -> bytes:
    """The body, or TooLarge after draining it without keeping more than `limit` bytes."""
    declared = request.headers.get("content-length")
    chunks: list[bytes] = []
    size = 0
    too_large = declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit
    async for chunk in _chunks(request, idle):
        size += len(chunk)
        if size > limit:
            too_large = True
            chunks = []
        if too_large:
            if size > DISCARD_LIMIT:
                break
            continue
        chunks.append(chunk)
    if too_large:
        raise TooLarge(limit)
    return b"".join(chunks)


class SeenSignatures:
    """Signatures used within the freshness window, forgotten once their timestamp has expired."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], float] = {}

    def first(self, system_id: str, timestamp: str, signature: str, window: float) -> bool:
        """Record the signature; False when it was already used within `window` seconds."""
        now = time.monotonic()
        if len(self._seen) > 10_000:
            self._seen = {k: t for k, t in self._seen.items() if t > now}
        key = (system_id, timestamp, signature.strip().lower())
        expires = self._seen.get(key)
        if expires is not None and expires > now:
            return False
        self._seen[key] = now + 2 * window
        return True


class VxpEndpoint:
    def __init__(self, axis: Axis) -> None:
        self.axis = axis
        self.seen = SeenSignatures()

    def authenticate(
        self, params: dict[str, str], sent: dict[str, list[str]] | None = None
    ) -> tuple[SystemSpec, SignedRequest]:
        system_id = (params.get("systemid") or "").strip()
        if not system_id:
            raise Refusal(ErrorCode.UNAUTHORIZED, "Thieu tham so systemid")
        system = self.axis.systems.get(system_id)
        if system is None:
            raise Refusal(ErrorCode.UNAUTHORIZED, f"He thong {system_id} chua duoc dang ky")
        try:
            signed = verify(system.secret, params, sent)
        except AuthError as exc:
            raise Refusal(ErrorCode.UNAUTHORIZED, exc.reason) from None
        if (signed.get("systemid") or "").strip() != system_id:
            raise Refusal(ErrorCode.UNAUTHORIZED, "Tieu de systemid phai nam trong sign-header")
        window = self.axis.config.freshness_seconds
        if window is not None:
            stamp = parse_java_timestamp(signed.get("timestamp") or "")
            now = now_ict().replace(tzinfo=None)  # the SDK writes its local time: Vietnam's (ICT)
            if stamp is None or abs((now - stamp).total_seconds()) > window:
                raise Refusal(ErrorCode.UNAUTHORIZED, "timestamp khong hop le hoac da qua han")
            # Within the window a captured request could be sent again as it is: the same
            # signature is accepted once. (Without a window the SDK's one-timestamp-per-object
            # makes every identical poll carry the same signature, so only sendEdoc's bytes count.)
            if not self.seen.first(system_id, signed.get("timestamp") or "", params.get(HASH_HEADER, ""), window):
                raise Refusal(ErrorCode.UNAUTHORIZED, "Chu ky nay da duoc su dung: yeu cau lap lai bi tu choi")
        return system, signed

    async def endpoint(self, request: Request) -> Response:
        started = time.perf_counter()
        operation = str(request.path_params["operation"])[:MAX_OPERATION_CHARS]
        axis = self.axis
        sent = read_header_values(request.headers.items())
        system_id = ",".join(sent.get("systemid", []))[:200]
        declared = request.headers.get("content-length") or ""
        bytes_in = int(declared) if declared.isascii() and declared.isdigit() else 0
        record = RequestRecord(started, system_id, operation, bytes_in, request.client.host if request.client else "")
        token = CURRENT.set(record)
        try:
            outcome = await self.handle(request, operation, sent)
        except TooLarge as big:
            # sendEdoc allows the package and its trailing CRLF; the limit named is the package's.
            limit = axis.config.max_body_bytes if operation == "sendEdoc" else big.limit
            outcome = fail(ErrorCode.TOO_LARGE, f"Noi dung vuot qua dung luong toi da {limit} byte")
        except ClientDisconnect:
            outcome = fail(ErrorCode.BAD_REQUEST, "Ket noi bi ngat khi dang gui noi dung")
        except SlowBody:
            idle = axis.config.body_idle_seconds
            outcome = fail(ErrorCode.BAD_REQUEST, f"Noi dung gui qua cham (dung qua {idle:g} s giua hai phan)")
        except Refusal as r:
            outcome = fail(r.code, r.desc)
            if operation == "downloadEdoc":
                outcome = Outcome(envelope(r.code, r.desc), raw=b"", http_status=404, note=r.desc)
        except Exception:
            log.exception("internal error in %s", operation)
            outcome = fail(ErrorCode.INTERNAL, "Loi noi bo cua truc")
        if operation == "downloadEdoc" and outcome.raw is None:
            # The SDK saves any non-empty body as the package: a failed download has an empty one.
            outcome.raw = b""
            outcome.http_status = DOWNLOAD_FAIL_STATUS.get(outcome.error_code, 500)
        if outcome.raw is not None:
            response = Response(outcome.raw, status_code=outcome.http_status, media_type="application/xml")
        else:
            if outcome.body is not None and outcome.data_b64 is None:
                complete(operation, outcome.body)
            response = Response(json_outcome(outcome), status_code=outcome.http_status, media_type="application/json")
        CURRENT.reset(token)
        if bytes_in > TRIM_AFTER_BYTES:
            give_memory_back()
        if record.written:
            return response  # its row went in with the operation's own transaction
        try:
            axis.store.journal_add(
                record.row(
                    doc_ids=outcome.doc_ids,
                    http_status=outcome.http_status,
                    status=outcome.status,
                    error_code=outcome.error_code,
                    error_desc=outcome.error_desc or outcome.note,
                    bytes_out=len(response.body),
                    note=outcome.note,
                )
            )
        except Exception:
            log.exception("journal write failed")
        return response

    async def handle(self, request: Request, operation: str, sent: dict[str, list[str]]) -> Outcome:
        axis = self.axis
        handler = axis.handlers.get(operation)
        if handler is None:
            raise Refusal(ErrorCode.NOT_FOUND, f"Khong ho tro thao tac {operation}")
        claimed = tuple(sent.get("systemid", ()))
        weak = axis.faults.fire(FaultKind.WEAK_AUTH, operation, claimed) is not None
        repeated = [name for name in PROTOCOL_HEADERS if len(sent.get(name, ())) > 1]
        if repeated and not weak:
            raise Refusal(ErrorCode.BAD_REQUEST, f"Tieu de {PREFIX}{repeated[0]} xuat hien nhieu lan")
        params = {name: values[-1] for name, values in sent.items()}
        if weak:
            record = CURRENT.get()
            if record is not None:
                record.weak_auth = True
            sent = {name: [values[-1]] for name, values in sent.items()}
        down = axis.faults.fire(FaultKind.DOWN, operation, (params.get("systemid", ""),))
        if down is not None:
            return Outcome(envelope(ErrorCode.UNAVAILABLE, "Truc tam ngung hoat dong (gia lap)"), http_status=503)
        limit = axis.config.max_body_bytes + 2 if operation == "sendEdoc" else SMALL_BODY
        body = await read_body(request, limit, axis.config.body_idle_seconds)
        system, signed = self.authenticate(params, sent)
        if weak:  # the careless axis reads every header it got, signed or not
            signed = SignedRequest({**params, **signed.params}, signed.signed, signed.spellings)
        agencies = axis.agencies_of(system)
        slow = axis.faults.fire(FaultKind.LATENCY, operation, agencies)
        if slow is not None:
            await asyncio.sleep(slow.latency_ms / 1000)
        if axis.faults.fire(FaultKind.ERROR, operation, agencies) is not None:
            return fail(ErrorCode.INTERNAL, "Loi he thong (gia lap)")
        return await handler(system, signed, body)
