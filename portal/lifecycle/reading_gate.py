"""Reading that is real: where HR asks for it, a regulation is signed only after its text was scrolled
to the end and a minimum reading time has passed since the reader opened it.

The page records the opening (``reading_starts``; once per version and re-attestation round), the
browser enables the button when both conditions hold (``static/reading_gate.js``), and the signing
view checks again here — the clock is the server's, so the time cannot be faked — and stores the time
spent beside the acknowledgement (``ack_readings``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.canonical import canonical_text
from portal.acks.models import Acknowledgement
from portal.assignments.models import Assignment
from portal.clock import Clock, naive_utc
from portal.errors import ValidationFailed
from portal.lifecycle.models import AckReading, ReadingStart, RegulationCare
from portal.lifecycle.quiz import has_passed, pass_percent, quiz_for
from portal.releases.models import RegulationVersion

CHARACTERS_PER_SECOND = 15  # a careful reading of Chinese regulations; fast enough not to annoy
FLOOR_SECONDS = 10
CEILING_SECONDS = 300


def automatic_seconds(characters: int) -> int:
    """Pure: the default minimum reading time, proportional to the text's length, within bounds."""
    return max(FLOOR_SECONDS, min(CEILING_SECONDS, -(-characters // CHARACTERS_PER_SECOND)))


@dataclass(frozen=True)
class Gate:
    """What the sign panel needs: the reading check (how long in all, how much is left) and the quiz."""

    required_seconds: int
    remaining_seconds: int
    reading: bool = True  # the reading check is on
    quiz: bool = False  # a quiz must be passed first
    quiz_passed: bool = False
    pass_percent: int = 80

    @property
    def locked(self) -> bool:
        """The button starts disabled (the script unlocks the reading part; a quiz pass comes from the server)."""
        return self.reading or (self.quiz and not self.quiz_passed)


def required_seconds(care: RegulationCare, version: RegulationVersion) -> int:
    if care.min_reading_seconds > 0:
        return care.min_reading_seconds
    return automatic_seconds(len(canonical_text(version.document())))


def _care(session: Session, regulation_id: int) -> RegulationCare | None:
    care = session.get(RegulationCare, regulation_id)
    return care if care is not None and care.reading_check else None


def _round_start(session: Session, user_id: int, regulation_id: int) -> dt.datetime | None:
    return session.scalar(select(Assignment.signed_since).where(
        Assignment.user_id == user_id, Assignment.regulation_id == regulation_id))


def open_gate(session: Session, clock: Clock, user_id: int, version: RegulationVersion) -> Gate | None:
    """The reading page is shown to a signer: start their reading clock (kept across visits in one round)."""
    quiz = bool(quiz_for(session, version.regulation))
    passed = quiz and has_passed(session, user_id, version)
    percent = pass_percent(session, version.regulation_id)
    care = _care(session, version.regulation_id)
    if care is None:
        return Gate(0, 0, False, quiz, passed, percent) if quiz else None
    now = naive_utc(clock.now())
    start = session.get(ReadingStart, (user_id, version.id))
    since = _round_start(session, user_id, version.regulation_id)
    if start is None:
        start = ReadingStart(user_id=user_id, version_id=version.id, opened_at=now)
        session.add(start)
    elif since is not None and start.opened_at < since:  # a new re-attestation round: read it again
        start.opened_at = now
    required = required_seconds(care, version)
    elapsed = int((now - start.opened_at).total_seconds())
    return Gate(required, max(0, required - elapsed), True, quiz, passed, percent)


@dataclass(frozen=True)
class Reading:
    seconds: int
    required_seconds: int
    read_to_end: bool


def check_reading(session: Session, clock: Clock, user_id: int, version_id: int, read_to_end: bool) -> Reading | None:
    """Before signing: refuse (in Chinese, at the sign panel) a signature the reading check does not allow."""
    version = session.get(RegulationVersion, version_id)
    if version is None:
        return None
    if quiz_for(session, version.regulation) and not has_passed(session, user_id, version):
        percent = pass_percent(session, version.regulation_id)
        raise ValidationFailed("sign before passing the quiz",
                               field_errors={"version_id": f"请先完成本制度的测验（答对 {percent}% 以上）再签署。"})
    care = _care(session, version.regulation_id)
    if care is None:
        return None
    start = session.get(ReadingStart, (user_id, version.id))
    since = _round_start(session, user_id, version.regulation_id)
    if start is None or (since is not None and start.opened_at < since):
        raise ValidationFailed("sign without opening the text", field_errors={"version_id": "请先阅读正文，再签署。"})
    required = required_seconds(care, version)
    seconds = int((naive_utc(clock.now()) - start.opened_at).total_seconds())
    if not read_to_end:
        raise ValidationFailed("sign before the end of the text", field_errors={"version_id": "请读到正文末尾后再签署。"})
    if seconds < required:
        raise ValidationFailed(f"sign after {seconds}s of {required}s",
                               field_errors={"version_id": f"请至少阅读 {required} 秒后再签署（已阅读 {seconds} 秒）。"})
    return Reading(seconds, required, read_to_end)


def record_reading(session: Session, ack: Acknowledgement, reading: Reading | None) -> None:
    """After signing (the record is committed by sign(); this row follows in the request's unit of work): how the signer read."""
    if reading is not None:
        session.add(AckReading(ack_id=ack.id, seconds=reading.seconds, required_seconds=reading.required_seconds,
                               read_to_end=reading.read_to_end))
