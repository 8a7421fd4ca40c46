"""The one base of the errors lienthong raises on purpose.

Every such error carries what the operator reads (Vietnamese, `message_vi`), what a log or an
English-speaking integrator reads (`message_en`, the Vietnamese one when there is no translation)
and the rule it enforces where there is one (`rule`, e.g. EDX-12). Callers that show errors to
people catch `LienthongError` and print `message_vi`; anything else that escapes is a bug.
"""

from __future__ import annotations


class LienthongError(Exception):
    """An error lienthong means to report: bad input, an unusable file, a refused request."""

    def __init__(self, message_vi: str, *, message_en: str = "", rule: str = "") -> None:
        super().__init__(message_en or message_vi)
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        self.rule = rule


__all__ = ["LienthongError"]
