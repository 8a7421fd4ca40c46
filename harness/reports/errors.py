"""The one exception renderers raise on bad input, with a Vietnamese message for the manifest."""

from __future__ import annotations


class ReportError(Exception):
    """Input a report cannot be made from (the message is Vietnamese, shown to the operator)."""
