"""Records that prove themselves (issue 9, deliverable 4): every kind of tampering is named by verify.

The attacker here has write access to the database: the append-only triggers are switched off
(``SET LOCAL session_replication_role = replica`` on PostgreSQL, dropped on SQLite, whose file is
this test's own copy) and rows are edited, inserted, deleted or reordered directly.  The server key
is outside the database, so unless a test says otherwise the attacker does not have it.
Every test runs on SQLite and, in the PostgreSQL run of the suite, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from portal.acks.chain import ChainFields, record_hash
from portal.acks.keys import RecordSigner, SigningKeyMissing, SigningKeyUnsafe, create_key, load_signer
from portal.acks.models import GENESIS_HASH, AckChainHead, Acknowledgement, AckSignature
from portal.acks.services import (
    Checkpoint,
    SignRequest,
    make_checkpoint,
    sign,
    signer_for,
    verify_chain,
    verify_since,
)
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.releases.models import RegulationVersion
from tests.portal.conftest import Inbox

SQLITE_GUARDS = (
    "acknowledgements_no_update", "acknowledgements_no_delete", "acknowledgements_extend_chain",
    "ack_signatures_no_update", "ack_signatures_no_delete",
)


@contextmanager
def as_attacker(session: Session) -> Iterator[Session]:
    """One transaction with the database's own guards off, committed at the end."""
    if session.get_bind().dialect.name == "sqlite":
        for trigger in SQLITE_GUARDS:
            session.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
    else:  # transaction-scoped: the shared test database keeps its triggers for the next test
        session.execute(text("SET LOCAL session_replication_role = replica"))
    yield session
    session.commit()
    session.expire_all()


@pytest.fixture
def chain(
    record_signer: RecordSigner, session: Session, clock: FixedClock, make_user: Callable[..., Any],
    publish: Callable[..., Any], document: Callable[..., Any],
) -> list[int]:
    """Five signed records (ids in order), each by another person, five minutes apart."""
    publish("2026.1", document("sales", "销售管理制度", ["销售人员应准时到场。", "回款须在三十日内完成。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    version = session.scalars(select(RegulationVersion)).one()
    ids = []
    for number in range(5):
        user = make_user(f"职员{number}")
        clock.advance(dt.timedelta(minutes=5))
        ids.append(sign(session, clock, SignRequest(user.id, version.id, True, user.name, "10.0.0.8", "pytest"),
                        signer=record_signer).id)
    session.commit()
    assert verify_chain(session, record_signer.verifier).ok
    return ids


def _fields(ack: Acknowledgement, **changes: Any) -> ChainFields:
    values = {
        "user_id": ack.user_id, "regulation_id": ack.regulation_id, "version_id": ack.version_id,
        "text_sha256": ack.text_sha256, "signed_name": ack.signed_name, "signed_at": ack.signed_at, "ip": ack.ip,
        "user_agent": ack.user_agent, "prev_hash": ack.prev_hash, **changes,
    }
    return ChainFields(**values)


def _rewrite_from(session: Session, first_id: int, resign: RecordSigner | None = None, **changes: Any) -> None:
    """Edit record ``first_id`` and recompute every later hash and the head, as a careful attacker would;
    with ``resign`` (the attacker also holds the key) the signatures are recomputed too."""
    records = session.scalars(select(Acknowledgement).where(Acknowledgement.id >= first_id).order_by(Acknowledgement.id)).all()
    prev = session.scalar(select(Acknowledgement.record_hash).where(Acknowledgement.id == first_id - 1)) or GENESIS_HASH
    rows = []
    for ack in records:
        fields = _fields(ack, **{"prev_hash": prev, **(changes if ack.id == first_id else {})})
        rows.append((ack.id, fields, record_hash(fields)))
        prev = rows[-1][2]
    for ack_id, fields, digest in rows:
        session.execute(
            text("UPDATE acknowledgements SET ip = :ip, signed_at = :at, prev_hash = :prev, record_hash = :h WHERE id = :id"),
            {"ip": fields.ip, "at": fields.signed_at, "prev": fields.prev_hash, "h": digest, "id": ack_id},
        )
        if resign is not None:
            session.execute(text("UPDATE ack_signatures SET signature = :s WHERE ack_id = :id"),
                            {"s": resign.sign_record(digest), "id": ack_id})
    session.execute(text("UPDATE ack_chain_head SET last_hash = :h WHERE id = 1"), {"h": prev})


@contextmanager
def _signatures_set_aside(session: Session) -> Iterator[Callable[[int, int], None]]:
    """Move records to other ids, their signatures following (set aside meanwhile: they point at the ids)."""
    kept = {row.ack_id: (row.key_id, row.signature) for row in session.execute(text("SELECT * FROM ack_signatures"))}
    session.execute(text("DELETE FROM ack_signatures"))

    def move(old: int, new: int) -> None:
        session.execute(text("UPDATE acknowledgements SET id = :new WHERE id = :old"), {"new": new, "old": old})
        kept[new] = kept.pop(old)

    yield move
    for ack_id, (key_id, signature) in kept.items():
        session.execute(text("INSERT INTO ack_signatures (ack_id, key_id, signature) VALUES (:a, :k, :s)"),
                        {"a": ack_id, "k": key_id, "s": signature})


def _named(session: Session, signer: RecordSigner) -> tuple[int, str]:
    report = verify_chain(session, signer.verifier)
    assert not report.ok and report.first_break is not None
    return report.first_break.record_id, report.first_break.reason


def test_an_edited_record_is_named(session: Session, record_signer: RecordSigner, chain: list[int]) -> None:
    with as_attacker(session):
        session.execute(text("UPDATE acknowledgements SET ip = '6.6.6.6' WHERE id = :id"), {"id": chain[1]})
    assert _named(session, record_signer) == (chain[1], "记录内容与其哈希不符（记录被改动）")


def test_a_rewritten_chain_without_the_key_is_named_by_its_signature(
    session: Session, record_signer: RecordSigner, chain: list[int]
) -> None:
    # Issue 9, finding 3: recompute every later hash and the head, and the unkeyed chain passed.
    with as_attacker(session):
        _rewrite_from(session, chain[1], signed_at=dt.datetime(2026, 1, 1, 8, 0))
    assert verify_chain(session, None).ok, "the hashes alone cannot tell: that is why records are signed"
    record_id, reason = _named(session, record_signer)
    assert record_id == chain[1] and "服务器签名与记录不符" in reason


def test_a_record_inserted_at_the_end_without_the_key_is_named(
    session: Session, record_signer: RecordSigner, chain: list[int]
) -> None:
    last = session.get(Acknowledgement, chain[-1])
    assert last is not None
    forged = _fields(last, ip="6.6.6.6", prev_hash=last.record_hash, signed_at=last.signed_at + dt.timedelta(minutes=1))
    digest = record_hash(forged)
    with as_attacker(session):
        session.execute(
            text("INSERT INTO acknowledgements (id, user_id, regulation_id, version_id, text_sha256, signed_name, "
                 "signed_at, ip, user_agent, prev_hash, record_hash) VALUES (:id, :u, :r, :v, :t, :n, :at, :ip, :ua, :p, :h)"),
            {"id": chain[-1] + 1, "u": forged.user_id, "r": forged.regulation_id, "v": forged.version_id,
             "t": forged.text_sha256, "n": forged.signed_name, "at": forged.signed_at, "ip": forged.ip,
             "ua": forged.user_agent, "p": forged.prev_hash, "h": digest},
        )
        session.execute(text("UPDATE ack_chain_head SET last_hash = :h, last_ack_id = :id WHERE id = 1"),
                        {"h": digest, "id": chain[-1] + 1})
    assert _named(session, record_signer) == (chain[-1] + 1, "记录没有服务器签名（签名被删除，或记录绕过门户写入）")


def test_a_record_inserted_in_the_middle_is_named(session: Session, record_signer: RecordSigner, chain: list[int]) -> None:
    # Make room after the second record: every later record moves up by one id, then a forged one goes in.
    with as_attacker(session), _signatures_set_aside(session) as move:
        for ack_id in reversed(chain[2:]):
            move(ack_id, ack_id + 100)
        second = session.get(Acknowledgement, chain[1])
        assert second is not None
        forged = _fields(second, ip="6.6.6.6", prev_hash=second.record_hash)
        session.execute(
            text("INSERT INTO acknowledgements (id, user_id, regulation_id, version_id, text_sha256, signed_name, "
                 "signed_at, ip, user_agent, prev_hash, record_hash) VALUES (:id, :u, :r, :v, :t, :n, :at, :ip, :ua, :p, :h)"),
            {"id": chain[1] + 50, "u": forged.user_id, "r": forged.regulation_id, "v": forged.version_id,
             "t": forged.text_sha256, "n": forged.signed_name, "at": forged.signed_at, "ip": forged.ip,
             "ua": forged.user_agent, "p": forged.prev_hash, "h": record_hash(forged)},
        )
    record_id, reason = _named(session, record_signer)
    assert record_id == chain[1] + 50 and "没有服务器签名" in reason
    # ... and once the forged record's signature is faked too, the next record no longer fits.
    with as_attacker(session):
        session.execute(text("INSERT INTO ack_signatures (ack_id, key_id, signature) VALUES (:id, :k, :s)"),
                        {"id": chain[1] + 50, "k": record_signer.key_id, "s": "A" * 88})
    record_id, reason = _named(session, record_signer)
    assert record_id == chain[1] + 50 and "服务器签名与记录不符" in reason


@pytest.mark.parametrize("position", ["middle", "last"])
def test_a_deleted_record_is_named(session: Session, record_signer: RecordSigner, chain: list[int], position: str) -> None:
    victim = chain[2] if position == "middle" else chain[-1]
    with as_attacker(session):
        session.execute(text("DELETE FROM ack_signatures WHERE ack_id = :id"), {"id": victim})
        session.execute(text("DELETE FROM acknowledgements WHERE id = :id"), {"id": victim})
    record_id, reason = _named(session, record_signer)
    if position == "middle":
        assert record_id == chain[3] and "前序哈希与上一条记录不符" in reason
    else:
        assert record_id == chain[-1] and reason == "链尾记录缺失（最后的记录被删除）"


def test_two_swapped_records_are_named(session: Session, record_signer: RecordSigner, chain: list[int]) -> None:
    a, b = chain[1], chain[2]
    with as_attacker(session), _signatures_set_aside(session) as move:
        move(a, 9999)
        move(b, a)
        move(9999, b)
    record_id, reason = _named(session, record_signer)
    assert record_id == a and "调换了顺序" in reason


def test_a_deleted_signature_is_named(session: Session, record_signer: RecordSigner, chain: list[int]) -> None:
    with as_attacker(session):
        session.execute(text("DELETE FROM ack_signatures WHERE ack_id = :id"), {"id": chain[3]})
    assert _named(session, record_signer) == (chain[3], "记录没有服务器签名（签名被删除，或记录绕过门户写入）")


def test_a_signature_by_another_key_is_named(
    session: Session, record_signer: RecordSigner, chain: list[int], tmp_path: Path
) -> None:
    other = create_key(tmp_path / "attacker.pem")
    with as_attacker(session):
        _rewrite_from(session, chain[0], resign=other, ip="6.6.6.6")
        session.execute(text("UPDATE ack_signatures SET key_id = :k"), {"k": other.key_id})
    record_id, reason = _named(session, record_signer)
    assert record_id == chain[0] and other.key_id in reason and "另一把密钥" in reason


def test_an_edited_version_text_is_named(session: Session, record_signer: RecordSigner, chain: list[int]) -> None:
    version = session.scalars(select(RegulationVersion)).one()
    edited = version.document_json.replace("准时到场", "可以迟到")
    assert edited != version.document_json
    with as_attacker(session):
        session.execute(text("UPDATE regulation_versions SET document_json = :j WHERE id = :id"), {"j": edited, "id": version.id})
    record_id, reason = _named(session, record_signer)
    assert record_id == chain[0] and "《销售管理制度》" in reason and "文本已被改动" in reason


def test_the_database_refuses_a_record_that_does_not_extend_the_chain(
    session: Session, record_signer: RecordSigner, chain: list[int]
) -> None:
    first = session.get(Acknowledgement, chain[0])
    assert first is not None
    insert = text(
        "INSERT INTO acknowledgements (id, user_id, regulation_id, version_id, text_sha256, signed_name, signed_at, "
        "ip, user_agent, prev_hash, record_hash) VALUES (:id, :u, :r, :v, :t, :n, :at, '1.1.1.1', 'x', :p, :h)"
    )
    values = {"u": first.user_id, "r": first.regulation_id, "v": first.version_id, "t": first.text_sha256,
              "n": first.signed_name, "at": first.signed_at}
    last_hash = session.scalar(select(Acknowledgement.record_hash).where(Acknowledgement.id == chain[-1]))
    attempts = [
        {"id": chain[-1] + 1, "p": first.record_hash, "h": "a" * 64},  # a branch off an earlier record
        {"id": chain[-1] + 1, "p": GENESIS_HASH, "h": "b" * 64},  # a second chain
        {"id": chain[0] - 1 if chain[0] > 1 else 0, "p": last_hash, "h": "c" * 64},  # before the others
    ]
    for values_of_attempt in attempts:
        with pytest.raises(DatabaseError, match="extend the chain"):
            session.execute(insert, {**values, **values_of_attempt})
        session.rollback()
    for statement in ("UPDATE ack_signatures SET key_id = 'x'", "DELETE FROM ack_signatures"):
        with pytest.raises(DatabaseError, match="append-only"):
            session.execute(text(statement))
        session.rollback()
    assert verify_chain(session, record_signer.verifier).ok


def test_a_checkpoint_catches_a_rewrite_by_someone_holding_the_key(
    session: Session, clock: FixedClock, record_signer: RecordSigner, chain: list[int], make_user: Callable[..., Any]
) -> None:
    checkpoint = Checkpoint.from_json(make_checkpoint(session, clock, record_signer).to_json())
    assert (checkpoint.count, checkpoint.last_ack_id) == (5, chain[-1])
    version = session.scalars(select(RegulationVersion)).one()
    later = make_user("新来的")
    sign(session, clock, SignRequest(later.id, version.id, True, later.name, "10.0.0.9", "pytest"), signer=record_signer)
    session.commit()
    assert verify_since(session, record_signer.verifier, checkpoint).ok
    with as_attacker(session):
        _rewrite_from(session, chain[1], resign=record_signer, ip="6.6.6.6")
    assert verify_chain(session, record_signer.verifier).ok, "with the key, a rewrite passes the chain check ..."
    report = verify_since(session, record_signer.verifier, checkpoint)
    assert not report.ok and report.first_break is not None, "... but not the checkpoint kept elsewhere"
    assert report.first_break.record_id == chain[-1] and "与检查点不符" in report.first_break.reason


def test_an_altered_checkpoint_is_refused(
    session: Session, clock: FixedClock, record_signer: RecordSigner, chain: list[int]
) -> None:
    data = json.loads(make_checkpoint(session, clock, record_signer).to_json())
    data["count"] = 4
    report = verify_since(session, record_signer.verifier, Checkpoint.from_json(json.dumps(data)))
    assert not report.ok and report.first_break is not None and "检查点的签名无效" in report.first_break.reason


def test_a_checkpoint_counts_the_records_before_it(
    session: Session, clock: FixedClock, record_signer: RecordSigner, chain: list[int]
) -> None:
    checkpoint = make_checkpoint(session, clock, record_signer)
    # Remove the first record and rewrite the rest with the key, keeping the pinned record's id and hash:
    # impossible (its hash covers its predecessor), so the count and the pinned hash both stop fitting.
    with as_attacker(session):
        session.execute(text("DELETE FROM ack_signatures WHERE ack_id = :id"), {"id": chain[0]})
        session.execute(text("DELETE FROM acknowledgements WHERE id = :id"), {"id": chain[0]})
        second = session.get(Acknowledgement, chain[1])
        assert second is not None
        _rewrite_from(session, chain[1], resign=record_signer, prev_hash=GENESIS_HASH)
    assert verify_chain(session, record_signer.verifier).ok
    report = verify_since(session, record_signer.verifier, checkpoint)
    assert not report.ok and report.first_break is not None and "与检查点不符" in report.first_break.reason


def test_the_commands_checkpoint_mail_and_verify_with_the_public_key_only(
    session: Session, record_signer: RecordSigner, chain: list[int], runner: Any, tmp_path: Path,
    smtp_server: tuple[Inbox, int],
) -> None:
    from cli.main import main

    inbox, port = smtp_server
    env = {"DATABASE_URL": session.get_bind().url.render_as_string(hide_password=False),
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "MAIL_FROM": "handbook@example.com"}
    root = ["--root", str(tmp_path)]
    public = tmp_path / "auditor" / "public.pem"
    public.parent.mkdir()
    shown = runner.invoke(main, [*root, "acks", "public-key"], env=env)
    assert shown.exit_code == 0 and shown.output.startswith("-----BEGIN PUBLIC KEY-----")
    public.write_text(shown.output)
    saved = tmp_path / "auditor" / "checkpoint.json"
    made = runner.invoke(main, [*root, "acks", "checkpoint", "-o", str(saved), "--mail", "audit@example.com"], env=env)
    assert made.exit_code == 0, made.output
    assert json.loads(saved.read_text())["count"] == 5
    [envelope] = inbox.messages
    mail = message_from_bytes(envelope.content, policy=default)
    assert envelope.rcpt_tos == ["audit@example.com"] and "签署链检查点：5 条记录" in str(mail["Subject"])
    [attachment] = list(mail.iter_attachments())  # type: ignore[attr-defined]
    assert json.loads(attachment.get_content())["head_hash"] == json.loads(saved.read_text())["head_hash"]
    audit = ["acks", "verify", "--since", str(saved), "--public-key", str(public)]
    passed = runner.invoke(main, [*root, *audit], env=env)
    assert passed.exit_code == 0 and "5 条记录校验通过" in passed.output and "与检查点一致" in passed.output
    with as_attacker(session):
        _rewrite_from(session, chain[2], resign=record_signer, ip="6.6.6.6")
    failed = runner.invoke(main, [*root, *audit], env=env)
    assert failed.exit_code == 1 and f"#{chain[-1]}" in failed.output and "与检查点不符" in failed.output


def test_signing_without_the_key_is_refused_in_chinese_and_writes_nothing(
    session: Session, record_signer: RecordSigner, chain: list[int], client: Any, login: Any, make_user: Callable[..., Any],
    tmp_path: Path, runner: Any,
) -> None:
    key = tmp_path / "var" / "ack-signing-key.pem"
    key.unlink()
    user = make_user("晚来的")
    login(user)
    version = session.scalars(select(RegulationVersion)).one()
    form = {"version_id": version.id, "confirm": "y", "full_name": "晚来的"}
    refused = client.post("/regulations/sales/sign", data=form)
    assert refused.status_code == 503 and "服务器签名密钥缺失" in refused.get_data(as_text=True)
    assert not key.exists(), "a new key must not replace the one the records were signed with"
    assert session.scalar(select(Acknowledgement.id).where(Acknowledgement.user_id == user.id)) is None
    from cli.main import main

    env = {"DATABASE_URL": session.get_bind().url.render_as_string(hide_password=False)}
    verified = runner.invoke(main, ["--root", str(tmp_path), "acks", "verify"], env=env)
    assert verified.exit_code == 1 and "服务器签名密钥缺失" in verified.output
    with pytest.raises(SigningKeyMissing):
        signer_for(session, key)


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    create_key(key)
    assert key.stat().st_mode & 0o777 == 0o600
    key.chmod(0o644)
    with pytest.raises(SigningKeyUnsafe, match="chmod 600"):
        load_signer(key)


def test_records_from_before_signing_are_signed_when_the_key_is_made(
    session: Session, record_signer: RecordSigner, chain: list[int], tmp_path: Path, runner: Any
) -> None:
    # A database upgraded from before signatures: records, no signatures, no key.
    with as_attacker(session):
        session.execute(text("DELETE FROM ack_signatures"))
    key = tmp_path / "var" / "ack-signing-key.pem"
    key.unlink()
    from cli.main import main

    env = {"DATABASE_URL": session.get_bind().url.render_as_string(hide_password=False)}
    hashes_only = runner.invoke(main, ["--root", str(tmp_path), "acks", "verify"], env=env)
    assert hashes_only.exit_code == 0 and "只校验了哈希" in hashes_only.output
    made = runner.invoke(main, ["--root", str(tmp_path), "acks", "keygen"], env=env)
    assert made.exit_code == 0 and "已为 5 条尚未签名的记录签名" in made.output
    assert key.stat().st_mode & 0o777 == 0o600
    session.expire_all()
    assert session.scalar(select(AckSignature.ack_id).where(AckSignature.ack_id == chain[0])) == chain[0]
    assert verify_chain(session, load_signer(key).verifier).ok
    head = session.get(AckChainHead, 1)
    assert head is not None and head.count == 5
