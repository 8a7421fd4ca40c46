"""The world scenarios run in: axes and agencies of a running simulation (its endpoints.json),
the system under test, the probes the harness plays, the test PKI, deadlines and results.

Probes are agencies marked `harness: probe` in the topology. Relative to the system under test
(or to the home province of an axis run) they take roles: `local` and `local2` in the same
province, `remote` in another province, `central` on the national axis.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.edxml import model as m
from harness.edxml.factory import organization
from harness.errors import LienthongError
from harness.pki import DEFAULT_SEED, TestPki, load_or_build
from harness.pki.builder import agency_entry
from harness.scenarios.kit import DocumentKit
from harness.scenarios.probe import Probe
from harness.scenarios.results import Recorder
from harness.scenarios.timing import COMPRESSED, Deadlines
from harness.signing.verify import TrustConfig
from harness.transport.mailbox import open_sync_mailbox
from harness.transport.sim_control import AxisWatch
from simulators.topology import Topology

ROLES_VI = {
    "local": "đơn vị kiểm thử trong tỉnh",
    "local2": "đơn vị kiểm thử thứ hai trong tỉnh",
    "local3": "đơn vị kiểm thử thứ ba trong tỉnh",
    "remote": "đơn vị kiểm thử tỉnh khác",
    "central": "đơn vị kiểm thử trung ương",
}
ROLE_OF_PHRASE = {v: k for k, v in ROLES_VI.items()}


MAIL_MARGIN = 5.0
"""Seconds of mail a probe keeps from before the oldest running scenario started (clock steps, slow starts)."""


class WorldError(LienthongError, RuntimeError):
    """The simulated world or its description cannot be used (unknown agency, unreachable axis)."""


@dataclass(frozen=True, slots=True)
class Agency:
    id: str
    name: str
    axis: str
    """Code of its home axis."""
    endpoint: str
    system_id: str
    secret: str
    extra: dict[str, Any] = field(default_factory=dict)
    protocol: str = "vxp"
    """What its axis speaks: "vxp" (profile A) or "bkav" (profile B, EdocService)."""

    @property
    def is_probe(self) -> bool:
        return self.extra.get("harness") == "probe"

    @property
    def profile(self) -> str:
        return str(self.extra.get("profile", "conformant"))

    def organization(self) -> m.Organization:
        return organization(self.id, self.name)


@dataclass(frozen=True, slots=True)
class Axis:
    code: str
    name: str
    role: str
    endpoint: str
    control_url: str | None
    protocol: str = "vxp"


def pki_for(agencies: list[Agency], directory: Path | None = None, seed: str = DEFAULT_SEED) -> TestPki:
    """The test PKI of a topology: the same entries the simulated agencies sign with."""
    return load_or_build([agency_entry(a.id, a.name, a.extra) for a in agencies], seed=seed, directory=directory)


def pki_for_topology(topology: Topology, directory: Path | None = None, seed: str = DEFAULT_SEED) -> TestPki:
    """The same PKI as `pki_for` of the topology's running world, without starting it."""
    agencies = [a for axis in (topology.national, *topology.provinces) for a in axis.agencies]
    return load_or_build([agency_entry(a.id, a.name, a.extra) for a in agencies], seed=seed, directory=directory)


class World:
    def __init__(
        self,
        axes: list[Axis],
        agencies: list[Agency],
        *,
        pki: TestPki,
        deadlines: Deadlines = COMPRESSED,
        recorder: Recorder | None = None,
        evidence_dir: Path | None = None,
        home_axis: str | None = None,
    ) -> None:
        self.axes = {a.code: a for a in axes}
        self.agencies = {a.id: a for a in agencies}
        self.pki = pki
        self.trust = TrustConfig.from_pki(pki)
        self.kit = DocumentKit(pki)
        self.deadlines = deadlines
        self.recorder = recorder or Recorder(None)
        self.evidence_dir = evidence_dir
        self.home_axis = home_axis or next((a.code for a in axes if a.role == "provincial"), axes[0].code)
        self._probes: dict[str, Probe] = {}
        """One Probe per agency whatever its role, so that one fetcher owns each mailbox."""
        self._running: dict[int, float] = {}
        """Start (epoch seconds) of each scenario now running: probes forget mail older than the oldest."""
        self._run_ids = itertools.count()
        self._watches: dict[str, AxisWatch] = {}
        self._lock = threading.Lock()
        self.restart_axis: Callable[[str], None] | None = None
        """Crash and restart an axis by code (kill -9, then start): set by whoever started the
        simulation; None when the harness does not own the axis processes (AX-08 is then not run)."""

    def override_endpoint(self, axis_code: str, endpoint: str, protocol: str | None = None) -> None:
        """Point the harness at another URL for an axis (a real axis under test): every agency of
        that axis uses it (speaking `protocol` when given), and the simulator's control plane is no
        longer available there."""
        self.axes[axis_code] = replace(self.axes[axis_code], endpoint=endpoint, control_url=None)
        with self._lock:
            watch = self._watches.pop(axis_code, None)
            if watch is not None:
                watch.close()
        self._rewire(axis_code, lambda a: replace(a, endpoint=endpoint))
        if protocol:
            self.set_protocol(axis_code, protocol)

    def set_protocol(self, axis_code: str, protocol: str) -> None:
        """The axis speaks `protocol` ("vxp" or "bkav"): its agencies' probes are reopened in it."""
        self.axes[axis_code] = replace(self.axes[axis_code], protocol=protocol)
        self._rewire(axis_code, lambda a: replace(a, protocol=protocol))

    def _rewire(self, axis_code: str, change: Callable[[Agency], Agency]) -> None:
        """Change every agency of the axis; their probes are closed, to be reopened as they now are."""
        with self._lock:
            for a in list(self.agencies.values()):
                if a.axis == axis_code:
                    self.agencies[a.id] = change(a)
                    probe = self._probes.pop(a.id, None)
                    if probe is not None:
                        probe.close()

    @classmethod
    def from_endpoints(cls, source: Path | dict[str, Any], **kwargs: Any) -> World:
        data: dict[str, Any]
        if isinstance(source, Path):
            try:
                data = json.loads(source.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise WorldError(f"Không đọc được {source}: {exc}") from exc
        else:
            data = source
        axes = [
            Axis(a["code"], a["name"], a["role"], a["endpoint"], a.get("control_url"), a.get("protocol", "vxp"))
            for a in data["axes"]
        ]
        agencies = [
            Agency(
                a["id"],
                a["name"],
                a["axis"],
                a["endpoint"],
                a["system_id"],
                a["secret"],
                dict(a.get("extra") or {}),
                a.get("protocol", "vxp"),
            )
            for a in data["agencies"]
        ]
        pki_dir = kwargs.pop("pki_dir", None)
        return cls(axes, agencies, pki=pki_for(agencies, pki_dir), **kwargs)

    def close(self) -> None:
        for probe in self._probes.values():
            probe.close()
        for watch in self._watches.values():
            watch.close()

    def agency(self, organ_id: str) -> Agency:
        try:
            return self.agencies[organ_id]
        except KeyError:
            raise WorldError(f"Cơ quan {organ_id} không có trong cấu hình mô phỏng.") from None

    def axis_of(self, agency: Agency) -> Axis:
        return self.axes[agency.axis]

    def watch(self, axis_code: str) -> AxisWatch:
        """The control plane of an axis; WorldError for an axis without one (a real axis)."""
        with self._lock:
            if axis_code not in self._watches:
                url = self.axes[axis_code].control_url
                if not url:
                    raise WorldError(f"Trục {axis_code} không có giao diện điều khiển /_sim (trục thật).")
                self._watches[axis_code] = AxisWatch(url)
            return self._watches[axis_code]

    def run_started(self) -> int:
        """A scenario starts: until `run_ended`, probes keep every mail it could look for."""
        with self._lock:
            token = next(self._run_ids)
            self._running[token] = time.time()
            return token

    def run_ended(self, token: int) -> None:
        with self._lock:
            self._running.pop(token, None)

    def horizon(self) -> float:
        """Mail received before this (epoch seconds) can no longer concern any running scenario: each
        scenario looks only at what arrived since it started."""
        with self._lock:
            oldest = min(self._running.values(), default=time.time())
        return oldest - MAIL_MARGIN

    def probe_ids(self, home_axis: str) -> dict[str, str]:
        """Role -> probe agency id, relative to a home axis."""
        probes = [a for a in self.agencies.values() if a.is_probe]
        local = [a for a in probes if a.axis == home_axis]
        national = {c for c, x in self.axes.items() if x.role == "national"}
        remote = [a for a in probes if a.axis != home_axis and a.axis not in national]
        central = [a for a in probes if a.axis in national]
        roles: dict[str, str] = {}
        pools = (("local", local[:1]), ("local2", local[1:2]), ("local3", local[2:3]), ("remote", remote[:1]))
        for role, pool in (*pools, ("central", central)):
            if pool:
                roles[role] = pool[0].id
        return roles

    def probe(self, role: str, home_axis: str | None = None) -> Probe:
        home = home_axis or self.home_axis
        organ_id = self.probe_ids(home).get(role)
        if organ_id is None:
            raise WorldError(
                f"Cấu hình mô phỏng không có {ROLES_VI.get(role, role)} (cơ quan đánh dấu `harness: probe`)."
            )
        with self._lock:
            if organ_id not in self._probes:
                agency = self.agencies[organ_id]
                mailbox = open_sync_mailbox(
                    agency.protocol, agency.endpoint, agency.system_id, agency.id, agency.secret
                )
                self._probes[organ_id] = Probe(
                    agency.organization(), mailbox, role=role, horizon=self.horizon, poll=self.deadlines.poll
                )
            return self._probes[organ_id]
