"""Signatures created per second and documents verified per second.

A 2-page PDF gets the two Decree 30 signatures (person, then agency over the left third of the
person's); verification runs every SIG check on the signed document (both signatures, offline
CRLs, hard-fail revocation). Profiles: pilot (PKCS#1 v1.5, B-B) and strict (PSS, B-T with the
offline TSA).

    python benchmarks/signing_throughput.py [--documents N]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from harness.pki import AgencyEntry, load_or_build
from harness.signing.sign import SigningOptions, sign_main_document
from harness.signing.verify import Profile, TrustConfig, verify_pdf

SENDER = "000.00.00.H41"


def two_page_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)
    for page in (1, 2):
        for line in range(40):
            c.drawString(80, 780 - line * 18, f"Trang {page}, dong {line}: noi dung van ban hanh chinh mau.")
        c.showPage()
    c.save()
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=30)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        pki = load_or_build([AgencyEntry(SENDER, "UBND tỉnh Nghệ An")], seed="bench", directory=Path(tmp))
    trust = TrustConfig.from_pki(pki)
    pdf = two_page_pdf()
    box = (360, 120, 520, 200)
    print(f"PDF 2 trang ({len(pdf) / 1000:.1f} KB), {args.documents} văn bản, mỗi văn bản 2 chữ ký")
    print(f"{'hồ sơ':<34}{'chữ ký/s':>10}{'văn bản kiểm tra/s':>20}")
    for label, options in (
        ("pilot (PKCS#1 v1.5, PAdES B-B)", SigningOptions(Profile.PILOT)),
        ("strict (RSASSA-PSS, PAdES B-T)", SigningOptions(Profile.STRICT, tsa=pki.tsa)),
    ):
        started = time.perf_counter()
        signed = [
            sign_main_document(pdf, pki.person(SENDER), pki.agency(SENDER), signer_box=box, page=1, options=options)
            for _ in range(args.documents)
        ]
        sign_rate = 2 * args.documents / (time.perf_counter() - started)
        started = time.perf_counter()
        for doc in signed:
            result = verify_pdf(doc, trust, sender=SENDER, profile=options.profile)
            assert result.findings == [], [f.message_en for f in result.findings]
        verify_rate = args.documents / (time.perf_counter() - started)
        print(f"{label:<34}{sign_rate:>10.1f}{verify_rate:>20.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
