"""Throughput of `validate()` against the floor set by lxml parsing plus base64 decoding.

For each package: packages/s through `harness.edxml.validate`, the time `lxml.etree.fromstring`
alone takes on the same bytes plus `base64.b64decode` of every ContentTransferEncoded, and the
ratio of the two. Target: ratio <= 3.0 on the large (~370 KB) document package.

    python benchmarks/validate_throughput.py            # report, always exit 0
    python benchmarks/validate_throughput.py --check    # exit 1 when a target is missed
"""

from __future__ import annotations

import argparse
import base64
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from harness.edxml import build, validate
from harness.edxml.factory import DEFAULT_TO, new_document, status_for
from harness.edxml.model import Attachment

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO.parent / "shared" / "samples" / "bkav" / "edoc_new.edxml"
MAX_RATIO = 3.0
RUNS = 3

_RAW_PARSER = etree.XMLParser(huge_tree=True)


@dataclass(frozen=True, slots=True)
class Package:
    label: str
    data: bytes
    target: float | None  # maximum validate/raw ratio, None when informational


@dataclass(frozen=True, slots=True)
class Result:
    package: Package
    validate_s: float  # best time per package
    raw_s: float
    findings: int

    @property
    def ratio(self) -> float:
        return self.validate_s / self.raw_s

    @property
    def passed(self) -> bool:
        return self.package.target is None or self.ratio <= self.package.target


def packages() -> list[Package]:
    document = new_document()
    status = build(status_for(document, DEFAULT_TO, "03"))
    pdf = b"%PDF-1.7\n" + random.Random(2016).randbytes(270_000)
    large = build(
        new_document(attachments=[Attachment.from_bytes("bench", "van-ban.pdf", pdf, "application/pdf", "Văn bản")])
    )
    out = [
        Package("status package (03)", status, None),
        Package("document, 270 KB PDF", large, MAX_RATIO),
    ]
    if SAMPLE.is_file():
        out.append(Package(f"sample {SAMPLE.parent.name}/{SAMPLE.name}", SAMPLE.read_bytes(), None))
    return out


def raw_parse(data: bytes) -> None:
    """The floor: parse with lxml and decode every attachment, nothing else."""
    root = etree.fromstring(data, _RAW_PARSER)
    for el in root.iter("{*}ContentTransferEncoded"):
        base64.b64decode(el.text or "")


def best_time(fn: Callable[[], object], run_seconds: float) -> float:
    """Best seconds per call over RUNS runs of about `run_seconds` each."""
    fn()  # warm up (thread-local parsers, caches)
    calls = 1
    while True:  # calibrate: enough calls for one run to last about `run_seconds`
        started = time.perf_counter()
        for _ in range(calls):
            fn()
        elapsed = time.perf_counter() - started
        if elapsed >= run_seconds / 10:
            break
        calls *= 4
    calls = max(1, round(calls * run_seconds / elapsed))
    best = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - started) / calls)
    return best


def measure(pkg: Package, run_seconds: float) -> Result:
    report = validate(pkg.data)
    return Result(
        package=pkg,
        validate_s=best_time(lambda: validate(pkg.data), run_seconds),
        raw_s=best_time(lambda: raw_parse(pkg.data), run_seconds),
        findings=len(report.findings),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--run-seconds", type=float, default=0.5, help="length of one timed run (default 0.5)")
    args = parser.parse_args(argv)

    print(f"validate() throughput, best of {RUNS} runs of ~{args.run_seconds:g} s; raw = lxml parse + base64 decode")
    columns = ("package", "size", "findings", "validate", "pkg/s", "raw", "ratio")
    widths = (-34, 9, 8, 10, 8, 10, 6)
    header = " ".join(f"{c:<{-w}}" if w < 0 else f"{c:>{w}}" for c, w in zip(columns, widths, strict=True))
    header += "  target"
    print(header)
    print("-" * len(header))
    results: list[Result] = []
    for pkg in packages():
        r = measure(pkg, args.run_seconds)
        results.append(r)
        verdict = "-" if pkg.target is None else f"<= {pkg.target:.1f} {'PASS' if r.passed else 'FAIL'}"
        print(
            f"{pkg.label:<34} {len(pkg.data) / 1024:>6.1f} KB {r.findings:>8}"
            f" {r.validate_s * 1e3:>7.3f} ms {1 / r.validate_s:>8.0f}"
            f" {r.raw_s * 1e3:>7.3f} ms {r.ratio:>5.2f}x  {verdict}",
            flush=True,
        )
    if not SAMPLE.is_file():
        print(f"(sample {SAMPLE} not found: skipped)")
    failed = [r for r in results if not r.passed]
    print("FAIL" if failed else "PASS", f"({len(results) - len(failed)}/{len(results)} within target)")
    return 1 if failed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
