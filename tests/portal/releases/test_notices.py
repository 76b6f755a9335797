"""After a publish, the people who must sign a new or revised regulation get one mail each (real SMTP)."""

from __future__ import annotations

from collections.abc import Callable
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any

from sqlalchemy.orm import Session

from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.releases.notices import notify_publication
from portal.reminders.services import SmtpSettings
from tests.portal.conftest import Inbox


def test_signers_of_a_revised_regulation_are_mailed_once_and_others_not(
    session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
    document: Callable[..., Any], smtp_server: tuple[Inbox, int],
) -> None:
    box, port = smtp_server
    publish("2026.1", document("sales", "销售管理制度", ["回款须在三十日内完成。"]), document("meetings", "会议管理制度", ["例会每周一。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    make_user("张三", email="zhang@example.com")
    make_user("李四", email="")  # no address: not mailed, not an error
    outcome = publish("2026.2", document("sales", "销售管理制度", ["回款须在十五日内完成。"]))
    sent = notify_publication(session, clock, SmtpSettings("127.0.0.1", port, sender="hr@example.com"),
                              "https://handbook.example.com/", outcome, "回款期限缩短")
    assert sent == 1
    assert box.received.wait(5)
    [envelope] = box.messages
    message = message_from_bytes(envelope.content)
    assert message["To"].endswith("<zhang@example.com>")
    body = message.get_payload(decode=True).decode("utf-8")
    assert "销售管理制度" in body and "会议管理制度" not in body  # only the revised one
    assert "https://handbook.example.com/my" in body and "回款期限缩短" in body
    assert "制度发布" in str(make_header(decode_header(message["Subject"])))
