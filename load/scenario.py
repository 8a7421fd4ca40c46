"""The mix of a load run (load/scenario.yaml): user weights, pacing, package sizes, fan-out.

Read by the Locust processes (load/locustfile.py) and by `lienthong load` (to print what ran).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from harness.errors import LienthongError

SCENARIO_FILE = Path(__file__).resolve().parent / "scenario.yaml"
USER_KINDS = ("sender", "receiver", "status")
KB = 1024


class ScenarioError(LienthongError, ValueError):
    """A scenario file that cannot drive a run; the message is Vietnamese."""


@dataclass(frozen=True, slots=True)
class SizeBucket:
    bytes: int
    weight: float


@dataclass(frozen=True, slots=True)
class Scenario:
    weights: dict[str, int] = field(default_factory=lambda: {"sender": 3, "receiver": 2, "status": 1})
    wait_s: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {"sender": (0.5, 1.5), "receiver": (0.5, 1.0), "status": (0.5, 1.0)}
    )
    sizes: tuple[SizeBucket, ...] = (SizeBucket(50 * KB, 50), SizeBucket(200 * KB, 30), SizeBucket(2048 * KB, 5))
    receivers_per_document: dict[int, float] = field(default_factory=lambda: {1: 70.0, 2: 20.0, 3: 10.0})
    doc_types: tuple[str, ...] = ("Công văn",)
    status_ratio: float = 0.5
    poll_batch: int = 20
    source: str = ""

    def pick_size(self, rng: random.Random) -> int:
        return rng.choices([s.bytes for s in self.sizes], weights=[s.weight for s in self.sizes])[0]

    def pick_fanout(self, rng: random.Random) -> int:
        counts = list(self.receivers_per_document)
        return rng.choices(counts, weights=[self.receivers_per_document[c] for c in counts])[0]

    def mean_size(self) -> float:
        total = sum(s.weight for s in self.sizes)
        return sum(s.bytes * s.weight for s in self.sizes) / total

    def with_sizes(self, sizes: list[int]) -> Scenario:
        """The same mix with equally weighted sizes (`lienthong load --sizes`)."""
        return replace(self, sizes=tuple(SizeBucket(b, 1.0) for b in sizes))

    def to_json(self) -> dict[str, Any]:
        return {
            "users": dict(self.weights),
            "wait_s": {k: list(v) for k, v in self.wait_s.items()},
            "sizes": [{"bytes": s.bytes, "weight": s.weight} for s in self.sizes],
            "receivers_per_document": {str(k): v for k, v in self.receivers_per_document.items()},
            "doc_types": list(self.doc_types),
            "status_ratio": self.status_ratio,
            "poll_batch": self.poll_batch,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], source: str = "") -> Scenario:
        """Validate a parsed scenario (YAML or the JSON the CLI hands to Locust)."""
        if not isinstance(data, dict):
            raise ScenarioError("kịch bản tải phải là một ánh xạ YAML (khóa: giá trị)")
        base = cls()
        weights = dict(base.weights)
        for kind, value in _mapping(data.get("users"), "users").items():
            if kind not in USER_KINDS:
                raise ScenarioError(f"users.{kind}: loại người dùng không có (hợp lệ: {', '.join(USER_KINDS)})")
            weights[kind] = _int(value, f"users.{kind}", minimum=0)
        if not any(weights.values()):
            raise ScenarioError("users: cần ít nhất một loại người dùng có trọng số dương")
        waits = dict(base.wait_s)
        for kind, value in _mapping(data.get("wait_s"), "wait_s").items():
            if kind not in USER_KINDS:
                raise ScenarioError(f"wait_s.{kind}: loại người dùng không có")
            if not isinstance(value, list) or len(value) != 2:
                raise ScenarioError(f"wait_s.{kind}: phải là [nhỏ nhất, lớn nhất] (giây)")
            lo, hi = (_float(v, f"wait_s.{kind}") for v in value)
            if hi < lo:
                raise ScenarioError(f"wait_s.{kind}: giá trị lớn nhất nhỏ hơn giá trị nhỏ nhất")
            waits[kind] = (lo, hi)
        sizes = base.sizes
        if data.get("sizes") is not None:
            raw = data["sizes"]
            if not isinstance(raw, list) or not raw:
                raise ScenarioError("sizes: phải là một danh sách {bytes, weight} không rỗng")
            sizes = tuple(
                SizeBucket(
                    _int(_mapping(s, f"sizes[{i}]").get("bytes"), f"sizes[{i}].bytes", minimum=1),
                    _float(_mapping(s, f"sizes[{i}]").get("weight", 1), f"sizes[{i}].weight"),
                )
                for i, s in enumerate(raw)
            )
        fanout = dict(base.receivers_per_document)
        if data.get("receivers_per_document") is not None:
            fanout = {
                _int(k, "receivers_per_document", minimum=1): _float(v, f"receivers_per_document.{k}")
                for k, v in _mapping(data["receivers_per_document"], "receivers_per_document").items()
            }
        doc_types = base.doc_types
        if data.get("doc_types") is not None:
            if not isinstance(data["doc_types"], list) or not data["doc_types"]:
                raise ScenarioError("doc_types: phải là một danh sách loại văn bản không rỗng")
            doc_types = tuple(str(t) for t in data["doc_types"])
        ratio = _float(data.get("status_ratio", base.status_ratio), "status_ratio")
        if ratio > 1:
            raise ScenarioError("status_ratio: phải nằm trong [0, 1]")
        return cls(
            weights=weights,
            wait_s=waits,
            sizes=sizes,
            receivers_per_document=fanout,
            doc_types=doc_types,
            status_ratio=ratio,
            poll_batch=_int(data.get("poll_batch", base.poll_batch), "poll_batch", minimum=1),
            source=source or str(data.get("source", "")),
        )


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Read a scenario file (default load/scenario.yaml); ScenarioError with a Vietnamese message."""
    p = Path(path) if path is not None else SCENARIO_FILE
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(f"không đọc được tệp kịch bản tải {p}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(f"tệp kịch bản tải {p} không phải YAML hợp lệ: {exc}") from exc
    try:
        return Scenario.from_json(data or {}, str(p))
    except ScenarioError as exc:
        raise ScenarioError(f"{p}: {exc}") from None


def parse_size(text: str) -> int:
    """`50KB`, `2MB`, `204800`: bytes (KB = 1024 bytes)."""
    t = text.strip().upper().removesuffix("B")
    factor = 1
    if t.endswith("K"):
        factor, t = KB, t[:-1]
    elif t.endswith("M"):
        factor, t = KB * KB, t[:-1]
    try:
        value = float(t) * factor
    except ValueError:
        raise ScenarioError(f"kích thước không hợp lệ: {text!r} (ví dụ 50KB, 2MB)") from None
    if value < 1:
        raise ScenarioError(f"kích thước phải dương: {text!r}")
    return int(value)


def _mapping(value: Any, where: str) -> dict[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: phải là một ánh xạ (khóa: giá trị)")
    return value


def _int(value: Any, where: str, *, minimum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ScenarioError(f"{where}: phải là số nguyên, không phải {value!r}") from None
    if isinstance(value, bool) or number < minimum:
        raise ScenarioError(f"{where}: phải là số nguyên ≥ {minimum}, không phải {value!r}")
    return number


def _float(value: Any, where: str) -> float:
    if isinstance(value, bool):
        raise ScenarioError(f"{where}: phải là số, không phải {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ScenarioError(f"{where}: phải là số, không phải {value!r}") from None
    if number < 0:
        raise ScenarioError(f"{where}: phải là số không âm, không phải {value!r}")
    return number
