"""Realistic Vietnamese administrative documents (Decree 30/2020/NĐ-CP layout) as PDF, plus seal/signature images."""

from harness.pdf.agencies import agency_abbreviation
from harness.pdf.content import make_spec
from harness.pdf.doctypes import DOC_TYPES, DocType, UnknownDocType, ascii_slug, doc_type
from harness.pdf.images import seal_png, signature_png
from harness.pdf.layout import PRIORITIES, BodyParagraph, DocumentSpec, ParaStyle, RenderedDocument, date_vi, render

__all__ = [
    "DOC_TYPES",
    "PRIORITIES",
    "BodyParagraph",
    "DocType",
    "DocumentSpec",
    "ParaStyle",
    "RenderedDocument",
    "UnknownDocType",
    "agency_abbreviation",
    "ascii_slug",
    "date_vi",
    "doc_type",
    "make_spec",
    "render",
    "seal_png",
    "signature_png",
]
