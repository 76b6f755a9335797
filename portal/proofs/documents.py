"""A proof document (what a printed proof holds) and its PDF, rendered from HTML by WeasyPrint.

WeasyPrint lays the page out with Pango and embeds subsets of the fonts found by fontconfig; the
template asks for Noto Sans CJK SC (Debian's fonts-noto-cjk, installed by scripts/setup), so Chinese
renders on every machine the portal is installed on.  The HTML holds no external resource, and the
URL fetcher refuses any, so a crafted value (a user agent) cannot make the server fetch anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from portal.acks.keys import SigningKeyMissing, SigningKeyUnsafe
from portal.acks.services import verifier_for
from portal.localtime import SECONDS, to_local
from portal.proofs.records import ChainState, ProofRecord, ProofScope, chain_state, proof_records

TEMPLATE = "proofs/proof.html"


@dataclass(frozen=True)
class ProofDocument:
    title: str  # "签署证明"
    subject: str  # whose or what: "员工 张三（E0001）", "《销售管理制度》版本 2026.1"
    records: Sequence[ProofRecord]
    printed_local: str
    printed_utc: str
    zone_name: str
    printed_by: str
    chain_total: int
    key_note: str = ""

    @property
    def verified(self) -> int:
        return sum(1 for r in self.records if r.check.ok)

    @property
    def all_verified(self) -> bool:
        return self.verified == len(self.records)


def load_state(session: Session, key_path: Path) -> ChainState:
    """The chain as it is now, with the server's public key when it can be read (else why not)."""
    try:
        verifier = verifier_for(session, key_path)
    except (SigningKeyMissing, SigningKeyUnsafe):
        return chain_state(session, None, "服务器签名密钥不可用，未能校验服务器签名（请联系门户管理员）")
    return chain_state(session, verifier)


@dataclass(frozen=True)
class ProofContext:
    """What building a proof needs besides the session: the key file, the zone, the clock's now."""

    key_path: Path
    zone: dt.tzinfo
    zone_name: str
    now: dt.datetime  # aware


def build_document(session: Session, context: ProofContext, scope: ProofScope, subject: str, printed_by: str,
                   state: ChainState | None = None) -> ProofDocument:
    state = state or load_state(session, context.key_path)
    records = proof_records(session, scope, state, context.zone)
    now_utc = context.now.astimezone(dt.UTC).replace(tzinfo=None)
    return ProofDocument(
        title="签署证明", subject=subject, records=records,
        printed_local=to_local(now_utc, context.zone).strftime(SECONDS), printed_utc=now_utc.strftime(SECONDS),
        zone_name=context.zone_name, printed_by=printed_by, chain_total=state.total, key_note=state.key_note,
    )


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"proof PDFs load no resources ({url[:80]!r} refused)")


def proof_html(documents: Sequence[ProofDocument]) -> str:
    """The HTML of one or more proofs (each starts on a new page); needs an app context, not a request
    (the job runner renders too): the template is rendered without the request's context processors."""
    return current_app.jinja_env.get_template(TEMPLATE).render(documents=documents)


def proof_pdf(documents: Sequence[ProofDocument]) -> bytes:
    # Imported on use: loading Pango costs ~0.3 s that web workers need not pay at start.
    from weasyprint import HTML

    pdf = HTML(string=proof_html(documents), url_fetcher=_refuse_fetch).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
