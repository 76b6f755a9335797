"""An uploaded roster kept between its preview and its application.

The preview page must not carry the parsed rows through the browser (they would be the
client's to change); the file stays under ``var/rosters/`` named by its uploader's id and a
random token, and the apply step reads and checks it again against the database of that moment.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from domain.errors import ImportFailed, NotFound
from portal.auth.roster import ROSTER_SUFFIXES

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,32}$")
KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class StashedRoster:
    token: str
    path: Path

    def read(self) -> bytes:
        return self.path.read_bytes()


def stash(folder: Path, user_id: int, data: bytes, filename: str) -> StashedRoster:
    suffix = Path(filename).suffix.lower()
    if suffix not in ROSTER_SUFFIXES:
        raise ImportFailed(f"roster upload {filename!r}", "花名册只支持 .csv 或 .xlsx 文件。")
    folder.mkdir(parents=True, exist_ok=True)
    _forget_old(folder)
    token = secrets.token_urlsafe(12)
    path = folder / f"{user_id}-{token}{suffix}"
    path.write_bytes(data)
    path.chmod(0o600)  # a roster holds personal data
    return StashedRoster(token, path)


def stashed(folder: Path, user_id: int, token: str) -> StashedRoster:
    """The uploader's own roster for ``token``; someone else's token finds nothing."""
    if TOKEN.match(token or ""):
        for suffix in ROSTER_SUFFIXES:
            path = folder / f"{user_id}-{token}{suffix}"
            if path.is_file():
                return StashedRoster(token, path)
    raise NotFound(f"no stashed roster {token!r} for {user_id}", "上传的花名册已失效，请重新上传。")


def _forget_old(folder: Path) -> None:
    limit = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
