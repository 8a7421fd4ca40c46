"""VxpClient / AsyncVxpClient on the wire (axis-protocol.md §2.2–2.4), captured with respx.

Every request is checked the way a server would: raw header bytes decoded as latin-1, then
`auth.read_params` and `auth.verify` under the shared secret.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import respx

from harness.transport.vxp import auth
from harness.transport.vxp.auth import AuthError
from harness.transport.vxp.client import AsyncVxpClient, VxpClient
from harness.transport.vxp.models import ReceivedItem, Reply, SentItem, VxpError
from harness.transport.vxp.protocol import Quirks

ENDPOINT = "http://axis.test/XrdAdapter/adapter"
SYSTEM_ID = "000.00.00.H41"
SECRET = "dummy-secret"
OCTETS = "application/octet-stream"
JSON_CT = "application/json"
EDXML = b'<?xml version="1.0" encoding="UTF-8"?><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>'
DOC_ID = "68edb8c8c2dcb14db773ce44"
BASE = {"timestamp", "systemid", "content-type"}
SIGNATURE = {"sign-header", "sign-header-key", "hash-header"}


def ok(**fields: Any) -> dict[str, Any]:
    return {"status": "OK", "ErrorCode": "0", "ErrorDesc": "Thanh cong", **fields}


def server_params(request: httpx.Request) -> dict[str, str]:
    """The XroadVnpt-* parameters as the simulator reads them (latin-1 header text)."""
    return auth.read_params((k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw)


def server_verify(request: httpx.Request) -> auth.SignedRequest:
    return auth.verify(SECRET, server_params(request))


def unpadded_sha256(data: bytes) -> str:
    return "".join(hex(b)[2:] for b in hashlib.sha256(data).digest())


def data_with_small_digest_byte() -> bytes:
    for i in range(1000):
        data = EDXML + f"<!-- {i} -->".encode()
        if any(b < 0x10 for b in hashlib.sha256(data).digest()):
            return data
    raise AssertionError("no sample with a digest byte < 0x10")


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as router:
        yield router


# --- one table for every operation, run through both clients -------------------------------------


@dataclass(frozen=True)
class Case:
    operation: str
    sync: Callable[[VxpClient], Any]
    aio: Callable[[AsyncVxpClient], Awaitable[Any]]
    reply: httpx.Response
    expected_result: Any
    method: str = "POST"
    body: bytes = b""
    content_type: str = JSON_CT
    params: dict[str, str] = field(default_factory=dict)


RECEIVED = {
    "docId": "r1",
    "serviceType": "eDoc",
    "messageType": "status",
    "created_time": "2026-11-22 03:24:10",
    "updated_time": "2026-11-22 03:25:00",
    "from": "000.00.00.G22",
    "to": SYSTEM_ID,
    "status": "initial",
    "status_desc": "Moi",
}
SENT = {
    "serviceType": "eDoc",
    "messageType": "edoc",
    "senderDocId": "s1",
    "receiverDocId": "r1",
    "fromCode": SYSTEM_ID,
    "toCode": "000.00.00.G22",
    "title": "Cong van",
    "notation": "12/UBND",
    "sentTime": "2026-11-22 03:24:10",
    "receivedTime": None,
    "sendStatus": "done",
    "sendStatusDesc": "Da gui",
    "receiveStatus": "processing",
    "receiveStatusDesc": "Dang xu ly",
}
AGENCY = {"id": "1", "code": "000.00.00.G22", "name": "Van phong Chinh phu", "mail": "", "pid": "0", "oldCode": ""}
REGISTER_BODY = {
    "id": "",
    "pcode": "000.00.00.G22",
    "code": "000.01.00.G22",
    "name": "Vụ Pháp chế",
    "mail": "a@b.vn",
    "mobile": "",
    "fax": "",
}

CASES = [
    Case(
        "sendEdoc",
        lambda c: c.send_edoc(EDXML, sender=SYSTEM_ID, to=["000.00.00.G22", "000.00.00.H14"]),
        lambda c: c.send_edoc(EDXML, sender=SYSTEM_ID, to=["000.00.00.G22", "000.00.00.H14"]),
        httpx.Response(200, json=ok(DocId=DOC_ID)),
        DOC_ID,
        body=EDXML + b"\r\n",
        content_type=OCTETS,
        params={
            "from": SYSTEM_ID,
            "servicetype": "eDoc",
            "messagetype": "edoc",
            "to": '["000.00.00.G22","000.00.00.H14"]',
            "hash-file": unpadded_sha256(EDXML),
        },
    ),
    Case(
        "getReceivedEdocList",
        lambda c: c.get_received_edoc_list("status", fromDate="01/11/2026 00:00:00"),
        lambda c: c.get_received_edoc_list("status", fromDate="01/11/2026 00:00:00"),
        httpx.Response(200, json=ok(data=[RECEIVED])),
        [
            ReceivedItem(
                "r1",
                "status",
                "eDoc",
                "000.00.00.G22",
                SYSTEM_ID,
                "initial",
                "Moi",
                "2026-11-22 03:24:10",
                "2026-11-22 03:25:00",
            )
        ],
        params={"servicetype": "eDoc", "messagetype": "status", "fromdate": "01/11/2026 00:00:00"},
    ),
    Case(
        "getEdoc",
        lambda c: c.get_edoc(DOC_ID),
        lambda c: c.get_edoc(DOC_ID),
        httpx.Response(200, json=ok(data=base64.b64encode(EDXML).decode())),
        EDXML,
        body=b"{}",
        params={"docid": DOC_ID, "filepath": "/tmp"},
    ),
    Case(
        "downloadEdoc",
        lambda c: c.download_edoc(DOC_ID),
        lambda c: c.download_edoc(DOC_ID),
        httpx.Response(200, content=EDXML),
        EDXML,
        method="GET",
        params={"docid": DOC_ID, "filepath": "/tmp"},
    ),
    Case(
        "updateStatus",
        lambda c: c.update_status(DOC_ID, "processing"),
        lambda c: c.update_status(DOC_ID, "processing"),
        httpx.Response(200, json=ok()),
        Reply("OK", "0", "Thanh cong", 200, ok()),
        body=b"{}",
        params={"docid": DOC_ID, "status": "processing"},
    ),
    Case(
        "getSentEdocList",
        lambda c: c.get_sent_edoc_list("edoc", doc_id="s1"),
        lambda c: c.get_sent_edoc_list("edoc", doc_id="s1"),
        httpx.Response(200, json=ok(data=[SENT])),
        [SentItem.from_json(SENT)],
        params={"servicetype": "eDoc", "messagetype": "edoc", "docid": "s1"},
    ),
    Case(
        "countReceiveEdoc",
        lambda c: c.count_receive_edoc(),
        lambda c: c.count_receive_edoc(),
        httpx.Response(200, json=ok(count=7)),
        7,
        body=b"{}",
        params={"servicetype": "eDoc", "messagetype": "edoc"},
    ),
    Case(
        "countReceiveStatus",
        lambda c: c.count_receive_status(),
        lambda c: c.count_receive_status(),
        httpx.Response(200, json=ok(count=3)),
        3,
        body=b"{}",
        params={"servicetype": "eDoc", "messagetype": "status"},
    ),
    Case(
        "getAgenciesList",
        lambda c: c.get_agencies_list(),
        lambda c: c.get_agencies_list(),
        httpx.Response(200, json=ok(data=[AGENCY, "junk"])),
        [AGENCY],
    ),
    Case(
        "getAgenciesListQD20",
        lambda c: c.get_agencies_list_qd20(2),
        lambda c: c.get_agencies_list_qd20(2),
        httpx.Response(200, json=ok(data=[AGENCY])),
        [AGENCY],
        params={"level": "2"},
    ),
    Case(
        "getSynchronizeUnit",
        lambda c: c.get_synchronize_unit(),
        lambda c: c.get_synchronize_unit(),
        httpx.Response(200, json=ok(data=[AGENCY])),
        [AGENCY],
    ),
    Case(
        "registerAgency",
        lambda c: c.register_agency("000.01.00.G22", "Vụ Pháp chế", pcode="000.00.00.G22", mail="a@b.vn"),
        lambda c: c.register_agency("000.01.00.G22", "Vụ Pháp chế", pcode="000.00.00.G22", mail="a@b.vn"),
        httpx.Response(200, json=ok()),
        Reply("OK", "0", "Thanh cong", 200, ok()),
        body=json.dumps(REGISTER_BODY, ensure_ascii=False).encode("utf-8"),
    ),
    Case(
        "deleteAgency",
        lambda c: c.delete_agency("000.01.00.G22"),
        lambda c: c.delete_agency("000.01.00.G22"),
        httpx.Response(200, json=ok()),
        Reply("OK", "0", "Thanh cong", 200, ok()),
        body=b"{}",
        params={"agencycode": "000.01.00.G22"},
    ),
]


def run_sync(
    router: respx.MockRouter, operation: str, reply: httpx.Response, call: Callable[[VxpClient], Any], **kw: Any
) -> tuple[Any, httpx.Request]:
    route = router.route(path__regex=rf"/{operation}$").mock(return_value=reply)
    before = route.call_count
    with VxpClient(ENDPOINT, SYSTEM_ID, SECRET, **kw) as client:
        result = call(client)
    assert route.call_count == before + 1
    return result, route.calls.last.request


def run_async(
    router: respx.MockRouter,
    operation: str,
    reply: httpx.Response,
    call: Callable[[AsyncVxpClient], Awaitable[Any]],
    **kw: Any,
) -> tuple[Any, httpx.Request]:
    route = router.route(path__regex=rf"/{operation}$").mock(return_value=reply)
    before = route.call_count

    async def go() -> Any:
        async with AsyncVxpClient(ENDPOINT, SYSTEM_ID, SECRET, **kw) as client:
            return await call(client)

    result = asyncio.run(go())
    assert route.call_count == before + 1
    return result, route.calls.last.request


def check_request(case: Case, request: httpx.Request) -> None:
    assert request.method == case.method
    assert str(request.url) == f"{ENDPOINT}/{case.operation}"
    assert request.content == case.body
    if case.method == "POST":
        assert request.headers["Content-Length"] == str(len(case.body))
    assert request.headers["Content-Type"] == case.content_type
    assert request.headers["User-Agent"] == "JAVASDKAgent/1.0.0 XRoad/VPCP"
    assert request.headers["XroadVnpt-version"] == "3.0.201608"

    params = server_params(request)
    assert set(params) == BASE | set(case.params) | SIGNATURE | {"version"}
    assert params["systemid"] == SYSTEM_ID
    assert params["content-type"] == case.content_type
    assert auth.parse_java_timestamp(params["timestamp"]) is not None
    for k, v in case.params.items():
        assert params[k] == v, k
    signed = server_verify(request)
    assert signed.signed == BASE | set(case.params)
    with pytest.raises(AuthError):
        auth.verify("wrong-secret", params)


@pytest.mark.parametrize("case", CASES, ids=[c.operation for c in CASES])
def test_sync_operation_on_the_wire(mock: respx.MockRouter, case: Case) -> None:
    result, request = run_sync(mock, case.operation, case.reply, case.sync)
    check_request(case, request)
    assert result == case.expected_result


@pytest.mark.parametrize("case", CASES, ids=[c.operation for c in CASES])
def test_async_operation_on_the_wire(mock: respx.MockRouter, case: Case) -> None:
    result, request = run_async(mock, case.operation, case.reply, case.aio)
    check_request(case, request)
    assert result == case.expected_result


def test_sync_and_async_put_the_same_bytes_on_the_wire(mock: respx.MockRouter) -> None:
    moment = datetime(2026, 11, 22, 3, 24, 10, 8000)

    def sync_call(c: VxpClient) -> str:
        c.protocol.clock = lambda: moment
        return c.send_edoc(EDXML, sender=SYSTEM_ID, to="000.00.00.G22")

    async def async_call(c: AsyncVxpClient) -> str:
        c.protocol.clock = lambda: moment
        return await c.send_edoc(EDXML, sender=SYSTEM_ID, to="000.00.00.G22")

    reply = httpx.Response(200, json=ok(DocId=DOC_ID))
    _, a = run_sync(mock, "sendEdoc", reply, sync_call)
    _, b = run_async(mock, "sendEdoc", reply, async_call)
    xroad = [(k, v) for k, v in a.headers.raw if k.lower().startswith(b"xroadvnpt-")]
    assert xroad == [(k, v) for k, v in b.headers.raw if k.lower().startswith(b"xroadvnpt-")]
    assert dict(xroad)[b"XroadVnpt-timestamp"] == b"22112026T032410+0008"
    assert a.content == b.content


def test_endpoint_trailing_slash_does_not_double(mock: respx.MockRouter) -> None:
    route = mock.route(path__regex=r"/getAgenciesList$").mock(return_value=httpx.Response(200, json=ok(data=[])))
    with VxpClient(ENDPOINT + "/", SYSTEM_ID, SECRET) as client:
        assert client.get_agencies_list() == []
    assert str(route.calls.last.request.url) == f"{ENDPOINT}/getAgenciesList"


# --- sendEdoc details and quirks -----------------------------------------------------------------


def sent_params(router: respx.MockRouter, call: Callable[[VxpClient], Any], **kw: Any) -> dict[str, str]:
    _, request = run_sync(router, "sendEdoc", httpx.Response(200, json=ok(DocId=DOC_ID)), call, **kw)
    server_verify(request)
    return server_params(request)


def test_captured_sign_header_key_order(mock: respx.MockRouter) -> None:
    params = sent_params(mock, lambda c: c.send_edoc(EDXML, sender=SYSTEM_ID, to=["000.00.00.G22", "000.00.00.H14"]))
    assert params["sign-header-key"] == "systemid;servicetype;messagetype;hash-file;from;to;timestamp;Content-Type"
    assert list(json.loads(params["sign-header"])) == ["XroadVnpt-" + n for n in params["sign-header-key"].split(";")]


def test_insertion_order_when_hashmap_order_is_off(mock: respx.MockRouter) -> None:
    params = sent_params(
        mock,
        lambda c: c.send_edoc(EDXML, sender=SYSTEM_ID, to=["000.00.00.G22"]),
        quirks=Quirks(hashmap_order=False),
    )
    assert params["sign-header-key"] == "timestamp;systemid;Content-Type;from;servicetype;messagetype;to;hash-file"


@pytest.mark.parametrize(
    ("to", "quirks", "expected"),
    [
        (["000.00.00.G22", "000.00.00.H14"], Quirks(), '["000.00.00.G22","000.00.00.H14"]'),
        (["000.00.00.G22"], Quirks(), '["000.00.00.G22"]'),
        ("000.00.00.G22", Quirks(), '"000.00.00.G22"'),
        (["000.00.00.G22"], Quirks(single_to_as_string=True), '"000.00.00.G22"'),
        (["000.00.00.G22", "000.00.00.H14"], Quirks(single_to_as_string=True), '["000.00.00.G22","000.00.00.H14"]'),
    ],
)
def test_to_encoding(mock: respx.MockRouter, to: list[str] | str, quirks: Quirks, expected: str) -> None:
    params = sent_params(mock, lambda c: c.send_edoc(EDXML, sender=SYSTEM_ID, to=to), quirks=quirks)
    assert params["to"] == expected
    assert json.loads(json.loads(params["sign-header"])["XroadVnpt-to"]) == json.loads(expected)


def test_no_to_header_without_receivers_and_status_message_type(mock: respx.MockRouter) -> None:
    params = sent_params(mock, lambda c: c.send_edoc(EDXML, sender=SYSTEM_ID, message_type="status"))
    assert "to" not in params
    assert params["messagetype"] == "status"


def test_hash_file_padding_quirk(mock: respx.MockRouter) -> None:
    data = data_with_small_digest_byte()
    unpadded = sent_params(mock, lambda c: c.send_edoc(data, sender=SYSTEM_ID))["hash-file"]
    padded = sent_params(mock, lambda c: c.send_edoc(data, sender=SYSTEM_ID), quirks=Quirks(unpadded_hash=False))[
        "hash-file"
    ]
    assert unpadded == unpadded_sha256(data)
    assert padded == hashlib.sha256(data).hexdigest()
    assert len(unpadded) < 64 == len(padded)


@pytest.mark.parametrize(("crlf", "body_suffix"), [(True, b"\r\n"), (False, b"")])
def test_trailing_crlf_is_switchable_and_hash_covers_the_file_only(
    mock: respx.MockRouter, crlf: bool, body_suffix: bytes
) -> None:
    _, request = run_sync(
        mock,
        "sendEdoc",
        httpx.Response(200, json=ok(DocId=DOC_ID)),
        lambda c: c.send_edoc(EDXML, sender=SYSTEM_ID),
        quirks=Quirks(trailing_crlf=crlf),
    )
    assert request.content == EDXML + body_suffix
    assert server_params(request)["hash-file"] == unpadded_sha256(EDXML)


def test_extra_send_params_are_sent_and_signed(mock: respx.MockRouter) -> None:
    _, request = run_sync(
        mock,
        "sendEdoc",
        httpx.Response(200, json=ok(DocId=DOC_ID)),
        lambda c: c.send_edoc(EDXML, sender=SYSTEM_ID, extra={"docId": "x1"}),
    )
    assert server_verify(request).get("docid") == "x1"
    assert "docid" in server_verify(request).signed


def two_calls(router: respx.MockRouter, quirks: Quirks | None) -> tuple[httpx.Request, httpx.Request]:
    send = router.route(path__regex=r"/sendEdoc$").mock(return_value=httpx.Response(200, json=ok(DocId=DOC_ID)))
    lst = router.route(path__regex=r"/getReceivedEdocList$").mock(return_value=httpx.Response(200, json=ok(data=[])))
    with VxpClient(ENDPOINT, SYSTEM_ID, SECRET, quirks=quirks) as client:
        client.send_edoc(EDXML, sender=SYSTEM_ID, to=["000.00.00.G22"])
        client.get_received_edoc_list()
    return send.calls.last.request, lst.calls.last.request


def test_java_sdk_quirks_resend_and_sign_earlier_parameters(mock: respx.MockRouter) -> None:
    first, second = two_calls(mock, Quirks.java_sdk())
    p1, p2 = server_params(first), server_params(second)
    for name in ("from", "to", "hash-file"):
        assert p2[name] == p1[name], name
    signed = server_verify(second)
    assert {"from", "to", "hash-file"} <= signed.signed
    assert {"from", "to", "hash-file"} <= set(p2["sign-header-key"].split(";"))
    # the current call's own values still win
    assert p2["content-type"] == JSON_CT
    assert second.headers["Content-Type"] == JSON_CT
    assert second.content == b""


def test_default_quirks_do_not_resend_earlier_parameters(mock: respx.MockRouter) -> None:
    _, second = two_calls(mock, None)
    params = server_params(second)
    assert not {"from", "to", "hash-file"} & set(params)
    assert server_verify(second).signed == BASE | {"servicetype", "messagetype"}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 3, 24, 10, 8000)

    def __call__(self) -> datetime:
        value = self.now
        self.now += timedelta(seconds=1, milliseconds=1)
        return value


def timestamps(router: respx.MockRouter, quirks: Quirks | None) -> list[str]:
    route = router.route(path__regex=r"/countReceiveEdoc$").mock(return_value=httpx.Response(200, json=ok(count=0)))
    with VxpClient(ENDPOINT, SYSTEM_ID, SECRET, quirks=quirks) as client:
        client.protocol.clock = Clock()
        for _ in range(3):
            client.count_receive_edoc()
    out = []
    for call in route.calls:
        server_verify(call.request)
        out.append(server_params(call.request)["timestamp"])
    return out


def test_timestamp_is_fixed_for_the_client_by_default(mock: respx.MockRouter) -> None:
    assert timestamps(mock, None) == ["22112026T032410+0008"] * 3


def test_timestamp_is_refreshed_when_not_fixed(mock: respx.MockRouter) -> None:
    assert timestamps(mock, Quirks(fixed_timestamp=False)) == [
        "22112026T032410+0008",
        "22112026T032411+0009",
        "22112026T032412+0010",
    ]


# --- replies --------------------------------------------------------------------------------------


def test_ok_reply_fields(mock: respx.MockRouter) -> None:
    body = ok(extra="x")
    reply, _ = run_sync(mock, "updateStatus", httpx.Response(200, json=body), lambda c: c.update_status(DOC_ID))
    assert isinstance(reply, Reply)
    assert (reply.status, reply.error_code, reply.error_desc, reply.http_status) == ("OK", "0", "Thanh cong", 200)
    assert reply.ok
    assert reply.body == body


def test_fail_reply_raises_vxp_error_with_code_and_desc(mock: respx.MockRouter) -> None:
    desc = "Don vi gui 002.00.20.H13 khong dung voi ma da dang ky: vxp.saas.03"
    fail = {"status": "FAIL", "ErrorCode": "403", "ErrorDesc": desc, "DocId": ""}
    with pytest.raises(VxpError) as info:
        run_sync(mock, "sendEdoc", httpx.Response(200, json=fail), lambda c: c.send_edoc(EDXML, sender="002.00.20.H13"))
    err = info.value
    assert err.operation == "sendEdoc"
    assert (err.reply.status, err.reply.error_code, err.reply.error_desc) == ("FAIL", "403", desc)
    assert "403" in str(err) and desc in str(err)


def test_fail_reply_on_http_error_status_is_still_parsed(mock: respx.MockRouter) -> None:
    fail = {"status": "FAIL", "ErrorCode": "500", "ErrorDesc": "Loi"}
    with pytest.raises(VxpError) as info:
        run_sync(mock, "deleteAgency", httpx.Response(500, json=fail), lambda c: c.delete_agency("x"))
    assert (info.value.reply.error_code, info.value.reply.http_status) == ("500", 500)


def test_async_fail_reply_raises(mock: respx.MockRouter) -> None:
    fail = {"status": "FAIL", "ErrorCode": "404", "ErrorDesc": "Khong tim thay"}
    with pytest.raises(VxpError) as info:
        run_async(mock, "getEdoc", httpx.Response(200, json=fail), lambda c: c.get_edoc("nope"))
    assert info.value.reply.error_code == "404"


@pytest.mark.parametrize(
    "content",
    [
        b"<html>Bad Gateway</html>",
        b"",
        '{"status":"OK","ErrorCode":"0","ErrorDesc":"Thành công"}'.encode(),
        b'["OK"]',
    ],
)
def test_unreadable_reply_is_a_local_failure(mock: respx.MockRouter, content: bytes) -> None:
    def call(c: VxpClient) -> Reply:
        return c.call(c.protocol.update_status(DOC_ID, "done"))

    reply, _ = run_sync(mock, "updateStatus", httpx.Response(502, content=content), call)
    assert isinstance(reply, Reply)
    assert (reply.status, reply.error_code, reply.http_status) == ("FAIL", "100", 502)
    with pytest.raises(VxpError) as info:
        run_sync(mock, "updateStatus", httpx.Response(200, content=content), lambda c: c.update_status(DOC_ID))
    assert info.value.reply.error_code == "100"


def test_get_edoc_decodes_base64_data(mock: respx.MockRouter) -> None:
    package = "<edXML>Văn bản</edXML>".encode()
    reply = httpx.Response(200, json=ok(data=base64.b64encode(package).decode("ascii")))
    data, _ = run_sync(mock, "getEdoc", reply, lambda c: c.get_edoc(DOC_ID))
    assert data == package


def test_get_edoc_without_data_is_a_local_failure(mock: respx.MockRouter) -> None:
    with pytest.raises(VxpError) as info:
        run_sync(mock, "getEdoc", httpx.Response(200, json=ok()), lambda c: c.get_edoc(DOC_ID))
    assert info.value.reply.error_code == "100"


def test_download_returns_body_even_with_http_404(mock: respx.MockRouter) -> None:
    data, request = run_sync(mock, "downloadEdoc", httpx.Response(404, content=EDXML), lambda c: c.download_edoc("x"))
    assert data == EDXML
    assert request.method == "GET"
    data, _ = run_async(mock, "downloadEdoc", httpx.Response(404, content=b"x"), lambda c: c.download_edoc("x"))
    assert data == b"x"


@pytest.mark.parametrize("status", [200, 404])
def test_download_with_empty_body_raises(mock: respx.MockRouter, status: int) -> None:
    with pytest.raises(VxpError) as info:
        run_sync(mock, "downloadEdoc", httpx.Response(status, content=b""), lambda c: c.download_edoc("x"))
    assert (info.value.operation, info.value.reply.error_code) == ("downloadEdoc", "100")
    with pytest.raises(VxpError):
        run_async(mock, "downloadEdoc", httpx.Response(status, content=b""), lambda c: c.download_edoc("x"))


def test_received_item_parsing() -> None:
    item = ReceivedItem.from_json(RECEIVED)
    assert item == ReceivedItem(
        doc_id="r1",
        message_type="status",
        service_type="eDoc",
        from_="000.00.00.G22",
        to=SYSTEM_ID,
        status="initial",
        status_desc="Moi",
        created_time="2026-11-22 03:24:10",
        updated_time="2026-11-22 03:25:00",
    )
    assert ReceivedItem.from_json({}).doc_id == ""


def test_sent_item_parsing() -> None:
    item = SentItem.from_json(SENT)
    assert item == SentItem(
        sender_doc_id="s1",
        receiver_doc_id="r1",
        from_code=SYSTEM_ID,
        to_code="000.00.00.G22",
        message_type="edoc",
        service_type="eDoc",
        title="Cong van",
        notation="12/UBND",
        sent_time="2026-11-22 03:24:10",
        received_time="",
        send_status="done",
        send_status_desc="Da gui",
        receive_status="processing",
        receive_status_desc="Dang xu ly",
    )


def test_list_replies_without_a_data_array_give_empty_lists(mock: respx.MockRouter) -> None:
    items, _ = run_sync(
        mock, "getReceivedEdocList", httpx.Response(200, json=ok(data="x")), lambda c: c.get_received_edoc_list()
    )
    assert items == []
    items, _ = run_sync(
        mock, "getSentEdocList", httpx.Response(200, json=ok(data=[SENT, 3])), lambda c: c.get_sent_edoc_list()
    )
    assert items == [SentItem.from_json(SENT)]


# --- non-ASCII parameters -------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_non_ascii_description_travels_as_utf8_and_verifies(mock: respx.MockRouter, flavour: str) -> None:
    description = "Văn bản không đúng thẩm quyền xử lý"
    reply = httpx.Response(200, json=ok())
    if flavour == "sync":
        _, request = run_sync(mock, "updateStatus", reply, lambda c: c.update_status(DOC_ID, "fail", description))
    else:
        _, request = run_async(mock, "updateStatus", reply, lambda c: c.update_status(DOC_ID, "fail", description))
    raw = dict(request.headers.raw)
    assert raw[b"XroadVnpt-description"] == description.encode("utf-8")
    signed = server_verify(request)
    assert signed.get("description") == description
    assert {"docid", "status", "description"} <= signed.signed
