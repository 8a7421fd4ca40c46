"""The VNPT VXP request-signing scheme (axis-protocol.md §2.2), shared by client and server.

Every parameter travels as an `XroadVnpt-<name>` header. The client signs a chosen set of them:
`sign-header-key` lists the names, `sign-header` is a compact JSON object of the prefixed names
and values, and `hash-header` is the lowercase hex HMAC-SHA256 of the raw `sign-header` string
under the shared secret. The server recomputes the HMAC over the raw string it received (never a
re-serialisation) and checks each signed header against the JSON value.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from harness.errors import LienthongError

PREFIX = "XroadVnpt-"
SIGN_HEADER_KEY = "sign-header-key"
SIGN_HEADER = "sign-header"
HASH_HEADER = "hash-header"
VERSION = "3.0.201608"
USER_AGENT = "JAVASDKAgent/1.0.0 XRoad/VPCP"
TIMESTAMP_FORMAT = "%d%m%Y" + "T" + "%H%M%S"


def java_timestamp(now: datetime) -> str:
    """`ddMMyyyy'T'HHmmss+SSSS`: the SDK's format, where SSSS is milliseconds, not a zone."""
    return f"{now.strftime(TIMESTAMP_FORMAT)}+{now.microsecond // 1000:04d}"


def parse_java_timestamp(value: str) -> datetime | None:
    """The inverse of `java_timestamp` (naive local time), or None when it does not parse."""
    head, sep, millis = value.partition("+")
    if not sep or not millis.isdigit() or len(millis) != 4:
        return None
    try:
        parsed = datetime.strptime(head, TIMESTAMP_FORMAT)
    except ValueError:
        return None
    return parsed.replace(microsecond=int(millis) * 1000)


def hash_file(data: bytes, *, padded: bool = False) -> str:
    """SHA-256 hex of a file; the SDK drops leading zeros of each byte (`Integer.toHexString`)."""
    digest = hashlib.sha256(data).digest()
    if padded:
        return digest.hex()
    return "".join(format(b, "x") for b in digest)


def hash_file_matches(value: str, data: bytes) -> bool:
    """True when `value` is the SDK's unpadded or the proper hex SHA-256 of `data`."""
    return digest_matches(value, hashlib.sha256(data).digest())


def digest_matches(value: str, digest: bytes) -> bool:
    """`hash_file_matches` for a SHA-256 already computed (the axis keeps it for replay checks)."""
    v = value.strip().lower().encode("utf-8")
    unpadded = "".join(format(b, "x") for b in digest).encode("ascii")
    return hmac.compare_digest(v, unpadded) or hmac.compare_digest(v, digest.hex().encode("ascii"))


def hmac_hex(secret: str, message: str) -> str:
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def _java_string_hash(s: str) -> int:
    """`String.hashCode()`: over UTF-16 code units, in 32-bit arithmetic."""
    units = s.encode("utf-16-le")
    h = 0
    for i in range(0, len(units), 2):
        h = (31 * h + units[i] + (units[i + 1] << 8)) & 0xFFFFFFFF
    return h


def java_hashmap_order(keys: Iterable[str]) -> list[str]:
    """Iteration order of a `java.util.HashMap` holding `keys` (inserted in the given order).

    The SDK signs its header map in this order; reproducing it lets tests replay byte-identical
    requests (it gives `systemid;servicetype;messagetype;hash-file;from;to;timestamp;Content-Type`
    for the captured sendEdoc).
    """
    return list(_hashmap_order(tuple(dict.fromkeys(keys))))


@lru_cache(maxsize=1024)
def _hashmap_order(ordered: tuple[str, ...]) -> tuple[str, ...]:
    size = 16
    while len(ordered) > 0.75 * size:
        size *= 2

    def bucket(k: str) -> int:
        h = _java_string_hash(k)
        return (h ^ (h >> 16)) & (size - 1)

    return tuple(sorted(ordered, key=lambda k: (bucket(k), ordered.index(k))))


def sign(secret: str, params: Mapping[str, str], order: Iterable[str] | None = None) -> dict[str, str]:
    """Every `XroadVnpt-*` header of a signed request, signatures included.

    `params` are the unprefixed names and values, all of which are signed; `order` chooses the
    order of the signed names (Java HashMap order by default, as the SDK does).
    """
    names = list(order) if order is not None else java_hashmap_order(params)
    sign_header = json.dumps({PREFIX + n: params[n] for n in names}, separators=(",", ":"), ensure_ascii=True)
    headers = {PREFIX + n: params[n] for n in params}
    headers[PREFIX + SIGN_HEADER_KEY] = ";".join(names)
    headers[PREFIX + SIGN_HEADER] = sign_header
    headers[PREFIX + HASH_HEADER] = hmac_hex(secret, sign_header)
    return headers


class AuthError(LienthongError):
    """Why a request's signature does not hold; `reason` is ASCII Vietnamese (it goes into ErrorDesc)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """The signed parameters of a request, by lowercase unprefixed name.

    `spellings` keeps each signed value under the exact name the client signed: the Java SDK
    never clears its header map, so a client that writes `docId` for one call and `docid` for
    another signs both spellings, with different values, on every later call.
    """

    params: dict[str, str]
    signed: frozenset[str]
    spellings: dict[str, dict[str, str]] = field(default_factory=dict)

    def get(self, name: str, prefer: str | None = None) -> str | None:
        """The value of `name`; of several signed spellings, `prefer`'s, else `name`'s exact one."""
        variants = self.spellings.get(name.lower())
        if variants:
            for spelling in (prefer, name):
                if spelling is not None and spelling in variants:
                    return variants[spelling]
            return next(iter(variants.values()))
        return self.params.get(name.lower())

    def values(self, name: str) -> list[str]:
        """Every distinct signed value of `name`, whatever its spelling."""
        variants = list((self.spellings.get(name.lower()) or {}).values())
        plain = self.params.get(name.lower())
        return list(dict.fromkeys(variants + ([plain] if plain is not None else [])))


def _wire_value(value: str) -> str:
    """Header values arrive as latin-1 text; a UTF-8 client's bytes are recovered when possible."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def read_header_values(headers: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Every value of every `XroadVnpt-*` header by lowercase unprefixed name, in arrival order."""
    prefix = PREFIX.lower()
    out: dict[str, list[str]] = {}
    for name, value in headers:
        low = name.lower()
        if low.startswith(prefix):
            out.setdefault(low[len(prefix) :], []).append(_wire_value(value))
    return out


def read_params(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Every `XroadVnpt-*` header by lowercase unprefixed name (the last one wins)."""
    return {name: values[-1] for name, values in read_header_values(headers).items()}


def _ascii_name(name: str) -> str:
    return name.encode("ascii", "replace").decode("ascii")


def verify(secret: str, params: Mapping[str, str], sent: Mapping[str, Sequence[str]] | None = None) -> SignedRequest:
    """Check the HMAC and that every signed value matches the header sent; raise AuthError.

    The signed JSON is the truth: each `XroadVnpt-*` entry in it must arrive as a header with the
    same value, and each name of `sign-header-key` must be in it (the key list itself is not
    covered by the HMAC, so it cannot be allowed to hide a signed entry). Names compare
    case-insensitively (`docId`/`docid`); unsigned extra headers are tolerated but never become
    parameters (the SDK signs everything it sends, its carried-over keys included). `sent` gives
    every value of a repeated header (default: the one in `params`): each must be a signed value.
    Two signed spellings of one name with different values (the SDK's `docId` and `docid`) may
    arrive as two headers, or as one when the JDK's HttpURLConnection (sendEdoc) keeps only the
    last of a case-insensitive pair.
    """
    sign_header = params.get(SIGN_HEADER)
    hash_header = params.get(HASH_HEADER)
    key_list = params.get(SIGN_HEADER_KEY)
    if sign_header is None or hash_header is None or key_list is None:
        raise AuthError("Thieu tieu de chu ky (sign-header, sign-header-key, hash-header)")
    expected = hmac_hex(secret, sign_header).encode("ascii")
    if not hmac.compare_digest(expected, hash_header.strip().lower().encode("utf-8")):
        raise AuthError("Chu ky HMAC khong hop le")
    try:
        signed_values = json.loads(sign_header)
    except (ValueError, RecursionError):
        raise AuthError("sign-header khong phai JSON") from None
    if not isinstance(signed_values, dict):
        raise AuthError("sign-header khong phai doi tuong JSON")
    prefix = PREFIX.lower()
    spellings: dict[str, dict[str, str]] = {}
    for key, value in signed_values.items():
        low = str(key).lower()
        if not low.startswith(prefix):
            continue
        shown = _ascii_name(str(key)[len(prefix) :])
        if not isinstance(value, str):
            raise AuthError(f"Gia tri da ky cua {shown} khong phai chuoi")
        spellings.setdefault(low[len(prefix) :], {})[str(key)[len(prefix) :]] = value
    for name, variants in spellings.items():
        shown = _ascii_name(next(iter(variants)))
        arrived = sent.get(name) if sent is not None else None
        if not arrived:
            single = params.get(name)
            arrived = [single] if single is not None else []
        if not arrived:
            raise AuthError(f"Thieu tieu de {PREFIX}{shown}")
        allowed = {v.strip() for v in variants.values()}
        values = {v.strip() for v in arrived}
        if not values <= allowed or (len(variants) == 1 and values != allowed):
            raise AuthError(f"Tieu de {PREFIX}{shown} khong khop voi gia tri da ky")
    for name in (n.strip().lower() for n in key_list.split(";") if n.strip()):
        if name not in spellings:
            raise AuthError(f"Tieu de {_ascii_name(name)} khong co trong sign-header")
    signed = {name: next(iter(variants.values())) for name, variants in spellings.items()}
    # Only what the HMAC covers is a parameter: an unsigned header added to a captured request
    # (a docId, a from, a status) must not reach an operation.
    return SignedRequest(signed, frozenset(signed), spellings)
