"""Lateness in words (issue 25, item 13): each agency's standing against the round's deadline says who is
late, by how much and why, and an agency that completed in time is not called late."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from harness.trial.statement import duration_vi
from tests import reports_data as data


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (20, "1 phút"),
        (12 * 60, "12 phút"),
        (5 * 3600 + 600, "5 giờ 10 phút"),
        (2 * 86400 + 3 * 3600 + 59, "2 ngày 3 giờ"),
    ],
)
def test_durations_in_words(seconds: float, words: str) -> None:
    assert duration_vi(seconds) == words


def test_each_agency_against_the_deadline(tmp_path: Path) -> None:
    on_time, late, failing = data.statements(data.results(tmp_path))
    after = data.DEADLINE + timedelta(days=3)
    assert on_time.timing(after) == ("Đúng hạn", "")
    short, why = late.timing(after)
    assert short == "Trễ 1 ngày" and why.startswith("Hoàn thành lúc") and "so với thời hạn 17:00 ngày 25/11/2026" in why
    short, why = failing.timing(after)
    assert short == "Quá hạn 3 ngày" and why.startswith("Chưa hoàn thành: đã quá 3 ngày so với thời hạn 17:00")
    assert "còn 2 mục bắt buộc chưa đạt: RT-02, RT-12" in why, why  # RT-08 (not run) is only recommended
    assert failing.timing(data.DEADLINE - timedelta(hours=1)) == ("Còn hạn", "")
    no_deadline = replace(failing, round=replace(data.ROUND, deadline=None))
    assert no_deadline.timing(after) == ("—", "")
