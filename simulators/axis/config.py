"""What one simulated axis process is told at start: its role, callers, directory and upstream.

A topology (simulators.topology) expands into one `AxisConfig` per axis, written as JSON and
handed to `python -m simulators.axis --config FILE`. Everything else an axis knows is in its
SQLite file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from harness.transport.vxp.wire import DEFAULT_BASE_PATH


class Role(StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"


class Strictness(StrEnum):
    """How much of a package the axis checks before accepting it."""

    OFF = "off"
    """Only what routing needs: XML that names a sender and receivers."""
    TRANSPORT = "transport"
    """Also the rules an axis cannot carry a package without (axis-protocol.md §7.1 hooks)."""
    FULL = "full"
    """Every MUST rule of the harness' EDX catalogue."""


class Durability(StrEnum):
    """SQLite `synchronous` in WAL mode: what an accepted package survives.

    All three survive a killed axis process (kill -9): committed pages are in the OS's hands.
    OFF never fsyncs (the default: a simulator's job is surviving its own crashes, fast);
    NORMAL also survives an OS crash or power cut, losing at most the last commits; FULL loses
    nothing there either, at one fsync per commit.
    """

    OFF = "OFF"
    NORMAL = "NORMAL"
    FULL = "FULL"


@dataclass(slots=True)
class SystemSpec:
    """A caller of the axis: the credentials it signs with and the organisations it acts for.

    `organs` are exact codes; `domains` are level-1 codes whose whole subtree the system serves
    (a provincial axis registered on the national axis).
    """

    system_id: str
    secret: str
    organs: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    name: str = ""

    def __post_init__(self) -> None:
        if not self.organs and not self.domains:
            self.organs = [self.system_id]


@dataclass(slots=True)
class OrganizationSpec:
    """An entry of the directory returned by getAgenciesList and friends."""

    code: str
    name: str
    pid: str = ""
    mail: str = ""
    code_qd20: str = ""
    is_agency: bool = True


@dataclass(slots=True)
class UpstreamSpec:
    """How a provincial axis reaches the national axis, as one of its registered systems."""

    endpoint: str
    system_id: str
    secret: str
    poll_interval: float = 1.0


@dataclass(slots=True)
class AxisConfig:
    name: str
    role: Role
    code: str
    db_path: str
    port: int = 0
    host: str = "127.0.0.1"
    base_path: str = DEFAULT_BASE_PATH
    code_qd20: str = ""
    domains: list[str] = field(default_factory=list)
    systems: list[SystemSpec] = field(default_factory=list)
    organizations: list[OrganizationSpec] = field(default_factory=list)
    upstream: UpstreamSpec | None = None
    strictness: Strictness = Strictness.TRANSPORT
    freshness_seconds: float | None = None
    """Refuse requests whose timestamp is older than this; None accepts stale ones (real clients reuse one)."""
    replay_window_seconds: float | None = 86400.0
    """A sendEdoc of the very bytes the caller already sent within this window is a replay and is
    refused; None accepts replays (the weak setting the AX replay check must catch)."""
    max_body_bytes: int = 50 * 1024 * 1024
    header_timeout_seconds: float = 10.0
    """A request's headers must arrive within this, else the connection is closed (slow clients)."""
    body_idle_seconds: float = 30.0
    """The longest pause between two parts of a request body before it is refused."""
    max_connections_per_client: int = 64
    """Connections one client address may hold open at once; more are closed at once."""
    durability: Durability = Durability.OFF
    dedupe_new_documents: bool = True
    redeliver_failed: bool = False
    trace_status_packages: bool = True
    body_retention_seconds: float | None = None
    """Purge a package's body this long after it was sent, once every delivery of it is over (its metadata,
    deliveries and journal stay; a later getEdoc gets 404 "het thoi han luu"). None keeps every body, as an
    archive would; a province-sized trial sets it so the simulators' disk does not grow with the run."""
    control_token: str = ""
    seed: int | None = None
    protocol: str = "vxp"
    """What the axis' agencies speak: "vxp" (VNPT's adapter, profile A) or "bkav" (EdocService, profile B,
    served under /EdocService instead of the VXP routes)."""

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}{self.base_path}"

    @property
    def control_url(self) -> str:
        return f"http://{self.host}:{self.port}/_sim"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    def save(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AxisConfig:
        d = dict(data)
        d["role"] = Role(d["role"])
        d["strictness"] = Strictness(d.get("strictness", Strictness.TRANSPORT))
        d["durability"] = Durability(d.get("durability", Durability.OFF))
        d["systems"] = [SystemSpec(**s) for s in d.get("systems", [])]
        d["organizations"] = [OrganizationSpec(**o) for o in d.get("organizations", [])]
        up = d.get("upstream")
        d["upstream"] = UpstreamSpec(**up) if up else None
        return cls(**d)

    @classmethod
    def load(cls, path: Path) -> AxisConfig:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
