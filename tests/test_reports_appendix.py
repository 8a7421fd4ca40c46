"""Per-agency appendices and the summary, DOCX and signed PDF, read back with independent readers:
python-docx, pdftotext (text and word boxes), pdftoppm, poppler's pdfsig with an NSS database."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import unicodedata
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document

from harness.pki import TestPki
from harness.reports import DEFAULT_VERIFY_BASE, Manifest, render_all, verification_code, verify_code, verify_url
from harness.reports.text import MOTTO, SLOGAN
from harness.reports.verification import qr_payload, qr_png
from harness.scenarios.results import ScenarioResult
from harness.trial.statement import AgencyStatement, ItemOutcome, TrialSummary
from tests import reports_data as data
from tests.conftest import nss_database, pdfsig, require_tool


@dataclasses.dataclass
class Rendered:
    out: Path
    manifest: Manifest
    summary: TrialSummary
    runs: list[ScenarioResult]

    def statement(self, organ_id: str) -> AgencyStatement:
        return next(s for s in self.summary.statements if s.agency.organ_id == organ_id)

    def file(self, kind: str, organ_id: str | None = None) -> Path:
        (path,) = self.manifest.paths(kind, organ_id)
        return path


@pytest.fixture(scope="module")
def pki() -> TestPki:
    return data.pki()


@pytest.fixture(scope="module")
def rendered(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    base = tmp_path_factory.mktemp("reports")
    runs = data.results(base / "evidence")
    summary = data.summary(runs)
    manifest = render_all(summary, base / "out", pki=pki, runs=runs)
    assert manifest.ok, manifest.errors
    return Rendered(base / "out", manifest, summary, runs)


@pytest.fixture(scope="module")
def nss(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return nss_database(pki.root.certificate, tmp_path_factory.mktemp("nss"))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _pdftotext(path: Path, *args: str) -> str:
    require_tool("pdftotext")
    out = subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return _nfc(out)


def _docx_rows(path: Path, table: int) -> list[list[str]]:
    doc = Document(str(path))
    return [[_nfc(c.text) for c in row.cells] for row in doc.tables[table].rows]


# ---------------------------------------------------------------------------------------------- DOCX


def test_docx_appendix_header_and_failing_item(rendered: Rendered) -> None:
    path = rendered.file("appendix-docx", data.FAILING)
    doc = Document(str(path))
    header = _nfc(" ".join(c.text for c in doc.tables[0].rows[0].cells))
    assert MOTTO in header and SLOGAN in header
    assert "UBND TỈNH NGHỆ AN" in header and "SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH NGHỆ AN" in header
    assert "Nghệ An, ngày 29 tháng 11 năm 2026" in header
    texts = [_nfc(p.text) for p in doc.paragraphs]
    assert "PHỤ LỤC" in texts and "KẾT QUẢ CHẠY THỬ LIÊN THÔNG VĂN BẢN ĐIỆN TỬ" in texts
    assert "(Kèm theo Công văn số 451/STTTT-CNTT ngày 10/11/2026)" in texts
    assert "Mã định danh: 000.00.07.H41" in texts and "Đơn vị cung cấp / hệ thống: FPT / eDoc" in texts
    assert "Thời hạn hoàn thành: 25/11/2026 17:00" in texts
    rows = _docx_rows(path, 1)
    assert rows[0] == ["STT", "Mục chạy thử", "Kết quả", "Thời gian", "Minh chứng / Lý do"]
    assert len(rows) == 13
    rt02 = rows[2]
    assert rt02[1] == "RT-02. Ký số văn bản đi (bắt buộc)" and rt02[2] == "Không đạt"
    assert data.FAIL_REASON in rt02[4] and "RT-02-kich-ban-rt-02-so-1-lan-1.zip" in rt02[4]
    assert rows[8][1] == "RT-08. Thu hồi, cập nhật, thay thế" and rows[8][2] == "Chưa thực hiện"
    assert rows[12][2] == "Không đạt"  # a harness error leaves the item not passed
    conclusion = next(t for t in texts if t.startswith("Kết luận:"))
    assert "Chưa hoàn thành" in conclusion and "RT-02, RT-12" in conclusion
    # Decree 30 page: A4, margins, Times New Roman
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # type: ignore[union-attr]
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins if m is not None] == [20, 20, 30, 15]
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_docx_appendix_of_complete_agencies(rendered: Rendered) -> None:
    texts = [_nfc(p.text) for p in Document(str(rendered.file("appendix-docx", data.ON_TIME))).paragraphs]
    conclusion = next(t for t in texts if t.startswith("Kết luận:"))
    assert conclusion == "Kết luận: Hoàn thành (hoàn thành lúc 10:22 ngày 20/11/2026 — đúng hạn)"
    rows = _docx_rows(rendered.file("appendix-docx", data.ON_TIME), 1)
    assert {r[2] for r in rows[1:]} == {"Đạt"}
    assert rows[11][3] == "20/11/2026 10:12" and "so-mat.pdf" in rows[11][4]
    late = [_nfc(p.text) for p in Document(str(rendered.file("appendix-docx", data.LATE))).paragraphs]
    assert "Kết luận: Hoàn thành (hoàn thành lúc 17:02 ngày 26/11/2026 — trễ hạn)" in late


def test_docx_signature_block_names_signer_and_code(rendered: Rendered) -> None:
    doc = Document(str(rendered.file("appendix-docx", data.FAILING)))
    left, right = (_nfc(c.text) for c in doc.tables[2].rows[0].cells)
    assert "GIÁM ĐỐC" in right and "Trần Thị Bình" in right
    code = rendered.manifest.codes[data.FAILING]
    assert f"Mã xác thực: {code}" in left
    assert f"Tra cứu: {DEFAULT_VERIFY_BASE}/xac-minh/{code}" in left
    assert len(doc.inline_shapes) == 1  # the QR code


@pytest.mark.parametrize("kind", ["appendix-docx", "summary-docx"])
def test_docx_carries_the_styles_it_names_and_nothing_of_the_template(rendered: Rendered, kind: str) -> None:
    """python-docx's template brought 164 styles, a second copy of them, a bibliography store and a
    thumbnail of its own first page into every report: 40 KB where the appendix needs 13."""
    path = rendered.file(kind, data.FAILING if kind == "appendix-docx" else None)
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        document, styles = z.read("word/document.xml"), z.read("word/styles.xml")
    assert not {n for n in names if "thumbnail" in n or "stylesWithEffects" in n or n.startswith("customXml/")}
    defined = set(re.findall(rb'w:styleId="([^"]+)"', styles))
    named = set(re.findall(rb'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', document))
    assert named and named <= defined, named - defined
    assert {b"Normal", b"TableGrid"} <= defined and len(defined) <= 8
    doc = Document(str(path))  # python-docx still reads it and finds the decree's font
    assert doc.styles["Normal"].font.name == "Times New Roman"
    if kind == "appendix-docx":
        assert path.stat().st_size < 20_000


def test_docx_summary_tables(rendered: Rendered) -> None:
    path = rendered.file("summary-docx")
    texts = [_nfc(p.text) for p in Document(str(path)).paragraphs]
    assert "TỔNG HỢP KẾT QUẢ CHẠY THỬ LIÊN THÔNG VĂN BẢN ĐIỆN TỬ" in texts and "Số cơ quan hoàn thành: 2/3" in texts
    completion = _docx_rows(path, 1)
    assert completion[0][2:14] == [f"{n:02d}" for n in range(1, 13)]
    failing = completion[3]
    assert failing[1] == "Sở Tài chính tỉnh Nghệ An (000.00.07.H41)"
    assert failing[2:14] == ["Đ", "K", "Đ", "Đ", "Đ", "Đ", "Đ", "–", "Đ", "Đ", "Đ", "K"]
    assert failing[14] == "Chưa hoàn thành" and completion[1][14] == "Hoàn thành"
    late = _docx_rows(path, 2)
    assert [r[2] for r in late[1:]] == [data.LATE, data.FAILING]
    shares = _docx_rows(path, 3)
    assert shares[1][2:] == ["7", "8", "1", "93,8%"] and shares[2][4:] == ["–", "100,0%"]
    assert shares[3][5] == "62,5%"
    matrix = _docx_rows(path, 4)
    assert matrix[0] == ["Gửi \\ Nhận", "1", "2", "3", "4", "Tổng gửi"]
    assert matrix[1] == ["1. Sở Nội vụ tỉnh Nghệ An", "0", "7", "0", "0", "7"]
    assert matrix[4][0] == "4. 000.00.98.H41" and matrix[4][3] == "3"
    assert matrix[5] == ["Tổng nhận", "7", "7", "3", "0", "17"]


@pytest.mark.parametrize("kind", ["summary-docx", "appendix-docx"])
def test_docx_tables_carry_their_column_widths_in_the_grid(rendered: Rendered, kind: str) -> None:
    """LibreOffice lays a fixed table out by its grid (<w:gridCol>), Word by its cells: python-docx split the grid
    evenly, so in LibreOffice the matrix's name column was as narrow as a count's."""
    path = rendered.file(kind, None if kind.startswith("summary") else data.FAILING)
    tables = Document(str(path)).tables
    assert len(tables) >= 3
    for table in tables:
        grid = [column.width for column in table.columns]
        cells = [cell.width for cell in table.rows[-1].cells]
        assert grid == cells, (grid, cells)
        assert sum(grid) > 0
    widest = max(tables, key=lambda t: len(t.columns))
    assert len({c.width for c in widest.columns}) > 1  # a matrix: the names' column is wider than a count's


# ----------------------------------------------------------------------------------------------- PDF


def test_pdf_appendix_text(rendered: Rendered) -> None:
    text = re.sub(r"\s+", " ", _pdftotext(rendered.file("appendix-pdf", data.FAILING)))
    for expected in (
        MOTTO,
        SLOGAN,
        "PHỤ LỤC",
        "Nghệ An, ngày 29 tháng 11 năm 2026",
        "Tên cơ quan: Sở Tài chính tỉnh Nghệ An",
        "Thời hạn hoàn thành: 25/11/2026 17:00",
        "Không đạt",
        "Tệp văn bản không có chữ ký số",
        "Chưa hoàn thành",
        "Trần Thị Bình",
        rendered.manifest.codes[data.FAILING],
    ):
        assert expected in text, expected
    assert re.search(r"RT-08\. Thu hồi, cập nhật, Chưa thực thay thế hiện", text)  # the cell wraps
    assert "Hoàn thành (hoàn thành lúc 10:22 ngày 20/11/2026 — đúng hạn)" in re.sub(
        r"\s+", " ", _pdftotext(rendered.file("appendix-pdf", data.ON_TIME))
    )


def _words(path: Path) -> tuple[float, list[tuple[str, float, float, float, float]]]:
    xml = _pdftotext(path, "-bbox", "-f", "1", "-l", "1")
    width = float(re.search(r'<page width="([\d.]+)"', xml).group(1))  # type: ignore[union-attr]
    words = [
        (w, float(x1), float(y1), float(x2), float(y2))
        for x1, y1, x2, y2, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', xml
        )
    ]
    return width, words


def test_pdf_appendix_layout(rendered: Rendered, tmp_path: Path) -> None:
    """Decree 30 header: issuing body upper left, motto upper right, "PHỤ LỤC" centred below them."""
    path = rendered.file("appendix-pdf", data.FAILING)
    width, words = _words(path)

    def first(word: str) -> tuple[str, float, float, float, float]:
        return next(w for w in words if w[0] == word)

    ubnd, cong, doc_lap, phu = first("UBND"), first("CỘNG"), first("Độc"), first("PHỤ")
    assert ubnd[3] < width / 2 and cong[1] > width * 0.4  # left column, right column
    assert abs(ubnd[2] - cong[2]) < 2 and ubnd[2] < 100  # same top line, in the upper part of the page
    assert doc_lap[2] > cong[2]
    luc = next(w for w in words if w[0] == "LỤC" and w[2] == phu[2])
    centre = (phu[1] + luc[3]) / 2
    text_centre = (30 + (210 - 15)) / 2 / 25.4 * 72  # the text block between the margins
    assert abs(centre - text_centre) < 3 and phu[2] > doc_lap[4] + 20
    assert min(w[1] for w in words) >= 30 / 25.4 * 72 - 1  # left margin 30 mm
    require_tool("pdftoppm")
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True)
    (png,) = tmp_path.glob("p*.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000


def test_pdf_appendix_signed_by_the_ict_department(rendered: Rendered, nss: Path, tmp_path: Path) -> None:
    for organ_id in (data.FAILING, data.ON_TIME):
        out = pdfsig(nss, rendered.file("appendix-pdf", organ_id).read_bytes(), tmp_path)
        assert out.count("Signature is Valid.") == 1, out
        assert "Certificate is Trusted." in out and "Total document signed" in out
        assert "Sở Thông tin và Truyền thông tỉnh Nghệ An" in out and "Sig_CoQuan_PhuLuc" in out


def test_tampered_appendix_no_longer_verifies(rendered: Rendered, nss: Path, tmp_path: Path) -> None:
    pdf = rendered.file("appendix-pdf", data.FAILING).read_bytes()
    at = pdf.index(b"(lienthong reports)")
    tampered = pdf[:at] + b"(lienthong rep0rts)" + pdf[at + len(b"(lienthong reports)") :]
    out = pdfsig(nss, tampered, tmp_path)
    assert "Signature is Valid." not in out and "Digest Mismatch." in out, out


def test_pdf_summary_text_and_signature(rendered: Rendered, nss: Path, tmp_path: Path) -> None:
    path = rendered.file("summary-pdf")
    text = re.sub(r"\s+", " ", _pdftotext(path))
    for expected in (
        "TỔNG HỢP KẾT QUẢ CHẠY THỬ",
        "I. KẾT QUẢ HOÀN THÀNH THEO CƠ QUAN",
        "II. CƠ QUAN TRỄ HẠN",
        "UBND thành phố Vinh",
        "III. TỶ LỆ VĂN BẢN TRAO ĐỔI ĐIỆN TỬ",
        "93,8%",
        "62,5%",
        "IV. MA TRẬN TRAO ĐỔI VĂN BẢN",
        "Tổng nhận",
        rendered.manifest.codes["tong-hop"],
    ):
        assert expected in text, expected
    out = pdfsig(nss, path.read_bytes(), tmp_path)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out


# ---------------------------------------------------------------------------------- verification code


def test_verification_code_is_recomputable_and_changes_with_the_result(rendered: Rendered) -> None:
    statement = rendered.statement(data.FAILING)
    code = rendered.manifest.codes[data.FAILING]
    assert verification_code(statement) == code and re.fullmatch(r"LT(-[A-Z2-7]{4}){4}", code)
    assert verify_code(statement, code.lower().replace("-", " "))
    rebuilt = data.statements(rendered.runs)[2]
    assert verification_code(rebuilt) == code  # a pure function of the recorded runs
    flipped = dataclasses.replace(statement, items=list(statement.items))
    flipped.items[1] = dataclasses.replace(statement.items[1], outcome=ItemOutcome.PASSED)
    assert not verify_code(flipped, code)
    later = dataclasses.replace(statement, items=list(statement.items))
    ran_at = statement.items[0].ran_at
    assert ran_at is not None
    later.items[0] = dataclasses.replace(statement.items[0], ran_at=ran_at + timedelta(seconds=1))
    assert not verify_code(later, code)
    other_agency = rendered.statement(data.ON_TIME)
    assert not verify_code(other_agency, code)


def test_qr_code_decodes_to_the_payload(rendered: Rendered, tmp_path: Path) -> None:
    statement = rendered.statement(data.FAILING)
    code = rendered.manifest.codes[data.FAILING]
    payload = qr_payload(statement)
    assert payload == f"{DEFAULT_VERIFY_BASE}/xac-minh/{code}" == f"http://127.0.0.1:8090/xac-minh/{code}"
    assert payload == verify_url(code) == verify_url(code, DEFAULT_VERIFY_BASE + "/")
    assert qr_payload(statement, "https://lienthong.example.vn") == f"https://lienthong.example.vn/xac-minh/{code}"
    require_tool("zbarimg")
    png = tmp_path / "qr.png"
    png.write_bytes(qr_png(payload))
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout.strip()
    assert decoded == payload
    # The QR printed on the signed PDF, rendered by poppler, decodes to the same payload.
    require_tool("pdftoppm")
    pdf = rendered.file("appendix-pdf", data.FAILING)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "2", "-l", "2", str(pdf), str(tmp_path / "pg")], check=True)
    (page,) = tmp_path.glob("pg*.png")
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True).stdout.strip()
    assert decoded == payload
    # The DOCX carries the same QR code.
    docx = Document(str(rendered.file("appendix-docx", data.FAILING)))
    (image,) = [p for p in docx.part.package.iter_parts() if p.content_type == "image/png"]
    docx_png = tmp_path / "docx-qr.png"
    docx_png.write_bytes(image.blob)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(docx_png)], capture_output=True, text=True).stdout.strip()
    assert decoded == payload
    # ... and the address is printed beside the code, for whoever cannot scan it.
    text = re.sub(r"\s+", " ", _pdftotext(pdf))
    assert f"Mã xác thực: {code} " in text and f"Tra cứu: {payload}" in text
