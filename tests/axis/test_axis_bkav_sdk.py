"""Bkav's published client SDK (sdk-edoc's EdocService), unchanged, against a profile B axis process
(issue 27): the directory, a document and its status through the SDK's own response objects, and the
refusals it meets. The SDK's habits are on the wire: it appends a CRLF to every package, and its one
static HTTP client keeps the headers of the first request of the process (axis-protocol.md §4.1), so
each client program here is one JVM making one kind of call, as a vendor's program must; one test
shows what happens when a program does not. Skipped, saying why, without the SDK's sources, a JDK or
its libraries (`tests/axis/bkav_sdk.py`).
"""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.edxml import build
from harness.edxml import model as m
from harness.edxml.factory import new_document, organization, status_for
from harness.edxml.parser import parse_package
from simulators.launcher import AxisProcess
from tests.axis.bkav_sdk import bkav_sdk_classpath, bkav_sdk_process
from tests.axis.conftest import wait_until
from tests.axis.real_sdk import JavaSdk
from tests.conftest import nghe_an_axis

pytestmark = pytest.mark.slow  # a JVM per client program: over ten seconds

H41_00, H41_12 = "000.00.00.H41", "000.00.12.H41"
SECRETS = {H41_00: "sdk-token-ubnd", H41_12: "sdk-token-stttt"}
NAMES = {H41_00: "UBND tỉnh Nghệ An", H41_12: "Sở Thông tin và Truyền thông tỉnh Nghệ An"}
_numbers = itertools.count(700)
_names = itertools.count(1)


@pytest.fixture(scope="module")
def classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    return bkav_sdk_classpath(tmp_path_factory.mktemp("bkav-sdk"))


@pytest.fixture(scope="module")
def axis(classpath: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AxisProcess]:
    state = tmp_path_factory.mktemp("bkav-sdk-axis")
    with nghe_an_axis(state, "Trục liên thông tỉnh Nghệ An (Bkav)", SECRETS, NAMES, protocol="bkav") as process:
        yield process


class SdkOrgan:
    """One organisation's document system built on the SDK; each call runs as its own client program."""

    def __init__(self, classpath: str, axis: AxisProcess, organ: str, work: Path, token: str | None = None) -> None:
        self.classpath, self.organ, self.work = classpath, organ, work
        self.endpoint = f"http://{axis.config.host}:{axis.config.port}/EdocService"
        self.token = SECRETS[organ] if token is None else token
        self.store = work / organ

    def open(self, sdk: JavaSdk) -> str:
        name = f"{self.organ}#{next(_names)}"
        opened = {"endpoint": self.endpoint, "organId": self.organ, "token": self.token, "store": str(self.store)}
        sdk.request({"op": "open", "client": name, **opened})
        return name

    def calls(self, *steps: tuple[str, dict[str, Any], dict[str, str]]) -> list[dict[str, Any] | None]:
        """Several calls in one client program (one JVM, one EdocService object): the SDK's result of each."""
        out: list[dict[str, Any] | None] = []
        with bkav_sdk_process(self.classpath, self.work / f"{self.organ}-{next(_names)}.log") as sdk:
            name = self.open(sdk)
            for op, request, extra in steps:
                reply = sdk.request({"op": op, "client": name, "request": json.dumps(request), **extra})
                out.append(reply.get("result"))
        return out

    def call(self, op: str, request: dict[str, Any] | None = None, **extra: str) -> dict[str, Any]:
        """One call in a client program of its own."""
        result = self.calls((op, request or {}, extra))[0]
        assert isinstance(result, dict), f"the SDK returned {result!r} for {op}"
        return result

    def send(self, data: bytes, kind: str = "EDOC") -> dict[str, Any]:
        path = self.work / f"{self.organ}-{next(_names)}.edxml"
        path.write_bytes(data)
        return self.call("sendDocument", {"type": kind}, file=str(path))

    def pending(self, kind: str = "EDOC") -> list[int]:
        result = self.call("getPendingDocIds", {"type": kind})
        assert (result["status"], result["code"]) == ("Success", "0"), result
        return [int(x) for x in result.get("docIDs") or []]


@pytest.fixture(scope="module")
def organs(classpath: str, axis: AxisProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, SdkOrgan]:
    work = tmp_path_factory.mktemp("bkav-sdk-work")
    return {organ: SdkOrgan(classpath, axis, organ, work) for organ in (H41_00, H41_12)}


def document(sender: str, recipients: list[str]) -> m.EdocPackage:
    return new_document(
        sender=organization(sender, NAMES[sender]),
        recipients=[organization(r, NAMES[r]) for r in recipients],
        number=str(next(_numbers)),
    )


def test_the_sdk_reads_the_directory(organs: dict[str, SdkOrgan]) -> None:
    result = organs[H41_00].call("getOrganization", organId=H41_12)
    assert (result["status"], result["code"]) == ("Success", "0"), result
    assert [(o["organId"], o["organName"]) for o in result["organizations"]] == [(H41_12, NAMES[H41_12])]


def test_a_document_and_its_status_travel_between_two_sdk_clients(organs: dict[str, SdkOrgan]) -> None:
    sender, receiver = organs[H41_00], organs[H41_12]
    package = document(H41_00, [H41_12])
    sent = sender.send(build(package))
    assert (sent["status"], sent["code"]) == ("Success", "0") and int(sent["docId"]) > 0, sent
    ids = wait_until(lambda: receiver.pending() or None, what="the document in the receiver's pending ids")
    got = receiver.call("getDocument", {"docId": str(ids[0]), "type": "EDOC"})
    assert (got["status"], got["code"]) == ("Success", "0"), got
    fetched = parse_package(base64.b64decode(got["data"]), strict=False)
    assert isinstance(fetched, m.EdocPackage) and fetched.document_id == package.document_id
    stored = list(receiver.store.rglob(f"*{H41_12}_{ids[0]}.edxml"))
    assert len(stored) == 1  # the SDK wrote the package where its getDocument keeps them
    confirmed = receiver.call("confirmReceived", {"docId": str(ids[0])})
    assert (confirmed["status"], confirmed["code"]) == ("Success", "0"), confirmed
    assert ids[0] not in receiver.pending()
    # The status back: the receiver's header map still holds docId and type EDOC from the calls above.
    status = receiver.send(build(status_for(package, organization(H41_12, NAMES[H41_12]), "01")), kind="STATUS")
    assert (status["status"], status["code"]) == ("Success", "0"), status
    back = wait_until(lambda: sender.pending("STATUS") or None, what="status 01 at the sender")
    got = sender.call("getDocument", {"docId": str(back[0]), "type": "STATUS"})
    reply = parse_package(base64.b64decode(got["data"]), strict=False)
    assert isinstance(reply, m.StatusPackage) and reply.status_code == "01"
    assert sender.call("confirmReceived", {"docId": str(back[0])})["code"] == "0"


def test_the_sdk_meets_the_real_refusals(classpath: str, axis: AxisProcess, organs: dict[str, SdkOrgan]) -> None:
    """A wrong token (the SDK sees refusals only on POST calls), a duplicate new document, an unknown docId."""
    intruder = SdkOrgan(classpath, axis, H41_00, organs[H41_00].work, token="not-the-token")
    refused = intruder.call("confirmReceived", {"docId": "1"})
    assert refused["status"] == "False" and "Unauthorized" in json.dumps(refused["errors"]), refused
    data = build(document(H41_00, [H41_12]))
    assert organs[H41_00].send(data)["code"] == "0"
    again = organs[H41_00].send(data)
    assert again["status"] != "Success" and "ExistDoc" in json.dumps(again["errors"]), again
    unknown = organs[H41_12].call("getDocument", {"docId": "999999", "type": "EDOC"})
    assert unknown["status"] != "Success" and unknown.get("data") is None, unknown


def test_one_program_calling_twice_keeps_its_first_headers(organs: dict[str, SdkOrgan]) -> None:
    """The SDK's defect, as the axis sees it: after a first call without `docId`, the same program's
    confirmReceived of a document waiting for it goes out without the header, and the axis refuses it
    as Bkav's server does; confirmed from a program of its own, it succeeds."""
    receiver = organs[H41_12]
    assert organs[H41_00].send(build(document(H41_00, [H41_12])))["code"] == "0"
    waiting = wait_until(lambda: receiver.pending() or None, what="a document waiting for the receiver")[0]
    first, second = receiver.calls(
        ("getOrganization", {}, {"organId": H41_12}), ("confirmReceived", {"docId": str(waiting)}, {})
    )
    assert first is not None and first["code"] == "0"
    assert second is not None and second["status"] == "Error" and "DocID" in json.dumps(second["errors"]), second
    assert waiting in receiver.pending()
    assert receiver.call("confirmReceived", {"docId": str(waiting)})["code"] == "0"
    assert waiting not in receiver.pending()
