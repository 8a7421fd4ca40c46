"""The backchannel: the small HTTP contract a document system implements so the harness can make
it act (send, accept, reject, ...) and ask what it holds. `openapi.yaml` is the contract."""

from harness.backchannel.client import BackchannelClient
from harness.backchannel.models import (
    ACTION_STATUS,
    Action,
    BackchannelError,
    ErrorCode,
    ReceivedDocument,
    SendRequest,
    SendResult,
    SentDocument,
    StatusEntry,
    SystemInfo,
)

__all__ = [
    "ACTION_STATUS",
    "Action",
    "BackchannelClient",
    "BackchannelError",
    "ErrorCode",
    "ReceivedDocument",
    "SendRequest",
    "SendResult",
    "SentDocument",
    "StatusEntry",
    "SystemInfo",
]
