"""The simulator's control-plane client moved to harness.transport.sim_control (the load runner uses
it too and sits beside the scenarios, not above them); this name is kept for existing imports."""

from harness.transport.sim_control import AxisWatch, ControlPlaneError, journal_time

__all__ = ["AxisWatch", "ControlPlaneError", "journal_time"]
