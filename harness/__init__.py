"""lienthong: conformance harness for the Vietnamese electronic document interconnect."""

__version__ = "0.1.0"
