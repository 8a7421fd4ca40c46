"""Wall time of the mandatory RT suite for one simulated agency, run as a user runs it.

    python benchmarks/rt_suite.py [--sut 000.00.12.H41] [--runs 1]

Runs `pytest features/rt --sut X --driver simulated -m mandatory` (compressed time, the demo
topology) and prints seconds per run; issue 5's target is under 180 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.scenarios.results import Outcome, read_results

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 180.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sut", default="000.00.12.H41")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    worst = 0.0
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            results = Path(tmp) / "results.jsonl"
            command = [sys.executable, "-m", "pytest", "features/rt", "-q", "-p", "no:cacheprovider"]
            command += ["--sut", args.sut, "--driver", "simulated", "-m", "mandatory", "--results", str(results)]
            started = time.monotonic()
            done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
            seconds = time.monotonic() - started
            recorded = read_results(results) if results.exists() else []
            passed = sum(r.outcome is Outcome.PASSED for r in recorded)
            print(f"run {run + 1}: {seconds:.1f} s, {passed}/{len(recorded)} scenarios passed, exit {done.returncode}")
            worst = max(worst, seconds)
    print(f"worst {worst:.1f} s (target < {TARGET_SECONDS:.0f} s)")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
