"""One error base: every error class of harness/, simulators/ and load/ derives from LienthongError
(Vietnamese and English message, rule ID), except the few control-flow signals named below."""

from __future__ import annotations

import ast
import builtins
import pickle

from harness.errors import LienthongError
from harness.ids.agency import InvalidIdentifier
from harness.scenarios.context import StepFailure
from simulators.topology import TopologyError
from tests.conftest import REPO

SIGNALS = {
    "_Terminated": "SIGTERM turned into an orderly stop of `trial run`",
    "NotARegularFile": "caught by the function that raised it, which prints the Vietnamese refusal",
    "LoginRequired": "turned into a redirect to the login page",
    "TooLarge": "an axis body over the limit, answered by the axis' own refusal",
    "SlowBody": "a stalled axis body, answered by the axis' own refusal",
}
"""Exceptions used to unwind, never shown as an error: they carry no message to translate."""


def _classes() -> dict[str, list[str]]:
    """Every class of the three packages, by name, with the names of its bases."""
    out: dict[str, list[str]] = {}
    for folder in ("harness", "simulators", "load"):
        for path in sorted((REPO / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef):
                    bases = [b.id if isinstance(b, ast.Name) else ast.unparse(b).split(".")[-1] for b in node.bases]
                    out[f"{path.relative_to(REPO)}:{node.name}"] = bases
    return out


def _is_builtin_exception(name: str) -> bool:
    value = getattr(builtins, name, None)
    return isinstance(value, type) and issubclass(value, BaseException)


def test_every_error_class_derives_from_the_one_base() -> None:
    classes = _classes()
    by_name = {key.split(":")[1]: bases for key, bases in classes.items()}

    def chain(name: str, seen: frozenset[str] = frozenset()) -> set[str]:
        if name in seen or name not in by_name:
            return {name}
        out = {name}
        for base in by_name[name]:
            out |= chain(base, seen | {name})
        return out

    errors, outside = [], []
    for key, bases in classes.items():
        name = key.split(":")[1]
        ancestors = set().union({name}, *(chain(b) for b in bases))
        if not any(_is_builtin_exception(a) or a == "HTTPException" for a in ancestors):
            continue
        errors.append(name)
        if "LienthongError" not in ancestors and name not in SIGNALS:
            outside.append(key)
    assert len(errors) >= 25, errors
    assert outside == [], f"error classes outside LienthongError: {outside}"
    assert set(SIGNALS) <= set(errors)


def test_the_message_boilerplate_is_written_once() -> None:
    hits = [
        str(p.relative_to(REPO))
        for folder in ("harness", "simulators", "load")
        for p in (REPO / folder).rglob("*.py")
        if "self.message_vi = message_vi" in p.read_text(encoding="utf-8")
    ]
    assert hits == ["harness/errors.py"]


def test_an_error_carries_both_messages_and_its_rule() -> None:
    e = StepFailure("EDX-12", "Thiếu mã định danh người gửi.")
    assert isinstance(e, LienthongError) and isinstance(e, AssertionError)
    assert (e.rule, e.message_vi) == ("EDX-12", "Thiếu mã định danh người gửi.")
    assert str(e) == e.message_en == "[EDX-12] Thiếu mã định danh người gửi."
    ident = InvalidIdentifier("x", "sai dạng", "wrong shape")
    assert (ident.message_vi, ident.message_en, str(ident)) == ("'x': sai dạng", "'x': wrong shape", "'x': wrong shape")
    topo = TopologyError("thiếu khoá", where="demo.yaml: provinces[0]")
    assert topo.message_vi == str(topo) == "demo.yaml: provinces[0]: thiếu khoá" and topo.message_en == topo.message_vi
    plain = LienthongError("Không đọc được tệp.")
    again = pickle.loads(pickle.dumps(plain))
    assert (again.message_vi, again.message_en, again.rule) == ("Không đọc được tệp.", "Không đọc được tệp.", "")
