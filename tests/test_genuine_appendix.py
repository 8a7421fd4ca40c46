"""The console's "is this the genuine signed appendix?" check on a real rendered appendix: the
original passes; a changed byte, an incremental update, a copy that was never issued and files
that are not PDFs at all do not, each with a Vietnamese reason and never an exception."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from harness.pki import TestPki
from harness.reports import render_all, verify_url
from harness.reports.genuine import MAX_BYTES, Genuineness, check_appendix_pdf
from tests import reports_data as data

BASE = "https://lienthong.example.vn/"


@dataclasses.dataclass(frozen=True)
class Issued:
    pdf: bytes
    docx: Path
    code: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


@pytest.fixture(scope="module")
def pki() -> TestPki:
    return data.pki()


@pytest.fixture(scope="module")
def issued(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Issued:
    """The failing agency's appendix, rendered alone by the campaign's render_all."""
    base = tmp_path_factory.mktemp("genuine")
    runs = data.results(base / "evidence")
    full = data.summary(runs)
    summary = dataclasses.replace(full, statements=[s for s in full.statements if s.agency.organ_id == data.FAILING])
    manifest = render_all(summary, base / "out", pki=pki, runs=runs, verify_base=BASE)
    assert manifest.ok, manifest.errors
    (pdf,) = manifest.paths("appendix-pdf", data.FAILING)
    (docx,) = manifest.paths("appendix-docx", data.FAILING)
    return Issued(pdf.read_bytes(), docx, manifest.codes[data.FAILING])


def _check(
    pki: TestPki, issued: Issued, pdf: bytes, *, issuer: str | None = None, max_bytes: int = MAX_BYTES
) -> Genuineness:
    return check_appendix_pdf(pdf, pki=pki, issued_sha256={issued.sha256}, issuer_organ_id=issuer, max_bytes=max_bytes)


def _save(writer: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def _with_annotation(pdf: bytes) -> bytes:
    """A reviewer's note added to page 1 in an incremental update after the signature."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    rect = generic.ArrayObject([generic.NumberObject(v) for v in (100, 100, 120, 120)])  # type: ignore[no-untyped-call]
    note = generic.DictionaryObject(  # type: ignore[no-untyped-call]
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Text"),
            generic.NameObject("/Rect"): rect,
            generic.NameObject("/Contents"): generic.TextStringObject("Đã duyệt"),
        }
    )
    annots = generic.ArrayObject(list(page.get("/Annots", generic.ArrayObject())))
    annots.append(w.add_object(note))
    page[generic.NameObject("/Annots")] = annots
    w.update_container(page)
    return _save(w)


def _with_metadata(pdf: bytes) -> bytes:
    """A new title in the document information, re-saved incrementally (pyHanko's diff policy
    allows such metadata updates after a signature, the genuineness check does not)."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    title = {generic.NameObject("/Title"): generic.TextStringObject("Bản đã sửa")}
    w.set_info(generic.DictionaryObject(title))  # type: ignore[no-untyped-call]
    return _save(w)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_the_issued_appendix_is_genuine(pki: TestPki, issued: Issued) -> None:
    verdict = _check(pki, issued, issued.pdf, issuer=data.ISSUER_ID)
    assert verdict.genuine and verdict.reasons_vi == (), verdict.reasons_vi
    assert verdict.matches_issued and verdict.sha256 == issued.sha256
    assert verdict.signer == data.ISSUER.name
    assert verdict.signed_at is not None and verdict.signed_at.utcoffset() is not None
    # Upper-case digests from a manifest or a form count too.
    assert check_appendix_pdf(issued.pdf, pki=pki, issued_sha256=[issued.sha256.upper()]).genuine


def test_the_appendix_points_to_the_configured_console(issued: Issued) -> None:
    url = verify_url(issued.code, BASE)
    assert url == f"https://lienthong.example.vn/xac-minh/{issued.code}"
    left = _nfc(Document(str(issued.docx)).tables[2].rows[0].cells[0].text)
    assert f"Tra cứu: {url}" in left


def test_a_signature_from_another_agency_is_not_genuine(pki: TestPki, issued: Issued) -> None:
    verdict = _check(pki, issued, issued.pdf, issuer=data.FAILING)
    assert not verdict.genuine and verdict.matches_issued
    assert any(r.startswith("[SIG-12]") for r in verdict.reasons_vi), verdict.reasons_vi


def test_one_changed_byte_of_the_page_content_is_not_genuine(pki: TestPki, issued: Issued) -> None:
    pdf = issued.pdf
    contents = re.search(rb"/Contents (\d+) 0 R", pdf)
    assert contents is not None
    obj = pdf.index(b"\n" + contents.group(1) + b" 0 obj")
    at = pdf.index(b"stream", obj) + 40  # inside the first page's content stream
    tampered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]
    verdict = _check(pki, issued, tampered)
    assert not verdict.genuine and not verdict.matches_issued
    assert any(r.startswith("[SIG-03]") for r in verdict.reasons_vi), verdict.reasons_vi
    assert verdict.signer == data.ISSUER.name  # the signature is still there, it no longer checks


@pytest.mark.parametrize("update", [_with_annotation, _with_metadata], ids=["annotation", "metadata"])
def test_an_incremental_update_is_not_genuine(pki: TestPki, issued: Issued, update: Callable[[bytes], bytes]) -> None:
    updated = update(issued.pdf)
    assert updated.startswith(issued.pdf) and len(updated) > len(issued.pdf)
    verdict = _check(pki, issued, updated)
    assert not verdict.genuine and not verdict.matches_issued
    assert any(r.startswith("[SIG-04]") for r in verdict.reasons_vi), verdict.reasons_vi


def test_a_signed_copy_that_was_not_issued_is_not_genuine(pki: TestPki, issued: Issued) -> None:
    other = check_appendix_pdf(issued.pdf, pki=pki, issued_sha256={"0" * 64})
    assert not other.genuine and not other.matches_issued
    assert other.reasons_vi == (
        "Tệp không phải bản phụ lục đã phát hành theo mã xác thực này (mã băm SHA-256 không khớp).",
    )
    none = check_appendix_pdf(issued.pdf, pki=pki, issued_sha256=())
    assert not none.genuine
    assert none.reasons_vi == ("Chưa có bản phụ lục PDF nào được phát hành theo mã xác thực này.",)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda pdf: os.urandom(4096), "[SIG-01] Tệp không phải PDF."),
        (lambda pdf: b"", "Tệp rỗng"),
        (lambda pdf: pdf[: len(pdf) // 2], "[SIG-01] Không đọc được tệp PDF"),
        (lambda pdf: pdf[:1024], "[SIG-01]"),
    ],
    ids=["random", "empty", "truncated", "header-only"],
)
def test_what_is_not_a_whole_pdf_gets_a_clean_verdict(
    pki: TestPki, issued: Issued, make: Callable[[bytes], bytes], reason: str
) -> None:
    verdict = _check(pki, issued, make(issued.pdf))
    assert not verdict.genuine and not verdict.matches_issued and verdict.signer == ""
    assert verdict.reasons_vi[0].startswith(reason), verdict.reasons_vi


def test_an_oversized_upload_is_refused_before_parsing(pki: TestPki, issued: Issued) -> None:
    verdict = _check(pki, issued, issued.pdf, max_bytes=len(issued.pdf) - 1)
    assert not verdict.genuine and verdict.reasons_vi[0].startswith("Tệp quá lớn"), verdict.reasons_vi
