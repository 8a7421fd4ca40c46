"""The AX-* run-tests: what a provincial axis operator checks on their own axis (pilot-run-tests.md).

The axis is the system under test; the harness plays the agencies around it (probes: `local` and
`local2` in the province, `remote` in another province, `central` on the national axis) and talks
to the axis only through the VXP protocol, so every check works against a real axis URL as well as
a simulated one. Only AX-08 needs more: a way to crash and restart the axis (`World.restart_axis`).

One module per feature file (ax01_xac_thuc.py for features/ax/ax01_xac_thuc.feature; AX-03 and AX-05 share
ax03_truc_quoc_gia.py), what they share in common.py; the steps of features/steps/axis.py call only the
names this package exports. A failed check
raises `fail(ctx, "AX-0N", "<Vietnamese message with the numbers and ids>")`. Every scenario
acknowledges what its probes received (probes collect and acknowledge everything), so the
scenarios run in any order and again and again against the same axis.
"""

from harness.scenarios.ax.ax01_xac_thuc import (
    ax01_call,
    ax01_expect_from_refused,
    ax01_expect_no_foreign_from_delivery,
    ax01_expect_no_side_effect,
    ax01_expect_refused,
    ax01_expect_success,
    ax01_send_with_foreign_from,
)
from harness.scenarios.ax.ax03_truc_quoc_gia import expect_trace_per_hop, expect_via_national
from harness.scenarios.ax.ax04_chuyen_trang_thai import expect_statuses_back, send_statuses
from harness.scenarios.ax.ax06_cach_ly_hop_thu import (
    expect_foreign_access_like_unknown,
    expect_not_listed_for_other,
    expect_still_waiting_for_owner,
    find_waiting_package,
)
from harness.scenarios.ax.ax07_chong_trung_lap import (
    expect_acknowledged_never_listed,
    expect_resend_refused_or_deduplicated,
    resend_same_document_id,
)
from harness.scenarios.ax.ax08_ben_vung import crash_and_restart, require_restart
from harness.scenarios.ax.ax09_tai import (
    expect_burst_delivered_once,
    expect_burst_p95,
    expect_burst_without_errors,
    send_burst,
)
from harness.scenarios.ax.ax10_dau_vao_xau import expect_clear_refusal, expect_still_serving, send_bad_input
from harness.scenarios.ax.ax11_chong_gia_mao import (
    duplicated_systemid,
    expect_duplicate_refused,
    expect_hash_not_delivered,
    expect_hash_refused,
    expect_replay_refused,
    expect_status_once,
    expect_unsigned_ignored,
    mismatched_hash,
    replay_status,
    unsigned_parameter,
)
from harness.scenarios.ax.ax12_suc_ben import expect_others_served, hold_slow_connections, send_with_trace_comment
from harness.scenarios.ax.common import (
    expect_delivered,
    expect_exactly_once,
    require_probes,
    roles_of_phrase,
    send_to_phrase,
)

__all__ = [
    "ax01_call",
    "ax01_expect_from_refused",
    "ax01_expect_no_foreign_from_delivery",
    "ax01_expect_no_side_effect",
    "ax01_expect_refused",
    "ax01_expect_success",
    "ax01_send_with_foreign_from",
    "crash_and_restart",
    "duplicated_systemid",
    "expect_acknowledged_never_listed",
    "expect_burst_delivered_once",
    "expect_burst_p95",
    "expect_burst_without_errors",
    "expect_clear_refusal",
    "expect_delivered",
    "expect_duplicate_refused",
    "expect_exactly_once",
    "expect_foreign_access_like_unknown",
    "expect_hash_not_delivered",
    "expect_hash_refused",
    "expect_not_listed_for_other",
    "expect_others_served",
    "expect_replay_refused",
    "expect_resend_refused_or_deduplicated",
    "expect_status_once",
    "expect_statuses_back",
    "expect_still_serving",
    "expect_still_waiting_for_owner",
    "expect_trace_per_hop",
    "expect_unsigned_ignored",
    "expect_via_national",
    "find_waiting_package",
    "hold_slow_connections",
    "mismatched_hash",
    "replay_status",
    "require_probes",
    "require_restart",
    "resend_same_document_id",
    "roles_of_phrase",
    "send_bad_input",
    "send_burst",
    "send_statuses",
    "send_to_phrase",
    "send_with_trace_comment",
    "unsigned_parameter",
]
