"""Who issues a generated document: the issuing body, its parent, titles of its head and deputy, its
abbreviation and place, derived from the agency code and name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from harness.pdf.topics import Topic


@dataclass(frozen=True, slots=True)
class IssuingBody:
    full: str  # "Ủy ban nhân dân tỉnh Nghệ An"
    parent: str | None
    abbr: str
    head: str  # "Chủ tịch"
    deputy: str  # "Phó Chủ tịch"
    place: str
    kind: str  # "province" (a People's Committee), "ministry", "other"
    locality: str  # "tỉnh", "thành phố", "huyện" for a People's Committee, else ""

    @property
    def short(self) -> str:
        """How the body names itself in its own text: "Ủy ban nhân dân tỉnh", "Bộ Y tế"."""
        return f"Ủy ban nhân dân {self.locality}" if self.kind == "province" else self.full

    @property
    def head_title(self) -> str:
        """The head as named in running text: "Chủ tịch Ủy ban nhân dân tỉnh", "Chánh Văn phòng Bộ"."""
        return f"{self.head} {self.short}" if self.kind == "province" else office_head(self.full)

    @property
    def head_full(self) -> str:
        """The head with the body's full name: "Chủ tịch Ủy ban nhân dân tỉnh Nghệ An", "Bộ trưởng Bộ Y tế"."""
        return f"{self.head} {self.full}" if self.kind == "province" else office_head(self.full)

    @property
    def deputy_title(self) -> str:
        return f"{self.deputy} {self.short}" if self.kind == "province" else deputy_title(self.full)

    @property
    def provincial(self) -> bool:
        return self.kind == "province" and self.locality in ("tỉnh", "thành phố")

    @property
    def scope(self) -> str:
        if self.kind == "province":
            return f"trên địa bàn {self.locality}"
        if self.kind == "ministry":
            return "tại các cơ quan, đơn vị thuộc Bộ"
        return "tại cơ quan, đơn vị"

    @property
    def subordinates(self) -> tuple[str, ...]:
        if self.provincial:
            lower = "các quận, huyện, thị xã" if self.locality == "thành phố" else "các huyện, thành phố, thị xã"
            return (f"Các sở, ban, ngành cấp {self.locality}", f"Ủy ban nhân dân {lower}")
        if self.kind == "province":
            return (
                f"Các phòng, ban chuyên môn thuộc Ủy ban nhân dân {self.locality}",
                "Ủy ban nhân dân các xã, thị trấn",
            )
        if self.kind == "ministry":
            return ("Các cơ quan, đơn vị thuộc Bộ", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương")
        return ("Các phòng, đơn vị trực thuộc",)

    @property
    def executors(self) -> str:
        """Who carries a Quyết định out (its last article)."""
        if self.provincial:
            lower = "các quận, huyện, thị xã" if self.locality == "thành phố" else "các huyện, thành phố, thị xã"
            return (
                f"Chánh Văn phòng Ủy ban nhân dân {self.locality}; Giám đốc các sở, Thủ trưởng các ban, ngành cấp"
                f" {self.locality}; Chủ tịch Ủy ban nhân dân {lower}"
            )
        if self.kind == "province":
            return f"Chánh Văn phòng Ủy ban nhân dân {self.locality}; Trưởng các phòng, ban chuyên môn"
        if self.kind == "ministry":
            return "Chánh Văn phòng Bộ, Thủ trưởng các cơ quan, đơn vị thuộc Bộ"
        return "Chánh Văn phòng, Trưởng các phòng, đơn vị trực thuộc"

    def lead(self, topic: Topic) -> str:
        if self.kind == "province":
            return topic.lead_local
        if self.kind == "ministry":
            return topic.lead_central
        return "Văn phòng"

    def unit(self, topic: Topic) -> str:
        if self.kind == "province":
            return topic.unit_local
        if self.kind == "ministry":
            return topic.unit_central
        return "VP"


_TITLES: tuple[tuple[str, str, str], ...] = (
    # name prefix (casefolded), head, deputy
    ("ủy ban nhân dân", "Chủ tịch", "Phó Chủ tịch"),
    ("văn phòng chính phủ", "Bộ trưởng, Chủ nhiệm", "Phó Chủ nhiệm"),
    ("ủy ban dân tộc", "Bộ trưởng, Chủ nhiệm", "Thứ trưởng, Phó Chủ nhiệm"),
    ("thanh tra chính phủ", "Tổng Thanh tra", "Phó Tổng Thanh tra"),
    ("ngân hàng nhà nước", "Thống đốc", "Phó Thống đốc"),
    ("bộ ", "Bộ trưởng", "Thứ trưởng"),
    ("sở ", "Giám đốc", "Phó Giám đốc"),
    ("công an", "Giám đốc", "Phó Giám đốc"),
    ("bảo hiểm xã hội", "Tổng Giám đốc", "Phó Tổng Giám đốc"),
    ("đài ", "Tổng Giám đốc", "Phó Tổng Giám đốc"),
    ("thông tấn xã", "Tổng Giám đốc", "Phó Tổng Giám đốc"),
    ("cục ", "Cục trưởng", "Phó Cục trưởng"),
    ("tổng cục", "Tổng Cục trưởng", "Phó Tổng Cục trưởng"),
    ("vụ ", "Vụ trưởng", "Phó Vụ trưởng"),
    ("văn phòng", "Chánh Văn phòng", "Phó Chánh Văn phòng"),
    ("thanh tra", "Chánh Thanh tra", "Phó Chánh Thanh tra"),
    ("ủy ban ", "Chủ tịch", "Phó Chủ tịch"),
    ("trung tâm", "Giám đốc", "Phó Giám đốc"),
    ("ban ", "Trưởng ban", "Phó Trưởng ban"),
    ("phòng ", "Trưởng phòng", "Phó Trưởng phòng"),
)

_ABBR_OVERRIDES = {
    "Ngân hàng Nhà nước Việt Nam": "NHNN",
    "Bảo hiểm xã hội Việt Nam": "BHXH",
    "Ủy ban Quản lý vốn nhà nước tại doanh nghiệp": "UBQLV",
}


def _titles(name: str) -> tuple[str, str]:
    key = name.casefold()
    for prefix, head, deputy in _TITLES:
        if key.startswith(prefix):
            return head, deputy
    return "Thủ trưởng", "Phó Thủ trưởng"


def _with_unit(title: str, unit: str) -> str:
    """A title followed by its unit without repeating the unit's kind: "Chánh Văn phòng Bộ" (not "Chánh Văn
    phòng Văn phòng Bộ"), "Phó Trưởng phòng Nghiệp vụ" (not "Phó Trưởng phòng Phòng Nghiệp vụ")."""
    for kind in ("Văn phòng", "Phòng", "Thanh tra"):
        if unit.startswith(kind) and title.casefold().endswith(kind.casefold()):
            return f"{title} {unit[len(kind) :].strip()}".strip()
    return f"{title} {unit}"


def office_head(unit: str) -> str:
    """ "Giám đốc Sở Y tế", "Chánh Văn phòng Bộ", "Vụ trưởng Vụ Pháp chế"."""
    return _with_unit(_titles(unit)[0], unit)


def deputy_title(unit: str) -> str:
    """ "Phó Giám đốc Sở Tài chính", "Phó Chánh Văn phòng Bộ", "Phó Trưởng phòng Nghiệp vụ"."""
    return _with_unit(_titles(unit)[1], unit)


def _expand(name: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", name).split()).replace("Uỷ", "Ủy").replace("uỷ", "ủy")
    if name.startswith("UBND "):
        name = "Ủy ban nhân dân " + name[len("UBND ") :]
    return name


def agency_abbreviation(name: str) -> str:
    """The agency part of a notation: "UBND", "BYT", "STTTT", "VPCP", "BLĐTBXH"."""
    full = _expand(name)
    if full.casefold().startswith("ủy ban nhân dân"):
        return "UBND"
    if full in _ABBR_OVERRIDES:
        return _ABBR_OVERRIDES[full]
    words = [w for w in full.replace(",", " ").replace("-", " ").split() if w.casefold() != "và"]
    return "".join(w[0].upper() for w in words if w[0].isalpha())


def _place_of(name: str | None) -> str | None:
    if not name:
        return None
    full = _expand(name)
    for prefix in (
        "Ủy ban nhân dân tỉnh ",
        "Ủy ban nhân dân thành phố ",
        "Ủy ban nhân dân huyện ",
        "Ủy ban nhân dân quận ",
        "Ủy ban nhân dân thị xã ",
    ):
        if full.startswith(prefix):
            return full[len(prefix) :]
    return None


def issuing_body(agency_id: str, agency_name: str) -> IssuingBody:
    from harness.ids import level1_name, parse_agency_id

    ident = parse_agency_id(agency_id)
    full = _expand(agency_name)
    l1 = level1_name(ident.level1)
    parent = _expand(l1) if l1 and ident.level > 1 and _expand(l1) != full else None
    if full.casefold().startswith("ủy ban nhân dân"):
        parent = None  # People's Committees print no governing body above their name (Decree 30, App. I)
    place = _place_of(full) or _place_of(parent) or (_place_of(l1) if ident.level1.startswith("H") else None)
    head, deputy = _titles(full)
    if full.casefold().startswith("ủy ban nhân dân"):
        rest = full[len("Ủy ban nhân dân ") :]
        locality = "thành phố" if rest.startswith("thành phố") else (rest.split() or ["tỉnh"])[0]
        kind = "province"
    else:
        locality = ""
        kind = "ministry" if full.startswith("Bộ ") else "other"
    return IssuingBody(
        full=full,
        parent=parent,
        abbr=agency_abbreviation(full),
        head=head,
        deputy=deputy,
        place=place or "Hà Nội",
        kind=kind,
        locality=locality,
    )
