"""Who issues a province's appendix: its ICT department (Sở Thông tin và Truyền thông), found in
the topology, with the signer of its personal certificate."""

from __future__ import annotations

from harness.errors import LienthongError
from harness.pki import TestPki
from harness.trial.statement import Issuer
from simulators.topology import AgencySpec, AxisSpec, Topology

ICT_DEPARTMENT = "Sở Thông tin và Truyền thông"


class IssuerError(LienthongError, ValueError):
    """An appendix issuer (signing identity) that cannot be used."""


def _province_of(topology: Topology, organ_id: str) -> tuple[AxisSpec, AgencySpec]:
    for axis in (topology.national, *topology.provinces):
        for agency in axis.agencies:
            if agency.id == organ_id:
                return axis, agency
    raise IssuerError(f"Cơ quan {organ_id} không có trong cấu hình mô phỏng.")


def _place(agency_name: str, axis_name: str) -> str:
    """'Sở Thông tin và Truyền thông tỉnh Nghệ An' -> 'Nghệ An' (the date line's place)."""
    for text in (agency_name, axis_name):
        for marker in (" tỉnh ", " thành phố "):
            if marker in text:
                return text.rsplit(marker, 1)[1].strip()
    return "Hà Nội"


def find_issuer(topology: Topology, pki: TestPki, organ_id: str | None = None, *, near: str | None = None) -> Issuer:
    """The ICT department `organ_id`, or the one of the province of agency `near`."""
    if organ_id is None:
        axes = [a for a in topology.provinces if near is None or any(x.id == near for x in a.agencies)]
        found = [x.id for a in axes for x in a.agencies if x.name.startswith(ICT_DEPARTMENT)]
        if not found:
            raise IssuerError(f"Không tìm thấy {ICT_DEPARTMENT} trong cấu hình mô phỏng: hãy chỉ rõ bằng --issuer.")
        organ_id = found[0]
    axis, agency = _province_of(topology, organ_id)
    parent = next((x for x in axis.agencies if x.id == agency.parent), None)
    if organ_id not in pki.agencies:
        raise IssuerError(f"PKI kiểm thử không có chứng thư của {organ_id}.")
    person = pki.persons.get(organ_id)
    return Issuer(
        organ_id=organ_id,
        name=agency.name,
        parent_name=parent.name if parent else "",
        place=_place(agency.name, axis.name),
        signer_name=person.person_name if person else "",
        position=person.position if person else "",
    )
