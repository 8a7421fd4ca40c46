"""An axis with a body retention purges what it carried once every delivery is over, and nothing still owed
(issue 28, item 2: the simulators' disk must not grow with a province-sized trial)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from harness.edxml.builder import build
from harness.edxml.factory import new_document
from harness.transport.vxp import VxpClient, VxpError
from simulators.launcher import AxisProcess
from tests.axis.conftest import H41_00, H41_12, org, unique_number, wait_until
from tests.conftest import nghe_an_axis

SECRETS = {H41_00: "bi-mat-00", H41_12: "bi-mat-12"}
NAMES = {H41_00: "UBND tỉnh Nghệ An", H41_12: "Sở Thông tin và Truyền thông tỉnh Nghệ An"}


@pytest.fixture(scope="module")
def axis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AxisProcess]:
    state: Path = tmp_path_factory.mktemp("retention-axis")
    with nghe_an_axis(state, "Trục tỉnh (lưu 1 giây)", SECRETS, NAMES, body_retention_seconds=1.0) as process:
        yield process


def _bodies(axis: AxisProcess) -> dict[str, int]:
    with sqlite3.connect(axis.config.db_path) as db:
        return {doc_id: n for doc_id, n in db.execute("SELECT doc_id, length(body) FROM packages")}


def test_a_delivered_body_is_purged_after_retention_and_an_owed_one_is_kept(axis: AxisProcess) -> None:
    with (
        VxpClient(axis.endpoint, H41_00, SECRETS[H41_00]) as sender,
        VxpClient(axis.endpoint, H41_12, SECRETS[H41_12]) as receiver,
    ):
        data = [build(new_document(sender=org(H41_00), recipients=[org(H41_12)], number=unique_number())) for _ in "ab"]
        sent = [sender.send_edoc(d, sender=H41_00) for d in data]
        items = [i.doc_id for i in receiver.get_received_edoc_list()]
        assert len(items) == 2
        done, owed = items
        first = receiver.get_edoc(done)
        assert b"<edXML" in first or b"edXMLEnvelope" in first
        receiver.update_status(done, "done")

        purged = wait_until(
            lambda: [d for d, n in _bodies(axis).items() if n == 0] or None, timeout=10, what="a purged body"
        )
        assert len(purged) == 1 and purged[0] in sent
        time.sleep(1.5)  # past the retention of the other one too: still owed to its receiver, so still whole
        assert sorted(n > 1000 for n in _bodies(axis).values()) == [False, True]
        still = receiver.get_edoc(owed)
        assert b"<edXML" in still and len(still) > 1000

        with pytest.raises(VxpError) as refused:
            receiver.get_edoc(done)
        assert refused.value.reply.error_code == "404" and "het thoi han luu" in refused.value.reply.error_desc
        gone = httpx.get(f"{axis.config.control_url}/packages/{purged[0]}")
        assert gone.status_code == 410 and "hết thời hạn lưu" in gone.json()["error"]
        # The record of what was carried stays: the delivery is listed with its state.
        deliveries = httpx.get(f"{axis.config.control_url}/deliveries").json()
        assert {d["doc_id"]: d["state"] for d in deliveries} == {done: "done", owed: "initial"}
