"""Locust scenarios of the axis: agencies' document systems sending, receiving and returning statuses.

Run by `lienthong load` (harness/cli/load_cmd.py) in Locust's own processes: importing Locust
monkey-patches the standard library with gevent, so no module the tests or the harness import may
import this one. Every request is the real wire format of the axis' protocol (load/dialects.py): the
harness' VXP `Protocol` builds and signs it (HMAC-SHA256, as the VNPT SDK does) or its EdocService
`Protocol` builds it (as Bkav's SDK does), Locust's FastHttpUser (geventhttpclient) carries it, and the
harness' reply parsers read the answer. Packages come from `load.payloads` (harness builder and PDFs).

Three user classes, weighted by the scenario (load/scenario.yaml):

* `SendingAgency`: an agency sends a document to one to three other agencies of the province;
* `ReceivingAgency`: polls agencies' mailboxes in turn: getReceivedEdocList -> getEdoc ->
  updateStatus done (EdocService: getPendingDocIds -> getDocument -> confirmReceived), and queues a
  status return for part of what it received;
* `StatusReturner`: sends the queued statuses (messagetype=status) to the documents' senders and
  drains the senders' status mailboxes the same way.

Every accepted send and every acknowledged delivery is recorded (load/records.py) for the loss
accounting. In distributed mode the master reads the population and the scenario and hands them
to the workers (`lienthong_setup`), so a worker on another machine needs only the code; workers ship
their records to the master with their stats reports and, when the run stops, after their users
have finished their current task (`lienthong_flush`).
"""

from __future__ import annotations

import csv
import itertools
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gevent
from gevent.event import Event
from geventhttpclient.client import HTTPClientPool
from locust import FastHttpUser, events, task
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV

from harness.ids import parse_document_id
from harness.transport.vxp import MessageType
from load.dialects import Answer, Dialect, VxpDialect, Wire, dialect, package_head
from load.payloads import PackageFactory, token_of
from load.population import LoadAgency, Population
from load.records import Recorder, append_records
from load.scenario import Scenario, load_scenario

log = logging.getLogger("lienthong.load")

SETUP = "lienthong_setup"
FLUSH = "lienthong_flush"
FLUSHED = "lienthong_flushed"
RECORDS_KEY = "lienthong_records"
FLUSH_EVERY_S = 1.0
SETUP_WAIT_S = 120.0
STATUS_QUEUE = 10_000
STATUSES_PER_ITERATION = 5
READ_BLOCK = 256 * 1024
"""Socket reads of 256 KB instead of geventhttpclient's 4 KB: packages are megabytes."""


class Shared:
    """What the users of one Locust process share: population, scenario, payloads, records."""

    def __init__(self) -> None:
        self.ready = Event()
        self.population: Population | None = None
        self.scenario = Scenario()
        self.factory: PackageFactory | None = None
        self.recorder = Recorder()
        self.rng = random.Random()
        self.wire: Dialect = VxpDialect("", [])
        """The axis protocol's requests (load/dialects.py): VXP or EdocService."""
        self.agencies: list[LoadAgency] = []
        self.by_code: dict[str, LoadAgency] = {}
        self.statuses: deque[tuple[str, str]] = deque(maxlen=STATUS_QUEUE)
        """(reporter code, DocumentId) of received documents that await a status."""
        self.mailboxes: Iterator[LoadAgency] = iter(())
        self.status_boxes: Iterator[LoadAgency] = iter(())
        self.records_file: Path | None = None
        self.flushed: set[str] = set()

    def configure(self, population: Population, scenario: Scenario, offset: int = 0) -> None:
        """Set up from the population and scenario, and make every payload before users start."""
        self.population = population
        self.scenario = scenario
        self.agencies = list(population.agencies)
        self.by_code = population.by_code()
        self.wire = dialect(population.protocol, population.endpoint, self.agencies)
        self.factory = PackageFactory(self.agencies[0])
        self.factory.warm(list(scenario.doc_types), [s.bytes for s in scenario.sizes])
        # Processes start their rounds of the mailboxes at different agencies.
        start = offset % len(self.agencies)
        rotated = self.agencies[start:] + self.agencies[:start]
        self.mailboxes = itertools.cycle(rotated)
        self.status_boxes = itertools.cycle(rotated[::-1])
        self.ready.set()

    def wait_ready(self) -> None:
        if not self.ready.wait(SETUP_WAIT_S):
            raise RuntimeError("no population/scenario received (lienthong_setup)")

    def flush(self) -> None:
        if self.records_file is not None:
            self.recorder.flush(self.records_file)


SHARED = Shared()


# Command line and process set-up --------------------------------------------------------------


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument("--lienthong-population", default="", help="population JSON (load/population.py)")
    parser.add_argument("--lienthong-scenario", default="", help="scenario YAML (load/scenario.yaml)")
    parser.add_argument("--lienthong-records", default="", help="directory of the run's records")


def _options(environment: Environment) -> dict[str, Any]:
    return vars(environment.parsed_options) if environment.parsed_options is not None else {}


def _setup_payload(environment: Environment) -> dict[str, Any]:
    options = _options(environment)
    population = Population.load(options["lienthong_population"])
    scenario = load_scenario(options.get("lienthong_scenario") or None)
    return {"population": population.to_json(), "scenario": scenario.to_json()}


@events.init.add_listener
def _init(environment: Environment, **_: Any) -> None:
    runner = environment.runner
    options = _options(environment)
    if isinstance(runner, WorkerRunner):
        runner.register_message(SETUP, _on_setup, concurrent=True)
        runner.register_message(FLUSH, _on_flush, concurrent=True)
        environment.events.report_to_master.add_listener(_ship_records)
        return
    if options.get("lienthong_scenario"):
        _apply_weights(load_scenario(options["lienthong_scenario"]))
    records = options.get("lienthong_records")
    if records:
        name = "master" if isinstance(runner, MasterRunner) else f"local-{SHARED.recorder.node}"
        SHARED.records_file = Path(records) / f"{name}.jsonl"
    if isinstance(runner, MasterRunner):
        runner.register_message(FLUSHED, _on_flushed)
        environment.events.worker_report.add_listener(_collect_records)
        environment.events.test_start.add_listener(_send_setup)
        environment.events.test_stopping.add_listener(_flush_workers)
    else:
        gevent.spawn(_flusher)
        environment.events.test_stop.add_listener(lambda **_: SHARED.flush())
    environment.events.quitting.add_listener(lambda **_: SHARED.flush())
    environment.events.quitting.add_listener(_final_csv)


def _final_csv(environment: Environment, **_: Any) -> None:
    """Rewrite `<prefix>_stats.csv` from the final stats: Locust's writer only snapshots every second."""
    prefix = _options(environment).get("csv_prefix")
    if not prefix:
        return
    path = Path(f"{prefix}_stats.csv")
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        StatsCSV(environment, PERCENTILES_TO_REPORT).requests_csv(csv.writer(f))
    tmp.replace(path)


def _apply_weights(scenario: Scenario) -> None:
    for cls, kind in ((SendingAgency, "sender"), (ReceivingAgency, "receiver"), (StatusReturner, "status")):
        cls.weight = scenario.weights.get(kind, 0)


@events.test_start.add_listener
def _test_start(environment: Environment, **_: Any) -> None:
    """A standalone process sets itself up (a master hands the set-up to its workers, a worker waits for it)."""
    if isinstance(environment.runner, WorkerRunner | MasterRunner) or SHARED.ready.is_set():
        return
    payload = _setup_payload(environment)
    SHARED.configure(Population.from_json(payload["population"]), Scenario.from_json(payload["scenario"]))


def _send_setup(environment: Environment, **_: Any) -> None:
    """Master: hand the population and the scenario to every worker before their spawn message."""
    runner = environment.runner
    assert isinstance(runner, MasterRunner)
    payload = _setup_payload(environment)
    for client in runner.clients.all:
        runner.send_message(SETUP, {**payload, "offset": runner.get_worker_index(client.id)}, client.id)


def _on_setup(environment: Environment, msg: Any, **_: Any) -> None:
    data = msg.data
    SHARED.configure(
        Population.from_json(data["population"]), Scenario.from_json(data["scenario"]), int(data.get("offset", 0))
    )


def _flusher() -> None:
    while True:
        gevent.sleep(FLUSH_EVERY_S)
        SHARED.flush()


def _ship_records(client_id: str, data: dict[str, Any]) -> None:
    """Worker: records go to the master with every stats report."""
    data[RECORDS_KEY] = SHARED.recorder.take()


def _collect_records(client_id: str, data: dict[str, Any]) -> None:
    """Master: append what a worker shipped."""
    records = data.get(RECORDS_KEY)
    if records and SHARED.records_file is not None:
        append_records(SHARED.records_file, records)


def _on_flush(environment: Environment, msg: Any, **_: Any) -> None:
    """Worker: let the users finish their current task, then ship the last records."""
    runner = environment.runner
    assert isinstance(runner, WorkerRunner)
    runner.stop()
    runner.send_message(FLUSHED, {RECORDS_KEY: SHARED.recorder.take(), "node": SHARED.recorder.node})


def _on_flushed(environment: Environment, msg: Any, **_: Any) -> None:
    _collect_records(msg.node_id, msg.data)
    SHARED.flushed.add(msg.node_id)


def _flush_workers(environment: Environment, **_: Any) -> None:
    """Master, when the run stops: collect every worker's last records before Locust quits."""
    runner = environment.runner
    assert isinstance(runner, MasterRunner)
    workers = {c.id for c in runner.clients.all}
    SHARED.flushed.clear()
    runner.send_message(FLUSH)
    deadline = time.monotonic() + environment.stop_timeout + 15
    while not workers <= SHARED.flushed and time.monotonic() < deadline:
        gevent.sleep(0.1)
    missing = workers - SHARED.flushed
    if missing:
        log.error("no final records from %d worker(s): %s", len(missing), ", ".join(sorted(missing)))
    SHARED.flush()


# Users ----------------------------------------------------------------------------------------


def _wait(kind: str) -> Callable[[Any], float]:
    def wait_time(self: Any) -> float:
        lo, hi = SHARED.scenario.wait_s[kind]
        return SHARED.rng.uniform(lo, hi)

    return wait_time


class AgencySystem(FastHttpUser):
    """An agency's document system talking to the axis under load in the axis' protocol."""

    abstract = True
    network_timeout = 120.0
    connection_timeout = 10.0

    def __init__(self, environment: Environment) -> None:
        # The user's own connection pool, as FastHttpUser would make it, but with large reads.
        self.client_pool = HTTPClientPool(
            concurrency=self.concurrency,
            network_timeout=self.network_timeout,
            connection_timeout=self.connection_timeout,
            insecure=True,
            block_size=READ_BLOCK,
        )
        super().__init__(environment)

    def on_start(self) -> None:
        SHARED.wait_ready()

    def call(self, wire: Wire, check: Callable[[Answer], object] | None = None) -> tuple[Answer, Any] | None:
        """Send one request; a refusal (or `check` raising ValueError) counts as a failed request."""
        with self.client.request(
            wire.method,
            wire.url,
            name=wire.name,
            headers=wire.headers,
            data=wire.content or None,  # type: ignore[arg-type]  # geventhttpclient sends bytes as they are
            catch_response=True,
        ) as response:
            answer = SHARED.wire.read(response.status_code or 0, response.content or b"")
            if not answer.ok:
                response.failure(answer.error[:300])
                return None
            try:
                checked = check(answer) if check is not None else None
            except ValueError as exc:
                response.failure(f"{wire.name}: {exc}"[:300])
                return None
            response.success()
            return answer, checked

    def drain_mailbox(self, agency: LoadAgency, message_type: MessageType, *, return_statuses: bool) -> None:
        """Poll one mailbox: list, then fetch and acknowledge up to `poll_batch` deliveries."""
        wire = SHARED.wire
        listed = self.call(wire.listing(agency, message_type))
        if listed is None:
            return
        for doc_id, to in wire.waiting(listed[0])[: SHARED.scenario.poll_batch]:
            fetched = self.call(wire.fetch(agency, doc_id, message_type), package_head)
            if fetched is None:
                continue
            read = token_of(fetched[1])
            if self.call(wire.ack(agency, doc_id, message_type)) is None:
                continue
            receiver = to or agency.code
            SHARED.recorder.acked(
                kind=read[0] if read else str(message_type),
                receiver=receiver,
                doc_id=doc_id,
                token=read[1] if read else None,
            )
            if (
                return_statuses
                and read is not None
                and read[0] == MessageType.EDOC
                and SHARED.rng.random() < SHARED.scenario.status_ratio
            ):
                SHARED.statuses.append((receiver, read[1]))


class SendingAgency(AgencySystem):
    """Sends documents: one agency of the population to one to three others."""

    weight = 3
    wait_time = _wait("sender")

    @task
    def send_document(self) -> None:
        factory, rng, scenario = SHARED.factory, SHARED.rng, SHARED.scenario
        assert factory is not None
        sender = rng.choice(SHARED.agencies)
        others = [a for a in SHARED.agencies if a.code != sender.code]
        receivers = rng.sample(others, k=min(scenario.pick_fanout(rng), len(others)))
        built = factory.edoc(sender, receivers, doc_type=rng.choice(scenario.doc_types), size=scenario.pick_size(rng))
        sent = self.call(SHARED.wire.send(sender, built.data, MessageType.EDOC))
        if sent is not None:
            SHARED.recorder.sent(
                kind=built.kind,
                doc_id=SHARED.wire.sent_id(sent[0]),
                token=built.token,
                sender=sender.code,
                receivers=[r.code for r in receivers],
                size=len(built.data),
            )


class ReceivingAgency(AgencySystem):
    """Polls the agencies' document mailboxes in turn (poll -> get -> ack)."""

    weight = 2
    wait_time = _wait("receiver")

    @task
    def poll(self) -> None:
        self.drain_mailbox(next(SHARED.mailboxes), MessageType.EDOC, return_statuses=True)


class StatusReturner(AgencySystem):
    """Returns statuses for received documents and drains the senders' status mailboxes."""

    weight = 1
    wait_time = _wait("status")

    @task
    def return_statuses(self) -> None:
        factory = SHARED.factory
        assert factory is not None
        for _ in range(min(STATUSES_PER_ITERATION, len(SHARED.statuses))):
            reporter_code, document_id = SHARED.statuses.popleft()
            reporter = SHARED.by_code.get(reporter_code)
            answered = parse_document_id(document_id)
            if reporter is None or answered is None:
                continue
            built = factory.status(reporter, document_id)
            sent = self.call(SHARED.wire.send(reporter, built.data, MessageType.STATUS))
            if sent is not None:
                SHARED.recorder.sent(
                    kind=built.kind,
                    doc_id=SHARED.wire.sent_id(sent[0]),
                    token=built.token,
                    sender=reporter.code,
                    receivers=[answered.organ_id],
                    size=len(built.data),
                )
        self.drain_mailbox(next(SHARED.status_boxes), MessageType.STATUS, return_statuses=False)


__all__ = ["ReceivingAgency", "SendingAgency", "StatusReturner"]
