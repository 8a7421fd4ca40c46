"""Roster import from CSV and XLSX: tolerant headers, row errors with row numbers, never a traceback."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from harness.paths import REPO_ROOT
from harness.trial.roster import RosterFileError, normalise_header, read_roster, write_csv
from harness.trial.statement import RosterEntry
from simulators.topology import load_topology

GOOD_CSV = """Mã định danh,Tên cơ quan,Đơn vị cung cấp,Hệ thống,Đầu mối liên hệ,Văn bản giấy
000.00.07.H41,Sở Tài chính tỉnh Nghệ An,Công ty TNHH Công nghệ C,VanThu-C 2.4,"Phạm Thu Hà, Văn phòng",25
000.00.05.H41,Sở Nội vụ tỉnh Nghệ An,Công ty Cổ phần Giải pháp Số B,eOffice-B 4.8,,
"""


def write(tmp_path: Path, name: str, data: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def test_csv_with_and_without_bom_comma_or_semicolon(tmp_path: Path) -> None:
    plain = read_roster(write(tmp_path, "a.csv", GOOD_CSV))
    bom = read_roster(write(tmp_path, "b.csv", GOOD_CSV, "utf-8-sig"))
    semicolon = read_roster(
        write(tmp_path, "c.csv", GOOD_CSV.replace(",", ";").replace('"Phạm Thu Hà; ', '"Phạm Thu Hà, '))
    )
    assert plain.ok and plain == bom == semicolon
    entries, errors = plain
    assert errors == []
    assert entries[0] == RosterEntry(
        "000.00.07.H41",
        "Sở Tài chính tỉnh Nghệ An",
        "Công ty TNHH Công nghệ C",
        "VanThu-C 2.4",
        "Phạm Thu Hà, Văn phòng",
        25,
    )
    assert entries[1].contact == "" and entries[1].paper_documents is None


def test_headers_tolerate_case_diacritics_spacing_aliases_title_rows_and_extra_columns(tmp_path: Path) -> None:
    text = (
        "DANH SÁCH CƠ QUAN THAM GIA CHẠY THỬ;;;\n"
        "(Kèm theo Công văn số 451/STTTT-CNTT);;;\n"
        ";;;\n"
        "STT; MA  DINH DANH (*) ;TÊN CƠ QUAN;  vendor ;System;Ghi chú;PAPER\n"
        "1;000.00.40.H41;UBND thành phố Vinh;Trung tâm Công nghệ D;iDesk-D 1.9;x;40\n"
    )
    entries, errors = read_roster(write(tmp_path, "r.csv", text))
    assert errors == []
    assert entries == [
        RosterEntry("000.00.40.H41", "UBND thành phố Vinh", "Trung tâm Công nghệ D", "iDesk-D 1.9", "", 40)
    ]
    english = "id,name,contact\n000.00.40.H41,UBND thành phố Vinh,Đặng Thị Lan\n"
    assert read_roster(write(tmp_path, "e.csv", english)).entries[0].contact == "Đặng Thị Lan"
    assert normalise_header("  Đầu  mối liên-hệ ") == "dau moi lien he"
    decomposed = "Ma\u0303 đi\u0323nh danh"  # NFD, as some macOS exports write it
    assert normalise_header(decomposed) == "ma dinh danh"


def test_bad_rows_are_reported_with_row_numbers_and_good_rows_kept(tmp_path: Path) -> None:
    text = (
        "Mã định danh,Tên cơ quan,Văn bản giấy\n"  # row 1
        "000.00.07.H41,Sở Tài chính,3\n"  # 2: good
        "000.00.07.XYZ,Sở sai mã,\n"  # 3: bad identifier
        "000.00.07.H41,Sở trùng,\n"  # 4: duplicate of row 2
        "000.00.05.H41,,\n"  # 5: no name
        ",Không có mã,\n"  # 6: no identifier
        "000.00.40.h41,UBND thành phố Vinh,\n"  # 7: lower case
        "000.00.12.H41,Sở TTTT,mười\n"  # 8: paper not a number
        ",,\n"  # 9: empty, skipped silently
        "G14,Bộ Thông tin và Truyền thông,-1\n"  # 10: QĐ 20 identifier is fine, negative paper is not
        "000.00.01.H41,Văn phòng UBND tỉnh,0\n"  # 11: good
    )
    entries, errors = read_roster(write(tmp_path, "bad.csv", text))
    assert [e.organ_id for e in entries] == ["000.00.07.H41", "000.00.01.H41"]
    assert [e.row for e in errors] == [3, 4, 5, 6, 7, 8, 10]
    messages = {e.row: e.message_vi for e in errors}
    assert all(m.startswith(f"Dòng {row}: ") for row, m in messages.items())
    assert "'000.00.07.XYZ' không hợp lệ" in messages[3]
    assert "trùng với dòng 2" in messages[4]
    assert "thiếu tên cơ quan" in messages[5]
    assert "thiếu mã định danh" in messages[6]
    assert "có phải 000.00.40.H41?" in messages[7]
    assert "'mười' không phải số nguyên" in messages[8]
    assert "'-1'" in messages[10]


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_import_with_numbers_sheet_choice_and_bad_rows(tmp_path: Path) -> None:
    data = xlsx(
        {
            "Hướng dẫn": [["Điền danh sách ở trang tiếp theo."]],
            "Danh sách": [
                ["Danh sách cơ quan chạy thử đợt 1"],
                [],
                ["Mã định danh", "Tên cơ quan", "Đơn vị cung cấp", "Hệ thống", "Đầu mối liên hệ", "Văn bản giấy"],
                ["000.00.07.H41", "Sở Tài chính", "Công ty C", "VanThu-C 2.4", None, 12.0],
                ["000.00.05.H41", None, "Công ty B", "eOffice-B", None, 3],
                [" 000.00.40.H41 ", "UBND thành phố Vinh", None, None, "Đặng Thị Lan", None],
            ],
        }
    )
    path = write(tmp_path, "roster.xlsx", data)
    entries, errors = read_roster(path)
    assert [(e.organ_id, e.paper_documents) for e in entries] == [("000.00.07.H41", 12), ("000.00.40.H41", None)]
    assert [(e.row, e.message_vi) for e in errors] == [(5, "Dòng 5: thiếu tên cơ quan.")]
    assert read_roster(path, sheet="Danh sách") == (entries, errors)
    with pytest.raises(RosterFileError, match=r"không có trang tính “Sheet9”.*“Danh sách”"):
        read_roster(path, sheet="Sheet9")
    with pytest.raises(RosterFileError, match="Hướng dẫn"):
        read_roster(path, sheet="Hướng dẫn")
    # Found by content even with a misleading extension.
    assert read_roster(write(tmp_path, "roster.csv", data)).entries == entries


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "rỗng"),
        ("blank.csv", b" \r\n\r\n ", "rỗng"),
        ("garbage.csv", bytes(range(256)) * 8, "không phải văn bản UTF-8"),
        ("nul.csv", b"Ma dinh danh,Ten\x00", "nhị phân"),
        ("latin1.csv", "Mã định danh,Tên cơ quan\n".encode("cp1258", errors="replace"), "UTF-8"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "Không đọc được tệp Excel"),
        ("noheader.csv", b"a,b,c\n1,2,3\n", "Không tìm thấy dòng tiêu đề"),
        ("noname.csv", "Mã định danh,Hệ thống\n000.00.07.H41,X\n".encode(), "thiếu cột: Tên cơ quan"),
    ],
)
def test_unreadable_files_raise_a_vietnamese_file_error(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    with pytest.raises(RosterFileError) as raised:
        read_roster(write(tmp_path, name, data))
    assert message in raised.value.message_vi


def test_zip_that_is_not_a_workbook_and_missing_file(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(RosterFileError, match="Excel"):
        read_roster(write(tmp_path, "fake.xlsx", buffer.getvalue()))
    with pytest.raises(RosterFileError, match="Không đọc được tệp"):
        read_roster(tmp_path / "missing.csv")
    with pytest.raises(RosterFileError, match="Không đọc được tệp"):
        read_roster(tmp_path)


def test_utf16_export_and_write_csv_round_trip(tmp_path: Path) -> None:
    tabbed = GOOD_CSV.replace(",", "\t").replace("Phạm Thu Hà\t Văn phòng", "Phạm Thu Hà, Văn phòng")
    entries, errors = read_roster(write(tmp_path, "unicode.txt", tabbed, "utf-16"))
    assert errors == [] and len(entries) == 2
    out = tmp_path / "out.csv"
    write_csv(entries, out)
    assert read_roster(out) == (entries, [])


def test_demo_roster_lists_the_vendors_of_nghe_an_and_of_the_bkav_province() -> None:
    """The demo roster mixes provinces of both profiles: every Nghệ An vendor (VNPT's axis), and
    Cao Bằng's vendors (Bkav's axis) except its People's Committee, which is not on trial."""
    topology = load_topology(REPO_ROOT / "fixtures" / "topologies" / "demo.yaml")
    wanted = {
        a.id: a.name
        for p in topology.provinces
        if p.level1 in ("H41", "H14")
        for a in p.agencies
        if a.extra.get("harness") != "probe" and a.id != "000.00.00.H14"
    }
    entries, errors = read_roster(REPO_ROOT / "fixtures" / "rosters" / "demo.csv")
    assert errors == []
    assert {e.organ_id: e.name for e in entries} == wanted
    assert all(e.vendor and e.system and e.contact for e in entries)
