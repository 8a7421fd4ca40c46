"""The harness' control-plane client (AxisWatch), shared by every scenario thread of a run."""

from __future__ import annotations

import threading

import httpx
import pytest
import respx

from harness.transport.sim_control import AxisWatch, ControlPlaneError

URL = "http://127.0.0.1:9/_sim"


@respx.mock
def test_a_read_that_fails_in_transport_is_asked_once_more() -> None:
    """The flake this fixes: a 32-thread mutation-matrix run once lost a scenario to one
    "[Errno 9] Bad file descriptor" on GET /_sim/journal."""
    route = respx.get("http://127.0.0.1:9/_sim/journal").mock(
        side_effect=[httpx.ReadError("[Errno 9] Bad file descriptor"), httpx.Response(200, json=[{"id": 7}])]
    )
    watch = AxisWatch(URL)
    assert watch.last_journal_id() == 7
    assert route.call_count == 2
    watch.close()


@respx.mock
def test_a_read_failing_twice_is_a_control_plane_error() -> None:
    respx.get("http://127.0.0.1:9/_sim/journal").mock(side_effect=httpx.ReadError("gone"))
    with pytest.raises(ControlPlaneError, match="Không gọi được"):
        AxisWatch(URL).last_journal_id()


@respx.mock
def test_a_write_is_not_sent_twice() -> None:
    route = respx.post("http://127.0.0.1:9/_sim/faults").mock(side_effect=httpx.ReadError("reset"))
    with pytest.raises(ControlPlaneError):
        AxisWatch(URL).add_fault(kind="error")
    assert route.call_count == 1


@respx.mock
def test_removing_a_fault_twice_is_fine_but_other_errors_are_not() -> None:
    respx.delete("http://127.0.0.1:9/_sim/faults/3").mock(return_value=httpx.Response(404, json={"removed": False}))
    respx.delete("http://127.0.0.1:9/_sim/faults/4").mock(return_value=httpx.Response(403, json={}))
    watch = AxisWatch(URL)
    watch.remove_fault(3)
    with pytest.raises(ControlPlaneError, match="403"):
        watch.remove_fault(4)


@respx.mock
def test_threads_calling_at_once_each_hold_their_own_client() -> None:
    """Eight threads inside a call at the same moment: eight clients, kept for reuse afterwards."""
    barrier = threading.Barrier(8, timeout=10)

    def answer(request: httpx.Request) -> httpx.Response:
        barrier.wait()
        return httpx.Response(200, json={"ok": True})

    respx.get("http://127.0.0.1:9/_sim/health").mock(side_effect=answer)
    watch = AxisWatch(URL)
    threads = [threading.Thread(target=watch.health) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(watch._idle) == 8
    assert len({id(c) for c in watch._idle}) == 8
    barrier.reset()
    respx.get("http://127.0.0.1:9/_sim/health").mock(return_value=httpx.Response(200, json={"ok": True}))
    watch.health()
    assert len(watch._idle) == 8
    watch.close()
    assert watch._idle == []
