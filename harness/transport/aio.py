"""An httpx transport that sends over aiohttp: the same `httpx.Request` in and `httpx.Response` out, so the
clients, their callers and their errors stay httpx's, at about half the client's CPU per call.

Why: a simulated agency polls the axis twice a second for as long as it is under test, and at a province's
size the hosts make hundreds of thousands of calls; httpcore's asyncio stack (anyio, h11) cost 1.6 ms of CPU
per poll, this transport 0.65 ms, aiohttp alone 0.4-0.5 ms (benchmarks/RESULTS.md, eleventh session). Unit tests
that capture requests with respx keep the clients' default transport; the simulators pass this one.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import httpx

KEEPALIVE_SECONDS = 15.0
"""An idle connection is dropped after this; the simulators' servers keep theirs for 75 s, so a reused
connection is never one the server has just closed."""

_SKIPPED = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
"""aiohttp's own default headers: httpx sends none of them unless asked, and neither does this."""


def _timeout(request: httpx.Request) -> aiohttp.ClientTimeout:
    limits: dict[str, Any] = request.extensions.get("timeout") or {}
    connect, read, pool = limits.get("connect"), limits.get("read"), limits.get("pool")
    return aiohttp.ClientTimeout(total=None, connect=pool, sock_connect=connect, sock_read=read)


def _headers(request: httpx.Request) -> list[tuple[str, str]] | None:
    """The request's headers as sent, in order and repeated ones kept; Host and Content-Length are aiohttp's.
    aiohttp writes header text as UTF-8, so bytes that are not UTF-8 cannot cross it unchanged: None."""
    try:
        return [
            (name.decode("ascii"), value.decode("utf-8"))
            for name, value in request.headers.raw
            if name.lower() not in (b"host", b"content-length", b"transfer-encoding")
        ]
    except UnicodeDecodeError:
        return None


class AiohttpTransport(httpx.AsyncBaseTransport):
    """One aiohttp session per transport, made in the event loop of its first request (an aiohttp session
    belongs to one loop)."""

    def __init__(self, *, max_connections: int = 100) -> None:
        self.max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None
        self._fallback: httpx.AsyncHTTPTransport | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.max_connections, keepalive_timeout=KEEPALIVE_SECONDS, use_dns_cache=True
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,
                skip_auto_headers=_SKIPPED,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        headers = _headers(request)
        if headers is None:  # a header in another encoding (a client's quirk under test): httpx's own way
            self._fallback = self._fallback or httpx.AsyncHTTPTransport()
            response = await self._fallback.handle_async_request(request)
            try:
                await response.aread()
            finally:
                await response.aclose()
            return response
        session = self._open()
        body = request.content
        try:
            async with session.request(
                request.method,
                str(request.url),
                headers=headers,
                data=body if body else None,
                allow_redirects=False,
                timeout=_timeout(request),
                compress=None,
            ) as reply:
                content = await reply.read()
                return httpx.Response(
                    reply.status,
                    headers=list(reply.raw_headers),
                    content=content,
                    request=request,
                    extensions={"http_version": b"HTTP/1.1"},
                )
        except aiohttp.ConnectionTimeoutError as exc:
            raise httpx.ConnectTimeout(str(exc) or "connect timed out", request=request) from exc
        except aiohttp.SocketTimeoutError as exc:
            raise httpx.ReadTimeout(str(exc) or "read timed out", request=request) from exc
        except TimeoutError as exc:
            raise httpx.TimeoutException(str(exc) or "timed out", request=request) from exc
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, aiohttp.ClientResponseError) as exc:
            raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__, request=request) from exc
        except aiohttp.ClientOSError as exc:
            raise httpx.ReadError(str(exc), request=request) from exc
        except (aiohttp.ClientError, ValueError) as exc:  # ValueError: a header aiohttp refuses to write
            raise httpx.TransportError(str(exc) or type(exc).__name__, request=request) from exc

    async def aclose(self) -> None:
        fallback, self._fallback = self._fallback, None
        if fallback is not None:
            await fallback.aclose()
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()
            await asyncio.sleep(0)  # lets the connector close its sockets before the loop goes
