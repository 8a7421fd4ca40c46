"""Document identifiers: `<OrganId>,<yyyy/MM/dd>,<CodeNumber>/<CodeNotation>` (edxml.md §3)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DocumentId:
    organ_id: str
    date: str
    number: str
    notation: str

    def __str__(self) -> str:
        return format_document_id(self.organ_id, self.date, self.number, self.notation)


def format_document_id(organ_id: str, date: str, number: str, notation: str) -> str:
    return f"{organ_id},{date},{number}/{notation}"


def parse_document_id(value: str) -> DocumentId | None:
    """Split on the first two commas and the first slash; None when the shape is not there.

    The notation may itself contain '-', '/' and Vietnamese letters (`7816/VPCP-TTĐT`).
    """
    parts = value.split(",", 2)
    if len(parts) != 3 or "/" not in parts[2]:
        return None
    number, notation = parts[2].split("/", 1)
    if not (parts[0] and parts[1] and number and notation):
        return None
    return DocumentId(parts[0], parts[1], number, notation)
