"""Document ids as the real axis returns them: 24 lowercase hex digits, time-ordered."""

from __future__ import annotations

import itertools
import os
import threading
import time

_counter = itertools.count(int.from_bytes(os.urandom(3), "big"))
_lock = threading.Lock()
_PROCESS = os.urandom(5)


def new_doc_id() -> str:
    """An ObjectId-shaped id: 4 bytes of seconds, 5 per-process random bytes, 3 bytes of counter."""
    with _lock:
        n = next(_counter) & 0xFFFFFF
    return (int(time.time()).to_bytes(4, "big") + _PROCESS + n.to_bytes(3, "big")).hex()
