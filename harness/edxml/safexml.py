"""Safe loading of untrusted XML: size and depth limits, no DTD, no entities, no network.

Every refusal is a `Problem` (later an EDX-01 finding), never an exception: a package that is not
XML at all, is truncated, is not UTF-8 or carries a billion-laughs DTD gets a precise message and
the caller goes on with the next input. Stray bytes before the XML declaration (a real VNPT SDK
sample starts with `1212`) are reported and, in lenient mode, skipped.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from lxml import etree

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_DEPTH = 100
DEFAULT_MAX_TAGS = 500_000
DEFAULT_MAX_ATTRIBUTES = 100_000
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for one package."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_tags: int = DEFAULT_MAX_TAGS  # count of '<' in the input: bounds libxml2's per-node memory
    max_attributes: int = DEFAULT_MAX_ATTRIBUTES
    """Count of `="` and `='` in the input: each attribute costs libxml2 and lxml ~300 bytes, so
    four million of them in a 50 MB package would take 1.5 GB before any rule runs."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Why (part of) the input is not well-formed or not acceptable."""

    location: str
    message_vi: str
    message_en: str


@dataclass(slots=True)
class Loaded:
    """Outcome of loading: a root element when parsing could go on, and the problems met."""

    root: etree._Element | None
    problems: list[Problem] = field(default_factory=list)


def _parser(recover: bool) -> etree.XMLParser:
    # No DTD loading, no entity substitution, no network; huge_tree only lifts libxml2's 10 MB
    # text-node cap (large attachments): DTDs are refused before parsing and depth is checked here.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        recover=recover,
        collect_ids=False,
        encoding="utf-8",
    )


_local = threading.local()


def _get_parser(recover: bool) -> etree.XMLParser:
    """One parser pair per thread: lxml parsers must not be shared between threads."""
    key = "recover" if recover else "strict"
    parser: etree.XMLParser | None = getattr(_local, key, None)
    if parser is None:
        parser = _parser(recover)
        setattr(_local, key, parser)
    return parser


def _prolog_has_doctype(data: bytes, start: int) -> bool:
    """True when a DOCTYPE appears before the root element (declaration, PIs, comments skipped)."""
    i, n = start, len(data)
    while i < n:
        c = data[i]
        if c in b" \t\r\n":
            i += 1
            continue
        if data.startswith(b"<?", i):
            end = data.find(b"?>", i + 2)
            if end < 0:
                return False
            i = end + 2
        elif data.startswith(b"<!--", i):
            end = data.find(b"-->", i + 4)
            if end < 0:
                return False
            i = end + 3
        else:
            return data.startswith(b"<!DOCTYPE", i) or data.startswith(b"<!doctype", i)
    return False


def _too_deep(root: etree._Element, max_depth: int) -> bool:
    """True when some element sits deeper than `max_depth`; a counter, no per-element Python state."""
    depth = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > max_depth:
                return True
        else:
            depth -= 1
    return False


_ENCODED_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")


def _undecodable(root: etree._Element) -> str | None:
    """The path of the first node whose text or attributes cannot be decoded, if any."""
    for el in root.iter():
        try:
            _ = (el.tag, el.text, el.tail, list(el.attrib.items()), el.nsmap)
        except UnicodeDecodeError:
            try:
                return root.getroottree().getpath(el)
            except (MemoryError, ValueError):  # lxml cannot name some recovered nodes
                return "/"
    return None


def _utf16(data: bytes) -> bool:
    head = data[:4]
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or head in (b"<\x00?\x00", b"\x00<\x00?")


def _invalid_utf8(body: bytes, first: int, data: bytes) -> Problem | None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = first + exc.start
        line = data.count(b"\n", 0, offset) + 1
        return Problem(
            f"byte {offset} (dòng {line})",
            f"Chuỗi byte không phải UTF-8 hợp lệ tại byte {offset}, dòng {line}.",
            f"Invalid UTF-8 byte sequence at byte {offset}, line {line}.",
        )
    return None


def _looks_like_markup(data: bytes, at: int) -> bool:
    """True when `at` starts an XML declaration or a start tag: only then are the bytes before it "stray"."""
    nxt = data[at + 1 : at + 2]
    return data.startswith(b"<?xml", at) or (nxt.isalpha() and nxt.isascii()) or nxt == b"_"


def _preview(raw: bytes) -> str:
    return raw[:16].decode("latin-1").encode("unicode_escape").decode("ascii")


MAX_SYNTAX_PROBLEMS = 20


def _syntax_problems(log: etree._ListErrorLog, exc: etree.XMLSyntaxError) -> list[Problem]:
    """One problem per libxml2 error (capped), falling back to the exception itself."""
    entries = [(e.line, e.column, e.message.strip()) for e in log if e.level_name in ("ERROR", "FATAL")]
    if not entries:
        line, col = exc.position
        entries = [(line, col, exc.msg)]
    out = [
        Problem(
            f"dòng {line}, cột {col}",
            f"XML không hợp lệ tại dòng {line}, cột {col}: {msg}",
            f"Malformed XML at line {line}, column {col}: {msg}",
        )
        for line, col, msg in entries[:MAX_SYNTAX_PROBLEMS]
    ]
    if len(entries) > MAX_SYNTAX_PROBLEMS:
        more = len(entries) - MAX_SYNTAX_PROBLEMS
        out.append(Problem("/", f"... và {more} lỗi cú pháp khác.", f"... and {more} more syntax errors."))
    return out


def load(data: bytes, *, strict: bool = False, limits: Limits | None = None) -> Loaded:
    """Parse `data` safely; see the module docstring for what is refused."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        return Loaded(
            None,
            [
                Problem(
                    "/",
                    f"Gói tin {len(data):,} byte vượt giới hạn {limits.max_bytes:,} byte; không phân tích.",
                    f"Package of {len(data):,} bytes exceeds the {limits.max_bytes:,}-byte limit; not parsed.",
                )
            ],
        )
    problems: list[Problem] = []
    start = len(_BOM) if data.startswith(_BOM) else 0
    first = data.find(b"<", start)
    if _utf16(data):
        return Loaded(
            None,
            [
                Problem(
                    "/",
                    "Gói tin mã hóa UTF-16; edXML phải mã hóa UTF-8.",
                    "Package is encoded in UTF-16; edXML must be UTF-8.",
                )
            ],
        )
    if first < 0 or not data[start:].strip():
        what_vi = "Tệp rỗng" if not data.strip() else "Nội dung không phải XML (không có thẻ nào)"
        what_en = "Empty file" if not data.strip() else "Content is not XML (no markup at all)"
        return Loaded(None, [Problem("/", f"{what_vi}.", f"{what_en}.")])
    if first > start and not _looks_like_markup(data, first):
        return Loaded(
            None,
            [
                Problem(
                    "/",
                    f"Nội dung không phải XML (bắt đầu bằng '{_preview(data[start:])}').",
                    f"Content is not XML (starts with '{_preview(data[start:])}').",
                )
            ],
        )
    if first > start:
        stray = data[start:first]
        problems.append(
            Problem(
                "/",
                f"Có {len(stray)} byte lạ trước khai báo XML ('{_preview(stray)}'); "
                + ("chế độ nghiêm ngặt từ chối gói tin." if strict else "bỏ qua và phân tích tiếp."),
                f"{len(stray)} stray byte(s) before the XML declaration ('{_preview(stray)}'); "
                + ("strict mode refuses the package." if strict else "skipped, parsing goes on."),
            )
        )
        if strict:
            return Loaded(None, problems)
    body = data[first:]
    tags = body.count(b"<")
    if tags > limits.max_tags:
        problems.append(
            Problem(
                "/",
                f"Gói tin có {tags:,} thẻ, vượt giới hạn {limits.max_tags:,}; không phân tích.",
                f"Package has {tags:,} tags, over the {limits.max_tags:,} limit; not parsed.",
            )
        )
        return Loaded(None, problems)
    attributes = body.count(b'="') + body.count(b"='")
    if attributes > limits.max_attributes:
        problems.append(
            Problem(
                "/",
                f"Gói tin có khoảng {attributes:,} thuộc tính, vượt giới hạn {limits.max_attributes:,}; "
                "không phân tích.",
                f"Package has about {attributes:,} attributes, over the {limits.max_attributes:,} limit; not parsed.",
            )
        )
        return Loaded(None, problems)
    if _prolog_has_doctype(body, 0):
        problems.append(
            Problem(
                "/",
                "Gói tin có khai báo DOCTYPE/DTD; bị cấm vì nguy cơ thực thể ngoài và bom XML.",
                "Package declares a DOCTYPE/DTD; refused (external entity and XML bomb risk).",
            )
        )
        return Loaded(None, problems)
    if _ENCODED_SURROGATE.search(body):
        # libxml2 lets UTF-8-encoded surrogates through, and no Python decoder takes them back.
        bad = _invalid_utf8(body, first, data)
        if bad is not None:
            problems.append(bad)
            return Loaded(None, problems)
    strict_parser = _get_parser(False)
    try:
        root = etree.fromstring(body, strict_parser)
    except etree.XMLSyntaxError as exc:
        # Only now pay for a UTF-8 scan: it turns libxml2's encoding error into a byte offset.
        bad_utf8 = _invalid_utf8(body, first, data)
        if bad_utf8 is not None:
            problems.append(bad_utf8)
            return Loaded(None, problems)
        # The parser's own log, never exc.error_log: that one is thread-wide and leaks earlier packages.
        if strict:
            problems.extend(_syntax_problems(strict_parser.error_log, exc))
            return Loaded(None, problems)
        recover = _get_parser(True)
        recovered: etree._Element | None
        try:
            recovered = etree.fromstring(body, recover)
        except etree.XMLSyntaxError:
            recovered = None
        problems.extend(_syntax_problems(recover.error_log, exc))
        if recovered is None:
            return Loaded(None, problems)
        where = _undecodable(recovered)
        if where is not None:
            # libxml2 recovers a surrogate reference (&#xD800;..&#xDFFF;) as bytes no decoder accepts.
            problems.append(
                Problem(
                    where,
                    "Gói tin chứa ký tự không hợp lệ trong XML (tham chiếu tới ký tự thay thế UTF-16, "
                    "&#xD800;–&#xDFFF;); không phân tích.",
                    "Package holds a character XML does not allow (a UTF-16 surrogate reference, "
                    "&#xD800;-&#xDFFF;); not parsed.",
                )
            )
            return Loaded(None, problems)
        root = recovered
    if _too_deep(root, limits.max_depth):
        problems.append(
            Problem(
                "/",
                f"Cây XML sâu quá giới hạn {limits.max_depth} mức.",
                f"XML nesting exceeds the {limits.max_depth}-level limit.",
            )
        )
        return Loaded(None, problems)
    return Loaded(root, problems)
