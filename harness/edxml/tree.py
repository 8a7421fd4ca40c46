"""Namespace-aware navigation of a parsed edXML tree, and readable locations for findings.

Elements are matched by namespace URI plus local name, never by prefix (edxml.md §4.1). Locations
are XPath-like paths of local names with a position when a name repeats: `/edXML/edXMLEnvelope/
edXMLHeader/MessageHeader/To[2]/OrganId`.
"""

from __future__ import annotations

import re

from lxml import etree

from harness.edxml.namespaces import NS, local_name, namespace_of

Element = etree._Element


def is_element(node: object) -> bool:
    """True for elements (comments and processing instructions have a non-string tag)."""
    return isinstance(getattr(node, "tag", None), str)


def kids(el: Element, name: str, ns: str = NS) -> list[Element]:
    """Element children of `el` with local name `name` in namespace `ns`."""
    return [c for c in el if is_element(c) and c.tag == f"{{{ns}}}{name}"]


def kid(el: Element | None, name: str, ns: str = NS) -> Element | None:
    """First element child with that name, or None."""
    if el is None:
        return None
    tag = f"{{{ns}}}{name}"
    for c in el:
        if c.tag == tag:
            return c
    return None


def text(el: Element | None) -> str | None:
    """Text of a leaf element: None when absent, '' when empty."""
    if el is None:
        return None
    return el.text or ""


_CLARK = re.compile(r"\{[^}]*\}")


def path(el: Element) -> str:
    """Location of `el` as a path of local names, with [n] where a name repeats.

    Built by lxml's `getelementpath` in C: listing siblings in Python made a package with
    thousands of repeated elements quadratic.
    """
    tree = el.getroottree()
    root = tree.getroot()
    head = "/" + local_name(str(root.tag))
    rel = tree.getelementpath(el)
    return head if rel == "." else f"{head}/{_CLARK.sub('', rel)}"


def child_path(parent: Element, name: str) -> str:
    """Location of a (missing) child `name` of `parent`."""
    return f"{path(parent)}/{name}"


def describe_tag(el: Element) -> str:
    """The element name for messages, in Clark notation when it has a namespace: `{uri}local`."""
    ns = namespace_of(str(el.tag))
    return f"{{{ns}}}{local_name(str(el.tag))}" if ns else f"'{local_name(str(el.tag))}'"


def kid_any(el: Element | None, *names: str, ns: str = NS) -> Element | None:
    """First child matching any of `names`, tried in order (e.g. `Bussiness`, then `Business`).

    Never write `kid(a) or kid(b)`: an lxml element without children is falsy.
    """
    for name in names:
        found = kid(el, name, ns)
        if found is not None:
            return found
    return None
