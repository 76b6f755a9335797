"""Just enough of the OLE2 compound file format to look inside a Word file before converting it.

Word 97–2003 ``.doc`` files, and *encrypted* ``.docx`` files, are OLE2
"compound files": a small FAT file system in one file.  We only need the
stream names and the first bytes of a stream, to tell before running
LibreOffice whether a file is encrypted (FIB ``fEncrypted`` flag of the
``WordDocument`` stream; an ``EncryptionInfo`` stream in an encrypted OOXML
package).  Damaged structures raise :class:`CompoundFileError`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_END_OF_CHAIN = 0xFFFFFFFE
_FREE_SECTOR = 0xFFFFFFFF
_MAX_REGULAR_SECTOR = 0xFFFFFFFA
_HEADER_DIFAT_ENTRIES = 109
_DIR_ENTRY_SIZE = 128
_STREAM = 2
_ROOT = 5

# FIB (File Information Block) at the start of the WordDocument stream.
_FIB_IDENTS = {0xA5EC: "Word 97-2003", 0xA5DC: "Word 6/95", 0xA5DB: "Word 2"}
_FIB_FLAGS_OFFSET = 0x0A
_FIB_ENCRYPTED = 0x0100


class CompoundFileError(ValueError):
    """The compound file structure is damaged (truncated, loops, bad offsets)."""


@dataclass(frozen=True)
class DirectoryEntry:
    """One stream or storage in the compound file."""

    name: str
    kind: int
    start: int
    size: int


def is_compound_file(data: bytes) -> bool:
    """Whether ``data`` starts with the OLE2 signature."""
    return data[:8] == OLE2_MAGIC


class CompoundFile:
    """A parsed compound file held in memory (Word files are small)."""

    def __init__(self, data: bytes) -> None:
        if not is_compound_file(data) or len(data) < 512:
            raise CompoundFileError("not an OLE2 compound file")
        self._data = data
        self._sector_size = 1 << _u16(data, 0x1E)
        self._mini_sector_size = 1 << _u16(data, 0x20)
        if self._sector_size not in (512, 4096) or self._mini_sector_size != 64:
            raise CompoundFileError("unsupported sector size")
        self._mini_cutoff = _u32(data, 0x38)
        self._fat = self._read_fat()
        self.entries = self._read_directory()
        self._mini_fat = self._read_chain_bytes(_u32(data, 0x3C)) if _u32(data, 0x40) else b""

    def _sector(self, sid: int) -> bytes:
        offset = (sid + 1) * self._sector_size
        if sid >= _MAX_REGULAR_SECTOR or offset >= len(self._data):
            raise CompoundFileError(f"sector {sid} out of range")
        # The last sector may be cut short by writers that do not pad (WPS).
        return self._data[offset : offset + self._sector_size]

    def _read_fat(self) -> list[int]:
        difat = list(struct.unpack_from(f"<{_HEADER_DIFAT_ENTRIES}I", self._data, 0x4C))
        next_difat, remaining = _u32(self._data, 0x44), _u32(self._data, 0x48)
        per_sector = self._sector_size // 4 - 1
        while remaining and next_difat < _MAX_REGULAR_SECTOR:
            sector = self._sector(next_difat).ljust(self._sector_size, b"\0")
            values = struct.unpack(f"<{per_sector + 1}I", sector)
            difat.extend(values[:per_sector])
            next_difat, remaining = values[per_sector], remaining - 1
        fat: list[int] = []
        for sid in difat[: _u32(self._data, 0x2C) or len(difat)]:
            if sid >= _MAX_REGULAR_SECTOR:
                continue
            sector = self._sector(sid).ljust(self._sector_size, b"\0")
            fat.extend(struct.unpack(f"<{self._sector_size // 4}I", sector))
        return fat

    def _chain(self, start: int, table: list[int]) -> list[int]:
        chain: list[int] = []
        sid = start
        while sid not in (_END_OF_CHAIN, _FREE_SECTOR):
            if sid >= len(table) or len(chain) > len(table):
                raise CompoundFileError("broken sector chain")
            chain.append(sid)
            sid = table[sid]
        return chain

    def _read_chain_bytes(self, start: int) -> bytes:
        return b"".join(self._sector(sid) for sid in self._chain(start, self._fat))

    def _read_directory(self) -> list[DirectoryEntry]:
        raw = self._read_chain_bytes(_u32(self._data, 0x30))
        entries = []
        for offset in range(0, len(raw) - _DIR_ENTRY_SIZE + 1, _DIR_ENTRY_SIZE):
            name_length = min(_u16(raw, offset + 0x40), 64)
            name = raw[offset : offset + max(name_length - 2, 0)].decode("utf-16-le", "replace")
            entries.append(
                DirectoryEntry(
                    name=name,
                    kind=raw[offset + 0x42],
                    start=_u32(raw, offset + 0x74),
                    size=_u32(raw, offset + 0x78),
                )
            )
        if not entries or entries[0].kind != _ROOT:
            raise CompoundFileError("no root directory entry")
        return entries

    def stream_names(self) -> set[str]:
        """Names of all streams (any depth; names are unique enough for our checks)."""
        return {e.name for e in self.entries if e.kind == _STREAM}

    def read_stream(self, name: str, limit: int | None = None) -> bytes:
        """The first ``limit`` bytes (default: all) of the first stream called ``name``."""
        entry = next((e for e in self.entries if e.kind == _STREAM and e.name == name), None)
        if entry is None:
            raise CompoundFileError(f"no stream {name!r}")
        size = entry.size if limit is None else min(entry.size, limit)
        if entry.size < self._mini_cutoff:
            data = self._read_mini_stream(entry.start, size)
        else:
            data = self._read_chain_bytes(entry.start)
        if len(data) < size:
            raise CompoundFileError(f"stream {name!r} is truncated")
        return data[:size]

    def _read_mini_stream(self, start: int, size: int) -> bytes:
        mini_fat = list(
            struct.unpack(f"<{len(self._mini_fat) // 4}I", self._mini_fat[: len(self._mini_fat) // 4 * 4])
        )
        container = self._read_chain_bytes(self.entries[0].start)
        parts: list[bytes] = []
        for sid in self._chain(start, mini_fat):
            offset = sid * self._mini_sector_size
            parts.append(container[offset : offset + self._mini_sector_size])
            if sum(map(len, parts)) >= size:
                break
        return b"".join(parts)


@dataclass(frozen=True)
class WordBinaryInfo:
    """What the FIB of a Word binary file says about it."""

    version: str
    encrypted: bool


def word_binary_info(data: bytes) -> WordBinaryInfo:
    """Read the FIB of a ``.doc``; raise :class:`CompoundFileError` if there is no Word stream."""
    fib = CompoundFile(data).read_stream("WordDocument", limit=32)
    if len(fib) < _FIB_FLAGS_OFFSET + 2:
        raise CompoundFileError("WordDocument stream too short")
    ident = _u16(fib, 0)
    if ident not in _FIB_IDENTS:
        raise CompoundFileError(f"unknown Word identifier {ident:#x}")
    return WordBinaryInfo(_FIB_IDENTS[ident], bool(_u16(fib, _FIB_FLAGS_OFFSET) & _FIB_ENCRYPTED))


def is_encrypted_ooxml(data: bytes) -> bool:
    """An encrypted .docx/.xlsx is an OLE2 file with EncryptionInfo + EncryptedPackage streams."""
    try:
        names = CompoundFile(data).stream_names()
    except CompoundFileError:
        return False
    return "EncryptionInfo" in names or "EncryptedPackage" in names


def _u16(data: bytes, offset: int) -> int:
    if offset + 2 > len(data):
        raise CompoundFileError("truncated structure")
    return int(struct.unpack_from("<H", data, offset)[0])


def _u32(data: bytes, offset: int) -> int:
    if offset + 4 > len(data):
        raise CompoundFileError("truncated structure")
    return int(struct.unpack_from("<I", data, offset)[0])
