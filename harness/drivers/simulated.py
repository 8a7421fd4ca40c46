"""The `simulated` driver: the backchannel of a simulated agency hosted by `python -m simulators.agency`.

Same contract and code path as a vendor's backchannel; only the address comes from the agency
host (its `backchannel.json`) instead of the command line.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness.drivers.backchannel import BackchannelDriver
from harness.drivers.base import DriverError

BACKCHANNEL_FILE = "backchannel.json"
"""Written by the agency host in its state directory: {"agencies": {organ_id: base_url}, "token": ...}."""


def simulated_url(state_dir: Path, organ_id: str) -> tuple[str, str | None]:
    path = state_dir / BACKCHANNEL_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DriverError(f"Không đọc được {path}: hãy chạy bộ mô phỏng cơ quan trước ({exc})") from exc
    url = data.get("agencies", {}).get(organ_id)
    if not url:
        raise DriverError(f"Cơ quan {organ_id} không được mô phỏng trong {path}")
    return str(url), data.get("token")


class SimulatedDriver(BackchannelDriver):
    name = "simulated"

    @classmethod
    def from_state(cls, state_dir: Path, organ_id: str) -> SimulatedDriver:
        url, token = simulated_url(state_dir, organ_id)
        return cls(url, token=token)

    def set_awake(self, awake: bool) -> None:
        """Wake the simulated system before its scenarios, or make it dormant after (a trial of hundreds
        of agencies keeps only those under test polling)."""
        self.client.set_awake(awake)
