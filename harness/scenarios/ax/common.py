"""What every AX check shares: settings from the thresholds file, probes and their roles, failing with a
rule ID, waiting for mail, and documents sent through the axis under test.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import yaml

from harness.edxml import build
from harness.edxml import model as m
from harness.paths import thresholds_path
from harness.scenarios.ax.profile_b import require_profile
from harness.scenarios.context import ScenarioContext, StepFailure
from harness.scenarios.probe import Mail, Probe, documents_from, read_mail
from harness.scenarios.world import ROLE_OF_PHRASE, ROLES_VI, Agency, WorldError
from harness.transport.mailbox import MailboxError
from harness.transport.vxp import MessageType, Reply, VxpError

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


def broke(reply: Reply) -> bool:
    """The axis answered with a server error or its catch-all local error (100), not a clear refusal."""
    return reply.error_code in SERVER_ERRORS or reply.error_code == LOCAL_ERROR or reply.http_status >= 500


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
    """The probes a scenario needs exist (a configuration error otherwise), and the scenario can judge
    the axis' protocol (ax/profile_b.py says when it cannot, and why)."""
    home = home_axis(ctx)
    if home not in ctx.world.axes:
        raise WorldError(f"Trục {home} không có trong cấu hình.")
    require_profile(ctx, ctx.world.axes[home].protocol)
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
    except MailboxError as exc:  # a probe's own send or collect
        raise fail(
            ctx, rule, f"{what_vi}: trục từ chối, mã {exc.code} «{exc.description}» (HTTP {exc.http_status})."
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
        for doc_id in owner.mailbox.waiting(MessageType.EDOC):
            if doc_id in seen:
                continue
            seen.add(doc_id)
            mail = read_mail(doc_id, MessageType.EDOC, owner.mailbox.fetch(doc_id, MessageType.EDOC))
            if mail.document_id == document_id and mail.from_organ in ("", sender_id):
                return doc_id
        if time.monotonic() >= deadline:
            return None
        time.sleep(poll)


def expect_refused_send_not_delivered(
    ctx: ScenarioContext, rule: str, sender: Probe, peer: Probe, since: float, document_id: str
) -> None:
    """A document sent with credentials the axis refused must not reach its recipient."""
    peer.collect()
    got = peer.find(documents_from(sender.organ_id, since, document_id))
    if got:
        raise fail(
            ctx,
            rule,
            f"Văn bản {document_id} gửi bằng thông tin xác thực sai vẫn đến {who(ctx, peer)} (DocId {got[0].doc_id}).",
        )


def base64_data(body: dict[str, Any]) -> bytes:
    """The package a read answers with (`data`, base64 in VXP and EdocService alike); b"" when there is none."""
    try:
        return base64.b64decode(str(body.get("data") or ""), validate=True)
    except (binascii.Error, ValueError):
        return b""


def listed(probe: Probe) -> dict[str, str]:
    """docId -> delivery status of everything in the probe's mailbox (documents and statuses); on
    EdocService, which lists only what waits, every entry is `pending`."""
    out: dict[str, str] = {}
    for kind in (MessageType.EDOC, MessageType.STATUS):
        if probe.protocol == "bkav":
            out.update(dict.fromkeys(probe.mailbox.waiting(kind), "pending"))
            continue
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
