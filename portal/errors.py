"""The portal's errors: subclasses of the project's one root, each with a Chinese message.

Views map them to a flash message or a status code; services raise them.
"""

from __future__ import annotations

import datetime as dt

from domain.errors import HandbookError, NotFound, PermissionDenied, ValidationFailed

__all__ = [
    "AlreadySigned",
    "HandbookError",
    "LoginFailed",
    "LoginThrottled",
    "NotFound",
    "PermissionDenied",
    "PublishRefused",
    "ValidationFailed",
]


class LoginFailed(HandbookError):
    user_message = "工号或密码不正确。"


class LoginThrottled(HandbookError):
    """Too many failures in a row (of the account or from the address): the message says how long to wait."""

    user_message = "登录失败次数过多，请稍后再试。"

    def __init__(self, message: str, wait: dt.timedelta, wait_words: str) -> None:
        self.wait = wait
        super().__init__(message, f"登录失败次数过多，为保护账号，请 {wait_words}后再试。")


class AlreadySigned(HandbookError):
    user_message = "您已签署过该版本，无需重复签署。"


class PublishRefused(HandbookError):
    user_message = "无法发布该版本。"
