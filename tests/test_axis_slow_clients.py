"""Slow clients and connection floods do not deny service (issue 24, item 4).

One client address holds a thousand connections, each with half a request line: the axis keeps
at most its per-client cap of them, closes each at the header deadline, journals what it
refused, and every other agency's exchange goes on meanwhile.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.edxml import build
from harness.edxml.factory import new_document, organization
from harness.transport.vxp import VxpClient
from simulators.launcher import AxisProcess
from tests.conftest import nghe_an_axis

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

SENDER, RECEIVER = "000.00.00.H41", "000.00.12.H41"
SECRETS = {SENDER: "slow-test-sender", RECEIVER: "slow-test-receiver"}
HEADER_TIMEOUT = 3.0
PER_CLIENT = 32
ATTACKER = "127.0.0.2"
"""Another loopback address: the honest clients (127.0.0.1) are not the flooding one."""


@pytest.fixture(scope="module")
def axis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AxisProcess]:
    state: Path = tmp_path_factory.mktemp("slow-axis")
    names = {SENDER: "UBND tỉnh Nghệ An", RECEIVER: "Sở TT&TT"}
    with nghe_an_axis(
        state,
        "Trục tỉnh (thử kết nối chậm)",
        SECRETS,
        names,
        header_timeout_seconds=HEADER_TIMEOUT,
        body_idle_seconds=HEADER_TIMEOUT,
        max_connections_per_client=PER_CLIENT,
    ) as process:
        yield process


def hold(port: int, count: int) -> list[socket.socket]:
    """`count` connections from the attacker's address, each with half a request line sent."""
    held = []
    for _ in range(count):
        s = socket.socket()
        s.bind((ATTACKER, 0))
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(b"POST /XrdAdapter/adapter/getRecei")
        except OSError:
            s.close()
            continue
        held.append(s)
    return held


def closed_by_server(s: socket.socket) -> bool:
    s.settimeout(0.05)
    try:
        return s.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def cycle(axis: AxisProcess, number: str) -> float:
    """Send, list, fetch and acknowledge one document; the seconds it took."""
    started = time.monotonic()
    doc = new_document(
        sender=organization(SENDER, "UBND tỉnh Nghệ An"), recipients=[organization(RECEIVER, "Sở")], number=number
    )
    with (
        VxpClient(axis.endpoint, SENDER, SECRETS[SENDER], timeout=10) as a,
        VxpClient(axis.endpoint, RECEIVER, SECRETS[RECEIVER], timeout=10) as b,
    ):
        a.send_edoc(build(doc), sender=SENDER)
        [item] = b.get_received_edoc_list()
        assert b.get_edoc(item.doc_id).startswith(b"<?xml")
        b.update_status(item.doc_id, "done")
    return time.monotonic() - started


def read_response(s: socket.socket) -> bytes:
    """One whole HTTP response (headers, then the body its Content-Length announces)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lengths = [int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
    length = lengths[0] if lengths else 0
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def journal(axis: AxisProcess) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = httpx.get(axis.control_url + "/journal", params={"operation": "connection"}).json()
    return rows


def test_a_thousand_slow_connections_do_not_deny_service(axis: AxisProcess) -> None:
    held = hold(axis.config.port, 1000)
    try:
        assert len(held) == 1000, "the client side opened every connection"
        took = cycle(axis, "S1")
        assert took < HEADER_TIMEOUT, f"a valid cycle took {took:.2f} s while the flood was held"
        time.sleep(0.3)
        refused = [s for s in held if closed_by_server(s)]
        assert len(refused) >= 1000 - PER_CLIENT, "beyond the per-client cap, connections are closed at once"
        rows = journal(axis)
        capped = [r for r in rows if r["error_code"] == "429"]
        assert len(capped) >= 1000 - PER_CLIENT
        assert all(r["remote"] == ATTACKER and r["status"] == "FAIL" for r in capped)
        assert capped[0]["error_desc"] == f"Qua nhieu ket noi dong thoi tu {ATTACKER} (toi da {PER_CLIENT})"
        # At the header deadline the ones it kept are cut too, and journalled.
        time.sleep(HEADER_TIMEOUT + 0.5)
        assert all(closed_by_server(s) for s in held)
        slow = [r for r in journal(axis) if r["error_code"] == "408"]
        assert len(slow) >= PER_CLIENT - 1 and all(r["remote"] == ATTACKER for r in slow)
        assert cycle(axis, "S2") < HEADER_TIMEOUT
    finally:
        for s in held:
            s.close()


def test_a_body_that_stalls_is_refused_and_journalled(axis: AxisProcess) -> None:
    with VxpClient(axis.endpoint, SENDER, SECRETS[SENDER]) as client:
        req = client.protocol.get_received_edoc_list()
    head = [f"POST {httpx.URL(req.url).raw_path.decode()} HTTP/1.1", "Host: x", "Content-Length: 100"]
    head += [f"{k}: {v.decode()}" for k, v in req.headers.items()]
    with socket.create_connection(("127.0.0.1", axis.config.port), timeout=HEADER_TIMEOUT * 4) as s:
        s.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + b"{")
        reply = read_response(s)
    assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
    assert b'"ErrorCode":"400"' in reply and b"Noi dung gui qua cham" in reply
    rows = httpx.get(axis.control_url + "/journal", params={"operation": "getReceivedEdocList"}).json()
    assert rows[-1]["status"] == "FAIL" and rows[-1]["error_desc"].startswith("Noi dung gui qua cham")
