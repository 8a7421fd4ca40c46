"""The chunked hex-string reader the signing adapter gives pyHanko (harness/signing/speedups.py): same
objects, same stream position and same errors as pyHanko's own reader, only faster on a signature's /Contents."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

import harness.signing.adapter  # noqa: F401  (importing the adapter installs the speedups)
from harness.signing import speedups

CASES = [
    b"<48656C6C6F> rest",
    b"<48 65\n6c\r6C\t6F\x00> /Next",
    b"<486> tail",  # odd: a trailing 0 is implied
    b"<> empty",
    b"<" + b"00" * 40000 + b"3082>after",  # longer than one chunk
    b"<4865 % a comment pyHanko skips\n6c6c6f>x",
]


@pytest.mark.parametrize("data", CASES)
def test_same_value_and_position_as_pyhanko(data: bytes) -> None:
    fast, slow = io.BytesIO(data), io.BytesIO(data)
    assert speedups._read_hex_string(fast) == speedups._slow_hex_string(slow)
    assert fast.tell() == slow.tell()
    assert fast.read() == slow.read()


@pytest.mark.parametrize("data", [b"<48zz>", b"<4865", b"<48>"[:3]])
def test_bad_hex_strings_raise_pyhankos_error(data: bytes) -> None:
    with pytest.raises(PdfStreamError):
        speedups._read_hex_string(io.BytesIO(data))


def test_pyhanko_reads_hex_strings_through_it() -> None:
    assert generic.read_hex_string_from_stream is speedups._read_hex_string
    value: Any = generic.read_object(io.BytesIO(b"<4142> "), None)  # type: ignore[arg-type]
    assert value.original_bytes == b"AB"
