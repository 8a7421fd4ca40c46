"""Which level of the province an agency belongs to, so that a province-sized exchange matrix can be
printed grouped: provincial bodies, district-level people's committees, communes, and the parties outside
the roster (the harness' probes, other agencies).

The roster does not say the level; the identifier and the name do. A commune (ward, town) is a level-3
unit (`000.CC.DD.H41`) or is named so; a district-level unit is a level-2 people's committee of a
district, town or provincial city; every other level-1/2 body is a provincial body.
"""

from __future__ import annotations

from harness.ids import InvalidIdentifier, parse_agency_id

TIERS_VI = ("Cơ quan cấp tỉnh", "UBND cấp huyện", "Cấp xã")
OUTSIDE_VI = "Đơn vị kiểm thử và cơ quan ngoài danh sách"
_COMMUNE = ("xã ", "phường ", "thị trấn ", "ubnd xã", "ubnd phường", "ubnd thị trấn")
_DISTRICT = ("ubnd huyện", "ubnd thị xã", "ubnd thành phố", "ubnd quận")


def tier(organ_id: str, name: str) -> int:
    """0 provincial body, 1 district level, 2 commune level."""
    lowered = name.strip().lower()
    try:
        level = parse_agency_id(organ_id).level
    except InvalidIdentifier:
        level = 2
    if level >= 3 or lowered.startswith(_COMMUNE):
        return 2
    return 1 if lowered.startswith(_DISTRICT) else 0


def group_label(organ_id: str, name: str) -> str:
    """ "Cơ quan cấp tỉnh (H41)": the tier within the agency's province (level-1 code)."""
    try:
        level1 = parse_agency_id(organ_id).level1
    except InvalidIdentifier:
        return TIERS_VI[tier(organ_id, name)]
    return f"{TIERS_VI[tier(organ_id, name)]} ({level1})"
