"""The `operator` driver: a real vendor system without a backchannel, worked by a clerk (văn thư).

Every command prints one numbered Vietnamese instruction in the words of the system's own screens
("Văn bản đi", "Văn bản đến", "Tiếp nhận", "Từ chối", ...) and returns at once with
`Command(True, instructed_only=True)`: the scenario then waits for the effect on the axis with its
own deadline (and calls `announce_wait` so the clerk knows what the harness is waiting for).

`attest` asks the operator to vouch for a step the axis cannot show (the system blocked a secret
document, the register shows the document once, ...). The answer, an optional note and an optional
evidence file path are read line by line from `inp`; each attestation is appended to a JSONL log.
A missing answer (no input stream, end of input, timeout, or no valid answer after the re-asks)
is recorded as "không trả lời": attesting never blocks forever and never raises.

With a `board` (the trial console's task list, harness.trial.tasks.StoreTaskBoard), every
instruction and every attestation is also posted as a task for the agency's clerk; an attestation
then waits on the clerk's answer in the console (done / not possible, note, screenshots) instead of
standard input, with the same timeout. An instruction the clerk marks "not possible" ends the
scenario's wait on the axis early (`abandoned`). The terminal stays the other way: without a board
nothing changes.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Protocol, TextIO

from harness.backchannel.models import ACTION_STATUS, Action, ReceivedDocument, SendRequest, SentDocument
from harness.drivers.base import Attestation, Command
from harness.ids.document import parse_document_id

ANSWER_YES = "đạt"
ANSWER_NO = "không đạt"
ANSWER_NONE = "không trả lời"

YES_WORDS = frozenset({"đạt", "dat", "có", "co", "yes", "y"})
NO_WORDS = frozenset({"không đạt", "khong dat", "không", "khong", "no", "n"})
MAX_REASKS = 3
"""An answer that is neither yes nor no is asked again at most this many times."""

PRIORITY_NAMES = {
    "0": "Thường",
    "1": "Khẩn",
    "2": "Thượng khẩn",
    "3": "Hỏa tốc",
    "4": "Hỏa tốc hẹn giờ",
}

STATUS_NAMES = {
    "02": "Từ chối tiếp nhận",
    "03": "Đã tiếp nhận",
    "04": "Phân công",
    "05": "Đang xử lý",
    "06": "Hoàn thành",
    "13": "Lấy lại / thu hồi",
    "15": "Đồng ý cập nhật / lấy lại",
    "16": "Từ chối cập nhật / lấy lại",
}

SIGNING_RULE = (
    "Ký số đầy đủ: chữ ký người có thẩm quyền, sau đó chữ ký cơ quan (Nghị định 30/2020/NĐ-CP); "
    "văn bản không ký số sẽ bị nơi nhận từ chối"
)
DEFAULT_REJECT_REASON = "Văn bản gửi không đúng thẩm quyền (kiểm thử liên thông)"


@dataclass(frozen=True, slots=True)
class TaskAnswer:
    """A clerk's answer to a posted task."""

    state: str
    """done, impossible or expired."""
    who: str
    note: str = ""
    files: list[str] | None = None


class TaskBoard(Protocol):
    """Where instructions and attestations are posted for a clerk, and their answers read back."""

    def post(
        self,
        number: int,
        kind: str,
        title: str,
        text: str,
        *,
        expect_vi: str = "",
        document: str = "",
        deadline: datetime | None = None,
    ) -> int: ...

    def set_deadline(self, task_id: int, deadline: datetime) -> None: ...

    def poll(self, task_id: int) -> TaskAnswer | None:
        """None while the task is open."""

    def expire(self, task_id: int) -> None: ...


BOARD_POLL_SECONDS = 0.3


class _Default(Enum):
    STDIN = "stdin"


_EOF = object()
"""Put on the answer queue when the input stream ends."""


@dataclass(slots=True)
class Instruction:
    """One instruction shown to the clerk (also for the trial page)."""

    number: int
    title: str
    text: str
    at: datetime


def _now() -> datetime:
    return datetime.now().astimezone()


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).strip().lower().rstrip(".!").split())


def parse_answer(text: str) -> str | None:
    """ANSWER_YES, ANSWER_NO, or None when the line is neither."""
    word = _normalise(text)
    if word in YES_WORDS:
        return ANSWER_YES
    if word in NO_WORDS:
        return ANSWER_NO
    return None


class OperatorDriver:
    name = "operator"

    def __init__(
        self,
        organ_id: str,
        agency_name: str,
        operator: str,
        *,
        out: TextIO | None = None,
        inp: TextIO | _Default | None = _Default.STDIN,
        log_path: Path,
        agencies: dict[str, str] | None = None,
        answer_timeout: float | None = 3600.0,
        board: TaskBoard | None = None,
    ) -> None:
        """`out` defaults to stdout and `inp` to stdin (None: nobody answers, every attestation is
        "không trả lời"). `agencies` maps agency codes to names for readable instructions.
        `answer_timeout` bounds each line the operator is asked for (None: wait as long as it takes)."""
        self.organ_id = organ_id
        self.agency_name = agency_name
        self.operator = operator
        self._out = out
        self._inp: TextIO | None = sys.stdin if inp is _Default.STDIN else inp
        self.log_path = log_path
        self.agencies = dict(agencies or {})
        self.agencies.setdefault(organ_id, agency_name)
        self.answer_timeout = answer_timeout
        self.board = board
        self._task: int | None = None
        """The board task of the latest instruction (what the scenario now waits for on the axis)."""
        self._task_title = ""
        self.instructions: list[Instruction] = []
        self.attestations: list[Attestation] = []
        self._step = 0
        self._lines: queue.Queue[object] = queue.Queue()
        self._reader: threading.Thread | None = None
        self._eof = False
        self._stale = False

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.organ_id!r}, operator={self.operator!r})"

    # -- output ---------------------------------------------------------------------------------

    @property
    def out(self) -> TextIO:
        return self._out if self._out is not None else sys.stdout

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _next_step(self) -> int:
        self._step += 1
        return self._step

    def agency(self, code: str) -> str:
        """The agency as "Sở Y tế (mã 000.00.12.H41)", or the bare code when the name is unknown."""
        name = self.agencies.get(code)
        return f"{name} (mã {code})" if name else f"mã {code} (chưa có tên trong danh bạ)"

    def document(self, document_id: str, from_organ: str | None = None) -> str:
        """Which document, as a clerk finds it in the register: number/notation, date, sender."""
        parsed = parse_document_id(document_id)
        if parsed is None:
            sender = f" của {self.agency(from_organ)}" if from_organ else ""
            return f"văn bản có mã DocumentId «{document_id}»{sender}"
        date = parsed.date
        parts = date.split("/")
        if len(parts) == 3 and len(parts[0]) == 4:
            date = f"{parts[2]}/{parts[1]}/{parts[0]}"
        sender = self.agency(from_organ or parsed.organ_id)
        return f"văn bản số {parsed.number}/{parsed.notation} ngày {date} của {sender}, DocumentId «{document_id}»"

    def _instruct(self, title: str, lines: list[str], expect: str, document: str = "") -> Command:
        number = self._next_step()
        header = f"══ Bước {number} · {title} · văn thư {self.agency_name} ({self.organ_id}) ══"
        body = [header, *lines, f"→ Bộ kiểm thử sẽ chờ trên trục: {expect}"]
        text = "\n".join(body)
        self.instructions.append(Instruction(number, title, text, _now()))
        self._print("\n" + text)
        if self.board is not None:
            self._task = self.board.post(
                number, "instruction", title, "\n".join(lines), expect_vi=expect, document=document
            )
            self._task_title = title
        return Command(True, instructed_only=True)

    def abandoned(self) -> str | None:
        """Why the scenario need not wait any longer: the clerk marked the current instruction not possible."""
        if self.board is None or self._task is None:
            return None
        answer = self.board.poll(self._task)
        if answer is None or answer.state != "impossible":
            return None
        note = f": «{answer.note}»" if answer.note else ""
        return f"văn thư {answer.who} báo không thực hiện được bước «{self._task_title}»{note}"

    # -- Driver ---------------------------------------------------------------------------------

    def start(self) -> None:
        self._print(
            f"Người vận hành {self.operator} thao tác trên hệ thống quản lý văn bản của "
            f"{self.agency_name} ({self.organ_id}). Làm từng bước theo hướng dẫn bên dưới."
        )

    def close(self) -> None:
        """Nothing to release: the reader thread (if any) is a daemon blocked on the input stream."""

    def send_document(self, request: SendRequest) -> Command:
        recipients = "; ".join(self.agency(code) for code in request.recipients)
        priority = PRIORITY_NAMES.get(request.priority, f"mức {request.priority}")
        priority_line = f"  • Độ khẩn: {priority} (mã {request.priority})"
        if request.priority in ("3", "4"):
            priority_line += " — chọn đúng mức HỎA TỐC"
        subject = request.subject or f"Kiểm thử liên thông: {request.doc_type}"
        if request.secret:
            lines = [
                'Vào màn hình "Văn bản đi", soạn một văn bản và đánh dấu độ mật «MẬT»:',
                f"  • Loại văn bản: {request.doc_type}",
                f"  • Nơi nhận: {recipients}",
                f"  • Trích yếu: {subject}",
                "  • Độ mật: MẬT",
                'Rồi THỬ gửi liên thông qua trục (bấm "Gửi").',
                "Kết quả đúng: hệ thống phải CHẶN, không cho gửi văn bản mật qua trục liên thông. "
                "Không tìm cách gửi bằng đường khác.",
            ]
            return self._instruct("Thử gửi văn bản MẬT", lines, "không có gói tin nào của văn bản mật lên trục")
        lines = ['Vào màn hình "Văn bản đi", tạo văn bản mới:', f"  • Loại văn bản: {request.doc_type}"]
        if request.business_type != "0" or request.reference:
            ref = self.document(request.reference) if request.reference else "(văn bản gốc)"
            verb = {"1": "THU HỒI", "2": "CẬP NHẬT", "3": "THAY THẾ"}.get(request.business_type, "liên quan đến")
            lines.append(f"  • Nghiệp vụ: văn bản {verb} {ref} (loại nghiệp vụ {request.business_type})")
        lines += [
            f"  • Nơi nhận: {recipients}",
            priority_line,
            f"  • Trích yếu: {subject}",
        ]
        if request.appendices:
            lines.append(
                f"  • Kèm {request.appendices} phụ lục là tệp riêng; mỗi phụ lục có chữ ký số của cơ quan "
                "ở góc trên bên phải trang đầu"
            )
        lines += [f"  • {SIGNING_RULE}", 'Rồi bấm "Gửi" liên thông qua trục.']
        expect = f"gói tin {request.doc_type} từ {self.organ_id} đến " + ", ".join(request.recipients)
        return self._instruct(f"Gửi {request.doc_type}", lines, expect)

    def act(self, document_id: str, from_organ: str, action: Action, reason: str = "") -> Command:
        doc = self.document(document_id, from_organ)
        code = ACTION_STATUS[action]
        expect = f"gói tin trạng thái {code} ({STATUS_NAMES[code]}) gửi {self.agency(from_organ)}"
        open_doc = f'Vào màn hình "Văn bản đến", mở {doc}.'
        match action:
            case Action.ACCEPT:
                lines = [open_doc, 'Bấm "Tiếp nhận" để vào sổ văn bản đến.']
                title = "Tiếp nhận văn bản đến"
            case Action.REJECT:
                lines = [
                    open_doc,
                    'Bấm "Từ chối" (trả lại văn bản) và nhập lý do:',
                    f"  «{reason or DEFAULT_REJECT_REASON}»",
                ]
                title = "Từ chối văn bản đến"
            case Action.ASSIGN:
                lines = [open_doc, 'Bấm "Phân công" và giao cho một người xử lý.']
                title = "Phân công xử lý"
            case Action.PROCESS:
                lines = [open_doc, 'Chuyển văn bản sang "Đang xử lý".']
                title = "Đang xử lý"
            case Action.COMPLETE:
                lines = [open_doc, 'Bấm "Hoàn thành" (kết thúc xử lý).']
                title = "Hoàn thành xử lý"
            case Action.AGREE | Action.REFUSE:
                verb = "Đồng ý" if action is Action.AGREE else "Từ chối"
                lines = [
                    open_doc,
                    f"Mở yêu cầu thu hồi / cập nhật / thay thế đang chờ của nơi gửi và bấm «{verb}».",
                ]
                if reason:
                    lines.append(f"Lý do: «{reason}»")
                title = f"{verb} yêu cầu thu hồi, cập nhật, thay thế"
        if reason and action not in (Action.REJECT, Action.AGREE, Action.REFUSE):
            lines.append(f"Ghi chú: «{reason}»")
        return self._instruct(title, lines, expect, document=doc)

    def recall(self, document_id: str, reason: str = "") -> Command:
        lines = [
            f'Vào màn hình "Văn bản đi", mở {self.document(document_id, self.organ_id)}.',
            'Bấm "Thu hồi" (lấy lại văn bản đã ban hành) và nhập lý do:',
            f"  «{reason or 'Thu hồi để kiểm thử liên thông'}»",
        ]
        expect = "gói tin trạng thái 13 (hoặc văn bản thu hồi, loại nghiệp vụ 1) gửi mọi nơi nhận"
        doc = self.document(document_id, self.organ_id)
        return self._instruct("Thu hồi văn bản đã gửi", lines, expect, document=doc)

    def received(self, document_id: str | None = None, from_organ: str | None = None) -> list[ReceivedDocument] | None:
        return None

    def sent(self) -> list[SentDocument] | None:
        return None

    def announce_wait(self, what_vi: str, deadline_s: float) -> datetime:
        """Tell the clerk what the harness waits for on the axis and until when; returns the deadline."""
        deadline = _now() + timedelta(seconds=max(0.0, deadline_s))
        span = f"{deadline_s / 60:.0f} phút" if deadline_s >= 120 else f"{max(0.0, deadline_s):.0f} giây"
        self._print(
            f"⏳ Đang chờ trên trục: {what_vi}. Hạn chót {deadline:%H:%M:%S} ngày {deadline:%d/%m/%Y} ({span})."
        )
        if self.board is not None and self._task is not None:
            self.board.set_deadline(self._task, deadline)
        return deadline

    # -- attestations ---------------------------------------------------------------------------

    def _read_loop(self, stream: TextIO) -> None:
        try:
            while True:
                line = stream.readline()
                if not line:
                    break
                self._lines.put(line)
        except (OSError, ValueError):
            pass
        self._lines.put(_EOF)

    def _read_line(self) -> str | None:
        """One line from the operator, or None (no input, end of input, timeout)."""
        if self._inp is None or self._eof:
            return None
        if self._reader is None:
            self._reader = threading.Thread(
                target=self._read_loop, args=(self._inp,), name="operator-input", daemon=True
            )
            self._reader.start()
        try:
            item = self._lines.get(timeout=self.answer_timeout)
        except queue.Empty:
            self._stale = True
            return None
        if item is _EOF:
            self._eof = True
            return None
        assert isinstance(item, str)
        return item.rstrip("\r\n")

    def _drop_stale(self) -> None:
        """Forget lines typed after an earlier question timed out: they answered that question."""
        if not self._stale:
            return
        self._stale = False
        while True:
            try:
                item = self._lines.get_nowait()
            except queue.Empty:
                return
            if item is _EOF:
                self._eof = True
                return

    def _ask_answer(self) -> tuple[str, str]:
        """The answer and, when it never came, why."""
        invalid = ""
        for attempt in range(MAX_REASKS + 1):
            if attempt:
                self._print(
                    f"Chưa hiểu câu trả lời. Hãy gõ «đạt» hoặc «không đạt» (lần hỏi lại {attempt}/{MAX_REASKS}):"
                )
            line = self._read_line()
            if line is None:
                return ANSWER_NONE, ""
            answer = parse_answer(line)
            if answer is not None:
                return answer, ""
            invalid = line
        return ANSWER_NONE, f"Câu trả lời không hợp lệ: «{invalid}»"

    def _ask_file(self) -> list[str]:
        self._print("Đường dẫn tệp bằng chứng (ảnh chụp màn hình, tệp xuất), Enter để bỏ qua:")
        for attempt in range(MAX_REASKS + 1):
            if attempt:
                self._print(f"Nhập lại đường dẫn hoặc Enter để bỏ qua (lần {attempt}/{MAX_REASKS}):")
            line = self._read_line()
            if line is None or not line.strip():
                return []
            path = Path(line.strip().strip("\"'")).expanduser()
            if path.is_file():
                return [str(path.resolve())]
            self._print(f"Không tìm thấy tệp «{path}».")
        return []

    def _attest_on_board(self, board: TaskBoard, number: int, step_vi: str) -> Attestation:
        """Post the question as a task and wait for the clerk's answer in the console, as long as for a typed one."""
        deadline = _now() + timedelta(seconds=self.answer_timeout) if self.answer_timeout is not None else None
        task = board.post(
            number,
            "attestation",
            step_vi,
            f"{step_vi}\nTrả lời «Đã thực hiện» nếu đúng như vậy, «Không thực hiện được» nếu không; "
            "kèm ghi chú và ảnh chụp màn hình của hệ thống.",
            deadline=deadline,
        )
        answer: TaskAnswer | None = None
        while answer is None:
            answer = board.poll(task)
            if answer is None:
                if deadline is not None and _now() >= deadline:
                    board.expire(task)
                    break
                time.sleep(BOARD_POLL_SECONDS)
        if answer is None or answer.state not in ("done", "impossible"):
            return Attestation(self.operator, step_vi, ANSWER_NONE, _now(), "Quá hạn, văn thư chưa trả lời", [])
        verdict = ANSWER_YES if answer.state == "done" else ANSWER_NO
        return Attestation(answer.who or self.operator, step_vi, verdict, _now(), answer.note, list(answer.files or []))

    def attest(self, step_vi: str) -> Attestation:
        if self.board is not None:
            number = self._next_step()
            self._print(f"\n══ Xác nhận {number} · chờ văn thư trả lời trên trang chạy thử ══\n{step_vi}")
            attestation = self._attest_on_board(self.board, number, step_vi)
            self.attestations.append(attestation)
            self._record(attestation)
            self._print(f"Đã ghi nhận: {attestation.answer}" + (f" — {attestation.note}" if attestation.note else ""))
            return attestation
        self._drop_stale()
        number = self._next_step()
        self._print(f"\n══ Xác nhận {number} · người vận hành {self.operator} ══")
        self._print(f"{step_vi}\nKết quả (gõ «đạt» hoặc «không đạt»):")
        answer, note = self._ask_answer()
        files: list[str] = []
        if answer != ANSWER_NONE:
            self._print("Ghi chú (Enter để bỏ qua):")
            note = (self._read_line() or "").strip()
            files = self._ask_file()
        attestation = Attestation(self.operator, step_vi, answer, _now(), note, files)
        self.attestations.append(attestation)
        self._record(attestation)
        self._print(f"Đã ghi nhận: {answer}" + (f" — {note}" if note else ""))
        return attestation

    def _record(self, attestation: Attestation) -> None:
        row = {
            "operator": attestation.operator,
            "organ_id": self.organ_id,
            "agency": self.agency_name,
            "step": attestation.step_vi,
            "answer": attestation.answer,
            "at": attestation.at.isoformat(timespec="seconds"),
            "note": attestation.note,
            "files": attestation.files,
        }
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with self.log_path.open("a", encoding="utf-8") as log:
                log.write(json.dumps(row, ensure_ascii=False) + "\n")
        except OSError as exc:
            self._print(f"Cảnh báo: không ghi được nhật ký xác nhận {self.log_path}: {exc}")
