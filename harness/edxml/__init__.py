"""edXML (QCVN 102:2016/BTTTT) model, builder, safe parser and rule checks."""

from harness.edxml.builder import build, build_edoc, build_status
from harness.edxml.findings import Finding, Kind, Level, Report
from harness.edxml.parser import EdxmlError, Parsed, parse, parse_package
from harness.edxml.rules import SequenceChecker, Transport
from harness.edxml.safexml import Limits
from harness.edxml.validate import Inspection, inspect, validate, validate_sequence

__all__ = [
    "EdxmlError",
    "Finding",
    "Inspection",
    "Kind",
    "Level",
    "Limits",
    "Parsed",
    "Report",
    "SequenceChecker",
    "Transport",
    "build",
    "build_edoc",
    "build_status",
    "inspect",
    "parse",
    "parse_package",
    "validate",
    "validate_sequence",
]
