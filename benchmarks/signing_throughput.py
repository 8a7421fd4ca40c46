"""Signatures created per second and documents verified per second.

A 2-page Decree 30 document (harness.pdf) gets both signatures (person, then agency over the left third of the
person's); verification runs every SIG check on the signed document (both signatures, offline
CRLs, hard-fail revocation). Profiles: pilot (PKCS#1 v1.5, B-B) and strict (PSS, B-T with the
offline TSA).

    python benchmarks/signing_throughput.py [--documents N]
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from datetime import date
from pathlib import Path

from harness.pdf import make_spec, render, seal_png, signature_png
from harness.pki import AgencyEntry, load_or_build
from harness.signing.sign import SigningOptions, sign_main_document
from harness.signing.verify import Profile, TrustConfig, verify_pdf

SENDER = "000.00.00.H41"


def two_page_document() -> tuple[bytes, int, tuple[int, int, int, int], bytes, bytes]:
    """A Decree 30 "Kế hoạch" (2 pages), where to sign it, and the signature and seal images."""
    for seed in range(1, 50):
        spec = make_spec("Kế hoạch", SENDER, "UBND tỉnh Nghệ An", seed=seed, when=date(2026, 11, 20))
        rendered = render(spec)
        if rendered.page_count == 2:
            page, x1, y1, x2, y2 = rendered.signer_box
            box = (round(x1), round(y1), round(x2), round(y2))
            return rendered.pdf, page, box, signature_png(spec.signer_name, seed=seed), seal_png(spec.issuing_body)
    raise RuntimeError("no 2-page document found")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=30)
    args = parser.parse_args(argv)
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        pki = load_or_build([AgencyEntry(SENDER, "UBND tỉnh Nghệ An")], seed="bench", directory=Path(tmp))
    trust = TrustConfig.from_pki(pki)
    pdf, page, box, person_png, seal = two_page_document()
    print(f"Kế hoạch 2 trang ({len(pdf) / 1000:.1f} KB PDF), {args.documents} văn bản, mỗi văn bản 2 chữ ký có hình")
    print(f"{'hồ sơ':<34}{'chữ ký/s':>10}{'văn bản kiểm tra/s':>20}")
    for label, options in (
        ("pilot (PKCS#1 v1.5, PAdES B-B)", SigningOptions(Profile.PILOT)),
        ("strict (RSASSA-PSS, PAdES B-T)", SigningOptions(Profile.STRICT, tsa=pki.tsa)),
    ):
        started = time.perf_counter()
        signed = [
            sign_main_document(
                pdf,
                pki.person(SENDER),
                pki.agency(SENDER),
                signer_box=box,
                page=page,
                person_png=person_png,
                seal_png=seal,
                options=options,
            )
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
