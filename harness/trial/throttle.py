"""Login throttling, per account and per client address, kept in the campaign store (every console process
on it agrees).

Failures within `window` count. Past `account_free` failures for one account, each further try must wait
`2^(n - account_free)` seconds after the last failure, at most `account_cap` (one minute by default): a
guesser gets about one try a minute, and an attacker who knows the administrator's name can delay them by a
minute at worst, never lock them out. Past `address_free` failures from one address (any accounts), the wait
grows the same way up to `address_cap` (15 minutes): that is what stops a spray of names from one machine.
A refused (throttled) try is not checked and not counted, so hammering does not lengthen the wait; a
successful login clears the account's failures (not the address's: logging in to one's own account between
guesses at others does not reset the count).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select

from harness.edxml.formats import now_ict
from harness.trial.store import CampaignStore
from harness.trial.tables import login_failures_table


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    window: float = 15 * 60
    account_free: int = 5
    account_cap: float = 60
    address_free: int = 10
    address_cap: float = 15 * 60


def _wait(failures: int, free: int, cap: float) -> float:
    if failures < free:
        return 0.0
    return float(min(cap, 2 ** min(failures - free, 30)))


class LoginThrottle:
    def __init__(
        self, store: CampaignStore, policy: ThrottlePolicy | None = None, *, clock: Callable[[], datetime] = now_ict
    ) -> None:
        self.store = store
        self.policy = policy or ThrottlePolicy()
        self.clock = clock

    def _count(self, column: str, value: str, since: datetime) -> tuple[int, datetime | None]:
        t = login_failures_table
        with self.store.tx() as conn:
            row = conn.execute(
                select(func.count(), func.max(t.c.at)).where(t.c[column] == value, t.c.at >= since)
            ).first()
        if row is None or not row[0]:
            return 0, None
        last = row[1]
        return int(row[0]), last

    def wait_seconds(self, username: str, address: str) -> float:
        """How long this account from this address must still wait before a try is checked (0: go ahead)."""
        now = self.clock()
        since = now - timedelta(seconds=self.policy.window)
        waits = [0.0]
        for column, value, free, cap in (
            ("username", username, self.policy.account_free, self.policy.account_cap),
            ("address", address, self.policy.address_free, self.policy.address_cap),
        ):
            count, last = self._count(column, value[:128], since)
            if last is not None:
                wait = _wait(count, free, cap)
                waits.append(wait - (now - last).total_seconds())
        return max(waits)

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        t = login_failures_table
        with self.store.tx() as conn:
            conn.execute(delete(t).where(t.c.at < now - timedelta(seconds=self.policy.window)))
            conn.execute(insert(t).values(at=now, username=username[:128], address=address[:64]))

    def succeeded(self, username: str) -> None:
        t = login_failures_table
        with self.store.tx() as conn:
            conn.execute(delete(t).where(t.c.username == username[:128]))
