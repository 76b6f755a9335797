"""The bulk export of proofs for an audit: every record of a regulation or of a department, as a task.

Hundreds of proofs take seconds to minutes to lay out, so the export runs in the job runner
(docs/tasks.md), never in a web worker; its page shows the progress and, when done, the download.
The file is kept at ``<root>/var/proof-exports/<job id>.zip|pdf``: a zip holds one PDF per person and
a list of the files' SHA-256; a single PDF holds each person's proof on pages of its own.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.acks.models import Acknowledgement
from portal.auth.models import User
from portal.config import settings_of
from portal.errors import NotFound, ValidationFailed
from portal.proofs.documents import ProofContext, ProofDocument, build_document, load_state, proof_pdf
from portal.proofs.records import ChainState, ProofRecord, ProofScope, proof_records, title_marks
from portal.releases.models import Regulation
from portal.tasks.registry import Progress, TaskContext, registry

KIND = "proof_export"
FORMATS = {"zip": "每人一份 PDF（压缩包）", "pdf": "合并为一份 PDF"}
SCOPES = {"regulation": "按制度", "department": "按部门"}


@dataclass(frozen=True)
class ExportRequest:
    scope: str  # "regulation" | "department"
    regulation_id: int | None
    department: str | None
    fmt: str  # "zip" | "pdf"

    def payload(self) -> dict[str, object]:
        return {"scope": self.scope, "regulation_id": self.regulation_id, "department": self.department, "fmt": self.fmt}

    @classmethod
    def from_payload(cls, payload: dict[str, object]) -> ExportRequest:
        regulation_id = payload.get("regulation_id")
        return cls(str(payload["scope"]), int(str(regulation_id)) if regulation_id is not None else None,
                   str(payload["department"]) if payload.get("department") is not None else None, str(payload["fmt"]))


def export_path(root: Path, job_id: int, fmt: str) -> Path:
    return root / "var" / "proof-exports" / f"{job_id}.{fmt}"


def describe(session: Session, request: ExportRequest) -> str:
    """What the export holds, in Chinese (the export list, the audit log, the file name)."""
    if request.scope == "regulation":
        regulation = session.get(Regulation, request.regulation_id) if request.regulation_id else None
        if regulation is None:
            raise NotFound(f"regulation {request.regulation_id}", "找不到该制度。")
        return f"《{title_marks(session).name(regulation.title, regulation.id)}》的全部签署记录"
    return f"{request.department or '（未分配部门）'}的全部签署记录"


def validated(session: Session, request: ExportRequest, departments: Sequence[str]) -> ExportRequest:
    """Refuse, in Chinese, an export of something that does not exist."""
    if request.fmt not in FORMATS or request.scope not in SCOPES:
        raise ValidationFailed(f"bad export request {request}", "请选择导出范围和格式。")
    if request.scope == "regulation":
        if request.regulation_id is None or session.get(Regulation, request.regulation_id) is None:
            raise ValidationFailed(f"no regulation {request.regulation_id}", field_errors={"regulation_id": "请选择一项制度。"})
        return ExportRequest("regulation", request.regulation_id, None, request.fmt)
    if request.department is None or request.department not in departments:
        raise ValidationFailed(f"no department {request.department!r}", field_errors={"department": "请选择一个部门。"})
    return ExportRequest("department", None, request.department, request.fmt)


def _scope(request: ExportRequest) -> ProofScope:
    if request.scope == "regulation":
        return ProofScope(regulation_id=request.regulation_id)
    return ProofScope(department=request.department)


def _per_person(records: Sequence[ProofRecord], template: ProofDocument, what: str) -> list[ProofDocument]:
    """One proof per person (records come ordered by department and employee number)."""
    documents = []
    for (_department, employee_no), group in groupby(records, key=lambda r: (r.department, r.employee_no)):
        items = list(group)
        first = items[0]
        subject = f"员工 {first.person_name}（工号 {employee_no}），{first.department or '（未分配部门）'}；范围：{what}"
        documents.append(ProofDocument(template.title, subject, items, template.printed_local, template.printed_utc,
                                       template.zone_name, template.printed_by, template.chain_total, template.key_note))
    return documents


def _silent(_percent: int, _message: str) -> None:
    return None


def build_export(session: Session, context: ProofContext, request: ExportRequest, printed_by: str,
                 report: Progress = _silent) -> bytes:
    """The export's bytes: checks every record, then lays out the proofs (progress 5 → 95)."""
    what = describe(session, request)
    report(5, "正在读取并校验签署记录")
    state: ChainState = load_state(session, context.key_path)
    records = proof_records(session, _scope(request), state, context.zone)
    template = build_document(session, context, ProofScope(nobody=True), what, printed_by, state)
    documents = _per_person(records, template, what)
    if not documents:
        documents = [template]
    if request.fmt == "pdf":
        report(20, f"正在生成 PDF（{len(documents)} 人，{len(records)} 条记录）")
        return proof_pdf(documents)
    return _zip(documents, report)


def _zip(documents: Sequence[ProofDocument], report: Progress) -> bytes:
    buffer = io.BytesIO()
    sums = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, document in enumerate(documents, start=1):
            pdf = proof_pdf([document])
            first = document.records[0] if document.records else None
            name = f"{first.employee_no}-{first.person_name}.pdf" if first else "签署证明.pdf"
            archive.writestr(name, pdf)
            sums.append(f"{hashlib.sha256(pdf).hexdigest()}  {name}")
            report(5 + 90 * index // len(documents), f"已生成 {index} / {len(documents)} 份")
        archive.writestr("SHA256SUMS.txt", "\n".join(sums) + "\n")
    return buffer.getvalue()


def departments_with_records(session: Session) -> list[str]:
    return list(session.scalars(
        select(User.department).join(Acknowledgement, Acknowledgement.user_id == User.id).distinct().order_by(User.department)
    ))


@registry.kind(KIND)
def run_export(context: TaskContext) -> str:
    request = ExportRequest.from_payload(dict(context.payload))
    settings = settings_of(current_app)
    proof_context = ProofContext(settings.signing_key_path, settings.zone, settings.time_zone, context.now())
    printed_by = str(context.payload.get("printed_by") or "")
    data = build_export(context.session, proof_context, request, printed_by, context.progress)
    path = export_path(context.root, context.job_id, request.fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(path)  # a half-written file is never offered for download
    return f"已生成：{describe(context.session, request)}（{len(data) // 1024 + 1} KB），可以下载。"
