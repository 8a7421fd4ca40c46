"""Agency identifiers in both shapes the axis carries.

* legacy QCVN 102:2016 `DDD.DD.DD.LDD`: 13 characters, level 1 is the rightmost group and the
  hierarchy grows right to left, `0`-filled groups mean "no sub-level";
* QĐ 20/2020 Art. 4: at most 35 characters of `0-9 A-Z .`, level 1 (`MX1X2`, M in A..Y) is the
  leftmost group and the hierarchy grows left to right.

No equivalence between the two shapes is asserted: the mapping is not published (edxml.md §2.4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import yaml

from harness.errors import LienthongError
from harness.paths import fixtures_dir

LEGACY_RE = re.compile(r"^([0-9]{3})\.([0-9]{2})\.([0-9]{2})\.([A-Z][0-9]{2})\Z")
QD20_RE = re.compile(r"^[A-Y][0-9]{2}(\.[0-9A-Z]+)*\Z")
QD20_MAX_LEN = 35


class IdShape(StrEnum):
    LEGACY = "legacy"
    QD20 = "qd20"


class InvalidIdentifier(LienthongError, ValueError):
    """An identifier that matches neither shape; carries a Vietnamese and an English reason."""

    def __init__(self, value: str, reason_vi: str, reason_en: str) -> None:
        super().__init__(f"{value!r}: {reason_vi}", message_en=f"{value!r}: {reason_en}")
        self.value = value
        self.reason_vi = reason_vi
        self.reason_en = reason_en


@dataclass(frozen=True, slots=True)
class AgencyId:
    """A parsed agency identifier; `path` lists the groups from level 1 downwards."""

    raw: str
    shape: IdShape
    path: tuple[str, ...]

    @property
    def level1(self) -> str:
        return self.path[0]

    @property
    def level(self) -> int:
        """Depth in the hierarchy: 1 for a ministry/province itself."""
        return len(self.path)

    def parent(self) -> AgencyId | None:
        """The identifier one level up, in the same shape, or None at level 1."""
        if self.level == 1:
            return None
        path = self.path[:-1]
        if self.shape is IdShape.QD20:
            return AgencyId(".".join(path), self.shape, path)
        groups = ["000", "00", "00"]  # level 4, 3, 2 as written left to right
        for i, g in enumerate(path[1:]):
            groups[2 - i] = g
        # Re-parse so that the parent's path is normalised exactly like a freshly parsed identifier.
        return parse_agency_id(".".join([*groups, path[0]]))


def parse_agency_id(value: str) -> AgencyId:
    """Parse either shape; raise InvalidIdentifier with a precise reason otherwise."""
    legacy = LEGACY_RE.match(value)
    if legacy:
        g4, g3, g2, level1 = legacy.groups()
        # Levels grow right to left; the deepest level is the leftmost non-zero group.
        groups = [g2, g3, g4]
        depth = max((i + 1 for i, g in enumerate(groups) if int(g) != 0), default=0)
        lower = groups[:depth]
        return AgencyId(value, IdShape.LEGACY, (level1, *lower))
    if QD20_RE.match(value):
        if len(value) > QD20_MAX_LEN:
            raise InvalidIdentifier(
                value,
                f"mã QĐ 20/2020 dài {len(value)} ký tự, quá {QD20_MAX_LEN}",
                f"QĐ 20/2020 identifier is {len(value)} characters, over {QD20_MAX_LEN}",
            )
        return AgencyId(value, IdShape.QD20, tuple(value.split(".")))
    if not value.strip():
        raise InvalidIdentifier(value, "mã định danh rỗng", "empty identifier")
    if value != value.strip():
        raise InvalidIdentifier(value, "mã định danh có khoảng trắng thừa", "identifier has surrounding whitespace")
    raise InvalidIdentifier(
        value,
        "không khớp dạng cũ DDD.DD.DD.LDD (QCVN 102) hay dạng QĐ 20/2020 (MX1X2[.nhóm]*)",
        "matches neither the legacy DDD.DD.DD.LDD nor the QĐ 20/2020 MX1X2[.group]* shape",
    )


@cache
def _level1_table() -> dict[str, str]:
    path = fixtures_dir() / "ids" / "level1.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(code): str(entry["name"]) for code, entry in data["codes"].items()}


def level1_name(code: str) -> str | None:
    """Name of a known level-1 body (G.. ministries, H.. provinces), or None."""
    return _level1_table().get(code)


def describe_agency_id(value: str) -> str:
    """One Vietnamese line: shape, level and the level-1 body it belongs to."""
    try:
        ident = parse_agency_id(value)
    except InvalidIdentifier as exc:
        return f"{value}: không hợp lệ ({exc.reason_vi})"
    shape = "mã cũ QCVN 102:2016" if ident.shape is IdShape.LEGACY else "mã QĐ 20/2020"
    owner = level1_name(ident.level1) or "mã cấp 1 chưa có trong danh mục"
    return f"{value}: {shape}, cấp {ident.level}, thuộc {ident.level1} ({owner})"
