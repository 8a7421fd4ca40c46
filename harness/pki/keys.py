"""Deterministic key pairs: the same seed and label always give the same key.

A test PKI that is regenerated on another machine must produce the same certificates, so the
key generator draws from a SHAKE-256 stream of (seed, label) instead of the OS entropy pool.
These keys protect nothing: never use them outside tests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from Crypto.PublicKey import RSA
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _stream(seed: str, label: str) -> Callable[[int], bytes]:
    counter = 0

    def randfunc(n: int) -> bytes:
        nonlocal counter
        out = hashlib.shake_256(f"{seed}\x00{label}\x00{counter}".encode()).digest(n)
        counter += 1
        return out

    return randfunc


def rsa_key(seed: str, label: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    """An RSA key derived from (seed, label); pycryptodome accepts a caller-supplied randfunc."""
    der = RSA.generate(bits, randfunc=_stream(seed, label), e=65537).export_key("DER", pkcs=8)
    key = serialization.load_der_private_key(der, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def ec_key(seed: str, label: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 key whose private scalar is derived from (seed, label)."""
    value = int.from_bytes(_stream(seed, label)(40), "big")
    return ec.derive_private_key(value % (P256_ORDER - 1) + 1, ec.SECP256R1())
