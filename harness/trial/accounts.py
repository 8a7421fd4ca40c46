"""Console accounts and who may see what: the ICT department's administrators see everything; an agency
account sees its own agency, a vendor account the agencies whose system it supplies. Accounts come from the
roster (one per agency, one per vendor); passwords are stored as argon2id hashes (argon2-cffi), never in clear.
A password a person chose is hashed with argon2-cffi's default (RFC 9106) cost; one this module drew itself (96
random bits) with a light one, since a slow hash adds nothing against guessing 2^96 values, and the first login
upgrades it to the default cost like any outdated hash (a roster import hashed about forty passwords at 0.3 s of
CPU each).

Every refused access is written to the `audit` table (who, what, when) so the department can see who tried.
"""

from __future__ import annotations

import functools
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, insert, select, update

from harness.edxml.formats import now_ict
from harness.trial.store import CampaignStore, StoreError
from harness.trial.tables import account_agencies_table, accounts_table, audit_table, sessions_table

ADMIN, AGENCY, VENDOR = "admin", "agency", "vendor"
ROLES = (ADMIN, AGENCY, VENDOR)
ROLE_VI = {ADMIN: "Quản trị (Sở TT&TT)", AGENCY: "Cơ quan", VENDOR: "Nhà cung cấp"}
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}\Z")
MIN_PASSWORD = 10

_hasher = PasswordHasher()
_drawn_hasher = PasswordHasher(time_cost=1, memory_cost=4096, parallelism=1)
"""For `GeneratedPassword`s only: argon2id at 4 MiB and one pass (about 5 ms against 300)."""


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so a wrong username costs as long as a wrong password
    (made on the first login, not by every process that imports this module)."""
    return _hasher.hash("lienthong-dummy-password")


class GeneratedPassword(str):
    """A password drawn by `new_password` (96 random bits), which may be stored with the light hash."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Account:
    username: str
    role: str
    display_name: str
    agencies: frozenset[str] = field(default_factory=frozenset)
    disabled: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def role_vi(self) -> str:
        return ROLE_VI.get(self.role, self.role)

    def may_see(self, organ_id: str) -> bool:
        return self.is_admin or organ_id in self.agencies

    def may_answer(self, organ_id: str) -> bool:
        """Only the agency's own accounts answer its clerk tasks (an administrator may too): a
        vendor sees them read-only, else it could attest its own client's RT-11."""
        return self.is_admin or (self.role == AGENCY and organ_id in self.agencies)


@dataclass(frozen=True, slots=True)
class NewAccount:
    """An account just created, with its one-time clear password (printed or written once, never stored)."""

    account: Account
    password: str


def new_password() -> GeneratedPassword:
    return GeneratedPassword(secrets.token_urlsafe(12))


def vendor_username(vendor: str) -> str:
    """ "Công ty CP Phần mềm Sao Mai" -> "ncc-cong-ty-cp-phan-mem-sao-mai" (ASCII, for typing at a login)."""
    ascii_text = unicodedata.normalize("NFKD", vendor.replace("đ", "d").replace("Đ", "D"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return ("ncc-" + slug)[:64].rstrip("-") or "ncc"


class AccountStore:
    def __init__(self, store: CampaignStore) -> None:
        self.store = store

    def create(
        self,
        username: str,
        password: str,
        *,
        role: str,
        display_name: str = "",
        agencies: Iterable[str] = (),
        replace: bool = False,
    ) -> Account:
        """Create (or with `replace`, reset) an account. Raises StoreError (Vietnamese) on a bad name, role or
        password, or when the account exists and `replace` is not set. Only a `GeneratedPassword` gets the light
        hash; any other string is treated as chosen by a person."""
        if not USERNAME_RE.match(username):
            raise StoreError(
                f"Tên đăng nhập {username!r} không hợp lệ (2–64 ký tự: chữ không dấu, số, dấu chấm, gạch, @)."
            )
        if role not in ROLES:
            raise StoreError(f"Vai trò {role!r} không hợp lệ: dùng {', '.join(ROLES)}.")
        if len(password) < MIN_PASSWORD:
            raise StoreError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
        wanted = sorted(set(agencies))
        if role != ADMIN and not wanted:
            raise StoreError("Tài khoản cơ quan hoặc nhà cung cấp phải gắn với ít nhất một cơ quan.")
        roster = {a.organ_id for a in self.store.roster()}
        unknown = [a for a in wanted if a not in roster]
        if unknown:
            raise StoreError(f"Không có trong danh sách chạy thử: {', '.join(unknown)}.")
        values = {
            "username": username,
            "password_hash": (_drawn_hasher if isinstance(password, GeneratedPassword) else _hasher).hash(password),
            "role": role,
            "display_name": display_name or username,
            "created_at": now_ict(),
            "disabled": False,
        }
        with self.store.tx() as conn:
            held = conn.execute(select(accounts_table.c.username).where(accounts_table.c.username == username)).first()
            if held is not None and not replace:
                raise StoreError(f"Tài khoản {username} đã có.")
            if held is not None:
                conn.execute(delete(accounts_table).where(accounts_table.c.username == username))
                # A new password ends every session opened with the old one.
                conn.execute(delete(sessions_table).where(sessions_table.c.username == username))
            conn.execute(delete(account_agencies_table).where(account_agencies_table.c.username == username))
            conn.execute(insert(accounts_table).values(**values))
            for organ_id in wanted:
                conn.execute(insert(account_agencies_table).values(username=username, organ_id=organ_id))
        account = self.get(username)
        assert account is not None
        return account

    def get(self, username: str) -> Account | None:
        with self.store.tx() as conn:
            row = conn.execute(select(accounts_table).where(accounts_table.c.username == username)).first()
            if row is None:
                return None
            organs = conn.execute(
                select(account_agencies_table.c.organ_id).where(account_agencies_table.c.username == username)
            ).scalars()
            agencies = frozenset(organs)
        return Account(row.username, row.role, row.display_name, agencies, bool(row.disabled))

    def accounts(self) -> list[Account]:
        with self.store.tx() as conn:
            names = conn.execute(select(accounts_table.c.username).order_by(accounts_table.c.username)).scalars()
            usernames = list(names)
        return [a for a in (self.get(u) for u in usernames) if a is not None]

    def authenticate(self, username: str, password: str) -> Account | None:
        """The account when the password matches and the account is enabled; None otherwise (same cost)."""
        with self.store.tx() as conn:
            row = conn.execute(
                select(accounts_table.c.password_hash, accounts_table.c.disabled).where(
                    accounts_table.c.username == username
                )
            ).first()
        stored = row.password_hash if row is not None else _dummy_hash()
        try:
            _hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None or row.disabled:
            return None
        if _hasher.check_needs_rehash(stored):
            with self.store.tx() as conn:
                conn.execute(
                    update(accounts_table)
                    .where(accounts_table.c.username == username)
                    .values(password_hash=_hasher.hash(password))
                )
        return self.get(username)

    def from_roster(self) -> list[NewAccount]:
        """One account per roster agency (username = its identifier) and one per vendor (`ncc-...`), for those
        not created yet; a vendor account that exists gets the vendor's agencies added. Returns the new ones
        with their passwords."""
        created: list[NewAccount] = []
        roster = self.store.roster()
        by_vendor: dict[str, list[str]] = {}
        for agency in roster:
            if agency.vendor.strip():
                by_vendor.setdefault(agency.vendor.strip(), []).append(agency.organ_id)
            if self.get(agency.organ_id) is None:
                password = new_password()
                account = self.create(
                    agency.organ_id, password, role=AGENCY, display_name=agency.name, agencies=[agency.organ_id]
                )
                created.append(NewAccount(account, password))
        for vendor, organs in by_vendor.items():
            username = vendor_username(vendor)
            held = self.get(username)
            if held is None:
                password = new_password()
                account = self.create(username, password, role=VENDOR, display_name=vendor, agencies=organs)
                created.append(NewAccount(account, password))
            elif held.role == VENDOR and not set(organs) <= held.agencies:
                with self.store.tx() as conn:
                    for organ_id in set(organs) - held.agencies:
                        conn.execute(insert(account_agencies_table).values(username=username, organ_id=organ_id))
        return created

    # -- audit ---------------------------------------------------------------------------------------------------

    def audit(self, username: str, action: str, target: str, detail: str = "") -> None:
        """Log an access the console refused (or another event worth keeping)."""
        values = {
            "at": now_ict(),
            "username": username or "-",
            "action": action[:32],
            "target": target[:2000],
            "detail": detail[:2000],
        }
        with self.store.tx() as conn:
            conn.execute(insert(audit_table).values(**values))

    def audit_log(self, limit: int = 200) -> list[tuple[datetime, str, str, str, str]]:
        t = audit_table
        with self.store.tx() as conn:
            rows = conn.execute(
                select(t.c.at, t.c.username, t.c.action, t.c.target, t.c.detail).order_by(t.c.id.desc()).limit(limit)
            ).all()
        return [(r.at, r.username, r.action, r.target, r.detail) for r in rows]
