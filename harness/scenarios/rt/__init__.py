"""The RT checks: what the harness does and verifies around a document system under test.

Everything is judged from the axis: what the probes receive from the system, what the journal
and the delivery table say it fetched and acknowledged. The driver only makes the system act;
its own registers (backchannel) are used where the axis cannot show a fact (registrations).

One module per feature group, named after its feature file (rt03_gui.py holds the sending checks of RT-02,
RT-03, RT-10 and RT-11), what they share in common.py; the steps of features/steps/agency.py call only the
names this package exports.
"""

from harness.scenarios.rt.common import ACTIONS_VI, FOLLOW_UP_VI, recipients
from harness.scenarios.rt.rt01_ket_noi import (
    sut_calls_ok,
    sut_in_directory,
    sut_read_directory,
    wrong_credentials_refused,
)
from harness.scenarios.rt.rt03_gui import (
    nothing_sent,
    outbound_edx_ok,
    outbound_received,
    outbound_signed,
    secret_refused,
    sut_sends,
)
from harness.scenarios.rt.rt04_nhan import (
    clerk,
    duplicate_next_delivery,
    fetched,
    fetched_done,
    not_accepted,
    poll_cadence,
    registered_once,
    send_defective_to_sut,
    send_document_to_sut,
    status_arrives,
    status_chain_ok,
)
from harness.scenarios.rt.rt06_nhat_ky import probe_returns_statuses, sent_register_shows, statuses_fetched
from harness.scenarios.rt.rt08_thu_hoi import probe_follow_up, recall_arrives, sut_recalls
from harness.scenarios.rt.rt09_hoa_toc import flash_after_normal, flash_fetched_in_time, flash_registered_first
from harness.scenarios.rt.rt12_goi_tin_loi import broken_refused, inject_broken_then_good

__all__ = [
    "ACTIONS_VI",
    "FOLLOW_UP_VI",
    "broken_refused",
    "clerk",
    "duplicate_next_delivery",
    "fetched",
    "fetched_done",
    "flash_after_normal",
    "flash_fetched_in_time",
    "flash_registered_first",
    "inject_broken_then_good",
    "not_accepted",
    "nothing_sent",
    "outbound_edx_ok",
    "outbound_received",
    "outbound_signed",
    "poll_cadence",
    "probe_follow_up",
    "probe_returns_statuses",
    "recall_arrives",
    "recipients",
    "registered_once",
    "secret_refused",
    "send_defective_to_sut",
    "send_document_to_sut",
    "sent_register_shows",
    "status_arrives",
    "status_chain_ok",
    "statuses_fetched",
    "sut_calls_ok",
    "sut_in_directory",
    "sut_read_directory",
    "sut_recalls",
    "sut_sends",
    "wrong_credentials_refused",
]
