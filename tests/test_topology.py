"""Topology YAML: loading, validation messages and expansion into axis configs (no processes)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulators.agency.profiles import PROFILES
from simulators.axis.config import Durability, Role, Strictness
from simulators.topology import (
    Topology,
    TopologyError,
    expand,
    load_topology,
    parse_topology,
    slugify,
)
from tests.conftest import REPO

TOPOLOGIES = REPO / "fixtures" / "topologies"
MINIMAL = TOPOLOGIES / "minimal.yaml"
DEMO = TOPOLOGIES / "demo.yaml"


@pytest.fixture
def raw() -> dict[str, Any]:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def error(data: Any) -> str:
    with pytest.raises(TopologyError) as info:
        parse_topology(data)
    return info.value.message_vi


def test_minimal_loads_in_file_order() -> None:
    topo = load_topology(MINIMAL)
    assert topo.source == MINIMAL
    assert [a.code for a in topo.axes] == ["000.00.00.W00", "000.00.99.H41", "000.00.99.H14"]
    assert [a.role for a in topo.axes] == [Role.NATIONAL, Role.PROVINCIAL, Role.PROVINCIAL]
    assert [a.level1 for a in topo.provinces] == ["H41", "H14"]
    assert topo.home_axis("000.00.12.H14").code == "000.00.99.H14"
    assert topo.agency("000.00.00.G22").system_id == "000.00.00.G22"  # defaults to the id
    assert topo.defaults.poll_interval == 0.2


def test_demo_has_the_promised_agencies() -> None:
    topo = load_topology(DEMO)
    assert [a.id for a in topo.national.agencies] == ["000.00.00.G22", "000.00.00.G14", "000.00.98.G14"]
    h41, h56, h14 = topo.provinces
    assert (h41.level1, len(h41.agencies), h41.protocol) == ("H41", 22, "vxp")
    assert (h56.level1, len(h56.agencies), h56.protocol) == ("H56", 4, "vxp")
    # Cao Bằng runs Bkav's axis (profile B): a conformant vendor and five faulty ones (issue 27)
    assert (h14.level1, len(h14.agencies), h14.protocol) == ("H14", 9, "bkav")
    bkav_profiles = [str(a.extra.get("profile", "conformant")) for a in h14.agencies if not a.extra.get("harness")]
    assert "conformant" in bkav_profiles and len(set(bkav_profiles) - {"conformant"}) >= 5
    vendors = [a for a in h41.agencies if a.extra.get("harness") != "probe"]
    assert {a.parent for a in vendors[1:]} == {"000.00.00.H41"}
    assert "UBND thành phố Vinh" in {a.name for a in h41.agencies}
    # simulated vendors of mixed quality, and the harness' own test accounts
    # one vendor per behaviour profile: the demo trial is also the mutation matrix
    assert {str(a.extra.get("profile", "conformant")) for a in vendors} == set(PROFILES)
    probes = [a.id for _, a in topo.agencies() if a.extra.get("harness") == "probe"]
    assert probes == [
        "000.00.98.G14",
        "000.00.98.H41",
        "000.00.97.H41",
        "000.00.98.H56",
        "000.00.98.H14",
        "000.00.97.H14",
    ]


def test_parent_defaults_to_nearest_ancestor_in_the_topology() -> None:
    topo = load_topology(MINIMAL)
    assert topo.agency("000.00.12.H41").parent == "000.00.00.H41"
    assert topo.agency("000.00.00.H41").parent == ""


def test_expand_routing_model(tmp_path: Path) -> None:
    topo = load_topology(MINIMAL)
    national, h41, h14 = expand(topo, tmp_path)
    assert national.role is Role.NATIONAL and national.upstream is None and national.domains == []
    by_id = {s.system_id: s for s in national.systems}
    assert by_id["000.00.00.G22"].organs == ["000.00.00.G22"]
    assert by_id["000.00.99.H41"].domains == ["H41"] and by_id["000.00.99.H41"].secret == "test-secret-axis-h41"
    assert by_id["000.00.99.H14"].domains == ["H14"]
    assert h41.domains == ["H41"]
    assert [s.system_id for s in h41.systems] == ["000.00.00.H41", "000.00.12.H41"]
    assert h41.systems[1].name == "Sở Thông tin và Truyền thông tỉnh Nghệ An"
    assert h41.upstream is not None
    assert h41.upstream.endpoint == national.endpoint
    assert (h41.upstream.system_id, h41.upstream.secret) == ("000.00.99.H41", "test-secret-axis-h41")
    assert h41.upstream.poll_interval == 0.2
    # Every axis serves the nationwide directory.
    for config in (national, h41, h14):
        assert {o.code for o in config.organizations} == {
            "000.00.00.G22",
            "000.00.00.H41",
            "000.00.12.H41",
            "000.00.00.H14",
            "000.00.12.H14",
        }
    pids = {o.code: o.pid for o in h14.organizations}
    assert pids["000.00.12.H14"] == "000.00.00.H14"


def test_expand_ports_and_db_paths(tmp_path: Path) -> None:
    configs = expand(load_topology(MINIMAL), tmp_path)
    ports = [c.port for c in configs]
    assert all(ports) and len(set(ports)) == 3
    assert [c.db_path for c in configs] == [
        str(tmp_path / "truc-lien-thong-van-ban-quoc-gia.sqlite3"),
        str(tmp_path / "truc-lien-thong-tinh-nghe-an.sqlite3"),
        str(tmp_path / "truc-lien-thong-tinh-cao-bang.sqlite3"),
    ]
    assert all(c.host == "127.0.0.1" for c in configs)


def test_expand_host_and_base_port(tmp_path: Path) -> None:
    national, h41, h14 = expand(load_topology(MINIMAL), tmp_path, host="0.0.0.0", base_port=18100)
    assert [c.port for c in (national, h41, h14)] == [18100, 18101, 18102]
    assert national.host == "0.0.0.0"
    assert h41.upstream is not None and h41.upstream.endpoint == "http://127.0.0.1:18100/XrdAdapter/adapter"
    with pytest.raises(TopologyError):
        expand(load_topology(MINIMAL), tmp_path, base_port=65535)


def test_explicit_port_kept_and_zero_or_missing_assigned(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["national"]["port"] = 18111
    raw["provinces"][0]["port"] = 0
    national, h41, h14 = expand(parse_topology(raw), tmp_path)
    assert national.port == 18111 and h41.port not in (0, 18111) and h14.port not in (0, 18111, h41.port)


def test_defaults_and_per_axis_overrides(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["defaults"].update({"durability": "full", "freshness_seconds": 300, "base_path": "/adapter"})
    raw["provinces"][1]["strictness"] = "full"
    raw["provinces"][1]["poll_interval"] = 2
    raw["provinces"][0]["replay_window_seconds"] = None
    national, h41, h14 = expand(parse_topology(raw), tmp_path)
    assert (national.replay_window_seconds, h41.replay_window_seconds) == (86400.0, None)
    assert national.strictness is Strictness.TRANSPORT and h14.strictness is Strictness.FULL
    assert all(c.durability is Durability.FULL and c.freshness_seconds == 300 for c in (national, h41, h14))
    assert h41.upstream is not None and h41.upstream.poll_interval == 0.2
    assert h14.upstream is not None and h14.upstream.poll_interval == 2.0
    assert h41.upstream.endpoint.endswith("/adapter")


def test_an_axis_lets_its_loopback_clients_hold_connections_for_every_system(
    raw: dict[str, Any], tmp_path: Path
) -> None:
    """Every simulated system, probe and the harness reach a simulated axis from 127.0.0.1. The demo's Nghệ An
    axis held 54 connections from it in steady state under a fixed per-client cap of 64; on a busy machine new
    ones were cut and scenarios ended in "Connection reset by peer". Unset, the cap counts the axis' systems."""
    configs = expand(load_topology(DEMO), tmp_path / "demo")
    h41 = next(c for c in configs if c.code == "000.00.99.H41")
    assert len(h41.systems) >= 16 and h41.max_connections_per_client >= 8 * len(h41.systems) > 64
    assert all(c.max_connections_per_client >= 64 for c in configs), "a small axis keeps the floor"
    raw["defaults"]["max_connections_per_client"] = 32
    raw["provinces"][0]["max_connections_per_client"] = 500
    national, h41_set, h14 = expand(parse_topology(raw), tmp_path / "set")
    assert h14.max_connections_per_client == 32
    assert (national.max_connections_per_client, h41_set.max_connections_per_client) == (32, 500), "a set cap holds"


def test_extra_agency_keys_kept_and_organs(raw: dict[str, Any], tmp_path: Path) -> None:
    agency = raw["provinces"][0]["agencies"][1]
    agency.update(
        {
            "profile": "vxp-java",
            "backchannel": {"url": "http://127.0.0.1:9/cb"},
            "system_id": "stttt-nghean",
            "organs": ["000.01.12.H41", {"id": "000.02.12.H41", "name": "Trung tâm CNTT", "mail": "a@b.c"}],
        }
    )
    topo = parse_topology(raw)
    spec = topo.agency("000.02.12.H41")
    assert spec.extra == {"profile": "vxp-java", "backchannel": {"url": "http://127.0.0.1:9/cb"}}
    assert spec.codes == ["000.00.12.H41", "000.01.12.H41", "000.02.12.H41"]
    h41 = expand(topo, tmp_path)[1]
    system = next(s for s in h41.systems if s.system_id == "stttt-nghean")
    assert system.organs == ["000.00.12.H41", "000.01.12.H41", "000.02.12.H41"]
    orgs = {o.code: o for o in h41.organizations}
    assert orgs["000.01.12.H41"].name == "Sở Thông tin và Truyền thông tỉnh Nghệ An"
    assert orgs["000.02.12.H41"].pid == "000.00.12.H41" and orgs["000.02.12.H41"].mail == "a@b.c"


def test_names_default_from_the_level1_catalogue(raw: dict[str, Any]) -> None:
    del raw["provinces"][1]["name"]
    del raw["national"]["agencies"][0]["name"]
    topo = parse_topology(raw)
    assert topo.provinces[1].name == "Trục liên thông tỉnh Cao Bằng"
    assert topo.national.agencies[0].name == "Văn phòng Chính phủ"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update({"nationl": {}}), "khóa không được hỗ trợ: nationl"),
        (lambda d: d["defaults"].update({"strictnes": "full"}), "defaults: khóa không được hỗ trợ: strictnes"),
        (lambda d: d["provinces"][0].update({"agency": []}), "provinces[0]: khóa không được hỗ trợ: agency"),
        (lambda d: d.pop("national"), "thiếu khóa 'national'"),
        (
            lambda d: d["provinces"][1]["agencies"].append(dict(d["provinces"][1]["agencies"][0])),
            "mã định danh 000.00.00.H14 bị trùng",
        ),
        (
            lambda d: d["provinces"][0]["agencies"][1].update({"id": "000.00.12.H14"}),
            "cơ quan 000.00.12.H14 thuộc mã cấp 1 H14, không thuộc tỉnh H41",
        ),
        (
            lambda d: d["provinces"][0]["agencies"][1].update({"id": "00.00.12.H41"}),
            "provinces[0].agencies[1].id: mã định danh '00.00.12.H41' không hợp lệ",
        ),
        (
            lambda d: d["provinces"][0]["agencies"][1].pop("secret"),
            "provinces[0].agencies[1]: thiếu 'secret' của cơ quan 000.00.12.H41",
        ),
        (lambda d: d["provinces"][0].pop("secret"), "thiếu 'secret' của trục tỉnh H41"),
        (lambda d: d["provinces"][0].update({"code": "000.00.99.H14"}), "mã trục 000.00.99.H14 thuộc H14"),
        (lambda d: d["provinces"][1].update({"level1": "h14"}), "mã cấp 1 'h14'"),
        (
            lambda d: d["provinces"][1].update({"level1": "H41", "code": "000.00.98.H41", "agencies": []}),
            "tỉnh H41 đã có trục",
        ),
        (
            lambda d: d["national"]["agencies"].append({"id": "000.00.05.H41", "name": "x", "secret": "y"}),
            "cơ quan 000.00.05.H41 thuộc tỉnh H41",
        ),
        (lambda d: d["defaults"].update({"strictness": "strict"}), "phải là một trong off, transport, full"),
        (lambda d: d["defaults"].update({"poll_interval": -1}), "defaults.poll_interval: phải là số dương"),
        (lambda d: d["national"].update({"port": 70000}), "national.port: cổng phải là số nguyên"),
        (
            lambda d: [d["national"].update({"port": 18200}), d["provinces"][0].update({"port": 18200})],
            "cổng 18200 trùng",
        ),
        (lambda d: d["provinces"][1].update({"name": d["provinces"][0]["name"]}), "tên trục"),
        (
            lambda d: d["provinces"][0]["agencies"][1].update({"system_id": "000.00.00.H41"}),
            "systemId 000.00.00.H41 trùng",
        ),
        (lambda d: d["provinces"][0]["agencies"][1].pop("name"), "thiếu 'name' của cơ quan 000.00.12.H41"),
    ],
)
def test_validation_errors_are_vietnamese_and_located(raw: dict[str, Any], mutate: Any, expected: str) -> None:
    mutate(raw)
    assert expected in error(raw)


def test_top_level_must_be_a_mapping() -> None:
    assert "ánh xạ" in error(["a", "b"])


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(TopologyError, match="không tìm thấy tệp"):
        load_topology(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nnational: {code: 000.00.00.W00\n", encoding="utf-8")
    with pytest.raises(TopologyError, match=r"không phải YAML hợp lệ \(dòng 3"):
        load_topology(broken)
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nnational: {code: 000.00.00.W00}\nzones: []\n", encoding="utf-8")
    with pytest.raises(TopologyError) as info:
        load_topology(bad)
    assert info.value.message_vi.startswith(f"{bad}, dòng 3: khóa không được hỗ trợ: zones")


def test_file_errors_name_the_line_and_the_key(tmp_path: Path) -> None:
    """Each error of a file says where: the line of the offending key (or of its mapping when a key
    is missing), and the key path."""
    text = MINIMAL.read_text(encoding="utf-8")
    lines = text.splitlines()
    cases = {  # line changed: (new text, the line named, key path, what is said)
        "      - id: 000.00.12.H41": ("      - id: 00.00.12.H41", None, "provinces[0].agencies[1].id", "mã định danh"),
        "        secret: test-secret-h41-12": (
            "        secrt: test-secret-h41-12",
            "      - id: 000.00.12.H41",
            "provinces[0].agencies[1]",
            "thiếu 'secret' của cơ quan 000.00.12.H41",
        ),
        "  poll_interval: 0.2": ("  poll_interval: nhanh", None, "defaults.poll_interval", "phải là một số"),
        "    secret: test-secret-axis-h14": ("    port: 70000", None, "provinces[1].port", "cổng phải là số nguyên"),
        "  - name: Trục liên thông tỉnh Cao Bằng": (
            "  - nam: Trục liên thông tỉnh Cao Bằng",
            None,
            "provinces[1]",
            "khóa không được hỗ trợ: nam",
        ),
    }
    for original, (broken, named, where, said) in cases.items():
        number = lines.index(named or original) + 1
        path = tmp_path / "topo.yaml"
        path.write_text(text.replace(original, broken, 1), encoding="utf-8")
        with pytest.raises(TopologyError) as info:
            load_topology(path)
        message = info.value.message_vi
        assert message.startswith(f"{path}, dòng {number} ({where}): "), message
        assert said in message


def test_the_file_schema_knows_every_axis_setting() -> None:
    from dataclasses import fields

    from simulators.topology import AxisSettings
    from simulators.topology_schema import SETTING_KEYS

    assert {f.name for f in fields(AxisSettings)} == SETTING_KEYS


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update({"provinces": {"a": 1}}), "provinces: phải là một danh sách"),
        (lambda d: d.update({"national": "x"}), "national: phải là một ánh xạ"),
        (lambda d: d["national"]["agencies"][0].update({"name": True}), "national.agencies[0].name: phải là một chuỗi"),
        (lambda d: d["national"]["agencies"][0].update({"organs": [3]}), "organs[0]: phải là một mã định danh"),
        (lambda d: d["defaults"].update({"dedupe_new_documents": "yes"}), "phải là true hoặc false, không phải 'yes'"),
        (lambda d: d["defaults"].update({"seed": 1.5}), "defaults.seed: phải là số nguyên"),
        (lambda d: d["defaults"].update({"base_path": "adapter"}), "phải bắt đầu bằng '/'"),
        (lambda d: d["defaults"].update({"durability": "fast"}), "phải là một trong OFF, NORMAL, FULL"),
        (lambda d: d["provinces"][0]["agencies"][0].update({"organs": [{"id": "000.01.00.H41", "x": 1}]}), "x"),
    ],
)
def test_shape_errors_are_vietnamese_and_located(raw: dict[str, Any], mutate: Any, expected: str) -> None:
    mutate(raw)
    assert expected in error(raw)


def test_programmatic_topology_expands(tmp_path: Path) -> None:
    topo = load_topology(MINIMAL)
    assert isinstance(topo, Topology)
    topo.provinces.pop()
    assert [c.code for c in expand(topo, tmp_path)] == ["000.00.00.W00", "000.00.99.H41"]


def test_slugify() -> None:
    assert slugify("Trục liên thông tỉnh Đắk Lắk") == "truc-lien-thong-tinh-dak-lak"
    assert slugify("Trục liên thông văn bản quốc gia") == "truc-lien-thong-van-ban-quoc-gia"
    assert slugify("!!!") == "truc"


def test_a_province_chooses_its_axis_protocol(raw: dict[str, Any], tmp_path: Path) -> None:
    """Profile B (issue 27): `protocol: bkav` on a province; VXP elsewhere and on the national axis."""
    raw["provinces"][1]["protocol"] = "bkav"
    topo = parse_topology(raw)
    assert [a.protocol for a in topo.axes] == ["vxp", "vxp", "bkav"]
    assert [c.protocol for c in expand(topo, tmp_path)] == ["vxp", "vxp", "bkav"]
    raw["provinces"][1]["protocol"] = "soap"
    assert "provinces[1].protocol: phải là một trong vxp, bkav, không phải 'soap'" in error(raw)
    raw["provinces"][1]["protocol"] = "bkav"
    raw["national"]["protocol"] = "bkav"
    assert "national: khóa không được hỗ trợ: protocol" in error(raw)
