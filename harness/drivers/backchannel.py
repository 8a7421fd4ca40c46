"""The `backchannel` driver: a vendor's system that implements harness/backchannel/openapi.yaml."""

from __future__ import annotations

import time

from harness.backchannel import BackchannelClient, BackchannelError
from harness.backchannel.models import Action, ReceivedDocument, SendRequest, SentDocument
from harness.drivers.base import Attestation, Command, DriverError

REFUSALS = {
    "SECRET_DOCUMENT",
    "UNSUPPORTED_TYPE",
    "UNKNOWN_RECIPIENT",
    "INVALID_STATE",
    "NOT_FOUND",
    "BAD_REQUEST",
    "AXIS_ERROR",
}
"""Error codes that mean "the system said no" rather than "the driver broke"."""


class BackchannelDriver:
    name = "backchannel"

    def __init__(self, base_url: str, *, token: str | None = None, timeout: float = 60.0) -> None:
        self.base_url = base_url
        self.client = BackchannelClient(base_url, token=token, timeout=timeout)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"

    def start(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.client.health()
                return
            except BackchannelError as exc:
                if time.monotonic() > deadline:
                    raise DriverError(f"Backchannel {self.base_url} không trả lời: {exc.message_vi}") from exc
                time.sleep(0.2)

    def close(self) -> None:
        self.client.close()

    def _refused(self, exc: BackchannelError) -> Command:
        if exc.code not in REFUSALS:
            raise DriverError(f"Backchannel {self.base_url} lỗi {exc.status} {exc.code}: {exc.message_vi}") from exc
        return Command(False, refusal_code=exc.code, refusal_vi=exc.message_vi)

    def send_document(self, request: SendRequest) -> Command:
        try:
            result = self.client.send(request)
        except BackchannelError as exc:
            return self._refused(exc)
        return Command(True, document_id=result.document_id)

    def act(self, document_id: str, from_organ: str, action: Action, reason: str = "") -> Command:
        try:
            code = self.client.act(document_id, from_organ, action, reason)
        except BackchannelError as exc:
            return self._refused(exc)
        return Command(True, status_code=code)

    def recall(self, document_id: str, reason: str = "") -> Command:
        try:
            self.client.recall(document_id, reason)
        except BackchannelError as exc:
            return self._refused(exc)
        # A recall travels as a business-type-1 package, not as a status: no status code to report.
        return Command(True)

    def received(self, document_id: str | None = None, from_organ: str | None = None) -> list[ReceivedDocument] | None:
        try:
            return self.client.received(document_id, from_organ)
        except BackchannelError as exc:
            raise DriverError(f"Không đọc được sổ văn bản đến: {exc.message_vi}") from exc

    def sent(self) -> list[SentDocument] | None:
        try:
            return self.client.sent()
        except BackchannelError as exc:
            raise DriverError(f"Không đọc được sổ văn bản đi: {exc.message_vi}") from exc

    def attest(self, step_vi: str) -> Attestation | None:
        return None
