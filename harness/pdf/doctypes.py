"""The 14 administrative document types of the interconnect pilot (Decree 30/2020/NĐ-CP, Appendix I/III).

Each type knows its Vietnamese name, the abbreviation used in the document notation (ký hiệu) and
whether it carries a title block (type name in bold capitals, then the subject) or, for a Công văn,
a "V/v ..." subject line under the number.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from harness.errors import LienthongError


def ascii_slug(text: str) -> str:
    """ASCII file-name slug of a Vietnamese phrase: "Quyết định" -> "quyet-dinh"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_only.lower()).split()
    return "-".join(words)


@dataclass(frozen=True, slots=True)
class DocType:
    """One document type: `abbr` is None for the Công văn (its notation has no type abbreviation)."""

    name: str
    abbr: str | None

    @property
    def slug(self) -> str:
        return ascii_slug(self.name)

    @property
    def title(self) -> str:
        """The type name as printed in the title block: bold capitals."""
        return self.name.upper()

    @property
    def has_title(self) -> bool:
        """True for a title block (type name then subject); False for the Công văn's "V/v" line."""
        return self.abbr is not None

    def notation(self, agency_abbr: str, unit_abbr: str) -> str:
        """Ký hiệu: "QĐ-UBND" for most types, "<agency>-<drafting unit>" ("UBND-VX") for a Công văn."""
        if self.abbr is None:
            return f"{agency_abbr}-{unit_abbr}"
        return f"{self.abbr}-{agency_abbr}"


QUYET_DINH = DocType("Quyết định", "QĐ")
CHI_THI = DocType("Chỉ thị", "CT")
BAO_CAO = DocType("Báo cáo", "BC")
CHUONG_TRINH = DocType("Chương trình", "CTr")
KE_HOACH = DocType("Kế hoạch", "KH")
TO_TRINH = DocType("Tờ trình", "TTr")
QUY_CHE = DocType("Quy chế", "QC")
QUY_DINH = DocType("Quy định", "QyĐ")
HUONG_DAN = DocType("Hướng dẫn", "HD")
PHIEU_CHUYEN = DocType("Phiếu chuyển", "PC")
GIAY_MOI = DocType("Giấy mời", "GM")
THONG_BAO = DocType("Thông báo", "TB")
CONG_VAN = DocType("Công văn", None)
CONG_DIEN = DocType("Công điện", "CĐ")

DOC_TYPES: tuple[DocType, ...] = (
    QUYET_DINH,
    CHI_THI,
    BAO_CAO,
    CHUONG_TRINH,
    KE_HOACH,
    TO_TRINH,
    QUY_CHE,
    QUY_DINH,
    HUONG_DAN,
    PHIEU_CHUYEN,
    GIAY_MOI,
    THONG_BAO,
    CONG_VAN,
    CONG_DIEN,
)


class UnknownDocType(LienthongError, ValueError):
    """A name that is none of the 14 types; `message_vi` lists the valid ones."""

    def __init__(self, value: str) -> None:
        valid = ", ".join(t.name for t in DOC_TYPES)
        super().__init__(
            f"loại văn bản không hợp lệ: {value!r}. Các loại hợp lệ: {valid}.",
            message_en=f"unknown document type {value!r}",
        )
        self.value = value


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def doc_type(value: str) -> DocType:
    """Look a type up by Vietnamese name (any case), ASCII slug ("quyet-dinh", "quyet dinh") or abbreviation."""
    key = _key(value)
    for t in DOC_TYPES:
        if key == _key(t.name) or (t.abbr is not None and key == _key(t.abbr)):
            return t
    if value.isascii():
        slug = ascii_slug(value)
        for t in DOC_TYPES:
            if slug == t.slug:
                return t
    raise UnknownDocType(value)
