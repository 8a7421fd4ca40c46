"""What the axis reads from a package before accepting it: validity per strictness, and routing.

The checks are the harness' own EDX rules (one implementation); strictness only chooses which
findings refuse the package. The refusal text names the rule so a vendor can look it up.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from harness.edxml.catalogue import rule
from harness.edxml.findings import Finding, Kind, Level
from harness.edxml.parser import parse
from harness.edxml.rules import Transport
from harness.edxml.safexml import Limits
from harness.edxml.tree import Element, kid, kid_any, kids, text
from harness.edxml.validate import inspect
from harness.errors import LienthongError
from harness.transport.vxp.wire import ErrorCode, MessageType, ascii_text
from simulators.axis.config import Strictness

TRANSPORT_RULES = frozenset({f"EDX-{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 30, 31, 32, 33, 34, 40, 42, 60, 61)})
"""What an axis cannot carry a package without (axis-protocol.md §7.1 validation hooks)."""
ENFORCED_SHOULD = frozenset({"EDX-60", "EDX-61"})
"""SHOULD rules in the catalogue that an axis enforces: they are about the request itself."""
MAX_LISTED = 3
MAX_TO_CHARS = 64 * 1024
"""A `to` list of a thousand receivers fits many times over."""


class Refusal(LienthongError):
    """A package or request the axis will not accept; `desc` is the ASCII ErrorDesc."""

    def __init__(self, code: ErrorCode, desc: str, rules: Sequence[str] = ()) -> None:
        super().__init__(desc, rule=next(iter(rules), ""))
        self.code = code
        self.desc = ascii_text(desc)
        self.rules = list(rules)


@dataclass(slots=True)
class Intake:
    """A package the axis accepted: its kind, routing facts and the tree to stamp a trace on."""

    kind: MessageType
    sender: str
    receivers: list[str]
    root: Element
    document_id: str = ""
    title: str = ""
    notation: str = ""
    bussiness_type: str = ""
    status_code: str = ""
    findings: list[Finding] = field(default_factory=list)


def parse_to_header(value: str) -> tuple[list[str], bool]:
    """The `to` parameter's codes, and whether it came in the SDK's sendEdoc form (JSON).

    The SDK's sendEdoc writes `to` as JSON (an array, or a string with its quotes); a bare value
    is what list calls write (PVN's gateway sends `to` = its own code with getReceivedEdocList),
    and the SDK then carries it into later calls. A bare comma list is read leniently.
    """
    value = value.strip()
    if not value:
        return [], False
    if len(value) > MAX_TO_CHARS:
        raise Refusal(ErrorCode.BAD_REQUEST, f"Tham so to dai qua {MAX_TO_CHARS} ky tu")
    try:
        decoded = json.loads(value)
    except RecursionError:
        raise Refusal(ErrorCode.BAD_REQUEST, "Tham so to khong hop le") from None
    except ValueError:
        return [p.strip() for p in value.split(",") if p.strip()], False
    if isinstance(decoded, str):
        return ([decoded.strip()] if decoded.strip() else []), True
    if isinstance(decoded, list) and all(isinstance(x, str) for x in decoded):
        return [x.strip() for x in decoded if x.strip()], True
    raise Refusal(ErrorCode.BAD_REQUEST, "Tham so to khong hop le")


def receivers_of(to_param: str | None, package_to: list[str]) -> list[str]:
    """Who an edoc goes to: the `to` parameter when it is sendEdoc's own, else the package's To.

    A JSON `to` is the sender's choice and wins (the C# client names its receivers there). A bare
    one counts only when the package addresses every code in it; otherwise it was carried over
    from a list call and would send the document back to its own sender.
    """
    codes, sdk_form = parse_to_header(to_param) if to_param is not None else ([], False)
    if codes and (sdk_form or set(codes) <= set(package_to)):
        return _unique(codes)
    return _unique([r for r in package_to if r])


def _refusing(findings: list[Finding], strictness: Strictness) -> list[Finding]:
    if strictness is Strictness.OFF:
        return []
    if strictness is Strictness.TRANSPORT:
        return [f for f in findings if f.rule in TRANSPORT_RULES]
    return [f for f in findings if f.level is Level.MUST or f.rule in ENFORCED_SHOULD]


def _describe(refused: list[Finding]) -> str:
    parts = [f"{f.rule} {f.message_vi}" for f in refused[:MAX_LISTED]]
    more = len(refused) - MAX_LISTED
    suffix = f" (va {more} loi khac)" if more > 0 else ""
    return "Goi tin bi tu choi: " + "; ".join(parts) + suffix


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def read_package(
    body: bytes,
    *,
    message_type: str | None,
    service_type: str | None,
    sender_param: str | None,
    to_param: str | None,
    strictness: Strictness,
    limits: Limits | None = None,
) -> Intake:
    """Validate per strictness and extract routing; raise Refusal with a rule ID on failure."""
    mt = (message_type or "").strip().lower()
    if mt and mt not in (MessageType.EDOC, MessageType.STATUS):
        raise Refusal(ErrorCode.BAD_REQUEST, f"EDX-60 messagetype '{message_type}' khong hop le", ["EDX-60"])
    st = service_type.strip() if service_type is not None else None
    if st is not None and st.lower() == "edoc":
        st = "eDoc"
    findings: list[Finding] = []
    if strictness is Strictness.OFF:
        parsed = parse(body, strict=False, limits=limits, model=False)
        root = parsed.root
        if root is None:
            detail = parsed.problems[0].message_vi if parsed.problems else "khong doc duoc"
            raise Refusal(ErrorCode.BAD_REQUEST, f"EDX-01 Goi tin khong phai XML hop le: {detail}", ["EDX-01"])
        kind = parsed.kind
    else:
        transport = Transport(messagetype=mt or None, servicetype=st, from_=sender_param)
        result = inspect(
            body,
            strict=False,
            limits=limits,
            transport=transport,
            model=False,
            carriage_only=strictness is Strictness.TRANSPORT,
        )
        findings = result.report.findings
        root = result.parsed.root
        kind = result.parsed.kind
        refused = _refusing(findings, strictness)
        if refused or root is None:
            if not refused:
                refused = [Finding("EDX-01", rule("EDX-01").level, "/", "Goi tin khong phai XML", "Not XML", "")]
            raise Refusal(ErrorCode.BAD_REQUEST, _describe(refused), [f.rule for f in refused])
    assert root is not None
    as_status = mt == MessageType.STATUS or (not mt and kind is Kind.STATUS)
    header = kid(kid(root, "edXMLEnvelope"), "edXMLHeader")
    mh = kid(header, "MessageHeader")
    sender = (text(kid(kid(mh, "From"), "OrganId")) or "").strip() or (sender_param or "").strip()
    intake = Intake(MessageType.STATUS if as_status else MessageType.EDOC, sender, [], root, findings=findings)
    if as_status:
        rf = kid(mh, "ResponseFor")
        target = (text(kid(rf, "OrganId")) or "").strip()
        if not target:
            raise Refusal(ErrorCode.BAD_REQUEST, "EDX-42 Goi tin trang thai thieu ResponseFor/OrganId", ["EDX-42"])
        intake.receivers = [target]
        intake.document_id = (text(kid(rf, "DocumentId")) or "").strip()
        intake.notation = (text(kid(rf, "Code")) or "").strip()
        intake.status_code = (text(kid(mh, "StatusCode")) or "").strip()
        intake.title = (text(kid(mh, "Description")) or "").strip()
    else:
        from_xml = [(text(kid(t, "OrganId")) or "").strip() for t in kids(mh, "To")] if mh is not None else []
        intake.receivers = receivers_of(to_param, from_xml)
        if not intake.receivers:
            raise Refusal(ErrorCode.BAD_REQUEST, "EDX-07 Goi tin khong co don vi nhan (To)", ["EDX-07"])
        intake.document_id = (text(kid(mh, "DocumentId")) or "").strip()
        code = kid(mh, "Code")
        number = (text(kid(code, "CodeNumber")) or "").strip()
        notation = (text(kid(code, "CodeNotation")) or "").strip()
        intake.notation = f"{number}/{notation}" if number and notation else number or notation
        intake.title = (text(kid(mh, "Subject")) or "").strip()
        bus = kid_any(kid(header, "TraceHeaderList"), "Bussiness", "Business")
        intake.bussiness_type = (text(kid(bus, "BussinessDocType")) or "").strip()
    if not sender:
        raise Refusal(ErrorCode.BAD_REQUEST, "EDX-06 Goi tin khong co don vi gui (From/OrganId)", ["EDX-06"])
    return intake
