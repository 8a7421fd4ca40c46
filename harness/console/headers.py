"""Security headers on every response of the console, pages, static files and downloads alike.

The pages use no inline script or style (scripts are files under /tinh/), so the policy allows only the
console's own origin; nothing may frame a page (clickjacking the answer or run forms); no response is
sniffed into another type; a verification code in an address never leaks through Referer. Behind TLS
(`https_only`) browsers are also told to keep to HTTPS. A response to a request whose body was refused
part-read closes the connection: otherwise the server would go on reading (and discarding) gigabytes.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from harness.console.forms import UNREAD_BODY

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, https_only: bool = False) -> None:
        self.app = app
        self.extra = (*HEADERS, HSTS) if https_only else HEADERS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                added = [(n, v) for n, v in self.extra if n not in names]
                if scope.get(UNREAD_BODY) and b"connection" not in names:
                    added.append((b"connection", b"close"))
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, with_headers)
