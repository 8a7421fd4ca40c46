"""The shape of a topology file, as pydantic models, and its errors in Vietnamese with the key and line.

Only the shape lives here (which keys, which types, which values); what a working simulation needs
beyond it (identifiers of the right province, unique codes and ports) is simulators/topology.py's.
Every field validator raises a Vietnamese message; `first_problem` turns pydantic's first error
into (message, key path), and `key_lines` finds the line of a key path in the YAML text.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from simulators.axis.config import Durability, Strictness

Path_ = tuple[str | int, ...]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("phải là một chuỗi")
    return str(value).strip()


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"phải là một chuỗi, không phải {value!r}")
    return value


def _base_path(value: Any) -> str:
    if not _string(value).startswith("/"):
        raise ValueError(f"phải bắt đầu bằng '/', không phải {value!r}")
    return str(value)


def _positive(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"phải là một số, không phải {value!r}")
    if value <= 0:
        raise ValueError(f"phải là số dương, không phải {value!r}")
    return float(value)


def _positive_or_none(value: Any) -> float | None:
    return None if value is None else _positive(value)


def _whole(value: Any) -> int:
    return int(_positive(value))


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"phải là true hoặc false, không phải {value!r}")
    return value


def _seed(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"phải là số nguyên, không phải {value!r}")
    return value


def _strictness(value: Any) -> Strictness:
    choices = [s.value for s in Strictness]
    if str(value) not in choices:
        raise ValueError(f"phải là một trong {', '.join(choices)}, không phải {value!r}")
    return Strictness(str(value))


def _durability(value: Any) -> Durability:
    choices = [d.value for d in Durability]
    if str(value).upper() not in choices:
        raise ValueError(f"phải là một trong {', '.join(choices)}, không phải {value!r}")
    return Durability(str(value).upper())


def _port(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
        raise ValueError(f"cổng phải là số nguyên từ 0 đến 65535, không phải {value!r}")
    return value


def _list(value: Any) -> Any:
    return [] if value is None else value


def _organ(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_text)]
Positive = Annotated[float, BeforeValidator(_positive)]
Flag = Annotated[bool, BeforeValidator(_flag)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SettingsFile(_Strict):
    """The axis settings a file may set in `defaults` or on one axis; only the keys present count."""

    base_path: Annotated[str, BeforeValidator(_base_path)] = ""
    host: Annotated[str, BeforeValidator(_string)] = ""
    strictness: Annotated[Strictness, BeforeValidator(_strictness)] = Strictness.TRANSPORT
    durability: Annotated[Durability, BeforeValidator(_durability)] = Durability.OFF
    poll_interval: Positive = 1.0
    freshness_seconds: Annotated[float | None, BeforeValidator(_positive_or_none)] = None
    replay_window_seconds: Annotated[float | None, BeforeValidator(_positive_or_none)] = None
    max_body_bytes: Annotated[int, BeforeValidator(_whole)] = 0
    header_timeout_seconds: Positive = 1.0
    body_idle_seconds: Positive = 1.0
    max_connections_per_client: Annotated[int, BeforeValidator(_whole)] = 0
    dedupe_new_documents: Flag = True
    redeliver_failed: Flag = False
    trace_status_packages: Flag = True
    body_retention_seconds: Annotated[float | None, BeforeValidator(_positive_or_none)] = None
    control_token: Annotated[str, BeforeValidator(_string)] = ""
    seed: Annotated[int | None, BeforeValidator(_seed)] = None

    def present(self) -> dict[str, Any]:
        """The settings the file sets here (a key set to null counts: `replay_window_seconds: null`)."""
        return {k: getattr(self, k) for k in self.model_fields_set}


SETTING_KEYS = frozenset(SettingsFile.model_fields)


class OrganFile(_Strict):
    id: Text = ""
    name: Text = ""
    parent: Text = ""
    mail: Text = ""
    code_qd20: Text = ""


class AgencyFile(BaseModel):
    """An agency; keys it does not know are kept (`extra`) for behaviour profiles and drivers."""

    model_config = ConfigDict(extra="allow")

    id: Text = ""
    name: Text = ""
    secret: Text = ""
    system_id: Text = ""
    organs: Annotated[list[Annotated[OrganFile, BeforeValidator(_organ)]], BeforeValidator(_list)] = []
    mail: Text = ""
    parent: Text = ""
    code_qd20: Text = ""

    @property
    def extra(self) -> dict[str, Any]:
        return {str(k): v for k, v in (self.model_extra or {}).items()}


class AxisFile(SettingsFile):
    name: Text = ""
    code: Text = ""
    port: Annotated[int, BeforeValidator(_port)] = 0
    code_qd20: Text = ""
    agencies: Annotated[list[AgencyFile], BeforeValidator(_list)] = []

    def present(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.model_fields_set & SETTING_KEYS}


PROTOCOLS = ("vxp", "bkav")
"""What a province's axis speaks to its agencies: VNPT's VXP adapter (profile A) or Bkav's EdocService (B)."""


def _protocol(value: Any) -> str:
    text = _text(value).lower() or "vxp"
    if text not in PROTOCOLS:
        raise ValueError(f"phải là một trong {', '.join(PROTOCOLS)}, không phải {value!r}")
    return text


class ProvinceFile(AxisFile):
    level1: Text = ""
    secret: Text = ""
    protocol: Annotated[str, BeforeValidator(_protocol)] = "vxp"


class TopologyFile(_Strict):
    name: Text = ""
    description: Text = ""
    defaults: Annotated[SettingsFile, BeforeValidator(lambda v: {} if v is None else v)] = SettingsFile()
    national: AxisFile
    provinces: Annotated[list[ProvinceFile], BeforeValidator(_list)] = []


def _keys(model: type[BaseModel]) -> str:
    return ", ".join(sorted(model.model_fields))


def _model_at(loc: Path_) -> type[BaseModel]:
    """Which model describes the mapping at `loc` (for the list of valid keys)."""
    if not loc:
        return TopologyFile
    if loc[-1] == "defaults":
        return SettingsFile
    if loc[-1] == "national":
        return AxisFile
    if len(loc) >= 2 and loc[-2] == "provinces":
        return ProvinceFile
    if len(loc) >= 2 and loc[-2] == "organs":
        return OrganFile
    return AgencyFile


def where_of(loc: Path_) -> str:
    """`("provinces", 0, "agencies", 2, "id")` -> `provinces[0].agencies[2].id`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def path_of(where: str) -> Path_:
    """The inverse of `where_of`."""
    return tuple(int(i) if i else k for k, i in re.findall(r"([^.\[\]]+)|\[(\d+)\]", where))


def first_problem(error: ValidationError) -> tuple[str, str, Path_]:
    """The message, the key path shown and the key path whose line is shown, of the error to report:
    unknown keys first (all of one mapping at once), then the first other error in file order."""
    errors = error.errors()
    extra = [e for e in errors if e["type"] == "extra_forbidden"]
    if extra:
        parent = tuple(extra[0]["loc"][:-1])
        unknown = [str(e["loc"][-1]) for e in extra if tuple(e["loc"][:-1]) == parent]
        message = f"khóa không được hỗ trợ: {', '.join(sorted(unknown))} (các khóa hợp lệ: {_keys(_model_at(parent))})"
        return message, where_of(parent), (*parent, unknown[0])
    e = errors[0]
    loc: Path_ = tuple(e["loc"])
    kind = e["type"]
    if kind == "value_error":
        return str(e["ctx"]["error"]), where_of(loc), loc
    if kind == "missing":
        return f"thiếu khóa '{loc[-1]}'", where_of(loc[:-1]), loc[:-1]
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        if not loc:
            return "cấu trúc mô phỏng phải là một ánh xạ YAML (khóa: giá trị)", "", loc
        if len(loc) >= 2 and loc[-2] == "organs":
            return "phải là một mã định danh hoặc ánh xạ có khóa 'id'", where_of(loc), loc
        return "phải là một ánh xạ (khóa: giá trị)", where_of(loc), loc
    if kind == "list_type":
        return "phải là một danh sách", where_of(loc), loc
    return f"giá trị không hợp lệ: {e.get('input')!r}", where_of(loc), loc


def key_lines(text: str) -> dict[Path_, int]:
    """The line (from 1) of every key and list item of a YAML document, by key path."""
    lines: dict[Path_, int] = {}

    def walk(node: yaml.Node, path: Path_) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = (*path, str(key.value))
                lines[child] = key.start_mark.line + 1
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines[(*path, i)] = item.start_mark.line + 1
                walk(item, (*path, i))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return lines


def line_of(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of `path`, or of its nearest ancestor the file has (a missing key: its mapping)."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None
