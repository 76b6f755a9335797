"""The ways a source file can be unusable, each as an :class:`ImportFailed` with a Chinese message.

One place for the wording, so that the .docx, .doc and text readers tell
HR the same thing for the same problem: the file name and the reason, in
Chinese for people (``user_message``) and in English for the logs
(``str(error)``).
"""

from __future__ import annotations

from enum import Enum

from domain.errors import ImportFailed


class FailureReason(Enum):
    """Why a file cannot be imported: (English for logs, Chinese for users)."""

    EMPTY = ("empty file", "文件是空的（0 字节）")
    TOO_LARGE = ("file exceeds the size limit", "文件超过大小上限")
    UNPACKED_TOO_LARGE = (
        "package too large once unpacked",
        "文件解压后超过大小上限，不像正常的 Word 文档（可能是“压缩炸弹”），已拒绝",
    )
    COMPRESSION_RATIO = (
        "compression ratio beyond the limit (zip bomb)",
        "文件的压缩比异常（解压后的体积是压缩后的上百倍），可能是“压缩炸弹”，已拒绝",
    )
    TOO_MANY_ENTRIES = (
        "too many entries in the package",
        "文件内部的部件过多，不像正常的 Word 文档，已拒绝",
    )
    ENCRYPTED = (
        "encrypted (password-protected) document",
        "文件已加密（设有打开密码），请在 Word 中取消密码后再导入",
    )
    CORRUPT = ("corrupt or truncated file", "文件已损坏或不完整，无法打开")
    NOT_WORD = ("not a Word document", "文件不是 Word 文档（内容与扩展名不符）")
    UNSUPPORTED = ("unsupported file type", "不支持的文件类型（只支持 .doc、.docx 和 .txt）")
    # LibreOffice says the same (exit 0, no output) for a damaged file and for one it
    # could not load within its memory limit: the message names both causes.
    CONVERSION_FAILED = (
        "LibreOffice could not convert the file (damaged, or beyond the conversion's memory limit)",
        "LibreOffice 无法转换此文件：文件可能已损坏，或转换所需内存超出了内存上限",
    )
    TIMEOUT = ("conversion timed out", "转换超时，文件可能已损坏或过大")
    NO_CONVERTER = (
        "neither LibreOffice nor antiword is available",
        "未安装 LibreOffice 或 antiword，无法读取 .doc 文件",
    )
    NEEDS_LIBREOFFICE = (
        "RTF/HTML saved as Word needs LibreOffice",
        "此文件其实是 RTF 或网页格式，需要安装 LibreOffice 才能读取",
    )
    TEXT_TOO_SMALL = (
        "antiword cannot read this old Word 6/95 file (text stream too small)",
        "antiword 无法读取这个旧版（Word 6/95）文件，请安装 LibreOffice 后重试",
    )
    UNREADABLE = ("the file cannot be read", "无法读取文件")

    @property
    def english(self) -> str:
        return self.value[0]

    @property
    def chinese(self) -> str:
        return self.value[1]


class SourceUnusable(ImportFailed):
    """An :class:`ImportFailed` that also says which file and why, for code that refines a diagnosis."""

    def __init__(self, message: str, user_message: str, *, reason: FailureReason, file_name: str) -> None:
        super().__init__(message, user_message)
        self.reason = reason
        self.file_name = file_name


def import_failed(name: str, reason: FailureReason, detail: str = "") -> SourceUnusable:
    """An :class:`ImportFailed` naming the file and the reason; ``detail`` goes to the log text only."""
    log_text = f"{name}: {reason.english}" + (f" ({detail})" if detail else "")
    return SourceUnusable(log_text, f"无法导入「{name}」：{reason.chinese}。", reason=reason, file_name=name)
