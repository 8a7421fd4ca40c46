"""BkavClient / AsyncBkavClient on the wire (axis-protocol.md §4, §4.1), captured with respx: the requests
Bkav's SDK sends, byte for byte, and the answers of Bkav's server read as that server writes them."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from harness.errors import LienthongError
from harness.transport.bkav import AsyncBkavClient, BkavClient, BkavError, Kind, Pending
from harness.transport.bkav.wire import Reply, edoc_hash, failure, strip_crlf, success, unauthorized

ENDPOINT = "http://axis.test/EdocService"
ORGAN = "000.00.12.H14"
TOKEN = "token-of-the-organisation"
EDXML = b'<?xml version="1.0" encoding="UTF-8"?><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>'


@pytest.fixture
def axis() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as router:
        yield router


def answer(data: dict[str, Any], status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=data)


def test_send_document_sends_what_the_sdk_sends(axis: respx.MockRouter) -> None:
    route = axis.post("/sendDocument").mock(return_value=answer({"status": "Success", "code": "0", "docId": 4711}))
    with BkavClient(ENDPOINT, ORGAN, TOKEN) as client:
        assert client.send_document(EDXML) == 4711
    request = route.calls.last.request
    assert request.content == EDXML + b"\r\n"  # the SDK appends CRLF after the file
    assert request.headers["organId"] == ORGAN and request.headers["Authorization"] == TOKEN  # no "Bearer"
    assert request.headers["user_agent"] == "EdocClient/Bkav"
    assert request.headers["type"] == "EDOC" and request.headers["content-type"] == "application/octet-stream"
    # hash-edoc is of the file without the CRLF: never the hash of the body as received
    assert (
        request.headers["hash-edoc"] == hashlib.sha256(EDXML).hexdigest() != hashlib.sha256(request.content).hexdigest()
    )
    assert (
        strip_crlf(request.content) == EDXML and edoc_hash(strip_crlf(request.content)) == request.headers["hash-edoc"]
    )
    assert "docId" not in request.headers


def test_a_status_package_is_sent_with_its_type(axis: respx.MockRouter) -> None:
    route = axis.post("/sendDocument").mock(return_value=answer({"status": "Success", "code": "0", "docId": 9}))
    with BkavClient(ENDPOINT, ORGAN, TOKEN, trailing_crlf=False) as client:
        assert client.send_document(EDXML, Kind.STATUS) == 9
    assert route.calls.last.request.headers["type"] == "STATUS" and route.calls.last.request.content == EDXML


def test_pending_ids_are_read_in_the_servers_shape_and_the_sdks(axis: respx.MockRouter) -> None:
    server = {"status": "Success", "code": "0", "data": [{"docId": 12, "organId": ORGAN}, {"docId": 13}]}
    route = axis.get("/getPendingDocIds").mock(return_value=answer(server))
    with BkavClient(ENDPOINT, ORGAN, TOKEN) as client:
        assert client.get_pending_doc_ids() == [Pending(12, ORGAN), Pending(13, "")]
        route.mock(return_value=answer({"status": "Success", "code": "0", "docIDs": [21, 22]}))
        assert client.get_pending_doc_ids(Kind.STATUS) == [Pending(21), Pending(22)]
    request = route.calls.last.request
    assert request.method == "GET" and request.headers["type"] == "STATUS"
    assert request.headers["content-type"] == "application/json" and request.content == b""


def test_get_document_decodes_base64_and_confirm_carries_only_the_doc_id(axis: respx.MockRouter) -> None:
    data = base64.b64encode(EDXML).decode("ascii")
    get = axis.post("/getDocument").mock(return_value=answer({"status": "Success", "code": "0", "data": data}))
    confirm = axis.post("/confirmReceived").mock(return_value=answer({"status": "Success", "code": "0"}))
    with BkavClient(ENDPOINT, ORGAN, TOKEN) as client:
        assert client.get_document(12) == EDXML
        client.confirm_received(12)
    assert get.calls.last.request.headers["docId"] == "12" and get.calls.last.request.headers["type"] == "EDOC"
    assert get.calls.last.request.content == b""
    assert confirm.calls.last.request.headers["docId"] == "12" and "type" not in confirm.calls.last.request.headers


def test_organisations_and_the_existence_check(axis: respx.MockRouter) -> None:
    organs = [{"organId": "000.00.00.H14", "organName": "UBND tỉnh Cao Bằng"}]
    orgs = axis.get("/getOrganizations").mock(
        return_value=answer({"status": "Success", "code": "0", "organizations": organs})
    )
    check = axis.post("/checkExistDocument").mock(
        return_value=answer({"status": "Success", "code": "200", "errors": [], "result": True})
    )
    with BkavClient(ENDPOINT, ORGAN, TOKEN) as client:
        assert client.get_organizations("000.00.00.H14") == organs
        assert client.check_exist_document(ORGAN, "000.00.00.H14", "12/UBND-VP") is True
    assert orgs.calls.last.request.url.params["organId"] == "000.00.00.H14"
    sent = json.loads(check.calls.last.request.content)
    assert sent == {"fromOrgan": ORGAN, "toOrgan": "000.00.00.H14", "docCode": "12/UBND-VP"}


def test_refusals_raise_with_the_servers_errors(axis: respx.MockRouter) -> None:
    axis.post("/sendDocument").mock(
        return_value=answer(
            {"status": "Fail", "code": "9999", "errors": [{"code": "ExistDoc", "description": "Document is exist"}]}
        )
    )
    axis.get("/getPendingDocIds").mock(return_value=httpx.Response(401, content=unauthorized().to_bytes()))
    axis.post("/getDocument").mock(return_value=httpx.Response(500, content=b"<html>Tomcat</html>"))
    with BkavClient(ENDPOINT, ORGAN, "wrong") as client:
        with pytest.raises(BkavError) as sent:
            client.send_document(EDXML)
        with pytest.raises(BkavError) as listed:
            client.get_pending_doc_ids()
        with pytest.raises(BkavError) as fetched:
            client.get_document(1)
    assert sent.value.reply.errors[0].code == "ExistDoc" and "ExistDoc" in sent.value.message_en
    assert isinstance(sent.value, LienthongError) and sent.value.message_vi.startswith("Trục Bkav trả lời lỗi")
    assert (listed.value.reply.http_status, listed.value.reply.status) == (401, "False")
    assert listed.value.reply.errors[0].description == "Unauthorized !"
    assert fetched.value.reply.errors[0].code == "NotJson"  # never a JSON exception


def test_the_envelope_round_trips_as_the_server_writes_it() -> None:
    assert Reply.parse(200, success(docId=5).to_bytes()).body == {"docId": 5}
    refused = Reply.parse(200, failure("DocID", "Invalid DocID", status="Error").to_bytes())
    assert (refused.ok, refused.status, refused.code, refused.error_text) == (
        False,
        "Error",
        "9999",
        "DocID: Invalid DocID",
    )
    assert [e.code for e in unauthorized(missing=2).errors] == ["Invalid Credentials"] * 2
    assert not Reply.parse(200, b'{"status": "Error", "code": "0"}').ok  # the server's odd status-trace answer


def test_the_async_client_puts_the_same_bytes_on_the_wire(axis: respx.MockRouter) -> None:
    route = axis.post("/sendDocument").mock(return_value=answer({"status": "Success", "code": "0", "docId": 1}))
    with BkavClient(ENDPOINT, ORGAN, TOKEN) as client:
        client.send_document(EDXML)
    sync_request = route.calls.last.request

    async def send() -> int:
        async with AsyncBkavClient(ENDPOINT, ORGAN, TOKEN) as client:
            return await client.send_document(EDXML)

    assert asyncio.run(send()) == 1
    async_request = route.calls.last.request
    assert async_request.content == sync_request.content
    assert {k: v for k, v in async_request.headers.items() if k not in ("user-agent",)} == {
        k: v for k, v in sync_request.headers.items() if k not in ("user-agent",)
    }
