"""Hostile inputs, in one place: the payloads the fuzz and hostile-input tests feed `validate()` and the
axis, and the ones AX-10 sends to an axis under test. Each is built from a valid package where it can
be, so that only the hostile part differs.
"""

from __future__ import annotations

import random
import re
from functools import cache

from harness.edxml.builder import build
from harness.edxml.factory import DEFAULT_TO, new_document, status_for
from harness.edxml.model import Attachment

MB = 1024 * 1024


@cache
def valid_package() -> bytes:
    """A conformant document package (passes every MUST and SHOULD rule)."""
    return build(new_document())


@cache
def valid_status() -> bytes:
    return build(status_for(new_document(), DEFAULT_TO, "03"))


def with_doctype(package: bytes, doctype: bytes, subject: bytes | None = None) -> bytes:
    """`package` with `doctype` after its XML declaration (and optionally a new Subject, where an entity
    reference is quoted back by a careless parser)."""
    decl_end = package.index(b"?>") + 2
    out = package[:decl_end] + b"\n" + doctype + package[decl_end:]
    if subject is None:
        return out
    found = re.search(rb"(<(?:\w+:)?Subject>)(.*?)(</(?:\w+:)?Subject>)", out, re.S)
    if found is None:
        return out
    return out[: found.start(2)] + subject + out[found.end(2) :]


def _with_doctype(doctype: bytes, subject: bytes | None = None) -> bytes:
    return with_doctype(valid_package(), doctype, subject)


ENTITY_BOMB = b"".join(
    [b'<!ENTITY lol "lol">']
    + [b'<!ENTITY lol%d "%s">' % (i, (b"&lol;" if i == 1 else b"&lol%d;" % (i - 1)) * 10) for i in range(1, 10)]
)
"""Nine levels of ten: &lol9; expands to a billion "lol"s in a parser that expands entities."""
XXE = b'<!ENTITY x SYSTEM "file:///etc/passwd">'
"""An external entity naming a local file: a parser that resolves it discloses the file."""


def entity_bomb_in(package: bytes) -> bytes:
    """Billion laughs inside a package: the bomb referenced from Subject."""
    return with_doctype(package, b"<!DOCTYPE edXML [" + ENTITY_BOMB + b"]>", b"&lol9;")


def xxe_in(package: bytes) -> bytes:
    """An external entity inside a package, referenced from Subject."""
    return with_doctype(package, b"<!DOCTYPE edXML [" + XXE + b"]>", b"&x;")


def corrupt_base64_in(package: bytes) -> bytes | None:
    """The package with its first attachment's base64 broken (None when it has no attachment)."""
    found = re.search(rb"<(?:\w+:)?ContentTransferEncoded>", package)
    if found is None:
        return None
    return package[: found.end()] + b"!!khong*phai*base64!!" + package[found.end() :]


def billion_laughs() -> bytes:
    ents = [b'<!ENTITY lol "lol">']
    ents += [b'<!ENTITY lol%d "%s">' % (i, (b"&lol;" if i == 1 else b"&lol%d;" % (i - 1)) * 10) for i in range(1, 10)]
    return b'<?xml version="1.0"?>\n<!DOCTYPE lolz [' + b"".join(ents) + b"]>\n<lolz>&lol9;</lolz>\n"


def xxe() -> bytes:
    return b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<x>&x;</x>\n'


def xxe_in_package() -> bytes:
    """XXE inside an otherwise valid package: the entity sits in Subject, which findings may quote."""
    return _with_doctype(b'<!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>', b"&x;")


def external_dtd() -> bytes:
    return _with_doctype(b'<!DOCTYPE edXML SYSTEM "http://127.0.0.1:9/x.dtd">')


def parameter_entity() -> bytes:
    return _with_doctype(b'<!DOCTYPE edXML [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>')


def oversize_60mb() -> bytes:
    """A valid package padded with trailing whitespace to 60 MB (one allocation, no temporaries)."""
    return valid_package().ljust(60 * MB, b" ")


def attribute_flood() -> bytes:
    """A status package with three million attributes (30,000 elements of 100; about 33 MB)."""
    pkg = build(status_for(new_document(), DEFAULT_TO, "01"))
    start = pkg.index(b"<edXML:edXMLEnvelope")
    at = pkg.index(b">", start) + 1
    one = b"<x " + b" ".join(b'a%d="1"' % i for i in range(100)) + b"/>"
    return pkg[:at] + one * 30_000 + pkg[at:]


def deep_nesting() -> bytes:
    return b"<a>" * 10_000 + b"</a>" * 10_000


INVALID_UTF8_AT = 600


def invalid_utf8() -> bytes:
    pkg = valid_package()
    return pkg[:INVALID_UTF8_AT] + b"\xff\xfe" + pkg[INVALID_UTF8_AT:]


def truncated() -> bytes:
    pkg = valid_package()
    return pkg[: len(pkg) // 2]


def empty() -> bytes:
    return b""


def png_blob() -> bytes:
    rng = random.Random(1212)
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(64 * 1024)


def utf16() -> bytes:
    """The valid package re-encoded as UTF-16 (with BOM), as .NET's Encoding.Unicode writes it."""
    text = valid_package().decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return text.encode("utf-16")


def stray_bytes() -> bytes:
    return b"1212" + valid_package()


def undefined_entity() -> bytes:
    return _with_doctype(b"", b"Tr\xc3\xadch y\xe1\xba\xbfu &undefinedEntity; h\xe1\xbb\x93 s\xc6\xa1")


def invalid_base64() -> bytes:
    att = Attachment(
        content_id="cid:bad-base64",
        attachment_name="bad.pdf",
        description="",
        content_type="application/pdf",
        encoded="JVBERi0xLjQK!!!*** not base64 ***",
    )
    return build(new_document(attachments=[att]))


def fake_zip_2mb() -> bytes:
    """About 2 MB of valid base64 that decodes to random bytes, declared application/zip."""
    data = random.Random(34).randbytes(1_500_000)
    return build(new_document(attachments=[Attachment.from_bytes("fake-zip", "ho-so.zip", data, "application/zip")]))


def corrupt_zip() -> bytes:
    """A ZIP local-file header followed by garbage (no central directory)."""
    data = b"PK\x03\x04" + random.Random(35).randbytes(200_000)
    return build(new_document(attachments=[Attachment.from_bytes("bad-zip", "ho-so.zip", data, "application/zip")]))


TO_FLOOD = 20_000


def to_flood() -> bytes:
    """A 225 KB package with 20,000 empty <To/>: one EDX-07 finding each, which must stay linear."""
    pkg = valid_package()
    at = pkg.index(b"<edXML:To>")
    return pkg[:at] + b"<edXML:To/>" * TO_FLOOD + pkg[at:]


def element_flood() -> bytes:
    """10 MB of empty sibling elements (2.5 million): the 50 MB limit must also bound memory."""
    ns = b"http://www.mic.gov.vn/TBT/QCVN_102_2016"
    return b'<edXML xmlns="' + ns + b'">' + b"<a/>" * 2_500_000 + b"</edXML>"
