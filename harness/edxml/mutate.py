"""Seeded mutations of edXML packages, for fuzzing the validator and the axes.

Each mutation is a small, structure-aware or blind change of the kind a careless encoder, a
broken transport or an attacker produces: flipped and dropped bytes, truncation, markup spliced
from elsewhere in the package, odd nodes (comments, processing instructions, CDATA), character
references XML does not allow, entity and DOCTYPE declarations, duplicated attributes, and deep
or wide repetition. The same seed gives the same inputs, so a failure can be replayed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Sequence

Mutation = Callable[[random.Random, bytes], bytes]

ODD_SNIPPETS = (
    b"<!-- x -->",
    b"<?pi data?>",
    b"<![CDATA[<edXML:OrganId>]]>",
    b"&#xD800;",
    b"&#xDFFF;",
    b"&#0;",
    b"&#x1F;",
    b"&#1114112;",
    b"&undefined;",
    b"&amp;&lt;&gt;",
    b"\xff\xfe",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\x00",
    b"]]>",
    b"<",
    b"&",
    b'"',
    b"</edXML:edXMLEnvelope>",
    b"<edXML:To><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:To>",
    b'<!DOCTYPE x [<!ENTITY e "e">]>',
    b"\xf0\x9f\x98\x80",
    "Ủy ban nhân dân".encode(),
)


_START_TAG = re.compile(rb"<[^/?!]")


def _at(rng: random.Random, data: bytes) -> int:
    return rng.randrange(len(data) + 1)


def flip(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1 :]


def drop(rng: random.Random, data: bytes) -> bytes:
    i = _at(rng, data)
    return data[:i] + data[i + rng.randint(1, 64) :]


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: _at(rng, data)]


def insert_snippet(rng: random.Random, data: bytes) -> bytes:
    i = _at(rng, data)
    return data[:i] + rng.choice(ODD_SNIPPETS) + data[i:]


def into_element(rng: random.Random, data: bytes) -> bytes:
    """An odd snippet right after a start tag: inside OrganId, TraceHeader, ContentId..."""
    starts = [m.start() for m in _START_TAG.finditer(data)]
    if not starts:
        return insert_snippet(rng, data)
    start = rng.choice(starts)
    end = data.find(b">", start)
    if end < 0:
        return data
    return data[: end + 1] + rng.choice(ODD_SNIPPETS) + data[end + 1 :]


def splice(rng: random.Random, data: bytes) -> bytes:
    """A piece of the package copied elsewhere in it (duplicated or misplaced elements)."""
    if len(data) < 2:
        return data
    a = rng.randrange(len(data))
    piece = data[a : a + rng.randint(1, 400)]
    i = _at(rng, data)
    return data[:i] + piece + data[i:]


def duplicate_attribute(rng: random.Random, data: bytes) -> bytes:
    i = data.find(b"<edXML:", rng.randrange(max(1, len(data))))
    if i < 0:
        return insert_snippet(rng, data)
    end = data.find(b">", i)
    if end < 0 or data[end - 1 : end] == b"/":
        return data
    return data[:end] + b' a="1" a="2"' + data[end:]


def repeat(rng: random.Random, data: bytes) -> bytes:
    """Wide or deep repetition of a small element (bounded: a few hundred kilobytes)."""
    i = _at(rng, data)
    if rng.random() < 0.5:
        return data[:i] + b"<x/>" * rng.randint(100, 20_000) + data[i:]
    depth = rng.randint(50, 3_000)
    return data[:i] + b"<d>" * depth + b"</d>" * depth + data[i:]


MUTATIONS: tuple[Mutation, ...] = (
    flip,
    drop,
    truncate,
    insert_snippet,
    into_element,
    splice,
    duplicate_attribute,
    repeat,
)


def mutants(seeds: Sequence[bytes], seed: int, *, max_steps: int = 4) -> Iterator[bytes]:
    """An endless, reproducible stream of mutated packages (1 to `max_steps` mutations each)."""
    rng = random.Random(seed)
    while True:
        data = rng.choice(seeds)
        for _ in range(rng.randint(1, max_steps)):
            data = rng.choice(MUTATIONS)(rng, data)
        yield data
