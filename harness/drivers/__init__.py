"""Drivers make the system under test act: through its backchannel (a vendor's URL or a simulated
agency), through a clerk following printed instructions (operator), or a vendor container."""

from harness.drivers.base import Attestation, Command, Driver, DriverError

__all__ = ["Attestation", "Command", "Driver", "DriverError"]
