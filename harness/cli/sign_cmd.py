"""`lienthong sign`: a signed package of a pilot document type in one command, or sign a PDF.

Exit codes: 0 done, 2 bad arguments, unknown agency or type, unreadable/unwritable file.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import NoReturn

import click

from harness.cli.pki_cmd import agencies_of
from harness.edxml import build
from harness.edxml.factory import organization
from harness.pdf import UnknownDocType, seal_png, signature_png
from harness.pki import DEFAULT_SEED, TestPki, load_or_build
from harness.signing import adapter
from harness.signing.documents import signed_pilot_document
from harness.signing.envelope import EnvelopeScope, sign_envelope
from harness.signing.sign import SigningOptions, sign_main_document
from harness.signing.verify import Profile

DEFAULT_BOX = (333, 160, 503, 245)


def _fail(message: str) -> NoReturn:
    click.echo(f"Lỗi: {message}", err=True)
    sys.exit(2)


def _pki(pki_dir: Path | None, topology: Path | None) -> TestPki:
    try:
        return load_or_build(agencies_of(topology), seed=DEFAULT_SEED, directory=pki_dir)
    except (OSError, ValueError) as exc:
        _fail(f"không tạo hoặc đọc được PKI kiểm thử: {getattr(exc, 'message_vi', exc)}")


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        _fail(f"không ghi được {path}: {exc.strerror or exc}")


@click.command("sign")
@click.option(
    "--type", "doc_type", help="Loại văn bản (một trong 14 loại thí điểm): tạo văn bản, ký và đóng gói edXML."
)
@click.option(
    "--pdf",
    "pdf_in",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Ký một tệp PDF có sẵn (hai chữ ký: người có thẩm quyền và cơ quan).",
)
@click.option("--from", "sender", required=True, help="Mã định danh cơ quan ký và gửi.")
@click.option("--to", "recipients", multiple=True, help="Mã định danh cơ quan nhận (gói edXML); có thể lặp lại.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Tệp kết quả: gói .edxml (với --type) hoặc PDF đã ký (với --pdf).",
)
@click.option("--pdf-out", type=click.Path(dir_okay=False, path_type=Path), help="Lưu thêm văn bản PDF đã ký.")
@click.option(
    "--appendices",
    type=click.IntRange(0, 10),
    default=0,
    show_default=True,
    help="Số phụ lục (tệp riêng, cơ quan ký góc trên bên phải).",
)
@click.option(
    "--profile",
    type=click.Choice(["pilot", "strict"]),
    default="pilot",
    show_default=True,
    help="pilot: PKCS#1 v1.5 như công cụ đang dùng; strict: RSASSA-PSS (TT 15/2025).",
)
@click.option("--timestamp", is_flag=True, help="Gắn dấu thời gian của TSA kiểm thử (PAdES B-T).")
@click.option("--seed", type=int, default=1, show_default=True, help="Hạt giống nội dung văn bản.")
@click.option("--box", help="Vị trí chữ ký người có thẩm quyền khi ký PDF có sẵn: x1,y1,x2,y2 (điểm PDF).")
@click.option("--page", type=int, default=0, show_default=True, help="Trang đặt chữ ký (tính từ 0) khi ký PDF có sẵn.")
@click.option("--pki", "pki_dir", type=click.Path(file_okay=False, path_type=Path), help="Thư mục PKI kiểm thử.")
@click.option("--topology", type=click.Path(dir_okay=False, path_type=Path), help="Topology có danh sách cơ quan.")
@click.option("--envelope", is_flag=True, help="Ký thêm chữ ký số XML của gói tin (MessageHeader và tệp đính kèm).")
def sign_command(
    doc_type: str | None,
    pdf_in: Path | None,
    sender: str,
    recipients: tuple[str, ...],
    out: Path,
    pdf_out: Path | None,
    appendices: int,
    profile: str,
    timestamp: bool,
    seed: int,
    box: str | None,
    page: int,
    pki_dir: Path | None,
    topology: Path | None,
    envelope: bool,
) -> None:
    """Ký số văn bản theo Nghị định 30/2020 bằng PKI kiểm thử."""
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    if (doc_type is None) == (pdf_in is None):
        _fail("cần đúng một trong --type (tạo văn bản mới) hoặc --pdf (ký tệp có sẵn).")
    pki = _pki(pki_dir, topology)
    if sender not in pki.agencies:
        _fail(f"cơ quan {sender} không có trong PKI kiểm thử (các cơ quan: {', '.join(sorted(pki.agencies))}).")
    options = SigningOptions(Profile(profile), tsa=pki.tsa if timestamp else None)
    if pdf_in is not None:
        try:
            coords = tuple(int(v) for v in box.split(",")) if box else DEFAULT_BOX
        except ValueError:
            _fail("--box phải có dạng x1,y1,x2,y2 (số nguyên).")
        if len(coords) != 4:
            _fail("--box phải có đúng 4 số: x1,y1,x2,y2.")
        data = pdf_in.read_bytes()
        try:
            existing = len(adapter.read_signatures(adapter.open_pdf(data)))
        except Exception:
            _fail(f"{pdf_in} không phải tệp PDF đọc được.")
        if existing:
            _fail(f"{pdf_in} đã được ký ({existing} chữ ký); không ký đè lên văn bản đã ký.")
        person, agency = pki.person(sender), pki.agency(sender)
        try:
            signed = sign_main_document(
                data,
                person,
                agency,
                signer_box=coords,
                page=page,
                person_png=signature_png(person.person_name or person.common_name, seed=seed),
                seal_png=seal_png(agency.common_name),
                options=options,
            )
        except Exception as exc:  # pyHanko rejects broken PDFs with many exception types
            _fail(f"không ký được {pdf_in}: {exc}")
        _write(out, signed)
        click.echo(f"Đã ký {pdf_in} (người có thẩm quyền và cơ quan {sender}): {out}")
        return
    assert doc_type is not None
    if not recipients:
        _fail("cần ít nhất một --to (cơ quan nhận).")
    names = {organ: cred.common_name for organ, cred in pki.agencies.items()}
    try:
        signed_doc = signed_pilot_document(
            pki,
            doc_type,
            organization(sender, names[sender]),
            [organization(r, names.get(r, r)) for r in recipients],
            seed=seed,
            appendices=appendices,
            options=options,
        )
    except UnknownDocType as exc:
        _fail(exc.message_vi)
    data = build(signed_doc.package)
    if envelope:
        data = sign_envelope(data, pki.agency(sender), EnvelopeScope.MESSAGE)
    _write(out, data)
    if pdf_out is not None:
        _write(pdf_out, signed_doc.signed_pdf)
    click.echo(
        f"Đã tạo gói tin {out}: {signed_doc.spec.doc_type.name} số {signed_doc.spec.number_text}, "
        f"{len(signed_doc.package.attachments)} tệp đính kèm đã ký, gửi tới {', '.join(recipients)}."
    )
