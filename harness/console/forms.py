"""Reading a form body with bounds: the one way console pages read what a browser posts.

Starlette's `request.form()` trusts Content-Length for nothing and reads a chunked body to its end, spooling
files into the system's temporary folder; an anonymous 3 GB upload to the public verification page was
written in full before the size check saw it. Here the body is counted as it streams and reading stops at
the page's limit (declared or not), uploaded parts spill only into the console's own folder, and only a few
uploads are received at once, so that folder holds at most `UPLOAD_SLOTS` × the largest limit. Every refusal
is a Vietnamese message (413 too large, 400 malformed, 503 busy), never the parser's English.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from collections.abc import AsyncGenerator
from pathlib import Path

from starlette.datastructures import FormData, Headers
from starlette.exceptions import HTTPException
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.requests import Request

from harness.errors import LienthongError

SMALL_FORM = 64 * 1024
"""Login, logout, a re-run: a few short fields."""
UPLOAD_SLOTS = 4
UNREAD_BODY = "lienthong.unread_body"
"""Set in the ASGI scope when a body was refused part-read, so its response closes the connection."""


class FormRefused(HTTPException, LienthongError):
    """A form body the console will not read (status 413, 400 or 503; Vietnamese detail)."""

    def __init__(self, status_code: int, message_vi: str) -> None:
        HTTPException.__init__(self, status_code, message_vi)
        LienthongError.__init__(self, message_vi)


def too_large(limit: int) -> FormRefused:
    return FormRefused(413, f"Dữ liệu gửi lên quá lớn: tối đa {_size_vi(limit)} cho biểu mẫu này.")


def _size_vi(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(1, size // 1024)} KB"


class _Spooling(MultiPartParser):
    """Starlette's parser, with uploaded parts spilled into `spool` instead of the system temporary folder."""

    def __init__(self, headers: Headers, stream: AsyncGenerator[bytes, None], *, spool: Path, **limits: int) -> None:
        super().__init__(headers, stream, **limits)
        self.spool = spool

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        upload = self._current_part.file
        if upload is not None:
            self._files_to_close_on_error.pop().close()
            # A named file (deleted when closed): what is being received is visible in the console's folder.
            spooled = tempfile.NamedTemporaryFile(dir=self.spool, prefix="nhan-")  # noqa: SIM115 (closed with the form)
            self._files_to_close_on_error.append(spooled)  # type: ignore[arg-type]
            upload.file = spooled  # type: ignore[assignment]


class UploadSpool:
    """The console's own folder for uploads being received, and the slots that bound what it holds."""

    def __init__(self, folder: Path, slots: int = UPLOAD_SLOTS) -> None:
        self.folder = folder
        shutil.rmtree(folder, ignore_errors=True)  # leftovers of a process that was killed mid-upload
        folder.mkdir(parents=True, exist_ok=True)
        self.slots = asyncio.Semaphore(slots)


def _vietnamese(exc: MultiPartException, max_files: int) -> FormRefused:
    text = exc.message
    if text.startswith("Too many files"):
        if max_files == 0:
            return FormRefused(400, "Biểu mẫu này không nhận tệp đính kèm.")
        return FormRefused(413, f"Quá nhiều tệp: tối đa {max_files} tệp mỗi lần.")
    if text.startswith("Too many fields"):
        return FormRefused(413, "Biểu mẫu có quá nhiều trường.")
    if "exceeded maximum size" in text:
        return FormRefused(413, "Một trường của biểu mẫu quá dài.")
    return FormRefused(400, "Dữ liệu biểu mẫu không hợp lệ (sai định dạng multipart).")


async def _counted(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            # The rest stays unread: the response closes the connection (harness.console.headers).
            request.scope[UNREAD_BODY] = True
            raise too_large(limit)
        yield chunk


async def read_form(
    request: Request,
    *,
    max_bytes: int = SMALL_FORM,
    max_files: int = 0,
    max_fields: int = 8,
    max_part_size: int = 16 * 1024,
) -> FormData:
    """The posted form, having read at most `max_bytes` of body; raises FormRefused (Vietnamese)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        request.scope[UNREAD_BODY] = True
        raise too_large(max_bytes)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    limits = {"max_fields": max_fields, "max_part_size": max_part_size}
    try:
        if content_type == "multipart/form-data":
            spool: UploadSpool = request.app.state.spool
            if max_files and spool.slots.locked():
                raise FormRefused(503, "Đang có nhiều tệp được tải lên cùng lúc: hãy thử lại sau ít phút.")
            async with spool.slots if max_files else contextlib.nullcontext():
                parser = _Spooling(
                    request.headers, _counted(request, max_bytes), spool=spool.folder, max_files=max_files, **limits
                )
                return await parser.parse()
        if content_type == "application/x-www-form-urlencoded":
            return await FormParser(request.headers, _counted(request, max_bytes), **limits).parse()
    except MultiPartException as exc:
        raise _vietnamese(exc, max_files) from None
    async for _ in _counted(request, max_bytes):
        pass
    return FormData()
