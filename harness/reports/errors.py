"""The one exception renderers raise on bad input, with a Vietnamese message for the manifest."""

from __future__ import annotations

from harness.errors import LienthongError


class ReportError(LienthongError):
    """Input a report cannot be made from (the message is Vietnamese, shown to the operator)."""
