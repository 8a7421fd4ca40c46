"""Sustainable rate of an axis: `lienthong load` at growing user counts, the best run within thresholds.

Each step is a full `lienthong load` run (a fresh simulated provincial axis unless `--target` is
passed through, Locust in its own processes, thresholds and loss check). The sustainable rate is
the highest rate of accepted documents among the steps whose response-time thresholds, failure
ratio and loss check all hold.

    python benchmarks/load_rate.py --users 20,40,80 --duration 30s
    python benchmarks/load_rate.py --users 60,120,180,240 --duration 60s -- --workers 1 --agencies 100

Arguments after `--` go to every `lienthong load` run unchanged.
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
THROUGHPUT = "docs_per_s"
SHOWN = ("sendEdoc", "getReceivedEdocList", "getEdoc", "updateStatus")


def within(summary: dict[str, Any]) -> bool:
    """Latency thresholds, failure ratio and loss check hold (the minimum throughput is what is measured)."""
    verdicts_ok = all(v["ok"] for v in summary["verdicts"] if v["metric"] != THROUGHPUT)
    return verdicts_ok and bool(summary["accounting"]["ok"])


def cell(value: Any) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0f}"


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    extra: list[str] = []
    if "--" in args_in:
        cut = args_in.index("--")
        args_in, extra = args_in[:cut], args_in[cut + 1 :]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", default="20,40,80", help="user counts, comma-separated")
    parser.add_argument("--duration", default="30s")
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds to spawn all users of a step")
    parser.add_argument("--out", type=Path, default=None, help="default reports/load/rate-<time>/")
    args = parser.parse_args(args_in)
    out = args.out or REPO / "reports" / "load" / f"rate-{datetime.now():%Y%m%d-%H%M%S}"
    steps = [int(u) for u in args.users.split(",") if u.strip()]
    header = f"{'users':>6}{'docs/s':>8}{'req/s':>8}" + "".join(f"{'p99 ' + n:>26}" for n in SHOWN)
    print(header + f"{'fail %':>8}{'lost':>6}{'dup':>5}  within (* generator above 90 % CPU)")
    best: tuple[float, list[str]] | None = None
    for users in steps:
        command = [
            sys.executable, "-m", "harness.cli", "load",
            "--users", str(users),
            "--spawn-rate", f"{max(1.0, users / args.ramp):g}",
            "--duration", args.duration,
            "--out", str(out / f"u{users}"),
            *extra,
        ]  # fmt: skip
        subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, check=False)
        try:
            summary = json.loads((out / f"u{users}" / "summary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            print(f"{users:>6}  no summary (see {out / f'u{users}'})")
            continue
        stats = summary["stats"]
        verdicts = {v["metric"]: v for v in summary["verdicts"]}
        docs = float(verdicts[THROUGHPUT]["value"] or 0.0)
        total = stats.get("Aggregated", {})
        fail = 100.0 * total.get("failures", 0) / total["requests"] if total.get("requests") else 0.0
        ok = within(summary)
        row = f"{users:>6}{docs:>8.1f}{total.get('rps', 0.0):>8.0f}"
        row += "".join(f"{cell(stats.get(n, {}).get('p99_ms')) + ' ms':>26}" for n in SHOWN)
        acc = summary["accounting"]
        mark = " *" if summary.get("generator_cpu_saturated") else ""
        print(row + f"{fail:>8.2f}{acc['lost']:>6}{acc['duplicated']:>5}  {'yes' if ok else 'no'}{mark}", flush=True)
        if ok and (best is None or docs > best[0]):
            shown = [a for i, a in enumerate(command[3:]) if a != "--out" and command[3:][i - 1] != "--out"]
            best = (docs, [".venv/bin/lienthong", *shown])
    if best is None:
        print("no step stayed within the thresholds")
        return 1
    print(f"sustainable rate: {best[0]:.1f} documents/s, reproduced by:\n  {shlex.join(best[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
