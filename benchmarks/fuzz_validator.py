"""Fuzz the validator for a while: seeded mutants of the shared samples, strict and lenient.

    .venv/bin/python benchmarks/fuzz_validator.py --minutes 15 [--seed 1] [--out reports/fuzz]

Prints the inputs tried and the failures (an exception instead of findings); each failing input
is written to `--out` with its seed and index so it can be replayed. Exit 1 when anything failed.
The short version runs in the test suite (`tests/test_fuzz_validator.py`).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from harness.edxml import validate
from harness.edxml.mutate import mutants

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO.parent / "shared" / "samples"
CORPUS = REPO / "fixtures" / "edxml" / "valid"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "fuzz")
    args = parser.parse_args()
    files = sorted(SAMPLES.rglob("*.edxml")) + sorted(CORPUS.glob("*.edxml"))
    if not files:
        print(f"no seed packages under {SAMPLES} or {CORPUS}", file=sys.stderr)
        return 2
    seeds = [f.read_bytes() for f in files]
    started = time.monotonic()
    deadline = started + args.minutes * 60
    next_report = started + 60
    tried = refused = failures = 0
    for data in mutants(seeds, seed=args.seed):
        strict = tried % 2 == 1
        try:
            report = validate(data, strict=strict)
            refused += not report.ok
        except Exception:
            failures += 1
            args.out.mkdir(parents=True, exist_ok=True)
            name = args.out / f"seed{args.seed}-input{tried}-{'strict' if strict else 'lenient'}"
            name.with_suffix(".edxml").write_bytes(data)
            name.with_suffix(".txt").write_text(traceback.format_exc(), encoding="utf-8")
            print(f"FAIL input {tried} ({len(data)} bytes, strict={strict}): {name}.edxml", flush=True)
        tried += 1
        now = time.monotonic()
        if now >= next_report:
            minutes = (now - started) / 60
            print(f"{minutes:5.1f} min: {tried} inputs, {refused} refused, {failures} failures", flush=True)
            next_report += 60
        if now >= deadline:
            break
    elapsed = time.monotonic() - started
    print(
        f"inputs tried: {tried} in {elapsed:.0f} s ({tried / elapsed:.0f}/s), refused with findings: {refused}, "
        f"failures (exceptions): {failures}, seed {args.seed}, {len(seeds)} seed packages"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
