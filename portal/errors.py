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
    "LoginLocked",
    "NotFound",
    "PermissionDenied",
    "PublishRefused",
    "ValidationFailed",
]


class LoginFailed(HandbookError):
    user_message = "工号或密码不正确。"


class LoginLocked(HandbookError):
    """Too many failures within the rate-limit window; the message names that window."""

    user_message = "登录失败次数过多，请稍后再试。"

    def __init__(self, message: str, window: dt.timedelta) -> None:
        minutes = max(1, round(window.total_seconds() / 60))
        super().__init__(message, f"登录失败次数过多，请 {minutes} 分钟后再试。")


class AlreadySigned(HandbookError):
    user_message = "您已签署过该版本，无需重复签署。"


class PublishRefused(HandbookError):
    user_message = "无法发布该版本。"
