"""Reports of a trial round: per-agency appendices (DOCX, signed PDF), the summary across agencies
(DOCX, signed PDF, XLSX, HTML), JUnit XML per agency and evidence bundles per failed scenario.

`render_all` is what the campaign runner calls; the other names render one output each.

The names load when first used (PEP 562): importing `harness.reports.text` or `.verification` alone no
longer brings in python-docx, reportlab's platypus, openpyxl and pyHanko (the console imported them all
to format a percentage: 1.7 s of the 3.1 s it took to start).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.reports.bundle import Bundle, bundle_name, write_bundle
    from harness.reports.docx_appendix import appendix_docx, summary_docx
    from harness.reports.errors import ReportError
    from harness.reports.html import report_html
    from harness.reports.junit import junit_xml
    from harness.reports.pdf_appendix import appendix_pdf, summary_pdf
    from harness.reports.pdf_sign import sign_report, stamp_reference
    from harness.reports.render import Manifest, ManifestEntry, ManifestError, render_all
    from harness.reports.verification import (
        DEFAULT_VERIFY_BASE,
        canonical_content,
        qr_payload,
        summary_code,
        verification_code,
        verify_code,
        verify_url,
    )
    from harness.reports.view import AgencyView, SummaryView, agency_view, frame_of, report_time, summary_view
    from harness.reports.xlsx import workbook_xlsx

_MODULE_OF = {
    "AgencyView": "harness.reports.view",
    "Bundle": "harness.reports.bundle",
    "DEFAULT_VERIFY_BASE": "harness.reports.verification",
    "Manifest": "harness.reports.render",
    "ManifestEntry": "harness.reports.render",
    "ManifestError": "harness.reports.render",
    "ReportError": "harness.reports.errors",
    "SummaryView": "harness.reports.view",
    "agency_view": "harness.reports.view",
    "appendix_docx": "harness.reports.docx_appendix",
    "appendix_pdf": "harness.reports.pdf_appendix",
    "bundle_name": "harness.reports.bundle",
    "canonical_content": "harness.reports.verification",
    "frame_of": "harness.reports.view",
    "junit_xml": "harness.reports.junit",
    "qr_payload": "harness.reports.verification",
    "render_all": "harness.reports.render",
    "report_html": "harness.reports.html",
    "report_time": "harness.reports.view",
    "sign_report": "harness.reports.pdf_sign",
    "stamp_reference": "harness.reports.pdf_sign",
    "summary_code": "harness.reports.verification",
    "summary_docx": "harness.reports.docx_appendix",
    "summary_pdf": "harness.reports.pdf_appendix",
    "summary_view": "harness.reports.view",
    "verification_code": "harness.reports.verification",
    "verify_code": "harness.reports.verification",
    "verify_url": "harness.reports.verification",
    "workbook_xlsx": "harness.reports.xlsx",
    "write_bundle": "harness.reports.bundle",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_VERIFY_BASE",
    "AgencyView",
    "Bundle",
    "Manifest",
    "ManifestEntry",
    "ManifestError",
    "ReportError",
    "SummaryView",
    "agency_view",
    "appendix_docx",
    "appendix_pdf",
    "bundle_name",
    "canonical_content",
    "frame_of",
    "junit_xml",
    "qr_payload",
    "render_all",
    "report_html",
    "report_time",
    "sign_report",
    "stamp_reference",
    "summary_code",
    "summary_docx",
    "summary_pdf",
    "summary_view",
    "verification_code",
    "verify_code",
    "verify_url",
    "workbook_xlsx",
    "write_bundle",
]
