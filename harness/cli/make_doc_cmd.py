"""`lienthong make-doc`: render realistic administrative documents (Decree 30/2020/NĐ-CP layout) as PDF.

Exit codes: 0 on success, 2 on a usage error, an unknown document type, a bad agency identifier or a
file that cannot be written (always with a Vietnamese message, never a traceback).
"""

from __future__ import annotations

import errno
import sys
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

import click

from harness.ids import IdShape, InvalidIdentifier, level1_name, parse_agency_id
from harness.pdf import DOC_TYPES, DocType, RenderedDocument, UnknownDocType, doc_type, make_spec, render

DEFAULT_AGENCY = "000.00.00.H41"


def _fail(message: str) -> NoReturn:
    click.echo(f"Lỗi: {message}", err=True)
    sys.exit(2)


def _agency_name(agency: str, given: str | None) -> str:
    """The issuing body's name: --agency-name, else the level-1 name, else a default subordinate body."""
    try:
        ident = parse_agency_id(agency)
    except InvalidIdentifier as exc:
        _fail(f"mã định danh cơ quan không hợp lệ {agency!r}: {exc.reason_vi}.")
    if given is not None:
        if not given.strip():
            _fail("--agency-name không được để trống.")
        return given.strip()
    top = level1_name(ident.level1)
    if top is None:
        _fail(f"mã cấp 1 {ident.level1} chưa có trong danh mục; hãy đặt tên cơ quan bằng --agency-name.")
    if ident.level == 1:
        return top
    name = "Sở Thông tin và Truyền thông" if ident.level1.startswith("H") else "Văn phòng"
    if name == "Văn phòng" and top.startswith("Bộ "):
        name = "Văn phòng Bộ"
    shape = "mã cũ" if ident.shape is IdShape.LEGACY else "mã QĐ 20/2020"
    click.echo(
        f"Lưu ý: chưa biết tên cơ quan cấp {ident.level} của {shape} {agency}; dùng tên mặc định «{name}»"
        f" trực thuộc {top} (đặt tên thật bằng --agency-name).",
        err=True,
    )
    return name


_ERRNO_VI = {
    errno.ENOENT: "thư mục chứa tệp không tồn tại",
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không được phép ghi",
    errno.EISDIR: "đường dẫn là một thư mục",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EEXIST: "đã có một tệp trùng tên",
    errno.ENOSPC: "hết dung lượng đĩa",
    errno.EROFS: "hệ thống tệp chỉ cho phép đọc",
}


def _reason(exc: OSError) -> str:
    return _ERRNO_VI.get(exc.errno or 0, exc.strerror or str(exc))


def _write(path: Path, doc: RenderedDocument, t: DocType) -> None:
    try:
        path.write_bytes(doc.pdf)
    except OSError as exc:
        _fail(f"không ghi được tệp {path}: {_reason(exc)}.")
    page = doc.signer_box[0] + 1
    click.echo(f"Đã tạo {path}: {t.name} số {doc.number_text}, {doc.page_count} trang; chỗ ký ở trang {page}.")


@click.command("make-doc")
@click.option("--type", "type_name", metavar="LOẠI", help='Loại văn bản, ví dụ "Quyết định", "Công văn".')
@click.option("--all-types", is_flag=True, help="Tạo đủ 14 loại văn bản, mỗi loại một tệp PDF trong thư mục --out.")
@click.option(
    "--agency", default=DEFAULT_AGENCY, show_default=True, help="Mã định danh cơ quan ban hành (dạng cũ hoặc QĐ 20)."
)
@click.option("--agency-name", default=None, help="Tên cơ quan ban hành (mặc định: tra theo mã cấp 1).")
@click.option("--number", type=click.IntRange(min=1), default=None, help="Số văn bản (mặc định: sinh theo --seed).")
@click.option("--seed", type=int, default=1, show_default=True, help="Hạt giống: cùng hạt giống cho cùng nội dung.")
@click.option(
    "--date",
    "issued",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Ngày ban hành YYYY-MM-DD (mặc định: hôm nay).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Tệp PDF cần ghi; với --all-types là thư mục.",
)
def make_doc_command(
    type_name: str | None,
    all_types: bool,
    agency: str,
    agency_name: str | None,
    number: int | None,
    seed: int,
    issued: datetime | None,
    out: Path,
) -> None:
    """Tạo văn bản hành chính mẫu (thể thức theo Nghị định 30/2020/NĐ-CP) dưới dạng PDF, nhúng phông chữ."""
    if all_types == (type_name is not None):
        _fail("cần đúng một trong hai tùy chọn: --type LOẠI hoặc --all-types.")
    when = issued.date() if issued is not None else date.today()
    name = _agency_name(agency, agency_name)
    if type_name is not None:
        try:
            t = doc_type(type_name)
        except UnknownDocType as exc:
            _fail(exc.message_vi)
        if out.is_dir():
            _fail(f"{out} là thư mục; --out cần một tên tệp PDF (hoặc dùng --all-types).")
        doc = render(make_spec(t, agency, name, seed=seed, when=when, number=number))
        _write(out, doc, t)
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"không tạo được thư mục {out}: {_reason(exc)}.")
    for t in DOC_TYPES:
        doc = render(make_spec(t, agency, name, seed=seed, when=when, number=number))
        _write(out / f"{t.slug}.pdf", doc, t)
    click.echo(f"Xong: {len(DOC_TYPES)} văn bản trong {out}.")
