"""Directory operations: getAgenciesList, getAgenciesListQD20, getSynchronizeUnit, register/deleteAgency."""

from __future__ import annotations

import pytest

from harness.transport.vxp import VxpError
from tests.axis.conftest import AGENCIES, AXIS_H41, G22, H14_00, H14_12, H41_00, H41_12, NAMES, AxisEnv

NEW_CODE = "000.00.21.H41"


def test_agencies_list_is_the_topology_directory(env: AxisEnv) -> None:
    for agency in (H41_12, G22, H14_00):  # every axis serves the same directory
        data = env.client(agency).get_agencies_list()
        assert sorted(a["code"] for a in data) == sorted(AGENCIES)
        for a in data:
            assert set(a) == {"id", "code", "name", "mail", "pid", "oldCode"}
            assert a["name"] == NAMES[a["code"]]
        assert len({a["id"] for a in data}) == len(data)


def test_agencies_list_qd20_filters_by_level(env: AxisEnv) -> None:
    client = env.client(H41_00)
    level1 = client.get_agencies_list_qd20(1)
    level2 = client.get_agencies_list_qd20(2)
    assert sorted(a["code102"] for a in level1) == sorted([G22, H41_00, H14_00])
    assert sorted(a["code102"] for a in level2) == sorted([H41_12, H14_12])
    assert client.get_agencies_list_qd20(4) == []
    for a in level1 + level2:
        assert set(a) == {"id", "code", "name", "mail", "code102"}
        assert a["name"] == NAMES[a["code102"]]
    bad = client.call(client.protocol.get_agencies_list_qd20("mot"))
    assert (bad.status, bad.error_code) == ("FAIL", "400")


def test_synchronize_unit_fields(env: AxisEnv) -> None:
    data = env.client(H41_00).get_synchronize_unit()
    assert sorted(u["code"] for u in data) == sorted(AGENCIES)
    for u in data:
        assert set(u) == {
            "id",
            "code",
            "name",
            "mail",
            "pid",
            "version",
            "centerCode",
            "deleted",
            "modifyDate",
            "isAgency",
        }
        assert isinstance(u["version"], int) and u["version"] >= 1
        assert u["deleted"] is False and u["isAgency"] is True
        assert u["centerCode"] == AXIS_H41


def test_register_then_send_as_the_new_code(env: AxisEnv) -> None:
    owner, other = env.client(H41_00), env.client(H41_12)
    owner.register_agency(NEW_CODE, "Phòng Văn thư", H41_00, "vanthu@example.gov.vn")
    entry = next(a for a in other.get_agencies_list() if a["code"] == NEW_CODE)
    assert (entry["name"], entry["pid"], entry["mail"]) == ("Phòng Văn thư", H41_00, "vanthu@example.gov.vn")

    _, data = env.document(NEW_CODE, [H41_12])
    owner.send_edoc(data, sender=NEW_CODE)
    assert [i.from_ for i in other.get_received_edoc_list()] == [NEW_CODE]
    # Mail for the new code lands in the registering system's mailbox.
    _, data = env.document(H41_12, [NEW_CODE])
    other.send_edoc(data, sender=H41_12)
    assert [i.to for i in owner.get_received_edoc_list()] == [NEW_CODE]
    # Someone else cannot send as it, nor take the code over.
    _, data = env.document(NEW_CODE, [H41_00])
    with pytest.raises(VxpError) as forbidden:
        other.send_edoc(data, sender=NEW_CODE)
    assert forbidden.value.reply.error_code == "403"
    with pytest.raises(VxpError) as taken:
        other.register_agency(NEW_CODE, "Chiem ma")
    assert taken.value.reply.error_code == "409"


def test_register_refuses_bad_input(env: AxisEnv) -> None:
    client = env.client(H41_00)
    for code, name in (("H41.abc", "Sai ma"), (NEW_CODE, "")):
        with pytest.raises(VxpError) as bad:
            client.register_agency(code, name)
        assert bad.value.reply.error_code == "400"
    assert NEW_CODE not in {a["code"] for a in client.get_agencies_list()}


def test_delete_agency_only_by_its_owner(env: AxisEnv) -> None:
    owner, other = env.client(H41_00), env.client(H41_12)
    owner.register_agency(NEW_CODE, "Phòng Văn thư", H41_00)
    before = next(u for u in owner.get_synchronize_unit() if u["code"] == NEW_CODE)
    assert before["deleted"] is False

    with pytest.raises(VxpError) as forbidden:
        other.delete_agency(NEW_CODE)
    assert forbidden.value.reply.error_code == "403"
    with pytest.raises(VxpError) as configured:
        owner.delete_agency(H41_12)  # in the directory, but not registered by this system
    assert configured.value.reply.error_code == "403"

    owner.delete_agency(NEW_CODE)
    after = next(u for u in other.get_synchronize_unit() if u["code"] == NEW_CODE)
    assert after["deleted"] is True and after["version"] > before["version"] and after["modifyDate"]
    assert NEW_CODE not in {a["code"] for a in other.get_agencies_list()}
    # Gone for sending too, and deleting twice finds nothing.
    _, data = env.document(NEW_CODE, [H41_12])
    with pytest.raises(VxpError) as gone:
        owner.send_edoc(data, sender=NEW_CODE)
    assert gone.value.reply.error_code == "403"
    with pytest.raises(VxpError) as twice:
        owner.delete_agency(NEW_CODE)
    assert twice.value.reply.error_code == "404"


def test_register_cannot_take_over_another_systems_code(env: AxisEnv) -> None:
    """AX-06: registering a code some other system acts for must not open its mailbox."""
    thief, victim = env.client(H41_00), env.client(H41_12)
    _, data = env.document(H41_00, [H41_12])
    thief.send_edoc(data, sender=H41_00)
    with pytest.raises(VxpError) as taken:
        thief.register_agency(H41_12, "Chiem ma")
    assert taken.value.reply.error_code == "409"
    assert thief.get_received_edoc_list() == []
    assert len(victim.get_received_edoc_list()) == 1
    _, data = env.document(H41_12, [H41_00])
    assert thief.call(thief.protocol.send_edoc(data, sender=H41_12)).error_code == "403"
    name = next(a["name"] for a in victim.get_agencies_list() if a["code"] == H41_12)
    assert name == NAMES[H41_12]
