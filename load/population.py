"""Who takes part in a load run: the axis under load and the agencies whose systems the users play.

A population comes from a topology (the simulated axis `lienthong load` starts itself, optionally
grown with synthetic agencies to a province's size) or from `endpoints.json` of a running
`lienthong sim up`, or from a topology's credentials for an axis given by URL. It is written to the
run directory as JSON and handed to the Locust processes (workers on other machines receive it from
the master, see load/locustfile.py).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.errors import LienthongError
from simulators.topology import AgencySpec, AxisSpec, Topology

SYNTHETIC_SECRET = "load-secret-{code}"
"""Secrets of the synthetic agencies: test values, derived from the code."""


class PopulationError(LienthongError, ValueError):
    """No usable population; the message is Vietnamese."""


@dataclass(frozen=True, slots=True)
class LoadAgency:
    """An agency's document system: the organisation code it sends as and its credentials."""

    code: str
    name: str
    system_id: str
    secret: str


@dataclass(slots=True)
class Population:
    endpoint: str
    """VXP endpoint of the axis under load (every agency of the population is attached to it)."""
    axis_code: str
    agencies: list[LoadAgency]
    control_url: str | None = None
    """The axis' control plane (`.../_sim`) when it has one (a simulated axis), else None."""
    control_token: str = ""
    axis_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    protocol: str = "vxp"
    """What the axis speaks: "vxp" (profile A) or "bkav" (profile B, EdocService at the same address)."""

    def __post_init__(self) -> None:
        if len(self.agencies) < 2:
            raise PopulationError(
                f"cần ít nhất 2 cơ quan gắn với trục {self.axis_code or self.endpoint} để gửi và nhận, "
                f"chỉ có {len(self.agencies)}"
            )

    def by_code(self) -> dict[str, LoadAgency]:
        return {a.code: a for a in self.agencies}

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["agencies"] = [asdict(a) for a in self.agencies]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Population:
        return cls(
            endpoint=str(data["endpoint"]),
            axis_code=str(data.get("axis_code", "")),
            agencies=[LoadAgency(**a) for a in data.get("agencies", [])],
            control_url=data.get("control_url") or None,
            control_token=str(data.get("control_token", "")),
            axis_name=str(data.get("axis_name", "")),
            extra=dict(data.get("extra", {})),
            protocol=str(data.get("protocol", "vxp")),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Population:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise PopulationError(f"không đọc được tệp tổng thể cơ quan {path}: {exc}") from exc
        return cls.from_json(data)


def pick_province(topology: Topology, which: str | None) -> AxisSpec:
    """The province (by level-1 code, axis code or name) whose axis is loaded; the first by default."""
    if not topology.provinces:
        raise PopulationError(f"cấu trúc {topology.name!r} không có trục tỉnh nào")
    if not which:
        return topology.provinces[0]
    for p in topology.provinces:
        if which in (p.level1, p.code, p.name, p.slug):
            return p
    names = ", ".join(f"{p.level1} ({p.code})" for p in topology.provinces)
    raise PopulationError(f"không có tỉnh {which!r} trong cấu trúc {topology.name!r} (có: {names})")


def synthetic_code(level1: str, index: int) -> str:
    """`000.5x.yy.<level1>`: codes no real topology of the project uses (second group 50..99)."""
    return f"000.{50 + index // 100:02d}.{index % 100:02d}.{level1}"


def grow_province(topology: Topology, province: AxisSpec, agencies: int) -> Topology:
    """The topology with only `province` (plus the national axis), grown to `agencies` agencies.

    The other provinces are left out: the run loads one provincial axis and the simulation starts
    only what it needs. Synthetic agencies get codes `000.5x.yy.<level1>` and test secrets.
    """
    own = list(province.agencies)
    taken = {c for _, a in topology.agencies() for c in a.codes}
    i = 0
    while len(own) < agencies:
        code = synthetic_code(province.level1, i)
        i += 1
        if code in taken:
            continue
        own.append(
            AgencySpec(
                id=code,
                name=f"Cơ quan thử tải số {i} tỉnh {province.level1}",
                secret=SYNTHETIC_SECRET.format(code=code),
                parent=own[0].id if own else "",
            )
        )
    return replace(topology, provinces=[replace(province, agencies=own)])


def from_topology(
    province: AxisSpec, endpoint: str, *, control_url: str | None = None, control_token: str = ""
) -> Population:
    """Every agency of the province's axis, with the credentials the topology gives it."""
    return Population(
        endpoint=endpoint,
        axis_code=province.code,
        axis_name=province.name,
        agencies=[LoadAgency(a.id, a.name, a.system_id, a.secret) for a in province.agencies],
        control_url=control_url,
        control_token=control_token,
        protocol=province.protocol,
    )


def from_endpoints(path: str | Path, *, axis: str | None = None, target: str | None = None) -> Population:
    """The agencies of one provincial axis of a running `lienthong sim up` (its endpoints.json).

    The axis is chosen by code, level-1 code or slug (`axis`), else by its endpoint (`target`),
    else the first province.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PopulationError(f"không đọc được {path}: {exc}") from exc
    axes = [a for a in data.get("axes", []) if isinstance(a, dict)]
    chosen = None
    for a in axes:
        by_name = bool(axis) and axis in (a.get("code"), a.get("level1"), a.get("slug"), a.get("name"))
        by_endpoint = not axis and bool(target) and _same_endpoint(str(a.get("endpoint", "")), target or "")
        if by_name or by_endpoint:
            chosen = a
            break
    if chosen is None and not axis and not target:
        chosen = next((a for a in axes if a.get("role") == "provincial"), None)
    if chosen is None:
        wanted = axis or target or "trục tỉnh"
        raise PopulationError(f"không tìm thấy trục {wanted} trong {path}")
    agencies = [
        LoadAgency(str(a["id"]), str(a.get("name", "")), str(a["system_id"]), str(a["secret"]))
        for a in data.get("agencies", [])
        if isinstance(a, dict) and a.get("axis") == chosen.get("code")
    ]
    return Population(
        endpoint=target or str(chosen["endpoint"]),
        axis_code=str(chosen.get("code", "")),
        axis_name=str(chosen.get("name", "")),
        agencies=agencies,
        control_url=str(chosen["control_url"]) if chosen.get("control_url") else None,
        protocol=str(chosen.get("protocol", "vxp")),
    )


def _same_endpoint(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")
