"""AX-10: hostile requests get a clear FAIL reply, and the axis keeps serving in bounded memory.

One real axis process; every hostile request is followed by a valid send that must succeed, and
the process' resident memory may not grow by more than a bound over the whole series.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from harness.edxml import build
from harness.edxml import hostile as payloads
from harness.edxml.factory import new_document, organization
from harness.transport.vxp import ErrorCode, Reply, VxpClient
from harness.transport.vxp.auth import PREFIX
from simulators.launcher import AxisProcess
from tests.conftest import nghe_an_axis

SENDER = "000.00.00.H41"
RECEIVER = "000.00.12.H41"
SECRET = "hostile-test-secret"
MAX_RSS_GROWTH_MB = 150
_numbers = itertools.count(1)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module")
def axis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AxisProcess]:
    state = tmp_path_factory.mktemp("hostile-axis")
    names = {SENDER: "UBND tỉnh Nghệ An", RECEIVER: "Sở TT&TT"}
    secrets = {SENDER: SECRET, RECEIVER: "receiver-secret"}
    with nghe_an_axis(state, "Trục tỉnh (thử đầu vào xấu)", secrets, names) as process:
        yield process


@pytest.fixture(scope="module")
def client(axis: AxisProcess) -> Iterator[VxpClient]:
    with VxpClient(axis.endpoint, SENDER, SECRET, timeout=120) as c:
        yield c


def valid_package() -> bytes:
    doc = new_document(
        sender=organization(SENDER, "UBND tỉnh Nghệ An"),
        recipients=[organization(RECEIVER, "Sở TT&TT")],
        number=f"H{next(_numbers)}",
    )
    return build(doc)


def send_raw(client: VxpClient, body: bytes) -> Reply:
    return client.call(client.protocol.send_edoc(body, sender=SENDER))


def still_serving(client: VxpClient) -> None:
    reply = send_raw(client, valid_package())
    assert reply.ok, reply
    assert len(str(reply.body["DocId"])) == 24


def wrong_namespace() -> bytes:
    return valid_package().replace(b"http://www.mic.gov.vn/TBT/QCVN_102_2016", b"urn:example:other")


def invalid_base64() -> bytes:
    data = valid_package()
    start = data.index(b"<ContentTransferEncoded>") + len(b"<ContentTransferEncoded>")
    return data[:start] + b"!!not*base64!!" + data[start:]


def surrogate_in(tag: bytes) -> Callable[[], bytes]:
    """A surrogate character reference at the start of the first `tag` (a 500 before)."""

    def make() -> bytes:
        data = valid_package()
        at = data.index(tag) + len(tag)
        return data[:at] + b"&#xD800;" + data[at:]

    return make


PACKAGES: dict[str, tuple[Callable[[], bytes], str, str]] = {
    # name: (payload, ErrorCode, text the ErrorDesc must contain)
    "not-xml": (lambda: b"this is not XML at all", ErrorCode.BAD_REQUEST, "EDX-01"),
    "empty": (lambda: b"", ErrorCode.BAD_REQUEST, "EDX-01"),
    "binary": (payloads.png_blob, ErrorCode.BAD_REQUEST, "EDX-01"),
    "xxe": (payloads.xxe, ErrorCode.BAD_REQUEST, "EDX-01"),
    "xxe-in-package": (payloads.xxe_in_package, ErrorCode.BAD_REQUEST, "EDX-01"),
    "external-dtd": (payloads.external_dtd, ErrorCode.BAD_REQUEST, "EDX-01"),
    "billion-laughs": (payloads.billion_laughs, ErrorCode.BAD_REQUEST, "EDX-01"),
    "deep-nesting": (payloads.deep_nesting, ErrorCode.BAD_REQUEST, "EDX-01"),
    "invalid-utf8": (payloads.invalid_utf8, ErrorCode.BAD_REQUEST, "EDX-01"),
    "truncated": (payloads.truncated, ErrorCode.BAD_REQUEST, "EDX-01"),
    "wrong-namespace": (wrong_namespace, ErrorCode.BAD_REQUEST, "EDX-02"),
    "invalid-base64": (invalid_base64, ErrorCode.BAD_REQUEST, "EDX-33"),
    "oversize-60mb": (payloads.oversize_60mb, ErrorCode.TOO_LARGE, "dung luong"),
    "attribute-flood": (payloads.attribute_flood, ErrorCode.BAD_REQUEST, "EDX-01"),
    "surrogate-in-organid": (surrogate_in(b"<edXML:OrganId>"), ErrorCode.BAD_REQUEST, "EDX-01"),
    "surrogate-in-organname": (surrogate_in(b"<edXML:OrganName>"), ErrorCode.BAD_REQUEST, "EDX-01"),
    "surrogate-in-contentid": (surrogate_in(b"<edXML:ContentId>"), ErrorCode.BAD_REQUEST, "EDX-01"),
    "surrogate-in-attachmentname": (surrogate_in(b"<edXML:AttachmentName>"), ErrorCode.BAD_REQUEST, "EDX-01"),
}


def test_hostile_packages_get_a_clear_fail_and_the_axis_keeps_serving(axis: AxisProcess, client: VxpClient) -> None:
    assert axis.pid is not None
    still_serving(client)
    baseline = rss_mb(axis.pid)
    for name, (payload, code, text) in PACKAGES.items():
        body = payload()
        reply = send_raw(client, body)
        assert reply.status == "FAIL", (name, reply)
        assert reply.error_code == code, (name, reply)
        assert text in reply.error_desc, (name, reply.error_desc)
        assert reply.error_desc.isascii()
        assert reply.body.get("DocId", "") == "", name
        assert "root:" not in reply.error_desc, name
        still_serving(client)
    growth = rss_mb(axis.pid) - baseline
    assert growth < MAX_RSS_GROWTH_MB, f"RSS grew by {growth:.0f} MB"
    assert axis.alive


def _request_without(client: VxpClient, *names: str) -> tuple[str, dict[bytes, bytes]]:
    req = client.protocol.send_edoc(valid_package(), sender=SENDER)
    drop = {PREFIX.lower() + n.lower() for n in names}
    return req.url, {k.encode(): v for k, v in req.headers.items() if k.lower() not in drop}


@pytest.mark.parametrize(
    ("missing", "code"),
    [
        (("sign-header", "sign-header-key", "hash-header"), ErrorCode.UNAUTHORIZED),
        (("hash-header",), ErrorCode.UNAUTHORIZED),
        (("systemid",), ErrorCode.UNAUTHORIZED),
    ],
)
def test_missing_headers_are_refused(
    axis: AxisProcess, client: VxpClient, missing: tuple[str, ...], code: ErrorCode
) -> None:
    url, headers = _request_without(client, *missing)
    response = httpx.post(url, headers=headers, content=valid_package())
    assert response.status_code == 200
    body = json.loads(response.content.decode("ascii"))
    assert (body["status"], body["ErrorCode"]) == ("FAIL", code)
    assert body["ErrorDesc"]
    still_serving(client)


def test_missing_from_is_refused(client: VxpClient) -> None:
    req = client.protocol.prepare("sendEdoc", {"servicetype": "eDoc", "messagetype": "edoc"}, content=valid_package())
    reply = client.call(req)
    assert (reply.status, reply.error_code) == ("FAIL", ErrorCode.BAD_REQUEST)
    assert "from" in reply.error_desc
    still_serving(client)


def test_malformed_signed_json_is_refused(client: VxpClient) -> None:
    req = client.protocol.send_edoc(valid_package(), sender=SENDER)
    from harness.transport.vxp.auth import hmac_hex

    bad = '{"XroadVnpt-systemid":'
    req.headers[PREFIX + "sign-header"] = bad.encode()
    req.headers[PREFIX + "hash-header"] = hmac_hex(SECRET, bad).encode()
    reply = client.call(req)
    assert (reply.status, reply.error_code) == ("FAIL", ErrorCode.UNAUTHORIZED)
    still_serving(client)


def test_unknown_operation_and_garbage_parameters(client: VxpClient) -> None:
    reply = client.call(client.protocol.prepare("dropDatabase"))
    assert (reply.status, reply.error_code) == ("FAIL", ErrorCode.NOT_FOUND)
    reply = client.call(client.protocol.get_received_edoc_list("edoc", {"pageSize": "-1; DROP TABLE"}))
    assert (reply.status, reply.error_code) == ("FAIL", ErrorCode.BAD_REQUEST)
    reply = client.call(client.protocol.get_received_edoc_list("edoc", {"fromDate": "yesterday"}))
    assert (reply.status, reply.error_code) == ("FAIL", ErrorCode.BAD_REQUEST)
    reply = client.call(client.protocol.prepare("registerAgency", content=b"\xff\xfe not json"))
    assert (reply.status, reply.error_code) == ("FAIL", ErrorCode.BAD_REQUEST)
    still_serving(client)


def test_a_failed_download_never_has_a_body(axis: AxisProcess, client: VxpClient) -> None:
    """The SDK stores any non-empty downloadEdoc body as the package: failures must be empty."""
    response = client.send(client.protocol.download_edoc("0" * 24))
    assert (response.status_code, response.content) == (404, b"")
    fault = httpx.post(
        axis.control_url + "/faults", json={"kind": "error", "operation": "downloadEdoc", "remaining": 1}
    )
    assert fault.status_code == 201
    response = client.send(client.protocol.download_edoc("0" * 24))
    assert (response.status_code, response.content) == (500, b"")
    still_serving(client)


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("value", ["²", "1" + "0" * 30, "9" * 4301, "-1", "1.5", "１２"])
@pytest.mark.parametrize("name", ["pageSize", "pageIndex", "level"])
def test_integer_parameters_are_bounded(client: VxpClient, name: str, value: str) -> None:
    """`str.isdigit` takes `²`; SQLite overflows past 2**63; Python refuses ints of 4,301 digits."""
    if name == "level":
        req = client.protocol.prepare("getAgenciesListQD20", {"level": value})
    else:
        req = client.protocol.get_received_edoc_list("edoc", {name: value})
    reply = client.call(req)
    assert (reply.status, reply.error_code, reply.http_status) == ("FAIL", ErrorCode.BAD_REQUEST, 200), reply
    assert reply.error_desc.startswith(f"{name} phai la so nguyen tu 0 den "), reply.error_desc
    assert reply.body["data"] == []
    still_serving(client)


def test_deeply_nested_json_is_refused(client: VxpClient) -> None:
    """`to`, the registerAgency body and the signed JSON: a RecursionError was a 500."""
    req = client.protocol.send_edoc(valid_package(), sender=SENDER, extra={"to": _deep(100_000)})
    reply = client.call(req)
    assert (reply.status, reply.error_code) == ("FAIL", ErrorCode.BAD_REQUEST), reply
    req = client.protocol.send_edoc(valid_package(), sender=SENDER, extra={"to": json.dumps([["a"]])})
    assert client.call(req).error_code == ErrorCode.BAD_REQUEST
    body = ('{"code":' * 100_000).encode()
    reply = client.call(client.protocol.prepare("registerAgency", content=body))
    assert (reply.status, reply.error_code) == ("FAIL", ErrorCode.BAD_REQUEST), reply
    from harness.transport.vxp.auth import hmac_hex

    req = client.protocol.send_edoc(valid_package(), sender=SENDER)
    deep = '{"XroadVnpt-systemid":' * 100_000
    req.headers[PREFIX + "sign-header"] = deep.encode()
    req.headers[PREFIX + "hash-header"] = hmac_hex(SECRET, deep).encode()
    reply = client.call(req)
    assert (reply.status, reply.error_code) == ("FAIL", ErrorCode.UNAUTHORIZED), reply
    still_serving(client)


def test_duplicated_protocol_headers_are_refused(axis: AxisProcess, client: VxpClient) -> None:
    """Two `systemid` headers: the journal read the first, authentication the last."""
    with VxpClient(axis.endpoint, RECEIVER, "receiver-secret") as other:
        req = other.protocol.get_received_edoc_list()
    for name in ("systemid", "hash-header", "sign-header", "sign-header-key", "timestamp"):
        headers = [(k.encode(), v) for k, v in req.headers.items()]
        value = SENDER.encode() if name == "systemid" else req.headers[PREFIX + name]
        headers.insert(0, ((PREFIX + name).encode(), value))
        response = httpx.post(req.url, headers=headers)
        body = json.loads(response.content.decode("ascii"))
        assert (body["status"], body["ErrorCode"]) == ("FAIL", ErrorCode.BAD_REQUEST), (name, body)
        assert body["ErrorDesc"] == f"Tieu de {PREFIX}{name} xuat hien nhieu lan"
    journal = httpx.get(axis.control_url + "/journal").json()
    row = journal[-5]
    assert row["system_id"] == f"{SENDER},{RECEIVER}", "the journal shows both claimed callers"
    assert all(r["status"] == "FAIL" for r in journal[-5:])
    still_serving(client)


def test_a_too_large_body_names_the_limit_of_its_operation(client: VxpClient) -> None:
    req = client.protocol.prepare("getEdoc", {"docId": "0" * 24}, content=b"{" + b" " * (2 * 1024 * 1024) + b"}")
    reply = client.call(req)
    assert (reply.status, reply.error_code) == ("FAIL", ErrorCode.TOO_LARGE)
    assert reply.error_desc == "Noi dung vuot qua dung luong toi da 1048576 byte"
    still_serving(client)
