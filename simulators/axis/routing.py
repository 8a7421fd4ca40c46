"""Where a receiver's mail goes from this axis: a local mailbox, the national axis, or nowhere."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from simulators.axis.config import AxisConfig, Role, SystemSpec
from simulators.axis.store import level1_of


class Route(StrEnum):
    LOCAL = "local"
    UPSTREAM = "upstream"
    UNKNOWN = "unknown"


def owns(system: SystemSpec, organ: str) -> bool:
    """A system may act for (send as, receive for) exact organs and whole level-1 domains."""
    return organ in system.organs or (bool(system.domains) and level1_of(organ) in system.domains)


class Router:
    """Provincial: the home domain and locally registered organs are local, the rest goes up.
    National: anything a system serves, or that the directory knows, is local; else unknown."""

    def __init__(self, config: AxisConfig) -> None:
        self.config = config
        self.systems: list[SystemSpec] = []
        self.directory: set[str] = set()

    def update(self, systems: Iterable[SystemSpec], directory: Iterable[str]) -> None:
        self.systems = list(systems)
        self.directory = set(directory)

    def route(self, receiver: str) -> Route:
        if self.config.role is Role.PROVINCIAL and level1_of(receiver) in self.config.domains:
            return Route.LOCAL
        if any(owns(s, receiver) for s in self.systems):
            return Route.LOCAL
        if self.config.role is Role.NATIONAL and receiver in self.directory:
            return Route.LOCAL
        if self.config.upstream is not None:
            return Route.UPSTREAM
        return Route.UNKNOWN
