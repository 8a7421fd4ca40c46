"""EDX-30..37: manifest and attachments.

Each attachment's base64 is checked once; a ZIP is decoded whole for its check, any other attachment only as far
as its first bytes (a PDF's magic number): an axis checks every package it carries, and decoding each whole
document only to look at five bytes was a tenth of a provincial axis' CPU at a province's size.
"""

from __future__ import annotations

import binascii
import io
import zipfile
from base64 import b64decode

from harness.edxml.rules.context import Context
from harness.edxml.tree import Element, child_path, kid, kids, text


def _cid(value: str) -> str:
    value = value.strip()
    return value[4:] if value.startswith("cid:") else value


def decode_base64(value: str) -> bytes | None:
    """Standard-alphabet base64, tolerating line breaks; None when invalid."""
    try:
        # Straight from the str, no intermediate bytes copy; strict mode refuses junk and bad padding.
        return binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, ValueError):
        pass
    try:
        return b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
HEAD_CHARS = 16
"""Base64 characters decoded to see an attachment's first 12 bytes."""


def plain_base64(value: str) -> bytes | None:
    """The value as ASCII when it is base64 on one line that strict decoding accepts (alphabet characters, then at
    most two '=' making the length a multiple of four); None for anything else, which `decode_base64` judges."""
    try:
        raw = value.encode("ascii")
    except UnicodeEncodeError:
        return None
    body = raw.rstrip(b"=")
    if len(raw) % 4 or len(raw) - len(body) > 2 or body.translate(None, _ALPHABET):
        return None
    return raw


def base64_head(value: str) -> bytes | None:
    """The first 12 bytes (or fewer) the value decodes to, or None when it is not valid base64 at all."""
    raw = plain_base64(value)
    if raw is None:
        data = decode_base64(value)
        return None if data is None else data[:12]
    return binascii.a2b_base64(raw if len(raw) <= HEAD_CHARS else raw[:HEAD_CHARS])


def check_manifest(ctx: Context) -> None:
    """EDX-30, EDX-31, EDX-32, EDX-36, EDX-37."""
    body = ctx.body
    if body is None:
        return  # EDX-04 already reported the missing body
    manifest = kid(body, "edXMLManifest")
    if manifest is None:
        ctx.missing("EDX-30", body, "edXMLManifest")
    else:
        version = manifest.get("version")
        if version is not None and version != "1.0":
            ctx.report(
                "EDX-30",
                manifest,
                f"edXMLManifest@version = '{version}', phải là 1.0.",
                f"edXMLManifest@version = '{version}'; must be 1.0.",
            )
    references = kids(manifest, "Reference") if manifest is not None else []
    ref_ids: list[str] = []
    for ref in references:
        cid = ctx.require_text("EDX-31", ref, "ContentId", label="Reference/ContentId")
        ctx.require_text("EDX-31", ref, "ContentType", label="Reference/ContentType")
        ctx.require_text("EDX-31", ref, "AttachmentName", label="Reference/AttachmentName")
        ctx.max_length("EDX-36", kid(ref, "AttachmentName"), 500, "AttachmentName")
        if cid and cid.strip():
            ref_ids.append(_cid(cid))
    encoded = kid(ctx.root, "AttachmentEncoded")
    attachments = kids(encoded, "Attachment") if encoded is not None else []
    att_ids = [_cid(text(kid(a, "ContentId")) or "") for a in attachments]
    for a in attachments:
        ctx.max_length("EDX-36", kid(a, "AttachmentName"), 500, "AttachmentName")
    _check_pairing(ctx, manifest if manifest is not None else body, ref_ids, att_ids)
    if not attachments:
        ctx.report(
            "EDX-37",
            child_path(ctx.root, "AttachmentEncoded"),
            "Gói tin văn bản không có tệp đính kèm (tệp văn bản).",
            "Document package carries no attachment (the document file).",
        )


def _check_pairing(ctx: Context, where: Element, ref_ids: list[str], att_ids: list[str]) -> None:
    for label_vi, label_en, ids in (
        ("Reference", "Reference", ref_ids),
        ("Attachment", "Attachment", att_ids),
    ):
        seen: set[str] = set()
        for cid in ids:
            if cid in seen:
                ctx.report(
                    "EDX-32",
                    where,
                    f"ContentId '{cid}' lặp lại trong các {label_vi}.",
                    f"ContentId '{cid}' is repeated among the {label_en} elements.",
                )
            seen.add(cid)
    for cid in sorted(set(ref_ids) - set(att_ids)):
        ctx.report(
            "EDX-32",
            where,
            f"Reference '{cid}' không có Attachment tương ứng.",
            f"Reference '{cid}' has no matching Attachment.",
        )
    for cid in sorted(set(att_ids) - set(ref_ids)):
        ctx.report(
            "EDX-32",
            child_path(ctx.root, "AttachmentEncoded"),
            f"Attachment '{cid or '(không có ContentId)'}' không có Reference tương ứng trong manifest.",
            f"Attachment '{cid or '(no ContentId)'}' has no matching manifest Reference.",
        )


def check_attachment_content(ctx: Context) -> None:
    """EDX-33, EDX-34, EDX-35: check each attachment's base64 once, then its bytes (a ZIP whole, else the first)."""
    encoded = kid(ctx.root, "AttachmentEncoded")
    for att in kids(encoded, "Attachment") if encoded is not None else []:
        content = kid(att, "ContentTransferEncoded")
        if content is None:
            ctx.missing("EDX-33", att, "ContentTransferEncoded")
            continue
        raw = content.text or ""
        ctype = (text(kid(att, "ContentType")) or "").strip().lower()
        data = decode_base64(raw) if ctype == "application/zip" else base64_head(raw)
        if data is None:
            ctx.report(
                "EDX-33",
                content,
                f"Nội dung không phải base64 hợp lệ (bắt đầu bằng '{raw.strip()[:24]}').",
                f"Content is not valid base64 (starts with '{raw.strip()[:24]}').",
            )
            continue
        if not data:
            ctx.report("EDX-33", content, "Tệp đính kèm rỗng (0 byte).", "Attachment decodes to 0 bytes.")
            continue
        if ctype == "application/zip":
            _check_zip(ctx, content, data)
        elif ctype == "application/pdf" and not data.startswith(b"%PDF-"):
            ctx.report(
                "EDX-35",
                content,
                f"Khai báo application/pdf nhưng nội dung bắt đầu bằng {data[:8]!r}, không phải %PDF-.",
                f"Declared application/pdf but the content starts with {data[:8]!r}, not %PDF-.",
            )


def _check_zip(ctx: Context, where: Element, data: bytes) -> None:
    if not data.startswith(b"PK\x03\x04"):
        ctx.report(
            "EDX-34",
            where,
            f"Khai báo application/zip nhưng nội dung bắt đầu bằng {data[:8]!r}, không phải PK\\x03\\x04.",
            f"Declared application/zip but the content starts with {data[:8]!r}, not PK\\x03\\x04.",
        )
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        ctx.report(
            "EDX-34",
            where,
            f"Tệp ZIP hỏng: {exc}.",
            f"Corrupt ZIP file: {exc}.",
        )
