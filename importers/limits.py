"""Limits shared by every reader: one place, so that .txt, .docx and .doc agree."""

from __future__ import annotations

# A handbook source larger than this is refused before it is read (50 MiB):
# real regulations are a few hundred KiB; anything bigger is a mistake or an attack.
MAX_SOURCE_BYTES = 50 * 1024 * 1024
