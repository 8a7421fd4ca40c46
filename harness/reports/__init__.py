"""Reports of a trial round: per-agency appendices (DOCX, signed PDF), the summary across agencies
(DOCX, signed PDF, XLSX, HTML), JUnit XML per agency and evidence bundles per failed scenario.

`render_all` is what the campaign runner calls; the other names render one output each.
"""

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
