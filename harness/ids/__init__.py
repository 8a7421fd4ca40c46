"""Agency identifiers (mã định danh) and document identifiers (edxml.md §2, §3)."""

from harness.ids.agency import (
    AgencyId,
    IdShape,
    InvalidIdentifier,
    describe_agency_id,
    level1_name,
    parse_agency_id,
)
from harness.ids.document import DocumentId, format_document_id, parse_document_id

__all__ = [
    "AgencyId",
    "DocumentId",
    "IdShape",
    "InvalidIdentifier",
    "describe_agency_id",
    "format_document_id",
    "level1_name",
    "parse_agency_id",
    "parse_document_id",
]
