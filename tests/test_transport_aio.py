"""The aiohttp-backed httpx transport the simulators' mailboxes use (harness/transport/aio.py): what a server
receives and what the caller gets back are httpx's, and every network failure is an httpx error, which the
simulated agencies catch."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from harness.transport.aio import AiohttpTransport

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def serve(handler: Handler, go: Callable[[str, AiohttpTransport], Awaitable[Any]]) -> Any:
    """Run `go(base_url, transport)` against a real loopback server answering with `handler`."""

    async def main() -> Any:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        transport = AiohttpTransport()
        try:
            return await go(str(server.make_url("/")).rstrip("/"), transport)
        finally:
            await transport.aclose()
            await server.close()

    return asyncio.run(main())


def test_request_and_response_cross_unchanged() -> None:
    seen: dict[str, Any] = {}

    async def handler(request: web.Request) -> web.Response:
        seen["method"], seen["path"], seen["query"] = request.method, request.path, request.query_string
        seen["headers"] = list(request.raw_headers)
        seen["body"] = await request.read()
        return web.Response(status=201, body=b"\x00reply\xff", headers={"X-Reply": "yes", "Content-Type": "a/b"})

    async def go(base: str, transport: AiohttpTransport) -> httpx.Response:
        headers = [("systemid", "000.00.00.H41"), ("X-Twice", "a"), ("X-Twice", "b"), ("timestamp", "07122026")]
        request = httpx.Request("POST", f"{base}/getEdoc?docId=7", content=b"{}\r\n", headers=headers)
        return await transport.handle_async_request(request)  # as the VXP clients send

    response = serve(handler, go)
    assert (seen["method"], seen["path"], seen["query"]) == ("POST", "/getEdoc", "docId=7")
    assert seen["body"] == b"{}\r\n"
    sent = [(k.decode(), v.decode()) for k, v in seen["headers"]]
    assert ("systemid", "000.00.00.H41") in sent and ("timestamp", "07122026") in sent
    assert [v for k, v in sent if k == "X-Twice"] == ["a", "b"]
    names = {k.lower() for k, _ in sent}
    assert names <= {"systemid", "x-twice", "timestamp", "host", "content-length", "connection"}  # nothing added
    assert response.status_code == 201 and response.content == b"\x00reply\xff"
    assert response.headers["x-reply"] == "yes" and response.headers["content-type"] == "a/b"


@pytest.mark.parametrize("value", ["Từ chối: sai chữ ký".encode(), b"\xe9t\xe9 (latin-1)"])
def test_header_bytes_arrive_unchanged(value: bytes) -> None:
    """A status description is signed as UTF-8 bytes; a client's quirk may send another encoding."""
    got: list[bytes] = []

    async def handler(request: web.Request) -> web.Response:
        got.extend(v for k, v in request.raw_headers if k.lower() == b"xroadvnpt-description")
        return web.Response(body=b"ok")

    async def go(base: str, transport: AiohttpTransport) -> bytes:
        request = httpx.Request("POST", f"{base}/updateStatus", headers=[(b"XroadVnpt-description", value)])
        return (await transport.handle_async_request(request)).content

    assert serve(handler, go) == b"ok"
    assert got == [value]


def test_many_calls_share_connections() -> None:
    peers: set[Any] = set()

    async def handler(request: web.Request) -> web.Response:
        peers.add(request.transport.get_extra_info("peername") if request.transport else None)
        return web.Response(body=b"ok")

    async def go(base: str, transport: AiohttpTransport) -> list[int]:
        async with httpx.AsyncClient(transport=transport) as client:
            return [(await client.post(f"{base}/x", content=b"1")).status_code for _ in range(20)]

    assert serve(handler, go) == [200] * 20
    assert len(peers) == 1  # one kept-alive connection, not twenty


def test_refused_connection_is_httpx_connect_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed

    async def go() -> None:
        transport = AiohttpTransport()
        try:
            async with httpx.AsyncClient(transport=transport) as client:
                await client.post(f"http://127.0.0.1:{port}/x", content=b"")
        finally:
            await transport.aclose()

    with pytest.raises(httpx.ConnectError):
        asyncio.run(go())


def test_slow_reply_is_httpx_read_timeout() -> None:
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.Response(body=b"late")

    async def go(base: str, transport: AiohttpTransport) -> None:
        async with httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(0.3, connect=1.0)) as client:
            await client.post(f"{base}/x", content=b"")

    with pytest.raises(httpx.ReadTimeout):
        serve(handler, go)


def test_dropped_connection_is_an_httpx_transport_error() -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.close()
        return web.Response(body=b"never sent")

    async def go(base: str, transport: AiohttpTransport) -> None:
        async with httpx.AsyncClient(transport=transport) as client:
            await client.post(f"{base}/x", content=b"")

    with pytest.raises(httpx.TransportError):
        serve(handler, go)


def test_closed_transport_opens_again() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=b"ok")

    async def go(base: str, transport: AiohttpTransport) -> tuple[bytes, bytes]:
        first = await transport.handle_async_request(httpx.Request("POST", f"{base}/a", content=b""))
        await transport.aclose()
        second = await transport.handle_async_request(httpx.Request("POST", f"{base}/b", content=b""))
        return first.content, second.content

    assert serve(handler, go) == (b"ok", b"ok")
