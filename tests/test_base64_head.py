"""An attachment's base64 is judged as before while only its first bytes are decoded (rules/attachments.py):
the same verdict (valid or not) and the same first bytes as decoding it whole, for any text."""

from __future__ import annotations

import base64
import binascii

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.edxml.formats import b64decode_valid
from harness.edxml.rules.attachments import base64_head, decode_base64, plain_base64

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 12
CASES = [
    base64.b64encode(PDF).decode(),
    base64.encodebytes(PDF).decode(),  # wrapped at 76 characters
    base64.b64encode(b"x").decode(),
    base64.b64encode(b"xy").decode(),
    "",
    "AB==",
    "ABC=",
    "A===",
    "====",
    "AB==CD==",
    "QUJD-_",
    " " + base64.b64encode(PDF[:40]).decode() + " ",
    base64.b64encode(PDF).decode()[:-1],
    "Văn bản",
]


def _same(value: str) -> None:
    whole = decode_base64(value)
    head = base64_head(value)
    assert (head is None) == (whole is None)
    if whole is not None:
        assert head == whole[:12]
    if plain_base64(value) is not None:
        assert binascii.a2b_base64(value, strict_mode=True) == whole


@pytest.mark.parametrize("value", CASES, ids=range(len(CASES)))
def test_head_matches_decoding_whole(value: str) -> None:
    _same(value)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ABCDEFabcdef0123456789+/=\n -_é", max_size=40))
def test_head_matches_decoding_whole_for_any_text(value: str) -> None:
    _same(value)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_every_encoding_is_read_on_the_fast_path(data: bytes) -> None:
    text = base64.b64encode(data).decode()
    assert plain_base64(text) is not None and base64_head(text) == data[:12]


def _outcome(decode: object, value: str) -> tuple[str, bytes | str]:
    try:
        return "ok", decode(value)  # type: ignore[operator]
    except (binascii.Error, ValueError) as exc:
        return "error", type(exc).__name__


@pytest.mark.parametrize("value", CASES, ids=range(len(CASES)))
def test_fast_validated_decoding_is_b64decode_validate(value: str) -> None:
    """b64decode_valid (every package read by an axis, a system and the harness) decodes and refuses exactly as
    base64.b64decode(validate=True), the same error type included."""
    assert _outcome(b64decode_valid, value) == _outcome(lambda v: base64.b64decode(v, validate=True), value)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ABCDEFabcdef0123456789+/=\n -_é", max_size=40))
def test_fast_validated_decoding_is_b64decode_validate_for_any_text(value: str) -> None:
    assert _outcome(b64decode_valid, value) == _outcome(lambda v: base64.b64decode(v, validate=True), value)
