"""The project's one root exception, and the few kinds the stages raise.

Only unusable input raises; imperfect input becomes warnings in a report.
Each error carries a message for users in Chinese (``user_message``) and
its ``str()`` in English for logs.
"""

from __future__ import annotations


class HandbookError(Exception):
    """Root of every error this project raises on purpose."""

    user_message: str = "操作失败。"

    def __init__(self, message: str, user_message: str | None = None) -> None:
        super().__init__(message)
        if user_message is not None:
            self.user_message = user_message


class ImportFailed(HandbookError):
    """A source file cannot be read at all (encrypted, corrupt, empty, too large)."""

    user_message = "文件无法导入。"


class NotFound(HandbookError):
    user_message = "找不到所请求的内容。"


class PermissionDenied(HandbookError):
    user_message = "您没有权限执行此操作。"


class ValidationFailed(HandbookError):
    """Input that breaks a rule; ``field_errors`` maps a field name to a Chinese message."""

    user_message = "提交的内容有误，请检查后重试。"

    def __init__(
        self,
        message: str,
        user_message: str | None = None,
        field_errors: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, user_message)
        self.field_errors = dict(field_errors or {})
