"""Namespace URIs and qualified names of the edXML format (edxml.md §4.1)."""

from __future__ import annotations

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
XLINK_NS = "http://www.w3.org/1999/xlink"


def q(local: str) -> str:
    """Clark notation of an element in the edXML namespace."""
    return f"{{{NS}}}{local}"


def local_name(tag: str) -> str:
    """Local part of a Clark-notation tag."""
    return tag.rsplit("}", 1)[-1]


def namespace_of(tag: str) -> str:
    """Namespace URI of a Clark-notation tag ('' when unqualified)."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
