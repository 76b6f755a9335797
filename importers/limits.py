"""Limits shared by every reader: one place, so that .txt, .docx and .doc agree."""

from __future__ import annotations

from dataclasses import dataclass

# A handbook source larger than this is refused before it is read (50 MiB):
# real regulations are a few hundred KiB; anything bigger is a mistake or an attack.
MAX_SOURCE_BYTES = 50 * 1024 * 1024

# A .docx is a ZIP archive: its size on disk says little about what it unpacks to.
# These three are checked from the archive's central directory (sizes and entry
# count as the archive declares them) before any member is decompressed; Python's
# zipfile never yields more than a member's declared size, so a lying header
# cannot get past them either (the member then fails its CRC check instead).
#
# Unpacked total (200 MiB): a long regulation's document.xml is a few MiB, images
# in word/media add tens; everything unpacked is held and parsed in memory, and
# the finding of issue 9 (450 MiB) cost 300 s and 7 GB.
MAX_DOCX_UNPACKED_BYTES = 200 * 1024 * 1024
# Compression ratio (100×), of the whole archive and of each member larger than
# MIN_RATIO_CHECKED_BYTES: Word's XML deflates 5–20×, very repetitive tables ~50×;
# hundreds or a thousand (deflate's ceiling) is crafted.  Small members (empty
# headers, settings) may compress better without harm, hence the floor.
MAX_DOCX_COMPRESSION_RATIO = 100
MIN_RATIO_CHECKED_BYTES = 1024 * 1024
# XML parts together (32 MiB): what is actually parsed and walked, at about half
# a second and 10 MiB per MiB through the whole import (measured: 32 MiB of
# paragraphs, 250,000 of them, took 18 s and ~350 MiB).  A 1,000-page handbook
# is under 15 MiB of XML; images and other binary parts only count above.
MAX_DOCX_XML_BYTES = 32 * 1024 * 1024
# Entries (10,000): a document has 10–30 parts plus one per image; tens of
# thousands only make the central directory itself expensive.
MAX_DOCX_ENTRIES = 10_000


@dataclass(frozen=True)
class PackageLimits:
    """The .docx limits above as one value, so that a caller (tests, a stricter worker) can change them."""

    max_unpacked_bytes: int = MAX_DOCX_UNPACKED_BYTES
    max_compression_ratio: float = MAX_DOCX_COMPRESSION_RATIO
    min_ratio_checked_bytes: int = MIN_RATIO_CHECKED_BYTES
    max_entries: int = MAX_DOCX_ENTRIES
    max_xml_bytes: int = MAX_DOCX_XML_BYTES


DEFAULT_PACKAGE_LIMITS = PackageLimits()


# Address space of each LibreOffice process converting a .doc (2 GiB, RLIMIT_AS):
# a normal conversion runs in under 1 GiB of address space (measured: it fails
# to load files at 200 MiB and converts at 1 GiB); the cap keeps a crafted file
# from taking the machine or the portal's worker.  Time is capped separately by
# the conversion timeout (DocReaderOptions.timeout_base/timeout_per_file).
SOFFICE_MEMORY_LIMIT_BYTES = 2 * 1024 * 1024 * 1024
