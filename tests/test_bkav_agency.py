"""Simulated agencies of a Bkav province (issue 27): they speak EdocService to their axis, and a document
goes through its whole life, inside the province and to a VNPT province, with every status back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from harness.edxml.factory import organization
from harness.pki import TestPki
from simulators.agency.engine import Connection, Mode, SimulatedAgency, Timing
from simulators.agency.host import pki_for, read_endpoints
from simulators.agency.profiles import profile
from simulators.launcher import Simulation
from simulators.topology import load_topology
from tests.agencies import until
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

H14_00, H14_12, H41_12 = "000.00.00.H14", "000.00.12.H14", "000.00.12.H41"
NAMES = {H14_00: "UBND tỉnh Cao Bằng", H14_12: "Sở TTTT Cao Bằng", H41_12: "Sở TTTT Nghệ An"}
FAST = Timing(poll_interval=0.05, step_delay=0.05)
LIFE = ["01", "03", "04", "05", "06"]


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulation]:
    topology = load_topology(REPO / "fixtures" / "topologies" / "minimal.yaml")
    topology.provinces[1].protocol = "bkav"  # Cao Bằng runs Bkav's axis, Nghệ An VNPT's
    with Simulation.start(topology, tmp_path_factory.mktemp("sim")) as s:
        yield s


@pytest.fixture(scope="module")
def pki(sim: Simulation, tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return pki_for(read_endpoints(sim.endpoints_path), tmp_path_factory.mktemp("pki"))


def agency(sim: Simulation, pki: TestPki, code: str, tmp_path: Path) -> SimulatedAgency:
    entry = next(a for a in read_endpoints(sim.endpoints_path)["agencies"] if a["id"] == code)
    return SimulatedAgency(
        organization(code, NAMES[code]),
        Connection(entry["endpoint"], entry["system_id"], entry["secret"], entry["protocol"]),
        pki,
        str(tmp_path / f"{code}.sqlite3"),
        behaviour=profile("conformant"),
        timing=FAST,
        mode=Mode.AUTO,
    )


def life_of(sender: SimulatedAgency, receiver: SimulatedAgency) -> list[str]:
    """Send a document and let both agencies work until the sender holds the whole life of statuses."""
    out: list[str] = []

    def received() -> list[str]:
        return [s["code"] for s in sender.store.received_statuses(out[0])]

    async def go() -> None:
        recipient = organization(receiver.organ_id, NAMES[receiver.organ_id])
        _, document_id = await sender.send_document("Công văn", [recipient])
        out.append(document_id)
        try:
            await until([sender, receiver], lambda: received() == LIFE, timeout=20.0)
            out.extend(received())
        finally:
            for a in (sender, receiver):
                await a.aclose()

    asyncio.run(go())
    return out[1:]


def test_endpoints_say_which_protocol_each_agency_speaks(sim: Simulation) -> None:
    protocols = {a["id"]: a["protocol"] for a in read_endpoints(sim.endpoints_path)["agencies"]}
    assert (protocols[H14_00], protocols[H14_12], protocols[H41_12]) == ("bkav", "bkav", "vxp")


def test_a_document_lives_its_whole_life_inside_the_bkav_province(
    sim: Simulation, pki: TestPki, tmp_path: Path
) -> None:
    assert life_of(agency(sim, pki, H14_00, tmp_path), agency(sim, pki, H14_12, tmp_path)) == LIFE
    journal = httpx.get(sim.axes["000.00.99.H14"].control_url + "/journal", params={"after": 0}).json()
    operations = {r["operation"] for r in journal if r["system_id"] in (H14_00, H14_12)}
    assert {"sendDocument", "getPendingDocIds", "getDocument", "confirmReceived"} <= operations
    assert not operations & {"sendEdoc", "getReceivedEdocList"}  # the agencies speak EdocService only


def test_a_bkav_agency_and_a_vnpt_agency_exchange_through_the_national_axis(
    sim: Simulation, pki: TestPki, tmp_path: Path
) -> None:
    assert life_of(agency(sim, pki, H14_00, tmp_path), agency(sim, pki, H41_12, tmp_path)) == LIFE
    back = tmp_path / "back"
    back.mkdir()
    assert life_of(agency(sim, pki, H41_12, back), agency(sim, pki, H14_12, back)) == LIFE
