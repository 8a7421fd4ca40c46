"""Faster equivalents of two pyHanko/asn1crypto internals every verification runs through, installed by the
signing adapter when it is imported. Each keeps the original's result (and its errors) exactly; tests compare them.
"""

from __future__ import annotations

import binascii
import functools
import re
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic

_HEX_ONLY = re.compile(rb"[0-9A-Fa-f]*")
_PDF_WHITESPACE = b" \n\r\t\f\x00"
_slow_hex_string = generic.read_hex_string_from_stream


def _read_hex_string(stream: Any) -> Any:
    """pyHanko's hex string reader, a chunk at a time: the original reads one character per call,
    and a signature's /Contents is 10-30 thousand hex digits read by every verifier (about a
    sixth of verifying a signed document). Anything unusual (a '%' it would treat as a comment,
    a digit that is not hex, no closing '>') goes to the original, which says what is wrong."""
    start = stream.tell()
    head = stream.read(1)
    chunks: list[bytes] = []
    end = -1
    while True:
        chunk = stream.read(65536)
        if not chunk:
            break
        end = chunk.find(b">")
        if end >= 0:
            chunks.append(chunk[:end])
            stream.seek(start + 1 + sum(len(c) for c in chunks) + 1)
            break
        chunks.append(chunk)
    digits = b"".join(chunks).translate(None, _PDF_WHITESPACE)
    if head != b"<" or end < 0 or not _HEX_ONLY.fullmatch(digits):
        stream.seek(start)
        return _slow_hex_string(stream)
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


_slow_string_prep = asn1_x509.NameTypeAndValue._ldap_string_prep


@functools.lru_cache(maxsize=4096)
def _string_prep(value: str) -> str:
    return str(_slow_string_prep(None, value))


def _cached_string_prep(self: asn1_x509.NameTypeAndValue, value: str) -> str:
    """asn1crypto's RFC 4518 preparation of a name attribute (a pure function of the string), remembered:
    comparing names prepares every character of both again for each freshly parsed certificate, and pyHanko
    compares the signer's issuer with every certificate of the signature (40 % of verifying a document)."""
    return _string_prep(value)


def install() -> None:
    """Put the faster equivalents in place (idempotent)."""
    generic.read_hex_string_from_stream = _read_hex_string
    asn1_x509.NameTypeAndValue._ldap_string_prep = _cached_string_prep
