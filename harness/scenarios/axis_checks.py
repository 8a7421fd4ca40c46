"""The AX-* run-tests: what a provincial axis operator checks on their own axis (pilot-run-tests.md).

The axis is the system under test; the harness plays the agencies around it (probes: `local` and
`local2` in the province, `remote` in another province, `central` on the national axis) and talks
to the axis only through the VXP protocol, so every check works against a real axis URL as well as
a simulated one. Only AX-08 needs more: a way to crash and restart the axis (`World.restart_axis`).

One small function per check; the steps of features/steps/axis.py only call these. A failed check
raises `fail(ctx, "AX-0N", "<Vietnamese message with the numbers and ids>")`. Every scenario
acknowledges what its probes received (probes collect and acknowledge everything), so the
scenarios run in any order and again and again against the same axis.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import math
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import httpx
import yaml

from harness.edxml import build
from harness.edxml import model as m
from harness.edxml.factory import status_for
from harness.edxml.formats import parse_timestamp
from harness.ids import IdShape, InvalidIdentifier, parse_agency_id
from harness.paths import thresholds_path
from harness.scenarios.context import NotApplicable, ScenarioContext, StepFailure
from harness.scenarios.probe import Mail, Probe, documents_from, read_mail, statuses_for
from harness.scenarios.world import ROLE_OF_PHRASE, ROLES_VI, Agency, WorldError
from harness.transport.vxp import MessageType, Operation, PreparedRequest, Reply, VxpClient, VxpError

AX01, AX02, AX03, AX04, AX05, AX06, AX07, AX08, AX09, AX10 = (f"AX-{i:02d}" for i in range(1, 11))

MB = 1024 * 1024
SERVER_ERRORS = ("500", "503")
"""Error codes that say the axis broke, not that it refused the request."""
LOCAL_ERROR = "100"
"""`Reply.parse`'s code for a reply that is not the JSON envelope."""


# Configuration ---------------------------------------------------------------------------------


def thresholds_section(name: str) -> dict[str, Any]:
    """One section of the thresholds YAML; empty when the file or the section is missing."""
    path = thresholds_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    except (OSError, yaml.YAMLError) as exc:
        raise WorldError(f"Không đọc được tệp ngưỡng {path}: {exc}") from exc
    section = data.get(name) if isinstance(data, dict) else None
    return dict(section) if isinstance(section, dict) else {}


@dataclass(frozen=True, slots=True)
class BurstSettings:
    """AX-09: a short burst the run-test sends (the full load test is load/, with Locust)."""

    sends: int = 40
    threads: int = 8
    p95_ms: float = 2000.0
    doc_type: str = "Công văn"

    @classmethod
    def load(cls) -> BurstSettings:
        d, default = thresholds_section("scenario_burst"), cls()
        return cls(
            sends=int(d.get("sends", default.sends)),
            threads=int(d.get("threads", default.threads)),
            p95_ms=float(d.get("p95_ms", default.p95_ms)),
            doc_type=str(d.get("doc_type", default.doc_type)),
        )


@dataclass(frozen=True, slots=True)
class BadInputSettings:
    """AX-10: the axis' body limit, when known, and how far over it the oversize package goes."""

    max_body_bytes: int | None = 50 * MB
    over_by_bytes: int = 3 * MB

    @classmethod
    def load(cls) -> BadInputSettings:
        d, default = thresholds_section("scenario_bad_input"), cls()
        limit = d.get("max_body_bytes", default.max_body_bytes)
        return cls(
            max_body_bytes=None if limit in (None, "", 0) else int(limit),
            over_by_bytes=int(d.get("over_by_bytes", default.over_by_bytes)),
        )


# Common helpers --------------------------------------------------------------------------------


def home_axis(ctx: ScenarioContext) -> str:
    """The axis under test (the run's home axis), fixed on the context for the later steps."""
    if ctx.home_axis is None:
        ctx.home_axis = ctx.world.home_axis
    return ctx.home_axis


def rule_of(ctx: ScenarioContext) -> str:
    """The run-test a shared step is checking (the scenario's AX tag)."""
    return ctx.result.scenario_id or "AX"


def who(ctx: ScenarioContext, probe: Probe) -> str:
    """«đơn vị kiểm thử thứ hai trong tỉnh 000.00.97.H41»: the probe's role in this run, and its code."""
    roles = {organ: role for role, organ in ctx.world.probe_ids(home_axis(ctx)).items()}
    return f"{ROLES_VI.get(roles.get(probe.organ_id, ''), 'đơn vị kiểm thử')} {probe.organ_id}"


def upper_first(text: str) -> str:
    """The first letter in upper case, the rest untouched (codes keep their case)."""
    return text[:1].upper() + text[1:]


def fail(ctx: ScenarioContext, rule: str, message_vi: str) -> StepFailure:
    """`ctx.fail` with the message starting as a sentence (it often starts with a probe's role)."""
    return ctx.fail(rule, upper_first(message_vi))


def note(ctx: ScenarioContext, rule: str, message_vi: str) -> None:
    ctx.note(rule, upper_first(message_vi))


def national_code(ctx: ScenarioContext) -> str | None:
    return next((c for c, a in ctx.world.axes.items() if a.role == "national"), None)


def agency_of(ctx: ScenarioContext, probe: Probe) -> Agency:
    return ctx.world.agency(probe.organ_id)


def in_province_roles(ctx: ScenarioContext) -> list[str]:
    """The in-province probes other than `local`: `local2`, and `local3` when the world has one."""
    roles = ctx.world.probe_ids(home_axis(ctx))
    return [r for r in ("local2", "local3") if r in roles]


def require_probes(ctx: ScenarioContext, *roles: str) -> None:
    """The probes a scenario needs exist (a configuration error otherwise)."""
    home = home_axis(ctx)
    if home not in ctx.world.axes:
        raise WorldError(f"Trục {home} không có trong cấu hình.")
    for role in roles:
        ctx.probe(role)


@contextmanager
def axis_errors(ctx: ScenarioContext, rule: str, what_vi: str) -> Iterator[None]:
    """An error reply or a broken connection while doing `what_vi` is the axis' failure."""
    try:
        yield
    except VxpError as exc:
        r = exc.reply
        raise fail(
            ctx, rule, f"{what_vi}: trục trả lời {r.status} mã {r.error_code} «{r.error_desc}» (HTTP {r.http_status})."
        ) from exc
    except httpx.HTTPError as exc:
        raise fail(ctx, rule, f"{what_vi}: không gọi được trục ({type(exc).__name__}: {exc}).") from exc


def collect_later(ctx: ScenarioContext, *probes: Probe) -> None:
    """Acknowledge what these probes received once the scenario ends, pass or fail."""
    done: set[str] = ctx.data.setdefault("ax_cleanup_probes", set())
    for probe in probes:
        if probe.organ_id not in done:
            done.add(probe.organ_id)
            ctx.cleanups.append(probe.collect)


def collect_quietly(probes: list[Probe], seconds: float, poll: float) -> None:
    """Keep fetching (and acknowledging) for `seconds`: whatever must not arrive has its chance."""
    end = time.monotonic() + seconds
    while True:
        for p in probes:
            p.collect()
        if time.monotonic() >= end:
            return
        time.sleep(min(max(poll, 0.05), max(0.0, end - time.monotonic())))


def wait_for(probe: Probe, predicate: Callable[[Mail], bool], deadline: float, poll: float) -> list[Mail]:
    """Mail matching `predicate` by the monotonic `deadline`; with the deadline spent on earlier
    waits of the same step, the probe still looks in its mailbox once."""
    found = probe.wait(predicate, max(0.0, deadline - time.monotonic()), poll=poll)
    if not found:
        probe.collect()
        found = probe.find(predicate)
    return found


def unique(probes: list[Probe]) -> list[Probe]:
    out: dict[str, Probe] = {}
    for p in probes:
        out.setdefault(p.organ_id, p)
    return list(out.values())


def pending_doc_id(owner: Probe, sender_id: str, document_id: str, timeout: float, poll: float) -> str | None:
    """The docId of a document still waiting in `owner`'s mailbox, found by reading (never by
    acknowledging) the waiting packages; None when it is not there within `timeout`."""
    seen: set[str] = set()
    deadline = time.monotonic() + timeout
    while True:
        for item in owner.client.get_received_edoc_list(MessageType.EDOC):
            if item.doc_id in seen or (item.from_ and item.from_ != sender_id):
                continue
            seen.add(item.doc_id)
            mail = read_mail(item.doc_id, MessageType.EDOC, owner.client.get_edoc(item.doc_id))
            if mail.document_id == document_id:
                return item.doc_id
        if time.monotonic() >= deadline:
            return None
        time.sleep(poll)


def listed(probe: Probe) -> dict[str, str]:
    """docId -> delivery status of everything in the probe's mailbox (documents and statuses)."""
    out: dict[str, str] = {}
    for kind in (MessageType.EDOC, MessageType.STATUS):
        for item in probe.client.get_received_edoc_list(kind):
            out[item.doc_id] = item.status
    return out


# Documents sent through the axis ---------------------------------------------------------------


@dataclass(slots=True)
class Sent:
    sender: Probe
    recipients: list[Probe]
    package: m.EdocPackage
    document_id: str
    axis_doc_id: str
    since: float
    """Epoch seconds just before the send."""

    def received_by(self, probe: Probe) -> list[Mail]:
        return probe.find(documents_from(self.sender.organ_id, self.since, self.document_id))

    def describe(self, ctx: ScenarioContext) -> str:
        return f"văn bản {self.document_id} (DocId {self.axis_doc_id} do {who(ctx, self.sender)} gửi)"


def sent_list(ctx: ScenarioContext) -> list[Sent]:
    sent: list[Sent] = ctx.data.setdefault("ax_sent", [])
    return sent


def last_sent(ctx: ScenarioContext) -> Sent:
    sent = sent_list(ctx)
    if not sent:
        raise WorldError("Kịch bản chưa gửi văn bản nào qua trục.")
    return sent[-1]


def roles_of_phrase(phrase: str) -> list[str]:
    """«đơn vị kiểm thử tỉnh khác và đơn vị kiểm thử trung ương» -> ["remote", "central"]."""
    roles = []
    for part in re.split(r",\s*|\s+và\s+", phrase.strip()):
        role = ROLE_OF_PHRASE.get(part.strip())
        if role is None:
            known = ", ".join(f"«{p}»" for p in ROLE_OF_PHRASE)
            raise WorldError(f"Không hiểu nơi nhận «{part}» (dùng: {known}).")
        roles.append(role)
    return roles


def send_document(
    ctx: ScenarioContext,
    sender_role: str,
    recipient_roles: list[str],
    mangle: Callable[[bytes], bytes] | None = None,
) -> Sent:
    """A signed Công văn from one probe to others through the axes; recorded on the context.
    `mangle` changes the bytes sent (the package and its signature are built first)."""
    rule = rule_of(ctx)
    home_axis(ctx)
    sender = ctx.probe(sender_role)
    recipients = [ctx.probe(r) for r in recipient_roles]
    package = ctx.world.kit.document(sender.organ, [r.organ for r in recipients])
    data = build(package)
    if mangle is not None:
        data = mangle(data)
    document_id = package.document_id or ""
    collect_later(ctx, sender, *recipients)
    since = time.time()
    with axis_errors(ctx, rule, f"{who(ctx, sender)} gửi văn bản {document_id} qua trục"):
        doc_id = sender.send(data)
    if not doc_id:
        raise fail(ctx, rule, f"Trục nhận văn bản {document_id} của {who(ctx, sender)} nhưng không trả DocId.")
    sent = Sent(sender, recipients, package, document_id, doc_id, since)
    sent_list(ctx).append(sent)
    return sent


OTHERS_IN_PROVINCE = "các đơn vị kiểm thử khác trong tỉnh"


def send_to_phrase(ctx: ScenarioContext, sender_role: str, recipients_phrase: str) -> Sent:
    """Recipients named as in the features (role phrases joined by «,» and «và»), or all the other
    in-province probes (`OTHERS_IN_PROVINCE`)."""
    if recipients_phrase.strip() == OTHERS_IN_PROVINCE:
        return send_document(ctx, sender_role, in_province_roles(ctx))
    return send_document(ctx, sender_role, roles_of_phrase(recipients_phrase))


def expect_delivered(ctx: ScenarioContext, rule: str | None = None) -> None:
    """Every document sent so far reaches every addressee within the fetch deadline."""
    rule = rule or rule_of(ctx)
    timeout = ctx.deadlines.fetch
    deadline = time.monotonic() + timeout
    missing = []
    for sent in sent_list(ctx):
        for r in sent.recipients:
            pred = documents_from(sent.sender.organ_id, sent.since, sent.document_id)
            with axis_errors(ctx, rule, f"{who(ctx, r)} tải hộp thư"):
                found = wait_for(r, pred, deadline, ctx.deadlines.poll)
            if not found:
                missing.append(f"{who(ctx, r)} không nhận được {sent.describe(ctx)}")
    if missing:
        raise fail(
            ctx, rule, f"Trục không chuyển văn bản tới nơi nhận sau {timeout:g} giây: " + "; ".join(missing) + "."
        )


def expect_exactly_once(ctx: ScenarioContext, rule: str | None = None) -> None:
    """After a quiet period of fetching, every addressee holds exactly one copy of each document."""
    rule = rule or rule_of(ctx)
    probes = unique([r for s in sent_list(ctx) for r in s.recipients])
    with axis_errors(ctx, rule, "đơn vị kiểm thử tải hộp thư trong thời gian quan sát"):
        collect_quietly(probes, ctx.deadlines.quiet, ctx.deadlines.poll)
    problems = []
    for sent in sent_list(ctx):
        for r in sent.recipients:
            copies = sent.received_by(r)
            if len(copies) != 1:
                ids = ", ".join(c.doc_id for c in copies) or "không có"
                problems.append(f"{who(ctx, r)} nhận {sent.describe(ctx)} {len(copies)} lần (DocId nơi nhận: {ids})")
    if problems:
        raise fail(
            ctx,
            rule,
            "Mỗi nơi nhận phải nhận văn bản đúng một lần, sau "
            f"{ctx.deadlines.quiet:g} giây quan sát: " + "; ".join(problems) + ".",
        )


# AX-01 Xác thực --------------------------------------------------------------------------------

DOC_ID_OPERATIONS = (Operation.GET_EDOC, Operation.DOWNLOAD_EDOC, Operation.UPDATE_STATUS)


@dataclass(slots=True)
class Ax01:
    operation: Operation
    caller: Probe
    agency: Agency
    peer: Probe
    doc_id: str = "0" * 24
    data: bytes = b""
    document_id: str = ""
    code: str = ""
    since: float = field(default_factory=time.time)
    last: httpx.Response | None = None
    last_case: str = ""


def operation_of(name: str) -> Operation:
    try:
        return Operation(name)
    except ValueError:
        raise WorldError(f"Thao tác VXP «{name}» không có trong giao thức ({', '.join(Operation)}).") from None


def probe_sub_unit_code(organ_id: str) -> str:
    """A sub-unit code under the probe for registerAgency/deleteAgency (never a real agency's)."""
    try:
        parsed = parse_agency_id(organ_id)
    except InvalidIdentifier:
        return f"{organ_id}.99"
    if parsed.shape is IdShape.LEGACY:
        g4, _g3, g2, level1 = organ_id.split(".")
        return f"{g4}.99.{g2}.{level1}"
    return f"{organ_id}.99"


def directory_codes(client: VxpClient) -> set[str]:
    return {str(a.get("code", "")) for a in client.get_agencies_list()}


def ax01_state(ctx: ScenarioContext, name: str) -> Ax01:
    """The fixture of one AX-01 scenario, made on first use: a pending package in the caller's
    mailbox for the docId operations, a package for sendEdoc, a registered code for deleteAgency."""
    op = operation_of(name)
    state: Ax01 | None = ctx.data.get("ax01")
    if state is not None and state.operation is op:
        return state
    home_axis(ctx)
    caller, peer = ctx.probe("local"), ctx.probe("local2")
    state = Ax01(op, caller, agency_of(ctx, caller), peer)
    collect_later(ctx, caller, peer)
    poll = ctx.deadlines.poll
    if op in DOC_ID_OPERATIONS:
        sent = send_document(ctx, "local2", ["local"])
        with axis_errors(ctx, AX01, f"{who(ctx, caller)} tìm gói tin chờ trong hộp thư"):
            doc_id = pending_doc_id(caller, peer.organ_id, sent.document_id, ctx.deadlines.fetch, poll)
        if doc_id is None:
            raise fail(
                ctx, AX01, f"Không chuẩn bị được gói tin chờ: {who(ctx, caller)} không thấy {sent.describe(ctx)}."
            )
        state.doc_id, state.document_id = doc_id, sent.document_id
    elif op is Operation.SEND_EDOC:
        package = ctx.world.kit.document(caller.organ, [peer.organ])
        state.data, state.document_id = build(package), package.document_id or ""
    elif op in (Operation.REGISTER_AGENCY, Operation.DELETE_AGENCY):
        state.code = probe_sub_unit_code(caller.organ_id)
        code = state.code
        ctx.cleanups.append(lambda: _delete_quietly(caller.client, code))
        if op is Operation.DELETE_AGENCY:
            with axis_errors(ctx, AX01, f"{who(ctx, caller)} đăng ký mã thử {code} để chuẩn bị deleteAgency"):
                caller.client.register_agency(code, "Đơn vị thử xác thực (lienthong)", caller.organ_id)
    ctx.data["ax01"] = state
    return state


def _delete_quietly(client: VxpClient, code: str) -> None:
    with suppress(VxpError, httpx.HTTPError):
        if code in directory_codes(client):
            client.delete_agency(code)


def ax01_request(state: Ax01, client: VxpClient) -> PreparedRequest:
    p, op, sender = client.protocol, state.operation, state.caller.organ_id
    if op is Operation.SEND_EDOC:
        return p.send_edoc(state.data, sender=sender)
    if op is Operation.GET_RECEIVED_EDOC_LIST:
        return p.get_received_edoc_list(MessageType.EDOC)
    if op is Operation.GET_EDOC:
        return p.get_edoc(state.doc_id)
    if op is Operation.DOWNLOAD_EDOC:
        return p.download_edoc(state.doc_id)
    if op is Operation.UPDATE_STATUS:
        return p.update_status(state.doc_id, "done")
    if op is Operation.GET_SENT_EDOC_LIST:
        return p.get_sent_edoc_list(MessageType.EDOC)
    if op is Operation.COUNT_RECEIVE_EDOC:
        return p.count(op, MessageType.EDOC)
    if op is Operation.COUNT_RECEIVE_STATUS:
        return p.count(op, MessageType.STATUS)
    if op is Operation.GET_AGENCIES_LIST:
        return p.get_agencies_list()
    if op is Operation.GET_AGENCIES_LIST_QD20:
        return p.get_agencies_list_qd20(1)
    if op is Operation.GET_SYNCHRONIZE_UNIT:
        return p.get_synchronize_unit()
    if op is Operation.REGISTER_AGENCY:
        return p.register_agency(state.code, "Đơn vị thử xác thực (lienthong)", sender)
    return p.delete_agency(state.code)


CREDENTIAL_CASES_VI = {
    "wrong-secret": "khóa bí mật sai",
    "unknown-system": "mã hệ thống chưa đăng ký",
    "correct": "thông tin xác thực được cấp",
}


def ax01_call(ctx: ScenarioContext, name: str, case: str) -> None:
    """Call one operation as the local probe with wrong, unknown or correct credentials."""
    state = ax01_state(ctx, name)
    a = state.agency
    own: VxpClient | None = None
    if case == "wrong-secret":
        own = client = VxpClient(a.endpoint, a.system_id, a.secret + "-sai", timeout=30.0)
    elif case == "unknown-system":
        own = client = VxpClient(a.endpoint, f"lienthong-{secrets.token_hex(4)}", a.secret, timeout=30.0)
    else:
        client = state.caller.client
    try:
        with axis_errors(ctx, AX01, f"Gọi {state.operation} bằng {CREDENTIAL_CASES_VI[case]}"):
            state.last = client.send(ax01_request(state, client))
    finally:
        if own is not None:
            own.close()
    state.last_case = case


def leaks(reply: Reply) -> bool:
    """A refusal that carries content: the operation's fields are there (the SDKs read them) but empty."""
    return any(reply.body.get(name) for name in ("data", "DocId", "count"))


def ax01_expect_refused(ctx: ScenarioContext) -> None:
    state: Ax01 = ctx.data["ax01"]
    assert state.last is not None
    op, response, case = state.operation, state.last, CREDENTIAL_CASES_VI[state.last_case]
    what = f"Lời gọi {op} bằng {case} của {who(ctx, state.caller)}"
    if op is Operation.DOWNLOAD_EDOC:
        if response.content:
            raise fail(
                ctx,
                AX01,
                f"{what} nhận về {len(response.content)} byte (HTTP {response.status_code}): trục phải từ chối "
                "với nội dung rỗng (SDK lưu mọi nội dung khác rỗng như gói tin).",
            )
        if response.status_code < 400 or response.status_code >= 500:
            raise fail(ctx, AX01, f"{what} được trả HTTP {response.status_code} thay vì một lỗi từ chối (4xx).")
        return
    reply = Reply.parse(response.status_code, response.content)
    if reply.ok:
        raise fail(ctx, AX01, f"{what} được trục chấp nhận (status OK, HTTP {reply.http_status}): trục phải từ chối.")
    if reply.error_code == LOCAL_ERROR and reply.http_status in (401, 403):
        return
    if reply.error_code in SERVER_ERRORS or reply.error_code == LOCAL_ERROR or reply.http_status >= 500:
        raise fail(
            ctx,
            AX01,
            f"{what} nhận lỗi {reply.error_code} «{reply.error_desc}» (HTTP {reply.http_status}) thay vì bị từ "
            "chối xác thực (FAIL 401/403).",
        )
    if leaks(reply):
        raise fail(ctx, AX01, f"{what} bị từ chối nhưng trục vẫn trả dữ liệu ({', '.join(sorted(reply.body))}).")
    if reply.error_code not in ("401", "403"):
        note(ctx, AX01, f"{what} bị từ chối với mã {reply.error_code} «{reply.error_desc}» (giao thức dùng 401).")


def ax01_expect_no_side_effect(ctx: ScenarioContext) -> None:
    """The refused calls changed nothing: no delivery, no acknowledgement, no directory change."""
    state: Ax01 = ctx.data["ax01"]
    op, caller = state.operation, state.caller
    with axis_errors(ctx, AX01, f"Kiểm tra trạng thái trục sau các lời gọi {op} bị từ chối"):
        if op is Operation.SEND_EDOC:
            state.peer.collect()
            got = state.peer.find(documents_from(caller.organ_id, state.since, state.document_id))
            if got:
                raise fail(
                    ctx,
                    AX01,
                    f"Văn bản {state.document_id} gửi bằng thông tin xác thực sai vẫn đến {who(ctx, state.peer)} "
                    f"(DocId {got[0].doc_id}).",
                )
        elif op in DOC_ID_OPERATIONS:
            status = listed(caller).get(state.doc_id)
            if status is None or status == "done":
                raise fail(
                    ctx,
                    AX01,
                    f"Gói tin {state.doc_id} trong hộp thư của {who(ctx, caller)} đã bị xác nhận hoặc biến mất sau các "
                    f"lời gọi {op} bị từ chối (trạng thái: {status or 'không còn trong danh sách'}).",
                )
        elif op is Operation.REGISTER_AGENCY:
            if state.code in directory_codes(caller.client):
                raise fail(ctx, AX01, f"Mã {state.code} có trong danh bạ dù lời gọi registerAgency đã bị từ chối.")
        elif op is Operation.DELETE_AGENCY and state.code not in directory_codes(caller.client):
            raise fail(ctx, AX01, f"Mã {state.code} biến khỏi danh bạ dù lời gọi deleteAgency đã bị từ chối.")


def ax01_expect_success(ctx: ScenarioContext) -> None:
    state: Ax01 = ctx.data["ax01"]
    assert state.last is not None
    op, response, caller = state.operation, state.last, state.caller
    what = f"Lời gọi {op} bằng thông tin xác thực được cấp của {who(ctx, caller)}"
    if op is Operation.DOWNLOAD_EDOC:
        mail = read_mail(state.doc_id, MessageType.EDOC, response.content)
        if response.status_code != 200 or mail.document_id != state.document_id:
            raise fail(
                ctx,
                AX01,
                f"{what} không tải được gói tin {state.doc_id} (HTTP {response.status_code}, "
                f"{len(response.content)} byte, DocumentId «{mail.document_id}» thay vì «{state.document_id}»).",
            )
        return
    reply = Reply.parse(response.status_code, response.content)
    if not reply.ok:
        raise fail(ctx, AX01, f"{what} bị từ chối: {reply.error_code} «{reply.error_desc}» (HTTP {reply.http_status}).")
    with axis_errors(ctx, AX01, f"Kiểm tra kết quả lời gọi {op}"):
        if op is Operation.GET_EDOC:
            mail = read_mail(state.doc_id, MessageType.EDOC, response_data(reply))
            if mail.document_id != state.document_id:
                raise fail(
                    ctx,
                    AX01,
                    f"{what} trả gói tin có DocumentId «{mail.document_id}» thay vì «{state.document_id}».",
                )
        elif op is Operation.SEND_EDOC and not reply.body.get("DocId"):
            raise fail(ctx, AX01, f"{what} thành công nhưng không có DocId.")
        elif op is Operation.UPDATE_STATUS and listed(caller).get(state.doc_id, "done") != "done":
            raise fail(ctx, AX01, f"{what} thành công nhưng gói tin {state.doc_id} vẫn chờ trong hộp thư.")
        elif op is Operation.REGISTER_AGENCY and state.code not in directory_codes(caller.client):
            raise fail(ctx, AX01, f"{what} thành công nhưng mã {state.code} không có trong danh bạ.")
        elif op is Operation.DELETE_AGENCY and state.code in directory_codes(caller.client):
            raise fail(ctx, AX01, f"{what} thành công nhưng mã {state.code} vẫn còn trong danh bạ.")


def response_data(reply: Reply) -> bytes:
    data = reply.body.get("data")
    try:
        return base64.b64decode(str(data or ""), validate=True)
    except (binascii.Error, ValueError):
        return b""


def ax01_send_with_foreign_from(ctx: ScenarioContext, message_type: MessageType) -> None:
    """The local probe sends, with its own credentials, a package whose `from` is local2's code."""
    home_axis(ctx)
    caller, impostor = ctx.probe("local"), ctx.probe("local2")
    collect_later(ctx, caller, impostor)
    if message_type is MessageType.EDOC:
        package = ctx.world.kit.document(impostor.organ, [caller.organ])
        data, document_id = build(package), package.document_id or ""
    else:
        original = ctx.world.kit.document(caller.organ, [impostor.organ])
        data, document_id = build(status_for(original, impostor.organ, "01")), original.document_id or ""
    req = caller.client.protocol.send_edoc(data, sender=impostor.organ_id, message_type=message_type)
    ctx.data.setdefault("ax01_from_since", time.time())
    with axis_errors(ctx, AX01, f"{who(ctx, caller)} gửi gói tin khai from={impostor.organ_id}"):
        response = caller.client.send(req)
    tries: list[tuple[MessageType, str, httpx.Response]] = ctx.data.setdefault("ax01_from", [])
    tries.append((message_type, document_id, response))


def ax01_expect_from_refused(ctx: ScenarioContext) -> None:
    message_type, document_id, response = ctx.data["ax01_from"][-1]
    caller, impostor = ctx.probe("local"), ctx.probe("local2")
    kind = "văn bản" if message_type is MessageType.EDOC else "gói tin trạng thái"
    what = f"{upper_first(kind)} {document_id} do {who(ctx, caller)} gửi nhưng khai from={impostor.organ_id}"
    reply = Reply.parse(response.status_code, response.content)
    if reply.ok:
        raise fail(ctx, AX01, f"{what} được trục nhận (DocId {reply.body.get('DocId', '')}): trục phải từ chối (403).")
    if reply.error_code in SERVER_ERRORS or reply.http_status >= 500 or reply.error_code == LOCAL_ERROR:
        raise fail(
            ctx,
            AX01,
            f"{what} nhận lỗi {reply.error_code} «{reply.error_desc}» (HTTP {reply.http_status}) thay vì bị từ chối "
            "vì from không đúng mã đã đăng ký (403).",
        )
    if reply.body.get("DocId"):
        raise fail(ctx, AX01, f"{what} bị từ chối nhưng trục vẫn trả DocId {reply.body['DocId']}.")
    if reply.error_code != "403":
        note(ctx, AX01, f"{what} bị từ chối với mã {reply.error_code} «{reply.error_desc}» (giao thức dùng 403).")


def ax01_expect_no_foreign_from_delivery(ctx: ScenarioContext) -> None:
    caller, impostor = ctx.probe("local"), ctx.probe("local2")
    with axis_errors(ctx, AX01, f"{who(ctx, caller)} tải hộp thư trong thời gian quan sát"):
        collect_quietly([caller], ctx.deadlines.quiet, ctx.deadlines.poll)
    since = ctx.data.get("ax01_from_since", 0.0)
    for message_type, document_id, _ in ctx.data.get("ax01_from", []):
        pred = (
            documents_from(impostor.organ_id, since, document_id)
            if message_type is MessageType.EDOC
            else statuses_for(document_id, impostor.organ_id)
        )
        got = caller.find(pred)
        if got:
            raise fail(
                ctx,
                AX01,
                f"Gói tin {document_id} khai from={impostor.organ_id} (bị từ chối hay không) vẫn đến "
                f"{who(ctx, caller)} (DocId {got[0].doc_id}).",
            )


# AX-03 / AX-05 Trục quốc gia, vết chuyển --------------------------------------------------------


def trace_of(mail: Mail) -> list[m.TraceHeader]:
    package = mail.package
    if isinstance(package, m.EdocPackage) and package.trace_header_list is not None:
        return list(package.trace_header_list.trace_headers)
    return []


def expected_trace(ctx: ScenarioContext, sender: Probe, receiver: Probe) -> list[str]:
    """Sender, then each axis in order: its own, the national one, the receiver's (edxml.md §6)."""
    national = national_code(ctx)
    s_axis = ctx.world.agency(sender.organ_id).axis
    r_axis = ctx.world.agency(receiver.organ_id).axis
    chain = [sender.organ_id, s_axis]
    if r_axis != s_axis:
        if national and s_axis != national:
            chain.append(national)
        if r_axis != chain[-1]:
            chain.append(r_axis)
    return chain


def expect_via_national(ctx: ScenarioContext) -> None:
    """Documents between the province and the outside went through the national axis (its trace)."""
    national = national_code(ctx)
    if national is None:
        raise WorldError("Cấu hình không có trục quốc gia.")
    for sent in sent_list(ctx):
        s_axis = ctx.world.agency(sent.sender.organ_id).axis
        for r in sent.recipients:
            if ctx.world.agency(r.organ_id).axis == s_axis:
                continue
            for mail in sent.received_by(r):
                hops = [t.organ_id or "" for t in trace_of(mail)]
                if national not in hops:
                    raise fail(
                        ctx,
                        AX03,
                        f"{upper_first(sent.describe(ctx))} đến {who(ctx, r)} mà không qua trục quốc gia {national}: "
                        f"vết chuyển {' → '.join(hops) or '(trống)'}.",
                    )


def expect_trace_per_hop(ctx: ScenarioContext) -> None:
    """One TraceHeader per hop, in order, with valid, non-decreasing timestamps."""
    problems = []
    for sent in sent_list(ctx):
        for r in sent.recipients:
            expected = expected_trace(ctx, sent.sender, r)
            for mail in sent.received_by(r)[:1]:
                trace = trace_of(mail)
                actual = [t.organ_id or "" for t in trace]
                if actual != expected:
                    problems.append(
                        f"{sent.document_id} nhận tại {r.organ_id}: {' → '.join(actual) or '(trống)'}, "
                        f"mong đợi {' → '.join(expected)}"
                    )
                    continue
                stamps = [parse_timestamp(t.timestamp or "") for t in trace]
                bad = [t.timestamp or "" for t, s in zip(trace, stamps, strict=True) if s is None]
                if bad:
                    problems.append(f"{sent.document_id} nhận tại {r.organ_id}: Timestamp sai dạng {bad}")
                elif stamps != sorted(s for s in stamps if s is not None):
                    problems.append(
                        f"{sent.document_id} nhận tại {r.organ_id}: Timestamp đi lùi "
                        f"({', '.join(t.timestamp or '' for t in trace)})"
                    )
    if problems:
        raise fail(
            ctx,
            AX05,
            "Mỗi chặng phải thêm đúng một TraceHeader (đơn vị gửi, rồi lần lượt từng trục): "
            + "; ".join(problems)
            + ".",
        )


# AX-04 Chuyển trạng thái ------------------------------------------------------------------------

STATUS_TEXT = {"01": "Đã đến", "02": "Từ chối tiếp nhận (thử nghiệm)", "03": "Đã tiếp nhận", "04": "Đã phân công"}


def send_statuses(ctx: ScenarioContext, codes: list[str]) -> None:
    """Every recipient of the last document answers with these status codes, in order."""
    sent = last_sent(ctx)
    records: list[tuple[Sent, Probe, str]] = ctx.data.setdefault("ax_statuses", [])
    for r in sent.recipients:
        for code in codes:
            status = status_for(sent.package, r.organ, code, STATUS_TEXT.get(code, ""))
            with axis_errors(ctx, AX04, f"{who(ctx, r)} gửi trạng thái {code} cho văn bản {sent.document_id}"):
                r.send(build(status), message_type=MessageType.STATUS)
            records.append((sent, r, code))


def expect_statuses_back(ctx: ScenarioContext) -> None:
    timeout = ctx.deadlines.status
    deadline = time.monotonic() + timeout
    missing = []
    for sent, r, code in ctx.data.get("ax_statuses", []):
        with axis_errors(ctx, AX04, f"{who(ctx, sent.sender)} tải trạng thái"):
            got = wait_for(sent.sender, statuses_for(sent.document_id, r.organ_id, code), deadline, ctx.deadlines.poll)
        if not got:
            missing.append(f"trạng thái «{code}» của {who(ctx, r)} cho văn bản {sent.document_id}")
    if missing:
        sender = last_sent(ctx).sender
        raise fail(
            ctx,
            AX04,
            f"Sau {timeout:g} giây, {who(ctx, sender)} (ResponseFor/OrganId) chưa nhận được: "
            + "; ".join(missing)
            + ".",
        )


# AX-06 Cách ly hộp thư --------------------------------------------------------------------------


def find_waiting_package(ctx: ScenarioContext) -> None:
    """The last document waits (unacknowledged) in its first recipient's mailbox; note its docId."""
    sent = last_sent(ctx)
    owner = sent.recipients[0]
    with axis_errors(ctx, AX06, f"{who(ctx, owner)} đọc danh sách gói tin chờ"):
        doc_id = pending_doc_id(owner, sent.sender.organ_id, sent.document_id, ctx.deadlines.fetch, ctx.deadlines.poll)
    if doc_id is None:
        raise fail(
            ctx,
            AX06,
            f"{who(ctx, owner)} không thấy {sent.describe(ctx)} trong hộp thư sau {ctx.deadlines.fetch:g} giây.",
        )
    ctx.data["ax06"] = (owner, doc_id)


def expect_not_listed_for_other(ctx: ScenarioContext) -> None:
    owner, doc_id = ctx.data["ax06"]
    other = last_sent(ctx).sender
    with axis_errors(ctx, AX06, f"{who(ctx, other)} đọc danh sách gói tin chờ"):
        mine = listed(other)
    if doc_id in mine:
        raise fail(
            ctx, AX06, f"Gói tin {doc_id} của {who(ctx, owner)} xuất hiện trong danh sách nhận của {who(ctx, other)}."
        )


def _shape(reply: Reply, doc_id: str) -> tuple[str, str, int, str]:
    return (reply.status, reply.error_code, reply.http_status, reply.error_desc.replace(doc_id, "<docId>"))


def expect_foreign_access_like_unknown(ctx: ScenarioContext) -> None:
    """getEdoc, downloadEdoc and updateStatus on another agency's package answer exactly as on a
    docId that does not exist: no content, no acknowledgement, no hint that it exists."""
    owner, doc_id = ctx.data["ax06"]
    other = last_sent(ctx).sender
    unknown = secrets.token_hex(12)
    p = other.client.protocol
    with axis_errors(ctx, AX06, f"{who(ctx, other)} thử truy cập gói tin {doc_id} của {who(ctx, owner)}"):
        for op, make in (
            (Operation.GET_EDOC, p.get_edoc),
            (Operation.DOWNLOAD_EDOC, p.download_edoc),
            (Operation.UPDATE_STATUS, lambda d: p.update_status(d, "done")),
        ):
            foreign = other.client.send(make(doc_id))
            missing = other.client.send(make(unknown))
            what = f"{who(ctx, other)} gọi {op} trên gói tin {doc_id} của {who(ctx, owner)}"
            if op is Operation.DOWNLOAD_EDOC:
                if foreign.content:
                    raise fail(ctx, AX06, f"{what} tải được {len(foreign.content)} byte (HTTP {foreign.status_code}).")
                if foreign.status_code != missing.status_code:
                    raise fail(
                        ctx,
                        AX06,
                        f"{what} nhận HTTP {foreign.status_code}, khác với docId không tồn tại "
                        f"(HTTP {missing.status_code}): lộ sự tồn tại của gói tin.",
                    )
                continue
            r1 = Reply.parse(foreign.status_code, foreign.content)
            r0 = Reply.parse(missing.status_code, missing.content)
            if r1.ok:
                done = "đọc được gói tin" if op is Operation.GET_EDOC else "xác nhận được gói tin"
                raise fail(ctx, AX06, f"{what}: {done} (status OK).")
            if leaks(r1):
                raise fail(ctx, AX06, f"{what} bị từ chối nhưng trục vẫn trả dữ liệu.")
            if _shape(r1, doc_id) != _shape(r0, unknown):
                raise fail(
                    ctx,
                    AX06,
                    f"{what} nhận {r1.error_code} «{r1.error_desc}» (HTTP {r1.http_status}), khác với docId không "
                    f"tồn tại ({r0.error_code} «{r0.error_desc}», HTTP {r0.http_status}): lộ sự tồn tại của gói tin.",
                )


def expect_still_waiting_for_owner(ctx: ScenarioContext) -> None:
    owner, doc_id = ctx.data["ax06"]
    sent = last_sent(ctx)
    with axis_errors(ctx, AX06, f"{who(ctx, owner)} kiểm tra gói tin {doc_id}"):
        status = listed(owner).get(doc_id)
        if status is None or status == "done":
            raise fail(
                ctx,
                AX06,
                f"Gói tin {doc_id} không còn chờ trong hộp thư của {who(ctx, owner)} sau khi đơn vị khác thử truy cập "
                f"(trạng thái: {status or 'không còn trong danh sách'}).",
            )
        mail = read_mail(doc_id, MessageType.EDOC, owner.client.get_edoc(doc_id))
    if mail.document_id != sent.document_id:
        raise fail(ctx, AX06, f"{who(ctx, owner)} đọc gói tin {doc_id} có DocumentId «{mail.document_id}» sai.")


# AX-07 Chống trùng lặp --------------------------------------------------------------------------


def resend_same_document_id(ctx: ScenarioContext) -> None:
    """The sender sends a new document again under the same DocumentId (its subject changed)."""
    sent = last_sent(ctx)
    again = copy.deepcopy(sent.package)
    again.subject = f"{again.subject or ''} (gửi lại)"
    data = build(again)
    client = sent.sender.client
    with axis_errors(ctx, AX07, f"{who(ctx, sent.sender)} gửi lại văn bản {sent.document_id}"):
        response = client.send(client.protocol.send_edoc(data, sender=sent.sender.organ_id))
    ctx.data.setdefault("ax07_resends", []).append(Reply.parse(response.status_code, response.content))


def expect_resend_refused_or_deduplicated(ctx: ScenarioContext) -> None:
    sent = last_sent(ctx)
    reply: Reply = ctx.data["ax07_resends"][-1]
    what = f"Bản gửi lại văn bản {sent.document_id} (cùng DocumentId, cùng nơi nhận)"
    if reply.ok:
        note(
            ctx,
            AX07,
            f"{what} được trục nhận (DocId {reply.body.get('DocId', '')}); trục phải khử trùng: không chuyển lần hai.",
        )
        return
    if reply.error_code in SERVER_ERRORS or reply.error_code == LOCAL_ERROR or reply.http_status >= 500:
        raise fail(
            ctx,
            AX07,
            f"{what} nhận lỗi {reply.error_code} «{reply.error_desc}» (HTTP {reply.http_status}) thay vì bị từ chối "
            "rõ ràng (409) hoặc được khử trùng.",
        )
    if reply.error_code != "409":
        note(ctx, AX07, f"{what} bị từ chối với mã {reply.error_code} «{reply.error_desc}» (giao thức dùng 409).")


def expect_acknowledged_never_listed(ctx: ScenarioContext) -> None:
    """Packages a recipient acknowledged are gone from its mailbox for good."""
    for sent in sent_list(ctx):
        for r in sent.recipients:
            acked = {mail.doc_id for mail in sent.received_by(r)}
            with axis_errors(ctx, AX07, f"{who(ctx, r)} đọc danh sách gói tin chờ"):
                again = acked & set(listed(r))
            if again:
                raise fail(
                    ctx,
                    AX07,
                    f"Gói tin {', '.join(sorted(again))} ({sent.document_id}) đã được {who(ctx, r)} xác nhận «done» "
                    "nhưng vẫn được trục liệt kê lại.",
                )


# AX-08 Bền vững dữ liệu -------------------------------------------------------------------------


def require_restart(ctx: ScenarioContext) -> None:
    home = home_axis(ctx)
    if ctx.world.restart_axis is None:
        raise NotApplicable(
            f"Bộ kiểm thử không quản lý tiến trình của trục {home} nên không thể tắt đột ngột và khởi động lại "
            "trục; AX-08 cần được thực hiện thủ công (tắt trục khi có gói tin chờ, khởi động lại, kiểm tra gói tin)."
        )
    if ctx.world.axes[home].control_url is None:
        raise NotApplicable(
            f"Trục {home} là trục thật ({ctx.world.axes[home].endpoint}): bộ kiểm thử không tắt đột ngột và khởi "
            "động lại được trục này; AX-08 cần được thực hiện thủ công cùng đơn vị vận hành trục."
        )


def crash_and_restart(ctx: ScenarioContext) -> None:
    require_restart(ctx)
    restart = ctx.world.restart_axis
    assert restart is not None
    restart(home_axis(ctx))


# AX-09 Tải --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Burst:
    settings: BurstSettings
    document_ids: list[str]
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def p95_ms(self) -> float:
        if not self.latencies_ms:
            return math.inf
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def send_burst(ctx: ScenarioContext) -> None:
    """`sends` signed documents from local to local2 over `threads` connections at once."""
    settings = BurstSettings.load()
    home_axis(ctx)
    sender, receiver = ctx.probe("local"), ctx.probe("local2")
    collect_later(ctx, sender, receiver)
    agency = agency_of(ctx, sender)
    packages = [
        ctx.world.kit.document(sender.organ, [receiver.organ], settings.doc_type) for _ in range(settings.sends)
    ]
    bodies = [build(p) for p in packages]
    burst = Burst(settings, [p.document_id or "" for p in packages])
    lock = threading.Lock()
    threads = max(1, min(settings.threads, len(bodies)))

    def lane(index: int) -> None:
        with VxpClient(agency.endpoint, agency.system_id, agency.secret, timeout=60.0) as client:
            for n in range(index, len(bodies), threads):
                t0 = time.perf_counter()
                try:
                    client.send_edoc(bodies[n], sender=sender.organ_id)
                except VxpError as exc:
                    error = f"{burst.document_ids[n]}: {exc.reply.error_code} «{exc.reply.error_desc}»"
                except httpx.HTTPError as exc:
                    error = f"{burst.document_ids[n]}: {type(exc).__name__}: {exc}"
                else:
                    error = ""
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    if error:
                        burst.errors.append(error)
                    else:
                        burst.latencies_ms.append(elapsed)

    ctx.data["ax09_since"] = time.time()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for f in [pool.submit(lane, i) for i in range(threads)]:
            f.result()
    burst.seconds = time.monotonic() - started
    ctx.data["ax09"] = burst


def expect_burst_without_errors(ctx: ScenarioContext) -> None:
    burst: Burst = ctx.data["ax09"]
    if burst.errors:
        raise fail(
            ctx,
            AX09,
            f"{len(burst.errors)}/{burst.settings.sends} lần gửi dồn dập ({burst.settings.threads} luồng) bị lỗi; "
            f"lỗi đầu tiên: {burst.errors[0]}.",
        )


def expect_burst_delivered_once(ctx: ScenarioContext) -> None:
    burst: Burst = ctx.data["ax09"]
    sender, receiver = ctx.probe("local"), ctx.probe("local2")
    wanted = set(burst.document_ids)
    since = float(ctx.data["ax09_since"])

    def ours(mail: Mail) -> bool:
        return documents_from(sender.organ_id, since)(mail) and mail.document_id in wanted

    with axis_errors(ctx, AX09, f"{who(ctx, receiver)} tải hộp thư"):
        receiver.wait(ours, ctx.deadlines.fetch, count=len(wanted), poll=ctx.deadlines.poll)
        receiver.collect()
    counts: dict[str, int] = dict.fromkeys(burst.document_ids, 0)
    for mail in receiver.find(ours):
        counts[mail.document_id] += 1
    lost = [d for d, n in counts.items() if n == 0]
    doubled = [f"{d} ({n} lần)" for d, n in counts.items() if n > 1]
    if lost or doubled:
        parts = []
        if lost:
            parts.append(f"mất {len(lost)}/{len(wanted)} văn bản (ví dụ {', '.join(lost[:3])})")
        if doubled:
            parts.append(f"{len(doubled)} văn bản đến nhiều lần ({', '.join(doubled[:3])})")
        raise fail(
            ctx,
            AX09,
            f"Sau {ctx.deadlines.fetch:g} giây, {who(ctx, receiver)}: " + "; ".join(parts) + ".",
        )


def expect_burst_p95(ctx: ScenarioContext) -> None:
    burst: Burst = ctx.data["ax09"]
    limit = burst.settings.p95_ms
    summary = {
        "sends": burst.settings.sends,
        "threads": burst.settings.threads,
        "errors": len(burst.errors),
        "seconds": round(burst.seconds, 3),
        "p95_ms": round(burst.p95_ms, 1),
        "threshold_p95_ms": limit,
        "latencies_ms": [round(x, 1) for x in burst.latencies_ms],
    }
    ctx.save_evidence("ax09-burst.json", json.dumps(summary, ensure_ascii=False, indent=1).encode("utf-8"))
    if burst.p95_ms > limit:
        raise fail(
            ctx,
            AX09,
            f"Phân vị 95 thời gian gửi (sendEdoc) là {burst.p95_ms:.0f} ms, vượt ngưỡng {limit:g} ms "
            f"({burst.settings.sends} văn bản, {burst.settings.threads} luồng; tệp {thresholds_path()}).",
        )


# AX-10 Đầu vào xấu ------------------------------------------------------------------------------


def _with_doctype(valid: bytes, doctype: bytes, subject: bytes) -> bytes:
    decl_end = valid.index(b"?>") + 2
    out = valid[:decl_end] + b"\n" + doctype + valid[decl_end:]
    found = re.search(rb"(<(?:\w+:)?Subject>)(.*?)(</(?:\w+:)?Subject>)", out, re.S)
    if found is None:
        return out
    return out[: found.start(2)] + subject + out[found.end(2) :]


def _billion_laughs(valid: bytes, settings: BadInputSettings) -> bytes:
    ents = [b'<!ENTITY lol "lol">']
    ents += [b'<!ENTITY lol%d "%s">' % (i, (b"&lol;" if i == 1 else b"&lol%d;" % (i - 1)) * 10) for i in range(1, 10)]
    return _with_doctype(valid, b"<!DOCTYPE edXML [" + b"".join(ents) + b"]>", b"&lol9;")


def _xxe(valid: bytes, settings: BadInputSettings) -> bytes:
    return _with_doctype(valid, b'<!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>', b"&x;")


def _invalid_base64(valid: bytes, settings: BadInputSettings) -> bytes:
    found = re.search(rb"<(?:\w+:)?ContentTransferEncoded>", valid)
    if found is None:
        raise WorldError("Gói tin mẫu không có tệp đính kèm để làm hỏng base64.")
    return valid[: found.end()] + b"!!khong*phai*base64!!" + valid[found.end() :]


def _oversize(valid: bytes, settings: BadInputSettings) -> bytes:
    assert settings.max_body_bytes is not None
    return valid.ljust(settings.max_body_bytes + settings.over_by_bytes, b" ")


BAD_INPUTS: dict[str, Callable[[bytes, BadInputSettings], bytes]] = {
    "không phải XML": lambda valid, s: b"Day khong phai la XML: <<< >>> &&&",
    "rỗng": lambda valid, s: b"",
    "XML bị cắt cụt": lambda valid, s: valid[: len(valid) // 2],
    "có thực thể ngoài (XXE)": _xxe,
    "bom thực thể (billion laughs)": _billion_laughs,
    "có tệp đính kèm base64 sai": _invalid_base64,
    "vượt dung lượng tối đa": _oversize,
}
"""AX-10 cases: the Vietnamese name used in the feature, and how to make the payload from a valid package."""


def send_bad_input(ctx: ScenarioContext, kind: str) -> None:
    make = BAD_INPUTS.get(kind)
    if make is None:
        raise WorldError(f"Không có đầu vào xấu «{kind}» (dùng: {', '.join(BAD_INPUTS)}).")
    settings = BadInputSettings.load()
    home_axis(ctx)
    sender, receiver = ctx.probe("local"), ctx.probe("local2")
    collect_later(ctx, sender, receiver)
    if make is _oversize and settings.max_body_bytes is None:
        note(
            ctx,
            AX10,
            "Bỏ qua gói tin vượt dung lượng: chưa biết dung lượng tối đa của trục "
            f"(scenario_bad_input.max_body_bytes trong {thresholds_path()}).",
        )
        ctx.data["ax10"] = None
        return
    valid = build(ctx.world.kit.document(sender.organ, [receiver.organ]))
    body = make(valid, settings)
    req = sender.client.protocol.send_edoc(body, sender=sender.organ_id)
    try:
        response: httpx.Response | str = sender.client.send(req)
    except httpx.HTTPError as exc:
        response = f"{type(exc).__name__}: {exc}"
    ctx.data["ax10"] = (kind, len(body), response)


def expect_clear_refusal(ctx: ScenarioContext) -> None:
    record = ctx.data.get("ax10")
    if record is None:
        return
    kind, size, response = record
    what = f"Gói tin «{kind}» ({size} byte)"
    if isinstance(response, str):
        raise fail(ctx, AX10, f"{what}: trục ngắt kết nối thay vì trả lỗi rõ ràng ({response}).")
    reply = Reply.parse(response.status_code, response.content)
    if reply.ok:
        raise fail(ctx, AX10, f"{what} được trục nhận (DocId {reply.body.get('DocId', '')}): trục phải từ chối.")
    if reply.http_status >= 500 or reply.error_code in SERVER_ERRORS:
        raise fail(
            ctx,
            AX10,
            f"{what}: trục trả lỗi nội bộ {reply.error_code} «{reply.error_desc}» (HTTP {reply.http_status}) thay vì "
            "một lỗi 4xx rõ ràng.",
        )
    if reply.error_code == LOCAL_ERROR:
        if 400 <= reply.http_status < 500 and response.content.strip():
            return
        raise fail(
            ctx,
            AX10,
            f"{what}: câu trả lời không phải phong bì JSON của giao thức (HTTP {reply.http_status}, "
            f"{len(response.content)} byte).",
        )
    if not reply.error_desc.strip():
        raise fail(
            ctx, AX10, f"{what} bị từ chối (mã {reply.error_code}) nhưng không có thông báo lỗi (ErrorDesc rỗng)."
        )
    if reply.body.get("DocId"):
        raise fail(ctx, AX10, f"{what} bị từ chối nhưng trục vẫn trả DocId {reply.body['DocId']}.")


def expect_still_serving(ctx: ScenarioContext) -> None:
    """A valid document sent right after the bad input is accepted and delivered."""
    send_document(ctx, "local", ["local2"])
    expect_delivered(ctx, AX10)
