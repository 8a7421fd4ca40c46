"""The VNPT VXP adapter protocol (axis-protocol.md §2): signing, request building, clients."""

from harness.transport.vxp.client import AsyncVxpClient, VxpClient
from harness.transport.vxp.models import ReceivedItem, Reply, SentItem, VxpError
from harness.transport.vxp.protocol import PreparedRequest, Protocol, Quirks
from harness.transport.vxp.wire import DeliveryStatus, ErrorCode, MessageType, Operation

__all__ = [
    "AsyncVxpClient",
    "DeliveryStatus",
    "ErrorCode",
    "MessageType",
    "Operation",
    "PreparedRequest",
    "Protocol",
    "Quirks",
    "ReceivedItem",
    "Reply",
    "SentItem",
    "VxpClient",
    "VxpError",
]
