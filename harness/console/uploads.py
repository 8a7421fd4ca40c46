"""Uploaded files: screenshots for a clerk's answer and PDFs to verify. Each is read up to its limit only,
its type is judged from its bytes (not its name or the browser's word), and it is handed on as a temporary
file that the campaign store copies in under its digest, outside anything the web server serves."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from starlette.datastructures import UploadFile

from harness.errors import LienthongError

IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": ("png", "image/png"), b"\xff\xd8\xff": ("jpg", "image/jpeg")}
CHUNK = 64 * 1024


class UploadRefused(LienthongError, ValueError):
    """An upload the console will not keep (type, size, content)."""


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    data: bytes
    content_type: str


async def read_limited(upload: UploadFile, limit: int) -> bytes:
    out = bytearray()
    while True:
        chunk = await upload.read(CHUNK)
        if not chunk:
            return bytes(out)
        out += chunk
        if len(out) > limit:
            raise UploadRefused(f"Tệp «{upload.filename}» quá lớn: tối đa {limit // (1024 * 1024)} MB cho mỗi tệp.")


async def read_image(upload: UploadFile, limit: int) -> Upload:
    """A PNG or JPEG screenshot, checked by its signature and by decoding it; anything else is refused."""
    data = await read_limited(upload, limit)
    name = upload.filename or "anh-chup"
    if not data:
        raise UploadRefused(f"Tệp «{name}» rỗng.")
    kind = next((v for magic, v in IMAGE_TYPES.items() if data.startswith(magic)), None)
    if kind is None:
        raise UploadRefused(f"Tệp «{name}» không phải ảnh chụp màn hình: chỉ nhận ảnh PNG hoặc JPEG.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        # Pillow's own words are English and internal: the clerk only needs to know the file is damaged.
        damaged = f"Tệp «{name}» không đọc được như một ảnh {kind[0].upper()} (tệp hỏng hoặc không đầy đủ)."
        raise UploadRefused(damaged) from exc
    return Upload(name, data, kind[1])


async def read_pdf(upload: UploadFile, limit: int) -> Upload:
    data = await read_limited(upload, limit)
    name = upload.filename or "phu-luc.pdf"
    if not data.lstrip()[:5] == b"%PDF-":
        raise UploadRefused(f"Tệp «{name}» không phải tệp PDF.")
    return Upload(name, data, "application/pdf")


def spill(upload: Upload, directory: Path) -> Path:
    """The upload as a file (its own name, made safe) in a fresh temporary folder under `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="tai-len-", dir=directory))
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in Path(upload.name).name)[:100] or "tep"
    path = folder / safe
    path.write_bytes(upload.data)
    return path
