"""A province-sized trial, timed: trial time, peak memory of the whole process tree, disk used and report
time for rosters of generated provinces (fixtures/province.py), each run as `lienthong trial run` would.

    python -m benchmarks.trial_scale --sizes 20 64 256 [--scenario RT-01 ...] [--retries 0]
    python -m benchmarks.trial_scale --reports-only --sizes 1000

Prints one row per size; `--reports-only` renders every report from recorded results (fixtures/recorded.py)
instead of running a trial. Issue 28's targets on the 2-core machine: 256 agencies under 15 minutes and
4 GiB for the tree, no false failure with --retries 0; 1,000 agencies' reports under 60 s.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import yaml

from fixtures.province import SEED, Province, generate
from fixtures.recorded import MATRIX, profile_failures, recorded_trial
from harness.pki import AgencyEntry, load_or_build
from harness.reports import render_all
from harness.scenarios.results import Outcome, ScenarioResult
from harness.scenarios.timing import COMPRESSED
from harness.trial.campaign import TrialPlan, run_trial
from harness.trial.expected import expected_scenarios

MIB = 1024 * 1024


def part_of(cmdline: list[str]) -> str:
    """Which piece of the simulation a process is, for the CPU account."""
    text = " ".join(cmdline)
    for module, part in (("simulators.agency", "systems"), ("simulators.axis", "axes"), ("multiprocessing", "reports")):
        if module in text:
            return part
    return "harness"


class Sampler:
    """Peak RSS of this process and its children, peak size of a folder, and CPU seconds by part of the
    simulation (harness, axes, systems, report workers), sampled twice a second."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.peak_rss = 0
        self.peak_largest = 0
        self.peak_disk = 0
        self._cpu: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = psutil.Process()
        tick = 0
        while not self._stop.is_set():
            rss = []
            for p in [me, *me.children(recursive=True)]:
                try:
                    rss.append(p.memory_info().rss)
                    times = p.cpu_times()
                    part = self._cpu[p.pid][0] if p.pid in self._cpu else part_of(p.cmdline())
                    self._cpu[p.pid] = (part, times.user + times.system)
                except psutil.Error:
                    continue
            self.peak_rss = max(self.peak_rss, sum(rss))
            self.peak_largest = max(self.peak_largest, max(rss, default=0))
            if tick % 10 == 0:
                self.peak_disk = max(self.peak_disk, _size(self.folder))
            tick += 1
            self._stop.wait(0.5)

    def cpu_by_part(self) -> str:
        """CPU seconds of each part, as last sampled (a process' last half second before it ended is missed)."""
        parts: dict[str, float] = {}
        for part, seconds in self._cpu.values():
            parts[part] = parts.get(part, 0.0) + seconds
        return ", ".join(f"{part} {seconds:,.0f} s" for part, seconds in sorted(parts.items(), key=lambda x: -x[1]))


def _busy(since: Any) -> float:
    now = psutil.cpu_times()
    total = sum(now) - sum(since)
    return 1 - (now.idle - since.idle) / total if total else 0.0


def _size(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file():
                total += path.stat().st_size
        except OSError:
            continue
    return total


@dataclass
class Row:
    agencies: int
    runs: int
    failed_conformant: int
    off_matrix: int
    """Agencies whose failed scenarios are not exactly what fixtures/mutation_matrix.yaml says of their profile."""
    trial_s: float
    report_s: float
    peak_tree_mb: float
    peak_largest_mb: float
    peak_disk_mb: float
    left_disk_mb: float
    cpu: float
    """Share of the machine's CPU time busy while scenarios ran."""
    lag: str
    cpu_parts: str = ""
    """CPU seconds by part while scenarios ran; whether the signed summary was written."""

    def line(self) -> str:
        return (
            f"| {self.agencies} | {self.runs} | {self.trial_s / 60:.1f} min | {self.report_s:.1f} s "
            f"| {self.peak_largest_mb:,.0f} / {self.peak_tree_mb:,.0f} MB | {self.peak_disk_mb:,.0f} MB "
            f"({self.left_disk_mb:,.0f} MB left) | {100 * self.cpu:.0f}% | {self.failed_conformant} "
            f"| {self.off_matrix} | {self.lag} |"
        ) + (f"\n  {self.cpu_parts}" if self.cpu_parts else "")


def expected_failures(province: Province, scenarios: list[str]) -> dict[str, set[tuple[str, str]]]:
    """Agency -> the (run-test, scenario) it must fail: its profile's row of the mutation matrix (the demo's
    statements are held to the same matrix by tests/test_mutation_matrix.py)."""
    matrix = yaml.safe_load(MATRIX.read_text(encoding="utf-8"))
    names = expected_scenarios()
    out: dict[str, set[tuple[str, str]]] = {}
    for axis in province.topology["provinces"]:
        for a in axis["agencies"]:
            if a.get("harness") == "probe":
                continue
            fails = profile_failures(matrix, a.get("profile"), axis.get("protocol", "vxp"))
            out[a["id"]] = {
                (test_id, name)
                for test_id, which in fails.items()
                if not scenarios or test_id in scenarios
                for name in names.get(test_id, set())
                if which == "all" or name in which
            }
    return {k: v for k, v in out.items() if k in {r["Mã định danh"] for r in province.roster}}


def trial(size: int, scenarios: list[str], retries: int, parallel: int, keep: bool = False) -> Row:
    province = generate(size, SEED)
    expected = expected_failures(province, scenarios)
    conformant = {
        a["id"]
        for axis in province.topology["provinces"]
        for a in axis["agencies"]
        if not a.get("profile") and not a.get("harness")
    }
    with _folder(f"trial-{size}-", keep) as root:
        (root / "topology.yaml").write_text(province.topology_yaml(size, SEED), encoding="utf-8")
        (root / "roster.csv").write_text(province.roster_csv(), encoding="utf-8")
        plan = TrialPlan(
            topology=root / "topology.yaml",
            db=str(root / "trial.sqlite3"),
            roster=root / "roster.csv",
            out_dir=root / "out",
            work_dir=root / "work",
            scenario_ids=tuple(scenarios),
            deadlines=COMPRESSED,
            retries=retries,
            parallel=parallel,
            keep_world=keep,
        )
        marks: dict[str, float] = {}
        marks_text: dict[str, str] = {}
        cpu: list[Any] = [psutil.cpu_times()]
        latest: dict[tuple[str, str, str], bool] = {}

        def listen(kind: str, data: Any) -> None:
            if kind == "phase" and data == "Đang chạy các kịch bản":
                marks["scenarios"] = time.monotonic()
            elif kind == "again":
                marks["again"] = marks.get("again", 0) + int(data)
            elif kind == "reports":
                marks["reports"] = time.monotonic()
                cpu.append(_busy(cpu[0]))
                marks_text["cpu"] = sampler.cpu_by_part()
            elif kind == "result":
                r: ScenarioResult = data
                key = (r.agency, r.scenario_id, r.name)
                marks["last_first" if key not in latest else "last_again"] = time.monotonic()
                latest[key] = r.outcome is Outcome.PASSED

        listener: Callable[[str, Any], None] = listen
        started = time.monotonic()
        with Sampler(root) as sampler:
            run = run_trial(plan, listener)
        ended = time.monotonic()
        bad = {a for (a, _, _), ok in latest.items() if not ok and a in conformant}
        failing: dict[str, set[tuple[str, str]]] = {}
        for (a, test_id, name), ok in latest.items():
            if not ok:
                failing.setdefault(a, set()).add((test_id, name))
        off = sorted(a for a in expected if failing.get(a, set()) != expected[a])
        for a in off[:5]:
            print(
                f"  {a}: failed {sorted(failing.get(a, set()) - expected[a])[:3]}, "
                f"passed {sorted(expected[a] - failing.get(a, set()))[:3]} against the mutation matrix"
            )
        left = _size(root)
        summary = root / "out" / "tong-hop.pdf"
        signed = summary.is_file() and b"/ByteRange" in summary.read_bytes()
        outcome = f"signed summary {'written' if signed else 'MISSING'}, {len(run.report_errors)} report errors"
        for a in sorted(bad)[:10]:
            statement = next(s for s in run.summary.statements if s.agency.organ_id == a)
            reasons = [i.reason_vi for i in statement.items if i.outcome.value == "failed"]
            print(f"  conformant {a} failed: {reasons[:2]}")
        reports = marks.get("reports", ended)
        begun = marks.get("scenarios", started)
        print(
            f"  set-up {begun - started:.0f} s; scenarios {(reports - begun) / 60:.1f} min, the last first run at "
            f"{(marks.get('last_first', begun) - begun) / 60:.1f} min; {marks.get('again', 0):.0f} runs again, "
            f"the last at {(marks.get('last_again', begun) - begun) / 60:.1f} min",
            flush=True,
        )
        return Row(
            size,
            run.ran,
            len(bad),
            len(off),
            reports - started,
            ended - reports,
            sampler.peak_rss / MIB,
            sampler.peak_largest / MIB,
            sampler.peak_disk / MIB,
            left / MIB,
            cpu[1] if len(cpu) > 1 else _busy(cpu[0]),
            run.lag.summary_vi() if run.lag else "",
            f"CPU while scenarios ran: {marks_text.get('cpu', '')}; {outcome}",
        )


@contextlib.contextmanager
def _folder(prefix: str, keep: bool) -> Iterator[Path]:
    """The trial's folder: removed afterwards, or kept (and named) to read its journals and logs."""
    if not keep:
        with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
            yield Path(tmp)
        return
    root = Path(tempfile.mkdtemp(prefix=prefix))
    print(f"  trial folder kept: {root}", flush=True)
    yield root


def reports_only(size: int) -> None:
    recorded = recorded_trial(size)
    i = recorded.summary.issuer
    pki = load_or_build([AgencyEntry(i.organ_id, i.name, i.signer_name, i.position)], seed="bench-reports")
    out = Path(tempfile.mkdtemp(prefix=f"reports-{size}-"))
    try:
        with Sampler(out) as sampler:
            t0 = time.monotonic()
            manifest = render_all(recorded.summary, out, pki=pki, runs=recorded.runs)
            seconds = time.monotonic() - t0
        print(
            f"| {size} | {len(manifest.files)} files | {seconds:.1f} s | {sampler.peak_rss / MIB:,.0f} MB "
            f"| {_size(out) / MIB:,.0f} MB | {len(manifest.errors)} errors |"
        )
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--scenario", action="append", default=[], help="only these run-tests (default: all)")
    parser.add_argument("--retries", type=int, default=0)
    parser.add_argument("--parallel", type=int, default=0)
    parser.add_argument("--reports-only", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the trial folder (journals, logs) and say where")
    args = parser.parse_args()
    if args.reports_only:
        print("| agencies | outputs | report time | peak memory (tree) | disk | errors |")
        print("|---|---|---|---|---|---|")
        for size in args.sizes:
            reports_only(size)
        return
    print(
        "| agencies | runs | trial | reports | peak RSS largest / tree | disk | CPU | conformant failed "
        "| off matrix | lag |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        print(trial(size, args.scenario, args.retries, args.parallel, args.keep).line(), flush=True)


if __name__ == "__main__":
    main()
