"""The plain-text reader: bytes of a ``.txt`` source → one :class:`Block` per line.

Chinese text files come as UTF-8 (with or without a BOM) or GBK/GB18030;
charset-normalizer decides when UTF-8 does not decode.  Binary data and
empty files are refused with :class:`~domain.errors.ImportFailed`, whose
Chinese message names the file and the reason.
"""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from domain.errors import ImportFailed
from importers.blocks import Block
from importers.failures import FailureReason, import_failed
from importers.limits import MAX_SOURCE_BYTES
from importers.results import Result, warned

# Control characters other than tab, newline, carriage return and form feed
# never occur in real text files; a few percent of them means binary data.
_CONTROL = frozenset(range(32)) - {9, 10, 12, 13}
_MAX_CONTROL_SHARE = 0.01
_CHINESE_ENCODINGS = ("gb18030", "gbk", "gb2312", "big5")


def read_text_file(path: Path) -> Result[list[Block]]:
    """Read a text source from disk (size checked before reading)."""
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise import_failed(path.name, FailureReason.TOO_LARGE, f"{size} bytes")
    return read_text_bytes(path.read_bytes(), path.name)


def read_text_bytes(data: bytes, name: str) -> Result[list[Block]]:
    """Decode ``data`` and return one block per line (blank lines skipped).

    ``source`` of each block is ``name:line`` so that the report can point
    HR at the exact line.
    """
    if len(data) > MAX_SOURCE_BYTES:
        raise import_failed(name, FailureReason.TOO_LARGE, f"{len(data)} bytes")
    if not data.strip():
        raise import_failed(name, FailureReason.EMPTY)
    text, encoding = decode_text(data, name)
    notes = () if encoding.startswith("utf") else (f"「{name}」按 {encoding.upper()} 编码读取。",)
    blocks = [
        Block(text=line.strip(), source=f"{name}:{number}")
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]
    return Result(blocks, warned(notes))


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """The text and the encoding used; binary data raises ImportFailed."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _checked(_decode(data[3:], "utf-8", name), name), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Notepad's "Unicode" (UTF-16 with a byte-order mark): NUL bytes here are not binary.
        return _checked(_decode(data, "utf-16", name), name), "utf-16"
    if b"\x00" in data[:4096]:
        raise _not_text(name, "contains NUL bytes")
    try:
        return _checked(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_legacy(data, name)


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise _not_text(name, f"undecodable as {encoding}") from error


def _decode_legacy(data: bytes, name: str) -> tuple[str, str]:
    best = from_bytes(data, cp_isolation=list(_CHINESE_ENCODINGS)).best()
    encoding = best.encoding if best is not None else "gb18030"
    # GB18030 is a superset of GBK and GB2312: decode with it so that rare
    # characters outside GBK do not fail.
    if encoding in ("gbk", "gb2312", "gb18030"):
        encoding = "gb18030"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise _not_text(name, f"undecodable as {encoding}") from error
    return _checked(text, name), encoding


def _checked(text: str, name: str) -> str:
    """Refuse decoded text that is mostly control characters or replacement glyphs."""
    if not text.strip():
        raise import_failed(name, FailureReason.EMPTY, "only whitespace")
    odd = sum(1 for ch in text if ord(ch) in _CONTROL or ch == "\ufffd")
    if odd / len(text) > _MAX_CONTROL_SHARE:
        raise _not_text(name, f"{odd} control characters")
    return text


def _not_text(name: str, detail: str) -> ImportFailed:
    return ImportFailed(
        f"{name}: not a text file ({detail})",
        user_message=f"无法导入「{name}」：文件不是文本文件（含有二进制内容），请确认文件类型。",
    )
