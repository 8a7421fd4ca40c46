"""A simulated interconnect described in one YAML file: a national axis, provincial axes, their agencies.

`load_topology` validates the file (errors in Vietnamese, with the path of the offending key) and
`expand` turns it into one `AxisConfig` per axis, national first, ready for the launcher. The routing
model: a provincial axis serves its level-1 code and reaches everything else through the national
axis, where it is registered as a system for that domain; central bodies attach to the national axis.
"""

from __future__ import annotations

import re
import socket
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from harness.errors import LienthongError
from harness.ids import AgencyId, InvalidIdentifier, level1_name, parse_agency_id
from harness.transport.vxp.wire import DEFAULT_BASE_PATH
from simulators.axis.config import (
    AxisConfig,
    Durability,
    OrganizationSpec,
    Role,
    Strictness,
    SystemSpec,
    UpstreamSpec,
)
from simulators.topology_schema import (
    AgencyFile,
    AxisFile,
    ProvinceFile,
    TopologyFile,
    first_problem,
    key_lines,
    line_of,
    path_of,
)

NATIONAL_DEFAULT_NAME = "Trục liên thông văn bản quốc gia"
WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}

_LEVEL1_RE = re.compile(r"^[A-Z][0-9]{2}\Z")


class TopologyError(LienthongError, ValueError):
    """A topology file that cannot describe a working simulation; `message_vi` is shown to the user."""

    def __init__(self, message_vi: str, where: str = "", *, key: tuple[str | int, ...] | None = None) -> None:
        super().__init__(f"{where}: {message_vi}" if where else message_vi)
        self.reason_vi = message_vi
        self.where = where
        """Where in the file: a key path such as `provinces[0].agencies[2].id`, prefixed by the file."""
        self.key = path_of(where) if key is None else key
        """The key path whose line is shown (an unknown key itself, not its mapping)."""


PER_SYSTEM_CONNECTIONS = 8


def connections_per_client(systems: int) -> int:
    """The per-client connection cap of an axis whose topology sets none: every simulated system, probe and the
    harness reach a simulated axis from one loopback address, so the guard against one hostile client must count
    them all (the demo's Nghệ An axis held 54 connections from 127.0.0.1 in steady state; under a busy machine its
    fixed cap of 64 cut new ones, and scenarios ended in "Connection reset by peer")."""
    return max(64, PER_SYSTEM_CONNECTIONS * systems)


@dataclass(frozen=True, slots=True)
class AxisSettings:
    """Tunables every axis accepts, from `defaults` and overridable per axis."""

    base_path: str = DEFAULT_BASE_PATH
    host: str = "127.0.0.1"
    strictness: Strictness = Strictness.TRANSPORT
    durability: Durability = Durability.OFF
    poll_interval: float = 1.0
    freshness_seconds: float | None = None
    replay_window_seconds: float | None = 86400.0
    max_body_bytes: int = 50 * 1024 * 1024
    header_timeout_seconds: float = 10.0
    body_idle_seconds: float = 30.0
    max_connections_per_client: int | None = None
    """None: `connections_per_client(systems)` for each axis."""
    dedupe_new_documents: bool = True
    redeliver_failed: bool = False
    trace_status_packages: bool = True
    body_retention_seconds: float | None = None
    control_token: str = ""
    seed: int | None = None


@dataclass(slots=True)
class OrganSpec:
    """An extra code an agency's system acts for (a sub-unit), listed in the directory too."""

    id: str
    name: str = ""
    parent: str = ""
    mail: str = ""
    code_qd20: str = ""


@dataclass(slots=True)
class AgencySpec:
    """One agency: a system on its home axis. Unknown YAML keys land in `extra` for later behaviour."""

    id: str
    name: str
    secret: str
    system_id: str = ""
    organs: list[OrganSpec] = field(default_factory=list)
    mail: str = ""
    parent: str = ""
    code_qd20: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.system_id:
            self.system_id = self.id

    @property
    def codes(self) -> list[str]:
        """Every organisation code this agency's system acts for, its own first."""
        return [self.id, *(o.id for o in self.organs)]


@dataclass(slots=True)
class AxisSpec:
    """One axis of the topology; `level1` and `secret` are set for provincial axes only."""

    name: str
    code: str
    role: Role
    agencies: list[AgencySpec] = field(default_factory=list)
    port: int = 0
    code_qd20: str = ""
    level1: str = ""
    secret: str = ""
    settings: AxisSettings = field(default_factory=AxisSettings)
    protocol: str = "vxp"
    """What the axis speaks to its agencies: "vxp" (profile A) or "bkav" (EdocService, profile B; provinces only)."""

    @property
    def slug(self) -> str:
        return slugify(self.name)


@dataclass(slots=True)
class Topology:
    name: str
    national: AxisSpec
    provinces: list[AxisSpec] = field(default_factory=list)
    description: str = ""
    defaults: AxisSettings = field(default_factory=AxisSettings)
    source: Path | None = None

    @property
    def axes(self) -> list[AxisSpec]:
        """National first, then provinces in file order (the order `expand` keeps)."""
        return [self.national, *self.provinces]

    def agencies(self) -> Iterator[tuple[AxisSpec, AgencySpec]]:
        for axis in self.axes:
            for agency in axis.agencies:
                yield axis, agency

    def home_axis(self, code: str) -> AxisSpec:
        """The axis an agency (or one of its organs) is attached to; KeyError when none."""
        for axis, agency in self.agencies():
            if code in agency.codes:
                return axis
        raise KeyError(code)

    def agency(self, code: str) -> AgencySpec:
        """The agency whose system acts for `code`; KeyError when none."""
        for _, agency in self.agencies():
            if code in agency.codes:
                return agency
        raise KeyError(code)


def slugify(text: str) -> str:
    """ASCII file-name form of a Vietnamese name: `Trục liên thông tỉnh Nghệ An` -> `truc-lien-thong-tinh-nghe-an`."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_only = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-") or "truc"


def connect_host(host: str) -> str:
    """Where a client reaches a server bound to `host` (a wildcard bind is reached over loopback)."""
    return WILDCARD_HOSTS.get(host, host)


# --- loading -----------------------------------------------------------------------------------


def load_topology(path: str | Path) -> Topology:
    """Read and validate a topology YAML file; errors name the file, the line and the key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TopologyError("không tìm thấy tệp cấu trúc mô phỏng", str(path)) from exc
    except IsADirectoryError as exc:
        raise TopologyError("là một thư mục, không phải tệp cấu trúc mô phỏng", str(path)) from exc
    except OSError as exc:
        raise TopologyError(f"không đọc được tệp cấu trúc mô phỏng ({exc.strerror or exc})", str(path)) from exc
    except UnicodeDecodeError as exc:
        raise TopologyError("tệp cấu trúc mô phỏng không phải UTF-8", str(path)) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (dòng {mark.line + 1}, cột {mark.column + 1})" if mark is not None else ""
        raise TopologyError(f"không phải YAML hợp lệ{at}", str(path)) from exc
    try:
        topology = parse_topology(data)
    except TopologyError as exc:
        line = line_of(key_lines(text), exc.key)
        place = f"{path}, dòng {line}" if line is not None else str(path)
        raise TopologyError(exc.reason_vi, f"{place} ({exc.where})" if exc.where else place) from None
    topology.source = path
    return topology


def parse_topology(data: Any) -> Topology:
    """Validate an already-parsed YAML document and build the model."""
    try:
        raw = TopologyFile.model_validate(data)
    except ValidationError as exc:
        message, where, key = first_problem(exc)
        raise TopologyError(message, where, key=key) from None
    if not raw.name:
        raise TopologyError("thiếu khóa 'name'")
    defaults = replace(AxisSettings(), **raw.defaults.present())
    national = _axis(raw.national, Role.NATIONAL, defaults, "national")
    provinces = [_axis(p, Role.PROVINCIAL, defaults, f"provinces[{i}]") for i, p in enumerate(raw.provinces)]
    topology = Topology(
        name=raw.name, national=national, provinces=provinces, description=raw.description, defaults=defaults
    )
    _check_whole(topology)
    _default_parents(topology)
    return topology


def _identifier(value: str, where: str) -> AgencyId:
    try:
        return parse_agency_id(value)
    except InvalidIdentifier as exc:
        raise TopologyError(f"mã định danh {value!r} không hợp lệ: {exc.reason_vi}", where) from exc


def _axis(raw: AxisFile, role: Role, defaults: AxisSettings, where: str) -> AxisSpec:
    code = raw.code
    if not code:
        raise TopologyError("thiếu khóa 'code'", where)
    ident = _identifier(code, f"{where}.code")
    level1 = ""
    secret = ""
    if isinstance(raw, ProvinceFile):
        level1 = raw.level1
        if not level1:
            raise TopologyError("thiếu khóa 'level1'", where)
        if not _LEVEL1_RE.match(level1):
            raise TopologyError(f"mã cấp 1 {level1!r} phải có dạng một chữ hoa và hai chữ số (vd. H41)", where)
        if ident.level1 != level1:
            raise TopologyError(f"mã trục {code} thuộc {ident.level1}, không thuộc tỉnh {level1}", f"{where}.code")
        secret = raw.secret
        if not secret:
            raise TopologyError(f"thiếu 'secret' của trục tỉnh {level1} trên trục quốc gia", where)
        province = level1_name(level1) or level1
        default_name = f"Trục liên thông {province.removeprefix('UBND ')}"
    else:
        default_name = NATIONAL_DEFAULT_NAME
    agencies = [_agency(a, f"{where}.agencies[{i}]") for i, a in enumerate(raw.agencies)]
    if role is Role.PROVINCIAL:
        for i, agency in enumerate(agencies):
            for code_ in agency.codes:
                if parse_agency_id(code_).level1 != level1:
                    raise TopologyError(
                        f"cơ quan {code_} thuộc mã cấp 1 {parse_agency_id(code_).level1}, "
                        f"không thuộc tỉnh {level1} của trục này",
                        f"{where}.agencies[{i}]",
                    )
    return AxisSpec(
        name=raw.name or default_name,
        code=code,
        role=role,
        agencies=agencies,
        port=raw.port,
        code_qd20=raw.code_qd20,
        level1=level1,
        secret=secret,
        settings=replace(defaults, **raw.present()),
        protocol=raw.protocol if isinstance(raw, ProvinceFile) else "vxp",
    )


def _agency(raw: AgencyFile, where: str) -> AgencySpec:
    code = raw.id
    if not code:
        raise TopologyError("thiếu khóa 'id'", where)
    ident = _identifier(code, f"{where}.id")
    name = raw.name
    if not name and ident.level == 1:
        name = level1_name(ident.level1) or ""  # a ministry or province itself is named by the catalogue
    if not name:
        raise TopologyError(f"thiếu 'name' của cơ quan {code}", where)
    if not raw.secret:
        raise TopologyError(f"thiếu 'secret' của cơ quan {code}", where)
    if raw.parent:
        _identifier(raw.parent, f"{where}.parent")
    organs: list[OrganSpec] = []
    for i, organ in enumerate(raw.organs):
        at = f"{where}.organs[{i}]"
        if not organ.id:
            raise TopologyError("thiếu khóa 'id'", at)
        _identifier(organ.id, f"{at}.id")
        parent = organ.parent or code
        _identifier(parent, f"{at}.parent")
        organs.append(
            OrganSpec(id=organ.id, name=organ.name or name, parent=parent, mail=organ.mail, code_qd20=organ.code_qd20)
        )
    return AgencySpec(
        id=code,
        name=name,
        secret=raw.secret,
        system_id=raw.system_id,
        organs=organs,
        mail=raw.mail,
        parent=raw.parent,
        code_qd20=raw.code_qd20,
        extra=raw.extra,
    )


def _check_whole(topology: Topology) -> None:
    """Cross-axis rules: unique codes, one axis per province, no central agency inside a province's domain."""
    seen_codes: dict[str, str] = {}
    seen_slugs: dict[str, str] = {}
    seen_ports: dict[int, str] = {}
    seen_level1: dict[str, str] = {}
    for i, axis in enumerate(topology.axes):
        where = "national" if i == 0 else f"provinces[{i - 1}]"
        if axis.code in seen_codes:
            raise TopologyError(f"mã trục {axis.code} trùng với {seen_codes[axis.code]}", where)
        seen_codes[axis.code] = where
        if axis.slug in seen_slugs:
            raise TopologyError(f"tên trục '{axis.name}' trùng với tên trục ở {seen_slugs[axis.slug]}", where)
        seen_slugs[axis.slug] = where
        if axis.port:
            if axis.port in seen_ports:
                raise TopologyError(f"cổng {axis.port} trùng với trục ở {seen_ports[axis.port]}", where)
            seen_ports[axis.port] = where
        if axis.role is Role.PROVINCIAL:
            if axis.level1 in seen_level1:
                raise TopologyError(f"tỉnh {axis.level1} đã có trục ở {seen_level1[axis.level1]}", where)
            seen_level1[axis.level1] = where
    for i, agency in enumerate(topology.national.agencies):
        for code in agency.codes:
            level1 = parse_agency_id(code).level1
            if level1 in seen_level1:
                raise TopologyError(
                    f"cơ quan {code} thuộc tỉnh {level1}, phải gắn vào trục tỉnh ở {seen_level1[level1]}",
                    f"national.agencies[{i}]",
                )
    for i, axis in enumerate(topology.axes):
        where = "national" if i == 0 else f"provinces[{i - 1}]"
        systems: dict[str, str] = {}
        if axis.role is Role.NATIONAL:
            systems = {p.code: f"provinces[{j}]" for j, p in enumerate(topology.provinces)}
        for j, agency in enumerate(axis.agencies):
            at = f"{where}.agencies[{j}]"
            for code in agency.codes:
                if code in seen_codes:
                    raise TopologyError(f"mã định danh {code} bị trùng (đã có ở {seen_codes[code]})", at)
                seen_codes[code] = at
            if agency.system_id in systems:
                raise TopologyError(
                    f"systemId {agency.system_id} trùng với hệ thống ở {systems[agency.system_id]} cùng trục", at
                )
            systems[agency.system_id] = at


def _default_parents(topology: Topology) -> None:
    """An agency without `parent` hangs under its nearest ancestor present in the topology, if any."""
    known = {code for _, agency in topology.agencies() for code in agency.codes}
    for _, agency in topology.agencies():
        if agency.parent:
            continue
        ancestor = parse_agency_id(agency.id).parent()
        while ancestor is not None and ancestor.raw not in known:
            ancestor = ancestor.parent()
        agency.parent = ancestor.raw if ancestor is not None else ""


# --- expansion ---------------------------------------------------------------------------------


def directory(topology: Topology) -> list[OrganizationSpec]:
    """The nationwide directory every axis serves: each agency, then its organs."""
    entries: list[OrganizationSpec] = []
    for _, agency in topology.agencies():
        entries.append(OrganizationSpec(agency.id, agency.name, agency.parent, agency.mail, agency.code_qd20))
        entries.extend(OrganizationSpec(o.id, o.name, o.parent, o.mail, o.code_qd20) for o in agency.organs)
    return entries


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """`count` distinct ports the OS reports free now (all sockets held open until every one is chosen)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            s = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(s)
            s.bind((host, 0))
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _system(agency: AgencySpec) -> SystemSpec:
    return SystemSpec(system_id=agency.system_id, secret=agency.secret, organs=agency.codes, name=agency.name)


def expand(
    topology: Topology, state_dir: str | Path, *, host: str | None = None, base_port: int | None = None
) -> list[AxisConfig]:
    """One AxisConfig per axis, national first.

    `host` overrides every axis' bind address (0.0.0.0 in a container); `base_port` gives axis i the
    port base_port + i, for published ports. Otherwise a port of 0 becomes a free loopback port.
    """
    state_dir = Path(state_dir)
    axes = topology.axes
    hosts = [host or axis.settings.host for axis in axes]
    if base_port is not None:
        if not 1 <= base_port <= 65535 - len(axes) + 1:
            raise TopologyError(f"cổng cơ sở {base_port} ngoài khoảng 1..{65535 - len(axes) + 1}")
        ports = [base_port + i for i in range(len(axes))]
    else:
        ports = [axis.port for axis in axes]
        missing = [i for i, p in enumerate(ports) if p == 0]
        by_host: dict[str, list[int]] = {}
        for i in missing:
            by_host.setdefault(hosts[i], []).append(i)
        for bind_host, indexes in by_host.items():
            for i, port in zip(indexes, free_ports(len(indexes), bind_host), strict=True):
                ports[i] = port
    organizations = directory(topology)
    national = topology.national
    national_endpoint = f"http://{connect_host(hosts[0])}:{ports[0]}{national.settings.base_path}"

    configs: list[AxisConfig] = []
    for i, axis in enumerate(axes):
        s = axis.settings
        systems = [_system(a) for a in axis.agencies]
        upstream: UpstreamSpec | None = None
        domains: list[str] = []
        if axis.role is Role.NATIONAL:
            systems += [
                SystemSpec(system_id=p.code, secret=p.secret, domains=[p.level1], name=p.name)
                for p in topology.provinces
            ]
        else:
            domains = [axis.level1]
            upstream = UpstreamSpec(
                endpoint=national_endpoint, system_id=axis.code, secret=axis.secret, poll_interval=s.poll_interval
            )
        configs.append(
            AxisConfig(
                name=axis.name,
                role=axis.role,
                code=axis.code,
                db_path=str(state_dir / f"{axis.slug}.sqlite3"),
                port=ports[i],
                host=hosts[i],
                base_path=s.base_path,
                code_qd20=axis.code_qd20,
                domains=domains,
                systems=systems,
                organizations=[replace(o) for o in organizations],
                upstream=upstream,
                strictness=s.strictness,
                freshness_seconds=s.freshness_seconds,
                replay_window_seconds=s.replay_window_seconds,
                max_body_bytes=s.max_body_bytes,
                header_timeout_seconds=s.header_timeout_seconds,
                body_idle_seconds=s.body_idle_seconds,
                max_connections_per_client=s.max_connections_per_client or connections_per_client(len(systems)),
                durability=s.durability,
                dedupe_new_documents=s.dedupe_new_documents,
                redeliver_failed=s.redeliver_failed,
                trace_status_packages=s.trace_status_packages,
                body_retention_seconds=s.body_retention_seconds,
                control_token=s.control_token,
                seed=s.seed,
                protocol=axis.protocol,
            )
        )
    return configs
