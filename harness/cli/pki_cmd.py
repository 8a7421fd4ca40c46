"""`lienthong pki init`: (re)generate the test PKI of a topology's agencies."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from harness.paths import fixtures_dir
from harness.pki import DEFAULT_SEED, default_dir, load_or_build
from harness.pki.builder import AgencyEntry, agency_entry
from simulators.topology import TopologyError, load_topology

DEFAULT_TOPOLOGY = "topologies/demo.yaml"


def agencies_of(topology: Path | None = None) -> list[AgencyEntry]:
    """One PKI entry per agency of the topology (default: the demo topology)."""
    topo = load_topology(topology or fixtures_dir() / DEFAULT_TOPOLOGY)
    return [agency_entry(agency.id, agency.name, agency.extra) for _axis, agency in topo.agencies()]


@click.group("pki")
def pki_group() -> None:
    """PKI kiểm thử: chứng thư gốc, CA cho cơ quan nhà nước, chứng thư cơ quan và cá nhân, TSA, CRL."""


@pki_group.command("init")
@click.option(
    "--topology",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Topology lấy danh sách cơ quan (mặc định fixtures/topologies/demo.yaml).",
)
@click.option("--seed", default=DEFAULT_SEED, show_default=True, help="Hạt giống: cùng hạt giống cho cùng chứng thư.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Thư mục lưu (mặc định .lienthong/pki hoặc LIENTHONG_PKI_DIR).",
)
def init_command(topology: Path | None, seed: str, directory: Path | None) -> None:
    """Sinh lại toàn bộ PKI kiểm thử (luôn ghi đè bản đang lưu)."""
    try:
        agencies = agencies_of(topology)
    except (TopologyError, OSError) as exc:
        click.echo(f"Lỗi: không đọc được topology: {getattr(exc, 'message_vi', exc)}", err=True)
        sys.exit(2)
    target = directory or default_dir()
    try:
        pki = load_or_build(agencies, seed=seed, directory=target, rebuild=True)
    except OSError as exc:
        click.echo(f"Lỗi: không ghi được vào {target}: {exc.strerror or exc}", err=True)
        sys.exit(2)
    console = Console()
    table = Table(title=f"PKI kiểm thử (hạt giống {seed})")
    for col in ("Mã định danh", "Cơ quan (chứng thư con dấu)", "Người ký (chứng thư cá nhân)"):
        table.add_column(col)
    for organ_id, cred in pki.agencies.items():
        person = pki.persons[organ_id]
        table.add_row(organ_id, cred.common_name, f"{person.person_name}, {person.position}")
    console.print(table)
    console.print(f"Chứng thư gốc: {pki.root.subject}  (SHA-256 {pki.root.fingerprint[:16]}…)")
    console.print(f"Chứng thư lỗi cho kiểm thử âm: {', '.join(d.value for d in pki.bad)}")
    console.print(f"Đã lưu vào: {target}")
