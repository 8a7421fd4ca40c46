"""Loss accounting: every package the axis accepted was delivered to each receiver exactly once.

Evidence comes from two sides:

* the clients' records (load/records.py): what each sender was told was accepted (DocId, token,
  receivers) and what each receiver acknowledged (its docId, the token read back from the package),
  including the drain of every mailbox after the run;
* the axis, when it has a control plane (a simulated axis): the journal's successful sendEdoc calls
  of the run's systems (every DocId the axis accepted, even those whose reply a stopped user never
  read) and the delivery table (which receiver docId belongs to which package, and its state).

With the axis' evidence a delivery counts as delivered when a receiver acknowledged it (its record)
or the axis holds it acknowledged (`done`); a package/receiver pair with no delivered delivery is a
loss (dropped, still waiting, or unknown to the axis), one with two or more is a duplicate. Without a
control plane (a real axis), packages are matched by token: each (token, receiver) a sender recorded
must have been acknowledged under exactly one receiver docId.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from harness.transport.vxp import MessageType
from load.payloads import token_of
from load.records import ACKED, SENT, Record, Recorder

DONE = "done"
SEND_EDOC = "sendEdoc"


@dataclass(frozen=True, slots=True)
class Problem:
    package: str
    """The sender's DocId (or the token when the axis gives no mapping)."""
    receiver: str
    reason: str
    """Vietnamese: why the pair counts as lost or duplicated."""
    deliveries: tuple[str, ...] = ()
    token: str = ""


@dataclass(slots=True)
class AxisEvidence:
    """What the control plane showed after the run."""

    accepted: dict[str, dict[str, Any]]
    """Journal rows of successful sendEdoc calls of the run's systems, by package DocId."""
    deliveries: list[dict[str, Any]]
    """Delivery rows (`/_sim/deliveries`) of those packages."""


@dataclass(slots=True)
class Accounting:
    mode: str
    """`axis` (journal and delivery table plus the clients' records) or `clients` (records only)."""
    packages: int = 0
    documents: int = 0
    statuses: int = 0
    expected: int = 0
    """Package/receiver pairs that had to be delivered."""
    delivered: int = 0
    lost: list[Problem] = field(default_factory=list)
    duplicated: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Vietnamese remarks that do not fail the run (records the axis explains, foreign mail...)."""

    @property
    def ok(self) -> bool:
        return not self.lost and not self.duplicated

    def to_json(self) -> dict[str, Any]:
        def items(problems: list[Problem]) -> list[dict[str, Any]]:
            return [
                {"package": p.package, "receiver": p.receiver, "reason": p.reason, "deliveries": list(p.deliveries),
                 "token": p.token}
                for p in problems
            ]  # fmt: skip

        return {
            "mode": self.mode,
            "ok": self.ok,
            "packages": self.packages,
            "documents": self.documents,
            "statuses": self.statuses,
            "expected": self.expected,
            "delivered": self.delivered,
            "lost": len(self.lost),
            "duplicated": len(self.duplicated),
            "lost_items": items(self.lost[:200]),
            "duplicated_items": items(self.duplicated[:200]),
            "notes": self.notes,
        }


def _sent(records: Iterable[Record]) -> list[Record]:
    return [r for r in records if r.get("t") == SENT]


def _acked(records: Iterable[Record]) -> list[Record]:
    return [r for r in records if r.get("t") == ACKED]


def _lost_reason(states: list[str]) -> str:
    if not states:
        return "trục không có bản chuyển phát nào cho đơn vị nhận này"
    if "dropped" in states:
        return "trục đã nhận gói tin nhưng làm mất bản chuyển phát (dropped)"
    if any(s in ("initial", "processing") for s in states):
        return "vẫn nằm trong hộp thư sau khi đã vét hết hộp thư (không lấy được)"
    return f"không được xác nhận (trạng thái {', '.join(sorted(set(states)))})"


def account_with_axis(records: list[Record], axis: AxisEvidence) -> Accounting:
    """Loss and duplicate check from the axis' journal and delivery table plus the clients' records."""
    result = Accounting("axis")
    kinds: dict[str, str] = {}
    tokens: dict[str, str] = {}
    receivers: dict[str, set[str]] = defaultdict(set)
    for doc_id in axis.accepted:
        receivers.setdefault(doc_id, set())
    client_sent = _sent(records)
    unknown_to_axis = 0
    for r in client_sent:
        doc_id = str(r["doc_id"])
        if doc_id not in axis.accepted:
            unknown_to_axis += 1
        kinds[doc_id] = str(r.get("kind", ""))
        tokens[doc_id] = str(r.get("token", ""))
        receivers[doc_id].update(str(x) for x in r.get("to", []))
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for d in axis.deliveries:
        package = str(d["sender_doc_id"])
        if package not in receivers:
            continue
        receivers[package].add(str(d["receiver"]))
        by_pair[(package, str(d["receiver"]))].append(d)
        if not kinds.get(package):
            kinds[package] = str(d.get("message_type", ""))
    acked_ids = {str(r["doc_id"]) for r in _acked(records)}
    known_ids = {str(d["doc_id"]) for rows in by_pair.values() for d in rows}
    foreign = len(acked_ids - known_ids)
    client_acked_pairs = 0
    for package, rcvs in sorted(receivers.items()):
        for receiver in sorted(rcvs):
            result.expected += 1
            rows = by_pair.get((package, receiver), [])
            delivered = sorted({str(d["doc_id"]) for d in rows if d["state"] == DONE or str(d["doc_id"]) in acked_ids})
            client_acked_pairs += any(str(d["doc_id"]) in acked_ids for d in rows)
            if not delivered:
                result.lost.append(
                    Problem(package, receiver, _lost_reason([str(d["state"]) for d in rows]),
                            tuple(str(d["doc_id"]) for d in rows), tokens.get(package, ""))
                )  # fmt: skip
            elif len(delivered) > 1:
                result.duplicated.append(
                    Problem(package, receiver, f"giao {len(delivered)} lần (mỗi lần một docId khác nhau)",
                            tuple(delivered), tokens.get(package, ""))
                )  # fmt: skip
            else:
                result.delivered += 1
    result.packages = len(receivers)
    result.documents = sum(1 for p in receivers if kinds.get(p) == "edoc")
    result.statuses = sum(1 for p in receivers if kinds.get(p) == "status")
    if unknown_to_axis:
        result.notes.append(f"{unknown_to_axis} DocId mà client ghi nhận không có trong nhật ký trục")
    if client_acked_pairs < result.delivered:
        result.notes.append(
            f"{result.delivered - client_acked_pairs} lần chuyển phát trục ghi đã xác nhận nhưng client không kịp "
            "ghi lại (người dùng bị dừng giữa chừng)"
        )
    if foreign:
        result.notes.append(f"{foreign} văn bản đã xác nhận không thuộc lượt chạy này (thư cũ trong hộp thư)")
    return result


def account_from_records(records: list[Record]) -> Accounting:
    """Loss and duplicate check from the clients' records alone (an axis without a control plane)."""
    result = Accounting("clients")
    expected: dict[tuple[str, str], str] = {}
    kinds: dict[str, str] = {}
    for r in _sent(records):
        token = str(r.get("token", ""))
        kinds[token] = str(r.get("kind", ""))
        for receiver in r.get("to", []):
            expected[(token, str(receiver))] = str(r["doc_id"])
    got: dict[tuple[str, str], set[str]] = defaultdict(set)
    unreadable = 0
    for r in _acked(records):
        if not r.get("token"):
            unreadable += 1
            continue
        got[(str(r["token"]), str(r["receiver"]))].add(str(r["doc_id"]))
    for (token, receiver), package in sorted(expected.items()):
        result.expected += 1
        ids = got.get((token, receiver), set())
        if not ids:
            result.lost.append(Problem(package, receiver, "không đơn vị nhận nào nhận được", (), token))
        elif len(ids) > 1:
            result.duplicated.append(
                Problem(package, receiver, f"giao {len(ids)} lần (mỗi lần một docId khác nhau)", tuple(sorted(ids)),
                        token)
            )  # fmt: skip
        else:
            result.delivered += 1
    result.packages = len(kinds)
    result.documents = sum(1 for k in kinds.values() if k == "edoc")
    result.statuses = sum(1 for k in kinds.values() if k == "status")
    foreign = len(set(got) - set(expected))
    if foreign:
        result.notes.append(f"{foreign} văn bản đã nhận không do client của lượt chạy này ghi nhận là đã gửi")
    if unreadable:
        result.notes.append(f"{unreadable} gói tin đã nhận không đọc được DocumentId")
    return result


class Mailbox(Protocol):
    """What draining needs from one agency's mailbox: list, fetch, acknowledge (harness.transport.mailbox)."""

    def listing(self, kind: MessageType) -> Sequence[tuple[str, str]]: ...
    def fetch(self, doc_id: str, kind: MessageType) -> bytes: ...
    def ack(self, doc_id: str) -> None: ...


def in_axis_ids(records: list[Record], deliveries: Iterable[dict[str, Any]]) -> list[Record]:
    """The records with EdocService's numeric ids (profile B: a package's docId, a delivery's docId)
    replaced by the axis' own DocIds, so one accounting serves both protocols; VXP ids stay as they are."""
    packages: dict[str, str] = {}
    numbers: dict[str, str] = {}
    for d in deliveries:
        if d.get("sender_number") is not None:
            packages[str(d["sender_number"])] = str(d["sender_doc_id"])
        if d.get("number") is not None:
            numbers[str(d["number"])] = str(d["doc_id"])
    if not packages and not numbers:
        return records
    out: list[Record] = []
    for r in records:
        doc_id = str(r.get("doc_id", ""))
        table = packages if r.get("t") == SENT else numbers if r.get("t") == ACKED else {}
        out.append({**r, "doc_id": table[doc_id]} if doc_id.isdigit() and doc_id in table else r)
    return out


def drain(
    mailboxes: Iterable[tuple[str, Mailbox]],
    recorder: Recorder,
    *,
    rounds: int = 50,
    on_error: Callable[[str, Exception], None] | None = None,
) -> int:
    """Fetch and acknowledge everything left in the agencies' mailboxes (documents and statuses).

    `mailboxes` gives (agency code, client) pairs; each acknowledgement is recorded with phase
    `drain`. Returns how many deliveries were drained.
    """
    drained = 0
    for code, mailbox in mailboxes:
        for kind in (MessageType.EDOC, MessageType.STATUS):
            for _ in range(rounds):
                try:
                    items = mailbox.listing(kind)
                except Exception as exc:
                    if on_error:
                        on_error(code, exc)
                    break
                if not items:
                    break
                for doc_id, to in items:
                    try:
                        data = mailbox.fetch(doc_id, kind)
                        mailbox.ack(doc_id)
                    except Exception as exc:
                        if on_error:
                            on_error(code, exc)
                        continue
                    read = token_of(data)
                    recorder.acked(
                        kind=read[0] if read else kind.value,
                        receiver=to or code,
                        doc_id=doc_id,
                        token=read[1] if read else None,
                        phase="drain",
                    )
                    drained += 1
    return drained


def accepted_from_journal(
    rows: Iterable[dict[str, Any]], systems: set[str], operation: str = SEND_EDOC
) -> dict[str, dict[str, Any]]:
    """Successful sends (`operation`: sendEdoc, or EdocService's sendDocument) of the run's systems,
    by package DocId (the first of `doc_ids`)."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.get("operation") != operation or row.get("status") != "OK" or row.get("system_id") not in systems:
            continue
        ids = row.get("doc_ids") or []
        if ids:
            out[str(ids[0])] = row
    return out
