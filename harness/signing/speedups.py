"""Faster equivalents of pyHanko/asn1crypto internals every verification runs through, installed by the
signing adapter when it is imported. Each keeps the original's result (and its errors) exactly; tests compare them.
"""

from __future__ import annotations

import binascii
import dataclasses
import functools
import hashlib
import os
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath
from pyhanko.sign.validation import generic_cms

_HEX_ONLY = re.compile(rb"[0-9A-Fa-f]*")
_PDF_WHITESPACE = b" \n\r\t\f\x00"
"""PDF's white-space characters (ISO 32000-1, 7.2.2), the one spelling the patterns below are made from."""
_WS_CLASS = re.escape(_PDF_WHITESPACE)
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


_NOT_WHITESPACE = re.compile(rb"[^" + _WS_CLASS + rb"]")
_slow_read_non_whitespace: Any = misc.read_non_whitespace
_slow_read_until_class: Any = misc._read_until_class
_slow_decode_name: Any = generic._decode_name
_PLAIN_NAME = re.compile(b"[" + bytes(c for c in range(0x21, 0x7F) if c not in b"()<>[]{}/%#") + b"]*")


def _read_non_whitespace(stream: Any, seek_back: bool = False, allow_eof: bool = False) -> bytes:
    """pyHanko's skip to the next token, finding it in a chunk: the original reads one byte per call, before
    every object, key and array element of every PDF object read (a signed document is read whole by the
    difference analysis). A comment, the end of the file or a long run of whitespace goes to the original."""
    start = stream.tell()
    chunk: bytes = stream.read(64)
    found = _NOT_WHITESPACE.search(chunk)
    if found is None or chunk[found.start()] == 0x25:  # '%'
        stream.seek(start)
        return bytes(_slow_read_non_whitespace(stream, seek_back, allow_eof))
    at = found.start()
    stream.seek(start + at + (0 if seek_back else 1))
    return chunk[at : at + 1]


@functools.lru_cache(maxsize=16)
def _class_pattern(class_chars: bytes) -> re.Pattern[bytes]:
    return re.compile(b"[" + b"".join(re.escape(bytes((c,))) for c in class_chars) + b"]")


def _read_until_class(class_chars: bytes, stream: Any, maxchars: int | None = None) -> tuple[bytes, bool]:
    """pyHanko's token reader (names, numbers, keywords), a chunk at a time instead of a byte per generator
    step; it consumes the stopping byte as the original does. A bounded read goes to the original."""
    if maxchars is not None:
        return tuple(_slow_read_until_class(class_chars, stream, maxchars))
    pattern = _class_pattern(class_chars)
    parts: list[bytes] = []
    size = 64
    while True:
        chunk = stream.read(size)
        if not chunk:
            return b"".join(parts), True
        found = pattern.search(chunk)
        if found is not None:
            at = found.start()
            parts.append(chunk[:at])
            stream.seek(at + 1 - len(chunk), os.SEEK_CUR)
            return b"".join(parts), False
        parts.append(chunk)
        size = min(size * 4, 65536)


_WS = rb"[" + _WS_CLASS + rb"]"
_NUMBERS = re.compile(rb"\[(?:" + _WS + rb"*[+-]?(?:\d+\.?\d*|\.\d+)(?=[" + _WS_CLASS + rb"\]]))*" + _WS + b"*")
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)")
_slow_read_array: Any = generic.ArrayObject.read_from_stream
_float: Any = generic.FloatObject
_int: Any = generic.NumberObject


def _read_array(stream: Any, container_ref: Any, in_content_stream: Any = generic.ContentOpReading.NO) -> Any:
    """An array of plain numbers (a font's /Widths, a /MediaBox, a /ByteRange) read with one pattern match: the
    original reads each element through the general object reader, a few calls per byte. Anything else in the
    array (a reference, a name, a comment, an odd number) goes to the original, from the array's start."""
    start = stream.tell()
    size = 512
    while True:
        chunk = stream.read(size)
        found = _NUMBERS.match(chunk)
        if found is None:
            break
        end = found.end()
        if chunk[end : end + 1] == b"]":
            array = generic.ArrayObject()
            for number in _NUMBER.findall(chunk, 1, end):
                item = _float(number.decode("ascii")) if b"." in number else _int(number)
                item.container_ref = container_ref
                array.append(item)
            stream.seek(start + end + 1)
            return array
        if len(chunk) < size or end < len(chunk) - 64 or size >= 1 << 20:
            break
        stream.seek(start)
        size *= 8
    stream.seek(start)
    return _slow_read_array(stream, container_ref, in_content_stream=in_content_stream)


_STRING_PART = re.compile(rb"([^()\\]+)|\\([0-3][0-7][0-7])|\\([nrtbf()\\])|([()])")
_ESCAPED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_slow_string_literal: Any = generic._read_string_literal_bytes


def _read_string_literal_bytes(stream: Any) -> bytes:
    """A literal string's bytes found in one chunk: the original reads one byte per call (a document's
    information strings are long runs of three-digit octal escapes). Plain bytes, balanced parentheses,
    three-digit octal escapes and the common single-character escapes are decoded here; anything else
    (an escaped line break, a short octal escape, an unknown escape, a string longer than the chunk) goes
    to the original, from the string's start."""
    start = stream.tell()
    chunk: bytes = stream.read(4096)
    if chunk[:1] == b"(":
        out: list[bytes] = []
        depth, at = 1, 1
        while True:
            part = _STRING_PART.match(chunk, at)
            if part is None:
                break
            at = part.end()
            plain, octal, escaped, paren = part.groups()
            if plain is not None:
                out.append(plain)
            elif octal is not None:
                out.append(bytes((int(octal, 8),)))
            elif escaped is not None:
                out.append(_ESCAPED.get(escaped, escaped))
            elif paren == b"(":
                depth += 1
                out.append(paren)
            else:
                depth -= 1
                if depth == 0:
                    stream.seek(start + at)
                    return b"".join(out)
                out.append(paren)
    stream.seek(start)
    return bytes(_slow_string_literal(stream))


def _decode_name(name_bytes: bytes) -> Any:
    """A name without escapes or bytes that need them is its ASCII text; anything else goes to the original
    (which expands '#xx' escapes and refuses what must be escaped)."""
    if _PLAIN_NAME.fullmatch(name_bytes):
        return generic.NameObject("/" + name_bytes.decode("ascii"))
    return _slow_decode_name(name_bytes)


_slow_string_prep = asn1_x509.NameTypeAndValue._ldap_string_prep


@functools.lru_cache(maxsize=4096)
def _string_prep(value: str) -> str:
    return str(_slow_string_prep(None, value))


def _cached_string_prep(self: asn1_x509.NameTypeAndValue, value: str) -> str:
    """asn1crypto's RFC 4518 preparation of a name attribute (a pure function of the string), remembered:
    comparing names prepares every character of both again for each freshly parsed certificate, and pyHanko
    compares the signer's issuer with every certificate of the signature (40 % of verifying a document)."""
    return _string_prep(value)


_slow_name_eq = asn1_x509.Name.__eq__


@functools.lru_cache(maxsize=4096)
def _name_key(der: bytes) -> str:
    return str(asn1_x509.Name.load(der).hashable)


def _name_eq(self: asn1_x509.Name, other: object) -> bool:
    """RFC 5280 7.1 name equality without preparing every attribute of both names again: the same DER is
    equal (the relation is reflexive); different comparison keys (asn1crypto's `hashable`, remembered per
    encoding) are unequal, since equal names always have equal keys. pyHanko compares the signer's issuer with
    every certificate of a signature, and an ESS signing-certificate attribute's issuer (a name tagged as a
    GeneralName) with the certificate's: the same names under another tag, equal by their contents (six slow
    comparisons, 8 % of verifying a document). Anything else, or a name that cannot be prepared, goes to the
    original."""
    if isinstance(other, asn1_x509.Name):
        mine, theirs = self.dump(), other.dump()
        if mine == theirs or self.contents == other.contents:
            return True
        try:
            if _name_key(mine) != _name_key(theirs):
                return False
        except Exception:  # the original says what is wrong with the name
            pass
    return bool(_slow_name_eq(self, other))


_slow_subsume: Any = HistoricalResolver._subsume_object
_COMPOSITE = (
    generic.DecryptedObjectProxy,
    generic.IndirectObject,
    generic.StreamObject,
    generic.DictionaryObject,
    generic.ArrayObject,
)


def _subsume_object(self: HistoricalResolver, obj: Any) -> Any:
    """A revision's copy of an object, returning a plain value (number, name, string) at once: the original
    builds a reference to the value's container first and then returns the value unchanged, once for each
    number of a font's /Widths, in every revision that the modification analysis reads (a sixth of verifying
    a signed document). Containers, and values without a readable container (where it raises), go to it."""
    if not isinstance(obj, _COMPOSITE) and type(getattr(obj, "container_ref", None)) is generic.Reference:
        return obj
    return _slow_subsume(self, obj)


_slow_reverse_xref: Any = HistoricalResolver._load_reverse_xref_cache
_WALKED = (generic.IndirectObject, generic.DictionaryObject, generic.ArrayObject)


def _load_reverse_xref_cache(self: HistoricalResolver) -> None:
    """pyHanko's map from each object of a revision to every path that reaches it from the trailer, which the
    modification analysis builds for the signed revision of every signature but the last (a third of verifying a
    two-signature document). The same walk over the same objects in the same order, with the same exceptions for
    the page tree, /Parent and the structure tree, with paths as tuples: the original called itself for every
    number of every array (a font's /Widths) with keyword arguments and compared linked lists element by element."""
    if self._indirect_object_access_cache is not None:
        return
    collected: dict[generic.Reference, set[tuple[str | int, ...]]] = defaultdict(set)
    walked = _WALKED
    indirect, dictionary = generic.IndirectObject, generic.DictionaryObject

    def walk(obj: Any, path: tuple[str | int, ...], seen: frozenset[generic.Reference], in_struct: bool) -> None:
        if isinstance(obj, indirect):
            ref = obj.reference
            if ref in seen:
                return
            collected[ref].add(path)
            seen = seen | {ref}
            obj = self(ref)
            if page_tree.get(ref, path) != path:
                return  # a page tree node is entered only through its own place in the tree
            if not in_struct and ref in struct_tree:
                return
        if isinstance(obj, dictionary):
            for key, value in obj.items():
                if key == "/Parent" or (in_struct and key == "/P") or not isinstance(value, walked):
                    continue
                walk(value, (*path, key), seen, in_struct or (key == "/K" and path == ("/Root", "/StructTreeRoot")))
        elif isinstance(obj, generic.ArrayObject):
            for index, value in enumerate(obj):
                if isinstance(value, walked):
                    walk(value, (*path, index), seen, in_struct)

    def page_nodes(
        pages: Any, path: tuple[str | int, ...]
    ) -> Iterator[tuple[generic.Reference, tuple[str | int, ...]]]:
        for index, kid in enumerate(pages["/Kids"]):
            kid_path = (*path, "/Kids", index)
            if isinstance(kid, indirect):
                yield kid.reference, kid_path
            kid = kid.get_object()
            if kid.get("/Type", None) == "/Pages":
                yield from page_nodes(kid, kid_path)

    def struct_nodes(element: Any) -> Iterator[generic.Reference]:
        try:
            children = element["/K"]
        except KeyError:
            return
        if not isinstance(children, generic.ArrayObject):
            children = (children,)
        for child in children:
            child_ref = None
            if isinstance(child, indirect):
                child_ref = child.reference
                child = child.get_object()  # type: ignore[no-untyped-call]
            if not isinstance(child, dictionary):
                continue
            try:
                if child["/Type"] != "/StructElem":
                    continue
            except KeyError:
                pass
            if child_ref is not None:
                yield child_ref
            yield from struct_nodes(child)

    pages_ref: Any = self.root.raw_get("/Pages")
    pages_path: tuple[str | int, ...] = ("/Root", "/Pages")
    page_tree: dict[generic.Reference, tuple[str | int, ...]] = {}
    if isinstance(pages_ref, indirect):
        page_tree[pages_ref.reference] = pages_path
    for ref, path in page_nodes(pages_ref.get_object(), pages_path):
        if ref in page_tree:
            raise misc.PdfReadError("Circular reference in page tree in mapping stage")
        page_tree[ref] = path
    struct_tree: set[generic.Reference] = set()
    try:
        root_ref = self.root.raw_get("/StructTreeRoot")
        for ref in struct_nodes(root_ref.get_object()):
            if ref in struct_tree:
                raise misc.PdfReadError("Circular reference in structure tree in mapping stage")
            struct_tree.add(ref)
    except KeyError:
        pass
    walk(self.trailer_view, (), frozenset(), False)
    self._indirect_object_access_cache = {
        ref: {RawPdfPath(*path) for path in paths} for ref, paths in collected.items()
    }


_slow_cert_usage: Any = generic_cms.validate_cert_usage
USAGE_SECONDS = 60.0
"""How long a certificate's path validation is reused: what it depends on is in its key except the clock, which
moves a certificate out of its validity or past a CRL's next update; a minute is well inside both."""
_USAGE: dict[tuple[Any, ...], tuple[float, Any]] = {}
_USAGE_LOCK = threading.Lock()
_USAGE_SIZE = 4096


def _usage_key(cert: Any, vc: Any, usage: Any) -> tuple[Any, ...] | None:
    inputs = getattr(vc, "lienthong_inputs", None)
    if inputs is None or not dataclasses.is_dataclass(usage):
        return None
    registry = frozenset(hashlib.sha256(c.dump()).digest() for c in vc.certificate_registry)
    settings = tuple(
        (f.name, tuple(sorted(v)) if isinstance(v, set | frozenset) else v)
        for f in dataclasses.fields(usage)
        for v in [getattr(usage, f.name)]
    )
    return inputs, hashlib.sha256(cert.dump()).digest(), registry, repr(settings)


async def _validate_cert_usage(
    cert: Any, validation_context: Any, key_usage_settings: Any, paths: Any, pkix_validation_params: Any = None
) -> Any:
    """pyHanko's path validation of a signer's certificate, remembered for a minute: every signed document of an
    agency carries the same two certificates, and validating their paths (names, signatures, the CRL) again for
    each was a fifth of verifying a document. The key holds everything the outcome depends on but the clock:
    the validation context's trust anchors, intermediates, CRLs and time settings (`lienthong_inputs`, set by
    the adapter; contexts without it are not remembered), every certificate it can build paths from (those the
    signature brought included), the certificate and the key usage asked."""
    key = None if pkix_validation_params is not None else _usage_key(cert, validation_context, key_usage_settings)
    if key is not None:
        with _USAGE_LOCK:
            hit = _USAGE.get(key)
        if hit is not None and time.monotonic() - hit[0] < USAGE_SECONDS:
            await paths.cancel()
            return hit[1]
    result = await _slow_cert_usage(cert, validation_context, key_usage_settings, paths, pkix_validation_params)
    if key is not None:
        with _USAGE_LOCK:
            if len(_USAGE) >= _USAGE_SIZE:
                _USAGE.clear()
            _USAGE[key] = (time.monotonic(), result)
    return result


def install() -> None:
    """Put the faster equivalents in place (idempotent)."""
    generic.read_hex_string_from_stream = _read_hex_string
    misc.read_non_whitespace = _read_non_whitespace
    vars(generic)["read_non_whitespace"] = _read_non_whitespace  # imported by name there
    misc._read_until_class = _read_until_class
    generic._decode_name = _decode_name
    generic._read_string_literal_bytes = _read_string_literal_bytes
    generic.ArrayObject.read_from_stream = staticmethod(_read_array)  # type: ignore[method-assign]
    asn1_x509.NameTypeAndValue._ldap_string_prep = _cached_string_prep
    asn1_x509.Name.__eq__ = _name_eq
    HistoricalResolver._subsume_object = _subsume_object  # type: ignore[method-assign]
    HistoricalResolver._load_reverse_xref_cache = _load_reverse_xref_cache  # type: ignore[method-assign]
    generic_cms.validate_cert_usage = _validate_cert_usage
