"""`harness.pdf`: Decree 30 documents as PDF (layout, fonts, text, signing geometry), images and `make-doc`."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import sys
import unicodedata
import zlib
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from reportlab.lib import rl_accel

from harness.pdf import (
    DOC_TYPES,
    BodyParagraph,
    DocumentSpec,
    RenderedDocument,
    UnknownDocType,
    date_vi,
    doc_type,
    layout,
    make_spec,
    render,
    seal_png,
    signature_png,
)
from harness.pdf.images import ALPHA_LEVELS, INK_BLUE, SEAL_RED
from harness.pdf.layout import MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, PAGE_HEIGHT, PAGE_WIDTH
from tests.conftest import require_tool

WHEN = date(2026, 11, 22)
AGENCY = "000.00.00.H41"
AGENCY_NAME = "UBND tỉnh Nghệ An"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"
TYPE_NAMES = [t.name for t in DOC_TYPES]


def _tool(name: str) -> str:
    return require_tool(name)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@cache
def _rendered(type_name: str, seed: int = 7) -> tuple[DocumentSpec, RenderedDocument]:
    spec = make_spec(type_name, AGENCY, AGENCY_NAME, seed=seed, when=WHEN)
    return spec, render(spec)


def _pdf_file(tmp_path: Path, pdf: bytes, name: str = "doc.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def _pdftotext(path: Path, *args: str) -> str:
    out = subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", *args, str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return _nfc(out.stdout.decode("utf-8"))


def _flat(text: str) -> str:
    """Collapse the runs of blanks -layout uses to place columns; letters and diacritics are untouched."""
    return re.sub(r"[ \t]+", " ", text)


@dataclasses.dataclass(frozen=True)
class _Word:
    text: str
    x0: float
    x1: float
    top: float  # PDF coordinates (origin bottom-left)
    bottom: float


def _words(path: Path, page_index: int) -> Iterator[_Word]:
    page = str(page_index + 1)
    html = _pdftotext(path, "-bbox", "-f", page, "-l", page)
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    for x0, y0, x1, y1, text in re.findall(pattern, html):
        yield _Word(text, float(x0), float(x1), PAGE_HEIGHT - float(y0), PAGE_HEIGHT - float(y1))


# ---------------------------------------------------------------------------------------------------
# Types and spec
# ---------------------------------------------------------------------------------------------------


def test_the_fourteen_types_and_their_notation() -> None:
    expected = {
        "Quyết định": "QĐ",
        "Chỉ thị": "CT",
        "Báo cáo": "BC",
        "Chương trình": "CTr",
        "Kế hoạch": "KH",
        "Tờ trình": "TTr",
        "Quy chế": "QC",
        "Quy định": "QyĐ",
        "Hướng dẫn": "HD",
        "Phiếu chuyển": "PC",
        "Giấy mời": "GM",
        "Thông báo": "TB",
        "Công văn": None,
        "Công điện": "CĐ",
    }
    assert {t.name: t.abbr for t in DOC_TYPES} == expected
    assert [t for t in DOC_TYPES if not t.has_title] == [doc_type("Công văn")]
    assert doc_type("Quyết định").notation("UBND", "VX") == "QĐ-UBND"
    assert doc_type("Công văn").notation("UBND", "VX") == "UBND-VX"
    slugs = [t.slug for t in DOC_TYPES]
    assert len(set(slugs)) == 14 and all(s.isascii() and re.fullmatch(r"[a-z]+(-[a-z]+)*", s) for s in slugs)
    assert doc_type("quyet-dinh").name == "Quyết định"


def test_type_lookup_accepts_case_and_abbreviation_and_rejects_unknown() -> None:
    assert doc_type("QUYẾT ĐỊNH").abbr == "QĐ"
    assert doc_type("  công   văn ").name == "Công văn"
    assert doc_type("QyĐ").name == "Quy định"
    assert doc_type("quy dinh").name == "Quy định"
    # A decomposed (NFD) spelling is the same name.
    assert doc_type(unicodedata.normalize("NFD", "Tờ trình")).abbr == "TTr"
    with pytest.raises(UnknownDocType) as info:
        doc_type("Nghị định")
    assert "không hợp lệ" in info.value.message_vi
    assert all(name in info.value.message_vi for name in TYPE_NAMES)


def test_spec_is_deterministic_for_a_seed() -> None:
    a = make_spec("Kế hoạch", AGENCY, AGENCY_NAME, seed=42, when=WHEN)
    b = make_spec("Kế hoạch", AGENCY, AGENCY_NAME, seed=42, when=WHEN)
    c = make_spec("Kế hoạch", AGENCY, AGENCY_NAME, seed=43, when=WHEN)
    assert a.to_json().encode() == b.to_json().encode()
    assert a.to_json() != c.to_json()


def test_spec_of_a_seed_does_not_depend_on_the_documents_drafted_before() -> None:
    """Documents share one Faker per thread, reseeded for each: a seed drafts the same document whatever the
    thread drafted before it, and the same in another thread."""
    import threading

    first = make_spec("Tờ trình", AGENCY, AGENCY_NAME, seed=5, when=WHEN).to_json()
    for seed in (6, 7, 8):
        make_spec("Công văn", AGENCY, AGENCY_NAME, seed=seed, when=WHEN)
    assert make_spec("Tờ trình", AGENCY, AGENCY_NAME, seed=5, when=WHEN).to_json() == first
    other: list[str] = []
    thread = threading.Thread(
        target=lambda: other.append(make_spec("Tờ trình", AGENCY, AGENCY_NAME, seed=5, when=WHEN).to_json())
    )
    thread.start()
    thread.join()
    assert other == [first]


def test_pdf_bytes_are_deterministic() -> None:
    spec = make_spec("Công văn", AGENCY, AGENCY_NAME, seed=3, when=WHEN)
    assert render(spec).pdf == render(spec).pdf
    other = dataclasses.replace(spec, number=spec.number + 1)
    assert render(other).pdf != render(spec).pdf


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_spec_content_follows_decree_30(type_name: str) -> None:
    spec, doc = _rendered(type_name)
    t = doc_type(type_name)
    assert spec.doc_type == t
    assert spec.issuing_body == "Ủy ban nhân dân tỉnh Nghệ An" and spec.parent_body is None
    assert spec.place == "Nghệ An"
    assert doc.date_text == "Nghệ An, ngày 22 tháng 11 năm 2026" == spec.date_text
    if t.abbr is None:
        assert re.fullmatch(r"\d+/UBND-[A-Z]+", doc.number_text), doc.number_text
    else:
        assert doc.number_text == f"{spec.number}/{t.abbr}-UBND"
    assert spec.body[-1].text.endswith("./."), "the last paragraph ends with ./."
    text = " ".join(p.text for p in spec.body)
    assert "ủy ban nhân dân" not in text, "a body's proper name keeps its capital"
    # Dash lists: every item but the last ends with ";", the last with ".".
    dashes = [p.text.startswith("- ") for p in spec.body]
    for i, para in enumerate(spec.body):
        if dashes[i]:
            last = i + 1 == len(spec.body) or not dashes[i + 1]
            assert para.text.endswith("." if last else ";"), para.text
    assert spec.archive.startswith("VT, ")
    assert spec.signer_name == _nfc(spec.signer_name) and len(spec.signer_name.split()) >= 3
    assert spec.signer_position.isupper()
    if t.abbr == "CĐ":
        assert spec.priority in ("HỎA TỐC", "THƯỢNG KHẨN")
    if t.abbr in (None, "TTr", "PC"):
        assert spec.addressees and spec.recipients[0] == "Như trên"


def test_date_padding_per_decree_30() -> None:
    assert date_vi(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert date_vi(date(2026, 2, 28)) == "ngày 28 tháng 02 năm 2026"
    assert date_vi(date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"
    assert date_vi(date(2026, 12, 31)) == "ngày 31 tháng 12 năm 2026"


def test_subordinate_body_prints_its_governing_body() -> None:
    spec = make_spec("Quyết định", "000.03.00.H41", "Sở Y tế", seed=1, when=WHEN, number=15)
    assert spec.parent_body == "Ủy ban nhân dân tỉnh Nghệ An"
    assert spec.number_text == "15/QĐ-SYT" and spec.place == "Nghệ An"
    ministry = make_spec("Công văn", "000.00.00.G18", "Bộ Y tế", seed=1, when=WHEN)
    assert ministry.parent_body is None and ministry.place == "Hà Nội"
    assert ministry.number_text.split("/")[1].startswith("BYT-")


def test_spec_rejects_an_unknown_priority() -> None:
    spec = make_spec("Công văn", AGENCY, AGENCY_NAME, seed=1, when=WHEN)
    with pytest.raises(ValueError):
        dataclasses.replace(spec, priority="GẤP")


# ---------------------------------------------------------------------------------------------------
# PDF: validity, fonts, text
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_every_type_renders_a_valid_pdf(type_name: str) -> None:
    _, doc = _rendered(type_name)
    assert doc.pdf.startswith(b"%PDF-")
    reader = PdfFileReader(io.BytesIO(doc.pdf))
    assert int(reader.root["/Pages"]["/Count"]) == doc.page_count
    assert 1 <= doc.page_count <= 3
    width, height = (float(v) for v in list(reader.root["/Pages"]["/Kids"][0]["/MediaBox"])[2:])
    assert (round(width), round(height)) == (595, 842)  # A4


@pytest.mark.parametrize("type_name", ["Quyết định", "Công văn", "Công điện", "Quy chế"])
def test_every_font_is_embedded(type_name: str, tmp_path: Path) -> None:
    _, doc = _rendered(type_name)
    out = subprocess.run(
        [_tool("pdffonts"), str(_pdf_file(tmp_path, doc.pdf))], capture_output=True, text=True, check=True
    ).stdout
    rows = out.splitlines()[2:]
    assert len(rows) >= 3, out  # regular, bold and italic faces are used
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert "DejaVuSerif" in name and emb == "yes", row


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_text_extracts_with_exact_diacritics(type_name: str, tmp_path: Path) -> None:
    spec, doc = _rendered(type_name)
    text = _flat(_pdftotext(_pdf_file(tmp_path, doc.pdf), "-layout"))
    expected = [MOTTO, SLOGAN, f"Số: {doc.number_text}", doc.date_text, spec.signer_name, "Nơi nhận:"]
    expected += ["ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN", f"- Lưu: {spec.archive}."]
    if spec.doc_type.has_title:
        expected.append(spec.doc_type.name.upper())
    else:
        expected.append("V/v ")
        assert spec.doc_type.name.upper() not in text  # a Công văn carries no title
    if spec.priority:
        expected.append(spec.priority)
    for item in expected:
        assert _nfc(item) in text, item


def test_signer_block_layout_on_the_page(tmp_path: Path) -> None:
    spec, doc = _rendered("Quyết định")
    page, x1, y1, x2, y2 = doc.signer_box
    words = list(_words(_pdf_file(tmp_path, doc.pdf), page))
    name_words = set(spec.signer_name.split())
    position_words = set(spec.signer_position.split())
    in_column = [w for w in words if w.x1 > x1 - 30 and w.x0 < x2 + 30]
    # The name sits just under the signature space, the position line just above it.
    assert any(w.text in name_words and y1 - 25 < w.top <= y1 + 1 for w in in_column)
    assert any(w.text in position_words and y2 - 1 <= w.bottom < y2 + 25 for w in in_column)
    assert not any(y1 + 1 < (w.top + w.bottom) / 2 < y2 - 1 for w in in_column), "the signature space is blank"


# ---------------------------------------------------------------------------------------------------
# Pages and signing geometry
# ---------------------------------------------------------------------------------------------------


def _inside_text_area(box: tuple[int, float, float, float, float]) -> bool:
    _, x1, y1, x2, y2 = box
    return (
        MARGIN_LEFT - 0.5 <= x1 < x2 <= PAGE_WIDTH - MARGIN_RIGHT + 0.5
        and MARGIN_BOTTOM - 0.5 <= y1 < y2 <= PAGE_HEIGHT - MARGIN_TOP + 0.5
    )


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_signer_box_is_on_the_last_page_inside_the_margins(type_name: str) -> None:
    _, doc = _rendered(type_name)
    page, x1, y1, _, y2 = doc.signer_box
    assert page == doc.page_count - 1
    assert _inside_text_area(doc.signer_box)
    assert 25 * 72 / 25.4 <= y2 - y1 <= 35 * 72 / 25.4  # ~30 mm of blank space
    assert x1 > PAGE_WIDTH / 2 - 20  # the signer block is on the right


@pytest.mark.parametrize("type_name", ["Quyết định", "Công văn", "Giấy mời"])
def test_seal_box_covers_the_left_third_of_the_signature(type_name: str) -> None:
    _, doc = _rendered(type_name)
    page, x1, y1, x2, y2 = doc.signer_box
    s_page, sx1, sy1, sx2, sy2 = doc.seal_box
    assert s_page == page
    assert abs((sx2 - sx1) - (sy2 - sy1)) < 0.01  # a round seal: square box
    assert sx1 < x1 < sx2 < x2  # overlaps the signature from the left...
    assert abs((sx2 - x1) - (x2 - x1) / 3) < 1.0  # ...over about one third of it
    assert sy1 < (y1 + y2) / 2 < sy2
    assert sx1 >= MARGIN_LEFT and sy1 >= 0 and sy2 <= PAGE_HEIGHT


def test_long_body_breaks_onto_a_second_page(tmp_path: Path) -> None:
    spec = make_spec("Quyết định", AGENCY, AGENCY_NAME, seed=11, when=WHEN)
    assert render(spec).page_count == 1
    filler = BodyParagraph(
        "Các cơ quan, đơn vị có trách nhiệm phối hợp chặt chẽ, thường xuyên trao đổi thông tin, kịp thời báo cáo"
        " những khó khăn, vướng mắc phát sinh trong quá trình tổ chức thực hiện để được hướng dẫn, giải quyết."
    )
    longer = dataclasses.replace(spec, body=(*spec.body[:-1], *[filler] * 8, spec.body[-1]))
    doc = render(longer)
    assert doc.page_count == 2
    assert doc.signer_box[0] == 1 and _inside_text_area(doc.signer_box)
    path = _pdf_file(tmp_path, doc.pdf)
    assert spec.signer_name in _flat(_pdftotext(path, "-layout", "-f", "2", "-l", "2"))
    assert "2" in _pdftotext(path, "-layout", "-f", "2", "-l", "2").split()[:1]  # page number from page 2
    much_longer = dataclasses.replace(spec, body=(*spec.body[:-1], *[filler] * 40, spec.body[-1]))
    doc = render(much_longer)
    assert doc.page_count >= 3 and doc.signer_box[0] == doc.page_count - 1 and _inside_text_area(doc.signer_box)


# ---------------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------------


def _image(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.mode == "RGBA"
    return image


def _corners_transparent(image: Image.Image) -> bool:
    w, h = image.size
    alpha = image.getchannel("A")
    return all(alpha.getpixel(p) == 0 for p in [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1), (2, 2), (w - 3, 2)])


def _ink(image: Image.Image) -> tuple[float, float, float, int]:
    """Alpha-weighted mean colour of the visible pixels, and how many there are."""
    r_sum = g_sum = b_sum = weight = 0.0
    visible = 0
    raw = image.tobytes()  # RGBA, 4 bytes per pixel
    for i in range(0, len(raw), 4):
        r, g, b, a = raw[i], raw[i + 1], raw[i + 2], raw[i + 3]
        if a > 32:
            visible += 1
            r_sum, g_sum, b_sum, weight = r_sum + r * a, g_sum + g * a, b_sum + b * a, weight + a
    assert weight > 0
    return r_sum / weight, g_sum / weight, b_sum / weight, visible


def test_seal_is_a_red_transparent_png() -> None:
    image = _image(seal_png("Ủy ban nhân dân tỉnh Nghệ An", size_px=300))
    assert image.size == (300, 300) and _corners_transparent(image)
    r, g, b, visible = _ink(image)
    assert r > 2 * g and r > 2 * b and visible > 300 * 300 * 0.08
    # The centre holds the star: inked.
    centre = image.getchannel("A").getpixel((150, 150))
    assert isinstance(centre, int) and centre > 128


def test_signature_is_a_blue_transparent_png() -> None:
    image = _image(signature_png("Nguyễn Văn Hùng", seed=3))
    assert _corners_transparent(image)
    r, g, b, visible = _ink(image)
    assert b > 2 * r and b > 1.5 * g and visible > 2000


@pytest.mark.parametrize("kind", ["seal", "signature"])
def test_images_are_one_flat_ink(kind: str) -> None:
    """Only the alpha carries the drawing: resampling left transparent pixels black and edges mixed, which
    made the colour plane as large as the alpha (89 KB of a signed PDF's 277 KB for the seal)."""
    if kind == "seal":
        image, ink = _image(seal_png("Ủy ban nhân dân tỉnh Nghệ An", size_px=300)), SEAL_RED
    else:
        image, ink = _image(signature_png("Nguyễn Văn Hùng", seed=3)), INK_BLUE
    assert set(image.convert("RGB").get_flattened_data()) == {ink}
    assert len(set(image.getchannel("A").get_flattened_data())) > 16  # anti-aliased and textured, not a flat mask


def test_the_seal_mask_packs_small() -> None:
    """Every signed document carries the seal through every axis, base64 and digest: its mask keeps ALPHA_LEVELS
    densities (every pixel had one of its own, 63 KB of a 175 KB signed PDF) and packs under 32 KB."""
    alpha = _image(seal_png("Ủy ban nhân dân tỉnh Nghệ An")).getchannel("A")
    assert alpha.size == (600, 600) and len(set(alpha.get_flattened_data())) <= ALPHA_LEVELS
    assert len(zlib.compress(alpha.tobytes(), 6)) < 32_000


def test_images_are_deterministic() -> None:
    assert seal_png("Bộ Y tế", size_px=200) == seal_png("Bộ Y tế", size_px=200)
    assert seal_png("Bộ Y tế", size_px=200) != seal_png("Bộ Tài chính", size_px=200)
    assert signature_png("Lê Thị Phương", seed=1) == signature_png("Lê Thị Phương", seed=1)
    assert signature_png("Lê Thị Phương", seed=1) != signature_png("Lê Thị Phương", seed=2)


# ---------------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------------


def lienthong(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True, timeout=300)


def test_cli_all_types_writes_fourteen_pdfs(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    proc = lienthong("make-doc", "--all-types", "--out", str(out), "--date", "2026-11-22", "--seed", "5")
    assert proc.returncode == 0, proc.stderr
    files = sorted(out.iterdir())
    assert len(files) == 14 and all(f.suffix == ".pdf" and f.name.isascii() for f in files)
    assert {f.stem for f in files} == {t.slug for t in DOC_TYPES}
    assert all(f.read_bytes().startswith(b"%PDF-") for f in files)
    assert "Đã tạo" in proc.stdout and "Traceback" not in proc.stderr


def test_cli_single_type_with_number(tmp_path: Path) -> None:
    out = tmp_path / "cv.pdf"
    proc = lienthong("make-doc", "--type", "Công văn", "--number", "77", "--date", "2026-03-02", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    text = _flat(_pdftotext(out, "-layout"))
    assert "Số: 77/UBND-" in text and "Nghệ An, ngày 02 tháng 3 năm 2026" in text


def test_cli_unknown_type_exits_two_in_vietnamese(tmp_path: Path) -> None:
    proc = lienthong("make-doc", "--type", "Nghị định", "--out", str(tmp_path / "x.pdf"))
    assert proc.returncode == 2
    assert "loại văn bản không hợp lệ" in proc.stderr and "Quyết định" in proc.stderr and "Công điện" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "x.pdf").exists()


def test_cli_unwritable_path_exits_two(tmp_path: Path) -> None:
    proc = lienthong("make-doc", "--type", "Giấy mời", "--out", str(tmp_path / "missing" / "x.pdf"))
    assert proc.returncode == 2
    assert "không ghi được tệp" in proc.stderr and "Traceback" not in proc.stderr
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = lienthong("make-doc", "--all-types", "--out", str(blocker))
    assert proc.returncode == 2 and "không tạo được thư mục" in proc.stderr


def test_cli_rejects_bad_agency_and_conflicting_options(tmp_path: Path) -> None:
    proc = lienthong("make-doc", "--type", "Quyết định", "--agency", "abc", "--out", str(tmp_path / "x.pdf"))
    assert proc.returncode == 2 and "mã định danh cơ quan không hợp lệ" in proc.stderr
    proc = lienthong("make-doc", "--type", "Quyết định", "--all-types", "--out", str(tmp_path))
    assert proc.returncode == 2 and "--all-types" in proc.stderr


def test_signer_block_never_stands_alone_on_a_page(tmp_path: Path) -> None:
    """Decree 30: the page with the signature also carries text; here: the end of the last paragraph."""
    spec = make_spec("Công văn", AGENCY, AGENCY_NAME, seed=2, when=WHEN)
    filler = BodyParagraph("Đề nghị các cơ quan, đơn vị nghiêm túc triển khai thực hiện, báo cáo kết quả đúng hạn.")
    pages_seen: set[int] = set()
    for extra in range(0, 26):
        doc = render(dataclasses.replace(spec, body=(*spec.body[:-1], *[filler] * extra, spec.body[-1])))
        page = doc.signer_box[0]
        pages_seen.add(doc.page_count)
        text = _pdftotext(_pdf_file(tmp_path, doc.pdf), "-f", str(page + 1), "-l", str(page + 1))
        assert "./." in text, f"{extra} extra paragraphs: the signer page has no body text"
    assert len(pages_seen) >= 2, "the loop must cross a page break"


def test_rendering_uses_reportlabs_accelerator_and_fast_compression() -> None:
    """rl_accel (reportlab's C helpers: number formatting, string widths) is installed, and streams are compressed
    at zlib level 1: without them a document took 28 ms to render instead of 16 (benchmarks/RESULTS.md)."""
    assert {"fp_str", "instanceStringWidthTTF"} <= set(rl_accel._c_funcs)
    pdf = render(make_spec("Công văn", AGENCY, AGENCY_NAME, seed=3, when=WHEN)).pdf
    streams = re.findall(rb"/Length1 (\d+)\s*>>\s*stream\r?\n", pdf)
    assert len(streams) >= 3  # the embedded font subsets
    start = pdf.index(b"stream\n", pdf.index(b"/Length1")) + len(b"stream\n")
    compressed = pdf[start : pdf.index(b"endstream", start)].rstrip(b"\r\n")
    font = zlib.decompress(compressed)
    assert len(font) == int(streams[0]) and compressed == zlib.compress(font, layout.FLATE_LEVEL)
