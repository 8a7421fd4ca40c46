"""Many simulated agencies in one process, configured from a running simulation's endpoints.json.

Each agency of the topology (except those listed to skip, e.g. the real system under test) gets
its own SimulatedAgency with the behaviour profile named in the topology (`profile:`, default
conformant), its own SQLite file and the shared test PKI.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from harness.edxml.factory import organization
from harness.pki import DEFAULT_SEED, TestPki, load_or_build
from harness.pki.builder import agency_entry
from simulators.agency.engine import Connection, SimulatedAgency, Timing
from simulators.agency.profiles import profile

log = logging.getLogger(__name__)


def read_endpoints(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def pki_for(endpoints: dict[str, Any], directory: Path | None, seed: str = DEFAULT_SEED) -> TestPki:
    entries = [agency_entry(a["id"], a["name"], a.get("extra") or {}) for a in endpoints["agencies"]]
    return load_or_build(entries, seed=seed, directory=directory)


def build_agencies(
    endpoints: dict[str, Any], pki: TestPki, state_dir: Path, timing: Timing, skip: Iterable[str] = ()
) -> list[SimulatedAgency]:
    skipped = set(skip)
    state_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for a in endpoints["agencies"]:
        if a["id"] in skipped:
            continue
        name = str((a.get("extra") or {}).get("profile", "conformant"))
        out.append(
            SimulatedAgency(
                organization(a["id"], a["name"]),
                Connection(a["endpoint"], a["system_id"], a["secret"]),
                pki,
                str(state_dir / f"agency-{a['id']}.sqlite3"),
                behaviour=profile(name),
                timing=timing,
            )
        )
    return out


async def serve(agencies: list[SimulatedAgency], stop: asyncio.Event) -> None:
    """Run every agency's polling loop until `stop` is set, then close them."""
    try:
        await asyncio.gather(*(a.run(stop) for a in agencies))
    finally:
        for a in agencies:
            await a.aclose()
