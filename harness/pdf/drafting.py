"""What the content generators share: the drafting context (agency, topic, seeded randomness, Faker)
and small text helpers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from faker import Faker

from harness.pdf.agencies import IssuingBody, agency_abbreviation
from harness.pdf.layout import BodyParagraph, ParaStyle, date_vi, vn_number
from harness.pdf.topics import Topic


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def low(text: str) -> str:
    """Lower-case the first letter, unless the text starts with a proper name ("Ủy ban nhân dân ...")."""
    if text.startswith(("Ủy ban", "Hội đồng", "Bộ ", "Sở ", "Văn phòng", "Thủ tướng", "Chính phủ")):
        return text
    return text[:1].lower() + text[1:]


def listed(items: list[str]) -> list[BodyParagraph]:
    """ "- a;" lines, the last one closed with a full stop."""
    return [BodyParagraph(f"- {x}{'.' if i == len(items) - 1 else ';'}") for i, x in enumerate(items)]


WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
ROMAN = ("I", "II", "III", "IV", "V", "VI")

_AMOUNTS: dict[str, tuple[int, int]] = {
    "văn bản": (1200, 25000),
    "hộ": (200, 5000),
    "công trình": (20, 300),
    "triệu đồng": (500, 20000),
    "vụ": (20, 400),
    "trường hợp": (2000, 40000),
    "điểm": (3, 30),
    "ca": (50, 2000),
    "ổ dịch": (5, 120),
    "tỷ đồng": (300, 5000),
    "dự án": (5, 60),
    "cơ sở": (20, 300),
    "thủ tục": (10, 120),
    "hệ thống": (5, 40),
}


@dataclass
class Drafting:
    a: IssuingBody
    t: Topic
    r: random.Random
    f: Faker
    when: date
    abbr_unit: str

    def person(self, *, female: bool | None = None) -> tuple[str, str]:
        """(honorific, full name) in Vietnamese order: family name, middle name, given name."""
        if female is None:
            female = self.r.random() < 0.35
        last = self.f.last_name()
        if female:
            middle = "Thị" if self.r.random() < 0.6 else self.f.middle_name()
            first = self.f.first_name_female()
        else:
            middle = self.f.middle_name()
            while middle == "Thị":
                middle = self.f.middle_name()
            first = self.f.first_name_male()
        return ("Bà" if female else "Ông"), f"{last} {middle} {first}"

    def earlier(self, lo: int, hi: int) -> date:
        return date.fromordinal(self.when.toordinal() - self.r.randint(lo, hi))

    def workday_after(self, lo: int, hi: int) -> date:
        day = date.fromordinal(self.when.toordinal() + self.r.randint(lo, hi))
        while day.weekday() >= 5:
            day = date.fromordinal(day.toordinal() + 1)
        return day

    def amount(self, unit: str) -> str:
        if unit == "%":
            return f"{vn_number(self.r.uniform(72, 99.5), 1)}%"
        lo, hi = _AMOUNTS.get(unit, (10, 500))
        return f"{vn_number(self.r.randint(lo, hi))} {unit}"

    def tasks(self, k: int) -> list[str]:
        return self.r.sample(list(self.t.tasks), min(k, len(self.t.tasks)))

    def doc_ref(self) -> str:
        """A plausible superior instruction this document implements."""
        n, d = self.r.randint(150, 5200), date_vi(self.earlier(20, 90))
        if self.a.kind == "province" and self.a.parent is None:
            return f"Văn bản số {n}/{agency_abbreviation(self.t.ministry)}-VP {d} của {self.t.ministry}"
        if self.a.parent:
            return f"Văn bản số {n}/{agency_abbreviation(self.a.parent)}-TH {d} của {self.a.parent}"
        return f"Chỉ thị số {self.r.randint(1, 40)}/CT-TTg {d} của Thủ tướng Chính phủ"

    @property
    def lead(self) -> str:
        return self.a.lead(self.t)

    @property
    def period(self) -> str:
        return f"6 tháng đầu năm {self.when.year}" if self.when.month <= 8 else f"năm {self.when.year}"


P = BodyParagraph
S = ParaStyle
