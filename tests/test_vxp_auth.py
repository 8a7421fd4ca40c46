"""The VXP request-signing scheme (axis-protocol.md §2.2) as implemented by harness.transport.vxp.auth.

Expected values are computed here independently (hmac/hashlib, a small Java HashMap model), so a
regression in auth.py cannot hide behind the same code computing both sides.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from datetime import datetime

import pytest

from harness.transport.vxp import auth
from harness.transport.vxp.auth import AuthError

SECRET = "dummy-secret"
CAPTURED_INSERTION = ["timestamp", "systemid", "Content-Type", "servicetype", "messagetype", "from", "to", "hash-file"]
CAPTURED_ORDER = "systemid;servicetype;messagetype;hash-file;from;to;timestamp;Content-Type"
MANY_KEYS = [
    "timestamp",
    "systemid",
    "Content-Type",
    "servicetype",
    "messagetype",
    "from",
    "to",
    "hash-file",
    "docId",
    "filePath",
    "status",
    "description",
    "fromDate",
    "toDate",
    "pageSize",
    "pageIndex",
    "AgencyCode",
    "level",
]


# --- an independent model of java.util.HashMap iteration order --------------------------------


def _java_hash_code(s: str) -> int:
    """`String.hashCode()` for BMP strings, as an unsigned 32-bit value."""
    h = 0
    for ch in s:
        assert ord(ch) < 0x10000
        h = (31 * h + ord(ch)) % (1 << 32)
    return h


class _JavaHashMap:
    """Insertion, chaining at the tail and doubling when size exceeds 0.75 * capacity."""

    def __init__(self, *, resize: bool = True) -> None:
        self.table: list[list[str]] = [[] for _ in range(16)]
        self.size = 0
        self.resize = resize

    @staticmethod
    def _index(key: str, capacity: int) -> int:
        h = _java_hash_code(key)
        return (h ^ (h >> 16)) % capacity

    def put(self, key: str) -> None:
        chain = self.table[self._index(key, len(self.table))]
        if key in chain:
            return
        chain.append(key)
        self.size += 1
        if self.resize and self.size > 0.75 * len(self.table):
            old = self.table
            self.table = [[] for _ in range(2 * len(old))]
            for bucket in old:
                for k in bucket:
                    self.table[self._index(k, len(self.table))].append(k)

    def keys(self) -> list[str]:
        return [k for bucket in self.table for k in bucket]


def java_order(keys: Iterable[str], *, resize: bool = True) -> list[str]:
    m = _JavaHashMap(resize=resize)
    for k in keys:
        m.put(k)
    return m.keys()


# --- java_hashmap_order -------------------------------------------------------------------------


def test_hashmap_order_reproduces_the_captured_sign_header_key() -> None:
    assert ";".join(auth.java_hashmap_order(CAPTURED_INSERTION)) == CAPTURED_ORDER
    assert ";".join(java_order(CAPTURED_INSERTION)) == CAPTURED_ORDER  # the model agrees with the capture


@pytest.mark.parametrize(
    "keys",
    [
        ["timestamp", "systemid", "Content-Type", "docId", "filePath"],
        ["timestamp", "systemid", "Content-Type", "docId", "status", "description"],
        ["timestamp", "systemid", "Content-Type", "AgencyCode"],
        ["timestamp", "systemid", "Content-Type"],
        ["Vĩnh", "Phúc", "đơn-vị", "x"],
    ],
)
def test_hashmap_order_matches_model_for_other_key_sets(keys: list[str]) -> None:
    assert auth.java_hashmap_order(keys) == java_order(keys)


def test_colliding_keys_keep_insertion_order_within_their_bucket() -> None:
    # "timestamp" and "Content-Type" share a bucket at 16 and at 32 buckets.
    a = auth.java_hashmap_order(["timestamp", "Content-Type"])
    b = auth.java_hashmap_order(["Content-Type", "timestamp"])
    assert a == ["timestamp", "Content-Type"]
    assert b == ["Content-Type", "timestamp"]
    assert b == java_order(["Content-Type", "timestamp"])


def test_duplicate_keys_keep_their_first_position() -> None:
    keys = ["timestamp", "systemid", "Content-Type", "timestamp", "docId", "Content-Type"]
    out = auth.java_hashmap_order(keys)
    assert sorted(out) == sorted(set(keys))
    assert out == java_order(keys)


def test_twelve_keys_stay_in_sixteen_buckets() -> None:
    keys = MANY_KEYS[:12]
    assert java_order(keys, resize=False) == java_order(keys)  # no resize at exactly the threshold
    assert auth.java_hashmap_order(keys) == java_order(keys)


@pytest.mark.parametrize("n", [13, 16, 18])
def test_more_than_twelve_keys_force_a_resize_to_32_buckets(n: int) -> None:
    keys = MANY_KEYS[:n]
    expected = java_order(keys)
    assert expected != java_order(keys, resize=False), "key set must discriminate 16 from 32 buckets"
    assert auth.java_hashmap_order(keys) == expected


# --- timestamps ---------------------------------------------------------------------------------


def test_java_timestamp_uses_milliseconds_after_the_plus() -> None:
    assert auth.java_timestamp(datetime(2026, 11, 22, 3, 24, 10, 8000)) == "22112026T032410+0008"
    assert auth.java_timestamp(datetime(2026, 1, 2, 13, 4, 5, 999999)) == "02012026T130405+0999"
    assert auth.java_timestamp(datetime(2026, 1, 2, 13, 4, 5)) == "02012026T130405+0000"


def test_parse_java_timestamp_inverts_the_format() -> None:
    assert auth.parse_java_timestamp("22112026T032410+0008") == datetime(2026, 11, 22, 3, 24, 10, 8000)
    moment = datetime(2025, 12, 31, 23, 59, 58, 123000)
    assert auth.parse_java_timestamp(auth.java_timestamp(moment)) == moment


@pytest.mark.parametrize(
    "value",
    ["", "22112026T032410", "22112026T032410+08", "22112026T032410+abcd", "32132026T032410+0008", "2026-11-22+0008"],
)
def test_parse_java_timestamp_rejects_malformed_values(value: str) -> None:
    assert auth.parse_java_timestamp(value) is None


# --- hash-file ----------------------------------------------------------------------------------


def _data_with_small_digest_byte() -> bytes:
    for i in range(1000):
        data = f"<edXML>{i}</edXML>".encode()
        if any(b < 0x10 for b in hashlib.sha256(data).digest()):
            return data
    raise AssertionError("no sample with a digest byte < 0x10")


def test_hash_file_unpadded_drops_leading_zero_of_each_byte() -> None:
    data = _data_with_small_digest_byte()
    digest = hashlib.sha256(data).digest()
    java_style = "".join(hex(b)[2:] for b in digest)  # Integer.toHexString(b & 0xff)
    unpadded = auth.hash_file(data)
    padded = auth.hash_file(data, padded=True)
    assert padded == hashlib.sha256(data).hexdigest()
    assert unpadded == java_style
    assert len(unpadded) < len(padded) == 64


def test_hash_file_matches_accepts_both_forms_case_insensitively() -> None:
    data = _data_with_small_digest_byte()
    unpadded = "".join(hex(b)[2:] for b in hashlib.sha256(data).digest())
    padded = hashlib.sha256(data).hexdigest()
    for value in (unpadded, padded, unpadded.upper(), padded.upper(), f" {padded} "):
        assert auth.hash_file_matches(value, data), value


def test_hash_file_matches_rejects_other_values() -> None:
    data = _data_with_small_digest_byte()
    padded = hashlib.sha256(data).hexdigest()
    assert not auth.hash_file_matches(hashlib.sha256(data + b"\r\n").hexdigest(), data)
    assert not auth.hash_file_matches(padded[:-1], data)
    assert not auth.hash_file_matches("", data)
    assert not auth.hash_file_matches("0" + padded, data)


def test_hash_file_matches_rejects_non_ascii_value_without_crashing() -> None:
    # A hostile client can put any bytes in XroadVnpt-hash-file; the answer must be False, not TypeError
    # (hmac.compare_digest refuses non-ASCII str).
    data = _data_with_small_digest_byte()
    assert auth.hash_file_matches("é" * 64, data) is False


# --- sign ---------------------------------------------------------------------------------------


def _captured_params() -> dict[str, str]:
    return {
        "timestamp": "22112026T032410+0008",
        "systemid": "000.00.00.H41",
        "Content-Type": "application/octet-stream",
        "servicetype": "eDoc",
        "messagetype": "edoc",
        "from": "000.00.00.H41",
        "to": '["000.00.00.G22","000.00.00.H14"]',
        "hash-file": "cc7bdd662415e725c750bf6ce64c36a87ad21bf38d0a593f9f10203572747f",
    }


def _compact_json(pairs: Iterable[tuple[str, str]]) -> str:
    return "{" + ",".join(f"{json.dumps('XroadVnpt-' + k)}:{json.dumps(v)}" for k, v in pairs) + "}"


def test_sign_produces_the_sdk_headers() -> None:
    params = _captured_params()
    headers = auth.sign(SECRET, params)
    names = CAPTURED_ORDER.split(";")
    expected_sign_header = _compact_json((n, params[n]) for n in names)
    assert headers["XroadVnpt-sign-header-key"] == CAPTURED_ORDER
    assert headers["XroadVnpt-sign-header"] == expected_sign_header
    assert ": " not in expected_sign_header and ", " not in expected_sign_header
    expected_hmac = hmac.new(SECRET.encode("utf-8"), expected_sign_header.encode("utf-8"), hashlib.sha256).hexdigest()
    assert headers["XroadVnpt-hash-header"] == expected_hmac
    assert headers["XroadVnpt-hash-header"] == headers["XroadVnpt-hash-header"].lower()
    for k, v in params.items():
        assert headers["XroadVnpt-" + k] == v
    assert set(headers) == {"XroadVnpt-" + k for k in params} | {
        "XroadVnpt-sign-header-key",
        "XroadVnpt-sign-header",
        "XroadVnpt-hash-header",
    }
    assert json.loads(headers["XroadVnpt-sign-header"])["XroadVnpt-to"] == params["to"]


def test_sign_honours_an_explicit_order() -> None:
    params = {"timestamp": "t", "systemid": "s", "docId": "d"}
    headers = auth.sign(SECRET, params, order=["docId", "timestamp", "systemid"])
    assert headers["XroadVnpt-sign-header-key"] == "docId;timestamp;systemid"
    assert (
        headers["XroadVnpt-sign-header"] == '{"XroadVnpt-docId":"d","XroadVnpt-timestamp":"t","XroadVnpt-systemid":"s"}'
    )


def test_sign_keys_the_hmac_with_the_utf8_secret() -> None:
    secret = "clé-secrète"
    headers = auth.sign(secret, {"systemid": "x"})
    msg = headers["XroadVnpt-sign-header"].encode("utf-8")
    assert headers["XroadVnpt-hash-header"] == hmac.new(secret.encode("utf-8"), msg, hashlib.sha256).hexdigest()
    assert headers["XroadVnpt-hash-header"] != hmac.new(secret.encode("latin-1"), msg, hashlib.sha256).hexdigest()


# --- verify -------------------------------------------------------------------------------------


def _wire(headers: Mapping[str, str]) -> dict[str, str]:
    """What a server sees: UTF-8 bytes on the wire, decoded as latin-1, then read_params."""
    return auth.read_params((k, v.encode("utf-8").decode("latin-1")) for k, v in headers.items())


def _request(params: Mapping[str, str], order: Iterable[str] | None = None) -> dict[str, str]:
    return _wire(auth.sign(SECRET, params, order))


def _base() -> dict[str, str]:
    return {
        "timestamp": "22112026T032410+0008",
        "systemid": "000.00.00.H41",
        "Content-Type": "application/json",
        "docId": "68edb8c8c2dcb14db773ce44",
        "status": "done",
    }


def _manual(sign_header: str, key_list: str, extra: Mapping[str, str], secret: str = SECRET) -> dict[str, str]:
    headers = {f"XroadVnpt-{k}": v for k, v in extra.items()}
    headers["XroadVnpt-sign-header"] = sign_header
    headers["XroadVnpt-sign-header-key"] = key_list
    headers["XroadVnpt-hash-header"] = hmac.new(secret.encode(), sign_header.encode(), hashlib.sha256).hexdigest()
    return _wire(headers)


def test_verify_accepts_a_signed_request() -> None:
    result = auth.verify(SECRET, _request(_base()))
    assert result.get("docId") == "68edb8c8c2dcb14db773ce44"
    assert result.get("DOCID") == "68edb8c8c2dcb14db773ce44"
    assert result.get("status") == "done"
    assert result.signed == {"timestamp", "systemid", "content-type", "docid", "status"}


def test_verify_accepts_signed_names_in_any_order() -> None:
    names = list(_base())
    for order in (names, list(reversed(names)), sorted(names)):
        assert auth.verify(SECRET, _request(_base(), order)).get("status") == "done"


def test_verify_names_are_case_insensitive() -> None:
    sign_header = _compact_json([("docId", "abc"), ("systemid", "s")])
    params = _manual(sign_header, "docid;SystemId", {"DOCID": "abc", "systemid": "s"})
    result = auth.verify(SECRET, params)
    assert result.get("docId") == "abc"
    assert result.signed == {"docid", "systemid"}


def test_verify_tolerates_unsigned_extra_headers_but_never_uses_them() -> None:
    """Added to a captured request, an unsigned `from` or `docId` would act in the signer's name."""
    headers = auth.sign(SECRET, _base())
    headers["XroadVnpt-from"] = "000.00.00.G22"
    headers["XroadVnpt-hash-file"] = "abc"
    result = auth.verify(SECRET, _wire(headers))
    assert result.get("from") is None and result.get("hash-file") is None
    assert result.values("from") == []
    assert "from" not in result.signed and "hash-file" not in result.signed
    assert result.get("docId") == _base()["docId"]


def test_verify_accepts_uppercase_hex_hash_header() -> None:
    headers = auth.sign(SECRET, _base())
    headers["XroadVnpt-hash-header"] = headers["XroadVnpt-hash-header"].upper()
    assert auth.verify(SECRET, _wire(headers)).get("docid") == "68edb8c8c2dcb14db773ce44"


def _rejected(secret: str, params: Mapping[str, str]) -> AuthError:
    with pytest.raises(AuthError) as info:
        auth.verify(secret, params)
    assert info.value.reason, "a reason is required"
    assert info.value.reason.isascii(), info.value.reason
    assert str(info.value) == info.value.reason
    return info.value


def test_verify_rejects_a_wrong_secret() -> None:
    _rejected("other-secret", _request(_base()))


def test_verify_rejects_a_tampered_signed_value() -> None:
    params = _request(_base())
    params["docid"] = "000000000000000000000000"
    err = _rejected(SECRET, params)
    assert "docId" in err.reason


def test_verify_rejects_a_signed_name_missing_from_the_headers() -> None:
    params = _request(_base())
    del params["status"]
    err = _rejected(SECRET, params)
    assert "status" in err.reason


def test_verify_rejects_a_signed_name_missing_from_the_json() -> None:
    sign_header = _compact_json([("systemid", "s")])
    params = _manual(sign_header, "systemid;status", {"systemid": "s", "status": "done"})
    err = _rejected(SECRET, params)
    assert "status" in err.reason


def test_verify_rejects_a_non_string_signed_value() -> None:
    sign_header = '{"XroadVnpt-systemid":"s","XroadVnpt-level":1}'
    _rejected(SECRET, _manual(sign_header, "systemid;level", {"systemid": "s", "level": "1"}))


@pytest.mark.parametrize("sign_header", ['{"XroadVnpt-systemid":"s"', "not json", '["XroadVnpt-systemid"]', ""])
def test_verify_rejects_a_sign_header_that_is_not_a_json_object(sign_header: str) -> None:
    _rejected(SECRET, _manual(sign_header, "systemid", {"systemid": "s"}))


@pytest.mark.parametrize("missing", ["sign-header", "sign-header-key", "hash-header"])
def test_verify_rejects_missing_signature_headers(missing: str) -> None:
    params = _request(_base())
    del params[missing]
    _rejected(SECRET, params)


def test_verify_rejects_unsigned_requests() -> None:
    _rejected(SECRET, _wire({f"XroadVnpt-{k}": v for k, v in _base().items()}))


def test_verify_rejects_a_non_ascii_hash_header_with_auth_error() -> None:
    # Header bytes are attacker-controlled; read_params turns UTF-8 bytes into non-ASCII str, and
    # hmac.compare_digest raises TypeError on non-ASCII str. The server must answer 401, not crash.
    headers = auth.sign(SECRET, _base())
    headers["XroadVnpt-hash-header"] = "é" * 64
    _rejected(SECRET, _wire(headers))


def test_verify_does_not_let_the_unsigned_key_list_hide_a_tampered_value() -> None:
    # sign-header-key is not covered by the HMAC: dropping "docId" from it must not make a forged
    # XroadVnpt-docId acceptable while the HMAC-covered sign-header says something else.
    headers = auth.sign(SECRET, _base())
    headers["XroadVnpt-sign-header-key"] = ";".join(
        n for n in headers["XroadVnpt-sign-header-key"].split(";") if n != "docId"
    )
    headers["XroadVnpt-docId"] = "forged0000000000000000000"
    try:
        result = auth.verify(SECRET, _wire(headers))
    except AuthError:
        return
    assert result.get("docId") == "68edb8c8c2dcb14db773ce44", "a value contradicting the signed JSON was accepted"


def test_verify_returns_the_signed_value_for_signed_names() -> None:
    headers = auth.sign(SECRET, _base())
    headers["XroadVnpt-status"] = " done "  # whitespace only: tolerated, the signed value wins
    assert auth.verify(SECRET, _wire(headers)).get("status") == "done"


# --- read_params --------------------------------------------------------------------------------


def test_read_params_recovers_utf8_sent_as_raw_bytes() -> None:
    description = "Đã tiếp nhận văn bản, chuyển xử lý"
    raw = [
        ("XroadVnpt-description", description.encode("utf-8").decode("latin-1")),
        ("XroadVnpt-docId", "abc"),
        ("Content-Type", "application/json"),
        ("User-Agent", "JAVASDKAgent/1.0.0 XRoad/VPCP"),
        ("xroadvnpt-STATUS", "fail"),
        ("XroadVnpt-status", "done"),
    ]
    params = auth.read_params(raw)
    assert params == {"description": description, "docid": "abc", "status": "done"}


def test_read_params_keeps_latin1_text_that_is_not_utf8() -> None:
    assert auth.read_params([("XroadVnpt-note", b"caf\xe9".decode("latin-1"))]) == {"note": "café"}


def test_non_ascii_value_round_trips_through_sign_read_params_and_verify() -> None:
    params = {**_base(), "description": "Văn bản không đúng thẩm quyền"}
    result = auth.verify(SECRET, _request(params))
    assert result.get("description") == "Văn bản không đúng thẩm quyền"
    assert "description" in result.signed
