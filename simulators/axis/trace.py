"""Append the axis' own TraceHeader to a package, keeping the rest of the XML as it came.

Each hop (sending axis, national axis, receiving axis) adds one `TraceHeader{OrganId,
Timestamp}` after the existing ones. Status packages carry no TraceHeaderList in the samples;
one is added after MessageHeader so the hops stay visible (configurable).
"""

from __future__ import annotations

import copy

from lxml import etree

from harness.edxml.formats import format_timestamp, now_ict
from harness.edxml.namespaces import q
from harness.edxml.tree import Element, kid, kids

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _fresh_trace_header(organ_id: str, timestamp: str) -> Element:
    th = etree.Element(q("TraceHeader"))
    etree.SubElement(th, q("OrganId")).text = organ_id
    etree.SubElement(th, q("Timestamp")).text = timestamp
    return th


def append_trace(root: Element, organ_id: str, *, timestamp: str | None = None, create: bool = True) -> bool:
    """Add a TraceHeader for this hop; False when the package has nowhere to put it."""
    stamp = timestamp or format_timestamp(now_ict())
    header = kid(kid(root, "edXMLEnvelope"), "edXMLHeader")
    if header is None:
        return False
    thl = kid(header, "TraceHeaderList")
    if thl is None:
        if not create:
            return False
        message_header = kid(header, "MessageHeader")
        thl = etree.Element(q("TraceHeaderList"))
        thl.append(_fresh_trace_header(organ_id, stamp))
        if message_header is not None:
            thl.tail = message_header.tail
            message_header.addnext(thl)
        else:
            header.insert(0, thl)
        return True
    existing = kids(thl, "TraceHeader")
    if existing:
        last = existing[-1]
        new = copy.deepcopy(last)
        for child in list(new):
            # Comments and processing instructions have no QName: they go with the other extras.
            if not isinstance(child.tag, str) or etree.QName(child).localname not in ("OrganId", "Timestamp"):
                new.remove(child)
        organ = kid(new, "OrganId")
        stamp_el = kid(new, "Timestamp")
        if organ is None or stamp_el is None:
            new = _fresh_trace_header(organ_id, stamp)
        else:
            for el, value in ((organ, organ_id), (stamp_el, stamp)):
                for inner in list(el):
                    el.remove(inner)
                el.text = value
        new.tail = last.tail
        last.addnext(new)
    else:
        new = _fresh_trace_header(organ_id, stamp)
        new.tail = thl.text
        thl.insert(0, new)
    return True


def serialize(root: Element) -> bytes:
    """UTF-8 bytes with the declaration the reference library writes (double quotes)."""
    return DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False)
