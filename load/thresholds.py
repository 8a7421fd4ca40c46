"""Judge a Locust run against the `load` section of the thresholds file (load/thresholds.yaml).

Reads Locust's own CSV (`<prefix>_stats.csv`: one row per request name plus `Aggregated`) and
returns one verdict per threshold: failure ratio, p95/p99 per request name, documents per second.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.errors import LienthongError
from harness.paths import thresholds_path
from harness.transport.bkav.wire import VXP_COUNTERPART

SECTION = "load"
AGGREGATED = "Aggregated"
DOCUMENT_SENDS = ("sendEdoc", "sendDocument")
"""The Locust request names of document sends, VXP and EdocService (status sends add ` status`)."""
PERCENTILES = ("p95", "p99")


class ThresholdError(LienthongError, ValueError):
    """A thresholds file that cannot be used; the message is Vietnamese."""


@dataclass(frozen=True, slots=True)
class LoadThresholds:
    failure_ratio: float = 0.01
    min_docs_per_s: float = 0.0
    operations: dict[str, dict[str, float]] = field(default_factory=dict)
    """Request name -> {"p95_ms": ..., "p99_ms": ...}."""
    source: str = ""

    def for_name(self, name: str) -> dict[str, float]:
        """The limits of a request name: its own entry, else its operation's (the first word)."""
        operation, _, rest = name.partition(" ")
        # EdocService's operations are judged by their VXP counterpart's limits (sendDocument as sendEdoc).
        counterpart = {str(k): v for k, v in VXP_COUNTERPART.items()}.get(operation, operation)
        return (
            self.operations.get(name)
            or self.operations.get(operation)
            or self.operations.get(f"{counterpart} {rest}".strip())
            or self.operations.get(counterpart, {})
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "failure_ratio": self.failure_ratio,
            "min_docs_per_s": self.min_docs_per_s,
            "operations": self.operations,
            "source": self.source,
        }


def load_thresholds(path: str | Path | None = None) -> LoadThresholds:
    """The `load` section of the thresholds file ($LIENTHONG_THRESHOLDS or load/thresholds.yaml)."""
    p = Path(path) if path is not None else thresholds_path()
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ThresholdError(f"không đọc được tệp ngưỡng {p}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ThresholdError(f"tệp ngưỡng {p} không phải YAML hợp lệ: {exc}") from exc
    section = data.get(SECTION) if isinstance(data, dict) else None
    if not isinstance(section, dict):
        raise ThresholdError(f"tệp ngưỡng {p} không có mục '{SECTION}'")
    operations: dict[str, dict[str, float]] = {}
    raw_ops = section.get("operations") or {}
    if not isinstance(raw_ops, dict):
        raise ThresholdError(f"{p}: {SECTION}.operations phải là một ánh xạ tên thao tác -> ngưỡng")
    for name, limits in raw_ops.items():
        if not isinstance(limits, dict):
            raise ThresholdError(f"{p}: {SECTION}.operations.{name} phải là một ánh xạ (p95_ms, p99_ms)")
        operations[str(name)] = {}
        for key, value in limits.items():
            if key not in ("p95_ms", "p99_ms"):
                raise ThresholdError(f"{p}: {SECTION}.operations.{name}.{key}: chỉ hỗ trợ p95_ms, p99_ms")
            operations[str(name)][str(key)] = _number(value, f"{SECTION}.operations.{name}.{key}", p)
    return LoadThresholds(
        failure_ratio=_number(section.get("failure_ratio", 0.01), f"{SECTION}.failure_ratio", p),
        min_docs_per_s=_number(section.get("min_docs_per_s", 0), f"{SECTION}.min_docs_per_s", p),
        operations=operations,
        source=str(p),
    )


def _number(value: Any, where: str, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ThresholdError(f"{path}: {where} phải là một số không âm, không phải {value!r}")
    return float(value)


@dataclass(frozen=True, slots=True)
class OperationStats:
    """One row of Locust's stats CSV."""

    name: str
    method: str
    requests: int
    failures: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    rps: float

    @property
    def successes_per_s(self) -> float:
        return self.rps * (self.requests - self.failures) / self.requests if self.requests else 0.0


def _cell(row: dict[str, str], key: str) -> float:
    value = (row.get(key) or "").strip()
    if value in ("", "N/A"):
        return math.nan
    return float(value)


def read_stats(path: Path) -> dict[str, OperationStats]:
    """Locust's `<prefix>_stats.csv`, by request name (the total row under `Aggregated`)."""
    out: dict[str, OperationStats] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            name = row["Name"]
            out[name] = OperationStats(
                name=name,
                method=row.get("Type", ""),
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                median_ms=_cell(row, "Median Response Time"),
                p95_ms=_cell(row, "95%"),
                p99_ms=_cell(row, "99%"),
                max_ms=_cell(row, "Max Response Time"),
                rps=_cell(row, "Requests/s"),
            )
    return out


@dataclass(frozen=True, slots=True)
class Verdict:
    metric: str
    """Which threshold: `failure_ratio`, `docs_per_s`, `p95 getEdoc`..."""
    value: float
    limit: float
    ok: bool
    message_vi: str

    def to_json(self) -> dict[str, Any]:
        value = None if math.isnan(self.value) else self.value
        return {"metric": self.metric, "value": value, "limit": self.limit, "ok": self.ok, "message": self.message_vi}


def evaluate(stats: dict[str, OperationStats], thresholds: LoadThresholds) -> list[Verdict]:
    """One verdict per threshold that applies to the run's stats."""
    verdicts: list[Verdict] = []
    total = stats.get(AGGREGATED)
    requests = total.requests if total else 0
    failures = total.failures if total else 0
    ratio = failures / requests if requests else 0.0
    ok = requests > 0 and ratio <= thresholds.failure_ratio
    verdicts.append(
        Verdict(
            "failure_ratio",
            ratio,
            thresholds.failure_ratio,
            ok,
            f"tỉ lệ lỗi {ratio:.2%} ({failures}/{requests} yêu cầu), ngưỡng ≤ {thresholds.failure_ratio:.2%}"
            + ("" if requests else ": không có yêu cầu nào"),
        )
    )
    docs_per_s = sum(stats[name].successes_per_s for name in DOCUMENT_SENDS if name in stats)
    verdicts.append(
        Verdict(
            "docs_per_s",
            docs_per_s,
            thresholds.min_docs_per_s,
            docs_per_s >= thresholds.min_docs_per_s,
            f"thông lượng {docs_per_s:.2f} văn bản/s được trục nhận, ngưỡng ≥ {thresholds.min_docs_per_s:g}",
        )
    )
    for name, row in sorted(stats.items()):
        if name == AGGREGATED:
            continue
        limits = thresholds.for_name(name)
        for pct in PERCENTILES:
            limit = limits.get(f"{pct}_ms")
            if limit is None:
                continue
            value = row.p95_ms if pct == "p95" else row.p99_ms
            passed = not math.isnan(value) and value <= limit
            verdicts.append(
                Verdict(
                    f"{pct} {name}",
                    value,
                    limit,
                    passed,
                    f"{pct} của {name}: {value:.0f} ms, ngưỡng ≤ {limit:.0f} ms ({row.requests} yêu cầu)",
                )
            )
    return verdicts
