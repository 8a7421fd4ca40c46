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
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

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

NATIONAL_DEFAULT_NAME = "Trục liên thông văn bản quốc gia"
WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}

_TOP_KEYS = {"name", "description", "defaults", "national", "provinces"}
_AXIS_KEYS = {"name", "code", "port", "code_qd20", "agencies"}
_PROVINCE_KEYS = _AXIS_KEYS | {"level1", "secret"}
_AGENCY_KEYS = {"id", "name", "secret", "system_id", "organs", "mail", "parent", "code_qd20"}
_ORGAN_KEYS = {"id", "name", "parent", "mail", "code_qd20"}
_LEVEL1_RE = re.compile(r"^[A-Z][0-9]{2}\Z")


class TopologyError(LienthongError, ValueError):
    """A topology file that cannot describe a working simulation; `message_vi` is shown to the user."""

    def __init__(self, message_vi: str, where: str = "") -> None:
        super().__init__(f"{where}: {message_vi}" if where else message_vi)
        self.reason_vi = message_vi
        self.where = where
        """Where in the file: a key path such as `provinces[0].agencies[2].id`, prefixed by the file."""


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
    max_connections_per_client: int = 64
    dedupe_new_documents: bool = True
    redeliver_failed: bool = False
    trace_status_packages: bool = True
    control_token: str = ""
    seed: int | None = None


_SETTING_KEYS = {f.name for f in fields(AxisSettings)}


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
    """Read and validate a topology YAML file."""
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
        raise TopologyError(exc.reason_vi, f"{path} ({exc.where})" if exc.where else str(path)) from None
    topology.source = path
    return topology


def parse_topology(data: Any) -> Topology:
    """Validate an already-parsed YAML document and build the model."""
    top = _mapping(data, "", "cấu trúc mô phỏng phải là một ánh xạ YAML (khóa: giá trị)")
    _reject_unknown(top, _TOP_KEYS, "")
    name = _text(top, "name", "", required=True)
    description = _text(top, "description", "")
    raw_defaults = _mapping(top.get("defaults") or {}, "defaults")
    _reject_unknown(raw_defaults, _SETTING_KEYS, "defaults")
    defaults = _settings(raw_defaults, AxisSettings(), "defaults")

    if "national" not in top:
        raise TopologyError("thiếu khóa 'national' (trục quốc gia)")
    national = _axis(_mapping(top["national"], "national"), Role.NATIONAL, defaults, "national")
    raw_provinces = top.get("provinces", []) or []
    if not isinstance(raw_provinces, list):
        raise TopologyError("phải là một danh sách", "provinces")
    provinces = [
        _axis(_mapping(p, f"provinces[{i}]"), Role.PROVINCIAL, defaults, f"provinces[{i}]")
        for i, p in enumerate(raw_provinces)
    ]
    topology = Topology(name=name, national=national, provinces=provinces, description=description, defaults=defaults)
    _check_whole(topology)
    _default_parents(topology)
    return topology


def _mapping(value: Any, where: str, message: str = "phải là một ánh xạ (khóa: giá trị)") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TopologyError(message, where)
    return value


def _reject_unknown(data: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise TopologyError(
            f"khóa không được hỗ trợ: {', '.join(unknown)} (các khóa hợp lệ: {', '.join(sorted(allowed))})", where
        )


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _text(data: dict[str, Any], key: str, where: str, *, required: bool = False, default: str = "") -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise TopologyError(f"thiếu khóa '{key}'", where)
        return default
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise TopologyError("phải là một chuỗi", _join(where, key))
    return str(value).strip()


def _identifier(value: str, where: str) -> AgencyId:
    try:
        return parse_agency_id(value)
    except InvalidIdentifier as exc:
        raise TopologyError(f"mã định danh {value!r} không hợp lệ: {exc.reason_vi}", where) from exc


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TopologyError(f"phải là một số, không phải {value!r}", where)
    if value <= 0:
        raise TopologyError(f"phải là số dương, không phải {value!r}", where)
    return float(value)


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise TopologyError(f"phải là true hoặc false, không phải {value!r}", where)
    return value


def _settings(data: dict[str, Any], base: AxisSettings, where: str) -> AxisSettings:
    """Apply the setting keys present in `data` over `base`; other keys are the caller's business."""
    changes: dict[str, Any] = {}
    for key in _SETTING_KEYS & data.keys():
        value = data[key]
        at = _join(where, key)
        if key == "strictness":
            choices = [s.value for s in Strictness]
            if str(value) not in choices:
                raise TopologyError(f"phải là một trong {', '.join(choices)}, không phải {value!r}", at)
            changes[key] = Strictness(str(value))
        elif key == "durability":
            choices = [d.value for d in Durability]
            if str(value).upper() not in choices:
                raise TopologyError(f"phải là một trong {', '.join(choices)}, không phải {value!r}", at)
            changes[key] = Durability(str(value).upper())
        elif key == "poll_interval":
            changes[key] = _number(value, at)
        elif key in {"freshness_seconds", "replay_window_seconds"}:
            changes[key] = None if value is None else _number(value, at)
        elif key in {"max_body_bytes", "max_connections_per_client"}:
            changes[key] = int(_number(value, at))
        elif key in {"header_timeout_seconds", "body_idle_seconds"}:
            changes[key] = _number(value, at)
        elif key in {"dedupe_new_documents", "redeliver_failed", "trace_status_packages"}:
            changes[key] = _flag(value, at)
        elif key == "seed":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise TopologyError(f"phải là số nguyên, không phải {value!r}", at)
            changes[key] = value
        else:  # base_path, host, control_token
            if not isinstance(value, str):
                raise TopologyError(f"phải là một chuỗi, không phải {value!r}", at)
            if key == "base_path" and not value.startswith("/"):
                raise TopologyError(f"phải bắt đầu bằng '/', không phải {value!r}", at)
            changes[key] = value
    return replace(base, **changes)


def _port(data: dict[str, Any], where: str) -> int:
    value = data.get("port", 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
        raise TopologyError(f"cổng phải là số nguyên từ 0 đến 65535, không phải {value!r}", _join(where, "port"))
    return value


def _axis(data: dict[str, Any], role: Role, defaults: AxisSettings, where: str) -> AxisSpec:
    allowed = (_PROVINCE_KEYS if role is Role.PROVINCIAL else _AXIS_KEYS) | _SETTING_KEYS
    _reject_unknown(data, allowed, where)
    code = _text(data, "code", where, required=True)
    ident = _identifier(code, _join(where, "code"))
    level1 = ""
    secret = ""
    if role is Role.PROVINCIAL:
        level1 = _text(data, "level1", where, required=True)
        if not _LEVEL1_RE.match(level1):
            raise TopologyError(f"mã cấp 1 {level1!r} phải có dạng một chữ hoa và hai chữ số (vd. H41)", where)
        if ident.level1 != level1:
            raise TopologyError(f"mã trục {code} thuộc {ident.level1}, không thuộc tỉnh {level1}", _join(where, "code"))
        secret = _text(data, "secret", where)
        if not secret:
            raise TopologyError(f"thiếu 'secret' của trục tỉnh {level1} trên trục quốc gia", where)
        province = level1_name(level1) or level1
        default_name = f"Trục liên thông {province.removeprefix('UBND ')}"
    else:
        default_name = NATIONAL_DEFAULT_NAME
    name = _text(data, "name", where, default=default_name)
    raw_agencies = data.get("agencies", []) or []
    if not isinstance(raw_agencies, list):
        raise TopologyError("phải là một danh sách", _join(where, "agencies"))
    agencies = [
        _agency(_mapping(a, f"{where}.agencies[{i}]"), f"{where}.agencies[{i}]") for i, a in enumerate(raw_agencies)
    ]
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
        name=name,
        code=code,
        role=role,
        agencies=agencies,
        port=_port(data, where),
        code_qd20=_text(data, "code_qd20", where),
        level1=level1,
        secret=secret,
        settings=_settings(data, defaults, where),
    )


def _agency(data: dict[str, Any], where: str) -> AgencySpec:
    code = _text(data, "id", where, required=True)
    ident = _identifier(code, _join(where, "id"))
    name = _text(data, "name", where)
    if not name and ident.level == 1:
        name = level1_name(ident.level1) or ""  # a ministry or province itself is named by the catalogue
    if not name:
        raise TopologyError(f"thiếu 'name' của cơ quan {code}", where)
    secret = _text(data, "secret", where)
    if not secret:
        raise TopologyError(f"thiếu 'secret' của cơ quan {code}", where)
    parent = _text(data, "parent", where)
    if parent:
        _identifier(parent, _join(where, "parent"))
    raw_organs = data.get("organs", []) or []
    if not isinstance(raw_organs, list):
        raise TopologyError("phải là một danh sách", _join(where, "organs"))
    organs: list[OrganSpec] = []
    for i, item in enumerate(raw_organs):
        at = f"{where}.organs[{i}]"
        if isinstance(item, str):
            item = {"id": item}
        organ = _mapping(item, at, "phải là một mã định danh hoặc ánh xạ có khóa 'id'")
        _reject_unknown(organ, _ORGAN_KEYS, at)
        organ_id = _text(organ, "id", at, required=True)
        _identifier(organ_id, _join(at, "id"))
        organ_parent = _text(organ, "parent", at, default=code)
        _identifier(organ_parent, _join(at, "parent"))
        organs.append(
            OrganSpec(
                id=organ_id,
                name=_text(organ, "name", at, default=name),
                parent=organ_parent,
                mail=_text(organ, "mail", at),
                code_qd20=_text(organ, "code_qd20", at),
            )
        )
    return AgencySpec(
        id=code,
        name=name,
        secret=secret,
        system_id=_text(data, "system_id", where),
        organs=organs,
        mail=_text(data, "mail", where),
        parent=parent,
        code_qd20=_text(data, "code_qd20", where),
        extra={str(k): v for k, v in data.items() if k not in _AGENCY_KEYS},
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
                max_connections_per_client=s.max_connections_per_client,
                durability=s.durability,
                dedupe_new_documents=s.dedupe_new_documents,
                redeliver_failed=s.redeliver_failed,
                trace_status_packages=s.trace_status_packages,
                control_token=s.control_token,
                seed=s.seed,
            )
        )
    return configs
