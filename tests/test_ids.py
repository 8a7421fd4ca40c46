"""Agency identifiers (edxml.md §2) and document identifiers (edxml.md §3)."""

from __future__ import annotations

import pytest

from harness.ids import (
    AgencyId,
    DocumentId,
    IdShape,
    InvalidIdentifier,
    describe_agency_id,
    format_document_id,
    level1_name,
    parse_agency_id,
    parse_document_id,
)

# --- parsing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shape", "level", "level1", "path"),
    [
        ("000.00.00.G22", IdShape.LEGACY, 1, "G22", ("G22",)),
        ("000.00.00.H41", IdShape.LEGACY, 1, "H41", ("H41",)),
        ("000.00.11.H53", IdShape.LEGACY, 2, "H53", ("H53", "11")),
        ("000.00.01.A53", IdShape.LEGACY, 2, "A53", ("A53", "01")),
        ("000.01.01.H08", IdShape.LEGACY, 3, "H08", ("H08", "01", "01")),
        ("001.02.03.G12", IdShape.LEGACY, 4, "G12", ("G12", "03", "02", "001")),
        ("G12", IdShape.QD20, 1, "G12", ("G12",)),
        ("G12.18", IdShape.QD20, 2, "G12", ("G12", "18")),
        ("H53.11.A7", IdShape.QD20, 3, "H53", ("H53", "11", "A7")),
        ("Y99", IdShape.QD20, 1, "Y99", ("Y99",)),
    ],
)
def test_valid_identifiers_parse(value: str, shape: IdShape, level: int, level1: str, path: tuple[str, ...]) -> None:
    ident = parse_agency_id(value)
    assert ident.raw == value
    assert ident.shape is shape
    assert ident.level == level
    assert ident.level1 == level1
    assert ident.path == path


def test_qd20_length_boundary() -> None:
    at_limit = "G12." + "1" * 31
    assert len(at_limit) == 35
    assert parse_agency_id(at_limit).shape is IdShape.QD20

    too_long = "G12." + "1" * 32
    assert len(too_long) == 36
    with pytest.raises(InvalidIdentifier) as info:
        parse_agency_id(too_long)
    assert "36" in info.value.reason_en and "35" in info.value.reason_en
    assert "36" in info.value.reason_vi


@pytest.mark.parametrize(
    "value",
    [
        "01.02.G22",  # a group short
        "28.22.H17",
        "Z01",  # Z is not a level-1 letter
        "Z01.18",
        "g12",  # lower case
        "000.00.00.g22",
        "G1",
        "G123",
        "G12.",
        "G12..18",
        "G12.ab",
        "0000.00.00.G22",
        "000.00.00.G22.",
        "000-00-00-G22",
        "000.00.00.22G",
        "VN:GOV:000.00.00.G22:vpcpdvcprovider",
    ],
)
def test_invalid_identifiers_raise_with_reason(value: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_agency_id(value)
    exc = info.value
    assert exc.value == value
    assert exc.reason_en
    assert exc.reason_vi
    assert isinstance(exc, ValueError)
    assert exc.reason_en in str(exc)


def test_empty_identifier() -> None:
    for value in ("", "   "):
        with pytest.raises(InvalidIdentifier) as info:
            parse_agency_id(value)
        assert "empty" in info.value.reason_en
        assert "rỗng" in info.value.reason_vi


@pytest.mark.parametrize(
    "value",
    [" 000.00.00.G22", "000.00.00.G22 ", "\t000.00.00.G22", " G12.18 ", "000.00.00.G22\n", "G12.18\n"],
)
def test_whitespace_padded_identifier(value: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_agency_id(value)
    assert "whitespace" in info.value.reason_en
    assert "khoảng trắng" in info.value.reason_vi


@pytest.mark.parametrize(
    "value",
    [
        "٠٠٠.٠٠.٠٠.G22",  # Arabic-Indic digits
        "０００.００.００.G22",  # full-width digits
        "000.00.00.G２２",
        "G١٢.18",
        "G12.١٨",
    ],
)
def test_non_ascii_digits_are_refused(value: str) -> None:
    """edxml.md §2.1/§2.2: groups are ASCII digits `0-9` only."""
    with pytest.raises(InvalidIdentifier):
        parse_agency_id(value)


# --- parent ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        ("000.00.11.H53", "000.00.00.H53"),
        ("000.01.01.H08", "000.00.01.H08"),
        ("001.02.03.G12", "000.02.03.G12"),
        ("G12.18", "G12"),
        ("H53.11.A7", "H53.11"),
    ],
)
def test_parent(child: str, parent: str) -> None:
    up = parse_agency_id(child).parent()
    assert up is not None
    assert up.raw == parent
    assert up == parse_agency_id(parent)
    assert up.shape is parse_agency_id(child).shape
    assert up.level == parse_agency_id(child).level - 1


@pytest.mark.parametrize("value", ["000.00.00.G22", "G12", "000.00.00.H41"])
def test_parent_of_level1_is_none(value: str) -> None:
    assert parse_agency_id(value).parent() is None


def test_parent_chain_reaches_level1() -> None:
    ident: AgencyId | None = parse_agency_id("001.02.03.G12")
    raws: list[str] = []
    while ident is not None:
        raws.append(ident.raw)
        ident = ident.parent()
    assert raws == ["001.02.03.G12", "000.02.03.G12", "000.00.03.G12", "000.00.00.G12"]


# --- level-1 table -----------------------------------------------------------------------------------


def test_level1_names() -> None:
    assert level1_name("G22") == "Văn phòng Chính phủ"
    assert level1_name("G12") == "Bộ Tài chính"
    for code, place in [("H41", "Nghệ An"), ("H53", "Tây Ninh"), ("H56", "Thanh Hóa"), ("H14", "Cao Bằng")]:
        name = level1_name(code)
        assert name is not None and place in name, (code, name)


def test_level1_has_63_provinces() -> None:
    provinces = [f"H{i:02d}" for i in range(1, 64)]
    assert all(level1_name(code) for code in provinces)
    assert len({level1_name(code) for code in provinces}) == 63
    assert level1_name("H00") is None
    assert level1_name("H64") is None


def test_level1_unknown() -> None:
    assert level1_name("Z01") is None
    assert level1_name("") is None
    assert level1_name("g22") is None


# --- describe ------------------------------------------------------------------------------------------


def test_describe_legacy_level2() -> None:
    line = describe_agency_id("000.00.11.H53")
    assert "cấp 2" in line
    assert "H53" in line
    assert "Tây Ninh" in line
    assert "QCVN 102" in line


def test_describe_level1_ministry() -> None:
    line = describe_agency_id("000.00.00.G22")
    assert "cấp 1" in line
    assert "Văn phòng Chính phủ" in line


def test_describe_qd20() -> None:
    line = describe_agency_id("G12.18")
    assert "cấp 2" in line
    assert "Bộ Tài chính" in line
    assert "QĐ 20/2020" in line


def test_describe_unknown_level1_and_invalid() -> None:
    assert "chưa có trong danh mục" in describe_agency_id("000.00.00.X99")
    line = describe_agency_id("01.02.G22")
    assert "không hợp lệ" in line
    assert line.startswith("01.02.G22")


# --- document identifiers -----------------------------------------------------------------------------


def test_parse_document_id_vpcp_sample() -> None:
    value = "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    doc = parse_document_id(value)
    assert doc == DocumentId("000.00.00.G22", "2015/09/30", "7816", "VPCP-TTĐT")
    assert str(doc) == value


def test_parse_document_id_notation_with_slash() -> None:
    doc = parse_document_id("000.00.11.H53,2020/10/30,2491/STC/BCTC-ĐT")
    assert doc is not None
    assert doc.organ_id == "000.00.11.H53"
    assert doc.date == "2020/10/30"
    assert doc.number == "2491"
    assert doc.notation == "STC/BCTC-ĐT"
    assert str(doc) == "000.00.11.H53,2020/10/30,2491/STC/BCTC-ĐT"


def test_parse_document_id_splits_on_first_two_commas_only() -> None:
    doc = parse_document_id("G12.18,2024/01/02,15/QĐ-TCT,PL")
    assert doc == DocumentId("G12.18", "2024/01/02", "15", "QĐ-TCT,PL")


def test_format_document_id() -> None:
    assert format_document_id("000.00.00.H41", "2024/05/06", "123", "UBND-VX") == (
        "000.00.00.H41,2024/05/06,123/UBND-VX"
    )
    doc = DocumentId("000.00.00.G22", "2015/09/30", "7816", "VPCP-TTĐT")
    assert parse_document_id(str(doc)) == doc


@pytest.mark.parametrize(
    "value",
    [
        "4b8f0d7e-5c1a-4e0b-9a51-2f6d3c1e7a90",  # the VNPT library's default DocumentId
        "",
        "000.00.00.G22,2015/09/30",
        "000.00.00.G22,2015/09/30,7816",  # no slash
        ",2015/09/30,7816/VPCP",
        "000.00.00.G22,,7816/VPCP",
        "000.00.00.G22,2015/09/30,/VPCP",
        "000.00.00.G22,2015/09/30,7816/",
    ],
)
def test_parse_document_id_rejects(value: str) -> None:
    assert parse_document_id(value) is None
