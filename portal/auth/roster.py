"""Roster import (CSV or XLSX): a preview first (valid, invalid with line and reason,
already present, present with changed fields), then the accounts created from the valid rows
and the changed fields saved.  One service for ``handbook user import`` and /admin/users/import.

Headers may be Chinese (工号, 姓名, 部门, 岗位, 入职日期, 邮箱, 角色) or English.  For a person
already present, an empty cell means "not given" and never blanks a field; roles are not changed
by a roster (privileges are granted one by one on the person's page).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.dates import parse_date
from domain.errors import ImportFailed
from importers.text import decode_text
from portal.access import ROLE_LABELS, Role
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.auth.services import (
    PROFILE_LABELS,
    FieldChange,
    NewUser,
    Profile,
    create_user,
    profile_changes,
    update_profile,
    validate_new_user,
)
from portal.clock import Clock

HEADER_ALIASES: dict[str, str] = {
    "工号": "employee_no", "employee_no": "employee_no", "员工编号": "employee_no",
    "姓名": "name", "name": "name",
    "部门": "department", "department": "department",
    "岗位": "position", "职位": "position", "position": "position",
    "入职日期": "hire_date", "hire_date": "hire_date",
    "邮箱": "email", "电子邮箱": "email", "email": "email",
    "角色": "roles", "roles": "roles",
}
ROLE_NAMES: dict[str, Role] = {**{label: role for role, label in ROLE_LABELS.items()}, **{r.value: r for r in Role}}


@dataclass(frozen=True)
class RosterRow:
    line: int
    user: NewUser


@dataclass(frozen=True)
class InvalidRow:
    line: int
    employee_no: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ChangedRow:
    """A person already present whose roster row differs from the account."""

    line: int
    user: NewUser
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class RosterPreview:
    valid: tuple[RosterRow, ...]
    invalid: tuple[InvalidRow, ...]
    existing: tuple[RosterRow, ...]
    """Already present and identical: nothing to do."""
    changed: tuple[ChangedRow, ...] = ()


MAX_ROWS = 5000
ROSTER_SUFFIXES = (".csv", ".xlsx")


def read_table(path: Path) -> list[list[str]]:
    """Rows of cell texts from a .csv (any encoding the importers read: UTF-8, UTF-16, GB18030…) or .xlsx file."""
    return read_table_bytes(path.read_bytes(), path.name)


def read_table_bytes(raw: bytes, name: str) -> list[list[str]]:
    """The same from the bytes of an upload; ``name`` gives the kind (.csv or .xlsx)."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_rows(raw, name)
    if suffix == ".csv":
        text = decode_text(raw, name)[0] if raw.strip() else ""  # an empty file is an empty roster
        try:
            rows = [list(row) for row in csv.reader(io.StringIO(text))]
        except csv.Error as error:
            raise ImportFailed(f"unreadable csv {name}: {error}", "花名册无法按 CSV 读取，请另存为 CSV 或 XLSX 后重试。") from error
        return _bounded(rows)
    raise ImportFailed(f"unsupported roster {name}", "花名册只支持 .csv 或 .xlsx 文件。")


def _xlsx_rows(raw: bytes, name: str) -> list[list[str]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as error:  # not a workbook, or a damaged one
        raise ImportFailed(f"unreadable xlsx {name}: {error}", "无法读取该 XLSX 文件，请确认它是 Excel 工作簿。") from error
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
    finally:
        workbook.close()
    return _bounded(rows)


def _bounded(rows: list[list[str]]) -> list[list[str]]:
    if len(rows) > MAX_ROWS + 1:
        raise ImportFailed(f"roster over {MAX_ROWS} rows", f"花名册超过 {MAX_ROWS} 行，请分批导入。")
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_date(text: str) -> dt.date | None:
    text = text.strip()
    return parse_date(text, dotted=True) if text else None


def _parse_roles(text: str) -> tuple[frozenset[Role], list[str]]:
    roles, unknown = {Role.EMPLOYEE}, []
    for name in text.replace("，", ",").replace("、", ",").split(","):
        name = name.strip()
        if not name:
            continue
        if name in ROLE_NAMES:
            roles.add(ROLE_NAMES[name])
        else:
            unknown.append(name)
    return frozenset(roles), unknown


def parse_roster(rows: list[list[str]], min_password: int = 8) -> tuple[list[RosterRow], list[InvalidRow]]:
    """Pure: header mapping, row validation.  Line numbers count the header as line 1."""
    if not rows:
        raise ImportFailed("empty roster", "花名册是空的。")
    columns = [HEADER_ALIASES.get(h.strip().lower() if h.isascii() else h.strip(), "") for h in rows[0]]
    if "employee_no" not in columns or "name" not in columns:
        raise ImportFailed("roster header lacks 工号/姓名", "花名册第一行必须包含“工号”和“姓名”列。")
    valid: list[RosterRow] = []
    invalid: list[InvalidRow] = []
    seen: set[str] = set()
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {col: (cells[i].strip() if i < len(cells) else "") for i, col in enumerate(columns) if col}
        reasons: list[str] = []
        try:
            hire = _parse_date(values.get("hire_date", ""))
        except ValueError:
            hire, reasons = None, ["入职日期无法识别（应如 2026-03-01 或 2026年3月1日）"]
        roles, unknown = _parse_roles(values.get("roles", ""))
        if unknown:
            reasons.append("未知角色：" + "、".join(unknown))
        user = NewUser(
            employee_no=values.get("employee_no", ""),
            name=values.get("name", ""),
            password=secrets.token_urlsafe(9),
            department=values.get("department", ""),
            position=values.get("position", ""),
            hire_date=hire,
            email=values.get("email", ""),
            roles=roles,
        )
        reasons += list(validate_new_user(user, min_password).values())
        if user.employee_no in seen:
            reasons.append("工号在花名册中重复")
        seen.add(user.employee_no)
        if reasons:
            invalid.append(InvalidRow(line, user.employee_no, tuple(reasons)))
        else:
            valid.append(RosterRow(line, user))
    return valid, invalid


def given_profile(current: Profile, row: NewUser) -> Profile:
    """The account's profile with the roster's non-empty cells laid over it (pure)."""
    values = {name: getattr(row, name) for name in PROFILE_LABELS if getattr(row, name) not in ("", None)}
    return Profile(**{**current.__dict__, **values})


def preview_roster(session: Session, rows: list[list[str]], min_password: int = 8) -> RosterPreview:
    valid, invalid = parse_roster(rows, min_password)
    numbers = [r.user.employee_no for r in valid]
    present = {u.employee_no: u for u in session.scalars(select(User).where(User.employee_no.in_(numbers))).all()} if numbers else {}
    existing, changed = [], []
    for row in valid:
        account = present.get(row.user.employee_no)
        if account is None:
            continue
        changes = profile_changes(Profile.of(account), given_profile(Profile.of(account), row.user))
        if changes:
            changed.append(ChangedRow(row.line, row.user, tuple(changes)))
        else:
            existing.append(row)
    return RosterPreview(
        valid=tuple(r for r in valid if r.user.employee_no not in present),
        invalid=tuple(invalid),
        existing=tuple(existing),
        changed=tuple(changed),
    )


def apply_roster(
    session: Session,
    clock: Clock,
    preview: RosterPreview,
    *,
    hash_profile: str = "strong",
    new_hire_days: int = 14,
    actor: User | None = None,
    ip: str = "",
    source: str = "",
) -> list[tuple[User, str]]:
    """Create the valid, new rows and save the changed fields of the present ones (a department
    change is a transfer); returns each created user with the temporary password to hand out."""
    created = []
    note = f"花名册{source}" if source else "花名册"
    for row in preview.valid:
        user = create_user(session, clock, row.user, hash_profile=hash_profile, new_hire_days=new_hire_days,
                           actor=actor, ip=ip, detail=f"{note}第 {row.line} 行")
        created.append((user, row.user.password))
    for changed in preview.changed:
        account = session.scalar(select(User).where(User.employee_no == changed.user.employee_no))
        if account is None:  # removed since the preview: nothing to update
            continue
        update_profile(session, clock, account, given_profile(Profile.of(account), changed.user), actor=actor, ip=ip,
                       new_hire_days=new_hire_days, detail=f"{note}第 {changed.line} 行")
    audit(session, clock, "roster_imported", actor=actor, ip=ip, target=source,
          detail=f"新建 {len(created)} 人，更新 {len(preview.changed)} 人，已存在 {len(preview.existing)} 人，"
                 f"无效 {len(preview.invalid)} 行")
    return created
