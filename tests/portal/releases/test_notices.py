"""After a publish, the people who must sign a new or revised regulation get one mail each (real SMTP)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session

from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.releases.notices import notify_publication
from portal.reminders.services import SmtpSettings


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.received = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        self.received.set()
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    box = Inbox()
    with socket.socket() as probe:  # aiosmtpd's Controller cannot start on port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def test_signers_of_a_revised_regulation_are_mailed_once_and_others_not(
    session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
    document: Callable[..., Any], inbox: tuple[Inbox, int],
) -> None:
    box, port = inbox
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
    [message] = box.messages
    assert message["To"].endswith("<zhang@example.com>")
    body = message.get_payload(decode=True).decode("utf-8")
    assert "销售管理制度" in body and "会议管理制度" not in body  # only the revised one
    assert "https://handbook.example.com/my" in body and "回款期限缩短" in body
    assert "制度发布" in str(make_header(decode_header(message["Subject"])))
