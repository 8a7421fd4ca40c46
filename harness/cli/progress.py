"""The live display of `lienthong trial run`: scenarios (not attempts) passed and failed, and one bar per
phase (first runs, the runs again of failures, the reports) with its rate and the time left."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from harness.scenarios.results import Outcome, ScenarioResult


class TrialProgress:
    """Listens to the campaign (harness.trial.campaign.Listener) and draws the bars.

    A scenario counts once: its latest attempt says whether it passed, so a retry that passes moves it
    from "không đạt" to "đạt" and the totals never exceed the number of scenarios. Failures run again while
    the first runs go on (each system's right after its own lane): their bar grows as they are queued and
    the first bar's total never changes."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TextColumn("[cyan]{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("còn"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.console = console
        self.latest: dict[tuple[str, str, str], bool] = {}
        self.task: TaskID | None = None
        self.first: TaskID | None = None
        self.again: TaskID | None = None
        self.unit = "kịch bản"

    def _counts(self) -> str:
        passed = sum(1 for ok in self.latest.values() if ok)
        failed = len(self.latest) - passed
        return f"[green]{passed} đạt[/] [red]{failed} không đạt[/]"

    def _start(self, description: str, total: int, unit: str) -> None:
        for task in (self.task, self.again):
            if task is not None:
                self.progress.update(task, rate="")
                self.progress.stop_task(task)
        self.unit = unit
        self.task = self.progress.add_task(description, total=total, counts=self._counts(), rate="")

    def _advance(self, n: int, task: TaskID | None = None) -> None:
        task = self.task if task is None else task
        if task is None:
            return
        self.progress.update(task, advance=n, counts=self._counts())
        speed = self.progress.tasks[task].speed
        if speed:
            per = f"{speed:.1f} {self.unit}/giây" if speed >= 1 else f"{60 * speed:.1f} {self.unit}/phút"
            self.progress.update(task, rate=per)

    def listen(self, kind: str, data: Any) -> None:
        if kind == "plan":
            pending = sum(data.values())
            done = sum(1 for n in data.values() if n == 0)
            self.console.print(
                f"{len(data)} cơ quan, {pending} kịch bản cần chạy"
                + (f" ({done} cơ quan đã chạy xong trước đó)" if done else "")
            )
            self._start("Chạy thử", pending, "kịch bản")
            self.first = self.task
        elif kind == "phase" and self.first is not None and not self.progress.tasks[self.first].finished:
            self.progress.update(self.first, description=str(data))
        elif kind == "again":
            if self.again is None:
                self.again = self.progress.add_task(
                    "Chạy lại kịch bản không đạt", total=int(data), counts=self._counts(), rate=""
                )
            else:
                total = self.progress.tasks[self.again].total or 0
                self.progress.update(self.again, total=total + int(data))
        elif kind == "result":
            result: ScenarioResult = data
            key = (result.agency, result.scenario_id, result.name)
            rerun = key in self.latest
            self.latest[key] = result.outcome is Outcome.PASSED
            self._advance(1, self.again if rerun and self.again is not None else self.first)
        elif kind == "reports":
            self._start("Viết báo cáo", int(data), "tệp")
        elif kind == "reported":
            self._advance(int(data))
