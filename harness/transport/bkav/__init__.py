"""Bkav's EdocService REST protocol (axis-protocol.md §4): the wire, sync and async clients."""

from harness.transport.bkav.client import AsyncBkavClient, BkavClient
from harness.transport.bkav.wire import BkavError, Kind, Operation, Pending, PreparedRequest, Protocol, Reply

__all__ = [
    "AsyncBkavClient",
    "BkavClient",
    "BkavError",
    "Kind",
    "Operation",
    "Pending",
    "PreparedRequest",
    "Protocol",
    "Reply",
]
