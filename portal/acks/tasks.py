"""The full verification walk as a background job (task kind ``acks_verify``), with progress.

A whole chain of a large company takes seconds to minutes to walk (every signature is an Ed25519 check):
too long for a web request.  The administrators' page queues this job and shows its progress; the
day-to-day check is ``handbook acks verify --since`` a checkpoint, which walks only the new records.
"""

from __future__ import annotations

import os

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.acks.append import HEAD_ID
from portal.acks.chain import ChainReport
from portal.acks.models import AckChainHead
from portal.acks.services import verifier_for, verify_chain
from portal.config import settings_of
from portal.errors import HandbookError
from portal.tasks.registry import TaskContext, registry

KIND = "acks_verify"


class ChainBroken(HandbookError):
    """The walk found a record that does not fit: the job fails with the record and the reason."""


def chain_length(session: Session) -> int:
    """The number of records the head counts (what 100 % means on the progress bar)."""
    return int(session.scalar(select(AckChainHead.count).where(AckChainHead.id == HEAD_ID)) or 0)


def outcome(report: ChainReport, key_id: str | None) -> str:
    """The job's message for an intact chain; a broken one raises ``ChainBroken``."""
    if report.first_break is not None:
        found = report.first_break
        raise ChainBroken(f"chain broken at #{found.record_id}: {found.reason}",
                          f"第 {found.record_id} 号记录校验失败：{found.reason}（已检查 {report.checked} 条）。")
    signed = f"，签名均来自服务器密钥 {key_id}" if key_id else "（尚无签名密钥：只校验了哈希）"
    return f"校验通过：{report.checked} 条记录完整无误{signed}。"


@registry.kind(KIND)
def run_verify(context: TaskContext) -> str:
    session = context.session
    verifier = verifier_for(session, settings_of(current_app).signing_key_path)
    total = max(chain_length(session), 1)
    context.progress(2, f"正在校验已签版本的文本（共 {total} 条记录）")

    def progress(checked: int) -> None:
        context.progress(2 + 97 * min(checked, total) // total, f"已校验 {checked} / {total} 条记录")

    report = verify_chain(session, verifier, workers=os.cpu_count() or 1, progress=progress)
    return outcome(report, verifier.key_id if verifier else None)
